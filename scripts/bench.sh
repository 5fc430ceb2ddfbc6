#!/usr/bin/env bash
# make bench: the bench guest on QEMU + OpenSBI directly (S-mode, no
# hypervisor) and under Keel (VS-mode), both with -icount shift=0 so that
# instret counts every retired instruction in every mode, repeatably.
# Prints instructions per operation, the ratio, and Keel's goal.
set -uo pipefail
cd "$(dirname "$0")/.."

guest=build/guests/bench.elf
out=build/bench
mkdir -p "$out"
icount="-icount shift=0"

timeout 120 qemu-system-riscv64 -machine virt -nographic -bios default -m 256M \
	-kernel "$guest" $icount </dev/null >"$out/native.log" 2>&1
# keel.exits=1: after the table's operations, the longest exits a guest can
# ask for and an SRST reboot (guests/bench/exits.c)
scripts/mkbundle.sh -o "$out/bench.dtb" -n bench -i "$guest" -b keel.exits=1
# shellcheck disable=SC2086
timeout 120 scripts/run-qemu.sh -k build/keel.bin -B "$out/bench.dtb" -- $icount \
	</dev/null >"$out/keel.log" 2>&1

# The longest exits again beside a second VM (hello, done before the bench
# guest measures): with several VMs the shared console prints whole lines
# behind each VM's name, and the call that ends a line pays for printing it.
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
scripts/mkbundle.sh -o "$out/bench-2vm.dtb" -F "$out/two-vms.dts"
# shellcheck disable=SC2086
timeout 120 scripts/run-qemu.sh -k build/keel.bin -B "$out/bench-2vm.dtb" -- $icount \
	</dev/null >"$out/keel-2vm.log" 2>&1

# The same under Keel with the profiler sampling every hart at 1 kHz and
# 10 kHz (with guest call chains): what profiling costs (docs/profiling.md).
for hz in 1000 10000; do
	scripts/mkbundle.sh -o "$out/bench-prof$hz.dtb" -n bench -i "$guest" -P $hz -C 1
	# shellcheck disable=SC2086
	timeout 120 scripts/run-qemu.sh -k build/keel.bin -B "$out/bench-prof$hz.dtb" -- $icount \
		</dev/null >"$out/keel-prof$hz.log" 2>&1
done

for log in native keel keel-prof1000 keel-prof10000 keel-2vm; do
	grep -Eq '^(\[bench\] )?BENCH done' "$out/$log.log" || {
		echo "bench: the $log run did not finish; see $out/$log.log" >&2
		exit 1
	}
done

value() { tr -d "\r" <"$out/$1.log" | awk -v n="$2" '$1 == "BENCH" && $2 == n { print $3 }'; }
goal() {
	case $1 in
	null_sbi) echo 120 ;; uart_read) echo 250 ;; illegal_insn) echo 420 ;; *) echo - ;;
	esac
}

printf '%-14s %10s %10s %7s %6s %11s %11s\n' operation "OpenSBI" "Keel" ratio goal \
	"prof 1kHz" "prof 10kHz"
printf '%-14s %10s %10s %7s %6s %11s %11s\n' "" "(S-mode)" "(VS-mode)" "" "(Keel)" \
	"(Keel)" "(Keel)"
for op in null_sbi set_timer illegal_insn uart_read uart_write dbcn_write; do
	n=$(value native "$op") k=$(value keel "$op") g=$(goal "$op")
	p1=$(value keel-prof1000 "$op") p10=$(value keel-prof10000 "$op")
	ratio=$(awk -v a="$k" -v b="$n" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	mark=""
	[ "$g" != - ] && [ "$k" -gt "$g" ] && mark=" over"
	printf '%-14s %10s %10s %7s %6s %11s %11s%s\n' "$op" "$n" "$k" "$ratio" "$g" "$p1" "$p10" "$mark"
done
# Keel's boot, from its first instruction to the guest's first, for this
# 256 MiB VM (guests/bench/boot.c): one figure, not per operation
boot=$(value keel boot_to_guest)
mark=""
[ "${boot:--}" != - ] && [ "$boot" -gt 2000000 ] && mark=" over"
printf '%-14s %10s %10s %7s %6s%s\n' boot_to_guest "$(value native boot_to_guest)" "${boot:--}" - \
	2000000 "$mark"
echo "(instructions retired per operation, loop included; QEMU $(qemu-system-riscv64 --version | head -1 | awk '{print $4}'), -icount shift=0)"

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
