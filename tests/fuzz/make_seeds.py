#!/usr/bin/env python3
"""Write the hand-made seed inputs of tests/fuzz/corpus/ (run from anywhere).

Each target reads its input as fixed little-endian records (see the
comment at the top of each fuzz_<name>.c); this script writes a few
meaningful ones per target, so the fuzzers start from real instructions,
real SBI call sequences and real PLIC programming instead of noise. The
bundle seeds are real bundles: mkbundles.sh writes those. Inputs that
libFuzzer found (merged with FUZZ_MERGE=1, or crashes copied by hand) sit
next to these under their hash names; this script never removes them.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- fuzz_mmio_decode: records of u32 instruction + u64 htinst -------------
def mmio(insn, htinst=0):
    return struct.pack("<IQ", insn, htinst)


def mmio_seeds():
    # encodings from tests/unit/test_mmio_decode.c (riscv64-unknown-elf-as),
    # each with the htinst a hart would write for it (imm and rs1 zero)
    pairs = {
        "lb-a0": (0x00058503, 0x00000503),
        "ld-ra": (0x8007B083, 0x00003083),
        "lwu-t6": (0x0081EF83, 0x00006F83),
        "sw-s11": (0x07B22223, 0x01B02023),
        "sd-x31": (0xFFF13C23, 0x01F03023),
        "sb-x0": (0x000501A3, 0x00000023),
        # compressed (upper half: the next instruction), htinst bit 1 clear
        "c.lw-a0": (0x00014188, 0x00002501),
        "c.sd-s1": (0x0001FEE4, 0x00903021),
        "c.lwsp-ra": (0x4082, 0x00002081),
        "c.sdsp-t6": (0xFFFE, 0x01F03021),
        # refused: amoadd.w, flw, c.addi4spn, c.lwsp x0 (reserved)
        "amoadd.w": (0x00B5252F, 0),
        "flw": (0x0005A507, 0),
        "c.addi4spn": (0x0040, 0),
        "c.lwsp-x0": (0x4002, 0),
    }
    for name, (insn, ht) in pairs.items():
        write("fuzz_mmio_decode", name, mmio(insn, ht))
    # htinst values only: the page-table pseudoinstructions, the upper half
    write("fuzz_mmio_decode", "htinst-pseudo",
          mmio(0x13, 0x2000) + mmio(0x13, 0x3000) + mmio(0x13, 0x2020) + mmio(0x13, 0x3020))
    write("fuzz_mmio_decode", "htinst-upper-half", mmio(0x13, 0x1_0000_2503))


if __name__ == "__main__":
    mmio_seeds()
