/*
 * Forced into every C file of Keel (-include, Makefile KEEL_CFLAGS).
 *
 * Keel is compiled -fPIE so that it can run where it is loaded (entry.S
 * relocates it; docs/boot.md, "Where Keel runs from"). Under -fPIE, GCC
 * must assume that a global declared in another file might come from a
 * shared library, and reaches it through the GOT: an extra load on every
 * access, and a relocation per GOT entry. Keel is one static image, so
 * every symbol is in it: declared hidden, they are all reached
 * pc-relative, as with -fno-pie.
 */
#pragma GCC visibility push(hidden)
