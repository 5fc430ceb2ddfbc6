#!/usr/bin/env python3
"""What the escape guest (guests/escape) wrote, as it reached the console.

    escape-check.py escaped|raw [VM-NAME] LOG

With VM-NAME the guest ran beside another VM and its lines carry
"[VM-NAME] " in front (the line-collecting path); without, it ran alone and
its output went straight to the console. "escaped" (the default console)
wants every probe line exactly as docs/isolation.md's rules show it and
nothing a terminal acts on in the VM's lines; "raw" (console = "raw") wants
the bytes as the guest sent them. Whatever it prints is ASCII (repr), so a
failure report is itself harmless on a terminal.
"""
import sys

# tag: the bytes sent after it (before the \n), as the guest sends them
SENT = {
    b"esc-csi: ": b"\x1b[2J\x1b[H\x1b[31mred\x1b[0m\x1b[1A",
    b"esc-cr: ": b"xxxxxxxx\r[keel] forged by a guest",
    b"esc-bs: ": b"\b" * 15 + b"[keel] forged too",
    b"esc-query: ": b"\x1b[6n \x1b[21t \x1bP$q m\x1b\\ \x1b]0;owned\x07 \x1b[c",
    b"esc-c1: ": b"\x9b6n \xc2\x9b6n \x9d0;x\x9c",
    b"esc-c0: ": b"\x00\x07\x0b\x0c\x0e\x7f|\t|",
    b"esc-split: ": b"\xe2\x82\xac\x1b[2J",
    b"esc-utf8: ": "café € \U0001f41f".encode(),
    b"esc-bad: ": b"\xc0\xaf \xed\xa0\x80 \xe2\x82 \xf4\x90\x80\x80 \xff",
    b"esc-echo: ": b"ab\b \bc",
}

# The same lines escaped, whole (tag included): written out by hand from
# the rules, not computed by the filter's own logic.
ESCAPED = {
    b"esc-csi: ": rb"esc-csi: ^[[2J^[[H^[[31mred^[[0m^[[1A",
    b"esc-cr: ": b"esc-cr: xxxxxxxx[keel] forged by a guest",
    # the 8 characters of "esc-bs: " are the guest's to take back, no more
    b"esc-bs: ": b"^H" * 7 + b"[keel] forged too",
    b"esc-query: ": rb"esc-query: ^[[6n ^[[21t ^[P$q m^[\ ^[]0;owned^G ^[[c",
    b"esc-c1: ": rb"esc-c1: \x9b6n \xc2\x9b6n \x9d0;x\x9c",
    b"esc-c0: ": b"esc-c0: ^@^G^K^L^N^?|\t|",
    b"esc-split: ": "esc-split: €".encode() + b"^[[2J",
    b"esc-utf8: ": "esc-utf8: café € \U0001f41f".encode(),
    b"esc-bad: ": rb"esc-bad: \xc0\xaf \xed\xa0\x80 \xe2\x82 \xf4\x90\x80\x80 \xff",
    b"esc-echo: ": b"esc-echo: ac",
}
# Alone on the console a backspace over the guest's own character goes to
# the terminal as it is: there is no "[name] " in front to reach
ESCAPED_ALONE = dict(ESCAPED)
ESCAPED_ALONE[b"esc-bs: "] = b"esc-bs: " + b"\b" * 8 + b"^H" * 7 + b"[keel] forged too"
ESCAPED_ALONE[b"esc-echo: "] = b"esc-echo: ab\b \bc"

BIDI = {0x61C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2066, 0x2067, 0x2068, 0x2069}


def acts_on_terminal(text, alone):
    """The first character in text a terminal would act on, or None."""
    for ch in text:
        cp = ord(ch)
        if ch == "\t" or (ch == "\b" and alone):
            continue
        if cp < 0x20 or 0x7F <= cp <= 0x9F or cp in BIDI:
            return ch
    return None


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in ("escaped", "raw"):
        sys.exit(__doc__)
    mode, log = sys.argv[1], sys.argv[-1]
    prefix = b"[%s] " % sys.argv[2].encode() if len(sys.argv) == 4 else b""
    alone = not prefix
    with open(log, "rb") as f:
        # the console ends each line with \r\n; a \r inside a line stays
        lines = [l[:-1] if l.endswith(b"\r") else l for l in f.read().split(b"\n")]

    if mode == "raw":
        # alone the bytes are the guest's; beside another VM \r is dropped
        # as it always was when lines are collected
        want = {t: t + (s if alone else s.replace(b"\r", b"")) for t, s in SENT.items()}
    else:
        want = ESCAPED_ALONE if alone else ESCAPED
    failed = 0
    for tag, line in want.items():
        if prefix + line in lines:
            print("ok   %s%r" % (tag.decode(), prefix + line))
            continue
        failed += 1
        print("FAIL %s wanted %r" % (tag.decode(), prefix + line))
        tail = SENT[tag][-8:]
        for l in lines:
            if l.startswith(prefix + tag) or (l.startswith(prefix) and tail in l):
                print("       saw    %r" % l)
    if prefix + b"esc: done" not in lines:
        failed += 1
        print("FAIL the guest's last line %r is missing" % (prefix + b"esc: done"))

    if mode == "escaped":
        # nothing in this VM's lines a terminal acts on: alone, that is the
        # whole log (Keel's own lines have no colour in the tests)
        for n, l in enumerate(lines, 1):
            if not l.startswith(prefix):
                continue
            try:
                bad = acts_on_terminal(l.decode("utf-8"), alone)
            except UnicodeDecodeError as e:
                bad = "malformed UTF-8 (%s)" % e.reason
            if bad:
                failed += 1
                print("FAIL line %d has %r a terminal acts on: %r" % (n, bad, l))
    print("%s%s: %s" % (mode, " " + sys.argv[2] if prefix else " (alone)",
                        "%d failed" % failed if failed else "all as wanted"))
    sys.exit(1 if failed else 0)


main()
