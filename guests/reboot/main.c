/*
 * SBI SRST reboot restarts the VM from its image with fresh RAM. Keel tells
 * the guest how often it was restarted in /chosen/keel,boot-count, so this
 * guest can go: boot 0 -> cold reboot, boot 1 -> warm reboot, boot 2 ->
 * check and pass. Before each reboot it leaves a mark in RAM outside its
 * image and in f1, which must both be gone after the reboot.
 */
#include "console.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"

#define MARK_ADDR ((volatile unsigned long *)0x80800000UL)
#define SSTATUS_FS_INITIAL (1UL << 13)

/* f1, as raw bits (the FPU is switched on first: sstatus.FS) */
static unsigned long read_f1(void)
{
	unsigned long v;

	__asm__ __volatile__("csrs sstatus, %1\n\t.option push\n\t.option arch, +d\n\t"
			     "fmv.x.d %0, f1\n\t.option pop"
			     : "=r"(v) : "r"(SSTATUS_FS_INITIAL));
	return v;
}

static void write_f1(unsigned long v)
{
	__asm__ __volatile__("csrs sstatus, %1\n\t.option push\n\t.option arch, +d\n\t"
			     "fmv.d.x f1, %0\n\t.option pop"
			     :: "r"(v), "r"(SSTATUS_FS_INITIAL));
}
#define MARK 0x4b45454c4d41524bUL /* "KEELMARK" */

int main(unsigned long hartid, const void *dtb)
{
	const void *p;
	unsigned int boots;
	int len;
	struct sbiret r;

	(void)hartid;
	p = fdt_prop(dtb, "chosen", "keel,boot-count", &len);
	CHECK(p && len == 4, "/chosen/keel,boot-count present");
	boots = p ? fdt_be32(p) : 99;
	printf("# boot %u\n", boots);
	CHECK_EQ(*MARK_ADDR, 0, "RAM outside the image is zero at boot %u", boots);
	CHECK_EQ(read_f1(), 0, "the FPU is fresh too: f1 = 0 at boot %u", boots);
	if (boots < 2) {
		unsigned long type = boots == 0 ? SBI_SRST_RESET_TYPE_COLD_REBOOT
						: SBI_SRST_RESET_TYPE_WARM_REBOOT;
		*MARK_ADDR = MARK;
		write_f1(MARK);
		CHECK_EQ(read_f1(), MARK, "f1 holds what was written");
		printf("# %s reboot\n", boots == 0 ? "cold" : "warm");
		r = sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, type, 0, 0, 0, 0, 0);
		CHECK(0, "SRST reboot returned (error %ld)", r.error);
	}
	CHECK_EQ(boots, 2, "came back twice");
	test_finish();
}
