/*
 * The bench rows that need two vCPUs (scripts/bench.sh's SMP runs,
 * docs/bench.md): an IPI and a remote fence to a vCPU on another hart, and
 * the hand-over between two vCPUs that share one hart.
 *
 * The boot vCPU starts the other one (the "peer") with HSM hart_start. Both
 * wait in wfi with sie.SSIE on and sstatus.SIE off, so an IPI ends the wfi
 * without a trap: the vCPU sees sip.SSIP, clears it and goes on. No trap
 * handler runs on either side.
 *
 * Nothing here spins: under -icount QEMU runs the harts in turn on one
 * thread, and QEMU 7.2 lets a spinning hart keep that thread for well over
 * a second while a hart woken from wfi waits. A vCPU that waits sleeps in
 * wfi, which lets QEMU run the other hart at once.
 *
 * instret under -icount is not the hart's own count: it counts every
 * hart's instructions (QEMU 7.2 and 10.0; 7.2 also the time a sleeping
 * machine skips). A "#" line says what the guest found, checked against
 * the time CSR, and the receiver's share is worked out for either case
 * (docs/bench.md).
 */
#include "bench.h"
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"

#define SMP_ITERS 1000UL
/*
 * Fewer: the caller waits for the other hart, and under -icount that hart
 * runs only when QEMU gives it its turn (docs/bench.md): a fence costs
 * millions of instructions of waiting
 */
#define RFENCE_ITERS 20UL

enum peer_cmd {
	PEER_PONG,	/* answer each IPI with an IPI to the boot vCPU */
	PEER_SLEEP,	/* take IPIs and do nothing: sleep on in wfi */
};

static volatile struct {
	unsigned long cmd, boot_hart;
} peer;

extern char bench_peer_entry[];

static void send_ipi(unsigned long hart)
{
	sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, hart, 0, 0, 0, 0);
}

/* Sleep until an IPI is pending, and take it (no trap: SIE is off). */
static void wait_ipi(void)
{
	while (!(csr_read(sip) & SIP_SSIP))
		wfi();
	csr_clear(sip, SIP_SSIP);
}

void bench_peer(unsigned long hartid);
void bench_peer(unsigned long hartid)
{
	(void)hartid;
	csr_write(sie, SIP_SSIP);
	send_ipi(peer.boot_hart);	/* started */
	for (;;) {
		wait_ipi();
		if (peer.cmd == PEER_PONG)
			send_ipi(peer.boot_hart);
	}
}

/*
 * Is instret the hart's own count, or QEMU's virtual clock (every hart's
 * instructions, and the time a sleeping machine skips)? The time CSR is
 * that clock: with -icount shift=0 a tick of a 10 MHz timebase is 100
 * instructions. Across the ping-pong, where each hart sleeps half the
 * time, the clock's count is about the time's; the hart's own about half.
 */
static int instret_is_clock(unsigned long instret, unsigned long ticks, unsigned long timebase)
{
	unsigned long clock = ticks * (1000000000UL / timebase);
	int is_clock = instret > clock - clock / 10;

	printf("# instret %lu, time %lu ticks (%lu instructions of the clock): %s\n", instret,
	       ticks, clock, is_clock ? "instret is QEMU's clock, every hart's instructions"
				      : "instret is this hart's own count");
	return is_clock;
}

static void report(const char *name, unsigned long total, unsigned long div)
{
	printf("BENCH %s %lu\n", name, (total + div / 2) / div);
	printf("# %s: %lu over %lu\n", name, total, div);
}

/*
 * IPI ping-pong: the boot vCPU sends, sleeps in wfi until the peer's
 * answer. Returns the whole loop; *send gets the sender's ecalls alone.
 */
static unsigned long ipi_round_trips(unsigned long other, unsigned long *send,
				     unsigned long *ticks)
{
	unsigned long t0, t1, s0, s1, i, sent = 0, time0 = rdtime();

	peer.cmd = PEER_PONG;
	t0 = rdinstret();
	for (i = 0; i < SMP_ITERS; i++) {
		s0 = rdinstret();
		send_ipi(other);
		s1 = rdinstret();
		sent += s1 - s0;
		wait_ipi();
	}
	t1 = rdinstret();
	*ticks = rdtime() - time0;
	peer.cmd = PEER_SLEEP;
	*send = sent;
	return t1 - t0;
}

/* remote_sfence_vma to the peer alone, which sleeps (its vCPU stays loaded) */
static unsigned long rfence(unsigned long other, unsigned long start, unsigned long size)
{
	unsigned long t0, t1, i;

	t0 = rdinstret();
	for (i = 0; i < RFENCE_ITERS; i++)
		sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 1, other, start, size,
			 0, 0);
	t1 = rdinstret();
	return t1 - t0;
}

/*
 * mode 1: the peer on another hart (ipi_remote, ipi_remote_recv,
 * rfence_remote, rfence_remote_all); mode 2: the peer on this vCPU's hart
 * (vcpu_switch).
 */
void bench_smp(const void *dtb, unsigned long hartid, unsigned long mode)
{
	unsigned long ram_base, ram_size, other = hartid == 0 ? 1 : 0, send, rtt, ticks;
	struct sbiret r;

	fdt_ram(dtb, &ram_base, &ram_size);
	peer.boot_hart = hartid;
	peer.cmd = PEER_SLEEP;
	csr_write(sie, SIP_SSIP);
	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, other, (unsigned long)bench_peer_entry,
		     0, 0, 0, 0);
	if (r.error) {
		printf("# bench smp: hart %lu did not start (error %ld)\n", other, r.error);
		return;
	}
	wait_ipi();	/* the peer's "started" */
	rtt = ipi_round_trips(other, &send, &ticks);
	if (mode == 2) {
		/*
		 * Each round trip is two hand-overs, this vCPU to the peer and
		 * back, each an IPI, a wfi exit and a switch; on one hart both
		 * counts are the same.
		 */
		report("vcpu_switch", rtt, 2 * SMP_ITERS);
		return;
	}
	report("ipi_remote", send, SMP_ITERS);
	/*
	 * One way of the ping-pong is a send and its arrival: with the clock,
	 * a round trip counts both harts (two ways); with the hart's own
	 * count, this hart's send and the answer's arrival here.
	 */
	if (instret_is_clock(rtt, ticks, fdt_timebase(dtb)))
		report("ipi_remote_recv", rtt / 2 - send, SMP_ITERS);
	else
		report("ipi_remote_recv", rtt - send, SMP_ITERS);
	report("rfence_remote", rfence(other, ram_base, 4096), RFENCE_ITERS);
	report("rfence_remote_all", rfence(other, 0, -1UL), RFENCE_ITERS);
}
