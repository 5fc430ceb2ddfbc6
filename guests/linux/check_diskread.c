/*
 * keel.checks=disk-read: read the first keel.read-mib (16) MiB of
 * /dev/vda, 1 MiB a read, with O_DIRECT so that every byte comes from the
 * device and none from the page cache, and say how long it took on the
 * monotonic clock, and in instructions retired while this task ran,
 * kernel included (perf's hardware instructions counter, which the SBI
 * PMU gives Linux: on bare OpenSBI the hart's count; under Keel its vCPU's,
 * which counts Keel's work in the exits too, docs/pmu.md).
 * make bench's virtio rows (scripts/bench-virtio.sh) compare Keel's
 * virtio-blk with QEMU's own under bare Linux that way. The clock's
 * figure counts the time the hart waits too (QEMU's disk answers from
 * another thread), the instructions do not.
 */
#include "lib.h"
#include "checks.h"

#define CHUNK (1UL << 20)
#define O_DIRECT 040000 /* asm-generic/fcntl.h */

static unsigned char buf[CHUNK] __attribute__((aligned(4096)));

/* A counter of the instructions this task retires, kernel included, running; -1 if none */
static long instructions_counter(void)
{
	struct perf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = 0;   /* PERF_TYPE_HARDWARE */
	attr.size = PERF_ATTR_SIZE_VER0;
	attr.config = 1; /* instructions */
	return SC(SYS_perf_event_open, &attr, 0, -1, -1, 0, 0);
}

static unsigned long counter_value(long fd)
{
	unsigned long v = 0;

	if (fd < 0 || SC(SYS_read, fd, &v, sizeof(v), 0, 0, 0) != sizeof(v))
		return 0;
	return v;
}

static long now_ns(void)
{
	struct timespec ts;

	SC(SYS_clock_gettime, CLOCK_MONOTONIC, &ts, 0, 0, 0, 0);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

void check_disk_read(const char **fail)
{
	unsigned long mib = cmdline_num("keel.read-mib", 16), done = 0;
	long fd = SC(SYS_openat, AT_FDCWD, "/dev/vda", O_RDONLY | O_DIRECT, 0, 0, 0), t0, ns;
	unsigned long i0, insns;
	long counter;

	if (fd < 0) {
		verdict("disk-read", "/dev/vda does not open with O_DIRECT", fail);
		return;
	}
	counter = instructions_counter();
	t0 = now_ns();
	i0 = counter_value(counter);
	while (done < mib) {
		long n = SC(SYS_read, fd, buf, CHUNK, 0, 0, 0);

		if (n != (long)CHUNK)
			break;
		done++;
	}
	insns = counter_value(counter) - i0;
	ns = now_ns() - t0;
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	if (counter >= 0)
		SC(SYS_close, counter, 0, 0, 0, 0, 0);
	out("keel-linux: disk-read: ");
	out_num(done);
	out(" MiB of /dev/vda in ");
	out_num((unsigned long)ns);
	out(" ns (");
	out_num(ns > 0 ? (unsigned long)(done * 1024 * 1000000000UL / (unsigned long)ns) : 0);
	out(" KiB/s), ");
	out_num(insns);
	out(" instructions\n");
	verdict("disk-read", done == mib ? 0 : "a read of /dev/vda came back short", fail);
}
