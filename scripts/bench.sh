#!/usr/bin/env bash
# make bench: the bench guest on QEMU + OpenSBI directly (S-mode, no
# hypervisor) and under Keel (VS-mode), all with -icount shift=0 so that
# instret counts retired instructions, repeatably (docs/bench.md).
# Prints every BENCH row the runs print, in order: Keel's figure, the
# native one where the native run has the row, and the goal and budget of
# tests/budgets.txt.
#   scripts/bench.sh            every run, the whole table
#   scripts/bench.sh -b         only the runs the budgets need, then the table
#                               (tests/budget-check.sh; no profiler, no 2 VMs)
#   scripts/bench.sh -c DIR     no run: compare DIR's logs with the budgets,
#                               one PASS/FAIL line per budget (exit 1 on FAIL)
#   scripts/bench.sh -r DIR     no run: the table of DIR's logs
#   BENCH_BUDGETS=FILE          another budgets file (the check's self-test)
#   BENCH_OUT=DIR               the logs' directory (build/bench)
set -uo pipefail
cd "$(dirname "$0")/.."

guest=build/guests/bench.elf
out=${BENCH_OUT:-build/bench}
budgets=${BENCH_BUDGETS:-tests/budgets.txt}
mode=all
while getopts "bc:r:" opt; do
	case $opt in
	b) mode=budget ;; c) mode=compare out=$OPTARG ;; r) mode=report out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
icount="-icount shift=0"
# sleep=off for the runs where the machine idles (a vCPU in wfi): QEMU then
# skips idle time at once instead of following the host's clock, which
# would make when Keel's timers fire, and with two harts when QEMU turns
# from one to the other, depend on the host's load
icount_idle="-icount shift=0,sleep=off"
# The Keel runs whose BENCH rows make the table, in this order (the first
# run that prints a name gives its figure): the single-vCPU operations, a
# guest without Sstc, two vCPUs sharing a hart, two vCPUs on two harts
keel_runs="keel keel-nosstc keel-switch keel-smp"

# keel_run NAME HARTS STACK ICOUNT -- mkbundle options: one Keel run, log NAME.log
keel_run() {
	local name=$1 harts=$2 stack=$3 ic=$4
	shift 5
	scripts/mkbundle.sh -o "$out/$name.dtb" -n bench -i "$guest" "$@" || return 1
	# shellcheck disable=SC2086
	KEEL_STACK=$stack timeout 120 scripts/run-qemu.sh -k build/keel.bin -B "$out/$name.dtb" \
		-s "$harts" -o "$out/$name.log" -- $ic </dev/null >"$out/$name.run" 2>&1
}

# The stack of the two-hart run: on QEMU 7.2 a hart woken from wfi does not
# run under -icount while another hart spins, and Keel's boot hart spins
# waiting for the others: only QEMU 10 (Debian 13) boots Keel on two harts
# with -icount (docs/bench.md). Its root is used if it is there, not made.
smp_stack() {
	# shellcheck source=scripts/stack.sh
	if [ "$(. scripts/stack.sh; host_debian)" = 13 ] ||
		scripts/debian-root.sh 13 --check >/dev/null 2>&1; then
		echo debian13
	fi
}

run_all() {
	local stack
	mkdir -p "$out"
	rm -f "$out"/*.log
	# shellcheck disable=SC2086
	timeout 120 qemu-system-riscv64 -machine virt -nographic -bios default -m 256M \
		-kernel "$guest" $icount </dev/null >"$out/native.log" 2>&1
	# keel.exits=1: after the table's operations, the longest exits a guest
	# can ask for and an SRST reboot (guests/bench/exits.c)
	keel_run keel 1 "" "$icount" -- -b keel.exits=1
	# set_timer without Sstc: Keel's host timer stands in for vstimecmp
	keel_run keel-nosstc 1 "" "$icount_idle" -- -s 0 -b keel.nosstc=1
	# two vCPUs on hart 0: each IPI to the other and wfi is a hand-over
	keel_run keel-switch 1 "" "$icount_idle" -- -c 2 -p 0,0 -b keel.smp=2
	stack=$(smp_stack)
	if [ -n "$stack" ]; then
		keel_run keel-smp 2 "$stack" "$icount_idle" -- -c 2 -p 0,1 -b keel.smp=1
	else
		echo "# no Debian 13 stack (scripts/debian-root.sh 13): no two-hart run" \
			>"$out/keel-smp.log"
	fi
	[ "$mode" = budget ] && return 0

	# The longest exits again beside a second VM (hello, done before the
	# bench guest measures): with several VMs the shared console prints
	# whole lines behind each VM's name, and the call that ends a line
	# pays for printing it.
	cat >"$out/two-vms.dts" <<EOF
/dts-v1/;
/ {
	compatible = "keel,bundle";
	keel,bundle-version = <1>;
	vm@0 {
		vm-name = "bench";
		memory-size-mib = <256>;
		vcpus = <1>;
		bootargs = "keel.exits=2";
		image = /incbin/("$guest");
	};
	vm@1 {
		vm-name = "hello";
		memory-size-mib = <16>;
		vcpus = <1>;
		image = /incbin/("build/guests/hello.elf");
	};
};
EOF
	keel_run keel-2vm 1 "" "$icount" -- -F "$out/two-vms.dts"
	# The same under Keel with the profiler sampling every hart at 1 kHz
	# and 10 kHz (with guest call chains): what profiling costs
	# (docs/profiling.md).
	for hz in 1000 10000; do
		keel_run keel-prof$hz 1 "" "$icount" -- -P $hz -C 1
	done
}

# Did every run that was made finish? (the two-hart run may be missing)
check_finished() {
	local log
	for log in "$out"/*.log; do
		case $log in */keel-smp.log) grep -q '^# no Debian 13' "$log" && continue ;; esac
		grep -Eq '^(\[bench\] )?BENCH done' "$log" || {
			echo "bench: the $(basename "$log" .log) run did not finish; see $log" >&2
			return 1
		}
	done
}

# rows: "name value" of every BENCH row of the Keel runs, in order, each
# name once (the first run that prints it)
rows() {
	local run
	for run in $keel_runs; do
		[ -f "$out/$run.log" ] && tr -d "\r" <"$out/$run.log"
	done | awk '$1 == "BENCH" && NF == 3 && $2 != "done" && !seen[$2]++ { print $2, $3 }'
}
value() { [ -f "$out/$1.log" ] && tr -d "\r" <"$out/$1.log" | awk -v n="$2" '$1 == "BENCH" && $2 == n { v = $3 } END { print v == "" ? "-" : v }' || echo -; }

# budget_field OP COLUMN: tests/budgets.txt's budget (2) or goal (3) of OP,
# "-" when it has none; "native+N" is N above the native run's figure
budget_field() {
	awk -v op="$1" -v col="$2" '$1 == op { print $col; found = 1 } END { if (!found) print "-" }' \
		"$budgets"
}
# resolve EXPR NATIVE: a budget or goal as a number ("-" if it cannot be)
resolve() {
	case $1 in
	native+*) [[ $2 =~ ^[0-9]+$ ]] && echo $(($2 + ${1#native+})) || echo - ;;
	*) echo "$1" ;;
	esac
}

table() {
	local op k n g b p1 p10 ratio mark
	printf '%-20s %9s %9s %7s %10s %10s %9s %10s\n' operation OpenSBI Keel ratio goal budget \
		"prof 1kHz" "prof 10kHz"
	printf '%-20s %9s %9s %7s %10s %10s %9s %10s\n' "" "(S-mode)" "(VS-mode)" "" "(Keel)" \
		"(Keel)" "(Keel)" "(Keel)"
	while read -r op k; do
		n=$(value native "$op")
		g=$(budget_field "$op" 3) b=$(budget_field "$op" 2)
		p1=$(value keel-prof1000 "$op") p10=$(value keel-prof10000 "$op")
		ratio=$(awk -v a="$k" -v b="$n" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
		mark=""
		gv=$(resolve "$g" "$n") bv=$(resolve "$b" "$n")
		[[ $gv =~ ^[0-9]+$ ]] && [[ $k =~ ^[0-9]+$ ]] && [ "$k" -gt "$gv" ] && mark=" over"
		[[ $bv =~ ^[0-9]+$ ]] && [[ $k =~ ^[0-9]+$ ]] && [ "$k" -gt "$bv" ] &&
			mark="$mark OVER BUDGET"
		printf '%-20s %9s %9s %7s %10s %10s %9s %10s%s\n' "$op" "$n" "$k" "$ratio" "$g" "$b" \
			"$p1" "$p10" "$mark"
	done < <(rows)
	echo "(instructions retired per operation, loop included; QEMU $(host_qemu)," \
		"-icount shift=0; ipi_* and rfence_*: QEMU 10.0 + OpenSBI 1.6, Debian 13's stack)"
	grep -h '^# no Debian 13' "$out/keel-smp.log" 2>/dev/null
}

host_qemu() { qemu-system-riscv64 --version | head -1 | awk '{print $4}'; }

# compare: one line per budget of tests/budgets.txt, in the format
# tests/run-all.sh counts. A budget whose operation has no figure fails,
# except a two-hart row when there is no Debian 13 stack: SKIP.
compare() {
	local op b g k n bv fails=0 no_smp="" set_on
	grep -q '^# no Debian 13' "$out/keel-smp.log" 2>/dev/null && no_smp=1
	# the budgets hold on the QEMU they were measured on (its "qemu" line)
	set_on=$(awk '$1 == "qemu" { print $2 }' "$budgets")
	while read -r op b g _; do
		[ "$op" = qemu ] && continue
		if [ "$set_on" != "$(host_qemu)" ]; then
			echo "SKIP budget-$op: the budgets were set on QEMU $set_on, this is QEMU $(host_qemu)"
			continue
		fi
		k=$(rows | awk -v n="$op" '$1 == n { print $2 }')
		n=$(value native "$op")
		bv=$(resolve "$b" "$n")
		if [ -z "$k" ] && [ -n "$no_smp" ] && grep -q "^$op " <(smp_rows); then
			echo "SKIP budget-$op: a two-hart row, and there is no Debian 13 stack"
		elif [ -z "$k" ] || ! [[ $k =~ ^[0-9]+$ ]]; then
			echo "FAIL budget-$op: not measured (no 'BENCH $op' row in $out/{${keel_runs// /,}}.log)"
			fails=$((fails + 1))
		elif ! [[ $bv =~ ^[0-9]+$ ]]; then
			echo "FAIL budget-$op: budget '$b' cannot be worked out (native: $n)"
			fails=$((fails + 1))
		elif [ "$k" -le "$bv" ]; then
			echo "PASS budget-$op: $k <= $bv (goal $(resolve "$g" "$n"))"
		else
			echo "FAIL budget-$op: $k > $bv (goal $(resolve "$g" "$n"); raise the budget in" \
				"$budgets only with the reason in the commit message)"
			fails=$((fails + 1))
		fi
	done < <(grep -Ev '^[[:space:]]*(#|$)' "$budgets")
	[ "$fails" -eq 0 ]
}
# the rows only the two-hart run prints (guests/bench/smp.c, mode 1)
smp_rows() { printf '%s \n' ipi_remote ipi_remote_recv rfence_remote rfence_remote_all; }

case $mode in
compare) compare; exit ;;
report) table; exit 0 ;;
esac

run_all
check_finished || exit 1
table
[ "$mode" = budget ] && exit 0

# What one sample costs: Keel's timer-interrupt exits while profiling
# (exit statistics: trap entry to the end of the handler, sample included),
# against the same exits without the profiler's work in them.
per_exit() {
	tr -d "\r" <"$out/$1.log" | awk '$1 == "@prof" && $2 == "exit" && $5 == "irq" &&
		$6 == "supervisor_timer" { c += $7; i += $8 } END { if (c) printf "%d %d", c, i / c }'
}
for hz in 1000 10000; do
	read -r count cost <<<"$(per_exit keel-prof$hz)"
	# with -icount shift=0 an instruction is 1 ns: a hart retires 1e9 per second
	share=$(awk -v c="$cost" -v hz="$hz" 'BEGIN { printf "%.3f", c * hz / 1e9 * 100 }')
	echo "profiling at $hz Hz: $count timer exits, $cost instructions each in Keel" \
		"(sample and guest call chain included): $share% of a hart"
done
# The longest exits (docs/isolation.md, "Bounded work per exit"): one call
# each, at the largest size Keel allows, in the state that costs most.
exit_value() { tr -d "\r" <"$out/$1.log" | awk -v n="$2" 'NF >= 3 && $(NF - 2) == "BENCH-EXIT" && $(NF - 1) == n { print $NF }'; }
echo
printf '%-28s %10s %10s\n' "longest exits" "1 VM" "2 VMs"
for op in dbcn_write_12mib uart_thr_line event_get_info_256 rfence_sfence_vma_64_pages \
	rfence_sfence_vma_all rfence_fence_i; do
	printf '%-28s %10s %10s\n' "$op" "$(exit_value keel "$op")" "$(exit_value keel-2vm "$op")"
done
# The reboot, timed across it by the time CSR (exits.c): ticks become
# instructions at -icount shift=0 (one a nanosecond), less what printing
# the time itself took
reboot=$(tr -d "\r" <"$out/keel.log" | awk '
	/timebase [0-9]+ Hz/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Hz") tb = $i }
	$1 == "BENCH-REBOOT" { t[$2] = $3 + 0 }
	END { if (tb && t["end"]) printf "%d", (t["end"] - t["beg"] - (t["cal-end"] - t["cal"])) * 1e9 / tb }')
printf '%-28s %10s %10s\n' "srst_reboot_256mib" "${reboot:--}" "-"
echo "(instructions retired by the one call, round trip; a 4 ms time slice is 4000000)"
