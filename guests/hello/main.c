/* The smallest guest: greet, check the device tree pointer, pass. */
#include "console.h"
#include "fdt.h"
#include "test.h"

int main(unsigned long hartid, const void *dtb)
{
	printf("Hello from a Keel guest (hart %lu, dtb %p)\n", hartid, dtb);
	CHECK(dtb && fdt_be32(dtb) == FDT_MAGIC,
	      "a1 points to a device tree (magic 0x%x)",
	      dtb ? fdt_be32(dtb) : 0);
	test_finish();
}
