/* Human names for trap causes (trap_names.h). */
#include "riscv.h"
#include "lib/trap_names.h"

static const char *const exception_names[EXC_COUNT] = {
	[EXC_INST_MISALIGNED] = "instruction address misaligned",
	[EXC_INST_ACCESS] = "instruction access fault",
	[EXC_INST_ILLEGAL] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
	[EXC_STORE_ACCESS] = "store/AMO access fault",
	[EXC_ECALL_U] = "ecall from U/VU",
	[EXC_ECALL_S] = "ecall from HS",
	[EXC_ECALL_VS] = "ecall from VS (SBI call)",
	[EXC_ECALL_M] = "ecall from M",
	[EXC_INST_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
	[EXC_INST_GUEST_PAGE_FAULT] = "instruction guest-page fault",
	[EXC_LOAD_GUEST_PAGE_FAULT] = "load guest-page fault",
	[EXC_VIRTUAL_INST_FAULT] = "virtual instruction",
	[EXC_STORE_GUEST_PAGE_FAULT] = "store/AMO guest-page fault",
};

static const char *const interrupt_names[IRQ_COUNT] = {
	[IRQ_S_SOFT] = "supervisor software interrupt",
	[IRQ_VS_SOFT] = "VS software interrupt",
	[IRQ_S_TIMER] = "supervisor timer interrupt",
	[IRQ_VS_TIMER] = "VS timer interrupt",
	[IRQ_S_EXT] = "supervisor external interrupt",
	[IRQ_VS_EXT] = "VS external interrupt",
	[IRQ_S_GEXT] = "guest external interrupt",
};

/* The same, as one word for machine-read output (the profile format). */
static const char *const exception_short_names[EXC_COUNT] = {
	[EXC_INST_MISALIGNED] = "inst_misaligned",
	[EXC_INST_ACCESS] = "inst_access_fault",
	[EXC_INST_ILLEGAL] = "illegal_instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load_misaligned",
	[EXC_LOAD_ACCESS] = "load_access_fault",
	[EXC_STORE_MISALIGNED] = "store_misaligned",
	[EXC_STORE_ACCESS] = "store_access_fault",
	[EXC_ECALL_U] = "ecall_u",
	[EXC_ECALL_S] = "ecall_hs",
	[EXC_ECALL_VS] = "ecall_vs",
	[EXC_ECALL_M] = "ecall_m",
	[EXC_INST_PAGE_FAULT] = "inst_page_fault",
	[EXC_LOAD_PAGE_FAULT] = "load_page_fault",
	[EXC_STORE_PAGE_FAULT] = "store_page_fault",
	[EXC_INST_GUEST_PAGE_FAULT] = "inst_guest_page_fault",
	[EXC_LOAD_GUEST_PAGE_FAULT] = "load_guest_page_fault",
	[EXC_VIRTUAL_INST_FAULT] = "virtual_instruction",
	[EXC_STORE_GUEST_PAGE_FAULT] = "store_guest_page_fault",
};

static const char *const interrupt_short_names[IRQ_COUNT] = {
	[IRQ_S_SOFT] = "supervisor_software", [IRQ_VS_SOFT] = "vs_software",
	[IRQ_S_TIMER] = "supervisor_timer",   [IRQ_VS_TIMER] = "vs_timer",
	[IRQ_S_EXT] = "supervisor_external",  [IRQ_VS_EXT] = "vs_external",
	[IRQ_S_GEXT] = "guest_external",
};

/* The name of a cause in one of two table pairs, or `unknown`. */
static const char *lookup(unsigned long scause, const char *const *exceptions,
			  const char *const *interrupts, const char *unknown)
{
	unsigned long code = scause & ~CAUSE_IRQ_FLAG;
	const char *name = 0;

	if (scause & CAUSE_IRQ_FLAG) {
		if (code < IRQ_COUNT)
			name = interrupts[code];
	} else if (code < EXC_COUNT) {
		name = exceptions[code];
	}
	return name ? name : unknown;
}

const char *trap_short_name(unsigned long scause)
{
	return lookup(scause, exception_short_names, interrupt_short_names, "unknown");
}

const char *trap_cause_name(unsigned long scause)
{
	return lookup(scause, exception_names, interrupt_names, "unknown cause");
}
