/*
 * Access-pattern generators: deterministic streams of offsets into a region
 * of @len bytes, each with a read/write decision. Drivers add the region's
 * base address and make the accesses; a generator knows nothing about the
 * machine. Callers: the scenario runner (touch), later the CLI.
 *
 *   seq      0, stride, 2*stride, ... to the end of the region, then again
 *            from 0 (times passes); stride defaults to one page
 *   loop     seq under another name, for the cyclic scan that defeats LRU
 *            when the region is one page larger than the cache
 *   random   uniformly chosen pages
 *   zipf     page of rank k (k = 1 is the region's first page) with
 *            probability proportional to 1 / k^alpha
 *   hotcold  the first hot_frac of the pages get hot_share of the accesses,
 *            uniformly within each set
 *   phases   the accesses split into `phases` equal runs; run k draws
 *            uniformly from its own window of ws pages (window k starts
 *            k*ws pages into the region, wrapping), so the working set
 *            moves from phase to phase
 *
 * Random patterns access the first byte of the chosen page. Every stream
 * depends only on its configuration: the same seed gives the same stream on
 * every run. The read/write decision uses a second generator, so changing
 * the write share never changes which pages are chosen.
 */
#ifndef VMSIM_GEN_H
#define VMSIM_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"

enum gen_pattern {
	GEN_SEQ = 0, /* sequential with a stride */
	GEN_LOOP,    /* sequential, repeated (the LRU-pathological scan) */
	GEN_RANDOM,  /* uniform over the pages */
	GEN_ZIPF,    /* Zipf(alpha) over the pages */
	GEN_HOTCOLD, /* hot and cold sets */
	GEN_PHASES,  /* a working set that moves */
};

struct gen_cfg {
	enum gen_pattern pattern; /* which stream */
	uint64_t len;		  /* region size in bytes (> 0) */
	uint64_t stride;	  /* seq, loop: bytes between accesses; 0: 4096 */
	uint64_t times;		  /* seq, loop: passes over the region when count is 0; 0: 1 */
	uint64_t count;		  /* accesses; 0: seq/loop one pass * times, others one per page */
	double alpha;		  /* zipf: exponent (> 0); 0: 1.0 */
	double hot_frac;	  /* hotcold: share of the pages that are hot, (0, 1]; 0: 0.2 */
	double hot_share;	  /* hotcold: share of the accesses to hot pages, (0, 1]; 0: 0.8 */
	uint64_t phases;	  /* phases: number of phases; 0: 4 */
	uint64_t ws;		  /* phases: pages in each phase's window; 0: pages / phases */
	double write_frac;	  /* share of accesses that write, [0, 1] */
	uint64_t seed;		  /* random streams and the read/write mix */
};

struct gen {
	struct gen_cfg c;	  /* the configuration, defaults filled in */
	struct rng pick;	  /* chooses pages */
	struct rng mix;		  /* chooses read or write */
	uint64_t pages;		  /* pages in the region (the last may be partial) */
	uint64_t done;		  /* accesses produced so far */
	uint64_t pos;		  /* seq, loop: next offset */
	uint64_t hot;		  /* hotcold: pages in the hot set */
	double z_hx1, z_hn, z_sq; /* zipf: rejection-inversion constants */
};

/* Prepare @g for the stream @cfg describes, filling defaults. Returns 0, or
 * VMSIM_EINVAL for a zero length, a fraction outside its range, a
 * negative alpha or a phase window larger than the region. */
int gen_init(struct gen *g, const struct gen_cfg *cfg);

/* The next access: its byte offset in the region and whether it writes.
 * Returns false (outputs untouched) once count accesses were produced. */
bool gen_next(struct gen *g, uint64_t *offset /* out */, bool *write /* out */);

/* Accesses the stream produces in all (count after defaults). */
uint64_t gen_total(const struct gen *g);

/* "seq", "loop", "random", "zipf", "hotcold", "phases". */
const char *gen_pattern_name(enum gen_pattern p);

/* The pattern named @name; 0, or VMSIM_EINVAL if there is none. */
int gen_pattern_find(const char *name, enum gen_pattern *out /* out */);

#endif
