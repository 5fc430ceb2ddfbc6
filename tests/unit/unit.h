/*
 * A tiny host unit-test framework for Keel's pure-logic modules.
 *
 *	#include "unit.h"
 *
 *	TEST(adds_up)
 *	{
 *		CHECK_EQ(1 + 1, 2);
 *		CHECK(some_predicate());
 *	}
 *
 * TEST() registers the function (before main runs); unit.h supplies main(),
 * which runs every registered test in definition order and prints one line
 * per test:
 *
 *	PASS adds_up
 *	FAIL adds_up (2 checks failed)
 *
 * preceded, for each failed check, by "file:line: expression" and the values.
 * A failed check does not stop the test: later checks still run, so one run
 * shows everything that is wrong. The exit status is nonzero if any failed.
 *
 * Each test binary is one test_*.c file (plus the src/ files it tests, see
 * the Makefile): include unit.h from that file only, as it defines main()
 * and the registry.
 */
#ifndef KEEL_UNIT_H
#define KEEL_UNIT_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

static struct unit_test *unit_tests_head;
static struct unit_test **unit_tests_tail = &unit_tests_head;
static unsigned int unit_failed_checks; /* in the test now running */

/*
 * Failed checks so far in the running test: table-driven tests compare it
 * before and after a row to print which row the failures belong to.
 */
static inline unsigned int unit_failures(void)
{
	return unit_failed_checks;
}

static inline void unit_register(struct unit_test *t)
{
	*unit_tests_tail = t;
	unit_tests_tail = &t->next;
}

/*
 * Constructors run in definition order within a translation unit, so tests
 * run in the order they are written.
 */
#define TEST(name)							\
	static void name(void);						\
	static struct unit_test unit_test_##name = { #name, name, NULL }; \
	__attribute__((constructor)) static void unit_register_##name(void) \
	{								\
		unit_register(&unit_test_##name);			\
	}								\
	static void name(void)

static inline void unit_check_failed(const char *file, int line, const char *expr)
{
	unit_failed_checks++;
	printf("%s:%d: CHECK(%s) failed\n", file, line, expr);
}

static inline void unit_check_eq_failed(const char *file, int line,
					const char *a_expr, const char *b_expr,
					unsigned long long a, unsigned long long b)
{
	unit_failed_checks++;
	printf("%s:%d: CHECK_EQ(%s, %s) failed\n"
	       "\t%s = 0x%llx (%lld)\n"
	       "\t%s = 0x%llx (%lld)\n",
	       file, line, a_expr, b_expr,
	       a_expr, a, (long long)a, b_expr, b, (long long)b);
}

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			unit_check_failed(__FILE__, __LINE__, #cond);	\
	} while (0)

/*
 * Integers (any width or signedness, bool, enums) are compared as 64-bit
 * values: each side is evaluated exactly once, then converted, so -1 and
 * (uint8_t)0xff differ, as they should.
 */
#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long unit_a_ = (unsigned long long)(a);	\
		unsigned long long unit_b_ = (unsigned long long)(b);	\
		if (unit_a_ != unit_b_)					\
			unit_check_eq_failed(__FILE__, __LINE__, #a, #b, \
					     unit_a_, unit_b_);		\
	} while (0)

/* Two C strings must be equal; on failure both are printed. */
#define CHECK_STR(a, b)							\
	do {								\
		const char *unit_sa_ = (a), *unit_sb_ = (b);		\
		if (strcmp(unit_sa_, unit_sb_)) {			\
			unit_check_failed(__FILE__, __LINE__, #a " == " #b); \
			printf("\t%s = \"%s\"\n\t%s = \"%s\"\n", #a, unit_sa_, #b, \
			       unit_sb_);				\
		}							\
	} while (0)

int main(void)
{
	unsigned int failed_tests = 0;
	struct unit_test *t;

	for (t = unit_tests_head; t; t = t->next) {
		unit_failed_checks = 0;
		t->fn();
		if (unit_failed_checks) {
			failed_tests++;
			printf("FAIL %s (%u checks failed)\n", t->name,
			       unit_failed_checks);
		} else {
			printf("PASS %s\n", t->name);
		}
		/* keep the order right if the test crashes next */
		fflush(stdout);
	}
	return failed_tests ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
