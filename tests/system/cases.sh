# The system tests: each line runs Keel with one bundle in QEMU and states
# what must be seen. Sourced by tests/system/run.sh.
#
#   [QEMU_ARGS="..."] sys_case NAME GUEST_ELF "MKBUNDLE OPTIONS" EXPECT_RC "REGEX THAT MUST APPEAR" \
#            ["REGEX THAT MUST NOT"] ["TEXT TYPED ON THE CONSOLE, EVERY 0.5 s"]
#
# A Linux guest's Image make test could not build (no root for the other
# release's build root: scripts/linux-guest.sh) skips the cases that boot
# it: sys_case and sys_script see it among their arguments; sys_needs
# IMAGE names it for a case that boots it from a config or script.
#
# EXPECT_RC is run-qemu.sh's exit code: 0 every VM shut down, 1 failure.
G=build/guests

sys_case hello        $G/hello.elf ""        0 'KEEL-TEST: PASS hello'
sys_case sbi          $G/sbi.elf   ""        0 'KEEL-TEST: PASS sbi'
sys_case sbi-no-sstc  $G/sbi.elf   "-s 0"    0 'KEEL-TEST: PASS sbi'
# The sbi guest reads sip.STIP strictly, and proves it by taking the
# interrupt only where its sip hides it (QEMU before 8.0): only where Keel's
# boot probe saw this hart hide it too (probe_vsip_shows_vstip, hart.c).
stip_host_agrees='[ "$(grep -c "^\[keel\] this hart hides a pending VS timer" "$0")" = "$(grep -c "^# sip hides a pending STIP" "$0")" ]'
sys_check sbi-stip-host sbi sh -c "$stip_host_agrees"
sys_check sbi-no-sstc-stip-host sbi-no-sstc sh -c "$stip_host_agrees"
# SRST's reset_type and reset_reason are uint32_t: with the upper halves
# set, type 0 and reason 1 underneath still shut down reporting a failure.
sys_case sbi-srst-upper-halves $G/sbi.elf "-b keel.srst=upper" 1 "VM 'sbi-srst-upper-halves' stopped: the guest shut down reporting a system failure" 'not ok|KEEL-TEST'
sys_case trap         $G/trap.elf  ""        0 'KEEL-TEST: PASS trap'
sys_case uart         $G/uart.elf  ""        0 'KEEL-TEST: PASS uart'
# The demo guest make run boots: timer interrupts, its own trap handler,
# and console input typed on the real UART reaching it through SBI DBCN.
sys_case demo         $G/demo.elf  "-m 16"   0 '\[k\]\[e\]\[y\]' 'unexpected trap' 'key'
sys_case demo-uart-rx $G/demo.elf  "-m 16"   0 '<k><e><y>' 'unexpected trap' 'key'
# A raw binary (no ELF headers) is loaded at RAM base + 2 MiB.
sys_case raw-binary   $G/hello.bin ""        0 'KEEL-TEST: PASS hello'
# TRACE=1 prints each exit with its cause and what Keel did.
sys_case trace        $G/hello.elf "-t 1"    0 '\[trace\] trace/vcpu0 ecall from VS \(SBI call\) +sepc=0x8020'
# A guest that fails its checks (SRST reason SYSFAIL) makes the run fail.
sys_case exit-code    $G/hello.elf "-b keel.test-fail" 1 'power off: failure' 'KEEL-TEST: PASS'
# Too little RAM: a clear error from the bundle script, no hang.
sys_case tiny-ram     $G/hello.elf "-m 1"    - 'MEM=1: give the guest RAM in MiB'
# Keel's own fault: an illegal instruction in HS-mode reaches vcpu_redirect
# from Keel's own trap entry and is reported, never handed to the guest
# (hstatus.SPV alone would say "guest": OpenSBI 1.1 leaves it stale).
sys_case hyp-fault    $G/hypfault.elf "-H 1" 1 '==== hypervisor fault .* on hart 0' 'KEEL-TEST'
sys_case hyp-fault-report $G/hypfault.elf "-H 1" 1 'a trap in Keel itself.*' 'KEEL-TEST'
sys_case hyp-fault-denied $G/hypfault.elf ""   0 'KEEL-TEST: PASS hypfault'
# INITRD= and BOOTARGS= reach the guest: its DT's /chosen names them and
# the initrd's bytes are where linux,initrd-start says.
sys_case initrd       $G/hello.elf "-r tests/system/data/initrd.txt -b keel.test=1" 0 'first line: "KEEL-INITRD-TEST line one"'
sys_case bootargs     $G/hello.elf "-b keel.test=1" 0 'bootargs: "keel.test=1"'
# Bad input stops with a message that names the problem.
sys_case no-image     /nonexistent.elf "" - "guest image '/nonexistent.elf' does not exist"
sys_case huge-ram     $G/hello.elf "-m 4096" 1 "VM 'huge-ram': cannot allocate 4096 MiB of RAM"
sys_case vcpus-zero   $G/hello.elf "-c 0" - 'VCPUS=0: must be 1 or more'
# A bundle Keel itself refuses (mkbundle leaves the vCPU limit to Keel).
sys_case vcpus-limit  $G/hello.elf "-c 9" 1 "VM 'vcpus-limit': vcpus is out of range \(must be 1\.\.8\)"
# SMP (docs/smp.md): the smp guest checks HSM through every state and its
# error codes, IPIs to one / many / all vCPUs (bad masks refused, nothing
# sent), remote fences that must change what another vCPU reads, timers on
# every vCPU, suspend and resume, and a spinning barrier that completes
# only if vCPUs sharing a hart are preempted.
QEMU_ARGS="-smp 4" sys_case smp-4-vcpus-4-harts $G/smp.elf "-c 4" 0 'KEEL-TEST: PASS smp' 'not ok'
QEMU_ARGS="-smp 2" sys_case smp-4-vcpus-2-harts $G/smp.elf "-c 4" 0 'KEEL-TEST: PASS smp' 'not ok'
sys_case smp-3-vcpus-1-hart $G/smp.elf "-c 3 -s 0" 0 'KEEL-TEST: PASS smp' 'not ok'
# 8 vCPUs pinned onto 3 of 4 harts (PIN=), Keel's SBI timer: hart 0 runs none
QEMU_ARGS="-smp 4" sys_case smp-8-vcpus-pinned $G/smp.elf "-c 8 -s 0 -p 1,1,1,1,2,2,3,3" 0 'KEEL-TEST: PASS smp' 'not ok'
# A pin naming a hart Keel does not run on stops the boot with a message.
QEMU_ARGS="-smp 2" sys_case pin-bad-hart $G/hello.elf "-c 2 -p 1,7" 1 "VM 'pin-bad-hart': vcpu-harts pins vCPU 1 to hart 7, which Keel does not run on \(harts: 0 1\)" 'KEEL-TEST'
# A single-vCPU guest on a 4-hart machine: the other harts idle.
QEMU_ARGS="-smp 4" sys_case sbi-on-4-harts $G/sbi.elf "-c 2" 0 'KEEL-TEST: PASS sbi'
# A guest whose own trap handler cannot run is stopped with a report.
sys_case fault-loop   $G/crash.elf "" 1 "its own trap vector \(stvec\): it faults there again" 'KEEL-TEST'
# SRST cold and warm reboot restart the VM from its image, RAM zeroed.
sys_case reboot       $G/reboot.elf "-m 16" 0 'KEEL-TEST: PASS reboot'
# The same with a second vCPU homed on another hart: the reboot first waits
# for that hart to acknowledge (vm_reboot, docs/smp.md).
QEMU_ARGS="-smp 2" sys_case reboot-smp $G/reboot.elf "-m 16 -c 2" 0 'KEEL-TEST: PASS reboot'
# Without the H extension Keel stops at once and says why.
QEMU_ARGS="-cpu rv64,h=false" sys_case no-h-extension $G/hello.elf "" 1 'has no H extension' 'KEEL-TEST'
# Several VMs at once (a VM config, docs/config.md): each VM's output comes
# a line at a time behind its name; a VM that fails or reboots does so
# alone; the machine powers off when the last VM stops.
QEMU_ARGS="-smp 2" sys_case two-vms - "-F tests/system/data/two-vms.dts" 0 '^\[hello\] KEEL-TEST: PASS hello' 'not ok'
sys_check two-vms-both-pass two-vms grep -q '^\[sbi\] KEEL-TEST: PASS sbi'
QEMU_ARGS="-smp 2" sys_case one-vm-fails - "-F tests/system/data/crash-and-smp.dts" 1 '^\[smp\] KEEL-TEST: PASS smp' 'not ok'
QEMU_ARGS="-smp 2" sys_case one-vm-reboots - "-F tests/system/data/reboot-and-pmu.dts" 0 '^\[pmu\] KEEL-TEST: PASS pmu' 'not ok|KEEL-TEST: FAIL'
sys_check one-vm-reboots-alone one-vm-reboots grep -q '^\[reboot\] KEEL-TEST: PASS reboot'
# virtio-blk over virtio-mmio (guests/virtio, docs/virtio.md): every request
# type and status, a full queue, the line through the vPLIC, and each
# malformed queue refused with DEVICE_NEEDS_RESET, on a disk the VM writes
# and on a read-only one, side by side.
sys_case virtio - "-F tests/system/data/virtio.dts" 0 '^\[vio\] KEEL-TEST: PASS virtio' 'not ok'
sys_check virtio-read-only virtio grep -q '^\[vio-ro\] KEEL-TEST: PASS virtio'
# and Keel says, for each malformed case, why the device needs a reset
virtio_said() { sys_check "virtio-says-$1" virtio grep -qF "[keel] VM 'vio': virtio-blk needs a reset (DEVICE_NEEDS_RESET): $2"; }
virtio_said outside-ram 'buffer outside guest RAM'
virtio_said wraps 'buffer wraps around the address space'
virtio_said loop 'descriptor chain loops'
virtio_said next 'next index out of range'
virtio_said order 'device-readable descriptor after a device-writable one'
virtio_said no-status 'a request with no header or no status byte'
virtio_said avail-ahead 'available index went back or too far ahead'
virtio_said queue-size 'queue size not a power of 2'
virtio_said ring-outside 'descriptor table outside guest RAM'
# virtio-net on Keel's switch (guests/vnet): a broadcast learnt, then 64
# frames from one VM to the other and back, whole and in order
QEMU_ARGS="-smp 2" sys_case vnet - "-F tests/system/data/vnet.dts" 0 '^\[a\] KEEL-TEST: PASS vnet' 'not ok'
sys_check vnet-both vnet grep -q '^\[b\] KEEL-TEST: PASS vnet'
# The switch's uplink: the machine's virtio-net (QEMU's user-mode network)
# on a port of the switch. ARP and ping to QEMU's gateway from a VM; no
# uplink, said at boot, when the machine has no such card, only a legacy
# one, or no PLIC line Keel serves (an APLIC), and the VMs' switch works on.
UPLINK_QEMU="-global virtio-mmio.force-legacy=false -netdev user,id=n0 -device virtio-net-device,netdev=n0"
QEMU_ARGS="-smp 2 $UPLINK_QEMU" sys_case uplink - "-F tests/system/data/uplink.dts" 0 'KEEL-TEST: PASS vnet' 'not ok'
sys_check uplink-said uplink grep -q "^\[keel\] net: the switch's uplink is the machine's virtio-net at 0x"
sys_check uplink-none vnet grep -q '^\[keel\] net: the switch has no uplink: the machine has no virtio-net device'
QEMU_ARGS="-smp 2 -netdev user,id=n0 -device virtio-net-device,netdev=n0" \
	sys_case uplink-legacy - "-F tests/system/data/vnet.dts" 0 '^\[a\] KEEL-TEST: PASS vnet' 'not ok'
sys_check uplink-legacy-said uplink-legacy grep -q "no uplink: the machine's virtio-net at 0x[0-9a-f]* is legacy (version 1)"
QEMU_ARGS="-smp 2 -machine aia=aplic-imsic $UPLINK_QEMU" \
	sys_case uplink-no-plic - "-F tests/system/data/vnet.dts" 0 '^\[a\] KEEL-TEST: PASS vnet' 'not ok'
sys_check uplink-no-plic-said uplink-no-plic grep -q "no uplink: the machine's virtio-net at 0x[0-9a-f]* has no interrupt line on the PLIC Keel serves"
# virtio-console (guests/vcon): its transmit queue on the VM's console, and
# what is typed read through its receive queue and written back
sys_case vcon - "-F tests/system/data/vcon.dts" 0 'KEEL-TEST: PASS vcon' 'not ok' 'typed-line'
# (a whole "typed-line" among what it got: a byte typed before its driver
# was up may have gone to the VM's UART, which takes what is typed too)
sys_check vcon-both-ways vcon sh -c 'grep -q "hello over virtio-console" "$0" && grep -q "got: .*typed-line" "$0"'
# Linux on its ext4 disk over virtio-blk (the bundle's build/linux/rootfs.ext4):
# it counts its boot on the disk, writes and reads back 1 MiB, then
# reboots once, a VM reset, and the disk says boot 2 (guests/linux/README.md)
sys_needs build/linux/Image sys_case linux-disk - "-F tests/system/data/linux-disk.dts" 0 'keel-disk: boot 2' 'keel-linux: FAIL|disk: FAIL'
sys_check linux-disk-root linux-disk grep -q 'keel-linux: root /dev/vda (ext4)'
sys_check linux-disk-boot-1 linux-disk grep -q 'keel-disk: boot 1'
# Two Linux VMs on Keel's switch: eth0 up, a ping each way, then 1 MiB over TCP with
# the checksum compared at both ends (keel.checks=net)
QEMU_ARGS="-smp 2" sys_needs build/linux/Image sys_case linux-net - "-F tests/system/data/linux-net.dts" 0 '^\[server\] keel-linux: net: tcp: PASS' 'net: FAIL|net: tcp: FAIL|net: ping: FAIL'
sys_check linux-net-client linux-net sh -c 'grep -q "^\[client\] keel-linux: net: tcp: PASS" "$0" && grep -q "^\[client\] keel-linux: net: ping: PASS" "$0"'
sys_check linux-net-server-ping linux-net grep -q '^\[server\] keel-linux: net: ping: PASS'
# Linux through the uplink: a ping to QEMU's gateway, then 1 MiB over TCP to
# tests/system/uplink-peer.py outside the machine (QEMU's guestfwd), the
# checksum compared at both ends
rm -f "$out/linux-uplink.peer"
UPLINK_PEER_LOG="$out/linux-uplink.peer" \
	QEMU_ARGS="-smp 2 -global virtio-mmio.force-legacy=false -netdev user,id=n0,guestfwd=tcp:10.0.2.100:5001-cmd:tests/system/uplink-peer.py -device virtio-net-device,netdev=n0" \
	sys_needs build/linux/Image sys_case linux-uplink - "-F tests/system/data/linux-uplink.dts" 0 'keel-linux: net: tcp: PASS' 'net: FAIL|net: tcp: FAIL|net: ping: FAIL'
sys_check linux-uplink-ping linux-uplink grep -q 'keel-linux: net: ping: PASS'
sys_check linux-uplink-peer linux-uplink sh -c 'grep -q "^uplink-peer: received 1048576 bytes, fnv1a [0-9a-f]*: PASS" "${0%.log}.peer"'
# make run's two-Linux config (configs/two-linux.dts): each VM on its own
# disk and on the switch, disk and net checks together
QEMU_ARGS="-smp 4" sys_needs build/linux/Image sys_case two-linux - "-F configs/two-linux.dts" 0 '^\[server\] keel-linux: PASS \(keel.checks passed: disk,net\)' 'keel-linux: FAIL|: FAIL'
sys_check two-linux-client two-linux grep -q '^\[client\] keel-linux: PASS (keel.checks passed: disk,net)'
# Linux's virtio_console driver: a line written to the virtio console
# (/dev/hvc1: hvc0 is the SBI console) reaches the VM's line of the console
sys_needs build/linux/Image sys_case linux-hvc - "-F tests/system/data/linux-hvc.dts" 0 'keel-linux: hvc: PASS' 'keel-linux: FAIL|hvc: FAIL'
sys_check linux-hvc-line linux-hvc grep -q '^keel-hvc: hello'
# A disk of the machine (machine-disk = <0>): QEMU's virtio-blk-device on a
# copy of rootfs.ext4, driven by Keel for the VM; a second QEMU run on the
# same file finds what the first wrote (tests/system/machine-disk.sh). The
# disk's answers come on its PLIC line; on a machine with no PLIC (an
# APLIC), Keel waits for each inside the exit instead, and the disk works.
sys_needs build/linux/Image sys_script machine-disk tests/system/machine-disk.sh build/linux/Image 'answers on its interrupt'
QEMU_ARGS="-machine aia=aplic-imsic" \
	sys_needs build/linux/Image sys_script machine-disk-no-plic tests/system/machine-disk.sh build/linux/Image 'answers waited for'
# and what stops the boot, with the reason: no such disk, a legacy device
sys_case machine-disk-missing $G/hello.elf "-D 0" 1 "machine-disk 0: the machine has 0 virtio-blk disk\(s\), no disk 0" 'KEEL-TEST'
QEMU_ARGS="-drive file=build/guests/virtio-disk.img,format=raw,if=none,id=d0,readonly=on -device virtio-blk-device,drive=d0" \
	sys_case machine-disk-legacy $G/hello.elf "-D 0" 1 'is legacy \(version 1\): start QEMU with -global virtio-mmio.force-legacy=false' 'KEEL-TEST'
# Keel's monitor shell (Ctrl-A h): every command answered while Linux and
# the demo guest run; the demo VM stopped, started and reset from it.
sys_needs build/linux/Image sys_script monitor tests/system/monitor.sh
# The monitor under load: VMs that poll their UART, sleep in wfi, flood
# DBCN and take interrupts are stopped, started and reset round after
# round; every command answered, every VM goes on (docs/isolation.md).
sys_script monitor-stress tests/system/monitor-stress.sh
# /options/on-last-vm-stop = "keep-running": Keel outlives its last VM;
# the monitor starts it again, then powers off (docs/config.md).
sys_script keep-running tests/system/keep-running.sh
# devices = "plic": no UART at 0x10000000, so the uart guest's first access
# there is a load access fault, as on a machine with nothing there.
sys_case config-no-uart - "-F tests/system/data/no-uart.dts" 1 'unexpected trap: scause 0x5 stval 0x1000000' 'KEEL-TEST: PASS'
# A bundle built into Keel's image (make keel-builtin CONFIG=...): two VMs
# boot with nothing loaded beside Keel; a loaded bundle wins; none at all
# is a clear error.
sys_script builtin-bundle tests/system/builtin-bundle.sh
# The board flow through Debian's U-Boot (make run BOOT=uboot): the commands
# of docs/bundle.md typed at its prompt load keel.bin and the bundle (its
# header makes it a raw ramdisk to booti) from a virtio disk; Linux (1 vCPU)
# and the demo guest run, and the machine powers off cleanly.
sys_needs build/linux/Image sys_script uboot tests/system/uboot.sh
# and the switch's uplink after U-Boot has seen the machine's virtio devices
sys_script uboot-uplink tests/system/uboot-uplink.sh
# Keel loaded elsewhere (the same bytes, its ELF's load address moved):
# 0x90200000 with -m 1G, hello then two VMs, also 0xa0000000 and 0x80400000;
# no VM gets Keel's image as RAM; a non-2 MiB address is refused; at
# 0x80200000 nothing changes (issue 11, docs/boot.md "Where Keel runs from").
sys_script relocated tests/system/relocated.sh
# Guest RAM reads zero wherever Keel put nothing, at boot and after a
# reboot that follows a fill, with the host memory it comes from holding
# a bundle's bytes and a pattern first (QEMU -device loader): one VM, then
# two (docs/isolation.md, "Guest RAM is zeroed before a guest sees it").
sys_script zeroram tests/system/zeroram.sh
# SBI fuzzing (guests/fuzz): 100 000 seeded calls with random EIDs, FIDs
# and edge-case arguments; every one returns a defined error code, the
# guest's canary is untouched, SBI still works, and the smp guest in the
# other VM passes meanwhile. make fuzz runs 10^6.
QEMU_ARGS="-smp 3" sys_case fuzz - "-F tests/system/data/fuzz-beside-smp.dts" 0 '^\[fuzz\] KEEL-TEST: PASS fuzz' 'not ok'
sys_check fuzz-other-vm fuzz grep -q '^\[smp\] KEEL-TEST: PASS smp'
# A bad config stops with a message naming the problem.
sys_case config-missing-image - "-F tests/system/data/missing-image.dts" - "Couldn't open \"build/guests/no-such-guest.elf\""
sys_case config-same-name - "-F tests/system/data/same-name.dts" 1 "bundle: two VMs are named 'twin'" 'KEEL-TEST'

# The profiler (docs/profiling.md): guests/prof controls it through SBI
# KEEL and spends known shares of its time in two functions, then adds a
# stream of SBI calls. tools/keel-prof must name the functions with shares
# near 3:1 and show Keel's share grow. -icount: QEMU then delivers each
# sample's timer interrupt when it falls due (docs/profiling.md, "On QEMU").
QEMU_ARGS="-icount shift=0" sys_case prof $G/prof.elf "" 0 'KEEL-TEST: PASS prof' 'not ok'
sys_check prof-report prof tests/system/prof-check.sh
# PROFILE=1 on a whole Linux boot with 2 vCPUs: the report names kernel
# functions from the kernel's own System.map.
QEMU_ARGS="-smp 2" sys_case linux-profile build/linux/Image "-c 2 -P 1000 -b 'console=ttyS0 keel.cpus=2'" 0 '^@prof end samples=[1-9]' 'keel-linux: FAIL'
sys_check linux-profile-report linux-profile tests/system/linux-prof-check.sh

# Linux 6.1 (guests/linux, built by make test) boots to its init and powers
# off: as a Linux Image, with the guest's own Sstc timer and the ttyS0 UART,
# and with Keel's SBI timer (no Sstc) and the SBI console (hvc0).
L=build/linux/Image
sys_case linux-ttyS0  $L "-b 'console=ttyS0 keel.cpus=1'" 0 'keel-linux: PASS' 'keel-linux: FAIL'
# ttyS0 on the virtual PLIC: the shell answers what is typed (received
# through the UART's RX interrupt; a polled 8250 would not see it) and
# /proc/uptime's line comes back.
sys_needs build/linux/Image sys_script linux-shell tests/system/linux-shell.sh
# make run's shell (configs/default.dts: keel.ip=, a net card, the uplink):
# `ping 10.0.2.2` typed at the prompt is answered by QEMU's gateway
QEMU_ARGS="$UPLINK_QEMU" sys_needs build/linux/Image sys_script linux-shell-ping tests/system/linux-shell.sh tests/system/data/linux-shell-net.dts
sys_case linux-hvc0-no-sstc $L "-s 0 -b console=hvc0" 0 'keel-linux: PASS' 'keel-linux: FAIL'
# SMP Linux (docs/smp.md): 4 vCPUs on 4 harts, and 4 vCPUs sharing 2 harts
# with Keel's SBI timer. The init checks that it sees exactly 4 CPUs, that
# timers tick on each, IPIs, remote TLB and icache flushes from a
# worker on every other CPU, and takes CPU 1 offline and back (HSM stop and
# start).
QEMU_ARGS="-smp 4" sys_case linux-smp4 $L "-c 4 -b 'console=ttyS0 keel.cpus=4'" 0 'keel-linux: PASS' 'keel-linux: FAIL'
QEMU_ARGS="-smp 2" sys_case linux-smp4-on-2-harts $L "-c 4 -s 0 -b 'console=hvc0 keel.cpus=4'" 0 'keel-linux: PASS' 'keel-linux: FAIL'
# SBI PMU (docs/pmu.md): every firmware event the guest can cause, counted
# exactly; start/stop/reset, initial values, the snapshot area, cycle and
# instret, every error code. When the VM stops Keel lists the firmware
# counters that counted or are started.
sys_case pmu          $G/pmu.elf   ""        0 'KEEL-TEST: PASS pmu'
sys_case pmu-dump     $G/pmu.elf   ""        0 '^\[keel\] pmu pmu-dump/vcpu0 ILLEGAL_INSN 21 \(value 4, started\)' 'KEEL-TEST: FAIL'
# Parallel TCG (2 harts) raises store-misaligned for misaligned AMOs where
# serial TCG raises load-misaligned (3 LR + 2 amoadd.w + 2 amoswap.d), and
# QEMU 7.2 and 10.0 differ again: Keel's dump must match what the guest saw.
QEMU_ARGS="-smp 2" sys_case pmu-smp2 $G/pmu.elf "" 0 '^\[keel\] pmu pmu-smp2/vcpu0 MISALIGNED_STORE [1-9]' 'KEEL-TEST: FAIL'
sys_check pmu-smp2-dump pmu-smp2 tests/system/pmu-dump-check.sh
# With -icount cycle and instret count retired instructions exactly: the
# guest's counters see its 2-instruction loop as 2.000 per iteration.
QEMU_ARGS="-icount shift=0" sys_case pmu-icount $G/pmu.elf "" 0 'instret: [0-9]+ over 1000000 spin iterations = 2\.000 per iteration' 'KEEL-TEST: FAIL'
# Hardware counters per vCPU (guests/pmuhw, docs/pmu.md): two vCPUs on one
# hart under -icount, each counting its own instructions only; host-backed
# counters. keel.hpm is what the stack's firmware gives (16 hpmcounters on
# QEMU virt with OpenSBI 1.1 and 1.6, DTLB/ITLB misses); QEMU without
# hpmcounters (pmu-num=0) gives none, and the guest must see the refusal.
# QEMU 7.2 counts TLB fills of single-stage lookups only (Keel's, not the
# guest's): keel.tlb-guest=0 tells the guest so.
case "${KEEL_STACK:-debian$(sed -n 's/^VERSION_ID="\{0,1\}\([0-9]*\)"\{0,1\}$/\1/p' /etc/os-release)}" in
debian13) pmuhw_tlb=1 ;;
*) pmuhw_tlb=0 ;;
esac
QEMU_ARGS="-icount shift=0" sys_case pmuhw $G/pmuhw.elf "-c 2 -p 0,0 -b 'keel.hpm=16 keel.tlb-guest=$pmuhw_tlb'" 0 'KEEL-TEST: PASS pmuhw' 'not ok'
QEMU_ARGS="-icount shift=0 -cpu rv64,pmu-num=0" sys_case pmuhw-nohost $G/pmuhw.elf "-c 2 -p 0,0 -b keel.hpm=0" 0 'KEEL-TEST: PASS pmuhw' 'not ok'
# Seed 000 end to end: Linux's perf counts the illegal instructions and
# misaligned atomics its init's children take (the init checks the exact
# numbers), and Keel's dump at VM stop shows the same count.
sys_case linux-perf   $L "-b console=ttyS0" 0 '\[keel\] pmu linux-perf/vcpu0 ILLEGAL_INSN 5 \(value' 'keel-linux: FAIL'
# PERF_TYPE_HARDWARE cycles and instructions under -icount: each within 2%
# of the init's known loop (check_pmu_hw())
QEMU_ARGS="-icount shift=0" sys_case linux-perf-icount $L "-b 'console=ttyS0 keel.icount'" 0 'keel-linux: pmu-hw: cycles [0-9]+ [0-9]+, instructions [0-9]+ [0-9]+ \(10M and 40M loop iterations, -icount\)' 'keel-linux: FAIL'

# Isolation (docs/isolation.md)
# The hostile guest (2 vCPUs, test hooks on) aims at Keel's image, the
# victim's RAM and OpenSBI by their host addresses, at the machine's
# devices, unmapped and past-the-end addresses, HS/VS/M CSRs and H
# instructions from VS and VU, every SBI call that takes an address, hart
# masks naming harts it lacks, and floods 20 000 IPIs and 2 x 20 000
# fences. Each attempt must get what a machine without H gives (an access
# fault, an illegal instruction, an SBI error code, or its own memory).
# Beside it the victim keeps a 1 MiB canary, its devices' registers and
# its progress, and outlives the hostile run; Keel reports nothing wrong.
QEMU_ARGS="-smp 3" sys_case isolation - "-F tests/system/data/isolation.dts -H 1" 0 '^\[hostile\] KEEL-TEST: PASS hostile' 'not ok|KEEL-TEST: FAIL'
sys_check isolation-victim isolation grep -q '^\[victim\] KEEL-TEST: PASS victim'
sys_check isolation-overlap isolation awk '/^\[hostile\] KEEL-TEST:/ { h = NR } /^\[victim\] KEEL-TEST:/ { v = NR } END { exit !(h && v > h) }'
sys_check isolation-keel-clean isolation sh -c '! grep -Eq "hypervisor fault|\[keel\] error:|unexpected" "$0"'
# A VM that goes leaves nothing armed behind (guests/sleeper): three VMs
# stop, reboot 20 times and HSM-stop with a vCPU asleep in wfi and its
# timer armed, all on the victim's one hart. A stale deadline re-armed by
# the host timer would freeze the hart, and the victim with it.
for t in sstc no-sstc; do
	QEMU_ARGS="-smp 1" sys_case stale-timer-$t - "-F tests/system/data/sleepers-$t.dts" 0 '^\[victim\] KEEL-TEST: PASS victim' 'not ok|KEEL-TEST: FAIL'
	sys_check stale-timer-$t-sleepers stale-timer-$t sh -c '[ "$(grep -Ec "^\[(shutdown|reboot|hsm-stop)\] KEEL-TEST: PASS sleeper" "$0")" = 3 ]'
done
# Two VMs rebooting 1500 times each on crossed harts: each reboot waits
# for the other hart, which may be waiting for this one (docs/smp.md).
QEMU_ARGS="-smp 2" sys_case crossed-reboots - "-F tests/system/data/crossed-reboots.dts" 0 '^\[a\] KEEL-TEST: PASS sleeper' 'not ok|KEEL-TEST: FAIL'
sys_check crossed-reboots-both crossed-reboots grep -q '^\[b\] KEEL-TEST: PASS sleeper'
# Per-hart CSRs without a VS copy (guests/hartcsr): two VMs of two vCPUs
# on one hart write their own scounteren, senvcfg (and sstateen0, siselect,
# FP and vector state where the hart lets a guest reach them) and read them
# back across a few hundred switches; U-mode's counter access follows the
# VM's own scounteren; a vCPU starts with the reset values, not another's.
sys_case hartcsr - "-F tests/system/data/hartcsr.dts" 0 '^\[csr-a\] KEEL-TEST: PASS hartcsr' 'not ok|KEEL-TEST: FAIL'
sys_check hartcsr-b hartcsr grep -q '^\[csr-b\] KEEL-TEST: PASS hartcsr'
# Bounded work per exit: a VM flooding the console (SBI DBCN console_write
# of 12 MiB a call, then its UART's THR) beside another on the same hart
# (-smp 1). The pace guest counts its loop iterations while the flood guest
# sleeps, spins, and floods; each flood must leave it at least half the pace
# it keeps beside the spinning guest (docs/isolation.md).
QEMU_ARGS="-smp 1 -icount shift=0" sys_case flood - "-F tests/system/data/flood.dts" 0 '^\[pace\] KEEL-TEST: PASS pace' 'not ok|KEEL-TEST: FAIL'
sys_check flood-neighbour flood grep -q '^\[flood\] KEEL-TEST: PASS flood'

# The shared console shows a guest's output, it does not obey it (issue 12,
# docs/isolation.md "The console"): the escape guest writes escape
# sequences, a "[keel]" line forged behind \r and behind backspaces,
# terminal queries, C0, C1 and malformed UTF-8, and text cut across
# writes. Escaped, every probe arrives as the rules show it and nothing a
# terminal acts on is left; with console = "raw" the bytes arrive as sent.
# Alone (straight to the console) and beside another VM (lines behind
# "[name] "; the raw one beside it).
sys_case escape       $G/escape.elf ""        0 '^esc: done'
sys_check escape-shown escape tests/system/escape-check.py escaped
sys_case escape-raw   $G/escape.elf "-T raw"  0 '^esc: done'
sys_check escape-raw-bytes escape-raw tests/system/escape-check.py raw
QEMU_ARGS="-smp 2" sys_case escape-lines - "-F tests/system/data/escape.dts" 0 '^\[esc\] esc: done'
sys_check escape-lines-shown escape-lines tests/system/escape-check.py escaped esc
sys_check escape-lines-raw escape-lines tests/system/escape-check.py raw rawesc
sys_case config-bad-console - "-F tests/system/data/bad-console.dts" 1 "VM 'loud': console must be \"escaped\" or \"raw\"" 'KEEL-TEST'

# The virtual PLIC (guests/plic): its DT node and the UART's line 10 into
# it, the registers and their access faults, THRE and RX-data interrupts
# (threshold, priority 0, the level-triggered gateway), and delivery across
# vCPUs through cross-hart requests: 2 vCPUs on 2 harts, on 1 hart, and
# with Keel's SBI timer (no Sstc).
QEMU_ARGS="-smp 2" sys_case plic-2-harts $G/plic.elf "-c 2" 0 'KEEL-TEST: PASS plic' 'not ok'
sys_case plic-1-hart  $G/plic.elf "-c 2"      0 'KEEL-TEST: PASS plic' 'not ok'
sys_case plic-no-sstc $G/plic.elf "-c 2 -s 0" 0 'KEEL-TEST: PASS plic' 'not ok'

# -machine virt,aia=aplic-imsic: no PLIC, an APLIC and IMSICs. Keel says it
# cannot take the console's interrupt there, polls the UART instead, and
# the demo guest still gets what is typed (docs/boards.md).
QEMU_ARGS="-machine aia=aplic-imsic" sys_case aia-no-plic $G/demo.elf "-m 16" 0 'console input: polled every 20 ms: its interrupt controller is an APLIC' 'unexpected trap' 'key'
sys_check aia-no-plic-input aia-no-plic grep -q '\[k\]\[e\]\[y\]'
QEMU_ARGS="-machine aia=aplic-imsic -smp 2" sys_case aia-linux $L "-c 2 -b 'console=ttyS0 keel.cpus=2'" 0 'keel-linux: PASS' 'keel-linux: FAIL'
# SBI SUSP (guests/susp, docs/sbi.md): system_suspend's errors (reserved
# and platform types, upper half of sleep_type ignored, resume addresses
# outside RAM or odd, another vCPU STARTED or SUSPENDED: DENIED); a VM
# suspended with paging and SIE on wakes at its timer's deadline, not
# before, at resume_addr with a0 = hart id, a1 = opaque, satp = 0, SIE = 0;
# and on a key typed on the console (its virtual PLIC line), not on a timer
# it did not enable. With Sstc and with Keel's SBI timer.
sys_case susp         $G/susp.elf  "-c 2"      0 'KEEL-TEST: PASS susp' 'not ok' 'k'
sys_check susp-keel-says susp sh -c '[ "$(grep -c "^\[keel\] VM .susp. resumes from suspend (SBI SUSP)" "$0")" = 3 ]'
sys_case susp-no-sstc $G/susp.elf  "-c 2 -s 0" 0 'KEEL-TEST: PASS susp' 'not ok' 'k'
# The monitor while it sleeps: vms shows it suspended, vm wake sends the
# IPI that wakes it (the guest enabled only software interrupts).
sys_script susp-wake tests/system/susp-wake.sh
# SBI STA (guests/sta, docs/smp.md "Steal time"): vCPUs 0 and 1 share hart
# 0, vCPU 2 is alone on hart 1. set_shmem's errors; records zeroed when set,
# read with the sequence protocol; the steal of the two that share rises to
# about half of what they spun, the lone one's stays ~0; the others are
# seen preempted; a disabled record is not written; a vCPU asleep in wfi
# is not waiting. What each read last matches Keel's own figure, printed
# at VM stop, within 1%.
QEMU_ARGS="-smp 2" sys_case sta $G/sta.elf "-c 3 -p 0,0,1" 0 'KEEL-TEST: PASS sta' 'not ok'
sys_check sta-matches-keel sta tests/system/sta-check.sh
QEMU_ARGS="-smp 2" sys_case sta-no-sstc $G/sta.elf "-c 3 -p 0,0,1 -s 0" 0 'KEEL-TEST: PASS sta' 'not ok'
sys_check sta-no-sstc-matches-keel sta-no-sstc tests/system/sta-check.sh
# SBI FWFT (guests/fwft, docs/sbi.md): the spec's errors (features not
# offered, reserved and platform ranges, flags, values, the upper half of
# the feature id); MISALIGNED_EXC_DELEG: misaligned LR/AMOs reach the
# guest's own handler with 0 and 1, and with 1 while the SBI PMU counts them
# each is still delivered and counted exactly; PTE_AD_HW_UPDATING offered
# exactly where QEMU's own device tree gives the hart Svadu (fwft.svadu=,
# qemu-has-ext.sh: not Keel's word for it), and then the hardware sets A/D
# instead of page-faulting; locks; values and locks back to 0 after HSM stop
# and start and after an SRST warm reboot, kept across a non-retentive
# suspend. With -smp 2 misaligned AMOs raise store-misaligned (parallel TCG).
if wanted fwft || wanted fwft-smp2 || wanted fwft-pinned || wanted fwft-keel-svadu; then
	fwft_svadu=$(tests/system/qemu-has-ext.sh svadu) || fwft_svadu=unknown
fi
sys_case fwft $G/fwft.elf "-c 2 -b fwft.svadu=${fwft_svadu:-}" 0 'KEEL-TEST: PASS fwft' 'not ok'
QEMU_ARGS="-smp 2" sys_case fwft-smp2 $G/fwft.elf "-c 2 -b fwft.svadu=${fwft_svadu:-}" 0 'KEEL-TEST: PASS fwft' 'not ok'
# vCPU 0, which checks the hardware's A/D updating, on the second hart: each
# hart's own menvcfg.ADUE (asked of the firmware on every hart under
# -cpu rv64,svade=true, tests/system/matrix-svade.list)
QEMU_ARGS="-smp 2" sys_case fwft-pinned $G/fwft.elf "-c 2 -p 1,0 -b fwft.svadu=${fwft_svadu:-}" 0 'KEEL-TEST: PASS fwft' 'not ok'
# Keel's boot probe (henvcfg.ADUE, src/arch/riscv/hart.c) agrees with QEMU's device tree
sys_check fwft-keel-svadu fwft sh -c 'grep -q "^\[keel\] H extension: .*Svadu for guests $([ "$0" = 1 ] && echo yes || echo no)" "$1"' "${fwft_svadu:-}"

# The second Linux guest: Linux 6.12 (build/linux612, make linux612: the
# same guests/linux built from Debian 13's linux-source-6.12), which knows
# SBI STA and SUSP. keel.kernel=6.12: the init fails on any other kernel;
# keel.checks=...: the init's checks for what 6.12 adds, each with its own
# PASS/FAIL line, and the final line names those that passed.
L612=build/linux612/Image
# It boots to its init on 2 vCPUs and passes the 6.1 guest's checks (CPUs,
# timers, IPIs, remote fences, hotplug, SBI PMU firmware events, ttyS0 on
# its interrupt).
QEMU_ARGS="-smp 2" sys_case linux612-boot $L612 "-c 2 -b 'console=ttyS0 keel.cpus=2 keel.kernel=6.12'" 0 'keel-linux: PASS' 'keel-linux: FAIL'
# Steal time (SBI STA): its two vCPUs on QEMU's one hart, both CPUs busy
# for 2 s; /proc/stat's steal must rise by at least a quarter of that busy
# time, on both CPUs. The init prints the figures; Keel's own, per vCPU,
# at VM stop.
QEMU_ARGS="-smp 1" sys_case linux612-steal $L612 "-c 2 -b 'console=ttyS0 keel.cpus=2 keel.kernel=6.12 keel.checks=steal'" 0 'keel-linux: PASS \(keel.checks passed: steal\)' 'keel-linux: FAIL|: FAIL'
sys_check linux612-steal-keel-says linux612-steal grep -Eq '^\[keel\] steal linux612-steal/vcpu1 [1-9][0-9]{8,} ns'
# System suspend (SBI SUSP): echo mem > /sys/power/state; Keel and its
# monitor show the VM asleep, a key typed on the console wakes it, the
# write returns, at least 1.5 s passed and both CPUs are back.
sys_script linux612-suspend tests/system/linux-suspend.sh $L612
# perf_event_open's PERF_TYPE_HARDWARE cycles and instructions (SBI PMU
# hardware counters) around loops of 2*10^7 and 8*10^7 instructions, each
# count within 2% of the loop's under -icount (check_pmu_hw()).
QEMU_ARGS="-icount shift=0" sys_case linux612-perf $L612 "-b 'console=ttyS0 keel.kernel=6.12 keel.icount keel.checks=perf'" 0 'keel-linux: PASS \(keel.checks passed: perf\)' 'keel-linux: FAIL|: FAIL'
# The same checks asked of Linux 6.1 (two vCPUs on one hart): perf passes;
# steal and suspend fail and say why (no SBI STA, no suspend to RAM): a
# check the kernel cannot do is a FAIL, never skipped.
QEMU_ARGS="-smp 1" sys_case linux-6.1-asked-checks $L "-c 2 -b 'console=ttyS0 keel.cpus=2 keel.kernel=6.1 keel.checks=perf,steal,suspend'" 0 'keel-linux: FAIL: no steal: the kernel found no SBI STA' 'keel-linux: PASS'
sys_check linux-6.1-asked-checks-each linux-6.1-asked-checks sh -c 'grep -q "^keel-linux: perf: PASS" "$0" && grep -q "^keel-linux: suspend: FAIL: no /sys/power/state" "$0"'
