#!/usr/bin/env bash
# Everything `make test` runs, after the build: unit tests (host, under
# sanitizers) and system tests (QEMU). The last line counts every test.
set -uo pipefail
cd "$(dirname "$0")/.."

log=build/test-unit.log
make --no-print-directory -C tests/unit O="$PWD/build/unit" LIBFDT_DIR="$PWD/build/libfdt" check >"$log" 2>&1
unit_rc=$?
grep -E '^(PASS|FAIL) ' "$log" | sed 's/^/unit: /'
unit_pass=$(grep -c '^PASS ' "$log")
unit_fail=$(grep -c '^FAIL ' "$log")
if [ $unit_rc -ne 0 ] && [ "$unit_fail" -eq 0 ]; then
	# a binary crashed or failed to build: count it, and show why
	unit_fail=1
	tail -n 30 "$log"
fi

sys_log=build/test-system.log
tests/system/run.sh | tee "$sys_log"
sys_pass=$(grep -c '^PASS ' "$sys_log")
sys_fail=$(grep -c '^FAIL ' "$sys_log")

passed=$((unit_pass + sys_pass))
failed=$((unit_fail + sys_fail))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
