/*
 * The switch from the initramfs to a disk root, the simple way: the
 * kernel boots with its built-in initramfs as always; with keel.root=DEV
 * on the command line that /init mounts DEV (ext4, read-write) on /root,
 * moves the /dev, /proc and /sys it mounted there, makes /root the root
 * (chdir, mount --move onto /, chroot) and execs /init from the disk. The
 * disk's /init is the same program: it finds / is ext4, does not switch
 * again, and runs the usual checks from there (keel.checks=disk among
 * them). Only raw system calls: mount, chdir, chroot, execve.
 *
 * The initramfs's few KiB are not freed (busybox's switch_root deletes
 * them first): not worth the code for one small file.
 */
#include "lib.h"
#include "root.h"

#define NEW_ROOT "/root"
#define MOUNT_WAIT_MS 5000 /* for DEV to appear, should its driver be late */

int mounted_on(const char *dir)
{
	struct stat d, r;

	if (SC(SYS_newfstatat, AT_FDCWD, dir, &d, 0, 0, 0) < 0 ||
	    SC(SYS_newfstatat, AT_FDCWD, "/", &r, 0, 0, 0) < 0)
		return 0;
	return d.st_dev != r.st_dev;
}

int root_is_disk(void)
{
	struct statfs s;

	return SC(SYS_statfs, "/", &s, 0, 0, 0, 0) == 0 && s.f_type == EXT4_SUPER_MAGIC;
}

/* keel.root=DEV's value into dev (size bytes), or 0 without one */
static int asked_root(char *dev, size_t size)
{
	const char *p = find_word(cmdline, "keel.root");
	size_t n = 0;

	if (!p || *p != '=')
		return 0;
	for (p++; *p && *p != ' ' && n < size - 1;)
		dev[n++] = *p++;
	dev[n] = 0;
	return n != 0;
}

/* Copies the space-ended word at p into w (size bytes); past the word. */
static const char *word(const char *p, char *w, size_t size)
{
	size_t n = 0;

	while (*p && *p != ' ' && *p != '\n') {
		if (n < size - 1)
			w[n++] = *p;
		p++;
	}
	w[n] = 0;
	return *p == ' ' ? p + 1 : p;
}

void root_print(const char **fail)
{
	static char mounts[4096];
	char src[64] = "?", type[32] = "?", asked[64];
	const char *p = mounts;

	/* The last mount on / is the one on top: the disk's after a
	 * switch (the initramfs's rootfs is outside the chroot and not
	 * listed then). */
	if (read_file("/proc/mounts", mounts, sizeof(mounts)) < 0) {
		say("root: cannot read /proc/mounts", "");
		first(fail, "root: no /proc/mounts");
		return;
	}
	while (*p) {
		char s[64], m[64], t[32];

		p = word(p, s, sizeof(s));
		p = word(p, m, sizeof(m));
		p = word(p, t, sizeof(t));
		if (str_eq(m, "/")) {
			memcpy(src, s, sizeof(src));
			memcpy(type, t, sizeof(type));
		}
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
	}
	out("keel-linux: root ");
	out(str_eq(type, "rootfs") ? "initramfs" : src);
	out(" (");
	out(type);
	out(")\n");
	if (asked_root(asked, sizeof(asked)) && !str_eq(asked, src)) {
		out("keel-linux: root: keel.root=");
		out(asked);
		out(" asked for, but / is ");
		out(src);
		out("\n");
		first(fail, "root: / is not the disk keel.root= names");
	}
}

static void failed(const char *what, const char *dev, long err, const char **fail)
{
	out("keel-linux: root: ");
	out(what);
	out(" ");
	out(dev);
	out(" failed: errno ");
	out_num((unsigned long)-err);
	out("\n");
	first(fail, "root: cannot switch to the disk keel.root= names");
}

void root_switch_if_asked(const char **fail)
{
	static const char *const moved[] = { "/dev", "/proc", "/sys" };
	static char dev[64];
	static char *const argv[] = { "/init", 0 };
	static char *const envp[] = { 0 };
	long r, waited = 0;

	if (!asked_root(dev, sizeof(dev)) || root_is_disk())
		return;
	say("root: switching to ", dev);
	SC(SYS_mkdirat, AT_FDCWD, NEW_ROOT, 0755, 0, 0, 0);
	/* Built-in drivers probe before /init runs, so DEV is normally
	 * there; a short wait covers one that is not yet. */
	while ((r = SC(SYS_mount, dev, NEW_ROOT, "ext4", 0, 0, 0)) == -ENOENT ||
	       r == -ENXIO) {
		if (waited >= MOUNT_WAIT_MS)
			break;
		sleep_ms(100);
		waited += 100;
	}
	if (r < 0) {
		failed("mount (ext4) of", dev, r, fail);
		return;
	}
	for (unsigned i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		char to[16] = NEW_ROOT;

		memcpy(to + sizeof(NEW_ROOT) - 1, moved[i], slen(moved[i]) + 1);
		SC(SYS_mkdirat, AT_FDCWD, to, 0755, 0, 0, 0);
		r = SC(SYS_mount, moved[i], to, 0, MS_MOVE, 0, 0);
		if (r < 0) {
			failed("mount --move to the disk of", moved[i], r, fail);
			return;
		}
	}
	if ((r = SC(SYS_chdir, NEW_ROOT, 0, 0, 0, 0, 0)) < 0 ||
	    (r = SC(SYS_mount, ".", "/", 0, MS_MOVE, 0, 0)) < 0 ||
	    (r = SC(SYS_chroot, ".", 0, 0, 0, 0, 0)) < 0 ||
	    (r = SC(SYS_chdir, "/", 0, 0, 0, 0, 0)) < 0) {
		failed("chdir/mount --move/chroot to", dev, r, fail);
		return;
	}
	r = SC(SYS_execve, "/init", argv, envp, 0, 0, 0);
	/* Still here: / is the disk, without an /init that runs. The checks
	 * go on from the initramfs's program, on the disk. */
	failed("execve of /init on", dev, r, fail);
}

/*
 * Keel's VMs have no RTC (nor has the kernel a driver for one), so the
 * wall clock starts at 0, 1970, at boot, and the checks run in its first
 * second. ext4 stamps a deleted inode's dtime in whole seconds, and to
 * e2fsck a deleted inode with dtime 0 is damage ("Deleted inode has zero
 * dtime"): /keel-boots renamed over its old inode left one. So, on a disk
 * root, the clock goes forward to the newest time the disk knows: the
 * mtime of / (an entry added or renamed there) or of /init (the build).
 * Each boot then starts a little after the last one's changes to /.
 */
void root_set_clock(void)
{
	struct stat st;
	struct timespec now, disk = { 0, 0 };
	const char *const paths[] = { "/", "/init" };

	if (!root_is_disk() || SC(SYS_clock_gettime, CLOCK_REALTIME, &now, 0, 0, 0, 0) < 0)
		return;
	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (SC(SYS_newfstatat, AT_FDCWD, paths[i], &st, 0, 0, 0) == 0 &&
		    st.st_mtime + 1 > disk.tv_sec)
			disk.tv_sec = st.st_mtime + 1;
	if (now.tv_sec >= disk.tv_sec)
		return;
	if (SC(SYS_clock_settime, CLOCK_REALTIME, &disk, 0, 0, 0, 0) < 0)
		return;
	out("keel-linux: root: wall clock set to ");
	out_num((unsigned long)disk.tv_sec);
	out(" s since 1970, the disk's newest time (no RTC)\n");
}

void root_quiesce(void)
{
	if (!root_is_disk())
		return;
	SC(SYS_sync, 0, 0, 0, 0, 0, 0);
	SC(SYS_mount, 0, "/", 0, MS_REMOUNT | MS_RDONLY, 0, 0);
}
