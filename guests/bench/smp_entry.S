/*
 * The bench guest's second vCPU (smp.c): SBI HSM hart_start sends it here
 * with a0 = hart id and nothing else set up, so it takes the one stack
 * kept for it and runs bench_peer(hartid) for good.
 */
	.text
	.balign 4
	.globl bench_peer_entry
bench_peer_entry:
	.option push
	.option norelax
	la	sp, peer_stack_top
	.option pop
	call	bench_peer
1:	wfi
	j	1b

	.section .bss.peer_stack, "aw", @nobits
	.balign 16
	.space	8192
peer_stack_top:
