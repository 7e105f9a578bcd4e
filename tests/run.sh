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

# A test that hangs (a deadlock, a wait without a timeout) ends its pass after this long instead of the whole run:
# the test host is stopped, the hanging test is named in the output and the pass counts as failed.
hang=(--blame-hang-timeout 10m --blame-hang-dump-type none)

# First pass: every test project on SQLite (the default database of the tests).
started=$SECONDS
dotnet test Approvals.sln --nologo --no-build "${hang[@]}" --logger "trx" --results-directory "$results/sqlite" "$@"
status=$?
sqlite_seconds=$((SECONDS - started))

# Second pass: the tests that touch the database again, each test app on a fresh PostgreSQL database
# (tests marked [Trait("Category", "NoDatabase")] never touch it and are left out). PostgreSQL missing fails here.
started=$SECONDS
APPROVALS_TEST_DATABASE=Postgres dotnet test tests/Approvals.Tests --nologo --no-build "${hang[@]}" --filter "Category!=NoDatabase" \
  --logger "trx;LogFileName=postgres.trx" --results-directory "$results/postgres" "$@"
postgres_status=$?
postgres_seconds=$((SECONDS - started))

# A pass that failed with no failing test in its results was aborted (a hang, a crashed test host, no results):
# that counts as one failure more, so the total never reads green over tests that did not run.
aborted=0
pass_summary() { # folder label exit-status
  local line
  line=$(bash "$here/summary.sh" "$1" "$2")
  echo "$line"
  if [ "$3" -ne 0 ] && [[ "$line" == *"(0 failing"* ]]; then aborted=$((aborted + 1)); fi
}
pass_summary "$results/sqlite" "SQLite pass (${sqlite_seconds} s)" $status
pass_summary "$results/postgres" "PostgreSQL pass (${postgres_seconds} s)" $postgres_status
ABORTED_PASSES=$aborted bash "$here/summary.sh" "$results"
summary=$?
[ $status -eq 0 ] && [ $postgres_status -eq 0 ] && [ $summary -eq 0 ]
