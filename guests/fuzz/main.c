/*
 * The SBI fuzz guest (issue 6): many SBI calls with random extension ids,
 * function ids and arguments, seeded and so reproducible, and the checks
 * that nothing the calls did reached what they must not reach:
 *
 *   - every call returns (Keel is alive) with an error code the SBI
 *     defines, or a value, never a trap;
 *   - the guest's own canary page, outside anything the calls name on
 *     purpose, is unchanged;
 *   - at the end SBI still works (BASE get_spec_version, HSM status).
 *
 * bootargs: keel.seed=N (default 1), keel.calls=N (default 100000),
 * keel.show=N (print every call from the Nth on).
 * Calls that end or park the caller by design are left out: SRST reset,
 * legacy shutdown, HSM hart_stop and hart_suspend, and the KEEL profiler's
 * dump (it prints its buffers). Console writes are kept, with short
 * lengths, so the log stays readable.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"

static unsigned long long state;

/* xorshift64*: small, fast, and the same sequence for the same seed */
static unsigned long next_random(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (unsigned long)(state * 0x2545F4914F6CDD1DULL);
}

static const unsigned long known_eids[] = {
	SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST,
	SBI_EXT_DBCN, SBI_EXT_PMU, SBI_EXT_KEEL, 0, 1, 2, 3, 4, 5, 6, 7, 8,
};

static unsigned long ram_base, ram_size;

/*
 * Where a hart the fuzz starts (or resumes) in RAM goes: it parks in wfi
 * with interrupts off. A random address in RAM would run this guest's
 * data as code: a guest shooting itself, which Keel rightly stops.
 */
void park(void);
__asm__(".globl park\npark:\n1:\twfi\n\tj 1b\n");
static unsigned char canary[4096] __attribute__((aligned(4096)));

/* Arguments that find edges: small numbers, -1, RAM, MMIO, unaligned, wrapping */
static unsigned long pick_arg(void)
{
	unsigned long r = next_random();

	switch (r % 10) {
	case 0: return 0;
	case 1: return -1UL;
	case 2: return (r >> 8) % 16;
	case 3: return ram_base + ((r >> 8) % ram_size);         /* in RAM */
	case 4: return ram_base + ram_size - ((r >> 8) % 64);    /* at its end */
	case 5: return 0x10000000UL + ((r >> 8) % 0x1000);       /* the UART */
	case 6: return 0x0c000000UL + ((r >> 8) % 0x400000);     /* where a PLIC is */
	case 7: return (r >> 8) | 1;                             /* odd */
	case 8: return -1UL - ((r >> 8) % 64);                   /* near wrapping */
	default: return next_random();
	}
}

/* Calls that stop, reset or park this guest by their definition */
static int is_left_out(unsigned long eid, unsigned long fid)
{
	return (eid == SBI_EXT_SRST && fid == SBI_EXT_SRST_RESET) || eid == 8 /* legacy shutdown */ ||
	       (eid == SBI_EXT_HSM && (fid == SBI_EXT_HSM_HART_STOP ||
				       fid == SBI_EXT_HSM_HART_SUSPEND)) ||
	       (eid == SBI_EXT_KEEL && fid == SBI_EXT_KEEL_PROF_DUMP);
}

static int is_sbi_error(long e)
{
	return e <= 0 && e >= -13; /* SBI_SUCCESS .. SBI_ERR_BAD_RANGE and beyond in 3.0 */
}

int main(unsigned long hartid, const void *dtb)
{
	const char *args;
	unsigned long seed, calls, show_from, bad_errors = 0, dbcn_bytes = 0, by_eid[20] = { 0 };
	unsigned long t0 = rdtime();
	int len;
	struct sbiret r;

	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	seed = bootarg_num(args, "keel.seed", 1);
	calls = bootarg_num(args, "keel.calls", 100000);
	/* keel.show=N: print each call from the Nth on, to find one that hangs */
	show_from = bootarg_num(args, "keel.show", -1UL);
	state = seed ? seed : 1;
	fdt_ram(dtb, &ram_base, &ram_size);
	for (unsigned int i = 0; i < sizeof(canary); i++)
		canary[i] = (unsigned char)(i * 7 + 1);
	printf("# fuzz: seed %lu, %lu calls, hart %lu, RAM 0x%lx + 0x%lx\n", seed, calls, hartid,
	       ram_base, ram_size);

	for (unsigned long n = 0; n < calls; n++) {
		unsigned long rnd = next_random(), eid, fid, a[6];
		unsigned int k = 19;

		if (rnd % 4)
			k = (unsigned int)((rnd >> 2) % (sizeof(known_eids) / sizeof(known_eids[0])));
		eid = k < 19 ? known_eids[k] : next_random() >> (rnd % 40);
		fid = (rnd >> 16) % 4 ? (rnd >> 20) % 12 : next_random();
		if (is_left_out(eid, fid))
			continue;
		for (int i = 0; i < 6; i++)
			a[i] = pick_arg();
		if (eid == SBI_EXT_HSM && fid == SBI_EXT_HSM_HART_START && a[1] >= ram_base &&
		    a[1] - ram_base < ram_size)
			a[1] = (unsigned long)park;
		/* console writes: short, so the log stays readable */
		if (eid == SBI_EXT_DBCN && fid == SBI_EXT_DBCN_CONSOLE_WRITE)
			a[0] %= 8;
		if (eid == 1 || (eid == SBI_EXT_DBCN && fid == SBI_EXT_DBCN_CONSOLE_WRITE_BYTE))
			a[0] = '.';
		if (n >= show_from)
			printf("# call %lu: eid 0x%lx fid 0x%lx args 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n",
			       n, eid, fid, a[0], a[1], a[2], a[3], a[4], a[5]);
		r = sbi_call(eid, fid, a[0], a[1], a[2], a[3], a[4], a[5]);
		by_eid[k]++;
		/* legacy calls return one value in a0, not an error code */
		if (eid > 8 && !is_sbi_error(r.error)) {
			if (bad_errors++ < 5)
				printf("# eid 0x%lx fid %lu: error %ld is no SBI error code\n", eid, fid,
				       r.error);
		}
		if (eid == SBI_EXT_DBCN && fid == SBI_EXT_DBCN_CONSOLE_WRITE && !r.error)
			dbcn_bytes += r.value;
	}
	printf("\n# fuzz: %lu calls in %lu ms; %lu to unknown EIDs; %lu bytes written by DBCN\n",
	       calls, (rdtime() - t0) / (fdt_timebase(dtb) / 1000), by_eid[19], dbcn_bytes);
	CHECK_EQ(bad_errors, 0, "every SBI call returned a defined error code");
	{
		unsigned long differ = 0;

		for (unsigned int i = 0; i < sizeof(canary); i++)
			differ += canary[i] != (unsigned char)(i * 7 + 1);
		CHECK_EQ(differ, 0, "the canary page is untouched");
	}
	r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
	CHECK_SBI(r, SBI_SUCCESS, 0x2000000, "SBI still answers: spec version 2.0");
	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, hartid, 0, 0, 0, 0, 0);
	CHECK_SBI(r, SBI_SUCCESS, SBI_HSM_STATE_STARTED, "HSM: this hart is still STARTED");
	/* stop a profile the fuzz may have started, so the VM's end is quiet */
	sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_STOP, 0, 0, 0, 0, 0, 0);
	return 0;
}
