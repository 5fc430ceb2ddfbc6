/*
 * Physical interrupts: the ones Keel takes itself, through the machine's
 * PLIC, on the boot hart's S-mode context. The console UART's line is
 * one (its owner is Keel's console input, src/monitor/console_input.c,
 * reached through console_poll_input()); a device of the machine that
 * Keel drives for the VMs (a disk, host_blk.c; the switch's uplink,
 * host_net.c) attaches its own. No device
 * is passed through to a guest, so no physical source belongs to a VM.
 */
#ifndef KEEL_HW_IRQ_H
#define KEEL_HW_IRQ_H

#include <stdbool.h>

/* Sources Keel may serve at once: the console and a few machine devices */
#define HW_IRQ_MAX_LINES 8

/*
 * On the boot hart, once the console is up: route the console UART's
 * line to this hart's S-mode context and enable it. Returns false (and
 * the console stays polled) when the DT names no usable line.
 */
bool hw_irq_init(void);
/* Is console input taken on its interrupt (no polling needed)? */
bool hw_irq_console_routed(void);
/*
 * On the boot hart: PLIC source `source` (of the PLIC the console's line
 * is on) calls handler(ctx) on the boot hart each time it is claimed; the
 * handler must quiet the device's line before it returns. False when the
 * PLIC is unknown or full: the device must then be polled.
 */
bool hw_irq_attach(unsigned int source, void (*handler)(void *ctx), void *ctx);
/* An S-mode external interrupt is pending: claim, serve, complete. */
void hw_irq_handle(void);

#endif
