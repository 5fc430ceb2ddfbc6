/*
 * Small helpers every part of /init uses (declared in lib.h). Moved here
 * from init.c unchanged when the disk, net and hvc checks got files of
 * their own; out_hex() and sleep_ms() came with those checks.
 */
#include "lib.h"

char cmdline[1024];

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

/* ---- output ------------------------------------------------------------ */

size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

void out(const char *s)
{
	size_t n = slen(s);
	while (n) {
		long r = SC(SYS_write, 1, s, n, 0, 0, 0);
		if (r <= 0)
			return;
		s += r;
		n -= (size_t)r;
	}
}

void out_num(unsigned long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out(&buf[i]);
}

void out_hex(unsigned long v)
{
	char buf[19];

	buf[0] = '0';
	buf[1] = 'x';
	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	buf[18] = 0;
	out(buf);
}

/* "keel-linux: " + a + b + "\n" */
void say(const char *a, const char *b)
{
	out("keel-linux: ");
	out(a);
	out(b);
	out("\n");
}

/* ---- strings ------------------------------------------------------------ */

int starts_with(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return 0;
	return 1;
}

int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The first occurrence of sub in s, or 0 */
const char *find(const char *s, const char *sub)
{
	for (; *s; s++)
		if (starts_with(s, sub))
			return s;
	return 0;
}

int contains(const char *s, const char *sub)
{
	return find(s, sub) != 0;
}

/* ---- small files ------------------------------------------------------- */

/* Reads a whole (small) file into buf, NUL-terminated, with the trailing
 * newline removed. Returns its length or a negative errno. */
long read_file(const char *path, char *buf, size_t size)
{
	long fd = SC(SYS_openat, AT_FDCWD, path, O_RDONLY, 0, 0, 0);
	size_t n = 0;

	if (fd < 0)
		return fd;
	while (n < size - 1) {
		long r = SC(SYS_read, fd, buf + n, size - 1 - n, 0, 0, 0);
		if (r < 0) {
			SC(SYS_close, fd, 0, 0, 0, 0, 0);
			return r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	while (n && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return (long)n;
}

/* Writes s to a (sysfs) file: what write returned, or -errno. */
long write_file(const char *path, const char *s)
{
	long fd = SC(SYS_openat, AT_FDCWD, path, O_WRONLY, 0, 0, 0);
	long r;

	if (fd < 0)
		return fd;
	r = SC(SYS_write, fd, s, slen(s), 0, 0, 0);
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	return r;
}

/* ---- the command line ---------------------------------------------------- */

/* Looks for a space-separated word in s: "name" alone or "name=value".
 * Returns a pointer just past "name" (at '=' or the end of the word). */
const char *find_word(const char *s, const char *name)
{
	size_t n = slen(name);

	while (*s) {
		while (*s == ' ')
			s++;
		if (starts_with(s, name) &&
		    (s[n] == 0 || s[n] == ' ' || s[n] == '='))
			return s + n;
		while (*s && *s != ' ')
			s++;
	}
	return 0;
}

/* "keel.NAME=N" on the command line, or dflt */
unsigned long cmdline_num(const char *name, unsigned long dflt)
{
	const char *p = find_word(cmdline, name);
	unsigned long n = 0;

	if (!p || *p != '=' || p[1] < '0' || p[1] > '9')
		return dflt;
	for (p++; *p >= '0' && *p <= '9'; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	return n;
}

/* ---- time ---------------------------------------------------------------- */

long monotonic_ms(void)
{
	struct timespec ts;

	if (SC(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, 0, 0, 0, 0) < 0)
		return -1;
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	SC(SYS_nanosleep, &ts, 0, 0, 0, 0, 0);
}

/* ---- verdicts ------------------------------------------------------------ */

void first(const char **why, const char *reason)
{
	if (!*why)
		*why = reason;
}

/* One check's verdict line; the first failure also fails the whole run. */
void verdict(const char *check, const char *why, const char **fail)
{
	out("keel-linux: ");
	out(check);
	if (why) {
		out(": FAIL: ");
		out(why);
		out("\n");
		first(fail, why);
	} else {
		out(": PASS\n");
	}
}
