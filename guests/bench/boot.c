/*
 * boot_to_guest: instructions from Keel's first instruction to this
 * guest's first one. Under QEMU -icount shift=0 instret counts every
 * instruction since reset, in every mode: Keel reads it first thing
 * (src/boot/entry.S) and hands it over as /chosen/keel,entry-instret, and
 * common/entry.S reads it again at this guest's first instruction
 * (guest_entry_instret, built with GUEST_ENTRY_INSTRET). Natively there is
 * no Keel, and the row is "-".
 */
#include "bench.h"
#include "console.h"
#include "fdt.h"

extern unsigned long guest_entry_instret; /* common/entry.S */

void bench_boot_to_guest(const void *dtb)
{
	int len;
	const void *p = fdt_prop(dtb, "chosen", "keel,entry-instret", &len);
	unsigned long keel;

	if (!p || len != 8) {
		printf("BENCH boot_to_guest -\n");
		return;
	}
	keel = (unsigned long)fdt_be32(p) << 32 | fdt_be32((const char *)p + 4);
	printf("BENCH boot_to_guest %lu\n", guest_entry_instret - keel);
}
