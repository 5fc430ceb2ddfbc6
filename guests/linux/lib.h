/*
 * Small helpers every part of /init uses (lib.c): console output, strings,
 * small files, the kernel command line, the clock and the verdict lines.
 * No libc: these are the only ones there are.
 */
#ifndef KEEL_INIT_LIB_H
#define KEEL_INIT_LIB_H

#include "sys.h"

/* /proc/cmdline, read once by init_main() before any check runs */
extern char cmdline[1024];

/* The compiler may emit calls to these even with -ffreestanding. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* Console output (fd 1, /dev/console) */
void out(const char *s);
void out_num(unsigned long v);
void out_hex(unsigned long v); /* 0x and 16 hex digits */
void say(const char *a, const char *b); /* "keel-linux: " a b "\n" */

/* Strings */
size_t slen(const char *s);
int starts_with(const char *s, const char *p);
int str_eq(const char *a, const char *b);
const char *find(const char *s, const char *sub);
int contains(const char *s, const char *sub);

/* Small files: the whole file, NUL-terminated, trailing newlines removed
 * (length or -errno); one write of s (what write returned, or -errno). */
long read_file(const char *path, char *buf, size_t size);
long write_file(const char *path, const char *s);

/* The command line: "name" or "name=value" as a word (a pointer just past
 * the name, or 0); "name=N" as a number, or dflt. */
const char *find_word(const char *s, const char *name);
unsigned long cmdline_num(const char *name, unsigned long dflt);

/* CLOCK_MONOTONIC in ms (-1 if it fails); a nanosleep of ms */
long monotonic_ms(void);
void sleep_ms(long ms);

/* Keeps the first reason given for a failure. */
void first(const char **why, const char *reason);
/* "keel-linux: CHECK: PASS" or "... FAIL: why" (which also fails the run) */
void verdict(const char *check, const char *why, const char **fail);

#endif
