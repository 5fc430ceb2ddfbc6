/*
 * Tests for src/vm/vm.c: creating a VM, and the stop, reset and
 * quiesce state machine around it. RUNNING -> RESETTING (every vCPU
 * parked by its own hart, RAM forgotten and the image loaded again, the
 * generation bumped) -> RUNNING; any -> STOPPED, and a stop always wins
 * over a restart under way.
 *
 * A VM is built by the real vm_create() in host memory: Keel's page pool
 * is a host buffer, guest RAM and G-stage tables are allocated from it,
 * the image is a raw binary, the device tree comes from guest_fdt.c and
 * libfdt. The harts' scheduler is the real sched.c, each hart simulated
 * in turn on this thread (fake_on_hart), with their CSRs modelled by
 * fake_arch.c.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fake_arch.h"
#include "fake_keel.h"
#include "fake_pmu_arch.h"
#include "vm/image.h"
#include "mm/mem.h"
#include "lib/memops.h"
#include "sched/sched.h"
#include "unit.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "boot/boot.h"

#define RAM_SIZE (8UL << 20) /* 4 blocks: the image at +2 MiB, the DT in the last */
#define POOL_SIZE (32UL << 20)
#define ENTRY (VM_RAM_BASE + IMAGE_DEFAULT_OFFSET)
#define DTB (VM_RAM_BASE + RAM_SIZE - 0x200000)

/* What src/boot/entry.S defines */
uint64_t keel_entry_instret;

static uint8_t *pool;
static const uint8_t image[64] = "KEEL test image: raw bytes, not ELF, not a Linux Image";
static struct vm_config cfg;
static struct bundle bundle;
static struct vm *vm;
static char err[192];

static void init(unsigned int nr_vcpus)
{
	fake_keel_reset();
	fake_arch_reset();
	fake_pmu_reset();
	if (!pool)
		pool = aligned_alloc(2UL << 20, POOL_SIZE);
	mem_pool_init(&keel_mem);
	CHECK_EQ(mem_pool_add(&keel_mem, (uintptr_t)pool, POOL_SIZE), 0);
	host = (struct host_features){ .sstc = true, .gstage_levels = 3, .vmid_bits = 7 };
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), "vm0");
	cfg.mem_size = RAM_SIZE;
	cfg.nr_vcpus = nr_vcpus;
	cfg.bootargs = "";
	cfg.image = image;
	cfg.image_size = sizeof(image);
	cfg.devices = VM_DEV_ALL;
	for (unsigned int i = 0; i < KEEL_MAX_VCPUS; i++)
		cfg.vcpu_pin[i] = -1;
	memset(&bundle, 0, sizeof(bundle));
	memset(vms, 0, sizeof(vms));
	vm = &vms[0];
	nr_vms = 1;
}

/* vCPU i lives on harts[homes[i]], as smp_place_vcpus() leaves it */
static void place(const unsigned int *homes)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct hart *h = &harts[homes ? homes[i] : 0];
		struct vcpu *v = &vm->vcpus[i];

		v->hart = h;
		v->sched_index = h->nr_vcpus;
		h->vcpus[h->nr_vcpus++] = v;
		if (h->index + 1 > nr_harts)
			nr_harts = h->index + 1;
	}
}

static void setup(unsigned int nr_vcpus, const unsigned int *homes)
{
	init(nr_vcpus);
	CHECK_EQ(vm_create(vm, 0, &cfg, &bundle, err, sizeof(err)), 0);
	place(homes);
}

static void *gpa(uint64_t addr, uint64_t len)
{
	return vm_gpa_to_hva(vm, addr, len);
}

static bool block_ready(uint64_t addr)
{
	return mem_block_ready(&vm->ram_blocks, mem_block_of(addr - VM_RAM_BASE));
}

static uint32_t boot_count(void)
{
	const void *fdt = gpa(DTB, VM_DTB_MAX);
	int node = fdt_path_offset(fdt, "/chosen");
	const fdt32_t *p = fdt_getprop(fdt, node, "keel,boot-count", NULL);

	return p ? fdt32_to_cpu(*p) : 0xdead;
}

/* How often kprintf printed s */
static unsigned int printed_times(const char *s)
{
	unsigned int n = 0;

	for (const char *p = fake_keel.log; (p = strstr(p, s)); p++)
		n++;
	return n;
}

static struct vcpu *entered;

static void pass(void *unused)
{
	(void)unused;
	entered = (struct vcpu *)sched_after_exit(NULL);
}

/* One pass of the scheduler on hart h: the vCPU it enters, or NULL when it idles */
static struct vcpu *schedule_on(struct hart *h)
{
	fake_on_hart(h);
	entered = NULL;
	if (fake_idles(pass, NULL))
		entered = NULL;
	fake_on_hart(&harts[0]);
	return entered;
}

/* ---- vm_create ----------------------------------------------------------- */

TEST(create_builds_a_running_vm_from_its_image)
{
	const uint8_t *dtb;

	setup(2, NULL);
	CHECK_EQ(vm->state, VM_RUNNING);
	CHECK_EQ(vm->entry, ENTRY);
	CHECK_EQ(vm->dtb_gpa, DTB);
	CHECK_STR(vm->image_kind, "raw binary");
	CHECK_EQ(vm->vmid, 1);
	CHECK(vm->guest_sstc);
	CHECK(vm->hgatp != 0);
	CHECK(vm->has_uart && vm->has_plic);
	CHECK_EQ(vm->vcpus[0].hsm_state, SBI_HSM_STATE_STARTED);
	CHECK_EQ(vm->vcpus[0].run_state, VCPU_RUNNABLE);
	CHECK_EQ(vm->vcpus[1].hsm_state, SBI_HSM_STATE_STOPPED);
	CHECK_EQ(vm->vcpus[1].run_state, VCPU_OFF);
	for (unsigned int i = 0; i < 2; i++) {
		CHECK_EQ(vm->vcpus[i].ctx.sepc, ENTRY);
		CHECK_EQ(vm->vcpus[i].ctx.x[10], i);
		CHECK_EQ(vm->vcpus[i].ctx.x[11], DTB);
		CHECK(vm->vcpus[i].vm == vm);
	}
	/* only the blocks something was loaded into are zeroed and mapped */
	CHECK(!block_ready(VM_RAM_BASE));
	CHECK(block_ready(ENTRY));
	CHECK(!block_ready(ENTRY + 0x200000));
	CHECK(block_ready(DTB));
	CHECK(!memcmp(gpa(ENTRY, sizeof(image)), image, sizeof(image)));
	dtb = gpa(DTB, VM_DTB_MAX);
	CHECK_EQ(fdt_check_header(dtb), 0);
	CHECK_EQ(boot_count(), 0);
	/* what libfdt leaves behind the tree is zeroed */
	for (uint64_t i = fdt_totalsize(dtb); i < VM_DTB_MAX; i++)
		if (dtb[i]) {
			CHECK(!"a byte behind the device tree is not zero");
			break;
		}
	/* the code may run: instruction fetches see it */
	CHECK_EQ(fake_cpu_of(&harts[0])->fence_is, 1);
}

TEST(create_without_sstc_for_the_guest)
{
	init(1);
	cfg.no_sstc = true;
	CHECK_EQ(vm_create(vm, 2, &cfg, &bundle, err, sizeof(err)), 0);
	CHECK(!vm->guest_sstc);
	CHECK_EQ(vm->vmid, 3);
	CHECK_EQ(vm->vcpus[0].csrs.henvcfg, 0);
}

TEST(create_refuses_what_does_not_fit)
{
	init(1);
	cfg.mem_size = 2 * POOL_SIZE;
	CHECK_EQ(vm_create(vm, 0, &cfg, &bundle, err, sizeof(err)), -1);
	CHECK_STR(err, "VM 'vm0': cannot allocate 64 MiB of RAM (32 MiB free)");

	init(1);
	cfg.initrd = image;
	cfg.initrd_size = 6UL << 20;
	CHECK_EQ(vm_create(vm, 0, &cfg, &bundle, err, sizeof(err)), -1);
	CHECK(!strncmp(err, "VM 'vm0': initrd of 6291456 bytes does not fit in 8 MiB of RAM", 62));

	init(1);
	cfg.image_size = 0;
	CHECK_EQ(vm_create(vm, 0, &cfg, &bundle, err, sizeof(err)), -1);
	CHECK(!strncmp(err, "VM 'vm0': image: ", 17));
	/* vm_create() only reports: the boot prints it (main.c) */
	CHECK(!fake_printed("VM 'vm0'"));
}

/* ---- vm_stop ------------------------------------------------------------- */

TEST(stop_is_final_and_said_once)
{
	static const unsigned int homes[] = { 0, 1 };

	setup(2, homes);
	vm->vcpus[0].pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started = true;
	vm->vcpus[0].pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].offset = 0; /* counted: value - offset = 3 */
	vm->vcpus[0].pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value = 3;
	vm->vcpus[1].sta_used = true;
	vm_stop(vm, VM_STOP_SHUTDOWN, "the guest shut down");
	CHECK_EQ(vm->state, VM_STOPPED);
	CHECK_EQ(vm->stop_reason, VM_STOP_SHUTDOWN);
	CHECK_EQ(vm->quiesce_seq, 1);
	CHECK(fake_printed("[keel] VM 'vm0' stopped: the guest shut down\n"));
	/* what the guest's counters counted, and its steal time */
	CHECK(fake_printed("pmu vm0/vcpu0 ILLEGAL_INSN"));
	CHECK(fake_printed("steal vm0/vcpu1 0 ns"));
	/* every vCPU's hart is told to look */
	CHECK_EQ(vm->vcpus[0].requests, VCPU_REQ_CHECK);
	CHECK_EQ(vm->vcpus[1].requests, VCPU_REQ_CHECK);
	CHECK_EQ(harts[0].work, 1);
	CHECK_EQ(harts[1].work, 1);
	CHECK_EQ(fake_arch.ipis, 1);
	/* a second stop changes nothing, and says nothing */
	vm_stop(vm, VM_STOP_FAILURE, "again");
	CHECK_EQ(vm->stop_reason, VM_STOP_SHUTDOWN);
	CHECK_EQ(vm->quiesce_seq, 1);
	CHECK(!fake_printed("again"));
	CHECK_EQ(printed_times("pmu vm0/vcpu0 ILLEGAL_INSN"), 1);
}

/* The hart that stops a VM it runs brings the firmware's counts up to date first */
TEST(stop_syncs_the_firmware_counts_of_the_vcpu_running_here)
{
	setup(1, NULL);
	vm_stop(vm, VM_STOP_FAILURE, "x");
	CHECK_EQ(fake_keel.fw_syncs, 0);
	setup(1, NULL);
	harts[0].current = &vm->vcpus[0];
	vm_stop(vm, VM_STOP_FAILURE, "x");
	CHECK_EQ(fake_keel.fw_syncs, 1);
	CHECK_EQ(vm->stop_reason, VM_STOP_FAILURE);
}

/* ---- vm_restart: who may --------------------------------------------------- */

TEST(restart_refuses_the_wrong_state_and_a_second_restart)
{
	setup(1, NULL);
	CHECK_EQ(vm_restart(vm, true), VM_RESTART_WRONG_STATE); /* running: not a start */
	CHECK_EQ(vm->state, VM_RUNNING);
	CHECK_EQ(vm_reboot(vm), VM_RESTART_STARTED);
	CHECK_EQ(vm->state, VM_RESETTING);
	CHECK(vm->restarting);
	CHECK(vm->reset.hart == &harts[0]);
	CHECK_EQ(vm->reset.seq, vm->quiesce_seq);
	CHECK_EQ(vm->quiesce_seq, 1);
	CHECK_EQ(vm_reboot(vm), VM_RESTART_BUSY);
	CHECK_EQ(vm->quiesce_seq, 1);
	/* the restart itself is this hart's work, from its scheduler loop */
	CHECK_EQ(harts[0].work, 1);
	CHECK_EQ(vm->vcpus[0].requests, VCPU_REQ_CHECK);

	setup(1, NULL);
	vm_stop(vm, VM_STOP_SHUTDOWN, "x");
	CHECK_EQ(vm_reboot(vm), VM_RESTART_WRONG_STATE); /* stopped: not a reset */
	CHECK_EQ(vm_restart(vm, true), VM_RESTART_STARTED);
	CHECK_EQ(vm->state, VM_RESETTING);
}

/* ---- the restart, carried out ---------------------------------------------- */

/*
 * All on this hart: its scheduler parks both vCPUs, restarts the VM and
 * runs vCPU 0 from the reset state, in one pass. RAM the guest dirtied
 * reads zero again.
 */
TEST(reboot_on_one_hart_runs_vcpu_0_from_its_image_again)
{
	uint8_t *scratch;

	setup(2, NULL);
	CHECK(schedule_on(&harts[0]) == &vm->vcpus[0]);
	scratch = gpa(VM_RAM_BASE + 0x1000, 1);
	*scratch = 0xaa;
	vm->vcpus[0].ctx.sepc = 0x80345678;
	vm->vcpus[1].hsm_state = SBI_HSM_STATE_STARTED;
	vm->vcpus[1].run_state = VCPU_RUNNABLE;
	vm->vcpus[1].ctx.sepc = 0x80876543;
	CHECK_EQ(vm_reboot(vm), VM_RESTART_STARTED);
	CHECK(schedule_on(&harts[0]) == &vm->vcpus[0]);
	CHECK_EQ(vm->state, VM_RUNNING);
	CHECK(!vm->restarting);
	CHECK_EQ(vm->generation, 1);
	CHECK_EQ(vm->reboots, 1);
	CHECK(fake_printed("[keel] VM 'vm0' restarted from its image\n"));
	CHECK_EQ(vm->vcpus[0].ctx.sepc, ENTRY);
	CHECK_EQ(vm->vcpus[0].ctx.x[11], DTB);
	CHECK_EQ(vm->vcpus[0].hsm_state, SBI_HSM_STATE_STARTED);
	CHECK_EQ(vm->vcpus[1].hsm_state, SBI_HSM_STATE_STOPPED);
	CHECK_EQ(vm->vcpus[1].run_state, VCPU_OFF);
	CHECK_EQ(vm->vcpus[1].generation, 1);
	/* RAM: forgotten, and zeroed again when next touched */
	CHECK(!block_ready(VM_RAM_BASE));
	CHECK_EQ(*(uint8_t *)gpa(VM_RAM_BASE + 0x1000, 1), 0);
	CHECK(!memcmp(gpa(ENTRY, sizeof(image)), image, sizeof(image)));
	CHECK_EQ(boot_count(), 1);
}

/* The restart waits until every other hart has parked its vCPUs */
TEST(reboot_waits_for_the_other_harts_to_park)
{
	static const unsigned int homes[] = { 0, 1 };

	setup(2, homes);
	CHECK_EQ(vm_reboot(vm), VM_RESTART_STARTED);
	CHECK_EQ(harts[1].work, 1); /* told, by an IPI */
	CHECK_EQ(fake_arch.ipis, 1);
	CHECK(vm_reset_work(&harts[0])); /* more to do: vCPU 1 is not parked */
	CHECK(vm_reset_work(&harts[0]));
	CHECK_EQ(vm->state, VM_RESETTING);
	CHECK_EQ(vm->generation, 0);
	/* hart 1 has nothing else: it parks vCPU 1, acknowledges, and idles */
	CHECK(schedule_on(&harts[1]) == NULL);
	CHECK_EQ(vm->vcpus[1].quiesce_ack, vm->reset.seq);
	/* only the hart that restarts carries it out */
	fake_on_hart(&harts[1]);
	CHECK(!vm_reset_work(&harts[1]));
	fake_on_hart(&harts[0]);
	CHECK_EQ(vm->state, VM_RESETTING);
	CHECK(!vm_reset_work(&harts[0]));
	CHECK_EQ(vm->state, VM_RUNNING);
	CHECK_EQ(vm->generation, 1);
	/* both harts catch up with the reset; vCPU 0 runs on hart 0 */
	CHECK(schedule_on(&harts[0]) == &vm->vcpus[0]);
	CHECK(schedule_on(&harts[1]) == NULL);
	CHECK_EQ(vm->vcpus[1].generation, 1);
}

/* A stop while the restart waits for the other harts: the stop wins */
TEST(a_stop_before_the_vcpus_are_parked_abandons_the_restart)
{
	static const unsigned int homes[] = { 0, 1 };

	setup(2, homes);
	CHECK_EQ(vm_reboot(vm), VM_RESTART_STARTED);
	CHECK(vm_reset_work(&harts[0]));
	vm_stop(vm, VM_STOP_FAILURE, "stopped meanwhile");
	CHECK(!vm_reset_work(&harts[0]));
	CHECK(!vm->restarting);
	CHECK_EQ(vm->state, VM_STOPPED);
	CHECK_EQ(vm->generation, 0);
	CHECK_EQ(vm->reboots, 0);
	CHECK(!fake_printed("restarted"));
	/* a restart may start again */
	CHECK_EQ(vm_restart(vm, true), VM_RESTART_STARTED);
}

/* A stop while the image is reloaded: the VM stays stopped, whatever was reloaded */
static void stop_now(void)
{
	fake_arch.on_fence_i = NULL;
	vm_stop(vm, VM_STOP_FAILURE, "stopped during the reload");
}

TEST(a_stop_during_the_reload_wins_too)
{
	setup(1, NULL);
	CHECK_EQ(vm_reboot(vm), VM_RESTART_STARTED);
	fake_arch.on_fence_i = stop_now; /* vm_load's last step */
	CHECK(!vm_reset_work(&harts[0]));
	CHECK_EQ(vm->reboots, 1);
	CHECK_EQ(vm->state, VM_STOPPED);
	CHECK_EQ(vm->generation, 0);
	CHECK(!vm->restarting);
	CHECK(!fake_printed("restarted"));
	CHECK(schedule_on(&harts[0]) == NULL);
	CHECK_EQ(vm->vcpus[0].run_state, VCPU_OFF);
}

TEST(a_stopped_vm_can_be_started_again)
{
	setup(1, NULL);
	CHECK(schedule_on(&harts[0]) == &vm->vcpus[0]);
	vm_stop(vm, VM_STOP_SHUTDOWN, "x");
	CHECK(schedule_on(&harts[0]) == NULL);
	CHECK_EQ(vm->vcpus[0].run_state, VCPU_OFF);
	CHECK_EQ(vm_restart(vm, true), VM_RESTART_STARTED);
	CHECK(schedule_on(&harts[0]) == &vm->vcpus[0]);
	CHECK_EQ(vm->state, VM_RUNNING);
	CHECK_EQ(vm->vcpus[0].ctx.sepc, ENTRY);
	CHECK_EQ(boot_count(), 1);
}

/* An image that no longer loads: the VM stops, with the reason */
TEST(a_restart_whose_image_fails_to_load_stops_the_vm)
{
	setup(1, NULL);
	CHECK_EQ(vm_reboot(vm), VM_RESTART_STARTED);
	cfg.image_size = RAM_SIZE;
	CHECK(!vm_reset_work(&harts[0]));
	CHECK_EQ(vm->state, VM_STOPPED);
	CHECK_EQ(vm->stop_reason, VM_STOP_FAILURE);
	CHECK(!vm->restarting);
	CHECK(fake_printed("VM 'vm0': image: "));
	CHECK(fake_printed("VM 'vm0' stopped: its image could not be loaded"));
}
