#!/usr/bin/env bash
# A VM suspended by SBI SUSP, woken from Keel's monitor (tests/system/
# cases.sh: susp-wake): the susp guest with susp.wake=ipi suspends with
# only software interrupts enabled; while it sleeps, vms shows it
# suspended and vm wake sends it an IPI, which wakes it, and the guest
# finds the IPI pending. Usage: susp-wake.sh LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
bundle=${log%.log}.dtb
scripts/mkbundle.sh -o "$bundle" -n susp-wake -i build/guests/susp.elf -c 2 \
	-b susp.wake=ipi || exit 1
# the typing side reads the log as QEMU writes it: not last run's
: >"$log"
{
	for _ in $(seq 40); do
		sleep 0.5
		grep -q '^# suspending until an IPI' "$log" 2>/dev/null && break
	done
	sleep 0.5
	printf '\001h'
	for cmd in vms vcpus 'vm wake susp-wake' exit; do
		sleep 0.5
		printf '%s\r' "$cmd"
	done
	sleep 5
} | scripts/run-qemu.sh -k "${KEEL_BIN:-build/keel.bin}" -B "$bundle" >"$log" 2>&1
fail=0
. tests/system/want.sh
want '^ +0 +susp-wake +suspended ' 'vms shows the VM suspended'
want "VM 'susp-wake': an IPI to vCPU 0, which wakes it" 'vm wake sends the IPI'
want "VM 'susp-wake' resumes from suspend \(SBI SUSP\)" 'Keel says it resumed'
want 'KEEL-TEST: PASS susp' 'the guest saw the IPI wake it, as the spec says'
exit $fail
