/*
 * Console output through the SBI: DBCN write_byte when the BASE extension
 * says DBCN is present, else the legacy console_putchar.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>

void console_putc(char c);
void console_puts(const char *s);	/* no newline added */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
