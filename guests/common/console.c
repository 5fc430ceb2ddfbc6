#include "console.h"
#include "sbi.h"

/* 0: not probed yet, 1: DBCN, 2: legacy putchar */
static int console_mode;

void console_putc(char c)
{
	if (!console_mode)
		console_mode = sbi_probe(SBI_EXT_DBCN) ? 1 : 2;
	if (console_mode == 1)
		sbi_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE_BYTE,
			 (unsigned char)c, 0, 0, 0, 0, 0);
	else
		sbi_legacy_call(SBI_EXT_0_1_CONSOLE_PUTCHAR, (unsigned char)c, 0, 0);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

/* Digits of v in base 10 or 16, padded to width with pad. */
static int put_num(unsigned long v, unsigned int base, int neg, int width, char pad)
{
	char buf[24];
	int n = 0, out = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg && pad == '0') {
		console_putc('-');
		out++;
		width--;
	} else if (neg) {
		buf[n++] = '-';
	}
	for (; width > n; width--, out++)
		console_putc(pad);
	while (n) {
		console_putc(buf[--n]);
		out++;
	}
	return out;
}

/* %d %i %u %x %p %s %c %% with l/ll/z, '0' flag and a width. */
int vprintf(const char *fmt, va_list ap)
{
	int out = 0;

	for (; *fmt; fmt++) {
		int lng = 0, width = 0;
		char pad = ' ';

		if (*fmt != '%') {
			console_putc(*fmt);
			out++;
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);
			out += put_num(v < 0 ? -(unsigned long)v : (unsigned long)v,
				       10, v < 0, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			unsigned long v = lng ? va_arg(ap, unsigned long) :
						va_arg(ap, unsigned int);
			out += put_num(v, *fmt == 'u' ? 10 : 16, 0, width, pad);
			break;
		}
		case 'p':
			console_puts("0x");
			out += 2 + put_num((unsigned long)va_arg(ap, void *), 16, 0,
					   width, pad);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			while (*s) {
				console_putc(*s++);
				out++;
			}
			break;
		}
		case 'c':
			console_putc((char)va_arg(ap, int));
			out++;
			break;
		case '%':
			console_putc('%');
			out++;
			break;
		default:	/* unknown: show it rather than eat arguments */
			console_putc('%');
			if (!*fmt)
				return out + 1;
			console_putc(*fmt);
			out += 2;
		}
	}
	return out;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
