/* The boot's lines about the machine (boot_report.c), for main.c */
#ifndef KEEL_BOOT_REPORT_H
#define KEEL_BOOT_REPORT_H

/* The banner: the board, harts, RAM, timebase, what H and the firmware offer */
void boot_report_machine(unsigned long boot_hartid);
/* One line per hart Keel leaves out, and why: on a board, the first thing to read */
void boot_report_left_out(void);
/* "[keel] VM 'linux': vCPU homes (hart ids): 0 1 2 3", once placement is done */
void boot_report_placement(void);

#endif
