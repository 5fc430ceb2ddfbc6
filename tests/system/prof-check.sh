#!/usr/bin/env bash
# Checks a profile of guests/prof (tests/system/cases.sh: prof) with
# tools/keel-prof, the way a user would read it:
#   profile 1 (computation only): work_a and work_b, which run the same
#   loop 3:1, hold 75% and 25% of the guest's samples within 6 points, and
#   Keel's share is small;
#   profile 2 (the same with 40 SBI calls per round): Keel's share is larger
#   by at least 2 points, and the SBI handler is named.
# Usage: prof-check.sh LOG     Exit 0 when every check holds.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
tool() { tools/keel-prof "$log" --keel "$(k=${KEEL_BIN:-build/keel.bin}; echo "${k%.bin}.elf")" --guest prof=build/guests/prof.elf "$@"; }
fail=0
check() { # what, condition (awk expression over $v)
	if awk -v v="$2" "BEGIN { exit !($3) }"; then
		echo "  ok: $1 ($2)"
	else
		echo "  FAILED: $1 ($2, wanted $3)"
		fail=1
	fi
}
# "  75.1%     75.1%      751  guest:prof  work_a" -> 75.1
self_pct() { awk -v f="$2" '$NF == f && $(NF-1) ~ /^guest:/ { sub("%", "", $1); print $1; exit }' <<<"$1"; }
keel_pct() { awk '/^  keel \(not idle\)/ { sub("%", "", $NF); print $NF; exit }' <<<"$1"; }

r1=$(tool --profile 1) || { echo "keel-prof failed on profile 1"; exit 1; }
r2=$(tool --profile 2) || { echo "keel-prof failed on profile 2"; exit 1; }
a=$(self_pct "$r1" work_a) b=$(self_pct "$r1" work_b) k1=$(keel_pct "$r1") k2=$(keel_pct "$r2")
echo "profile 1: work_a ${a:-?}%, work_b ${b:-?}%, keel ${k1:-?}%; profile 2: keel ${k2:-?}%"
check "work_a near 75% of profile 1" "${a:-0}" 'v >= 69 && v <= 81'
check "work_b near 25% of profile 1" "${b:-0}" 'v >= 19 && v <= 31'
check "Keel's share small in profile 1" "${k1:-100}" 'v <= 2'
check "Keel's share grows with the SBI calls" "$(awk -v a="${k2:-0}" -v b="${k1:-0}" 'BEGIN { print a - b }')" 'v >= 2'
if grep -q 'keel  *base_handle' <<<"$r2"; then
	echo "  ok: profile 2 names base_handle, the SBI BASE handler"
else
	echo "  FAILED: profile 2 does not name base_handle"
	fail=1
fi
exit $fail
