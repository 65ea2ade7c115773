/*
 * fuzz.h - what the fuzz targets in tests/fuzz share.
 *
 * Each fuzz_*.c defines LLVMFuzzerTestOneInput() (and may define
 * LLVMFuzzerInitialize()).  With ./configure --enable-fuzzing they are
 * linked with libFuzzer (clang -fsanitize=fuzzer) and run by `make fuzz`;
 * in every build they are also linked with replay.c, a main() that runs
 * each file of the seed corpus once, so `make check` replays the corpus
 * (and the inputs that once crashed) with the ordinary compiler.
 */
#ifndef MATCHGUARD_FUZZ_H
#define MATCHGUARD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test does not hold: report and abort,
 * so that the fuzzer keeps the input. */
#define FUZZ_ASSERT(cond)	do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif
