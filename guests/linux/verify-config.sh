#!/bin/sh
# Usage: verify-config.sh FRAGMENT DOTCONFIG
#
# Checks that every option FRAGMENT sets ended up in DOTCONFIG exactly as
# asked. merge_config.sh -m plus olddefconfig silently drop or change options
# whose dependencies are not met; this catches that.
#   CONFIG_X=value          DOTCONFIG must hold that exact line
#   # CONFIG_X is not set   DOTCONFIG must not set CONFIG_X (off or absent)
# Prints every mismatch and exits 1 if there is any.
set -eu

frag=$1
conf=$2
bad=0
n=0

while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		n=$((n + 1))
		sym=${line%%=*}
		if ! grep -qxF -- "$line" "$conf"; then
			got=$(grep -E "^$sym=|^# $sym is not set" "$conf" || true)
			echo "verify-config: wanted '$line', got '${got:-<absent: dependencies not met>}'" >&2
			bad=1
		fi
		;;
	"# CONFIG_"*" is not set")
		n=$((n + 1))
		sym=${line#\# }
		sym=${sym%% *}
		if got=$(grep -E "^$sym=" "$conf"); then
			echo "verify-config: wanted '$line', got '$got'" >&2
			bad=1
		fi
		;;
	esac
done < "$frag"

if [ "$bad" -ne 0 ]; then
	echo "verify-config: FAILED: $conf does not match $frag (see above)" >&2
	exit 1
fi
echo "  VERIFY  all $n options of $(basename "$frag") are set as asked"
