/*
 * Random: evict a resident page chosen uniformly at random, from a seeded
 * generator, so a run is repeatable.
 *
 * Definition. The policy keeps the resident frames in an array: a load
 * appends its frame; an unmap moves the array's last frame into the hole.
 * The victim is member[r], r = rng_below(nresident) drawn from the
 * xorshift64* generator of src/base/base.h seeded with cfg->seed. Exactly
 * one number is drawn per pick_victim call. The same seed, frame count and
 * reference stream therefore give the same victims on every machine; a
 * different seed gives an independent run. Accesses change nothing.
 *
 * OSTEP's paging-policy.py (RAND) and libCacheSim (Random) use the same
 * definition with other generators, so their individual runs differ from
 * vmsim's while the distributions agree.
 *
 * Every operation is O(1).
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct rnd {
	struct rng rng;	  /* seeded generator */
	uint32_t *member; /* member[0 .. n-1]: the resident frames */
	uint32_t *idx;	  /* idx[frame]: its index in member, FL_OFF if not resident,
			   * stored XOR FL_OFF (zeroed memory: not resident) */
	uint32_t n;	  /* resident frames */
};

static uint32_t idx_get(const struct rnd *r, pfn_t pfn)
{
	return r->idx[pfn] ^ FL_OFF;
}

static void idx_set(struct rnd *r, pfn_t pfn, uint32_t i)
{
	r->idx[pfn] = i ^ FL_OFF;
}

static void *random_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			   const struct vmsim_policy_env *env)
{
	struct rnd *r;

	if (vmsim_policy_check(&random_policy, nframes, env) != 0)
		return NULL;
	r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	r->member = host_zalloc(nframes * sizeof(*r->member));
	r->idx = host_zalloc(nframes * sizeof(*r->idx));
	if (!r->member || !r->idx) {
		host_zfree(r->member);
		host_zfree(r->idx);
		free(r);
		return NULL;
	}
	rng_seed(&r->rng, cfg->seed);
	r->n = 0;
	return r;
}

static void random_destroy(void *state)
{
	struct rnd *r = state;

	if (r) {
		host_zfree(r->member);
		host_zfree(r->idx);
	}
	free(r);
}

static void random_on_map(void *state, pfn_t pfn)
{
	struct rnd *r = state;

	VMSIM_BUG_ON(idx_get(r, pfn) != FL_OFF);
	idx_set(r, pfn, r->n);
	r->member[r->n++] = (uint32_t)pfn;
}

static void random_on_unmap(void *state, pfn_t pfn)
{
	struct rnd *r = state;
	uint32_t i = idx_get(r, pfn), last;

	VMSIM_BUG_ON(i == FL_OFF);
	last = r->member[--r->n];
	r->member[i] = last;
	idx_set(r, last, i);
	idx_set(r, pfn, FL_OFF);
}

static int random_grow(void *state, size_t old, size_t nframes)
{
	struct rnd *r = state;
	uint32_t *member, *idx;

	member = host_zrealloc(r->member, old * sizeof(*member), nframes * sizeof(*member));
	if (!member)
		return VMSIM_ENOHOSTMEM;
	r->member = member;
	idx = host_zrealloc(r->idx, old * sizeof(*idx), nframes * sizeof(*idx));
	if (!idx)
		return VMSIM_ENOHOSTMEM; /* the longer member array is harmless */
	r->idx = idx;
	return 0;
}

static pfn_t random_pick_victim(void *state)
{
	struct rnd *r = state;

	if (r->n == 0)
		return VMSIM_POLICY_NO_FRAME;
	return r->member[rng_below(&r->rng, r->n)];
}

const struct vmsim_policy_ops random_policy = {
    .name = "random",
    .describe = "evict a resident page chosen uniformly at random (seeded with --seed)",
    .flags = VMSIM_POLICY_USES_SEED,
    .create = random_create,
    .destroy = random_destroy,
    .on_map = random_on_map,
    .on_access = NULL,
    .on_unmap = random_on_unmap,
    .pick_victim = random_pick_victim,
    .expire = NULL,
    .grow = random_grow,
};
