/*
 * The timetable the flood and pace guests share (tests/system/data/
 * flood.dts, docs/isolation.md "Bounded work per exit"). The two VMs
 * cannot talk to each other, but they read the same time (Keel does not
 * offset it), so both take the phases from absolute time since power-on:
 * phase p runs from start + p * length to start + (p + 1) * length. The
 * bootargs of each VM carry the same keel.start-ms= and keel.phase-ms=.
 */
#ifndef GUEST_FLOOD_SCHEDULE_H
#define GUEST_FLOOD_SCHEDULE_H

#include "fdt.h"

/* What the flood guest does in each phase, in order */
enum flood_phase {
	PHASE_ALONE, /* it sleeps: the pace guest has the hart to itself */
	PHASE_BUSY,  /* it spins without exits: an equally busy, fair neighbour */
	PHASE_DBCN,  /* SBI DBCN console_write of keel.flood-bytes=, back to back */
	PHASE_UART,  /* bytes into its UART's THR, back to back */
	NR_PHASES,
};

static const char *const flood_phase_names[NR_PHASES] = { "alone", "busy", "dbcn", "uart" };

struct flood_schedule {
	unsigned long start; /* time of phase 0, in timebase ticks */
	unsigned long length;
	unsigned long ticks_per_ms;
};

static inline struct flood_schedule flood_schedule_read(const void *dtb)
{
	int len;
	const char *args = fdt_prop(dtb, "chosen", "bootargs", &len);
	unsigned long ms = fdt_timebase(dtb) / 1000;

	return (struct flood_schedule){
		.start = bootarg_num(args, "keel.start-ms", 1000) * ms,
		.length = bootarg_num(args, "keel.phase-ms", 2000) * ms,
		.ticks_per_ms = ms,
	};
}

static inline unsigned long flood_phase_start(const struct flood_schedule *s, unsigned int p)
{
	return s->start + p * s->length;
}

#endif
