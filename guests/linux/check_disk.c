/*
 * keel.checks=disk: writes that reach the root disk (keel.root=/dev/vda).
 *
 * - /keel-boots counts the boots of this disk: absent the first time, so
 *   "keel-disk: boot 1"; N+1 is written back (to a new file, fsync'd,
 *   renamed over the old one, the directory fsync'd: a power cut leaves
 *   either count). A test boots the same image twice and sees boot 2:
 *   the write reached the disk, not just the page cache.
 * - /keel-disk-pattern: 1 MiB of a pattern that depends on the boot
 *   number (so last boot's file cannot pass for this one's), written and
 *   fsync'd; the page cache is dropped (echo 3 > /proc/sys/vm/drop_caches)
 *   and the file read back with O_DIRECT and compared. The disk's own
 *   counters (/sys/block/DEV/stat) must show the 1 MiB going out and
 *   coming back in: a read served from the cache would not count. O_DIRECT
 *   because drop_caches is only a request: a run once kept 2 of the 256
 *   pages cached, and 2032 sectors, not 2048, came from the disk.
 */
#include "lib.h"
#include "checks.h"
#include "root.h"

#define BOOTS_FILE "/keel-boots"
#define BOOTS_NEW "/keel-boots.new"
#define PATTERN_FILE "/keel-disk-pattern"
#define PATTERN_BYTES (1024 * 1024)
#define PATTERN_SECTORS (PATTERN_BYTES / 512)

/* O_DIRECT reads into it: aligned to a page, as the block layer wants */
static unsigned long pattern[PATTERN_BYTES / sizeof(unsigned long)] __attribute__((aligned(4096)));

/* The pattern's word i at boot n: a mix of both (splitmix64's finaliser),
 * so every word and every boot differs. */
static unsigned long pattern_word(unsigned long i, unsigned long boot)
{
	unsigned long x = i * 0x9e3779b97f4a7c15UL + boot * 0xd1b54a32d192ed03UL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
	return x ^ (x >> 31);
}

/* Sectors read and written so far on the block device dev ("vda"), from
 * /sys/block/dev/stat (fields 3 and 7); 0 if it cannot be read. */
static int disk_sectors(const char *dev, unsigned long *rd, unsigned long *wr)
{
	char path[64] = "/sys/block/", buf[256];
	unsigned long f[7] = { 0 };
	const char *p = buf;
	size_t n = slen(path);

	for (size_t i = 0; dev[i] && n < sizeof(path) - 6; i++)
		path[n++] = dev[i];
	memcpy(path + n, "/stat", 6);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	for (int i = 0; i < 7; i++) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		for (; *p >= '0' && *p <= '9'; p++)
			f[i] = f[i] * 10 + (unsigned long)(*p - '0');
	}
	*rd = f[2];
	*wr = f[6];
	return 1;
}

/* Writes len bytes to a new file path (truncated), fsync'd: 0 or -errno */
static long write_synced(const char *path, const void *data, size_t len)
{
	long fd = SC(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0);
	const char *p = data;
	long r = 0;

	if (fd < 0)
		return fd;
	while (len) {
		r = SC(SYS_write, fd, p, len, 0, 0, 0);
		if (r <= 0)
			break;
		p += r;
		len -= (size_t)r;
	}
	if (r >= 0)
		r = len ? -EAGAIN : SC(SYS_fsync, fd, 0, 0, 0, 0, 0);
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	return r;
}

/* fsync of the root directory: a file's new name is on the disk too */
static long sync_root_dir(void)
{
	long fd = SC(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0, 0, 0);
	long r;

	if (fd < 0)
		return fd;
	r = SC(SYS_fsync, fd, 0, 0, 0, 0, 0);
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	return r;
}

/* This boot's number from /keel-boots (1 without the file; 0 if it holds
 * no number), and the next one written back. */
static unsigned long count_boot(const char **why)
{
	char buf[32];
	long r = read_file(BOOTS_FILE, buf, sizeof(buf));
	unsigned long boot = 0;

	if (r == -ENOENT) {
		boot = 1;
	} else if (r > 0) {
		for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
			boot = boot * 10 + (unsigned long)(*p - '0');
	}
	if (!boot) {
		first(why, "/keel-boots cannot be read or holds no number");
		return 0;
	}
	out("keel-disk: boot ");
	out_num(boot);
	out("\n");

	/* boot + 1, as text with a newline */
	{
		char next[24];
		int i = sizeof(next) - 1;
		unsigned long v = boot + 1;

		next[i] = '\n';
		do {
			next[--i] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		if (write_synced(BOOTS_NEW, next + i, sizeof(next) - (size_t)i) < 0 ||
		    SC(SYS_renameat2, AT_FDCWD, BOOTS_NEW, AT_FDCWD, BOOTS_FILE, 0, 0) < 0 ||
		    sync_root_dir() < 0)
			first(why, "cannot write /keel-boots back");
	}
	return boot;
}

/* Reads PATTERN_FILE back into pattern[], from the disk (O_DIRECT): 0 or -errno */
static long read_back(void)
{
	long fd = SC(SYS_openat, AT_FDCWD, PATTERN_FILE, O_RDONLY | O_DIRECT, 0, 0, 0);
	char *p = (char *)pattern;
	size_t left = PATTERN_BYTES;

	if (fd < 0)
		return fd;
	while (left) {
		long r = SC(SYS_read, fd, p, left, 0, 0, 0);

		if (r <= 0) {
			SC(SYS_close, fd, 0, 0, 0, 0, 0);
			return r < 0 ? r : -ENXIO; /* short file */
		}
		p += r;
		left -= (size_t)r;
	}
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	return 0;
}

unsigned long disk_boot;

void check_disk(const char **fail)
{
	const char *why = 0, *dev = find_word(cmdline, "keel.root");
	char name[32];
	size_t n = 0;
	unsigned long boot, rd0 = 0, wr0 = 0, rd1 = 0, wr1 = 0, rd2 = 0, wr2 = 0, bad = 0;
	long bad_at = -1;
	int stats;

	if (!root_is_disk() || !dev || *dev != '=') {
		verdict("disk", "the root is not an ext4 disk (boot with keel.root=/dev/vda)", fail);
		return;
	}
	/* "keel.root=/dev/vda": the block device's name, vda */
	for (const char *p = dev + 1; *p && *p != ' '; p++) {
		if (*p == '/')
			n = 0;
		else if (n < sizeof(name) - 1)
			name[n++] = *p;
	}
	name[n] = 0;

	boot = count_boot(&why);
	disk_boot = boot;
	if (!boot) {
		verdict("disk", why, fail);
		return;
	}

	for (unsigned long i = 0; i < PATTERN_BYTES / sizeof(unsigned long); i++)
		pattern[i] = pattern_word(i, boot);
	stats = disk_sectors(name, &rd0, &wr0);
	if (write_synced(PATTERN_FILE, pattern, PATTERN_BYTES) < 0 || sync_root_dir() < 0)
		first(&why, "cannot write and fsync " PATTERN_FILE);
	stats = stats && disk_sectors(name, &rd1, &wr1);

	/* Only clean pages can be dropped: they are, after the fsync. */
	SC(SYS_sync, 0, 0, 0, 0, 0, 0);
	if (write_file("/proc/sys/vm/drop_caches", "3") < 0)
		first(&why, "cannot write /proc/sys/vm/drop_caches");

	memset(pattern, 0, sizeof(pattern));
	if (!why && read_back() < 0)
		first(&why, "cannot read " PATTERN_FILE " back");
	stats = stats && disk_sectors(name, &rd2, &wr2);
	for (unsigned long i = 0; !why && i < PATTERN_BYTES / sizeof(unsigned long); i++) {
		if (pattern[i] != pattern_word(i, boot)) {
			if (bad_at < 0)
				bad_at = (long)(i * sizeof(unsigned long));
			bad++;
		}
	}

	out("keel-linux: disk: " PATTERN_FILE ": 1048576 bytes written, fsync'd, caches dropped, read back: ");
	if (why) {
		out("not compared\n");
	} else if (bad) {
		out_num(bad);
		out(" of 131072 words differ, the first at byte ");
		out_num((unsigned long)bad_at);
		out("\n");
		first(&why, "the pattern read back differs from the one written");
	} else {
		out("all 131072 words match\n");
	}
	if (!stats) {
		say("disk: no /sys/block/", name);
		first(&why, "no /sys/block/DEV/stat for keel.root's disk");
	} else {
		out("keel-linux: disk: ");
		out(name);
		out(": ");
		out_num(wr1 - wr0);
		out(" sectors written by the write+fsync, ");
		out_num(rd2 - rd1);
		out(" read by the read-back\n");
		if (wr1 - wr0 < PATTERN_SECTORS)
			first(&why, "the fsync did not write the pattern to the disk");
		if (rd2 - rd1 < PATTERN_SECTORS)
			first(&why, "the read-back (O_DIRECT) did not read the disk");
	}
	verdict("disk", why, fail);
}
