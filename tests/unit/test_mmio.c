/*
 * Tests for src/vdev/mmio.c: a guest page fault on a device address,
 * from the address to the device (UART, PLIC, nothing), the access
 * decoded from htinst or from the guest's instruction, the register
 * written (sign or zero extended, x0 discarded) and the pc stepped, bad
 * widths and accesses that are not plain loads or stores (MMIO_NO_DEVICE:
 * trap_page_fault.c injects an access fault), registers missing from the short
 * context, the decode cache it teaches the fast path, console input
 * pulled in for a UART read, and the THR write of the fast path.
 *
 * The device models are the real ones (uart16550.c, vplic.c, and the
 * decoder and cache); guest code is fake_arch.c's, the device lines and
 * the per-VM console are fake_keel.c's.
 */
#include <string.h>

#include "fake_arch.h"
#include "fake_keel.h"
#include "mmio_cache.h"
#include "mmio_decode.h"
#include "vdev/mmio_fast.h"
#include "unit.h"
#include "vdev/vdev.h"
#include "vm.h"

#define PC 0x80001000UL
#define UART VM_UART_BASE
#define PLIC VM_PLIC_BASE

/* Encodings from the assembler (riscv64-unknown-elf-as, .option norvc) */
#define LBU_A0_5_A1 0x0055c503U  /* lbu a0, 5(a1): LSR */
#define LB_A0_7_A1 0x00758503U   /* lb a0, 7(a1): SCR */
#define LBU_A0_7_A1 0x0075c503U  /* lbu a0, 7(a1) */
#define SB_A1_7_A0 0x00b503a3U   /* sb a1, 7(a0) */
#define SB_A1_0_A0 0x00b50023U   /* sb a1, 0(a0): THR */
#define SB_A1_1_A0 0x00b500a3U   /* sb a1, 1(a0): IER */
#define SB_ZERO_7_A0 0x000503a3U /* sb zero, 7(a0) */
#define LBU_S0_5_A1 0x0055c403U  /* lbu s0, 5(a1) */
#define LBU_ZERO_5_A1 0x0055c003U /* lbu zero, 5(a1) */
#define LW_A0_4_A1 0x0045a503U   /* lw a0, 4(a1) */
#define SW_A1_4_A0 0x00b52223U   /* sw a1, 4(a0) */
#define LB_A0_4_A1 0x00458503U
#define LH_A0_4_A1 0x00459503U
#define LD_A0_4_A1 0x0045b503U
#define C_LW_A0_4_A1 0x41c8U     /* c.lw a0, 4(a1) */
#define C_NOP 0x0001U
#define FLW_FA0_0_A1 0x0005a507U
#define AMOADD_W 0x00b6252fU     /* amoadd.w a0, a1, (a2) */
/* lbu a0, 5(a1) as htinst gives it: immediate and rs1 cleared */
#define HTINST_LBU_A0 0x00004503U

static struct vm vm;
static struct vcpu *v;
static struct trap_info t;
static char sent[64]; /* what the UART model sent on the line */
static unsigned int nr_sent;

static void uart_tx(void *ctx, uint8_t byte)
{
	(void)ctx;
	if (nr_sent < sizeof(sent))
		sent[nr_sent++] = (char)byte;
}

static void setup(void)
{
	fake_keel_reset();
	fake_arch_reset();
	memset(&vm, 0, sizeof(vm));
	nr_sent = 0;
	vm.has_uart = vm.has_plic = true;
	vm.nr_vcpus = 1;
	spinlock_init(&vm.dev_lock, LOCK_VM_DEVICES);
	uart16550_init(&vm.uart, uart_tx, &vm);
	vplic_init(&vm.plic, 1);
	vm.console_poll_ticks = 500;
	vm.console_pull_at = UINT64_MAX; /* no poll of the console due */
	v = &vm.vcpus[0];
	v->vm = &vm;
	v->hart = &harts[0];
	v->ctx.sepc = PC;
}

/* The guest runs insn at PC, which faults at gpa (its own address 1:1) */
static enum mmio_result access_htinst(uint32_t insn, unsigned long scause, uint64_t gpa,
				      unsigned long htinst, bool all_regs)
{
	fake_arch.nr_code = 0;
	fake_code(PC, insn);
	v->ctx.sepc = PC;
	t = (struct trap_info){
		.scause = scause,
		.stval = gpa,
		.htval = gpa >> 2,
		.htinst = htinst,
		.hstatus = HSTATUS_SPV | HSTATUS_SPVP,
		.sstatus = SSTATUS_SPP,
		.sepc = PC,
		.regs = &v->ctx,
	};
	return mmio_emulate(v, &t, gpa, all_regs);
}

static enum mmio_result load(uint32_t insn, uint64_t gpa)
{
	return access_htinst(insn, EXC_LOAD_GUEST_PAGE_FAULT, gpa, 0, false);
}

static enum mmio_result store(uint32_t insn, uint64_t gpa)
{
	return access_htinst(insn, EXC_STORE_GUEST_PAGE_FAULT, gpa, 0, false);
}

/* ---- the UART ------------------------------------------------------------ */

TEST(uart_load_reads_the_register_and_steps_the_pc)
{
	setup();
	v->ctx.x[10] = 0x5555;
	CHECK_EQ(load(LBU_A0_5_A1, UART + UART_LSR), MMIO_DONE);
	CHECK_EQ(v->ctx.x[10], UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	/* the UART's interrupt line follows, from this vCPU */
	CHECK_EQ(fake_keel.uart_line_updates, 1);
	CHECK(fake_keel.vdev_vcpu == v);
	CHECK_EQ(fake_keel.irq_updates, 0);
	CHECK_EQ(vm.dev_lock.locked, 0);
}

TEST(uart_byte_loads_sign_or_zero_extend)
{
	setup();
	v->ctx.x[11] = 0x1ff; /* the store writes its low byte */
	CHECK_EQ(store(SB_A1_7_A0, UART + UART_SCR), MMIO_DONE);
	CHECK_EQ(uart16550_read(&vm.uart, UART_SCR, 1), 0xff);
	CHECK_EQ(load(LB_A0_7_A1, UART + UART_SCR), MMIO_DONE);
	CHECK_EQ(v->ctx.x[10], -1UL);
	CHECK_EQ(load(LBU_A0_7_A1, UART + UART_SCR), MMIO_DONE);
	CHECK_EQ(v->ctx.x[10], 0xff);
}

TEST(uart_thr_store_sends_the_byte)
{
	setup();
	v->ctx.x[11] = 'A';
	CHECK_EQ(store(SB_A1_0_A0, UART + UART_THR), MMIO_DONE);
	CHECK_EQ(nr_sent, 1);
	CHECK_EQ(sent[0], 'A');
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(fake_keel.uart_line_updates, 1);
}

/* x0 reads as zero and takes no value */
TEST(x0_stores_zero_and_loads_into_nothing)
{
	setup();
	v->ctx.x[0] = 0;
	v->ctx.x[11] = 0x55;
	store(SB_A1_7_A0, UART + UART_SCR);
	CHECK_EQ(store(SB_ZERO_7_A0, UART + UART_SCR), MMIO_DONE);
	CHECK_EQ(uart16550_read(&vm.uart, UART_SCR, 1), 0);
	CHECK_EQ(load(LBU_ZERO_5_A1, UART + UART_LSR), MMIO_DONE);
	CHECK_EQ(v->ctx.x[0], 0);
	CHECK_EQ(v->ctx.sepc, PC + 4);
}

/* Enabling the receive interrupt feeds what was typed meanwhile at once */
TEST(enabling_the_receive_interrupt_feeds_input)
{
	setup();
	v->ctx.x[11] = UART_IER_ERBFI;
	store(SB_A1_1_A0, UART + UART_IER);
	CHECK_EQ(fake_keel.uart_feeds, 1);
	v->ctx.x[11] = UART_IER_ETBEI;
	store(SB_A1_1_A0, UART + UART_IER);
	CHECK_EQ(fake_keel.uart_feeds, 1);
}

/* A read polls the physical console at most every console_poll_ticks */
TEST(uart_read_pulls_console_input_when_due)
{
	setup();
	vm.console_pull_at = 0;
	fake_arch.now = 1000;
	load(LBU_A0_5_A1, UART + UART_LSR);
	CHECK_EQ(fake_keel.console_polls, 1);
	CHECK_EQ(fake_keel.uart_feeds, 1);
	CHECK_EQ(vm.console_pull_at, 1500);
	fake_arch.now = 1499;
	load(LBU_A0_5_A1, UART + UART_LSR);
	CHECK_EQ(fake_keel.console_polls, 1);
	CHECK_EQ(fake_keel.uart_feeds, 1);
	/* input already queued for the VM: fed without a poll */
	vm.console.in_tail = 1;
	load(LBU_A0_5_A1, UART + UART_LSR);
	CHECK_EQ(fake_keel.console_polls, 1);
	CHECK_EQ(fake_keel.uart_feeds, 2);
	/* stores never poll */
	fake_arch.now = 5000;
	vm.console.in_tail = 0;
	v->ctx.x[11] = 0;
	store(SB_A1_7_A0, UART + UART_SCR);
	CHECK_EQ(fake_keel.console_polls, 1);
}

/* ---- the PLIC ------------------------------------------------------------ */

TEST(plic_word_access_reaches_the_model)
{
	setup();
	v->ctx.x[11] = 5;
	CHECK_EQ(store(SW_A1_4_A0, PLIC + 4), MMIO_DONE); /* source 1's priority */
	CHECK_EQ(vplic_read(&vm.plic, 4), 5);
	CHECK_EQ(fake_keel.irq_updates, 1);
	CHECK_EQ(load(LW_A0_4_A1, PLIC + 4), MMIO_DONE);
	CHECK_EQ(v->ctx.x[10], 5);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(fake_keel.irq_updates, 2);
	CHECK_EQ(fake_keel.uart_line_updates, 0);
	/* a compressed one steps the pc by 2 */
	CHECK_EQ(load(C_NOP << 16 | C_LW_A0_4_A1, PLIC + 4), MMIO_DONE);
	CHECK_EQ(v->ctx.x[10], 5);
	CHECK_EQ(v->ctx.sepc, PC + 2);
}

/* The PLIC's registers are 32-bit: anything else faults, as on QEMU */
TEST(plic_rejects_other_widths)
{
	static const uint32_t insns[] = { LB_A0_4_A1, LH_A0_4_A1, LD_A0_4_A1 };

	for (unsigned int i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		unsigned int before = unit_failures();

		setup();
		vplic_write(&vm.plic, 4, 3);
		v->ctx.x[10] = 0x77;
		CHECK_EQ(load(insns[i], PLIC + 4), MMIO_NO_DEVICE);
		CHECK_EQ(v->ctx.x[10], 0x77);
		CHECK_EQ(v->ctx.sepc, PC);
		CHECK_EQ(vplic_read(&vm.plic, 4), 3);
		CHECK_EQ(fake_keel.irq_updates, 0);
		if (unit_failures() != before)
			printf("\t(insn 0x%08x)\n", insns[i]);
	}
}

/* ---- nothing there, or not a plain access -------------------------------- */

TEST(addresses_outside_every_device_are_no_device)
{
	static const uint64_t gpas[] = {
		UART - 1, UART + UART16550_SIZE, UART + 0x1000, PLIC - 4, PLIC + VPLIC_SIZE,
		0, VM_RAM_BASE, -1UL, -4UL,
	};

	for (unsigned int i = 0; i < sizeof(gpas) / sizeof(gpas[0]); i++) {
		unsigned int before = unit_failures();

		setup();
		CHECK_EQ(load(LW_A0_4_A1, gpas[i]), MMIO_NO_DEVICE);
		/* decided by the address alone: the instruction is not even read */
		CHECK_EQ(fake_arch.insn_reads, 0);
		CHECK_EQ(v->ctx.sepc, PC);
		CHECK_EQ(fake_keel.irq_updates + fake_keel.uart_line_updates, 0);
		if (unit_failures() != before)
			printf("\t(gpa 0x%llx)\n", (unsigned long long)gpas[i]);
	}
}

/* A device the VM's config leaves out is not there */
TEST(devices_the_vm_does_not_have_are_no_device)
{
	setup();
	vm.has_uart = false;
	CHECK_EQ(load(LBU_A0_5_A1, UART + UART_LSR), MMIO_NO_DEVICE);
	CHECK_EQ(load(LW_A0_4_A1, PLIC + 4), MMIO_DONE);
	setup();
	vm.has_plic = false;
	CHECK_EQ(load(LW_A0_4_A1, PLIC + 4), MMIO_NO_DEVICE);
	CHECK_EQ(load(LBU_A0_5_A1, UART + UART_LSR), MMIO_DONE);
}

TEST(what_is_not_a_plain_load_or_store_is_no_device)
{
	static const uint32_t insns[] = { FLW_FA0_0_A1, AMOADD_W, 0x00000013 /* nop */ };

	for (unsigned int i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		setup();
		v->ctx.x[10] = 0x77;
		CHECK_EQ(load(insns[i], UART + UART_LSR), MMIO_NO_DEVICE);
		CHECK_EQ(v->ctx.x[10], 0x77);
		CHECK_EQ(v->ctx.sepc, PC);
		CHECK_EQ(fake_keel.uart_line_updates, 0);
	}
	/* an instruction Keel cannot read (no mapping at pc) */
	setup();
	fake_arch.nr_code = 0;
	t = (struct trap_info){ .scause = EXC_LOAD_GUEST_PAGE_FAULT, .sepc = PC, .regs = &v->ctx };
	CHECK_EQ(mmio_emulate(v, &t, UART + UART_LSR, false), MMIO_NO_DEVICE);
	CHECK_EQ(fake_arch.insn_reads, 1);
	CHECK_EQ(v->ctx.sepc, PC);
}

/* ---- htinst -------------------------------------------------------------- */

TEST(htinst_decodes_without_reading_the_instruction)
{
	setup();
	CHECK_EQ(access_htinst(LBU_A0_5_A1, EXC_LOAD_GUEST_PAGE_FAULT, UART + UART_LSR,
			       HTINST_LBU_A0, false),
		 MMIO_DONE);
	CHECK_EQ(v->ctx.x[10], UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(fake_arch.insn_reads + fake_arch.fetches, 0);
	/* the fast path can serve it next time: cached by htinst */
	CHECK(mmio_cache_lookup(vm.mmio_cache.htinst, PC, HTINST_LBU_A0) != 0);
}

/* The guest's own page-table walk faulted: no device access at all */
TEST(htinst_pseudoinstruction_is_no_device)
{
	setup();
	CHECK_EQ(access_htinst(LBU_A0_5_A1, EXC_LOAD_GUEST_PAGE_FAULT, UART + UART_LSR, 0x3000,
			       false),
		 MMIO_NO_DEVICE);
	CHECK_EQ(fake_arch.insn_reads, 0);
	CHECK_EQ(v->ctx.sepc, PC);
}

/* An htinst the decoder refuses: the instruction itself decides */
TEST(htinst_refused_falls_back_to_the_instruction)
{
	setup();
	CHECK_EQ(access_htinst(LBU_A0_5_A1, EXC_LOAD_GUEST_PAGE_FAULT, UART + UART_LSR,
			       0x00002507 /* flw, transformed */, false),
		 MMIO_DONE);
	CHECK_EQ(fake_arch.insn_reads, 1);
	CHECK_EQ(v->ctx.x[10], UART_LSR_THRE | UART_LSR_TEMT);
}

/* ---- the short context --------------------------------------------------- */

TEST(an_access_naming_s0_s11_needs_every_register)
{
	setup();
	v->ctx.x[8] = 0x88;
	CHECK_EQ(load(LBU_S0_5_A1, UART + UART_LSR), MMIO_NEED_ALL_REGS);
	CHECK_EQ(v->ctx.x[8], 0x88);
	CHECK_EQ(v->ctx.sepc, PC);
	CHECK_EQ(fake_keel.uart_line_updates, 0);
	CHECK_EQ(access_htinst(LBU_S0_5_A1, EXC_LOAD_GUEST_PAGE_FAULT, UART + UART_LSR, 0, true),
		 MMIO_DONE);
	CHECK_EQ(v->ctx.x[8], UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(v->ctx.sepc, PC + 4);
}

/* ---- what the decode cache learns ---------------------------------------- */

TEST(the_cache_learns_untraced_uart_accesses_only)
{
	setup();
	load(LBU_A0_5_A1, UART + UART_LSR);
	CHECK(mmio_cache_lookup(vm.mmio_cache.insn, PC, LBU_A0_5_A1) != 0);
	setup();
	load(LW_A0_4_A1, PLIC + 4);
	CHECK_EQ(mmio_cache_lookup(vm.mmio_cache.insn, PC, LW_A0_4_A1), 0);
	/* traced: the fast path would print nothing, so it must miss */
	setup();
	vm.trace = true;
	load(LBU_A0_5_A1, UART + UART_LSR);
	CHECK_EQ(mmio_cache_lookup(vm.mmio_cache.insn, PC, LBU_A0_5_A1), 0);
	/* with every register: the fast path never sees this exit */
	setup();
	access_htinst(LBU_A0_5_A1, EXC_LOAD_GUEST_PAGE_FAULT, UART + UART_LSR, 0, true);
	CHECK_EQ(mmio_cache_lookup(vm.mmio_cache.insn, PC, LBU_A0_5_A1), 0);
}

/* A 16-bit instruction: the whole word at pc, as the fast path reads it */
TEST(the_cache_keys_a_compressed_access_by_the_whole_word)
{
	const uint32_t word = C_NOP << 16 | C_LW_A0_4_A1;

	setup();
	vm.has_uart = true;
	/* c.lw to the UART: decoded from its 16 bits, learnt by its 32 */
	CHECK_EQ(load(word, UART + 4), MMIO_DONE);
	CHECK_EQ(fake_arch.fetches, 1);
	CHECK(mmio_cache_lookup(vm.mmio_cache.insn, PC, word) != 0);
	CHECK_EQ(mmio_cache_lookup(vm.mmio_cache.insn, PC, C_LW_A0_4_A1), 0);
	/* the word cannot be fetched: the trap CSRs are put back, nothing learnt */
	setup();
	fake_arch.fetch_faults = true;
	CHECK_EQ(load(word, UART + 4), MMIO_DONE);
	CHECK_EQ(fake_arch.fetch_undos, 1);
	CHECK_EQ(mmio_cache_lookup(vm.mmio_cache.insn, PC, word), 0);
}

/* ---- the fast path's THR write ------------------------------------------- */

TEST(fast_thr_write_sends_the_byte_when_the_uart_is_quiet)
{
	struct mmio_access a;
	uint32_t info;

	setup();
	CHECK_EQ(mmio_decode_insn(SB_A1_0_A0, &a), 0);
	info = mmio_cache_info(&a);
	v->ctx.x[11] = 'z';
	CHECK(mmio_fast_thr(v, info));
	CHECK_EQ(fake_keel.console_len, 1);
	CHECK_EQ(fake_keel.console_out[0], 'z');
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(vm.dev_lock.locked, 0);
	/* loopback: the byte is the model's to loop back, the slow path's work */
	vm.nr_vcpus = 2;
	uart16550_write(&vm.uart, UART_MCR, 1, UART_MCR_LOOP);
	CHECK(!mmio_fast_thr(v, info));
	CHECK_EQ(fake_keel.console_len, 1);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(vm.dev_lock.locked, 0);
}

/* ---- the trace ----------------------------------------------------------- */

TEST(traced_accesses_are_described)
{
	setup();
	v->trace = true;
	load(LBU_A0_5_A1, UART + UART_LSR);
	CHECK_STR(fake_keel.trace_line, "uart read +0x5 -> 0x60 (1 bytes): emulated");
	v->ctx.x[11] = 6;
	store(SW_A1_4_A0, PLIC + 4);
	CHECK_STR(fake_keel.trace_line, "plic write +0x4 = 0x6: emulated");
	CHECK_EQ(fake_keel.traces, 2);
}
