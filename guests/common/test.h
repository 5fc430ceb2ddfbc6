/*
 * A tiny TAP-like test framework. Each check prints one line:
 *   ok N - <what>
 *   not ok N - <what>: <seen vs expected>
 * test_finish() prints exactly one verdict line and powers off:
 *   KEEL-TEST: PASS <guest> (<n> checks)
 *   KEEL-TEST: FAIL <guest> (<k> of <n> checks failed)
 * GUEST_NAME comes from the Makefile.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

struct trap_frame;
struct sbiret;

/* CHECK(cond, fmt, ...): fmt describes the check; on failure the condition
 * text is appended, so put the values seen into fmt. */
#define CHECK(cond, ...) test_check(!!(cond), #cond, __VA_ARGS__)

/* On failure prints "got 0x.. (..), expected 0x.. (..)". */
#define CHECK_EQ(seen, expected, ...) \
	test_check_eq((unsigned long)(seen), (unsigned long)(expected), __VA_ARGS__)

/* An SBI call's error must be exp_error (value not checked). */
#define CHECK_SBI_ERR(ret, exp_error, ...) \
	test_check_sbi((ret), (exp_error), 0, 0, __VA_ARGS__)

/* An SBI call's error must be exp_error and its value exp_value. */
#define CHECK_SBI(ret, exp_error, exp_value, ...) \
	test_check_sbi((ret), (exp_error), 1, (exp_value), __VA_ARGS__)

int test_check(int ok, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int test_check_eq(unsigned long seen, unsigned long expected, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int test_check_sbi(struct sbiret ret, long exp_error, int check_value,
		   long exp_value, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* "# skipped: <reason>" (not counted as a check). */
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Verdict line, then SRST shutdown (reason SYSFAIL on failure). */
void test_finish(void) __attribute__((noreturn));

/* A failed check describing the trap, then test_finish(). */
void test_abort(const struct trap_frame *tf, const char *why)
	__attribute__((noreturn));

#endif
