/*
 * The second vCPU's entry (hart_start gives it a0 = hart id, a1 = opaque
 * and no stack), and the user-mode code main.c runs with run_user().
 */
	.text
	.balign 4
	.globl sec_entry
sec_entry:
	.option push
	.option norelax
	la	sp, sec_stack_top
	.option pop
	call	sec_main
1:	wfi
	j	1b

/*
 * The three counters a kernel opens to its users through scounteren (CY,
 * TM, IR), each 4 bytes so main.c's trap hook can tell which trapped, then
 * ecall back (common/user.h).
 */
	.option push
	.option norvc
	.balign 4
	.globl user_counters, user_counters_end
user_counters:
	rdcycle	t0
	rdtime	t0
	rdinstret t0
user_counters_end:
	ecall
	.option pop

	.section .bss.sec_stack, "aw", @nobits
	.balign 16
	.space	4096
sec_stack_top:
