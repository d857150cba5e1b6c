/*
 * bench_mrc: one-pass LRU miss-ratio curves (src/workload/mrc.c) against
 * one LRU run (src/workload/paging.c), in one run on the same references.
 *
 * The references are a Zipf(0.9) stream over 10^6 ranks (src/workload/gen.c,
 * seed 1), 10 M of them by default, held in memory so that only the
 * simulation is timed. Printed, each the best of REPEATS:
 *   - one LRU run with 10 % of the distinct pages as frames;
 *   - the exact curve for every frame count (one pass), and the ratio of
 *     the two times (target: at most 2);
 *   - one OPT run and the one-pass OPT curve (next uses computed first, not
 *     timed), and their ratio;
 *   - SHARDS at 1 % and 10 %: time and the mean and largest absolute
 *     miss-ratio error against the exact curve over 100 frame counts spread
 *     over the working set (target at 1 %: a mean of at most 0.01).
 *
 * usage: bench_mrc [--quick] [--refs N] [--ranks N]
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmsim/policy.h"
#include "workload/gen.h"
#include "workload/mrc.h"
#include "workload/paging.h"
#include "workload/refstring.h"

#define REPEATS 3
#define POINTS	100

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "bench_mrc: %s\n", what);
	exit(1);
}

/* Best time of one run of @policy with @frames frames; @next: the next
 * uses OPT needs (NULL for the others). */
static double time_run(const char *policy, const uint64_t *refs, const uint64_t *next, size_t n,
		       size_t frames, uint64_t *misses)
{
	const struct vmsim_policy_cfg cfg = {.seed = 1, .tau = 0};
	double best = 1e30;
	int r;

	for (r = 0; r < REPEATS; r++) {
		struct paging_sim *sim = NULL;
		double t0 = now();
		if (paging_new(&sim, vmsim_policy_find(policy), frames, &cfg, next != NULL) != 0 ||
		    paging_feed(sim, refs, next, n) != 0)
			die("policy run failed");
		t0 = now() - t0;
		*misses = paging_stats(sim)->misses;
		paging_free(sim);
		if (t0 < best)
			best = t0;
	}
	return best;
}

/* Best time of the one-pass OPT curve; the last one in *@out. */
static double time_opt_curve(const uint64_t *refs, const uint64_t *next, size_t n, struct mrc **out)
{
	double best = 1e30;
	int r;

	*out = NULL;
	for (r = 0; r < REPEATS; r++) {
		struct mrc *m = NULL;
		uint64_t misses;
		double t0 = now();
		if (mrc_new_opt(&m) != 0 || mrc_feed_opt(m, refs, next, n) != 0 ||
		    mrc_misses(m, 1, &misses) != 0)
			die("opt curve failed");
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
		mrc_free(*out);
		*out = m;
	}
	return best;
}

/* Time a curve at @rate; the last one is kept in *@out. */
static double time_curve(const uint64_t *refs, size_t n, double rate, struct mrc **out)
{
	double best = 1e30;
	int r;

	*out = NULL;
	for (r = 0; r < REPEATS; r++) {
		struct mrc *m = NULL;
		uint64_t misses;
		double t0 = now();
		if (mrc_new(&m, rate) != 0 || mrc_feed(m, refs, n) != 0 ||
		    mrc_misses(m, 1, &misses) != 0)
			die("curve failed");
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
		mrc_free(*out);
		*out = m;
	}
	return best;
}

/* The largest |exact - sampled| miss ratio over POINTS counts up to @d;
 * the mean of them in *@mean. */
static double max_error(struct mrc *exact, struct mrc *sampled, uint64_t d, size_t n, double *mean)
{
	double worst = 0, sum = 0;
	int k;

	for (k = 1; k <= POINTS; k++) {
		uint64_t f = d * (uint64_t)k / POINTS, me, ms;
		if (f == 0)
			f = 1;
		if (mrc_misses(exact, f, &me) != 0 || mrc_misses(sampled, f, &ms) != 0)
			die("curve lookup failed");
		sum += fabs((double)me - (double)ms) / (double)n;
		if (fabs((double)me - (double)ms) / (double)n > worst)
			worst = fabs((double)me - (double)ms) / (double)n;
	}
	*mean = sum / POINTS;
	return worst;
}

int main(int argc, char **argv)
{
	uint64_t nrefs = 10000000, ranks = 1000000, off, lru_miss, curve_miss;
	struct gen_cfg gc = {0};
	struct gen g;
	struct mrc *exact, *s1, *s10;
	uint64_t *refs;
	double t_lru, t_curve, t_s1, t_s10;
	size_t i, frames;
	bool w;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--quick") == 0)
			nrefs = 1000000;
		else if (strcmp(argv[a], "--refs") == 0 && a + 1 < argc)
			nrefs = strtoull(argv[++a], NULL, 0);
		else if (strcmp(argv[a], "--ranks") == 0 && a + 1 < argc)
			ranks = strtoull(argv[++a], NULL, 0);
		else
			die("usage: bench_mrc [--quick] [--refs N] [--ranks N]");
	}
	gc.pattern = GEN_ZIPF;
	gc.len = ranks * 4096;
	gc.count = nrefs;
	gc.alpha = 0.9;
	gc.seed = 1;
	if (gen_init(&g, &gc) != 0)
		die("bad generator configuration");
	refs = malloc(nrefs * sizeof(*refs));
	if (!refs)
		die("out of host memory");
	for (i = 0; i < nrefs && gen_next(&g, &off, &w); i++)
		refs[i] = off / 4096;

	t_curve = time_curve(refs, nrefs, 1.0, &exact);
	frames = (size_t)(mrc_distinct(exact) / 10);
	if (frames == 0)
		frames = 1;
	t_lru = time_run("lru", refs, NULL, nrefs, frames, &lru_miss);
	if (mrc_misses(exact, frames, &curve_miss) != 0)
		die("curve lookup failed");
	t_s1 = time_curve(refs, nrefs, 0.01, &s1);
	t_s10 = time_curve(refs, nrefs, 0.1, &s10);

	printf("references: %" PRIu64 " Zipf(0.9) over %" PRIu64 " ranks, %" PRIu64
	       " distinct pages\n",
	       nrefs, ranks, mrc_distinct(exact));
	printf("one LRU run, %zu frames:        %.3f s  %.1f M refs/s  (%" PRIu64 " misses)\n",
	       frames, t_lru, (double)nrefs / t_lru / 1e6, lru_miss);
	printf("exact curve, every frame count: %.3f s  %.1f M refs/s  (%" PRIu64
	       " misses at %zu frames)\n",
	       t_curve, (double)nrefs / t_curve / 1e6, curve_miss, frames);
	printf("curve / one run: %.2fx (target: at most 2x)%s\n", t_curve / t_lru,
	       curve_miss == lru_miss ? "" : "  COUNTS DIFFER");
	double e1, e10, m1, m10;
	e1 = max_error(exact, s1, mrc_distinct(exact), nrefs, &m1);
	e10 = max_error(exact, s10, mrc_distinct(exact), nrefs, &m10);
	printf("SHARDS 1%%:  %.3f s, miss-ratio error over %d sizes: mean %.4f (target 0.01), "
	       "largest %.4f\n",
	       t_s1, POINTS, m1, e1);
	printf("SHARDS 10%%: %.3f s, miss-ratio error over %d sizes: mean %.4f, largest %.4f\n",
	       t_s10, POINTS, m10, e10);
	{
		uint64_t *next = NULL, om, cm;
		struct mrc *oc;
		double t_opt, t_oc;

		if (refstring_next_use(refs, nrefs, &next) != 0)
			die("out of host memory");
		t_opt = time_run("opt", refs, next, nrefs, frames, &om);
		t_oc = time_opt_curve(refs, next, nrefs, &oc);
		if (mrc_misses(oc, frames, &cm) != 0)
			die("curve lookup failed");
		printf("one OPT run, %zu frames:        %.3f s  (%" PRIu64
		       " misses; next uses given)\n",
		       frames, t_opt, om);
		printf("OPT curve, every frame count:   %.3f s  (%" PRIu64
		       " misses at %zu frames); curve / one run: %.2fx%s\n",
		       t_oc, cm, frames, t_oc / t_opt, cm == om ? "" : "  COUNTS DIFFER");
		if (cm != om)
			curve_miss = lru_miss + 1; /* fail */
		mrc_free(oc);
		free(next);
	}
	mrc_free(exact);
	mrc_free(s1);
	mrc_free(s10);
	free(refs);
	return curve_miss == lru_miss ? 0 : 1;
}
