/*
 * What a hart implements, from the two ways a device tree says it:
 *
 *   riscv,isa             one string, "rv64imafdch_zicsr_sstc" (deprecated
 *                         by the DT binding, still what OpenSBI 1.1 and
 *                         QEMU 7.2 write)
 *   riscv,isa-base        "rv64i" (or "rv32i")
 *   riscv,isa-extensions  a string list: "i", "m", "a", "c", "h", "sstc"...
 *                         (what current upstream Linux DTs write)
 *
 * When a hart has both, riscv,isa-extensions wins, as in Linux: it is the
 * unambiguous one. Pure functions on strings: no libfdt, no CSRs.
 */
#ifndef KEEL_HART_ISA_H
#define KEEL_HART_ISA_H

#include <stdbool.h>
#include <stddef.h>

/* A hart's ISA properties as found in its cpu node (NULL when absent). */
struct hart_isa_props {
	const char *isa;  /* riscv,isa */
	const char *base; /* riscv,isa-base */
	const char *exts; /* riscv,isa-extensions: NUL-separated strings */
	int exts_len;     /* its length in bytes, NULs included */
};

/* Which property the answers come from, for messages. */
const char *hart_isa_source(const struct hart_isa_props *p);

/* Does the hart implement ext ("h", "sstc", ...)? */
bool hart_isa_has(const struct hart_isa_props *p, const char *ext);

/* Its XLEN: 32, 64, or 0 when the DT does not say or says nonsense. */
unsigned int hart_isa_xlen(const struct hart_isa_props *p);

/*
 * The hart's ISA as one riscv,isa-style string (the guests' riscv,isa is
 * made from it, see guest_fdt.c): riscv,isa-extensions turned into
 * "rv64" + single letters in canonical order + "_name" for each longer
 * one, or riscv,isa as it is. Cut at a whole extension when out is too
 * small; "" when the hart has neither property.
 */
void hart_isa_string(const struct hart_isa_props *p, char *out, size_t outlen);

/*
 * Can Keel run on this hart? It needs RV64 with the letters it is built
 * for (imac), the H extension, and an MMU that does Sv39 (mmu_type NULL:
 * the DT does not say, taken as yes). If not, false and why_not says why,
 * e.g. "no H extension in its riscv,isa-extensions".
 */
bool hart_isa_can_run_keel(const struct hart_isa_props *p, const char *mmu_type,
			   char *why_not, size_t len);

/* Does a riscv,isa string name extension ext ("h", "sstc", ...)? */
bool isa_has_extension(const char *isa, const char *ext);

/* Does a riscv,isa-extensions string list hold ext? */
bool isa_list_has(const char *list, int len, const char *ext);

#endif
