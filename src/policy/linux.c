/*
 * linux: two lists, active and inactive, as Linux's page reclaim keeps them
 * (mm/vmscan.c, mm/swap.c), reduced to what a reference string exercises.
 *
 * Definition. Every resident page is on exactly one list; each list is in
 * the order pages were put on it. A page also carries a software
 * "referenced" flag (Linux's PG_referenced), separate from the referenced
 * (accessed) bit that accesses set.
 *
 *   load       the page goes to the head of the inactive list, flag clear
 *              (its accessed bit is set by the access that loaded it)
 *   access     nothing but the accessed bit (the MMU's job)
 *   reclaim    repeat until a victim is found:
 *     1. balance: while the inactive list is shorter than the active one,
 *        move the active tail to the inactive head, clearing its accessed
 *        bit and its flag (shrink_active_list; Linux's inactive_is_low()
 *        asks for this 1:1 ratio below 1 GiB of memory)
 *     2. look at the inactive tail; test and clear its accessed bit:
 *        not accessed          -> the victim
 *        accessed, flag clear  -> set the flag, move it to the inactive head
 *                                 (first reference seen: one more chance)
 *        accessed, flag set    -> move it to the active head, flag clear
 *                                 (second reference: promoted)
 *
 *	active:    head [7] [2] [9] tail --.  deactivated when inactive < active
 *	                                   v
 *	inactive:  head [5] [1] [4] [0] tail  <- scanned here
 *	            ^ loads and second chances
 *
 * So a page must be seen referenced by two scans of the inactive list (its
 * load counts as the first reference) to become active, and an active page
 * that stops being used drifts back to the inactive list and out. One scan
 * of the whole inactive list clears every accessed bit, so a search ends
 * within two turns; the cost is amortised O(1) per reference.
 *
 * Simplifications, against Linux 6.x: one pair of lists (no anonymous/file
 * split, no swappiness, no per-cgroup or per-node lists, no MGLRU); pages
 * are scanned one at a time, not in batches of 32; no refault-distance
 * activation (mm/workingset.c); executable pages get no extra protection;
 * the inactive:active ratio is fixed at 1:1.
 */
#include <stdlib.h>
#include <string.h>

#include "flist.h"
#include "policies.h"

enum {
	ON_ACTIVE = 1 << 0, /* on the active list (else inactive) */
	SOFT_REF = 1 << 1,  /* PG_referenced: a reference was seen by the last scan */
};

struct lnx {
	struct vmsim_policy_env env; /* test_clear_referenced */
	struct flink *lk;	     /* list links, per frame */
	uint8_t *flags;		     /* ON_ACTIVE | SOFT_REF, per frame */
	struct flist active;	     /* head: newest arrival, tail: next to deactivate */
	struct flist inactive;	     /* head: newest arrival, tail: next to scan */
	size_t nactive, ninactive;   /* list lengths */
};

static void *linux_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			  const struct vmsim_policy_env *env)
{
	struct lnx *l;

	(void)cfg;
	if (vmsim_policy_check(&linux_policy, nframes, env) != 0)
		return NULL;
	l = malloc(sizeof(*l));
	if (!l)
		return NULL;
	l->lk = flinks_new(nframes);
	l->flags = host_zalloc(nframes);
	if (!l->lk || !l->flags) {
		flinks_free(l->lk);
		host_zfree(l->flags);
		free(l);
		return NULL;
	}
	l->env = *env;
	flist_init(&l->active);
	flist_init(&l->inactive);
	l->nactive = l->ninactive = 0;
	return l;
}

static void linux_destroy(void *state)
{
	struct lnx *l = state;

	if (l) {
		flinks_free(l->lk);
		host_zfree(l->flags);
	}
	free(l);
}

static void linux_on_map(void *state, pfn_t pfn)
{
	struct lnx *l = state;

	flist_push_head(&l->inactive, l->lk, (uint32_t)pfn);
	l->flags[pfn] = 0;
	l->ninactive++;
}

static void linux_on_unmap(void *state, pfn_t pfn)
{
	struct lnx *l = state;

	if (l->flags[pfn] & ON_ACTIVE) {
		flist_del(&l->active, l->lk, (uint32_t)pfn);
		l->nactive--;
	} else {
		flist_del(&l->inactive, l->lk, (uint32_t)pfn);
		l->ninactive--;
	}
	l->flags[pfn] = 0;
}

/* Move the active list's tail to the inactive head, forgetting its use. */
static void deactivate_one(struct lnx *l)
{
	uint32_t f = l->active.tail;

	flist_del(&l->active, l->lk, f);
	l->nactive--;
	(void)l->env.test_clear_referenced(l->env.ctx, f);
	l->flags[f] = 0;
	flist_push_head(&l->inactive, l->lk, f);
	l->ninactive++;
}

static int linux_grow(void *state, size_t old, size_t nframes)
{
	struct lnx *l = state;
	uint8_t *flags;

	if (flinks_grow(&l->lk, old, nframes) != 0)
		return VMSIM_ENOHOSTMEM;
	flags = host_zrealloc(l->flags, old, nframes);
	if (!flags)
		return VMSIM_ENOHOSTMEM; /* the longer links are harmless */
	l->flags = flags;
	return 0;
}

static pfn_t linux_pick_victim(void *state)
{
	struct lnx *l = state;
	size_t n = l->nactive + l->ninactive, steps;
	uint32_t f;

	if (n == 0)
		return VMSIM_POLICY_NO_FRAME;
	/* Two scans of everything end the search with a sane environment; the
	 * bound only stops a loop if bits keep getting set behind the scan. */
	for (steps = 0; steps < 4 * n + 4; steps++) {
		while (l->ninactive < l->nactive)
			deactivate_one(l);
		f = l->inactive.tail;
		if (!l->env.test_clear_referenced(l->env.ctx, f))
			return f;
		flist_del(&l->inactive, l->lk, f);
		if (l->flags[f] & SOFT_REF) {
			l->flags[f] = ON_ACTIVE;
			l->ninactive--;
			flist_push_head(&l->active, l->lk, f);
			l->nactive++;
		} else {
			l->flags[f] = SOFT_REF;
			flist_push_head(&l->inactive, l->lk, f);
		}
	}
	while (l->ninactive < l->nactive)
		deactivate_one(l);
	return l->inactive.tail;
}

const struct vmsim_policy_ops linux_policy = {
    .name = "linux",
    .describe = "Linux-style active/inactive lists: promote on the second reference, evict "
		"from inactive",
    .flags = VMSIM_POLICY_NEEDS_REFERENCED,
    .create = linux_create,
    .destroy = linux_destroy,
    .on_map = linux_on_map,
    .on_access = NULL,
    .on_unmap = linux_on_unmap,
    .pick_victim = linux_pick_victim,
    .expire = NULL,
    .grow = linux_grow,
};
