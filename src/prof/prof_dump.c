/*
 * Writing a profile to the console in the format of docs/profiling.md:
 * samples from every hart's buffer, then every vCPU's exit statistics.
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "hart.h"
#include "platform/platform.h"
#include "prof.h"
#include "vm.h"
#include "lib/trap_names.h"

extern char _image_start[], _text_end[];

/* Each SBI extension's slot's name, given by the SBI layer at boot (sbi_name_exit_slots) */
static const char *sbi_slot_names[EXIT_SBI_SLOTS];

void exit_slot_name_sbi(unsigned int sbi_slot, const char *name)
{
	if (sbi_slot < EXIT_SBI_SLOTS)
		sbi_slot_names[sbi_slot] = name;
}

void exit_slot_name(unsigned int slot, const char **kind, const char **name)
{
	if (slot < EXIT_SLOT_IRQ(0)) {
		*kind = "exc";
		*name = trap_short_name(slot);
	} else if (slot < EXIT_SLOT_SBI(0)) {
		*kind = "irq";
		*name = trap_short_name(CAUSE_IRQ_FLAG | (slot - EXIT_SLOT_IRQ(0)));
	} else {
		*kind = "sbi";
		slot -= EXIT_SLOT_SBI(0);
		*name = slot < EXIT_SBI_SLOTS && sbi_slot_names[slot] ? sbi_slot_names[slot] : "unknown";
	}
}

static void print_exits(const struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		for (unsigned int slot = 0; slot < EXIT_SLOTS; slot++) {
			const struct exit_cost *e = &v->exit_cost[slot];
			const char *kind, *name;

			if (!v->exit_count[slot])
				continue;
			exit_slot_name(slot, &kind, &name);
			/* instret and cycles cover the last field's exits: those taken while profiling */
			kprintf("@prof exit %u %u %s %s %llu %llu %llu %llu\n", vm->id, v->id, kind,
				name, (unsigned long long)v->exit_count[slot],
				(unsigned long long)e->instret, (unsigned long long)e->cycles,
				(unsigned long long)e->measured);
		}
	}
}

void prof_dump(void)
{
	unsigned long samples = 0, drops = 0;
	char line[PROF_LINE_MAX];

	prof_stop();
	/* a guest may have left its last line unfinished: start on a new one */
	kprintf("\n@prof v1 begin timebase=%llu hz=%u harts=%u callchain=%u source=timer\n",
		(unsigned long long)platform.timebase_freq, prof_rate(), nr_harts,
		prof_with_callchain() ? 1U : 0U);
	for (unsigned int i = 0; i < nr_vms; i++)
		kprintf("@prof vm %u %s vcpus=%u\n", vms[i].id, vms[i].cfg->name, vms[i].nr_vcpus);
	/*
	 * Where Keel's code is now; a Keel loaded away from its link address
	 * also says where that is, so that keel-prof can name its pcs from
	 * keel.elf, whose symbols are at link addresses.
	 */
	if (keel_load_offset)
		kprintf("@prof keel %lx %lx linked=%lx\n", (unsigned long)_image_start,
			(unsigned long)_text_end, (unsigned long)_image_start - keel_load_offset);
	else
		kprintf("@prof keel %lx %lx\n", (unsigned long)_image_start,
			(unsigned long)_text_end);
	for (unsigned int h = 0; h < nr_harts; h++) {
		struct prof_buffer *b = &harts[h].prof;
		unsigned int len = __atomic_load_n(&b->len, __ATOMIC_ACQUIRE);

		for (unsigned int i = 0; i < len; i++) {
			console_write(line, prof_format_sample(line, h, &b->samples[i]));
			samples += b->samples[i].kind != PROF_MARK; /* marks are no samples */
		}
		kprintf("@prof drops %u %lu\n", h, b->drops);
		drops += b->drops;
		b->len = 0;
		b->drops = 0;
	}
	for (unsigned int i = 0; i < nr_vms; i++)
		print_exits(&vms[i]);
	kprintf("@prof end samples=%lu drops=%lu\n", samples, drops);
}
