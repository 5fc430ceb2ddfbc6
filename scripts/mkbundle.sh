#!/usr/bin/env bash
# Write a Keel bundle: a device tree blob carrying one VM's image, initrd
# and settings (format: docs/bundle.md). dtc embeds the files with /incbin/.
# The blob goes behind a 32-byte header ("KEELBNDL", include/bundle.h), so
# that U-Boot's booti loads it as a plain ramdisk instead of taking a
# device tree for a FIT image; -w 0 writes the bare device tree instead.
#   mkbundle.sh -o out.dtb -n name -i image [-m MiB] [-c vcpus] [-b bootargs]
#               [-r initrd] [-d disk image (virtio-blk)] [-R 0|1 (the disk read-only)]
#               [-D N (instead, the machine's Nth virtio-blk disk: machine-disk)]
#               [-t 0|1] [-s 0|1 (Sstc for the guest)]
#               [-H 0|1 (Keel's test-only SBI calls)]
#               [-p hart,hart,... (the hart id each vCPU lives on; - for any)]
#               [-P hz (profile the whole run)] [-C 0|1 (guest call chains)]
#               [-k 0|1 (VM name prefixes in colour)]
#               [-T escaped|raw (the VM's output shown escaped, or raw)]
#               [-w 0|1 (1: the header in front, the default; 0: bare)]
#   mkbundle.sh -o out.dtb -F config.dts [-t -H -P -C -k -w as above]
#     a VM config (docs/config.md): every VM it names, with the options
#     above added; its /incbin/ paths are relative to the repository root.
set -euo pipefail

out= name= image= mem=256 vcpus=1 bootargs= initrd= trace=0 sstc=1 hooks=0 pin= prof=0 chain=0 config= color=0 wrap=1 console=escaped disk= disk_ro=0 machine_disk=
while getopts "o:n:i:m:c:b:r:d:R:D:t:s:H:p:P:C:F:k:w:T:" opt; do
	case $opt in
	o) out=$OPTARG ;; n) name=$OPTARG ;; i) image=$OPTARG ;; m) mem=$OPTARG ;;
	c) vcpus=$OPTARG ;; b) bootargs=$OPTARG ;; r) initrd=$OPTARG ;; t) trace=$OPTARG ;; s) sstc=$OPTARG ;; H) hooks=$OPTARG ;; p) pin=$OPTARG ;; P) prof=$OPTARG ;; C) chain=$OPTARG ;; F) config=$OPTARG ;; k) color=$OPTARG ;; w) wrap=$OPTARG ;; T) console=$OPTARG ;;
	d) disk=$OPTARG ;; R) disk_ro=$OPTARG ;; D) machine_disk=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

die() { echo "mkbundle: $*" >&2; exit 1; }
# a word left over is most likely half of an unquoted -b "a b"
[ $# -eq 0 ] || die "unexpected argument '$1' (quote an option value that has spaces)"
[ -n "$out" ] || die "no output file (-o)"
[[ "$prof" =~ ^[0-9]+$ ]] || die "PROFILE_HZ=$prof: samples per second, a number"
[[ "$wrap" =~ ^[01]$ ]] || die "-w $wrap: 1 (the header in front) or 0 (a bare device tree)"

# n little-endian bytes of a number, as printf escapes
le() {
	local v=$1 n=$2 i
	for ((i = 0; i < n; i++)); do
		printf '\\x%02x' $((v & 255))
		v=$((v >> 8))
	done
}
# dtc's output, $1, becomes the bundle: with -w 1 behind the header
# (include/bundle.h: magic, version 1, the tree at offset 32, its size,
# 8 zero bytes; 32 keeps the tree 8-byte aligned as libfdt wants)
finish() {
	local tree=$1
	if [ "$wrap" = 1 ]; then
		{ printf "KEELBNDL$(le 1 4)$(le 32 4)$(le "$(stat -c %s "$tree")" 8)$(le 0 8)"
		  cat "$tree"; } >"$out"
		rm -f "$tree"
	else
		mv "$tree" "$out"
	fi
}

# The options node, from -t -H -P -C -k
options() {
	echo "	options {"
	[ "$trace" = 1 ] && echo "		trace;"
	[ "$hooks" = 1 ] && echo "		test-hooks;"
	[ "$prof" != 0 ] && echo "		profile = <$prof>;"
	[ "$chain" = 1 ] && echo "		profile-callchain;"
	[ "$color" = 1 ] && echo "		console-color;"
	echo "	};"
}

if [ -n "$config" ]; then
	[ -f "$config" ] || die "VM config '$config' does not exist"
	root=$(cd "$(dirname "$0")/.." && pwd)
	mkdir -p "$(dirname "$out")"
	dts="${out%.dtb}.dts"
	# the config, then the options merged into its root node
	{ echo "/include/ \"$(realpath "$config")\""; echo "/ {"; options; echo "};"; } >"$dts"
	dtc -q -I dts -O dtb -i "$root" -o "$out.tree" "$dts" ||
		die "VM config '$config': dtc could not compile it (see above)"
	finish "$out.tree"
	exit 0
fi

[ -n "$image" ] || die "no guest image: set GUEST=<file>"
[ -f "$image" ] || die "guest image '$image' does not exist"
[ -s "$image" ] || die "guest image '$image' is empty"
[ -z "$initrd" ] || [ -f "$initrd" ] || die "initrd '$initrd' does not exist"
if [ -n "$disk" ]; then
	[ -f "$disk" ] || die "DISK=$disk does not exist"
	size=$(stat -L -c %s "$disk")
	[ "$size" -gt 0 ] && [ $((size % 512)) -eq 0 ] ||
		die "DISK=$disk is $size bytes: a disk image is a whole number of 512-byte sectors"
fi
[[ "$disk_ro" =~ ^[01]$ ]] || die "DISK_RO=$disk_ro: 1 (read-only) or 0"
[ -z "$machine_disk" ] || [[ "$machine_disk" =~ ^[0-7]$ ]] || die "-D $machine_disk: the machine's disk 0..7"
[[ "$mem" =~ ^[0-9]+$ ]] && [ "$mem" -ge 8 ] || die "MEM=$mem: give the guest RAM in MiB (at least 8)"
[[ "$vcpus" =~ ^[0-9]+$ ]] && [ "$vcpus" -ge 1 ] || die "VCPUS=$vcpus: must be 1 or more"
[[ "$console" =~ ^(escaped|raw)$ ]] || die "CONSOLE=$console: escaped (the default) or raw"
[ -n "$name" ] || name=guest
# PIN=0,1,-,1: one entry per vCPU; whether the harts exist is Keel's check
cells=
if [ -n "$pin" ]; then
	IFS=, read -ra pins <<<"$pin"
	[ "${#pins[@]}" -eq "$vcpus" ] || die "PIN=$pin: give one hart per vCPU ($vcpus), '-' for any"
	for p in "${pins[@]}"; do
		if [ "$p" = - ]; then cells+=" 0xffffffff"
		elif [[ "$p" =~ ^[0-9]+$ ]]; then cells+=" $p"
		else die "PIN=$pin: '$p' is not a hart id or '-'"; fi
	done
fi
# A DT string cannot hold a double quote or backslash unescaped.
esc() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

mkdir -p "$(dirname "$out")"
dts="${out%.dtb}.dts"
{
	echo "/dts-v1/;"
	echo "/ {"
	echo "	compatible = \"keel,bundle\";"
	echo "	keel,bundle-version = <1>;"
	options
	echo "	vm@0 {"
	echo "		vm-name = \"$(esc "$name")\";"
	echo "		memory-size-mib = <$mem>;"
	echo "		vcpus = <$vcpus>;"
	echo "		bootargs = \"$(esc "$bootargs")\";"
	echo "		image = /incbin/(\"$(realpath "$image")\");"
	[ "$sstc" = 0 ] && echo "		no-sstc;"
	[ "$console" = raw ] && echo "		console = \"raw\";"
	# alone on the machine, a VM sees nothing of another's in a profile
	echo "		profiler-control;"
	[ -n "$cells" ] && echo "		vcpu-harts = <$cells >;"
	[ -n "$initrd" ] && echo "		initrd = /incbin/(\"$(realpath "$initrd")\");"
	[ -n "$disk" ] && echo "		disk = /incbin/(\"$(realpath "$disk")\");"
	[ -n "$machine_disk" ] && echo "		machine-disk = <$machine_disk>;"
	[ -n "$disk$machine_disk" ] && [ "$disk_ro" = 1 ] && echo "		disk-read-only;"
	echo "	};"
	echo "};"
} > "$dts"
dtc -q -I dts -O dtb -o "$out.tree" "$dts"
finish "$out.tree"
