/*
 * /init of Keel's Linux guest: a static RISC-V Linux program built with
 * -nostdlib and raw system calls (no libc), so it is a few KiB and needs
 * nothing beyond the cross compiler.
 *
 * It mounts proc, sysfs and devtmpfs, prints what it finds (CPUs, whether
 * the timer ticks, the kernel command line, SBI PMU firmware counts and,
 * with more than one CPU, timers, IPIs, remote TLB flushes and CPU hotplug
 * on every CPU, and that ttyS0 runs on its interrupt), then "keel-linux: PASS" or "keel-linux: FAIL: <reason>",
 * and powers off with reboot(POWER_OFF), which the RISC-V kernel turns into
 * an SBI SRST call.
 *
 * Command line options it reads from /proc/cmdline:
 *   keel.shell    do not power off: offer a small read-eval loop instead
 *                 (with keel.ip=a.b.c.d/len, eth0 up for its ping)
 *   keel.cpus=N   FAIL unless exactly N CPUs show up in /proc/cpuinfo
 *   keel.icount   QEMU runs with -icount shift=0: cycles and instructions exact
 *   keel.kernel=V FAIL unless the kernel is Linux V (6.1, 6.12)
 *   keel.disk-boots=N  with keel.checks=disk: reboot (SBI SRST, a VM reset
 *                 under Keel) until the disk has counted N boots, then power off
 *   keel.checks=a,b,c  also run these checks, in this order (each prints
 *                 its own PASS or FAIL line; one the kernel cannot do FAILs):
 *     steal       /proc/stat's steal rises while two CPUs share a hart
 *                 (SBI STA, Linux 6.8+)
 *     suspend     echo mem > /sys/power/state sleeps until a key wakes it
 *                 (SBI SUSP, Linux 6.6+); keel.suspend-ms=N: at least N ms
 *     perf        check_pmu_hw()'s verdict (it runs at every boot) as an asked check
 *     disk        writes reach the root disk: a boot counter, 1 MiB read back
 *                 (check_disk.c)
 *     net         eth0 up (keel.ip=), 1 MiB over TCP and a ping between
 *                 two VMs (keel.net=server or client:ADDR; check_net.c)
 *     hvc         a line on the virtio console (check_hvc.c)
 *   keel.root=DEV switch from the initramfs to the ext4 disk DEV and run
 *                 its /init (root.c)
 *
 * The checks with files of their own are in checks.h; lib.h has the
 * helpers all files share, sys.h the system calls.
 */

#include "lib.h"
#include "checks.h"
#include "net.h"
#include "root.h"

/* System call arguments only init.c's own checks pass (sys.h has the
 * numbers and what the other files share). */
#define SIGCHLD 17
#define SYSLOG_ACTION_READ_ALL 3
#define SIGKILL 9
#define WNOHANG 1
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define PAGE_SIZE 4096
#define PERF_TYPE_RAW 4
#define PERF_ATTR_DISABLED (1UL << 0)
#define PERF_ATTR_INHERIT (1UL << 1)
#define PERF_EVENT_IOC_ENABLE 0x2400
#define PERF_EVENT_IOC_DISABLE 0x2401
/* Linux 6.1 riscv_pmu_sbi: raw config bit 63 selects an SBI firmware event */
#define SBI_FW_EVENT(code) ((1UL << 63) | (code))
#define SBI_PMU_FW_MISALIGNED_LOAD 0
#define SBI_PMU_FW_MISALIGNED_STORE 1
#define SBI_PMU_FW_ILLEGAL_INSN 4


/* ---- small helpers ----------------------------------------------------- */

/* Pins the calling task to the CPUs in mask (one bit per CPU). */
static long set_affinity(unsigned long mask)
{
	return SC(SYS_sched_setaffinity, 0, sizeof(mask), &mask, 0, 0, 0);
}

static long pin(int cpu)
{
	return set_affinity(1UL << cpu);
}

/* The CPU the caller runs on (getcpu), or a negative errno. */
static long this_cpu(void)
{
	unsigned int cpu = 0;
	long r = SC(SYS_getcpu, &cpu, 0, 0, 0, 0, 0);

	return r < 0 ? r : (long)cpu;
}

/* ---- what init checks -------------------------------------------------- */

static char scratch[8192];

static int count_cpus(void)
{
	long n = read_file("/proc/cpuinfo", scratch, sizeof(scratch));
	const char *p = scratch;
	int cpus = 0;

	if (n < 0)
		return -1;
	while (*p) {
		if (starts_with(p, "processor"))
			cpus++;
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
	}
	return cpus;
}

static void print_uptime(void)
{
	if (read_file("/proc/uptime", scratch, sizeof(scratch)) < 0)
		say("uptime: cannot read /proc/uptime", "");
	else
		say("uptime: ", scratch);
}

static void mount_fs(const char *type, const char *dir, const char **fail)
{
	long r;

	/* The disk's /init finds them mounted (and moved) already. */
	if (mounted_on(dir))
		return;
	SC(SYS_mkdirat, AT_FDCWD, dir, 0755, 0, 0, 0);
	r = SC(SYS_mount, type, dir, type, 0, 0, 0);
	if (r < 0 && r != -EBUSY) {
		out("keel-linux: mount ");
		out(type);
		out(" on ");
		out(dir);
		out(" failed: errno ");
		out_num((unsigned long)-r);
		out("\n");
		if (!*fail)
			*fail = "mount failed";
	}
}

static void power(unsigned long cmd)
{
	long r;

	say(cmd == REBOOT_CMD_POWER_OFF ? "powering off" : "rebooting", "");
	/* Wait until the console has sent everything: the 8250 driver sends
	 * from its interrupt, 16 bytes at a time, and whatever is still
	 * queued when the machine powers off is lost. */
	SC(SYS_ioctl, 1, TCSBRK, 1, 0, 0, 0);
	/* The kernel's power-off neither syncs nor unmounts. */
	root_quiesce();
	r = SC(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, cmd, 0, 0, 0);
	out("keel-linux: reboot() failed: errno ");
	out_num((unsigned long)-r);
	out("\n");
	/* init must not exit (the kernel would panic): wait forever. */
	for (;;) {
		struct timespec ts = { 3600, 0 };
		SC(SYS_nanosleep, &ts, 0, 0, 0, 0, 0);
	}
}

static void console_echo(int on);

static void shell(void)
{
	char line[128];

	console_echo(1);
	/* keel.ip=: eth0 up for ping, whether or not the net check ran */
	if (find_word(cmdline, "keel.ip")) {
		const char *why = net_up_from_cmdline();

		if (why)
			say("shell: no network: ", why);
	}
	say("shell: commands: help cpus uptime cmdline ping poweroff reboot", "");
	for (;;) {
		long n;
		char *p;

		out("keel$ ");
		n = SC(SYS_read, 0, line, sizeof(line) - 1, 0, 0, 0);
		if (n == 0) {
			out("\n");
			power(REBOOT_CMD_POWER_OFF);
		}
		if (n < 0)
			continue;
		line[n] = 0;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
			     line[n - 1] == ' '))
			line[--n] = 0;
		for (p = line; *p == ' '; p++)
			;

		if (!*p) {
			continue;
		} else if (str_eq(p, "help")) {
			out("help cpus uptime cmdline ping poweroff reboot\n");
		} else if (str_eq(p, "cpus")) {
			out_num((unsigned long)count_cpus());
			out("\n");
		} else if (str_eq(p, "uptime")) {
			if (read_file("/proc/uptime", scratch,
				      sizeof(scratch)) >= 0) {
				out(scratch);
				out("\n");
			}
		} else if (str_eq(p, "cmdline")) {
			out(cmdline);
			out("\n");
		} else if (starts_with(p, "ping ")) {
			shell_ping(p + 5);
		} else if (str_eq(p, "poweroff")) {
			power(REBOOT_CMD_POWER_OFF);
		} else if (str_eq(p, "reboot")) {
			power(REBOOT_CMD_RESTART);
		} else {
			out("unknown command '");
			out(p);
			out("' (try help)\n");
		}
	}
}

#define SLEEP_MS 200

/* ---- SBI PMU firmware counters through perf --------------------------- */

/* A per-task counter of SBI firmware event code, inherited by children. */
static long open_fw_counter(unsigned long code)
{
	struct perf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_RAW;
	attr.size = PERF_ATTR_SIZE_VER0;
	attr.config = SBI_FW_EVENT(code);
	/* no exclude_* bits: without Sscofpmf the driver refuses them */
	attr.flags = PERF_ATTR_DISABLED | PERF_ATTR_INHERIT;
	return SC(SYS_perf_event_open, &attr, 0, -1, -1, 0, 0);
}

/* Run fn in a child process (which the fault kills) and wait for it. */
static void in_child(void (*fn)(void))
{
	int status;
	long pid = SC(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);

	if (pid == 0) {
		fn();
		SC(SYS_exit, 0, 0, 0, 0, 0, 0);
	}
	if (pid > 0)
		SC(SYS_wait4, pid, &status, 0, 0, 0, 0);
}

static void illegal_insn(void)
{
	__asm__ __volatile__(".word 0xc0001073" ::: "memory"); /* unimp */
}

static void misaligned_amo(void)
{
	static unsigned int words[2];
	unsigned long addr = (unsigned long)words + 1, old;

	__asm__ __volatile__("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(1), "r"(addr) : "memory");
}

static unsigned long read_counter(long fd)
{
	unsigned long v = 0;

	if (SC(SYS_read, fd, &v, sizeof(v), 0, 0, 0) != sizeof(v))
		return ~0UL;
	return v;
}

#define PMU_ILLEGAL_CHILDREN 5
#define PMU_MISALIGNED_CHILDREN 3

#define PERF_EVENT_IOC_RESET 0x2403

/*
 * PERF_TYPE_HARDWARE cycles and instructions, which the SBI PMU driver
 * puts on Keel's counters 0 and 2 (guest reads of cycle/instret trap to
 * Keel, which answers with this vCPU's own count), across a loop of 10M
 * and of 40M iterations of 2 instructions. With keel.icount (QEMU
 * -icount shift=0: both CSRs count retired instructions exactly) each
 * count is the loop's, within 2% for the perf calls around it. Without
 * it QEMU's cycle and instret both follow host time, which a busy host
 * stretches at will: then only "both count" and "instructions at most
 * 4 times cycles" hold.
 */
static const char *pmu_hw_failed; /* check_pmu_hw's verdict, for keel.checks=perf */

static void check_pmu_hw(const char **fail)
{
	unsigned long counts[2][2]; /* [10M, 40M loop][cycles, instructions] */
	int icount = find_word(cmdline, "keel.icount") != 0, ok = 1;
	long fd[2];

	for (int i = 0; i < 2; i++) {
		struct perf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.type = 0;          /* PERF_TYPE_HARDWARE */
		attr.size = PERF_ATTR_SIZE_VER0;
		attr.config = (unsigned long)i; /* 0 cycles, 1 instructions */
		attr.flags = PERF_ATTR_DISABLED;
		fd[i] = SC(SYS_perf_event_open, &attr, 0, -1, -1, 0, 0);
	}
	if (fd[0] < 0 || fd[1] < 0) {
		out("keel-linux: pmu-hw: perf_event_open of cycles/instructions failed\n");
		pmu_hw_failed = "pmu-hw: no cycles/instructions";
		first(fail, pmu_hw_failed);
		return;
	}
	for (int run = 0; run < 2; run++) {
		unsigned long n = run ? 40000000UL : 10000000UL, loop = 2 * n;

		SC(SYS_ioctl, fd[0], PERF_EVENT_IOC_RESET, 0, 0, 0, 0);
		SC(SYS_ioctl, fd[1], PERF_EVENT_IOC_RESET, 0, 0, 0, 0);
		SC(SYS_ioctl, fd[0], PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
		SC(SYS_ioctl, fd[1], PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
		__asm__ __volatile__("1: addi %0, %0, -1\n bnez %0, 1b" : "+r"(n) : : "memory");
		SC(SYS_ioctl, fd[0], PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
		SC(SYS_ioctl, fd[1], PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
		counts[run][0] = read_counter(fd[0]);
		counts[run][1] = read_counter(fd[1]);
		for (int i = 0; i < 2; i++) {
			unsigned long c = counts[run][i];

			if (c == 0 || c == ~0UL || (icount && (c < loop || c > loop + loop / 50)))
				ok = 0;
		}
		if (counts[run][1] > 4 * counts[run][0])
			ok = 0;
	}
	out("keel-linux: pmu-hw: cycles ");
	out_num(counts[0][0]);
	out(" ");
	out_num(counts[1][0]);
	out(", instructions ");
	out_num(counts[0][1]);
	out(" ");
	out_num(counts[1][1]);
	out(icount ? " (10M and 40M loop iterations, -icount)\n" : " (10M and 40M loop iterations)\n");
	if (!ok) {
		pmu_hw_failed = "pmu-hw: cycles/instructions implausible";
		first(fail, pmu_hw_failed);
	}
	SC(SYS_close, fd[0], 0, 0, 0, 0, 0);
	SC(SYS_close, fd[1], 0, 0, 0, 0, 0);
}

/*
 * Seed 000 seen from inside a Linux guest: Keel counts each illegal
 * instruction and misaligned atomic it redirects in the SBI PMU firmware
 * counters, and Linux's perf reads them. Children take the faults (and die
 * of SIGILL or SIGBUS); the counters are inherited, so the counts are known.
 * A misaligned AMO is a load-misaligned trap on QEMU's single-threaded TCG
 * and a store-misaligned one on its multi-threaded TCG: the two are summed.
 */
static void check_pmu(const char **fail)
{
	long ill = open_fw_counter(SBI_PMU_FW_ILLEGAL_INSN);
	long mload = open_fw_counter(SBI_PMU_FW_MISALIGNED_LOAD);
	long mstore = open_fw_counter(SBI_PMU_FW_MISALIGNED_STORE);
	unsigned long n_ill, n_mis;

	/*
	 * The counters are per task and inherited, so they add up the
	 * children's faults on whichever CPU each ran (on QEMU + OpenSBI the
	 * counts stay exact with the children spread over 4 CPUs). The
	 * children (who inherit the affinity) still stay on CPU 0: then with
	 * several CPUs Keel's per-vCPU PMU dump at VM stop shows all of them
	 * on vcpu0, as with one.
	 */
	pin(0);

	/*
	 * The children die of SIGILL and SIGBUS on purpose: keep the kernel
	 * from dumping their registers on the console (debug.exception-trace).
	 */
	{
		long fd = SC(SYS_openat, AT_FDCWD, "/proc/sys/debug/exception-trace", O_WRONLY, 0,
			     0, 0);
		if (fd >= 0) {
			SC(SYS_write, fd, "0", 1, 0, 0, 0);
			SC(SYS_close, fd, 0, 0, 0, 0, 0);
		}
	}
	if (ill < 0 || mload < 0 || mstore < 0) {
		out("keel-linux: pmu: perf_event_open of SBI firmware events failed (");
		out_num((unsigned long)-(ill < 0 ? ill : mload < 0 ? mload : mstore));
		out(")\n");
		if (!*fail)
			*fail = "pmu: no SBI firmware events";
		return;
	}
	SC(SYS_ioctl, ill, PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
	SC(SYS_ioctl, mload, PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
	SC(SYS_ioctl, mstore, PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0);
	for (int i = 0; i < PMU_ILLEGAL_CHILDREN; i++)
		in_child(illegal_insn);
	for (int i = 0; i < PMU_MISALIGNED_CHILDREN; i++)
		in_child(misaligned_amo);
	SC(SYS_ioctl, ill, PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
	SC(SYS_ioctl, mload, PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
	SC(SYS_ioctl, mstore, PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0);
	n_ill = read_counter(ill);
	n_mis = read_counter(mload) + read_counter(mstore);
	out("keel-linux: pmu: ILLEGAL_INSN ");
	out_num(n_ill);
	out(" of " "5" ", MISALIGNED_LOAD+STORE ");
	out_num(n_mis);
	out(" of " "3" "\n");
	if ((n_ill != PMU_ILLEGAL_CHILDREN || n_mis != PMU_MISALIGNED_CHILDREN) && !*fail)
		*fail = "pmu: firmware event counts differ";
	SC(SYS_close, ill, 0, 0, 0, 0, 0);
	SC(SYS_close, mload, 0, 0, 0, 0, 0);
	SC(SYS_close, mstore, 0, 0, 0, 0, 0);
}

/* ---- SMP: timers, IPIs, remote TLB flushes and CPU hotplug ------------ */

#define MAX_CPUS 64 /* CPU masks are one unsigned long */
#define SMP_SLEEPS 3
#define SMP_SLEEP_MS 10
#define TLB_ROUNDS 6
#define DECOY_PAGES 8
#define TLB_MAGIC 0x6b65656c00000000UL /* "keel" */
#define WATCHDOG_S 20

/*
 * Shared with the CLONE_VM children below (the watchdog and the TLB
 * worker): they run in init's address space on stacks of their own.
 */
static unsigned char watchdog_stack[16384] __attribute__((aligned(16)));
static unsigned char worker_stack[16384] __attribute__((aligned(16)));
static const char *smp_stage = "start";
static long smp_stage_cpu = -1;
static int smp_done;

/* clone(CLONE_VM | SIGCHLD) running fn on stack_top: a process of its own
 * (wait4 reaps it) sharing init's memory. Defined in assembly below. */
long clone_vm(void (*fn)(void), void *stack_top);

static void stage(const char *what, long cpu)
{
	__atomic_store_n(&smp_stage_cpu, cpu, __ATOMIC_SEQ_CST);
	__atomic_store_n(&smp_stage, what, __ATOMIC_SEQ_CST);
}

/*
 * A hang (a CPU that never takes its timer interrupt, an IPI or a remote
 * fence that never completes, a CPU that never comes back online) must
 * end in a FAIL line, not in the test's timeout: this watchdog on CPU 0
 * powers the machine off if the SMP checks take more than WATCHDOG_S.
 */
static void watchdog(void)
{
	struct timespec ts = { 0, 100 * 1000000L };
	long t0 = monotonic_ms();

	pin(0);
	while (!__atomic_load_n(&smp_done, __ATOMIC_SEQ_CST)) {
		if (monotonic_ms() - t0 > WATCHDOG_S * 1000L) {
			long cpu = __atomic_load_n(&smp_stage_cpu, __ATOMIC_SEQ_CST);

			out("keel-linux: FAIL: smp: stuck in ");
			out(__atomic_load_n(&smp_stage, __ATOMIC_SEQ_CST));
			if (cpu >= 0) {
				out(" on cpu");
				out_num((unsigned long)cpu);
			}
			out(" for ");
			out_num(WATCHDOG_S);
			out(" s (watchdog)\n");
			power(REBOOT_CMD_POWER_OFF);
		}
		SC(SYS_nanosleep, &ts, 0, 0, 0, 0, 0);
	}
}

/* The per-CPU counts of /proc/interrupts that the checks look at. */
struct irq_counts {
	unsigned long cpus; /* the CPUs (columns) it lists */
	unsigned long resched[MAX_CPUS], callfunc[MAX_CPUS], timer[MAX_CPUS];
	int have_timer;
	unsigned long serial; /* ttyS0's interrupts, all CPUs together */
	int have_serial;
};

static const char *parse_num(const char *p, unsigned long *v)
{
	*v = 0;
	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9')
		*v = *v * 10 + (unsigned long)(*p++ - '0');
	return p;
}

/*
 * Linux 6.1 RISC-V: a header "CPU0 CPU1 ..." (online CPUs), then one line
 * per interrupt, among them the riscv-timer one and IPI0 (Rescheduling
 * interrupts) and IPI1 (Function call interrupts). Returns 0 or -errno.
 */
static long read_irqs(struct irq_counts *c)
{
	int col[MAX_CPUS], ncol = 0;
	long r = read_file("/proc/interrupts", scratch, sizeof(scratch));
	const char *p = scratch;

	memset(c, 0, sizeof(*c));
	if (r < 0)
		return r;
	while (*p && *p != '\n') {
		unsigned long cpu;

		if (starts_with(p, "CPU") && ncol < MAX_CPUS) {
			p = parse_num(p + 3, &cpu);
			if (cpu < MAX_CPUS) {
				col[ncol++] = (int)cpu;
				c->cpus |= 1UL << cpu;
			}
		} else {
			p++;
		}
	}
	while (*p) {
		const char *label, *q, *end;
		unsigned long v[MAX_CPUS];
		char line[256];
		size_t n = 0;

		p++; /* the '\n' */
		for (end = p; *end && *end != '\n'; end++)
			if (n < sizeof(line) - 1)
				line[n++] = *end;
		line[n] = 0;
		p = end;
		for (label = line; *label == ' '; label++)
			;
		q = find(label, ":");
		if (!q)
			continue;
		q++;
		for (int i = 0; i < ncol; i++)
			q = parse_num(q, &v[i]);
		/* q: the rest of the line, the interrupt's name */
		if (contains(q, "riscv-timer"))
			c->have_timer = 1;
		if (contains(q, "ttyS0")) {
			c->have_serial = 1;
			for (int i = 0; i < ncol; i++)
				c->serial += v[i];
		}
		for (int i = 0; i < ncol; i++) {
			if (starts_with(label, "IPI0:"))
				c->resched[col[i]] = v[i];
			else if (starts_with(label, "IPI1:"))
				c->callfunc[col[i]] = v[i];
			else if (contains(q, "riscv-timer"))
				c->timer[col[i]] = v[i];
		}
	}
	return 0;
}

/*
 * With console=ttyS0 the 8250 driver must have found the UART's PLIC line
 * (Keel's virtual PLIC) and be driven by it: /proc/interrupts then has a
 * ttyS0 line, and everything printed so far raised THR-empty interrupts.
 * Without a line it would poll the UART from a timer, silently.
 */
static void check_serial_irq(const char **fail)
{
	struct irq_counts c;

	if (!contains(cmdline, "console=ttyS0"))
		return;
	if (read_irqs(&c) < 0 || !c.have_serial) {
		say("ttyS0: no interrupt line in /proc/interrupts (polled)", "");
		first(fail, "ttyS0 is not interrupt-driven");
		return;
	}
	out("keel-linux: ttyS0: interrupt-driven, ");
	out_num(c.serial);
	out(" interrupts so far\n");
	if (!c.serial)
		first(fail, "ttyS0 has an interrupt line that never fired");
}

/*
 * (a) on one CPU: pinned to it, SMP_SLEEPS nanosleeps of SMP_SLEEP_MS, each
 * of which must return on that CPU after 10 ms to 1 s. Returns the ms they
 * took in all (or -1 if it could not run there); sets *why on a problem.
 */
static long timer_on(int cpu, const char **why)
{
	struct timespec ts = { 0, SMP_SLEEP_MS * 1000000L };
	long total = 0;

	stage("the timer check", cpu);
	if (pin(cpu) < 0) {
		first(why, "smp: timer: sched_setaffinity to a cpu failed");
		return -1;
	}
	for (int i = 0; i < SMP_SLEEPS; i++) {
		long t0, t1, where = this_cpu();

		t0 = monotonic_ms();
		SC(SYS_nanosleep, &ts, 0, 0, 0, 0, 0);
		t1 = monotonic_ms();
		if (where != cpu || this_cpu() != cpu) {
			first(why, "smp: timer: getcpu is not the cpu pinned to");
			return -1;
		}
		if (t0 < 0 || t1 < 0) {
			first(why, "smp: timer: clock_gettime failed");
			return -1;
		}
		if (t1 - t0 < SMP_SLEEP_MS || t1 - t0 > 100 * SMP_SLEEP_MS)
			first(why, "smp: timer: a 10 ms sleep took <10 ms or >1 s");
		total += t1 - t0;
	}
	return total;
}

/*
 * (c): a worker that shares init's memory, pinned to another CPU, reads a
 * data page and calls a function in a code page, round after round. Between
 * rounds init (on CPU 0) replaces both pages with new pages at the same
 * addresses (tlb_map); the code page is written while writable and then
 * mprotect'ed to read+exec. The worker's CPU holds TLB entries for the old
 * pages, so Linux must send it a remote sfence.vma (SBI RFENCE) and, for
 * the code, a remote fence.i; a stale TLB would show an old value.
 */
static struct {
	long go;   /* the round init published; -1: stop */
	long done; /* the round the worker has read */
	long cpu;  /* getcpu in the worker after that round */
	unsigned long first, last; /* the data page's first and last words */
	long code; /* what the code page's function returned */
} tlb;
static unsigned long *tlb_data, *tlb_decoy;
static unsigned int *tlb_code;
static int tlb_cpu;

static unsigned long rdtime(void)
{
	unsigned long t;

	__asm__ __volatile__("rdtime %0" : "=r"(t));
	return t;
}

/*
 * From its first read of the pages on, the worker only reads them, spins
 * on tlb.go and reads the time CSR: no system call (nor anything else)
 * that could flush its TLB by the way and hide a missing remote flush. On
 * QEMU, for instance, every write to sstatus.SUM (a user copy in a system
 * call such as getcpu) flushes the hart's whole TLB. So getcpu is called
 * only before the first round and after the last.
 */
static void tlb_worker(void)
{
	unsigned long t0 = rdtime();
	long seen = -1;

	pin(tlb_cpu);
	tlb.cpu = this_cpu();
	for (;;) {
		long r = __atomic_load_n(&tlb.go, __ATOMIC_SEQ_CST);

		if (r < 0)
			break;
		if (r == seen) {
			/* bounded: gives up if init stops talking for 10 s
			 * (of QEMU virt's 10 MHz timer) */
			if (rdtime() - t0 > 100000000UL)
				break;
			continue;
		}
		tlb.first = ((volatile unsigned long *)tlb_data)[0];
		tlb.last = ((volatile unsigned long *)tlb_data)[PAGE_SIZE / 8 - 1];
		tlb.code = ((long (*)(void))(unsigned long)tlb_code)();
		seen = r;
		t0 = rdtime();
		__atomic_store_n(&tlb.done, r, __ATOMIC_SEQ_CST);
	}
	if (tlb.cpu == tlb_cpu)
		tlb.cpu = this_cpu();
}

static unsigned long tlb_value(int cpu, long round)
{
	return TLB_MAGIC + ((unsigned long)cpu << 8) + (unsigned long)round;
}

static long anon(void *at, size_t len)
{
	return SC(SYS_mmap, at, len, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED : 0), -1, 0);
}

static void tlb_fill(unsigned long *data, unsigned int *code, int cpu, long round)
{
	for (int i = 0; i < PAGE_SIZE / 8; i++)
		data[i] = tlb_value(cpu, round);
	/* li a0, cpu * 64 + round; ret */
	code[0] = ((unsigned int)(cpu * 64 + round) << 20) | 0x513;
	code[1] = 0x00008067;
}

/*
 * The data and code pages of a round, at the same addresses as before from
 * round 1 on, in one of three ways:
 *   rounds 1, 4: filled at new addresses, then mremap(MREMAP_FIXED) over the
 *     old pages (which are freed with their old contents);
 *   rounds 2, 5: munmap, then mmap(MAP_FIXED) at the same addresses;
 *   rounds 3, 6: mmap(MAP_FIXED) over the old mappings.
 * In the last two, the pages just freed would be the next ones allocated
 * (Linux's per-CPU free lists are LIFO), i.e. the new pages, and a stale
 * translation would go unnoticed. So DECOY_PAGES pages are allocated in
 * between to take them, filled with "li a0, 2047; ret": through a stale
 * translation the worker reads that or runs it.
 */
static int tlb_map(int cpu, long round)
{
	int way = round ? (int)((round - 1) % 3) : 0;
	long d, c;

	if (way == 0) {
		d = anon(0, PAGE_SIZE);
		c = anon(0, PAGE_SIZE);
		if (d < 0 || c < 0)
			return -1;
		tlb_fill((unsigned long *)d, (unsigned int *)c, cpu, round);
		if (SC(SYS_mprotect, c, PAGE_SIZE, PROT_READ | PROT_EXEC, 0, 0, 0) < 0)
			return -1;
		if (round == 0) {
			tlb_data = (unsigned long *)d;
			tlb_code = (unsigned int *)c;
			return 0;
		}
		if (SC(SYS_mremap, d, PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		       tlb_data, 0) != (long)tlb_data ||
		    SC(SYS_mremap, c, PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		       tlb_code, 0) != (long)tlb_code)
			return -1;
		return 0;
	}
	if (way == 1) {
		SC(SYS_munmap, tlb_data, PAGE_SIZE, 0, 0, 0, 0);
		SC(SYS_munmap, tlb_code, PAGE_SIZE, 0, 0, 0, 0);
	}
	if (anon(tlb_data, PAGE_SIZE) != (long)tlb_data ||
	    anon(tlb_code, PAGE_SIZE) != (long)tlb_code)
		return -1;
	d = anon(0, DECOY_PAGES * PAGE_SIZE);
	if (d < 0)
		return -1;
	tlb_decoy = (unsigned long *)d;
	for (int i = 0; i < DECOY_PAGES * PAGE_SIZE / 8; i++)
		tlb_decoy[i] = 0x000080677ff00513UL;
	tlb_fill(tlb_data, tlb_code, cpu, round);
	return SC(SYS_mprotect, tlb_code, PAGE_SIZE, PROT_READ | PROT_EXEC, 0, 0, 0) < 0 ? -1 : 0;
}

static void tlb_drop_decoy(void)
{
	if (tlb_decoy)
		SC(SYS_munmap, tlb_decoy, DECOY_PAGES * PAGE_SIZE, 0, 0, 0, 0);
	tlb_decoy = 0;
}

/* Runs the worker on cpu for rounds 0..TLB_ROUNDS; counts the rounds in which
 * it saw the new data and ran the new code. */
static void tlb_on(int cpu, int *rounds, int *data_ok, int *code_ok, const char **why)
{
	struct timespec ms1 = { 0, 1000000L };
	long pid, round;
	int status, reaped = 0;

	stage("the tlb check", cpu);
	pin(0);
	if (tlb_map(cpu, 0) < 0) {
		first(why, "smp: tlb: mmap/mprotect failed");
		return;
	}
	tlb.go = 0;
	tlb.done = -1;
	tlb.cpu = -1;
	tlb_cpu = cpu;
	pid = clone_vm(tlb_worker, worker_stack + sizeof(worker_stack));
	if (pid < 0) {
		first(why, "smp: tlb: clone failed");
		goto unmap;
	}
	for (round = 0; round <= TLB_ROUNDS; round++) {
		long t0 = monotonic_ms();

		if (round && tlb_map(cpu, round) < 0) {
			first(why, "smp: tlb: mmap/munmap/mprotect failed");
			break;
		}
		__atomic_store_n(&tlb.go, round, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(&tlb.done, __ATOMIC_SEQ_CST) != round) {
			if (SC(SYS_wait4, pid, &status, WNOHANG, 0, 0, 0) == pid) {
				reaped = 1;
				first(why, "smp: tlb: the worker died");
				break;
			}
			if (monotonic_ms() - t0 > 2000) {
				first(why, "smp: tlb: the worker did not answer in 2 s");
				break;
			}
			SC(SYS_nanosleep, &ms1, 0, 0, 0, 0, 0);
		}
		if (__atomic_load_n(&tlb.done, __ATOMIC_SEQ_CST) != round)
			break;
		(*rounds)++;
		if (tlb.first == tlb_value(cpu, round) && tlb.last == tlb_value(cpu, round))
			(*data_ok)++;
		else
			first(why, "smp: tlb: the worker read stale data after a remap");
		if (tlb.code == cpu * 64 + round)
			(*code_ok)++;
		else
			first(why, "smp: tlb: the worker ran stale code after a remap");
		tlb_drop_decoy();
	}
	__atomic_store_n(&tlb.go, -1, __ATOMIC_SEQ_CST);
	if (!reaped) {
		if (round <= TLB_ROUNDS)
			SC(SYS_kill, pid, SIGKILL, 0, 0, 0, 0);
		SC(SYS_wait4, pid, &status, 0, 0, 0, 0);
	}
	/* getcpu in the worker before its first round and after its last */
	if (*rounds && tlb.cpu != cpu)
		first(why, "smp: tlb: the worker did not run on its cpu");
unmap:
	tlb_drop_decoy();
	SC(SYS_munmap, tlb_data, PAGE_SIZE, 0, 0, 0, 0);
	SC(SYS_munmap, tlb_code, PAGE_SIZE, 0, 0, 0, 0);
}

/* "3x10 ms nanosleep" */
static void out_sleeps(void)
{
	out_num(SMP_SLEEPS);
	out("x");
	out_num(SMP_SLEEP_MS);
	out(" ms nanosleep");
}

static void out_cpu(int cpu)
{
	out(" cpu");
	out_num((unsigned long)cpu);
}

/* "0-3" or "0,2-3" (sysfs CPU lists) as a mask; 0 if unreadable */
static unsigned long read_cpu_list(const char *path, char *buf, size_t size)
{
	unsigned long mask = 0, a, b;
	const char *p = buf;

	if (read_file(path, buf, size) < 0)
		return 0;
	while (*p >= '0' && *p <= '9') {
		p = parse_num(p, &a);
		b = a;
		if (*p == '-')
			p = parse_num(p + 1, &b);
		for (; a <= b && a < MAX_CPUS; a++)
			mask |= 1UL << a;
		if (*p == ',')
			p++;
	}
	return mask;
}

/* Writes "0" or "1" to /sys/devices/system/cpu/cpuN/online. Returns what
 * write returned (1) or -errno; *ms is how long it took. */
static long set_online(int cpu, int on, long *ms)
{
	char path[] = "/sys/devices/system/cpu/cpu?/online";
	long fd, r, t0;

	path[27] = (char)('0' + cpu);
	fd = SC(SYS_openat, AT_FDCWD, path, O_WRONLY, 0, 0, 0);
	if (fd < 0)
		return fd;
	t0 = monotonic_ms();
	r = SC(SYS_write, fd, on ? "1" : "0", 1, 0, 0, 0);
	*ms = monotonic_ms() - t0;
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	return r;
}

/*
 * (d): cpu goes offline (Linux: SBI HSM hart_stop on it, then hart_get_status
 * must say STOPPED) and online again (hart_start), then (a) and (c) on it.
 */
/* " new data 7/7, new code 7/7": rounds that saw the remapped page */
static void out_tlb_counts(int data_ok, int code_ok, int rounds)
{
	out(" new data ");
	out_num((unsigned long)data_ok);
	out("/");
	out_num((unsigned long)rounds);
	out(", new code ");
	out_num((unsigned long)code_ok);
	out("/");
	out_num((unsigned long)rounds);
}

/* "in 45 ms, cpuinfo count 3, online 0,2-3" (or "failed (errno N)") */
static void out_hotplug_step(long r, long ms, int cpus, const char *online)
{
	if (r == 1) {
		out("in ");
		out_num((unsigned long)ms);
		out(" ms");
	} else {
		out("failed (errno ");
		out_num((unsigned long)-r);
		out(")");
	}
	out(", cpuinfo count ");
	out_num((unsigned long)(cpus < 0 ? 0 : cpus));
	out(", online ");
	out(online);
}

static void check_hotplug(int cpu, int cpus, const char **fail)
{
	char off_list[64], on_list[64];
	const char *why = 0;
	long r_off, r_on, ms_off = 0, ms_on = 0, slept;
	int n_off, n_on, rounds = 0, data_ok = 0, code_ok = 0, stop_pending = 0;
	struct irq_counts after;
	int have_irqs;

	stage("taking a cpu offline", cpu);
	pin(0);
	/* The kernel prints as the CPU goes and comes back: let the console
	 * send the lines above first, so that its lines do not land in the
	 * middle of them (a polled UART sends 16 bytes a tick). */
	SC(SYS_ioctl, 1, TCSBRK, 1, 0, 0, 0);
	r_off = set_online(cpu, 0, &ms_off);
	if (r_off == -ENOENT) {
		out("keel-linux: smp: hotplug: skipped (no /sys/devices/system/cpu/cpu");
		out_num((unsigned long)cpu);
		out("/online)\n");
		return;
	}
	n_off = count_cpus();
	read_cpu_list("/sys/devices/system/cpu/online", off_list, sizeof(off_list));
	stage("bringing a cpu back online", cpu);
	r_on = set_online(cpu, 1, &ms_on);
	n_on = count_cpus();
	read_cpu_list("/sys/devices/system/cpu/online", on_list, sizeof(on_list));
	if (r_off != 1)
		why = "smp: hotplug: writing 0 to cpuN/online failed";
	else if (n_off != cpus - 1)
		why = "smp: hotplug: the cpu count did not drop by one";
	else if (r_on != 1)
		why = "smp: hotplug: writing 1 to cpuN/online failed";
	else if (n_on != cpus)
		why = "smp: hotplug: the cpu count did not come back";

	/*
	 * What the kernel said (its log's last 8 KiB). Linux 6.1 asks SBI HSM
	 * hart_get_status as soon as the dying CPU has reported itself dead,
	 * just before that CPU calls hart_stop: "CPUn may not have stopped: 3"
	 * (STOP_PENDING) is that race, seen on QEMU 7.2 + OpenSBI 1.1 in about
	 * one run in ten, and tolerated. Any other status there (START_PENDING, a
	 * suspend state, an error) is not. (STARTED cannot be told from
	 * STOPPED: Linux 6.1 prints nothing for either.)
	 */
	{
		char dead[] = "CPU ?: didn't die", stop[] = "CPU? may not have stopped: ",
		     up[] = "CPU?: failed to come online", start[] = "CPU?: failed to start";
		long n = SC(SYS_syslog, SYSLOG_ACTION_READ_ALL, scratch, sizeof(scratch) - 1, 0, 0, 0);
		const char *m;

		dead[4] = stop[3] = up[3] = start[3] = (char)('0' + cpu);
		scratch[n > 0 ? n : 0] = 0;
		m = find(scratch, stop);
		if (m) {
			m += slen(stop);
			if (m[0] == '3' && (m[1] == '\n' || m[1] == 0))
				stop_pending = 1;
			else if (!why)
				why = "smp: hotplug: hart_get_status did not say STOPPED after hart_stop";
		}
		if (!why && (find(scratch, dead) || find(scratch, up) || find(scratch, start)))
			why = "smp: hotplug: the kernel says the cpu did not stop or start cleanly";
	}

	have_irqs = 0;
	slept = -1;
	if (!why) {
		struct irq_counts b;

		have_irqs = read_irqs(&b) == 0 && b.have_timer;
		slept = timer_on(cpu, &why);
		pin(0);
		if (have_irqs && read_irqs(&after) == 0) {
			after.timer[cpu] -= b.timer[cpu];
			if (!after.timer[cpu] && !why)
				why = "smp: hotplug: no timer interrupt on the cpu once back online";
		}
		if (!why)
			tlb_on(cpu, &rounds, &data_ok, &code_ok, &why);
	}

	out("keel-linux: smp: hotplug: cpu");
	out_num((unsigned long)cpu);
	out(" offline ");
	out_hotplug_step(r_off, ms_off, n_off, off_list);
	if (stop_pending)
		out(" (Linux saw STOP_PENDING)");
	out("; back ");
	out_hotplug_step(r_on, ms_on, n_on, on_list);
	if (slept >= 0) {
		out("; then on it: ");
		out_sleeps();
		out(" in ");
		out_num((unsigned long)slept);
		out(" ms");
		if (have_irqs) {
			out("/");
			out_num(after.timer[cpu]);
			out(" timer irqs");
		}
		out(", tlb");
		out_tlb_counts(data_ok, code_ok, rounds);
	}
	out("\n");
	if (why && !*fail)
		*fail = why;
}

static void check_smp(int cpus, const char **fail)
{
	struct irq_counts before, after;
	char list[64];
	unsigned long online, ticks[MAX_CPUS];
	long ms[MAX_CPUS], wd, err;
	const char *why = 0;
	int have_irqs, have_timer, status, cpu, hp = -1;
	int rounds = 0, data_ok = 0, code_ok = 0;

	if (cpus <= 1) {
		say("smp: skipped (1 cpu)", "");
		return;
	}
	online = read_cpu_list("/sys/devices/system/cpu/online", list, sizeof(list));
	if (!(online & 1)) {
		say("smp: no cpu0 in /sys/devices/system/cpu/online: ", list);
		if (!*fail)
			*fail = "smp: cannot read the online cpus";
		return;
	}
	wd = clone_vm(watchdog, watchdog_stack + sizeof(watchdog_stack));

	/*
	 * (a) timers on every CPU, with the timer interrupts each CPU took
	 * while init slept on it; the migrations between them need IPIs.
	 */
	memset(&after, 0, sizeof(after));
	err = read_irqs(&before);
	have_irqs = err == 0;
	have_timer = have_irqs && before.have_timer;
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (!(online & (1UL << cpu)))
			continue;
		if (have_timer)
			read_irqs(&after);
		ticks[cpu] = after.timer[cpu];
		ms[cpu] = timer_on(cpu, &why);
		if (have_timer)
			read_irqs(&after);
		ticks[cpu] = after.timer[cpu] - ticks[cpu];
	}
	stage("the timer check", 0);
	pin(0);
	if (have_irqs && read_irqs(&after) < 0)
		have_irqs = 0;
	out("keel-linux: smp: timer: ");
	out_sleeps();
	out(" pinned to each cpu, ms");
	out(have_timer ? "/its timer irqs meanwhile:" : ":");
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (!(online & (1UL << cpu)))
			continue;
		out_cpu(cpu);
		out(" ");
		if (ms[cpu] < 0)
			out("-");
		else
			out_num((unsigned long)ms[cpu]);
		if (have_timer) {
			out("/");
			out_num(ticks[cpu]);
			if (!ticks[cpu] && !why)
				why = "smp: timer: a cpu took no timer interrupt while init slept on it";
		}
	}
	out("\n");
	if (why && !*fail)
		*fail = why;

	/* (b) the IPIs those migrations took */
	why = 0;
	if (!have_irqs) {
		out("keel-linux: smp: ipi: skipped (no /proc/interrupts: errno ");
		out_num((unsigned long)-err);
		out(")\n");
	} else {
		out("keel-linux: smp: ipi: reschedule/call-function IPIs per cpu since boot:");
		for (cpu = 0; cpu < MAX_CPUS; cpu++) {
			if (!(online & (1UL << cpu)))
				continue;
			out_cpu(cpu);
			out(" ");
			out_num(after.resched[cpu]);
			out("/");
			out_num(after.callfunc[cpu]);
			if (!(after.cpus & (1UL << cpu)))
				first(&why, "smp: ipi: an online cpu is missing in /proc/interrupts");
			else if (!after.resched[cpu] && !after.callfunc[cpu])
				first(&why, "smp: ipi: a cpu got no reschedule or call-function IPI");
		}
		out(", during the timer check:");
		for (cpu = 0; cpu < MAX_CPUS; cpu++) {
			unsigned long d;

			if (!(online & (1UL << cpu)))
				continue;
			d = after.resched[cpu] + after.callfunc[cpu] -
			    before.resched[cpu] - before.callfunc[cpu];
			out_cpu(cpu);
			out(" +");
			out_num(d);
			if (!d && !why)
				why = "smp: ipi: a cpu got no IPI while init migrated to it";
		}
		out("\n");
	}
	if (why && !*fail)
		*fail = why;

	/* (c) remote TLB flushes and fence.i: a worker on every other CPU */
	why = 0;
	for (cpu = 1; cpu < MAX_CPUS; cpu++)
		if (online & (1UL << cpu))
			tlb_on(cpu, &rounds, &data_ok, &code_ok, &why);
	out("keel-linux: smp: tlb: a worker on each of");
	for (cpu = 1; cpu < MAX_CPUS; cpu++)
		if (online & (1UL << cpu))
			out_cpu(cpu);
	out(" read a page and ran code cpu0 remapped ");
	out_num(TLB_ROUNDS);
	out(" times:");
	out_tlb_counts(data_ok, code_ok, rounds);
	out("\n");
	if (!rounds && !why)
		why = "smp: tlb: no worker ran";
	if (why && !*fail)
		*fail = why;

	/* (d) CPU hotplug of the first CPU after 0 */
	for (cpu = 1; cpu < MAX_CPUS && hp < 0; cpu++)
		if (online & (1UL << cpu))
			hp = cpu;
	if (hp < 0 || hp > 9)
		say("smp: hotplug: skipped (no cpu 1..9 online)", "");
	else
		check_hotplug(hp, cpus, fail);

	set_affinity(online);
	__atomic_store_n(&smp_done, 1, __ATOMIC_SEQ_CST);
	if (wd > 0) {
		SC(SYS_kill, wd, SIGKILL, 0, 0, 0, 0);
		SC(SYS_wait4, wd, &status, 0, 0, 0, 0);
	}
}

/* ---- checks asked for on the command line: keel.checks=a,b,c ---------- */

/*
 * Each check named in keel.checks= runs after the ones above and prints
 * "keel-linux: NAME: PASS ..." or "keel-linux: NAME: FAIL: why". One the
 * kernel cannot do (Linux 6.1 has no SBI STA, no SBI SUSP) fails, saying
 * why: a check asked for is never skipped. They are what the 6.12 guest
 * adds (docs/testing.md, the linux612-* cases), but any kernel may be asked.
 */

/* The kernel's log (its last 8 KiB) in scratch; does it contain s? */
static int kernel_said(const char *s)
{
	long n = SC(SYS_syslog, SYSLOG_ACTION_READ_ALL, scratch, sizeof(scratch) - 1, 0, 0, 0);

	scratch[n > 0 ? n : 0] = 0;
	return contains(scratch, s);
}

/* The time CSR's frequency from the device tree (QEMU virt: 10 MHz). */
static unsigned long timebase_hz(void)
{
	unsigned char be[4];
	long fd = SC(SYS_openat, AT_FDCWD, "/sys/firmware/devicetree/base/cpus/timebase-frequency",
		     O_RDONLY, 0, 0, 0);
	long r;

	if (fd < 0)
		return 10000000;
	r = SC(SYS_read, fd, be, sizeof(be), 0, 0, 0);
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	if (r != sizeof(be))
		return 10000000;
	return ((unsigned long)be[0] << 24) | ((unsigned long)be[1] << 16) |
	       ((unsigned long)be[2] << 8) | be[3];
}

static unsigned long ticks_to_ms(unsigned long ticks)
{
	return ticks / (timebase_hz() / 1000);
}

/* -- steal: /proc/stat's steal column while two CPUs share one hart ----- */

#define STEAL_SPIN_MS 2000
#define STAT_FIELDS 8 /* user nice system idle iowait irq softirq steal */
#define STAT_STEAL 7

/* The fields of /proc/stat's line for "cpu " (all) or "cpuN ". */
static int read_stat(const char *label, unsigned long f[STAT_FIELDS])
{
	const char *p;

	if (read_file("/proc/stat", scratch, sizeof(scratch)) < 0)
		return -1;
	for (p = scratch; *p; p++) {
		if ((p == scratch || p[-1] == '\n') && starts_with(p, label)) {
			p += slen(label);
			for (int i = 0; i < STAT_FIELDS; i++)
				p = parse_num(p, &f[i]);
			return 0;
		}
	}
	return -1;
}

/* every column: the ticks that passed on the cpus the line covers */
static unsigned long stat_total(const unsigned long f[STAT_FIELDS])
{
	unsigned long t = 0;

	for (int i = 0; i < STAT_FIELDS; i++)
		t += f[i];
	return t;
}

static void spin_until(unsigned long deadline)
{
	while (rdtime() < deadline)
		;
}

static unsigned long steal_deadline;

static void steal_spinner(void)
{
	pin(1);
	spin_until(steal_deadline);
}

/*
 * Two busy CPUs on one hart (the case gives QEMU one hart, or pins both
 * vCPUs to it): each runs about half the time, and Linux 6.8+ accounts the
 * other half, which Keel's SBI STA record reports, as steal. Of the busy
 * time (2 cpus x STEAL_SPIN_MS) at least a quarter must show up as steal in
 * /proc/stat (an even share gives half), on both cpus, and no more than
 * the time that passed. /proc/stat counts in USER_HZ (100) ticks of 10 ms.
 */
static void check_steal(int cpus, const char **fail)
{
	unsigned long a[STAT_FIELDS], b[STAT_FIELDS], a0[STAT_FIELDS], b0[STAT_FIELDS];
	unsigned long a1[STAT_FIELDS], b1[STAT_FIELDS];
	unsigned long steal, total, s0, s1, t0, passed, busy = 2 * STEAL_SPIN_MS / 10;
	const char *why = 0;
	long pid;
	int status;

	if (cpus < 2) {
		verdict("steal", "two cpus needed (keel.checks=steal on one)", fail);
		return;
	}
	pin(0);
	t0 = rdtime();
	steal_deadline = t0 + STEAL_SPIN_MS * (timebase_hz() / 1000);
	if (read_stat("cpu ", a) < 0 || read_stat("cpu0 ", a0) < 0 || read_stat("cpu1 ", a1) < 0) {
		verdict("steal", "cannot read /proc/stat", fail);
		return;
	}
	pid = SC(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
	if (pid == 0) {
		steal_spinner();
		SC(SYS_exit, 0, 0, 0, 0, 0, 0);
	}
	spin_until(steal_deadline);
	if (pid > 0)
		SC(SYS_wait4, pid, &status, 0, 0, 0, 0);
	if (pid < 0 || read_stat("cpu ", b) < 0 || read_stat("cpu0 ", b0) < 0 ||
	    read_stat("cpu1 ", b1) < 0) {
		verdict("steal", pid < 0 ? "clone failed" : "cannot read /proc/stat", fail);
		return;
	}
	passed = ticks_to_ms(rdtime() - t0) / 10;
	steal = b[STAT_STEAL] - a[STAT_STEAL];
	total = stat_total(b) - stat_total(a);
	s0 = b0[STAT_STEAL] - a0[STAT_STEAL];
	s1 = b1[STAT_STEAL] - a1[STAT_STEAL];
	out("keel-linux: steal: cpu0 and cpu1 busy ");
	out_num(STEAL_SPIN_MS);
	out(" ms each (");
	out_num(busy);
	out(" ticks of 10 ms, ");
	out_num(passed);
	out(" passed): /proc/stat steal +");
	out_num(steal);
	out(" ticks (");
	out_num(steal * 100 / busy);
	out("% of the busy time; all columns +");
	out_num(total);
	out("), cpu0 +");
	out_num(s0);
	out(", cpu1 +");
	out_num(s1);
	out("\n");
	if (!steal && !kernel_said("SBI STA extension detected"))
		why = "no steal: the kernel found no SBI STA (Linux 6.8+ with CONFIG_PARAVIRT)";
	else if (steal * 4 < busy)
		why = "steal below a quarter of the busy time";
	else if (steal > 2 * passed + 2)
		why = "more steal than the time that passed on two cpus";
	else if (!s0 || !s1)
		why = "a cpu saw no steal";
	verdict("steal", why, fail);
}

/* -- suspend: echo mem > /sys/power/state, woken by a key ---------------- */

/* The console's termios (asm-generic/termbits.h), for its ECHO bit */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TERMIOS_ECHO 0x8
struct termios {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line, c_cc[19];
};

/* Turns the console's echo of typed input on or off. */
static void console_echo(int on)
{
	struct termios t;

	if (SC(SYS_ioctl, 0, TCGETS, &t, 0, 0, 0) < 0)
		return;
	t.c_lflag = on ? t.c_lflag | TERMIOS_ECHO : t.c_lflag & ~TERMIOS_ECHO;
	SC(SYS_ioctl, 0, TCSETS, &t, 0, 0, 0);
}

/*
 * Linux (6.6+) stops the other CPUs (SBI HSM hart_stop, as SBI SUSP
 * requires), suspends its devices and calls SBI SUSP system_suspend; Keel
 * keeps the VM asleep until an interrupt it enabled is pending. The test
 * types a key on ttyS0: its receive interrupt (armed as a wake-up source
 * through power/wakeup) wakes it. The write returns after the resume.
 * keel.suspend-ms=N: at least N ms must have passed (the test waits that
 * long before it types); the CPUs online before must be online after.
 */
static void check_suspend(const char **fail)
{
	char state[128], before[64], after[64];
	unsigned long on_before, on_after, min_ms = cmdline_num("keel.suspend-ms", 0);
	unsigned long t0, t1, ms;
	long r, m0, m1;
	const char *why = 0;

	if (read_file("/sys/power/state", state, sizeof(state)) < 0) {
		verdict("suspend", "no /sys/power/state (CONFIG_PM_SLEEP)", fail);
		return;
	}
	say("suspend: /sys/power/state: ", state);
	if (!find_word(state, "mem")) {
		verdict("suspend",
			"no mem in /sys/power/state: no suspend to RAM (SBI SUSP, Linux 6.6+)",
			fail);
		return;
	}
	if (contains(cmdline, "console=ttyS0")) {
		r = write_file("/sys/class/tty/ttyS0/power/wakeup", "enabled");
		if (r < 0) {
			verdict("suspend", "cannot make ttyS0 a wake-up source (power/wakeup)",
				fail);
			return;
		}
	}
	/* the key that wakes it is not echoed into the middle of a line (the
	 * shell, keel.shell, turns echo back on) */
	console_echo(0);
	pin(0);
	on_before = read_cpu_list("/sys/devices/system/cpu/online", before, sizeof(before));
	out("keel-linux: suspend: suspending (echo mem > /sys/power/state) with cpus ");
	out(before);
	out(" online; a key on the console wakes it\n");
	SC(SYS_ioctl, 1, TCSBRK, 1, 0, 0, 0);
	t0 = rdtime();
	m0 = monotonic_ms();
	r = write_file("/sys/power/state", "mem");
	t1 = rdtime();
	m1 = monotonic_ms();
	ms = ticks_to_ms(t1 - t0);
	on_after = read_cpu_list("/sys/devices/system/cpu/online", after, sizeof(after));
	out("keel-linux: suspend: resumed: the write returned ");
	if (r < 0) {
		out("-");
		out_num((unsigned long)-r);
	} else {
		out_num((unsigned long)r);
	}
	out(" after ");
	out_num(ms);
	out(" ms (time CSR; monotonic clock +");
	out_num((unsigned long)(m1 - m0));
	out(" ms), cpus online ");
	out(after);
	out(", ");
	out_num((unsigned long)count_cpus());
	out(" in cpuinfo\n");
	if (r != 3)
		why = "the write of mem to /sys/power/state failed";
	else if (ms < min_ms)
		why = "it came back sooner than keel.suspend-ms: it did not sleep";
	else if (on_after != on_before)
		why = "the cpus online after the resume are not those before";
	else if (on_before != 1 && !kernel_said("Disabling non-boot CPUs"))
		why = "the kernel log does not say the other cpus were stopped first";
	verdict("suspend", why, fail);
}

/* The checks of keel.checks= that passed, for the final PASS line */
static char passed_checks[64];

/* Runs each check of keel.checks=a,b,c in order. */
static void run_asked_checks(int cpus, const char **fail)
{
	const char *p = find_word(cmdline, "keel.checks");

	if (!p || *p != '=')
		return;
	for (p++; *p && *p != ' ';) {
		char name[32];
		size_t n = 0;

		while (*p && *p != ' ' && *p != ',')
			if (n < sizeof(name) - 1)
				name[n++] = *p++;
			else
				p++;
		name[n] = 0;
		if (*p == ',')
			p++;
		const char *before = *fail;

		if (str_eq(name, "steal"))
			check_steal(cpus, fail);
		else if (str_eq(name, "suspend"))
			check_suspend(fail);
		else if (str_eq(name, "disk"))
			check_disk(fail);
		else if (str_eq(name, "disk-read"))
			check_disk_read(fail);
		else if (str_eq(name, "net"))
			check_net(fail);
		else if (str_eq(name, "hvc"))
			check_hvc(fail);
		else if (str_eq(name, "perf"))
			verdict("perf", pmu_hw_failed, fail); /* check_pmu_hw() ran */
		else if (n) {
			out("keel-linux: keel.checks: unknown check '");
			out(name);
			out("' (known: steal suspend perf disk disk-read net hvc)\n");
			first(fail, "keel.checks names an unknown check");
		}
		if (n && *fail == before) {
			size_t len = slen(passed_checks);

			if (len + n + 2 < sizeof(passed_checks)) {
				if (len)
					passed_checks[len++] = ',';
				memcpy(passed_checks + len, name, n + 1);
			}
		}
	}
}

/* -- which kernel: uname, and keel.kernel=V ------------------------------ */

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* Prints the kernel release; with keel.kernel=V it must be V or V.x. */
static void check_kernel(const char **fail)
{
	static struct utsname u;
	const char *want = find_word(cmdline, "keel.kernel");
	char v[16];
	size_t n = 0;

	if (SC(SYS_uname, &u, 0, 0, 0, 0, 0) < 0) {
		first(fail, "uname failed");
		return;
	}
	say("kernel: Linux ", u.release);
	if (!want || *want != '=')
		return;
	for (want++; *want && *want != ' ' && n < sizeof(v) - 1;)
		v[n++] = *want++;
	v[n] = 0;
	if (!starts_with(u.release, v) ||
	    (u.release[n] != 0 && u.release[n] != '.' && u.release[n] != '-')) {
		out("keel-linux: kernel: keel.kernel=");
		out(v);
		out(" asked for, but this is ");
		out(u.release);
		out("\n");
		first(fail, "kernel: not the version keel.kernel= names");
	}
}

static void init_main(void)
{
	const char *fail = 0;
	const char *want;
	struct timespec ts = { 0, SLEEP_MS * 1000000L };
	long t0, t1, elapsed, cmdline_len;
	int cpus;

	say("init started", "");
	/*
	 * The platform timer since the machine was reset (10 MHz on QEMU
	 * virt): under -icount shift=0 one tick is 100 retired instructions,
	 * so this measures the whole boot, firmware and hypervisor included.
	 */
	out("keel-linux: time at init: ");
	out_num(rdtime());
	out(" timer ticks since reset\n");

	mount_fs("proc", "/proc", &fail);
	mount_fs("sysfs", "/sys", &fail);
	mount_fs("devtmpfs", "/dev", &fail);

	/* Read now, printed below: keel.root= may take /init to the disk. */
	cmdline_len = read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	if (cmdline_len >= 0)
		root_switch_if_asked(&fail);
	root_print(&fail);
	root_set_clock();

	cpus = count_cpus();
	if (cpus < 0) {
		say("cpus: cannot read /proc/cpuinfo", "");
		if (!fail)
			fail = "no /proc/cpuinfo";
	} else {
		out("keel-linux: cpus: ");
		out_num((unsigned long)cpus);
		out("\n");
		if (cpus < 1 && !fail)
			fail = "no processor in /proc/cpuinfo";
	}

	/* The timer: nanosleep only returns if timer interrupts arrive. */
	print_uptime();
	t0 = monotonic_ms();
	SC(SYS_nanosleep, &ts, 0, 0, 0, 0, 0);
	t1 = monotonic_ms();
	elapsed = t1 - t0;
	print_uptime();
	if (t0 < 0 || t1 < 0) {
		say("timer: clock_gettime failed", "");
		if (!fail)
			fail = "clock_gettime failed";
	} else {
		out("keel-linux: timer: slept " );
		out_num(SLEEP_MS);
		out(" ms, monotonic clock advanced ");
		out_num((unsigned long)elapsed);
		out(" ms\n");
		if ((elapsed < SLEEP_MS || elapsed > 100 * SLEEP_MS) && !fail)
			fail = "timer: elapsed time out of range";
	}

	if (cmdline_len < 0) {
		say("cmdline: cannot read /proc/cmdline", "");
		if (!fail)
			fail = "no /proc/cmdline";
	} else {
		say("cmdline: ", cmdline);
	}

	want = find_word(cmdline, "keel.cpus");
	if (want && *want == '=') {
		unsigned long n = 0;
		for (want++; *want >= '0' && *want <= '9'; want++)
			n = n * 10 + (unsigned long)(*want - '0');
		if ((unsigned long)cpus != n) {
			out("keel-linux: cpus: keel.cpus=");
			out_num(n);
			out(" asked for, but ");
			out_num((unsigned long)(cpus < 0 ? 0 : cpus));
			out(" came up\n");
			if (!fail)
				fail = "cpus: count differs from keel.cpus=";
		}
	}

	check_kernel(&fail);
	check_pmu(&fail);
	check_pmu_hw(&fail);
	check_serial_irq(&fail);
	check_smp(cpus, &fail);
	run_asked_checks(cpus, &fail);

	if (fail) {
		say("FAIL: ", fail);
	} else if (passed_checks[0]) {
		/* "PASS (keel.checks passed: steal)": the asked checks ran */
		out("keel-linux: PASS (keel.checks passed: ");
		out(passed_checks);
		out(")\n");
	} else {
		say("PASS", "");
	}

	if (find_word(cmdline, "keel.shell"))
		shell();
	/* keel.disk-boots=N: reboot until the disk has counted N boots (a VM reset keeps its disk) */
	if (disk_boot && disk_boot < cmdline_num("keel.disk-boots", 0))
		power(REBOOT_CMD_RESTART);
	power(REBOOT_CMD_POWER_OFF);
}

void start_c(void)
{
	init_main();
	SC(SYS_exit, 0, 0, 0, 0, 0, 0);
}

/* The kernel enters here with sp at argc; gp must be set up by hand since
 * there is no C runtime and the linker relaxes accesses against it. */
__asm__(".section .text._start, \"ax\"\n"
	".global _start\n"
	"_start:\n"
	".option push\n"
	".option norelax\n"
	"	la gp, __global_pointer$\n"
	".option pop\n"
	"	andi sp, sp, -16\n"
	"	call start_c\n"
	"1:	j 1b\n");

/* long clone_vm(void (*fn)(void), void *stack_top): clone(CLONE_VM |
 * SIGCHLD, stack_top); the child calls fn on that stack, then exits. */
__asm__(".section .text.clone_vm, \"ax\"\n"
	".global clone_vm\n"
	"clone_vm:\n"
	"	mv t1, a0\n"
	"	li a0, 0x111\n" /* CLONE_VM (0x100) | SIGCHLD (17) */
	"	li a2, 0\n"
	"	li a3, 0\n"
	"	li a4, 0\n"
	"	li a7, 220\n" /* SYS_clone; a1 is already stack_top */
	"	ecall\n"
	"	beqz a0, 1f\n"
	"	ret\n"
	"1:	jalr t1\n"
	"	li a0, 0\n"
	"	li a7, 93\n" /* SYS_exit */
	"	ecall\n"
	"2:	j 2b\n");
