/* The fake of src/arch/ declared in fake_arch.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_arch.h"
#include "arch/riscv/mmio_arch.h"
#include "sbi_defs.h"
#include "trap/trap.h"
#include "vm.h"
#include "arch/riscv/vs_trap_entry.h"

struct fake_arch fake_arch;
struct host_features host;

static __thread struct hart *current_hart;

static void __attribute__((noreturn, format(printf, 1, 2))) misuse(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "fake_arch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

void fake_arch_reset(void)
{
	memset(&fake_arch, 0, sizeof(fake_arch));
	for (unsigned int i = 0; i < KEEL_MAX_HARTS; i++)
		fake_arch.cpu[i].host_timer = UINT64_MAX;
	current_hart = &harts[0];
}

bool fake_idles(void (*fn)(void *arg), void *arg)
{
	fake_arch.idle_armed = true;
	if (setjmp(fake_arch.idle))
		return true;
	fn(arg);
	fake_arch.idle_armed = false;
	return false;
}

void fake_on_hart(struct hart *h)
{
	current_hart = h;
}

struct hart *this_hart(void)
{
	return current_hart;
}

struct fake_cpu *fake_cpu_of(const struct hart *h)
{
	if (h < harts || h >= harts + KEEL_MAX_HARTS)
		misuse("a hart outside harts[]");
	return &fake_arch.cpu[h - harts];
}

static struct fake_cpu *cpu(void)
{
	return fake_cpu_of(this_hart());
}

/* The CSRs of the vCPU loaded here: there must be one */
static struct vcpu_csrs *loaded_csrs(const char *what)
{
	struct fake_cpu *c = cpu();

	if (!c->loaded)
		misuse("%s with no vCPU loaded on hart %u", what, this_hart()->index);
	return &c->csrs;
}

void fake_code(unsigned long gva, uint32_t word)
{
	if (fake_arch.nr_code == sizeof(fake_arch.code) / sizeof(fake_arch.code[0]))
		misuse("more guest code than fake_arch holds");
	fake_arch.code[fake_arch.nr_code].gva = gva;
	fake_arch.code[fake_arch.nr_code].word = word;
	fake_arch.nr_code++;
}

static bool code_at(unsigned long gva, uint32_t *word)
{
	for (unsigned int i = 0; i < fake_arch.nr_code; i++) {
		if (fake_arch.code[i].gva == gva) {
			*word = fake_arch.code[i].word;
			return true;
		}
	}
	return false;
}

void fake_load(struct vcpu *v)
{
	v->hart->current = v;
	arch_vcpu_load(v, v->vm->hgatp);
}

/* ---- time, the host timer and host interrupts ---- */

uint64_t arch_time_now(void)
{
	return fake_arch.now;
}

void arch_host_timer_set(uint64_t deadline)
{
	cpu()->host_timer = deadline;
	cpu()->host_timer_sets++;
}

/* sip.STIP is stimecmp <= time (Sstc); the rest as raised */
unsigned long arch_host_pending(void)
{
	struct fake_cpu *c = cpu();

	return c->sip | (c->host_timer <= fake_arch.now ? MIP_STIP : 0);
}

void arch_clear_host_ipi(void)
{
	cpu()->ipi_clears++;
	cpu()->sip &= ~MIP_SSIP;
}

void arch_host_ext_irq_enable(void)
{
}

void arch_wait_for_interrupt(void)
{
	struct hart *h = this_hart();

	cpu()->wfis++;
	if (fake_arch.on_wfi) {
		fake_arch.on_wfi(h);
		return;
	}
	if (fake_arch.idle_armed) {
		fake_arch.idle_armed = false;
		longjmp(fake_arch.idle, 1);
	}
	misuse("hart %u waits for an interrupt that nothing will send", h->index);
}

/* ---- a vCPU's state on the hart ---- */

void arch_vcpu_load(struct vcpu *v, uint64_t hgatp)
{
	struct fake_cpu *c = cpu();

	if (c->loaded)
		misuse("vCPU %u loaded over vCPU %u, which was not saved", v->id, c->loaded->id);
	if (v->hart != this_hart())
		misuse("vCPU %u loaded away from its home hart", v->id);
	c->loaded = v;
	c->hgatp = hgatp;
	c->csrs = v->csrs;
	c->delegation = v->csrs.delegated;
	c->sstatus = v->csrs.hstatus & HSTATUS_SPVP ? SSTATUS_SPP : 0;
	c->loads++;
}

void arch_vcpu_save(struct vcpu *v)
{
	struct fake_cpu *c = cpu();
	struct vcpu_csrs *s = &v->csrs;

	if (c->loaded != v)
		misuse("vCPU %u saved, but it is not the one loaded", v->id);
	/* what arch_vcpu_save() reads back: not Keel's own henvcfg, hcounteren, hedeleg share */
	s->hstatus = c->csrs.hstatus;
	s->vsstatus = c->csrs.vsstatus;
	s->vsie = c->csrs.vsie;
	s->vstvec = c->csrs.vstvec;
	s->vsscratch = c->csrs.vsscratch;
	s->vsepc = c->csrs.vsepc;
	s->vscause = c->csrs.vscause;
	s->vstval = c->csrs.vstval;
	s->vsatp = c->csrs.vsatp;
	s->hvip = c->csrs.hvip;
	s->scounteren = c->csrs.scounteren;
	s->senvcfg = c->csrs.senvcfg;
	if (s->henvcfg & ENVCFG_STCE)
		s->vstimecmp = c->csrs.vstimecmp;
	c->loaded = NULL;
	c->saves++;
}

void arch_set_guest_delegation(unsigned long causes)
{
	cpu()->delegation = causes;
	cpu()->delegation_writes++;
}

void arch_set_henvcfg(unsigned long henvcfg)
{
	loaded_csrs("an henvcfg write")->henvcfg = henvcfg;
	cpu()->henvcfg_writes++;
}

unsigned long arch_guest_hstatus(void)
{
	return fake_arch.trap.hstatus;
}

void arch_trap_read(struct trap_info *t, struct vcpu_context *regs)
{
	*t = fake_arch.trap;
	t->regs = regs;
	t->sepc = regs->sepc;
}

unsigned long arch_trap_cause(void)
{
	return fake_arch.trap.scause;
}

/* As the hart does it, with Keel's own vs_trap_entry() */
void arch_vcpu_enter_vs_trap(struct vcpu *v, unsigned long cause, unsigned long tval,
			     bool from_vs)
{
	struct fake_cpu *c = cpu();
	struct vs_trap_entry e;

	if (c->loaded != v)
		misuse("a trap entered for vCPU %u, which is not loaded here", v->id);
	e = vs_trap_entry(c->csrs.vsstatus, c->csrs.vstvec, v->ctx.sepc, cause, tval, from_vs);
	c->csrs.vsstatus = e.vsstatus;
	c->csrs.vsepc = e.vsepc;
	c->csrs.vscause = e.vscause;
	c->csrs.vstval = e.vstval;
	v->ctx.sepc = e.pc;
	c->sstatus |= SSTATUS_SPP;
	c->csrs.hstatus |= HSTATUS_SPVP;
	c->vs_traps++;
	c->vs_trap_cause = cause;
	c->vs_trap_tval = tval;
	c->vs_trap_from_vs = from_vs;
}

void arch_set_vstimecmp(uint64_t deadline)
{
	loaded_csrs("a vstimecmp write")->vstimecmp = deadline;
}

void arch_set_hvip(unsigned long bits)
{
	loaded_csrs("an hvip write")->hvip |= bits;
}

void arch_clear_hvip(unsigned long bits)
{
	loaded_csrs("an hvip write")->hvip &= ~bits;
}

/* hip & hie: VS bits pending (hvip, or vstimecmp with Sstc), enabled in vsie */
unsigned long arch_vs_pending_enabled(void)
{
	const struct vcpu_csrs *c = loaded_csrs("a read of hip");
	unsigned long pending = c->hvip & VS_INTERRUPTS;

	if ((c->henvcfg & ENVCFG_STCE) && fake_arch.now >= c->vstimecmp)
		pending |= MIP_VSTIP;
	return pending & (c->vsie << 1) & VS_INTERRUPTS;
}

/* ---- guest memory ---- */

int arch_guest_read_insn(const struct trap_info *t, unsigned long gva, uint32_t *insn,
			 unsigned long *cause)
{
	uint32_t word;

	(void)t;
	fake_arch.insn_reads++;
	*cause = 0;
	if (!code_at(gva, &word)) {
		*cause = EXC_INST_GUEST_PAGE_FAULT;
		return -1;
	}
	/* a 16-bit instruction: the next one's half is not part of it */
	*insn = (word & 3) == 3 ? word : (word & 0xffff);
	return 0;
}

void mmio_arch_trap_read(struct mmio_arch_trap *t)
{
	*t = (struct mmio_arch_trap){ fake_arch.trap.scause,  fake_arch.trap.stval,
				      fake_arch.trap.htval,   fake_arch.trap.htinst,
				      fake_arch.trap.hstatus, fake_arch.trap.sstatus };
}

uint64_t mmio_arch_time(void)
{
	return fake_arch.now;
}

long mmio_arch_fetch(unsigned long gva)
{
	uint32_t word;

	fake_arch.fetches++;
	return !fake_arch.fetch_faults && code_at(gva, &word) ? (long)word : -1;
}

void mmio_arch_fetch_undo(const struct mmio_arch_trap *t, unsigned long sepc)
{
	(void)t;
	(void)sepc;
	fake_arch.fetch_undos++;
}

/* ---- fences ---- */

static void hfence(enum fake_hfence_kind kind, unsigned long arg)
{
	struct fake_cpu *c = cpu();

	if (c->nr_hfences == FAKE_ARCH_LOG)
		misuse("more hfences than fake_arch logs");
	c->hfence[c->nr_hfences++] = (struct fake_hfence){ kind, arg };
}

void arch_hfence_gvma_vmid(unsigned int vmid)
{
	hfence(FAKE_HFENCE_GVMA_VMID, vmid);
}

void arch_hfence_vvma_all(void)
{
	hfence(FAKE_HFENCE_VVMA_ALL, 0);
}

void arch_hfence_vvma_asid(unsigned long asid)
{
	hfence(FAKE_HFENCE_VVMA_ASID, asid);
}

void arch_hfence_vvma_addr(unsigned long addr)
{
	hfence(FAKE_HFENCE_VVMA_ADDR, addr);
}

void arch_fence_i(void)
{
	cpu()->fence_is++;
	if (fake_arch.on_fence_i)
		fake_arch.on_fence_i();
}

/* ---- the firmware ---- */

struct sbiret fw_sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
			  unsigned long a1, unsigned long a2, unsigned long a3)
{
	(void)a2;
	(void)a3;
	/* Keel sends one IPI at a time: mask 1, base = the hart id */
	if (eid != SBI_EXT_IPI || fid != SBI_EXT_IPI_SEND_IPI || a0 != 1)
		misuse("firmware call eid 0x%lx fid %lu a0 0x%lx: not one Keel makes", eid, fid, a0);
	if (fake_arch.ipis < FAKE_ARCH_LOG)
		fake_arch.ipi_hartid[fake_arch.ipis] = a1;
	fake_arch.ipis++;
	for (unsigned int i = 0; i < KEEL_MAX_HARTS; i++)
		if (harts[i].hartid == a1 && fake_arch.on_ipi)
			fake_arch.on_ipi(&harts[i]);
	return (struct sbiret){ 0, 0 };
}

void fw_system_reset(unsigned long type, unsigned long reason)
{
	misuse("system reset (type %lu reason %lu)", type, reason);
}

void guest_enter(struct vcpu_context *ctx)
{
	(void)ctx;
	misuse("guest_enter: no guest runs on the host");
}
