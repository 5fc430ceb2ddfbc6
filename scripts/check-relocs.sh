#!/usr/bin/env bash
# Run after linking Keel (Makefile): Keel is a static PIE that entry.S
# relocates itself, and it knows one relocation only, R_RISCV_RELATIVE
# ("the doubleword here is Keel's address of something": add the load
# offset). Fail if the ELF holds any other dynamic relocation, or one that
# patches code or lies in .bss (zeroed after relocating). Prints the count.
# Usage: scripts/check-relocs.sh build/keel.elf
set -euo pipefail
elf=$1
cross=${CROSS:-riscv64-unknown-elf-}
readelf=${cross}readelf
nm=${cross}nm

sym() { "$nm" "$elf" | awk -v s="$1" '$3 == s { print $1; f = 1 } END { exit !f }'; }
text=$(sym _image_start) text_end=$(sym _text_end) bss=$(sym _bss_start) || {
	echo "check-relocs: $elf lacks _image_start/_text_end/_bss_start" >&2; exit 1; }

if ! "$readelf" -SW "$elf" | grep -q ' \.rela\.dyn '; then
	echo "check-relocs: $elf has no .rela.dyn: not linked as a PIE?" >&2
	exit 1
fi

"$readelf" -rW "$elf" | awk -v elf="$elf" -v text="$text" -v text_end="$text_end" -v bss="$bss" '
function hex(s,   i, c, v) {
	v = 0; s = tolower(s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		v = v * 16 + c
	}
	return v
}
/^Relocation section/ {
	sec = $3
	if (sec != "'"'"'.rela.dyn'"'"'") { print "check-relocs: " elf ": relocation section " sec " (only .rela.dyn is applied)" > "/dev/stderr"; bad++ }
	next
}
/^ *[0-9a-f]+ +[0-9a-f]+ +R_RISCV_/ {
	n++
	if ($3 != "R_RISCV_RELATIVE") {
		if (bad < 20) print "check-relocs: " elf ": " $3 " at 0x" $1 " " $5 " (entry.S applies only R_RISCV_RELATIVE)" > "/dev/stderr"
		bad++; next
	}
	off = hex($1)
	if (off >= hex(text) && off < hex(text_end)) {
		print "check-relocs: " elf ": relocation in code at 0x" $1 > "/dev/stderr"; bad++
	}
	if (off >= hex(bss)) {
		print "check-relocs: " elf ": relocation in .bss at 0x" $1 > "/dev/stderr"; bad++
	}
	next
}
END {
	if (bad) { print "check-relocs: " elf ": " bad " bad relocation(s)" > "/dev/stderr"; exit 1 }
	printf "  RELOCS  %s: %d R_RISCV_RELATIVE\n", elf, n
}'
