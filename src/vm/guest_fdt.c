/*
 * Generating the guest's device tree with libfdt's sequential-write API.
 * The layout mirrors QEMU virt's, so a kernel built for virt finds what it
 * expects at the addresses it expects.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "boot_config.h"
#include "vm/guest_fdt.h"
#include "riscv.h"
#include "virtio_defs.h"

#define CHECK(x)                                                                 \
	do {                                                                     \
		int __r = (x);                                                   \
		if (__r < 0)                                                     \
			return __r;                                              \
	} while (0)

/*
 * Host extensions a guest cannot use under Keel yet: each needs an henvcfg
 * enable bit or state that Keel does not virtualise (cache-block ops,
 * page-based memory types, counter overflow interrupts, AIA, state-enable
 * CSRs). Advertising them would make the guest take virtual-instruction
 * faults. The vector extensions go too (is_vector below): Keel keeps
 * sstatus.VS off rather than switch them. Svadu is the guest's only where
 * Keel offers SBI FWFT PTE_AD_HW_UPDATING (guest_isa_string).
 */
static bool not_virtualised(const char *ext, unsigned long len)
{
	static const char *const names[] = {
		"zicbom", "zicboz", "svpbmt", "sscofpmf",
		"smaia",  "ssaia",  "smstateen", "ssstateen",
	};

	for (unsigned long i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !strncmp(ext, names[i], len))
			return true;
	return false;
}

/* "zve32x", "zvl128b", "zvbb"...: vector state, or an extension of V */
static bool is_vector(const char *ext, unsigned long len)
{
	return len >= 2 && ext[0] == 'z' && ext[1] == 'v';
}

/* Is the multi-letter extension at p ("_name", len with the '_') ext? */
static bool is_ext(const char *p, unsigned long len, const char *ext)
{
	return len == strlen(ext) + 1 && !strncmp(p + 1, ext, len - 1);
}

/* Does the string name the multi-letter extension ext? */
static bool names_ext(const char *isa, const char *ext)
{
	for (const char *p = strchr(isa, '_'); p; p = strchr(p + 1, '_')) {
		const char *next = strchr(p + 1, '_');

		if (is_ext(p, next ? (unsigned long)(next - p) : strlen(p), ext))
			return true;
	}
	return false;
}

/* Append s (len bytes) if it fits whole with its NUL; false if not. */
static bool append(char *out, unsigned long *o, unsigned long outlen, const char *s,
		   unsigned long len)
{
	if (*o + len >= outlen)
		return false;
	memcpy(out + *o, s, len);
	*o += len;
	return true;
}

void guest_isa_string(const char *host_isa, bool guest_has_sstc, bool guest_has_svadu,
		      char *out, unsigned long outlen)
{
	/*
	 * The DT binding: Svade and Svadu both named means A/D updating is off
	 * at boot and the guest may turn it on through SBI FWFT, which is
	 * what Keel gives (a vCPU starts with henvcfg.ADUE clear). Svadu alone
	 * would promise updating always on.
	 */
	static const char ad_pair[] = "_svade_svadu";
	bool svade = names_ext(host_isa, "svade"), svadu_written = false;
	unsigned long o = 0;
	const char *p = host_isa;

	if (!outlen)
		return;
	/* base letters: copy all but 'h' (no nested H) and 'v' (vector unit off) */
	for (; *p && *p != '_' && o + 1 < outlen; p++) {
		if (p - host_isa >= 4 && (*p == 'h' || *p == 'v'))
			continue;
		out[o++] = *p;
	}
	/* multi-letter extensions: drop what the guest does not really get */
	while (*p == '_') {
		const char *next = strchr(p + 1, '_');
		unsigned long len = next ? (unsigned long)(next - p) : strlen(p);
		bool drop = (is_ext(p, len, "sstc") && !guest_has_sstc) ||
			    (len >= 2 && p[1] == 'h') || /* hypervisor-only extensions */
			    not_virtualised(p + 1, len - 1) || is_vector(p + 1, len - 1);

		if (is_ext(p, len, "svadu")) {
			drop = true;
			/* where the host names it, with Svade before it if the host had none */
			if (guest_has_svadu) {
				svadu_written = svade ? append(out, &o, outlen, p, len)
						      : append(out, &o, outlen, ad_pair,
							       sizeof(ad_pair) - 1);
				if (!svadu_written)
					break; /* the cut: nothing after what does not fit */
			}
		}
		if (!drop && !append(out, &o, outlen, p, len))
			break;
		p += len;
	}
	/*
	 * A hart with Svadu whose DT does not say so: at the end, unless the
	 * string was cut before (!*p: the whole host string was read). Last,
	 * so if it does not fit, that is the cut.
	 */
	if (guest_has_svadu && !svadu_written && !*p && *host_isa)
		append(out, &o, outlen, svade ? ad_pair + 6 : ad_pair,
		       svade ? sizeof(ad_pair) - 7 : sizeof(ad_pair) - 1);
	out[o] = 0;
}

static int prop_u64_pair(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };
	return fdt_property(fdt, name, v, sizeof(v));
}

static int build_cpus(void *fdt, const struct guest_fdt_params *p)
{
	char isa[160];

	guest_isa_string(p->host_isa, p->guest_has_sstc, p->guest_has_svadu, isa, sizeof(isa));
	CHECK(fdt_begin_node(fdt, "cpus"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 1));
	CHECK(fdt_property_u32(fdt, "#size-cells", 0));
	CHECK(fdt_property_u32(fdt, "timebase-frequency", (uint32_t)p->timebase_freq));
	for (unsigned int i = 0; i < p->nr_vcpus; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", i);
		CHECK(fdt_begin_node(fdt, name));
		CHECK(fdt_property_string(fdt, "device_type", "cpu"));
		CHECK(fdt_property_u32(fdt, "reg", i));
		CHECK(fdt_property_string(fdt, "status", "okay"));
		CHECK(fdt_property_string(fdt, "compatible", "riscv"));
		CHECK(fdt_property_string(fdt, "riscv,isa", isa));
		CHECK(fdt_property_string(fdt, "mmu-type", p->mmu_type));
		CHECK(fdt_begin_node(fdt, "interrupt-controller"));
		CHECK(fdt_property_u32(fdt, "#interrupt-cells", 1));
		CHECK(fdt_property(fdt, "interrupt-controller", "", 0));
		CHECK(fdt_property_string(fdt, "compatible", "riscv,cpu-intc"));
		CHECK(fdt_property_u32(fdt, "phandle", 1 + i));
		CHECK(fdt_end_node(fdt));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));
	return 0;
}

/* After the CPUs' interrupt controllers (phandles 1..nr_vcpus) */
#define PLIC_PHANDLE (KEEL_MAX_VCPUS + 1)

/*
 * The PLIC as QEMU virt describes its own: two contexts per hart, M-mode
 * (11) then S-mode (9). Linux skips the M-mode ones; keeping them makes
 * context 2i + 1 hart i's S-mode context, as bare-metal code for virt
 * expects.
 */
static int build_plic(void *fdt, const struct guest_fdt_params *p)
{
	fdt32_t cells[4 * KEEL_MAX_VCPUS];
	static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	unsigned int n = p->nr_vcpus < KEEL_MAX_VCPUS ? p->nr_vcpus : KEEL_MAX_VCPUS;
	char name[32];

	for (unsigned int i = 0; i < n; i++) {
		cells[4 * i + 0] = cpu_to_fdt32(1 + i);
		cells[4 * i + 1] = cpu_to_fdt32(IRQ_M_EXT);
		cells[4 * i + 2] = cpu_to_fdt32(1 + i);
		cells[4 * i + 3] = cpu_to_fdt32(IRQ_S_EXT);
	}
	snprintf(name, sizeof(name), "plic@%llx", (unsigned long long)p->plic_base);
	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	CHECK(prop_u64_pair(fdt, "reg", p->plic_base, p->plic_size));
	CHECK(fdt_property_u32(fdt, "#address-cells", 0));
	CHECK(fdt_property_u32(fdt, "#interrupt-cells", 1));
	CHECK(fdt_property(fdt, "interrupt-controller", "", 0));
	CHECK(fdt_property(fdt, "interrupts-extended", cells, (int)(n * 4 * sizeof(cells[0]))));
	CHECK(fdt_property_u32(fdt, "riscv,ndev", p->plic_ndev));
	CHECK(fdt_property_u32(fdt, "phandle", PLIC_PHANDLE));
	CHECK(fdt_end_node(fdt));
	return 0;
}

/* A virtio-mmio device, as QEMU virt describes its own: Linux's virtio_mmio binds to it */
static int build_virtio(void *fdt, const struct guest_fdt_params *p, unsigned int i)
{
	uint64_t base = p->virtio_base + (uint64_t)i * VIRTIO_MMIO_SIZE;
	char name[32];

	snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)base);
	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	CHECK(prop_u64_pair(fdt, "reg", base, VIRTIO_MMIO_SIZE));
	CHECK(fdt_property_u32(fdt, "interrupt-parent", PLIC_PHANDLE));
	CHECK(fdt_property_u32(fdt, "interrupts", p->virtio_irq + i));
	CHECK(fdt_property(fdt, "dma-coherent", "", 0));
	CHECK(fdt_end_node(fdt));
	return 0;
}

static int build_soc(void *fdt, const struct guest_fdt_params *p)
{
	char name[32];

	CHECK(fdt_begin_node(fdt, "soc"));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property_string(fdt, "compatible", "simple-bus"));
	CHECK(fdt_property(fdt, "ranges", "", 0));
	if (p->plic_size)
		CHECK(build_plic(fdt, p));
	/* each virtio device needs the PLIC for its line (the bundle's check) */
	for (unsigned int i = 0; p->plic_size && i < p->nr_virtio; i++)
		CHECK(build_virtio(fdt, p, i));
	if (!p->uart_size)
		return fdt_end_node(fdt);
	snprintf(name, sizeof(name), "serial@%llx", (unsigned long long)p->uart_base);
	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property_string(fdt, "compatible", "ns16550a"));
	CHECK(prop_u64_pair(fdt, "reg", p->uart_base, p->uart_size));
	CHECK(fdt_property_u32(fdt, "clock-frequency", p->uart_clock));
	if (p->plic_size) {
		CHECK(fdt_property_u32(fdt, "interrupt-parent", PLIC_PHANDLE));
		CHECK(fdt_property_u32(fdt, "interrupts", p->uart_irq));
	}
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_end_node(fdt));
	return 0;
}

/* The whole tree; libfdt's error code (negative) stays inside this file */
static int build_tree(void *buf, int bufsize, const struct guest_fdt_params *p)
{
	void *fdt = buf;
	char name[40];

	/*
	 * Property names are not shared: libfdt's search of the strings
	 * block for each one cost some 80 000 instructions of Keel's boot,
	 * to save a few hundred bytes of a device tree Keel gives 64 KiB.
	 */
	CHECK(fdt_create_with_flags(fdt, bufsize, FDT_CREATE_FLAG_NO_NAME_DEDUP));
	CHECK(fdt_finish_reservemap(fdt));
	CHECK(fdt_begin_node(fdt, ""));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property_string(fdt, "compatible", "keel,vm"));
	snprintf(name, sizeof(name), "Keel VM %s", p->vm_name);
	CHECK(fdt_property_string(fdt, "model", name));

	CHECK(fdt_begin_node(fdt, "chosen"));
	if (p->bootargs && p->bootargs[0])
		CHECK(fdt_property_string(fdt, "bootargs", p->bootargs));
	if (p->uart_size) {
		snprintf(name, sizeof(name), "/soc/serial@%llx",
			 (unsigned long long)p->uart_base);
		CHECK(fdt_property_string(fdt, "stdout-path", name));
	}
	CHECK(fdt_property_u32(fdt, "keel,boot-count", p->boot_count));
	CHECK(fdt_property_u64(fdt, "keel,entry-instret", p->entry_instret));
	if (p->initrd_end > p->initrd_start) {
		CHECK(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		CHECK(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	CHECK(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->ram_base);
	CHECK(fdt_begin_node(fdt, name));
	CHECK(fdt_property_string(fdt, "device_type", "memory"));
	CHECK(prop_u64_pair(fdt, "reg", p->ram_base, p->ram_size));
	CHECK(fdt_end_node(fdt));

	CHECK(build_cpus(fdt, p));
	CHECK(build_soc(fdt, p));
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_finish(fdt));
	return 0;
}

int guest_fdt_build(void *buf, int bufsize, const struct guest_fdt_params *p, char *err,
		    unsigned long errlen)
{
	int r = build_tree(buf, bufsize, p);

	if (r < 0) {
		snprintf(err, errlen, "VM '%s': building its device tree failed (libfdt error %d, %s)",
			 p->vm_name, r, fdt_strerror(r));
		return -1;
	}
	return 0;
}
