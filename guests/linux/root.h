/*
 * The root filesystem /init runs from (root.c): the built-in initramfs,
 * or a disk it switches to when the command line says keel.root=DEV.
 */
#ifndef KEEL_INIT_ROOT_H
#define KEEL_INIT_ROOT_H

/* Is another filesystem already mounted on dir? (The disk's /init finds
 * /proc, /sys and /dev moved there by the initramfs's.) */
int mounted_on(const char *dir);

/* Is / an ext4 disk (not the initramfs)? */
int root_is_disk(void);

/* "keel-linux: root /dev/vda (ext4)", or "root initramfs (rootfs)", from
 * /proc/mounts; FAIL if keel.root=DEV names another root than this one. */
void root_print(const char **fail);

/* In the initramfs, with keel.root=DEV: mount DEV (ext4) on /root, move
 * /dev, /proc and /sys under it, make it / and exec its /init. Returns
 * only if that failed (having said why). Elsewhere it does nothing. */
void root_switch_if_asked(const char **fail);

/* On a disk root: the wall clock moved forward to the disk's newest time
 * if it is behind (no RTC: it starts at 0), and said so. */
void root_set_clock(void);

/* Before power-off or reboot: a disk root is synced and remounted
 * read-only, so the next boot finds it clean (no journal to replay). */
void root_quiesce(void);

#endif
