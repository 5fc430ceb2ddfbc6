#!/usr/bin/env bash
# Boot Keel and a bundle in QEMU virt on a stack's QEMU and OpenSBI (KEEL_STACK,
# default debian12: scripts/stack.sh), and turn how it ended into an exit code:
#   0  every VM shut down        1  a failure (a VM failed, Keel faulted,
#   2  QEMU ended otherwise         bad bundle...) - the console says which
#   -k keel.bin [-B bundle.dtb] [-s harts] [-M qemu-mem] [-o out.log] [-- extra qemu args]
# (no -B: Keel uses the bundle built into it, make keel-builtin)
# -o: the console goes straight into that file, not through a pipe. A pipe
# whose reader lags (a loaded machine) fills, QEMU's UART then reads busy
# and Keel polls it longer: the instruction counts of make budget would
# change with the load. A file never pushes back.
set -uo pipefail

keel= bundle= harts=1 qmem=1G out=
while getopts "k:B:s:M:o:" opt; do
	case $opt in
	k) keel=$OPTARG ;; B) bundle=$OPTARG ;; s) harts=$OPTARG ;; M) qmem=$OPTARG ;;
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

# shellcheck source=stack.sh
. "$(dirname "$0")/stack.sh"
stack_setup "${KEEL_STACK:-}" || exit 2

if [ -n "$out" ]; then
	log=$out
else
	log=$(mktemp /tmp/keel-run.XXXXXX)
	trap 'rm -f "$log"' EXIT
fi
# -nographic puts the serial port on stdio; it works with stdin a file too.
# QEMU's own escape moves from Ctrl-A to Ctrl-] (Ctrl-] x quits QEMU), so
# Ctrl-A reaches Keel (src/console/console_keys.h).
# KEEL_QEMU_CPU: the test matrix's CPU model; a -cpu among "$@" comes later and wins
qemu=("${QEMU_CMD[@]}" -machine virt -nographic -echr 0x1d -bios "$QEMU_BIOS" -smp "$harts" -m "$qmem"
	${KEEL_QEMU_CPU:+-cpu "$KEEL_QEMU_CPU"} -kernel "$keel" ${bundle:+-initrd "$bundle"} "$@")
if [ -n "$out" ]; then
	"${qemu[@]}" >"$log" 2>&1
	qemu_rc=$?
else
	"${qemu[@]}" | tee "$log"
	qemu_rc=${PIPESTATUS[0]}
fi

if grep -q '^\[keel\] power off: shutdown' "$log"; then
	exit 0
elif grep -q '^\[keel\] power off: failure' "$log"; then
	exit 1
fi
echo "run-qemu: QEMU exited ($qemu_rc) without Keel powering off" >&2
exit 2
