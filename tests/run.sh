#!/usr/bin/env bash
# Runs every test: installs and starts what the tests need (RabbitMQ, PostgreSQL, Chromium) on loopback,
# runs `dotnet test`, stops the services again, and prints `tests: N passed, N failed[, N skipped]`.
# Usage: bash tests/run.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
here="$root/tests/scripts"
# shellcheck source=tests/scripts/services.sh
source "$here/services.sh"

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

trap services_stop EXIT
services_install
services_start || { echo "tests: 0 passed, 1 failed (the test services did not start)"; exit 1; }

dotnet restore Approvals.sln --nologo -v q
dotnet build Approvals.sln --nologo -v q --no-restore -warnaserror
build=$?
if [ $build -ne 0 ]; then
  echo "tests: 0 passed, 1 failed (the build failed)"
  exit 1
fi

dotnet test Approvals.sln --nologo --no-build --logger "trx" --results-directory "$results" "$@"
status=$?

bash "$here/summary.sh" "$results"
summary=$?
[ $status -eq 0 ] && [ $summary -eq 0 ]
