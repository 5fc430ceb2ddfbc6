/*
 * The three counters a kernel opens to its users through scounteren (CY,
 * TM, IR), each 4 bytes so main.c's trap hook can tell which trapped, then
 * ecall back (common/user.h). main.c runs them with run_user().
 */
	.text
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
