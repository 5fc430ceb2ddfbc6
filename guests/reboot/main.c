/*
 * SBI SRST reboot restarts the VM from its image with fresh RAM. Keel tells
 * the guest how often it was restarted in /chosen/keel,boot-count, so this
 * guest can go: boot 0 -> cold reboot, boot 1 -> warm reboot, boot 2 ->
 * check and pass. Before each reboot it leaves a mark in RAM outside its
 * image, which must be gone after the reboot.
 */
#include "console.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"

#define MARK_ADDR ((volatile unsigned long *)0x80800000UL)
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
	if (boots < 2) {
		unsigned long type = boots == 0 ? SBI_SRST_RESET_TYPE_COLD_REBOOT
						: SBI_SRST_RESET_TYPE_WARM_REBOOT;
		*MARK_ADDR = MARK;
		printf("# %s reboot\n", boots == 0 ? "cold" : "warm");
		r = sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, type, 0, 0, 0, 0, 0);
		CHECK(0, "SRST reboot returned (error %ld)", r.error);
	}
	CHECK_EQ(boots, 2, "came back twice");
	test_finish();
}
