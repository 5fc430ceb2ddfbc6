/* A guest's console output made harmless for the terminal (console_escape.h). */
#include <stdbool.h>

#include "console_escape.h"

enum byte_class {
	BYTE_BAD,    /* never in well-formed UTF-8 here: a lone continuation, C0, C1, F5.. */
	BYTE_PLAIN,  /* printable ASCII */
	BYTE_LAYOUT, /* \n, \t: pass, but nothing before them can be taken back */
	BYTE_CR,
	BYTE_BS,
	BYTE_CTRL, /* the other C0 controls and DEL */
	BYTE_LEAD, /* starts a UTF-8 sequence of 2 to 4 bytes */
};

/* One lookup per byte that is not printable ASCII (console_escape_byte()) */
static const uint8_t byte_class[256] = {
	[0x00 ... 0x07] = BYTE_CTRL,
	['\b'] = BYTE_BS,
	['\t'] = BYTE_LAYOUT,
	['\n'] = BYTE_LAYOUT,
	[0x0b ... 0x0c] = BYTE_CTRL,
	['\r'] = BYTE_CR,
	[0x0e ... 0x1f] = BYTE_CTRL,
	[0x20 ... 0x7e] = BYTE_PLAIN,
	[0x7f] = BYTE_CTRL,
	[0x80 ... 0xc1] = BYTE_BAD, /* C0, C1 would be overlong 2-byte forms */
	[0xc2 ... 0xf4] = BYTE_LEAD,
	[0xf5 ... 0xff] = BYTE_BAD, /* past U+10FFFF */
};

static int put_hex(char *out, uint8_t b)
{
	static const char digits[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = digits[b >> 4];
	out[3] = digits[b & 15];
	return 4;
}

/* A sequence broken off: its bytes are shown, none of them sent as they are. */
static int show_held(struct console_escape *e, char *out)
{
	int n = 0;

	for (unsigned int i = 0; i < e->nheld; i++)
		n += put_hex(out + n, e->held[i]);
	e->nheld = 0;
	e->need = 0;
	e->erasable = 0;
	return n;
}

/*
 * Begin a sequence. The range of its second byte is where UTF-8's strict
 * form (Unicode table 3-7) differs from "any continuation": it excludes
 * the overlong 3- and 4-byte forms (E0, F0), the surrogates (ED) and code
 * points past U+10FFFF (F4).
 */
static void start_sequence(struct console_escape *e, uint8_t lead)
{
	e->held[0] = lead;
	e->nheld = 1;
	e->need = lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : 3;
	e->lo = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
	e->hi = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
}

/*
 * Code points a terminal acts on: the C1 controls (U+009B is CSI on a
 * terminal that takes them in UTF-8) and the bidirectional marks,
 * embeddings, overrides and isolates, which reorder how the rest of the
 * line is drawn on a terminal that does bidirectional text.
 */
static bool acts_on_terminal(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The last byte of a well-formed sequence arrived. */
static int end_sequence(struct console_escape *e, uint8_t last, char *out)
{
	/* a lead of an n-byte sequence keeps 7 - n bits of the code point */
	uint32_t cp = e->held[0] & (0x7f >> (e->nheld + 1));
	int n = 0;

	e->held[e->nheld++] = last;
	for (unsigned int i = 1; i < e->nheld; i++)
		cp = cp << 6 | (e->held[i] & 0x3f);
	if (acts_on_terminal(cp))
		return show_held(e, out);
	for (unsigned int i = 0; i < e->nheld; i++)
		out[n++] = (char)e->held[i];
	e->nheld = 0;
	e->need = 0;
	e->erasable = 0; /* a wide character is more than one step back */
	return n;
}

int console_escape_other(struct console_escape *e, uint8_t byte, char *out)
{
	int n = 0;

	if (e->need) {
		if (byte >= e->lo && byte <= e->hi) {
			if (e->need == 1)
				return end_sequence(e, byte, out);
			e->held[e->nheld++] = byte;
			e->need--;
			e->lo = 0x80;
			e->hi = 0xbf;
			return 0;
		}
		/* broken off: show what was held, then this byte on its own */
		n = show_held(e, out);
	}
	switch (byte_class[byte]) {
	case BYTE_PLAIN:
		out[n++] = (char)byte; /* behind a sequence broken off */
		e->erasable++;
		return n;
	case BYTE_LAYOUT:
		out[n++] = (char)byte;
		e->erasable = 0;
		return n;
	case BYTE_CR:
		/* the console puts its own before each \n; alone it would go
		 * back over the line, the "[name] " in front of it included */
		return n;
	case BYTE_BS:
		if (e->erasable) {
			/* n is 0: show_held() left nothing to erase */
			e->erasable--;
			return CONSOLE_ESCAPE_ERASE;
		}
		/* nothing of this guest's to take back: shown, not obeyed */
		/* fall through */
	case BYTE_CTRL:
		out[n++] = '^';
		out[n++] = (char)(byte ^ 0x40); /* ESC is ^[, DEL ^? */
		e->erasable = 0;
		return n;
	case BYTE_LEAD:
		start_sequence(e, byte);
		return n;
	default:
		e->erasable = 0;
		return n + put_hex(out + n, byte);
	}
}
