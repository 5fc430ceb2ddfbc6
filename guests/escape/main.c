/*
 * Writes what a hostile guest would send the shared terminal (issue 12):
 * escape sequences that clear the screen and move the cursor, a forged
 * "[keel]" line behind \r and behind backspaces, terminal queries whose
 * answers would be typed into the focused VM, 8-bit and UTF-8 C1
 * controls, and malformed UTF-8; and what a friendly guest sends: UTF-8
 * text, a UTF-8 character and an escape sequence cut across writes, and a
 * shell's echo of an erase ("\b \b"). The bytes go out through SBI DBCN
 * console_write, DBCN write_byte and the UART's THR, which share one
 * filter in Keel.
 *
 * The guest checks nothing: what arrives on the console is the test
 * (tests/system/escape-check.py). Each probe is one line that starts with
 * its tag; "esc: done" ends them. The dangerous probes come first, so the
 * end of a log shown after a failure holds none of them.
 */
#include "console.h"
#include "ns16550.h"
#include "sbi.h"

/*
 * n bytes through SBI DBCN console_write (bytes, NULs included), in as
 * many calls as Keel takes them (at most 32 bytes a call)
 */
static void dbcn(const char *s, unsigned long n)
{
	sbi_dbcn_write_all(s, n);
}

/* n bytes to the emulated UART's THR, one store each */
static void uart(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		while (!(rd8(LSR) & LSR_THRE))
			;
		wr8(THR, (unsigned char)s[i]);
	}
}

/* a string literal with its NULs, without the one that ends it */
#define DBCN(lit) dbcn(lit, sizeof(lit) - 1)
#define UART(lit) uart(lit, sizeof(lit) - 1)

int main(void)
{
	DBCN("esc-csi: \x1b[2J\x1b[H\x1b[31mred\x1b[0m\x1b[1A\n");
	DBCN("esc-cr: xxxxxxxx\r[keel] forged by a guest\n");
	/* more backspaces than "esc-bs: " has: on to the "[name] " in front */
	DBCN("esc-bs: \b\b\b\b\b\b\b\b\b\b\b\b\b\b\b[keel] forged too\n");
	/* cursor position report, title report, DECRQSS, OSC title, DA */
	DBCN("esc-query: \x1b[6n \x1b[21t \x1bP$q m\x1b\\ \x1b]0;owned\x07 \x1b[c\n");
	UART("esc-c1: \x9b" "6n \xc2\x9b" "6n \x9d" "0;x\x9c\n");
	UART("esc-c0: \x00\x07\x0b\x0c\x0e\x7f|\t|\n");
	/* a euro sign a byte per call, then ESC alone and its sequence after */
	DBCN("esc-split: ");
	console_putc('\xe2');
	console_putc('\x82');
	UART("\xac");
	UART("\x1b");
	DBCN("[2J\n");
	DBCN("esc-utf8: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9f\n");
	/* overlong '/', a surrogate, a cut euro sign, past U+10FFFF, 0xff */
	DBCN("esc-bad: \xc0\xaf \xed\xa0\x80 \xe2\x82 \xf4\x90\x80\x80 \xff\n");
	DBCN("esc-echo: ab\b \bc\n");
	DBCN("esc: done\n");
	sbi_poweroff(0);
}
