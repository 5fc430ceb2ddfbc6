/*
 * Keel's harts (include/hart.h): harts[0] is the boot hart, the others
 * are numbered as smp.c starts them. Here, beside the vCPUs they run,
 * rather than in boot, because the layers below boot use them.
 */
#include "hart.h"

struct hart harts[KEEL_MAX_HARTS];
unsigned int nr_harts; /* harts Keel runs on (online or starting) */

/* The profiler's switch (include/hart.h): set by prof.c, read by each hart's timer */
unsigned int prof_on;
