# Keel: a bare-metal type-1 hypervisor for RISC-V (H extension).
#
#   make run          build Keel and the guests, boot a VM config in QEMU
#                     (configs/default.dts: Linux and the demo guest)
#   make test         build everything, run the whole suite (tests/run-all.sh)
#   make bench        instruction counts: guests on OpenSBI directly vs under Keel,
#                     and Linux's virtio disk and network (scripts/bench-virtio.sh)
#   make budget       make test's instruction budgets alone (tests/budgets.txt)
#   make debug        make run's QEMU waiting for gdb-multiarch on :1234
#   make keel         build/keel.bin (make keel-debug: build/keel-debug.bin,
#                     with the lock-order checks make test boots)
#   make keel-builtin Keel with a bundle inside (CONFIG= or BUNDLE=)
#   make guests       the bare-metal test guests (guests/), into build/guests
#   make linux        the Linux 6.1 guest (guests/linux), into build/linux
#   make linux612     the Linux 6.12 guest, into build/linux612
#   make unit         the host unit tests' binaries (tests/unit)
#   make fuzz         the SBI fuzz guest, long (FUZZ_SEED=, FUZZ_CALLS=)
#   make fuzz-host    libFuzzer (clang) on the MMIO decoder, the SBI, the bundle
#                     parser and the vPLIC, FUZZ_SECONDS (60) each (tests/fuzz)
#   make clean        remove build/
#
# make run's options are in README.md (GUEST=, MEM=, VCPUS=, BOOTARGS=,
# INITRD=, DISK=, DISK_RO=1, PERSIST=1, UPLINK=0, TRACE=1, SSTC=0, HARTS=, PROFILE=1, PROFILE_HZ=, PROFILE_CHAIN=1,
# CONSOLE=raw, PIN=, QEMU_MEM=, QEMU_EXTRA=, NAME=, CONFIG=, BOOT=uboot,
# UBOOT=, STACK=, LOAD_ADDR=); tests/doc-refs.sh checks that this list and
# README.md's agree with what the Makefile uses.

BUILD := build
CROSS ?= riscv64-unknown-elf-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
QEMU ?= qemu-system-riscv64

# Run options. Without GUEST=, make run boots a VM config (CONFIG=, by
# default configs/default.dts: Linux and the demo guest side by side).
ifeq ($(origin GUEST),undefined)
CONFIG ?= configs/default.dts
endif
GUEST ?= $(BUILD)/guests/demo.elf
MEM ?= 256
BOOTARGS ?=
INITRD ?=
# DISK=file.img: a virtio-blk disk for the VM, carried in the bundle; its
# writes last as long as the VM (docs/virtio.md). DISK_RO=1: read-only.
DISK ?=
DISK_RO ?= 0
# PERSIST=1: DISK= is the machine's disk instead (QEMU's virtio-blk-device
# on the file), which Keel drives for the VM: its writes reach the file.
PERSIST ?= 0
ifeq ($(PERSIST),1)
ifneq ($(DISK),)
MACHINE_QEMU := -drive file=$(DISK),format=raw,if=none,id=keeldisk -device virtio-blk-device,drive=keeldisk
endif
endif
# UPLINK=1 (the default): the machine gets a virtio-net on QEMU's user-mode
# network (10.0.2.0/24, gateway 10.0.2.2), which Keel plugs into its switch
# as the uplink: the VMs with a net card reach outside the machine.
# UPLINK=0: no such card.
UPLINK ?= 1
ifeq ($(UPLINK),1)
MACHINE_QEMU += -netdev user,id=keelnet -device virtio-net-device,netdev=keelnet
endif
# Keel drives the machine's virtio devices as version 2 (modern) only
MACHINE_QEMU := $(if $(MACHINE_QEMU),-global virtio-mmio.force-legacy=false $(MACHINE_QEMU))
TRACE ?= 0
SSTC ?= 1
HARTS ?= 4
PIN ?=
# PROFILE=1: sample the whole run (PROFILE_HZ per hart, PROFILE_CHAIN=1 for
# guest call chains); the profile is printed when the machine powers off
PROFILE ?= 0
PROFILE_HZ ?= 1000
PROFILE_CHAIN ?= 0
# CONSOLE=raw: the guest's output reaches the terminal as it is, escape
# sequences included (docs/isolation.md, "The console"); escaped by default
CONSOLE ?= escaped
QEMU_MEM ?= 1G
QEMU_EXTRA ?=
# GUEST=linux (Linux 6.1) or GUEST=linux612 (Linux 6.12): the Linux guest
# of guests/linux, built if needed, with its init's small shell on the
# emulated UART.
ifneq ($(filter linux linux612,$(GUEST)),)
LINUX_GUEST := $(GUEST)
GUEST_DEPS := $(LINUX_GUEST)
NAME ?= $(LINUX_GUEST)
override GUEST := $(BUILD)/$(LINUX_GUEST)/Image
VCPUS ?= 4
BOOTARGS := $(or $(BOOTARGS),console=ttyS0 keel.shell)
endif
VCPUS ?= 1
NAME ?= $(basename $(notdir $(GUEST)))

# ---- Set-up ----------------------------------------------------------------
# Before make builds anything, scripts/setup.sh checks (as root: installs)
# the Debian packages the goals need. It runs while this Makefile is read,
# so no recipe, at any -j, can start before it; recursive makes inherit
# KEEL_SETUP_DONE and skip it. tests/setup-order.sh proves the order.
SETUP ?= scripts/setup.sh
# A config that names build/linux or build/linux612 needs that Linux guest
# built (the bundle's prerequisites), and so its packages set up first.
ifneq ($(CONFIG),)
GUEST_DEPS := $(if $(shell grep -l 'build/linux/' $(CONFIG) 2>/dev/null),linux) \
	$(if $(shell grep -l 'build/linux612/' $(CONFIG) 2>/dev/null),linux612)
endif
# the goals that build the bundle, and so GUEST_DEPS
setup_guests = $(if $(filter run debug keel-builtin %/bundle.dtb,$(1)),$(GUEST_DEPS))
setup_kind = $(strip \
	$(if $(filter clean help,$(1)),, \
	$(if $(filter test,$(1)),test, \
	$(if $(filter linux linux612,$(1)),$(1), \
	$(if $(filter run,$(1)),$(if $(filter uboot,$(BOOT)),uboot,run) $(if $(filter-out debian12,$(STACK)),stack), \
	$(if $(filter bench,$(1)),run linux, \
	$(if $(filter budget fuzz,$(1)),run, \
	$(if $(filter debug,$(1)),debug, \
	$(if $(filter fuzz-host,$(1)),fuzz,build)))))))) $(call setup_guests,$(1)))
ifneq ($(KEEL_SETUP_DONE),1)
SETUP_KINDS := $(sort $(foreach g,$(or $(MAKECMDGOALS),all),$(call setup_kind,$(g))))
ifneq ($(SETUP_KINDS),)
ifneq ($(shell $(SETUP) $(SETUP_KINDS) >&2 && echo ok),ok)
$(error set-up failed (see above): nothing was built)
endif
endif
export KEEL_SETUP_DONE := 1
endif

# libfdt comes from the linux-source package this Debian release ships
# (6.1 on Debian 12, 6.12 on Debian 13)
LINUX_VERSION := $(shell scripts/linux-version.sh)
LINUX_TARBALL := /usr/src/linux-source-$(LINUX_VERSION).tar.xz
LIBFDT_DIR := $(BUILD)/libfdt

KEEL_ARCH := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
# picolibc's multilib directories are named by the plain ISA string

KEEL_CFLAGS := $(KEEL_ARCH) -std=gnu11 -O2 -g -ffreestanding -fno-common \
	-fno-pie -fno-stack-protector \
	--specs=picolibc.specs -DPICOLIBC_INTEGER_PRINTF_SCANF \
	-Iinclude -Isrc -I$(LIBFDT_DIR)
KEEL_WARN := -Wall -Wextra -Werror
# Keel is a static PIE that relocates itself (src/boot/entry.S, docs/boot.md
# "Where Keel runs from"). Its code is compiled -fno-pie: medany already
# takes every address pc-relative, and -fPIE's code costs guest-visible
# instructions (pmu-icount); only the link is a PIE, so that pointers in
# data become R_RISCV_RELATIVE. The bare-metal ld says "-pie not supported", so
# the driver links with the Linux-target ld of the same binutils, found
# through -B (PIE_LD_DIR/ld); scripts/check-relocs.sh then refuses any
# relocation but R_RISCV_RELATIVE.
PIE_LD ?= riscv64-linux-gnu-ld
PIE_LD_DIR := $(BUILD)/keel/pie-ld
KEEL_LDFLAGS := -march=rv64imac -mabi=lp64 -mcmodel=medany --specs=picolibc.specs -nostartfiles -static \
	-B$(PIE_LD_DIR)/ -Wl,-pie,--no-dynamic-linker,-z,notext \
	-T linker.ld -Wl,--no-warn-rwx-segments -DPICOLIBC_INTEGER_PRINTF_SCANF

# make keel-debug: the same Keel with its run-time checks on
# (-DKEEL_LOCK_CHECK: the lock order of docs/smp.md), objects in
# build/keel-debug/, image build/keel-debug.bin. make test boots it.
ifeq ($(KEEL_DEBUG),1)
KOBJ := $(BUILD)/keel-debug
KIMG := $(BUILD)/keel-debug
KEEL_CFLAGS += -DKEEL_LOCK_CHECK
else
KOBJ := $(BUILD)/keel
KIMG := $(BUILD)/keel
endif

# one folder per subsystem (docs/layout.md); src/arch/riscv is the one
# folder two deep
KEEL_SRCS := $(sort $(wildcard src/arch/riscv/*.S src/arch/riscv/*.c src/*/*.S src/*/*.c))
KEEL_OBJS := $(patsubst src/%,$(KOBJ)/%.o,$(KEEL_SRCS))
LIBFDT_SRCS := fdt.c fdt_ro.c fdt_rw.c fdt_sw.c fdt_wip.c fdt_strerror.c fdt_addresses.c
LIBFDT_OBJS := $(patsubst %.c,$(KOBJ)/libfdt/%.o,$(LIBFDT_SRCS))

.PHONY: all keel keel-debug keel-builtin FORCE guests linux linux612 run test unit bench budget debug clean fuzz fuzz-host

all: keel guests

keel: $(BUILD)/keel.bin

keel-debug:
	@$(MAKE) --no-print-directory KEEL_DEBUG=1 $(BUILD)/keel-debug.bin

# libfdt comes from the sources Debian's linux-source ships; it is
# extracted into build/, never committed.
$(LIBFDT_DIR)/.stamp: $(LINUX_TARBALL)
	@mkdir -p $(BUILD)
	@echo "  EXTRACT libfdt from $(LINUX_TARBALL)"
	@rm -rf $(BUILD)/libfdt-tmp && mkdir -p $(BUILD)/libfdt-tmp
	@tar -xJf $(LINUX_TARBALL) -C $(BUILD)/libfdt-tmp --wildcards 'linux-source-$(LINUX_VERSION)/scripts/dtc/libfdt/*'
	@rm -rf $(LIBFDT_DIR) && mv $(BUILD)/libfdt-tmp/linux-source-$(LINUX_VERSION)/scripts/dtc/libfdt $(LIBFDT_DIR)
	@rm -rf $(BUILD)/libfdt-tmp
	@touch $@

# -fwrapv: Linux 6.1's libfdt can overflow an int on a hostile blob
# (fdt_next_tag, found by tests/fuzz); wrapping makes it a refused blob, as
# the host fuzzers build it, instead of undefined behaviour.
# The flags every object of Keel is compiled with, rewritten only when they
# change: a change (-fPIE to -fno-pie, say) rebuilds every object instead
# of linking old code with new.
KEEL_FLAGS_STAMP := $(KOBJ)/.cflags
$(KEEL_FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(KEEL_CFLAGS) $(KEEL_WARN)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(KOBJ)/libfdt/%.o: $(LIBFDT_DIR)/.stamp $(KEEL_FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      libfdt/$*.c"
	@$(CC) $(KEEL_CFLAGS) -w -fwrapv -c $(LIBFDT_DIR)/$*.c -o $@

$(KOBJ)/%.c.o: src/%.c $(LIBFDT_DIR)/.stamp $(KEEL_FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KEEL_CFLAGS) $(KEEL_WARN) -MMD -MP -c $< -o $@

$(KOBJ)/%.S.o: src/%.S $(KEEL_FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KEEL_CFLAGS) $(KEEL_WARN) -MMD -MP -c $< -o $@

$(PIE_LD_DIR)/ld:
	@mkdir -p $(dir $@)
	@p=$$(command -v $(PIE_LD)) || { echo "$(PIE_LD) not found: install binutils-riscv64-linux-gnu" >&2; exit 1; }; ln -sf "$$p" $@

$(KIMG).elf: $(KEEL_OBJS) $(LIBFDT_OBJS) linker.ld | $(PIE_LD_DIR)/ld
	@echo "  LD      $@"
	@$(CC) $(KEEL_LDFLAGS) -o $@ $(KEEL_OBJS) $(LIBFDT_OBJS) -lc -lgcc
	@scripts/check-relocs.sh $@ || { rm -f $@; exit 1; }

$(KIMG).bin: $(KIMG).elf
	@$(OBJCOPY) -O binary $< $@
	@echo "  IMAGE   $@ ($$(stat -c %s $@) bytes)"

-include $(KEEL_OBJS:.o=.d)

guests:
	@$(MAKE) --no-print-directory -C guests O=$(abspath $(BUILD)/guests)

# The two Linux guests, one guests/linux built from two kernels
# (scripts/linux-guest.sh): Linux 6.1 from Debian 12's linux-source-6.1 in
# build/linux, and Linux 6.12 (SBI STA, SUSP) from Debian 13's
# linux-source-6.12 in build/linux612. The one this Debian release ships is
# built here (about 5 minutes the first time on 2 cores, cached in
# build/); the other in a chroot of the other release's build root
# (scripts/debian-root.sh N build, made once, as root), its kernel tree
# cached in that root.
linux linux612:
	+@scripts/linux-guest.sh $(if $(filter linux,$@),6.1,6.12) $(BUILD)/$@

# The bundle: a device tree blob that carries the guest image(s) and their
# settings. QEMU loads it as Keel's initrd; U-Boot would too on a board.
# A config that names build/linux needs the Linux guest built.
ifneq ($(CONFIG),)
BUNDLE_SOURCE := -F "$(CONFIG)"
else
BUNDLE_SOURCE := -n "$(NAME)" -i "$(GUEST)" -m "$(MEM)" -c "$(VCPUS)" -b "$(BOOTARGS)" \
	-r "$(INITRD)" $(if $(and $(filter 1,$(PERSIST)),$(DISK)),-D 0,-d "$(DISK)") -R "$(DISK_RO)" \
	-s "$(SSTC)" -p "$(PIN)" -T "$(CONSOLE)"
endif

$(BUILD)/run/bundle.dtb: FORCE keel guests $(GUEST_DEPS)
	@scripts/mkbundle.sh -o $@ $(BUNDLE_SOURCE) -t "$(TRACE)" \
		-k "$$([ -t 1 ] && echo 1 || echo 0)" \
		-P "$(if $(filter 1,$(PROFILE)),$(PROFILE_HZ),0)" -C "$(PROFILE_CHAIN)"

FORCE:

# Keel with its bundle built in: one file for a board's loader.
#   make keel-builtin CONFIG=configs/default.dts   (or BUNDLE=my.dtb)
# gives build/keel-builtin.bin; a bundle loaded beside it still wins.
BUILTIN_DTB := $(or $(BUNDLE),$(BUILD)/builtin/bundle.dtb)
BUILTIN_OBJ := $(KOBJ)/boot/builtin_bundle.S.o
keel-builtin: $(BUILD)/keel-builtin.bin

$(BUILD)/builtin/bundle.dtb: FORCE guests $(GUEST_DEPS)
	@[ -n "$(CONFIG)" ] || { echo "make keel-builtin: give CONFIG=<vm config> or BUNDLE=<bundle.dtb>" >&2; exit 1; }
	@scripts/mkbundle.sh -o $@ -F "$(CONFIG)"

$(BUILD)/keel-builtin/builtin_bundle.o: src/boot/builtin_bundle.S $(BUILTIN_DTB) FORCE
	@[ -f "$(BUILTIN_DTB)" ] || { echo "make keel-builtin: bundle '$(BUILTIN_DTB)' does not exist" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  AS      $< (with $(BUILTIN_DTB))"
	@$(CC) $(KEEL_CFLAGS) $(KEEL_WARN) -DKEEL_BUILTIN_BUNDLE='"$(abspath $(BUILTIN_DTB))"' -c $< -o $@

$(BUILD)/keel-builtin.elf: $(filter-out $(BUILTIN_OBJ),$(KEEL_OBJS)) $(BUILD)/keel-builtin/builtin_bundle.o $(LIBFDT_OBJS) linker.ld | $(PIE_LD_DIR)/ld
	@echo "  LD      $@"
	@$(CC) $(KEEL_LDFLAGS) -o $@ $(filter %.o,$^) -lc -lgcc
	@scripts/check-relocs.sh $@ || { rm -f $@; exit 1; }

$(BUILD)/keel-builtin.bin: $(BUILD)/keel-builtin.elf
	@$(OBJCOPY) -O binary $< $@
	@echo "  IMAGE   $@ ($$(stat -c %s $@) bytes, bundle included)"

# ---- LOAD_ADDR: Keel loaded away from its link address --------------------
# make run LOAD_ADDR=0x90200000 (any 2 MiB boundary in RAM): QEMU -kernel
# loads a copy of keel.elf whose load address alone is moved
# (scripts/elf-load-at.py), so the very same bytes run there and relocate
# themselves (docs/boot.md, "Where Keel runs from"). Empty: keel.bin at
# 0x80200000, as always.
LOAD_ADDR ?=
KEEL_RUN := $(BUILD)/keel.bin
ifneq ($(LOAD_ADDR),)
ifneq ($(shell a=$$(($(LOAD_ADDR))) 2>/dev/null && [ "$$a" -gt 0 ] && [ $$((a % 0x200000)) -eq 0 ] && echo ok),ok)
$(error LOAD_ADDR=$(LOAD_ADDR): Keel runs from a 2 MiB boundary in RAM, e.g. LOAD_ADDR=0x90200000)
endif
KEEL_RUN := $(BUILD)/keel-at-$(LOAD_ADDR).elf
KEEL_GDB_OFFSET := $(shell printf '0x%x' $$(($(LOAD_ADDR) - 0x80200000)))
endif
$(BUILD)/keel-at-%.elf: $(BUILD)/keel.elf scripts/elf-load-at.py
	@scripts/elf-load-at.py $< $* $@
	@echo "  MOVE    $@ (the bytes of $<, loaded at $*)"

# ---- STACK=: which QEMU and firmware (scripts/stack.sh, docs/boards.md) -----
# debian12 (default: QEMU 7.2 + OpenSBI 1.1), debian13 (QEMU 10.0 + OpenSBI
# 1.6; on Debian 12 from the root that scripts/debian-root.sh makes, as root),
# qemu72-opensbi16. make run/debug/bench boot on it; make test STACK=NAME
# runs the whole suite on it alone (without, make test runs the matrix).
STACK ?=
export STACK
export KEEL_STACK := $(STACK)

# ---- BOOT=uboot: through U-Boot, as on a board ---------------------------
# make run BOOT=uboot: QEMU starts Debian's U-Boot (qemu-riscv64_smode; UBOOT=
# another u-boot.bin), and scripts/uboot-boot.sh types at its prompt the
# commands docs/bundle.md gives a board user: load keel.bin and the bundle
# from a disk (an ext2 image on virtio), then booti. Same options otherwise.
BOOT ?=
RUN_QEMU := scripts/run-qemu.sh
ifeq ($(BOOT),uboot)
RUN_QEMU := scripts/uboot-boot.sh
ifneq ($(LOAD_ADDR),)
$(error BOOT=uboot: U-Boot's booti moves Keel to RAM base + 2 MiB itself; LOAD_ADDR= does not apply)
endif
else ifneq ($(BOOT),)
$(error BOOT=$(BOOT): unknown; BOOT=uboot boots through U-Boot, no BOOT= straight from OpenSBI)
endif

run: $(BUILD)/run/bundle.dtb $(KEEL_RUN)
	@$(RUN_QEMU) -k $(KEEL_RUN) -B $(BUILD)/run/bundle.dtb \
		-s $(HARTS) -M $(QEMU_MEM) -- $(MACHINE_QEMU) $(QEMU_EXTRA)

debug: $(BUILD)/run/bundle.dtb $(KEEL_RUN)
	@echo "QEMU waits for gdb on :1234. In another terminal:"
	@echo "  gdb-multiarch $(if $(LOAD_ADDR),-ex 'symbol-file -o $(KEEL_GDB_OFFSET) $(BUILD)/keel.elf',$(BUILD)/keel.elf) -ex 'target remote :1234'"
	@scripts/run-qemu.sh -k $(KEEL_RUN) -B $(BUILD)/run/bundle.dtb \
		-s $(HARTS) -M $(QEMU_MEM) -- -s -S $(MACHINE_QEMU) $(QEMU_EXTRA)

# The SBI fuzz guest, long: 10^6 seeded calls (FUZZ_SEED=, FUZZ_CALLS=) on
# 2 vCPUs; it must end with KEEL-TEST: PASS (make test runs 10^5).
FUZZ_SEED ?= 1
FUZZ_CALLS ?= 1000000
fuzz: keel guests
	@scripts/mkbundle.sh -o $(BUILD)/fuzz/bundle.dtb -n fuzz -i $(BUILD)/guests/fuzz.elf -m 32 \
		-c 2 -b "keel.seed=$(FUZZ_SEED) keel.calls=$(FUZZ_CALLS)"
	@scripts/run-qemu.sh -k $(BUILD)/keel.bin -B $(BUILD)/fuzz/bundle.dtb -s 2 </dev/null \
		>$(BUILD)/fuzz/run.log 2>&1; \
	tr -d '.' <$(BUILD)/fuzz/run.log | grep -aE '^(# fuzz|KEEL-TEST|not ok|\[keel\] (error|VM|power))'; \
	grep -aq '^KEEL-TEST: PASS fuzz' $(BUILD)/fuzz/run.log

# Host fuzzers (tests/fuzz/Makefile): each target FUZZ_SECONDS (60) seconds
# under clang's libFuzzer, new inputs in build/fuzz-host/new/; FUZZ_MERGE=1
# merges new coverage into tests/fuzz/corpus, FUZZ_TARGETS= picks targets.
# make test replays the corpora (tests/run-all.sh), without clang.
fuzz-host:
	@$(MAKE) --no-print-directory $(LIBFDT_DIR)/.stamp
	@$(MAKE) --no-print-directory -C tests/fuzz O=$(abspath $(BUILD)/fuzz-host) \
		LIBFDT_DIR=$(abspath $(LIBFDT_DIR)) run

unit:
	@$(MAKE) --no-print-directory $(LIBFDT_DIR)/.stamp
	@$(MAKE) --no-print-directory -C tests/unit O=$(abspath $(BUILD)/unit) LIBFDT_DIR=$(abspath $(LIBFDT_DIR))

# A Linux guest that needs a build root only root can make (the other
# release's kernel, as another user): its cases count as skipped
test: export KEEL_GUEST_SKIP_OK := 1
test: keel keel-debug guests linux linux612 unit
	@tests/run-all.sh

# the bench guest's table, then the virtio rows: Linux reading its disk,
# under Keel and on bare QEMU, and 1 MiB of TCP between two Linux VMs
bench: keel guests linux
	@scripts/bench.sh
	@scripts/bench-virtio.sh

# make test's instruction budgets alone (tests/budgets.txt, docs/testing.md)
budget: keel guests
	@tests/budget-check.sh

clean:
	rm -rf $(BUILD)
