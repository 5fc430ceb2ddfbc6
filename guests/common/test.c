#include "test.h"
#include "console.h"
#include "sbi.h"
#include "trap.h"

#ifndef GUEST_NAME
#error "GUEST_NAME must be defined by the Makefile"
#endif

static unsigned int checks, failures;

/* Prints "ok N - what" or "not ok N - what" (no newline yet). */
static void begin(int ok, const char *fmt, va_list ap)
{
	checks++;
	if (!ok)
		failures++;
	printf("%sok %u - ", ok ? "" : "not ", checks);
	vprintf(fmt, ap);
}

int test_check(int ok, const char *cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	begin(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		printf(": failed: %s", cond);
	console_putc('\n');
	return ok;
}

int test_check_eq(unsigned long seen, unsigned long expected, const char *fmt, ...)
{
	int ok = seen == expected;
	va_list ap;

	va_start(ap, fmt);
	begin(ok, fmt, ap);
	va_end(ap);
	if (!ok)
		printf(": got 0x%lx (%ld), expected 0x%lx (%ld)",
		       seen, (long)seen, expected, (long)expected);
	console_putc('\n');
	return ok;
}

int test_check_sbi(struct sbiret ret, long exp_error, int check_value,
		   long exp_value, const char *fmt, ...)
{
	int ok = ret.error == exp_error && (!check_value || ret.value == exp_value);
	va_list ap;

	va_start(ap, fmt);
	begin(ok, fmt, ap);
	va_end(ap);
	if (!ok) {
		printf(": got error %ld (%s) value 0x%lx, expected error %ld (%s)",
		       ret.error, sbi_err_name(ret.error), ret.value,
		       exp_error, sbi_err_name(exp_error));
		if (check_value)
			printf(" value 0x%lx", exp_value);
	}
	console_putc('\n');
	return ok;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	console_puts("# skipped: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	console_putc('\n');
}

void test_finish(void)
{
	if (failures)
		printf("KEEL-TEST: FAIL %s (%u of %u checks failed)\n",
		       GUEST_NAME, failures, checks);
	else
		printf("KEEL-TEST: PASS %s (%u checks)\n", GUEST_NAME, checks);
	sbi_poweroff(failures != 0);
}

void test_abort(const struct trap_frame *tf, const char *why)
{
	checks++;
	failures++;
	printf("not ok %u - %s: scause 0x%lx stval 0x%lx sepc 0x%lx ra 0x%lx\n",
	       checks, why, tf->scause, tf->stval, tf->sepc, tf->regs[1]);
	test_finish();
}
