/*
 * A guest's console output made harmless for the shared terminal.
 *
 * Every VM writes to the one physical console, and a terminal obeys what
 * it is sent: an escape sequence from a guest could move the cursor over
 * another VM's line or its own "[name] " prefix, clear the screen, set the
 * window title, or make the terminal answer a query (ESC[6n, DECRQSS, a
 * title report) as if the user had typed it to the focused VM. So a
 * guest's bytes are shown, not obeyed (the rules: docs/isolation.md,
 * "The console"):
 *
 *   printable ASCII, \n, \t          pass
 *   \r                               dropped (the console starts each line)
 *   \b                               takes back a plain character this
 *                                    guest wrote on the current line
 *                                    (CONSOLE_ESCAPE_ERASE), else "^H"
 *   other C0 controls, DEL           caret notation: ESC is "^[", DEL "^?"
 *   well-formed UTF-8                passes, except the C1 controls
 *                                    U+0080..U+009F and the bidirectional
 *                                    marks, embeddings, overrides and
 *                                    isolates, shown as bytes
 *   any other byte >= 0x80           "\xNN"
 *
 * UTF-8 is checked strictly (no overlong forms, surrogates or code points
 * past U+10FFFF); a sequence cut by the end of a write waits in the state
 * for the next write, and one broken off shows its bytes as "\xNN". The
 * escaped forms are not unambiguous (a guest may print "^[" itself); they
 * only keep the terminal from acting on the bytes.
 *
 * (Not Ctrl-A, console_keys.h's escape for Keel's commands: that is input.)
 * Pure logic; a zeroed struct console_escape is the start state.
 */
#ifndef KEEL_CONSOLE_ESCAPE_H
#define KEEL_CONSOLE_ESCAPE_H

#include <stdint.h>

/* The most text one byte can release: 3 held UTF-8 bytes and it, as \xNN */
#define CONSOLE_ESCAPE_TEXT_MAX 16
/* What console_escape_byte() returns for a backspace that may erase */
#define CONSOLE_ESCAPE_ERASE (-1)

struct console_escape {
	uint8_t held[4];       /* a UTF-8 sequence begun (its last byte joins it at the end) */
	uint8_t nheld;
	uint8_t need;          /* continuation bytes still to come */
	uint8_t lo, hi;        /* the range the next one must lie in */
	unsigned int erasable; /* plain characters at the end of the line */
};

/* console_escape_byte() for every byte but printable ASCII */
int console_escape_other(struct console_escape *e, uint8_t byte, char *out);

/*
 * One byte of guest output: the text to show in out (0 to
 * CONSOLE_ESCAPE_TEXT_MAX bytes; a held UTF-8 start shows nothing yet) and
 * its length, or CONSOLE_ESCAPE_ERASE: a backspace over the last plain
 * character, which the caller takes back (or lets the terminal take back).
 * Text ending in '\n' ends a line.
 */
static inline int console_escape_byte(struct console_escape *e, uint8_t byte, char *out)
{
	/* printable ASCII, nearly all a guest writes, costs a compare here:
	 * the UART's THR and SBI DBCN come through for every byte */
	if ((unsigned int)byte - 0x20 < 0x5f && !e->need) {
		out[0] = (char)byte;
		e->erasable++; /* wraps only after 4 G: then it takes back less */
		return 1;
	}
	return console_escape_other(e, byte, out);
}

/*
 * The run of printable ASCII at the start of in[0..len), copied to out:
 * its length (0 inside a UTF-8 sequence). Each byte is read once, so a
 * guest changing its buffer meanwhile cannot slip a control past the check.
 * A whole DBCN write of text costs a compare and a copy per byte.
 */
static inline unsigned long console_escape_plain(struct console_escape *e, const char *in,
						 unsigned long len, char *out)
{
	unsigned long n = 0;

	if (e->need)
		return 0;
	for (; n < len; n++) {
		char c = in[n];

		if ((unsigned int)(uint8_t)c - 0x20 >= 0x5f)
			break;
		out[n] = c;
	}
	e->erasable += (unsigned int)n;
	return n;
}

/*
 * The caller ended the line itself (printed a partial line): what is on
 * it can no longer be taken back.
 */
static inline void console_escape_line_end(struct console_escape *e)
{
	e->erasable = 0;
}

#endif
