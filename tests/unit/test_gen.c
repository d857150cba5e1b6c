/*
 * Access-pattern generators (src/workload/gen.c): the exact streams of the
 * sequential patterns, determinism of the random ones, and their shapes:
 * uniform coverage, Zipf's rank-frequency law, the hot set's share, phases
 * staying in their windows, the write share, and bad parameters refused.
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "workload/gen.h"

#define PG 4096ULL

static struct gen_cfg cfg_of(enum gen_pattern p, uint64_t len)
{
	struct gen_cfg c;
	memset(&c, 0, sizeof(c));
	c.pattern = p;
	c.len = len;
	c.seed = 42;
	return c;
}

/* Draw every access of @g; page counts into @hist (pages entries), writes counted. */
static uint64_t drain(struct gen *g, uint64_t *hist, uint64_t pages, uint64_t *writes)
{
	uint64_t off, n = 0;
	bool w;
	*writes = 0;
	while (gen_next(g, &off, &w)) {
		assert_true(off < g->c.len);
		if (hist) {
			assert_true(off / PG < pages);
			hist[off / PG]++;
		}
		*writes += w;
		n++;
	}
	return n;
}

static void seq_default_touches_each_page_once(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_SEQ, 10 * PG + 1);
	uint64_t off, expect = 0;
	bool w = true;
	assert_ok(gen_init(&g, &c));
	assert_int_equal(gen_total(&g), 11); /* the partial last page counts */
	while (gen_next(&g, &off, &w)) {
		assert_int_equal(off, expect);
		assert_false(w);
		expect += PG;
	}
	assert_int_equal(expect, 11 * PG);
	assert_false(gen_next(&g, &off, &w));
}

static void seq_stride_and_times_repeat_the_pass(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_SEQ, 256);
	uint64_t off, got[12];
	bool w;
	size_t n = 0;
	c.stride = 64;
	c.times = 3;
	c.write_frac = 1.0;
	assert_ok(gen_init(&g, &c));
	assert_int_equal(gen_total(&g), 12);
	while (gen_next(&g, &off, &w)) {
		assert_true(w);
		got[n++] = off;
	}
	assert_int_equal(n, 12);
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(got[i], (i % 4) * 64);
}

static void loop_count_wraps_around_the_region(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_LOOP, 65 * PG);
	uint64_t off, i = 0;
	bool w;
	c.count = 650;
	assert_ok(gen_init(&g, &c));
	while (gen_next(&g, &off, &w)) {
		assert_int_equal(off, (i % 65) * PG);
		i++;
	}
	assert_int_equal(i, 650);
}

static void random_same_seed_gives_same_stream(void **state)
{
	(void)state;
	struct gen a, b, d;
	struct gen_cfg c = cfg_of(GEN_RANDOM, 1000 * PG);
	uint64_t oa, ob, od;
	bool w;
	int differ = 0;
	c.count = 5000;
	assert_ok(gen_init(&a, &c));
	assert_ok(gen_init(&b, &c));
	c.seed = 43;
	assert_ok(gen_init(&d, &c));
	while (gen_next(&a, &oa, &w)) {
		assert_true(gen_next(&b, &ob, &w));
		assert_true(gen_next(&d, &od, &w));
		assert_int_equal(oa, ob);
		assert_int_equal(oa % PG, 0);
		differ += oa != od;
	}
	assert_true(differ > 4000);
}

static void random_covers_pages_evenly(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_RANDOM, 100 * PG);
	uint64_t hist[100] = {0}, writes;
	c.count = 100000;
	assert_ok(gen_init(&g, &c));
	assert_int_equal(drain(&g, hist, 100, &writes), 100000);
	for (int i = 0; i < 100; i++) /* expected 1000 each; 5 sigma is about 160 */
		assert_true(hist[i] > 840 && hist[i] < 1160);
	assert_int_equal(writes, 0);
}

static void zipf_follows_rank_frequency_law(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_ZIPF, 1000 * PG);
	uint64_t *hist = calloc(1000, sizeof(*hist)), writes;
	c.count = 200000;
	c.alpha = 1.0;
	assert_non_null(hist);
	assert_ok(gen_init(&g, &c));
	drain(&g, hist, 1000, &writes);
	/* with alpha 1, rank k has probability 1 / (k * H_1000), H_1000 = 7.485 */
	double h = 0;
	for (int k = 1; k <= 1000; k++)
		h += 1.0 / k;
	for (int k = 1; k <= 4; k++) {
		double want = 200000.0 / (k * h);
		assert_true(fabs((double)hist[k - 1] - want) < 0.05 * want);
	}
	assert_true(hist[0] > hist[9] * 8);
	free(hist);
}

static void zipf_steeper_alpha_concentrates_more(void **state)
{
	(void)state;
	struct gen a, b;
	struct gen_cfg c = cfg_of(GEN_ZIPF, 10000 * PG);
	uint64_t ha[1] = {0}, hb[1] = {0}, off;
	bool w;
	c.count = 50000;
	c.alpha = 0.8;
	assert_ok(gen_init(&a, &c));
	c.alpha = 1.4;
	assert_ok(gen_init(&b, &c));
	while (gen_next(&a, &off, &w))
		ha[0] += off == 0;
	while (gen_next(&b, &off, &w))
		hb[0] += off == 0;
	assert_true(hb[0] > 3 * ha[0]);
}

static void hotcold_hot_set_gets_its_share(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_HOTCOLD, 1000 * PG);
	uint64_t hist[1000] = {0}, writes, hot = 0;
	c.count = 100000;
	c.hot_frac = 0.1;
	c.hot_share = 0.9;
	assert_ok(gen_init(&g, &c));
	drain(&g, hist, 1000, &writes);
	for (int i = 0; i < 100; i++)
		hot += hist[i];
	assert_true(hot > 89000 && hot < 91000);
}

static void phases_stay_in_their_window(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_PHASES, 100 * PG);
	uint64_t off, i = 0;
	bool w;
	c.count = 4000;
	c.phases = 4;
	c.ws = 10;
	assert_ok(gen_init(&g, &c));
	while (gen_next(&g, &off, &w)) {
		uint64_t phase = i * 4 / 4000, page = off / PG;
		assert_true(page >= phase * 10 && page < phase * 10 + 10);
		i++;
	}
	assert_int_equal(i, 4000);
}

static void write_share_is_kept_and_does_not_move_pages(void **state)
{
	(void)state;
	struct gen a, b;
	struct gen_cfg c = cfg_of(GEN_RANDOM, 500 * PG);
	uint64_t oa, ob, writes = 0;
	bool wa, wb;
	c.count = 20000;
	c.write_frac = 0.3;
	assert_ok(gen_init(&a, &c));
	c.write_frac = 0.7;
	assert_ok(gen_init(&b, &c));
	while (gen_next(&a, &oa, &wa)) {
		assert_true(gen_next(&b, &ob, &wb));
		assert_int_equal(oa, ob);
		writes += wa;
	}
	assert_true(writes > 5700 && writes < 6300);
}

static void bad_parameters_are_refused(void **state)
{
	(void)state;
	struct gen g;
	struct gen_cfg c = cfg_of(GEN_SEQ, 0);
	assert_int_equal(gen_init(&g, &c), VMSIM_EINVAL);
	c = cfg_of(GEN_RANDOM, PG);
	c.write_frac = 1.5;
	assert_int_equal(gen_init(&g, &c), VMSIM_EINVAL);
	c = cfg_of(GEN_ZIPF, PG);
	c.alpha = -1;
	assert_int_equal(gen_init(&g, &c), VMSIM_EINVAL);
	c = cfg_of(GEN_HOTCOLD, PG);
	c.hot_frac = 2;
	assert_int_equal(gen_init(&g, &c), VMSIM_EINVAL);
	c = cfg_of(GEN_PHASES, 10 * PG);
	c.ws = 11;
	assert_int_equal(gen_init(&g, &c), VMSIM_EINVAL);
	c = cfg_of((enum gen_pattern)99, PG);
	assert_int_equal(gen_init(&g, &c), VMSIM_EINVAL);
}

static void pattern_names_round_trip(void **state)
{
	(void)state;
	enum gen_pattern p;
	for (int i = GEN_SEQ; i <= GEN_PHASES; i++) {
		assert_ok(gen_pattern_find(gen_pattern_name((enum gen_pattern)i), &p));
		assert_int_equal(p, i);
	}
	assert_int_equal(gen_pattern_find("zipfian", &p), VMSIM_EINVAL);
	assert_string_equal(gen_pattern_name((enum gen_pattern)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seq_default_touches_each_page_once),
	    cmocka_unit_test(seq_stride_and_times_repeat_the_pass),
	    cmocka_unit_test(loop_count_wraps_around_the_region),
	    cmocka_unit_test(random_same_seed_gives_same_stream),
	    cmocka_unit_test(random_covers_pages_evenly),
	    cmocka_unit_test(zipf_follows_rank_frequency_law),
	    cmocka_unit_test(zipf_steeper_alpha_concentrates_more),
	    cmocka_unit_test(hotcold_hot_set_gets_its_share),
	    cmocka_unit_test(phases_stay_in_their_window),
	    cmocka_unit_test(write_share_is_kept_and_does_not_move_pages),
	    cmocka_unit_test(bad_parameters_are_refused),
	    cmocka_unit_test(pattern_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
