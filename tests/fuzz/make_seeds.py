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


# ---- fuzz_sbi: nr of vCPUs, then operations (see fuzz_sbi.c) --------------
EIDS = ["set_timer", "putchar", "getchar", "clear_ipi", "send_ipi", "fence_i",
        "sfence_vma", "sfence_vma_asid", "shutdown", "BASE", "TIME", "IPI", "RFENCE",
        "HSM", "SRST", "PMU", "DBCN", "KEEL", "SUSP", "STA", "FWFT"]
# argument kinds (fuzz_sbi.c's arg()): a kind byte, sometimes a value after it
Z = b"\x00"
M1 = b"\x20"  # -1


def small(n):
    return bytes([0x10 | n])


def ram(off):  # RAM_BASE + off
    return b"\x30" + struct.pack("<H", off)


def page(n):  # RAM_BASE + n pages
    return bytes([0x40 | n])


def u64(v):
    return b"\x90" + struct.pack("<Q", v)


def fw_event(code):
    return b"\xbc" + bytes([code])


def mask(m):
    return b"\xc0" + bytes([m])


def call(caller, eid, fid, *args):
    args = list(args) + [Z] * (6 - len(args))
    return bytes([0, caller, EIDS.index(eid), fid]) + b"".join(args)


TAKE_STARTS = b"\x05"
WAKE = b"\x0e"


def store(off, value):
    return b"\x07" + struct.pack("<HQ", off, value)


def sbi_seeds():
    def w(name, nr_vcpus, *ops):
        write("fuzz_sbi", name, bytes([nr_vcpus - 1]) + b"".join(ops))

    w("base", 1, *[call(0, "BASE", f) for f in range(7)],
      call(0, "BASE", 3, u64(0x4442434E)), call(0, "BASE", 3, u64(0x0A4B454C)),
      call(0, "BASE", 3, u64(0x53555350)))
    w("hsm", 4, call(0, "HSM", 0, small(1), page(0), small(7)), TAKE_STARTS,
      call(0, "HSM", 2, small(1)), call(1, "HSM", 0, small(2), page(1)),
      call(1, "HSM", 0, small(2), page(1)), call(0, "HSM", 3, Z), WAKE,
      call(0, "HSM", 3, b"\xf0", page(2), small(3)), call(1, "HSM", 1),
      call(0, "HSM", 2, small(9)), WAKE, call(0, "HSM", 1))
    w("dbcn", 1, store(0x100, int.from_bytes(b"hello!\n\0", "little")),
      call(0, "DBCN", 0, small(7), ram(0x100)), call(0, "DBCN", 1, small(4), ram(0x200)),
      call(0, "DBCN", 2, small(0xa)), call(0, "DBCN", 0, u64(0x4000), page(0)),
      call(0, "DBCN", 1, small(8), b"\x55"))
    w("pmu", 2, call(0, "PMU", 0), call(0, "PMU", 1, small(3)),
      call(0, "PMU", 2, small(3), mask(0xff), Z, fw_event(4)),
      call(0, "PMU", 2, Z, mask(0x1), small(2), b"\xb0\x01"),
      call(0, "PMU", 7, page(1), Z, Z), call(0, "PMU", 3, small(7), small(1)),
      call(0, "PMU", 3, Z, small(1), small(2)), b"\x06\x10\x27\x00\x00",
      call(0, "PMU", 4, small(7), small(1), small(2)), call(0, "PMU", 5, small(7)),
      call(0, "PMU", 6, small(7)), call(0, "PMU", 4, Z, small(1), small(3)), call(0, "PMU", 8, page(2), Z, small(2), Z),
      call(0, "PMU", 7, M1, M1, Z))
    w("ipi-fence-timer", 3, call(0, "TIME", 0, u64(1000)), call(0, "IPI", 0, mask(3), Z),
      call(0, "IPI", 0, small(1), M1), call(0, "RFENCE", 1, mask(7), Z, b"\xe1", page(1)),
      call(0, "RFENCE", 2, small(1), small(2), page(0), small(8), small(1)),
      call(0, "RFENCE", 0, small(1), small(5)))
    w("legacy", 2, store(0x8, 3), call(0, "set_timer", 0, u64(5000)),
      call(0, "putchar", 0, small(0xa)), call(0, "getchar", 0), call(0, "clear_ipi", 0),
      call(0, "send_ipi", 0, ram(0x8)), call(0, "fence_i", 0, ram(0x9)),
      call(0, "sfence_vma", 0, Z, page(0), page(1)), call(0, "shutdown", 0))
    w("srst-reboot", 2, call(0, "SRST", 0, small(1), Z), call(0, "SRST", 0, small(2), small(1)),
      call(0, "SRST", 0, small(3), Z), call(0, "SRST", 0, Z, b"\xf8"))
    # first byte bit 3: TRACE=1, the dispatcher prints each call
    write("fuzz_sbi", "trace", bytes([8 | 1]) + call(0, "BASE", 0) + call(1, "HSM", 2, small(1))
          + bytes([0, 0, 0xe0, 0]) + struct.pack("<Q", 0x12345678) + Z * 6)
    # first byte bit 4: profiler-control, so the profiler calls get through
    write("fuzz_sbi", "keel-profiler", bytes([16]) + call(0, "KEEL", 1, Z, small(1))
          + call(0, "KEEL", 3, small(5)) + call(0, "KEEL", 2) + call(0, "KEEL", 2)
          + call(0, "KEEL", 1, u64(5), Z) + call(0, "KEEL", 4) + call(0, "KEEL", 5, small(1)))
    # first byte bit 5: Svadu for the guests, so PTE_AD_HW_UPDATING is offered
    fwft = [call(0, "FWFT", 1, Z), call(0, "FWFT", 0, Z, small(1), Z),
            call(0, "FWFT", 0, small(4), small(1), small(1)), call(0, "FWFT", 0, small(4), Z, Z),
            call(0, "FWFT", 1, small(4)), call(0, "FWFT", 0, Z, small(2), small(2)),
            call(0, "FWFT", 0, u64(0xffffffff00000000), Z, small(1)),
            call(0, "FWFT", 0, Z, small(1), Z), call(0, "FWFT", 1, u64(0x100000000)),
            call(0, "FWFT", 1, small(5)), call(0, "FWFT", 1, b"\xa0" + struct.pack("<I", 0x40000000)),
            call(0, "FWFT", 1, b"\xf3"), call(0, "FWFT", 2, Z),
            call(0, "PMU", 2, small(3), mask(0xff), b"\x14", fw_event(0)),
            call(0, "FWFT", 0, Z, small(1), Z), call(0, "PMU", 4, small(3), small(1), small(1)),
            call(1, "FWFT", 0, small(4), small(1), Z)]
    write("fuzz_sbi", "fwft-svadu", bytes([32 | 1]) + b"".join(fwft))
    w("fwft", 2, *fwft)
    w("keel", 1, call(0, "KEEL", 0), call(0, "KEEL", 1, Z, small(1)), call(0, "KEEL", 3, small(5)),
      call(0, "KEEL", 2), call(0, "KEEL", 2), call(0, "KEEL", 4), call(0, "KEEL", 5, small(2)),
      call(0, "KEEL", 9))


# ---- fuzz_vplic: nr of vCPUs, then reads, writes and line changes ----------
def prio(src):  # offset(): priority of src
    return bytes([0, 0, src])


def enable(ctx, word):
    return bytes([2, ctx, word])


def threshold(ctx):
    return bytes([3, ctx])


def claim(ctx):
    return bytes([4, ctx])


def pending(word):
    return bytes([1, 0, word])


def rd(off):
    return b"\x00" + off


def wr(off, value):  # a u32 value (opcode 0x82) or a byte (0x01)
    if value < 0x100:
        return b"\x01" + off + bytes([value])
    return b"\x82" + off + struct.pack("<I", value)


def line(src, high):
    return bytes([0x83 if high else 0x02, src])


def vplic_seeds():
    def w(name, nr_vcpus, *ops):
        write("fuzz_vplic", name, bytes([nr_vcpus]) + b"".join(ops))

    # what Linux does with the UART on source 10, from vCPU 0's S context
    w("linux-uart", 1, wr(prio(10), 1), wr(enable(1, 0), 1 << 10), wr(threshold(1), 0),
      line(10, True), rd(claim(1)), rd(pending(0)), line(10, False), wr(claim(1), 10),
      line(10, True), rd(claim(1)), wr(claim(1), 10), rd(pending(0)), rd(claim(1)),
      line(10, False), wr(claim(1), 10))
    # two vCPUs, sources above 31, priorities against thresholds, ties
    w("priorities", 2, wr(prio(3), 2), wr(prio(5), 7), wr(prio(40), 7), wr(prio(63), 1),
      wr(enable(1, 0), 0xFFFFFFFF), wr(enable(3, 1), 0xFFFFFFFF), wr(threshold(3), 6),
      line(3, True), line(5, True), line(40, True), line(63, True), rd(claim(1)),
      rd(claim(3)), rd(claim(1)), rd(claim(3)), wr(claim(3), 40), wr(claim(1), 5),
      rd(pending(1)), rd(enable(3, 1)), rd(threshold(3)))
    # M-mode contexts, a context past the last, odd offsets, no vCPUs
    w("edges", 0, rd(claim(0)), wr(prio(0), 7), wr(enable(16, 0), 0xFFFFFFFF),
      rd(bytes([5, 1])), rd(bytes([6, 0]) + struct.pack("<I", 0x600000)),
      rd(bytes([7, 0]) + struct.pack("<Q", 0x200004 | 1 << 63)))
    w("m-context", 8, wr(prio(1), 1), wr(enable(0, 0), 2), wr(enable(15, 0), 2),
      line(1, True), rd(claim(15)), wr(claim(0), 1), wr(claim(15), 1), rd(claim(0)))


# ---- fuzz_virtq: queue registers, a RAM image, then operations -----------
# (the header and the operations are described at the top of fuzz_virtq.c)
VQ_LOW, VQ_TOP, VQ_RAM = 0x80000000, (1 << 64) - 0x2000, 0x2000
VQ_DESC, VQ_AVAIL, VQ_USED, VQ_TABLE, VQ_BUF = 0x0000, 0x1000, 0x1240, 0x1a80, 0x1c00
NEXT, WRITE, INDIRECT = 1, 2, 4
EVENT_IDX, INDIRECT_DESC, HOSTILE, TOP = 1, 2, 4, 8
POP, NOTIFY = b"\x00", b"\x04"


def push(pick=0, written=0):
    return b"\x03" + struct.pack("<BI", pick, written)


def guest_write(off, data):
    return b"\x05" + struct.pack("<HB", off, len(data)) + data


def publish(n):
    return b"\x06" + bytes([n])


def bad_push(beyond=0):
    return b"\x07" + bytes([beyond])


class Guest:
    """A guest RAM image with a queue of size entries in it."""

    def __init__(self, size, mode=0, start=0):
        self.ram = bytearray(VQ_RAM)
        self.size, self.mode, self.start = size, mode, start
        self.base = VQ_TOP if mode & TOP else VQ_LOW
        self.offered = 0
        self.regs = (VQ_DESC, VQ_AVAIL, VQ_USED)

    def gpa(self, off):
        return self.base + off

    def desc(self, i, addr, length, flags=0, nxt=0, table=VQ_DESC):
        """addr: an offset in RAM, or (absolute,) for any address"""
        a = addr[0] if isinstance(addr, tuple) else self.gpa(addr)
        struct.pack_into("<QIHH", self.ram, table + 16 * i, a, length, flags, nxt)

    def offer(self, *heads):
        for h in heads:
            slot = (self.start + self.offered) % self.size
            struct.pack_into("<H", self.ram, VQ_AVAIL + 4 + 2 * slot, h)
            self.offered += 1

    def used_event(self, v):
        struct.pack_into("<H", self.ram, VQ_AVAIL + 4 + 2 * self.size, v)

    def seed(self, ops=b"", size_sel=None, hostile=b""):
        image = bytes(self.ram).rstrip(b"\0")
        sel = bytes([self.size.bit_length() - 1]) if size_sel is None else size_sel
        return (sel + struct.pack("<BHBHHHH", self.mode, self.start, self.offered,
                                  *self.regs, len(image)) + image + hostile + ops)


def virtq_seeds():
    def w(name, data):
        write("fuzz_virtq", name, data)

    # a virtio-blk read: header, data, status; given back with 513 bytes written
    g = Guest(8)
    g.desc(2, VQ_BUF, 16, NEXT, 7)
    g.desc(7, VQ_BUF + 0x100, 512, NEXT | WRITE, 0)
    g.desc(0, VQ_BUF + 0x300, 1, WRITE)
    g.offer(2)
    w("blk-read", g.seed(POP + push(0, 513) + NOTIFY + POP + NOTIFY))
    # the same while another vCPU writes RAM at each map(): the three rings
    # are mapped by virtq_check() and again by the pop (writes into a
    # buffer), then each buffer once its descriptor was read: that
    # descriptor's len and flags change too late to matter; then avail->idx
    # moves by 5
    g.mode = HOSTILE
    hostile = bytes([9]) + b"".join(struct.pack("<HB", off, v) for off, v in
                                    [(VQ_BUF + i, i) for i in range(6)]
                                    + [(2 * 16 + 11, 0xff), (7 * 16 + 12, 7),
                                       (VQ_AVAIL + 2, 5)])
    w("blk-read-hostile", g.seed(POP + push(0, 513) + NOTIFY + POP, hostile=hostile))

    # a full queue across the 16-bit wrap, given back out of order
    g = Guest(8, start=65530)
    for i in range(8):
        g.desc(i, VQ_BUF + 0x10 * i, 0x10, WRITE if i % 2 else 0)
    g.offer(*range(8))
    w("full-queue-wrap", g.seed(POP * 8 + push(3, 1) + push(0, 2) + NOTIFY + push(5) * 6
                                + NOTIFY + POP + publish(8) + POP * 3))

    # direct descriptors then an indirect table; a table at an odd address
    g = Guest(4, INDIRECT_DESC)
    g.desc(0, VQ_BUF, 10, NEXT, 1)
    g.desc(1, VQ_TABLE, 3 * 16, INDIRECT | WRITE)
    g.desc(0, VQ_BUF + 0x10, 20, NEXT, 2, table=VQ_TABLE)
    g.desc(2, VQ_BUF + 0x30, 30, WRITE | NEXT, 1, table=VQ_TABLE)
    g.desc(1, VQ_BUF + 0x50, 40, WRITE, 0, table=VQ_TABLE)
    g.desc(3, VQ_TABLE + 0x41, 2 * 16, INDIRECT)
    g.desc(0, VQ_BUF + 0x80, 8, NEXT, 1, table=VQ_TABLE + 0x41)
    g.desc(1, VQ_BUF + 0x90, 8, WRITE, 0, table=VQ_TABLE + 0x41)
    g.offer(0, 3)
    w("indirect", g.seed(POP + POP + push(1, 8) + push(0, 70) + NOTIFY + POP))

    # EVENT_IDX: used_event 1, more chains published while busy
    g = Guest(16, EVENT_IDX, start=100)
    for i in range(6):
        g.desc(i, VQ_BUF + 8 * i, 8, WRITE)
    g.used_event(101)
    g.offer(0, 1, 2)
    w("event-idx", g.seed(POP + push() + NOTIFY + POP + POP + push() + push() + NOTIFY
                          + guest_write(VQ_AVAIL + 4 + 2 * 3, struct.pack("<HHH", 3, 4, 5))
                          + publish(3) + POP * 4 + push() * 3 + NOTIFY))

    # flags: NO_INTERRUPT set, then cleared; the ring empty, then filled
    g = Guest(2)
    g.desc(0, VQ_BUF, 1)
    g.offer(0)
    struct.pack_into("<H", g.ram, VQ_AVAIL, 1)
    w("no-interrupt", g.seed(POP + POP + push() + NOTIFY
                             + guest_write(VQ_AVAIL, b"\0\0") + guest_write(VQ_AVAIL + 6, b"\0\0")
                             + publish(1) + POP + push() + NOTIFY + bad_push(3)))

    # empty descriptors: left out, their addresses never mapped
    g = Guest(8)
    g.desc(0, (0xdead0000,), 0, NEXT, 1)
    g.desc(1, VQ_BUF, 4, NEXT, 2)
    g.desc(2, (0,), 0, WRITE | NEXT, 3)
    g.desc(3, VQ_BUF + 4, 4, WRITE)
    g.desc(4, (0x1234,), 0)
    g.offer(0, 4)
    w("empty-descriptors", g.seed(POP + POP + push(1) + push()))

    # RAM at the top of the address space: the last buffer ends at 2^64
    g = Guest(4, TOP)
    g.desc(0, VQ_BUF, 0x10, NEXT, 1)
    g.desc(1, VQ_RAM - 0x10, 0x10, WRITE)
    g.offer(0)
    w("top-of-memory-wraps", g.seed(POP))
    g = Guest(4, TOP | INDIRECT_DESC)
    g.desc(0, VQ_RAM - 0x20, 0x20, INDIRECT)
    g.offer(0)
    w("bad-indirect-wrap", g.seed(POP))

    # ---- malformed chains, each refused
    def broken(name, g):
        w(name, g.seed(POP + POP))

    g = Guest(8)
    g.desc(0, VQ_BUF, 1, NEXT, 1)
    g.desc(1, VQ_BUF, 1, NEXT, 0)
    g.offer(0)
    broken("bad-loop", g)
    g = Guest(8)
    g.offer(8)
    broken("bad-head", g)
    g = Guest(8)
    g.desc(0, VQ_BUF, 1, NEXT, 9)
    g.offer(0)
    broken("bad-next", g)
    g = Guest(8)
    g.desc(0, VQ_BUF, 1, NEXT, 8)  # the entry just past the table
    g.offer(0)
    broken("bad-next-just-past", g)
    g = Guest(8)
    g.desc(0, VQ_BUF, 4, WRITE | NEXT, 1)
    g.desc(1, VQ_BUF + 4, 4)
    g.offer(0)
    broken("bad-order", g)
    g = Guest(8)
    g.desc(0, VQ_RAM - 4, 8)
    g.offer(0)
    broken("bad-outside-ram", g)
    g = Guest(8)
    g.desc(0, (2**64 - 0x10,), 0x20)
    g.offer(0)
    broken("bad-wrap", g)
    g = Guest(8)
    g.offer(*range(8))
    g.offered = 9
    broken("bad-avail-ahead", g)
    g = Guest(128)
    for i in range(65):
        g.desc(i, VQ_BUF + i, 1, NEXT if i < 64 else 0, i + 1)
    g.offer(0)
    broken("bad-too-many-segments", g)
    g = Guest(8)
    g.desc(0, VQ_TABLE, 16, INDIRECT)
    g.desc(0, VQ_BUF, 4, table=VQ_TABLE)
    g.offer(0)
    broken("bad-indirect-not-negotiated", g)
    for name, length, flags in [("bad-indirect-len-24", 24, INDIRECT),
                                ("bad-indirect-empty", 0, INDIRECT),
                                ("bad-indirect-too-large", 257 * 16, INDIRECT),
                                ("bad-indirect-next", 16, INDIRECT | NEXT)]:
        g = Guest(8, INDIRECT_DESC)
        g.desc(0, VQ_TABLE, length, flags, 1)
        g.desc(1, VQ_BUF, 4, WRITE)
        g.desc(0, VQ_BUF, 4, table=VQ_TABLE)
        g.offer(0)
        broken(name, g)
    # the largest table accepted: 256 entries, a buffer every fourth, in the
    # RAM a queue of 2 leaves (after a 1 KiB ring area)
    g = Guest(2, INDIRECT_DESC)
    g.regs = (0, 0x100, 0x200)
    struct.pack_into("<QIHH", g.ram, 0, g.gpa(0x400), 256 * 16, INDIRECT, 0)
    struct.pack_into("<H", g.ram, 0x104, 0)
    g.offered = 1
    for i in range(256):
        g.desc(i, VQ_BUF + i, 1 if i % 4 == 0 else 0, NEXT if i < 255 else 0, i + 1, table=0x400)
    w("indirect-256-entries", g.seed(POP + push() + POP))
    g = Guest(8, INDIRECT_DESC)
    g.desc(0, VQ_TABLE, 2 * 16, INDIRECT)
    g.desc(0, VQ_BUF, 4, NEXT, 1, table=VQ_TABLE)
    g.desc(1, VQ_TABLE, 2 * 16, INDIRECT, table=VQ_TABLE)
    g.offer(0)
    broken("bad-indirect-in-indirect", g)
    g = Guest(8, INDIRECT_DESC)
    g.desc(0, VQ_TABLE, 2 * 16, INDIRECT)
    g.desc(0, VQ_BUF, 0, NEXT, 1, table=VQ_TABLE)
    g.desc(1, VQ_BUF, 0, NEXT, 0, table=VQ_TABLE)
    g.offer(0)
    broken("bad-indirect-loop", g)

    # ---- queues refused at QueueReady
    g = Guest(8)
    w("bad-queue-size-3", g.seed(POP, size_sel=b"\xf0\x03\x00"))
    g.regs = (VQ_DESC + 8, VQ_AVAIL, VQ_USED)
    w("bad-queue-misaligned", g.seed(POP))
    g.regs = (VQ_DESC, VQ_AVAIL, VQ_RAM - 8)
    w("bad-queue-used-outside-ram", g.seed(POP))
    g.regs = (VQ_DESC, VQ_AVAIL, VQ_USED + 2)
    w("bad-queue-used-misaligned", g.seed(POP))
    g.regs = (VQ_DESC, VQ_AVAIL + 1, VQ_USED)
    w("bad-queue-avail-misaligned", g.seed(POP))


if __name__ == "__main__":
    mmio_seeds()
    sbi_seeds()
    vplic_seeds()
    virtq_seeds()
