#!/usr/bin/env bash
# Everything `make test` runs, after the build: unit tests (host, under
# sanitizers), the fuzzers' corpora replayed, and system tests (QEMU). The last line counts every test.
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

# the host fuzzers' corpora (tests/fuzz): every seed and every input that
# once crashed, replayed with gcc under ASan/UBSan (no clang needed); one
# PASS line per target, one FAIL line per input that fails
fz_log=build/test-fuzz-replay.log
make --no-print-directory -j"$(nproc)" -C tests/fuzz O="$PWD/build/fuzz-host" LIBFDT_DIR="$PWD/build/libfdt" replay >"$fz_log" 2>&1
fz_rc=$?
grep -E '^(PASS|FAIL) ' "$fz_log" | sed 's/^/fuzz-replay: /'
fz_pass=$(grep -c '^PASS ' "$fz_log")
fz_fail=$(grep -c '^FAIL ' "$fz_log")
if [ $fz_rc -ne 0 ] && [ "$fz_fail" -eq 0 ]; then
	fz_fail=1
	tail -n 30 "$fz_log"
fi

# tools/keel-prof, the host profiling tool: Python's unittest, one line per
# test (-v prints "name ... ok|FAIL|ERROR|skipped")
py_log=build/test-keel-prof.log
python3 -B -m unittest -v tests/unit/test_keel_prof.py >"$py_log" 2>&1
py_rc=$?
py_pass=$(grep -cE ' \.\.\. ok$' "$py_log")
py_fail=$(grep -cE ' \.\.\. (FAIL|ERROR)$' "$py_log")
py_skip=$(grep -cE ' \.\.\. skipped' "$py_log")
grep -E ' \.\.\. ' "$py_log" | sed 's/^/keel-prof: /'
if [ $py_rc -ne 0 ] && [ "$py_fail" -eq 0 ]; then
	py_fail=1
	tail -n 30 "$py_log"
fi

sys_log=build/test-system.log
tests/system/run.sh | tee "$sys_log"
sys_pass=$(grep -c '^PASS ' "$sys_log")
sys_fail=$(grep -c '^FAIL ' "$sys_log")

passed=$((unit_pass + fz_pass + py_pass + sys_pass))
failed=$((unit_fail + fz_fail + py_fail + sys_fail))
if [ "$py_skip" -gt 0 ]; then
	# only when riscv64-unknown-elf-gcc/nm are missing: the reason is above
	echo "$passed passed, $failed failed, $py_skip skipped (keel-prof ELF tests: no RISC-V toolchain)"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
