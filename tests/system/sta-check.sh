#!/bin/sh
# The steal time each vCPU of the sta guest read from its STA record last
# ("# sta: vcpuN steal S ns") agrees with Keel's own per-vCPU figure,
# printed when the VM stops ("[keel] steal VM/vcpuN K ns"): within 1% of
# Keel's. A vCPU alone on its hart has ~0 on both sides (under 1 ms): 1% of
# a few microseconds of start-up is no tolerance at all. Usage:
# sta-check.sh LOG
set -eu
log=$1
n=0
for id in 0 1 2; do
	g=$(sed -n "s/^# sta: vcpu$id steal \([0-9]*\) ns.*/\1/p" "$log" | head -n1)
	k=$(sed -n "s/^\[keel\] steal [^ ]*\/vcpu$id \([0-9]*\) ns.*/\1/p" "$log" | tr -d '\r' | head -n1)
	[ -n "$g" ] || { echo "vcpu$id: the guest printed no final steal"; exit 1; }
	[ -n "$k" ] || { echo "vcpu$id: Keel printed no steal at VM stop"; exit 1; }
	d=$((g > k ? g - k : k - g))
	if [ "$k" -lt 1000000 ] && [ "$g" -lt 1000000 ]; then
		echo "vcpu$id: guest $g ns, Keel $k ns: both ~0"
	elif [ $((d * 100)) -le "$k" ]; then
		echo "vcpu$id: guest $g ns, Keel $k ns: within 1% ($d ns apart)"
	else
		echo "vcpu$id: guest $g ns, Keel $k ns: $d ns apart, more than 1%"
		exit 1
	fi
	n=$((n + 1))
done
[ "$n" = 3 ]
