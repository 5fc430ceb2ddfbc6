/* Keel's own calls to the SBI firmware below it (OpenSBI in M-mode). */
#include "arch/riscv/arch.h"
#include "sbi_defs.h"

struct sbiret fw_sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
			  unsigned long a1, unsigned long a2, unsigned long a3)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = eid;

	__asm__ __volatile__("ecall"
			     : "+r"(r_a0), "+r"(r_a1)
			     : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
			     : "memory");
	return (struct sbiret){ (long)r_a0, r_a1 };
}

/* Not on any exit's path: only the host PMU's claims need a4 */
struct sbiret fw_sbi_call5(unsigned long eid, unsigned long fid, unsigned long a0,
			   unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a4 __asm__("a4") = a4;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = eid;

	__asm__ __volatile__("ecall"
			     : "+r"(r_a0), "+r"(r_a1)
			     : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a6), "r"(r_a7)
			     : "memory");
	return (struct sbiret){ (long)r_a0, r_a1 };
}

/*
 * SRST reset and HSM hart_stop return only when they failed: what the
 * caller does next is the handling, so their error says nothing more.
 */
static void fw_call_that_returns_on_failure(unsigned long eid, unsigned long fid,
					    unsigned long a0, unsigned long a1)
{
	struct sbiret r = fw_sbi_call(eid, fid, a0, a1, 0, 0);

	(void)r;
}

void fw_system_reset(unsigned long type, unsigned long reason)
{
	fw_call_that_returns_on_failure(SBI_EXT_SRST, SBI_EXT_SRST_RESET, type, reason);
	/* SRST absent (very old firmware): the legacy shutdown call */
	fw_call_that_returns_on_failure(SBI_EXT_0_1_SHUTDOWN, 0, 0, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}

void fw_hart_stop(void)
{
	fw_call_that_returns_on_failure(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0);
	/* refused: the hart sleeps here instead, in Keel, doing nothing */
	for (;;)
		__asm__ __volatile__("wfi");
}
