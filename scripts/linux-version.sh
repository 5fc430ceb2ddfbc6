#!/bin/sh
# Prints the Linux version whose sources this Debian release ships as
# linux-source-<version> (Keel's libfdt and the Linux guest come from it):
# 6.1 on Debian 12, 6.12 on Debian 13. On another release, the one
# linux-source tarball installed in /usr/src, if there is exactly one.
set -eu
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
case "$codename" in
bookworm) echo 6.1; exit 0 ;;
trixie) echo 6.12; exit 0 ;;
esac
set -- /usr/src/linux-source-*.tar.xz
if [ $# -eq 1 ] && [ -r "$1" ]; then
	v=${1#/usr/src/linux-source-}
	echo "${v%.tar.xz}"
	exit 0
fi
echo "linux-version.sh: unknown release '${codename:-?}' and not exactly one /usr/src/linux-source-*.tar.xz:" >&2
echo "  install the linux-source-<version> package your release ships" >&2
exit 1
