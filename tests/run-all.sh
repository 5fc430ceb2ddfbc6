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

# dependencies point one way (docs/layout.md): src/'s includes and the
# calls build/keel's objects make, no folder using one above it, no circle
ly_log=build/test-layers.log
tests/layers.sh >"$ly_log" 2>&1
tally layers "$ly_log" $? '^PASS ' '^FAIL ' '^(FAIL |PASS |    )'

# tools/keel-prof, the host profiling tool: Python's unittest, one line per
# test (-v prints "name ... ok|FAIL|ERROR|skipped")
py_log=build/test-keel-prof.log
python3 -B -m unittest -v tests/unit/test_keel_prof.py >"$py_log" 2>&1
tally keel-prof "$py_log" $? ' \.\.\. ok$' ' \.\.\. (FAIL|ERROR)$' ' \.\.\. '
py_skip=$(grep -cE ' \.\.\. skipped' "$py_log")

# make goals and the set-up: nothing may build before scripts/setup.sh ran
so_log=build/test-setup-order.log
tests/setup-order.sh >"$so_log" 2>&1
tally setup-order "$so_log" $? '^PASS ' '^FAIL ' '^FAIL '

# The system cases boot the debug build: the same Keel with its lock-order
# checks on (make keel-debug, docs/smp.md). relocated, uboot and
# builtin-bundle test the release image's own bytes; make bench measures it.
export KEEL_BIN=build/keel-debug.bin

skipped=0 skip_why=()
[ "$py_skip" -gt 0 ] && skipped=$py_skip skip_why+=("keel-prof ELF tests: no RISC-V toolchain")

# The other Debian release's root (QEMU, OpenSBI, U-Boot of that release),
# made once, as root: the budgets' two-hart rows and the stack matrix run
# from it. Made before either needs it, so a fresh machine skips nothing.
host=$(. scripts/stack.sh; host_stack)
other=13
[ "$host" = debian13 ] && other=12
root_ok=0
if [ -z "${STACK:-}" ]; then
	root_log=build/test-debian-root.log
	if scripts/debian-root.sh $other >"$root_log" 2>&1; then
		root_ok=1
	else
		root_msg=$(tail -n 3 "$root_log")
	fi
fi

# Instruction budgets (tests/budgets.txt): the bench runs on the release
# image build/keel.bin, twice, one line per operation (docs/testing.md)
bc_log=build/test-budget.log
tests/budget-check.sh >"$bc_log" 2>&1
tally budget "$bc_log" $? '^PASS ' '^FAIL ' '^(PASS|FAIL|SKIP) '
bc_skip=$(grep -c '^SKIP ' "$bc_log")
[ "$bc_skip" -gt 0 ] && skipped=$((skipped + bc_skip)) &&
	skip_why+=("$bc_skip budgets: $(grep -m1 '^SKIP ' "$bc_log" | sed 's/^SKIP [^:]*: //')")

# the documents against the tree: files, functions, file:line, make goals
# and options, heading links, make bench's figures against tests/budgets.txt
# and the budget check's run just made (docs/testing.md)
dr_log=build/test-doc-refs.log
tests/doc-refs.sh >"$dr_log" 2>&1
tally doc-refs "$dr_log" $? '^PASS ' '^FAIL ' '^(FAIL |    )'

# system NAME [VAR=VALUE...]: the system suite (tests/system/run.sh) with
# those settings, its PASS/FAIL lines counted
system() {
	local log=build/test-system${1:+-$1}.log run=$1 n
	shift
	env "$@" tests/system/run.sh | tee "$log"
	passed=$((passed + $(grep -c '^PASS ' "$log")))
	failed=$((failed + $(grep -c '^FAIL ' "$log")))
	# cases of a Linux guest make could not build without root
	n=$(grep -c '^SKIP ' "$log")
	if [ "$n" -gt 0 ]; then
		skipped=$((skipped + n))
		skip_why+=("$n system cases${run:+ on $run}: $(grep -m1 '^SKIP ' "$log" | sed 's/^SKIP [^:]*: //')")
	fi
}

# The test matrix (docs/boards.md): the whole system suite on each stack,
# and the bare-metal guests and Linux (matrix-cpus.list) on two more CPU
# models. make test STACK=NAME runs everything on that one stack instead.
if [ -n "${STACK:-}" ]; then
	system "$STACK" KEEL_STACK="$STACK" KEEL_TEST_TAG="$STACK"
else
	# this machine's own stack, then the others (tagged), which need the
	# other Debian release's root (made above)
	system "" KEEL_STACK="$host"
	if [ "$root_ok" -eq 1 ]; then
		for stack in debian12 debian13 qemu72-opensbi16; do
			[ "$stack" = "$host" ] && continue
			system "$stack" KEEL_STACK="$stack" KEEL_TEST_TAG="$stack"
		done
	else
		n=$(grep -cE '^(QEMU_ARGS="[^"]*" )?(sys_needs [^ ]+ )?sys_(case|check|script) ' tests/system/cases.sh)
		skipped=$((skipped + 2 * n))
		skip_why+=("the two stacks other than $host, $n cases each: ${root_msg//$'\n'/ }")
	fi
	# Two more CPU models: the bare-metal guests and Linux. QEMU 7.2 has no
	# "max" model (it came with QEMU 8.0), so max runs on Debian 13's QEMU.
	cpu_run() { # cpu_run TAG STACK MODEL [LIST]
		system "$1" KEEL_STACK="$2" KEEL_QEMU_CPU="$3" KEEL_TEST_TAG="$1" \
			KEEL_TEST_ONLY="${4:-tests/system/matrix-cpus.list}"
	}
	cpu_run cpu-rv64-sstc-off "$host" rv64,sstc=off
	if [ "$host" = debian13 ] || [ "$root_ok" -eq 1 ]; then
		# max,zama16b=false: QEMU 10's max has Zama16b, where a misaligned AMO within
	# 16 bytes does not trap; the guests count those traps
		cpu_run cpu-max debian13 max,zama16b=false
		# the AIA's siselect without Smstateen to deny it: Keel must switch
		# vsiselect (docs/isolation.md); only the per-hart CSR cases
		cpu_run cpu-max-nostateen debian13 max,zama16b=false,smstateen=false \
			tests/system/matrix-nostateen.list
		# Svade and Svadu both in the DT: OpenSBI 1.6 leaves menvcfg.ADUE
		# clear, and Keel asks its FWFT for it on every hart (SBI FWFT)
		cpu_run cpu-svade debian13 rv64,svade=true tests/system/matrix-svade.list
	else
		n=$(cat tests/system/matrix-cpus.list tests/system/matrix-nostateen.list \
			tests/system/matrix-svade.list | grep -c .)
		skipped=$((skipped + n))
		skip_why+=("-cpu max and rv64,svade=true, $n cases: they need Debian 13's QEMU (QEMU 7.2 has no max model, nor Svade or Svadu)")
	fi
fi

for why in "${skip_why[@]}"; do
	echo "skipped: $why"
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
