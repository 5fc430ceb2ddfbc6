/*
 * Loads, stores, AMOs and instruction fetches at every address that is
 * not this guest's, and at the host addresses of Keel, OpenSBI and the
 * other VMs used as guest addresses. A guest physical address is either
 * its own RAM (0x80000000 + its RAM size), its own emulated device (UART,
 * PLIC), or nothing; for nothing a real machine raises an access fault
 * (load 5, store/AMO 7, fetch 1) with stval = the address, and so must
 * Keel (src/trap/trap.c injects one for a guest-page fault it cannot
 * emulate). For an address inside its RAM, the guest must find its own
 * memory: what it writes there it reads back, and what it has not
 * written is what Keel loaded (zeroes, or its own image), never Keel's
 * or OpenSBI's code or the victim's canary.
 */
#include "console.h"
#include "hostile.h"
#include "test.h"
#include "trap.h"

#define UART 0x10000000UL
#define UART_SIZE 0x100UL
#define UART_SCR 7		/* ns16550a scratch register: any byte, read back */
#define PLIC 0x0c000000UL
#define PLIC_SIZE 0x600000UL
#define PLIC_PRIO_UART (PLIC + 4 * 10)	/* source 10: the UART's */
#define OPENSBI 0x80000000UL	/* QEMU virt: OpenSBI below Keel's 0x80200000 */
#define OPENSBI_END 0x80200000UL
#define SV39X4_TOP (1UL << 41)	/* first guest address past the G-stage's reach */
#define IMAGE_MAGIC 0x0000005643534952UL /* "RISCV\0\0\0": a Linux Image (Keel) */
#define PATTERN 0xbad0c0de00000000UL

/* Run insn (operand %1 = the address) at label 1; pc = that label. */
#define AT(pc, insn, addr) \
	__asm__ volatile("la %0, 1f\n1: " insn "\n" : "=&r"(pc) : "r"(addr) : "t0", "memory")

/* Exactly one trap, this cause at this pc, stval in [lo, hi] */
static void expect_as(const char *access, const char *what, unsigned long addr,
		      unsigned long pc, unsigned long cause, unsigned long lo, unsigned long hi)
{
	unsigned long n = trap_rec.count;
	int ok = n == 1 && trap_rec.scause == cause && trap_rec.sepc == pc &&
		 trap_rec.stval >= lo && trap_rec.stval <= hi;

	trap_expect_none();
	test_check(ok, "wrong trap", "%s%s 0x%lx: %lu trap, scause %lu stval 0x%lx", access,
		   what, addr, n, trap_rec.scause, trap_rec.stval);
	if (!ok)
		printf("#   wanted 1 trap, scause %lu, stval 0x%lx..0x%lx, sepc 0x%lx (got 0x%lx)\n",
		       cause, lo, hi, pc, trap_rec.sepc);
}

static void expect(const char *what, unsigned long addr, unsigned long pc,
		   unsigned long cause, unsigned long lo, unsigned long hi)
{
	expect_as("", what, addr, pc, cause, lo, hi);
}

/* Nothing at addr: every kind of access faults, with stval = addr */
static void nothing_at(const char *name, unsigned long addr)
{
	unsigned long pc, a8 = addr & ~7UL;

	trap_expect();
	AT(pc, "ld t0, 0(%1)", a8);
	expect_as("ld from ", name, a8, pc, EXC_LOAD_ACCESS, a8, a8);
	trap_expect();
	AT(pc, "lbu t0, 0(%1)", addr);
	expect_as("lbu from ", name, addr, pc, EXC_LOAD_ACCESS, addr, addr);
	trap_expect();
	AT(pc, "sd zero, 0(%1)", a8);
	expect_as("sd to ", name, a8, pc, EXC_STORE_ACCESS, a8, a8);
	trap_expect();
	AT(pc, "sb zero, 0(%1)", addr);
	expect_as("sb to ", name, addr, pc, EXC_STORE_ACCESS, addr, addr);
	trap_expect();
	AT(pc, "amoadd.w t0, zero, (%1)", a8);
	expect_as("amoadd.w at ", name, a8, pc, EXC_STORE_ACCESS, a8, a8);
	/* a fetch fault comes back to ra (trap_record_skip) */
	trap_expect();
	__asm__ volatile("jalr ra, 0(%0)" : : "r"(a8) : "ra", "memory");
	expect_as("jump to ", name, a8, a8, EXC_INST_ACCESS, a8, a8);
}

/* Read, write a pattern, read back, restore: one asm block, so no other
 * access can land between (addr may be this guest's own stack or code). */
static unsigned long rmw(unsigned long a8, unsigned long pattern, unsigned long *orig)
{
	unsigned long o, back;

	__asm__ volatile("ld %0, 0(%2)\n\tsd %3, 0(%2)\n\tld %1, 0(%2)\n\tsd %0, 0(%2)"
			 : "=&r"(o), "=&r"(back) : "r"(a8), "r"(pattern) : "memory");
	*orig = o;
	return back;
}

/* Run one planted ret at a4 (restored afterwards): is a fetch there ours? */
static void fetch_own(const char *name, unsigned long a4)
{
	volatile unsigned int *p = (volatile unsigned int *)a4;
	unsigned int old = *p;

	*p = 0x00008067;	/* ret */
	__asm__ volatile("fence.i" ::: "memory");
	trap_expect();
	__asm__ volatile("jalr ra, 0(%0)" : : "r"(a4) : "ra", "memory");
	trap_expect_none();
	*p = old;
	__asm__ volatile("fence.i" ::: "memory");
	CHECK_EQ(trap_rec.count, 0, "%s 0x%lx: a ret planted there runs and returns", name, a4);
}

/* addr lies in this guest's RAM: it must be this guest's own memory */
static void own_ram_at(const char *name, unsigned long addr)
{
	unsigned long a8 = addr & ~7UL, pattern = PATTERN | (a8 & 0xffffffffUL), orig, back;

	trap_expect();
	back = rmw(a8, pattern, &orig);
	trap_expect_none();
	CHECK(!trap_rec.count && back == pattern && *(volatile unsigned long *)a8 == orig,
	      "%s 0x%lx is this guest's RAM: no trap (%lu), the pattern written reads back "
	      "(0x%lx), the old value is restored", name, a8, trap_rec.count, back);
	if (in_own_image(a8))
		printf("#   %s 0x%lx: this guest's own image; not jumped to\n", name, a8);
	else
		fetch_own(name, a8);
}

/*
 * Left behind: 64 KiB of poison at a host address that is in this guest's
 * RAM (the victim's canary, Keel's image end, OpenSBI's base). Were the
 * G-stage wrong, Keel, OpenSBI or the victim would find it in their own
 * memory; here it must stay in this guest's, until check_poison().
 */
#define POISON_LEN 0x10000UL
#define MAX_POISON 8
#define DTB_AREA (2UL << 20)	/* Keel puts the guest's DT in the top 2 MiB */

static struct {
	const char *name;
	unsigned long addr;
} poisoned[MAX_POISON];
static unsigned int nr_poisoned;

static unsigned long poison(unsigned long a)
{
	return ~a ^ PATTERN;
}

static void poison_range(const char *name, unsigned long addr)
{
	unsigned long a = addr & ~7UL, image = (unsigned long)_image_start;
	volatile unsigned long *p = (volatile unsigned long *)a;

	/* page-aligned targets only: the word probes next to them need none */
	if ((addr & 0xfff) || !in_own_ram(a, POISON_LEN) || a + POISON_LEN > ram_end - DTB_AREA ||
	    (a < (unsigned long)_image_end && a + POISON_LEN > image) ||
	    nr_poisoned == MAX_POISON)
		return;
	for (unsigned long i = 0; i < POISON_LEN / 8; i++)
		p[i] = poison((unsigned long)&p[i]);
	poisoned[nr_poisoned].name = name;
	poisoned[nr_poisoned++].addr = a;
	printf("#   %s: 64 KiB of poison left at 0x%lx\n", name, a);
}

void check_poison(void)
{
	for (unsigned int k = 0; k < nr_poisoned; k++) {
		volatile unsigned long *p = (volatile unsigned long *)poisoned[k].addr;
		unsigned long bad = 0;

		for (unsigned long i = 0; i < POISON_LEN / 8; i++)
			bad += p[i] != poison((unsigned long)&p[i]);
		CHECK_EQ(bad, 0, "the poison at %s 0x%lx is still there, in this guest's RAM",
			 poisoned[k].name, poisoned[k].addr);
	}
}

/* A host physical address used as a guest one: own RAM, or nothing */
static void host_address(const char *name, unsigned long addr)
{
	printf("# %s: host 0x%lx is %s\n", name, addr,
	       in_own_ram(addr, 8) ? "in this guest's RAM" : "outside this guest's RAM");
	if (in_own_ram(addr, 8)) {
		own_ram_at(name, addr);
		poison_range(name, addr);
	} else {
		nothing_at(name, addr);
	}
}

/* What sits at Keel's and OpenSBI's host addresses in this guest's RAM */
static void not_keel_or_opensbi(void)
{
	volatile unsigned long *p;

	/* Keel loads nothing below RAM + 2 MiB: fresh RAM reads 0 there */
	p = (volatile unsigned long *)OPENSBI;
	CHECK_EQ(*p, 0, "0x%lx (OpenSBI's entry on the host) reads this guest's zeroed RAM",
		 OPENSBI);
	p = (volatile unsigned long *)(OPENSBI_END - 8);
	CHECK_EQ(*p, 0, "0x%lx (OpenSBI's last word) reads this guest's zeroed RAM",
		 OPENSBI_END - 8);
	/* Keel is a Linux Image: its header's magic is at +0x30 */
	p = (volatile unsigned long *)(layout.keel_start + 0x30);
	if (in_own_ram(layout.keel_start + 0x30, 8))
		CHECK(*p != IMAGE_MAGIC, "Keel's image start + 0x30 here is not Keel's Image "
		      "magic (0x%lx)", *p);
}

/* The last bytes of RAM are ours; the first one past is nothing */
static void ram_edge(void)
{
	unsigned long pc, last = ram_end - 1, a4 = ram_end - 4;
	volatile unsigned char *b = (volatile unsigned char *)last;
	unsigned char old = *b;

	trap_expect();
	*b = 0x5a;
	CHECK(*b == 0x5a && !trap_rec.count, "last byte of RAM 0x%lx is writable", last);
	*b = old;
	trap_expect_none();
	nothing_at("first byte past RAM", ram_end);
	nothing_at("a page past RAM", ram_end + 0x1000);
	/*
	 * 8 bytes from ram_end - 4: half in RAM, half not. QEMU does
	 * misaligned accesses itself and faults on the part past the end;
	 * the spec lets stval be the access's address or the faulting part's.
	 */
	trap_expect();
	AT(pc, "ld t0, 0(%1)", a4);
	expect("ld straddling the end of RAM", a4, pc, EXC_LOAD_ACCESS, a4, ram_end + 3);
	trap_expect();
	AT(pc, "sd zero, 0(%1)", a4);
	expect("sd straddling the end of RAM", a4, pc, EXC_STORE_ACCESS, a4, ram_end + 3);
	nothing_at("just below RAM", ram_base - 8);
}

/* The guest's own UART and PLIC answer at the real ones' addresses */
static void own_devices(void)
{
	volatile unsigned char *scr = (volatile unsigned char *)(UART + UART_SCR);
	volatile unsigned int *prio = (volatile unsigned int *)PLIC_PRIO_UART;
	unsigned long pc;

	trap_expect();
	*scr = 0x5a;	/* the victim keeps 0xa5 in its own */
	CHECK(*scr == 0x5a && !trap_rec.count, "UART 0x%lx: scratch register is its own "
	      "(0x5a written, 0x%x read)", UART + UART_SCR, *scr);
	*prio = 7;	/* the victim keeps 3 in its own */
	CHECK(*prio == 7 && !trap_rec.count, "PLIC 0x%lx: source 10 priority is its own "
	      "(7 written, %u read)", PLIC_PRIO_UART, *prio);
	trap_expect_none();
	/* a PLIC takes 32-bit accesses only, as QEMU's */
	trap_expect();
	AT(pc, "ld t0, 0(%1)", PLIC);
	expect("64-bit load from the PLIC", PLIC, pc, EXC_LOAD_ACCESS, PLIC, PLIC);
	nothing_at("just past the UART", UART + UART_SIZE);
	nothing_at("just past the PLIC", PLIC + PLIC_SIZE);
	nothing_at("just below the PLIC", PLIC - 8);
}

/* QEMU virt's other devices: none is the guest's */
static void machine_devices(void)
{
	static const struct {
		const char *name;
		unsigned long addr;
	} devs[] = {
		{ "address 0", 0 },
		{ "boot ROM", 0x1000 },
		{ "sifive_test (poweroff)", 0x100000 },
		{ "goldfish RTC", 0x101000 },
		{ "CLINT msip", 0x2000000 },
		{ "CLINT mtimecmp", 0x2004000 },
		{ "CLINT mtime", 0x200bff8 },
		{ "virtio-mmio", 0x10001000 },
		{ "fw_cfg", 0x10100000 },
		{ "flash", 0x20000000 },
		{ "PCIe ECAM", 0x30000000 },
		{ "PCIe MMIO", 0x40000000 },
	};
	unsigned long pc;

	for (unsigned int i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		nothing_at(devs[i].name, devs[i].addr);
	/* the value that would power QEMU off, if it got through */
	trap_expect();
	__asm__ volatile("la %0, 1f\n1: sw %2, 0(%1)"
			 : "=&r"(pc) : "r"(0x100000UL), "r"(0x5555UL) : "memory");
	expect("sw 0x5555 to sifive_test", 0x100000, pc, EXC_STORE_ACCESS, 0x100000, 0x100000);
	/* past what the G-stage translates (Sv39x4: 2^41, Sv48x4: 2^50) and inside */
	nothing_at("top of the 64-bit space", 0xfffffffffffff000UL);
	nothing_at("2^41 - 8 (the top of Sv39x4)", SV39X4_TOP - 8);
	nothing_at("2^41 (past Sv39x4)", SV39X4_TOP);
	nothing_at("2^50 (past Sv48x4)", 1UL << 50);
	nothing_at("2^63", 1UL << 63);
}

void test_memory(void)
{
	not_keel_or_opensbi();
	host_address("OpenSBI's base", OPENSBI);
	host_address("OpenSBI's last word", OPENSBI_END - 8);
	host_address("Keel's image start", layout.keel_start);
	host_address("Keel's image end - 8", layout.keel_end - 8);
	host_address("Keel's last 64 KiB", layout.keel_end - POISON_LEN);
	host_address("Keel's image end", layout.keel_end);
	host_address("this VM's RAM on the host", layout.own_ram);
	for (unsigned int n = 0; n < layout.nr_vms; n++) {
		if (n == layout.self)
			continue;
		host_address("another VM's RAM", layout.vm_ram[n]);
		/* the victim's canary is at its RAM + 4 MiB */
		host_address("another VM's canary", layout.vm_ram[n] + (4UL << 20));
	}
	ram_edge();
	own_devices();
	machine_devices();
}
