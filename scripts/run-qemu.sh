#!/usr/bin/env bash
# Boot Keel and a bundle in QEMU virt on a stack's QEMU and OpenSBI (KEEL_STACK,
# default debian12: scripts/stack.sh), and turn how it ended into an exit code:
#   0  every VM shut down        1  a failure (a VM failed, Keel faulted,
#   2  QEMU ended otherwise         bad bundle...) - the console says which
#   -k keel.bin [-B bundle.dtb] [-s harts] [-M qemu-mem] [-- extra qemu args]
# (no -B: Keel uses the bundle built into it, make keel-builtin)
set -uo pipefail

keel= bundle= harts=1 qmem=1G
while getopts "k:B:s:M:" opt; do
	case $opt in
	k) keel=$OPTARG ;; B) bundle=$OPTARG ;; s) harts=$OPTARG ;; M) qmem=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

# shellcheck source=stack.sh
. "$(dirname "$0")/stack.sh"
stack_setup "${KEEL_STACK:-}" || exit 2

log=$(mktemp /tmp/keel-run.XXXXXX)
trap 'rm -f "$log"' EXIT
# -nographic puts the serial port on stdio; it works with stdin a file too.
# QEMU's own escape moves from Ctrl-A to Ctrl-] (Ctrl-] x quits QEMU), so
# Ctrl-A reaches Keel (src/console/console_keys.h).
# KEEL_QEMU_CPU: the test matrix's CPU model; a -cpu among "$@" comes later and wins
"${QEMU_CMD[@]}" -machine virt -nographic -echr 0x1d -bios "$QEMU_BIOS" -smp "$harts" -m "$qmem" \
	${KEEL_QEMU_CPU:+-cpu "$KEEL_QEMU_CPU"} \
	-kernel "$keel" ${bundle:+-initrd "$bundle"} "$@" | tee "$log"
qemu_rc=${PIPESTATUS[0]}

if grep -q '^\[keel\] power off: shutdown' "$log"; then
	exit 0
elif grep -q '^\[keel\] power off: failure' "$log"; then
	exit 1
fi
echo "run-qemu: QEMU exited ($qemu_rc) without Keel powering off" >&2
exit 2
