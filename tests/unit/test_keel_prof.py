"""Unit tests of tools/keel-prof, the host side of Keel's profiler.

Run from the repository root:

    python3 -m unittest tests/unit/test_keel_prof.py

or from anywhere:

    python3 /path/to/keel/tests/unit/test_keel_prof.py

The logs are written here, in the test, so each test shows the exact
`@prof` lines it is about (docs/profiling.md, "The format (version 1)").
The ELF tests compile a small guest with riscv64-unknown-elf-gcc and are
skipped, saying why, when that compiler is missing.
"""

import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ElementTree

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, "tools", "keel-prof")
CROSS_GCC = "riscv64-unknown-elf-gcc"
CROSS_NM = "riscv64-unknown-elf-nm"
SVG_NS = "{http://www.w3.org/2000/svg}"


def load_tool():
    """Import tools/keel-prof as a module (it has no .py suffix), without
    leaving a __pycache__ directory in tools/."""
    sys.dont_write_bytecode = True
    loader = importlib.machinery.SourceFileLoader("keel_prof", TOOL)
    spec = importlib.util.spec_from_loader("keel_prof", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


kp = load_tool()


def make_log(lines, line_end="\n"):
    """A log from a list of lines."""
    return line_end.join(lines) + line_end


def table_lines(report, title):
    """The table of the report section starting with title: its lines up to
    the next empty one, without the '#' comment lines."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    table = []
    for line in lines[start + 1:]:
        if line == "":
            break
        if not line.startswith("#"):
            table.append(line)
    return table


def run_tool(*args, stdin=None):
    """Run tools/keel-prof as a user would; returns (exit code, stdout, stderr)."""
    result = subprocess.run([sys.executable, TOOL] + list(args), input=stdin,
                            capture_output=True, text=True, check=False)
    return result.returncode, result.stdout, result.stderr


class TempDirTest(unittest.TestCase):
    """A test with a temporary directory for logs and symbol files."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text, newline="\n"):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8", newline=newline) as out:
            out.write(text)
        return path


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

TWO_PROFILES = [
    "OpenSBI v1.1",
    "[keel] profiling: 1000 samples/s per hart",
    "@prof v1 begin timebase=10000000 hz=1000 harts=2 callchain=1 source=timer",
    "@prof vm 0 prof vcpus=1",
    "@prof keel 80200000 8020c000",
    "@prof g 20010000 0 0 0 VS 80200a14 80200b20 80200c08",
    "hello from the guest, in the middle of a profile",
    "@prof h 20020000 1 idle 80203f10",
    "@prof h 20030000 0 sbi 80207c40",
    "@prof mark 20031000 0 0 0 1",
    "@prof exit 0 0 sbi TIME 1200 165600 165600",
    "@prof exit 0 0 exc virtual_instruction 3 2100 2100",
    "@prof drops 0 0",
    "@prof drops 1 0",
    "@prof end samples=3 drops=0",
    "[keel] second profile",
    "@prof v1 begin timebase=10000000 hz=2000 harts=2 callchain=0 source=timer",
    "@prof vm 0 prof vcpus=1",
    "@prof vm 1 other vcpus=2",
    "@prof g 30000000 1 1 1 VU 1000",
    "@prof g 30005000 0 0 0 VS 80200a14",
    "@prof g 30010000 1 1 1 VU 1000",
    "@prof h 30002000 0 mmio 80205000",
    "@prof mark 30003000 1 1 0 42",
    "@prof drops 0 5",
    "@prof drops 1 2",
    "@prof exit 1 1 irq supervisor_timer 4 400 800 2",
    "@prof end samples=5 drops=7",
    "[keel] power off: shutdown",
]


class ParseTest(unittest.TestCase):
    """Reading @prof lines out of a console log."""

    def test_two_profiles_with_noise_and_crlf(self):
        profiles = kp.parse_log_text(make_log(TWO_PROFILES, "\r\n"))
        self.assertEqual(len(profiles), 2)
        first, second = profiles
        self.assertTrue(first.complete and second.complete)
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertEqual(first.timebase, 10000000)
        self.assertEqual((first.hz, first.harts, first.callchain, first.source),
                         (1000, 2, True, "timer"))
        self.assertEqual(first.vms[0].name, "prof")
        self.assertEqual(first.keel_text, (0x80200000, 0x8020c000))
        self.assertEqual(first.guest_samples,
                         {(0, 0, "VS", 0x80200a14, (0x80200b20, 0x80200c08)): 1})
        self.assertEqual(first.host_samples,
                         {(1, "idle", 0x80203f10): 1, (0, "sbi", 0x80207c40): 1})
        self.assertEqual(first.marks, [kp.Mark(20031000, 0, 0, 0, 1)])
        self.assertEqual(len(first.exits), 2)
        self.assertEqual(first.exits[0], kp.ExitStat(0, 0, "sbi", "TIME", 1200, 165600, 165600, 1200))
        self.assertEqual(first.total_drops(), 0)
        self.assertEqual(first.bad_lines, [])
        # time runs from the first to the last sample: 20010000 -> 20030000
        self.assertAlmostEqual(first.duration_seconds(), 0.002)

        self.assertFalse(second.callchain)
        self.assertEqual(second.vm_name(1), "other")
        self.assertEqual(second.guest_samples[(1, 1, "VU", 0x1000, ())], 2)
        self.assertEqual(second.total_samples(), 4)
        self.assertEqual(second.drops, {0: 5, 1: 2})
        self.assertEqual(second.total_drops(), 7)
        # Keel measures the cost of exits only while profiling: 2 of the 4 here
        self.assertEqual(second.exits[0], kp.ExitStat(1, 1, "irq", "supervisor_timer", 4, 400, 800, 2))
        self.assertEqual(kp.exit_tables(second)[(1, 1)][0].instret_per_exit(), 200.0)
        self.assertEqual((second.end_samples, second.end_drops), (5, 7))
        self.assertEqual(second.marks[0].value, 42)

    def test_only_lines_starting_with_prof_count(self):
        profiles = kp.parse_log_text(make_log([
            "@prof v1 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
            " @prof h 1 0 sbi 10",           # indented: someone else's text
            "guest says @prof h 1 0 sbi 10",
            "@profh 1 0 sbi 10",
            "@prof h 2 0 sbi 20",
            "@prof end samples=1 drops=0",
        ]))
        self.assertEqual(profiles[0].host_samples, {(0, "sbi", 0x20): 1})

    def test_default_is_last_complete_and_profile_n_picks(self):
        profiles = kp.parse_log_text(make_log(TWO_PROFILES))
        self.assertEqual(kp.choose_profile(profiles, None, "log").number, 2)
        self.assertEqual(kp.choose_profile(profiles, 1, "log").number, 1)
        with self.assertRaisesRegex(kp.ProfError, "holds 2 profile"):
            kp.choose_profile(profiles, 3, "log")

    def test_incomplete_profile(self):
        lines = TWO_PROFILES[2:9]      # begin and a few samples, no end
        profiles = kp.parse_log_text(make_log(lines))
        self.assertEqual(len(profiles), 1)
        self.assertFalse(profiles[0].complete)
        self.assertIs(kp.choose_profile(profiles, None, "log"), profiles[0])
        report = kp.build_report(profiles[0], profiles, kp.Symbolizer(), [])
        self.assertIn("INCOMPLETE", report)
        self.assertIn("no '@prof end' line", report)

    def test_complete_profile_preferred_over_a_later_incomplete_one(self):
        lines = TWO_PROFILES[:15] + TWO_PROFILES[16:20]   # profile 2 has no end
        profiles = kp.parse_log_text(make_log(lines))
        self.assertEqual([p.complete for p in profiles], [True, False])
        self.assertEqual(kp.choose_profile(profiles, None, "log").number, 1)

    def test_begin_inside_a_profile_closes_it_as_incomplete(self):
        profiles = kp.parse_log_text(make_log([
            "@prof v1 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
            "@prof h 1 0 sbi 10",
            "@prof v1 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
            "@prof h 2 0 sbi 10",
            "@prof end samples=1 drops=0",
        ]))
        self.assertEqual([(p.number, p.complete) for p in profiles], [(1, False), (2, True)])

    def test_version_2_is_refused(self):
        log = make_log(["@prof v2 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
                        "@prof end samples=0 drops=0"])
        with self.assertRaisesRegex(kp.ProfError, "v2 is not supported"):
            kp.parse_log_text(log)

    def test_malformed_lines_are_skipped_and_counted(self):
        profiles = kp.parse_log_text(make_log([
            "@prof v1 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
            "@prof g 1 0 0 0 VX 10",        # no such mode
            "@prof h 1 0 sbi",              # pc missing
            "@prof h 1 0 sbi 0xzz",         # not hexadecimal
            "@prof frobnicate 1",           # unknown line type
            "@prof h 2 0 sbi 10",
            "@prof end samples=1 drops=0",
        ]))
        profile = profiles[0]
        self.assertEqual(profile.total_samples(), 1)
        self.assertEqual([number for number, _reason in profile.bad_lines], [2, 3, 4, 5])
        report = kp.build_report(profile, profiles, kp.Symbolizer(), [])
        self.assertIn("4 malformed @prof line(s) skipped (first: log line 2", report)

    def test_bad_begin_is_an_error(self):
        with self.assertRaisesRegex(kp.ProfError, "log line 1: bad begin line: begin: hz="):
            kp.parse_log_text("@prof v1 begin timebase=100 harts=1 callchain=0 source=timer\n")

    def test_no_profile(self):
        profiles = kp.parse_log_text("just a boot log\n@prof h 1 0 sbi 10\n")
        self.assertEqual(profiles, [])
        with self.assertRaisesRegex(kp.ProfError, "no profile found"):
            kp.choose_profile(profiles, None, "boot.log")

    def test_sample_count_mismatch_is_reported(self):
        lines = list(TWO_PROFILES[2:15])
        lines[-1] = "@prof end samples=9 drops=0"
        profiles = kp.parse_log_text(make_log(lines))
        report = kp.build_report(profiles[0], profiles, kp.Symbolizer(), [])
        self.assertIn("the end line says 9 samples but the log holds 3", report)

    def test_marks_may_or_may_not_be_counted_in_end(self):
        """Keel's prof_dump() counts marks with the samples (they share the
        buffer); either count is accepted without a warning."""
        for count in (3, 4):
            lines = list(TWO_PROFILES[2:15])
            lines[-1] = "@prof end samples=%d drops=0" % count
            profiles = kp.parse_log_text(make_log(lines))
            report = kp.build_report(profiles[0], profiles, kp.Symbolizer(), [])
            self.assertNotIn("WARNING", report)


# ---------------------------------------------------------------------------
# Symbols
# ---------------------------------------------------------------------------

GUEST_C = textwrap.dedent("""\
    /* three functions, an assembly label and a variable, for keel-prof */
    int counter;

    __attribute__((noinline)) int alpha(int x)
    {
            return x * 3 + counter;
    }

    __attribute__((noinline)) int beta(int x)
    {
            int sum = 0;
            for (int i = 0; i < x; i++)
                    sum += alpha(i);
            return sum;
    }

    __attribute__((noinline)) static int gamma_(int x)
    {
            return beta(x) - alpha(x);
    }

    int entry(void)
    {
            return gamma_(counter);
    }

    __asm__(".text\\n"
            ".globl asm_label\\n"
            "asm_label:\\n"
            "        nop\\n"
            "        nop\\n"
            "        ret\\n");
    """)


@unittest.skipUnless(shutil.which(CROSS_GCC),
                     CROSS_GCC + " is missing (apt-get install gcc-riscv64-unknown-elf)")
class ElfTest(TempDirTest):
    """The ELF reader, on a guest compiled here."""

    TEXT_BASE = 0x80000000

    def setUp(self):
        super().setUp()
        source = self.write("guest.c", GUEST_C)
        self.elf = os.path.join(self.dir, "guest.elf")
        # aligned functions leave gaps, so "just past the end" of a
        # function can be nobody's address
        # medany: code and data at 0x80000000 are out of medlow's reach
        result = subprocess.run([CROSS_GCC, "-O1", "-mcmodel=medany", "-ffreestanding",
                                 "-nostdlib", "-nostartfiles", "-falign-functions=16",
                                 "-Wl,-Ttext=0x%x" % self.TEXT_BASE, "-Wl,-e,entry",
                                 "-o", self.elf, source],
                                capture_output=True, text=True, check=False)
        if result.returncode != 0:
            self.fail("%s failed:\n%s" % (CROSS_GCC, result.stderr))
        self.table = kp.load_elf(self.elf)
        self.by_name = {symbol.name: symbol for symbol in self.table.symbols}

    def test_functions_and_label_are_found(self):
        for name in ("alpha", "beta", "gamma_", "entry", "asm_label"):
            self.assertIn(name, self.by_name)
        self.assertNotIn("counter", self.by_name)      # data, not code
        for name in ("alpha", "beta", "gamma_", "entry"):
            symbol = self.by_name[name]
            self.assertGreater(symbol.end, symbol.start, name)

    def test_lookup_start_inside_and_past_the_end(self):
        symbols = self.table.symbols
        for index, symbol in enumerate(symbols):
            self.assertEqual(self.table.name_for(symbol.start), symbol.name)
            self.assertEqual(self.table.name_for((symbol.start + symbol.end) // 2), symbol.name)
            self.assertEqual(self.table.name_for(symbol.end - 1), symbol.name)
            past_the_end = self.table.name_for(symbol.end)
            if index + 1 < len(symbols) and symbols[index + 1].start == symbol.end:
                self.assertEqual(past_the_end, symbols[index + 1].name)
            else:
                self.assertEqual(past_the_end, "0x%x" % symbol.end)

    def test_below_the_first_symbol_is_unknown(self):
        first = self.table.symbols[0].start
        self.assertEqual(self.table.name_for(first - 2), "0x%x" % (first - 2))
        self.assertEqual(self.table.name_for(0), "0x0")

    def test_unsized_label_extends_to_the_next_symbol_or_section_end(self):
        label = self.by_name["asm_label"]
        self.assertEqual(self.table.name_for(label.start + 2), "asm_label")
        self.assertLessEqual(label.end, self.table.text_range[1])

    def test_lookups_are_cached(self):
        address = self.by_name["beta"].start + 4
        self.table.lookup(address)
        self.assertEqual(self.table.cache[address], "beta")

    @unittest.skipUnless(shutil.which(CROSS_NM), CROSS_NM + " is missing")
    def test_agrees_with_nm(self):
        """Every text symbol nm lists with a size has the same start and end
        here (aliases at one address aside)."""
        output = subprocess.run([CROSS_NM, "-S", "--defined-only", self.elf], check=True,
                                capture_output=True, text=True).stdout
        checked = 0
        for line in output.splitlines():
            words = line.split()
            if len(words) != 4 or words[2] not in "Tt" or not kp.is_code_symbol_name(words[3]):
                continue
            start, size, name = int(words[0], 16), int(words[1], 16), words[3]
            self.assertEqual(self.table.name_for(start), name)
            self.assertEqual(self.by_name[name].end, start + size, name)
            checked += 1
        self.assertGreaterEqual(checked, 4)

    def test_keel_elf_that_does_not_match_the_log_is_reported(self):
        low, high = self.table.text_range
        for keel_line, warned in (("%x %x" % (low, high), False),
                                  ("%x %x" % (low, high + 0x100), True)):
            profiles = kp.parse_log_text(make_log([
                "@prof v1 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
                "@prof keel " + keel_line,
                "@prof h 1 0 sbi %x" % self.by_name["beta"].start,
                "@prof end samples=1 drops=0",
            ]))
            symbolizer = kp.Symbolizer(keel=self.table)
            stacks = kp.resolve_stacks(profiles[0], symbolizer)
            self.assertEqual(kp.folded_lines(stacks), ["keel;sbi;beta 1"])
            report = kp.build_report(profiles[0], profiles, symbolizer, stacks)
            self.assertEqual("does not match the Keel that wrote the log" in report, warned)

    def test_keel_loaded_away_from_its_link_address(self):
        """`linked=`: a relocated Keel's pcs are looked up that much lower."""
        low, high = self.table.text_range
        offset = 0x10000000
        profiles = kp.parse_log_text(make_log([
            "@prof v1 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
            "@prof keel %x %x linked=%x" % (low + offset, high + offset, low),
            "@prof h 1 0 sbi %x" % (self.by_name["beta"].start + offset),
            "@prof h 2 0 sbi %x" % (high + offset + 0x1000),
            "@prof end samples=2 drops=0",
        ]))
        profile = profiles[0]
        self.assertEqual(profile.bad_lines, [])
        self.assertEqual(profile.keel_offset, offset)
        symbolizer = kp.Symbolizer(keel=self.table)
        stacks = kp.resolve_stacks(profile, symbolizer)
        self.assertEqual(kp.folded_lines(stacks),
                         ["keel;sbi;0x%x 1" % (high + offset + 0x1000), "keel;sbi;beta 1"])
        report = kp.build_report(profile, profiles, symbolizer, stacks)
        self.assertNotIn("does not match the Keel that wrote the log", report)
        self.assertIn("linked at %x" % low, report)

    def test_keel_line_with_a_bad_third_field_is_skipped(self):
        profiles = kp.parse_log_text(make_log([
            "@prof v1 begin timebase=100 hz=10 harts=1 callchain=0 source=timer",
            "@prof keel 90200000 90200300 base=80200000",
            "@prof end samples=0 drops=0",
        ]))
        self.assertEqual(len(profiles[0].bad_lines), 1)
        self.assertIsNone(profiles[0].keel_text)

    def test_cli_reads_the_elf(self):
        log = self.write("run.log", make_log([
            "@prof v1 begin timebase=100 hz=10 harts=1 callchain=1 source=timer",
            "@prof vm 0 tiny vcpus=1",
            "@prof g 1 0 0 0 VS %x %x" % (self.by_name["alpha"].start + 2,
                                          self.by_name["beta"].start + 8),
            "@prof end samples=1 drops=0",
        ]))
        folded = os.path.join(self.dir, "out.folded")
        code, _out, err = run_tool(log, "--guest", "tiny=" + self.elf, "--folded", folded)
        self.assertEqual((code, err), (0, ""))
        with open(folded, encoding="utf-8") as text:
            self.assertEqual(text.read(), "tiny;vcpu0;VS;beta;alpha 1\n")


class ElfErrorTest(TempDirTest):
    """Files that are not what keel-prof can read."""

    def test_not_an_elf(self):
        path = self.write("notes.txt", "hello\n")
        with self.assertRaisesRegex(kp.ProfError, "notes.txt: not an ELF file"):
            kp.load_elf(path)

    def elf_header(self, elf_class=2, data=1, machine=243):
        ident = b"\x7fELF" + bytes([elf_class, data, 1]) + bytes(9)
        return kp.ELF_HEADER.pack(ident, 2, machine, 1, 0, 0, 0, 0, 64, 0, 0, 64, 0, 0)

    def write_bytes(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as out:
            out.write(data)
        return path

    def test_wrong_class_endianness_machine(self):
        cases = ((self.elf_header(elf_class=1), "not a 64-bit ELF"),
                 (self.elf_header(data=2), "not a little-endian ELF"),
                 (self.elf_header(machine=62), "machine 62, not RISC-V"),
                 (self.elf_header(), "no section headers"),
                 (self.elf_header()[:30], "truncated"))
        for data, message in cases:
            with self.assertRaisesRegex(kp.ProfError, message):
                kp.load_elf(self.write_bytes("bad.elf", data))

    def test_missing_file(self):
        with self.assertRaisesRegex(kp.ProfError, "cannot read .*nothing.elf"):
            kp.load_symbols(os.path.join(self.dir, "nothing.elf"))


SYSTEM_MAP = textwrap.dedent("""\
    0000000000000200 A PECOFF_FILE_ALIGNMENT
    ffffffff80001000 T _stext
    ffffffff80001000 T do_start
    ffffffff80001040 t local_helper
    ffffffff80001080 W weak_thing
    ffffffff800010c0 w weak_local
    ffffffff80001100 T _etext
    ffffffff80002000 D some_data
    ffffffff80003000 t after_data
    ffffffff80003100 R ro_data
    """)


class SystemMapTest(TempDirTest):
    """The System.map reader (Linux guests without their vmlinux)."""

    def setUp(self):
        super().setUp()
        self.table = kp.load_symbols(self.write("System.map", SYSTEM_MAP))

    def test_text_types_are_named(self):
        names = [symbol.name for symbol in self.table.symbols]
        self.assertEqual(names, ["do_start", "local_helper", "weak_thing", "weak_local",
                                 "_etext", "after_data"])

    def test_lookup(self):
        lookup = self.table.name_for
        self.assertEqual(lookup(0xffffffff80001000), "do_start")   # alias: plainer name
        self.assertEqual(lookup(0xffffffff8000103e), "do_start")
        self.assertEqual(lookup(0xffffffff80001040), "local_helper")
        self.assertEqual(lookup(0xffffffff80001090), "weak_thing")
        self.assertEqual(lookup(0xffffffff800010c4), "weak_local")
        self.assertEqual(lookup(0xffffffff80000ffe), "0xffffffff80000ffe")
        # a data symbol ends the text symbol before it
        self.assertEqual(lookup(0xffffffff80001fff), "_etext")
        self.assertEqual(lookup(0xffffffff80002000), "0xffffffff80002000")
        self.assertEqual(lookup(0xffffffff800030ff), "after_data")
        self.assertEqual(lookup(0xffffffff80003100), "0xffffffff80003100")

    def test_not_a_system_map(self):
        path = self.write("notes.txt", "these are not symbols\n")
        with self.assertRaisesRegex(kp.ProfError, "notes.txt line 1: not an 'address type name'"):
            kp.load_symbols(path)

    def test_return_address_is_looked_up_minus_one(self):
        """A call that is the last instruction of f returns to the first
        byte of the next function; the frame is still f."""
        table = kp.load_symbols(self.write("guest.map", GUEST_MAP))
        symbolizer = kp.Symbolizer(default_guest=table)
        self.assertEqual(symbolizer.guest_frames("vm", 0x1108, (0x1100, 0x9000)),
                         ["0x9000", "f", "g"])


class GuestOptionTest(unittest.TestCase):
    """--guest NAME=PATH and --guest PATH."""

    def test_named_and_default(self):
        self.assertEqual(kp.parse_guest_options(["linux=vmlinux", "build/guests/prof.elf"]),
                         ({"linux": "vmlinux"}, "build/guests/prof.elf"))
        # a '/' before the '=' means it is a path holding a '='
        self.assertEqual(kp.parse_guest_options(["out/a=b.elf"]), ({}, "out/a=b.elf"))

    def test_twice_is_an_error(self):
        with self.assertRaisesRegex(kp.ProfError, "only one --guest PATH"):
            kp.parse_guest_options(["a.elf", "b.elf"])
        with self.assertRaisesRegex(kp.ProfError, "--guest linux= is given twice"):
            kp.parse_guest_options(["linux=a", "linux=b"])

    def test_a_named_table_wins_over_the_default(self):
        named, default = object(), object()
        symbolizer = kp.Symbolizer(guests={"linux": named}, default_guest=default)
        self.assertIs(symbolizer.guest_table("linux"), named)
        self.assertIs(symbolizer.guest_table("prof"), default)
        self.assertIsNone(kp.Symbolizer().guest_table("prof"))

    def test_folded_frame_names_cannot_break_the_format(self):
        self.assertEqual(kp.folded_frame_name("operator new(unsigned long)"),
                         "operator_new(unsigned_long)")
        self.assertEqual(kp.folded_frame_name("a;b"), "a:b")


# ---------------------------------------------------------------------------
# The report, folded stacks and the flame graph
# ---------------------------------------------------------------------------

GUEST_MAP = textwrap.dedent("""\
    0000000000001000 T f
    0000000000001100 T g
    0000000000001200 T main
    0000000000001300 D data
    """)

KEEL_MAP = textwrap.dedent("""\
    0000000080200000 T handle_sbi
    0000000080200100 T handle_mmio
    0000000080200200 T wfi_loop
    0000000080200300 T _text_end
    """)


def synthetic_log():
    """20 samples: guest 14 (f 8, g 4 called from f, 2 unknown VU), Keel 4
    (sbi 3, mmio 1), idle 2."""
    lines = [
        "@prof v1 begin timebase=1000000 hz=100 harts=2 callchain=1 source=timer",
        "@prof vm 0 linux vcpus=2",
        "@prof keel 80200000 80200300",
    ]
    time = 1000
    samples = (
        ["g %%d 0 0 0 VS %x %x" % (0x1010 + 2 * i, 0x1208) for i in range(8)]
        + ["g %%d 0 0 0 VS 1108 1020 %x" % 0x1210] * 4
        + ["g %d 1 0 1 VU 5000"] * 2
        + ["h %d 0 sbi 80200010"] * 3
        + ["h %d 0 mmio 80200104"]
        + ["h %d 1 idle 80200200", "h %d 1 idle 80200204"])
    for sample in samples:
        time += 10000
        lines.append("@prof " + sample % time)
    lines += [
        "@prof mark 1500 0 0 0 7",
        "@prof mark 51000 0 0 1 8",
        "@prof drops 0 0",
        "@prof drops 1 3",
        "@prof exit 0 0 exc virtual_instruction 3 2100 2400",
        "@prof exit 0 0 sbi TIME 1200 165600 171600",
        "@prof exit 0 1 irq supervisor_timer 10 5000 6000",
        "@prof end samples=22 drops=3",
    ]
    return make_log(lines)


class ReportTest(TempDirTest):
    """What the report says about the synthetic log."""

    def setUp(self):
        super().setUp()
        self.profiles = kp.parse_log_text(synthetic_log())
        self.profile = self.profiles[0]
        self.symbolizer = kp.Symbolizer(
            keel=kp.load_symbols(self.write("keel.map", KEEL_MAP)),
            guests={"linux": kp.load_symbols(self.write("guest.map", GUEST_MAP))})
        self.stacks = kp.resolve_stacks(self.profile, self.symbolizer)
        self.report = kp.build_report(self.profile, self.profiles, self.symbolizer,
                                      self.stacks)

    def test_shares_add_up_to_all_samples(self):
        shares = kp.time_shares(self.profile)
        self.assertEqual(shares, {"guest": 14, "keel": 4, "idle": 2})
        total = self.profile.total_samples()
        self.assertEqual(sum(shares.values()), total)
        self.assertAlmostEqual(sum(kp.percent(n, total) for n in shares.values()), 100.0)
        self.assertEqual(kp.keel_parts(self.profile), [("sbi", 3), ("mmio", 1)])

    def test_header(self):
        self.assertIn("# Keel profile 1 of 1 (complete)", self.report)
        # 20 samples 10000 ticks apart at 1 MHz: 0.19 s from first to last
        self.assertIn("# duration     0.190000 s", self.report)
        self.assertIn("# samples      20 (guest 14, keel 4, idle 2); 2 mark(s)", self.report)
        self.assertIn("# WARNING: 3 sample(s) dropped (hart 1: 3)", self.report)

    def test_vm_breakdown(self):
        self.assertEqual(kp.vm_breakdown(self.profile),
                         [(0, 14, [(0, 12, [("VS", 12), ("VU", 0)]),
                                   (1, 2, [("VS", 0), ("VU", 2)])])])
        self.assertIn("  linux (vm 0)           14  70.0%", self.report)

    def test_top_functions_order_and_children(self):
        rows = [(row.where, row.name, row.self_samples, row.children_samples)
                for row in kp.top_functions(self.stacks)]
        self.assertEqual(rows, [
            ("guest:linux", "f", 8, 12),
            ("guest:linux", "g", 4, 4),
            ("keel", "handle_sbi", 3, 3),
            ("guest:linux", "0x5000", 2, 2),
            ("idle", "wfi_loop", 2, 2),
            ("keel", "handle_mmio", 1, 1),
        ])
        table = self.section("# Top functions")
        self.assertEqual(table[0].split(), ["self", "children", "samples", "where", "symbol"])
        self.assertEqual(table[1].split(), ["40.0%", "60.0%", "8", "guest:linux", "f"])
        self.assertEqual(table[2].split(), ["20.0%", "20.0%", "4", "guest:linux", "g"])

    def test_top_n(self):
        report = kp.build_report(self.profile, self.profiles, self.symbolizer, self.stacks, 2)
        self.assertIn("# Top functions (2 of 6), by self", report)
        self.assertNotIn("handle_sbi", report.split("# Top functions")[1].split("# Marks")[0])

    def test_marks(self):
        marks = self.section("# Marks")
        # the first mark (1500) comes before the first sample (11000)
        self.assertEqual(marks[1].split(), ["0.000000", "1500", "0", "linux", "0", "7"])
        self.assertEqual(marks[2].split(), ["0.049500", "51000", "0", "linux", "1", "8"])

    def test_exit_table(self):
        tables = kp.exit_tables(self.profile)
        vcpu0 = tables[(0, 0)]
        self.assertEqual([(row.name, row.instret_per_exit(), row.cycles_per_exit())
                          for row in vcpu0],
                         [("TIME", 138.0, 143.0), ("virtual_instruction", 700.0, 800.0)])
        lines = self.section("# Exits per vCPU")
        self.assertEqual(lines[0].strip(), "linux (vm 0) vcpu0")
        self.assertEqual(lines[2].split(), ["sbi", "TIME", "1200", "165600", "138.0", "143.0"])
        self.assertEqual(lines[3].split(),
                         ["exc", "virtual_instruction", "3", "2100", "700.0", "800.0"])
        self.assertEqual(lines[4].split(), ["total", "1203", "167700", "139.4", "144.6"])
        self.assertEqual(lines[5].strip(), "linux (vm 0) vcpu1")

    def section(self, title):
        """The table of the report section starting with title: its lines
        up to the next empty one, without the '#' comment lines."""
        return table_lines(self.report, title)

    def test_folded_text(self):
        self.assertEqual(kp.folded_lines(self.stacks), [
            "idle;hart1 2",
            "keel;mmio;handle_mmio 1",
            "keel;sbi;handle_sbi 3",
            "linux;vcpu0;VS;main;f 8",
            "linux;vcpu0;VS;main;f;g 4",
            "linux;vcpu1;VU;0x5000 2",
        ])

    def test_svg_is_xml_with_a_frame_per_stack_element(self):
        svg = kp.flame_svg([(stack.folded, stack.count) for stack in self.stacks], "test <&>")
        root = ElementTree.fromstring(svg)
        self.assertEqual(root.tag, SVG_NS + "svg")
        titles = [title.text for title in root.iter(SVG_NS + "title")]
        names = [title.split(" (")[0] for title in titles]
        for stack in self.stacks:
            for frame in stack.folded:
                self.assertIn(frame, names)
        self.assertIn("all (20 samples, 100.00%)", titles)
        self.assertIn("f (12 samples, 60.00%)", titles)
        self.assertIn("g (4 samples, 20.00%)", titles)
        # one frame per node of the tree: all; idle, keel, linux; hart1;
        # mmio, sbi and their handlers; vcpu0, vcpu1; VS main f g; VU 0x5000
        self.assertEqual(len(titles), 1 + 3 + 1 + 4 + 2 + 4 + 2)

    def test_svg_leaves_out_frames_under_a_thousandth(self):
        svg = kp.flame_svg([(("big", "leaf"), 2000), (("tiny",), 1)], "t")
        names = [title.text.split(" (")[0]
                 for title in ElementTree.fromstring(svg).iter(SVG_NS + "title")]
        self.assertEqual(names, ["all", "big", "leaf"])

    def test_colours_are_deterministic(self):
        self.assertEqual(kp.frame_colour("f", "guest"), kp.frame_colour("f", "guest"))
        self.assertNotEqual(kp.frame_colour("f", "guest"), kp.frame_colour("f", "keel"))


# ---------------------------------------------------------------------------
# Round trip through the command line
# ---------------------------------------------------------------------------

class RoundTripTest(TempDirTest):
    """A log with known counts in, the same counts out."""

    def write_log(self):
        lines = ["boot noise",
                 "@prof v1 begin timebase=10000000 hz=1000 harts=1 callchain=0 source=timer",
                 "@prof vm 0 guest vcpus=1"]
        time = 0
        for count, pc in ((300, 0x1040), (100, 0x1180)):
            for _ in range(count):
                time += 10000
                lines.append("@prof g %d 0 0 0 VS %x" % (time, pc))
        lines += ["@prof drops 0 0", "@prof end samples=400 drops=0"]
        return self.write("run.log", make_log(lines, "\r\n"), newline="")

    def test_75_and_25_percent(self):
        log = self.write_log()
        symbols = self.write("guest.map", GUEST_MAP)
        folded = os.path.join(self.dir, "out.folded")
        svg = os.path.join(self.dir, "out.svg")
        code, out, err = run_tool(log, "--guest", symbols, "--folded", folded, "--svg", svg)
        self.assertEqual((code, err), (0, ""))
        top = table_lines(out, "# Top functions")
        self.assertEqual(top[0].split(), ["self", "samples", "where", "symbol"])
        self.assertEqual(top[1].split(), ["75.0%", "300", "guest:guest", "f"])
        self.assertEqual(top[2].split(), ["25.0%", "100", "guest:guest", "g"])
        with open(folded, encoding="utf-8") as text:
            self.assertEqual(text.read(), "guest;vcpu0;VS;f 300\nguest;vcpu0;VS;g 100\n")
        ElementTree.parse(svg)

    def test_stdin(self):
        with open(self.write_log(), encoding="utf-8", newline="") as log:
            code, out, err = run_tool("-", stdin=log.read())
        self.assertEqual((code, err), (0, ""))
        self.assertIn("75.0%      300  guest:guest  0x1040", out)


class CommandLineErrorTest(TempDirTest):
    """Bad input ends with one line on stderr, never a traceback."""

    def assert_fails(self, args, message, stdin=None):
        code, out, err = run_tool(*args, stdin=stdin)
        self.assertEqual(code, 1, err)
        self.assertEqual(out, "")
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertTrue(err.startswith("keel-prof: "), err)
        self.assertIn(message, err)

    def test_missing_log(self):
        self.assert_fails([os.path.join(self.dir, "none.log")], "cannot read log")

    def test_log_without_profile(self):
        self.assert_fails([self.write("boot.log", "OpenSBI\n[keel] hello\n")],
                          "no profile found")

    def test_unknown_version(self):
        self.assert_fails(["-"], "profile format v2 is not supported",
                          stdin="@prof v2 begin timebase=1 hz=1 harts=1 callchain=0 source=x\n")

    def test_keel_not_an_elf(self):
        log = self.write("run.log", synthetic_log())
        self.assert_fails([log, "--keel", self.write("keel.map", KEEL_MAP)], "not an ELF file")

    def test_guest_neither_elf_nor_map(self):
        log = self.write("run.log", synthetic_log())
        self.assert_fails([log, "--guest", "linux=" + self.write("x.txt", "hello there\n")],
                          "not an 'address type name' line")

    def test_profile_out_of_range(self):
        log = self.write("run.log", synthetic_log())
        self.assert_fails([log, "--profile", "2"], "--profile 2 is out of range")


if __name__ == "__main__":
    unittest.main()
