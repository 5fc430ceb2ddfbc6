#!/usr/bin/env python3
"""Docs that stay true: every reference in Keel's documents against the tree.

tests/doc-refs.sh runs this on the repository, after a self-test on
tests/doc-refs/fixture (so that it cannot pass by finding nothing). The
documents: README.md, docs/*.md, guests/README.md, guests/*/README.md,
tools/README.md, and the Makefile's header comment. For each it checks:

  paths    every repository path named (src/..., tests/..., a link's target,
           a file named alone like `trap.S`) exists
  symbols  a symbol placed in a file (`func()` (`src/x.c`), `src/x.c`
           `func()`, `src/x.c:func()`, `a`, `b` in `src/x.S`, a call tree's
           "func()   src/x.c")
           is defined there (a header may declare it); every `func()` named
           is defined somewhere in the repository, unless it is another
           project's (EXTERNAL) or an SBI function with an id in
           include/sbi_defs.h
  lines    a file:line names the function it is in, as gdb and addr2line
           print it ("func (...) at src/x.c:58", "`func` at `src/x.c:12`"),
           and the line is inside that function
  make     `make GOAL VAR=...` in code: the goal is a target of the
           Makefile the command is for (-C DIR's, the document's directory's,
           or the root's) and each VAR is used by it, its sub-makes or the
           scripts its recipes run; an options table's `VAR=` likewise; any
           other `VAR=...` span is used somewhere in the repository
  anchors  a link to a heading (#anchor, other.md#anchor) finds it
  figures  make bench's table agrees with tests/budgets.txt for every
           budgeted row (measured figure, goal, budget, native figure,
           ratio, "over"); so does a table column headed "now" or "after";
           a table that ends in a bold total adds up to it in every column
           of figures, and matches the measured figure of the operation the
           total or the column names; with --run FILE, every figure of make
           bench's tables (and the longest exits, the profiling lines) is
           that run's
  lists    docs/testing.md names every case of tests/system/cases.sh, every
           unit test and every host fuzzer; guests/README.md has a row for
           every guest guests/Makefile builds

The Makefile's header must also name every goal the Makefile declares
(.PHONY, each with a rule) and every option of README.md's options table.

Output: one PASS or FAIL line per document, each broken reference on an
indented line below its FAIL ("    FILE:LINE: class: what is wrong").
Exit status 1 if any document failed.
"""
import argparse
import os
import re
import shlex
import signal
import sys

TOP_DIRS = ("src", "include", "scripts", "tests", "guests", "configs", "tools", "docs")
FILE_EXTS = ("c", "h", "S", "sh", "py", "dts", "dtsi", "ld", "txt", "list", "md", "dict", "config")
SOURCE_DIRS = ("src", "include", "guests", "tests", "scripts", "tools", "configs")

# Names the documents write as functions that are not Keel's: other
# projects' functions, and CSRs written hpmcounter(3 + i). They are not
# looked for in this repository.
EXTERNAL = {
    "hpmcounter": "a CSR",
    "sbi_trap_redirect": "OpenSBI",
    "sbi_illegal_insn_handler": "OpenSBI",
    "sbi_send_ipi": "OpenSBI",
    "walk_stackframe": "Linux",
    "riscv_pmu_ctr_get_width_mask": "Linux",
    "pmu_sbi_event_map": "Linux",
    "perf_event_open": "Linux",
    "sched_setaffinity": "Linux",
    "fdt_next_tag": "libfdt",
    "fdt_create": "libfdt",
    "fdt_check_header": "libfdt",
    "fdt_totalsize": "libfdt",
    "LLVMFuzzerTestOneInput": "libFuzzer",
    "kvm_riscv_vcpu_pmu_incr_fw": "Linux KVM",
    "riscv_pmu_del": "Linux",
    "riscv_cpu_update_mip": "QEMU",
    "memset": "the C library",
    "memcpy": "the C library",
    "abort": "the C library",
    "clock_gettime": "the C library",
    "clone": "Linux",
    "mmap": "Linux",
    "mremap": "Linux",
    # SBI functions include/sbi_defs.h gives another name
    "probe_extension": "the SBI specification",
    "system_reset": "the SBI specification",
    "counter_config_matching": "the SBI specification",
}
# Variables other programs read (OpenSBI's and Linux's build)
EXTERNAL_VARS = {"FW_PAYLOAD_PATH", "FW_PAYLOAD_OFFSET", "HZ", "CROSS_COMPILE", "ARCH"}

C_KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "__attribute__", "typeof",
              "__typeof__", "defined", "asm", "__asm__", "_Static_assert", "alignof",
              "__builtin_expect"}


# ---- The repository -------------------------------------------------------

class Repo:
    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.files = []
        for top, dirs, names in os.walk(self.root):
            rel = os.path.relpath(top, self.root)
            dirs[:] = sorted(d for d in dirs
                             if not d.startswith(".") and not (rel == "." and d == "build"))
            for n in names:
                self.files.append(os.path.normpath(os.path.join(rel, n)))
        self.fileset = set(self.files)
        self.by_base = {}
        for f in self.files:
            self.by_base.setdefault(os.path.basename(f), []).append(f)
        self._text = {}
        self._defs = {}

    def exists(self, rel):
        rel = os.path.normpath(rel)
        return rel in self.fileset or os.path.isdir(os.path.join(self.root, rel))

    def text(self, rel):
        if rel not in self._text:
            try:
                with open(os.path.join(self.root, rel), encoding="utf-8", errors="replace") as f:
                    self._text[rel] = f.read()
            except OSError:
                self._text[rel] = None
        return self._text[rel]

    def defs(self, rel):
        """{name: [(first line, last line)]} of what FILE defines; for a
        header, its declarations too."""
        if rel not in self._defs:
            text = self.text(rel)
            self._defs[rel] = definitions(rel, text) if text is not None else {}
        return self._defs[rel]

    def source_files(self):
        """The text files that can define something: sources, scripts,
        Makefiles, device trees, lists (not the documents, not data)."""
        if not hasattr(self, "_sources"):
            self._sources = [
                f for f in self.files
                if f in ("Makefile", "linker.ld") or
                f.split(os.sep)[0] in SOURCE_DIRS and
                not f.startswith(os.path.join("tests", "doc-refs") + os.sep) and
                (re.search(r"\.(c|h|S|sh|py|dts|dtsi|ld|list|txt|config|mk)$", f) or
                 os.path.basename(f) == "Makefile" or
                 "." not in os.path.basename(f) and (self.text(f) or "").startswith("#!"))]
        return self._sources

    def defined_where(self, name):
        return [f for f in self.source_files() if name in self.defs(f)]


def strip_c(text):
    """Comments and string literals blanked, newlines kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                  blank, text, flags=re.S)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def match_paren(text, i, open_c="(", close_c=")"):
    """Index just past the bracket that closes the one at text[i]."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_c:
            depth += 1
        elif text[j] == close_c:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


def definitions(rel, text):
    ext = rel.rsplit(".", 1)[-1] if "." in os.path.basename(rel) else ""
    base = os.path.basename(rel)
    if ext in ("c", "h"):
        return c_definitions(text, header=(ext == "h"))
    if ext == "S":
        return asm_definitions(text)
    if ext == "sh" or text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/sh"):
        return shell_definitions(text)
    if ext == "py" or text.startswith("#!/usr/bin/env python3"):
        return python_definitions(text)
    if base == "Makefile" or ext == "mk":
        return make_definitions(text)
    # anything else (dts, ld, lists): every word it holds
    d = {}
    for m in re.finditer(r"[A-Za-z_][\w]*", text):
        d.setdefault(m.group(0), [(line_of(text, m.start()), line_of(text, m.start()))])
    return d


def c_definitions(text, header):
    s = strip_c(text)
    d = {}

    def add(name, first, last):
        d.setdefault(name, []).append((first, last))

    # functions: NAME( at the top level of a statement that starts in column 0
    for m in re.finditer(r"^[A-Za-z_][^\n;{}#=]*", s, flags=re.M):
        stmt_start = m.start()
        for f in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", s[stmt_start:m.end() + 1]):
            name = f.group(1)
            if name in C_KEYWORDS:
                continue
            open_at = stmt_start + f.end() - 1
            after = match_paren(s, open_at)
            rest = s[after:after + 400]
            rest = re.sub(r"^\s*(__attribute__\s*\(\(.*?\)\)\s*)*", "", rest, flags=re.S)
            first = line_of(s, stmt_start + f.start())
            if rest.startswith("{"):
                body = after + s[after:].index("{")
                add(name, first, line_of(s, match_paren(s, body, "{", "}")))
            elif header and rest.startswith(";"):
                add(name, first, first)
            break
    # macros
    for m in re.finditer(r"^\s*#\s*define\s+(\w+)", s, flags=re.M):
        add(m.group(1), line_of(s, m.start()), line_of(s, m.start()))
    # struct, union and enum tags; typedef names
    for m in re.finditer(r"\b(?:struct|union|enum)\s+(\w+)\s*\{", s):
        start = m.end() - 1
        add(m.group(1), line_of(s, m.start()), line_of(s, match_paren(s, start, "{", "}")))
    for m in re.finditer(r"^\}\s*(\w+)\s*;", s, flags=re.M):
        add(m.group(1), line_of(s, m.start()), line_of(s, m.start()))
    for m in re.finditer(r"^typedef\b[^;{]*?\b(\w+)\s*;", s, flags=re.M):
        add(m.group(1), line_of(s, m.start()), line_of(s, m.start()))
    # enum constants
    for m in re.finditer(r"\benum\s*\w*\s*\{", s):
        body_end = match_paren(s, m.end() - 1, "{", "}")
        for c in re.finditer(r"(?:\{|,)\s*([A-Za-z_]\w*)", s[m.end() - 1:body_end]):
            add(c.group(1), line_of(s, m.start()), line_of(s, m.start()))
    # function pointers at file scope: TYPE (*NAME)(ARGS) ; or =
    for m in re.finditer(r"^(?!typedef)[A-Za-z_][^\n;(){}=]*\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\([^;{}]*\)\s*(?:=|;)",
                         s, flags=re.M):
        if m.group(0).startswith("extern") and not header:
            continue
        add(m.group(1), line_of(s, m.start()), line_of(s, m.start()))
    # variables at file scope: NAME[...] = / ; / ,
    for m in re.finditer(r"^(?!typedef|return)"
                         r"[A-Za-z_][^\n;(){}=]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]\n]*\]\s*)*(?:=|;|,)",
                         s, flags=re.M):
        if m.group(0).startswith("extern") and not header:
            continue
        add(m.group(1), line_of(s, m.start()), line_of(s, m.start()))
    return d


def asm_definitions(text):
    lines = text.split("\n")
    d = {}
    labels = []
    for n, line in enumerate(lines, 1):
        m = re.match(r"\s*([A-Za-z_]\w*):", line)
        if m:
            labels.append((m.group(1), n))
        m = re.match(r"\s*(?:\.macro|#\s*define|\.set|\.equ)\s+(\w+)", line)
        if m:
            d.setdefault(m.group(1), []).append((n, n))
    for i, (name, n) in enumerate(labels):
        last = labels[i + 1][1] - 1 if i + 1 < len(labels) else len(lines)
        d.setdefault(name, []).append((n, last))
    return d


def shell_definitions(text):
    lines = text.split("\n")
    d = {}
    for n, line in enumerate(lines, 1):
        m = re.match(r"\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\)\s*\{?", line)
        if m:
            last = n
            if not line.rstrip().endswith("}"):
                last = next((k for k in range(n, len(lines)) if lines[k].startswith("}")),
                            len(lines) - 1) + 1
            d.setdefault(m.group(1), []).append((n, last))
        for v in re.finditer(r"(?:^|[\s;(])(?:local\s+|export\s+|readonly\s+)?([A-Za-z_]\w*)=",
                             line):
            d.setdefault(v.group(1), []).append((n, n))
        for v in re.finditer(r"\$\{?([A-Za-z_]\w*)", line):
            d.setdefault(v.group(1), []).append((n, n))
    return d


def python_definitions(text):
    d = {}
    for n, line in enumerate(text.split("\n"), 1):
        m = re.match(r"\s*(?:def|class)\s+(\w+)|(\w+)\s*=", line)
        if m:
            d.setdefault(m.group(1) or m.group(2), []).append((n, n))
    return d


def make_definitions(text):
    d = {}
    for n, line in enumerate(text.split("\n"), 1):
        code = line.split("#", 1)[0]
        for m in re.finditer(r"[A-Za-z_][\w-]*", code):
            d.setdefault(m.group(0), []).append((n, n))
    return d


def enclosing(repo, rel, line):
    """The innermost symbol of FILE whose extent holds LINE: the one that
    starts last, a body (a function, a label's code) before a one-line
    definition."""
    best = None
    for name, spans in repo.defs(rel).items():
        for first, last in spans:
            if first <= line <= last:
                key = (first, last > first)
                if best is None or key > best[0]:
                    best = (key, name)
    return best[1] if best else None


# ---- Makefiles --------------------------------------------------------------

class Makefile:
    """A Makefile's goals, and the variables it and what it runs use."""

    def __init__(self, repo, rel, seen=None):
        self.rel = rel
        text = repo.text(rel) or ""
        code = "\n".join(line.split("#", 1)[0] if not line.startswith("\t") else line
                         for line in text.split("\n"))
        self.goals = set()
        for m in re.finditer(r"^([^\t#\n=:][^\n=:]*?)\s*::?(?!=)", code, flags=re.M):
            self.goals.update(w for w in m.group(1).split() if "$" not in w and "%" not in w)
        for m in re.finditer(r"^\t.*\$\(MAKE\)(.*)$", code, flags=re.M):
            self.goals.update(w for w in m.group(1).split() if re.fullmatch(r"[a-z][\w-]*", w))
        for m in re.finditer(r"^\t.*\$\((KMAKE)\)(.*)$", code, flags=re.M):
            self.goals.update(w for w in m.group(2).split() if re.fullmatch(r"[A-Za-z][\w-]*", w))
        self.phony = set()
        for m in re.finditer(r"^\.PHONY\s*:(.*)$", code, flags=re.M):
            self.phony.update(m.group(1).split())
        self.texts = [code]
        seen = seen if seen is not None else set()
        seen.add(rel)
        here = os.path.dirname(rel)
        for m in re.finditer(r"(?<![\w/$.-])((?:scripts|tests)/[\w./-]+\.(?:sh|py))", code):
            t = repo.text(os.path.normpath(os.path.join(here, m.group(1))))
            if t is not None:
                self.texts.append(t)
        self.subs = []
        for m in re.finditer(r"\$\(MAKE\)[^\n]*?-C\s+([\w./-]+)", code):
            sub = os.path.normpath(os.path.join(here, m.group(1), "Makefile"))
            if sub not in seen and repo.text(sub) is not None:
                self.subs.append(Makefile(repo, sub, seen))

    def uses(self, var):
        pat = re.compile(r"(?<![\w])" + re.escape(var) + r"(?![\w])")
        return any(pat.search(t) for t in self.texts) or any(s.uses(var) for s in self.subs)


# ---- Documents --------------------------------------------------------------

class Doc:
    """A Markdown document split into text paragraphs and code blocks."""

    def __init__(self, rel, text):
        self.rel = rel
        self.lines = text.split("\n")
        self.paragraphs = []  # (first line number, [lines])
        self.code = []        # (first line number, [lines])
        fence = None
        para = []
        start = 0
        for n, line in enumerate(self.lines, 1):
            stripped = line.strip()
            if fence is not None:
                if stripped.startswith(fence):
                    self.code.append((start, para))
                    fence, para = None, []
                else:
                    para.append(line)
                continue
            m = re.match(r"(`{3,}|~{3,})", stripped)
            if m:
                if para:
                    self.paragraphs.append((start, para))
                fence, para, start = m.group(1), [], n + 1
                continue
            if not stripped:
                if para:
                    self.paragraphs.append((start, para))
                para = []
                continue
            if not para:
                start = n
            para.append(line)
        if para:
            (self.code if fence else self.paragraphs).append((start, para))
        # indented code blocks (four spaces, not a list's continuation)
        for start, lines in list(self.paragraphs):
            if all(re.match(r"    \S", l) for l in lines) and not re.match(r"\s*([-*]|\d+\.) ",
                                                                             lines[0]):
                self.code.append((start, lines))

    def spans(self):
        """(line, text, start, end, paragraph text) of every code span."""
        for start, lines in self.paragraphs:
            text = "\n".join(lines)
            for m in re.finditer(r"`([^`]+)`", text):
                yield (start + text.count("\n", 0, m.start()), m.group(1).replace("\n", " "),
                       m.start(), m.end(), text)

    def links(self):
        for start, lines in self.paragraphs:
            text = "\n".join(lines)
            nocode = re.sub(r"`[^`]*`", lambda m: re.sub(r"[\[\]()]", "_", m.group(0)), text)
            for m in re.finditer(r"\[[^\]]*\]\(([^)\s]+)\)", nocode):
                yield start + text.count("\n", 0, m.start()), m.group(1)

    def headings(self):
        slugs = {}
        out = set()
        fence = False
        for line in self.lines:
            if re.match(r"\s*(```|~~~)", line):
                fence = not fence
                continue
            m = None if fence else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                slug = github_slug(m.group(1))
                n = slugs.get(slug, 0)
                slugs[slug] = n + 1
                out.add(slug if n == 0 else "%s-%d" % (slug, n))
        return out


def github_slug(heading):
    s = heading.strip().lower()
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


SYM_RE = re.compile(r"(?:(?:struct|union|enum)\s+)?([A-Za-z_]\w*)\s*(\(.*\)|\[[^\]]*\])?")
PATH_RE = re.compile(r"(?<![\w./$<*%{-])((?:\.\./)*(?:" + "|".join(TOP_DIRS) +
                     r")/[\w.+/-]*[\w/+])(?![\w<*%{$]|\.\.\.)")
BARE_RE = re.compile(r"[\w+-][\w.+-]*\.(?:%s)" % "|".join(FILE_EXTS))
OP_ROW_RE = re.compile(r"^(\w+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(.*)$")


def read_run(path):
    """make bench's output (scripts/bench.sh, -b or not): the main table's
    columns per operation, the longest exits, the profiling lines, and the
    QEMU it ran on."""
    run = {"ops": {}, "exits": {}, "prof": {}, "qemu": None, "path": path}
    section = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            words = line.split()
            if re.match(r"operation\s+OpenSBI", line):
                section = "ops"
            elif line.startswith("longest exits"):
                section = "exits"
            elif line.startswith("profiling at"):
                run["prof"][line.split(":")[0]] = line
            elif words and section and re.fullmatch(r"\w+", words[0]) and len(words) > 2:
                run[section][words[0]] = words[1:]
            m = re.search(r"QEMU (\d+\.\d+\.\d+)", line)
            if m and line.startswith("(instructions retired per operation"):
                run["qemu"] = m.group(1)
    return run


class Checker:
    def __init__(self, repo, run=None):
        self.repo = repo
        self.budgets = self.read_budgets()
        self.makefiles = {}
        self.run = run

    def makefile(self, rel):
        if rel not in self.makefiles:
            self.makefiles[rel] = Makefile(self.repo, rel)
        return self.makefiles[rel]

    def read_budgets(self):
        text = self.repo.text(os.path.join("tests", "budgets.txt"))
        m = re.search(r"^qemu (\S+)", text or "", flags=re.M)
        self.budgets_qemu = m.group(1) if m else None
        rows = {}
        for line in (text or "").split("\n"):
            m = re.match(r"(\w+)\s+(\S+)\s+(\S+)\s+(\d+)\s*(.*)$", line)
            if m and m.group(1) != "qemu":
                native = re.search(r"native (\d+)", m.group(5))
                rows[m.group(1)] = {"budget": m.group(2), "goal": m.group(3),
                                    "measured": int(m.group(4)),
                                    "native": int(native.group(1)) if native else None}
        return rows

    # -- one document ------------------------------------------------------

    def check(self, rel):
        doc = Doc(rel, self.repo.text(rel))
        self.doc = doc
        self.here = os.path.dirname(rel)
        self.counts = {}
        self.broken = []
        self.check_paths(doc)
        self.check_symbols(doc)
        self.check_lines(doc)
        self.check_make(doc)
        self.check_anchors(doc)
        self.check_figures(doc)
        self.check_lists(doc)
        return self.counts, self.broken

    def ok(self, cls):
        self.counts[cls] = self.counts.get(cls, 0) + 1

    def bad(self, cls, line, msg):
        self.counts[cls] = self.counts.get(cls, 0) + 1
        self.broken.append((line, cls, msg))

    def resolve(self, path):
        """A path as a document names it: from the repository root, or else
        from the document's own directory."""
        for cand in (os.path.normpath(path), os.path.normpath(os.path.join(self.here, path))):
            if self.repo.exists(cand):
                return cand
        return None

    def resolve_bare(self, name):
        near = os.path.normpath(os.path.join(self.here, name))
        if near in self.repo.fileset:
            return [near]
        return self.repo.by_base.get(name, [])

    # -- paths --------------------------------------------------------------

    def check_paths(self, doc):
        seen = set()

        def one(line, path):
            if (line, path) in seen:
                return
            seen.add((line, path))
            if self.resolve(path):
                self.ok("paths")
            else:
                self.bad("paths", line, "%s does not exist" % path)

        for start, lines in doc.paragraphs + doc.code:
            for i, l in enumerate(lines):
                for path in repo_paths(l):
                    one(start + i, path)
        for line, target in doc.links():
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if os.path.normpath(os.path.join(self.here, path)) in self.repo.fileset or \
                    self.repo.exists(os.path.join(self.here, path)):
                self.ok("paths")
            else:
                self.bad("paths", line, "link target %s does not exist" % path)
        for line, span, *_ in doc.spans():
            if BARE_RE.fullmatch(span) and "/" not in span:
                if self.resolve_bare(span):
                    self.ok("paths")
                else:
                    self.bad("paths", line, "no file named %s in the repository" % span)

    # -- symbols ------------------------------------------------------------

    def path_span(self, text):
        """The repository file a span names, or None; a bare name must be
        unique."""
        if PATH_RE.fullmatch(text) or BARE_RE.fullmatch(text):
            if "/" in text:
                return self.resolve(text) or text
            found = self.resolve_bare(text)
            return found[0] if len(found) == 1 else None
        return None

    def symbol_in(self, line, sym, files):
        files = [f for f in files if f]
        if not files:
            return
        self.placed.add((line, sym))
        if any(sym in self.repo.defs(f) for f in files):
            self.ok("symbols")
            return
        # a constant (SBI_ERR_DENIED) may be named where it is used
        if sym.isupper() and any(re.search(r"\b%s\b" % sym, self.repo.text(f) or "")
                                 for f in files):
            self.ok("symbols")
            return
        where = self.repo.defined_where(sym)
        self.bad("symbols", line, "%s is not defined in %s%s" % (
            sym, " or ".join(files),
            " (it is in %s)" % ", ".join(where[:3]) if where else " (nor anywhere else)"))

    def check_symbols(self, doc):
        def symbol(span):
            """The name a span gives if it looks like a function, label,
            macro, struct or variable of Keel's (a `_` or `()` in it: not a
            CSR's or a field's plain name)."""
            m = SYM_RE.fullmatch(span)
            if m and ("_" in m.group(1) or m.group(2) or span.startswith(("struct", "union",
                                                                            "enum"))):
                return m.group(1)
            return None

        self.placed = set()
        for start, lines in doc.paragraphs:
            text = "\n".join(lines)
            spans = [(m.start(), m.end(), m.group(1).replace("\n", " "))
                     for m in re.finditer(r"`([^`]+)`", text)]
            files = [self.path_span(sp[2]) for sp in spans]
            used = set()

            def where(k):
                return start + text.count("\n", 0, spans[k][0])

            # `path` `sym`: the path says where the symbol after it is
            for i in range(len(spans) - 1):
                sym = symbol(spans[i + 1][2])
                if files[i] and sym and re.fullmatch(r"[ \t\n]+", text[spans[i][1]:spans[i + 1][0]]):
                    self.symbol_in(where(i + 1), sym, [files[i]])
                    used.add(i + 1)
            # `sym` (`path`), `sym`, `path`, `a`, `b` in `path`
            for i in range(1, len(spans)):
                if not files[i] or i - 1 in used:
                    continue
                gap = re.sub(r"\s+", " ", text[spans[i - 1][1]:spans[i][0]])
                after = text[spans[i][1]:spans[i][1] + 1]
                if not (re.fullmatch(r"\*{0,2}(?:, | in )", gap) or
                        re.fullmatch(r"\*{0,2} \(", gap) and after in ("", ")", ",", ";", ":")):
                    continue
                k = i - 1
                while k >= 0 and k not in used and not files[k] and symbol(spans[k][2]):
                    self.symbol_in(where(k), symbol(spans[k][2]), [files[i]])
                    used.add(k)
                    if k == 0 or not re.fullmatch(r"\*{0,2}(?:, | and |/)\*{0,2}", re.sub(
                            r"\s+", " ", text[spans[k - 1][1]:spans[k][0]])):
                        break
                    k -= 1
        # code blocks: "func()    src/x.c, y.c" (boot.md's call tree)
        for start, lines in doc.code:
            for i, l in enumerate(lines):
                m = re.search(r"\b([A-Za-z_]\w*)\([^()]*\)\s{2,}((?:%s)/[\w./-]+)((?:,\s*[\w.-]+\.[chS])*)"
                              % "|".join(TOP_DIRS), l)
                if m:
                    first = m.group(2)
                    files = [first] + [os.path.join(os.path.dirname(first), b.strip())
                                       for b in m.group(3).split(",") if b.strip()]
                    self.symbol_in(start + i, m.group(1), [self.resolve(f) or f for f in files])
        # `src/x.c:func()`, `entry.S:label`: the file defines it (a number
        # after the colon is a file:line, checked below)
        for line, span, *_ in doc.spans():
            m = re.fullmatch(r"([\w./+-]+\.(?:c|h|S)):([A-Za-z_]\w*)(?:\(\))?", span)
            if not m:
                continue
            f = self.path_span(m.group(1))
            if f:
                self.symbol_in(line, m.group(2), [f])
            else:
                self.placed.add((line, m.group(2)))
                self.bad("symbols", line, "%s: no such file for %s" % (m.group(1), m.group(2)))
        # every `func()` is somebody's
        for line, span, *_ in doc.spans():
            m = re.fullmatch(r"([A-Za-z_]\w*)\(.*\)", span)
            if not m or m.group(1) in EXTERNAL or (line, m.group(1)) in self.placed:
                continue
            if self.repo.defined_where(m.group(1)) or self.sbi_function(m.group(1)):
                self.ok("symbols")
            else:
                self.bad("symbols", line, "%s() is defined nowhere in the repository" % m.group(1))

    def sbi_function(self, name):
        """An SBI function (hart_get_status(), counter_start()...): its id is
        an SBI_EXT_* constant of include/sbi_defs.h."""
        defs = self.repo.defs(os.path.join("include", "sbi_defs.h"))
        tail = "_" + name.upper()
        return any(d.startswith("SBI_EXT_") and d.endswith(tail) for d in defs)

    # -- file:line ----------------------------------------------------------

    def check_lines(self, doc):
        for start, lines in doc.paragraphs + doc.code:
            text = "\n".join(lines)
            for m in re.finditer(r"`?([\w./-]+\.(?:c|h|S|py|sh)):(\d+)\b", text):
                line = start + text.count("\n", 0, m.start())
                path, n = m.group(1), int(m.group(2))
                fn = re.search(r"`?([A-Za-z_]\w*)`?(?:\s*\([^()]*\))?\s+at\s+$",
                               text[max(0, m.start() - 200):m.start()])
                rel = self.resolve(path) or (self.resolve_bare(path) or [None])[0]
                if not rel:
                    self.bad("lines", line, "%s:%d: %s does not exist" % (path, n, path))
                    continue
                length = len((self.repo.text(rel) or "").split("\n"))
                if not fn:
                    self.bad("lines", line, "%s:%d: name the function the line is in "
                             "(\"`func` at `%s:%d`\")" % (path, n, path, n))
                elif n > length:
                    self.bad("lines", line, "%s:%d: the file has %d lines" % (path, n, length))
                else:
                    inside = enclosing(self.repo, rel, n)
                    if inside == fn.group(1):
                        self.ok("lines")
                    else:
                        self.bad("lines", line, "%s:%d is in %s, not in %s" % (
                            path, n, inside or "no function", fn.group(1)))

    # -- make ---------------------------------------------------------------

    def doc_makefile(self):
        d = self.here
        while True:
            cand = os.path.normpath(os.path.join(d, "Makefile"))
            if cand in self.repo.fileset:
                return cand
            if d in ("", "."):
                return "Makefile"
            d = os.path.dirname(d)

    def make_command(self, line, words):
        """One `make ...` command: its goals and variables. Without -C it is
        for the document's own directory's Makefile, or else the root's."""
        makefiles = [self.doc_makefile(), "Makefile"]
        goals, variables = [], []
        it = iter(words)
        for w in it:
            if w in ("#", ";", "&&", "||", "|", ">", "<", "2>&1") or w.startswith(("#", ">", "2>")):
                break
            if w == "-C":
                makefiles = [os.path.normpath(os.path.join(next(it, "."), "Makefile"))]
            elif w.startswith("-"):
                continue
            elif re.match(r"[A-Za-z_]\w*=", w):
                variables.append(w.split("=", 1)[0])
            elif re.fullmatch(r"[\w./-]+", w) and "..." not in w:
                goals.append(w)
        mk = makefiles[0]
        if self.repo.text(mk) is None:
            self.bad("make", line, "make -C: %s does not exist" % mk)
            return
        for cand in makefiles:
            if all(g in self.makefile(cand).goals for g in goals):
                mk = cand
                break
        makefile = self.makefile(mk)
        for g in goals:
            if g in makefile.goals:
                self.ok("make")
            else:
                self.bad("make", line, "make %s: %s has no goal %s" % (g, mk, g))
        for v in variables:
            if v in EXTERNAL_VARS or makefile.uses(v):
                self.ok("make")
            else:
                self.bad("make", line, "make ... %s=: neither %s nor what it runs uses %s"
                         % (v, mk, v))

    def check_make(self, doc):
        def words(cmd):
            try:
                return shlex.split(cmd, comments=False)
            except ValueError:
                return cmd.split()

        # options tables: | `VAR=` | ... under a header whose first cell is "option"
        option_rows = set()
        for start, lines in doc.paragraphs:
            if not re.match(r"\|\s*option\s*\|", lines[0]):
                continue
            for i, l in enumerate(lines[2:], 2):
                m = re.match(r"\|\s*`([A-Z][A-Z0-9_]*)=", l)
                if m:
                    option_rows.add(start + i)
                    if self.makefile("Makefile").uses(m.group(1)):
                        self.ok("make")
                    else:
                        self.bad("make", start + i, "option %s=: the Makefile does not use it"
                                 % m.group(1))
        for line, span, *_ in doc.spans():
            m = re.match(r"(?:\$ )?make(?: (.*))?$", span)
            if m:
                self.make_command(line, words(m.group(1) or ""))
            elif line not in option_rows and re.match(r"[A-Z][A-Z0-9_]*=", span) and \
                    all(re.match(r"[A-Z][A-Z0-9_]*=", w) for w in words(span)):
                var = span.split("=", 1)[0]
                if var in EXTERNAL_VARS or self.makefile("Makefile").uses(var) or \
                        self.repo.defined_where(var):
                    self.ok("make")
                else:
                    self.bad("make", line, "%s= is used nowhere in the repository" % var)
        for start, lines in doc.code:
            for i, l in enumerate(lines):
                m = re.match(r"\s*(?:\$ )?make(?: (.*))?$", l)
                if m:
                    cmd = m.group(1) or ""
                    k = i
                    while cmd.endswith("\\") and k + 1 < len(lines):
                        k += 1
                        cmd = cmd[:-1] + " " + lines[k].strip()
                    self.make_command(start + i, words(cmd))

    # -- anchors ------------------------------------------------------------

    def check_anchors(self, doc):
        for line, target in doc.links():
            if re.match(r"[a-z]+:", target) or "#" not in target:
                continue
            path, anchor = target.split("#", 1)
            rel = os.path.normpath(os.path.join(self.here, path)) if path else doc.rel
            text = self.repo.text(rel)
            if text is None:
                continue  # a missing file is a broken path already
            if anchor in Doc(rel, text).headings():
                self.ok("anchors")
            else:
                self.bad("anchors", line, "%s has no heading #%s" % (rel, anchor))

    # -- lists ---------------------------------------------------------------

    def lists(self):
        """(document, what, names the document must name, how a name is
        found in it): the tables that promise to be complete."""
        repo = self.repo
        cases = system_cases(repo.text(os.path.join("tests", "system", "cases.sh")) or "")
        units = [os.path.basename(f) for f in repo.files
                 if re.fullmatch(r"tests/unit/test_\w+\.(c|py)", f)]
        fuzzers = [os.path.basename(f)[:-2] for f in repo.files
                   if re.fullmatch(r"tests/fuzz/fuzz_\w+\.c", f)]
        m = re.search(r"^GUESTS\s*:?=(.*)$", repo.text(os.path.join("guests", "Makefile")) or "",
                      flags=re.M)
        guests = (m.group(1).split() if m else []) + \
            (["linux"] if repo.exists(os.path.join("guests", "linux")) else [])
        span = r"`%s`"
        return [
            ("docs/testing.md", "system case (tests/system/cases.sh)", cases, span),
            ("docs/testing.md", "unit test (tests/unit)", units, span),
            ("docs/testing.md", "host fuzzer (tests/fuzz)", fuzzers, span),
            ("guests/README.md", "guest (guests/Makefile's GUESTS)", guests, r"^\| *%s *\|"),
        ]

    def check_lists(self, doc):
        text = "\n".join(doc.lines)
        for rel, what, names, pattern in self.lists():
            if os.path.normpath(rel) != doc.rel:
                continue
            for name in names:
                if re.search(pattern % re.escape(name), text, flags=re.M):
                    self.ok("lists")
                else:
                    self.bad("lists", 1, "no %s %s" % (what, name))

    # -- figures ------------------------------------------------------------

    def check_figures(self, doc):
        b = self.budgets
        if self.run:
            self.check_against_run(doc)
        for start, lines in doc.code:
            header = None
            for i, l in enumerate(lines):
                if re.match(r"\s*operation\s+OpenSBI\s+Keel\s+ratio\s+goal\s+budget", l):
                    header = i
                    continue
                m = OP_ROW_RE.match(l.strip())
                if header is None or not m or m.group(1) not in b:
                    continue
                op, native, keel, ratio, goal, budget, rest = m.groups()
                want = b[op]
                problems = []
                if keel != str(want["measured"]):
                    problems.append("Keel %s, measured %d" % (keel, want["measured"]))
                if goal != want["goal"]:
                    problems.append("goal %s, budgets.txt %s" % (goal, want["goal"]))
                if budget != want["budget"]:
                    problems.append("budget %s, budgets.txt %s" % (budget, want["budget"]))
                if want["native"] is not None and native != str(want["native"]):
                    problems.append("native %s, budgets.txt %d" % (native, want["native"]))
                if native.isdigit() and keel.isdigit() and \
                        ratio != "%.2f" % (int(keel) / int(native)):
                    problems.append("ratio %s, %s/%s is %.2f" % (ratio, keel, native,
                                                                 int(keel) / int(native)))
                goal_n = int(goal) if goal.isdigit() else \
                    int(native) + int(goal[7:]) if goal.startswith("native+") and native.isdigit() \
                    else None
                over = goal_n is not None and keel.isdigit() and int(keel) > goal_n
                if over != bool(re.search(r"\bover\b", rest)):
                    problems.append("'over' %s (goal %s)" % ("missing" if over else "wrong", goal))
                if problems:
                    self.bad("figures", start + i, "make bench row %s: %s (tests/budgets.txt)"
                             % (op, "; ".join(problems)))
                else:
                    self.ok("figures")
        for start, lines in doc.paragraphs:
            if not lines[0].startswith("|") or len(lines) < 3:
                continue
            rows = [[c.strip() for c in l.strip().strip("|").split("|")] for l in lines]
            head = [c.lower() for c in rows[0]]
            col = next((k for k, c in enumerate(head) if c in ("now", "after")), None)
            for i, r in enumerate(rows[2:], 2):
                op = re.match(r"`(\w+)`", r[0])
                if col is None or not op or op.group(1) not in b or col >= len(r):
                    continue
                want = b[op.group(1)]
                got = figure(r[col], want["native"])
                if got is None:
                    continue
                if got == want["measured"]:
                    self.ok("figures")
                else:
                    self.bad("figures", start + i, "%s: %s says %s, tests/budgets.txt measured %d"
                             % (op.group(1), rows[0][col], r[col], want["measured"]))
            total = rows[-1]
            if len(rows) > 3 and re.fullmatch(r"\*\*.*\*\*", total[0]):
                self.check_total(start + len(lines) - 1, rows)

    def check_total(self, line, rows):
        """A table that ends in a bold total: each column of figures adds
        up to it; the operation the total row (or the column's header)
        names in backticks has that figure measured."""
        total, body = rows[-1], rows[2:-1]
        for k in range(1, len(total)):
            if not re.fullmatch(r"\*\*[\d ]+\*\*", total[k]):
                continue
            parts = [figure(r[k]) if k < len(r) else None for r in body]
            if None in parts:
                continue
            n = int(total[k].strip("*").replace(" ", ""))
            if sum(parts) != n:
                self.bad("figures", line, "the rows above add up to %d, the total says %d"
                         % (sum(parts), n))
            else:
                self.ok("figures")
            op = re.search(r"`(\w+)`", rows[0][k]) if k < len(rows[0]) else None
            if not op and k == len(total) - 1:
                op = re.search(r"`(\w+)`", total[0])
            if op and op.group(1) in self.budgets:
                want = self.budgets[op.group(1)]["measured"]
                if want == n:
                    self.ok("figures")
                else:
                    self.bad("figures", line, "%s's total %d, tests/budgets.txt measured %d"
                             % (op.group(1), n, want))

    def check_against_run(self, doc):
        """make bench's tables in a document against the latest run's: every
        figure the run has (the native and Keel columns, the profiled ones,
        the longest exits, the profiling lines). A Markdown table whose
        rows start with a longest exit's name, with "1 VM" and "2 VMs"
        columns, likewise."""
        run = self.run
        for start, lines in doc.paragraphs:
            if not lines[0].startswith("|") or len(lines) < 3:
                continue
            rows = [[c.strip() for c in l.strip().strip("|").split("|")] for l in lines]
            cols = {c: k for k, c in enumerate(rows[0]) if c in ("1 VM", "2 VMs")}
            for i, r in enumerate(rows[2:], 2):
                name = re.match(r"`(\w+)`", r[0])
                if not cols or not name or name.group(1) not in run["exits"]:
                    continue
                want = run["exits"][name.group(1)]
                for c, k in cols.items():
                    w = want[0 if c == "1 VM" else 1] if len(want) > 1 else want[0]
                    if w == "-" or k >= len(r):
                        continue
                    if figure(r[k]) == int(w):
                        self.ok("figures")
                    else:
                        self.bad("figures", start + i, "%s, %s: %s, the latest run (%s) %s"
                                 % (name.group(1), c, r[k], run["path"], w))
        for start, lines in doc.code:
            section = None
            for i, l in enumerate(lines):
                words = l.split()
                if re.match(r"\s*(?:\$ )?make bench", l):
                    continue
                if re.match(r"\s*operation\s+OpenSBI", l):
                    section = "ops"
                    continue
                if l.startswith("longest exits"):
                    section = "exits"
                    continue
                if l.startswith("profiling at") and l.split(":")[0] in run["prof"]:
                    want = run["prof"][l.split(":")[0]]
                    if l == want:
                        self.ok("figures")
                    else:
                        self.bad("figures", start + i, "the latest run (%s) printed '%s'"
                                 % (run["path"], want))
                    continue
                if not section or not words or words[0] not in run[section]:
                    continue
                got, want = words[1:], run[section][words[0]]
                while got and got[-1] in ("over", "OVER", "BUDGET"):
                    got = got[:-1]
                while want and want[-1] in ("over", "OVER", "BUDGET"):
                    want = want[:-1]
                names = (["OpenSBI", "Keel", "ratio", "goal", "budget", "prof 1kHz", "prof 10kHz"]
                         if section == "ops" else ["1 VM", "2 VMs"])
                diffs = ["%s %s, run %s" % (names[k], got[k] if k < len(got) else "none", want[k])
                         for k in range(min(len(want), len(names)))
                         if k < 5 or k < len(got) and want[k] != "-"
                         if k >= len(got) or got[k] != want[k]]
                if diffs:
                    self.bad("figures", start + i, "%s: %s (the latest run, %s)"
                             % (words[0], "; ".join(diffs), run["path"]))
                else:
                    self.ok("figures")


def system_cases(text):
    """The case names of tests/system/cases.sh, with its simple loops
    ("for t in a b; do ... done") unrolled."""
    names, loop = [], None
    for line in text.split("\n"):
        m = re.match(r"\s*for (\w+) in ([^;]*); do", line)
        if m:
            loop = (m.group(1), m.group(2).split())
            continue
        if re.match(r"\s*done\b", line):
            loop = None
            continue
        m = re.match(r'\s*(?:QEMU_ARGS="[^"]*" )?sys_(?:case|check|script) (\S+)', line)
        if m:
            for value in (loop[1] if loop else [None]):
                name = m.group(1)
                if loop:
                    name = name.replace("$" + loop[0], value).replace("${%s}" % loop[0], value)
                names.append(name)
    return names


def repo_paths(text):
    """The repository paths a line names: src/..., tests/... (not inside
    another path like /usr/src/..., not a pattern like tests/fuzz_<name>.c
    or crash-...)."""
    for m in PATH_RE.finditer(text):
        run = re.match(r"[\w.+/-]*", text[m.start():]).group(0)
        if "..." in run or text[m.start() + len(run):][:1] in ("<", "*", "%", "{", "$"):
            continue
        yield run.rstrip(".,:")




def figure(cell, native=None):
    """A table cell's number: "117", "1 888 041", "3 + 23", "**118**",
    "native + 13" (with the native figure); None if it is not one."""
    c = cell.strip("* ").replace("\u202f", " ")
    c = re.sub(r"\s*\(.*\)$", "", c)
    m = re.fullmatch(r"native \+ (\d+)", c)
    if m:
        return native + int(m.group(1)) if native is not None else None
    if not re.fullmatch(r"\d[\d ]*(?:\s*\+\s*\d[\d ]*)*", c):
        return None
    return sum(int(p.replace(" ", "")) for p in c.split("+"))


# ---- The Makefile's header comment -------------------------------------------

def check_makefile_header(checker):
    """The comment at the top of the Makefile: a document of its own. It
    must name every goal the Makefile declares (.PHONY), each of which must
    have a rule, and every option README.md's options table gives."""
    repo = checker.repo
    text = repo.text("Makefile") or ""
    header = []
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        header.append(line.lstrip("#"))
    checker.here = ""
    checker.counts, checker.broken = {}, []
    mk = checker.makefile("Makefile")
    named_goals, named_vars = set(), set()
    for n, l in enumerate(header, 1):
        for m in re.finditer(r"\bmake ([a-z][\w-]*)", l):
            named_goals.add(m.group(1))
            checker.make_command(n, [m.group(1)])
        for v in re.finditer(r"\b([A-Z][A-Z0-9_]+)=", l):
            named_vars.add(v.group(1))
            if mk.uses(v.group(1)):
                checker.ok("make")
            else:
                checker.bad("make", n, "%s=: the Makefile does not use it" % v.group(1))
        for p in repo_paths(l):
            if repo.exists(p):
                checker.ok("paths")
            else:
                checker.bad("paths", n, "%s does not exist" % p)
    for g in sorted(mk.phony - {"FORCE", "all"}):
        if g not in mk.goals:
            checker.bad("make", 1, "'%s' is declared .PHONY but has no rule" % g)
        elif g in named_goals:
            checker.ok("make")
        else:
            checker.bad("make", 1, "the header names no 'make %s' (a .PHONY goal)" % g)
    readme = Doc("README.md", repo.text("README.md") or "")
    for start, lines in readme.paragraphs:
        if re.match(r"\|\s*option\s*\|", lines[0]):
            for l in lines[2:]:
                m = re.match(r"\|\s*`([A-Z][A-Z0-9_]*)=", l)
                if m and m.group(1) in named_vars:
                    checker.ok("make")
                elif m:
                    checker.bad("make", 1, "README.md's option %s= is not in the header's list"
                                % m.group(1))
    return checker.counts, checker.broken


def default_docs(repo):
    docs = ["README.md"]
    docs += sorted(f for f in repo.files if f.startswith("docs" + os.sep) and f.endswith(".md"))
    docs += sorted(f for f in repo.files
                   if re.fullmatch(r"(guests(/[^/]+)?|tools)/README\.md", f))
    return [d for d in docs if d in repo.fileset]


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quietly, into head or less
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--run", help="make bench's output (scripts/bench.sh, or -b's table): "
                    "every figure of it in the documents must be the same")
    ap.add_argument("docs", nargs="*", help="documents (default: README.md, docs/, "
                    "guests/*/README.md, tools/README.md)")
    args = ap.parse_args()
    repo = Repo(args.root)
    run = read_run(args.run) if args.run else None
    checker = Checker(repo, run)
    if run and run["qemu"] != checker.budgets_qemu:
        print("# doc-refs: %s ran on QEMU %s; the documents' figures are QEMU %s's: "
              "not compared" % (args.run, run["qemu"], checker.budgets_qemu))
        checker.run = None
    failed = 0
    docs = args.docs or default_docs(repo)
    results = [(d, checker.check(d)) for d in docs]
    if not args.docs and "Makefile" in repo.fileset:
        results.append(("Makefile (header comment)", check_makefile_header(checker)))
    for name, (counts, broken) in results:
        total = sum(counts.values())
        detail = ", ".join("%s %d" % (k, counts[k]) for k in
                           ("paths", "symbols", "lines", "make", "anchors", "figures", "lists")
                           if k in counts)
        if broken:
            failed += 1
            print("FAIL doc-refs/%s: %d of %d references broken (%s)"
                  % (name, len(broken), total, detail))
            for line, cls, msg in sorted(broken):
                print("    %s:%d: %s: %s" % (name.split(" ")[0], line, cls, msg))
        elif total == 0:
            failed += 1
            print("FAIL doc-refs/%s: no references found (a parser problem?)" % name)
        else:
            print("PASS doc-refs/%s: %d references (%s)" % (name, total, detail))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
