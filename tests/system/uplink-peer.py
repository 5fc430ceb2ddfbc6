#!/usr/bin/env python3
"""The server end of keel.checks=net outside the machine (case linux-uplink).

QEMU's user-mode network runs this for a guest's TCP connection to
10.0.2.100:5001 (-netdev user,guestfwd=tcp:10.0.2.100:5001-cmd:THIS): the
connection is stdin and stdout. Like the server VM of guests/linux/check_net.c
it reads the 1 MiB stream, compares its FNV-1a checksum with what the seed
gives, and sends its checksum back (8 bytes, little-endian). QEMU gives the
command the connection as stderr too, so its verdict (and any traceback) goes
to the file $UPLINK_PEER_LOG names (the case's, beside its log), appended.
"""
import os
import struct
import sys

STREAM_BYTES = 1024 * 1024
SEED = 0x6B65656C2D6E6574  # "keel-net"
MASK = (1 << 64) - 1
FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def expected_stream():
    """xorshift64* from SEED, 8 bytes a step, little-endian (check_net.c)."""
    out, x = bytearray(), SEED
    for _ in range(STREAM_BYTES // 8):
        x ^= x >> 12
        x = (x ^ (x << 25)) & MASK
        x ^= x >> 27
        out += struct.pack("<Q", (x * 0x2545F4914F6CDD1D) & MASK)
    return bytes(out)


def fnv1a(data):
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK
    return h


def main():
    if os.environ.get("UPLINK_PEER_LOG"):
        sys.stderr = open(os.environ["UPLINK_PEER_LOG"], "a", encoding="utf-8")
    got = bytearray()
    while len(got) < STREAM_BYTES:
        chunk = sys.stdin.buffer.read1(STREAM_BYTES - len(got))
        if not chunk:
            break
        got += chunk
    h = fnv1a(got)
    good = len(got) == STREAM_BYTES and bytes(got) == expected_stream()
    # the verdict first: once the guest has the checksum it powers off, and
    # the case reads this file while this process may still be running
    print("uplink-peer: received %d bytes, fnv1a %016x: %s"
          % (len(got), h, "PASS" if good else "FAIL (not the seed's stream)"),
          file=sys.stderr, flush=True)
    sys.stdout.buffer.write(struct.pack("<Q", h))
    sys.stdout.buffer.flush()
    sys.stdin.buffer.read()  # until the guest closes


if __name__ == "__main__":
    main()
