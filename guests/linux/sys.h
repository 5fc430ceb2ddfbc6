/*
 * Raw Linux system calls for /init, which has no libc (-nostdlib
 * -nostdinc): the call numbers, the few kernel structures and constants
 * its files pass to them, and the ecall itself. Every file of /init
 * includes this one; each number and structure is written once, here.
 *
 * The numbers are the generic ones (include/uapi/asm-generic/unistd.h),
 * which RISC-V uses; the structures are the 64-bit asm-generic layouts.
 */
#ifndef KEEL_INIT_SYS_H
#define KEEL_INIT_SYS_H

typedef unsigned long size_t;
typedef long ssize_t;

/* ---- call numbers --------------------------------------------------------- */

#define SYS_ioctl 29
#define SYS_mkdirat 34
#define SYS_mount 40
#define SYS_statfs 43
#define SYS_chdir 49
#define SYS_chroot 51
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_newfstatat 79
#define SYS_sync 81
#define SYS_fsync 82
#define SYS_exit 93
#define SYS_nanosleep 101
#define SYS_clock_settime 112
#define SYS_clock_gettime 113
#define SYS_syslog 116
#define SYS_sched_setaffinity 122
#define SYS_kill 129
#define SYS_reboot 142
#define SYS_uname 160
#define SYS_getcpu 168
#define SYS_socket 198
#define SYS_bind 200
#define SYS_listen 201
#define SYS_connect 203
#define SYS_sendto 206
#define SYS_recvfrom 207
#define SYS_setsockopt 208
#define SYS_shutdown 210
#define SYS_munmap 215
#define SYS_mremap 216
#define SYS_clone 220
#define SYS_execve 221
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_perf_event_open 241
#define SYS_accept4 242
#define SYS_wait4 260
#define SYS_renameat2 276

/* ---- constants shared by several files ---------------------------------- */

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_WRONLY 1
#define O_CREAT 0100
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_DIRECT 040000
#define O_DIRECTORY 0200000
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define TCSBRK 0x5409 /* with arg 1: tcdrain() */

#define ENOENT 2
#define ENXIO 6
#define EAGAIN 11
#define EBUSY 16
#define ENODEV 19

#define REBOOT_MAGIC1 0xfee1deadUL
#define REBOOT_MAGIC2 672274793UL
#define REBOOT_CMD_RESTART 0x01234567UL
#define REBOOT_CMD_POWER_OFF 0x4321fedcUL

/* mount(2) flags */
#define MS_RDONLY 1
#define MS_REMOUNT 32
#define MS_MOVE 8192

struct timespec {
	long tv_sec;
	long tv_nsec;
};

/* struct stat of asm-generic/stat.h (newfstatat): st_dev and st_mtime are read */
struct stat {
	unsigned long st_dev, st_ino;
	unsigned int st_mode, st_nlink, st_uid, st_gid;
	unsigned long st_rdev, pad1;
	long st_size;
	int st_blksize, pad2;
	long st_blocks, st_atime, st_atime_nsec, st_mtime, st_mtime_nsec,
		st_ctime, st_ctime_nsec;
	unsigned int unused[2];
};

/* struct statfs of asm-generic/statfs.h (64-bit): only f_type is read */
struct statfs {
	long f_type, f_bsize;
	unsigned long f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int f_fsid[2];
	long f_namelen, f_frsize, f_flags, f_spare[4];
};
#define EXT4_SUPER_MAGIC 0xef53

/* ---- the call itself ---------------------------------------------------- */

static inline long syscall6(long n, long a0, long a1, long a2, long a3,
			    long a4, long a5)
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

/* SC(SYS_x, six arguments): the call's result, or -errno */
#define SC(n, a, b, c, d, e, f) \
	syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), \
		 (long)(f))

#define PERF_ATTR_SIZE_VER0 64
/* struct perf_event_attr up to PERF_ATTR_SIZE_VER0 */
struct perf_attr {
	unsigned int type, size;
	unsigned long config, sample_period, sample_type, read_format;
	unsigned long flags; /* the bitfield: disabled, inherit, ... */
	unsigned int wakeup_events, bp_type;
	unsigned long config1;
};

#endif
