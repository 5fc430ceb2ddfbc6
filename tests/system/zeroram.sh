#!/usr/bin/env bash
# Guest RAM is zeroed before a guest sees it, whatever the memory held
# (docs/isolation.md, "Guest RAM is zeroed before a guest sees it"): the
# zeroram guest checks that every word of its RAM outside its image and
# device tree reads zero, fills it all with a pattern, reboots and checks
# again (and a first touch by a store and by a fetch). Here the host
# memory its RAM comes from is first filled, by QEMU -device loader, with
# copies of a bundle (another VM's images) and a pattern, as a loader's
# leftovers or a previous boot's data would be on a board: one VM, then
# two side by side. A first run without the fill finds where Keel puts
# the VMs' RAM (the same bundle on the same QEMU lands at the same place).
# Usage: zeroram.sh LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
dir=${log%.log}.d
mkdir -p "$dir"
KEEL_BIN=${KEEL_BIN:-build/keel.bin}
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAILED: $1"; fail=1; }
check() { if grep -Eaq -- "$1" "$2"; then ok "$3"; else bad "$3 (no /$1/ in $2)"; fi; }

cat >"$dir/two-config.dts" <<DTS
/dts-v1/;
/ {
	compatible = "keel,bundle";
	keel,bundle-version = <1>;
	vm@0 {
		vm-name = "a";
		memory-size-mib = <32>;
		vcpus = <1>;
		image = /incbin/("build/guests/zeroram.elf");
	};
	vm@1 {
		vm-name = "b";
		memory-size-mib = <24>;
		vcpus = <1>;
		image = /incbin/("build/guests/zeroram.elf");
	};
};
DTS
scripts/mkbundle.sh -o "$dir/one.dtb" -n zeroram -i build/guests/zeroram.elf -m 32 \
	>"$dir/mkbundle.log" 2>&1 &&
	scripts/mkbundle.sh -o "$dir/two.dtb" -F "$dir/two-config.dts" >>"$dir/mkbundle.log" 2>&1 ||
	{ bad "mkbundle: $(tail -1 "$dir/mkbundle.log")"; exit 1; }

# "lo hi": the lowest and highest host address of the VMs' RAM in a log
ram_span() {
	awk 'function hex(s,   i, v) { s = tolower(s); sub(/^0x/, "", s); sub(/[^0-9a-f].*$/, "", s); v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v }
	/^\[keel\] VM .* MiB at host 0x/ {
		for (i = 1; i <= NF; i++) if ($i == "MiB") { b = hex($(i + 3)); e = b + $(i - 1) * 1048576 }
		if (!lo || b < lo) lo = b; if (e > hi) hi = e }
	END { if (hi) printf "%.0f %.0f\n", lo, hi }' "$1"
}

# copies of the two-VM bundle, then 0xa5 bytes: SIZE bytes into FILE
garbage() {
	python3 - "$dir/two.dtb" "$1" "$2" <<'PY'
import sys
bundle = open(sys.argv[1], 'rb').read()
size = int(sys.argv[3])
half = (size // 2) // len(bundle) * len(bundle)
with open(sys.argv[2], 'wb') as f:
	f.write(bundle * (half // len(bundle)))
	f.write(b'\xa5' * (size - half))
PY
}

for run in one two; do
	scripts/run-qemu.sh -k "$KEEL_BIN" -B "$dir/$run.dtb" -M 1G </dev/null >"$dir/$run-plain.log" 2>&1
	read -r lo hi <<<"$(ram_span "$dir/$run-plain.log")"
	if [ -z "${hi:-}" ]; then
		bad "$run: no 'VM ... MiB at host' line in $dir/$run-plain.log"
		continue
	fi
	garbage "$dir/$run-garbage.bin" $((hi - lo))
	scripts/run-qemu.sh -k "$KEEL_BIN" -B "$dir/$run.dtb" -M 1G -- \
		-device loader,file="$dir/$run-garbage.bin",addr=$(printf '0x%x' "$lo") \
		</dev/null >"$dir/$run.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] && ok "$run: exit code 0" || bad "$run: exit code $rc ($dir/$run.log)"
	read -r lo2 hi2 <<<"$(ram_span "$dir/$run.log")"
	[ "${lo2:-}" = "$lo" ] && [ "${hi2:-}" = "$hi" ] &&
		ok "$run: the VMs' RAM is where the fill went ($(printf '0x%x-0x%x' "$lo" "$hi"))" ||
		bad "$run: the VMs' RAM moved with the fill in place"
done
check '^KEEL-TEST: PASS zeroram' "$dir/one.log" 'one VM: its RAM reads zero at boot and after a reboot'
check '^\[a\] KEEL-TEST: PASS zeroram' "$dir/two.log" 'two VMs: a reads zero at boot and after a reboot'
check '^\[b\] KEEL-TEST: PASS zeroram' "$dir/two.log" 'two VMs: b reads zero at boot and after a reboot'
cat "$dir/one.log" "$dir/two.log" >"$log"
exit $fail
