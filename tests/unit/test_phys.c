/*
 * Unit tests of simulated physical memory (src/phys): phys_init carving,
 * the buddy allocator's allocation order, splits and merges, exhaustion,
 * the fragmentation index, frame bytes, the fail_alloc_at hook, phys_check
 * and the bug checks of phys_free/phys_bytes (in a forked child).
 * Every case ends with testutil_check_phys; the teardown releases pm.
 */
#include "testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base.h"
#include "phys/phys.h"

#define KiB	  1024ULL
#define MiB	  (1024 * KiB)
#define GiB	  (1024 * MiB)
#define FRAMES(n) ((uint64_t)(n)*VMSIM_PAGE_SIZE)
#define FR(pfn)	  (*phys_frame(pm, (pfn))) /* the frame-table entry of @pfn */

static struct phys_mem test_pm;

static uint64_t rss_bytes(void);

static int setup(void **state)
{
	memset(&test_pm, 0, sizeof(test_pm));
	*state = &test_pm;
	return 0;
}

static int teardown(void **state)
{
	phys_release(*state);
	return 0;
}

/* Allocate and expect success; returns the head pfn. */
static pfn_t alloc_ok(struct phys_mem *pm, unsigned order, uint32_t flags)
{
	pfn_t pfn = 0;

	assert_ok(phys_alloc(pm, order, flags, &pfn));
	return pfn;
}

/* Number of free blocks of @order, by walking its list (and, for the
 * largest order, adding the gigabytes never carved). */
static uint64_t list_len(const struct phys_mem *pm, unsigned order)
{
	uint64_t n = 0;

	for (uint32_t pfn = pm->free_head[order]; pfn != FRAME_NIL; pfn = FR(pfn).next)
		n++;
	if (order == PHYS_MAX_ORDER)
		n += (pm->lazy_end - pm->lazy_next) >> PHYS_MAX_ORDER;
	return n;
}

/* A copy of the whole state, to prove that a failed call changed nothing. */
struct snapshot {
	struct phys_mem pm;   /* the struct itself */
	struct frame *frames; /* copy of the frame table (zeros where absent) */
	uint8_t **bytes;      /* copy of the bytes-pointer table */
	bool *present;	      /* which chunks had a frame table */
};

static void snap_take(struct snapshot *s, const struct phys_mem *pm)
{
	s->pm = *pm;
	s->frames = calloc(pm->nframes, sizeof(*s->frames));
	s->bytes = calloc(pm->nframes, sizeof(*s->bytes));
	s->present = calloc(pm->nchunks, sizeof(*s->present));
	assert_non_null(s->frames);
	assert_non_null(s->bytes);
	assert_non_null(s->present);
	for (pfn_t pfn = 0; pfn < pm->nframes; pfn++) {
		s->present[pfn >> PHYS_CHUNK_SHIFT] = phys_frame_present(pm, pfn);
		if (phys_frame_present(pm, pfn)) {
			s->frames[pfn] = FR(pfn);
			s->bytes[pfn] = *phys_bytes_slot(pm, pfn);
		}
	}
}

/* Fail unless @pm equals the snapshot except for @dallocs more attempts in
 * nallocs and @dfail more stats.failures; frees the snapshot. */
static void snap_expect_same(struct snapshot *s, const struct phys_mem *pm, uint64_t dallocs,
			     uint64_t dfail)
{
	struct phys_stats stats = s->pm.stats;

	stats.failures += dfail;
	assert_int_equal(pm->nallocs, s->pm.nallocs + dallocs);
	assert_memory_equal(&pm->stats, &stats, sizeof(stats));
	assert_int_equal(pm->nframes, s->pm.nframes);
	assert_int_equal(pm->nr_free, s->pm.nr_free);
	assert_ptr_equal(pm->chunk, s->pm.chunk);
	assert_int_equal(pm->chunks_used, s->pm.chunks_used);
	assert_int_equal(pm->lazy_next, s->pm.lazy_next);
	assert_memory_equal(pm->free_head, s->pm.free_head, sizeof(pm->free_head));
	assert_memory_equal(pm->nr_free_blocks, s->pm.nr_free_blocks, sizeof(pm->nr_free_blocks));
	assert_int_equal(pm->data_mode, s->pm.data_mode);
	assert_int_equal(pm->fail_alloc_at, s->pm.fail_alloc_at);
	for (pfn_t pfn = 0; pfn < pm->nframes; pfn++) {
		assert_int_equal(phys_frame_present(pm, pfn), s->present[pfn >> PHYS_CHUNK_SHIFT]);
		if (!phys_frame_present(pm, pfn))
			continue;
		assert_memory_equal(&s->frames[pfn], phys_frame(pm, pfn), sizeof(struct frame));
		assert_ptr_equal(s->bytes[pfn], *phys_bytes_slot(pm, pfn));
	}
	free(s->frames);
	free(s->bytes);
	free(s->present);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* ---- phys_init ---------------------------------------------------------- */

static void phys_init_one_frame_gives_one_order0_block(void **state)
{
	struct phys_mem *pm = *state;
	pfn_t pfn;

	assert_ok(phys_init(pm, FRAMES(1), false));
	assert_int_equal(pm->nframes, 1);
	assert_int_equal(pm->nr_free, 1);
	assert_int_equal(phys_free_blocks(pm, 0), 1);
	assert_int_equal(pm->free_head[0], 0);
	assert_int_equal(phys_alloc(pm, 1, 0, &pfn), VMSIM_ENOMEM);
	assert_int_equal(alloc_ok(pm, 0, FRAME_ANON), 0);
	assert_int_equal(phys_alloc(pm, 0, 0, &pfn), VMSIM_ENOMEM);
	testutil_check_phys(pm);
	phys_free(pm, 0, 0);
	assert_int_equal(phys_free_blocks(pm, 0), 1);
	testutil_check_phys(pm);
}

static void phys_init_partial_frame_rounds_down(void **state)
{
	struct phys_mem *pm = *state;

	/* 3 frames + 100 bytes: [o1 @0][o0 @2] */
	assert_ok(phys_init(pm, FRAMES(3) + 100, false));
	assert_int_equal(pm->nframes, 3);
	assert_int_equal(pm->free_head[1], 0);
	assert_int_equal(pm->free_head[0], 2);
	assert_int_equal(phys_free_blocks(pm, 1), 1);
	assert_int_equal(phys_free_blocks(pm, 0), 1);
	testutil_check_phys(pm);
}

static void phys_init_1g_plus_3_frames_carves_maximal_blocks(void **state)
{
	struct phys_mem *pm = *state;
	const uint64_t o18 = 1ULL << 18;

	/* [ order 18 @0 ...... ][o1 @2^18][o0 @2^18+2] */
	assert_ok(phys_init(pm, 1 * GiB + FRAMES(3), false));
	assert_int_equal(pm->nframes, o18 + 3);
	assert_int_equal(pm->nr_free, o18 + 3);
	for (unsigned o = 0; o < PHYS_NORDERS; o++) {
		uint64_t want = (o == 0 || o == 1 || o == 18) ? 1 : 0;

		assert_int_equal(phys_free_blocks(pm, o), want);
		assert_int_equal(list_len(pm, o), want);
	}
	/* the whole gigabyte is counted, not carved: no frame table for it yet */
	assert_int_equal(pm->free_head[18], FRAME_NIL);
	assert_int_equal(pm->lazy_next, 0);
	assert_int_equal(pm->lazy_end, o18);
	assert_false(phys_frame_present(pm, 0));
	assert_true(phys_frame_present(pm, o18));
	assert_int_equal(pm->chunks_used, 1);
	assert_int_equal(pm->free_head[1], o18);
	assert_int_equal(pm->free_head[0], o18 + 2);
	testutil_check_phys(pm);
	/* the first order-18 request carves it */
	assert_int_equal(alloc_ok(pm, 18, 0), 0);
	assert_true(phys_frame_present(pm, 0));
	assert_int_equal(pm->chunks_used, 2);
	phys_free(pm, 0, 18);
	assert_int_equal(pm->free_head[18], 0);
	assert_int_equal(FR(0).flags, FRAME_BUDDY);
	assert_int_equal(FR(0).order, 18);
	assert_int_equal(FR(1).flags, 0); /* inside a free block: untouched */
	testutil_check_phys(pm);
}

/* The gigabytes are carved one at a time, lowest first, when no list has a
 * block big enough, and a freed gigabyte is reused before a new one: the
 * order a free list of every gigabyte in ascending order gave. */
static void phys_lazy_gigabytes_keep_the_allocation_order(void **state)
{
	struct phys_mem *pm = *state;
	const uint64_t o18 = 1ULL << 18;

	assert_ok(phys_init(pm, 4 * GiB + FRAMES(1), false));
	assert_int_equal(pm->chunks_used, 1); /* the partial last gigabyte */
	assert_int_equal(phys_free_blocks(pm, 18), 4);
	/* the single tail frame is the smallest block that fits */
	assert_int_equal(alloc_ok(pm, 0, 0), 4 * o18);
	assert_int_equal(alloc_ok(pm, 0, 0), 0); /* carves gigabyte 0 and splits it */
	assert_int_equal(pm->chunks_used, 2);
	assert_int_equal(alloc_ok(pm, 17, 0), o18 / 2);
	assert_int_equal(alloc_ok(pm, 18, 0), o18); /* gigabyte 1, carved */
	assert_int_equal(alloc_ok(pm, 18, 0), 2 * o18);
	assert_int_equal(pm->chunks_used, 4);
	testutil_check_phys(pm);
	phys_free(pm, o18, 18);
	assert_int_equal(alloc_ok(pm, 18, 0), o18); /* the freed one first */
	assert_int_equal(alloc_ok(pm, 18, 0), 3 * o18);
	assert_int_equal(pm->lazy_next, pm->lazy_end);
	testutil_check_phys(pm);
}

/* The largest machine documented, 16 TiB - 4 KiB: built with a chunk
 * directory and the last partial gigabyte's table only; a small allocation
 * adds one gigabyte's table, and the host's resident memory stays small. */
static void phys_init_16t_costs_only_the_chunks_used(void **state)
{
	struct phys_mem *pm = *state;
	uint64_t before = rss_bytes();
	uint64_t after;
	pfn_t pfn[1000], big;

	assert_ok(phys_init(pm, (1ULL << 44) - 4096, false));
	assert_int_equal(pm->nframes, (1ULL << 32) - 1);
	assert_int_equal(pm->nchunks, 16384);
	assert_int_equal(pm->chunks_used, 1);
	assert_int_equal(phys_free_blocks(pm, 18), 16383);
	/* small blocks come from the partial last gigabyte first */
	for (int i = 0; i < 1000; i++) {
		assert_ok(phys_alloc(pm, 0, FRAME_PAGETABLE, &pfn[i]));
		assert_true(pfn[i] >= pm->lazy_end);
	}
	assert_int_equal(pm->chunks_used, 1);
	/* a gigabyte block is the first one carved */
	assert_ok(phys_alloc(pm, 18, FRAME_ANON, &big));
	assert_int_equal(big, 0);
	assert_int_equal(pm->chunks_used, 2);
	after = rss_bytes();
	/* 1000 frames' bytes (4 MiB) plus a few pages of two tables */
	if (before != 0 && after > before + 32 * MiB)
		fail_msg("16 TiB with 1000 frames used grew the RSS by %llu KiB",
			 (unsigned long long)((after - before) / KiB));
	/* the tables of two gigabytes (14 MiB each, mostly never touched) */
	assert_int_equal(phys_meta_bytes(pm), 16384 * sizeof(struct phys_chunk) +
						  ((1ULL << 19) - 1) * (sizeof(struct frame) + 8));
	assert_int_equal(pm->nr_free, pm->nframes - 1000 - (1ULL << 18));
	testutil_check_phys(pm);
	for (int i = 0; i < 1000; i++)
		phys_free(pm, pfn[i], 0);
	phys_free(pm, big, 18);
	assert_int_equal(pm->nr_free, pm->nframes);
	testutil_check_phys(pm);
}

/* Resident set size of this process in bytes, or 0 if unknown. */
static uint64_t rss_bytes(void)
{
	unsigned long long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void phys_init_64g_touches_only_block_heads(void **state)
{
	struct phys_mem *pm = *state;
	uint64_t before = rss_bytes();
	uint64_t after;
	pfn_t pfn;
	unsigned n = 0;

	assert_ok(phys_init(pm, 64 * GiB, false));
	after = rss_bytes();
	assert_int_equal(pm->nframes, 16ULL * MiB);
	/* a frame table written in full would be 640 MiB resident */
	if (before != 0 && after > before + 32 * MiB)
		fail_msg("phys_init(64 GiB) grew the RSS by %llu KiB",
			 (unsigned long long)((after - before) / KiB));
	/* no gigabyte carved yet; they come lowest first (each allocation of a
	 * whole gigabyte writes its 2^18 frame-table entries: two are enough) */
	assert_int_equal(pm->chunks_used, 0);
	for (n = 0; n < 2; n++) {
		assert_ok(phys_alloc(pm, 18, 0, &pfn));
		assert_int_equal(pfn, (uint64_t)n << 18);
	}
	assert_int_equal(pm->chunks_used, 2);
	for (n = 0; n < 2; n++)
		phys_free(pm, (pfn_t)n << 18, 18);
	assert_int_equal(phys_free_blocks(pm, 18), 64);
	testutil_check_phys(pm);
}

static void phys_init_bad_sizes_return_einval(void **state)
{
	struct phys_mem *pm = *state;

	assert_int_equal(phys_init(pm, 0, false), VMSIM_EINVAL);
	assert_int_equal(phys_init(pm, 4095, false), VMSIM_EINVAL);
	assert_int_equal(phys_init(pm, (1ULL << 52) + 4096, false), VMSIM_EINVAL);
	assert_int_equal(phys_init(pm, UINT64_MAX, false), VMSIM_EINVAL);
	/* 2^32 frames: one more than a 32-bit free-list link can name */
	assert_int_equal(phys_init(pm, 1ULL << 44, false), VMSIM_EINVAL);
	assert_null(pm->chunk);
	assert_int_equal(pm->nframes, 0);
	phys_release(pm); /* harmless after a failed init */
	testutil_check_phys(pm);
}

/* ---- allocation and freeing --------------------------------------------- */

static void buddy_alloc_each_order_returns_aligned_head(void **state)
{
	struct phys_mem *pm = *state;
	const uint32_t flags = FRAME_ANON | FRAME_DIRTY;
	pfn_t pfn[PHYS_NORDERS];

	/* 2 GiB: two order-18 blocks; orders 0..17 come from the first one,
	 * each the lowest free aligned block: 0, 2, 4, 8, ..., 2^17 */
	assert_ok(phys_init(pm, 2 * GiB, false));
	for (unsigned o = 0; o < PHYS_NORDERS; o++) {
		pfn[o] = alloc_ok(pm, o, flags);
		assert_int_equal(pfn[o], o == 0 ? 0 : 1ULL << o);
		assert_int_equal(pfn[o] & ((1ULL << o) - 1), 0);
		assert_int_equal(FR(pfn[o]).flags, flags | FRAME_HEAD);
		assert_int_equal(FR(pfn[o]).order, o);
		for (uint64_t i = 1; i < (1ULL << o); i++)
			if (FR(pfn[o] + i).flags != flags)
				fail_msg("pfn %llu of the order-%u block has flags %#x",
					 (unsigned long long)(pfn[o] + i), o, FR(pfn[o] + i).flags);
		assert_int_equal(pm->stats.allocs[o], 1);
		testutil_check_phys(pm);
	}
	assert_int_equal(pm->nr_free, 1); /* 2^19 - (2^19 - 1) */
	for (unsigned o = 0; o < PHYS_NORDERS; o++) {
		phys_free(pm, pfn[o], o);
		assert_int_equal(pm->stats.frees[o], 1);
		testutil_check_phys(pm);
	}
	assert_int_equal(pm->nr_free, 2ULL << 18);
	assert_int_equal(phys_free_blocks(pm, 18), 2);
	for (unsigned o = 0; o < PHYS_MAX_ORDER; o++)
		assert_int_equal(phys_free_blocks(pm, o), 0);
}

static void buddy_alloc_clears_os_fields_of_every_frame(void **state)
{
	struct phys_mem *pm = *state;
	pfn_t pfn;

	assert_ok(phys_init(pm, FRAMES(8), false));
	pfn = alloc_ok(pm, 2, FRAME_FILE);
	for (unsigned i = 0; i < 4; i++) {
		FR(pfn + i).refcount = 3;
		FR(pfn + i).mapcount = 2;
		FR(pfn + i).owner = pm;
		FR(pfn + i).index = 77;
	}
	phys_free(pm, pfn, 2);
	pfn = alloc_ok(pm, 2, FRAME_ANON);
	for (unsigned i = 0; i < 4; i++) {
		const struct frame *f = phys_frame(pm, pfn + i);

		assert_int_equal(f->refcount, 0);
		assert_int_equal(f->mapcount, 0);
		assert_null(f->owner);
		assert_int_equal(f->index, 0);
		assert_int_equal(f->flags & ~(uint32_t)FRAME_HEAD, FRAME_ANON);
	}
	testutil_check_phys(pm);
}

static void buddy_split_then_free_coalesces_to_one_block(void **state)
{
	struct phys_mem *pm = *state;

	assert_ok(phys_init(pm, 1 * GiB, false));
	assert_int_equal(alloc_ok(pm, 0, 0), 0);
	assert_int_equal(pm->stats.splits, 18);
	for (unsigned o = 0; o < PHYS_MAX_ORDER; o++) {
		/* the upper half of each split: pfn 2^o */
		assert_int_equal(phys_free_blocks(pm, o), 1);
		assert_int_equal(pm->free_head[o], 1ULL << o);
	}
	assert_int_equal(phys_free_blocks(pm, 18), 0);
	testutil_check_phys(pm);

	phys_free(pm, 0, 0);
	assert_int_equal(pm->stats.merges, 18);
	assert_int_equal(phys_free_blocks(pm, 18), 1);
	assert_int_equal(pm->free_head[18], 0);
	for (unsigned o = 0; o < PHYS_MAX_ORDER; o++)
		assert_int_equal(phys_free_blocks(pm, o), 0);
	testutil_check_phys(pm);
}

static void buddy_alloc_prefers_low_pfns_and_reuses_last_freed(void **state)
{
	struct phys_mem *pm = *state;
	pfn_t pfn;

	/*        0123456789abcdef
	 * ruler: ABCCDDDDEEEEEEEE  after the first five allocations */
	assert_ok(phys_init(pm, FRAMES(16), false));
	assert_int_equal(alloc_ok(pm, 0, 0), 0);
	assert_int_equal(alloc_ok(pm, 1, 0), 2);
	assert_int_equal(alloc_ok(pm, 0, 0), 1);
	assert_int_equal(alloc_ok(pm, 2, 0), 4);
	assert_int_equal(alloc_ok(pm, 3, 0), 8);
	assert_int_equal(phys_alloc(pm, 0, 0, &pfn), VMSIM_ENOMEM);
	testutil_check_phys(pm);

	/* free B then C: both go on the list heads (LIFO) */
	phys_free(pm, 1, 0);
	phys_free(pm, 2, 1);
	assert_int_equal(alloc_ok(pm, 1, 0), 2);
	assert_int_equal(alloc_ok(pm, 0, 0), 1);
	testutil_check_phys(pm);

	/* two free order-0 blocks 3 and 1 (1 freed last): 1 comes first */
	phys_free(pm, 2, 1);
	assert_int_equal(alloc_ok(pm, 0, 0), 2); /* splits C, keeps its low half */
	phys_free(pm, 1, 0);
	assert_int_equal(pm->free_head[0], 1);
	assert_int_equal(FR(1).next, 3);
	assert_int_equal(alloc_ok(pm, 0, 0), 1);
	assert_int_equal(alloc_ok(pm, 0, 0), 3);
	testutil_check_phys(pm);
}

struct block {
	pfn_t pfn;	/* head */
	unsigned order; /* size */
};

static void buddy_random_alloc_free_restores_initial_blocks(void **state)
{
	struct phys_mem *pm = *state;
	const uint64_t seed = 20240601;
	static struct block blocks[1000];
	static uint16_t owner[1000]; /* 1 + index in blocks, 0 when free */
	uint32_t head0[PHYS_NORDERS];
	uint64_t nblocks0[PHYS_NORDERS];
	struct rng rng;
	unsigned n = 0;
	pfn_t pfn;

	/* 1000 frames: [512 @0][256 @512][128 @768][64 @896][32 @960][8 @992] */
	print_message("seed %llu\n", (unsigned long long)seed);
	rng_seed(&rng, seed);
	memset(owner, 0, sizeof(owner));
	assert_ok(phys_init(pm, FRAMES(1000), false));
	memcpy(head0, pm->free_head, sizeof(head0));
	memcpy(nblocks0, pm->nr_free_blocks, sizeof(nblocks0));
	assert_int_equal(head0[9], 0);
	assert_int_equal(head0[8], 512);
	assert_int_equal(head0[7], 768);
	assert_int_equal(head0[6], 896);
	assert_int_equal(head0[5], 960);
	assert_int_equal(head0[3], 992);

	for (unsigned attempt = 0; attempt < 4000 && pm->nr_free > 0; attempt++) {
		unsigned order = (unsigned)rng_below(&rng, 6);
		int rc = phys_alloc(pm, order, FRAME_ANON, &pfn);

		if (rc == VMSIM_ENOMEM) { /* no block that big left: take a frame */
			order = 0;
			rc = phys_alloc(pm, 0, FRAME_ANON, &pfn);
		}
		assert_ok(rc);
		assert_int_equal(pfn & ((1ULL << order) - 1), 0);
		assert_true(pfn + (1ULL << order) <= pm->nframes);
		for (uint64_t i = 0; i < (1ULL << order); i++) {
			if (owner[pfn + i] != 0)
				fail_msg("pfn %llu handed out twice",
					 (unsigned long long)(pfn + i));
			owner[pfn + i] = (uint16_t)(n + 1);
		}
		blocks[n++] = (struct block){pfn, order};
	}
	assert_int_equal(pm->nr_free, 0);
	assert_int_equal(phys_alloc(pm, 0, 0, &pfn), VMSIM_ENOMEM);
	testutil_check_phys(pm);

	for (unsigned i = n - 1; i > 0; i--) { /* Fisher-Yates */
		unsigned j = (unsigned)rng_below(&rng, i + 1);
		struct block t = blocks[i];

		blocks[i] = blocks[j];
		blocks[j] = t;
	}
	for (unsigned i = 0; i < n; i++) {
		phys_free(pm, blocks[i].pfn, blocks[i].order);
		testutil_check_phys(pm);
	}
	assert_int_equal(pm->nr_free, 1000);
	assert_memory_equal(head0, pm->free_head, sizeof(head0));
	assert_memory_equal(nblocks0, pm->nr_free_blocks, sizeof(nblocks0));
}

static void buddy_exhausted_alloc_returns_enomem_and_changes_nothing(void **state)
{
	struct phys_mem *pm = *state;
	struct snapshot s;
	pfn_t pfn = 12345;

	assert_ok(phys_init(pm, FRAMES(8), true));
	alloc_ok(pm, 3, FRAME_DATA);
	snap_take(&s, pm);
	assert_int_equal(phys_alloc(pm, 0, FRAME_DATA, &pfn), VMSIM_ENOMEM);
	assert_int_equal(pfn, 12345);
	snap_expect_same(&s, pm, 1, 1);
	testutil_check_phys(pm);

	/* enough free frames, but no block of order 1: 0_2_4_6_ free */
	phys_free(pm, 0, 3);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(alloc_ok(pm, 0, FRAME_DATA), i);
	for (unsigned i = 0; i < 8; i += 2)
		phys_free(pm, i, 0);
	snap_take(&s, pm);
	assert_int_equal(phys_alloc(pm, 1, FRAME_DATA, &pfn), VMSIM_ENOMEM);
	snap_expect_same(&s, pm, 1, 1);
	testutil_check_phys(pm);
}

static void buddy_alloc_bad_arguments_return_einval(void **state)
{
	struct phys_mem *pm = *state;
	struct snapshot s;
	pfn_t pfn;

	assert_ok(phys_init(pm, FRAMES(4), false));
	snap_take(&s, pm);
	assert_int_equal(phys_alloc(pm, PHYS_MAX_ORDER + 1, 0, &pfn), VMSIM_EINVAL);
	assert_int_equal(phys_alloc(pm, 0, FRAME_BUDDY, &pfn), VMSIM_EINVAL);
	assert_int_equal(phys_alloc(pm, 0, FRAME_HEAD | FRAME_ANON, &pfn), VMSIM_EINVAL);
	snap_expect_same(&s, pm, 0, 0);
	assert_int_equal(phys_free_blocks(pm, PHYS_MAX_ORDER + 1), 0);
	testutil_check_phys(pm);
}

/* ---- fragmentation index ------------------------------------------------ */

static void frag_index_matches_linux_formula(void **state)
{
	struct phys_mem *pm = *state;

	assert_ok(phys_init(pm, FRAMES(1024), false));
	assert_int_equal(phys_frag_index(pm, 10), -1000);
	for (unsigned i = 0; i < 1024; i++)
		assert_int_equal(alloc_ok(pm, 0, FRAME_ANON), i);
	assert_int_equal(phys_frag_index(pm, 0), 0); /* nothing free at all */
	assert_int_equal(phys_frag_index(pm, 5), 0);

	/* free every other frame: 512 free order-0 blocks, no two adjacent */
	for (unsigned i = 0; i < 1024; i += 2)
		phys_free(pm, i, 0);
	assert_int_equal(pm->stats.merges, 0);
	assert_int_equal(phys_free_blocks(pm, 0), 512);
	assert_int_equal(phys_frag_index(pm, 0), -1000);
	assert_int_equal(phys_frag_index(pm, 1), 499);	/* 1000 - 257000/512 */
	assert_int_equal(phys_frag_index(pm, 9), 997);	/* 1000 - 2000/512 */
	assert_int_equal(phys_frag_index(pm, 10), 998); /* 1000 - 1500/512 */
	assert_int_equal(phys_frag_index(pm, 18), 999); /* 1000 - 1001/512 */
	assert_int_equal(phys_frag_index(pm, PHYS_MAX_ORDER + 1), 0);
	testutil_check_phys(pm);

	/* freeing pfn 1 merges 0+1 into an order-1 block */
	phys_free(pm, 1, 0);
	assert_int_equal(phys_free_blocks(pm, 1), 1);
	assert_int_equal(phys_frag_index(pm, 1), -1000);
	assert_int_equal(phys_frag_index(pm, 2), 748); /* 1000 - 129250/512 */
	testutil_check_phys(pm);
}

/* ---- frame bytes -------------------------------------------------------- */

static void data_mode_bytes_are_zeroed_and_freed_with_the_frame(void **state)
{
	struct phys_mem *pm = *state;
	pfn_t pfn;

	assert_ok(phys_init(pm, FRAMES(64), true));
	pfn = alloc_ok(pm, 2, FRAME_DATA | FRAME_ANON);
	assert_int_equal(pm->stats.bytes_frames, 4);
	for (unsigned i = 0; i < 4; i++) {
		uint8_t *b = phys_bytes_if_present(pm, pfn + i);

		assert_non_null(b);
		assert_true(all_zero(b, VMSIM_PAGE_SIZE));
		assert_ptr_equal(phys_bytes(pm, pfn + i), b);
		memset(b, 0xab, VMSIM_PAGE_SIZE);
	}
	assert_int_equal(pm->stats.bytes_frames, 4);
	testutil_check_phys(pm);

	phys_free(pm, pfn, 2);
	assert_int_equal(pm->stats.bytes_frames, 0);
	for (unsigned i = 0; i < 4; i++)
		assert_null(phys_bytes_if_present(pm, pfn + i));
	testutil_check_phys(pm);

	/* the same frames come back zeroed */
	assert_int_equal(alloc_ok(pm, 2, FRAME_DATA), pfn);
	for (unsigned i = 0; i < 4; i++)
		assert_true(all_zero(phys_bytes_if_present(pm, pfn + i), VMSIM_PAGE_SIZE));
	testutil_check_phys(pm);
}

static void data_mode_off_data_frames_get_bytes_only_on_demand(void **state)
{
	struct phys_mem *pm = *state;
	uint8_t *b;
	pfn_t pfn;

	assert_ok(phys_init(pm, FRAMES(16), false));
	pfn = alloc_ok(pm, 1, FRAME_DATA);
	assert_int_equal(pm->stats.bytes_frames, 0);
	assert_null(phys_bytes_if_present(pm, pfn));
	b = phys_bytes(pm, pfn + 1);
	assert_non_null(b);
	assert_true(all_zero(b, VMSIM_PAGE_SIZE));
	assert_int_equal(pm->stats.bytes_frames, 1);
	assert_ptr_equal(phys_bytes(pm, pfn + 1), b);
	assert_int_equal(pm->stats.bytes_frames, 1);
	testutil_check_phys(pm);

	phys_free(pm, pfn, 1);
	assert_int_equal(pm->stats.bytes_frames, 0);
	assert_null(phys_bytes_if_present(pm, pfn + 1));
	testutil_check_phys(pm);
}

static void pagetable_frames_get_bytes_without_data_mode(void **state)
{
	struct phys_mem *pm = *state;
	pfn_t pt, anon;

	assert_ok(phys_init(pm, FRAMES(16), false));
	pt = alloc_ok(pm, 0, FRAME_PAGETABLE);
	anon = alloc_ok(pm, 0, FRAME_ANON);
	assert_non_null(phys_bytes_if_present(pm, pt));
	assert_true(all_zero(phys_bytes_if_present(pm, pt), VMSIM_PAGE_SIZE));
	assert_null(phys_bytes_if_present(pm, anon));
	assert_int_equal(pm->stats.bytes_frames, 1);
	testutil_check_phys(pm);
	phys_free(pm, pt, 0);
	assert_int_equal(pm->stats.bytes_frames, 0);
	testutil_check_phys(pm);
}

/* ---- the fail_alloc_at hook --------------------------------------------- */

static void fail_alloc_at_fails_only_the_nth_attempt(void **state)
{
	struct phys_mem *pm = *state;
	struct snapshot s;
	pfn_t pfn;

	assert_ok(phys_init(pm, FRAMES(16), true));
	pm->fail_alloc_at = 3;
	assert_int_equal(alloc_ok(pm, 0, FRAME_DATA), 0);
	assert_int_equal(alloc_ok(pm, 0, FRAME_PAGETABLE), 1);
	snap_take(&s, pm);
	assert_int_equal(phys_alloc(pm, 0, FRAME_DATA, &pfn), VMSIM_ENOMEM);
	snap_expect_same(&s, pm, 1, 0);
	assert_int_equal(pm->nallocs, 3);
	assert_int_equal(alloc_ok(pm, 0, FRAME_DATA), 2);
	assert_int_equal(alloc_ok(pm, 0, FRAME_DATA), 3);
	assert_int_equal(pm->nallocs, 5);
	assert_int_equal(pm->stats.failures, 0);
	testutil_check_phys(pm);
}

/* ---- phys_check --------------------------------------------------------- */

/* Expect phys_check to fail with a message containing @needle. */
static void expect_check_fails(const struct phys_mem *pm, const char *needle)
{
	char why[256] = "";

	assert_int_equal(phys_check(pm, why, sizeof(why)), VMSIM_ECHECK);
	if (strstr(why, needle) == NULL)
		fail_msg("phys_check said '%s', expected it to mention '%s'", why, needle);
}

static void phys_check_corrupted_state_returns_echeck(void **state)
{
	struct phys_mem *pm = *state;
	static uint8_t page[4096];
	uint32_t saved;

	/*        0123456789abcdef
	 * ruler: A_A_[o2][ o3  ]   free_list[0]: 1 -> 3 */
	assert_ok(phys_init(pm, FRAMES(16), false));
	for (unsigned i = 0; i < 4; i++)
		alloc_ok(pm, 0, FRAME_ANON);
	phys_free(pm, 3, 0);
	phys_free(pm, 1, 0);
	assert_int_equal(pm->free_head[0], 1);
	testutil_check_phys(pm);
	assert_ok(phys_check(pm, NULL, 0));

	saved = FR(3).prev; /* broken back link */
	FR(3).prev = 7;
	expect_check_fails(pm, "pfn 3 has prev 7");
	FR(3).prev = saved;
	testutil_check_phys(pm);

	saved = FR(1).next; /* link beyond RAM */
	FR(1).next = 100;
	expect_check_fails(pm, "pfn 100 beyond ram");
	FR(1).next = saved;
	testutil_check_phys(pm);

	FR(3).next = 5; /* free_list[0]: 1 -> 3 -> 5, but 5 is inside 4..7 */
	FR(5) = (struct frame){.flags = FRAME_BUDDY, .prev = 3, .next = FRAME_NIL};
	pm->nr_free_blocks[0]++;
	pm->nr_free++;
	expect_check_fails(pm, "free_list[2]: block at pfn 4 overlaps another free block");
	FR(3).next = FRAME_NIL;
	FR(5).flags = 0;
	pm->nr_free_blocks[0]--;
	pm->nr_free--;
	testutil_check_phys(pm);

	FR(4).order = 1; /* head with the wrong order */
	expect_check_fails(pm, "free_list[2]: pfn 4 has order 1");
	FR(4).order = 2;
	testutil_check_phys(pm);

	pm->nr_free_blocks[0]++;
	expect_check_fails(pm, "free_list[0]: 2 blocks");
	pm->nr_free_blocks[0]--;
	pm->nr_free--;
	expect_check_fails(pm, "nr_free");
	pm->nr_free++;
	testutil_check_phys(pm);

	FR(5).flags |= FRAME_HEAD; /* allocated head inside a free block */
	expect_check_fails(pm, "pfn 5 inside the free block at pfn 4 order 2");
	FR(5).flags = 0;
	testutil_check_phys(pm);

	FR(12).flags = FRAME_BUDDY; /* stale free head inside a free block */
	FR(12).order = 2;
	expect_check_fails(pm, "pfn 12 inside the free block at pfn 8 order 3");
	FR(12).flags = 0;
	testutil_check_phys(pm);

	*phys_bytes_slot(pm, 9) = page; /* bytes on a free frame */
	expect_check_fails(pm, "free pfn 9");
	*phys_bytes_slot(pm, 9) = NULL;
	testutil_check_phys(pm);

	FR(2).flags &= ~(uint32_t)FRAME_HEAD; /* allocated block lost its head */
	expect_check_fails(pm, "pfn 2 starts no block");
	FR(2).flags |= FRAME_HEAD;
	testutil_check_phys(pm);

	FR(2).order = 1; /* allocated block grown over free pfn 3 */
	expect_check_fails(pm, "pfn 2 order 1 overlaps a free block");
	FR(2).order = 0;
	testutil_check_phys(pm);
}

/* ---- bug checks (VMSIM_BUG_ON aborts; run in a child) -------------------- */

/* Run @fn(@pm, @pfn, @order) in a child with stderr silenced; true if the
 * child died of SIGABRT. */
static bool aborts(void (*fn)(struct phys_mem *, pfn_t, unsigned), struct phys_mem *pm, pfn_t pfn,
		   unsigned order)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 2);
		fn(pm, pfn, order);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void call_free(struct phys_mem *pm, pfn_t pfn, unsigned order)
{
	phys_free(pm, pfn, order);
}

static void call_bytes(struct phys_mem *pm, pfn_t pfn, unsigned order)
{
	(void)order;
	phys_bytes(pm, pfn);
}

static void phys_free_of_anything_but_an_allocated_head_aborts(void **state)
{
	struct phys_mem *pm = *state;
	pfn_t pfn;

	assert_ok(phys_init(pm, FRAMES(16), false));
	pfn = alloc_ok(pm, 2, FRAME_ANON);		/* 0..3 allocated, 4.. free */
	assert_false(aborts(call_free, pm, pfn, 2));	/* control: a valid free */
	assert_true(aborts(call_free, pm, pfn, 1));	/* wrong order */
	assert_true(aborts(call_free, pm, pfn + 1, 0)); /* not the head */
	assert_true(aborts(call_free, pm, 4, 2));	/* a free block: double free */
	assert_true(aborts(call_free, pm, 16, 0));	/* beyond RAM */
	assert_true(aborts(call_free, pm, pfn, PHYS_MAX_ORDER + 1));
	testutil_check_phys(pm);
}

static void phys_bytes_of_a_free_frame_aborts(void **state)
{
	struct phys_mem *pm = *state;

	assert_ok(phys_init(pm, FRAMES(16), false));
	alloc_ok(pm, 0, FRAME_ANON);
	assert_false(aborts(call_bytes, pm, 0, 0)); /* control: allocated frame */
	assert_true(aborts(call_bytes, pm, 1, 0));  /* free order-0 block */
	assert_true(aborts(call_bytes, pm, 13, 0)); /* inside the free block at 8 */
	assert_true(aborts(call_bytes, pm, 16, 0)); /* beyond RAM */
	assert_int_equal(pm->stats.bytes_frames, 0);
	testutil_check_phys(pm);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(phys_init_one_frame_gives_one_order0_block),
	    T(phys_init_partial_frame_rounds_down),
	    T(phys_init_1g_plus_3_frames_carves_maximal_blocks),
	    T(phys_init_64g_touches_only_block_heads),
	    T(phys_lazy_gigabytes_keep_the_allocation_order),
	    T(phys_init_16t_costs_only_the_chunks_used),
	    T(phys_init_bad_sizes_return_einval),
	    T(buddy_alloc_each_order_returns_aligned_head),
	    T(buddy_alloc_clears_os_fields_of_every_frame),
	    T(buddy_split_then_free_coalesces_to_one_block),
	    T(buddy_alloc_prefers_low_pfns_and_reuses_last_freed),
	    T(buddy_random_alloc_free_restores_initial_blocks),
	    T(buddy_exhausted_alloc_returns_enomem_and_changes_nothing),
	    T(buddy_alloc_bad_arguments_return_einval),
	    T(frag_index_matches_linux_formula),
	    T(data_mode_bytes_are_zeroed_and_freed_with_the_frame),
	    T(data_mode_off_data_frames_get_bytes_only_on_demand),
	    T(pagetable_frames_get_bytes_without_data_mode),
	    T(fail_alloc_at_fails_only_the_nth_attempt),
	    T(phys_check_corrupted_state_returns_echeck),
	    T(phys_free_of_anything_but_an_allocated_head_aborts),
	    T(phys_bytes_of_a_free_frame_aborts),
	};

	return cmocka_run_group_tests_name("phys", tests, NULL, NULL);
}
