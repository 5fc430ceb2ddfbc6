/*
 * Turning times into timebase ticks. The timebase is whatever /cpus says
 * (10 MHz on QEMU virt, 1 MHz, 24 MHz or 32768 Hz on boards), so no
 * conversion may divide the frequency first ("freq / 1000000 * us" is 0 at
 * 32768 Hz) or multiply without bound. Pure: tested in tests/unit.
 */
#ifndef KEEL_TIMEBASE_H
#define KEEL_TIMEBASE_H

#include <stdint.h>

/*
 * floor(freq * us / 1e6), exactly; UINT64_MAX if that does not fit (a
 * deadline that far away is never reached anyway).
 */
uint64_t ticks_from_us(uint64_t freq, uint64_t us);

/* floor(freq * ms / 1e3), the same way. */
uint64_t ticks_from_ms(uint64_t freq, uint64_t ms);

#endif
