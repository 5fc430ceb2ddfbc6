/*
 * Every SBI call that takes an address, given addresses that are not this
 * guest's RAM: past its end, straddling it, below it, its own MMIO,
 * wrapping past 2^64, a nonzero high half, misaligned, and the host
 * addresses of Keel and the other VMs. The error codes are the SBI v2.0
 * specification's (Keel reports v2.0):
 *   DBCN console_write/read: memory that does not satisfy the shared
 *     memory rules (3.2: S-mode must be able to access it) -> INVALID_PARAM
 *   PMU snapshot_set_shmem: flags != 0 or not 4 KiB aligned -> INVALID_PARAM;
 *     memory not writable or otherwise not valid -> INVALID_ADDRESS
 *   PMU event_get_info (v3.0): flags or 16-byte alignment -> INVALID_PARAM;
 *     more than Keel's 256 entries a call -> FAILED; the entries not in
 *     writable memory -> INVALID_ADDRESS
 *   HSM hart_start / non-retentive hart_suspend: an address S-mode cannot
 *     execute at -> INVALID_ADDRESS (odd addresses too: no pc is odd);
 *     a hart id the VM lacks -> INVALID_PARAM
 *   legacy v0.1 calls with a hart mask pointer: Keel's documented answer,
 *     INVALID_ADDRESS, for a pointer the guest could not read (docs/sbi.md)
 */
#include "console.h"
#include "hostile.h"
#include "test.h"

#define UART 0x10000000UL
#define PLIC 0x0c000000UL

static char buf[64] __attribute__((aligned(16)));
static unsigned char page[4096] __attribute__((aligned(4096)));
static unsigned long mask_word[2];

static struct sbiret call(unsigned long eid, unsigned long fid, unsigned long a0,
			  unsigned long a1, unsigned long a2, unsigned long a3)
{
	return sbi_call(eid, fid, a0, a1, a2, a3, 0, 0);
}

/* Addresses that are nothing of this guest's */
struct bad {
	const char *name;
	unsigned long addr;
};

static void dbcn(void)
{
	const struct bad bad[] = {
		{ "RAM end", ram_end },
		{ "straddling the RAM end", ram_end - 4 },
		{ "below RAM", ram_base - 8 },
		{ "its UART", UART },
		{ "its PLIC", PLIC },
		{ "wrapping past 2^64", -0x10UL },
	};
	static const char *const fn[2] = { "console_write", "console_read" };
	volatile char *last = (volatile char *)(ram_end - 1);
	char old = *last;
	struct sbiret r;

	for (unsigned long fid = 0; fid < 2; fid++) {
		for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			CHECK_SBI_ERR(call(SBI_EXT_DBCN, fid, 8, bad[i].addr, 0, 0),
				      SBI_ERR_INVALID_PARAM, "DBCN %s(8, %s 0x%lx)", fn[fid],
				      bad[i].name, bad[i].addr);
		CHECK_SBI_ERR(call(SBI_EXT_DBCN, fid, -1UL, ram_base, 0, 0), SBI_ERR_INVALID_PARAM,
			      "DBCN %s(2^64 - 1 bytes, RAM base)", fn[fid]);
		CHECK_SBI_ERR(call(SBI_EXT_DBCN, fid, -(unsigned long)buf, (unsigned long)buf, 0, 0),
			      SBI_ERR_INVALID_PARAM, "DBCN %s(up to exactly 2^64, 0x%lx)", fn[fid],
			      (unsigned long)buf);
		CHECK_SBI_ERR(call(SBI_EXT_DBCN, fid, 8, (unsigned long)buf, 1, 0),
			      SBI_ERR_INVALID_PARAM, "DBCN %s(8, buffer, base_addr_hi 1)", fn[fid]);
	}
	/* a read names the host addresses too: it writes nothing when nothing is typed */
	for (unsigned int n = 0; n < layout.nr_vms; n++) {
		unsigned long a = layout.vm_ram[n];
		int ours = in_own_ram(a, 8);

		r = call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 8, a, 0, 0);
		test_check_sbi(r, ours ? SBI_SUCCESS : SBI_ERR_INVALID_PARAM, 1, 0,
			       "DBCN console_read(8, VM %u's RAM host 0x%lx: %s)", n, a,
			       ours ? "in this guest's RAM" : "not this guest's");
	}
	/* the edges that are valid: the last byte of RAM, a buffer of its own */
	*last = '\n';
	CHECK_SBI(call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 1, ram_end - 1, 0, 0),
		  SBI_SUCCESS, 1, "DBCN console_write(1, the last byte of RAM)");
	*last = old;
	CHECK_SBI(call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, sizeof(buf), (unsigned long)buf,
		       0, 0), SBI_SUCCESS, 0, "DBCN console_read(64, own buffer): nothing typed");
}

static void pmu(void)
{
	const struct bad bad[] = {
		{ "RAM end", ram_end },
		{ "the last page straddling nothing", ram_base - 0x1000 },
		{ "its UART", UART },
		{ "its PLIC", PLIC },
		{ "the top page of 2^64", -0x1000UL },
	};
	struct sbiret r;

	if (!sbi_probe(SBI_EXT_PMU)) {
		test_skip("no SBI PMU");
		return;
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, bad[i].addr, 0, 0, 0),
			      SBI_ERR_INVALID_ADDRESS, "PMU snapshot_set_shmem(%s 0x%lx)",
			      bad[i].name, bad[i].addr);
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, (unsigned long)page + 8, 0,
			   0, 0), SBI_ERR_INVALID_PARAM, "PMU snapshot_set_shmem(page + 8: unaligned)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, ram_end - 0x800, 0, 0, 0),
		      SBI_ERR_INVALID_PARAM, "PMU snapshot_set_shmem(RAM end - 2 KiB: unaligned)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, (unsigned long)page, 1, 0,
			   0), SBI_ERR_INVALID_ADDRESS, "PMU snapshot_set_shmem(page, hi 1)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, (unsigned long)page, 0, 1,
			   0), SBI_ERR_INVALID_PARAM, "PMU snapshot_set_shmem(page, flags 1)");
	for (unsigned int n = 0; n < layout.nr_vms; n++) {
		unsigned long a = layout.vm_ram[n];
		int ours = in_own_ram(a, 4096);

		r = call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, a, 0, 0, 0);
		CHECK_SBI_ERR(r, ours ? SBI_SUCCESS : SBI_ERR_INVALID_ADDRESS,
			      "PMU snapshot_set_shmem(VM %u's RAM host 0x%lx: %s)", n, a,
			      ours ? "in this guest's RAM" : "not this guest's");
	}
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, ram_end - 0x1000, 0, 0, 0),
		      SBI_SUCCESS, "PMU snapshot_set_shmem(the last page of RAM)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, -1UL, -1UL, 0, 0),
		      SBI_SUCCESS, "PMU snapshot_set_shmem(-1, -1): off again");

	/* event_get_info(lo, hi, num, flags): 16-byte entries */
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, ram_end, 0, 1, 0),
		      SBI_ERR_INVALID_ADDRESS, "PMU event_get_info(RAM end, 1 entry)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, ram_end - 16, 0, 2, 0),
		      SBI_ERR_INVALID_ADDRESS, "PMU event_get_info(2 entries straddling the end)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, UART, 0, 1, 0),
		      SBI_ERR_INVALID_ADDRESS, "PMU event_get_info(its UART)");
	/* past Keel's 256 entries a call: its stricter limit, SBI_ERR_FAILED (docs/pmu.md) */
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)buf, 0, -1UL, 0),
		      SBI_ERR_FAILED, "PMU event_get_info(buffer, 2^64 - 1 entries)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)buf, 0,
			   1UL << 59, 0), SBI_ERR_FAILED,
		      "PMU event_get_info(buffer, 2^59 entries: 2^63 bytes)");
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, ram_base, 0,
			   (ram_end - ram_base) / 16, 0), SBI_ERR_FAILED,
		      "PMU event_get_info(all its RAM: %lu entries)", (ram_end - ram_base) / 16);
	CHECK_SBI_ERR(call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)buf + 8, 0, 1,
			   0), SBI_ERR_INVALID_PARAM, "PMU event_get_info(buffer + 8: unaligned)");
}

/* Where a started hart would go if a refused start got through: it reports */
static volatile unsigned long stray_starts;
void hostile_stray(void);
__asm__(".globl hostile_stray\nhostile_stray:\n"
	"\tla t0, stray_starts\n\tli t1, 1\n\tamoadd.d zero, t1, (t0)\n"
	"1:\twfi\n\tj 1b\n");

static void hsm(void)
{
	const struct bad bad[] = {
		{ "RAM end", ram_end },
		{ "a page past RAM", ram_end + 0x1000 },
		{ "RAM end - 2 (4 bytes would straddle)", ram_end - 2 },
		{ "below RAM", ram_base - 4 },
		{ "address 0", 0 },
		{ "its UART", UART },
		{ "its PLIC", PLIC },
		{ "-4", -4UL },
		{ "-1", -1UL },
		{ "odd, in RAM", (unsigned long)hostile_stray + 1 },
		{ "Keel's image end, if outside RAM", layout.keel_end },
		{ "VM 0's RAM, if outside RAM", layout.vm_ram[0] },
		{ "VM 1's RAM, if outside RAM", layout.vm_ram[1] },
	};
	static const unsigned long bad_harts[] = { 2, 3, 7, 8, 63, 64, -1UL };
	unsigned long good = (unsigned long)hostile_stray;
	struct sbiret r;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* an address of its RAM would start the hart: those are not bad */
		if (in_own_ram(bad[i].addr, 4) && (bad[i].addr & 1) == 0)
			continue;
		CHECK_SBI_ERR(call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, bad[i].addr, 0, 0),
			      SBI_ERR_INVALID_ADDRESS, "HSM hart_start(1, %s 0x%lx)", bad[i].name,
			      bad[i].addr);
		CHECK_SBI_ERR(call(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND,
				   SBI_HSM_SUSPEND_NON_RET_DEFAULT, bad[i].addr, 0, 0),
			      SBI_ERR_INVALID_ADDRESS,
			      "HSM hart_suspend(non-retentive, %s 0x%lx)", bad[i].name,
			      bad[i].addr);
	}
	/* the other VM's vCPUs are not harts of this one */
	for (unsigned int i = 0; i < sizeof(bad_harts) / sizeof(bad_harts[0]); i++) {
		CHECK_SBI_ERR(call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, bad_harts[i], good, 0, 0),
			      SBI_ERR_INVALID_PARAM, "HSM hart_start(hart %ld)", (long)bad_harts[i]);
		CHECK_SBI_ERR(call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, bad_harts[i], 0, 0, 0),
			      SBI_ERR_INVALID_PARAM, "HSM hart_get_status(hart %ld)",
			      (long)bad_harts[i]);
	}
	r = call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 1, 0, 0, 0);
	CHECK_SBI(r, SBI_SUCCESS, SBI_HSM_STATE_STOPPED, "hart 1 is still STOPPED");
	CHECK_EQ(stray_starts, 0, "no refused start ran");
}

static void legacy(void)
{
	const struct bad bad[] = {
		{ "its UART", UART },
		{ "its PLIC", PLIC },
		{ "RAM end", ram_end },
		{ "straddling the RAM end", ram_end - 4 },
		{ "unaligned", (unsigned long)&mask_word[0] + 4 },
		{ "the top page of 2^64", -0x1000UL },
	};
	static const struct {
		unsigned long eid;
		const char *name;
	} calls[] = {
		{ SBI_EXT_0_1_SEND_IPI, "send_ipi" },
		{ SBI_EXT_0_1_REMOTE_FENCE_I, "remote_fence_i" },
		{ SBI_EXT_0_1_REMOTE_SFENCE_VMA, "remote_sfence_vma" },
		{ SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, "remote_sfence_vma_asid" },
	};

	for (unsigned int c = 0; c < sizeof(calls) / sizeof(calls[0]); c++)
		for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			CHECK_EQ(sbi_legacy_call(calls[c].eid, bad[i].addr, 0, 0),
				 SBI_ERR_INVALID_ADDRESS, "legacy %s(&mask = %s 0x%lx)",
				 calls[c].name, bad[i].name, bad[i].addr);
	/* a mask in its own memory naming a hart it lacks */
	mask_word[0] = 1UL << 2;
	CHECK_EQ(sbi_legacy_call(SBI_EXT_0_1_REMOTE_FENCE_I, (unsigned long)mask_word, 0, 0),
		 SBI_ERR_INVALID_PARAM, "legacy remote_fence_i(&mask = hart 2)");
}

void test_sbi_addresses(void)
{
	dbcn();
	pmu();
	hsm();
	legacy();
}
