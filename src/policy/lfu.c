/*
 * LFU: evict the page referenced the fewest times since it was loaded.
 *
 * Definition. Each resident page has a count: 1 when it is loaded, plus one
 * per access while resident; eviction forgets it (this is "in-cache" LFU:
 * a page that comes back starts again at 1). The victim is a page with the
 * lowest count; among several, the one whose count reached that value
 * earliest, which is the least recently used of them (a page's count
 * changes only when it is used).
 *
 * libCacheSim's LFU uses the same definition and the same tie rule (its
 * LFU.c keeps a FIFO per frequency, evicts its head, and starts objects at
 * frequency 1). Textbooks (Silberschatz et al.'s counting-based
 * replacement) leave ties open.
 *
 * Structure: the O(1) LFU of frequency buckets. Each bucket holds the
 * frames with one count, oldest arrival first; the buckets are linked in
 * increasing count, and only non-empty buckets exist:
 *
 *	bucket 1          bucket 3      bucket 7
 *	[f4 f0 f9]  <->  [f2]    <->   [f1 f5]
 *	  ^ victim: lowest count, earliest arrival
 *
 * An access moves a frame from bucket c to the tail of bucket c+1 (created
 * just after c if missing); an emptied bucket is freed. Buckets come from a
 * pool of nframes + 1 allocated by create (at most nframes are non-empty,
 * plus one being created), so every operation is O(1) and allocates nothing.
 */
#include <stdlib.h>

#include "flist.h"
#include "policies.h"

struct bucket {
	uint64_t count;	     /* the count of every frame in it */
	struct flist frames; /* head: earliest arrival (victim side) */
	uint32_t prev;	     /* bucket with the next lower count, FL_NIL */
	uint32_t next;	     /* bucket with the next higher count, FL_NIL; free list link */
};

struct lfu {
	struct flink *lk;     /* links within a bucket, per frame */
	uint32_t *bucket_of;  /* bucket_of[frame], FL_OFF if not resident */
	struct bucket *b;     /* pool of nframes + 1 buckets */
	uint32_t lowest;      /* non-empty bucket with the lowest count, FL_NIL */
	uint32_t free_bucket; /* first free bucket, chained by next */
};

static void *lfu_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			const struct vmsim_policy_env *env)
{
	struct lfu *s;
	size_t i;

	(void)cfg;
	if (vmsim_policy_check(&lfu_policy, nframes, env) != 0)
		return NULL;
	s = malloc(sizeof(*s));
	if (!s)
		return NULL;
	s->lk = flinks_new(nframes);
	s->bucket_of = malloc(nframes * sizeof(*s->bucket_of));
	s->b = malloc((nframes + 1) * sizeof(*s->b));
	if (!s->lk || !s->bucket_of || !s->b) {
		flinks_free(s->lk);
		free(s->bucket_of);
		free(s->b);
		free(s);
		return NULL;
	}
	for (i = 0; i < nframes; i++)
		s->bucket_of[i] = FL_OFF;
	for (i = 0; i <= nframes; i++)
		s->b[i].next = i < nframes ? (uint32_t)(i + 1) : FL_NIL;
	s->free_bucket = 0;
	s->lowest = FL_NIL;
	return s;
}

static void lfu_destroy(void *state)
{
	struct lfu *s = state;

	if (s) {
		flinks_free(s->lk);
		free(s->bucket_of);
		free(s->b);
	}
	free(s);
}

/* A new empty bucket for @count, linked after @prev (FL_NIL: first). */
static uint32_t bucket_new(struct lfu *s, uint64_t count, uint32_t prev)
{
	uint32_t i = s->free_bucket;
	struct bucket *b = &s->b[i];
	uint32_t next = prev == FL_NIL ? s->lowest : s->b[prev].next;

	VMSIM_BUG_ON(i == FL_NIL);
	s->free_bucket = b->next;
	b->count = count;
	flist_init(&b->frames);
	b->prev = prev;
	b->next = next;
	if (prev == FL_NIL)
		s->lowest = i;
	else
		s->b[prev].next = i;
	if (next != FL_NIL)
		s->b[next].prev = i;
	return i;
}

/* Unlink the empty bucket @i and return it to the pool. */
static void bucket_free(struct lfu *s, uint32_t i)
{
	struct bucket *b = &s->b[i];

	if (b->prev == FL_NIL)
		s->lowest = b->next;
	else
		s->b[b->prev].next = b->next;
	if (b->next != FL_NIL)
		s->b[b->next].prev = b->prev;
	b->next = s->free_bucket;
	s->free_bucket = i;
}

static void lfu_on_map(void *state, pfn_t pfn)
{
	struct lfu *s = state;
	uint32_t bi = s->lowest;

	VMSIM_BUG_ON(s->bucket_of[pfn] != FL_OFF);
	if (bi == FL_NIL || s->b[bi].count != 1)
		bi = bucket_new(s, 1, FL_NIL);
	flist_push_tail(&s->b[bi].frames, s->lk, (uint32_t)pfn);
	s->bucket_of[pfn] = bi;
}

static void lfu_on_access(void *state, pfn_t pfn, bool write)
{
	struct lfu *s = state;
	uint32_t bi = s->bucket_of[pfn], ni;

	(void)write;
	VMSIM_BUG_ON(bi == FL_OFF);
	ni = s->b[bi].next;
	if (ni == FL_NIL || s->b[ni].count != s->b[bi].count + 1)
		ni = bucket_new(s, s->b[bi].count + 1, bi);
	flist_del(&s->b[bi].frames, s->lk, (uint32_t)pfn);
	flist_push_tail(&s->b[ni].frames, s->lk, (uint32_t)pfn);
	s->bucket_of[pfn] = ni;
	if (s->b[bi].frames.head == FL_NIL)
		bucket_free(s, bi);
}

static void lfu_on_unmap(void *state, pfn_t pfn)
{
	struct lfu *s = state;
	uint32_t bi = s->bucket_of[pfn];

	VMSIM_BUG_ON(bi == FL_OFF);
	flist_del(&s->b[bi].frames, s->lk, (uint32_t)pfn);
	s->bucket_of[pfn] = FL_OFF;
	if (s->b[bi].frames.head == FL_NIL)
		bucket_free(s, bi);
}

/* The new buckets old+1 .. nframes join the free list. */
static int lfu_grow(void *state, size_t old, size_t nframes)
{
	struct lfu *s = state;
	uint32_t *bucket_of;
	struct bucket *b;
	size_t i;

	if (flinks_grow(&s->lk, old, nframes) != 0)
		return VMSIM_ENOHOSTMEM;
	bucket_of = realloc(s->bucket_of, nframes * sizeof(*bucket_of));
	if (!bucket_of)
		return VMSIM_ENOHOSTMEM; /* the longer links are harmless */
	s->bucket_of = bucket_of;
	for (i = old; i < nframes; i++)
		bucket_of[i] = FL_OFF;
	b = realloc(s->b, (nframes + 1) * sizeof(*b));
	if (!b)
		return VMSIM_ENOHOSTMEM; /* bucket_of[old..] is unused: harmless */
	for (i = old + 1; i <= nframes; i++)
		b[i].next = i < nframes ? (uint32_t)(i + 1) : s->free_bucket;
	s->free_bucket = (uint32_t)(old + 1);
	s->b = b;
	return 0;
}

static pfn_t lfu_pick_victim(void *state)
{
	struct lfu *s = state;

	return s->lowest == FL_NIL ? VMSIM_POLICY_NO_FRAME : s->b[s->lowest].frames.head;
}

const struct vmsim_policy_ops lfu_policy = {
    .name = "lfu",
    .describe = "evict the page with the fewest references since it was loaded; ties to the "
		"least recent",
    .flags = 0,
    .create = lfu_create,
    .destroy = lfu_destroy,
    .on_map = lfu_on_map,
    .on_access = lfu_on_access,
    .on_unmap = lfu_on_unmap,
    .pick_victim = lfu_pick_victim,
    .expire = NULL,
    .grow = lfu_grow,
};
