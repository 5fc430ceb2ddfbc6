#!/bin/sh
# Keel's list of a VM's SBI PMU counters at its stop agrees with the
# misaligned traps the pmu guest saw itself ("# traps seen: ... misaligned
# load L store S ..."). Which misaligned AMOs raise a load or a store fault
# differs between QEMU versions and TCG modes, so the numbers come from the
# guest's own count, not from this script. Usage: pmu-dump-check.sh LOG
set -eu
log=$1
seen=$(grep -a '^# traps seen:' "$log" | head -n1)
load=$(echo "$seen" | sed -n 's/.*misaligned load \([0-9]*\) store \([0-9]*\).*/\1/p')
store=$(echo "$seen" | sed -n 's/.*misaligned load \([0-9]*\) store \([0-9]*\).*/\2/p')
[ -n "$load" ] && [ -n "$store" ] || { echo "no '# traps seen' line in $log"; exit 1; }
[ "$((load + store))" -gt 0 ] || { echo "the guest saw no misaligned trap: nothing checked"; exit 1; }
for ev in "MISALIGNED_LOAD $load" "MISALIGNED_STORE $store"; do
	if ! grep -Eaq "^\[keel\] pmu [^ ]+/vcpu0 $ev( |\$)" "$log"; then
		echo "Keel's dump lacks '$ev' (the guest saw it): $(grep -a '^\[keel\] pmu .*MISALIGNED' "$log" | tr '\n' ' ')"
		exit 1
	fi
done
echo "dump agrees with the guest: misaligned load $load, store $store"
