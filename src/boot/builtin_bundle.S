/*
 * A bundle built into Keel's own image, for a board where loading one file
 * is easier than two: `make keel-builtin CONFIG=...` (or BUNDLE=...)
 * assembles this file again with KEEL_BUILTIN_BUNDLE naming the bundle.
 * In the plain keel.bin it is empty, and Keel uses the bundle the firmware
 * or QEMU loaded (/chosen linux,initrd-*), which also wins over a built-in
 * one (main.c: load_bundle).
 */
	.section .rodata.builtin_bundle, "a"
	/* libfdt reads the blob in place: 8-byte alignment keeps it happy */
	.balign 8
	.global builtin_bundle_start, builtin_bundle_end
builtin_bundle_start:
#ifdef KEEL_BUILTIN_BUNDLE
	.incbin KEEL_BUILTIN_BUNDLE
#endif
builtin_bundle_end:
