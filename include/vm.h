/*
 * A virtual machine: guest RAM (one contiguous host block mapped at guest
 * 0x80000000 by the G-stage), its vCPUs, its emulated devices and the
 * bundle entry it was built from (so a reboot can reload it).
 */
#ifndef KEEL_VM_H
#define KEEL_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_config.h"
#include "bundle.h"
#include "gstage.h"
#include "mem_blocks.h"
#include "mmio_cache.h"
#include "must_check.h"
#include "spinlock.h"
#include "uart16550.h"
#include "vcpu.h"
#include "vm_console.h"
#include "vplic.h"

#define VM_RAM_BASE 0x80000000UL
#define VM_UART_BASE 0x10000000UL
#define VM_UART_CLOCK 3686400U
#define VM_UART_IRQ 10 /* its PLIC source, as on QEMU virt */
#define VM_PLIC_BASE 0x0c000000UL
/* virtio-mmio devices, one page each from here, lines 1.. of the vPLIC (as on QEMU virt) */
#define VM_VIRTIO_BASE 0x10001000UL
#define VM_VIRTIO_IRQ 1
#define VM_MAX_VIRTIO 8
#define VM_DTB_MAX 0x10000UL
/*
 * A guest's UART access reads the physical console at most this often
 * (src/vdev/mmio.c). A 16-byte FIFO at 115200 baud fills in 1.4 ms, so
 * nothing is lost, and a guest polling LSR does not pay for a device read
 * on every poll.
 */
#define VM_CONSOLE_UART_POLL_US 50

/* A restart under way (vm_restart), carried out by one hart. */
struct virtio_mmio;

struct vm_reset_job {
	struct hart *hart;   /* the hart that does it */
	unsigned long seq;   /* the VM's quiesce_seq it was started with */
	bool quiesced;       /* every vCPU on another hart has been parked */
};

/*
 * RUNNING -> RESETTING (SRST reboot: every vCPU taken off its hart, RAM
 * reloaded, generation bumped) -> RUNNING; any -> STOPPED for good.
 * Transitions hold vm->lock; harts read the state without it.
 */
enum vm_state { VM_RUNNING, VM_RESETTING, VM_STOPPED };
enum vm_stop_reason { VM_STOP_SHUTDOWN, VM_STOP_FAILURE };

struct vm {
	/*
	 * The emulated devices first: a guest's UART access (the MMIO fast
	 * path, mmio_fast.h) reaches each of these with one load at a short
	 * offset, not past the vcpus[] array.
	 */
	bool has_uart;     /* "devices" in its config (bundle.h) */
	bool has_plic;     /* a virtual PLIC, with the UART's line wired to it */
	unsigned int nr_vcpus;
	struct spinlock dev_lock; /* the emulated devices, used from any hart */
	struct uart16550 uart;
	/*
	 * A UART read at or after this time pulls console input in, the slow
	 * way (mmio.c): when the physical console is next due to be read for
	 * the VM, or 0 while input waits in its queue (vdev_console_input).
	 */
	uint64_t console_pull_at;
	uint64_t console_poll_ticks; /* how often, at most (vm_create: 50 us) */
	struct mmio_cache mmio_cache; /* decoded device accesses (mmio_cache.h) */
	struct vplic plic;
	/* its virtio-mmio devices (vm_virtio.c), under dev_lock like the others */
	struct virtio_mmio *virtio[VM_MAX_VIRTIO];
	unsigned int nr_virtio;
	struct vm_console console; /* its share of the physical console */
	unsigned int id;
	const struct vm_config *cfg;
	struct spinlock lock; /* state transitions */
	enum vm_state state;
	/* bumped by each reset: a vCPU with an older one resets on its hart */
	unsigned long generation;
	/* bumped when the VM leaves RUNNING; each vCPU's hart acknowledges it */
	unsigned long quiesce_seq;
	bool restarting; /* a vm_restart() owns it (vm->lock) */
	struct vm_reset_job reset; /* that restart, while restarting */
	enum vm_stop_reason stop_reason;
	bool trace;
	bool test_hooks;
	bool profiler_control; /* may drive the profiler (bundle.h) */
	bool guest_sstc;
	bool guest_svadu; /* henvcfg.ADUE works (host.svadu): FWFT PTE_AD_HW_UPDATING */
	uint64_t ram_base, ram_size;
	uint8_t *ram; /* host address of guest RAM */
	/*
	 * Its 2 MiB blocks zeroed since the VM started: only those are mapped
	 * in the G-stage or reached through vm_gpa_to_hva (vm_ram.c). A
	 * block's first touch zeroes it, under ram_lock (at the end of the
	 * struct: only that rare path takes it).
	 */
	struct mem_blocks ram_blocks;
	struct gstage gstage;
	unsigned int vmid;
	uint64_t hgatp;
	uint64_t entry, dtb_gpa;
	const char *image_kind; /* "ELF", "Linux Image", "raw binary" */
	unsigned long reboots;
	struct vcpu vcpus[KEEL_MAX_VCPUS];
	struct spinlock ram_lock; /* zeroing a block of RAM (vm_ram.c) */
};

extern struct vm vms[KEEL_MAX_VMS];
extern unsigned int nr_vms;

/*
 * Create a VM from its bundle entry. 0, or -1 with a message in err that
 * names the VM (docs/errors.md: a boot step).
 */
int vm_create(struct vm *vm, unsigned int id, const struct vm_config *cfg, const struct bundle *b,
	      char *err, unsigned long errlen) MUST_CHECK;
/*
 * SRST reboot, from a vCPU of the VM on this hart: the VM goes RESETTING
 * and this hart restarts it (vm_reset_work); vCPU 0 then runs again, the
 * others are STOPPED. Returns what vm_restart() does.
 */
int vm_reboot(struct vm *vm) MUST_CHECK;
enum vm_restart_result {
	VM_RESTART_STARTED = 0,
	VM_RESTART_WRONG_STATE = -1, /* not running (reset) / not stopped (start) */
	VM_RESTART_BUSY = -2,        /* another restart of it is under way */
};
/*
 * The same from Keel's monitor: reset a running VM (stopped = false), or
 * start a stopped one again (stopped = true). It only starts the restart
 * and returns: this hart carries it out from its scheduler loop
 * (vm_reset_work), a chunk of RAM at a time, so no exit lasts as long as
 * zeroing the VM's RAM. A stop that comes meanwhile wins: the VM then
 * stays stopped.
 */
int vm_restart(struct vm *vm, bool stopped) MUST_CHECK;
/*
 * On hart h, from its scheduler loop with no lock held: the next step of
 * each restart this hart carries out (wait until every other vCPU is
 * parked, then unmap its RAM, load the image and let the VM run: RAM is
 * zeroed again a block at a time as it is touched, vm_ram.c). True while
 * one has more to do.
 */
bool vm_reset_work(struct hart *h);
void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *msg);
/* A request to every vCPU's hart to look at it again (a stop, a restart) */
void vm_kick_vcpus(struct vm *vm);

/* Does guest range [gpa, gpa+len) lie wholly in RAM? Touches nothing. */
static inline bool vm_gpa_in_ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - vm->ram_base;

	/* no wrap-around, and the whole range inside guest RAM */
	return !(gpa < vm->ram_base || off > vm->ram_size || len > vm->ram_size - off);
}
/*
 * Host pointer for guest range [gpa, gpa+len) when it lies wholly in RAM,
 * with every 2 MiB block it touches zeroed first if the guest has not
 * touched it yet (vm_ram_make_ready): Keel reads and writes through it.
 * Up to one block's zeroing per 2 MiB of len: callers keep len small.
 */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

/*
 * Guest RAM zeroed lazily (vm_ram.c, docs/isolation.md): a 2 MiB block is
 * zeroed and mapped in the G-stage on its first touch since the VM
 * started, by the guest (a guest page fault) or by Keel (vm_gpa_to_hva).
 */
/* At vm_create: the bitmap and every G-stage table, nothing mapped. 0 or -1. */
int vm_ram_setup(struct vm *vm) MUST_CHECK;
/* Zero and map every block of RAM bytes [off, off+len) not zeroed yet. */
void vm_ram_make_ready(struct vm *vm, uint64_t off, uint64_t len);
/*
 * A guest page fault at gpa on this hart: true when gpa is in RAM (its
 * block is zeroed and mapped now, and the access can run again), false
 * when it is not RAM at all.
 */
bool vm_ram_fault(struct vm *vm, uint64_t gpa);
/*
 * A restart, every vCPU parked: every block unmapped and to be zeroed
 * again. -1 when a block it had zeroed was not mapped as it maps one (a
 * bug in Keel: what the guest left there may still be mapped), after
 * unmapping all the others.
 */
int vm_ram_forget(struct vm *vm) MUST_CHECK;


#endif
