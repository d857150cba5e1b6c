/*
 * Unit tests of the one-pass miss-ratio curves (src/workload/mrc.c): the
 * misses for every frame count must equal those of a single LRU run of
 * src/workload/paging.c with that many frames, on several kinds of
 * reference string (uniform, skewed, loops, scans, one page), including
 * strings long enough to compact the time axis and grow every table many
 * times, fed in odd-sized pieces. The OPT curve is held to single OPT
 * runs the same way. The sampled (SHARDS) mode is held to its stated error
 * on a skewed string.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "workload/mrc.h"
#include "workload/paging.h"
#include "workload/refstring.h"

/* Misses of one LRU run with @frames frames. */
static uint64_t lru_misses(const uint64_t *refs, size_t n, size_t frames)
{
	const struct vmsim_policy_cfg cfg = {.seed = 1, .tau = 0};
	struct paging_sim *sim = NULL;
	uint64_t misses;

	assert_ok(paging_new(&sim, vmsim_policy_find("lru"), frames, &cfg, false));
	assert_ok(paging_feed(sim, refs, NULL, n));
	misses = paging_stats(sim)->misses;
	paging_free(sim);
	return misses;
}

/* Feed @refs to a new exact curve in pieces of 1, 7, 1000, ... references. */
static struct mrc *curve_of(const uint64_t *refs, size_t n)
{
	static const size_t piece[] = {1, 7, 1000, 3, 65536};
	struct mrc *m = NULL;
	size_t done = 0, k = 0;

	assert_ok(mrc_new(&m, 1.0));
	while (done < n) {
		size_t len = piece[k++ % 5];
		if (len > n - done)
			len = n - done;
		assert_ok(mrc_feed(m, refs + done, len));
		done += len;
	}
	assert_int_equal(mrc_refs(m), n);
	return m;
}

/* Compare the curve with single runs at every count in @frames[0 .. nf-1]. */
static void check_counts(const uint64_t *refs, size_t n, const size_t *frames, size_t nf)
{
	struct mrc *m = curve_of(refs, n);
	size_t i;

	for (i = 0; i < nf; i++) {
		uint64_t got;
		assert_ok(mrc_misses(m, frames[i], &got));
		if (got != lru_misses(refs, n, frames[i]))
			fail_msg("%zu frames: curve says %llu misses, LRU run %llu", frames[i],
				 (unsigned long long)got,
				 (unsigned long long)lru_misses(refs, n, frames[i]));
	}
	mrc_free(m);
}

/* Every count from 1 to @hi. */
static void check_all_counts(const uint64_t *refs, size_t n, size_t hi)
{
	size_t *f = malloc(hi * sizeof(*f)), i;

	assert_non_null(f);
	for (i = 0; i < hi; i++)
		f[i] = i + 1;
	check_counts(refs, n, f, hi);
	free(f);
}

/* Zipf-like ranks: floor(pages ^ u^s) for uniform u, heavily skewed. */
static uint64_t skewed(struct rng *r, uint64_t pages)
{
	double u = (double)(rng_next(r) >> 11) / 9007199254740992.0;
	uint64_t v = (uint64_t)pow((double)pages, u * u);

	return v >= pages ? pages - 1 : v;
}

static void mrc_uniform_matches_lru_runs(void **state)
{
	enum { N = 20000, PAGES = 300 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	struct rng r;
	size_t i;

	(void)state;
	assert_non_null(refs);
	rng_seed(&r, 7);
	for (i = 0; i < N; i++)
		refs[i] = rng_below(&r, PAGES) * 4096; /* sparse page numbers */
	check_all_counts(refs, N, PAGES + 3);
	free(refs);
}

static void mrc_skewed_matches_lru_runs(void **state)
{
	enum { N = 30000, PAGES = 2000 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	struct rng r;
	size_t i;

	(void)state;
	assert_non_null(refs);
	rng_seed(&r, 11);
	for (i = 0; i < N; i++)
		refs[i] = skewed(&r, PAGES);
	check_all_counts(refs, N, 120);
	{
		const size_t f[] = {150, 333, 700, 1024, 1999, 2000, 5000};
		check_counts(refs, N, f, 7);
	}
	free(refs);
}

/* A loop one page longer than memory misses every time under LRU; loops
 * of several lengths, scans and repeats mixed. */
static void mrc_loops_and_scans_match_lru_runs(void **state)
{
	enum { N = 12000 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	size_t i, k = 0;

	(void)state;
	assert_non_null(refs);
	while (k < N) {
		size_t len = 5 + (k / 1000) * 7;
		for (i = 0; i < 3 * len && k < N; i++)
			refs[k++] = i % len;
		for (i = 0; i < 50 && k < N; i++) {
			refs[k] = 100000 + k; /* a scan of new pages */
			k++;
		}
		for (i = 0; i < 20 && k < N; i++)
			refs[k++] = 42; /* one page, again and again */
	}
	check_all_counts(refs, N, 90);
	free(refs);
}

/* 200 k references over 40 k pages: the time axis compacts and the map,
 * tree and histogram grow many times. */
static void mrc_long_string_matches_lru_runs(void **state)
{
	enum { N = 200000, PAGES = 40000 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	const size_t f[] = {1, 2, 10, 100, 1000, 5000, 20000, 39999, 40000, 1u << 20};
	struct rng r;
	size_t i;

	(void)state;
	assert_non_null(refs);
	rng_seed(&r, 3);
	for (i = 0; i < N; i++)
		refs[i] = i < PAGES ? (uint64_t)i : skewed(&r, PAGES);
	check_counts(refs, N, f, sizeof(f) / sizeof(f[0]));
	free(refs);
}

/* ---- OPT ------------------------------------------------------------------ */

/* Misses of one OPT run with @frames frames (next uses @next). */
static uint64_t opt_misses(const uint64_t *refs, const uint64_t *next, size_t n, size_t frames)
{
	const struct vmsim_policy_cfg cfg = {.seed = 1, .tau = 0};
	struct paging_sim *sim = NULL;
	uint64_t misses;

	assert_ok(paging_new(&sim, vmsim_policy_find("opt"), frames, &cfg, true));
	assert_ok(paging_feed(sim, refs, next, n));
	misses = paging_stats(sim)->misses;
	paging_free(sim);
	return misses;
}

/* The OPT curve of @refs against single OPT runs at every count from 1 to
 * @hi and at @extra[0 .. nextra-1]; fed in pieces like curve_of. */
static void check_opt(const uint64_t *refs, size_t n, size_t hi, const size_t *extra, size_t nextra)
{
	static const size_t piece[] = {1, 7, 1000, 3, 65536};
	uint64_t *next = NULL;
	struct mrc *m = NULL;
	size_t done = 0, k = 0, f;

	assert_ok(refstring_next_use(refs, n, &next));
	assert_ok(mrc_new_opt(&m));
	while (done < n) {
		size_t len = piece[k++ % 5];
		if (len > n - done)
			len = n - done;
		assert_ok(mrc_feed_opt(m, refs + done, next + done, len));
		done += len;
	}
	assert_int_equal(mrc_refs(m), n);
	for (f = 1; f <= hi + nextra; f++) {
		size_t frames = f <= hi ? f : extra[f - hi - 1];
		uint64_t got, want = opt_misses(refs, next, n, frames);
		assert_ok(mrc_misses(m, frames, &got));
		if (got != want)
			fail_msg("%zu frames: OPT curve says %llu misses, OPT run %llu", frames,
				 (unsigned long long)got, (unsigned long long)want);
	}
	mrc_free(m);
	free(next);
}

static void mrc_opt_uniform_matches_opt_runs(void **state)
{
	enum { N = 20000, PAGES = 300 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	struct rng r;
	size_t i;

	(void)state;
	assert_non_null(refs);
	rng_seed(&r, 7);
	for (i = 0; i < N; i++)
		refs[i] = rng_below(&r, PAGES) * 4096;
	check_opt(refs, N, PAGES + 3, NULL, 0);
	free(refs);
}

static void mrc_opt_skewed_and_loops_match_opt_runs(void **state)
{
	enum { N = 30000, PAGES = 2000 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	const size_t f[] = {150, 333, 700, 1024, 1999, 2000, 5000};
	struct rng r;
	size_t i, k = 0;

	(void)state;
	assert_non_null(refs);
	rng_seed(&r, 11);
	for (i = 0; i < N; i++)
		refs[i] = skewed(&r, PAGES);
	check_opt(refs, N, 120, f, 7);
	/* loops of growing length, scans of new pages, repeats */
	while (k < N) {
		size_t len = 5 + (k / 1000) * 7;
		for (i = 0; i < 3 * len && k < N; i++)
			refs[k++] = i % len;
		for (i = 0; i < 50 && k < N; i++, k++)
			refs[k] = 100000 + k;
		for (i = 0; i < 20 && k < N; i++)
			refs[k++] = 42;
	}
	check_opt(refs, N, 90, f, 3);
	free(refs);
}

/* 200 k references over 40 k pages: the slots and the map grow many times. */
static void mrc_opt_long_string_matches_opt_runs(void **state)
{
	enum { N = 200000, PAGES = 40000 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	const size_t f[] = {100, 1000, 5000, 20000, 39999, 40000, 1u << 20};
	struct rng r;
	size_t i;

	(void)state;
	assert_non_null(refs);
	rng_seed(&r, 3);
	for (i = 0; i < N; i++)
		refs[i] = i < PAGES ? (uint64_t)i : skewed(&r, PAGES);
	check_opt(refs, N, 10, f, sizeof(f) / sizeof(f[0]));
	free(refs);
}

static void mrc_single_page_has_one_miss(void **state)
{
	uint64_t refs[100], misses;
	struct mrc *m;
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++)
		refs[i] = 9;
	m = curve_of(refs, 100);
	assert_ok(mrc_misses(m, 1, &misses));
	assert_int_equal(misses, 1);
	assert_int_equal(mrc_distinct(m), 1);
	mrc_free(m);
}

static void mrc_empty_string_has_no_misses(void **state)
{
	struct mrc *m = NULL;
	uint64_t misses = 99;

	(void)state;
	assert_ok(mrc_new(&m, 1.0));
	assert_ok(mrc_misses(m, 5, &misses));
	assert_int_equal(misses, 0);
	assert_int_equal(mrc_refs(m), 0);
	mrc_free(m);
}

static void mrc_rejects_bad_rates(void **state)
{
	struct mrc *m = NULL;

	(void)state;
	assert_int_equal(mrc_new(&m, 0.0), VMSIM_EINVAL);
	assert_int_equal(mrc_new(&m, 1.5), VMSIM_EINVAL);
	assert_int_equal(mrc_new(&m, -0.1), VMSIM_EINVAL);
	assert_int_equal(mrc_new(&m, 1e-9), VMSIM_EINVAL); /* below 2^-24 */
	assert_null(m);
}

/* SHARDS at 10 %: within 0.02 absolute miss ratio of the exact curve on
 * a skewed string over 50 k pages, at every tenth of the working set. */
static void mrc_sampled_is_close_to_exact(void **state)
{
	enum { N = 400000, PAGES = 50000 };
	uint64_t *refs = malloc(N * sizeof(*refs));
	struct mrc *exact = NULL, *sampled = NULL;
	struct rng r;
	size_t i;

	(void)state;
	assert_non_null(refs);
	rng_seed(&r, 5);
	for (i = 0; i < N; i++)
		refs[i] = skewed(&r, PAGES) * 7919;
	assert_ok(mrc_new(&exact, 1.0));
	assert_ok(mrc_new(&sampled, 0.1));
	assert_ok(mrc_feed(exact, refs, N));
	assert_ok(mrc_feed(sampled, refs, N));
	assert_int_equal(mrc_refs(sampled), N);
	for (i = 1; i <= 10; i++) {
		uint64_t f = i * PAGES / 10, me, ms;
		assert_ok(mrc_misses(exact, f, &me));
		assert_ok(mrc_misses(sampled, f, &ms));
		if (fabs((double)me - (double)ms) / N > 0.02)
			fail_msg("%llu frames: exact %llu, sampled %llu misses",
				 (unsigned long long)f, (unsigned long long)me,
				 (unsigned long long)ms);
	}
	mrc_free(exact);
	mrc_free(sampled);
	free(refs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(mrc_uniform_matches_lru_runs),
	    cmocka_unit_test(mrc_skewed_matches_lru_runs),
	    cmocka_unit_test(mrc_loops_and_scans_match_lru_runs),
	    cmocka_unit_test(mrc_long_string_matches_lru_runs),
	    cmocka_unit_test(mrc_opt_uniform_matches_opt_runs),
	    cmocka_unit_test(mrc_opt_skewed_and_loops_match_opt_runs),
	    cmocka_unit_test(mrc_opt_long_string_matches_opt_runs),
	    cmocka_unit_test(mrc_single_page_has_one_miss),
	    cmocka_unit_test(mrc_empty_string_has_no_misses),
	    cmocka_unit_test(mrc_rejects_bad_rates),
	    cmocka_unit_test(mrc_sampled_is_close_to_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
