/*
 * The TLB hierarchy: L1I and L1D in front of a unified L2, each level made
 * of up to VMSIM_TLB_MAX_ARRAYS arrays, each array holding one or more page
 * sizes. Only mmu/ calls this.
 *
 *   fetch -> L1I (or L1D if there is no L1I) --miss--> L2 --miss--> NULL (walk)
 *   data  -> L1D ----------------------------------/   hit: copied into L1
 *
 * A level probes its sizes in the order 4K, 2M, 1G with vpn = va >> shift.
 *
 * Smashing. A level without an array for a page's size caches the largest
 * smaller piece of it that contains va (Intel SDM vol. 3A §4.10.2.3 allows
 * this; AMD's L2 DTLB does it to 1 GiB pages). The piece's val carries the
 * PFN of the piece's first frame and keeps the page's original size in bits
 * 10..9, so INVLPG anywhere in the original page can find every piece, and
 * an L2 piece copied into an L1 that holds the original size becomes the
 * whole page again (as Zen reloads 1G pieces into its L1 as 1G entries).
 *
 * Invariants:
 *  - a global entry (val bit 8) is stored as tlb_tag(vpn, size, 0) | G: its
 *    PCID is meaningless, so its stored tag depends on the page alone and
 *    INVLPG removes it with one exact remove() per size;
 *  - lv->nsmashed is exactly the number of smashed entries of the level:
 *    counted on insert, on eviction, and in every remove_if predicate; the
 *    exact remove() is used only while nsmashed == 0;
 *  - val bits 51..12 are a PFN (the MMU folds a huge leaf's PAT bit away).
 *
 * Counting: each level's lookups = hits + misses; fills and evictions by
 * the size of the entry inserted or displaced; invalidations by INVLPG and
 * flushes; so a level holds sum(fills) - sum(evictions) - invalidations
 * entries. Refilling a page that is already cached rewrites its val in place
 * and is no fill; if the refill flips G, the new entry displaces the old one
 * (a fill and an eviction).
 */
#include <string.h>

#include "base/base.h"
#include "mmu/pte.h"
#include "mmu/tlb.h"

#define TLB_MAX_ENTRIES (1u << 20) /* per array: anything bigger is a typo, not a TLB */
#define VPN_MASK	(~0ULL >> TLB_TAG_VPN_SHIFT) /* the VPN bits a tag keeps */

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static inline enum vmsim_page_size val_orig(uint64_t val)
{
	return (enum vmsim_page_size)((val & TLB_VAL_ORIG_MASK) >> TLB_VAL_ORIG_SHIFT);
}

static inline pfn_t val_pfn(uint64_t val)
{
	return (val & PTE_PFN_MASK) >> VMSIM_PAGE_SHIFT;
}

static inline uint64_t val_with_pfn(uint64_t val, pfn_t pfn)
{
	return (val & ~PTE_PFN_MASK) | ((pfn << VMSIM_PAGE_SHIFT) & PTE_PFN_MASK);
}

/* Does the stored entry hold a piece of a larger page? */
static inline bool is_smashed(uint64_t etag, uint64_t val)
{
	return val_orig(val) != tlb_tag_size(etag);
}

/* The tag an entry for (@vpn, @ps) is stored under: global ones carry PCID 0. */
static inline uint64_t stored_tag(vpn_t vpn, enum vmsim_page_size ps, pcid_t pcid, uint64_t val)
{
	if (val & PTE_G)
		return tlb_tag(vpn, ps, 0) | TLB_TAG_G;
	return tlb_tag(vpn, ps, pcid);
}

/* Frames from the start of a page of size @orig to the start of its piece of
 * size @piece that contains @va. */
static inline pfn_t piece_offset(vaddr_t va, enum vmsim_page_size orig, enum vmsim_page_size piece)
{
	uint64_t off = va & ((1ULL << vmsim_page_shift(orig)) - 1);
	return (off >> vmsim_page_shift(piece)) << (vmsim_page_shift(piece) - VMSIM_PAGE_SHIFT);
}

/* Largest size <= @ps that level @lv holds, or -1. */
static inline int fit_size(const struct tlb_level *lv, enum vmsim_page_size ps)
{
	for (int s = (int)ps; s >= 0; s--)
		if (lv->array_for[s] >= 0)
			return s;
	return -1;
}

static inline struct tlb_array *array_of(struct tlb_level *lv, enum vmsim_page_size ps)
{
	return &lv->arr[lv->array_for[ps]];
}

static inline enum vmsim_tlb_level l1_for(const struct tlb *t, bool fetch)
{
	return (fetch && t->lv[VMSIM_TLB_L1I].narrays) ? VMSIM_TLB_L1I : VMSIM_TLB_L1D;
}

/* ---- setup --------------------------------------------------------------- */

static void reset(struct tlb *t)
{
	memset(t->lv, 0, sizeof(t->lv));
	t->l1d4k = (struct tlb_fast){0};
	t->l1d2m = (struct tlb_fast){0};
	t->l1i4k = (struct tlb_fast){0};
	t->fast_first = VMSIM_PAGE_4K;
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++)
		memset(t->lv[l].array_for, -1, sizeof(t->lv[l].array_for));
}

static bool array_is_fa(const struct vmsim_tlb_array_cfg *ac)
{
	return ac->ways == 0 || ac->ways == ac->entries;
}

/* Geometry checks, before anything is allocated. */
static int check_cfg(const struct vmsim_tlb_cfg *cfg)
{
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_cfg *lc = &cfg->level[l];
		uint8_t held = 0;
		unsigned present = 0;

		if (lc->narrays > VMSIM_TLB_MAX_ARRAYS)
			return VMSIM_EINVAL;
		for (unsigned i = 0; i < lc->narrays; i++) {
			const struct vmsim_tlb_array_cfg *ac = &lc->arrays[i];
			uint32_t ways = array_is_fa(ac) ? ac->entries : ac->ways;

			if (ac->entries == 0)
				continue; /* an absent array */
			if (ac->entries > TLB_MAX_ENTRIES || ac->ways > ac->entries)
				return VMSIM_EINVAL;
			if (ac->entries % ways || !is_pow2(ac->entries / ways))
				return VMSIM_EINVAL;
			if (ac->repl != VMSIM_REPL_LRU && ac->repl != VMSIM_REPL_PLRU &&
			    ac->repl != VMSIM_REPL_RANDOM)
				return VMSIM_EINVAL;
			if (ac->repl == VMSIM_REPL_PLRU && !is_pow2(ways))
				return VMSIM_EINVAL;
			if (ac->sizes == 0 || (ac->sizes & ~((1u << VMSIM_NPAGE_SIZES) - 1)))
				return VMSIM_EINVAL;
			if (held & ac->sizes)
				return VMSIM_EINVAL; /* a size held by two arrays */
			held |= ac->sizes;
			present++;
		}
		if (l == VMSIM_TLB_L1D && present == 0)
			return VMSIM_EINVAL;
	}
	return 0;
}

int tlb_init(struct tlb *t, const struct vmsim_tlb_cfg *cfg, struct vmsim_tlb_level_stats *stats)
{
	int rc;

	reset(t);
	t->stats = stats;
	if (!cfg || !stats)
		return VMSIM_EINVAL;
	rc = check_cfg(cfg);
	if (rc)
		return rc;

	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_cfg *lc = &cfg->level[l];
		struct tlb_level *lv = &t->lv[l];

		for (unsigned i = 0; i < lc->narrays; i++) {
			const struct vmsim_tlb_array_cfg *ac = &lc->arrays[i];
			struct tlb_array *arr = &lv->arr[lv->narrays];
			uint64_t seed = cfg->seed + l * VMSIM_TLB_MAX_ARRAYS + i;

			if (ac->entries == 0)
				continue;
			arr->ops = array_is_fa(ac) ? &tlb_fa_ops : &tlb_setassoc_ops;
			arr->cfg = *ac;
			arr->st = arr->ops->create(ac, seed);
			if (!arr->st)
				goto out_release;
			for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++)
				if (ac->sizes & (1u << s))
					lv->array_for[s] = (int8_t)lv->narrays;
			lv->narrays++;
		}
	}
	/* the inline hit path, when L1D's 4 KiB (and 2 MiB) arrays allow it:
	 * each held alone by a set-associative LRU array */
	struct tlb_level *l1d = &t->lv[VMSIM_TLB_L1D];
	int a4 = l1d->array_for[VMSIM_PAGE_4K], a2 = l1d->array_for[VMSIM_PAGE_2M];
	if (a4 >= 0 && l1d->arr[a4].cfg.sizes == 1u << VMSIM_PAGE_4K) {
		struct tlb_array *arr = &l1d->arr[a4];
		if (!arr->ops->fast_view || !arr->ops->fast_view(arr->st, &t->l1d4k))
			t->l1d4k = (struct tlb_fast){0};
	}
	if (t->l1d4k.tags && a2 >= 0 && l1d->arr[a2].cfg.sizes == 1u << VMSIM_PAGE_2M) {
		struct tlb_array *arr = &l1d->arr[a2];
		if (!arr->ops->fast_view || !arr->ops->fast_view(arr->st, &t->l1d2m))
			t->l1d2m = (struct tlb_fast){0};
	}
	struct tlb_level *l1i = &t->lv[VMSIM_TLB_L1I];
	int i4 = l1i->narrays ? l1i->array_for[VMSIM_PAGE_4K] : -1;
	if (i4 >= 0 && l1i->arr[i4].cfg.sizes == 1u << VMSIM_PAGE_4K) {
		struct tlb_array *arr = &l1i->arr[i4];
		if (!arr->ops->fast_view || !arr->ops->fast_view(arr->st, &t->l1i4k))
			t->l1i4k = (struct tlb_fast){0};
	}
	return 0;

out_release:
	tlb_release(t);
	return VMSIM_ENOHOSTMEM;
}

void tlb_release(struct tlb *t)
{
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++)
		for (unsigned i = 0; i < t->lv[l].narrays; i++)
			t->lv[l].arr[i].ops->destroy(t->lv[l].arr[i].st);
	reset(t);
}

/* ---- lookup and fill ----------------------------------------------------- */

/* The tag bits a lookup for @pcid shares at every size: V and the PCID,
 * widened once (a 16-bit PCID spilled and reloaded as 64 bits stalls store
 * forwarding on every probe). */
static inline uint64_t lookup_bits(pcid_t pcid)
{
	return TLB_TAG_V | ((uint64_t)pcid & TLB_TAG_PCID_MASK);
}

/* Probe @lv for @va in the order 4K, 2M, 1G, @bits from lookup_bits(); the
 * size hit goes to *@ps. Equivalent to looking up tlb_tag(va >> shift, s, pcid). */
static inline uint64_t *probe(struct tlb_level *lv, vaddr_t va, uint64_t bits,
			      enum vmsim_page_size *ps /* out */)
{
	for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++) {
		struct tlb_array *arr;
		uint64_t *val, tag;

		if (lv->array_for[s] < 0 || lv->nvalid[s] == 0)
			continue;
		arr = &lv->arr[lv->array_for[s]];
		tag = ((va >> vmsim_page_shift(s)) << TLB_TAG_VPN_SHIFT) |
		      ((uint64_t)s << TLB_TAG_SIZE_SHIFT) | bits;
		val = arr->ops->lookup(arr->st, tag);
		if (val) {
			*ps = (enum vmsim_page_size)s;
			return val;
		}
	}
	return NULL;
}

/* Insert into level @l, at size @ps, the entry for @va whose val is @val;
 * the caller guarantees the level has no entry answering (va, pcid, ps). */
static uint64_t *insert_entry(struct tlb *t, enum vmsim_tlb_level l, vaddr_t va, pcid_t pcid,
			      enum vmsim_page_size ps, uint64_t val)
{
	struct tlb_level *lv = &t->lv[l];
	struct tlb_array *arr = array_of(lv, ps);
	struct vmsim_tlb_level_stats *st = &t->stats[l];
	uint64_t etag = stored_tag(va >> vmsim_page_shift(ps), ps, pcid, val);
	uint64_t ev_tag, ev_val, *where;

	if (arr->ops->insert(arr->st, etag, val, &ev_tag, &ev_val, &where)) {
		st->evictions[tlb_tag_size(ev_tag)]++;
		lv->nvalid[tlb_tag_size(ev_tag)]--;
		if (is_smashed(ev_tag, ev_val)) {
			VMSIM_BUG_ON(lv->nsmashed == 0);
			lv->nsmashed--;
		}
	}
	st->fills[ps]++;
	lv->nvalid[ps]++;
	if (is_smashed(etag, val))
		lv->nsmashed++;
	return where;
}

/* An L1 miss: probe L2 and, on a hit, copy the entry into L1 @l1 and
 * return the copy. Out of line: an L1 hit must not pay for its prologue. */
__attribute__((noinline)) static uint64_t *lookup_l2(struct tlb *t, enum vmsim_tlb_level l1,
						     vaddr_t va, pcid_t pcid,
						     enum vmsim_page_size *ps /* out */)
{
	struct tlb_level *l2 = &t->lv[VMSIM_TLB_L2];
	struct vmsim_tlb_level_stats *st = &t->stats[VMSIM_TLB_L2];
	enum vmsim_page_size s2, orig, fit_ps;
	uint64_t *v2, val;
	pfn_t base;
	int fit;

	if (!l2->narrays)
		return NULL;
	st->lookups++;
	v2 = probe(l2, va, lookup_bits(pcid), &s2);
	if (!v2) {
		st->misses++;
		return NULL;
	}
	st->hits[s2]++;

	orig = val_orig(*v2);
	if (likely(orig == s2 && t->lv[l1].array_for[s2] >= 0)) {
		/* the common case: L1 holds the page whole, as L2 does */
		*ps = s2;
		return insert_entry(t, l1, va, pcid, s2, *v2);
	}
	if (orig < s2)
		orig = s2; /* a val whose size bits the caller overwrote */
	fit = fit_size(&t->lv[l1], orig);
	if (fit < 0) {
		*ps = s2; /* L1 cannot hold the page at any size: serve from L2 */
		return v2;
	}
	fit_ps = (enum vmsim_page_size)fit;
	base = val_pfn(*v2) - piece_offset(va, orig, s2);
	val = val_with_pfn(*v2, base + piece_offset(va, orig, fit_ps));
	val = (val & ~TLB_VAL_ORIG_MASK) | ((uint64_t)orig << TLB_VAL_ORIG_SHIFT);
	*ps = fit_ps;
	return insert_entry(t, l1, va, pcid, fit_ps, val);
}

/* The rest of an L1 lookup whose 4 KiB probe missed (or that has no 4 KiB
 * array): the larger sizes, then L2. Out of line, like lookup_l2. */
__attribute__((noinline)) static uint64_t *lookup_rest(struct tlb *t, enum vmsim_tlb_level l1,
						       vaddr_t va, pcid_t pcid,
						       enum vmsim_page_size *ps /* out */)
{
	struct tlb_level *lv = &t->lv[l1];
	struct vmsim_tlb_level_stats *st = &t->stats[l1];
	uint64_t bits = lookup_bits(pcid);

	for (unsigned s = VMSIM_PAGE_2M; s < VMSIM_NPAGE_SIZES; s++) {
		struct tlb_array *arr;
		uint64_t *val;

		if (lv->array_for[s] < 0 || lv->nvalid[s] == 0)
			continue;
		arr = &lv->arr[lv->array_for[s]];
		val = arr->ops->lookup(arr->st, ((va >> vmsim_page_shift(s)) << TLB_TAG_VPN_SHIFT) |
						    ((uint64_t)s << TLB_TAG_SIZE_SHIFT) | bits);
		if (val) {
			st->hits[s]++;
			*ps = (enum vmsim_page_size)s;
			return val;
		}
	}
	st->misses++;
	return lookup_l2(t, l1, va, pcid, ps);
}

/* The hot path: one 4 KiB probe of L1, straight-line on a hit. */
uint64_t *tlb_lookup(struct tlb *t, vaddr_t va, pcid_t pcid, bool fetch,
		     enum vmsim_page_size *ps /* out */)
{
	enum vmsim_tlb_level l1 = VMSIM_TLB_L1D;
	struct vmsim_tlb_level_stats *st;
	struct tlb_level *lv;
	int a;

	if (unlikely(fetch) && t->lv[VMSIM_TLB_L1I].narrays)
		l1 = VMSIM_TLB_L1I;
	lv = &t->lv[l1];
	st = &t->stats[l1];
	a = lv->array_for[VMSIM_PAGE_4K];
	st->lookups++;
	if (likely(a >= 0)) {
		struct tlb_array *arr = &lv->arr[a];
		uint64_t *val = arr->ops->lookup(
		    arr->st, ((va >> VMSIM_PAGE_SHIFT) << TLB_TAG_VPN_SHIFT) | lookup_bits(pcid));

		if (likely(val != NULL)) {
			st->hits[VMSIM_PAGE_4K]++;
			*ps = VMSIM_PAGE_4K;
			return val;
		}
	}
	return lookup_rest(t, l1, va, pcid, ps);
}

uint64_t *tlb_lookup_fetch_rest(struct tlb *t, vaddr_t va, pcid_t pcid, enum vmsim_page_size *ps)
{
	if (!t->l1i4k.tags)
		return tlb_lookup(t, va, pcid, true, ps);
	t->stats[VMSIM_TLB_L1I].lookups++;
	return lookup_rest(t, VMSIM_TLB_L1I, va, pcid, ps);
}

uint64_t *tlb_lookup_data_rest(struct tlb *t, vaddr_t va, pcid_t pcid, enum vmsim_page_size *ps)
{
	if (!t->l1d4k.tags)
		return tlb_lookup(t, va, pcid, false, ps);
	t->stats[VMSIM_TLB_L1D].lookups++;
	return lookup_rest(t, VMSIM_TLB_L1D, va, pcid, ps);
}

/* Cache in level @l the page of size @ps at @va whose val (original size
 * bits set) is @val, at the largest size the level holds. */
static void fill_level(struct tlb *t, enum vmsim_tlb_level l, vaddr_t va, pcid_t pcid,
		       enum vmsim_page_size ps, uint64_t val, bool absent)
{
	struct tlb_level *lv = &t->lv[l];
	enum vmsim_page_size fit_ps;
	struct tlb_array *arr;
	uint64_t *old, pval;
	vpn_t vpn;
	int fit;

	if (absent && lv->array_for[ps] >= 0) {
		insert_entry(t, l, va, pcid, ps, val); /* the common case: the page whole */
		return;
	}
	fit = fit_size(lv, ps);
	if (fit < 0)
		return;
	fit_ps = (enum vmsim_page_size)fit;
	arr = array_of(lv, fit_ps);
	vpn = va >> vmsim_page_shift(fit_ps);
	pval = val_with_pfn(val, val_pfn(val) + piece_offset(va, ps, fit_ps));

	old = (absent || lv->nvalid[fit_ps] == 0)
		  ? NULL
		  : arr->ops->lookup(arr->st, tlb_tag(vpn, fit_ps, pcid));
	if (old) {
		uint64_t old_tag = stored_tag(vpn, fit_ps, pcid, *old);

		if (old_tag == stored_tag(vpn, fit_ps, pcid, pval)) {
			/* the same entry: refresh its val in place */
			if (is_smashed(old_tag, *old))
				lv->nsmashed--;
			if (is_smashed(old_tag, pval))
				lv->nsmashed++;
			*old = pval;
			return;
		}
		/* the G bit changed: the new entry displaces the old one */
		if (is_smashed(old_tag, *old))
			lv->nsmashed--;
		VMSIM_BUG_ON(arr->ops->remove(arr->st, old_tag) != 1);
		t->stats[l].evictions[fit_ps]++;
		lv->nvalid[fit_ps]--;
	}
	insert_entry(t, l, va, pcid, fit_ps, pval);
}

static void fill(struct tlb *t, vaddr_t va, pcid_t pcid, bool fetch, enum vmsim_page_size ps,
		 uint64_t val, bool absent)
{
	VMSIM_BUG_ON((unsigned)ps >= VMSIM_NPAGE_SIZES);
	VMSIM_BUG_ON(val_pfn(val) & ((1ULL << (vmsim_page_shift(ps) - VMSIM_PAGE_SHIFT)) - 1));

	val = (val & ~TLB_VAL_ORIG_MASK) | ((uint64_t)ps << TLB_VAL_ORIG_SHIFT);
	fill_level(t, l1_for(t, fetch), va, pcid, ps, val, absent);
	if (t->lv[VMSIM_TLB_L2].narrays)
		fill_level(t, VMSIM_TLB_L2, va, pcid, ps, val, absent);
}

void tlb_fill(struct tlb *t, vaddr_t va, pcid_t pcid, bool fetch, enum vmsim_page_size ps,
	      uint64_t val)
{
	fill(t, va, pcid, fetch, ps, val, false);
}

void tlb_fill_absent(struct tlb *t, vaddr_t va, pcid_t pcid, bool fetch, enum vmsim_page_size ps,
		     uint64_t val)
{
	fill(t, va, pcid, fetch, ps, val, true);
}

/* ---- invalidation -------------------------------------------------------- */

struct invlpg_arg {
	vaddr_t va;	    /* address invalidated */
	pcid_t pcid;	    /* current PCID */
	uint64_t *nsmashed; /* smashed entries removed, counted here */
	uint64_t *removed;  /* entries removed by tag size, counted here */
};

/* Does the entry translate arg->va for arg->pcid or globally, whatever its
 * size, pieces of a larger page included? */
static bool invlpg_pred(uint64_t tag, uint64_t val, const void *argp)
{
	const struct invlpg_arg *arg = argp;
	enum vmsim_page_size ts = tlb_tag_size(tag), os = val_orig(val);
	unsigned k;
	vpn_t vpn;

	if (!(tag & TLB_TAG_G) && tlb_tag_pcid(tag) != (arg->pcid & TLB_TAG_PCID_MASK))
		return false;
	if (os < ts)
		os = ts;
	k = vmsim_page_shift(os) - vmsim_page_shift(ts);
	vpn = (arg->va >> vmsim_page_shift(ts)) & VPN_MASK;
	if ((tlb_tag_vpn(tag) >> k) != (vpn >> k))
		return false;
	if (os != ts)
		(*arg->nsmashed)++;
	arg->removed[ts]++;
	return true;
}

static void count_invalidations(struct tlb *t, enum vmsim_tlb_level l, unsigned n)
{
	t->stats[l].invalidations += n;
}

unsigned tlb_invlpg(struct tlb *t, vaddr_t va, pcid_t pcid)
{
	unsigned total = 0;

	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		struct tlb_level *lv = &t->lv[l];
		unsigned n = 0;

		if (lv->nsmashed == 0) {
			for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++) {
				struct tlb_array *arr;
				vpn_t vpn = va >> vmsim_page_shift(s);

				if (lv->array_for[s] < 0)
					continue;
				if (lv->nvalid[s] == 0)
					continue;
				arr = &lv->arr[lv->array_for[s]];
				unsigned k = arr->ops->remove(arr->st, tlb_tag(vpn, s, pcid));
				k += arr->ops->remove(arr->st, tlb_tag(vpn, s, 0) | TLB_TAG_G);
				lv->nvalid[s] -= k;
				n += k;
			}
		} else {
			uint64_t smashed = 0, removed[VMSIM_NPAGE_SIZES] = {0};
			struct invlpg_arg arg = {
			    .va = va, .pcid = pcid, .nsmashed = &smashed, .removed = removed};

			for (unsigned i = 0; i < lv->narrays; i++)
				n += lv->arr[i].ops->remove_if(lv->arr[i].st, invlpg_pred, &arg);
			VMSIM_BUG_ON(smashed > lv->nsmashed);
			lv->nsmashed -= smashed;
			for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++)
				lv->nvalid[s] -= removed[s];
		}
		count_invalidations(t, (enum vmsim_tlb_level)l, n);
		total += n;
	}
	return total;
}

struct flush_arg {
	bool all_pcids;	    /* every non-global entry, else only @pcid's */
	pcid_t pcid;	    /* PCID flushed when !all_pcids */
	bool keep_global;   /* leave global entries */
	uint64_t *nsmashed; /* smashed entries removed, counted here */
	uint64_t *removed;  /* entries removed by tag size, counted here */
};

static bool flush_pred(uint64_t tag, uint64_t val, const void *argp)
{
	const struct flush_arg *arg = argp;
	bool hit;

	if (tag & TLB_TAG_G)
		hit = !arg->keep_global;
	else
		hit = arg->all_pcids || tlb_tag_pcid(tag) == (arg->pcid & TLB_TAG_PCID_MASK);
	if (hit && is_smashed(tag, val))
		(*arg->nsmashed)++;
	if (hit)
		arg->removed[tlb_tag_size(tag)]++;
	return hit;
}

static unsigned flush(struct tlb *t, bool all_pcids, pcid_t pcid, bool keep_global)
{
	unsigned total = 0;

	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		struct tlb_level *lv = &t->lv[l];
		uint64_t smashed = 0, removed[VMSIM_NPAGE_SIZES] = {0};
		struct flush_arg arg = {
		    .all_pcids = all_pcids,
		    .pcid = pcid,
		    .keep_global = keep_global,
		    .nsmashed = &smashed,
		    .removed = removed,
		};
		unsigned n = 0;

		for (unsigned i = 0; i < lv->narrays; i++)
			n += lv->arr[i].ops->remove_if(lv->arr[i].st, flush_pred, &arg);
		VMSIM_BUG_ON(smashed > lv->nsmashed);
		lv->nsmashed -= smashed;
		for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++)
			lv->nvalid[s] -= removed[s];
		count_invalidations(t, (enum vmsim_tlb_level)l, n);
		total += n;
	}
	return total;
}

unsigned tlb_flush_pcid(struct tlb *t, pcid_t pcid, bool keep_global)
{
	return flush(t, false, pcid, keep_global);
}

unsigned tlb_flush_all(struct tlb *t, bool keep_global)
{
	return flush(t, true, 0, keep_global);
}

/* ---- walking the entries ------------------------------------------------- */

struct for_each_arg {
	void (*fn)(enum vmsim_tlb_level lv, uint64_t tag, uint64_t val, void *arg);
	void *arg;		    /* the caller's */
	enum vmsim_tlb_level level; /* level being walked */
};

static void for_each_tramp(uint64_t tag, uint64_t val, void *argp)
{
	struct for_each_arg *a = argp;
	a->fn(a->level, tag, val, a->arg);
}

void tlb_for_each(struct tlb *t,
		  void (*fn)(enum vmsim_tlb_level lv, uint64_t tag, uint64_t val, void *arg),
		  void *arg)
{
	struct for_each_arg a = {.fn = fn, .arg = arg};

	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		a.level = (enum vmsim_tlb_level)l;
		for (unsigned i = 0; i < t->lv[l].narrays; i++)
			t->lv[l].arr[i].ops->for_each(t->lv[l].arr[i].st, for_each_tramp, &a);
	}
}
