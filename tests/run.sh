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

# First pass: every test project on SQLite (the default database of the tests).
started=$SECONDS
dotnet test Approvals.sln --nologo --no-build --logger "trx" --results-directory "$results/sqlite" "$@"
status=$?
sqlite_seconds=$((SECONDS - started))

# Second pass: the tests that touch the database again, each test app on a fresh PostgreSQL database
# (tests marked [Trait("Category", "NoDatabase")] never touch it and are left out). PostgreSQL missing fails here.
started=$SECONDS
APPROVALS_TEST_DATABASE=Postgres dotnet test tests/Approvals.Tests --nologo --no-build --filter "Category!=NoDatabase" \
  --logger "trx;LogFileName=postgres.trx" --results-directory "$results/postgres" "$@"
postgres_status=$?
postgres_seconds=$((SECONDS - started))

if ! compgen -G "$results/postgres/*.trx" >/dev/null; then
  echo "tests: 0 passed, 1 failed (the PostgreSQL pass produced no results)"
  exit 1
fi
bash "$here/summary.sh" "$results/sqlite" "SQLite pass (${sqlite_seconds} s)"
bash "$here/summary.sh" "$results/postgres" "PostgreSQL pass (${postgres_seconds} s)"
bash "$here/summary.sh" "$results"
summary=$?
[ $status -eq 0 ] && [ $postgres_status -eq 0 ] && [ $summary -eq 0 ]
