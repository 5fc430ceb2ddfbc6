#!/usr/bin/env bash
# Keel's monitor under load (tests/system/cases.sh: monitor-stress, docs/
# isolation.md): four VMs of four shapes (tests/system/data/shapes.dts:
# polling the UART, asleep in wfi, flooding SBI DBCN, taking timer
# interrupts) run on three harts while the monitor stops, starts and
# resets three of them, round after round, and asks for stats, pmu, vcpus,
# vms and a profile between. Every command must be answered, every VM
# that should run must go on beating, and the VM the monitor leaves alone
# (irq) must lose no line.
# Usage: monitor-stress.sh LOG        (KEEL_STRESS_ROUNDS, default 5)
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
bundle=${log%.log}.dtb
mark=${log%.log}.mark
rounds=${KEEL_STRESS_ROUNDS:-5}
scripts/mkbundle.sh -o "$bundle" -F tests/system/data/shapes.dts || exit 1
cmds=('vm reset poll' 'stats poll' 'vm stop wfi' 'pmu irq' 'vm start wfi' 'prof start 500'
	'vm reset flood' 'prof stop' 'vcpus' 'vm stop poll' 'vm start poll' 'vms')
# until the log shows REGEX (at most 20 s)
wait_for() {
	for _ in $(seq 80); do
		grep -Eq -- "$1" "$log" 2>/dev/null && return
		sleep 0.25
	done
}
{
	for vm in poll wfi flood irq; do wait_for "^\[$vm\] beat 2"; done
	printf '\001h'
	sleep 0.3
	for _ in $(seq "$rounds"); do
		for cmd in "${cmds[@]}"; do
			printf '%s\r' "$cmd"
			sleep 0.25
		done
	done
	printf 'prof dump\r'
	sleep 1
	printf 'exit\r'
	sleep 0.3
	wc -l <"$log" >"$mark"
	sleep 2
	printf '\001h'
	sleep 0.3
	printf 'poweroff\r'
	sleep 10
} | scripts/run-qemu.sh -k "${KEEL_BIN:-build/keel.bin}" -B "$bundle" -s 3 >"$log" 2>&1
rc=$?
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; fail=1; }
count() { grep -Ec -- "$1" "$log"; }
n=$(count "restarted from its image")
[ "$n" -eq $((4 * rounds)) ] && ok "$n restarts (vm reset / vm start), each reported" ||
	bad "$n 'restarted from its image' lines, wanted $((4 * rounds))"
n=$(count "stopped: stopped from Keel's monitor")
[ "$n" -eq $((2 * rounds)) ] && ok "$n vm stops, each reported" ||
	bad "$n 'stopped from Keel's monitor' lines, wanted $((2 * rounds))"
n=$(count '^ +poll/vcpu0: kind name')
[ "$n" -eq "$rounds" ] && ok "stats answered $n times" || bad "stats answered $n times of $rounds"
n=$(count 'profiling: 500 samples/s')
[ "$n" -eq "$rounds" ] && ok "prof start answered $n times" || bad "prof start answered $n times of $rounds"
grep -q 'monitor closed' "$log" && ok "exit closed the monitor" || bad "the monitor never closed"
# each VM beats after the last command
from=$(cat "$mark" 2>/dev/null || echo 999999999)
for vm in poll wfi flood irq; do
	awk -v from="$from" -v vm="[$vm] beat " 'NR >= from && index($0, vm) == 1 { found = 1 }
		END { exit !found }' "$log" && ok "$vm still runs after the last command" ||
		bad "$vm printed no beat after the last command (log line $from on)"
done
# the VM the monitor left alone lost no line: beats 1, 2, 3, ... in order
# (a VM's line may follow the monitor's prompt, "keel> ", on the same line)
if tr -d '\r' <"$log" | sed 's/^keel> //' | grep -E '^\[irq\] beat ' | awk '{ if ($3 != NR) exit 1 } END { exit NR < 10 }'; then
	ok "irq's beats are all there, in order ($(count '^\[irq\] beat ') of them)"
else
	bad "irq's beats have a gap or are too few"
fi
grep -Eq 'hypervisor fault|\[keel\] error|lock order' "$log" && bad "Keel reported a fault" || ok "no fault"
grep -q "power off: shutdown (from Keel's monitor)" "$log" && [ $rc -eq 0 ] &&
	ok "poweroff from the monitor, exit code 0" || bad "no clean poweroff (exit code $rc)"
exit $fail
