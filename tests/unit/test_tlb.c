/*
 * Unit tests of the TLB: the two array designs (tlb_fa_ops,
 * tlb_setassoc_ops) driven directly, the hierarchy of tlb.c (lookup, fill,
 * smashing, INVLPG, flushes, counters) and the CPU presets. Every case
 * builds a tiny TLB by hand; hierarchy cases end with check_tlb(), which
 * recounts the entries and the smashed ones and matches them against the
 * counters.
 */
#include "testutil.h"

#include <string.h>

#include "mmu/pte.h"
#include "mmu/tlb.h"
#include "vmsim/error.h"
#include "vmsim/mmu.h"

#define SZ_4K  (1u << VMSIM_PAGE_4K)
#define SZ_2M  (1u << VMSIM_PAGE_2M)
#define SZ_1G  (1u << VMSIM_PAGE_1G)
#define SZ_ALL (SZ_4K | SZ_2M | SZ_1G)

#define KIB4 0x1000ULL
#define MIB2 0x200000ULL
#define GIB1 0x40000000ULL

#define FR_2M 512ULL	/* frames in a 2 MiB page */
#define FR_1G 262144ULL /* frames in a 1 GiB page */

enum { L1I = VMSIM_TLB_L1I, L1D = VMSIM_TLB_L1D, L2 = VMSIM_TLB_L2 };

static struct vmsim_tlb_array_cfg acfg(uint32_t entries, uint32_t ways, unsigned sizes,
				       enum vmsim_tlb_repl repl)
{
	struct vmsim_tlb_array_cfg c = {
	    .entries = entries, .ways = ways, .sizes = (uint8_t)sizes, .repl = repl};
	return c;
}

/* A user-writable leaf for frame @pfn, global if @global. */
static uint64_t leaf(pfn_t pfn, bool global)
{
	return pte_make(pfn, PTE_P | PTE_RW | PTE_US | (global ? PTE_G : 0));
}

static pfn_t val_pfn(uint64_t val)
{
	return (val & PTE_PFN_MASK) >> VMSIM_PAGE_SHIFT;
}

static enum vmsim_page_size val_orig(uint64_t val)
{
	return (enum vmsim_page_size)((val & TLB_VAL_ORIG_MASK) >> TLB_VAL_ORIG_SHIFT);
}

/* The physical address a caller computes from a looked-up val and size. */
static paddr_t pa_of(uint64_t val, enum vmsim_page_size ps, vaddr_t va)
{
	return (val & PTE_PFN_MASK) + (va & ((1ULL << vmsim_page_shift(ps)) - 1));
}

/* ---- hierarchy fixture ------------------------------------------------- */

struct fx {
	struct tlb t;					    /* the hierarchy */
	struct vmsim_tlb_level_stats st[VMSIM_TLB_NLEVELS]; /* its counters */
};

struct census {
	uint64_t n[VMSIM_TLB_NLEVELS];	     /* valid entries per level */
	uint64_t smashed[VMSIM_TLB_NLEVELS]; /* of which pieces of larger pages */
};

static void census_fn(enum vmsim_tlb_level lv, uint64_t tag, uint64_t val, void *arg)
{
	struct census *c = arg;
	c->n[lv]++;
	if (val_orig(val) != tlb_tag_size(tag))
		c->smashed[lv]++;
}

static struct census take_census(struct fx *f)
{
	struct census c;
	memset(&c, 0, sizeof(c));
	tlb_for_each(&f->t, census_fn, &c);
	return c;
}

/* The counters agree with the contents: per level, lookups = hits + misses,
 * entries = fills - evictions - invalidations, nsmashed = smashed entries. */
static void check_tlb(struct fx *f)
{
	struct census c = take_census(f);

	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_stats *s = &f->st[l];
		uint64_t hits = 0, fills = 0, evs = 0;

		for (unsigned ps = 0; ps < VMSIM_NPAGE_SIZES; ps++) {
			hits += s->hits[ps];
			fills += s->fills[ps];
			evs += s->evictions[ps];
		}
		assert_int_equal(s->lookups, hits + s->misses);
		assert_int_equal(c.n[l], fills - evs - s->invalidations);
		assert_int_equal(c.smashed[l], f->t.lv[l].nsmashed);
	}
}

static void fx_init(struct fx *f, const struct vmsim_tlb_cfg *cfg)
{
	memset(f, 0, sizeof(*f));
	assert_ok(tlb_init(&f->t, cfg, f->st));
}

static void fx_release(struct fx *f)
{
	check_tlb(f);
	tlb_release(&f->t);
}

/* Data translation of a 4 KiB page; on a miss fill it with frame 0x1000 +
 * vpn, as a walk would. Returns true on a hit. */
static bool touch(struct fx *f, vaddr_t va, pcid_t pcid)
{
	enum vmsim_page_size ps;

	if (tlb_lookup(&f->t, va, pcid, false, &ps))
		return true;
	tlb_fill(&f->t, va, pcid, false, VMSIM_PAGE_4K, leaf(0x1000 + (va >> 12), false));
	return false;
}

static uint64_t *lookup(struct fx *f, vaddr_t va, pcid_t pcid, enum vmsim_page_size *ps)
{
	return tlb_lookup(&f->t, va, pcid, false, ps);
}

/* A config with one L1D array and optionally one L2 array (entries 0: none). */
static struct vmsim_tlb_cfg cfg_l1d_l2(struct vmsim_tlb_array_cfg l1, struct vmsim_tlb_array_cfg l2)
{
	struct vmsim_tlb_cfg c;

	memset(&c, 0, sizeof(c));
	c.level[L1D].narrays = 1;
	c.level[L1D].arrays[0] = l1;
	if (l2.entries) {
		c.level[L2].narrays = 1;
		c.level[L2].arrays[0] = l2;
	}
	return c;
}

static const struct vmsim_tlb_array_cfg NONE = {0};

/* ---- arrays, driven directly ------------------------------------------- */

/* Touch pages 0 .. @npages-1 in a cycle @rounds times through one array,
 * inserting on a miss. Returns all misses; *@warm gets those after round 0. */
static unsigned cyclic_misses(const struct tlb_ops *ops, uint32_t entries, uint32_t ways,
			      unsigned npages, unsigned rounds, unsigned *warm)
{
	struct vmsim_tlb_array_cfg c = acfg(entries, ways, SZ_4K, VMSIM_REPL_LRU);
	void *st = ops->create(&c, 1);
	unsigned misses = 0;
	uint64_t et, ev;

	assert_non_null(st);
	*warm = 0;
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned p = 0; p < npages; p++) {
			uint64_t tag = tlb_tag(p, VMSIM_PAGE_4K, 0);
			uint64_t *v = ops->lookup(st, tag);

			if (v) {
				assert_int_equal(*v, p);
				continue;
			}
			misses++;
			*warm += r > 0;
			ops->insert(st, tag, p, &et, &ev, NULL);
		}
	}
	ops->destroy(st);
	return misses;
}

static void fa_cyclic_over_capacity_misses_every_access(void **state)
{
	unsigned warm;
	(void)state;
	/* 8 entries, 9 pages: LRU always evicts the page needed next */
	assert_int_equal(cyclic_misses(&tlb_fa_ops, 8, 0, 9, 5, &warm), 45);
	assert_int_equal(warm, 36);
}

static void fa_cyclic_within_capacity_hits_after_warmup(void **state)
{
	unsigned warm;
	(void)state;
	assert_int_equal(cyclic_misses(&tlb_fa_ops, 8, 0, 8, 5, &warm), 8);
	assert_int_equal(warm, 0);
}

static void setassoc_one_set_cyclic_over_capacity_misses_every_access(void **state)
{
	unsigned warm;
	(void)state;
	assert_int_equal(cyclic_misses(&tlb_setassoc_ops, 8, 8, 9, 5, &warm), 45);
	assert_int_equal(warm, 36);
	assert_int_equal(cyclic_misses(&tlb_setassoc_ops, 8, 8, 8, 5, &warm), 8);
	assert_int_equal(warm, 0);
}

static void fa_large_array_cyclic_behaves_as_lru(void **state)
{
	unsigned warm;
	(void)state;
	/* the hash index must find every one of 3072 entries */
	assert_int_equal(cyclic_misses(&tlb_fa_ops, 3072, 0, 3073, 3, &warm), 3 * 3073);
	assert_int_equal(cyclic_misses(&tlb_fa_ops, 3072, 0, 3072, 3, &warm), 3072);
	assert_int_equal(warm, 0);
}

static void fa_one_page_in_many_pcids_keeps_every_entry(void **state)
{
	struct vmsim_tlb_array_cfg c = acfg(64, 0, SZ_4K, VMSIM_REPL_LRU);
	void *st = tlb_fa_ops.create(&c, 1);
	uint64_t et = 0, ev = 0;
	(void)state;

	/* one hash chain holds the page in 64 PCIDs */
	for (pcid_t p = 0; p < 64; p++)
		assert_false(
		    tlb_fa_ops.insert(st, tlb_tag(0x42, VMSIM_PAGE_4K, p), p, &et, &ev, NULL));
	for (pcid_t p = 0; p < 64; p++) {
		uint64_t *v = tlb_fa_ops.lookup(st, tlb_tag(0x42, VMSIM_PAGE_4K, p));
		assert_non_null(v);
		assert_int_equal(*v, p);
	}
	assert_null(tlb_fa_ops.lookup(st, tlb_tag(0x42, VMSIM_PAGE_4K, 64)));
	assert_true(tlb_fa_ops.insert(st, tlb_tag(0x42, VMSIM_PAGE_4K, 64), 64, &et, &ev, NULL));
	assert_int_equal(et, tlb_tag(0x42, VMSIM_PAGE_4K, 0)); /* least recently used */
	assert_int_equal(ev, 0);
	assert_int_equal(tlb_fa_ops.remove(st, tlb_tag(0x42, VMSIM_PAGE_4K, 33)), 1);
	assert_int_equal(tlb_fa_ops.remove(st, tlb_tag(0x42, VMSIM_PAGE_4K, 33)), 0);
	assert_null(tlb_fa_ops.lookup(st, tlb_tag(0x42, VMSIM_PAGE_4K, 33)));
	assert_non_null(tlb_fa_ops.lookup(st, tlb_tag(0x42, VMSIM_PAGE_4K, 34)));
	/* the freed slot is reused before anything is evicted */
	assert_false(tlb_fa_ops.insert(st, tlb_tag(0x43, VMSIM_PAGE_4K, 1), 99, &et, &ev, NULL));
	assert_int_equal(*tlb_fa_ops.lookup(st, tlb_tag(0x43, VMSIM_PAGE_4K, 1)), 99);
	tlb_fa_ops.destroy(st);
}

static void fa_hit_refreshes_lru_order(void **state)
{
	/* insert A B C D, touch A and B: the victims are C, D, then A (FIFO
	 * would give A, B, C) */
	struct vmsim_tlb_array_cfg c = acfg(4, 0, SZ_4K, VMSIM_REPL_LRU);
	void *st = tlb_fa_ops.create(&c, 1);
	static const vpn_t want[3] = {0xC, 0xD, 0xA};
	uint64_t et, ev;
	(void)state;

	assert_non_null(st);
	for (vpn_t v = 0xA; v <= 0xD; v++)
		assert_false(tlb_fa_ops.insert(st, tlb_tag(v, 0, 0), v, &et, &ev, NULL));
	assert_non_null(tlb_fa_ops.lookup(st, tlb_tag(0xA, 0, 0)));
	assert_non_null(tlb_fa_ops.lookup(st, tlb_tag(0xB, 0, 0)));
	for (unsigned i = 0; i < 3; i++) {
		assert_true(tlb_fa_ops.insert(st, tlb_tag(0xE + i, 0, 0), 0xE + i, &et, &ev, NULL));
		assert_int_equal(tlb_tag_vpn(et), want[i]);
	}
	tlb_fa_ops.destroy(st);
}

static void setassoc_set_conflict_evicts_lru_way(void **state)
{
	/*
	 * 8 entries, 2 ways, so 4 sets; vpn % 4 picks the set:
	 *   vpn:  0 1 2 3 4 5 6 7 8
	 *   set:  0 1 2 3 0 1 2 3 0     <- 0, 4 and 8 share set 0
	 */
	struct vmsim_tlb_array_cfg c = acfg(8, 2, SZ_4K, VMSIM_REPL_LRU);
	void *st = tlb_setassoc_ops.create(&c, 1);
	uint64_t et = 0, ev = 0;
	(void)state;

	assert_non_null(st);
	assert_false(tlb_setassoc_ops.insert(st, tlb_tag(0, 0, 0), 100, &et, &ev, NULL));
	assert_false(tlb_setassoc_ops.insert(st, tlb_tag(4, 0, 0), 104, &et, &ev, NULL));
	assert_false(tlb_setassoc_ops.insert(st, tlb_tag(1, 0, 0), 101, &et, &ev, NULL));
	assert_non_null(tlb_setassoc_ops.lookup(st, tlb_tag(0, 0, 0))); /* 4 is now LRU */
	assert_true(tlb_setassoc_ops.insert(st, tlb_tag(8, 0, 0), 108, &et, &ev, NULL));
	assert_int_equal(et, tlb_tag(4, 0, 0));
	assert_int_equal(ev, 104);
	assert_non_null(tlb_setassoc_ops.lookup(st, tlb_tag(0, 0, 0)));
	assert_null(tlb_setassoc_ops.lookup(st, tlb_tag(4, 0, 0)));
	assert_int_equal(*tlb_setassoc_ops.lookup(st, tlb_tag(8, 0, 0)), 108);
	assert_int_equal(*tlb_setassoc_ops.lookup(st, tlb_tag(1, 0, 0)), 101); /* set 1 untouched */
	tlb_setassoc_ops.destroy(st);
}

/* Insert A..D into a 4-way PLRU set, then E..H: the victims are A, C, B, D
 * (true LRU would give A, B, C, D). */
static void check_plru_sequence(const struct tlb_ops *ops, uint32_t ways_cfg)
{
	struct vmsim_tlb_array_cfg c = acfg(4, ways_cfg, SZ_4K, VMSIM_REPL_PLRU);
	void *st = ops->create(&c, 1);
	static const vpn_t want[4] = {0xA, 0xC, 0xB, 0xD};
	uint64_t et, ev;

	assert_non_null(st);
	for (vpn_t v = 0xA; v <= 0xD; v++)
		assert_false(ops->insert(st, tlb_tag(v, 0, 0), v, &et, &ev, NULL));
	for (unsigned i = 0; i < 4; i++) {
		assert_true(ops->insert(st, tlb_tag(0xE + i, 0, 0), 0xE + i, &et, &ev, NULL));
		assert_int_equal(et, tlb_tag(want[i], 0, 0));
		assert_int_equal(ev, want[i]);
	}
	ops->destroy(st);
}

static void setassoc_plru_victims_match_known_sequence(void **state)
{
	(void)state;
	check_plru_sequence(&tlb_setassoc_ops, 4);
}

static void fa_plru_victims_match_known_sequence(void **state)
{
	(void)state;
	check_plru_sequence(&tlb_fa_ops, 0);
}

static void plru_ways_not_power_of_two_create_returns_null(void **state)
{
	struct vmsim_tlb_array_cfg sa = acfg(24, 12, SZ_4K, VMSIM_REPL_PLRU);
	struct vmsim_tlb_array_cfg fa = acfg(12, 0, SZ_4K, VMSIM_REPL_PLRU);
	(void)state;
	assert_null(tlb_setassoc_ops.create(&sa, 1));
	assert_null(tlb_fa_ops.create(&fa, 1));
}

/* Evicted tags of 40 inserts of distinct pages into an 8-entry RANDOM array. */
static void random_victims(const struct tlb_ops *ops, uint32_t ways, uint64_t seed,
			   uint64_t out[32])
{
	struct vmsim_tlb_array_cfg c = acfg(8, ways, SZ_4K, VMSIM_REPL_RANDOM);
	void *st = ops->create(&c, seed);
	uint64_t et, ev;
	unsigned n = 0;

	assert_non_null(st);
	for (vpn_t v = 0; v < 40; v++)
		if (ops->insert(st, tlb_tag(v, 0, 0), v, &et, &ev, NULL))
			out[n++] = tlb_tag_vpn(et);
	assert_int_equal(n, 32); /* the first 8 fill free ways */
	ops->destroy(st);
}

static void random_replacement_same_seed_same_victims(void **state)
{
	const struct tlb_ops *ops[2] = {&tlb_setassoc_ops, &tlb_fa_ops};
	(void)state;

	for (unsigned i = 0; i < 2; i++) {
		uint64_t a[32], b[32], c[32];
		bool lru_order = true;

		random_victims(ops[i], 8, 42, a);
		random_victims(ops[i], 8, 42, b);
		random_victims(ops[i], 8, 7, c);
		assert_memory_equal(a, b, sizeof(a));
		assert_memory_not_equal(a, c, sizeof(a));
		for (unsigned k = 0; k < 8; k++)
			lru_order &= a[k] == k;
		assert_false(lru_order);
	}
}

/* ---- the hierarchy ------------------------------------------------------ */

static void tlb_cyclic_over_l1_capacity_counts_every_miss(void **state)
{
	struct vmsim_tlb_cfg cfg = cfg_l1d_l2(acfg(8, 0, SZ_4K, VMSIM_REPL_LRU), NONE);
	struct fx f;
	(void)state;

	fx_init(&f, &cfg);
	for (unsigned r = 0; r < 5; r++)
		for (vpn_t p = 0; p < 9; p++)
			assert_false(touch(&f, p * KIB4, 0));
	assert_int_equal(f.st[L1D].lookups, 45);
	assert_int_equal(f.st[L1D].misses, 45);
	assert_int_equal(f.st[L1D].fills[VMSIM_PAGE_4K], 45);
	assert_int_equal(f.st[L1D].evictions[VMSIM_PAGE_4K], 37);
	assert_int_equal(f.st[L2].lookups, 0); /* no L2 */
	for (vpn_t p = 1; p < 9; p++)
		assert_true(touch(&f, p * KIB4, 0));
	assert_int_equal(f.st[L1D].hits[VMSIM_PAGE_4K], 8);
	fx_release(&f);
}

static void tlb_pcids_same_vpn_keep_separate_entries(void **state)
{
	struct vmsim_tlb_array_cfg l1s[2] = {acfg(8, 0, SZ_4K, VMSIM_REPL_LRU),
					     acfg(8, 4, SZ_4K, VMSIM_REPL_LRU)};
	(void)state;

	for (unsigned i = 0; i < 2; i++) {
		struct vmsim_tlb_cfg cfg = cfg_l1d_l2(l1s[i], NONE);
		vaddr_t va = 0x400123;
		enum vmsim_page_size ps;
		struct fx f;
		uint64_t *v;

		fx_init(&f, &cfg);
		tlb_fill(&f.t, va, 1, false, VMSIM_PAGE_4K, leaf(100, false));
		tlb_fill(&f.t, va, 2, false, VMSIM_PAGE_4K, leaf(200, false));
		assert_int_equal(take_census(&f).n[L1D], 2);
		v = lookup(&f, va, 1, &ps);
		assert_non_null(v);
		assert_int_equal(val_pfn(*v), 100);
		v = lookup(&f, va, 2, &ps);
		assert_non_null(v);
		assert_int_equal(val_pfn(*v), 200);
		assert_null(lookup(&f, va, 3, &ps));
		fx_release(&f);
	}
}

static void tlb_global_entry_hits_any_pcid_and_survives_keep_global_flushes(void **state)
{
	struct vmsim_tlb_cfg cfg =
	    cfg_l1d_l2(acfg(8, 4, SZ_4K, VMSIM_REPL_LRU), acfg(32, 4, SZ_4K, VMSIM_REPL_LRU));
	vaddr_t vg = 0xffff800000001000ULL, vn = 0x7000;
	enum vmsim_page_size ps;
	struct fx f;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, vg, 1, false, VMSIM_PAGE_4K, leaf(300, true));
	tlb_fill(&f.t, vn, 1, false, VMSIM_PAGE_4K, leaf(400, false));
	for (pcid_t p = 0; p <= VMSIM_PCID_MAX; p += 455)
		assert_int_equal(val_pfn(*lookup(&f, vg, p, &ps)), 300);
	assert_null(lookup(&f, vn, 2, &ps));

	assert_int_equal(tlb_flush_pcid(&f.t, 1, true), 2); /* vn in L1D and L2 */
	assert_null(lookup(&f, vn, 1, &ps));
	assert_non_null(lookup(&f, vg, 7, &ps));
	assert_int_equal(tlb_flush_all(&f.t, true), 0);
	assert_non_null(lookup(&f, vg, 7, &ps));
	assert_int_equal(tlb_flush_all(&f.t, false), 2);
	assert_null(lookup(&f, vg, 7, &ps));

	/* flush_pcid without keep_global drops global entries too */
	tlb_fill(&f.t, vg, 1, false, VMSIM_PAGE_4K, leaf(300, true));
	assert_int_equal(tlb_flush_pcid(&f.t, 9, false), 2);
	assert_null(lookup(&f, vg, 1, &ps));
	assert_int_equal(f.st[L1D].invalidations, 3);
	assert_int_equal(f.st[L2].invalidations, 3);
	fx_release(&f);
}

static void tlb_invlpg_removes_only_that_page(void **state)
{
	/*
	 *   page     0x10  0x11  0x12     0x20
	 *   pcid 1    A     B     C
	 *   pcid 2    D           E
	 *   global                         G
	 * INVLPG(0x11, pcid 1) removes B in L1D and L2, nothing else;
	 * INVLPG(0x20, pcid 5) removes G: global entries answer any PCID.
	 */
	struct vmsim_tlb_cfg cfg = cfg_l1d_l2(acfg(16, 0, SZ_4K, VMSIM_REPL_LRU),
					      acfg(64, 4, SZ_4K | SZ_2M, VMSIM_REPL_LRU));
	enum vmsim_page_size ps;
	struct fx f;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, 0x10 * KIB4, 1, false, VMSIM_PAGE_4K, leaf(1, false));
	tlb_fill(&f.t, 0x11 * KIB4, 1, false, VMSIM_PAGE_4K, leaf(2, false));
	tlb_fill(&f.t, 0x12 * KIB4, 1, false, VMSIM_PAGE_4K, leaf(3, false));
	tlb_fill(&f.t, 0x10 * KIB4, 2, false, VMSIM_PAGE_4K, leaf(4, false));
	tlb_fill(&f.t, 0x12 * KIB4, 2, false, VMSIM_PAGE_4K, leaf(5, false));
	tlb_fill(&f.t, 0x20 * KIB4, 1, false, VMSIM_PAGE_4K, leaf(6, true));
	assert_int_equal(take_census(&f).n[L1D], 6);

	assert_int_equal(tlb_invlpg(&f.t, 0x11 * KIB4 + 0x80, 1), 2);
	assert_int_equal(take_census(&f).n[L1D], 5);
	assert_int_equal(take_census(&f).n[L2], 5);
	assert_null(lookup(&f, 0x11 * KIB4, 1, &ps));
	assert_int_equal(val_pfn(*lookup(&f, 0x10 * KIB4, 1, &ps)), 1);
	assert_int_equal(val_pfn(*lookup(&f, 0x12 * KIB4, 1, &ps)), 3);
	assert_int_equal(val_pfn(*lookup(&f, 0x10 * KIB4, 2, &ps)), 4);
	assert_int_equal(val_pfn(*lookup(&f, 0x12 * KIB4, 2, &ps)), 5);

	/* another PCID's page: INVLPG for pcid 1 leaves pcid 2's entry */
	assert_int_equal(tlb_invlpg(&f.t, 0x10 * KIB4, 1), 2);
	assert_int_equal(val_pfn(*lookup(&f, 0x10 * KIB4, 2, &ps)), 4);

	assert_int_equal(tlb_invlpg(&f.t, 0x20 * KIB4, 5), 2);
	assert_null(lookup(&f, 0x20 * KIB4, 1, &ps));
	assert_int_equal(tlb_invlpg(&f.t, 0x30 * KIB4, 1), 0);
	assert_int_equal(f.st[L1D].invalidations, 3);
	fx_release(&f);
}

static void tlb_2m_entry_answers_all_512_small_pages(void **state)
{
	struct vmsim_tlb_cfg cfg;
	const vaddr_t base = 3 * GIB1 + 5 * MIB2;
	const pfn_t pfn = 0x1234 * FR_2M;
	enum vmsim_page_size ps;
	struct fx f;
	(void)state;

	memset(&cfg, 0, sizeof(cfg));
	cfg.level[L1D].narrays = 2;
	cfg.level[L1D].arrays[0] = acfg(16, 4, SZ_4K, VMSIM_REPL_LRU);
	cfg.level[L1D].arrays[1] = acfg(8, 0, SZ_2M, VMSIM_REPL_LRU);
	fx_init(&f, &cfg);
	tlb_fill(&f.t, base + 0x5000, 0, false, VMSIM_PAGE_2M, leaf(pfn, false));
	for (unsigned i = 0; i < 512; i++) {
		vaddr_t va = base + i * KIB4 + 0x123;
		uint64_t *v = lookup(&f, va, 0, &ps);

		assert_non_null(v);
		assert_int_equal(ps, VMSIM_PAGE_2M);
		assert_int_equal(pa_of(*v, ps, va), (pfn << 12) + i * KIB4 + 0x123);
	}
	assert_null(lookup(&f, base + MIB2, 0, &ps));
	assert_null(lookup(&f, base - KIB4, 0, &ps));
	assert_int_equal(f.st[L1D].hits[VMSIM_PAGE_2M], 512);
	assert_int_equal(f.st[L1D].misses, 2);
	fx_release(&f);
}

/* L1D with 4K and 2M arrays and no 1G one, no L2. */
static struct vmsim_tlb_cfg cfg_no_1g(void)
{
	struct vmsim_tlb_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.level[L1D].narrays = 2;
	cfg.level[L1D].arrays[0] = acfg(16, 4, SZ_4K, VMSIM_REPL_LRU);
	cfg.level[L1D].arrays[1] = acfg(8, 0, SZ_2M, VMSIM_REPL_LRU);
	return cfg;
}

static void tlb_1g_fill_without_1g_array_smashes_to_2m_piece(void **state)
{
	/*
	 * A 1 GiB page at 3 GiB, frame B; va falls in its 2 MiB piece 7:
	 *   piece   0   1  ...  7  ...  511
	 *                       ^ va = 3 GiB + 7 * 2 MiB + 0x1234
	 * L1D caches piece 7 alone, at frame B + 7 * 512.
	 */
	struct vmsim_tlb_cfg cfg = cfg_no_1g();
	const vaddr_t g = 3 * GIB1, va = g + 7 * MIB2 + 0x1234;
	const pfn_t b = 5 * FR_1G;
	enum vmsim_page_size ps;
	struct fx f;
	uint64_t *v;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, va, 0, false, VMSIM_PAGE_1G, leaf(b, false));
	v = lookup(&f, va, 0, &ps);
	assert_non_null(v);
	assert_int_equal(ps, VMSIM_PAGE_2M);
	assert_int_equal(val_pfn(*v), b + 7 * FR_2M);
	assert_int_equal(val_orig(*v), VMSIM_PAGE_1G);
	assert_int_equal(pa_of(*v, ps, va), (b << 12) + (va - g));
	assert_non_null(lookup(&f, g + 7 * MIB2 + MIB2 - 1, 0, &ps));
	assert_null(lookup(&f, g + 8 * MIB2, 0, &ps)); /* piece 8 was never cached */
	assert_int_equal(f.t.lv[L1D].nsmashed, 1);
	assert_int_equal(f.st[L1D].fills[VMSIM_PAGE_2M], 1);
	fx_release(&f);
}

static void tlb_1g_fill_with_only_4k_array_smashes_to_4k_piece(void **state)
{
	struct vmsim_tlb_cfg cfg = cfg_l1d_l2(acfg(8, 0, SZ_4K, VMSIM_REPL_LRU), NONE);
	const vaddr_t g = GIB1, va = g + 0x12345678;
	const pfn_t b = 3 * FR_1G;
	enum vmsim_page_size ps;
	struct fx f;
	uint64_t *v;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, va, 0, false, VMSIM_PAGE_1G, leaf(b, false));
	v = lookup(&f, va, 0, &ps);
	assert_non_null(v);
	assert_int_equal(ps, VMSIM_PAGE_4K);
	assert_int_equal(val_pfn(*v), b + 0x12345);
	assert_int_equal(pa_of(*v, ps, va), (b << 12) + 0x12345678);
	assert_null(lookup(&f, va + KIB4, 0, &ps));
	fx_release(&f);
}

static void tlb_invlpg_anywhere_in_smashed_page_removes_piece(void **state)
{
	struct vmsim_tlb_cfg cfg = cfg_no_1g();
	const vaddr_t g = 3 * GIB1, va = g + 7 * MIB2 + 0x1234;
	const vaddr_t small = 0x7000; /* a 4 KiB page in two PCIDs */
	enum vmsim_page_size ps;
	struct fx f;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, va, 1, false, VMSIM_PAGE_1G, leaf(5 * FR_1G, false));
	tlb_fill(&f.t, small, 1, false, VMSIM_PAGE_4K, leaf(10, false));
	tlb_fill(&f.t, small, 2, false, VMSIM_PAGE_4K, leaf(11, false));

	/* outside the 1 GiB page, or another PCID: the piece stays */
	assert_int_equal(tlb_invlpg(&f.t, g + GIB1, 1), 0);
	assert_int_equal(tlb_invlpg(&f.t, g + 300 * MIB2, 2), 0);
	assert_non_null(lookup(&f, va, 1, &ps));
	/* with smashed entries present INVLPG still takes one small page only */
	assert_int_equal(tlb_invlpg(&f.t, small, 1), 1);
	assert_non_null(lookup(&f, small, 2, &ps));
	/* another 2 MiB piece of the same 1 GiB page: the cached piece goes */
	assert_int_equal(tlb_invlpg(&f.t, g + 300 * MIB2 + 5, 1), 1);
	assert_null(lookup(&f, va, 1, &ps));
	assert_int_equal(f.t.lv[L1D].nsmashed, 0);
	fx_release(&f);
}

static void tlb_smashed_evictions_and_flushes_keep_nsmashed_exact(void **state)
{
	struct vmsim_tlb_cfg cfg = cfg_l1d_l2(acfg(2, 0, SZ_2M, VMSIM_REPL_LRU), NONE);
	struct fx f;
	(void)state;

	fx_init(&f, &cfg);
	for (unsigned i = 0; i < 3; i++) /* three 1 GiB pages, pieces in 2 entries */
		tlb_fill(&f.t, i * GIB1, 0, false, VMSIM_PAGE_1G, leaf((i + 1) * FR_1G, false));
	assert_int_equal(f.t.lv[L1D].nsmashed, 2);
	assert_int_equal(f.st[L1D].evictions[VMSIM_PAGE_2M], 1);
	check_tlb(&f);
	assert_int_equal(tlb_flush_all(&f.t, false), 2);
	assert_int_equal(f.t.lv[L1D].nsmashed, 0);
	fx_release(&f);
}

static void tlb_l2_hit_refills_l1(void **state)
{
	struct vmsim_tlb_cfg cfg =
	    cfg_l1d_l2(acfg(2, 0, SZ_4K, VMSIM_REPL_LRU), acfg(16, 4, SZ_4K, VMSIM_REPL_LRU));
	enum vmsim_page_size ps;
	struct fx f;
	uint64_t *v;
	(void)state;

	fx_init(&f, &cfg);
	for (vpn_t p = 0; p < 3; p++)
		assert_false(touch(&f, p * KIB4, 0)); /* L1D keeps pages 1, 2 */
	v = lookup(&f, 0, 0, &ps);		      /* L1D miss, L2 hit, refill */
	assert_non_null(v);
	assert_int_equal(ps, VMSIM_PAGE_4K);
	assert_int_equal(val_pfn(*v), 0x1000);
	assert_true(touch(&f, 0, 0)); /* now an L1D hit */
	assert_true(touch(&f, 1 * KIB4, 0));

	assert_int_equal(f.st[L1D].lookups, 6);
	assert_int_equal(f.st[L1D].hits[VMSIM_PAGE_4K], 1);
	assert_int_equal(f.st[L1D].misses, 5);
	assert_int_equal(f.st[L1D].fills[VMSIM_PAGE_4K], 5);
	assert_int_equal(f.st[L1D].evictions[VMSIM_PAGE_4K], 3);
	assert_int_equal(f.st[L2].lookups, 5);
	assert_int_equal(f.st[L2].hits[VMSIM_PAGE_4K], 2);
	assert_int_equal(f.st[L2].misses, 3);
	assert_int_equal(f.st[L2].fills[VMSIM_PAGE_4K], 3);
	assert_int_equal(f.st[L2].evictions[VMSIM_PAGE_4K], 0);
	fx_release(&f);
}

static void tlb_l2_smashed_piece_reloads_l1_as_whole_page(void **state)
{
	/* Zen-like: L1D holds 1G, L2 only 4K and 2M */
	struct vmsim_tlb_cfg cfg = cfg_l1d_l2(acfg(1, 0, SZ_ALL, VMSIM_REPL_LRU),
					      acfg(64, 4, SZ_4K | SZ_2M, VMSIM_REPL_LRU));
	const vaddr_t g = 2 * GIB1;
	const pfn_t b = 9 * FR_1G;
	enum vmsim_page_size ps;
	struct fx f;
	uint64_t *v;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, g + 5 * MIB2 + 0x10, 0, false, VMSIM_PAGE_1G, leaf(b, false));
	assert_int_equal(f.t.lv[L1D].nsmashed, 0);
	assert_int_equal(f.t.lv[L2].nsmashed, 1);
	assert_false(touch(&f, 0x1000, 0)); /* evicts the 1G entry from L1D */

	v = lookup(&f, g + 5 * MIB2 + 0x999, 0, &ps);
	assert_non_null(v);
	assert_int_equal(ps, VMSIM_PAGE_1G);
	assert_int_equal(val_pfn(*v), b);
	assert_int_equal(f.st[L2].hits[VMSIM_PAGE_2M], 1);
	assert_int_equal(f.st[L1D].fills[VMSIM_PAGE_1G], 2);
	v = lookup(&f, g + 100 * MIB2 + 7, 0, &ps); /* any piece: an L1D hit now */
	assert_non_null(v);
	assert_int_equal(pa_of(*v, ps, g + 100 * MIB2 + 7), (b << 12) + 100 * MIB2 + 7);
	assert_int_equal(f.st[L1D].hits[VMSIM_PAGE_1G], 1);
	fx_release(&f);
}

static void tlb_l1_without_a_fitting_size_serves_from_l2(void **state)
{
	struct vmsim_tlb_cfg cfg =
	    cfg_l1d_l2(acfg(8, 0, SZ_2M, VMSIM_REPL_LRU), acfg(16, 4, SZ_4K, VMSIM_REPL_LRU));
	enum vmsim_page_size ps;
	struct fx f;
	uint64_t *v;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, 0x5000, 0, false, VMSIM_PAGE_4K, leaf(77, false));
	assert_int_equal(take_census(&f).n[L1D], 0);
	v = lookup(&f, 0x5000, 0, &ps);
	assert_non_null(v);
	assert_int_equal(ps, VMSIM_PAGE_4K);
	*v |= PTE_D; /* the pointer is L2's entry */
	assert_true((*lookup(&f, 0x5000, 0, &ps) & PTE_D) != 0);
	assert_int_equal(f.st[L1D].fills[VMSIM_PAGE_4K], 0);
	assert_int_equal(f.st[L2].hits[VMSIM_PAGE_4K], 2);
	fx_release(&f);
}

static void tlb_fill_of_cached_page_keeps_one_entry(void **state)
{
	struct vmsim_tlb_cfg cfg =
	    cfg_l1d_l2(acfg(8, 0, SZ_4K, VMSIM_REPL_LRU), acfg(16, 4, SZ_4K, VMSIM_REPL_LRU));
	enum vmsim_page_size ps;
	struct fx f;
	(void)state;

	fx_init(&f, &cfg);
	tlb_fill(&f.t, 0x9000, 1, false, VMSIM_PAGE_4K, leaf(5, false));
	tlb_fill(&f.t, 0x9000, 1, false, VMSIM_PAGE_4K, leaf(5, false) | PTE_D);
	assert_int_equal(take_census(&f).n[L1D], 1);
	assert_int_equal(take_census(&f).n[L2], 1);
	assert_int_equal(f.st[L1D].fills[VMSIM_PAGE_4K], 1);
	assert_true((*lookup(&f, 0x9000, 1, &ps) & PTE_D) != 0);
	/* the refill makes it global: it displaces the old entry */
	tlb_fill(&f.t, 0x9000, 1, false, VMSIM_PAGE_4K, leaf(5, true));
	assert_int_equal(take_census(&f).n[L1D], 1);
	assert_int_equal(f.st[L1D].fills[VMSIM_PAGE_4K], 2);
	assert_int_equal(f.st[L1D].evictions[VMSIM_PAGE_4K], 1);
	assert_non_null(lookup(&f, 0x9000, 3, &ps));
	fx_release(&f);
}

static void tlb_fetch_uses_l1i_else_l1d(void **state)
{
	struct vmsim_tlb_cfg cfg = cfg_l1d_l2(acfg(4, 0, SZ_4K, VMSIM_REPL_LRU), NONE);
	enum vmsim_page_size ps;
	struct fx f;
	(void)state;

	cfg.level[L1I].narrays = 1;
	cfg.level[L1I].arrays[0] = acfg(4, 0, SZ_4K, VMSIM_REPL_LRU);
	fx_init(&f, &cfg);
	tlb_fill(&f.t, 0x400000, 0, true, VMSIM_PAGE_4K, leaf(1, false));
	assert_int_equal(take_census(&f).n[L1I], 1);
	assert_int_equal(take_census(&f).n[L1D], 0);
	assert_null(tlb_lookup(&f.t, 0x400000, 0, false, &ps));
	assert_non_null(tlb_lookup(&f.t, 0x400000, 0, true, &ps));
	assert_int_equal(f.st[L1I].hits[VMSIM_PAGE_4K], 1);
	fx_release(&f);

	cfg.level[L1I].narrays = 0; /* no L1I: fetches use L1D */
	fx_init(&f, &cfg);
	tlb_fill(&f.t, 0x400000, 0, true, VMSIM_PAGE_4K, leaf(1, false));
	assert_non_null(tlb_lookup(&f.t, 0x400000, 0, true, &ps));
	assert_int_equal(f.st[L1D].hits[VMSIM_PAGE_4K], 1);
	assert_int_equal(f.st[L1I].lookups, 0);
	fx_release(&f);
}

/* ---- presets and geometry ---------------------------------------------- */

static void presets_all_load_and_pass_tlb_init(void **state)
{
	const char *const *names = vmsim_cpu_preset_names();
	unsigned n = 0;
	(void)state;

	for (; names[n]; n++) {
		struct vmsim_mmu_cfg cfg;
		enum vmsim_page_size ps;
		struct fx f;

		assert_ok(vmsim_cpu_preset(names[n], &cfg));
		assert_string_equal(cfg.cpu, names[n]);
		assert_int_equal(cfg.levels, 4);
		assert_non_null(vmsim_cpu_preset_describe(names[n]));
		fx_init(&f, &cfg.tlb);
		/* every size translates through L1D */
		for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++) {
			vaddr_t va = (s + 1) * GIB1 + 0x1000;
			tlb_fill(&f.t, va, 0, false, (enum vmsim_page_size)s,
				 leaf((s + 1) * FR_1G, false));
			assert_non_null(lookup(&f, va, 0, &ps));
		}
		fx_release(&f);
	}
	assert_int_equal(n, 3);
}

static void presets_match_documented_geometry(void **state)
{
	struct vmsim_mmu_cfg cfg;
	struct fx f;
	(void)state;

	assert_ok(vmsim_cpu_preset("seed", &cfg));
	assert_int_equal(cfg.tlb.level[L1D].narrays, 1);
	assert_int_equal(cfg.tlb.level[L1D].arrays[0].entries, 64);
	assert_int_equal(cfg.tlb.level[L1D].arrays[0].sizes, SZ_4K);
	assert_int_equal(cfg.tlb.level[L1I].narrays + cfg.tlb.level[L2].narrays, 0);
	assert_false(cfg.pcid);
	assert_false(cfg.pwc);
	assert_int_equal(cfg.maxphyaddr, 46);
	fx_init(&f, &cfg.tlb);
	assert_ptr_equal(f.t.lv[L1D].arr[0].ops, &tlb_fa_ops);
	fx_release(&f);

	assert_ok(vmsim_cpu_preset("skylake", &cfg));
	assert_true(cfg.pcid && cfg.pwc);
	assert_int_equal(cfg.maxphyaddr, 39);
	assert_int_equal(cfg.pwc_cfg.entries[2], 32);
	assert_int_equal(cfg.pwc_cfg.entries[3], 4);
	assert_int_equal(cfg.pwc_cfg.entries[4], 2);
	fx_init(&f, &cfg.tlb);
	assert_ptr_equal(f.t.lv[L2].arr[f.t.lv[L2].array_for[VMSIM_PAGE_2M]].ops,
			 &tlb_setassoc_ops);
	assert_int_equal(f.t.lv[L2].array_for[VMSIM_PAGE_4K], f.t.lv[L2].array_for[VMSIM_PAGE_2M]);
	assert_int_equal(f.t.lv[L2].arr[0].cfg.entries, 1536);
	assert_int_equal(f.t.lv[L2].arr[0].cfg.ways, 12);
	assert_ptr_equal(f.t.lv[L1D].arr[f.t.lv[L1D].array_for[VMSIM_PAGE_1G]].ops, &tlb_fa_ops);
	assert_int_equal(f.t.lv[L1I].array_for[VMSIM_PAGE_1G], -1);
	fx_release(&f);

	assert_ok(vmsim_cpu_preset("zen4", &cfg));
	assert_true(cfg.pcid && cfg.pwc);
	assert_int_equal(cfg.maxphyaddr, 48);
	assert_int_equal(cfg.pwc_cfg.entries[2], 64);
	assert_int_equal(cfg.pwc_cfg.entries[3] + cfg.pwc_cfg.entries[4], 64);
	fx_init(&f, &cfg.tlb);
	assert_int_equal(f.t.lv[L1D].arr[0].cfg.entries, 72);
	assert_ptr_equal(f.t.lv[L1D].arr[0].ops, &tlb_fa_ops);
	assert_int_equal(f.t.lv[L2].arr[0].cfg.entries, 3072);
	assert_int_equal(f.t.lv[L2].arr[0].cfg.ways, 24);
	assert_int_equal(f.t.lv[L2].array_for[VMSIM_PAGE_1G], -1);
	tlb_fill(&f.t, GIB1, 0, false, VMSIM_PAGE_1G, leaf(FR_1G, false));
	assert_int_equal(f.t.lv[L2].nsmashed, 1); /* 1 GiB pages smashed in the L2 DTLB */
	fx_release(&f);
}

static void presets_unknown_name_rejected_cfg_untouched(void **state)
{
	struct vmsim_mmu_cfg cfg, before;
	(void)state;

	memset(&cfg, 0x5a, sizeof(cfg));
	before = cfg;
	assert_int_equal(vmsim_cpu_preset("pentium", &cfg), VMSIM_EINVAL);
	assert_int_equal(vmsim_cpu_preset(NULL, &cfg), VMSIM_EINVAL);
	assert_memory_equal(&cfg, &before, sizeof(cfg));
	assert_null(vmsim_cpu_preset_describe("pentium"));
}

static void tlb_init_bad_geometry_rejected_einval(void **state)
{
	static const struct {
		struct vmsim_tlb_array_cfg a, b; /* L1D arrays; b.entries 0: one array */
	} bad[] = {
	    {{.entries = 10, .ways = 4, .sizes = SZ_4K}, {0}}, /* entries % ways */
	    {{.entries = 48, .ways = 4, .sizes = SZ_4K}, {0}}, /* 12 sets */
	    {{.entries = 4, .ways = 8, .sizes = SZ_4K}, {0}},  /* ways > entries */
	    {{.entries = 8, .ways = 4, .sizes = 0}, {0}},      /* holds nothing */
	    {{.entries = 8, .ways = 4, .sizes = 8}, {0}},      /* no such size */
	    {{.entries = 24, .ways = 12, .sizes = SZ_4K, .repl = VMSIM_REPL_PLRU}, {0}},
	    {{.entries = 12, .ways = 0, .sizes = SZ_4K, .repl = VMSIM_REPL_PLRU}, {0}},
	    {{.entries = 8, .ways = 4, .sizes = SZ_4K, .repl = (enum vmsim_tlb_repl)9}, {0}},
	    {{.entries = 1u << 24, .ways = 0, .sizes = SZ_4K}, {0}},
	    {{.entries = 8, .ways = 4, .sizes = SZ_4K},
	     {.entries = 8, .ways = 4, .sizes = SZ_4K | SZ_2M}}, /* 4K held twice */
	};
	struct vmsim_tlb_level_stats st[VMSIM_TLB_NLEVELS];
	struct vmsim_tlb_cfg cfg;
	struct tlb t;
	(void)state;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.level[L1D].narrays = bad[i].b.entries ? 2 : 1;
		cfg.level[L1D].arrays[0] = bad[i].a;
		cfg.level[L1D].arrays[1] = bad[i].b;
		assert_int_equal(tlb_init(&t, &cfg, st), VMSIM_EINVAL);
		assert_int_equal(t.lv[L1D].narrays, 0);
		tlb_release(&t);
	}

	memset(&cfg, 0, sizeof(cfg)); /* L1D absent */
	cfg.level[L2].narrays = 1;
	cfg.level[L2].arrays[0] = acfg(16, 4, SZ_4K, VMSIM_REPL_LRU);
	assert_int_equal(tlb_init(&t, &cfg, st), VMSIM_EINVAL);
	cfg.level[L1D].narrays = VMSIM_TLB_MAX_ARRAYS + 1;
	assert_int_equal(tlb_init(&t, &cfg, st), VMSIM_EINVAL);
	assert_int_equal(tlb_init(&t, NULL, st), VMSIM_EINVAL);

	/* the good neighbours of the bad ones pass */
	cfg.level[L1D].narrays = 2;
	cfg.level[L1D].arrays[0] = acfg(1536, 12, SZ_4K | SZ_2M, VMSIM_REPL_LRU);
	cfg.level[L1D].arrays[1] = acfg(16, 4, SZ_1G, VMSIM_REPL_PLRU);
	assert_ok(tlb_init(&t, &cfg, st));
	tlb_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fa_cyclic_over_capacity_misses_every_access),
	    cmocka_unit_test(fa_cyclic_within_capacity_hits_after_warmup),
	    cmocka_unit_test(setassoc_one_set_cyclic_over_capacity_misses_every_access),
	    cmocka_unit_test(fa_large_array_cyclic_behaves_as_lru),
	    cmocka_unit_test(fa_one_page_in_many_pcids_keeps_every_entry),
	    cmocka_unit_test(fa_hit_refreshes_lru_order),
	    cmocka_unit_test(setassoc_set_conflict_evicts_lru_way),
	    cmocka_unit_test(setassoc_plru_victims_match_known_sequence),
	    cmocka_unit_test(fa_plru_victims_match_known_sequence),
	    cmocka_unit_test(plru_ways_not_power_of_two_create_returns_null),
	    cmocka_unit_test(random_replacement_same_seed_same_victims),
	    cmocka_unit_test(tlb_cyclic_over_l1_capacity_counts_every_miss),
	    cmocka_unit_test(tlb_pcids_same_vpn_keep_separate_entries),
	    cmocka_unit_test(tlb_global_entry_hits_any_pcid_and_survives_keep_global_flushes),
	    cmocka_unit_test(tlb_invlpg_removes_only_that_page),
	    cmocka_unit_test(tlb_2m_entry_answers_all_512_small_pages),
	    cmocka_unit_test(tlb_1g_fill_without_1g_array_smashes_to_2m_piece),
	    cmocka_unit_test(tlb_1g_fill_with_only_4k_array_smashes_to_4k_piece),
	    cmocka_unit_test(tlb_invlpg_anywhere_in_smashed_page_removes_piece),
	    cmocka_unit_test(tlb_smashed_evictions_and_flushes_keep_nsmashed_exact),
	    cmocka_unit_test(tlb_l2_hit_refills_l1),
	    cmocka_unit_test(tlb_l2_smashed_piece_reloads_l1_as_whole_page),
	    cmocka_unit_test(tlb_l1_without_a_fitting_size_serves_from_l2),
	    cmocka_unit_test(tlb_fill_of_cached_page_keeps_one_entry),
	    cmocka_unit_test(tlb_fetch_uses_l1i_else_l1d),
	    cmocka_unit_test(presets_all_load_and_pass_tlb_init),
	    cmocka_unit_test(presets_match_documented_geometry),
	    cmocka_unit_test(presets_unknown_name_rejected_cfg_untouched),
	    cmocka_unit_test(tlb_init_bad_geometry_rejected_einval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
