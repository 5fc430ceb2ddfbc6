#include "trap.h"
#include "console.h"
#include "csr.h"
#include "test.h"

volatile struct trap_record trap_rec;
static trap_hook_t trap_hook;
static int trap_depth;

void trap_set_hook(trap_hook_t hook)
{
	trap_hook = hook;
}

void trap_expect(void)
{
	trap_rec.count = 0;
	trap_rec.scause = trap_rec.stval = trap_rec.sepc = ~0UL;
	trap_hook = trap_record_skip;
}

void trap_expect_none(void)
{
	trap_hook = 0;
}

void trap_record_skip(struct trap_frame *tf)
{
	trap_rec.count++;
	trap_rec.scause = tf->scause;
	trap_rec.stval = tf->stval;
	trap_rec.sepc = tf->sepc;

	if (tf->scause & SCAUSE_IRQ) {
		/* Tests keep sstatus.SIE clear: an interrupt here is a bug. */
		test_abort(tf, "unexpected interrupt");
	}
	if (tf->scause == EXC_INST_ACCESS || tf->scause == EXC_INST_PAGE_FAULT) {
		tf->sepc = tf->regs[1];	/* back to the caller of the bad jump */
		return;
	}
	tf->sepc += insn_len(*(volatile unsigned short *)tf->sepc);
}

void trap_handle(struct trap_frame *tf)
{
	/* A trap inside the handler would recurse until the stack is gone. */
	if (trap_depth++ || !trap_hook)
		test_abort(tf, trap_depth > 1 ? "nested trap" : "unexpected trap");
	trap_hook(tf);
	trap_depth--;
}
