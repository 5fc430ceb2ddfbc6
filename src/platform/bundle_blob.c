/*
 * The bundle as bytes (include/bundle.h): the wrapper's header around the
 * device tree, and a tree that libfdt can walk without looping or reading
 * past its end. Pure logic: a bad blob gives one message naming what is
 * wrong.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "bundle.h"

/*
 * Every property fits in the structure block. Linux 6.1's libfdt steps
 * from tag to tag by adding a property's length to an int offset: a
 * length of 0xfffffff4 brings it back to the same tag, and fdt_next_tag()
 * loops for ever (newer libfdt checks the sum). So before libfdt walks
 * the tree, this walks its tags once, with every length bounded.
 */
static bool props_fit(const void *fdt)
{
	const uint8_t *s = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	uint32_t size = fdt_version(fdt) >= 17 ? fdt_size_dt_struct(fdt)
					       : fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
	uint32_t off = 0, len;
	const uint8_t *nul;

	while (size - off >= FDT_TAGSIZE) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(s + off));

		off += FDT_TAGSIZE;
		switch (tag) {
		case FDT_BEGIN_NODE:
			nul = memchr(s + off, 0, size - off);
			if (!nul)
				return false;
			off = (uint32_t)(nul - s) + 1;
			break;
		case FDT_PROP:
			if (size - off < 2 * FDT_TAGSIZE)
				return false;
			len = fdt32_ld((const fdt32_t *)(s + off));
			off += 2 * FDT_TAGSIZE; /* length, name offset */
			/* before version 16, a value of 8 bytes or more is 8-aligned */
			if (fdt_version(fdt) < 16 && len >= 8 && off % 8)
				off += 4;
			if (off > size || len > size - off)
				return false;
			off += len;
			break;
		case FDT_END:
			return true;
		case FDT_END_NODE:
		case FDT_NOP:
			break;
		default:
			return false;
		}
		off = (off + FDT_TAGSIZE - 1) & ~(uint32_t)(FDT_TAGSIZE - 1);
		if (off > size)
			return false;
	}
	return false;
}

/* n (<= 8) little-endian bytes at p, read a byte at a time: p may be misaligned */
static uint64_t load_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

int bundle_unwrap(const void *blob, uint64_t size, const void **dtb, uint64_t *dtb_size,
		  char *err, unsigned long errlen)
{
	static const char magic[] = BUNDLE_WRAP_MAGIC;
	const uint8_t *p = blob;
	uint64_t off, len, magic_len = size < 8 ? size : 8;
	uint32_t version;

	/* a bare device tree: Keel's first format, and what QEMU -initrd takes */
	if (size >= 4 && fdt32_ld((const fdt32_t *)blob) == FDT_MAGIC) {
		*dtb = blob;
		*dtb_size = size;
		return 0;
	}
	if (!size || memcmp(p, magic, magic_len)) {
		snprintf(err, errlen, "bundle: neither a Keel bundle (it starts with \"%s\") nor a "
				      "device tree blob (%llu bytes)", magic, (unsigned long long)size);
		return -1;
	}
	if (size < BUNDLE_WRAP_HEADER_SIZE) {
		snprintf(err, errlen, "bundle: cut short: %llu bytes, less than its %d-byte header",
			 (unsigned long long)size, BUNDLE_WRAP_HEADER_SIZE);
		return -1;
	}
	version = (uint32_t)load_le(p + 8, 4);
	if (version != BUNDLE_WRAP_VERSION) {
		snprintf(err, errlen, "bundle: header version %u is not supported (this Keel reads "
				      "version %d)", version, BUNDLE_WRAP_VERSION);
		return -1;
	}
	off = load_le(p + 12, 4);
	len = load_le(p + 16, 8);
	if (load_le(p + 24, 8)) {
		snprintf(err, errlen, "bundle: header bytes 24..31 are not zero");
		return -1;
	}
	if (off < BUNDLE_WRAP_HEADER_SIZE || off % 8) {
		snprintf(err, errlen, "bundle: header puts the device tree at offset %llu (must be "
				      "a multiple of 8, at least %d)", (unsigned long long)off,
			 BUNDLE_WRAP_HEADER_SIZE);
		return -1;
	}
	if (off > size || len > size - off) {
		snprintf(err, errlen, "bundle: header names a %llu-byte device tree at offset %llu, "
				      "but only %llu bytes were loaded (is the initrd size right?)",
			 (unsigned long long)len, (unsigned long long)off,
			 (unsigned long long)size);
		return -1;
	}
	if (len < 4 || fdt32_ld((const fdt32_t *)(p + off)) != FDT_MAGIC) {
		snprintf(err, errlen, "bundle: no device tree at offset %llu behind the header",
			 (unsigned long long)off);
		return -1;
	}
	/* libfdt and bundle.c load 32- and 64-bit words from the tree in place */
	if ((uintptr_t)(p + off) % 8) {
		snprintf(err, errlen, "bundle: loaded at 0x%llx, not 8-byte aligned: load it at "
				      "an aligned address", (unsigned long long)(uintptr_t)blob);
		return -1;
	}
	*dtb = p + off;
	*dtb_size = len;
	return 0;
}

int bundle_check_tree(const void *fdt, uint64_t size, char *err, unsigned long errlen)
{
	/*
	 * fdt_check_header() wants the blob 8-byte aligned but not its
	 * structure block, whose tokens and cells libfdt and bundle.c load
	 * as 32-bit words: an odd off_dt_struct makes every one of them a
	 * misaligned load (a trap to the firmware on many harts). The
	 * Devicetree Specification aligns the block to 4 bytes; so must we.
	 */
	if (size < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > size || (fdt_off_dt_struct(fdt) & (FDT_TAGSIZE - 1)) ||
	    !props_fit(fdt)) {
		snprintf(err, errlen, "bundle: not a valid device tree blob (%llu bytes)",
			 (unsigned long long)size);
		return -1;
	}
	return 0;
}
