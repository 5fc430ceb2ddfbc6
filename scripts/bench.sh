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
scripts/mkbundle.sh -o "$out/bench.dtb" -n bench -i "$guest"
# shellcheck disable=SC2086
timeout 120 scripts/run-qemu.sh -k build/keel.bin -B "$out/bench.dtb" -- $icount \
	</dev/null >"$out/keel.log" 2>&1

for log in native keel; do
	grep -q '^BENCH done' "$out/$log.log" || {
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

printf '%-14s %10s %10s %7s %6s\n' operation "OpenSBI" "Keel" ratio goal
printf '%-14s %10s %10s %7s %6s\n' "" "(S-mode)" "(VS-mode)" "" "(Keel)"
for op in null_sbi set_timer illegal_insn uart_read; do
	n=$(value native "$op") k=$(value keel "$op") g=$(goal "$op")
	ratio=$(awk -v a="$k" -v b="$n" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	mark=""
	[ "$g" != - ] && [ "$k" -gt "$g" ] && mark=" over"
	printf '%-14s %10s %10s %7s %6s%s\n' "$op" "$n" "$k" "$ratio" "$g" "$mark"
done
echo "(instructions retired per operation, loop included; QEMU $(qemu-system-riscv64 --version | head -1 | awk '{print $4}'), -icount shift=0)"
