/*
 * Reading a hart's ISA from riscv,isa or riscv,isa-base/-extensions (see
 * src/platform/hart_isa.h). Pure string handling, tested in tests/unit.
 */
#include <stdio.h>
#include <string.h>

#include "platform/hart_isa.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip a version such as "2p1" or "2" after an extension name. */
static const char *skip_version(const char *p)
{
	if (!is_digit(*p))
		return p;
	while (is_digit(*p))
		p++;
	if (*p == 'p' && is_digit(p[1]))
		for (p++; is_digit(*p); p++)
			;
	return p;
}

/* The token [p, end) is ext, maybe with a version after it. */
static bool token_is(const char *p, const char *end, const char *ext, size_t elen)
{
	return (size_t)(end - p) >= elen && !strncmp(p, ext, elen) &&
	       skip_version(p + elen) == end;
}

/* 'g' stands for imafd plus zicsr and zifencei. */
static bool implied_by_g(const char *ext)
{
	return (strlen(ext) == 1 && strchr("imafd", ext[0])) || !strcmp(ext, "zicsr") ||
	       !strcmp(ext, "zifencei");
}

bool isa_has_extension(const char *isa, const char *ext)
{
	size_t elen = strlen(ext);
	const char *p, *multi;
	bool has_g = false;

	if (strncmp(isa, "rv32", 4) && strncmp(isa, "rv64", 4))
		return false;
	/* an extension name is never empty and never holds a '_' */
	if (!elen || strchr(ext, '_'))
		return false;
	/*
	 * Single letters come first. A 'z', 'x' or 's' starts the first
	 * multi-letter name even without a '_' before it ("rv64imaczicsr"),
	 * except "su", which old QEMUs wrote for the S and U modes (no
	 * extension: Linux skips it too). Versions ("i2p1") are skipped.
	 */
	for (p = isa + 4; *p && *p != '_';) {
		if (*p == 'z' || *p == 'x' || (*p == 's' && p[1] != 'u'))
			break;
		if (*p == 's') {
			p += 2;
			continue;
		}
		if (elen == 1 && *p == ext[0])
			return true;
		has_g |= *p == 'g';
		p = skip_version(p + 1);
	}
	if (has_g && implied_by_g(ext))
		return true;
	if (elen == 1)
		return false;
	/* Multi-letter ones are '_'-separated. */
	for (multi = p; *multi; ) {
		const char *end;

		if (*multi == '_')
			multi++;
		end = strchr(multi, '_');
		if (!end)
			end = multi + strlen(multi);
		if (token_is(multi, end, ext, elen))
			return true;
		multi = end;
	}
	return false;
}

bool isa_list_has(const char *list, int len, const char *ext)
{
	const char *p = list, *end;

	if (!list || len <= 0)
		return false;
	end = list + len;
	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		if (n && n == strlen(ext) && !strncmp(p, ext, n))
			return true;
		p += n + 1;
	}
	return false;
}

const char *hart_isa_source(const struct hart_isa_props *p)
{
	if (p->exts)
		return "riscv,isa-extensions";
	if (p->isa)
		return "riscv,isa";
	return "cpu node (it has no riscv,isa or riscv,isa-extensions)";
}

bool hart_isa_has(const struct hart_isa_props *p, const char *ext)
{
	if (p->exts)
		return isa_list_has(p->exts, p->exts_len, ext);
	return p->isa && isa_has_extension(p->isa, ext);
}

static unsigned int xlen_of(const char *s)
{
	if (!s)
		return 0;
	if (!strncmp(s, "rv64", 4))
		return 64;
	if (!strncmp(s, "rv32", 4))
		return 32;
	return 0;
}

unsigned int hart_isa_xlen(const struct hart_isa_props *p)
{
	return xlen_of(p->exts ? p->base : p->isa);
}

/* Single-letter extensions in the order riscv,isa writes them. */
static const char canonical_letters[] = "iemafdqlcbkjtpvh";

static void string_from_list(const struct hart_isa_props *p, char *out, size_t outlen)
{
	const char *end = p->exts + (p->exts_len > 0 ? p->exts_len : 0);
	size_t o;

	o = (size_t)snprintf(out, outlen, "rv%u", hart_isa_xlen(p) == 32 ? 32 : 64);
	if (o >= outlen)
		return;
	for (const char *c = canonical_letters; *c && o + 1 < outlen; c++) {
		char one[2] = { *c, 0 };
		if (isa_list_has(p->exts, p->exts_len, one))
			out[o++] = *c;
	}
	out[o] = 0;
	for (const char *s = p->exts; s < end;) {
		size_t n = strnlen(s, (size_t)(end - s));

		/* whole names only; letters other than the canonical ones are dropped */
		if (n > 1 && !memchr(s, '_', n)) {
			if (o + 1 + n >= outlen)
				break;
			out[o++] = '_';
			memcpy(out + o, s, n);
			o += n;
			out[o] = 0;
		}
		s += n + 1;
	}
}

void hart_isa_string(const struct hart_isa_props *p, char *out, size_t outlen)
{
	if (!outlen)
		return;
	out[0] = 0;
	if (p->exts) {
		string_from_list(p, out, outlen);
		return;
	}
	if (!p->isa)
		return;
	/* too long: keep whole extensions, never half a name */
	if (snprintf(out, outlen, "%s", p->isa) >= (int)outlen) {
		char *cut = strrchr(out, '_');
		if (cut)
			*cut = 0;
	}
}

/* mmu-type values whose MMU does Sv39 (Sv48 and Sv57 include it). */
static bool mmu_does_sv39(const char *mmu_type)
{
	return !mmu_type || !strcmp(mmu_type, "riscv,sv39") || !strcmp(mmu_type, "riscv,sv48") ||
	       !strcmp(mmu_type, "riscv,sv57");
}

bool hart_isa_can_run_keel(const struct hart_isa_props *p, const char *mmu_type,
			   char *why_not, size_t len)
{
	const char *src = hart_isa_source(p);
	unsigned int xlen = hart_isa_xlen(p);

	if (!p->exts && !p->isa) {
		snprintf(why_not, len, "no riscv,isa or riscv,isa-extensions");
		return false;
	}
	/* riscv,isa-extensions without riscv,isa-base: XLEN unsaid, 64 assumed */
	if (xlen == 32 || (!xlen && !p->exts)) {
		snprintf(why_not, len, "not RV64 by its %s", p->exts ? "riscv,isa-base" : src);
		return false;
	}
	/* Keel's own code is rv64imac (the top Makefile's -march) */
	for (const char *c = "imac"; *c; c++) {
		char one[2] = { *c, 0 };
		if (!hart_isa_has(p, one)) {
			snprintf(why_not, len, "no '%c' extension in its %s (Keel is built for imac)",
				 *c, src);
			return false;
		}
	}
	if (!hart_isa_has(p, "h")) {
		snprintf(why_not, len, "no H extension in its %s", src);
		return false;
	}
	if (!mmu_does_sv39(mmu_type)) {
		snprintf(why_not, len, "mmu-type \"%s\" cannot do Sv39", mmu_type);
		return false;
	}
	if (len)
		why_not[0] = 0;
	return true;
}
