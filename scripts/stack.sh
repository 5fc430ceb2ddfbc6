# The stacks Keel is tested on: which QEMU and which firmware (sourced by
# scripts/run-qemu.sh, scripts/uboot-boot.sh and the tests; docs/boards.md).
#
#   stack_setup NAME   sets QEMU_CMD (array), QEMU_BIOS, UBOOT_BIN, STACK_DESC
#
#   debian12            Debian 12's QEMU 7.2 and OpenSBI 1.1 (the default on
#                       Debian 12, as debian13 is on Debian 13)
#   debian13            Debian 13's QEMU 10.0 and OpenSBI 1.6
#   qemu72-opensbi16    Debian 12's QEMU 7.2 with Debian 13's OpenSBI 1.6
#
# A release's stack comes from this machine when it runs that release, and
# otherwise from a Debian root of it (scripts/debian-root.sh, made once, as
# root). QEMU runs straight from such a root: its own dynamic loader and
# libraries, its own firmware directory (-L) and modules (QEMU_MODULE_DIR),
# so nothing of this machine's QEMU is mixed in.

STACKS="debian12 debian13 qemu72-opensbi16"
OPENSBI_FW=usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
UBOOT_SMODE=usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin

# this machine's Debian release: 12, 13, or something else
host_debian() {
	sed -n 's/^VERSION_ID="\{0,1\}\([0-9]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null
}

# release_stack N: QEMU_CMD, QEMU_BIOS, UBOOT_BIN of Debian N
release_stack() {
	local root
	if [ "$(host_debian)" = "$1" ]; then
		QEMU_CMD=(qemu-system-riscv64)
		QEMU_BIOS=/$OPENSBI_FW
		UBOOT_BIN=/$UBOOT_SMODE
		return 0
	fi
	root=$("$(dirname "${BASH_SOURCE[0]}")/debian-root.sh" "$1") || return 1
	export QEMU_MODULE_DIR=$root/usr/lib/x86_64-linux-gnu/qemu
	# the root's own loader by its real path: Debian 12's /lib64 link is
	# absolute and from a Debian 13 machine would name that machine's loader
	QEMU_CMD=("$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path
		"$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu"
		"$root/usr/bin/qemu-system-riscv64" -L "$root/usr/share/qemu")
	QEMU_BIOS=$root/$OPENSBI_FW
	UBOOT_BIN=$root/$UBOOT_SMODE
}

# the stack of this machine's own release: the default
host_stack() {
	case "$(host_debian)" in
	13) echo debian13 ;;
	*) echo debian12 ;;
	esac
}

stack_setup() {
	local name=${1:-$(host_stack)} fw uboot
	case "$name" in
	debian12)
		release_stack 12 || return 1
		STACK_DESC="QEMU 7.2 + OpenSBI 1.1 (Debian 12)"
		;;
	debian13)
		release_stack 13 || return 1
		STACK_DESC="QEMU 10.0 + OpenSBI 1.6 (Debian 13)"
		;;
	qemu72-opensbi16)
		release_stack 13 || return 1
		fw=$QEMU_BIOS uboot=$UBOOT_BIN
		release_stack 12 || return 1
		QEMU_BIOS=$fw UBOOT_BIN=$uboot
		STACK_DESC="QEMU 7.2 (Debian 12) + OpenSBI 1.6 (Debian 13)"
		;;
	*)
		echo "stack: unknown stack '$name' (known: $STACKS)" >&2
		return 1
		;;
	esac
}
