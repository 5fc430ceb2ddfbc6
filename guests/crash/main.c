/*
 * A guest that breaks the rules on purpose: it points stvec at an address
 * with no memory and executes an illegal instruction. Its trap handler can
 * never run, so each redirected trap faults again at the handler's address.
 * Keel must stop this VM with a report instead of spinning silently.
 */
#include "console.h"
#include "csr.h"

int main(unsigned long hartid, const void *dtb)
{
	(void)hartid;
	(void)dtb;
	printf("# crash guest: stvec -> 0x1000 (no memory), then an illegal instruction\n");
	csr_write(stvec, 0x1000UL);
	__asm__ __volatile__(".word 0xc0001073" ::: "memory"); /* unimp */
	printf("KEEL-TEST: FAIL crash (the guest went on after its handler faulted)\n");
	for (;;)
		;
}
