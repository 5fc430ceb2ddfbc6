#!/usr/bin/env bash
# Keel runs from wherever a loader puts it (issue 11): the same keel.elf
# bytes, loaded by QEMU at another 2 MiB boundary (scripts/elf-load-at.py
# changes nothing but the ELF's load addresses), relocate themselves in
# entry.S and run guests there. Checks, at 0x90200000 (256 MiB above the
# link address) with -m 1G: the hello guest, then two VMs; the hello guest
# at 0xa0000000 and at 0x80400000; that no VM's RAM overlaps Keel's image;
# that keel-prof names a relocated Keel's profile samples;
# that the moved ELF loads exactly keel.bin's bytes; that an address off a
# 2 MiB boundary is refused; and that keel.bin at 0x80200000 prints no
# relocation line, as before.
# Usage: relocated.sh LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
dir=${log%.log}.d
mkdir -p "$dir"
# KEEL_BUILD: the build directory whose keel.elf is tested (default build)
B=${KEEL_BUILD:-build}
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; fail=1; }
check() { if grep -Eaq -- "$1" "$2"; then ok "$3"; else bad "$3 (no /$1/ in $2)"; fi; }

# Every "VM '...': ..., N MiB at host 0x..." range lies outside Keel's
# "image: 0xA-0xB" range, and the image is where it was loaded.
check_apart() { # LOG LOAD_ADDR WHAT
	awk -v at="$2" '
	function hex(s,   i, v) { s = tolower(s); sub(/^0x/, "", s); sub(/[^0-9a-f].*$/, "", s); v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v }
	/^\[keel\] image: / { split($3, r, /[-,]/); lo = hex(r[1]); hi = hex(r[2]) }
	/^\[keel\] VM .* MiB at host 0x/ {
		for (i = 1; i <= NF; i++) if ($i == "MiB") { mib = $(i - 1); base = hex($(i + 3)) }
		vm[++n] = base; end[n] = base + mib * 1048576 }
	END {
		if (!hi) { print "no image line"; exit 1 }
		if (lo != hex(at)) { printf "image at 0x%x, loaded at %s\n", lo, at; exit 1 }
		if (!n) { print "no VM line"; exit 1 }
		for (i = 1; i <= n; i++) if (vm[i] < hi && end[i] > lo) {
			printf "VM RAM 0x%x-0x%x overlaps Keel 0x%x-0x%x\n", vm[i], end[i], lo, hi; exit 1 }
	}' "$1" >"$dir/apart.out" 2>&1 && ok "$3" || bad "$3: $(cat "$dir/apart.out")"
}

# $dir/keel-at-ADDR.elf, as make run LOAD_ADDR=ADDR makes build/keel-at-ADDR.elf
for addr in 0x90200000 0xa0000000 0x80400000; do
	scripts/elf-load-at.py "$B/keel.elf" $addr "$dir/keel-at-$addr.elf" ||
		{ bad "elf-load-at.py $B/keel.elf $addr"; exit 1; }
done

# the moved ELF loads the very bytes of keel.bin: the same code relocates itself
riscv64-unknown-elf-objcopy -O binary $dir/keel-at-0x90200000.elf "$dir/moved.bin"
cmp -s "$dir/moved.bin" $B/keel.bin && ok "the moved ELF loads keel.bin's bytes" ||
	bad "$dir/keel-at-0x90200000.elf does not load the bytes of $B/keel.bin"

scripts/mkbundle.sh -o "$dir/hello.dtb" -n hello -i build/guests/hello.elf >"$dir/mkbundle.log" 2>&1
scripts/mkbundle.sh -o "$dir/two-vms.dtb" -F tests/system/data/two-vms.dts >>"$dir/mkbundle.log" 2>&1

# hello at 0x90200000, 256 MiB above the link address
scripts/run-qemu.sh -k $dir/keel-at-0x90200000.elf -B "$dir/hello.dtb" -M 1G </dev/null >"$log" 2>&1
rc=$?
check '^\[keel\] image: 0x90200000-0x[0-9a-f]+, linked at 0x80200000: relocated by \+0x10000000' "$log" \
	'Keel at 0x90200000 says where it runs'
check '^KEEL-TEST: PASS hello' "$log" 'hello passes under Keel at 0x90200000'
[ $rc -eq 0 ] && ok "exit code 0" || bad "exit code $rc"
check_apart "$log" 0x90200000 "hello's RAM is not Keel's image (0x90200000)"

# two VMs, 2 harts: the secondary hart enters Keel relocated, without relocating again
scripts/run-qemu.sh -k $dir/keel-at-0x90200000.elf -B "$dir/two-vms.dtb" -s 2 -M 1G </dev/null \
	>"$dir/two-vms.log" 2>&1
rc=$?
check '^\[hello\] KEEL-TEST: PASS hello' "$dir/two-vms.log" 'two VMs at 0x90200000: hello passes'
check '^\[sbi\] KEEL-TEST: PASS sbi' "$dir/two-vms.log" 'two VMs at 0x90200000: sbi (2 vCPUs) passes'
[ $rc -eq 0 ] && ok "two VMs: exit code 0" || bad "two VMs: exit code $rc"
check_apart "$dir/two-vms.log" 0x90200000 "two VMs: neither VM's RAM is Keel's image"

# farther up, and just above the link address
# -M 2G: QEMU 10.0 puts the initrd and then its DTB above the kernel, and
# with Keel half-way up 1 GiB stops with "No enough memory to place DTB"
for addr in 0xa0000000 0x80400000; do
	scripts/run-qemu.sh -k "$dir/keel-at-$addr.elf" -B "$dir/hello.dtb" -M 2G </dev/null \
		>"$dir/hello-$addr.log" 2>&1
	check '^KEEL-TEST: PASS hello' "$dir/hello-$addr.log" "hello passes under Keel at $addr"
	check_apart "$dir/hello-$addr.log" $addr "hello's RAM is not Keel's image ($addr)"
done

# the profiler from 0x90200000: '@prof keel' gives the real range and
# linked=, and keel-prof names Keel's pcs from keel.elf (no mismatch warning)
scripts/mkbundle.sh -o "$dir/prof.dtb" -n prof -i build/guests/prof.elf >>"$dir/mkbundle.log" 2>&1
scripts/run-qemu.sh -k $dir/keel-at-0x90200000.elf -B "$dir/prof.dtb" -M 1G -- -icount shift=0 \
	</dev/null >"$dir/prof.log" 2>&1
check '^@prof keel 90200000 [0-9a-f]+ linked=80200000' "$dir/prof.log" "the profile gives Keel's real range and linked="
if tools/keel-prof "$dir/prof.log" --keel $B/keel.elf --folded "$dir/prof.folded" >"$dir/prof.report" 2>&1; then
	if grep -q 'does not match' "$dir/prof.report"; then
		bad "keel-prof: $B/keel.elf does not match the relocated Keel"
	elif grep -Eq '^keel;[a-z]+;[a-z_]+ [0-9]+$' "$dir/prof.folded" && ! grep -q '^keel;[a-z]*;0x' "$dir/prof.folded"; then
		ok "keel-prof names the relocated Keel's samples"
	else
		bad "keel-prof left Keel's samples unnamed ($dir/prof.folded)"
	fi
else
	bad "keel-prof failed: $(tail -1 "$dir/prof.report")"
fi

# only 2 MiB boundaries are promised: anything else is refused, with a reason
if scripts/elf-load-at.py $B/keel.elf 0x90201000 "$dir/bad.elf" >"$dir/bad.log" 2>&1; then
	bad "elf-load-at.py took 0x90201000"
else
	check 'not on a 2 MiB boundary' "$dir/bad.log" 'elf-load-at.py refuses 0x90201000'
fi
KEEL_SETUP_DONE=1 make --no-print-directory -n run LOAD_ADDR=0x90201000 >"$dir/make-bad.log" 2>&1 &&
	bad "make run LOAD_ADDR=0x90201000 was accepted"
check 'LOAD_ADDR=0x90201000: Keel runs from a 2 MiB boundary' "$dir/make-bad.log" \
	'make run refuses LOAD_ADDR=0x90201000'

# at its link address Keel is what it always was: no relocation line
scripts/run-qemu.sh -k $B/keel.bin -B "$dir/hello.dtb" -M 1G </dev/null >"$dir/linked.log" 2>&1
check '^KEEL-TEST: PASS hello' "$dir/linked.log" 'keel.bin at 0x80200000: hello passes'
if grep -aq 'relocated by' "$dir/linked.log"; then
	bad "keel.bin at its link address says it was relocated"
else
	ok "keel.bin at 0x80200000 prints no relocation line"
fi
exit $fail
