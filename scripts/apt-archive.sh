#!/bin/sh
# Prints the URI of a Debian archive this machine's apt already uses, so
# that debootstrap fetches from the same place and no host is named in
# the repository. Usage: apt-archive.sh [debian|debian-security]
# (default debian). Prints nothing and fails when apt names none.
set -eu
name=${1:-debian}
uri=$(sed -n "s/^URIs: *\([^ ]*\/$name\)\/*\$/\1/p" /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
[ -n "$uri" ] || uri=$(sed -n "s/^deb  *\([^ ]*\/$name\)\/* .*/\1/p" /etc/apt/sources.list 2>/dev/null | head -n1)
[ -n "$uri" ] || exit 1
echo "$uri"
