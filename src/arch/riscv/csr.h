/*
 * CSR access, in the spirit of xv6's riscv.h: only files in src/arch/
 * include this, so everything that touches a CSR is in one place.
 * H-extension CSRs are named by number so that the build does not depend
 * on the assembler knowing the H extension.
 */
#ifndef KEEL_ARCH_CSR_H
#define KEEL_ARCH_CSR_H

#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSTATEEN0 0x10c
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180

#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE 0x607
#define CSR_HENVCFG 0x60a
#define CSR_HSTATEEN0 0x60c
#define CSR_HTVAL 0x643
#define CSR_HIP 0x644
#define CSR_HVIP 0x645
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680

#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSIP 0x244
#define CSR_VSISELECT 0x250
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP 0x280

#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02

#define __csr_str(x) #x
#define csr_str(x) __csr_str(x)

#define csr_read(csr)                                                   \
	({                                                              \
		unsigned long __v;                                      \
		__asm__ __volatile__("csrr %0, " csr_str(csr)           \
				     : "=r"(__v)::"memory");            \
		__v;                                                    \
	})

#define csr_write(csr, val)                                             \
	({                                                              \
		unsigned long __v = (unsigned long)(val);               \
		__asm__ __volatile__("csrw " csr_str(csr) ", %0"        \
				     ::"rK"(__v) : "memory");            \
	})

#define csr_swap(csr, val)                                              \
	({                                                              \
		unsigned long __v = (unsigned long)(val);               \
		__asm__ __volatile__("csrrw %0, " csr_str(csr) ", %1"   \
				     : "=r"(__v) : "rK"(__v) : "memory");\
		__v;                                                    \
	})

#define csr_set(csr, val)                                               \
	({                                                              \
		unsigned long __v = (unsigned long)(val);               \
		__asm__ __volatile__("csrs " csr_str(csr) ", %0"        \
				     ::"rK"(__v) : "memory");            \
	})

#define csr_clear(csr, val)                                             \
	({                                                              \
		unsigned long __v = (unsigned long)(val);               \
		__asm__ __volatile__("csrc " csr_str(csr) ", %0"        \
				     ::"rK"(__v) : "memory");            \
	})

#endif
