/*
 * Physical interrupts: the ones Keel takes itself, through the machine's
 * PLIC, on the boot hart. Today that is one source, the console UART,
 * whose owner is Keel's console input (src/monitor/console_input.c,
 * reached through console_poll_input()): it hands each byte to the VM
 * with the focus, or to Keel's keys and monitor. No device is passed
 * through to a guest, so no physical source belongs to a VM directly.
 */
#ifndef KEEL_HW_IRQ_H
#define KEEL_HW_IRQ_H

#include <stdbool.h>

/*
 * On the boot hart, once the console is up: route the console UART's
 * line to this hart's S-mode context and enable it. Returns false (and
 * the console stays polled) when the DT names no usable line.
 */
bool hw_irq_init(void);
/* Is console input taken on its interrupt (no polling needed)? */
bool hw_irq_console_routed(void);
/* An S-mode external interrupt is pending: claim, serve, complete. */
void hw_irq_handle(void);

#endif
