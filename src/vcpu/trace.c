/* The TRACE=1 exit log. */
#include <stdarg.h>
#include <stdio.h>

#include "lib/console.h"
#include "vcpu/trace.h"
#include "vm.h"
#include "lib/trap_names.h"

void trace_exit_print(struct vcpu *v, const struct trap_info *t, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kprintf("[trace] %s/vcpu%u %-28s sepc=0x%08lx stval=0x%lx: %s\n", v->vm->cfg->name, v->id,
		trap_cause_name(t->scause), t->sepc, t->stval, what);
}
