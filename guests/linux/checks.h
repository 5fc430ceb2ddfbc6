/*
 * The checks of keel.checks= that have files of their own (init.c runs
 * them, in the order the command line names them). Each prints its
 * figures and "keel-linux: NAME: PASS" or "... FAIL: why", and sets *fail
 * on a failure (lib.h's verdict()).
 */
#ifndef KEEL_INIT_CHECKS_H
#define KEEL_INIT_CHECKS_H

void check_disk(const char **fail); /* check_disk.c: writes that reach the root disk */
/* This boot's number on the disk (check_disk), 0 if it did not run or failed to count */
extern unsigned long disk_boot;
void check_disk_read(const char **fail); /* check_diskread.c: O_DIRECT reads of /dev/vda, timed */
void check_net(const char **fail);  /* check_net.c: eth0, TCP and ping between two VMs */
void check_hvc(const char **fail);  /* check_hvc.c: a line on the virtio console */

#endif
