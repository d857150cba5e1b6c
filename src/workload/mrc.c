/*
 * One-pass LRU miss-ratio curves (the definition is in mrc.h).
 *
 * Time is compacted: each tracked page holds one mark, at the time index of
 * its last reference, in 0 .. tcap-1. owner[t] is the map slot of the page
 * whose mark may be at t (stale when that page moved on; the map's value
 * tells). When the next time index would be tcap, the live marks are
 * renumbered 0 .. live-1 in order and the tree is rebuilt, in O(tcap);
 * tcap stays at least twice the live marks, so that is amortised O(1).
 *
 *	time:   0 1 2 3 4 5 6 7      marks of pages a b c (1 = live)
 *	marks:  0 1 0 0 1 0 1 .      ref to the page marked at 1:
 *	                             distance = 1 + marks after 1 = 3
 *
 * The tree is a Fenwick tree over the marks: prefix(i) is the number of
 * marks at indices below i, in O(log tcap) reads; moving a mark is two
 * O(log tcap) updates. Nothing is allocated per reference except when a
 * page is new and a table must grow.
 */
#include "workload/mrc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "workload/paging_map.h"

#define PREFETCH  16	     /* references between a slot's prefetch and its probe */
#define MIN_TCAP  1024	     /* smallest time axis */
#define MAX_MARKS (1u << 30) /* tracked pages the 32-bit tree can hold */

struct mrc {
	struct pmap map;  /* tracked page -> time index of its mark */
	uint32_t *tree;	  /* Fenwick tree over marks, tree[1 .. tcap] */
	uint32_t *owner;  /* owner[t]: map slot of the page marked at t (or stale) */
	size_t tcap;	  /* time indices before the next compaction */
	size_t t;	  /* next time index */
	size_t live;	  /* tracked pages (= live marks) */
	uint64_t *hist;	  /* hist[d]: references with stack distance d (d >= 1) */
	size_t hcap;	  /* entries of hist */
	uint64_t *gt;	  /* gt[k] = references with distance > k; valid if !dirty */
	size_t gtlen;	  /* entries of gt */
	int dirty;	  /* hist changed since gt was built */
	uint64_t refs;	  /* references fed, all */
	uint64_t sampled; /* references to tracked pages */
	uint64_t cold;	  /* first references to tracked pages */
	uint32_t thresh;  /* pages with hash < thresh are tracked */
	double rate;	  /* thresh / MRC_RATE_SCALE, or 1 */
	/* OPT curves only (map values are stack slots then, 1-based) */
	int opt;	 /* built by mrc_new_opt */
	uint64_t *spage; /* spage[s]: the page in stack slot s, s = 1 .. depth */
	uint64_t *seg;	 /* max-tree of the slots' next uses: seg[1] the root,
			  * slot s at leaf seg[scap + s - 1] */
	size_t scap;	 /* leaves of seg (a power of two) */
	size_t depth;	 /* slots in use: distinct pages so far */
};

/* The sampling hash: a 64-bit mixer (so it is unrelated to the map's
 * Fibonacci hash), top 24 bits. */
static inline uint32_t sample_hash(uint64_t page)
{
	page ^= page >> 33;
	page *= 0xff51afd7ed558ccdULL;
	page ^= page >> 33;
	page *= 0xc4ceb9fe1a85ec53ULL;
	page ^= page >> 33;
	return (uint32_t)(page >> 40);
}

int mrc_new(struct mrc **out, double rate)
{
	struct mrc *m;

	if (!(rate > 0.0 && rate <= 1.0))
		return VMSIM_EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return VMSIM_ENOHOSTMEM;
	m->rate = 1.0;
	m->thresh = MRC_RATE_SCALE;
	if (rate < 1.0) {
		double th = floor(rate * MRC_RATE_SCALE + 0.5);
		if (th < 1.0) {
			free(m);
			return VMSIM_EINVAL;
		}
		m->thresh = (uint32_t)th;
		m->rate = th / MRC_RATE_SCALE;
	}
	m->tcap = MIN_TCAP;
	m->hcap = 64;
	m->tree = calloc(m->tcap + 1, sizeof(*m->tree));
	m->owner = malloc(m->tcap * sizeof(*m->owner));
	m->hist = calloc(m->hcap, sizeof(*m->hist));
	if (!m->tree || !m->owner || !m->hist || pmap_init(&m->map, 1024) != 0) {
		mrc_free(m);
		return VMSIM_ENOHOSTMEM;
	}
	*out = m;
	return 0;
}

void mrc_free(struct mrc *m)
{
	if (!m)
		return;
	free(m->spage);
	free(m->seg);
	pmap_release(&m->map);
	free(m->tree);
	free(m->owner);
	free(m->hist);
	free(m->gt);
	free(m);
}

/* Marks at indices below @i (time indices 0 .. i-1). */
static inline uint32_t prefix(const uint32_t *tree, size_t i)
{
	uint32_t s = 0;

	for (; i > 0; i &= i - 1)
		s += tree[i];
	return s;
}

static inline void add(uint32_t *tree, size_t n, size_t i /* 1-based */, uint32_t delta)
{
	for (; i <= n; i += i & (~i + 1))
		tree[i] += delta;
}

/* Renumber the live marks 0 .. live-1 in time order, make room for at
 * least as many new ones, and rebuild the tree. Returns 0 or
 * VMSIM_ENOHOSTMEM (nothing changed then). */
static int compact(struct mrc *m)
{
	size_t want = m->tcap, k = 0, t, i;

	while (want < 2 * m->live + MIN_TCAP)
		want *= 2;
	if (want != m->tcap) {
		uint32_t *tree = realloc(m->tree, (want + 1) * sizeof(*tree));
		uint32_t *owner;

		if (!tree)
			return VMSIM_ENOHOSTMEM;
		m->tree = tree;
		owner = realloc(m->owner, want * sizeof(*owner));
		if (!owner)
			return VMSIM_ENOHOSTMEM; /* the larger tree is harmless */
		m->owner = owner;
	}
	for (t = 0; t < m->t; t++) {
		uint32_t slot = m->owner[t];
		if (m->map.s[slot].val == t) {
			m->map.s[slot].val = k;
			m->owner[k++] = slot;
		}
	}
	m->tcap = want;
	m->t = k;
	memset(m->tree, 0, (m->tcap + 1) * sizeof(*m->tree));
	for (i = 1; i <= k; i++)
		m->tree[i] = 1;
	for (i = 1; i <= m->tcap; i++) {
		size_t j = i + (i & (~i + 1));
		if (j <= m->tcap)
			m->tree[j] += m->tree[i];
	}
	return 0;
}

/* A page seen for the first time goes into @slot (which may move if the
 * map grows: *@slot is updated). Returns 0 or VMSIM_ENOHOSTMEM. */
static int add_page(struct mrc *m, uint64_t page, size_t *slot /* in, out */)
{
	int grew;
	size_t i;

	if (m->live >= MAX_MARKS || pmap_reserve(&m->map, &grew) != 0)
		return VMSIM_ENOHOSTMEM;
	if (grew) {
		for (i = 0; i <= m->map.mask; i++)
			if (m->map.s[i].val != PMAP_EMPTY)
				m->owner[m->map.s[i].val] = (uint32_t)i;
		*slot = pmap_probe(&m->map, page);
	}
	m->map.s[*slot].key = page;
	m->map.count++;
	m->live++;
	m->cold++;
	return 0;
}

static int count_distance(struct mrc *m, size_t d)
{
	if (d >= m->hcap) {
		size_t n = m->hcap;
		uint64_t *h;

		while (n <= d)
			n *= 2;
		h = realloc(m->hist, n * sizeof(*h));
		if (!h)
			return VMSIM_ENOHOSTMEM;
		memset(h + m->hcap, 0, (n - m->hcap) * sizeof(*h));
		m->hist = h;
		m->hcap = n;
	}
	m->hist[d]++;
	return 0;
}

int mrc_feed(struct mrc *m, const uint64_t *pages, size_t n)
{
	size_t i;
	int rc = 0;

	m->dirty = 1;
	for (i = 0; i < n; i++) {
		uint64_t page = pages[i], v;
		size_t slot;

		if (m->thresh < MRC_RATE_SCALE && sample_hash(page) >= m->thresh)
			continue;
		if (i + PREFETCH < n)
			pmap_prefetch(&m->map, pages[i + PREFETCH]);
		if (m->t == m->tcap && (rc = compact(m)) != 0)
			break;
		slot = pmap_probe(&m->map, page);
		v = m->map.s[slot].val;
		if (v == m->t - 1 && m->t > 0) {
			/* the last tracked page again: distance 1, mark stays */
			m->hist[1]++;
			m->sampled++;
			continue;
		}
		if (v == PMAP_EMPTY) {
			if ((rc = add_page(m, page, &slot)) != 0)
				break;
		} else {
			size_t d = m->live - prefix(m->tree, (size_t)v + 1) + 1;
			if ((rc = count_distance(m, d)) != 0)
				break;
			add(m->tree, m->tcap, (size_t)v + 1, (uint32_t)-1);
		}
		add(m->tree, m->tcap, m->t + 1, 1);
		m->map.s[slot].val = m->t;
		m->owner[m->t] = (uint32_t)slot;
		m->t++;
		m->sampled++;
	}
	m->refs += i;
	if (rc != 0)
		return rc;
	return 0;
}

/* ---- OPT ------------------------------------------------------------------ */

#define NEVER UINT64_MAX /* next use of a page not referenced again */

int mrc_new_opt(struct mrc **out)
{
	struct mrc *m;
	int rc = mrc_new(&m, 1.0);

	if (rc != 0)
		return rc;
	m->opt = 1;
	m->scap = 1024;
	m->spage = malloc((m->scap + 1) * sizeof(*m->spage));
	m->seg = calloc(2 * m->scap, sizeof(*m->seg));
	if (!m->spage || !m->seg) {
		mrc_free(m);
		return VMSIM_ENOHOSTMEM;
	}
	*out = m;
	return 0;
}

/* Set slot @s's next use to @v and fix the maxima above it. */
static inline void seg_set(uint64_t *seg, size_t scap, size_t s, uint64_t v)
{
	size_t i = scap + s - 1;

	seg[i] = v;
	for (i >>= 1; i >= 1; i >>= 1) {
		uint64_t mx = seg[2 * i] > seg[2 * i + 1] ? seg[2 * i] : seg[2 * i + 1];
		if (seg[i] == mx)
			break;
		seg[i] = mx;
	}
}

/* The first slot in [@lo, @hi] whose next use is above @v, or 0: from leaf
 * @lo, climb until a right sibling's subtree holds a value above @v, then
 * descend to its leftmost such leaf. O(log scap). */
static size_t seg_first_above(const uint64_t *seg, size_t scap, size_t lo, size_t hi, uint64_t v)
{
	size_t i = scap + lo - 1;

	if (lo > hi)
		return 0;
	if (seg[i] > v)
		return lo;
	for (;;) {
		while (i & 1) { /* a right child: its parent's right part is done */
			i >>= 1;
			if (i == 0)
				return 0;
		}
		i++; /* the right sibling: the slots that follow */
		if (seg[i] > v)
			break;
	}
	while (i < scap)
		i = seg[2 * i] > v ? 2 * i : 2 * i + 1;
	return i - scap + 1 <= hi ? i - scap + 1 : 0;
}

/* Double the slots (the tree is rebuilt). 0 or VMSIM_ENOHOSTMEM. */
static int opt_grow(struct mrc *m)
{
	size_t n = 2 * m->scap, i;
	uint64_t *sp = realloc(m->spage, (n + 1) * sizeof(*sp));
	uint64_t *seg;

	if (!sp)
		return VMSIM_ENOHOSTMEM;
	m->spage = sp;
	seg = calloc(2 * n, sizeof(*seg));
	if (!seg)
		return VMSIM_ENOHOSTMEM;
	memcpy(seg + n, m->seg + m->scap, m->scap * sizeof(*seg));
	for (i = n - 1; i >= 1; i--)
		seg[i] = seg[2 * i] > seg[2 * i + 1] ? seg[2 * i] : seg[2 * i + 1];
	free(m->seg);
	m->seg = seg;
	m->scap = n;
	return 0;
}

/* Put @page, next used at @nu, in slot @s. */
static inline void opt_place(struct mrc *m, size_t s, uint64_t page, uint64_t nu)
{
	m->spage[s] = page;
	seg_set(m->seg, m->scap, s, nu);
	m->map.s[pmap_probe(&m->map, page)].val = s;
}

int mrc_feed_opt(struct mrc *m, const uint64_t *pages, const uint64_t *next, size_t n)
{
	size_t i;
	int rc = 0;

	m->dirty = 1;
	for (i = 0; i < n; i++) {
		uint64_t x = pages[i], nx = next[i], y, ny;
		size_t slot = pmap_probe(&m->map, x), d, end, at;

		d = m->map.s[slot].val == PMAP_EMPTY ? 0 : (size_t)m->map.s[slot].val;
		if (d == 1) { /* already on top */
			m->hist[1]++;
			seg_set(m->seg, m->scap, 1, nx);
			continue;
		}
		if (d == 0) {
			int grew;
			if (m->depth + 1 >= m->scap && (rc = opt_grow(m)) != 0)
				break;
			if ((rc = pmap_reserve(&m->map, &grew)) != 0)
				break;
			if (grew)
				slot = pmap_probe(&m->map, x);
			m->map.s[slot].key = x;
			m->map.s[slot].val = 1;
			m->map.count++;
			m->cold++;
			if (m->depth == 0) {
				m->depth = 1;
				m->spage[1] = x;
				seg_set(m->seg, m->scap, 1, nx);
				continue;
			}
		} else if ((rc = count_distance(m, d)) != 0) {
			break;
		}
		/* x to the top; the old top sinks towards x's old slot */
		y = m->spage[1];
		ny = m->seg[m->scap];
		m->spage[1] = x;
		seg_set(m->seg, m->scap, 1, nx);
		m->map.s[slot].val = 1;
		end = d ? d : m->depth + 1;
		at = 2;
		while (ny != NEVER) {
			size_t j = seg_first_above(m->seg, m->scap, at, end - 1, ny);
			uint64_t z, nz;

			if (j == 0)
				break;
			z = m->spage[j]; /* used later than y: y stays here, z sinks */
			nz = m->seg[m->scap + j - 1];
			opt_place(m, j, y, ny);
			y = z;
			ny = nz;
			at = j + 1;
		}
		if (!d)
			m->depth++;
		opt_place(m, end, y, ny);
	}
	m->refs += i;
	m->sampled += i;
	return rc;
}

uint64_t mrc_refs(const struct mrc *m)
{
	return m->refs;
}

uint64_t mrc_distinct(const struct mrc *m)
{
	if (m->rate == 1.0)
		return m->cold;
	return (uint64_t)floor((double)m->cold / m->rate + 0.5);
}

/* Build gt[k] = references with distance > k, k = 0 .. hcap-1. */
static int build_tail(struct mrc *m)
{
	size_t k;
	uint64_t s = 0;

	if (m->gtlen != m->hcap) {
		uint64_t *gt = realloc(m->gt, m->hcap * sizeof(*gt));
		if (!gt)
			return VMSIM_ENOHOSTMEM;
		m->gt = gt;
		m->gtlen = m->hcap;
	}
	for (k = m->hcap; k-- > 0;) {
		m->gt[k] = s;
		s += m->hist[k];
	}
	m->dirty = 0;
	return 0;
}

int mrc_misses(struct mrc *m, uint64_t frames, uint64_t *misses)
{
	uint64_t k, sm;

	if (m->dirty && build_tail(m) != 0)
		return VMSIM_ENOHOSTMEM;
	k = frames;
	if (m->rate < 1.0)
		k = (uint64_t)floor((double)frames * m->rate);
	sm = m->cold + (k < m->gtlen ? m->gt[k] : 0);
	if (m->rate == 1.0) {
		*misses = sm;
	} else if (m->refs == 0) {
		*misses = 0;
	} else {
		/* SHARDS_adj: the sampled references are taken to be their
		 * expected number, refs * rate, the difference counted as
		 * distance-1 hits (so the denominator is refs * rate). */
		double r = (double)sm / ((double)m->refs * m->rate);
		*misses = r >= 1.0 ? m->refs : (uint64_t)floor(r * (double)m->refs + 0.5);
	}
	return 0;
}
