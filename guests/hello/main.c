/*
 * The smallest guest: greet, check the device tree pointer, and show what
 * /chosen holds (bootargs, and the initrd if one was given: its first line
 * is printed so a test can check that it arrived intact).
 */
#include "console.h"
#include "fdt.h"
#include "test.h"

static int contains(const char *s, const char *word)
{
	for (; *s; s++) {
		const char *a = s, *b = word;
		while (*b && *a == *b)
			a++, b++;
		if (!*b)
			return 1;
	}
	return 0;
}

static unsigned long be64(const void *p)
{
	return ((unsigned long)fdt_be32(p) << 32) | fdt_be32((const char *)p + 4);
}

static void show_chosen(const void *dtb)
{
	const char *bootargs, *s, *e;
	const char *start, *end;
	int len, slen, elen;

	bootargs = fdt_prop(dtb, "chosen", "bootargs", &len);
	printf("bootargs: \"%s\"\n", bootargs && len > 0 ? bootargs : "");
	s = fdt_prop(dtb, "chosen", "linux,initrd-start", &slen);
	e = fdt_prop(dtb, "chosen", "linux,initrd-end", &elen);
	if (!s || !e) {
		printf("initrd: none\n");
		return;
	}
	CHECK(slen == 8 && elen == 8, "initrd-start/end are 64-bit (%d, %d bytes)", slen, elen);
	start = (const char *)be64(s);
	end = (const char *)be64(e);
	CHECK(end > start, "initrd range 0x%lx-0x%lx is not empty", (unsigned long)start,
	      (unsigned long)end);
	printf("initrd: %lu bytes at %p, first line: \"", (unsigned long)(end - start), start);
	for (const char *p = start; p < end && *p != '\n' && p < start + 64; p++)
		printf("%c", *p >= ' ' && *p < 127 ? *p : '?');
	printf("\"\n");
}

int main(unsigned long hartid, const void *dtb)
{
	printf("Hello from a Keel guest (hart %lu, dtb %p)\n", hartid, dtb);
	CHECK(dtb && fdt_be32(dtb) == FDT_MAGIC,
	      "a1 points to a device tree (magic 0x%x)",
	      dtb ? fdt_be32(dtb) : 0);
	if (dtb && fdt_valid(dtb)) {
		const char *args;
		int len;

		show_chosen(dtb);
		/* for the exit-code test: a guest whose checks fail */
		args = fdt_prop(dtb, "chosen", "bootargs", &len);
		CHECK(!(args && len > 0 && contains(args, "keel.test-fail")),
		      "bootargs do not ask this guest to fail");
	}
	test_finish();
}
