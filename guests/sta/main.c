/*
 * The STA guest: SBI steal-time accounting. Run with 3 vCPUs, vCPUs 0 and
 * 1 sharing a hart and vCPU 2 alone on another (-c 3 -p 0,0,1, QEMU -smp
 * 2). It checks, strictly:
 *   - steal_time_set_shmem's errors: flags not 0, an address not 64-byte
 *     aligned (INVALID_PARAM), outside RAM or above 2^64 (INVALID_ADDRESS);
 *     success zeroes all 64 bytes before it returns, value 0;
 *   - while all three spin, each reads its own record with the sequence
 *     protocol: never odd (it is written only while its vCPU is switched
 *     out), steal never goes back, preempted always 0 (it runs); vCPUs 0
 *     and 1 see their steal rise to about half the time they spun, vCPU 2
 *     sees ~0;
 *   - vCPU 2, from its own hart, sees vCPUs 0 and 1 marked preempted;
 *   - a disabled record is left alone, and one set again goes on from the
 *     same steal (it counts from the VM's start, not from the call);
 *   - a vCPU asleep in wfi is not waiting: vCPU 1 sleeps and vCPU 0's
 *     steal stays where it was.
 * Each vCPU prints its final steal ("# sta: vcpuN steal S ns"), read after
 * its last switch-in; tests/system/sta-check.sh compares it with the
 * figure Keel prints when the VM stops ("[keel] steal VM/vcpuN S ns").
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "sec_entry.h"
#include "test.h"

#define NR 3
#define SPIN_MS 1000
#define GAP_MS 100	/* the record disabled, then the wfi sleep */
#define SIE_STIE (1UL << 5)

/* the spec's record: 64 bytes, 64-byte aligned */
struct sta_rec {
	unsigned int sequence, flags;
	unsigned long steal;
	unsigned char preempted, pad[47];
};

static struct sta_rec rec[NR] __attribute__((aligned(64)));

/* what each vCPU saw while it spun, for vCPU 0 to check and print */
struct seen {
	unsigned long reads, odd, back, preempted_self, first, last;
	unsigned long others_preempted[NR]; /* vCPU 2: records of 0 and 1 */
	long set_error;
	unsigned long registered, done;
	unsigned long sleep_growth; /* vCPU 1: its steal across a wfi sleep */
};
static volatile struct seen seen[NR];
static volatile unsigned long go, stop_at, phase;
static unsigned long timebase, ram_base, ram_end;


static unsigned long ms(unsigned long n)
{
	return n * timebase / 1000;
}

static struct sbiret set_shmem(unsigned long lo, unsigned long hi, unsigned long flags)
{
	return sbi_call(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, lo, hi, flags, 0, 0, 0);
}

/*
 * The reader's half of the protocol: the sequence, the fields, the
 * sequence again; an odd or changed sequence means Keel was writing. 0 if
 * it never held still (then *odd says so).
 */
static int read_rec(const struct sta_rec *r, unsigned long *steal, unsigned int *preempted,
		    unsigned long *odd)
{
	for (int tries = 0; tries < 1000; tries++) {
		unsigned int s1 = __atomic_load_n(&r->sequence, __ATOMIC_ACQUIRE), s2;

		*steal = __atomic_load_n(&r->steal, __ATOMIC_RELAXED);
		*preempted = __atomic_load_n(&r->preempted, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&r->sequence, __ATOMIC_RELAXED);
		if (s1 == s2 && !(s1 & 1))
			return 1;
		++*odd;
	}
	return 0;
}

/* Spin until stop_at, reading the own record (and, on vCPU 2, the others'). */
static void spin(unsigned long id)
{
	volatile struct seen *s = &seen[id];
	unsigned long steal, odd = 0, last = 0, other_odd = 0;
	unsigned int pre;

	while (rdtime() < stop_at) {
		s->reads++;
		if (!read_rec(&rec[id], &steal, &pre, &odd))
			continue;
		if (steal < last)
			s->back++;
		last = steal;
		s->preempted_self += pre != 0;
		if (id == 2)
			for (unsigned long o = 0; o < 2; o++)
				if (read_rec(&rec[o], &steal, &pre, &other_odd) && pre)
					s->others_preempted[o]++;
	}
	s->odd = odd;
	s->last = last;
}

static unsigned long final_steal(unsigned long id)
{
	unsigned long steal = 0, odd = 0;
	unsigned int pre;

	read_rec(&rec[id], &steal, &pre, &odd);
	return steal;
}

/* vCPUs 1 and 2 */
void sec_main(unsigned long id, unsigned long opaque)
{
	(void)opaque;
	seen[id].set_error = set_shmem((unsigned long)&rec[id], 0, 0).error;
	__atomic_store_n(&seen[id].registered, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		;
	spin(id);
	if (id == 1) {
		/* a vCPU asleep in wfi is not waiting for its hart */
		while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) != 1)
			;
		unsigned long before = final_steal(id), wake = rdtime() + ms(GAP_MS);

		csr_write(sie, SIE_STIE);
		sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, wake, 0, 0, 0, 0, 0);
		while (rdtime() < wake)
			wfi();	/* SIE is off: the interrupt only ends the wfi */
		sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
		csr_write(sie, 0);
		seen[id].sleep_growth = final_steal(id) - before;
		while (__atomic_load_n(&phase, __ATOMIC_ACQUIRE) != 2)
			;
	}
	seen[id].last = final_steal(id);
	__atomic_store_n(&seen[id].done, 1, __ATOMIC_RELEASE);
	sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
}

static void test_errors(void)
{
	static const struct { unsigned long lo_off, hi, flags; long want; const char *why; } bad[] = {
		{ 0, 0, 1, SBI_ERR_INVALID_PARAM, "flags 1" },
		{ 0, 0, -1UL, SBI_ERR_INVALID_PARAM, "flags all ones" },
		{ 8, 0, 0, SBI_ERR_INVALID_PARAM, "8-byte aligned" },
		{ 32, 0, 0, SBI_ERR_INVALID_PARAM, "32-byte aligned" },
		{ 0, 1, 0, SBI_ERR_INVALID_ADDRESS, "hi = 1 (above 2^64)" },
		{ 0, -1UL, 0, SBI_ERR_INVALID_ADDRESS, "hi all ones, lo not" },
	};
	const unsigned long outside[] = { 0x1000, 0x10000000, ram_base - 64, ram_end, -64UL };
	unsigned long base = (unsigned long)&rec[0];
	struct sbiret r;
	unsigned int i, nonzero = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_SBI(set_shmem(base + bad[i].lo_off, bad[i].hi, bad[i].flags), bad[i].want, 0,
			  "set_shmem, %s", bad[i].why);
	CHECK_SBI(set_shmem(-1UL, -1UL, 1), SBI_ERR_INVALID_PARAM, 0,
		  "set_shmem(-1, -1, flags 1): flags are looked at first");
	CHECK_SBI(set_shmem(-1UL, 0, 0), SBI_ERR_INVALID_PARAM, 0,
		  "set_shmem(-1, 0): only lo all ones is a misaligned address");
	for (i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
		CHECK_SBI(set_shmem(outside[i], 0, 0), SBI_ERR_INVALID_ADDRESS, 0,
			  "set_shmem(0x%lx): not in RAM", outside[i]);
	CHECK_SBI(set_shmem(-1UL, -1UL, 0), SBI_SUCCESS, 0, "set_shmem(-1, -1) with none set");

	__builtin_memset(&rec[0], 0xAA, sizeof(rec[0]));
	r = set_shmem(base, 0, 0);
	for (i = 0; i < sizeof(rec[0]); i++)
		nonzero += ((volatile unsigned char *)&rec[0])[i] != 0;
	CHECK_SBI(r, SBI_SUCCESS, 0, "set_shmem(0x%lx) on vCPU 0", base);
	CHECK_EQ(nonzero, 0, "all 64 bytes zero when it returns");
}

static struct sbiret hart_start(unsigned long h)
{
	return sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, h, (unsigned long)sec_entry, h, 0,
			0, 0);
}

/* vCPU 0's record disabled for GAP_MS while it is switched in and out */
static void gap_disabled(void)
{
	unsigned long before = final_steal(0), after, end;
	unsigned int touched = 0, i;

	CHECK_SBI(set_shmem(-1UL, -1UL, 0), SBI_SUCCESS, 0, "set_shmem(-1, -1) disables");
	__builtin_memset(&rec[0], 0x55, sizeof(rec[0]));
	end = rdtime() + ms(GAP_MS);
	while (rdtime() < end)
		;
	for (i = 0; i < sizeof(rec[0]); i++)
		touched += ((volatile unsigned char *)&rec[0])[i] != 0x55;
	CHECK_EQ(touched, 0, "a disabled record is not written (%d ms of switches)", GAP_MS);
	CHECK_SBI(set_shmem((unsigned long)&rec[0], 0, 0), SBI_SUCCESS, 0, "set again");
	/* the next switch-in writes it: wait for vCPU 1's slice to end */
	WAIT_TICKS(ms(GAP_MS), __atomic_load_n(&rec[0].sequence, __ATOMIC_ACQUIRE) >= 2);
	after = final_steal(0);
	CHECK(after > before, "set again, it goes on from the same steal: %lu ns, then %lu ns",
	      before, after);
}

static void report(unsigned long id, unsigned long spun_ns, int shared)
{
	volatile struct seen *s = &seen[id];
	unsigned long steal = s->last;

	printf("# sta: vcpu%lu steal %lu ns (%lu reads, %lu in progress, spun %lu ns)\n", id,
	       steal, s->reads, s->odd, spun_ns);
	CHECK_EQ(s->set_error, 0, "vCPU %lu: set_shmem of its own record", id);
	CHECK(s->back == 0 && s->preempted_self == 0,
	      "vCPU %lu: its steal never went back (%lu times), preempted 0 whenever it ran "
	      "(%lu times not)", id, s->back, s->preempted_self);
	if (shared)
		CHECK(steal > spun_ns / 5 && steal < spun_ns * 4 / 5,
		      "vCPU %lu shares its hart: steal %lu ns is about half of %lu ns", id, steal,
		      spun_ns);
	else
		CHECK(steal < 1000000, "vCPU %lu alone on its hart: steal %lu ns, ~0", id, steal);
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long ram_size, t0, spun_ns;

	timebase = fdt_timebase(dtb);
	fdt_ram(dtb, &ram_base, &ram_size);
	ram_end = ram_base + ram_size;
	printf("# sta guest on hart %lu, timebase %lu Hz\n", hartid, timebase);
	if (!CHECK_EQ(sbi_probe(SBI_EXT_STA), 1, "probe_extension(STA)") ||
	    !CHECK_EQ(hartid, 0, "boots on vCPU 0"))
		return 0;
	test_errors();
	for (unsigned long h = 1; h < NR; h++)
		CHECK_SBI(hart_start(h), SBI_SUCCESS, 0, "hart_start(%lu)", h);
	CHECK(WAIT_TICKS(ms(2000), seen[1].registered && seen[2].registered),
	      "vCPUs 1 and 2 set their records");
	t0 = rdtime();
	stop_at = t0 + ms(SPIN_MS);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	spin(0);
	spun_ns = (rdtime() - t0) * 1000000 / timebase * 1000;
	gap_disabled();

	/*
	 * vCPU 1 sleeps in wfi for GAP_MS while vCPU 0 spins: not waiting, so
	 * its steal must not grow by the time vCPU 0 ran (and the timer that
	 * wakes it gets it the hart at once).
	 */
	__atomic_store_n(&phase, 1, __ATOMIC_RELEASE);
	t0 = rdtime();
	while (rdtime() < t0 + ms(2 * GAP_MS))
		;
	__atomic_store_n(&phase, 2, __ATOMIC_RELEASE);

	WAIT_TICKS(ms(3000), seen[1].done && seen[2].done);
	CHECK(seen[1].done && seen[2].done, "vCPUs 1 and 2 finished");
	CHECK(seen[1].sleep_growth < 2000000,
	      "vCPU 1 asleep in wfi for %d ms while vCPU 0 ran: its steal grew by %lu ns only",
	      GAP_MS, seen[1].sleep_growth);
	WAIT_TICKS(ms(2000), sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 1, 0, 0, 0, 0, 0)
				     .value == SBI_HSM_STATE_STOPPED);
	/* vCPU 1 is gone: vCPU 0's last switch-in is behind it */
	seen[0].last = final_steal(0);
	report(0, spun_ns, 1);
	report(1, spun_ns, 1);
	report(2, spun_ns, 0);
	CHECK(seen[2].others_preempted[0] > 0 && seen[2].others_preempted[1] > 0,
	      "vCPU 2 saw vCPUs 0 and 1 marked preempted (%lu and %lu times)",
	      seen[2].others_preempted[0], seen[2].others_preempted[1]);
	return 0;
}
