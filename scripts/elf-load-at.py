#!/usr/bin/env python3
"""Copy Keel's ELF with its load address changed, nothing else.

    scripts/elf-load-at.py build/keel.elf 0x90200000 build/keel-at-0x90200000.elf

Adds (ADDR - the lowest PT_LOAD address) to every program header's
p_vaddr/p_paddr and to e_entry. Section headers, symbols and every byte
that is loaded stay as they are: QEMU's -kernel loader places the same
image at ADDR and OpenSBI jumps to it there, so Keel must relocate itself
(src/boot/entry.S). This is how `make run LOAD_ADDR=` and
tests/system/relocated.sh test that. ADDR must be 2 MiB aligned.
"""
import struct
import sys

PT_LOAD = 1


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: elf-load-at.py IN.elf ADDR OUT.elf")
    src, addr_text, dst = sys.argv[1:]
    try:
        addr = int(addr_text, 0)
    except ValueError:
        sys.exit(f"elf-load-at: '{addr_text}' is not an address")
    if addr <= 0 or addr % (2 << 20):
        sys.exit(f"elf-load-at: {addr_text} is not on a 2 MiB boundary "
                 "(Keel is promised to run from any 2 MiB-aligned address)")
    data = bytearray(open(src, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"elf-load-at: {src} is not a little-endian ELF64 file")
    (entry,) = struct.unpack_from("<Q", data, 24)
    (phoff,) = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    phdrs = [phoff + i * phentsize for i in range(phnum)]
    loads = [p for p in phdrs if struct.unpack_from("<I", data, p)[0] == PT_LOAD]
    if not loads:
        sys.exit(f"elf-load-at: {src} has no PT_LOAD segment")
    base = min(struct.unpack_from("<Q", data, p + 24)[0] for p in loads)  # p_paddr
    delta = addr - base
    for p in phdrs:
        vaddr, paddr = struct.unpack_from("<QQ", data, p + 16)
        struct.pack_into("<QQ", data, p + 16, vaddr + delta, paddr + delta)
    struct.pack_into("<Q", data, 24, entry + delta)
    open(dst, "wb").write(data)


if __name__ == "__main__":
    main()
