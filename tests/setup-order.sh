#!/usr/bin/env bash
# No make goal that needs tools may start before scripts/setup.sh has run.
# For every goal the Makefile declares (.PHONY) and its main files, make is
# run with a stand-in setup script that records the call and fails: make
# must stop having called it and nothing else, and must have built nothing.
# Every compiler, QEMU and dtc is a recording stand-in on PATH too, so a
# recipe that slipped past the set-up would show. Then once more with a
# stand-in that passes, to show the stand-ins do catch a build (the test can
# fail). One PASS/FAIL line per goal.
set -uo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d /tmp/keel-setup-order.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
cat >"$tmp/setup" <<'EOS'
#!/bin/sh
echo "setup $*" >>"$LOG"
exit "${SETUP_RC:-1}"
EOS
cat >"$tmp/tool" <<'EOS'
#!/bin/sh
echo "tool $(basename "$0") $*" >>"$LOG"
exit 1
EOS
chmod +x "$tmp/setup" "$tmp/tool"
for t in gcc cc ld objcopy nm dtc tar xz python3 qemu-system-riscv64 make-guest; do
	ln -s "$tmp/tool" "$tmp/bin/$t"
	ln -s "$tmp/tool" "$tmp/bin/riscv64-unknown-elf-$t"
	ln -s "$tmp/tool" "$tmp/bin/riscv64-linux-gnu-$t"
done

# The goals: .PHONY from make's database (read with set-up skipped)
goals=$(KEEL_SETUP_DONE=1 make -pRrq -f Makefile : 2>/dev/null |
	sed -n 's/^\.PHONY: *//p' | tr ' ' '\n' | grep -vxE 'FORCE|clean|help|' | sort -u)
goals="$goals $tmp/build/keel.elf $tmp/build/keel.bin $tmp/build/run/bundle.dtb"
[ -n "$goals" ] || { echo "FAIL setup-order: no goals found in the Makefile"; exit 1; }

pass=0 fail=0
run_make() { # run_make GOAL [make args]: the log in $tmp/log
	local goal=$1
	shift
	: >"$tmp/log"
	rm -rf "$tmp/build"
	env -u KEEL_SETUP_DONE LOG="$tmp/log" PATH="$tmp/bin:/usr/bin:/bin" \
		make -s -j4 SETUP="$tmp/setup" BUILD="$tmp/build" "$@" "$goal" \
		>"$tmp/out" 2>&1
}

for goal in $goals; do
	run_make "$goal"
	name=${goal#"$tmp/"}
	if ! grep -q '^setup ' "$tmp/log"; then
		echo "FAIL setup-order/$name: make never ran the set-up"
		fail=$((fail + 1))
	elif grep -q '^tool ' "$tmp/log" || [ -e "$tmp/build" ]; then
		echo "FAIL setup-order/$name: something ran before the set-up had passed:"
		grep '^tool ' "$tmp/log" | head -3 | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "PASS setup-order/$name"
		pass=$((pass + 1))
	fi
done

# The stand-ins catch a build that goes ahead: with a passing set-up, make
# keel must call the stand-in compiler.
SETUP_RC=0 run_make keel
if grep -q '^tool ' "$tmp/log"; then
	echo "PASS setup-order/stand-ins-see-a-build"
	pass=$((pass + 1))
else
	echo "FAIL setup-order/stand-ins-see-a-build: make keel ran no stand-in tool"
	fail=$((fail + 1))
fi
echo "setup-order: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
