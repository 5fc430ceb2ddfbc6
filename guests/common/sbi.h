/* SBI calls from an S-mode (or VS-mode) guest. Constants: include/sbi_defs.h. */
#ifndef GUEST_SBI_H
#define GUEST_SBI_H

#include "sbi_defs.h"

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(unsigned long ext, unsigned long fid,
		       unsigned long a0, unsigned long a1, unsigned long a2,
		       unsigned long a3, unsigned long a4, unsigned long a5);

/*
 * Legacy (v0.1) calls return their result in a0 only; a1 is unspecified.
 * This returns a0.
 */
long sbi_legacy_call(unsigned long ext, unsigned long a0, unsigned long a1,
		     unsigned long a2);

/* BASE probe_extension: the value (0 = absent), or 0 if the call failed. */
long sbi_probe(unsigned long ext);

/* Power off: SRST shutdown if present, else legacy shutdown. */
void sbi_poweroff(int failed) __attribute__((noreturn));

/*
 * DBCN console_write of all n bytes at s (a guest physical address: the
 * guests run with satp off). A call may write fewer than it was given (the
 * spec allows it, and Keel writes at most 32 bytes a call), so this calls
 * again for the rest. Returns the number of calls, or the SBI error of the
 * call that failed, or SBI_ERR_FAILED for a count of 0 or past the rest.
 */
long sbi_dbcn_write_all(const char *s, unsigned long n);

/* "SBI_ERR_INVALID_PARAM" etc., for messages. */
const char *sbi_err_name(long error);

#endif
