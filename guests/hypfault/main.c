/*
 * Asks Keel, through its own SBI extension, to fault inside itself. With
 * the bundle's test-hooks option Keel must report a hypervisor fault and
 * power off (the guest never sees the trap); without it the call is refused
 * with SBI_ERR_DENIED and this guest passes.
 */
#include "console.h"
#include "sbi.h"
#include "test.h"

int main(unsigned long hartid, const void *dtb)
{
	struct sbiret r;

	(void)hartid;
	(void)dtb;
	CHECK(sbi_probe(SBI_EXT_KEEL) > 0, "Keel's own extension is present");
	printf("# asking Keel to fault in HS-mode\n");
	r = sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_HYPERVISOR_FAULT, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(r.error, SBI_ERR_DENIED, "without test-hooks the call is refused: %ld", r.error);
	test_finish();
}
