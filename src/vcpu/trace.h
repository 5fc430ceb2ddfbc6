/*
 * TRACE=1: one console line per guest exit, saying what Keel did about it,
 * so a student can watch the trap path work. Off by default; costs one
 * test of a flag per exit when off.
 */
#ifndef KEEL_TRACE_H
#define KEEL_TRACE_H

#include "vcpu.h"

void trace_exit_print(struct vcpu *v, const struct trap_info *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define trace_exit(v, t, ...)                                  \
	do {                                                   \
		if ((v) && (v)->trace)                         \
			trace_exit_print((v), (t), __VA_ARGS__); \
	} while (0)

#endif
