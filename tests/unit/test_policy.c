/*
 * Unit tests of the replacement policies (src/policy/) and of the
 * reference-string simulation that drives them (src/workload/paging.c).
 *
 * Three kinds of case:
 *   - hand-worked reference strings: the expected hit (H) / miss (M)
 *     sequence is written out, with the frames after each miss, in the
 *     comment above each case;
 *   - brute-force models: every deterministic policy is written again
 *     below, the slow and obvious way (arrays scanned per reference, a
 *     queue instead of a ring), and compared reference by reference,
 *     victims included, with the real policy on seeded random strings for
 *     frame counts 1 .. 8 and 12;
 *   - the policy interface used directly, as the kernel will use it:
 *     scattered frame numbers, a fake environment, victims always resident.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "workload/paging.h"
#include "workload/refstring.h"

#define MAXREFS 4096
#define NONE	UINT64_MAX

/* What happened at one reference. */
struct outcome {
	bool hit;
	bool evicted;
	uint64_t victim; /* page evicted, NONE if none */
};

/* ---- running the real policy ------------------------------------------- */

struct recorder {
	struct outcome *out;
	size_t n;
};

static void record(const struct paging_event *ev, void *arg)
{
	struct recorder *r = arg;

	r->out[r->n].hit = ev->hit;
	r->out[r->n].evicted = ev->evicted;
	r->out[r->n].victim = ev->evicted ? ev->victim : NONE;
	r->n++;
}

/* Simulate @policy over @refs with @frames frames; fill @out (may be NULL)
 * and return the totals. */
static struct paging_stats run_cfg(const char *policy, size_t frames,
				   const struct vmsim_policy_cfg *cfg, const uint64_t *refs,
				   size_t n, struct outcome *out)
{
	const struct vmsim_policy_ops *ops = vmsim_policy_find(policy);
	struct recorder r = {out, 0};
	struct paging_sim *sim = NULL;
	struct paging_stats st;
	uint64_t *next = NULL;
	bool future;

	assert_non_null(ops);
	future = (ops->flags & VMSIM_POLICY_NEEDS_FUTURE) != 0;
	if (future)
		assert_ok(refstring_next_use(refs, n, &next));
	assert_ok(paging_new(&sim, ops, frames, cfg, future));
	if (out)
		assert_ok(paging_set_trace(sim, record, &r));
	assert_ok(paging_feed(sim, refs, next, n));
	st = *paging_stats(sim);
	paging_free(sim);
	free(next);
	assert_int_equal(st.refs, n);
	assert_int_equal(st.hits + st.misses, n);
	return st;
}

static struct paging_stats run(const char *policy, size_t frames, const uint64_t *refs, size_t n,
			       struct outcome *out)
{
	struct vmsim_policy_cfg cfg = {.seed = 1, .tau = 0};

	return run_cfg(policy, frames, &cfg, refs, n, out);
}

/* "MMH..." for the outcomes of @n references. */
static const char *hm(const struct outcome *o, size_t n)
{
	static char s[MAXREFS + 1];
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = o[i].hit ? 'H' : 'M';
	s[n] = '\0';
	return s;
}

/* The victims, in order, as "1 3 4". */
static const char *victims(const struct outcome *o, size_t n)
{
	static char s[8 * MAXREFS];
	size_t i, len = 0;

	s[0] = '\0';
	for (i = 0; i < n; i++)
		if (o[i].evicted)
			len += (size_t)snprintf(s + len, sizeof(s) - len, "%s%llu", len ? " " : "",
						(unsigned long long)o[i].victim);
	return s;
}

/* Whether two runs had the same hits, misses and victims. */
static bool same_outcomes(const struct outcome *a, const struct outcome *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].hit != b[i].hit || a[i].evicted != b[i].evicted ||
		    a[i].victim != b[i].victim)
			return false;
	return true;
}

#define N(a) ARRAY_SIZE(a)

/* Belady's string, and the textbook string of Silberschatz et al.,
 * Operating System Concepts (its FIFO, OPT and LRU examples). */
static const uint64_t belady[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
static const uint64_t textbook[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

/* ---- hand-worked: FIFO, Belady's anomaly ---------------------------------- */

/*
 * FIFO, 3 frames, 1 2 3 4 1 2 5 1 2 3 4 5:
 *   1 M [1]  2 M [1 2]  3 M [1 2 3]  4 M -1 [4 2 3]  1 M -2 [4 1 3]
 *   2 M -3 [4 1 2]  5 M -4 [5 1 2]  1 H  2 H  3 M -1 [5 3 2]  4 M -2 [5 3 4]  5 H
 *   = MMMMMMMHHMMH, 9 faults
 */
static void fifo_belady_3_frames_faults_9(void **state)
{
	struct outcome o[N(belady)];
	struct paging_stats st;

	(void)state;
	st = run("fifo", 3, belady, N(belady), o);
	assert_string_equal(hm(o, N(belady)), "MMMMMMMHHMMH");
	assert_string_equal(victims(o, N(belady)), "1 2 3 4 1 2");
	assert_int_equal(st.misses, 9);
	assert_int_equal(st.compulsory, 5);
}

/*
 * FIFO, 4 frames, same string: more frames, more faults (Belady's anomaly).
 *   1 M  2 M  3 M  4 M [1 2 3 4]  1 H  2 H  5 M -1 [5 2 3 4]  1 M -2 [5 1 3 4]
 *   2 M -3 [5 1 2 4]  3 M -4 [5 1 2 3]  4 M -5 [4 1 2 3]  5 M -1 [4 5 2 3]
 *   = MMMMHHMMMMMM, 10 faults
 */
static void fifo_belady_4_frames_faults_10(void **state)
{
	struct outcome o[N(belady)];
	struct paging_stats st;

	(void)state;
	st = run("fifo", 4, belady, N(belady), o);
	assert_string_equal(hm(o, N(belady)), "MMMMHHMMMMMM");
	assert_string_equal(victims(o, N(belady)), "1 2 3 4 5 1");
	assert_int_equal(st.misses, 10);
}

/*
 * OPT, 3 frames, Belady's string:
 *   1 M  2 M  3 M  4 M (next: 1@5 2@6 3@10) -3 [1 2 4]  1 H  2 H
 *   5 M (1@8 2@9 4@11) -4 [1 2 5]  1 H  2 H
 *   3 M (1 never, 2 never, 5@12: tie, lowest frame 0) -1 [3 2 5]
 *   4 M (3 never, 2 never: tie, lowest frame 0) -3 [4 2 5]  5 H
 *   = MMMMHHMHHMMH, 7 faults
 */
static void opt_belady_3_frames_faults_7(void **state)
{
	struct outcome o[N(belady)];
	struct paging_stats st;

	(void)state;
	st = run("opt", 3, belady, N(belady), o);
	assert_string_equal(hm(o, N(belady)), "MMMMHHMHHMMH");
	assert_string_equal(victims(o, N(belady)), "3 4 1 3");
	assert_int_equal(st.misses, 7);
	st = run("opt", 4, belady, N(belady), NULL);
	assert_int_equal(st.misses, 6);
}

/*
 * LRU, 3 frames, Belady's string:
 *   1 M  2 M  3 M  4 M -1 [4 2 3]  1 M -2 [4 1 3]  2 M -3 [4 1 2]  5 M -4 [5 1 2]
 *   1 H  2 H  3 M -5 [3 1 2]  4 M -1 [3 4 2]  5 M -2 [3 4 5]
 *   = MMMMMMMHHMMM, 10 faults; with 4 frames 8 (a stack algorithm: no anomaly)
 */
static void lru_belady_3_frames_faults_10(void **state)
{
	struct outcome o[N(belady)];

	(void)state;
	assert_int_equal(run("lru", 3, belady, N(belady), o).misses, 10);
	assert_string_equal(hm(o, N(belady)), "MMMMMMMHHMMM");
	assert_string_equal(victims(o, N(belady)), "1 2 3 4 5 1 2");
	assert_int_equal(run("lru", 4, belady, N(belady), NULL).misses, 8);
}

/* ---- hand-worked: the textbook string, 3 frames ---------------------------- */

/*
 * FIFO: 7 M  0 M  1 M  2 M -7 [2 0 1]  0 H  3 M -0 [2 3 1]  0 M -1 [2 3 0]
 *   4 M -2 [4 3 0]  2 M -3 [4 2 0]  3 M -0 [4 2 3]  0 M -4 [0 2 3]  3 H  2 H
 *   1 M -2 [0 1 3]  2 M -3 [0 1 2]  0 H  1 H  7 M -0 [7 1 2]  0 M -1 [7 0 2]
 *   1 M -2 [7 0 1]   = 15 faults
 */
static void fifo_textbook_3_frames_faults_15(void **state)
{
	struct outcome o[N(textbook)];

	(void)state;
	assert_int_equal(run("fifo", 3, textbook, N(textbook), o).misses, 15);
	assert_string_equal(hm(o, N(textbook)), "MMMMHMMMMMMHHMMHHMMM");
	assert_string_equal(victims(o, N(textbook)), "7 0 1 2 3 0 4 2 3 0 1 2");
}

/*
 * LRU: 7 M  0 M  1 M  2 M -7 [2 0 1]  0 H  3 M -1 [2 0 3]  0 H  4 M -2 [4 0 3]
 *   2 M -3 [4 0 2]  3 M -0 [4 3 2]  0 M -4 [0 3 2]  3 H  2 H  1 M -0 [1 3 2]  2 H
 *   0 M -3 [1 0 2]  1 H  7 M -2 [1 0 7]  0 H  1 H   = 12 faults
 */
static void lru_textbook_3_frames_faults_12(void **state)
{
	struct outcome o[N(textbook)];

	(void)state;
	assert_int_equal(run("lru", 3, textbook, N(textbook), o).misses, 12);
	assert_string_equal(hm(o, N(textbook)), "MMMMHMHMMMMHHMHMHMHH");
	assert_string_equal(victims(o, N(textbook)), "7 1 2 3 0 4 0 3 2");
}

/*
 * OPT: 7 M  0 M  1 M  2 M (7@18 0@5 1@14) -7 [2 0 1]  0 H  3 M (2@9 0@7 1@14) -1
 *   [2 0 3]  0 H  4 M (2@9 0@11 3@10) -0 [2 4 3]  2 H  3 H  0 M (2@13 4 never
 *   3@12) -4 [2 0 3]  3 H  2 H  1 M (2@15 0@16 3 never) -3 [2 0 1]  2 H  0 H  1 H
 *   7 M (2 never 0@19 1@20) -2 [7 0 1]  0 H  1 H   = 9 faults
 */
static void opt_textbook_3_frames_faults_9(void **state)
{
	struct outcome o[N(textbook)];

	(void)state;
	assert_int_equal(run("opt", 3, textbook, N(textbook), o).misses, 9);
	assert_string_equal(hm(o, N(textbook)), "MMMMHMHMHHMHHMHHHMHH");
	assert_string_equal(victims(o, N(textbook)), "7 1 0 4 3 2");
}

/* ---- hand-worked: clock against clock-fifo --------------------------------- */

/*
 * 1 2 1 3 2 with 2 frames. Bits in brackets after each reference; the ring
 * is in load order, the hand starts at frame 0.
 *
 * clock (a loaded page starts referenced):
 *   1 M [1*]  2 M [1* 2*]  1 H [1* 2*]
 *   3 M: hand clears 1, clears 2, comes back to 1: -1 [3* 2], hand on 2
 *   2 H                                                       = MMHMH
 * clock-fifo (a loaded page starts unreferenced):
 *   1 M [1]  2 M [1 2]  1 H [1* 2]
 *   3 M: hand clears 1, stops at 2: -2 [1 3], hand on 1
 *   2 M: hand at 1, clear: -1 [2 3]                           = MMHMM
 * (clock behaves as FIFO here, clock-fifo as LRU.)
 */
static void clock_and_clock_fifo_differ_on_load_bit(void **state)
{
	static const uint64_t refs[] = {1, 2, 1, 3, 2};
	struct outcome o[N(refs)];

	(void)state;
	run("clock", 2, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMHMH");
	assert_string_equal(victims(o, N(refs)), "1");
	run("clock-fifo", 2, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMHMM");
	assert_string_equal(victims(o, N(refs)), "2 1");
}

/* The same two on Belady's string: clock 9 and 10 faults like FIFO,
 * clock-fifo 10 and 8 like LRU (checked against the models below too). */
static void clock_variants_belady_counts(void **state)
{
	(void)state;
	assert_int_equal(run("clock", 3, belady, N(belady), NULL).misses, 9);
	assert_int_equal(run("clock", 4, belady, N(belady), NULL).misses, 10);
	assert_int_equal(run("clock-fifo", 3, belady, N(belady), NULL).misses, 10);
	assert_int_equal(run("clock-fifo", 4, belady, N(belady), NULL).misses, 8);
}

/* ---- hand-worked: loops larger than memory -------------------------------- */

/* Pages 0..4 cycled 10 times through 4 frames: the page needed next is
 * always the one just evicted, so LRU, FIFO and both clocks miss every
 * reference, while OPT and MRU keep most of the loop. */
static void cyclic_n_plus_1_pages_lru_fifo_clock_miss_always(void **state)
{
	static const char *const always[] = {"lru", "fifo", "clock", "clock-fifo", "linux"};
	uint64_t refs[50];
	size_t i;

	(void)state;
	for (i = 0; i < N(refs); i++)
		refs[i] = i % 5;
	for (i = 0; i < N(always); i++)
		assert_int_equal(run(always[i], 4, refs, N(refs), NULL).misses, 50);
	assert_true(run("opt", 4, refs, N(refs), NULL).misses < 20);
	assert_true(run("mru", 4, refs, N(refs), NULL).misses < 20);
}

/*
 * MRU, 3 frames, 0 1 2 3 0 1 2 3:
 *   0 M  1 M  2 M [0 1 2]  3 M -2 [0 1 3]  0 H  1 H  2 M -1 [0 2 3]  3 H
 *   = MMMMHHMH (LRU: 8 misses)
 */
static void mru_loop_evicts_most_recent(void **state)
{
	static const uint64_t refs[] = {0, 1, 2, 3, 0, 1, 2, 3};
	struct outcome o[N(refs)];

	(void)state;
	run("mru", 3, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMMMHHMH");
	assert_string_equal(victims(o, N(refs)), "2 1");
}

/* ---- hand-worked: LFU ------------------------------------------------------ */

/*
 * LFU, 3 frames, 1 1 2 3 2 4: counts after t5 are 1:2 2:2 3:1, so 4 evicts 3.
 *   = MHMMHM
 * 1 2 3 1 2 3 4 1: after t6 every count is 2; page 1 reached 2 first (t4),
 * so 4 evicts 1; then 1 evicts 4 (count 1).   = MMMHHHMM
 */
static void lfu_fewest_references_ties_to_least_recent(void **state)
{
	static const uint64_t a[] = {1, 1, 2, 3, 2, 4};
	static const uint64_t b[] = {1, 2, 3, 1, 2, 3, 4, 1};
	struct outcome o[8];

	(void)state;
	run("lfu", 3, a, N(a), o);
	assert_string_equal(hm(o, N(a)), "MHMMHM");
	assert_string_equal(victims(o, N(a)), "3");
	run("lfu", 3, b, N(b), o);
	assert_string_equal(hm(o, N(b)), "MMMHHHMM");
	assert_string_equal(victims(o, N(b)), "1 4");
}

/* ---- hand-worked: linux ---------------------------------------------------- */

/*
 * linux, 3 frames, 1 2 3 4 2 5 6 2. Lists head..tail, * = accessed bit,
 * ' = the software referenced flag.
 *   1 2 3 M: inactive [3* 2* 1*]
 *   4 M: scan 1* -> 1' to head, 2* -> 2', 3* -> 3'; 1' unaccessed: -1
 *        inactive [4* 3' 2']
 *   2 H: 2'*
 *   5 M: 2'* -> promoted: active [2]; 3' unaccessed: -3
 *        inactive [5* 4*]  active [2]
 *   6 M: 4* -> 4', 5* -> 5', 4' unaccessed: -4   inactive [6* 5']
 *   2 H (2 stayed, promoted; FIFO would have evicted it)     = MMMMHMMH
 */
static void linux_second_reference_promotes(void **state)
{
	static const uint64_t refs[] = {1, 2, 3, 4, 2, 5, 6, 2};
	struct outcome o[N(refs)];

	(void)state;
	run("linux", 3, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMMMHMMH");
	assert_string_equal(victims(o, N(refs)), "1 3 4");
	run("fifo", 3, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMMMHMMM");
}

/* ---- hand-worked: working sets -------------------------------------------- */

/*
 * ws, tau 2, 5 frames (never full), 1 2 1 3 1 2 2: a reference hits iff
 * the same page was referenced within the last 2 references.
 *   t1 1 M  t2 2 M  t3 1 H (t1)  t4 3 M
 *   t5: 2 expires (last t2, 5-2 > 2); 1 H (t3)
 *   t6 2 M (gone)  t7: 3 expires (last t4); 2 H (t6)       = MMHMHMH
 */
static void ws_tau_2_hits_within_window(void **state)
{
	static const uint64_t refs[] = {1, 2, 1, 3, 1, 2, 2};
	struct vmsim_policy_cfg cfg = {.seed = 1, .tau = 2};
	struct outcome o[N(refs)];
	struct paging_stats st;

	(void)state;
	st = run_cfg("ws", 5, &cfg, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMHMHMH");
	assert_int_equal(st.expirations, 2);
	assert_int_equal(st.evictions, 0);
	/* resident after each reference: 1 2 2 3 2 3 2 */
	assert_int_equal(st.resident_sum, 15);
}

/* Memory smaller than the working set: ws evicts the oldest, so with a
 * window longer than the string it is exactly LRU. */
static void ws_long_window_equals_lru(void **state)
{
	struct vmsim_policy_cfg cfg = {.seed = 1, .tau = 1000000};
	struct outcome a[N(textbook)], b[N(textbook)];

	(void)state;
	run_cfg("ws", 3, &cfg, textbook, N(textbook), a);
	run("lru", 3, textbook, N(textbook), b);
	assert_true(same_outcomes(a, b, N(textbook)));
}

/*
 * wsclock, tau 1, 3 frames, 1 2 3 4 3 5 6. Ring in load order, hand at 1.
 *   1 2 3 M (last use 1 2 3, all accessed)
 *   t4 4 M: every page accessed: clear, last := 4; full turn, oldest is a
 *          tie at 4, first met is 1: -1; ring 4 2 3, hand on 2
 *   t5 3 H
 *   t6 5 M: 2 unaccessed, idle 6-4 = 2 > 1: -2; hand on 3; ring 4 5 3
 *   t7 6 M: 3*, 4*, 5* cleared, last := 7; tie, first met 3: -3
 *   = MMMMHMM
 */
static void wsclock_tau_1_hand_example(void **state)
{
	static const uint64_t refs[] = {1, 2, 3, 4, 3, 5, 6};
	struct vmsim_policy_cfg cfg = {.seed = 1, .tau = 1};
	struct outcome o[N(refs)];

	(void)state;
	run_cfg("wsclock", 3, &cfg, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMMMHMM");
	assert_string_equal(victims(o, N(refs)), "1 2 3");
}

/* ---- random ---------------------------------------------------------------- */

static void gen_uniform(struct rng *r, uint64_t *refs, size_t n, uint64_t pages)
{
	size_t i;

	for (i = 0; i < n; i++)
		refs[i] = rng_below(r, pages);
}

/* The same seed gives the same victims; another seed another run. */
static void random_same_seed_same_victims(void **state)
{
	static uint64_t refs[2000];
	static struct outcome a[2000], b[2000], c[2000];
	struct vmsim_policy_cfg s1 = {.seed = 1}, s2 = {.seed = 2};
	struct rng r;

	(void)state;
	rng_seed(&r, 7);
	gen_uniform(&r, refs, N(refs), 10);
	run_cfg("random", 5, &s1, refs, N(refs), a);
	run_cfg("random", 5, &s1, refs, N(refs), b);
	run_cfg("random", 5, &s2, refs, N(refs), c);
	assert_true(same_outcomes(a, b, N(refs)));
	assert_false(same_outcomes(a, c, N(refs)));
}

/* The first victim is member[rng_below(3)] of the frames loaded in order,
 * with the generator seeded as cfg.seed: the documented definition. */
static void random_first_victim_follows_seeded_draw(void **state)
{
	static const uint64_t refs[] = {10, 20, 30, 40};
	struct outcome o[N(refs)];
	struct vmsim_policy_cfg cfg = {.seed = 12345};
	struct rng r;
	uint64_t seed;

	(void)state;
	for (seed = 0; seed < 20; seed++) {
		cfg.seed = seed;
		rng_seed(&r, seed);
		run_cfg("random", 3, &cfg, refs, N(refs), o);
		assert_true(o[3].evicted);
		assert_int_equal(o[3].victim, refs[rng_below(&r, 3)]);
	}
}

/* ---- brute-force models ------------------------------------------------- */

/*
 * One model simulation: frames as plain arrays, every decision made by
 * scanning all frames. Frame choice on a miss is the lowest free frame,
 * as paging.c does while frames are free.
 */
struct model {
	size_t nf;	     /* frames */
	size_t used;	     /* frames holding a page */
	uint64_t page[16];   /* page in each frame */
	uint64_t loaded[16]; /* time of load */
	uint64_t last[16];   /* time of last reference */
	uint64_t count[16];  /* references since load */
	bool bit[16];	     /* referenced bit */
	bool soft[16];	     /* linux: software referenced flag */
	bool active[16];     /* linux: on the active list */
	uint64_t order[16];  /* linux: time put at the head of its list */
	size_t queue[16];    /* clock / wsclock: frames in hand order, front = hand */
	size_t qlen;	     /* entries of queue */
};

enum model_kind {
	M_FIFO,
	M_LRU,
	M_MRU,
	M_LFU,
	M_OPT,
	M_CLOCK,
	M_CLOCK_FIFO,
	M_LINUX,
	M_WS,
	M_WSCLOCK
};

static int find(const struct model *m, uint64_t page)
{
	size_t f;

	for (f = 0; f < m->used; f++)
		if (m->page[f] == page)
			return (int)f;
	return -1;
}

/* Frame with the smallest key (ties: lowest frame). */
static size_t argmin(const struct model *m, const uint64_t *key)
{
	size_t f, best = 0;

	for (f = 1; f < m->used; f++)
		if (key[f] < key[best])
			best = f;
	return best;
}

static uint64_t next_ref(const uint64_t *refs, size_t n, size_t i, uint64_t page)
{
	size_t j;

	for (j = i + 1; j < n; j++)
		if (refs[j] == page)
			return j;
	return NONE;
}

static void queue_remove(struct model *m, size_t pos)
{
	memmove(&m->queue[pos], &m->queue[pos + 1], (m->qlen - pos - 1) * sizeof(m->queue[0]));
	m->qlen--;
}

/* Second chance as a FIFO queue with reinsertion (not a ring with a hand). */
static size_t victim_clock(struct model *m)
{
	for (;;) {
		size_t f = m->queue[0];
		if (!m->bit[f]) {
			queue_remove(m, 0);
			return f;
		}
		m->bit[f] = false;
		queue_remove(m, 0);
		m->queue[m->qlen++] = f;
	}
}

/* Linux lists held as times: the list order is the order of arrival at
 * the head, so the tail is the smallest 'order' on that list. */
static size_t list_tail(const struct model *m, bool active)
{
	size_t f, best = SIZE_MAX;

	for (f = 0; f < m->used; f++)
		if (m->active[f] == active && (best == SIZE_MAX || m->order[f] < m->order[best]))
			best = f;
	return best;
}

static size_t victim_linux(struct model *m, uint64_t *stamp)
{
	for (;;) {
		size_t f, na = 0, ni;

		for (f = 0; f < m->used; f++)
			na += m->active[f];
		ni = m->used - na;
		while (ni < na) {
			f = list_tail(m, true);
			m->active[f] = false;
			m->bit[f] = false;
			m->soft[f] = false;
			m->order[f] = ++*stamp;
			ni++;
			na--;
		}
		f = list_tail(m, false);
		if (!m->bit[f])
			return f;
		m->bit[f] = false;
		if (m->soft[f]) {
			m->soft[f] = false;
			m->active[f] = true;
		} else {
			m->soft[f] = true;
		}
		m->order[f] = ++*stamp;
	}
}

/* WSClock over the queue: front = hand. */
static size_t victim_wsclock(struct model *m, uint64_t now, uint64_t tau)
{
	size_t i, oldest = 0;

	for (i = 0; i < m->qlen; i++) {
		size_t f = m->queue[i];
		if (m->bit[f]) {
			m->bit[f] = false;
			m->last[f] = now;
		} else if (now - m->last[f] > tau) {
			/* the hand passed queue[0 .. i-1]: they go behind it */
			size_t passed[16];
			memcpy(passed, m->queue, i * sizeof(passed[0]));
			memmove(m->queue, &m->queue[i + 1],
				(m->qlen - i - 1) * sizeof(m->queue[0]));
			m->qlen -= i + 1;
			memcpy(&m->queue[m->qlen], passed, i * sizeof(passed[0]));
			m->qlen += i;
			return f;
		}
		if (m->last[f] < m->last[m->queue[oldest]])
			oldest = i;
	}
	i = m->queue[oldest];
	queue_remove(m, oldest);
	return i;
}

/* Simulate @kind over @refs; fill @out. ws frees pages leaving the window
 * before each reference. */
static void model_run(enum model_kind kind, size_t nf, uint64_t tau, const uint64_t *refs, size_t n,
		      struct outcome *out)
{
	struct model m;
	uint64_t stamp = 0, now;
	size_t i, f;

	memset(&m, 0, sizeof(m));
	m.nf = nf;
	for (i = 0; i < n; i++) {
		int hit;
		now = i + 1;
		if (kind == M_WS) {
			/* drop every page outside the window, keeping frames compact */
			for (f = 0; f < m.used;) {
				if (now - m.last[f] > tau) {
					m.used--;
					m.page[f] = m.page[m.used];
					m.last[f] = m.last[m.used];
				} else {
					f++;
				}
			}
		}
		hit = find(&m, refs[i]);
		out[i].hit = hit >= 0;
		out[i].evicted = false;
		out[i].victim = NONE;
		if (hit >= 0) {
			f = (size_t)hit;
			m.last[f] = now;
			m.count[f]++;
			m.bit[f] = true;
			continue;
		}
		if (m.used < nf) {
			f = m.used++;
		} else {
			f = 0;
			switch (kind) {
			case M_FIFO:
				f = argmin(&m, m.loaded);
				break;
			case M_LRU:
			case M_WS:
				f = argmin(&m, m.last);
				break;
			case M_MRU: {
				size_t g;
				f = 0;
				for (g = 1; g < m.used; g++)
					if (m.last[g] > m.last[f])
						f = g;
				break;
			}
			case M_LFU: {
				size_t g;
				f = 0;
				for (g = 1; g < m.used; g++)
					if (m.count[g] < m.count[f] ||
					    (m.count[g] == m.count[f] && m.last[g] < m.last[f]))
						f = g;
				break;
			}
			case M_OPT: {
				size_t g;
				uint64_t best = 0;
				f = 0;
				for (g = 0; g < m.used; g++) {
					uint64_t nx = next_ref(refs, n, i, m.page[g]);
					if (g == 0 || nx > best) {
						best = nx;
						f = g;
					}
				}
				break;
			}
			case M_CLOCK:
			case M_CLOCK_FIFO:
				f = victim_clock(&m);
				break;
			case M_LINUX:
				f = victim_linux(&m, &stamp);
				break;
			case M_WSCLOCK:
				f = victim_wsclock(&m, now, tau);
				break;
			}
			out[i].evicted = true;
			out[i].victim = m.page[f];
		}
		m.page[f] = refs[i];
		m.loaded[f] = m.last[f] = now;
		m.count[f] = 1;
		m.bit[f] = kind != M_CLOCK_FIFO;
		m.soft[f] = false;
		m.active[f] = false;
		m.order[f] = ++stamp;
		if (kind == M_CLOCK || kind == M_CLOCK_FIFO || kind == M_WSCLOCK)
			m.queue[m.qlen++] = f;
	}
}

static const struct {
	const char *name;
	enum model_kind kind;
} models[] = {
    {"fifo", M_FIFO},
    {"lru", M_LRU},
    {"mru", M_MRU},
    {"lfu", M_LFU},
    {"opt", M_OPT},
    {"clock", M_CLOCK},
    {"clock-fifo", M_CLOCK_FIFO},
    {"linux", M_LINUX},
    {"ws", M_WS},
    {"wsclock", M_WSCLOCK},
};

/* Strings with some locality: a slowly moving window of hot pages, with
 * occasional jumps anywhere. */
static void gen_local(struct rng *r, uint64_t *refs, size_t n, uint64_t pages)
{
	uint64_t base = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (rng_below(r, 50) == 0)
			base = rng_below(r, pages);
		if (rng_below(r, 10) == 0)
			refs[i] = rng_below(r, pages);
		else
			refs[i] = (base + rng_below(r, 4)) % pages;
	}
}

/* Every deterministic policy equals its model, victims included, on 24
 * seeded strings (uniform and local, 3 to 24 pages) for 1..8 and 12
 * frames, and ws/wsclock for windows 1, 3, 10 and the default. */
static void policies_match_brute_force_models(void **state)
{
	static const size_t frame_counts[] = {1, 2, 3, 4, 5, 6, 7, 8, 12};
	static const uint64_t taus[] = {0, 1, 3, 10};
	static uint64_t refs[600];
	static struct outcome real[600], want[600];
	size_t p, fc, s, t;
	struct rng r;

	(void)state;
	for (s = 0; s < 24; s++) {
		uint64_t pages = 3 + (s % 8) * 3;
		rng_seed(&r, 1000 + s);
		if (s % 2)
			gen_local(&r, refs, N(refs), pages);
		else
			gen_uniform(&r, refs, N(refs), pages);
		for (p = 0; p < N(models); p++) {
			bool windowed = models[p].kind == M_WS || models[p].kind == M_WSCLOCK;
			for (t = 0; t < (windowed ? N(taus) : 1); t++) {
				for (fc = 0; fc < N(frame_counts); fc++) {
					struct vmsim_policy_cfg cfg = {.seed = 1, .tau = taus[t]};
					size_t nf = frame_counts[fc];
					uint64_t tau = taus[t] ? taus[t] : nf;

					run_cfg(models[p].name, nf, &cfg, refs, N(refs), real);
					model_run(models[p].kind, nf, tau, refs, N(refs), want);
					for (size_t i = 0; i < N(refs); i++) {
						if (real[i].hit != want[i].hit ||
						    real[i].victim != want[i].victim)
							fail_msg(
							    "%s, %zu frames, tau %llu, string %zu: "
							    "reference %zu (page %llu): real %s "
							    "victim %lld, model %s victim %lld",
							    models[p].name, nf,
							    (unsigned long long)tau, s, i,
							    (unsigned long long)refs[i],
							    real[i].hit ? "hit" : "miss",
							    (long long)real[i].victim,
							    want[i].hit ? "hit" : "miss",
							    (long long)want[i].victim);
					}
				}
			}
		}
	}
}

/* Pure Denning working set (memory never full): the misses are the first
 * references plus those whose previous reference is more than tau back. */
static void ws_faults_are_references_beyond_tau(void **state)
{
	static uint64_t refs[3000];
	uint64_t lastpos[40], tau, expect;
	struct rng r;
	size_t i;

	(void)state;
	rng_seed(&r, 99);
	gen_local(&r, refs, N(refs), 40);
	for (tau = 1; tau <= 64; tau *= 2) {
		struct vmsim_policy_cfg cfg = {.tau = tau};
		for (i = 0; i < 40; i++)
			lastpos[i] = 0;
		expect = 0;
		for (i = 0; i < N(refs); i++) {
			if (lastpos[refs[i]] == 0 || i + 1 - lastpos[refs[i]] > tau)
				expect++;
			lastpos[refs[i]] = i + 1;
		}
		assert_int_equal(run_cfg("ws", 64, &cfg, refs, N(refs), NULL).misses, expect);
	}
}

/* OPT is optimal: no policy misses less on any string. */
static void opt_never_worse_than_any_policy(void **state)
{
	const struct vmsim_policy_ops *const *p;
	static uint64_t refs[1500];
	struct rng r;
	size_t nf, s;

	(void)state;
	for (s = 0; s < 6; s++) {
		rng_seed(&r, 50 + s);
		gen_local(&r, refs, N(refs), 30);
		for (nf = 1; nf <= 16; nf *= 2) {
			uint64_t best = run("opt", nf, refs, N(refs), NULL).misses;
			for (p = vmsim_policy_list(); *p; p++)
				if ((*p)->expire == NULL)
					assert_true(
					    run((*p)->name, nf, refs, N(refs), NULL).misses >=
					    best);
		}
	}
}

/* ---- the interface used directly (kernel-style) ------------------------ */

struct fake_env {
	bool bit[256];	    /* referenced bits */
	uint64_t next[256]; /* next use per frame */
	uint64_t now;	    /* clock */
};

static bool fake_test_clear(void *ctx, pfn_t pfn)
{
	struct fake_env *e = ctx;
	bool b = e->bit[pfn];

	e->bit[pfn] = false;
	return b;
}

static uint64_t fake_next(void *ctx, pfn_t pfn)
{
	return ((struct fake_env *)ctx)->next[pfn];
}

static uint64_t fake_now(void *ctx)
{
	return ((struct fake_env *)ctx)->now;
}

/* Every policy: no victim when nothing is resident; scattered frames of a
 * large machine; a victim is always resident; state survives map/unmap
 * churn with a 1-frame pool. */
static void every_policy_victim_is_resident(void **state)
{
	const struct vmsim_policy_ops *const *p;
	struct vmsim_policy_cfg cfg = {.seed = 3, .tau = 5};
	static struct fake_env env;
	struct vmsim_policy_env pe = {&env, fake_test_clear, fake_next, fake_now};
	bool resident[256];
	struct rng r;
	size_t i;

	(void)state;
	for (p = vmsim_policy_list(); *p; p++) {
		const struct vmsim_policy_ops *ops = *p;
		void *st = ops->create(&cfg, 256, &pe);
		size_t nres = 0;

		assert_non_null(st);
		assert_int_equal(ops->pick_victim(st), VMSIM_POLICY_NO_FRAME);
		memset(resident, 0, sizeof(resident));
		rng_seed(&r, 11);
		for (i = 0; i < 20000; i++) {
			pfn_t f = rng_below(&r, 256);
			env.now++;
			env.next[f] = env.now + rng_below(&r, 1000);
			if (!resident[f] && rng_below(&r, 3) != 0) {
				env.bit[f] = true;
				ops->on_map(st, f);
				resident[f] = true;
				nres++;
			} else if (resident[f] && rng_below(&r, 4) == 0) {
				ops->on_unmap(st, f);
				resident[f] = false;
				nres--;
			} else if (resident[f]) {
				env.bit[f] = true;
				if (ops->on_access)
					ops->on_access(st, f, rng_below(&r, 2) != 0);
			}
			if (rng_below(&r, 2) == 0) {
				pfn_t v = ops->pick_victim(st);
				if (nres == 0) {
					assert_int_equal(v, VMSIM_POLICY_NO_FRAME);
				} else {
					assert_true(v < 256);
					assert_true(resident[v]);
					ops->on_unmap(st, v);
					resident[v] = false;
					nres--;
				}
			}
			if (ops->expire) {
				pfn_t x;
				while ((x = ops->expire(st)) != VMSIM_POLICY_NO_FRAME) {
					assert_true(x < 256 && resident[x]);
					ops->on_unmap(st, x);
					resident[x] = false;
					nres--;
				}
			}
		}
		ops->destroy(st);
	}
}

/* The kernel's view: frames 5, 17 and 40 of 64 mapped in that order. FIFO
 * picks 5; clock skips 5 (accessed) after clearing its bit; LRU picks the
 * frame touched least recently. */
static void kernel_style_scattered_frames(void **state)
{
	static struct fake_env env;
	struct vmsim_policy_env pe = {&env, fake_test_clear, NULL, fake_now};
	struct vmsim_policy_cfg cfg = {.seed = 1};
	const struct vmsim_policy_ops *fifo = vmsim_policy_find("fifo"),
				      *clock = vmsim_policy_find("clock"),
				      *lru = vmsim_policy_find("lru");
	void *f, *c, *l;

	(void)state;
	f = fifo->create(&cfg, 64, &pe);
	c = clock->create(&cfg, 64, &pe);
	l = lru->create(&cfg, 64, &pe);
	assert_non_null(f);
	assert_non_null(c);
	assert_non_null(l);
	fifo->on_map(f, 5);
	fifo->on_map(f, 17);
	fifo->on_map(f, 40);
	assert_int_equal(fifo->pick_victim(f), 5);
	fifo->on_unmap(f, 5);
	assert_int_equal(fifo->pick_victim(f), 17);

	clock->on_map(c, 5);
	clock->on_map(c, 17);
	clock->on_map(c, 40);
	env.bit[5] = true;
	env.bit[17] = false;
	env.bit[40] = true;
	assert_int_equal(clock->pick_victim(c), 17);
	assert_false(env.bit[5]);
	assert_true(env.bit[40]);

	lru->on_map(l, 5);
	lru->on_map(l, 17);
	lru->on_map(l, 40);
	lru->on_access(l, 5, false);
	assert_int_equal(lru->pick_victim(l), 17);
	fifo->destroy(f);
	clock->destroy(c);
	lru->destroy(l);
}

/* OPT needs the future: without next_use vmsim_policy_check says ENOTSUP,
 * create returns NULL and paging_new refuses. */
static void opt_without_future_is_not_supported(void **state)
{
	static struct fake_env env;
	struct vmsim_policy_env pe = {&env, fake_test_clear, NULL, fake_now};
	struct vmsim_policy_cfg cfg = {0};
	const struct vmsim_policy_ops *opt = vmsim_policy_find("opt");
	struct paging_sim *sim = NULL;

	(void)state;
	assert_int_equal(vmsim_policy_check(opt, 4, &pe), VMSIM_ENOTSUP);
	assert_null(opt->create(&cfg, 4, &pe));
	assert_int_equal(paging_new(&sim, opt, 4, &cfg, false), VMSIM_ENOTSUP);
	assert_null(sim);
	pe.next_use = fake_next;
	assert_int_equal(vmsim_policy_check(opt, 4, &pe), 0);
	pe.test_clear_referenced = NULL;
	assert_int_equal(vmsim_policy_check(vmsim_policy_find("clock"), 4, &pe), VMSIM_ENOTSUP);
	assert_int_equal(vmsim_policy_check(vmsim_policy_find("lru"), 0, &pe), VMSIM_ERANGE);
}

static void registry_find_ignores_case_and_rejects_unknown(void **state)
{
	const struct vmsim_policy_ops *const *p, *const *q;
	size_t n = 0;

	(void)state;
	assert_ptr_equal(vmsim_policy_find("LRU"), vmsim_policy_find("lru"));
	assert_ptr_equal(vmsim_policy_find("Clock-FIFO"), vmsim_policy_find("clock-fifo"));
	assert_null(vmsim_policy_find("lru2"));
	assert_null(vmsim_policy_find(""));
	for (p = vmsim_policy_list(); *p; p++, n++) {
		assert_non_null((*p)->describe);
		assert_non_null((*p)->create);
		assert_non_null((*p)->destroy);
		assert_non_null((*p)->on_map);
		assert_non_null((*p)->on_unmap);
		assert_non_null((*p)->pick_victim);
		assert_ptr_equal(vmsim_policy_find((*p)->name), *p);
		for (q = vmsim_policy_list(); q != p; q++)
			assert_string_not_equal((*q)->name, (*p)->name);
	}
	assert_int_equal(n, 11);
}

/* ---- the driver --------------------------------------------------------- */

/* A trace sees every reference with the frames after it; compulsory misses
 * are first references only, even after the page was evicted. */
static void paging_trace_reports_frames_and_compulsory(void **state)
{
	static const uint64_t refs[] = {1, 2, 3, 1};
	struct outcome o[N(refs)];
	struct paging_stats st;

	(void)state;
	st = run("fifo", 2, refs, N(refs), o);
	assert_string_equal(hm(o, N(refs)), "MMMM");
	assert_int_equal(st.compulsory, 3);
	assert_int_equal(st.evictions, 2);
	assert_int_equal(st.resident_sum, 1 + 2 + 2 + 2);
}

/* Feeding in pieces gives the same result as feeding at once, and page
 * numbers may be any 64-bit value, UINT64_MAX included. */
static void paging_feed_in_batches_equals_whole(void **state)
{
	static uint64_t refs[5000];
	struct paging_sim *a, *b;
	struct vmsim_policy_cfg cfg = {.seed = 1};
	struct rng r;
	size_t i;

	(void)state;
	rng_seed(&r, 5);
	for (i = 0; i < N(refs); i++)
		refs[i] = UINT64_MAX - rng_below(&r, 300) * 0x1000;
	assert_ok(paging_new(&a, vmsim_policy_find("clock"), 100, &cfg, false));
	assert_ok(paging_new(&b, vmsim_policy_find("clock"), 100, &cfg, false));
	assert_ok(paging_feed(a, refs, NULL, N(refs)));
	for (i = 0; i < N(refs); i += 777)
		assert_ok(paging_feed(b, refs + i, NULL, N(refs) - i < 777 ? N(refs) - i : 777));
	assert_memory_equal(paging_stats(a), paging_stats(b), sizeof(struct paging_stats));
	assert_int_equal(paging_stats(a)->compulsory, 300);
	paging_free(a);
	paging_free(b);
}

static void paging_new_rejects_zero_frames(void **state)
{
	struct paging_sim *sim = NULL;
	struct vmsim_policy_cfg cfg = {0};

	(void)state;
	assert_int_equal(paging_new(&sim, vmsim_policy_find("lru"), 0, &cfg, false), VMSIM_ERANGE);
	assert_null(sim);
}

/* ---- frames allocated as they come into use --------------------------- */

/* Run @ops over @refs with @frames frames; the outcome of every reference
 * goes to @out. */
static struct paging_stats run_ops(const struct vmsim_policy_ops *ops, size_t frames,
				   const uint64_t *refs, const uint64_t *next, size_t n,
				   struct outcome *out)
{
	struct vmsim_policy_cfg cfg = {.seed = 3, .tau = 0};
	struct recorder r = {out, 0};
	struct paging_sim *sim = NULL;
	struct paging_stats st;

	assert_ok(
	    paging_new(&sim, ops, frames, &cfg, (ops->flags & VMSIM_POLICY_NEEDS_FUTURE) != 0));
	assert_ok(paging_set_trace(sim, record, &r));
	assert_ok(paging_feed(sim, refs, next, n));
	st = *paging_stats(sim);
	paging_free(sim);
	return st;
}

/*
 * Every policy grows: a simulation allocates frames as they come into use
 * (1024 at first, doubling), and must behave exactly like one that had all
 * its frames from the start (the same policy with grow taken away):
 * the same hit, miss and victim at every reference, the same totals, for
 * counts below, across and far above the distinct pages (5000).
 */
static void paging_growing_frames_behave_like_all_frames(void **state)
{
	enum { N = 60000, PAGES = 5000 };
	static const size_t frames[] = {1025, 2048, 3000, 4999, 5000, 6000, 1u << 20};
	const struct vmsim_policy_ops *const *p;
	uint64_t *refs = malloc(N * sizeof(*refs)), *next = NULL;
	struct outcome *a = malloc(N * sizeof(*a)), *b = malloc(N * sizeof(*b));
	struct rng r;
	size_t i, k;

	(void)state;
	assert_non_null(refs);
	assert_non_null(a);
	assert_non_null(b);
	rng_seed(&r, 17);
	for (i = 0; i < N; i++) /* a hot half and a cold tail, then a scan */
		refs[i] = i > N - PAGES	     ? i % PAGES
			  : rng_below(&r, 4) ? rng_below(&r, PAGES / 2)
					     : rng_below(&r, PAGES);
	assert_ok(refstring_next_use(refs, N, &next));
	for (p = vmsim_policy_list(); *p; p++) {
		struct vmsim_policy_ops fixed = **p;

		assert_non_null((*p)->grow);
		fixed.grow = NULL;
		for (k = 0; k < sizeof(frames) / sizeof(frames[0]); k++) {
			memset(a, 0, N * sizeof(*a)); /* padding too, for memcmp */
			memset(b, 0, N * sizeof(*b));
			struct paging_stats sa = run_ops(*p, frames[k], refs, next, N, a);
			struct paging_stats sb = run_ops(&fixed, frames[k], refs, next, N, b);

			if (memcmp(a, b, N * sizeof(*a)) != 0 || sa.misses != sb.misses ||
			    sa.evictions != sb.evictions || sa.expirations != sb.expirations ||
			    sa.resident_sum != sb.resident_sum)
				fail_msg("%s, %zu frames: growing differs from all frames "
					 "(misses %llu vs %llu)",
					 (*p)->name, frames[k], (unsigned long long)sa.misses,
					 (unsigned long long)sb.misses);
		}
	}
	free(refs);
	free(next);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(paging_growing_frames_behave_like_all_frames),
	    cmocka_unit_test(fifo_belady_3_frames_faults_9),
	    cmocka_unit_test(fifo_belady_4_frames_faults_10),
	    cmocka_unit_test(opt_belady_3_frames_faults_7),
	    cmocka_unit_test(lru_belady_3_frames_faults_10),
	    cmocka_unit_test(fifo_textbook_3_frames_faults_15),
	    cmocka_unit_test(lru_textbook_3_frames_faults_12),
	    cmocka_unit_test(opt_textbook_3_frames_faults_9),
	    cmocka_unit_test(clock_and_clock_fifo_differ_on_load_bit),
	    cmocka_unit_test(clock_variants_belady_counts),
	    cmocka_unit_test(cyclic_n_plus_1_pages_lru_fifo_clock_miss_always),
	    cmocka_unit_test(mru_loop_evicts_most_recent),
	    cmocka_unit_test(lfu_fewest_references_ties_to_least_recent),
	    cmocka_unit_test(linux_second_reference_promotes),
	    cmocka_unit_test(ws_tau_2_hits_within_window),
	    cmocka_unit_test(ws_long_window_equals_lru),
	    cmocka_unit_test(wsclock_tau_1_hand_example),
	    cmocka_unit_test(random_same_seed_same_victims),
	    cmocka_unit_test(random_first_victim_follows_seeded_draw),
	    cmocka_unit_test(policies_match_brute_force_models),
	    cmocka_unit_test(ws_faults_are_references_beyond_tau),
	    cmocka_unit_test(opt_never_worse_than_any_policy),
	    cmocka_unit_test(every_policy_victim_is_resident),
	    cmocka_unit_test(kernel_style_scattered_frames),
	    cmocka_unit_test(opt_without_future_is_not_supported),
	    cmocka_unit_test(registry_find_ignores_case_and_rejects_unknown),
	    cmocka_unit_test(paging_trace_reports_frames_and_compulsory),
	    cmocka_unit_test(paging_feed_in_batches_equals_whole),
	    cmocka_unit_test(paging_new_rejects_zero_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
