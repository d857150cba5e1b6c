/*
 * Paging-structure caches (see pwc.h): one TLB array per cached level. The
 * walker inserts only after its lookup at that level missed, so an insert
 * never meets its own tag.
 */
#include "mmu/pwc.h"

#include "base/base.h"
#include "mmu/pte.h"

int pwc_init(struct pwc *c, const struct vmsim_pwc_cfg *cfg)
{
	*c = (struct pwc){0};
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++) {
		uint32_t n = cfg->entries[l], w = cfg->ways[l];
		if (n == 0)
			continue;
		if (w == 0 || w > n)
			w = n;
		if (n % w || ((n / w) & (n / w - 1))) {
			pwc_release(c);
			return VMSIM_EINVAL;
		}
		struct tlb_array *a = &c->lv[l];
		a->cfg = (struct vmsim_tlb_array_cfg){
		    .entries = n, .ways = w, .sizes = 1, .repl = VMSIM_REPL_LRU};
		a->ops = w == n ? &tlb_fa_ops : &tlb_setassoc_ops;
		a->st = a->ops->create(&a->cfg, l);
		if (!a->st) {
			pwc_release(c);
			return VMSIM_ENOHOSTMEM;
		}
	}
	return 0;
}

void pwc_release(struct pwc *c)
{
	for (unsigned l = 0; l <= VMSIM_MAX_LEVELS; l++)
		if (c->lv[l].st)
			c->lv[l].ops->destroy(c->lv[l].st);
	*c = (struct pwc){0};
}

static bool flush_pred(uint64_t tag, uint64_t val, const void *arg)
{
	(void)val;
	return arg == NULL || tlb_tag_pcid(tag) == *(const pcid_t *)arg;
}

unsigned pwc_flush(struct pwc *c, pcid_t pcid, bool all)
{
	unsigned n = 0;
	pcid &= VMSIM_PCID_MAX;
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++)
		if (c->lv[l].st)
			n += c->lv[l].ops->remove_if(c->lv[l].st, flush_pred, all ? NULL : &pcid);
	return n;
}

struct for_each_arg {
	void (*fn)(unsigned level, vaddr_t va_prefix, pcid_t pcid, uint64_t val, void *arg);
	void *arg;
	unsigned level;
};

static void for_each_tramp(uint64_t tag, uint64_t val, void *argp)
{
	struct for_each_arg *a = argp;
	vaddr_t va = tlb_tag_vpn(tag) << (VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * (a->level - 1));
	a->fn(a->level, va, tlb_tag_pcid(tag), val, a->arg);
}

void pwc_for_each(const struct pwc *c,
		  void (*fn)(unsigned level, vaddr_t va_prefix, pcid_t pcid, uint64_t val,
			     void *arg),
		  void *arg)
{
	struct for_each_arg a = {fn, arg, 0};
	for (unsigned l = 2; l <= VMSIM_MAX_LEVELS; l++) {
		if (!c->lv[l].st)
			continue;
		a.level = l;
		c->lv[l].ops->for_each(c->lv[l].st, for_each_tramp, &a);
	}
}
