/*
 * CSR access for S-mode guests. Constants are local (not include/riscv.h) so
 * the guests stay self-contained and build without the hypervisor's headers.
 */
#ifndef GUEST_CSR_H
#define GUEST_CSR_H

#define SSTATUS_SIE (1UL << 1)

/* sip / sie bits */
#define SIP_SSIP (1UL << 1)
#define SIP_STIP (1UL << 5)
#define SIP_SEIP (1UL << 9)

#define SCAUSE_IRQ (1UL << 63)

/* scause exception codes the guests check */
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INSN 2
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_INST_PAGE_FAULT 12

#define __csr_str(x) #x

#define csr_read(csr) ({ \
	unsigned long __v; \
	__asm__ volatile("csrr %0, " __csr_str(csr) : "=r"(__v) : : "memory"); \
	__v; })

#define csr_write(csr, val) \
	__asm__ volatile("csrw " __csr_str(csr) ", %0" : : "rK"(val) : "memory")

#define csr_set(csr, val) \
	__asm__ volatile("csrs " __csr_str(csr) ", %0" : : "rK"(val) : "memory")

#define csr_clear(csr, val) \
	__asm__ volatile("csrc " __csr_str(csr) ", %0" : : "rK"(val) : "memory")

static inline unsigned long rdtime(void)
{
	unsigned long t;
	__asm__ volatile("rdtime %0" : "=r"(t) : : "memory");
	return t;
}

/* Evaluate cond until it holds or `ticks` of time have passed: its last value. */
#define WAIT_TICKS(ticks, cond) ({					\
	unsigned long __end = rdtime() + (ticks);			\
	int __ok;							\
	while (!(__ok = !!(cond)) && rdtime() < __end)			\
		;							\
	__ok; })

static inline unsigned long rdinstret(void)
{
	unsigned long n;
	__asm__ volatile("rdinstret %0" : "=r"(n) : : "memory");
	return n;
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

#endif
