#include "sbi.h"
#include "csr.h"

struct sbiret sbi_call(unsigned long ext, unsigned long fid,
		       unsigned long a0, unsigned long a1, unsigned long a2,
		       unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a4 __asm__("a4") = a4;
	register unsigned long r_a5 __asm__("a5") = a5;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;
	struct sbiret ret;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5),
			   "r"(r_a6), "r"(r_a7)
			 : "memory");
	ret.error = (long)r_a0;
	ret.value = (long)r_a1;
	return ret;
}

long sbi_legacy_call(unsigned long ext, unsigned long a0, unsigned long a1,
		     unsigned long a2)
{
	return sbi_call(ext, 0, a0, a1, a2, 0, 0, 0).error;
}

long sbi_probe(unsigned long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT,
				   ext, 0, 0, 0, 0, 0);
	return r.error ? 0 : r.value;
}

void sbi_poweroff(int failed)
{
	if (sbi_probe(SBI_EXT_SRST))
		sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET,
			 SBI_SRST_RESET_TYPE_SHUTDOWN,
			 failed ? SBI_SRST_RESET_REASON_SYSFAIL :
				  SBI_SRST_RESET_REASON_NONE, 0, 0, 0, 0);
	sbi_legacy_call(SBI_EXT_0_1_SHUTDOWN, 0, 0, 0);
	for (;;)	/* both refused: nothing else a guest can do */
		wfi();
}

long sbi_dbcn_write_all(const char *s, unsigned long n)
{
	long calls = 0;

	while (n) {
		struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, n,
					   (unsigned long)s, 0, 0, 0, 0);

		if (r.error)
			return r.error;
		/* no progress would loop for ever; more than asked is a bug */
		if (r.value <= 0 || (unsigned long)r.value > n)
			return SBI_ERR_FAILED;
		s += r.value;
		n -= (unsigned long)r.value;
		calls++;
	}
	return calls;
}

const char *sbi_err_name(long error)
{
	static const char *const names[] = {
		"SBI_SUCCESS", "SBI_ERR_FAILED", "SBI_ERR_NOT_SUPPORTED",
		"SBI_ERR_INVALID_PARAM", "SBI_ERR_DENIED",
		"SBI_ERR_INVALID_ADDRESS", "SBI_ERR_ALREADY_AVAILABLE",
		"SBI_ERR_ALREADY_STARTED", "SBI_ERR_ALREADY_STOPPED",
		"SBI_ERR_NO_SHMEM", "SBI_ERR_INVALID_STATE", "SBI_ERR_BAD_RANGE",
		"SBI_ERR_TIMEOUT", "SBI_ERR_IO", "SBI_ERR_DENIED_LOCKED",
	};

	if (error <= 0 && -error < (long)(sizeof(names) / sizeof(names[0])))
		return names[-error];
	return "unknown error";
}
