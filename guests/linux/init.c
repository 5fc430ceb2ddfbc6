/*
 * /init of Keel's Linux guest: a static RISC-V Linux program built with
 * -nostdlib and raw system calls (no libc), so it is a few KiB and needs
 * nothing beyond the cross compiler.
 *
 * It mounts proc, sysfs and devtmpfs, prints what it finds (CPUs, whether
 * the timer ticks, the kernel command line), then "keel-linux: PASS" or
 * "keel-linux: FAIL: <reason>", and powers off with reboot(POWER_OFF), which
 * the RISC-V kernel turns into an SBI SRST call.
 *
 * Command line options it reads from /proc/cmdline:
 *   keel.shell    do not power off: offer a small read-eval loop instead
 *   keel.cpus=N   FAIL unless exactly N CPUs show up in /proc/cpuinfo
 */

typedef unsigned long size_t;
typedef long ssize_t;

/* Generic Linux system call numbers (include/uapi/asm-generic/unistd.h),
 * which RISC-V uses. */
#define SYS_ioctl 29
#define SYS_mkdirat 34
#define SYS_mount 40
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_nanosleep 101
#define SYS_clock_gettime 113
#define SYS_reboot 142

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 1
#define CLOCK_MONOTONIC 1
#define TCSBRK 0x5409 /* with arg 1: tcdrain() */
#define EBUSY 16

#define REBOOT_MAGIC1 0xfee1deadUL
#define REBOOT_MAGIC2 672274793UL
#define REBOOT_CMD_RESTART 0x01234567UL
#define REBOOT_CMD_POWER_OFF 0x4321fedcUL

#define SYS_clone 220
#define SYS_wait4 260
#define SYS_perf_event_open 241
#define SIGCHLD 17
#define PERF_TYPE_RAW 4
#define PERF_ATTR_SIZE_VER0 64
#define PERF_ATTR_DISABLED (1UL << 0)
#define PERF_ATTR_INHERIT (1UL << 1)
#define PERF_EVENT_IOC_ENABLE 0x2400
#define PERF_EVENT_IOC_DISABLE 0x2401
/* Linux 6.1 riscv_pmu_sbi: raw config bit 63 selects an SBI firmware event */
#define SBI_FW_EVENT(code) ((1UL << 63) | (code))
#define SBI_PMU_FW_MISALIGNED_LOAD 0
#define SBI_PMU_FW_MISALIGNED_STORE 1
#define SBI_PMU_FW_ILLEGAL_INSN 4

/* struct perf_event_attr up to PERF_ATTR_SIZE_VER0 */
struct perf_attr {
	unsigned int type, size;
	unsigned long config, sample_period, sample_type, read_format;
	unsigned long flags; /* the bitfield: disabled, inherit, ... */
	unsigned int wakeup_events, bp_type;
	unsigned long config1;
};

struct timespec {
	long tv_sec;
	long tv_nsec;
};

static long syscall6(long n, long a0, long a1, long a2, long a3, long a4,
		     long a5)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a4 __asm__("a4") = a4;
	register long r_a5 __asm__("a5") = a5;
	register long r_a7 __asm__("a7") = n;

	__asm__ volatile("ecall"
			 : "+r"(r_a0)
			 : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4),
			   "r"(r_a5), "r"(r_a7)
			 : "memory");
	return r_a0;
}

#define SC(n, a, b, c, d, e, f) \
	syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), \
		 (long)(f))

/* The compiler may emit calls to these even with -ffreestanding. */
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

/* ---- output ------------------------------------------------------------ */

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void out(const char *s)
{
	size_t n = slen(s);
	while (n) {
		long r = SC(SYS_write, 1, s, n, 0, 0, 0);
		if (r <= 0)
			return;
		s += r;
		n -= (size_t)r;
	}
}

static void out_num(unsigned long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out(&buf[i]);
}

/* "keel-linux: " + a + b + "\n" */
static void say(const char *a, const char *b)
{
	out("keel-linux: ");
	out(a);
	out(b);
	out("\n");
}

/* ---- small helpers ----------------------------------------------------- */

static int starts_with(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return 0;
	return 1;
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Reads a whole (small) file into buf, NUL-terminated, with the trailing
 * newline removed. Returns its length or a negative errno. */
static long read_file(const char *path, char *buf, size_t size)
{
	long fd = SC(SYS_openat, AT_FDCWD, path, O_RDONLY, 0, 0, 0);
	size_t n = 0;

	if (fd < 0)
		return fd;
	while (n < size - 1) {
		long r = SC(SYS_read, fd, buf + n, size - 1 - n, 0, 0, 0);
		if (r < 0) {
			SC(SYS_close, fd, 0, 0, 0, 0, 0);
			return r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	while (n && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return (long)n;
}

/* Looks for a space-separated word in s: "name" alone or "name=value".
 * Returns a pointer just past "name" (at '=' or the end of the word). */
static const char *find_word(const char *s, const char *name)
{
	size_t n = slen(name);

	while (*s) {
		while (*s == ' ')
			s++;
		if (starts_with(s, name) &&
		    (s[n] == 0 || s[n] == ' ' || s[n] == '='))
			return s + n;
		while (*s && *s != ' ')
			s++;
	}
	return 0;
}

static long monotonic_ms(void)
{
	struct timespec ts;

	if (SC(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, 0, 0, 0, 0) < 0)
		return -1;
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- what init checks -------------------------------------------------- */

static char cmdline[1024];
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
	/* Wait until the console has sent everything: an 8250 without an
	 * interrupt line (Keel's) is drained by a polling timer, 16 bytes a
	 * tick, and whatever is still queued when the machine powers off is
	 * lost. */
	SC(SYS_ioctl, 1, TCSBRK, 1, 0, 0, 0);
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

static void shell(void)
{
	char line[128];

	say("shell: commands: help cpus uptime cmdline poweroff reboot", "");
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
			out("help cpus uptime cmdline poweroff reboot\n");
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

static void init_main(void)
{
	const char *fail = 0;
	const char *want;
	struct timespec ts = { 0, SLEEP_MS * 1000000L };
	long t0, t1, elapsed;
	int cpus;

	say("init started", "");
	/*
	 * The platform timer since the machine was reset (10 MHz on QEMU
	 * virt): under -icount shift=0 one tick is 100 retired instructions,
	 * so this measures the whole boot, firmware and hypervisor included.
	 */
	{
		unsigned long ticks;

		__asm__ __volatile__("rdtime %0" : "=r"(ticks));
		out("keel-linux: time at init: ");
		out_num(ticks);
		out(" timer ticks since reset\n");
	}

	mount_fs("proc", "/proc", &fail);
	mount_fs("sysfs", "/sys", &fail);
	mount_fs("devtmpfs", "/dev", &fail);

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

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0) {
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

	check_pmu(&fail);

	if (fail)
		say("FAIL: ", fail);
	else
		say("PASS", "");

	if (find_word(cmdline, "keel.shell"))
		shell();
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
