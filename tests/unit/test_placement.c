/*
 * Tests for src/vcpu/placement.c: choosing each vCPU's home hart. Pins
 * (from the bundle's vcpu-harts) name hart ids; the result is an index
 * into the list of harts Keel runs on. Unpinned vCPUs go to the hart with
 * the fewest vCPUs so far, the lowest index on a tie, after the pinned
 * ones of the same VM are placed.
 */
#include <string.h>

#include "vcpu/placement.h"
#include "unit.h"

#define ANY (-1)
#define UNSET 0xdeadu /* home[] before the call */

static const int no_pins[8] = { ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY };

static struct placement p;
static unsigned int home[8];
static char err[256];

static void harts(const unsigned long *ids, unsigned int nr)
{
	memset(&p, 0, sizeof(p));
	p.hartids = ids;
	p.nr_harts = nr;
}

static int place(const char *name, const int *pins, unsigned int nr)
{
	for (unsigned int i = 0; i < 8; i++)
		home[i] = UNSET;
	strcpy(err, "(no message)");
	return placement_place_vm(&p, name, pins, nr, home, err, sizeof(err));
}

/* home[0..nr) is exactly want[0..nr) */
static void check_homes(const unsigned int *want, unsigned int nr, int line)
{
	unsigned int before = unit_failures();

	for (unsigned int i = 0; i < nr; i++)
		CHECK_EQ(home[i], want[i]);
	for (unsigned int i = nr; i < 8; i++)
		CHECK_EQ(home[i], UNSET); /* nothing written past nr */
	if (unit_failures() != before) {
		printf("\t(checked at line %d; got", line);
		for (unsigned int i = 0; i < nr; i++)
			printf(" %u", home[i]);
		printf(")\n");
	}
}
#define CHECK_HOMES(...)                                                           \
	do {                                                                       \
		static const unsigned int want_[] = { __VA_ARGS__ };               \
		check_homes(want_, sizeof(want_) / sizeof(want_[0]), __LINE__);    \
	} while (0)

/* The message is exactly `want`. */
#define CHECK_ERR(want) CHECK_STR(err, (want))

static const unsigned long four[] = { 0, 1, 2, 3 };
static const unsigned long two[] = { 0, 1 };

/* ---- unpinned: spread over the harts ------------------------------------- */

TEST(four_vcpus_on_four_harts_get_one_each)
{
	harts(four, 4);
	CHECK_EQ(place("vm", no_pins, 4), 0);
	CHECK_HOMES(0, 1, 2, 3);
	for (unsigned int i = 0; i < 4; i++)
		CHECK_EQ(p.load[i], 1);
}

TEST(four_vcpus_on_two_harts_alternate)
{
	harts(two, 2);
	CHECK_EQ(place("vm", no_pins, 4), 0);
	CHECK_HOMES(0, 1, 0, 1);
	CHECK_EQ(p.load[0], 2);
	CHECK_EQ(p.load[1], 2);
}

TEST(one_vcpu_on_many_harts_takes_the_first)
{
	harts(four, 4);
	CHECK_EQ(place("vm", no_pins, 1), 0);
	CHECK_HOMES(0);
}

TEST(one_hart_takes_every_vcpu)
{
	static const unsigned long only[] = { 5 };

	harts(only, 1);
	CHECK_EQ(place("vm", no_pins, 8), 0);
	CHECK_HOMES(0, 0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(p.load[0], 8);
}

TEST(zero_vcpus_place_nothing)
{
	harts(four, 4);
	CHECK_EQ(place("vm", no_pins, 0), 0);
	CHECK_HOMES();
	for (unsigned int i = 0; i < 4; i++)
		CHECK_EQ(p.load[i], 0);
}

TEST(second_vm_continues_on_the_least_loaded_harts)
{
	harts(four, 4);
	CHECK_EQ(place("a", no_pins, 3), 0);
	CHECK_HOMES(0, 1, 2);
	CHECK_EQ(place("b", no_pins, 3), 0);
	CHECK_HOMES(3, 0, 1);	/* hart 3 was empty, then the ties from the lowest */
	CHECK_EQ(p.load[0], 2);
	CHECK_EQ(p.load[1], 2);
	CHECK_EQ(p.load[2], 1);
	CHECK_EQ(p.load[3], 1);
	CHECK_EQ(place("c", no_pins, 2), 0);
	CHECK_HOMES(2, 3);
}

TEST(second_vm_on_two_harts_starts_where_the_first_left_off)
{
	harts(two, 2);
	CHECK_EQ(place("a", no_pins, 3), 0);
	CHECK_HOMES(0, 1, 0);
	CHECK_EQ(place("b", no_pins, 2), 0);
	CHECK_HOMES(1, 0);
	CHECK_EQ(p.load[0], 3);
	CHECK_EQ(p.load[1], 2);
}

/* ---- pins ----------------------------------------------------------------- */

TEST(pins_name_hart_ids_and_give_indexes)
{
	/* hart 0 has no H extension: Keel runs on 2, 3, 5, 7 */
	static const unsigned long ids[] = { 2, 3, 5, 7 };
	static const int pins[] = { 7, 2, 5, 3 };

	harts(ids, 4);
	CHECK_EQ(place("vm", pins, 4), 0);
	CHECK_HOMES(3, 0, 2, 1);
}

TEST(every_vcpu_pinned_to_one_hart)
{
	static const int pins[] = { 1, 1, 1 };

	harts(four, 4);
	CHECK_EQ(place("busy", pins, 3), 0);
	CHECK_HOMES(1, 1, 1);
	CHECK_EQ(p.load[1], 3);
	/* the next VM avoids it while the others are emptier */
	CHECK_EQ(place("other", no_pins, 4), 0);
	CHECK_HOMES(0, 2, 3, 0);
}

TEST(pinned_vcpus_are_placed_first_and_the_rest_fill_around)
{
	/* in vCPU order, 0 and 1 would take harts 0 and 1 before the pins */
	static const int pins[] = { ANY, ANY, 0, 0 };

	harts(two, 2);
	CHECK_EQ(place("vm", pins, 4), 0);
	CHECK_HOMES(1, 1, 0, 0);
	CHECK_EQ(p.load[0], 2);
	CHECK_EQ(p.load[1], 2);
}

TEST(unpinned_vcpus_avoid_the_pinned_harts)
{
	static const unsigned long ids[] = { 10, 11, 12 };
	static const int pins[] = { ANY, 11, ANY, 10, ANY };

	harts(ids, 3);
	CHECK_EQ(place("vm", pins, 5), 0);
	/* pins: 11 -> index 1, 10 -> index 0; then 2 (empty), 0, 1 */
	CHECK_HOMES(2, 1, 0, 0, 1);
}

TEST(pins_count_for_the_next_vm)
{
	static const int pins[] = { 3, 3 };

	harts(four, 4);
	CHECK_EQ(place("a", pins, 2), 0);
	CHECK_HOMES(3, 3);
	CHECK_EQ(place("b", no_pins, 4), 0);
	CHECK_HOMES(0, 1, 2, 0);
}

TEST(largest_hart_id_can_be_pinned)
{
	static const unsigned long ids[] = { 0, 0x7fffffff };
	static const int pins[] = { 0x7fffffff };

	harts(ids, 2);
	CHECK_EQ(place("vm", pins, 1), 0);
	CHECK_HOMES(1);
}

/* ---- errors --------------------------------------------------------------- */

TEST(pin_to_a_hart_keel_does_not_run_on)
{
	static const int pins[] = { ANY, 5 };

	harts(four, 4);
	CHECK_EQ(place("web", pins, 2), -1);
	CHECK_ERR("VM 'web': vcpu-harts pins vCPU 1 to hart 5, which Keel does not run on "
		  "(harts: 0 1 2 3)");
}

TEST(pin_message_lists_the_harts_by_id)
{
	/* hart 0 lacks H, so Keel is not on it: pinning there is refused */
	static const unsigned long ids[] = { 1, 3, 4 };
	static const int pins[] = { 1, 3, 0 };

	harts(ids, 3);
	CHECK_EQ(place("db", pins, 3), -1);
	CHECK_ERR("VM 'db': vcpu-harts pins vCPU 2 to hart 0, which Keel does not run on "
		  "(harts: 1 3 4)");
}

/* OpenSBI may boot Keel on any hart, which is then index 0: listed by id */
TEST(pin_message_lists_the_harts_in_ascending_order)
{
	static const unsigned long ids[] = { 2, 0, 3, 1 };
	static const int pins[] = { 9 };

	harts(ids, 4);
	CHECK_EQ(place("vm", pins, 1), -1);
	CHECK_ERR("VM 'vm': vcpu-harts pins vCPU 0 to hart 9, which Keel does not run on "
		  "(harts: 0 1 2 3)");
}

TEST(pin_message_names_the_first_bad_vcpu)
{
	static const int pins[] = { 0, 9, 8 };

	harts(two, 2);
	CHECK_EQ(place("x", pins, 3), -1);
	CHECK_ERR("VM 'x': vcpu-harts pins vCPU 1 to hart 9, which Keel does not run on "
		  "(harts: 0 1)");
}

TEST(pin_message_is_cut_to_errlen)
{
	static const int pins[] = { 5 };
	static const unsigned long ids[] = { 1000, 1001, 1002, 1003 };
	static const char full[] = "VM 'web': vcpu-harts pins vCPU 0 to hart 5, which Keel "
				   "does not run on (harts: 1000 1001 1002 1003)";
	char small[128];

	harts(ids, 4);
	/* every length, from inside the name to just past the ")" */
	for (unsigned long len = 1; len <= sizeof(full) + 1 && len <= sizeof(small); len++) {
		unsigned int before = unit_failures();

		memset(small, 'x', sizeof(small));
		memset(p.load, 0, sizeof(p.load));
		CHECK_EQ(placement_place_vm(&p, "web", pins, 1, home, small, len), -1);
		/* a NUL-terminated prefix of the whole message, within len */
		CHECK(memchr(small, 0, len) != NULL);
		if (memchr(small, 0, len)) {
			size_t n = strlen(small);

			CHECK_EQ(n, len - 1 < sizeof(full) - 1 ? len - 1 : sizeof(full) - 1);
			CHECK(!strncmp(small, full, n));
		}
		for (unsigned long k = len; k < sizeof(small); k++)
			CHECK_EQ(small[k], 'x');	/* nothing written past errlen */
		if (unit_failures() != before)
			printf("\t(errlen %lu: \"%s\")\n", len, small);
	}
}

TEST(zero_harts_is_an_error)
{
	harts(four, 0);
	CHECK_EQ(place("lonely", no_pins, 1), -1);
	CHECK_ERR("VM 'lonely': no harts to run its vCPUs on");
	CHECK_EQ(home[0], UNSET);
}
