#!/usr/bin/env python3
"""The virtio test guest's disk: 2048 sectors of 512 bytes, byte j of
sector s = (s * 7 + j) & 0xff, so any sector read back names itself."""
import sys

with open(sys.argv[1], "wb") as f:
    f.write(bytes((s * 7 + j) & 0xff for s in range(2048) for j in range(512)))
