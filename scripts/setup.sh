#!/usr/bin/env bash
# Keel's one setup script: makes sure the Debian 12 packages Keel needs are
# installed. Every Makefile target that needs tools runs it first.
#   - as root: installs what is missing with apt-get;
#   - otherwise: prints the exact apt-get line and fails.
# Usage: scripts/setup.sh [build|linux|run|test|bench|debug|fuzz]   (default: test)
set -euo pipefail

want="${1:-test}"
pkgs=(make gcc libc6-dev gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
      device-tree-compiler linux-source-6.1 xz-utils)
linux_pkgs=(gcc-riscv64-linux-gnu flex bison bc)
case "$want" in
build) ;;
linux) pkgs+=("${linux_pkgs[@]}") ;;
test) pkgs+=(qemu-system-misc opensbi python3 "${linux_pkgs[@]}") ;;
run|bench) pkgs+=(qemu-system-misc opensbi python3) ;;
debug) pkgs+=(qemu-system-misc opensbi gdb-multiarch) ;;
# make fuzz-host: clang and its libFuzzer/sanitizer runtimes
fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
*) echo "setup.sh: unknown target '$want'" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	echo "setup: these Debian packages are missing: ${missing[*]}" >&2
	echo "setup: install them with:" >&2
	echo "  sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
