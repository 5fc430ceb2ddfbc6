#!/usr/bin/env bash
# make test's instruction budgets (tests/budgets.txt, docs/testing.md):
# runs the bench runs the budgets need on the release image build/keel.bin
# (scripts/bench.sh -b: native, Keel, Keel without Sstc, two vCPUs on one
# hart, two vCPUs on two harts), twice, and prints one line per check:
#   PASS budget-check-can-fail       the comparison fails a fabricated log
#   PASS budget-deterministic        both runs printed the same rows
#   PASS|FAIL|SKIP budget-<op>: <value> <= <budget> (goal <goal>)
# Needs build/keel.bin and build/guests (make keel guests). Exit 1 on FAIL.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; failed=1; }

# 1. The comparison can fail: a fabricated run with one row over its
# budget, one budget with no row, one row within its budget
self_test() {
	local dir out
	dir=$(mktemp -d /tmp/budget-selftest.XXXXXX)
	printf 'BENCH null_sbi 41\nBENCH illegal_insn 999\nBENCH done\n' >"$dir/keel.log"
	printf 'BENCH illegal_insn 425\nBENCH done\n' >"$dir/native.log"
	{
		echo "qemu $(qemu-system-riscv64 --version | head -1 | awk '{print $4}')"
		echo "null_sbi 41 50 41"
		echo "illegal_insn native+228 native+15 653"
		echo "vinsn_wfi 90 100 90"
	} >"$dir/budgets.txt"
	out=$(BENCH_BUDGETS="$dir/budgets.txt" scripts/bench.sh -c "$dir")
	local rc=$?
	rm -rf "$dir"
	if [ $rc -ne 0 ] &&
		grep -q '^PASS budget-null_sbi: 41 <= 41 (goal 50)$' <<<"$out" &&
		grep -q '^FAIL budget-illegal_insn: 999 > 653 (goal 440' <<<"$out" &&
		grep -q '^FAIL budget-vinsn_wfi: not measured' <<<"$out"; then
		pass "budget-check-can-fail: over budget and not measured both fail, within passes"
	else
		fail "budget-check-can-fail: the comparison of a fabricated run (exit $rc) printed:"
		sed 's/^/    | /' <<<"$out"
	fi
}

# 2. Two runs; the figures of -icount are exact, so both must agree: a
# difference means something in a measurement depends on the host (and
# a budget would pass or fail by chance), which is a failure of its own
runs() {
	local i
	for i in 1 2; do
		if ! BENCH_OUT=build/budget/run$i scripts/bench.sh -b >build/budget/run$i.table 2>&1; then
			fail "budget-runs: bench run $i did not finish:"
			tail -n 5 build/budget/run$i.table | sed 's/^/    | /'
			return 1
		fi
	done
	rows() { cat build/budget/"$1"/*.log | tr -d '\r' | grep -E '^BENCH [a-z_0-9]+ [0-9]+$' | sort; }
	if diff <(rows run1) <(rows run2) >build/budget/diff.txt; then
		pass "budget-deterministic: two runs, the same $(rows run1 | wc -l) BENCH rows"
	else
		fail "budget-deterministic: two runs differ (build/budget/run1 and run2):"
		sed 's/^/    | /' build/budget/diff.txt
	fi
}

start=$(date +%s)
if ! [ -f build/keel.bin ] || ! [ -f build/guests/bench.elf ]; then
	fail "budget-runs: build/keel.bin or build/guests/bench.elf missing (make keel guests)"
	exit 1
fi
self_test
mkdir -p build/budget
if runs; then
	BENCH_OUT=build/budget/run1 scripts/bench.sh -c build/budget/run1 || failed=1
fi
echo "# budget check: $(($(date +%s) - start)) s; make bench's table of this run:" \
	"build/budget/run1.table"
exit $failed
