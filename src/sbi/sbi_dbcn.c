/*
 * SBI DBCN (debug console, EID "DBCN"). Every guest buffer is checked to lie
 * wholly in the VM's RAM before Keel touches it; anything else is
 * SBI_ERR_INVALID_PARAM, as the specification asks.
 *
 * One call moves at most SBI_DBCN_CHUNK (32) bytes, whatever length the
 * guest gives: console_write returns how many it wrote, and the caller
 * calls again for the rest ("it may do partial/no writes", SBI v2.0
 * DBCN; Linux's earlycon and hvc_riscv_sbi loop on the count, and so do
 * Keel's guests). Without that bound one 12 MiB write held its hart for
 * 3.5 s to 30 s on QEMU, and every vCPU sharing the hart, every fence and
 * reset waiting for it, and `vm stop` waited as long.
 *
 * Why 32: the physical console is a UART whose driver waits for each byte
 * to go (src/lib/hw_uart.c). At 115200 baud, 8N1, a byte takes 86.8 us,
 * so 32 bytes (33 with the \r the console puts before a \n) take 2.9 ms,
 * within one scheduling slice (SCHED_SLICE_US, 4 ms): a flooding guest
 * overruns its slice by less than a slice. On QEMU, where the UART takes a
 * byte at once, the longest write is 2 027 instructions round trip with one
 * VM and 19 084 with several (make bench, docs/bench.md).
 *
 * A write also ends after its first newline. With several VMs the shared
 * console prints a VM's output a line at a time behind its name
 * (src/console/vm_console.c), and 32 newlines would be 32 such lines; so one call
 * prints at most two (one it fills to VM_CONSOLE_LINE, one it ends).
 */
#include <string.h>

#include "sbi/sbi.h"
#include "vm.h"

static void *guest_buffer(struct vcpu *v, const struct sbi_call *call, unsigned long len)
{
	/* base_addr_hi is for RV32; on RV64 a nonzero value is out of range */
	if (call->arg[2] || !vm_gpa_in_ram(v->vm, call->arg[1], len))
		return 0;
	/*
	 * The whole buffer is checked, but only the chunk one call moves is
	 * reached: RAM the guest never touched is zeroed on Keel's first
	 * touch too (vm_ram.c), and that must stay one chunk's worth.
	 */
	return vm_gpa_to_hva(v->vm, call->arg[1], len < SBI_DBCN_CHUNK ? len : SBI_DBCN_CHUNK);
}

/* How much of a write of len bytes at buf this call takes. */
static unsigned long write_chunk(const char *buf, unsigned long len)
{
	unsigned long n = len < SBI_DBCN_CHUNK ? len : SBI_DBCN_CHUNK;
	const char *nl = memchr(buf, '\n', n);

	return nl ? (unsigned long)(nl - buf) + 1 : n;
}

static void dbcn_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	unsigned long len = call->arg[0];
	char *buf;

	res->error = SBI_SUCCESS;
	res->value = 0;
	switch (call->fid) {
	case SBI_EXT_DBCN_CONSOLE_WRITE:
		/* the whole buffer is checked, though only a chunk is written */
		buf = guest_buffer(v, call, len);
		if (!buf) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		res->value = write_chunk(buf, len);
		vm_console_write(v->vm, buf, res->value);
		break;
	case SBI_EXT_DBCN_CONSOLE_READ:
		buf = guest_buffer(v, call, len);
		if (!buf) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		if (len > SBI_DBCN_CHUNK)
			len = SBI_DBCN_CHUNK;
		while (res->value < len) {
			int c = vm_console_getc(v->vm);
			if (c < 0)
				break;
			buf[res->value++] = (char)c;
		}
		break;
	case SBI_EXT_DBCN_CONSOLE_WRITE_BYTE: {
		char c = (char)(call->arg[0] & 0xff);
		vm_console_write(v->vm, &c, 1);
		break;
	}
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_dbcn = {
	.eid_start = SBI_EXT_DBCN,
	.eid_end = SBI_EXT_DBCN,
	.name = "DBCN",
	.stat_slot = SBI_STAT_DBCN,
	.handle = dbcn_handle,
};
