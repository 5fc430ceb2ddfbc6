/*
 * Keel's C entry on the boot hart: learn the machine from its device tree,
 * set up memory, build the VMs the bundle names, and enter the first vCPU.
 * Read docs/boot.md beside it.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "arch/riscv/arch.h"
#include "boot/boot_report.h"
#include "fw_events.h"
#include "bundle.h"
#include "lib/console.h"
#include "vm_console.h"
#include "platform/hw_irq.h"
#include "hart.h"
#include "pmu/host_pmu.h"
#include "mm/mem.h"
#include "lib/memops.h"
#include "platform/platform.h"
#include "prof.h"
#include "sbi/sbi.h"
#include "sbi_defs.h"
#include "sched/power.h"
#include "sched/sched.h"
#include "lib/power.h"
#include "boot/boot.h"
#include "vm.h"
#include "monitor/console_input.h"

extern char _image_start[], _image_end[];

static struct bundle bundle;

/*
 * A boot step failed (docs/errors.md): its message, then the power-off
 * naming the step. Every boot step reports this way.
 */
static void __attribute__((noreturn)) boot_fail(const char *step, const char *err)
{
	pr_err("%s\n", err);
	keel_power_off(true, step);
}

static const struct platform_hart *platform_hart(unsigned long hartid)
{
	for (unsigned int i = 0; i < platform.nr_harts; i++)
		if (platform.harts[i].hartid == hartid)
			return &platform.harts[i];
	return NULL;
}

static bool hart_has_h(unsigned long hartid)
{
	const struct platform_hart *h = platform_hart(hartid);

	return h && h->has_h;
}

/*
 * Keep a range out of keel_mem. A reserve the pool cannot complete (one
 * free range too many to split) may have left part of the range free:
 * Keel could then hand out the firmware's memory or its own image, so the
 * boot stops.
 */
static int reserve(const char *what, uint64_t base, uint64_t size, char *err,
		   unsigned long errlen)
{
	if (!mem_pool_reserve(&keel_mem, base, size))
		return 0;
	snprintf(err, errlen, "memory: cannot keep %s (0x%llx-0x%llx) out of Keel's pool: "
			      "more than %d free ranges", what, (unsigned long long)base,
		 (unsigned long long)(base + size), MEM_POOL_MAX_RANGES);
	return -1;
}

/* so a RAM range the pool refuses is a bad one, never one too many */
_Static_assert(PLATFORM_MAX_RANGES <= MEM_POOL_MAX_RANGES, "every RAM range fits the pool");

/* keel_mem: the device tree's RAM, less everything Keel must not hand out */
static int setup_memory(const void *fdt, char *err, unsigned long errlen)
{
	mem_pool_init(&keel_mem);
	for (unsigned int i = 0; i < platform.nr_ram; i++) {
		const struct mem_range *r = &platform.ram[i];

		if (!r->size)
			continue; /* an empty reg adds nothing */
		if (mem_pool_add(&keel_mem, r->base, r->size)) {
			snprintf(err, errlen, "memory: RAM 0x%llx-0x%llx in the device tree runs past "
					      "the top of the address space or overlaps other RAM",
				 (unsigned long long)r->base, (unsigned long long)(r->base + r->size));
			return -1;
		}
	}
	for (unsigned int i = 0; i < platform.nr_reserved; i++)
		if (reserve("a reserved range of the device tree", platform.reserved[i].base,
			    platform.reserved[i].size, err, errlen))
			return -1;
	if (reserve("Keel's image", (uintptr_t)_image_start,
		    (uintptr_t)_image_end - (uintptr_t)_image_start, err, errlen) ||
	    reserve("the platform device tree", (uintptr_t)fdt, fdt_totalsize(fdt), err, errlen))
		return -1;
	if (platform.initrd_end > platform.initrd_start &&
	    reserve("the bundle", platform.initrd_start,
		    platform.initrd_end - platform.initrd_start, err, errlen))
		return -1;
	return 0;
}

/* src/boot/builtin_bundle.S: empty unless built with make keel-builtin */
extern const char builtin_bundle_start[], builtin_bundle_end[];

/* The bundle the firmware loaded, or else the one built into Keel's image */
static void load_bundle(void)
{
	const void *blob = (const void *)(uintptr_t)platform.initrd_start;
	uint64_t size = platform.initrd_end - platform.initrd_start;
	char err[192];

	if (platform.initrd_end <= platform.initrd_start) {
		blob = builtin_bundle_start;
		size = (uint64_t)(builtin_bundle_end - builtin_bundle_start);
		if (!size)
			keel_power_off(true, "no bundle: /chosen has no linux,initrd-start/end and none "
					"is built in (load one with QEMU -initrd, or make "
					"keel-builtin; see README)");
		pr_info("bundle: built into Keel's image (%llu bytes)\n", (unsigned long long)size);
	}
	if (bundle_parse(blob, size, &bundle, err, sizeof(err)))
		boot_fail("bad bundle", err);
	power_keep_running = bundle.keep_running;
}

/* What the firmware handed Keel, kept for a boot that moves (boot_move.c) */
static const void *boot_fdt;

/*
 * Keel needs a hart with H to run on: this one, or else it moves there.
 * Without any, it stops (tests/system/cases.sh, no-h-extension, looks for
 * "has no H extension").
 */
static void check_boot_hart(unsigned long boot_hartid)
{
	const struct platform_hart *first = platform_first_usable(&platform, boot_hartid);
	char err[256];

	if (!first) {
		boot_report_left_out();
		snprintf(err, sizeof(err), "no hart Keel can run on; boot hart %lu %s (riscv,isa "
			 "\"%s\"). Keel needs the H extension: on QEMU use a CPU with h=true.",
			 boot_hartid,
			 hart_has_h(boot_hartid) ? "has H but cannot run Keel" : "has no H extension",
			 platform.isa);
		boot_fail("no H extension", err);
	}
	/* boot_move() returns only when the boot could not move */
	if (first->hartid != boot_hartid && boot_move(boot_hartid, first->hartid, err, sizeof(err)))
		boot_fail("the boot could not move to a hart with H", err);
}

static void __attribute__((noreturn)) boot_on_h_hart(unsigned long hartid);

/* harts[0] is the boot hart's, and this_hart() finds it through tp from here on */
static void boot_hart_init(unsigned long hartid)
{
	struct hart *h = &harts[0];

	h->index = 0;
	h->hartid = hartid;
	spinlock_init(&h->fence_lock, LOCK_HART_FENCES);
	h->stack_top = (unsigned long)hart_stacks + KEEL_STACK_SIZE;
	h->slice_end = UINT64_MAX;
	h->timer_deadline = UINT64_MAX;
	h->online = true;
	__asm__ __volatile__("mv tp, %0" ::"r"(h));
}

void keel_main(unsigned long hartid, const void *fdt)
{
	char err[160];

	if (platform_parse(fdt, hartid, &platform, err, sizeof(err))) {
		/* no console yet: say it through the firmware's console */
		console_init(&(struct hw_uart){ .kind = HW_UART_NONE });
		boot_fail("bad platform device tree", err);
	}
	console_init(&platform.uart);
	boot_fdt = fdt;
	boot_hart_init(hartid);
	check_boot_hart(hartid);
	boot_on_h_hart(hartid);
}

void keel_boot_moved(unsigned long hartid)
{
	char err[160];

	boot_move_arrived();
	/* again, for this hart: its ISA for the guests, its PLIC context */
	if (platform_parse(boot_fdt, hartid, &platform, err, sizeof(err)))
		boot_fail("bad platform device tree", err);
	boot_on_h_hart(hartid);
}

/*
 * A hart started through the firmware's HSM arrives here from entry.S:
 * harts[0] is started only by boot_move() and carries on the boot; every
 * other sets itself up and runs its scheduler (smp.c).
 */
void keel_secondary_main(unsigned long hartid, struct hart *h);

void keel_secondary_main(unsigned long hartid, struct hart *h)
{
	if (h == &harts[0])
		keel_boot_moved(hartid);
	smp_secondary_main(hartid, h);
}

/*
 * What this hart offers HS-mode and the guests: the device tree's word
 * first, then what the probes find HS-mode can use; the firmware's
 * counters and the SBI fast path's constant answers with it.
 */
static void probe_boot_hart(struct hart *h, unsigned long hartid)
{
	host.smstateen = platform_hart(hartid)->has_smstateen;
	host.vsiselect = platform_hart(hartid)->has_siselect;
	arch_probe_host(&host);
	host.fpu = isa_has_extension(platform.isa, "d");
	/* the probe asked for what arch_hart_init() sets: it fails only on other harts */
	if (arch_hart_init())
		boot_fail("the boot hart's set-up failed",
			  "the boot hart lost Svadu between the probe and its set-up");
	fw_events_hart_init(h);
	host_pmu_probe();
	sbi_base_fast_init();
	sbi_name_exit_slots();
}

/* Every VM of the bundle, each with its line of the console */
static int create_vms(char *err, unsigned long errlen)
{
	vm_console_setup(bundle.console_color, bundle.nr_vms);
	console_input_setup();
	sched_boot_hart_service = vm_console_service;
	for (unsigned int i = 0; i < bundle.nr_vms; i++) {
		const struct vm_config *c = &bundle.vms[i];
		if (vm_create(&vms[i], i, c, &bundle, err, errlen))
			return -1;
		nr_vms++;
		pr_info("VM '%s': %s, %llu MiB at host 0x%llx, %u vCPU(s), entry 0x%llx%s\n",
			c->name, vms[i].image_kind, (unsigned long long)(c->mem_size >> 20),
			(unsigned long long)(uintptr_t)vms[i].ram, c->nr_vcpus,
			(unsigned long long)vms[i].entry, bundle.trace ? ", tracing exits" : "");
	}
	return 0;
}

/* Typed input on the UART's interrupt, or else polled every 20 ms */
static void setup_console_input(struct hart *h)
{
	if (hw_irq_init()) {
		h->console_next = UINT64_MAX;
		pr_info("console input: on interrupt (PLIC source %u, context %u)\n",
			platform.console_irq.source, platform.console_irq.context);
	} else {
		pr_info("console input: polled every %u ms: %s\n", VM_CONSOLE_POLL_MS,
			platform.console_irq.why_not ? platform.console_irq.why_not
						     : "the UART's interrupt could not be enabled");
	}
}

/*
 * The profiler's buffers, and with PROFILE=1 a profile of the whole run.
 * Keel runs without a profiler: a failure here is said, not fatal.
 */
static void start_profiler(void)
{
	char err[160];
	long r;

	if (prof_init(err, sizeof(err)))
		pr_err("%s\n", err);
	if (!bundle.profile_hz)
		return;
	r = prof_start(bundle.profile_hz, bundle.profile_callchain);
	if (r != SBI_SUCCESS)
		pr_err("profiling could not start: %s\n", prof_start_problem(r));
}

/* The rest of the boot, on harts[0] (tp) with H. */
static void boot_on_h_hart(unsigned long hartid)
{
	struct hart *h = &harts[0];
	char err[192];

	probe_boot_hart(h, hartid);
	boot_report_machine(hartid);
	boot_report_left_out();
	if (setup_memory(boot_fdt, err, sizeof(err)))
		boot_fail("no memory pool", err);
	load_bundle();
	if (create_vms(err, sizeof(err)))
		boot_fail("a VM could not be created", err);
	smp_start_secondaries();
	if (smp_place_vcpus(err, sizeof(err)))
		boot_fail("bad vCPU placement", err);
	boot_report_placement();
	setup_console_input(h);
	start_profiler();
	pr_info("%llu MiB left free; entering the guest\n\n",
		(unsigned long long)(mem_pool_free_bytes(&keel_mem) >> 20));
	sched_start(h);
}
