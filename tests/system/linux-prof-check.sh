#!/usr/bin/env bash
# Checks the profile of a Linux boot (tests/system/cases.sh: linux-profile):
# tools/keel-prof with the kernel's System.map must attribute most guest
# samples to named kernel functions, and name some that every boot runs.
# Usage: linux-prof-check.sh LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
map=build/linux/System.map
report=$(tools/keel-prof "$1" --keel "$(k=${KEEL_BIN:-build/keel.bin}; echo "${k%.bin}.elf")" --guest "$map" --top 40) || exit 1
echo "$report" | sed -n '/Where the time went/,/^$/p'
echo "$report" | sed -n '/Top functions/,/^$/p' | head -20
# guest rows whose symbol is a name, not an address
named=$(awk '/^# Top functions/ { t = 1 } t && NF > 2 && $(NF-1) ~ /^guest:/ && $NF !~ /^0x/' <<<"$report" | wc -l)
echo "named kernel functions in the top 40: $named"
[ "$named" -ge 10 ] || { echo "FAILED: fewer than 10 named kernel functions"; exit 1; }
echo "ok"
