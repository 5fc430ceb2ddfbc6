/*
 * RISC-V privileged-architecture constants (v1.12 + H extension), named as
 * the specification and Linux name them. Constants only: the code that
 * reads and writes CSRs lives in src/arch/.
 */
#ifndef KEEL_RISCV_H
#define KEEL_RISCV_H

/* scause exception codes */
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_INST_ILLEGAL 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8 /* also from VU */
#define EXC_ECALL_S 9 /* from HS */
#define EXC_ECALL_VS 10
#define EXC_ECALL_M 11
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define EXC_INST_GUEST_PAGE_FAULT 20
#define EXC_LOAD_GUEST_PAGE_FAULT 21
#define EXC_VIRTUAL_INST_FAULT 22
#define EXC_STORE_GUEST_PAGE_FAULT 23
#define EXC_COUNT 24

#define CAUSE_IRQ_FLAG (1UL << 63)

/* interrupt numbers (bit positions in sip/sie/hip/hie/hvip/hideleg) */
#define IRQ_S_SOFT 1
#define IRQ_VS_SOFT 2
#define IRQ_S_TIMER 5
#define IRQ_VS_TIMER 6
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define IRQ_VS_EXT 10
#define IRQ_S_GEXT 12
#define IRQ_COUNT 16

#define MIP_SSIP (1UL << IRQ_S_SOFT)
#define MIP_VSSIP (1UL << IRQ_VS_SOFT)
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_VSTIP (1UL << IRQ_VS_TIMER)
#define MIP_SEIP (1UL << IRQ_S_EXT)
#define MIP_VSEIP (1UL << IRQ_VS_EXT)
#define MIP_SGEIP (1UL << IRQ_S_GEXT)
#define VS_INTERRUPTS (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)

/* sstatus / vsstatus */
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_OFF (0UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_FS_DIRTY (3UL << 13)
#define SSTATUS_VS (3UL << 9) /* the vector unit: Off, Initial, Clean, Dirty */
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)
#define SSTATUS_UXL_64 (2UL << 32)
#define SSTATUS_SD (1UL << 63)

/* hstatus */
#define HSTATUS_VSBE (1UL << 5)
#define HSTATUS_GVA (1UL << 6)
#define HSTATUS_SPV (1UL << 7)
#define HSTATUS_SPVP (1UL << 8)
#define HSTATUS_HU (1UL << 9)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VTVM (1UL << 20)
#define HSTATUS_VTW (1UL << 21)
#define HSTATUS_VTSR (1UL << 22)
#define HSTATUS_VSXL_SHIFT 32
#define HSTATUS_VSXL_64 (2UL << HSTATUS_VSXL_SHIFT)

/* hgatp */
#define HGATP_MODE_SHIFT 60
#define HGATP_MODE_OFF 0UL
#define HGATP_MODE_SV39X4 8UL
#define HGATP_MODE_SV48X4 9UL
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK 0x3FFFUL
#define HGATP_PPN_MASK ((1UL << 44) - 1)

/* henvcfg */
#define ENVCFG_FIOM (1UL << 0)
#define ENVCFG_STCE (1UL << 63)
#define ENVCFG_PBMTE (1UL << 62)
#define ENVCFG_ADUE (1UL << 61) /* Svadu: hardware updates VS-stage PTE A/D */

/* counteren bits */
#define COUNTEREN_CY (1UL << 0)
#define COUNTEREN_TM (1UL << 1)
#define COUNTEREN_IR (1UL << 2)
/*
 * scounteren as OpenSBI leaves it for its S-mode payload (mstatus_init in
 * lib/sbi/sbi_hart.c): user mode may read cycle, time and instret. Each
 * vCPU starts with it, as on a machine without Keel.
 */
#define SCOUNTEREN_AT_START (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR)

/* hstateen0 (Smstateen): what VS- and VU-mode may reach */
#define HSTATEEN0_ENVCFG (1UL << 62) /* senvcfg */
#define HSTATEEN0_SE0 (1UL << 63)    /* sstateen0 */

/* page-table entry bits (also the G-stage) */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/* the wfi instruction, as it appears in stval/htinst on a virtual-instruction trap */
#define INSN_WFI 0x10500073U

#endif
