# The stacks Keel is tested on: which QEMU and which firmware (sourced by
# scripts/run-qemu.sh and the test scripts; docs/boards.md lists them).
#
#   stack_setup NAME   sets QEMU_CMD (array), QEMU_BIOS, UBOOT_BIN, STACK_DESC
#
#   debian12            Debian 12's QEMU 7.2 and OpenSBI 1.1 (the default)
#   debian13            Debian 13's QEMU 10.0 and OpenSBI 1.6, run from the
#                       Debian 13 root (scripts/debian13-root.sh)
#   qemu72-opensbi16    Debian 12's QEMU 7.2 with Debian 13's OpenSBI 1.6
#
# QEMU 10 runs on a Debian 12 machine straight from the root: its own
# dynamic loader and libraries, its own firmware directory (-L) and modules
# (QEMU_MODULE_DIR), so nothing of the host's QEMU 7.2 is mixed in.

STACKS="debian12 debian13 qemu72-opensbi16"
OPENSBI_FW=usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
UBOOT_SMODE=usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin

stack_root() {
	"$(dirname "${BASH_SOURCE[0]}")/debian13-root.sh" "$@"
}

stack_setup() {
	local name=${1:-debian12} root
	case "$name" in
	debian12)
		QEMU_CMD=(qemu-system-riscv64)
		QEMU_BIOS=default
		UBOOT_BIN=/$UBOOT_SMODE
		STACK_DESC="QEMU 7.2 + OpenSBI 1.1 (Debian 12)"
		;;
	debian13 | qemu72-opensbi16)
		root=$(stack_root) || return 1
		QEMU_BIOS=$root/$OPENSBI_FW
		UBOOT_BIN=$root/$UBOOT_SMODE
		if [ "$name" = debian13 ]; then
			export QEMU_MODULE_DIR=$root/usr/lib/x86_64-linux-gnu/qemu
			QEMU_CMD=("$root/lib64/ld-linux-x86-64.so.2" --library-path
				"$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu"
				"$root/usr/bin/qemu-system-riscv64" -L "$root/usr/share/qemu")
			STACK_DESC="QEMU 10.0 + OpenSBI 1.6 (Debian 13)"
		else
			QEMU_CMD=(qemu-system-riscv64)
			STACK_DESC="QEMU 7.2 (Debian 12) + OpenSBI 1.6 (Debian 13)"
		fi
		;;
	*)
		echo "stack: unknown stack '$name' (known: $STACKS)" >&2
		return 1
		;;
	esac
}
