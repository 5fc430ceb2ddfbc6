/*
 * Keel's first instructions. OpenSBI enters here in HS-mode with
 * a0 = hart id and a1 = the platform device tree, MMU off, interrupts off.
 *
 * The file starts with the RISC-V Linux Image header
 * (Documentation/riscv/boot-image-header.rst) so that QEMU's -kernel and
 * U-Boot's booti load Keel exactly as they would load a Linux kernel.
 *
 * Keel is linked at 0x80200000 but may be loaded on any 2 MiB boundary:
 * it is a static PIE, and the boot hart applies its R_RISCV_RELATIVE
 * relocations (.rela.dyn) below before any C runs. Until then, and in the
 * code that secondary harts run, every address is taken pc-relative
 * (lla, never la: assembled with -fpic, la loads from a GOT, whose entries
 * hold link-time addresses until they are relocated).
 */
#include "boot_config.h"

#define R_RISCV_RELATIVE 3

	.section .text.head, "ax"
	.globl _start
_start:
	/* code0/code1: jump over the header */
	j	boot_entry
	.word	0
	.balign	8
	.dword	0x200000		/* text_offset from the 2 MiB-aligned RAM base */
	.dword	_image_end - _start	/* image_size: what the loader must leave free */
	.dword	0			/* flags: little endian */
	.word	2			/* header version 0.2 */
	.word	0
	.dword	0
	.ascii	"RISCV\0\0\0"		/* magic (deprecated but still checked) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0

	.text
boot_entry:
	/*
	 * Instructions retired since reset, first thing (t6 is free until it
	 * is stored below): under QEMU -icount shift=0 the guest's first
	 * instruction reads it again, so the difference is Keel's boot
	 * (/chosen/keel,entry-instret, docs/boot.md). Every hart reads it;
	 * only the boot hart keeps it.
	 */
	csrr	t6, instret
	/* Keel never uses floating point, and takes no interrupts while in HS. */
	csrw	sie, zero
	csrw	sscratch, zero
	/*
	 * Only the first hart here is the boot hart. OpenSBI before v1.3 can
	 * send a hart Keel is starting through HSM to the *previous* start
	 * address, which is this one (it marks the hart started before it
	 * writes the new address; fixed upstream by e8e9ed37): such a hart
	 * goes where hart_start meant it to go.
	 */
	lla	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, stray_hart

	/*
	 * Relocate: only the boot hart, once, before .bss is zeroed and before
	 * any C. t0 = load offset = where _start is minus where it was linked.
	 * Each Elf64_Rela is { r_offset, r_info, r_addend } (24 bytes); for
	 * R_RISCV_RELATIVE the doubleword at r_offset + t0 becomes
	 * r_addend + t0. Writing the addend (not adding to what is there)
	 * makes it correct at offset 0 too. The Makefile refuses to link any
	 * other type (scripts/check-relocs.sh); one here anyway parks the hart.
	 */
	lla	t0, _start
	li	t1, KEEL_LINK_ADDR
	sub	t0, t0, t1
	lla	t1, __rela_dyn_start
	lla	t2, __rela_dyn_end
1:	bgeu	t1, t2, 2f
	ld	t3, 8(t1)		/* r_info: type in the low 32 bits */
	slli	t3, t3, 32
	srli	t3, t3, 32
	li	t4, R_RISCV_RELATIVE
	bne	t3, t4, 9f
	ld	t3, 0(t1)		/* r_offset (a link-time address) */
	ld	t4, 16(t1)		/* r_addend */
	add	t3, t3, t0
	add	t4, t4, t0
	sd	t4, 0(t3)
	addi	t1, t1, 24
	j	1b
2:	fence.i			/* none touches code (check-relocs.sh); cheap */
	lla	t1, keel_load_offset
	sd	t0, 0(t1)
	lla	t1, keel_entry_instret
	sd	t6, 0(t1)

	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop

	/* Zero .bss; nothing may live there before this loop. */
	lla	t0, _bss_start
	lla	t1, _bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	/* The boot hart's stack is slot 0 of the per-hart stacks. */
	lla	sp, hart_stacks + KEEL_STACK_SIZE
	mv	tp, zero
	call	keel_main
	/* keel_main never returns; if it does, park the hart. */
3:	wfi
	j	3b

/*
 * A secondary hart, started by the boot hart through the firmware's HSM
 * (src/boot/smp.c): a0 = hart id, a1 = its struct hart, which holds its
 * stack. .bss is already zeroed and Keel's data set up by the boot hart.
 */
	.globl	secondary_entry
secondary_entry:
	csrw	sie, zero
	csrw	sscratch, zero
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	mv	tp, a1
	ld	sp, HART_STACK_TOP(a1)
	call	keel_secondary_main
4:	wfi
	j	4b

/*
 * A hart that came in through _start after the boot hart (a0 = its hart
 * id): find its struct hart among those the boot hart has started
 * (hart_ptrs[], src/boot/smp.c) and enter as a secondary. One Keel does
 * not know parks in wfi.
 */
stray_hart:
	lla	t0, hart_ptrs
	li	t2, KEEL_MAX_HARTS
5:	ld	t3, 0(t0)
	beqz	t3, 6f
	ld	t4, HART_HARTID(t3)
	bne	t4, a0, 6f
	mv	a1, t3
	j	secondary_entry
6:	addi	t0, t0, 8
	addi	t2, t2, -1
	bnez	t2, 5b
7:	wfi
	j	7b

/* A relocation that is not R_RISCV_RELATIVE: nothing to print with yet. */
9:	wfi
	j	9b

	.data
	.balign	4
boot_claimed:		/* in .data: the boot hart zeroes .bss after claiming */
	.word	0
