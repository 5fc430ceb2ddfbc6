#!/usr/bin/env bash
# The Linux guest's shell on an interrupt-driven ttyS0 (tests/system/cases.sh:
# linux-shell): once its prompt is there, `uptime` is typed and must be
# answered with /proc/uptime's line, then `poweroff` ends the run cleanly.
# Each line is typed only after the answer to the one before: typed while
# the 8250 driver starts up, bytes are dropped as its FIFO is cleared (a
# run typing blindly once lost the 'u' and powered off first).
# With a VM config (one Linux VM with keel.ip= and a net card, QEMU_ARGS
# giving the machine its virtio-net), `ping 10.0.2.2` is typed after
# uptime and QEMU's gateway must answer through Keel's uplink.
# Usage: linux-shell.sh [CONFIG] LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
config=
[ $# -eq 2 ] && { config=$1; shift; }
log=$1
bundle=${log%.log}.dtb
if [ -n "$config" ]; then
	scripts/mkbundle.sh -o "$bundle" -F "$config"
else
	scripts/mkbundle.sh -o "$bundle" -n linux-shell -i build/linux/Image -b 'console=ttyS0 keel.shell'
fi >"$log.mkbundle" 2>&1 || { cat "$log.mkbundle"; exit 1; }
ping_re='net: ping 10\.0\.2\.2: reply to request'
uptime_re='(^|keel\$ )[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}'
wait_for() { # wait_for REGEX: up to 40 s
	for _ in $(seq 80); do
		grep -Eq -- "$1" "$log" 2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}
{
	wait_for 'keel\$ ' && printf 'uptime\r'
	wait_for "$uptime_re" && [ -n "$config" ] && printf 'ping 10.0.2.2\r' && wait_for "$ping_re"
	printf 'poweroff\r'
	sleep 15
	# shellcheck disable=SC2086 # QEMU_ARGS: words, as tests/system/run.sh passes them
} | scripts/run-qemu.sh -k "${KEEL_BIN:-build/keel.bin}" -B "$bundle" -- ${QEMU_ARGS:-} >"$log" 2>&1
rc=$?
fail=0
. tests/system/want.sh
want 'keel-linux: PASS' "the init's checks pass"
want "$uptime_re" 'uptime, typed at the prompt, is answered'
[ -z "$config" ] || want "$ping_re" 'ping 10.0.2.2, typed at the prompt, is answered through the uplink'
want 'power off: shutdown' 'poweroff, typed after it, powers the machine off'
if grep -q 'keel-linux: FAIL' "$log"; then echo "FAILED: keel-linux: FAIL"; fail=1; fi
[ "$rc" -eq 0 ] || { echo "FAILED: run-qemu.sh exit code $rc, wanted 0"; fail=1; }
exit $fail
