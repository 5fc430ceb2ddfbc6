/*
 * A virtual PLIC (RISC-V Platform-Level Interrupt Controller), one per VM,
 * laid out as QEMU virt's: priorities at 0x0, pending bits at 0x1000,
 * enable bits at 0x2000 + 0x80 * context, and per context the threshold
 * at 0x200000 + 0x1000 * context with claim/complete 4 bytes above it.
 * Contexts come in pairs per vCPU, as on QEMU virt: 2i is the vCPU's
 * M-mode context (registers only: a guest has no M-mode to interrupt) and
 * 2i + 1 its S-mode context, which Keel wires to the vCPU's VSEIP.
 *
 * Sources are level-triggered, like every device line on QEMU virt: a
 * source whose line is high becomes pending; a claim takes it out of
 * pending until the guest completes it, and if the line is still high
 * then, it is pending again (the PLIC spec's gateway).
 *
 * Pure logic: no CSRs and no Keel globals, so it runs under sanitizers in
 * tests/unit and under libFuzzer in tests/fuzz.
 */
#ifndef KEEL_VPLIC_H
#define KEEL_VPLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_config.h"
#include "plic.h"

#define VPLIC_SOURCES 64 /* source 0 does not exist; 1..63 do */
#define VPLIC_NDEV (VPLIC_SOURCES - 1)
#define VPLIC_MAX_CONTEXTS (2 * KEEL_MAX_VCPUS)
#define VPLIC_PRIORITY_MASK 7 /* 3 priority bits, as QEMU virt has */
/* the size QEMU virt gives its PLIC, whatever the number of harts */
#define VPLIC_SIZE 0x600000UL

struct vplic {
	unsigned int nr_contexts;
	uint8_t priority[VPLIC_SOURCES];
	uint64_t level;   /* bit s: source s's line is high */
	uint64_t pending; /* bit s: waiting to be claimed */
	uint64_t claimed; /* bit s: claimed and not yet completed */
	uint64_t enable[VPLIC_MAX_CONTEXTS];
	uint8_t threshold[VPLIC_MAX_CONTEXTS];
};

/* The S-mode context of vCPU i, and back. */
static inline unsigned int vplic_s_context(unsigned int vcpu)
{
	return 2 * vcpu + 1;
}

void vplic_init(struct vplic *p, unsigned int nr_vcpus);
/* Does a load/store of width bytes at offset reach a register? (32-bit only) */
bool vplic_access_ok(uint64_t offset, unsigned int width);
/* Register reads (a claim read changes state) and writes; offset is checked. */
uint32_t vplic_read(struct vplic *p, uint64_t offset);
void vplic_write(struct vplic *p, uint64_t offset, uint32_t value);
/* A device drives source src's line. */
void vplic_set_level(struct vplic *p, unsigned int src, bool level);
/*
 * Whether context ctx has an interrupt to take: a pending source it
 * enables with a priority above its threshold (priority 0 never is).
 */
bool vplic_context_asserted(const struct vplic *p, unsigned int ctx);

#endif
