/*
 * Access-pattern generators (see gen.h for the patterns).
 *
 * Zipf draws use Hörmann and Derflinger's rejection-inversion method
 * ("Rejection-inversion to generate variates from monotone discrete
 * distributions", ACM TOMACS 6(3), 1996): it inverts the integral H of the
 * continuous hat function h(x) = x^-alpha, rounds to the nearest rank and
 * accepts with a cheap test, so it needs O(1) memory for any number of
 * pages and about one uniform number per draw.
 */
#include "workload/gen.h"

#include <math.h>
#include <string.h>

#include "vmsim/error.h"

static const char *const pattern_names[] = {
    [GEN_SEQ] = "seq",	 [GEN_LOOP] = "loop",	    [GEN_RANDOM] = "random",
    [GEN_ZIPF] = "zipf", [GEN_HOTCOLD] = "hotcold", [GEN_PHASES] = "phases",
};

const char *gen_pattern_name(enum gen_pattern p)
{
	if ((unsigned)p < ARRAY_SIZE(pattern_names))
		return pattern_names[p];
	return "?";
}

int gen_pattern_find(const char *name, enum gen_pattern *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(pattern_names); i++)
		if (strcmp(pattern_names[i], name) == 0) {
			*out = (enum gen_pattern)i;
			return 0;
		}
	return VMSIM_EINVAL;
}

/* A uniform double in [0, 1). */
static double uniform01(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* log1p(x)/x and expm1(x)/x, accurate near 0 (their limits are 1). */
static double helper1(double x)
{
	if (fabs(x) > 1e-8)
		return log1p(x) / x;
	return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

static double helper2(double x)
{
	if (fabs(x) > 1e-8)
		return expm1(x) / x;
	return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

/* The hat function, its integral and the integral's inverse. */
static double zipf_h(double alpha, double x)
{
	return exp(-alpha * log(x));
}

static double zipf_H(double alpha, double x)
{
	double lx = log(x);
	return helper2((1.0 - alpha) * lx) * lx;
}

static double zipf_Hinv(double alpha, double x)
{
	double t = x * (1.0 - alpha);
	if (t < -1.0)
		t = -1.0;
	return exp(helper1(t) * x);
}

static void zipf_init(struct gen *g)
{
	double a = g->c.alpha;
	g->z_hx1 = zipf_H(a, 1.5) - 1.0;
	g->z_hn = zipf_H(a, (double)g->pages + 0.5);
	g->z_sq = 2.0 - zipf_Hinv(a, zipf_H(a, 2.5) - zipf_h(a, 2.0));
}

/* A rank in [1, pages]. */
static uint64_t zipf_draw(struct gen *g)
{
	double a = g->c.alpha;
	for (;;) {
		double u = g->z_hn + uniform01(&g->pick) * (g->z_hx1 - g->z_hn);
		double x = zipf_Hinv(a, u);
		double kd = floor(x + 0.5);
		uint64_t k = kd < 1.0 ? 1 : kd > (double)g->pages ? g->pages : (uint64_t)kd;
		if ((double)k - x <= g->z_sq ||
		    u >= zipf_H(a, (double)k + 0.5) - zipf_h(a, (double)k))
			return k;
	}
}

int gen_init(struct gen *g, const struct gen_cfg *cfg)
{
	struct gen_cfg c = *cfg;

	if (c.len == 0 || !(c.write_frac >= 0 && c.write_frac <= 1) || !(c.alpha >= 0) ||
	    !(c.hot_frac >= 0 && c.hot_frac <= 1) || !(c.hot_share >= 0 && c.hot_share <= 1) ||
	    (unsigned)c.pattern >= ARRAY_SIZE(pattern_names))
		return VMSIM_EINVAL;
	if (!c.stride)
		c.stride = VMSIM_PAGE_SIZE;
	if (c.stride > c.len && (c.pattern == GEN_SEQ || c.pattern == GEN_LOOP))
		c.stride = c.len; /* a region smaller than the stride: one access per pass */
	if (!c.times)
		c.times = 1;
	if (c.alpha == 0)
		c.alpha = 1.0;
	if (c.hot_frac == 0)
		c.hot_frac = 0.2;
	if (c.hot_share == 0)
		c.hot_share = 0.8;
	if (!c.phases)
		c.phases = 4;

	memset(g, 0, sizeof(*g));
	g->pages = (c.len + VMSIM_PAGE_SIZE - 1) / VMSIM_PAGE_SIZE;
	if (!c.ws)
		c.ws = g->pages / c.phases ? g->pages / c.phases : 1;
	if (c.ws > g->pages)
		return VMSIM_EINVAL;
	if (!c.count) {
		if (c.pattern == GEN_SEQ || c.pattern == GEN_LOOP) {
			uint64_t per_pass = (c.len + c.stride - 1) / c.stride;
			if (per_pass > UINT64_MAX / c.times)
				return VMSIM_EINVAL;
			c.count = per_pass * c.times;
		} else {
			c.count = g->pages;
		}
	}
	g->c = c;
	rng_seed(&g->pick, c.seed);
	rng_seed(&g->mix, c.seed ^ 0x6d69782d73656564ULL); /* "mix-seed" */
	g->hot = (uint64_t)((double)g->pages * c.hot_frac + 0.5);
	if (g->hot == 0)
		g->hot = 1;
	if (c.pattern == GEN_ZIPF)
		zipf_init(g);
	return 0;
}

uint64_t gen_total(const struct gen *g)
{
	return g->c.count;
}

bool gen_next(struct gen *g, uint64_t *offset, bool *write)
{
	uint64_t page = 0;

	if (g->done >= g->c.count)
		return false;
	switch (g->c.pattern) {
	case GEN_SEQ:
	case GEN_LOOP:
		*offset = g->pos;
		g->pos += g->c.stride;
		if (g->pos >= g->c.len)
			g->pos = 0;
		goto decided;
	case GEN_RANDOM:
		page = rng_below(&g->pick, g->pages);
		break;
	case GEN_ZIPF:
		page = zipf_draw(g) - 1;
		break;
	case GEN_HOTCOLD: {
		uint64_t cold = g->pages - g->hot;
		if (cold == 0 || uniform01(&g->pick) < g->c.hot_share)
			page = rng_below(&g->pick, g->hot);
		else
			page = g->hot + rng_below(&g->pick, cold);
		break;
	}
	case GEN_PHASES: {
		uint64_t phase = (uint64_t)((unsigned __int128)g->done * g->c.phases / g->c.count);
		uint64_t first = (uint64_t)((unsigned __int128)phase * g->c.ws % g->pages);
		page = (first + rng_below(&g->pick, g->c.ws)) % g->pages;
		break;
	}
	}
	*offset = page * VMSIM_PAGE_SIZE;
decided:
	if (g->c.write_frac >= 1.0)
		*write = true;
	else if (g->c.write_frac <= 0.0)
		*write = false;
	else
		*write = uniform01(&g->mix) < g->c.write_frac;
	g->done++;
	return true;
}
