#!/usr/bin/env bash
# Everything `make test` runs, after the build: unit tests (host, under
# sanitizers), the fuzzers' corpora replayed, and system tests (QEMU). The last line counts every test.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0

# tally PREFIX LOG RC PASS_RE FAIL_RE SHOW_RE: print the LOG's result lines
# (SHOW_RE) behind PREFIX and add its counts to the totals. A run that
# failed (RC) without a failing line crashed or did not build: it counts
# as one failure, and the end of its log says why.
tally() {
	local prefix=$1 log=$2 rc=$3 pass_re=$4 fail_re=$5 show_re=$6 p f
	grep -E "$show_re" "$log" | sed "s/^/$prefix: /"
	p=$(grep -cE "$pass_re" "$log")
	f=$(grep -cE "$fail_re" "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		tail -n 30 "$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

log=build/test-unit.log
make --no-print-directory -C tests/unit O="$PWD/build/unit" LIBFDT_DIR="$PWD/build/libfdt" check >"$log" 2>&1
tally unit "$log" $? '^PASS ' '^FAIL ' '^(PASS|FAIL) '

# the host fuzzers' corpora (tests/fuzz): every seed and every input that
# once crashed, replayed with gcc under ASan/UBSan (no clang needed); one
# PASS line per target, one FAIL line per input that fails
fz_log=build/test-fuzz-replay.log
make --no-print-directory -j"$(nproc)" -C tests/fuzz O="$PWD/build/fuzz-host" LIBFDT_DIR="$PWD/build/libfdt" replay >"$fz_log" 2>&1
tally fuzz-replay "$fz_log" $? '^PASS ' '^FAIL ' '^(PASS|FAIL) '

# tools/keel-prof, the host profiling tool: Python's unittest, one line per
# test (-v prints "name ... ok|FAIL|ERROR|skipped")
py_log=build/test-keel-prof.log
python3 -B -m unittest -v tests/unit/test_keel_prof.py >"$py_log" 2>&1
tally keel-prof "$py_log" $? ' \.\.\. ok$' ' \.\.\. (FAIL|ERROR)$' ' \.\.\. '
py_skip=$(grep -cE ' \.\.\. skipped' "$py_log")

sys_log=build/test-system.log
tests/system/run.sh | tee "$sys_log"
passed=$((passed + $(grep -c '^PASS ' "$sys_log")))
failed=$((failed + $(grep -c '^FAIL ' "$sys_log")))
if [ "$py_skip" -gt 0 ]; then
	# only when riscv64-unknown-elf-gcc/nm are missing: the reason is above
	echo "$passed passed, $failed failed, $py_skip skipped (keel-prof ELF tests: no RISC-V toolchain)"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
