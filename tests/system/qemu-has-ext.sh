#!/usr/bin/env bash
# Does the stack's QEMU give its harts the multi-letter extension EXT? Read
# from QEMU's own device tree of the machine the system cases boot (virt,
# KEEL_STACK's QEMU, the CPU model of KEEL_QEMU_CPU unless -cpu MODEL says
# otherwise), not from Keel's: prints 1 or 0. tests/system/cases.sh hands
# it to guests that must know what the hardware really has (fwft.svadu=),
# so that a Keel offering what the hart lacks fails.
#   qemu-has-ext.sh EXT [-cpu MODEL]
set -uo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../../scripts/stack.sh
. scripts/stack.sh
stack_setup "${KEEL_STACK:-}" >/dev/null || exit 2

ext=$1
cpu=${KEEL_QEMU_CPU:-}
[ "${2:-}" = -cpu ] && cpu=$3
dtb=$(mktemp /tmp/keel-qemu-dt.XXXXXX)
trap 'rm -f "$dtb"' EXIT
"${QEMU_CMD[@]}" -machine virt,dumpdtb="$dtb" -nographic -bios "$QEMU_BIOS" \
	${cpu:+-cpu "$cpu"} </dev/null >/dev/null 2>&1
if ! isa=$(fdtget -t s "$dtb" /cpus/cpu@0 riscv,isa 2>/dev/null); then
	echo "qemu-has-ext: no riscv,isa in QEMU's device tree (stack ${KEEL_STACK:-default}, cpu ${cpu:-default})" >&2
	exit 2
fi
# riscv,isa-extensions, where QEMU writes it, must say the same
exts=$(fdtget -t s "$dtb" /cpus/cpu@0 riscv,isa-extensions 2>/dev/null | tr ' ' '\n')
in_isa=0 in_exts=0
case "_${isa#*_}_" in *"_${ext}_"*) in_isa=1 ;; esac
grep -qx -- "$ext" <<<"$exts" && in_exts=1
if [ -n "$exts" ] && [ $in_isa != $in_exts ]; then
	echo "qemu-has-ext: QEMU's riscv,isa and riscv,isa-extensions disagree on $ext" >&2
	exit 2
fi
echo $in_isa
