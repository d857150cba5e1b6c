/*
 * Small helpers every layer of the library may use: bug checks, branch
 * hints, a seeded random-number generator. Nothing here knows about memory
 * management.
 */
#ifndef VMSIM_BASE_H
#define VMSIM_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/error.h"
#include "vmsim/types.h"

#define likely(x)     __builtin_expect(!!(x), 1)
#define unlikely(x)   __builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A broken simulator invariant (never bad user input): print the place and abort. */
#define VMSIM_BUG_ON(cond)                                                                         \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			vmsim_bug(__func__, __FILE__, __LINE__, #cond);                            \
	} while (0)

_Noreturn void vmsim_bug(const char *func, const char *file, int line, const char *cond);

/* Write a reason into @why (when it is non-NULL and @whylen > 0) and return
 * @rc: the library's way of saying why a call failed. */
__attribute__((format(printf, 4, 5))) int why_set(char *why, size_t whylen, int rc, const char *fmt,
						  ...);

/* why_set for a caller that takes its own variable arguments. */
__attribute__((format(printf, 4, 0))) int why_vset(char *why, size_t whylen, int rc,
						   const char *fmt, va_list ap);

/*
 * Zeroed host memory whose pages cost nothing until first written: large
 * requests are anonymous mappings reserved without swap accounting (the
 * host supplies each page on first touch), small ones come from calloc.
 * For tables sized by the simulated machine (per-frame arrays) whose use is
 * sparse. host_zalloc returns NULL when out of host memory; host_zfree
 * (NULL is harmless) frees what host_zalloc gave.
 */
void *host_zalloc(size_t bytes);
void host_zfree(void *p);
/* A host_zalloc block of @bytes holding the first @old bytes of @p (which
 * it frees), the rest zeroed; NULL (and @p untouched) when out of memory. */
void *host_zrealloc(void *p, size_t old, size_t bytes);

/* xorshift64* generator: deterministic for a given seed, never returns 0 state. */
struct rng {
	uint64_t s; /* state, never 0 */
};

void rng_seed(struct rng *r, uint64_t seed);

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform integer in [0, n), n > 0. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

#endif
