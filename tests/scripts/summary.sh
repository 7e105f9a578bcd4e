#!/usr/bin/env bash
# Adds up the counters of every TRX file under $1 and prints `tests: N passed, N failed[, N skipped]`.
# Exits non-zero when a test failed or no test ran.
# With a label as $2 it prints `<label>: N of N tests passed ...` instead, a line CI does not read as the total.
set -u
dir=${1:?results folder}
label=${2:-}
passed=0 failed=0 skipped=0 total=0
shopt -s nullglob globstar
for trx in "$dir"/**/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$((total + $(value total)))
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done
if [ -n "$label" ]; then
  echo "$label: $passed of $total tests passed ($failed failing, $skipped not run)"
  [ "$total" -gt 0 ] && [ "$failed" -eq 0 ]
  exit
fi
if [ "$total" -eq 0 ]; then
  echo "tests: 0 passed, 1 failed (no test results were found)"
  exit 1
fi
# Passes the caller saw fail without a failing test in their results (aborted: a hang, a crashed test host).
aborted=${ABORTED_PASSES:-0}
failed=$((failed + aborted))
line="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
[ "$aborted" -gt 0 ] && line="$line ($aborted test pass(es) aborted before the end: see the output above)"
echo "$line"
[ "$failed" -eq 0 ]
