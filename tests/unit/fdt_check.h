/*
 * For unit tests that build device trees with libfdt: OK(call) checks a
 * libfdt call succeeded and, if not, says which call and why.
 */
#ifndef KEEL_UNIT_FDT_CHECK_H
#define KEEL_UNIT_FDT_CHECK_H

#include <stdio.h>

#include <libfdt.h>

#include "unit.h"

#define OK(x)                                                          \
	do {                                                           \
		int r_ = (x);                                          \
		if (r_ < 0) {                                          \
			printf("\t%s: %s\n", #x, fdt_strerror(r_));    \
			CHECK(r_ >= 0);                                \
		}                                                      \
	} while (0)

#endif
