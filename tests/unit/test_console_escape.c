/*
 * Tests for src/console/console_escape.c: every class of byte, UTF-8 checked
 * strictly, state carried across writes, backspace, and a model of the
 * rules written the other way round (a decoder over the whole input)
 * against the filter on random input cut at random places.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console_escape.h"
#include "unit.h"

/* ---- feeding the filter --------------------------------------------------- */

#define SHOWN_MAX 4096

/*
 * What the console shows for `in` fed through one filter in pieces of
 * `piece` bytes (0: one piece), as the line-collecting path keeps it: a
 * backspace that may erase takes the last character back, and that must
 * be a printable ASCII one.
 */
struct shown {
	char text[SHOWN_MAX];
	unsigned int len;
	bool bad_erase; /* an erase found no plain character to take back */
	bool too_long;  /* a byte released more than CONSOLE_ESCAPE_TEXT_MAX */
};

/* Runs of printable ASCII through console_escape_plain(), as vm_console.c does */
static bool use_runs;

static void feed(struct console_escape *e, struct shown *s, const uint8_t *in, unsigned int len)
{
	for (unsigned int i = 0; i < len; i++) {
		char out[CONSOLE_ESCAPE_TEXT_MAX + 8];
		int n;

		if (use_runs) {
			unsigned long run = console_escape_plain(e, (const char *)in + i, len - i,
								 s->text + s->len);

			if (run > SHOWN_MAX - 1 - s->len)
				run = 0; /* never: the tests' texts are short */
			s->len += (unsigned int)run;
			i += (unsigned int)run;
			if (i == len)
				break;
		}
		n = console_escape_byte(e, in[i], out);
		if (n == CONSOLE_ESCAPE_ERASE) {
			if (!s->len || s->text[s->len - 1] < 0x20 || s->text[s->len - 1] > 0x7e)
				s->bad_erase = true;
			else
				s->len--;
			continue;
		}
		if (n < 0 || n > CONSOLE_ESCAPE_TEXT_MAX) {
			s->too_long = true;
			continue;
		}
		for (int k = 0; k < n && s->len < SHOWN_MAX - 1; k++)
			s->text[s->len++] = out[k];
	}
	s->text[s->len] = 0;
}

static struct shown show_pieces_with(const void *in, unsigned int len, unsigned int piece)
{
	struct console_escape e = { 0 };
	struct shown s = { .len = 0 };

	if (!piece)
		piece = len ? len : 1;
	for (unsigned int i = 0; i < len; i += piece)
		feed(&e, &s, (const uint8_t *)in + i, len - i < piece ? len - i : piece);
	return s;
}

/*
 * What is shown, fed a byte at a time; the same fed in runs must show
 * the same (a mismatch shows as a bad erase, which every test checks).
 */
static struct shown show_pieces(const void *in, unsigned int len, unsigned int piece)
{
	struct shown bytes, runs;

	use_runs = false;
	bytes = show_pieces_with(in, len, piece);
	use_runs = true;
	runs = show_pieces_with(in, len, piece);
	use_runs = false;
	if (bytes.len != runs.len || memcmp(bytes.text, runs.text, bytes.len)) {
		printf("byte by byte: \"%s\"\nin runs:      \"%s\"\n", bytes.text, runs.text);
		bytes.bad_erase = true;
	}
	bytes.bad_erase |= runs.bad_erase;
	return bytes;
}

/* `in` (a string literal, NULs allowed) must show as `want`, whole and byte by byte */
#define CHECK_SHOWN(in, want)                                                                     \
	do {                                                                                      \
		struct shown whole_ = show_pieces(in, sizeof(in) - 1, 0);                         \
		struct shown bytes_ = show_pieces(in, sizeof(in) - 1, 1);                         \
		CHECK_STR(whole_.text, want);                                                     \
		CHECK_STR(bytes_.text, want);                                                     \
		CHECK(!whole_.bad_erase && !whole_.too_long);                                     \
	} while (0)

/* ---- ASCII --------------------------------------------------------------- */

TEST(a_run_of_printable_ascii_stops_at_anything_else)
{
	struct console_escape e = { 0 };
	char out[64];

	CHECK_EQ(console_escape_plain(&e, "[keel] ok\x1b[2J", 15, out), 9);
	CHECK(!memcmp(out, "[keel] ok", 9));
	CHECK_EQ(e.erasable, 9);
	CHECK_EQ(console_escape_plain(&e, "ab\ncd", 5, out), 2);
	CHECK_EQ(console_escape_plain(&e, "\tx", 2, out), 0);
	CHECK_EQ(console_escape_plain(&e, "abc\xc3\xa9", 5, out), 3);
	CHECK_EQ(console_escape_plain(&e, "abc", 2, out), 2); /* no further than len */
	CHECK_EQ(console_escape_plain(&e, "\x7f", 1, out), 0);
	/* inside a UTF-8 sequence nothing is plain: the next byte breaks it */
	CHECK_EQ(console_escape_byte(&e, 0xe2, out), 0);
	CHECK_EQ(console_escape_plain(&e, "abc", 3, out), 0);
	CHECK_EQ(console_escape_byte(&e, 'a', out), 5);
	CHECK(!memcmp(out, "\\xe2a", 5));
}

TEST(printable_ascii_passes)
{
	for (int b = 0x20; b <= 0x7e; b++) {
		uint8_t in[2] = { (uint8_t)b, 'z' };
		struct shown s = show_pieces(in, 2, 1);

		CHECK_EQ(s.len, 2);
		CHECK_EQ((uint8_t)s.text[0], b);
	}
	CHECK_SHOWN("[keel] hello, world ~!", "[keel] hello, world ~!");
}

TEST(newline_and_tab_pass)
{
	CHECK_SHOWN("a\tb\nc\n", "a\tb\nc\n");
}

TEST(carriage_return_is_dropped)
{
	/* \r\n is one line end (the console adds its own \r); a lone \r would
	 * go back over the line, prefix and all */
	CHECK_SHOWN("line\r\n", "line\n");
	CHECK_SHOWN("xxxxxxxx\r[keel] forged\n", "xxxxxxxx[keel] forged\n");
}

TEST(every_other_c0_control_and_del_in_caret_notation)
{
	for (int b = 0; b < 0x20; b++) {
		uint8_t in[1] = { (uint8_t)b };
		struct shown s = show_pieces(in, 1, 0);
		char want[3] = { '^', (char)(b + 0x40), 0 };

		if (b == '\t' || b == '\n' || b == '\r' || b == '\b')
			continue;
		CHECK_STR(s.text, want);
	}
	CHECK_SHOWN("\x7f", "^?");
	CHECK_SHOWN("\x1b[2J\x1b[H", "^[[2J^[[H");
	CHECK_SHOWN("\x00\x07\x0b\x0c\x1a", "^@^G^K^L^Z");
}

TEST(terminal_queries_are_shown_not_sent)
{
	/* cursor position report, title report, DECRQSS, OSC title, DA */
	CHECK_SHOWN("\x1b[6n \x1b[21t \x1bP$q m\x1b\\ \x1b]0;owned\x07 \x1b[c",
		    "^[[6n ^[[21t ^[P$q m^[\\ ^[]0;owned^G ^[[c");
}

/* ---- backspace ----------------------------------------------------------- */

TEST(backspace_takes_back_this_lines_plain_characters)
{
	/* an interactive shell's echo of an erase */
	CHECK_SHOWN("ab\b \bc", "ac");
	CHECK_SHOWN("abc\b\b\b", "");
	/* never more than the guest wrote: the rest is shown */
	CHECK_SHOWN("ab\b\b\b\b[keel] forged", "^H^H[keel] forged");
}

TEST(backspace_does_not_cross_a_line_tab_or_escaped_text)
{
	CHECK_SHOWN("ab\n\b", "ab\n^H");
	CHECK_SHOWN("ab\t\b", "ab\t^H");
	CHECK_SHOWN("\x1b\b", "^[^H");
	CHECK_SHOWN("a\x1b\b\b", "a^[^H^H");
	CHECK_SHOWN("\xc3\xa9\b", "\xc3\xa9^H");
	CHECK_SHOWN("\xff\b", "\\xff^H");
	/* a dropped \r changes nothing */
	CHECK_SHOWN("ab\r\b", "a");
}

TEST(backspace_after_the_caller_ended_the_line)
{
	struct console_escape e = { 0 };
	struct shown s = { .len = 0 };

	feed(&e, &s, (const uint8_t *)"keel$ ", 6);
	console_escape_line_end(&e); /* the prompt was printed as a partial line */
	s.len = 0;
	feed(&e, &s, (const uint8_t *)"u\b\b", 3);
	CHECK_STR(s.text, "^H");
	CHECK(!s.bad_erase);
}

/* ---- bytes >= 0x80 ------------------------------------------------------- */

TEST(every_high_byte_alone_is_shown_as_hex)
{
	for (int b = 0x80; b <= 0xff; b++) {
		uint8_t in[2] = { (uint8_t)b, 'A' };
		char want[8];

		snprintf(want, sizeof(want), "\\x%02xA", b);
		CHECK_STR(show_pieces(in, 2, 0).text, want);
		CHECK_STR(show_pieces(in, 2, 1).text, want);
	}
}

TEST(well_formed_utf8_passes)
{
	CHECK_SHOWN("caf\xc3\xa9", "caf\xc3\xa9");
	CHECK_SHOWN("\xc2\xa0 \xe2\x82\xac \xf0\x9f\x90\x9f", "\xc2\xa0 \xe2\x82\xac \xf0\x9f\x90\x9f");
	/* the first and last code point of each length and around the holes */
	CHECK_SHOWN("\xdf\xbf", "\xdf\xbf");             /* U+07FF */
	CHECK_SHOWN("\xe0\xa0\x80", "\xe0\xa0\x80");     /* U+0800 */
	CHECK_SHOWN("\xed\x9f\xbf", "\xed\x9f\xbf");     /* U+D7FF */
	CHECK_SHOWN("\xee\x80\x80", "\xee\x80\x80");     /* U+E000 */
	CHECK_SHOWN("\xef\xbf\xbd", "\xef\xbf\xbd");     /* U+FFFD */
	CHECK_SHOWN("\xf0\x90\x80\x80", "\xf0\x90\x80\x80"); /* U+10000 */
	CHECK_SHOWN("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
	/* a direction mark's neighbours are ordinary */
	CHECK_SHOWN("\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5", "\xe2\x80\x8d\xe2\x80\xaf\xe2\x81\xa5");
}

TEST(c1_controls_in_utf8_are_shown_as_bytes)
{
	for (int cp = 0x80; cp <= 0x9f; cp++) {
		uint8_t in[2] = { 0xc2, (uint8_t)cp };
		char want[16];

		snprintf(want, sizeof(want), "\\xc2\\x%02x", cp);
		CHECK_STR(show_pieces(in, 2, 0).text, want);
		CHECK_STR(show_pieces(in, 2, 1).text, want);
	}
	/* raw 8-bit CSI, OSC, ST: lone continuation bytes */
	CHECK_SHOWN("\x9b" "6n \x9d" "0;x\x9c", "\\x9b6n \\x9d0;x\\x9c");
}

TEST(bidirectional_controls_are_shown_as_bytes)
{
	CHECK_SHOWN("\xd8\x9c", "\\xd8\\x9c");               /* U+061C */
	CHECK_SHOWN("\xe2\x80\x8e", "\\xe2\\x80\\x8e");       /* U+200E */
	CHECK_SHOWN("\xe2\x80\x8f", "\\xe2\\x80\\x8f");       /* U+200F */
	for (int lo = 0xaa; lo <= 0xae; lo++) {              /* U+202A..U+202E */
		uint8_t in[3] = { 0xe2, 0x80, (uint8_t)lo };
		char want[16];

		snprintf(want, sizeof(want), "\\xe2\\x80\\x%02x", lo);
		CHECK_STR(show_pieces(in, 3, 1).text, want);
	}
	for (int lo = 0xa6; lo <= 0xa9; lo++) {              /* U+2066..U+2069 */
		uint8_t in[3] = { 0xe2, 0x81, (uint8_t)lo };
		char want[16];

		snprintf(want, sizeof(want), "\\xe2\\x81\\x%02x", lo);
		CHECK_STR(show_pieces(in, 3, 1).text, want);
	}
}

TEST(overlong_forms_are_shown_as_bytes)
{
	CHECK_SHOWN("\xc0\x9b", "\\xc0\\x9b"); /* ESC... */
	CHECK_SHOWN("\xc1\xbf", "\\xc1\\xbf");
	CHECK_SHOWN("\xe0\x80\x9b", "\\xe0\\x80\\x9b"); /* ...and CSI, 3 bytes */
	CHECK_SHOWN("\xe0\x9f\xbf", "\\xe0\\x9f\\xbf");
	CHECK_SHOWN("\xf0\x80\x80\x9b", "\\xf0\\x80\\x80\\x9b");
	CHECK_SHOWN("\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf");
}

TEST(surrogates_and_past_u10ffff_are_shown_as_bytes)
{
	CHECK_SHOWN("\xed\xa0\x80", "\\xed\\xa0\\x80");
	CHECK_SHOWN("\xed\xbf\xbf", "\\xed\\xbf\\xbf");
	CHECK_SHOWN("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	CHECK_SHOWN("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
	CHECK_SHOWN("\xff\xfe", "\\xff\\xfe");
}

TEST(a_sequence_broken_off_shows_its_bytes_then_goes_on)
{
	CHECK_SHOWN("\xe2\x82" "A", "\\xe2\\x82A");
	CHECK_SHOWN("\xe2\x82\n", "\\xe2\\x82\n");
	CHECK_SHOWN("\xf0\x9f\x90\x1b[2J", "\\xf0\\x9f\\x90^[[2J");
	/* a new lead breaks the old sequence and starts its own */
	CHECK_SHOWN("\xe2\xc3\xa9", "\\xe2\xc3\xa9");
	CHECK_SHOWN("\xe2\x82\xe2\x82\xac", "\\xe2\\x82\xe2\x82\xac");
}

/* ---- state across writes ------------------------------------------------- */

TEST(a_sequence_cut_by_the_end_of_a_write_waits_for_the_next)
{
	struct console_escape e = { 0 };
	char out[CONSOLE_ESCAPE_TEXT_MAX];

	CHECK_EQ(console_escape_byte(&e, 0xe2, out), 0);
	CHECK_EQ(console_escape_byte(&e, 0x82, out), 0);
	CHECK_EQ(console_escape_byte(&e, 0xac, out), 3);
	CHECK(!memcmp(out, "\xe2\x82\xac", 3));
	/* an escape sequence is harmless byte by byte: nothing is held */
	CHECK_EQ(console_escape_byte(&e, 0x1b, out), 2);
	CHECK(!memcmp(out, "^[", 2));
	CHECK_EQ(console_escape_byte(&e, '[', out), 1);
}

TEST(every_cut_of_a_mixed_text_shows_the_same)
{
	static const char in[] = "ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x90\x9f \x1b[31m\x9b\xc2\x9b"
				 "\xe0\x80\xaf\xed\xa0\x80 ab\b \bc\r\n\t\xe2\x82" "Z\x7f\x00";
	struct shown whole = show_pieces(in, sizeof(in) - 1, 0);

	for (unsigned int piece = 1; piece < sizeof(in); piece++)
		CHECK_STR(show_pieces(in, sizeof(in) - 1, piece).text, whole.text);
	CHECK_STR(whole.text, "ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x90\x9f ^[[31m\\x9b\\xc2\\x9b"
			      "\\xe0\\x80\\xaf\\xed\\xa0\\x80 ac\n\t\\xe2\\x82Z^?^@");
}

/* ---- the rules, modelled the other way round ----------------------------- */

/* The well-formed sequence at in[i..len) and its length, or 0 */
static unsigned int model_sequence(const uint8_t *in, unsigned int i, unsigned int len,
				   uint32_t *cp)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned int n = in[i] >= 0xf0 ? 4 : in[i] >= 0xe0 ? 3 : in[i] >= 0xc0 ? 2 : 0;

	if (!n || in[i] >= 0xf8 || i + n > len)
		return 0;
	*cp = in[i] & (0xff >> (n + 1));
	for (unsigned int k = 1; k < n; k++) {
		if ((in[i + k] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (in[i + k] & 0x3f);
	}
	if (*cp < least[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* Could in[i..len) still become a well-formed sequence? (held, not shown) */
static bool model_unfinished(const uint8_t *in, unsigned int i, unsigned int len)
{
	uint8_t try[4];
	uint32_t cp;

	if (in[i] < 0xc2 || in[i] > 0xf4)
		return false;
	for (unsigned int k = 0; k < len - i; k++) {
		if (k && (in[i + k] & 0xc0) != 0x80)
			return false;
		try[k] = in[i + k];
	}
	/* every completion of up to two bytes by brute force */
	for (unsigned int a = 0x80; a <= 0xbf; a++) {
		for (unsigned int b = 0x80; b <= 0xbf; b++) {
			unsigned int k = len - i;

			if (k < 4)
				try[k] = (uint8_t)a;
			if (k + 1 < 4)
				try[k + 1] = (uint8_t)b;
			if (k + 2 < 4)
				try[k + 2] = 0x80;
			if (model_sequence(try, 0, 4, &cp) > len - i)
				return true;
		}
	}
	return false;
}

static bool model_acts(uint32_t cp)
{
	static const uint32_t acting[] = { 0x61c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c,
					   0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069 };

	if (cp >= 0x80 && cp < 0xa0)
		return true;
	for (unsigned int k = 0; k < sizeof(acting) / sizeof(acting[0]); k++)
		if (cp == acting[k])
			return true;
	return false;
}

static void model_hex(struct shown *s, uint8_t b)
{
	s->len += (unsigned int)snprintf(s->text + s->len, SHOWN_MAX - s->len, "\\x%02x", b);
}

/* docs/isolation.md's rules, applied to the whole input at once */
static struct shown model(const uint8_t *in, unsigned int len)
{
	struct shown s = { .len = 0 };
	unsigned int plain = 0; /* plain characters a backspace may take back */

	for (unsigned int i = 0; i < len; i++) {
		uint8_t b = in[i];
		uint32_t cp;
		unsigned int n;

		if (s.len > SHOWN_MAX - 32)
			break;
		if (b >= 0x20 && b < 0x7f) {
			s.text[s.len++] = (char)b;
			plain++;
		} else if (b == '\n' || b == '\t') {
			s.text[s.len++] = (char)b;
			plain = 0;
		} else if (b == '\r') {
			/* dropped */
		} else if (b == '\b' && plain) {
			s.len--;
			plain--;
		} else if (b < 0x80) {
			s.text[s.len++] = '^';
			s.text[s.len++] = (char)(b ^ 0x40);
			plain = 0;
		} else if ((n = model_sequence(in, i, len, &cp))) {
			for (unsigned int k = 0; k < n; k++) {
				if (model_acts(cp))
					model_hex(&s, in[i + k]);
				else
					s.text[s.len++] = (char)in[i + k];
			}
			i += n - 1;
			plain = 0;
		} else if (len - i < 4 && model_unfinished(in, i, len)) {
			break; /* the rest waits for the next write */
		} else {
			/* broken or never valid: this byte; what follows on its own */
			model_hex(&s, b);
			plain = 0;
		}
	}
	s.text[s.len] = 0;
	return s;
}

static uint32_t rng = 12345;

static uint32_t next_random(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

/* Bytes a hostile guest would pick: controls, C1, leads, continuations, ASCII */
static uint8_t random_byte(void)
{
	static const uint8_t interesting[] = { 0x1b, '[', '\b', '\r', '\n', '\t', 'a', ' ',
					       0x7f, 0x00, 0x9b, 0x80, 0xbf, 0xc0, 0xc2,
					       0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4,
					       0xf5, 0xff, 0x90, 0x8f, 0xa0, 0x9f };
	uint32_t r = next_random();

	if (r & 1)
		return (uint8_t)(r >> 8);
	return interesting[(r >> 8) % sizeof(interesting)];
}

TEST(random_text_in_random_pieces_matches_the_model)
{
	unsigned int mismatches = 0;

	for (unsigned int round = 0; round < 20000; round++) {
		uint8_t in[48];
		unsigned int len = 1 + next_random() % sizeof(in);
		unsigned int piece = 1 + next_random() % len;
		struct shown got, want;

		for (unsigned int k = 0; k < len; k++)
			in[k] = random_byte();
		got = show_pieces(in, len, piece);
		want = model(in, len);
		if (strcmp(got.text, want.text) || got.bad_erase || got.too_long) {
			if (!mismatches++) {
				printf("input:");
				for (unsigned int k = 0; k < len; k++)
					printf(" %02x", in[k]);
				printf(" (pieces of %u)\n", piece);
				CHECK_STR(got.text, want.text);
				CHECK(!got.bad_erase && !got.too_long);
			}
		}
	}
	CHECK_EQ(mismatches, 0);
}

/* got is what the model shows for in; the first mismatch is printed */
static void check_model(const uint8_t *in, unsigned int len, unsigned int *mismatches)
{
	struct shown got = show_pieces(in, len, 0), want = model(in, len);

	if (!strcmp(got.text, want.text) && !got.bad_erase && !got.too_long)
		return;
	if (!(*mismatches)++) {
		printf("input:");
		for (unsigned int k = 0; k < len; k++)
			printf(" %02x", in[k]);
		printf("\n");
		CHECK_STR(got.text, want.text);
		CHECK(!got.bad_erase && !got.too_long);
	}
}

/* Every 2-byte input, then a plain byte */
TEST(every_two_bytes_match_the_model)
{
	unsigned int mismatches = 0;

	for (uint32_t v = 0; v < (1u << 16); v++) {
		uint8_t in[3] = { (uint8_t)(v >> 8), (uint8_t)v, 'Z' };

		check_model(in, 3, &mismatches);
	}
	CHECK_EQ(mismatches, 0);
}

/*
 * Every 4 bytes drawn from the edges of each class (where a range check
 * could be off by one), then a plain byte: 4-byte sequences whole.
 */
TEST(every_four_edge_bytes_match_the_model)
{
	static const uint8_t edge[] = { 0x00, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x20, 0x7e,
					0x7f, 0x80, 0x8f, 0x90, 0x9b, 0x9f, 0xa0, 0xbf, 0xc0,
					0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef,
					0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff };
	const unsigned int ne = sizeof(edge);
	unsigned int mismatches = 0;

	for (uint32_t v = 0; v < ne * ne * ne * ne; v++) {
		uint8_t in[5] = { edge[v % ne], edge[v / ne % ne], edge[v / ne / ne % ne],
				  edge[v / ne / ne / ne], 'Z' };

		check_model(in, 5, &mismatches);
	}
	CHECK_EQ(mismatches, 0);
}

/* What reaches the terminal: no control but \n and \t, nothing but UTF-8 */
TEST(nothing_a_terminal_acts_on_gets_through)
{
	for (unsigned int round = 0; round < 20000; round++) {
		uint8_t in[64];
		unsigned int len = 1 + next_random() % sizeof(in);
		struct shown s;
		uint32_t cp;

		for (unsigned int k = 0; k < len; k++)
			in[k] = random_byte();
		s = show_pieces(in, len, 1 + next_random() % len);
		for (unsigned int k = 0; k < s.len; k++) {
			uint8_t b = (uint8_t)s.text[k];
			unsigned int n;

			if (b < 0x80) {
				CHECK(b >= 0x20 ? b != 0x7f : b == '\n' || b == '\t');
				continue;
			}
			n = model_sequence((const uint8_t *)s.text, k, s.len, &cp);
			CHECK(n && !model_acts(cp));
			if (!n)
				break;
			k += n - 1;
		}
	}
}
