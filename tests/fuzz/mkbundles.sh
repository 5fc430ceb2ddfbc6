#!/usr/bin/env bash
# Write the bundle seeds of tests/fuzz/corpus/fuzz_bundle/: real bundles,
# made the way make run makes them (scripts/mkbundle.sh, from options and
# from a VM config like configs/default.dts), with tiny images so each
# stays a few KiB. Needs dtc; the bare-metal guests are used when built
# (make guests), a few bytes of image otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=tests/fuzz/corpus/fuzz_bundle
tmp=build/fuzz-host/seeds
mkdir -p "$out" "$tmp"
printf 'tiny guest image\n' >"$tmp/tiny.bin"
printf 'an initrd\n' >"$tmp/initrd.txt"
small=$tmp/tiny.bin
[ -f build/guests/hello.bin ] && small=build/guests/hello.bin

# bare device trees (-w 0), and a few behind the header mkbundle.sh
# writes by default (wrapped-*, include/bundle.h)
mk() { name=$1; shift; scripts/mkbundle.sh -w 0 -o "$tmp/$name.dtb" "$@"; cp "$tmp/$name.dtb" "$out/$name.dtb"; }
mkw() { name=$1; shift; scripts/mkbundle.sh -o "$tmp/$name.bin" "$@"; cp "$tmp/$name.bin" "$out/$name.bin"; }

mk one-vm -n hello -i "$small" -m 8 -c 1
mk options -n opts -i "$tmp/tiny.bin" -m 64 -c 4 -b "console=ttyS0 keel.test=1" \
	-r "$tmp/initrd.txt" -s 0 -t 1 -H 1 -p 0,1,-,3 -P 1000 -C 1 -k 1
mk eight-vcpus -n smp -i "$tmp/tiny.bin" -m 65536 -c 8 -p 7,6,5,4,3,2,1,0
mkw wrapped-one-vm -n hello -i "$tmp/tiny.bin" -m 8 -c 1

# A VM config, as configs/default.dts but with tiny images, and one with
# the most VMs a bundle may hold; then configs Keel must refuse.
n=0
vm() { # name mib vcpus [more properties]; nodes vm@1, vm@2... in each config
	n=$((n + 1))
	printf '\tvm@%s {\n\t\tvm-name = "%s";\n\t\tmemory-size-mib = <%s>;\n\t\tvcpus = <%s>;\n' \
		"$n" "$1" "$2" "$3"
	printf '\t\timage = /incbin/("%s");\n%b\t};\n' "$tmp/tiny.bin" "${4:-}"
}
config() { # name, then the vm nodes on stdin
	{ printf '/dts-v1/;\n/ {\n\tcompatible = "keel,bundle";\n\tkeel,bundle-version = <1>;\n'
	  cat; printf '};\n'; } >"$tmp/$1-config.dts"
	mk "$1" -F "$tmp/$1-config.dts"
}
{ vm linux 256 4 '		bootargs = "console=ttyS0 keel.shell";\n'; vm demo 16 1; } | config two-vms
mkw wrapped-two-vms -F "$tmp/two-vms-config.dts"
{ vm a 8 1; vm b 8 2; vm c 8 3 '		no-sstc;\n'; vm d 8 1; } | config four-vms
{ vm a 8 1; vm b 8 1; vm c 8 1; vm d 8 1; vm e 8 1; } | config five-vms
{ vm quiet 8 1 '		devices = "plic";\n'; vm both 8 2 '		devices = "uart", "plic";\n'
  printf '\toptions {\n\t\ton-last-vm-stop = "keep-running";\n\t};\n'; } | config devices
{ vm odd 8 1 '		devices = "uart", "gpu";\n'; } | config unknown-device
{ vm shown 8 1 '		console = "escaped";\n'; vm trusted 8 1 '		console = "raw";\n'; } | config console
{ vm odd 8 1 '		console = "raw", "escaped";\n'; } | config console-bad
{ vm same 8 1; vm same 16 1; } | config same-name
{ vm big 8 9; } | config nine-vcpus
{ vm pins 8 2 '		vcpu-harts = <1>;\n'; } | config short-pins
ls -l "$out"
