/*
 * A hostile guest (issue 6, docs/isolation.md). It learns where Keel and
 * the other VMs live in host memory (SBI KEEL test_layout, a test hook),
 * then tries to reach them and everything else that is not its own:
 * memory, privileged CSRs and instructions, SBI calls with addresses and
 * hart masks that are not its own, and floods of IPIs and fences. Each
 * attempt must get exactly what a real machine without the H extension
 * would give: an access fault, an illegal instruction, an SBI error code,
 * or, where the address is its own RAM or its own device, its own data.
 *
 * It runs beside guests/victim (tests/system/data/isolation.dts), which
 * checks that its own memory and progress were not touched meanwhile.
 */
#include "console.h"
#include "fdt.h"
#include "hostile.h"
#include "test.h"

struct layout layout;
unsigned long ram_base, ram_end, timebase;

static struct sbiret layout_call(unsigned long what)
{
	return sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, what, 0, 0, 0, 0, 0);
}

/* Where Keel and every VM's RAM are, as host physical addresses */
static void read_layout(void)
{
	struct sbiret r;
	unsigned int n, hits;

	r = layout_call(SBI_KEEL_LAYOUT_IMAGE_START);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "KEEL test_layout: Keel's image starts at 0x%lx", r.value);
	layout.keel_start = r.value;
	r = layout_call(SBI_KEEL_LAYOUT_IMAGE_END);
	CHECK(!r.error && (unsigned long)r.value > layout.keel_start,
	      "KEEL test_layout: Keel's image ends at 0x%lx (error %ld)", r.value, r.error);
	layout.keel_end = r.value;
	r = layout_call(SBI_KEEL_LAYOUT_OWN_RAM);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "KEEL test_layout: this VM's RAM is at host 0x%lx", r.value);
	layout.own_ram = r.value;
	for (n = 0; n < MAX_VMS; n++) {
		r = layout_call(SBI_KEEL_LAYOUT_VM_RAM + n);
		if (r.error)
			break;
		layout.vm_ram[n] = r.value;
		printf("# VM %u's RAM is at host 0x%lx\n", n, r.value);
	}
	layout.nr_vms = n;
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "KEEL test_layout past the last VM (%u VMs)", n);
	/* exactly one VM has this guest's RAM, and there is one other at least */
	layout.self = MAX_VMS;
	for (n = 0, hits = 0; n < layout.nr_vms; n++)
		if (layout.vm_ram[n] == layout.own_ram)
			layout.self = n, hits++;
	CHECK(layout.nr_vms >= 2 && hits == 1, "this guest is VM %u of %u, no other VM has its "
	      "RAM", layout.self, layout.nr_vms);
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long size, t0 = rdtime(), t;

	fdt_ram(dtb, &ram_base, &size);
	ram_end = ram_base + size;
	timebase = fdt_timebase(dtb);
	printf("# hostile guest: hart %lu, RAM 0x%lx-0x%lx, image 0x%lx-0x%lx\n", hartid,
	       ram_base, ram_end, (unsigned long)_image_start, (unsigned long)_image_end);
	if (!CHECK(hartid == 0 && sbi_probe(SBI_EXT_KEEL) > 0,
		   "runs under Keel as hart 0 (hart %lu)", hartid))
		test_finish();
	read_layout();

	t = rdtime();
	test_memory();
	printf("# memory: %lu ms\n", ticks_ms(rdtime() - t));
	t = rdtime();
	test_privileged();
	printf("# privileged: %lu ms\n", ticks_ms(rdtime() - t));
	t = rdtime();
	test_sbi_addresses();
	printf("# SBI addresses: %lu ms\n", ticks_ms(rdtime() - t));
	t = rdtime();
	test_hart_masks();
	printf("# hart masks: %lu ms\n", ticks_ms(rdtime() - t));
	test_floods();
	check_poison();

	/* after all of it, SBI still answers and this hart still runs */
	CHECK_SBI(sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0),
		  SBI_SUCCESS, 0x2000000, "SBI still answers: spec version 2.0");
	printf("# hostile guest done in %lu ms\n", ticks_ms(rdtime() - t0));
	test_finish();
}
