/*
 * Readahead, as Linux 6.x does it (mm/readahead.c, the mmap hooks of
 * mm/filemap.c). A file's readahead state is a window [start, start+size)
 * whose last async_size pages begin with a marked folio:
 *
 *     |<------------------- size ------------------>|
 *     |===================#=========================|
 *     ^start              ^marked folio   |<-async->|
 *
 * A miss (ra_sync) reads an initial window sized from the request and the
 * file's ra_pages (read_ahead_kb / 4): 4x a small request, 2x a medium one,
 * ra_pages for a large one, or only the request when the read looks random.
 * Reaching the mark (ra_async) reads the next window right after the
 * current one, ramped up (4x while small, then 2x, up to ra_pages), with
 * folios two orders larger each time, up to the cache's largest order and
 * the window's size; the new window is marked at its first folio. An mmap
 * fault that misses reads around the fault (ra_pages centred on it, a
 * quarter of it asynchronous) unless the area is MADV_RANDOM, reads like
 * read() with MADV_SEQUENTIAL, and reads two PMD-sized folios with
 * MADV_HUGEPAGE; an area that misses much more than it hits stops reading
 * around (mmap_miss). Readahead never reclaims: it stops where the next
 * folio would take free memory below the low watermark, and a large folio
 * the buddy allocator cannot give falls back to single pages.
 *
 * Only src/os/ calls this.
 */
#include "base/base.h"
#include "os/kernel.h"

#define MMAP_LOTSAMISS 100 /* Linux's threshold of mmap misses */

void ra_init(struct file_ra *ra)
{
	*ra = (struct file_ra){0};
	ra->prev_pos = UINT64_MAX;
}

static uint64_t roundup_pow2(uint64_t n)
{
	uint64_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

static unsigned ilog2_u64(uint64_t n)
{
	unsigned l = 0;
	while (n >>= 1)
		l++;
	return l;
}

/* The first window: 4x a small request, 2x a medium one, else the maximum. */
static uint64_t init_ra_size(uint64_t req, uint64_t max)
{
	uint64_t n = roundup_pow2(req);
	if (n <= max / 32)
		return n * 4;
	if (n <= max / 4)
		return n * 2;
	return max;
}

/* The next window after one of @cur pages. */
static uint64_t next_ra_size(uint64_t cur, uint64_t max)
{
	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

static bool cached(const struct vfile *f, uint64_t index)
{
	return pcache_lookup(f, index) != PFN_NONE;
}

/* Read single pages [@index, @index + @n) that are not cached, marking the
 * one @lookahead pages before the end (Linux's page_cache_ra_unbounded over
 * do_page_cache_ra: never past the end of the file). */
static void ra_unbounded(struct vmsim_system *sys, struct vfile *f, uint64_t index, uint64_t n,
			 uint64_t lookahead)
{
	uint64_t end = vfile_pages(f);
	if (index >= end)
		return;
	if (n > end - index)
		n = end - index;
	uint64_t mark = lookahead <= n ? n - lookahead : UINT64_MAX;
	for (uint64_t i = 0; i < n; i++) {
		if (cached(f, index + i))
			continue;
		int rc = pcache_add_folio(sys, f, index + i, 0, i == mark ? PCACHE_MARK : 0, NULL);
		if (rc == VMSIM_EEXIST)
			continue;
		if (rc)
			break;
		sys->readahead_pages++;
	}
}

/* Read the window @ra describes in folios of up to ra->order (Linux's
 * page_cache_ra_order): folios aligned to their order, smaller ones where
 * the index is not aligned or the end is near; where a page is already
 * cached or no block is free, the rest goes in single pages. */
static void ra_order(struct vmsim_system *sys, struct vfile *f, struct file_ra *ra)
{
	uint64_t start = ra->start, index = start;
	uint64_t pages = vfile_pages(f);
	if (pages == 0 || start >= pages || ra->size == 0)
		return;
	unsigned max = pcache_max_order(sys, f);
	if (max == 0) {
		ra->order = 0;
		ra_unbounded(sys, f, start, ra->size, ra->async_size);
		return;
	}
	uint64_t limit = pages - 1;
	if (start + ra->size - 1 < limit)
		limit = start + ra->size - 1;
	uint64_t mark = start + ra->size - ra->async_size;
	unsigned order = ra->order;
	if (order > max)
		order = max;
	if (order > ilog2_u64(ra->size))
		order = ilog2_u64(ra->size);
	ra->order = order;
	int rc = 0;
	while (index <= limit) {
		unsigned o = order;
		if (index & ((1ULL << o) - 1))
			o = (unsigned)__builtin_ctzll(index);
		while (o > 0 && index + (1ULL << o) - 1 > limit)
			o--;
		uint64_t nr = 1ULL << o;
		rc = pcache_add_folio(sys, f, index, o,
				      (mark & ~(nr - 1)) == index ? PCACHE_MARK : 0, NULL);
		if (rc)
			break;
		sys->readahead_pages += nr;
		index += nr;
	}
	/* a read error ends readahead quietly: the fault reads its own page */
	if (rc && rc != VMSIM_EIO && ra->size > index - start)
		ra_unbounded(sys, f, index, ra->size - (index - start), ra->async_size);
}

/* The first cached-page gap at or after @index within @max pages, or
 * @index + @max if there is none. */
static uint64_t next_miss(const struct vfile *f, uint64_t index, uint64_t max)
{
	for (uint64_t i = 0; i < max; i++)
		if (!cached(f, index + i))
			return index + i;
	return index + max;
}

/* The first gap at or before @index within @max pages: its index, or -1
 * when every page back to 0 is cached, or @index - @max if none. */
static int64_t prev_miss(const struct vfile *f, uint64_t index, uint64_t max)
{
	for (uint64_t i = 0; i < max; i++) {
		if (i > index)
			return -1;
		if (!cached(f, index - i))
			return (int64_t)(index - i);
	}
	return (int64_t)index - (int64_t)max;
}

void ra_sync(struct vmsim_system *sys, struct vfile *f, struct file_ra *ra, uint64_t index,
	     uint64_t req)
{
	uint64_t max = f->ra_pages;
	if (req == 0)
		return;
	sys->readahead_sync++;
	if (max == 0) {
		/* readahead off: read just what is asked (Linux's forced read of
		 * one page at a time) */
		ra_unbounded(sys, f, index, req, 0);
		return;
	}
	uint64_t prev = ra->prev_pos == UINT64_MAX ? UINT64_MAX : ra->prev_pos >> VMSIM_PAGE_SHIFT;
	if (index == 0 || req > max || (prev != UINT64_MAX && index - prev <= 1)) {
		/* the start of the file, a large read, or a sequential miss */
		ra->start = index;
		ra->size = init_ra_size(req, max);
		ra->async_size = ra->size > req ? ra->size - req : ra->size >> 1;
	} else {
		/* the traces a sequential stream leaves in the cache */
		int64_t miss = prev_miss(f, index - 1, max);
		uint64_t contig = (uint64_t)((int64_t)index - miss - 1);
		if (contig <= req) {
			/* a small random read: read it as it is */
			ra_unbounded(sys, f, index, req, 0);
			return;
		}
		if (miss == -1)
			contig *= 2; /* cached from the start: a long stream */
		ra->start = index;
		ra->size = contig + req < max ? contig + req : max;
		ra->async_size = 1;
	}
	ra->order = 0;
	ra_order(sys, f, ra);
}

void ra_async(struct vmsim_system *sys, struct vfile *f, struct file_ra *ra, pfn_t head,
	      uint64_t index, uint64_t req)
{
	uint64_t max = f->ra_pages;
	struct frame *hf = phys_frame(&sys->pm, head);
	uint64_t nr = 1ULL << hf->folio;
	if (max == 0)
		return;
	hf->flags &= ~FRAME_READAHEAD;
	sys->readahead_async++;
	uint64_t expected = (ra->start + ra->size - ra->async_size) & ~(nr - 1);
	if (index == expected) {
		/* the stream goes on: ramp up and push the window forward */
		ra->start += ra->size;
		uint64_t next = next_ra_size(ra->size, max);
		ra->size = next > ra->size ? next : ra->size;
	} else {
		/* a mark without a matching window (interleaved streams): the
		 * cached run after it was the old window */
		uint64_t start = next_miss(f, index + 1, max);
		if (start - index > max)
			return;
		ra->start = start;
		ra->size = start - index + req;
		ra->size = next_ra_size(ra->size, max);
	}
	ra->order += 2;
	unsigned cap = (unsigned)__builtin_ctzll(max);
	uint64_t align = 1ULL << (ra->order < cap ? ra->order : cap);
	uint64_t end = ra->start + ra->size, aligned_end = end & ~(align - 1);
	if (aligned_end > ra->start)
		ra->size -= end - aligned_end;
	ra->async_size = ra->size;
	ra_order(sys, f, ra);
}

void ra_force(struct vmsim_system *sys, struct vfile *f, uint64_t index, uint64_t n)
{
	uint64_t max = f->ra_pages;
	if (n > max)
		n = max;
	/* in 2 MiB pieces, as Linux does, so that memory is not pinned long */
	while (n) {
		uint64_t chunk = n < 512 ? n : 512;
		ra_unbounded(sys, f, index, chunk, 0);
		index += chunk;
		n -= chunk;
	}
}

void ra_mmap_sync(struct vmsim_system *sys, const struct vma *vma, uint64_t pgoff)
{
	struct vfile *f = vma->file;
	struct file_ra *ra = &f->ra;
	bool rand = vma->advice == VMSIM_MADV_RANDOM;
	if (vma->thp == 1 && pcache_max_order(sys, f) >= 9) {
		/* MADV_HUGEPAGE: PMD-sized folios, even with readahead off */
		ra->start = pgoff & ~511ULL;
		ra->size = rand ? 512 : 1024;
		ra->async_size = 512;
		ra->order = 9;
		sys->readahead_sync++;
		ra_order(sys, f, ra);
		return;
	}
	if (rand || f->ra_pages == 0)
		return;
	if (vma->advice == VMSIM_MADV_SEQUENTIAL) {
		ra_sync(sys, f, ra, pgoff, f->ra_pages);
		return;
	}
	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return; /* this file misses much more than it hits */
	/* read-around: a window centred on the fault */
	ra->start = pgoff > f->ra_pages / 2 ? pgoff - f->ra_pages / 2 : 0;
	ra->size = f->ra_pages;
	ra->async_size = f->ra_pages / 4;
	ra->order = 0;
	sys->readahead_sync++;
	ra_order(sys, f, ra);
}

void ra_mmap_async(struct vmsim_system *sys, const struct vma *vma, uint64_t pgoff, pfn_t pfn)
{
	struct vfile *f = vma->file;
	if (vma->advice == VMSIM_MADV_RANDOM || f->ra_pages == 0)
		return;
	if (f->ra.mmap_miss)
		f->ra.mmap_miss--;
	pfn_t head = folio_head(&sys->pm, pfn);
	if (phys_frame(&sys->pm, head)->flags & FRAME_READAHEAD)
		ra_async(sys, f, &f->ra, head, pgoff, f->ra_pages);
}
