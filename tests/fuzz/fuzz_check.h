/*
 * What every fuzz target in tests/fuzz/ shares: an invariant check that
 * stops the run at once, and a reader that turns the fuzzer's bytes into
 * values.
 *
 * A violated invariant must end the process: libFuzzer only reports a
 * crash, and the replay driver only notices a child that died. So
 * FUZZ_CHECK prints where and what, then abort()s, exactly like a failed
 * assert() but independent of NDEBUG.
 *
 * The reader hands out zeros once the input is used up, so a target never
 * has to check lengths and every input, however short, is a valid run.
 */
#ifndef KEEL_FUZZ_CHECK_H
#define KEEL_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                                  \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, \
				#cond);                                                   \
			abort();                                                          \
		}                                                                         \
	} while (0)

struct fuzz_input {
	const uint8_t *data;
	size_t size, pos;
};

static inline int fuzz_more(const struct fuzz_input *in)
{
	return in->pos < in->size;
}

/* n bytes (1..8), little-endian, zero-padded past the end of the input. */
static inline uint64_t fuzz_bytes(struct fuzz_input *in, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		if (in->pos < in->size)
			v |= (uint64_t)in->data[in->pos++] << (8 * i);
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	return (uint8_t)fuzz_bytes(in, 1);
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	return (uint32_t)fuzz_bytes(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
	return fuzz_bytes(in, 8);
}

/* The entry point libFuzzer calls, and the replay driver too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
