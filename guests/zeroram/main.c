/*
 * Guest RAM reads zero wherever Keel has not put something, whatever the
 * memory held before (docs/isolation.md, "Guest RAM is zeroed before a
 * guest sees it"). tests/system/zeroram.sh boots it with the host memory
 * its RAM will come from filled with another bundle's bytes and a
 * pattern (QEMU -device loader), alone and as two VMs side by side.
 *
 * Boot 0: every word of RAM outside its image and its device tree reads
 * zero; then it fills all of that with a pattern of its own and reboots
 * (SRST warm). Boot 1: the same again, which must not show the pattern,
 * and a first touch of an untouched block by a store (the rest of the
 * block reads zero) and by an instruction fetch (zeroes are an illegal
 * instruction, at that address).
 */
#include "console.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"
#include "trap.h"

#define PATTERN 0x5a4b45454c52414dUL /* "MARLEEKZ" */
#define BLOCK (2UL << 20)

extern char _image_start[], _image_end[]; /* common/guest.ld */

struct hole {
	unsigned long start, end;
};

/* RAM less the image and the device tree: up to three ranges */
static unsigned int free_ranges(const void *dtb, struct hole r[3])
{
	unsigned long base, size, dt = (unsigned long)dtb;
	unsigned long dt_end = dt + ((fdt_be32((const char *)dtb + 4) + 7) & ~7UL);
	unsigned long img = (unsigned long)_image_start & ~7UL;
	unsigned long img_end = ((unsigned long)_image_end + 7) & ~7UL;
	unsigned int n = 0;

	fdt_ram(dtb, &base, &size);
	/* the image lies below the device tree (Keel puts it in the top 2 MiB) */
	r[n++] = (struct hole){ base, img };
	r[n++] = (struct hole){ img_end, dt };
	r[n++] = (struct hole){ dt_end, base + size };
	return n;
}

/* Non-zero words in [start, end): their number, the first one's address */
static unsigned long scan(unsigned long start, unsigned long end, unsigned long *first)
{
	unsigned long bad = 0;

	for (volatile unsigned long *p = (unsigned long *)start; p < (unsigned long *)end; p++)
		if (*p) {
			if (!bad++)
				*first = (unsigned long)p;
		}
	return bad;
}

static void check_zero(const void *dtb, unsigned int boots)
{
	struct hole r[3];
	unsigned int n = free_ranges(dtb, r);

	for (unsigned int i = 0; i < n; i++) {
		unsigned long first = 0, bad = scan(r[i].start, r[i].end, &first);

		CHECK_EQ(bad, 0, "boot %u: RAM 0x%lx-0x%lx reads zero (first non-zero word at 0x%lx: "
				 "0x%lx)", boots, r[i].start, r[i].end, first,
			 bad ? *(volatile unsigned long *)first : 0UL);
	}
}

static void fill(const void *dtb)
{
	struct hole r[3];
	unsigned int n = free_ranges(dtb, r);

	for (unsigned int i = 0; i < n; i++)
		for (volatile unsigned long *p = (unsigned long *)r[i].start;
		     p < (unsigned long *)r[i].end; p++)
			*p = PATTERN;
}

/* An instruction fetch from RAM nobody touched: back to the caller */
static volatile unsigned long fetch_cause, fetch_pc;

static void fetch_hook(struct trap_frame *tf)
{
	fetch_cause = tf->scause;
	fetch_pc = tf->sepc;
	tf->sepc = tf->regs[1]; /* ra: where the jump came from */
}

/* First touches after the reboot, before the scan touches everything */
static void first_touches(const void *dtb)
{
	unsigned long base, size;
	volatile unsigned long *w;
	unsigned long first = 0;

	fdt_ram(dtb, &base, &size);
	/* a store first, in a block of its own (the fourth; the image is in the second) */
	w = (unsigned long *)(base + 3 * BLOCK + 0x1238);
	*w = PATTERN;
	CHECK_EQ(*w, PATTERN, "a store is the first touch of block 3: it lands");
	CHECK_EQ(scan(base + 3 * BLOCK, (unsigned long)w, &first) +
			 scan((unsigned long)(w + 1), base + 4 * BLOCK, &first),
		 0, "the rest of that block reads zero (first non-zero at 0x%lx)", first);
	*w = 0;
	/* a fetch first: zeroes are an illegal instruction, where it jumped */
	trap_set_hook(fetch_hook);
	((void (*)(void))(base + 5 * BLOCK + 0x40))();
	trap_set_hook(0);
	CHECK_EQ(fetch_cause, 2, "a fetch from untouched block 5 finds zeroes: illegal instruction");
	CHECK_EQ(fetch_pc, base + 5 * BLOCK + 0x40, "at the address jumped to");
}

int main(unsigned long hartid, const void *dtb)
{
	int len;
	const void *p = fdt_prop(dtb, "chosen", "keel,boot-count", &len);
	unsigned int boots = p && len == 4 ? fdt_be32(p) : 99;

	(void)hartid;
	printf("# boot %u: image 0x%lx-0x%lx, device tree at %p\n", boots,
	       (unsigned long)_image_start, (unsigned long)_image_end, dtb);
	CHECK(boots < 2, "/chosen/keel,boot-count is 0 or 1 (%u)", boots);
	if (boots == 1)
		first_touches(dtb);
	check_zero(dtb, boots);
	if (boots == 0) {
		fill(dtb);
		printf("# RAM filled with a pattern: warm reboot\n");
		sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, SBI_SRST_RESET_TYPE_WARM_REBOOT, 0, 0, 0,
			 0, 0);
		CHECK(0, "SRST reboot returned");
	}
	test_finish();
}
