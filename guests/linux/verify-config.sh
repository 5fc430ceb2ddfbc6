#!/bin/sh
# Usage: verify-config.sh FRAGMENT DOTCONFIG [LINUX_VERSION]
#
# Checks that every option FRAGMENT sets ended up in DOTCONFIG exactly as
# asked. merge_config.sh -m plus olddefconfig silently drop or change options
# whose dependencies are not met; this catches that.
#   CONFIG_X=value          DOTCONFIG must hold that exact line
#   # CONFIG_X is not set   DOTCONFIG must not set CONFIG_X (off or absent)
# Then, given LINUX_VERSION, that the options the init's checks need from
# that version on are set (below), whatever the fragment says: a fragment
# that lost one of them fails here, not as a check that cannot run.
# Prints every mismatch and exits 1 if there is any.
set -eu

frag=$1
conf=$2
version=${3:-}
bad=0
n=0

# at_least V: is LINUX_VERSION V or later?
at_least() {
	[ -n "$version" ] && [ "$(printf '%s\n%s\n' "$1" "$version" | sort -V | head -n1)" = "$1" ]
}

# What the init's checks need, and from which Linux on RISC-V offers it:
#   perf (PERF_TYPE_HARDWARE through the SBI PMU)   any
#   disk, keel.root= (virtio-blk, ext4, drop_caches) any
#   net (virtio-net, IPv4, TCP)                      any
#   hvc (virtio console: an hvc tty)                 any
#   steal (/proc/stat's steal from SBI STA)          6.8
#   suspend (mem in /sys/power/state: SBI SUSP)      6.6
# One line each: the option as .config must hold it, then who needs it.
required="CONFIG_PERF_EVENTS=y keel.checks=perf
CONFIG_RISCV_PMU_SBI=y keel.checks=perf
CONFIG_VIRTIO_MMIO=y keel.checks=disk,net,hvc: the virtio devices in the device tree
CONFIG_BLOCK=y keel.checks=disk, keel.root=
CONFIG_VIRTIO_BLK=y keel.checks=disk, keel.root=: /dev/vda
CONFIG_EXT4_FS=y keel.checks=disk, keel.root=: the root disk's filesystem
CONFIG_PROC_SYSCTL=y keel.checks=disk: /proc/sys/vm/drop_caches
CONFIG_DEVTMPFS=y every check: /dev
CONFIG_NET=y keel.checks=net
CONFIG_INET=y keel.checks=net: IPv4 and TCP
CONFIG_VIRTIO_NET=y keel.checks=net: eth0
CONFIG_VIRTIO_CONSOLE=y keel.checks=hvc
CONFIG_HVC_DRIVER=y keel.checks=hvc: the virtio console's tty"
at_least 6.8 && required="$required
CONFIG_PARAVIRT=y keel.checks=steal
CONFIG_PARAVIRT_TIME_ACCOUNTING=y keel.checks=steal"
at_least 6.6 && required="$required
CONFIG_SUSPEND=y keel.checks=suspend
CONFIG_PM_SLEEP=y keel.checks=suspend"
if [ -n "$version" ]; then
	while read -r line who; do
		n=$((n + 1))
		if ! grep -qxF -- "$line" "$conf"; then
			got=$(grep -E "^${line%%=*}=|^# ${line%%=*} is not set" "$conf" || true)
			echo "verify-config: Linux $version's guest needs '$line' (for $who), got '${got:-<absent>}'" >&2
			bad=1
		fi
	done <<EOF
$required
EOF
fi

while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		n=$((n + 1))
		sym=${line%%=*}
		if ! grep -qxF -- "$line" "$conf"; then
			got=$(grep -E "^$sym=|^# $sym is not set" "$conf" || true)
			echo "verify-config: wanted '$line', got '${got:-<absent: dependencies not met>}'" >&2
			bad=1
		fi
		;;
	"# CONFIG_"*" is not set")
		n=$((n + 1))
		sym=${line#\# }
		sym=${sym%% *}
		if got=$(grep -E "^$sym=" "$conf"); then
			echo "verify-config: wanted '$line', got '$got'" >&2
			bad=1
		fi
		;;
	esac
done < "$frag"

if [ "$bad" -ne 0 ]; then
	echo "verify-config: FAILED: $conf does not match $frag (see above)" >&2
	exit 1
fi
echo "  VERIFY  all $n options of $(basename "$frag")${version:+ and Linux $version's checks} are set as asked"
