#!/usr/bin/env bash
# Every Catch2 TEST_CASE must be a ctest test that runs. catch_discover_tests (Catch2 2.13)
# registers each name as one ctest argument list: a name with ';' becomes two tests that match
# nothing and "pass" without running a line (22 cases were lost so until issue 16's work), and
# a name starting with '--' is read by Catch2 as a flag. Usage: test_names_test.sh SOURCE_DIR
set -euo pipefail
root=${1:?usage: test_names_test.sh SOURCE_DIR}
bad=$(grep -rnE --include='*.cc' 'TEST_CASE\("([^"]*;|--)' \
  "$root/tests" "$root/examples" "$root/bindings" || true)
if [ -n "$bad" ]; then
  echo "TEST_CASE names that ctest cannot run (no ';', no leading '--'):" >&2
  echo "$bad" >&2
  exit 1
fi
echo "every TEST_CASE name is runnable by ctest"
