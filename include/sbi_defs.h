/*
 * SBI constants from the RISC-V Supervisor Binary Interface specification
 * v2.0. Shared by Keel (which implements them for guests and calls them on
 * OpenSBI) and by the bare-metal guests in guests/. Names follow the spec and
 * Linux's arch/riscv/include/asm/sbi.h so they can be grepped side by side.
 *
 * This header is plain C with no dependencies so both sides can include it.
 */
#ifndef KEEL_SBI_DEFS_H
#define KEEL_SBI_DEFS_H

/* Spec version reported by Keel's BASE extension: 2.0. */
#define SBI_SPEC_VERSION_MAJOR 2
#define SBI_SPEC_VERSION_MINOR 0
#define SBI_SPEC_VERSION_MAJOR_SHIFT 24

/*
 * Keel's SBI implementation id. The SBI spec's registry has no entry for
 * Keel; the ASCII of "KEEL" keeps it clear of the small registered numbers.
 */
#define SBI_IMPL_ID_KEEL 0x4B45454CUL
/*
 * BASE fids 0..6 are answered by trap.S's fast path from
 * sbi_base_answers[] (sbi.h); here so that trap.S and C share the number.
 */
#define SBI_BASE_FAST_FIDS 7
#define KEEL_VERSION_MAJOR 0
#define KEEL_VERSION_MINOR 1
#define KEEL_VERSION_STRING "0.1.0"

/* Extension ids. */
#define SBI_EXT_0_1_SET_TIMER 0x0
#define SBI_EXT_0_1_CONSOLE_PUTCHAR 0x1
#define SBI_EXT_0_1_CONSOLE_GETCHAR 0x2
#define SBI_EXT_0_1_CLEAR_IPI 0x3
#define SBI_EXT_0_1_SEND_IPI 0x4
#define SBI_EXT_0_1_REMOTE_FENCE_I 0x5
#define SBI_EXT_0_1_REMOTE_SFENCE_VMA 0x6
#define SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID 0x7
#define SBI_EXT_0_1_SHUTDOWN 0x8
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_PMU 0x504D55
#define SBI_EXT_DBCN 0x4442434E
#define SBI_EXT_SUSP 0x53555350
#define SBI_EXT_STA 0x535441
#define SBI_EXT_CPPC 0x43505043
#define SBI_EXT_FWFT 0x46574654
/* Firmware-specific range (0x0A000000-0x0AFFFFFF): Keel's own calls. */
#define SBI_EXT_FIRMWARE_START 0x0A000000
#define SBI_EXT_FIRMWARE_END 0x0AFFFFFF
#define SBI_EXT_KEEL 0x0A4B454C /* 0x0A, then "KEL" */
/*
 * KEEL fid 0: make Keel itself execute an illegal instruction, to test the
 * hypervisor-fault path (a trap in Keel itself reaching vcpu_redirect). Refused with
 * SBI_ERR_DENIED unless the bundle sets /options/test-hooks.
 */
#define SBI_EXT_KEEL_TEST_HYPERVISOR_FAULT 0
/*
 * KEEL fids 1-4: the profiler (docs/profiling.md). start(hz, flags): hz 0
 * is the default (1000), else 10..20000; flags bit 0 asks for guest call
 * chains. stop(). mark(value): a mark line in the profile. dump(): stop,
 * and print the profile on Keel's console.
 */
#define SBI_EXT_KEEL_PROF_START 1
#define SBI_EXT_KEEL_PROF_STOP 2
#define SBI_EXT_KEEL_PROF_MARK 3
#define SBI_EXT_KEEL_PROF_DUMP 4
#define SBI_KEEL_PROF_CALLCHAIN 1UL
/*
 * KEEL fid 5: test_layout(what) names host physical addresses, so the
 * hostile guest (guests/hostile, docs/isolation.md) can aim at Keel's
 * image and at other VMs' RAM. Like fid 0, only with /options/test-hooks
 * (else SBI_ERR_DENIED); a what past the last VM is SBI_ERR_INVALID_PARAM.
 */
#define SBI_EXT_KEEL_TEST_LAYOUT 5
#define SBI_KEEL_LAYOUT_IMAGE_START 0 /* Keel's image: first byte */
#define SBI_KEEL_LAYOUT_IMAGE_END 1   /* Keel's image: first byte after */
#define SBI_KEEL_LAYOUT_OWN_RAM 2     /* the calling VM's RAM */
#define SBI_KEEL_LAYOUT_VM_RAM 3      /* + n: VM n's RAM (n = 0..VMs - 1) */

/* BASE function ids. */
#define SBI_EXT_BASE_GET_SPEC_VERSION 0
#define SBI_EXT_BASE_GET_IMP_ID 1
#define SBI_EXT_BASE_GET_IMP_VERSION 2
#define SBI_EXT_BASE_PROBE_EXT 3
#define SBI_EXT_BASE_GET_MVENDORID 4
#define SBI_EXT_BASE_GET_MARCHID 5
#define SBI_EXT_BASE_GET_MIMPID 6

/* TIME */
#define SBI_EXT_TIME_SET_TIMER 0

/* IPI */
#define SBI_EXT_IPI_SEND_IPI 0

/* RFENCE */
#define SBI_EXT_RFENCE_REMOTE_FENCE_I 0
#define SBI_EXT_RFENCE_REMOTE_SFENCE_VMA 1
#define SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID 2
#define SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID 3
#define SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA 4
#define SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA_ASID 5
#define SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA 6

/* HSM */
#define SBI_EXT_HSM_HART_START 0
#define SBI_EXT_HSM_HART_STOP 1
#define SBI_EXT_HSM_HART_GET_STATUS 2
#define SBI_EXT_HSM_HART_SUSPEND 3

#define SBI_HSM_STATE_STARTED 0
#define SBI_HSM_STATE_STOPPED 1
#define SBI_HSM_STATE_START_PENDING 2
#define SBI_HSM_STATE_STOP_PENDING 3
#define SBI_HSM_STATE_SUSPENDED 4
#define SBI_HSM_STATE_SUSPEND_PENDING 5
#define SBI_HSM_STATE_RESUME_PENDING 6

#define SBI_HSM_SUSPEND_RET_DEFAULT 0x00000000UL
#define SBI_HSM_SUSPEND_RET_PLATFORM 0x10000000UL
#define SBI_HSM_SUSPEND_RET_LAST 0x7FFFFFFFUL
#define SBI_HSM_SUSPEND_NON_RET_DEFAULT 0x80000000UL
#define SBI_HSM_SUSPEND_NON_RET_PLATFORM 0x90000000UL
#define SBI_HSM_SUSPEND_NON_RET_LAST 0xFFFFFFFFUL

/* SRST */
#define SBI_EXT_SRST_RESET 0
#define SBI_SRST_RESET_TYPE_SHUTDOWN 0
#define SBI_SRST_RESET_TYPE_COLD_REBOOT 1
#define SBI_SRST_RESET_TYPE_WARM_REBOOT 2
#define SBI_SRST_RESET_REASON_NONE 0
#define SBI_SRST_RESET_REASON_SYSFAIL 1

/* DBCN */
#define SBI_EXT_DBCN_CONSOLE_WRITE 0
#define SBI_EXT_DBCN_CONSOLE_READ 1
#define SBI_EXT_DBCN_CONSOLE_WRITE_BYTE 2

/* SUSP: system suspend (sleep_type is a uint32_t) */
#define SBI_EXT_SUSP_SYSTEM_SUSPEND 0
#define SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM 0x00000000UL
#define SBI_SUSP_SLEEP_TYPE_RESERVED_LAST 0x7FFFFFFFUL
#define SBI_SUSP_SLEEP_TYPE_PLATFORM 0x80000000UL /* ..0xFFFFFFFF: none offered */

/* STA: steal-time accounting */
#define SBI_EXT_STA_STEAL_TIME_SET_SHMEM 0
#define SBI_STA_SHMEM_DISABLE (~0UL) /* lo and hi both all ones */
#define SBI_STA_SHMEM_SIZE 64     /* the record, and its alignment */

/*
 * FWFT: firmware features (SBI v3.0). feature is a uint32_t: local
 * features 0x00000000-0x7fffffff, global ones from 0x80000000 (bit 31);
 * in each half the upper quarter (bit 30) is platform-specific.
 */
#define SBI_EXT_FWFT_SET 0
#define SBI_EXT_FWFT_GET 1
#define SBI_FWFT_MISALIGNED_EXC_DELEG 0x0
#define SBI_FWFT_LANDING_PAD 0x1
#define SBI_FWFT_SHADOW_STACK 0x2
#define SBI_FWFT_DOUBLE_TRAP 0x3
#define SBI_FWFT_PTE_AD_HW_UPDATING 0x4
#define SBI_FWFT_POINTER_MASKING_PMLEN 0x5
#define SBI_FWFT_LOCAL_RESERVED_START 0x6 /* ..0x3fffffff */
#define SBI_FWFT_GLOBAL_FEATURE_BIT (1UL << 31)
#define SBI_FWFT_PLATFORM_FEATURE_BIT (1UL << 30)
#define SBI_FWFT_SET_FLAG_LOCK (1UL << 0) /* bits XLEN-1:1 reserved, zero */

/* PMU */
#define SBI_EXT_PMU_NUM_COUNTERS 0
#define SBI_EXT_PMU_COUNTER_GET_INFO 1
#define SBI_EXT_PMU_COUNTER_CFG_MATCH 2
#define SBI_EXT_PMU_COUNTER_START 3
#define SBI_EXT_PMU_COUNTER_STOP 4
#define SBI_EXT_PMU_COUNTER_FW_READ 5
#define SBI_EXT_PMU_COUNTER_FW_READ_HI 6
#define SBI_EXT_PMU_SNAPSHOT_SET_SHMEM 7
#define SBI_EXT_PMU_EVENT_GET_INFO 8 /* SBI v3.0 (Keel reports v2.0 but serves it) */

/* event_idx: type in bits 19:16, code in bits 15:0 */
#define SBI_PMU_EVENT_IDX_TYPE_SHIFT 16
#define SBI_PMU_EVENT_IDX_TYPE_MASK 0xF0000UL
#define SBI_PMU_EVENT_IDX_CODE_MASK 0xFFFFUL
#define SBI_PMU_EVENT_TYPE_HW 0x0
#define SBI_PMU_EVENT_TYPE_CACHE 0x1
#define SBI_PMU_EVENT_TYPE_RAW 0x2
#define SBI_PMU_EVENT_TYPE_RAW_V2 0x3
#define SBI_PMU_EVENT_TYPE_FW 0xf
#define SBI_PMU_EVENT_IDX(type, code) (((unsigned long)(type) << 16) | (code))

/* Hardware general events (type 0) */
#define SBI_PMU_HW_NO_EVENT 0
#define SBI_PMU_HW_CPU_CYCLES 1
#define SBI_PMU_HW_INSTRUCTIONS 2
#define SBI_PMU_HW_REF_CPU_CYCLES 10

/* counter_get_info: csr 11:0, width - 1 in 17:12, type in bit XLEN-1 */
#define SBI_PMU_CTR_INFO_WIDTH_SHIFT 12
#define SBI_PMU_CTR_INFO_TYPE_FW (1UL << 63)

/* counter_config_matching flags */
#define SBI_PMU_CFG_FLAG_SKIP_MATCH (1UL << 0)
#define SBI_PMU_CFG_FLAG_CLEAR_VALUE (1UL << 1)
#define SBI_PMU_CFG_FLAG_AUTO_START (1UL << 2)
#define SBI_PMU_CFG_FLAG_SET_VUINH (1UL << 3)
#define SBI_PMU_CFG_FLAG_SET_VSINH (1UL << 4)
#define SBI_PMU_CFG_FLAG_SET_UINH (1UL << 5)
#define SBI_PMU_CFG_FLAG_SET_SINH (1UL << 6)
#define SBI_PMU_CFG_FLAG_SET_MINH (1UL << 7)

/* counter_start flags */
#define SBI_PMU_START_FLAG_SET_INIT_VALUE (1UL << 0)
#define SBI_PMU_START_FLAG_INIT_SNAPSHOT (1UL << 1)

/* counter_stop flags */
#define SBI_PMU_STOP_FLAG_RESET (1UL << 0)
#define SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT (1UL << 1)

/* snapshot shared memory: 4 KiB, 4 KiB aligned; -1/-1 disables it */
#define SBI_PMU_SNAPSHOT_SIZE 4096UL
#define SBI_PMU_SNAPSHOT_OVERFLOW_OFFSET 0x0   /* u64 overflow bitmap */
#define SBI_PMU_SNAPSHOT_VALUES_OFFSET 0x8     /* u64 counter_values[64] */
#define SBI_PMU_SNAPSHOT_MAX_VALUES 64
#define SBI_SHMEM_DISABLE (~0UL)

/* SBI PMU firmware events (event_idx type 0xf, code below). */
#ifndef __ASSEMBLER__
enum sbi_pmu_fw_event {
	SBI_PMU_FW_MISALIGNED_LOAD = 0,
	SBI_PMU_FW_MISALIGNED_STORE = 1,
	SBI_PMU_FW_ACCESS_LOAD = 2,
	SBI_PMU_FW_ACCESS_STORE = 3,
	SBI_PMU_FW_ILLEGAL_INSN = 4,
	SBI_PMU_FW_SET_TIMER = 5,
	SBI_PMU_FW_IPI_SENT = 6,
	SBI_PMU_FW_IPI_RCVD = 7,
	SBI_PMU_FW_FENCE_I_SENT = 8,
	SBI_PMU_FW_FENCE_I_RCVD = 9,
	SBI_PMU_FW_SFENCE_VMA_SENT = 10,
	SBI_PMU_FW_SFENCE_VMA_RCVD = 11,
	SBI_PMU_FW_SFENCE_VMA_ASID_SENT = 12,
	SBI_PMU_FW_SFENCE_VMA_ASID_RCVD = 13,
	SBI_PMU_FW_HFENCE_GVMA_SENT = 14,
	SBI_PMU_FW_HFENCE_GVMA_RCVD = 15,
	SBI_PMU_FW_HFENCE_GVMA_VMID_SENT = 16,
	SBI_PMU_FW_HFENCE_GVMA_VMID_RCVD = 17,
	SBI_PMU_FW_HFENCE_VVMA_SENT = 18,
	SBI_PMU_FW_HFENCE_VVMA_RCVD = 19,
	SBI_PMU_FW_HFENCE_VVMA_ASID_SENT = 20,
	SBI_PMU_FW_HFENCE_VVMA_ASID_RCVD = 21,
	SBI_PMU_FW_MAX,
};
#endif

/* Their names, in order, for reports: an initializer for a string array. */
#define SBI_PMU_FW_EVENT_NAMES                                                       \
	{                                                                            \
		"MISALIGNED_LOAD", "MISALIGNED_STORE", "ACCESS_LOAD", "ACCESS_STORE", \
		"ILLEGAL_INSN", "SET_TIMER", "IPI_SENT", "IPI_RCVD", "FENCE_I_SENT",  \
		"FENCE_I_RCVD", "SFENCE_VMA_SENT", "SFENCE_VMA_RCVD",                  \
		"SFENCE_VMA_ASID_SENT", "SFENCE_VMA_ASID_RCVD", "HFENCE_GVMA_SENT",    \
		"HFENCE_GVMA_RCVD", "HFENCE_GVMA_VMID_SENT", "HFENCE_GVMA_VMID_RCVD",  \
		"HFENCE_VVMA_SENT", "HFENCE_VVMA_RCVD", "HFENCE_VVMA_ASID_SENT",       \
		"HFENCE_VVMA_ASID_RCVD",                                               \
	}

/* Error codes. */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8
#define SBI_ERR_NO_SHMEM -9
/* SBI v3.0 */
#define SBI_ERR_INVALID_STATE -10
#define SBI_ERR_BAD_RANGE -11
#define SBI_ERR_TIMEOUT -12
#define SBI_ERR_IO -13
#define SBI_ERR_DENIED_LOCKED -14

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * SBI STA: the steal-time record a vCPU registers in its RAM (64 bytes,
 * 64-byte aligned, little-endian like the hart). Keel writes it each time
 * the vCPU is switched in, and marks it preempted when it is switched out
 * still runnable (vcpu_load.c).
 */
struct sbi_sta_record {
	uint32_t sequence; /* odd while Keel writes */
	uint32_t flags;    /* always 0 */
	uint64_t steal;    /* ns runnable but not running */
	uint8_t preempted;
	uint8_t pad[47];
};
_Static_assert(sizeof(struct sbi_sta_record) == SBI_STA_SHMEM_SIZE, "the STA record is 64 bytes");
#endif

#endif /* KEEL_SBI_DEFS_H */
