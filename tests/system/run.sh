#!/usr/bin/env bash
# Run the system tests of tests/system/cases.sh: Keel + a guest in QEMU,
# each with a timeout. Prints one PASS/FAIL line per case and, for a
# failure, the end of the console log. Exit code: number of failures.
#
# The test matrix (tests/run-all.sh) runs it again with:
#   KEEL_STACK=NAME      another QEMU and firmware (scripts/stack.sh)
#   KEEL_QEMU_CPU=MODEL  another CPU model (QEMU -cpu; a case's own -cpu wins)
#   KEEL_TEST_ONLY=FILE  only the cases named in FILE, one per line
#   KEEL_TEST_TAG=TAG    names become system/NAME@TAG, logs build/system/TAG/
#   KEEL_BIN=FILE        the Keel image to boot (default build/keel.bin; make
#                        test boots build/keel-debug.bin, docs/smp.md)
set -uo pipefail
cd "$(dirname "$0")/../.."

TIMEOUT=${KEEL_TEST_TIMEOUT:-60}
export KEEL_BIN=${KEEL_BIN:-build/keel.bin}
TAG=${KEEL_TEST_TAG:-}
ONLY=${KEEL_TEST_ONLY:-}
out=build/system${TAG:+/$TAG}
mkdir -p "$out"
pass=0 fail=0 skip=0
declare -A skipped_case

# Is this case in the run? (every case, unless KEEL_TEST_ONLY names some)
wanted() {
	[ -z "$ONLY" ] || grep -qxF -- "$1" "$ONLY"
}

# A Linux guest Image make test could not build without root
# (scripts/linux-guest.sh wrote why beside it): its cases are skipped.
# unavailable PATH...: is one of them such an Image? (the reason in $why_skip)
unavailable() {
	local p
	for p; do
		case "$p" in */Image) ;; *) continue ;; esac
		if [ ! -e "$p" ] && [ -f "$(dirname "$p")/UNAVAILABLE" ]; then
			why_skip=$(cat "$(dirname "$p")/UNAVAILABLE")
			return 0
		fi
	done
	return 1
}

# sys_needs IMAGE sys_case|sys_script NAME ...: a case that boots IMAGE
# without naming it (a script, a config): skipped as above when it is
# unavailable, else run as it is
sys_needs() {
	local image=$1
	shift
	if wanted "$2" && unavailable "$image"; then
		sys_skip "$2" "$why_skip"
		return 0
	fi
	"$@"
}

# sys_skip NAME WHY: one SKIP line, counted
sys_skip() {
	echo "SKIP system/$1${TAG:+@$TAG}: $2"
	skipped_case[$1]=1
	skip=$((skip + 1))
}

sys_case() {
	local name=$1 guest=$2 opts=$3 want_rc=$4 want=$5 reject=${6:-} typed=${7:-}
	wanted "$name" || return 0
	unavailable "$guest" && { sys_skip "$name" "$why_skip"; return 0; }
	# the options as the shell would split them: -b 'a b' is one value
	local -a args
	eval "args=($opts)"
	local log=$out/$name.log bundle=$out/$name.dtb rc why=""

	# shellcheck disable=SC2086
	if ! scripts/mkbundle.sh -o "$bundle" -n "$name" -i "$guest" "${args[@]}" >"$log" 2>&1; then
		rc=-
	else
		# "typed" is sent to the console every half second, as if typed
		# QEMU_ARGS (set before sys_case) go to QEMU as they are
		# shellcheck disable=SC2086
		timeout "$TIMEOUT" scripts/run-qemu.sh -k "$KEEL_BIN" -B "$bundle" \
			-- ${QEMU_ARGS:-} < <(if [ -n "$typed" ]; then
				for _ in $(seq 20); do sleep 0.5; printf '%s' "$typed"; done
			    fi) >>"$log" 2>&1
		rc=$?
		[ $rc -eq 124 ] && why="timed out after ${TIMEOUT}s"
	fi
	[ -z "$why" ] && [ "$rc" != "$want_rc" ] && why="exit code $rc, wanted $want_rc"
	[ -z "$why" ] && ! grep -Eq -- "$want" "$log" && why="never saw /$want/"
	[ -z "$why" ] && [ -n "$reject" ] && grep -Eq -- "$reject" "$log" && why="saw /$reject/"
	if [ -z "$why" ]; then
		echo "PASS system/$name${TAG:+@$TAG}"
		pass=$((pass + 1))
	else
		echo "FAIL system/$name${TAG:+@$TAG}: $why (log: $log)"
		grep -E 'not ok|error|fault|KEEL-TEST' "$log" | head -20 | sed 's/^/    | /'
		tail -n 5 "$log" | sed 's/^/    $ /'
		fail=$((fail + 1))
	fi
}

# A check of what an earlier case printed: sys_check NAME CASE COMMAND...
# runs COMMAND... with that case's log as its last argument; exit 0 passes.
sys_check() {
	local name=$1 from=$2 log=$out/$1.log
	shift 2
	wanted "$name" || return 0
	[ -n "${skipped_case[$from]:-}" ] && { sys_skip "$name" "$from was skipped"; return 0; }
	[ -f "$out/$from.log" ] && "$@" "$out/$from.log" >"$log" 2>&1
	verdict $? "$name" "$* $out/$from.log" "$log"
}

# verdict RC NAME WHAT LOG: one PASS/FAIL line, and the end of LOG on failure
verdict() {
	if [ "$1" -eq 0 ]; then
		echo "PASS system/$2${TAG:+@$TAG}"
		pass=$((pass + 1))
	else
		echo "FAIL system/$2${TAG:+@$TAG}: $3 (log: $4)"
		[ -f "$4" ] && sed 's/^/    | /' "$4" | tail -12
		fail=$((fail + 1))
	fi
}

# A scripted run: sys_script NAME COMMAND... runs COMMAND with a log file
# as its last argument; exit 0 passes (for cases that need more than typed
# text repeated, e.g. a sequence of keys).
sys_script() {
	local name=$1 log=$out/$1.log
	shift
	wanted "$name" || return 0
	unavailable "$@" && { sys_skip "$name" "$why_skip"; return 0; }
	timeout "$TIMEOUT" "$@" "$log" >"$log.out" 2>&1
	verdict $? "$name" "$* $log" "$log.out"
}

# shellcheck source=cases.sh
. tests/system/cases.sh
echo "system${TAG:+@$TAG}: $pass passed, $fail failed$([ "$skip" -eq 0 ] || echo ", $skip skipped")"
exit "$fail"
