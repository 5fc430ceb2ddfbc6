/*
 * The PLIC's register layout (riscv-plic-spec 1.0.0), which the machine's
 * PLIC (src/platform/hw_irq.c) and each VM's virtual one (include/vplic.h)
 * share: byte offsets from the PLIC's base.
 */
#ifndef KEEL_PLIC_H
#define KEEL_PLIC_H

#define PLIC_PRIORITY_BASE 0x0     /* 4 bytes per source */
#define PLIC_PENDING_BASE 0x1000   /* one bit per source */
#define PLIC_ENABLE_BASE 0x2000    /* one bit per source, per context: */
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000 /* per context: threshold, then claim */
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_CLAIM_OFFSET 4
#define PLIC_MAX_SOURCES 1024

#define PLIC_PRIORITY(s) (PLIC_PRIORITY_BASE + 4UL * (s))
#define PLIC_ENABLE(ctx, s) (PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (ctx) + 4UL * ((s) / 32))
#define PLIC_THRESHOLD(ctx) (PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + PLIC_CLAIM_OFFSET)

#endif
