#!/usr/bin/env bash
# Boot Keel and a bundle the way a board user does (docs/bundle.md, "Loading
# it with U-Boot"): QEMU virt starts Debian's U-Boot (qemu-riscv64_smode, in
# S-mode on QEMU's OpenSBI); keel.bin and the bundle lie on a small ext2
# disk (virtio); this script stops U-Boot's autoboot and types, at its
# prompt, exactly the commands docs/bundle.md gives, with the board's
# "mmc 0:1" replaced by QEMU's disk, "virtio 0" (which U-Boot finds only
# after "virtio scan", when autoboot is stopped):
#
#   virtio scan
#   load virtio 0 ${kernel_addr_r} keel.bin
#   load virtio 0 ${ramdisk_addr_r} bundle.dtb
#   booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}
#
# Then what you type goes to the console, as with scripts/run-qemu.sh
# (Ctrl-] x ends QEMU). Same options and exit codes as run-qemu.sh, which
# runs QEMU (0: every VM shut down, 1: a failure, 2: QEMU ended otherwise,
# or U-Boot did not start Keel):
#   -k keel.bin -B bundle.dtb [-s harts] [-M qemu-mem] [-- extra qemu args]
# UBOOT= another U-Boot for QEMU virt in S-mode (its u-boot.bin; default:
# the stack's, Debian's qemu-riscv64_smode)
set -euo pipefail

# the stack's U-Boot (KEEL_STACK, scripts/stack.sh), as its QEMU and OpenSBI
# shellcheck source=stack.sh
. "$(dirname "$0")/stack.sh"
stack_setup "${KEEL_STACK:-}" || exit 2
UBOOT=${UBOOT:-$UBOOT_BIN}
# Where U-Boot's booti is told Keel is: U-Boot 2023.01 moves the Image from
# there to RAM base + the header's text_offset (2 MiB) before starting it.
KERNEL_ADDR=${KERNEL_ADDR:-'${kernel_addr_r}'}
# seconds U-Boot may take for each step (slow under TCG on a loaded host)
STEP_TIMEOUT=${STEP_TIMEOUT:-60}

keel= bundle= harts=1 qmem=1G
while getopts "k:B:s:M:" opt; do
	case $opt in
	k) keel=$OPTARG ;; B) bundle=$OPTARG ;; s) harts=$OPTARG ;; M) qmem=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

die() { echo "uboot-boot: $*" >&2; exit 2; }
[ -f "$UBOOT" ] || die "no U-Boot at $UBOOT (Debian: apt-get install u-boot-qemu; or set UBOOT=)"
[ -f "$keel" ] || die "no Keel image (-k): '$keel'"
[ -f "$bundle" ] || die "no bundle (-B): '$bundle'"
mke2fs=$(PATH=$PATH:/sbin:/usr/sbin command -v mke2fs) ||
	die "mke2fs not found (Debian: apt-get install e2fsprogs)"

dir=$(mktemp -d /tmp/keel-uboot.XXXXXX)
stty_saved=
cleanup() {
	[ -z "$stty_saved" ] || stty "$stty_saved" 2>/dev/null || true
	[ -z "${feeder:-}" ] || kill "$feeder" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT

# The boot medium: an ext2 file system (no partition table) with the two files
mkdir "$dir/files"
cp "$keel" "$dir/files/keel.bin"
cp "$bundle" "$dir/files/bundle.dtb"
kib=$(( ($(stat -c %s "$keel") + $(stat -c %s "$bundle")) / 1024 * 11 / 10 + 2048 ))
"$mke2fs" -q -t ext2 -d "$dir/files" -F "$dir/disk.img" "$kib" ||
	die "mke2fs could not make the disk image"

# QEMU reads its console from a FIFO: first this script's typing, then the
# user's terminal. What it prints goes to the terminal and to $console,
# where the script watches for U-Boot's prompts.
mkfifo "$dir/in"
console=$dir/console
: >"$console"
{ scripts_dir=$(dirname "$0")
  "$scripts_dir/run-qemu.sh" -k "$UBOOT" -s "$harts" -M "$qmem" -- \
	-drive file="$dir/disk.img",format=raw,if=virtio "$@" <"$dir/in"
  echo $? >"$dir/rc"; } | tee -a "$console" &
qemu_pipe=$!
exec 3>"$dir/in" 4<&0

seen() { grep -aoF -- "$1" "$console" | wc -l; }
# waits until $console holds $2 matches of the text $1 (grep -F); fails if
# QEMU is gone, after STEP_TIMEOUT, or once U-Boot's prompt has been seen
# $3 times (it is back at its prompt: the command failed)
wait_for() {
	local text=$1 count=$2 prompts=${3:-0} t=0
	while [ "$(seen "$text")" -lt "$count" ]; do
		if ! kill -0 "$qemu_pipe" 2>/dev/null; then
			return 1
		fi
		if [ "$prompts" -gt 0 ] && [ "$(seen "=> ")" -ge "$prompts" ]; then
			return 1
		fi
		if [ $t -ge $((STEP_TIMEOUT * 5)) ]; then
			echo >&2
			echo "uboot-boot: no '$text' from U-Boot after ${STEP_TIMEOUT} s" >&2
			printf '\035x' >&3 # QEMU's escape (run-qemu.sh: Ctrl-]) x: quit
			return 1
		fi
		sleep 0.2
		t=$((t + 1))
	done
}
finish() { wait "$qemu_pipe" || true; exit "$(cat "$dir/rc" 2>/dev/null || echo 2)"; }

commands=(
	"virtio scan"
	"load virtio 0 \${kernel_addr_r} keel.bin"
	"load virtio 0 \${ramdisk_addr_r} bundle.dtb"
	"booti $KERNEL_ADDR \${ramdisk_addr_r}:\${filesize} \${fdtcontroladdr}"
)
wait_for "Hit any key to stop autoboot" 1 || finish
printf ' ' >&3
prompts=1
for c in "${commands[@]}"; do
	wait_for "=> " "$prompts" || finish
	# U-Boot reads the serial port a character at a time: one line at once
	# is fine, it echoes what it takes
	printf '%s\r' "$c" >&3
	prompts=$((prompts + 1))
done
if ! wait_for "Starting kernel ..." 1 "$prompts"; then
	echo "uboot-boot: U-Boot did not start Keel (see its messages above)" >&2
	printf '\035x' >&3
	finish
fi

# The console is the user's now: keys go to QEMU raw, as with run-qemu.sh
if [ -t 0 ]; then
	stty_saved=$(stty -g)
	stty raw -echo opost onlcr
fi
# (a background job's stdin would be /dev/null without the redirection)
cat <&4 >&3 &
feeder=$!
finish
