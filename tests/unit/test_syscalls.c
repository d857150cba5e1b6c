/*
 * The memory-management system calls through the public API only (vm_*),
 * against Linux's documented semantics (man 2 mmap, munmap, mprotect, brk,
 * madvise): argument errors, where mappings go and when VMAs merge, which
 * pages and page tables are freed, protection changes and the SIGSEGVs they
 * cause, the program break, madvise, shared anonymous memory, MAP_POPULATE,
 * the exec layout, dead processes, and a machine of 64 frames.
 *
 * Every case runs twice, with PCIDs off and on; vmsim_check runs in the
 * teardown after each case and in the middle of the long ones.
 *
 * Address spaces are drawn one character per page over a ruler, the way
 * draw() renders them, so a picture in a comment is also an assertion:
 *
 *   0123456789abcdef    pages from some base address
 *   AAAA..BBB.......    A, B: VMAs in address order; '.': no VMA
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG	  VMSIM_PAGE_SIZE
#define P(n)	  ((uint64_t)(n)*PG) /* n pages, in bytes */
#define MiB	  (1ULL << 20)
#define RO	  VMSIM_PROT_READ
#define RW	  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define RX	  (VMSIM_PROT_READ | VMSIM_PROT_EXEC)
#define PRIV	  (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define SHARED	  (VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS)
#define FIXED	  (PRIV | VMSIM_MAP_FIXED)
#define NOREPLACE (PRIV | VMSIM_MAP_FIXED_NOREPLACE)

/* Linux's x86-64 layout, as the kernel documents it (src/os/kernel.h):
 * mmap grows down from MMAP_TOP, user space ends at USER_END, nothing may
 * be mapped below MMAP_LOW (vm.mmap_min_addr). */
#define MMAP_TOP 0x00007ff000000000ULL
#define USER_END 0x00007ffffffff000ULL
#define MMAP_LOW 0x0000000000010000ULL
#define TEXT	 0x0000000000400000ULL
/* A quiet 1 GiB-aligned place for MAP_FIXED: the first page of a PDPT
 * entry's span, far from the exec layout and the mmap area. */
#define FIX 0x0000000040000000ULL

#define PIC_MAX 64

/* ---- fixture ------------------------------------------------------------ */

enum {
	O_KILL = 1,  /* SIGSEGV kills (Linux's default action) */
	O_DATA = 2,  /* data mode */
	O_CHECK = 4, /* vmsim_check after every event */
	O_TINY = 8,  /* 64 frames (the least vmsim_system_new accepts), a 1-entry TLB */
};

struct fx {
	struct vmsim_system *sys;
	int pid;	       /* a live process with an empty address space */
	char pic[PIC_MAX + 1]; /* draw()'s picture */
};

static bool g_pcid; /* the group being run: PCIDs on or off */

static int fx_new(void **state, unsigned opts)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vmsim_config cfg;

	if (!f)
		return -1;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = (opts & O_TINY) ? 64 * PG : 64 * MiB;
	cfg.mmu.pcid = g_pcid;
	cfg.data_mode = opts & O_DATA;
	cfg.segv_kills = opts & O_KILL;
	cfg.check_every_event = opts & O_CHECK;
	if (opts & O_TINY) {
		/* one L1D and one STLB entry, no L1I: every access evicts */
		struct vmsim_tlb_cfg *t = &cfg.mmu.tlb;
		memset(t, 0, sizeof(*t));
		t->level[VMSIM_TLB_L1D].narrays = 1;
		t->level[VMSIM_TLB_L1D].arrays[0].entries = 1;
		t->level[VMSIM_TLB_L1D].arrays[0].sizes = 1u << VMSIM_PAGE_4K;
		t->level[VMSIM_TLB_L2].narrays = 1;
		t->level[VMSIM_TLB_L2].arrays[0].entries = 1;
		t->level[VMSIM_TLB_L2].arrays[0].sizes = 1u << VMSIM_PAGE_4K;
		cfg.mmu.cpu = "custom";
		/* no swap and no OOM killer: running out of frames surfaces as
		 * VMSIM_ENOMEM, which these cases are about */
		cfg.swap_bytes = 0;
		cfg.oom_kill = false;
	}
	if (vmsim_system_new(&cfg, &f->sys)) {
		free(f);
		return -1;
	}
	if (vmsim_process_create(f->sys, &f->pid)) {
		vmsim_system_free(f->sys);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int setup_kill(void **state)
{
	return fx_new(state, O_KILL);
}

static int setup_keep(void **state)
{
	return fx_new(state, 0);
}

static int setup_data(void **state)
{
	return fx_new(state, O_DATA);
}

static int setup_checked(void **state)
{
	return fx_new(state, O_DATA | O_CHECK);
}

static int setup_tiny(void **state)
{
	return fx_new(state, O_TINY | O_DATA);
}

/* The invariants after every case: a failure fails the case. */
static int fx_free(void **state)
{
	struct fx *f = *state;
	char why[256] = "";
	int rc = vmsim_check(f->sys, why, sizeof(why));

	vmsim_system_free(f->sys);
	free(f);
	if (rc) {
		print_error("vmsim_check after the case: %s\n", why);
		return -1;
	}
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static void check_now(struct fx *f)
{
	char why[256] = "";
	if (vmsim_check(f->sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
}

static vaddr_t map(struct fx *f, int pid, vaddr_t addr, uint64_t len, int prot, int flags)
{
	vaddr_t a = 0;
	assert_ok(vmsim_mmap(f->sys, pid, addr, len, prot, flags, -1, 0, &a));
	return a;
}

/* One access of @kind to each page of [@a, @a + @len): none may fault
 * invalidly. */
static void touch(struct fx *f, int pid, vaddr_t a, uint64_t len, enum vmsim_access_kind kind)
{
	for (uint64_t off = 0; off < len; off += PG) {
		struct vmsim_access_result r;
		assert_ok(vmsim_access(f->sys, pid, a + off, 1, kind, &r));
		if (r.segv)
			fail_msg("access %d to %#llx raised SIGSEGV (reason %d)", (int)kind,
				 (unsigned long long)(a + off), (int)r.reason);
	}
}

/* One access of @kind to @va must raise SIGSEGV for @reason, reported in
 * the result and recorded as the next SIGSEGV of the system. */
static void expect_segv(struct fx *f, int pid, vaddr_t va, enum vmsim_access_kind kind,
			enum vmsim_segv_reason reason)
{
	uint64_t n = sst(f->sys).segvs;
	uint64_t invalid = pst(f->sys, pid).faults_invalid;
	struct vmsim_access_result r;
	struct vmsim_segv_record rec;

	assert_ok(vmsim_access(f->sys, pid, va, 1, kind, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, reason);
	assert_int_equal(r.segv_addr, va);
	assert_int_equal(r.faults_minor, 0);
	assert_int_equal(sst(f->sys).segvs, n + 1);
	assert_ok(vmsim_segv_get(f->sys, n, &rec));
	assert_int_equal(rec.pid, pid);
	assert_int_equal(rec.addr, va);
	assert_int_equal(rec.kind, kind);
	assert_int_equal(rec.reason, reason);
	assert_int_equal(vmsim_segv_get(f->sys, n + 1, &rec), VMSIM_ERANGE);
	assert_int_equal(pst(f->sys, pid).faults_invalid, invalid + 1);
}

/* Data mode: fill the page at @va with @byte, or check that it holds it. */
static void fill_page(struct fx *f, int pid, vaddr_t va, uint8_t byte)
{
	uint8_t buf[PG];
	memset(buf, byte, sizeof(buf));
	assert_ok(vmsim_store(f->sys, pid, va, buf, sizeof(buf)));
}

static void expect_page(struct fx *f, int pid, vaddr_t va, uint8_t byte)
{
	uint8_t buf[PG], want[PG];
	memset(want, byte, sizeof(want));
	assert_ok(vmsim_load(f->sys, pid, va, buf, sizeof(buf)));
	assert_memory_equal(buf, want, sizeof(buf));
}

struct draw_ctx {
	vaddr_t base;
	unsigned n;
	char *pic;
	char letter;
};

static int draw_one(const struct vmsim_smaps_entry *e, void *arg)
{
	struct draw_ctx *d = arg;
	vaddr_t lim = d->base + P(d->n);
	if (e->end <= d->base || e->start >= lim)
		return 0;
	for (vaddr_t va = e->start > d->base ? e->start : d->base; va < e->end && va < lim;
	     va += PG)
		d->pic[(va - d->base) / PG] = d->letter;
	d->letter++;
	return 0;
}

/* The VMAs of @pid over @n pages from @base: 'A' for the first VMA met,
 * 'B' for the next, ..., '.' where there is none. */
static const char *draw(struct fx *f, int pid, vaddr_t base, unsigned n)
{
	struct draw_ctx d = {base, n, f->pic, 'A'};
	assert_true(n <= PIC_MAX);
	memset(f->pic, '.', n);
	f->pic[n] = '\0';
	assert_ok(vmsim_smaps(f->sys, pid, draw_one, &d));
	return f->pic;
}

struct find_ctx {
	vaddr_t va;
	bool found;
	struct vmsim_smaps_entry e;
};

static int find_one(const struct vmsim_smaps_entry *e, void *arg)
{
	struct find_ctx *c = arg;
	if (c->va >= e->start && c->va < e->end) {
		c->e = *e;
		c->found = true;
		return 1;
	}
	return 0;
}

/* The smaps entry of the VMA holding @va (which must exist). */
static struct vmsim_smaps_entry vma_at(struct fx *f, int pid, vaddr_t va)
{
	struct find_ctx c = {.va = va};
	int rc = vmsim_smaps(f->sys, pid, find_one, &c);
	if (!c.found)
		fail_msg("no VMA holds %#llx", (unsigned long long)va);
	assert_int_equal(rc, 1);
	return c.e;
}

static void expect_vma(struct fx *f, int pid, vaddr_t va, vaddr_t start, vaddr_t end, int prot)
{
	struct vmsim_smaps_entry e = vma_at(f, pid, va);
	assert_int_equal(e.start, start);
	assert_int_equal(e.end, end);
	assert_int_equal(e.prot, prot);
}

static int fx_new_proc(struct fx *f)
{
	int pid;
	assert_ok(vmsim_process_create(f->sys, &pid));
	return pid;
}

/* ---- mmap: argument errors ---------------------------------------------- */

static void mmap_len_zero_returns_einval(void **state)
{
	struct fx *f = *state;
	vaddr_t a;

	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, 0, RW, PRIV, -1, 0, &a), VMSIM_EINVAL);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, FIX, 0, RW, FIXED, -1, 0, &a), VMSIM_EINVAL);
	/* len is checked before the file descriptor, as in Linux */
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, 0, RW, VMSIM_MAP_PRIVATE, 3, 0, &a),
			 VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 0);
	assert_int_equal(pst(f->sys, f->pid).vm_size, 0);
}

static void mmap_flags_without_or_with_both_types_return_einval(void **state)
{
	struct fx *f = *state;
	vaddr_t a;

	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, PG, RW, VMSIM_MAP_ANONYMOUS, -1, 0, &a),
			 VMSIM_EINVAL);
	assert_int_equal(
	    vmsim_mmap(f->sys, f->pid, 0, PG, RW, VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED, -1, 0, &a),
	    VMSIM_EINVAL);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, PG, RW,
				    VMSIM_MAP_SHARED | VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1,
				    0, &a),
			 VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 0);
	/* each type alone is fine */
	map(f, f->pid, 0, PG, RW, PRIV);
	map(f, f->pid, 0, PG, RW, SHARED);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 2);
}

static void mmap_unknown_flag_or_prot_bits_return_einval(void **state)
{
	struct fx *f = *state;
	static const int bad_flags[] = {0x200000, 0x40000000, 0x400};
	static const int bad_prot[] = {0x10, 0x80, 0x40000000};
	vaddr_t a;

	for (size_t i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++)
		assert_int_equal(
		    vmsim_mmap(f->sys, f->pid, 0, PG, RW, PRIV | bad_flags[i], -1, 0, &a),
		    VMSIM_EINVAL);
	for (size_t i = 0; i < sizeof(bad_prot) / sizeof(bad_prot[0]); i++)
		assert_int_equal(
		    vmsim_mmap(f->sys, f->pid, 0, PG, RW | bad_prot[i], PRIV, -1, 0, &a),
		    VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 0);
	/* every known bit is accepted */
	map(f, f->pid, 0, PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE | VMSIM_PROT_EXEC,
	    PRIV | VMSIM_MAP_NORESERVE | VMSIM_MAP_POPULATE);
	map(f, f->pid, 0, PG, VMSIM_PROT_NONE, PRIV);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 2);
}

static void mmap_unaligned_offset_returns_einval(void **state)
{
	struct fx *f = *state;
	vaddr_t a;

	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, PG, RW, PRIV, -1, 1, &a), VMSIM_EINVAL);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, PG, RW, PRIV, -1, PG + 0x800, &a),
			 VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 0);
	/* an aligned offset is fine (and ignored for anonymous memory) */
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, PG, RW, PRIV, -1, P(16), &a));
	assert_int_equal(a, MMAP_TOP - PG);
}

static void mmap_without_anonymous_returns_ebadf(void **state)
{
	struct fx *f = *state;
	vaddr_t a;

	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, PG, RW, VMSIM_MAP_PRIVATE, -1, 0, &a),
			 VMSIM_EBADF);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, PG, RW, VMSIM_MAP_SHARED, 3, 0, &a),
			 VMSIM_EBADF);
	assert_int_equal(
	    vmsim_mmap(f->sys, f->pid, FIX, PG, RW, VMSIM_MAP_PRIVATE | VMSIM_MAP_FIXED, 0, 0, &a),
	    VMSIM_EBADF);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 0);
}

static void mmap_fixed_unaligned_address_returns_einval(void **state)
{
	struct fx *f = *state;
	vaddr_t a;

	assert_int_equal(vmsim_mmap(f->sys, f->pid, FIX + 1, PG, RW, FIXED, -1, 0, &a),
			 VMSIM_EINVAL);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, FIX + 0x800, PG, RW, NOREPLACE, -1, 0, &a),
			 VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 0);
	/* fixed beyond the end of user space: no room */
	assert_int_equal(vmsim_mmap(f->sys, f->pid, USER_END - PG, P(2), RW, FIXED, -1, 0, &a),
			 VMSIM_ENOMEM);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 0);
	/* the last page of user space itself is mappable */
	assert_int_equal(map(f, f->pid, USER_END - PG, PG, RW, FIXED), USER_END - PG);
}

/* ---- mmap: placement, replacement, merging ------------------------------- */

/*
 * MAP_FIXED over a mapping replaces that part of it; the old pages there are
 * freed and the new mapping reads zeros:
 *
 *   01234567
 *   AAAAAAAA     rw-, every page written
 *   AABBBBCC     MAP_FIXED r-- over pages 2..5
 */
static void mmap_fixed_over_mapping_replaces_it_and_frees_old_pages(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(8), RW, FIXED);
	for (unsigned i = 0; i < 8; i++)
		fill_page(f, f->pid, FIX + P(i), (uint8_t)(0xa0 + i));
	assert_int_equal(sst(f->sys).frames_user, 8);
	assert_int_equal(pst(f->sys, f->pid).rss, P(8));

	assert_int_equal(map(f, f->pid, FIX + P(2), P(4), RO, FIXED), FIX + P(2));
	assert_string_equal(draw(f, f->pid, FIX, 8), "AABBBBCC");
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(8));
	assert_int_equal(sst(f->sys).frames_user, 4);
	assert_int_equal(pst(f->sys, f->pid).rss, P(4));
	expect_vma(f, f->pid, FIX + P(3), FIX + P(2), FIX + P(6), RO);
	expect_page(f, f->pid, FIX + P(3), 0);
	expect_page(f, f->pid, FIX + P(1), 0xa1);
	expect_page(f, f->pid, FIX + P(6), 0xa6);
	expect_segv(f, f->pid, FIX + P(4), VMSIM_WRITE, VMSIM_SEGV_ACCERR);
}

/*
 * MAP_FIXED with the same protection in the middle of a mapping: the old
 * pages go, and the new area merges with both sides again.
 *
 *   01234567
 *   AAAAAAAA     rw-, every page written; MAP_FIXED rw- over pages 3..4
 */
static void mmap_fixed_same_prot_in_middle_merges_back_into_one_vma(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(8), RW, FIXED);
	for (unsigned i = 0; i < 8; i++)
		fill_page(f, f->pid, FIX + P(i), 0x5a);
	map(f, f->pid, FIX + P(3), P(2), RW, FIXED);
	assert_string_equal(draw(f, f->pid, FIX, 8), "AAAAAAAA");
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	assert_int_equal(sst(f->sys).frames_user, 6);
	expect_page(f, f->pid, FIX + P(3), 0);
	expect_page(f, f->pid, FIX + P(4), 0);
	expect_page(f, f->pid, FIX + P(5), 0x5a);
}

/*
 *   01234567
 *   ..AAAA..     rw-, written
 *   ....xxxx     MAP_FIXED_NOREPLACE: EEXIST, nothing changes
 */
static void mmap_fixed_noreplace_over_mapping_returns_eexist_and_changes_nothing(void **state)
{
	struct fx *f = *state;
	vaddr_t a;

	map(f, f->pid, FIX + P(2), P(4), RW, NOREPLACE);
	touch(f, f->pid, FIX + P(2), P(4), VMSIM_WRITE);
	struct vmsim_sys_stats before = sst(f->sys);
	uint64_t faults = pst(f->sys, f->pid).faults_minor;

	assert_int_equal(vmsim_mmap(f->sys, f->pid, FIX + P(4), P(4), RO, NOREPLACE, -1, 0, &a),
			 VMSIM_EEXIST);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, FIX, P(3), RO, NOREPLACE, -1, 0, &a),
			 VMSIM_EEXIST);
	/* both FIXED flags: NOREPLACE wins */
	assert_int_equal(
	    vmsim_mmap(f->sys, f->pid, FIX + P(2), PG, RO, NOREPLACE | VMSIM_MAP_FIXED, -1, 0, &a),
	    VMSIM_EEXIST);
	assert_string_equal(draw(f, f->pid, FIX, 8), "..AAAA..");
	expect_vma(f, f->pid, FIX + P(5), FIX + P(2), FIX + P(6), RW);
	assert_int_equal(sst(f->sys).frames_user, before.frames_user);
	assert_int_equal(pst(f->sys, f->pid).rss, P(4));
	touch(f, f->pid, FIX + P(2), P(4), VMSIM_WRITE); /* still writable, still there */
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults);

	/* into the free pages next to it, NOREPLACE maps exactly there */
	assert_int_equal(map(f, f->pid, FIX + P(6), P(2), RO, NOREPLACE), FIX + P(6));
	assert_string_equal(draw(f, f->pid, FIX, 8), "..AAAABB");
}

static void mmap_free_hint_is_honoured(void **state)
{
	struct fx *f = *state;

	assert_int_equal(map(f, f->pid, 0x50000000, P(3), RW, PRIV), 0x50000000);
	/* above the mmap base too, while it fits below the end of user space */
	assert_int_equal(map(f, f->pid, 0x7ff800000000ULL, PG, RW, PRIV), 0x7ff800000000ULL);
	/* an unaligned hint is rounded down to its page (x86's addr &= PAGE_MASK) */
	assert_int_equal(map(f, f->pid, 0x60000123, PG, RW, PRIV), 0x60000000);
	expect_vma(f, f->pid, 0x50000000, 0x50000000, 0x50003000, RW);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
}

/*
 * A hint whose range is taken is ignored: the mapping goes top-down below
 * the mmap base as without a hint.
 *
 *   01234567         (from FIX)
 *   AAAA....         MAP_FIXED; hints at pages 1 and 3 are taken
 */
static void mmap_occupied_hint_is_ignored_and_placed_top_down(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(4), RW, FIXED);
	assert_int_equal(map(f, f->pid, FIX + P(1), P(2), RW, PRIV), MMAP_TOP - P(2));
	/* only partly taken: still ignored */
	assert_int_equal(map(f, f->pid, FIX + P(3), P(2), RO, PRIV), MMAP_TOP - P(4));
	/* a hint that would run past the end of user space */
	assert_int_equal(map(f, f->pid, USER_END - PG, P(2), RX, PRIV), MMAP_TOP - P(6));
	/* below mmap_min_addr: never honoured as such */
	vaddr_t low = map(f, f->pid, PG, PG, RW, SHARED);
	assert_true(low >= MMAP_LOW);
	assert_int_equal(low & (PG - 1), 0);
	assert_string_equal(draw(f, f->pid, FIX, 8), "AAAA....");
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(4 + 2 + 2 + 2 + 1));
}

/*
 * Successive mappings without a hint go top-down from the mmap base, each
 * ending where the previous one starts; compatible neighbours (anonymous,
 * private, same protection and flags) merge:
 *
 *   0123456789ab     from MMAP_TOP - 12 pages to MMAP_TOP
 *   .ABCCDEFFFFF     F: rw- 2 pages then 3 pages, merged; E: r--;
 *                    D: rw- NORESERVE; C: rw- 1 page then 1 page, merged;
 *                    B, A: rw- shared (one object each: never merged)
 */
static void mmap_successive_mappings_go_top_down_and_merge_when_compatible(void **state)
{
	struct fx *f = *state;

	assert_int_equal(map(f, f->pid, 0, P(2), RW, PRIV), MMAP_TOP - P(2));
	assert_int_equal(map(f, f->pid, 0, P(3), RW, PRIV), MMAP_TOP - P(5));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	expect_vma(f, f->pid, MMAP_TOP - PG, MMAP_TOP - P(5), MMAP_TOP, RW);

	assert_int_equal(map(f, f->pid, 0, PG, RO, PRIV), MMAP_TOP - P(6));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 2);
	assert_int_equal(map(f, f->pid, 0, PG, RW, PRIV | VMSIM_MAP_NORESERVE), MMAP_TOP - P(7));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	assert_int_equal(map(f, f->pid, 0, PG, RW, PRIV), MMAP_TOP - P(8));
	assert_int_equal(map(f, f->pid, 0, PG, RW, PRIV), MMAP_TOP - P(9));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 4);
	assert_int_equal(map(f, f->pid, 0, PG, RW, SHARED), MMAP_TOP - P(10));
	assert_int_equal(map(f, f->pid, 0, PG, RW, SHARED), MMAP_TOP - P(11));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 6);
	assert_string_equal(draw(f, f->pid, MMAP_TOP - P(12), 12), ".ABCCDEFFFFF");

	struct vmsim_smaps_entry e = vma_at(f, f->pid, MMAP_TOP - P(11));
	assert_int_equal(e.flags, SHARED);
	e = vma_at(f, f->pid, MMAP_TOP - P(7));
	assert_int_equal(e.flags, PRIV | VMSIM_MAP_NORESERVE);
	e = vma_at(f, f->pid, MMAP_TOP - P(9));
	assert_int_equal(e.start, MMAP_TOP - P(9));
	assert_int_equal(e.end, MMAP_TOP - P(7));
	assert_int_equal(e.flags, PRIV);
	assert_string_equal(e.name, "");
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(11));
}

/* A freed gap below the mmap base is reused, the highest first. */
static void mmap_reuses_highest_gap_that_fits(void **state)
{
	struct fx *f = *state;

	/* 0123456789       from MMAP_TOP - 10 pages: three areas of
	 * AAABBBBCCC       different protections, then B unmapped */
	assert_int_equal(map(f, f->pid, 0, P(3), RW, PRIV), MMAP_TOP - P(3));
	assert_int_equal(map(f, f->pid, 0, P(4), RO, PRIV), MMAP_TOP - P(7));
	assert_int_equal(map(f, f->pid, 0, P(3), RX, PRIV), MMAP_TOP - P(10));
	assert_string_equal(draw(f, f->pid, MMAP_TOP - P(10), 10), "AAABBBBCCC");
	assert_ok(vmsim_munmap(f->sys, f->pid, MMAP_TOP - P(7), P(4)));
	assert_string_equal(draw(f, f->pid, MMAP_TOP - P(10), 10), "AAA....BBB");
	/* 5 pages do not fit in the 4-page gap: below everything */
	assert_int_equal(map(f, f->pid, 0, P(5), RO, PRIV), MMAP_TOP - P(15));
	/* 2 pages go to the top of the gap */
	assert_int_equal(map(f, f->pid, 0, P(2), RO, PRIV), MMAP_TOP - P(5));
	assert_string_equal(draw(f, f->pid, MMAP_TOP - P(10), 10), "AAA..BBCCC");
}

static void mmap_length_is_rounded_up_to_pages(void **state)
{
	struct fx *f = *state;

	assert_int_equal(map(f, f->pid, FIX, 1, RW, FIXED), FIX);
	assert_int_equal(map(f, f->pid, FIX + P(4), PG + 1, RW, FIXED), FIX + P(4));
	assert_int_equal(map(f, f->pid, 0, P(3) - 1, RW, PRIV), MMAP_TOP - P(3));
	/*
	 * 01234567     from FIX
	 * A...BB..
	 */
	assert_string_equal(draw(f, f->pid, FIX, 8), "A...BB..");
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(1 + 2 + 3));
	/* the whole rounded page is usable, the next one is not */
	touch(f, f->pid, FIX + PG - 1, 1, VMSIM_WRITE);
	touch(f, f->pid, FIX + P(6) - 1, 1, VMSIM_WRITE);
	expect_segv(f, f->pid, FIX + PG, VMSIM_READ, VMSIM_SEGV_MAPERR);
	expect_segv(f, f->pid, FIX + P(6), VMSIM_WRITE, VMSIM_SEGV_MAPERR);
}

static void mmap_huge_length_returns_enomem(void **state)
{
	struct fx *f = *state;
	vaddr_t a;

	map(f, f->pid, FIX, PG, RW, FIXED);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, 1ULL << 47, RW, PRIV, -1, 0, &a),
			 VMSIM_ENOMEM);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, UINT64_MAX, RW, PRIV, -1, 0, &a),
			 VMSIM_ENOMEM);
	/* rounding up to pages must not wrap to a small length */
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, UINT64_MAX - PG + 2, RW, PRIV, -1, 0, &a),
			 VMSIM_ENOMEM);
	/* more than the room below the mmap base */
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, MMAP_TOP, RW, PRIV, -1, 0, &a),
			 VMSIM_ENOMEM);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, FIX, 1ULL << 47, RW, FIXED, -1, 0, &a),
			 VMSIM_ENOMEM);
	assert_int_equal(vmsim_mmap(f->sys, f->pid, FIX, UINT64_MAX, RW, NOREPLACE, -1, 0, &a),
			 VMSIM_ENOMEM);
	/* nothing changed, and the old mapping was not replaced */
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	assert_int_equal(pst(f->sys, f->pid).vm_size, PG);
	/* a big mapping that fits is fine: VMS grows, RSS does not */
	map(f, f->pid, 0, 1ULL << 40, RW, PRIV | VMSIM_MAP_NORESERVE);
	assert_int_equal(pst(f->sys, f->pid).vm_size, PG + (1ULL << 40));
	assert_int_equal(pst(f->sys, f->pid).rss, 0);
}

/* VmSize is the sum of the VMAs' lengths, RSS only what was touched. */
static void mmap_vm_size_counts_every_mapping(void **state)
{
	struct fx *f = *state;

	vaddr_t a = map(f, f->pid, 0, P(3), RW, PRIV);
	vaddr_t b = map(f, f->pid, 0, P(5), RO, PRIV);
	vaddr_t c = map(f, f->pid, 0, MiB, RW, SHARED);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.vm_size, P(8) + MiB);
	assert_int_equal(s.nr_vmas, 3);
	assert_int_equal(s.rss, 0);
	touch(f, f->pid, a, P(3), VMSIM_WRITE);
	touch(f, f->pid, b, P(5), VMSIM_READ);
	touch(f, f->pid, c, P(2), VMSIM_READ);
	s = pst(f->sys, f->pid);
	assert_int_equal(s.rss, P(3 + 2));
	assert_int_equal(s.rss_anon, P(3));
	assert_int_equal(s.rss_shmem, P(2));
	assert_int_equal(s.zero_maps, 5);
	assert_ok(vmsim_munmap(f->sys, f->pid, b + P(1), P(2)));
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(6) + MiB);
	assert_ok(vmsim_munmap(f->sys, f->pid, c, MiB));
	s = pst(f->sys, f->pid);
	assert_int_equal(s.vm_size, P(6));
	assert_int_equal(s.rss, P(3));
	assert_int_equal(s.nr_vmas, 3);
}

/* x86 cannot forbid reads of a writable page: PROT_WRITE implies read. */
static void mmap_write_only_mapping_is_readable(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(2), VMSIM_PROT_WRITE, PRIV);

	touch(f, f->pid, a, P(2), VMSIM_READ);
	touch(f, f->pid, a, P(2), VMSIM_WRITE);
	expect_segv(f, f->pid, a, VMSIM_EXEC, VMSIM_SEGV_ACCERR);
	assert_int_equal(pst(f->sys, f->pid).rss, P(2));
}

/* ---- munmap --------------------------------------------------------------- */

static void munmap_unaligned_address_returns_einval(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(4), RW, FIXED);
	assert_int_equal(vmsim_munmap(f->sys, f->pid, FIX + 1, PG), VMSIM_EINVAL);
	assert_int_equal(vmsim_munmap(f->sys, f->pid, FIX + P(1) + 0x800, PG), VMSIM_EINVAL);
	/* a range past the end of user space */
	assert_int_equal(vmsim_munmap(f->sys, f->pid, USER_END - PG, P(2)), VMSIM_EINVAL);
	assert_int_equal(vmsim_munmap(f->sys, f->pid, FIX, UINT64_MAX), VMSIM_EINVAL);
	assert_string_equal(draw(f, f->pid, FIX, 4), "AAAA");
	/* an unaligned length is rounded up */
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX + P(1), 1));
	assert_string_equal(draw(f, f->pid, FIX, 4), "A.BB");
}

static void munmap_len_zero_returns_einval(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(4), RW, FIXED);
	assert_int_equal(vmsim_munmap(f->sys, f->pid, FIX, 0), VMSIM_EINVAL);
	assert_int_equal(vmsim_munmap(f->sys, f->pid, FIX + P(8), 0), VMSIM_EINVAL);
	assert_string_equal(draw(f, f->pid, FIX, 4), "AAAA");
}

static void munmap_hole_returns_zero(void **state)
{
	struct fx *f = *state;

	assert_ok(vmsim_munmap(f->sys, f->pid, FIX, P(16)));
	map(f, f->pid, FIX + P(4), P(2), RW, FIXED);
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX, P(4)));
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX + P(6), P(10)));
	assert_string_equal(draw(f, f->pid, FIX, 8), "....AA..");
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(2));
}

/*
 * A hole punched in the middle splits one VMA into two:
 *
 *   0123456789
 *   AAAAAAAAAA     rw-, every page written
 *   AAA....BBB     munmap(pages 3..6)
 */
static void munmap_middle_splits_vma_in_two(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(10), RW, FIXED);
	for (unsigned i = 0; i < 10; i++)
		fill_page(f, f->pid, FIX + P(i), (uint8_t)i);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX + P(3), P(4)));
	assert_string_equal(draw(f, f->pid, FIX, 10), "AAA....BBB");
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 2);
	expect_vma(f, f->pid, FIX, FIX, FIX + P(3), RW);
	expect_vma(f, f->pid, FIX + P(9), FIX + P(7), FIX + P(10), RW);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.vm_size, P(6));
	assert_int_equal(s.rss, P(6));
	assert_int_equal(sst(f->sys).frames_user, 6);
	expect_page(f, f->pid, FIX + P(2), 2);
	expect_page(f, f->pid, FIX + P(7), 7);
	assert_int_equal(vmsim_load(f->sys, f->pid, FIX + P(3), f->pic, 1), VMSIM_EFAULT);
	/* the two halves stay apart: remapping the hole with another
	 * protection leaves three VMAs */
	map(f, f->pid, FIX + P(3), P(4), RO, FIXED);
	assert_string_equal(draw(f, f->pid, FIX, 10), "AAABBBBCCC");
}

/*
 * One munmap over several VMAs and the holes between them:
 *
 *   0123456789ab
 *   AAA.BBBB.CCC   A rw- (written), B r-- (read), C rw- (written)
 *   AA.........B   munmap(pages 2..10)
 */
static void munmap_across_several_vmas_removes_all_parts(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(3), RW, FIXED);
	map(f, f->pid, FIX + P(4), P(4), RO, FIXED);
	map(f, f->pid, FIX + P(9), P(3), RW, FIXED);
	touch(f, f->pid, FIX, P(3), VMSIM_WRITE);
	touch(f, f->pid, FIX + P(4), P(4), VMSIM_READ);
	touch(f, f->pid, FIX + P(9), P(3), VMSIM_WRITE);
	assert_string_equal(draw(f, f->pid, FIX, 12), "AAA.BBBB.CCC");
	assert_int_equal(sst(f->sys).frames_user, 6);
	assert_int_equal(pst(f->sys, f->pid).rss, P(6));

	assert_ok(vmsim_munmap(f->sys, f->pid, FIX + P(2), P(9)));
	assert_string_equal(draw(f, f->pid, FIX, 12), "AA.........B");
	expect_vma(f, f->pid, FIX + P(11), FIX + P(11), FIX + P(12), RW);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.nr_vmas, 2);
	assert_int_equal(s.vm_size, P(3));
	assert_int_equal(s.rss, P(3));
	assert_int_equal(sst(f->sys).frames_user, 3);
	touch(f, f->pid, FIX + P(11), 1, VMSIM_WRITE);
	expect_segv(f, f->pid, FIX + P(5), VMSIM_READ, VMSIM_SEGV_MAPERR);
}

static void munmap_touched_pages_frees_frames_and_rss(void **state)
{
	struct fx *f = *state;
	uint64_t base_user = sst(f->sys).frames_user;

	vaddr_t a = map(f, f->pid, 0, P(64), RW, PRIV);
	touch(f, f->pid, a, P(64), VMSIM_WRITE);
	assert_int_equal(sst(f->sys).frames_user, base_user + 64);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.rss, P(64));
	assert_int_equal(s.rss_anon, P(64));
	assert_int_equal(s.pss, P(64));
	assert_int_equal(s.uss, P(64));

	assert_ok(vmsim_munmap(f->sys, f->pid, a + P(16), P(16)));
	assert_int_equal(sst(f->sys).frames_user, base_user + 48);
	s = pst(f->sys, f->pid);
	assert_int_equal(s.rss, P(48));
	assert_int_equal(s.pss, P(48));
	assert_int_equal(s.uss, P(48));
	check_now(f);
	/* pages only read map the zero page: unmapping them frees nothing */
	vaddr_t z = map(f, f->pid, 0, P(8), RO, PRIV);
	touch(f, f->pid, z, P(8), VMSIM_READ);
	assert_int_equal(sst(f->sys).frames_user, base_user + 48);
	assert_ok(vmsim_munmap(f->sys, f->pid, z, P(8)));
	assert_int_equal(sst(f->sys).frames_user, base_user + 48);
	assert_ok(vmsim_munmap(f->sys, f->pid, a, P(64)));
	assert_int_equal(sst(f->sys).frames_user, base_user);
	assert_int_equal(pst(f->sys, f->pid).rss, 0);
}

static void munmap_then_access_raises_segv_maperr(void **state)
{
	struct fx *f = *state;

	vaddr_t a = map(f, f->pid, 0, P(4), RW, PRIV);
	touch(f, f->pid, a, P(4), VMSIM_WRITE);
	assert_ok(vmsim_munmap(f->sys, f->pid, a + P(1), P(2)));
	/* the TLB held these pages: it must have forgotten them */
	expect_segv(f, f->pid, a + P(1) + 0x123, VMSIM_READ, VMSIM_SEGV_MAPERR);
	expect_segv(f, f->pid, a + P(2), VMSIM_WRITE, VMSIM_SEGV_MAPERR);
	expect_segv(f, f->pid, a + P(2) + 8, VMSIM_EXEC, VMSIM_SEGV_MAPERR);
	assert_true(vmsim_process_alive(f->sys, f->pid)); /* segv_kills is off */
	touch(f, f->pid, a, 1, VMSIM_WRITE);
	touch(f, f->pid, a + P(3), 1, VMSIM_WRITE);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.faults_invalid, 3);
	assert_int_equal(s.faults_minor, 4);
	assert_int_equal(sst(f->sys).segvs, 3);
}

/* Linux's default action for SIGSEGV ends the process and frees it all. */
static void munmap_then_access_with_default_config_kills_process(void **state)
{
	struct fx *f = *state;
	uint64_t tables = sst(f->sys).frames_pagetable;

	vaddr_t a = map(f, f->pid, 0, P(4), RW, PRIV);
	touch(f, f->pid, a, P(4), VMSIM_WRITE);
	assert_ok(vmsim_munmap(f->sys, f->pid, a, PG));
	expect_segv(f, f->pid, a, VMSIM_READ, VMSIM_SEGV_MAPERR);
	assert_false(vmsim_process_alive(f->sys, f->pid));
	struct vmsim_sys_stats s = sst(f->sys);
	assert_int_equal(s.processes, 0);
	assert_int_equal(s.frames_user, 0);
	assert_int_equal(s.frames_pagetable, tables - 1); /* the idle tables only */
	struct vmsim_proc_stats p = pst(f->sys, f->pid);
	assert_false(p.alive);
	assert_int_equal(p.faults_invalid, 1);
	assert_int_equal(p.faults_minor, 4);
	vaddr_t b;
	assert_int_equal(vmsim_mmap(f->sys, f->pid, 0, PG, RW, PRIV, -1, 0, &b), VMSIM_ESRCH);
}

/*
 * Page tables whose whole span munmap empties are freed, the tables a
 * remaining neighbour uses stay:
 *
 *   FIX                FIX + 4 MiB         FIX + 512 MiB
 *   | PT 1 | PT 2 |    ...                 | PT 3 (1 page) |   one PD, one PDPT
 */
static void munmap_whole_page_table_spans_frees_those_tables(void **state)
{
	struct fx *f = *state;
	uint64_t base = sst(f->sys).frames_pagetable; /* idle tables + the process's root */

	map(f, f->pid, FIX + 512 * MiB, PG, RW, FIXED);
	touch(f, f->pid, FIX + 512 * MiB, PG, VMSIM_WRITE);
	assert_int_equal(sst(f->sys).frames_pagetable, base + 3); /* PDPT, PD, PT */
	map(f, f->pid, FIX, 4 * MiB, RW, FIXED);
	for (uint64_t off = 0; off < 4 * MiB; off += 64 * PG)
		touch(f, f->pid, FIX + off, 1, VMSIM_WRITE);
	assert_int_equal(sst(f->sys).frames_pagetable, base + 5);
	assert_int_equal(pst(f->sys, f->pid).pte_bytes, P(6));

	assert_ok(vmsim_munmap(f->sys, f->pid, FIX, 4 * MiB));
	assert_int_equal(sst(f->sys).frames_pagetable, base + 3);
	assert_int_equal(pst(f->sys, f->pid).pte_bytes, P(4));
	assert_int_equal(sst(f->sys).frames_user, 1);
	check_now(f);
	/* the range is usable again: a fault rebuilds its table */
	map(f, f->pid, FIX, PG, RW, FIXED);
	touch(f, f->pid, FIX, PG, VMSIM_WRITE);
	assert_int_equal(sst(f->sys).frames_pagetable, base + 4);
	/* unmapping the PD's whole span frees it with both its PTs (Linux
	 * would free the PDPT too: see the next case) */
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX, 1ULL << 30));
	assert_int_equal(sst(f->sys).frames_user, 0);
	assert_true(sst(f->sys).frames_pagetable <= base + 1);
}

/*
 * The page tables of a lone small mapping become empty when it goes: Linux
 * frees them (free_pgtables() between the neighbouring VMAs, here none), so
 * VmPTE goes back to the root alone.
 */
static void munmap_lone_small_mapping_frees_its_page_tables(void **state)
{
	struct fx *f = *state;
	uint64_t base = sst(f->sys).frames_pagetable;

	map(f, f->pid, FIX, P(4), RW, FIXED);
	touch(f, f->pid, FIX, P(4), VMSIM_WRITE);
	assert_int_equal(sst(f->sys).frames_pagetable, base + 3);
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX, P(4)));
	assert_int_equal(sst(f->sys).frames_user, 0);
	/* regression: the emptied PT, PD and PDPT go, as free_pgtables frees
	 * the tables between the neighbouring areas */
	assert_int_equal(sst(f->sys).frames_pagetable, base);
	assert_int_equal(pst(f->sys, f->pid).pte_bytes, P(1));
}

/* munmap and mprotect of a process that is not on the CPU: with PCIDs its
 * TLB entries survive the switch, so the kernel must shoot them down. */
static void munmap_and_mprotect_of_background_process_leave_no_stale_tlb(void **state)
{
	struct fx *f = *state;
	int a = f->pid, b = fx_new_proc(f);

	map(f, a, FIX, P(4), RW, FIXED);
	touch(f, a, FIX, P(4), VMSIM_WRITE); /* TLB entries for a's pages */
	map(f, b, FIX, P(4), RW, FIXED);
	touch(f, b, FIX, P(4), VMSIM_WRITE); /* now b runs */
	assert_ok(vmsim_munmap(f->sys, a, FIX, PG));
	assert_ok(vmsim_mprotect(f->sys, a, FIX + P(1), PG, RO));
	assert_ok(vmsim_mprotect(f->sys, a, FIX + P(2), PG, VMSIM_PROT_NONE));
	check_now(f);
	expect_segv(f, a, FIX, VMSIM_READ, VMSIM_SEGV_MAPERR);
	expect_segv(f, a, FIX + P(1), VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	expect_segv(f, a, FIX + P(2), VMSIM_READ, VMSIM_SEGV_ACCERR);
	touch(f, a, FIX + P(1), 1, VMSIM_READ);
	touch(f, a, FIX + P(3), 1, VMSIM_WRITE);
	/* b was not touched by any of it */
	touch(f, b, FIX, P(4), VMSIM_WRITE);
	assert_int_equal(pst(f->sys, b).faults_minor, 4);
	assert_int_equal(pst(f->sys, b).rss, P(4));
}

/* ---- mprotect ------------------------------------------------------------- */

static void mprotect_unaligned_returns_einval(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(4), RW, FIXED);
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX + 1, PG, RO), VMSIM_EINVAL);
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX + 0x800, P(2), RO), VMSIM_EINVAL);
	expect_vma(f, f->pid, FIX, FIX, FIX + P(4), RW);
	/* len 0 succeeds without looking at the range, as in Linux */
	assert_ok(vmsim_mprotect(f->sys, f->pid, FIX + P(100), 0, RO));
	/* an unaligned length is rounded up */
	assert_ok(vmsim_mprotect(f->sys, f->pid, FIX, PG + 1, RO));
	assert_string_equal(draw(f, f->pid, FIX, 4), "AABB");
	expect_vma(f, f->pid, FIX, FIX, FIX + P(2), RO);
}

static void mprotect_bad_prot_bits_return_einval(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(4), RW, FIXED);
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX, PG, 0x10), VMSIM_EINVAL);
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX, PG, RO | 0x80), VMSIM_EINVAL);
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX, PG, -1), VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	expect_vma(f, f->pid, FIX, FIX, FIX + P(4), RW);
}

/*
 * A range with a hole: ENOMEM, and nothing changed (not even the areas
 * before the hole):
 *
 *   0123456789
 *   AAAA..BBBB     A rw- (written), B rw-; mprotect(0..9, r--) fails
 */
static void mprotect_range_with_hole_returns_enomem_and_changes_nothing(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(4), RW, FIXED);
	map(f, f->pid, FIX + P(6), P(4), RW, FIXED);
	touch(f, f->pid, FIX, P(4), VMSIM_WRITE);
	uint64_t faults = pst(f->sys, f->pid).faults_minor;

	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX, P(10), RO), VMSIM_ENOMEM);
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX + P(2), P(6), VMSIM_PROT_NONE),
			 VMSIM_ENOMEM);
	/* starting in the hole, ending past the end */
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX + P(5), P(3), RO), VMSIM_ENOMEM);
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX + P(8), P(3), RO), VMSIM_ENOMEM);
	/* beyond user space */
	assert_int_equal(vmsim_mprotect(f->sys, f->pid, FIX, UINT64_MAX - PG, RO), VMSIM_ENOMEM);
	assert_string_equal(draw(f, f->pid, FIX, 10), "AAAA..BBBB");
	expect_vma(f, f->pid, FIX, FIX, FIX + P(4), RW);
	expect_vma(f, f->pid, FIX + P(6), FIX + P(6), FIX + P(10), RW);
	touch(f, f->pid, FIX, P(4), VMSIM_WRITE);
	touch(f, f->pid, FIX + P(6), P(4), VMSIM_WRITE);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults + 4);
}

static void mprotect_read_only_then_write_raises_segv_accerr(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(2), RW, PRIV);

	touch(f, f->pid, a, P(2), VMSIM_WRITE); /* writable TLB entries */
	assert_ok(vmsim_mprotect(f->sys, f->pid, a, P(2), RO));
	uint64_t faults = pst(f->sys, f->pid).faults_minor;
	touch(f, f->pid, a, P(2), VMSIM_READ);
	expect_segv(f, f->pid, a + 0x10, VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	expect_segv(f, f->pid, a + P(1), VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.faults_minor, faults);
	assert_int_equal(s.rss, P(2));
	/* writable again: the pages are this process's alone, so mprotect
	 * maps them writable at once (no write fault) */
	assert_ok(vmsim_mprotect(f->sys, f->pid, a, P(2), RW));
	touch(f, f->pid, a, P(2), VMSIM_WRITE);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
}

static void mprotect_none_then_read_raises_segv(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(3), RW, PRIV);

	touch(f, f->pid, a, PG, VMSIM_WRITE);	  /* page 0 resident */
	touch(f, f->pid, a + PG, PG, VMSIM_READ); /* page 1 the zero page */
	assert_ok(vmsim_mprotect(f->sys, f->pid, a, P(3), VMSIM_PROT_NONE));
	expect_segv(f, f->pid, a, VMSIM_READ, VMSIM_SEGV_ACCERR);
	expect_segv(f, f->pid, a + PG, VMSIM_READ, VMSIM_SEGV_ACCERR);
	expect_segv(f, f->pid, a + P(2), VMSIM_READ, VMSIM_SEGV_ACCERR); /* never touched */
	expect_segv(f, f->pid, a + P(2), VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	expect_segv(f, f->pid, a, VMSIM_EXEC, VMSIM_SEGV_ACCERR);
	assert_int_equal(vma_at(f, f->pid, a).prot, VMSIM_PROT_NONE);
}

/* PROT_NONE keeps the pages resident (Linux's protnone PTEs): RSS and the
 * data survive a round trip through it. */
static void mprotect_none_keeps_pages_and_restore_gives_same_data(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(3), RW, PRIV);

	for (unsigned i = 0; i < 3; i++)
		fill_page(f, f->pid, a + P(i), (uint8_t)(0x11 * (i + 1)));
	struct vmsim_sys_stats before = sst(f->sys);
	assert_ok(vmsim_mprotect(f->sys, f->pid, a, P(3), VMSIM_PROT_NONE));
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.rss, P(3));
	assert_int_equal(s.rss_anon, P(3));
	assert_int_equal(vma_at(f, f->pid, a).rss, P(3));
	assert_int_equal(sst(f->sys).frames_user, before.frames_user);
	uint8_t byte;
	assert_int_equal(vmsim_load(f->sys, f->pid, a + P(1), &byte, 1), VMSIM_EFAULT);
	check_now(f);

	assert_ok(vmsim_mprotect(f->sys, f->pid, a, P(3), RW));
	uint64_t faults = pst(f->sys, f->pid).faults_minor;
	for (unsigned i = 0; i < 3; i++)
		expect_page(f, f->pid, a + P(i), (uint8_t)(0x11 * (i + 1)));
	fill_page(f, f->pid, a, 0x77);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults);
	assert_int_equal(sst(f->sys).frames_user, before.frames_user);
}

/*
 *   01234567
 *   AAAAAAAA     rw-, written
 *   AAABBCCC     mprotect(3..4, r--)
 *   AAAAAAAA     mprotect(3..4, rw-): merged back
 */
static void mprotect_middle_splits_in_three_and_restore_merges_back(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(8), RW, FIXED);
	touch(f, f->pid, FIX, P(8), VMSIM_WRITE);
	assert_ok(vmsim_mprotect(f->sys, f->pid, FIX + P(3), P(2), RO));
	assert_string_equal(draw(f, f->pid, FIX, 8), "AAABBCCC");
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	expect_vma(f, f->pid, FIX + P(3), FIX + P(3), FIX + P(5), RO);
	expect_vma(f, f->pid, FIX + P(7), FIX + P(5), FIX + P(8), RW);
	expect_segv(f, f->pid, FIX + P(4), VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	touch(f, f->pid, FIX + P(2), 1, VMSIM_WRITE);
	touch(f, f->pid, FIX + P(5), 1, VMSIM_WRITE);
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(8));
	check_now(f);

	assert_ok(vmsim_mprotect(f->sys, f->pid, FIX + P(3), P(2), RW));
	assert_string_equal(draw(f, f->pid, FIX, 8), "AAAAAAAA");
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	expect_vma(f, f->pid, FIX, FIX, FIX + P(8), RW);
	touch(f, f->pid, FIX, P(8), VMSIM_WRITE);
	assert_int_equal(pst(f->sys, f->pid).rss, P(8));
}

/*
 * mprotect over two areas with a different protection each makes them
 * equal, and they merge:
 *
 *   012345
 *   AAABBB      A rw-, B r--
 *   AAAAAA      mprotect(0..5, r--)
 */
static void mprotect_across_two_vmas_makes_one(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(3), RW, FIXED);
	map(f, f->pid, FIX + P(3), P(3), RO, FIXED);
	assert_string_equal(draw(f, f->pid, FIX, 6), "AAABBB");
	assert_ok(vmsim_mprotect(f->sys, f->pid, FIX, P(6), RO));
	assert_string_equal(draw(f, f->pid, FIX, 6), "AAAAAA");
	expect_vma(f, f->pid, FIX, FIX, FIX + P(6), RO);
}

static void mprotect_exec_allows_instruction_fetch(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(2), RW, PRIV);

	touch(f, f->pid, a, P(2), VMSIM_WRITE);
	expect_segv(f, f->pid, a + 0x40, VMSIM_EXEC, VMSIM_SEGV_ACCERR);
	assert_ok(vmsim_mprotect(f->sys, f->pid, a, P(2), VMSIM_PROT_EXEC | VMSIM_PROT_READ));
	touch(f, f->pid, a, P(2), VMSIM_EXEC);
	touch(f, f->pid, a, P(2), VMSIM_READ);
	expect_segv(f, f->pid, a, VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	/* and back: no longer executable */
	assert_ok(vmsim_mprotect(f->sys, f->pid, a + PG, PG, RW));
	expect_segv(f, f->pid, a + PG, VMSIM_EXEC, VMSIM_SEGV_ACCERR);
	touch(f, f->pid, a, 1, VMSIM_EXEC);
	assert_int_equal(pst(f->sys, f->pid).rss, P(2));
}

/* PROT_NONE and back on pages shared copy-on-write with a child must not
 * make them writable in place: the next write copies. */
static void mprotect_none_after_fork_then_restore_keeps_cow(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, PG, RW, PRIV);
	int child;

	fill_page(f, f->pid, a, 'P');
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_ok(vmsim_mprotect(f->sys, f->pid, a, PG, VMSIM_PROT_NONE));
	assert_ok(vmsim_mprotect(f->sys, f->pid, a, PG, RW));
	check_now(f);
	fill_page(f, f->pid, a, 'Q');
	assert_int_equal(pst(f->sys, f->pid).cow_copies, 1);
	expect_page(f, child, a, 'P');
	expect_page(f, f->pid, a, 'Q');
	assert_int_equal(sst(f->sys).frames_user, 2);
}

/* ---- brk ------------------------------------------------------------------ */

/* The layout used below: text 4 pages, data 2 pages, the heap starting one
 * page above data, as vmsim_exec_layout documents. */
#define BRK0 (TEXT + P(4 + 2 + 1))

static void layout(struct fx *f)
{
	assert_ok(vmsim_exec_layout(f->sys, f->pid, P(4), P(2), P(8)));
}

static vaddr_t brk_to(struct fx *f, vaddr_t addr)
{
	vaddr_t out = 0;
	assert_ok(vmsim_brk(f->sys, f->pid, addr, &out));
	return out;
}

static void brk_below_start_returns_current_break(void **state)
{
	struct fx *f = *state;

	layout(f);
	assert_int_equal(brk_to(f, 0), BRK0);
	assert_int_equal(brk_to(f, PG), BRK0);
	assert_int_equal(brk_to(f, BRK0 - 1), BRK0);
	assert_int_equal(brk_to(f, BRK0), BRK0);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	/* after growing, a low request still answers the current break */
	assert_int_equal(brk_to(f, BRK0 + P(2)), BRK0 + P(2));
	assert_int_equal(brk_to(f, 0), BRK0 + P(2));
	assert_int_equal(brk_to(f, TEXT), BRK0 + P(2));
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(4 + 2 + 8 + 2));
}

static void brk_grow_creates_heap_vma_and_memory_is_usable(void **state)
{
	struct fx *f = *state;

	layout(f);
	uint64_t vms = pst(f->sys, f->pid).vm_size;
	/* an unaligned break: the heap covers its whole page */
	assert_int_equal(brk_to(f, BRK0 + P(3) + 0x10), BRK0 + P(3) + 0x10);
	struct vmsim_smaps_entry e = vma_at(f, f->pid, BRK0);
	assert_int_equal(e.start, BRK0);
	assert_int_equal(e.end, BRK0 + P(4));
	assert_int_equal(e.prot, RW);
	assert_int_equal(e.flags, PRIV);
	assert_string_equal(e.name, "[heap]");
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 4);
	assert_int_equal(pst(f->sys, f->pid).vm_size, vms + P(4));
	fill_page(f, f->pid, BRK0, 'h');
	fill_page(f, f->pid, BRK0 + P(3), 'H');
	assert_int_equal(pst(f->sys, f->pid).rss, P(2));

	/* growing again extends the same VMA */
	assert_int_equal(brk_to(f, BRK0 + P(6)), BRK0 + P(6));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 4);
	expect_vma(f, f->pid, BRK0 + P(5), BRK0, BRK0 + P(6), RW);
	touch(f, f->pid, BRK0 + P(5), PG, VMSIM_WRITE);
	expect_page(f, f->pid, BRK0 + P(3), 'H');
	expect_segv(f, f->pid, BRK0 + P(6), VMSIM_READ, VMSIM_SEGV_MAPERR);
	/*
	 * 0123456789abc    from TEXT
	 * AAAABB.CCCCCC    text, data, the guard page, the heap
	 */
	assert_string_equal(draw(f, f->pid, TEXT, 13), "AAAABB.CCCCCC");
}

static void brk_shrink_frees_pages(void **state)
{
	struct fx *f = *state;

	layout(f);
	assert_int_equal(brk_to(f, BRK0 + P(4)), BRK0 + P(4));
	for (unsigned i = 0; i < 4; i++)
		fill_page(f, f->pid, BRK0 + P(i), (uint8_t)('a' + i));
	assert_int_equal(sst(f->sys).frames_user, 4);
	assert_int_equal(pst(f->sys, f->pid).rss, P(4));

	assert_int_equal(brk_to(f, BRK0 + P(1) + 5), BRK0 + P(1) + 5);
	expect_vma(f, f->pid, BRK0, BRK0, BRK0 + P(2), RW);
	assert_int_equal(sst(f->sys).frames_user, 2);
	assert_int_equal(pst(f->sys, f->pid).rss, P(2));
	expect_segv(f, f->pid, BRK0 + P(2), VMSIM_READ, VMSIM_SEGV_MAPERR);
	expect_page(f, f->pid, BRK0 + P(1), 'b');

	/* back to the start: the heap VMA disappears */
	assert_int_equal(brk_to(f, BRK0), BRK0);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	assert_int_equal(sst(f->sys).frames_user, 0);
	check_now(f);
	/* growing again gives fresh zeroed pages */
	assert_int_equal(brk_to(f, BRK0 + P(4)), BRK0 + P(4));
	expect_page(f, f->pid, BRK0, 0);
	expect_page(f, f->pid, BRK0 + P(2), 0);
	assert_string_equal(vma_at(f, f->pid, BRK0).name, "[heap]");
}

/*
 *   0123456789abcdef   from BRK0
 *   ........A.......   a mapping 8 pages above the break
 *   xxxxxxxxxxxxxxxx   brk(BRK0 + 16 pages) would cover it: the break stays
 */
static void brk_into_another_mapping_fails_and_keeps_old_break(void **state)
{
	struct fx *f = *state;

	layout(f);
	map(f, f->pid, BRK0 + P(8), PG, RO, NOREPLACE);
	uint64_t vms = pst(f->sys, f->pid).vm_size;
	assert_int_equal(brk_to(f, BRK0 + P(16)), BRK0);
	assert_int_equal(brk_to(f, BRK0 + P(9)), BRK0);
	assert_string_equal(draw(f, f->pid, BRK0, 16), "........A.......");
	assert_int_equal(pst(f->sys, f->pid).vm_size, vms);
	/* below the mapping it can grow, and then not past it */
	assert_int_equal(brk_to(f, BRK0 + P(4)), BRK0 + P(4));
	assert_int_equal(brk_to(f, BRK0 + P(12)), BRK0 + P(4));
	assert_string_equal(draw(f, f->pid, BRK0, 16), "AAAA....B.......");
	assert_int_equal(pst(f->sys, f->pid).vm_size, vms + P(4));
}

/* The heap may not grow into the mmap area, even where nothing is mapped
 * yet (vmsim's limit: the mmap base, as Linux's mappings there would stop
 * it). */
static void brk_beyond_mmap_base_keeps_old_break(void **state)
{
	struct fx *f = *state;

	layout(f);
	uint64_t vms = pst(f->sys, f->pid).vm_size;
	assert_int_equal(brk_to(f, MMAP_TOP + P(1)), BRK0);
	assert_int_equal(brk_to(f, USER_END - P(100)), BRK0);
	assert_int_equal(pst(f->sys, f->pid).vm_size, vms);
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	/* a large heap that stays below it is fine */
	assert_int_equal(brk_to(f, BRK0 + (1ULL << 30)), BRK0 + (1ULL << 30));
	assert_int_equal(pst(f->sys, f->pid).vm_size, vms + (1ULL << 30));
	assert_int_equal(pst(f->sys, f->pid).rss, 0);
}

/*
 * New heap memory is read-write whatever happened to the heap's last page
 * (Linux's do_brk_flags extends the last VMA only if its flags match):
 *
 *   0123         from BRK0
 *   AB..         heap of 2 pages, the last made read-only
 *   ABC.         brk(+1 page): a new rw- area, not more of the r-- one
 */
static void brk_after_read_only_heap_tail_grows_writable(void **state)
{
	struct fx *f = *state;

	layout(f);
	assert_int_equal(brk_to(f, BRK0 + P(2)), BRK0 + P(2));
	assert_ok(vmsim_mprotect(f->sys, f->pid, BRK0 + P(1), PG, RO));
	assert_string_equal(draw(f, f->pid, BRK0, 4), "AB..");
	assert_int_equal(brk_to(f, BRK0 + P(3)), BRK0 + P(3));
	struct vmsim_smaps_entry e = vma_at(f, f->pid, BRK0 + P(2));
	/* regression: brk extends only a [heap] area with the heap's flags */
	assert_int_equal(e.prot, RW);
	assert_string_equal(draw(f, f->pid, BRK0, 4), "ABC.");
	touch(f, f->pid, BRK0 + P(2), PG, VMSIM_WRITE);
	expect_segv(f, f->pid, BRK0 + P(1), VMSIM_WRITE, VMSIM_SEGV_ACCERR);
}

/* ---- madvise -------------------------------------------------------------- */

/*
 *   0123
 *   AAAA     rw-, every page written; MADV_DONTNEED on pages 1..2
 */
static void madvise_dontneed_zeroes_private_pages_and_drops_rss(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(4), RW, PRIV);

	for (unsigned i = 0; i < 4; i++)
		fill_page(f, f->pid, a + P(i), (uint8_t)(0xd0 + i));
	assert_int_equal(sst(f->sys).frames_user, 4);
	assert_ok(vmsim_madvise(f->sys, f->pid, a + P(1), P(2), VMSIM_MADV_DONTNEED));
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.rss, P(2));
	assert_int_equal(s.nr_vmas, 1); /* DONTNEED does not split */
	assert_int_equal(sst(f->sys).frames_user, 2);
	uint64_t faults = s.faults_minor, zero = s.zero_maps;

	expect_page(f, f->pid, a + P(1), 0);
	s = pst(f->sys, f->pid);
	assert_int_equal(s.faults_minor, faults + 1);
	assert_int_equal(s.zero_maps, zero + 1);
	assert_int_equal(s.rss, P(2)); /* the zero page is not RSS */
	expect_page(f, f->pid, a, 0xd0);
	expect_page(f, f->pid, a + P(3), 0xd3);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults + 1);
	/* writing the dropped page gives a fresh frame */
	fill_page(f, f->pid, a + P(2), 0x42);
	assert_int_equal(pst(f->sys, f->pid).rss, P(3));
	expect_page(f, f->pid, a + P(2), 0x42);
}

static void madvise_invalid_advice_returns_einval(void **state)
{
	struct fx *f = *state;
	static const int bad[] = {-1, 5, 7, 100, INT_MIN};
	vaddr_t a = map(f, f->pid, 0, P(2), RW, PRIV);

	touch(f, f->pid, a, P(2), VMSIM_WRITE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vmsim_madvise(f->sys, f->pid, a, P(2), bad[i]), VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).rss, P(2));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	/* every known advice is accepted */
	assert_ok(vmsim_madvise(f->sys, f->pid, a, P(2), VMSIM_MADV_NORMAL));
	assert_ok(vmsim_madvise(f->sys, f->pid, a, P(2), VMSIM_MADV_SEQUENTIAL));
	assert_ok(vmsim_madvise(f->sys, f->pid, a, P(2), VMSIM_MADV_WILLNEED));
	assert_ok(vmsim_madvise(f->sys, f->pid, a, P(2), VMSIM_MADV_RANDOM));
	assert_ok(vmsim_madvise(f->sys, f->pid, a, P(2), VMSIM_MADV_DONTNEED));
	assert_int_equal(pst(f->sys, f->pid).rss, 0);
}

static void madvise_unaligned_returns_einval(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(2), RW, PRIV);

	touch(f, f->pid, a, P(2), VMSIM_WRITE);
	assert_int_equal(vmsim_madvise(f->sys, f->pid, a + 1, PG, VMSIM_MADV_DONTNEED),
			 VMSIM_EINVAL);
	assert_int_equal(vmsim_madvise(f->sys, f->pid, a + 0x800, PG, VMSIM_MADV_RANDOM),
			 VMSIM_EINVAL);
	assert_int_equal(vmsim_madvise(f->sys, f->pid, a, UINT64_MAX, VMSIM_MADV_DONTNEED),
			 VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, f->pid).rss, P(2));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	/* len 0 is a successful no-op; an unaligned length is rounded up */
	assert_ok(vmsim_madvise(f->sys, f->pid, a, 0, VMSIM_MADV_DONTNEED));
	assert_int_equal(pst(f->sys, f->pid).rss, P(2));
	assert_ok(vmsim_madvise(f->sys, f->pid, a, 1, VMSIM_MADV_DONTNEED));
	assert_int_equal(pst(f->sys, f->pid).rss, P(1));
}

/*
 * A range with holes: ENOMEM, but, as in Linux (madvise_walk_vmas), the
 * advice is applied to the mapped parts:
 *
 *   012345
 *   AA.BB.     both written; MADV_DONTNEED(0..5)
 */
static void madvise_range_with_hole_returns_enomem(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(2), RW, FIXED);
	map(f, f->pid, FIX + P(3), P(2), RW, FIXED);
	touch(f, f->pid, FIX, P(2), VMSIM_WRITE);
	touch(f, f->pid, FIX + P(3), P(2), VMSIM_WRITE);
	assert_int_equal(vmsim_madvise(f->sys, f->pid, FIX, P(6), VMSIM_MADV_DONTNEED),
			 VMSIM_ENOMEM);
	assert_int_equal(pst(f->sys, f->pid).rss, 0);
	assert_int_equal(sst(f->sys).frames_user, 0);
	assert_string_equal(draw(f, f->pid, FIX, 6), "AA.BB.");
	/* entirely unmapped */
	assert_int_equal(vmsim_madvise(f->sys, f->pid, FIX + P(8), P(2), VMSIM_MADV_WILLNEED),
			 VMSIM_ENOMEM);
	assert_int_equal(vmsim_madvise(f->sys, f->pid, FIX + P(8), P(2), VMSIM_MADV_RANDOM),
			 VMSIM_ENOMEM);
	assert_int_equal(vmsim_madvise(f->sys, f->pid, FIX + P(1), P(3), VMSIM_MADV_SEQUENTIAL),
			 VMSIM_ENOMEM);
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(4));
}

/*
 * The advice belongs to the area, so MADV_RANDOM on part of one splits it:
 *
 *   01234567
 *   AABBCCCC     MADV_RANDOM on pages 2..3
 */
static void madvise_random_splits_vma(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(8), RW, FIXED);
	touch(f, f->pid, FIX, P(8), VMSIM_WRITE);
	assert_ok(vmsim_madvise(f->sys, f->pid, FIX + P(2), P(2), VMSIM_MADV_RANDOM));
	assert_string_equal(draw(f, f->pid, FIX, 8), "AABBCCCC");
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	expect_vma(f, f->pid, FIX + P(2), FIX + P(2), FIX + P(4), RW);
	/* the pages are untouched by the advice */
	assert_int_equal(pst(f->sys, f->pid).rss, P(8));
	uint64_t faults = pst(f->sys, f->pid).faults_minor;
	touch(f, f->pid, FIX, P(8), VMSIM_WRITE);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults);
	/* over the whole area: no split, WILLNEED records nothing */
	map(f, f->pid, FIX + P(16), P(4), RW, FIXED);
	assert_ok(vmsim_madvise(f->sys, f->pid, FIX + P(16), P(4), VMSIM_MADV_SEQUENTIAL));
	assert_ok(vmsim_madvise(f->sys, f->pid, FIX + P(17), P(1), VMSIM_MADV_WILLNEED));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 4);
}

/* Back to MADV_NORMAL, the piece is equal to its neighbours again and
 * merges with them, as Linux's madvise_update_vma does. */
static void madvise_normal_after_random_merges_back(void **state)
{
	struct fx *f = *state;

	map(f, f->pid, FIX, P(8), RW, FIXED);
	assert_ok(vmsim_madvise(f->sys, f->pid, FIX + P(2), P(2), VMSIM_MADV_RANDOM));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 3);
	assert_ok(vmsim_madvise(f->sys, f->pid, FIX + P(2), P(2), VMSIM_MADV_NORMAL));
	/* regression: the three pieces merge back */
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 1);
	assert_string_equal(draw(f, f->pid, FIX, 8), "AAAAAAAA");
}

/* Shared memory keeps its pages: after DONTNEED the next touch maps the
 * same data again. */
static void madvise_dontneed_on_shared_mapping_keeps_data(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, P(2), RW, SHARED);

	fill_page(f, f->pid, a, 'S');
	fill_page(f, f->pid, a + PG, 's');
	assert_ok(vmsim_madvise(f->sys, f->pid, a, P(2), VMSIM_MADV_DONTNEED));
	assert_int_equal(pst(f->sys, f->pid).rss, 0);
	assert_int_equal(sst(f->sys).frames_user, 2); /* the object holds them */
	expect_page(f, f->pid, a, 'S');
	expect_page(f, f->pid, a + PG, 's');
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.rss, P(2));
	assert_int_equal(s.rss_shmem, P(2));
	assert_int_equal(sst(f->sys).frames_user, 2);
}

/* DONTNEED of a page shared copy-on-write drops only this process's view. */
static void madvise_dontneed_after_fork_leaves_child_copy(void **state)
{
	struct fx *f = *state;
	vaddr_t a = map(f, f->pid, 0, PG, RW, PRIV);
	int child;

	fill_page(f, f->pid, a, 'P');
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_ok(vmsim_madvise(f->sys, f->pid, a, PG, VMSIM_MADV_DONTNEED));
	assert_int_equal(sst(f->sys).frames_user, 1);
	expect_page(f, f->pid, a, 0);
	expect_page(f, child, a, 'P');
	/* the child is the last mapper now: its write reuses the page */
	fill_page(f, child, a, 'C');
	struct vmsim_proc_stats c = pst(f->sys, child);
	assert_int_equal(c.cow_reuses, 1);
	assert_int_equal(c.cow_copies, 0);
	assert_int_equal(sst(f->sys).frames_user, 1);
	expect_page(f, f->pid, a, 0);
}

/* ---- shared anonymous memory ---------------------------------------------- */

static void shared_anonymous_after_fork_shares_writes_and_halves_pss(void **state)
{
	struct fx *f = *state;
	int parent = f->pid, child;
	vaddr_t a = map(f, parent, 0, P(4), RW, SHARED);

	assert_ok(vmsim_fork(f->sys, parent, &child));
	for (unsigned i = 0; i < 4; i++)
		fill_page(f, parent, a + P(i), (uint8_t)('0' + i));
	for (unsigned i = 0; i < 4; i++)
		expect_page(f, child, a + P(i), (uint8_t)('0' + i));
	fill_page(f, child, a + P(2), 'c');
	expect_page(f, parent, a + P(2), 'c');
	assert_int_equal(sst(f->sys).frames_user, 4);

	for (int k = 0; k < 2; k++) {
		struct vmsim_proc_stats s = pst(f->sys, k ? child : parent);
		assert_int_equal(s.rss, P(4));
		assert_int_equal(s.rss_shmem, P(4));
		assert_int_equal(s.rss_anon, 0);
		assert_int_equal(s.pss, P(2));
		assert_int_equal(s.uss, 0);
		assert_int_equal(s.cow_copies, 0);
		struct vmsim_smaps_entry e = vma_at(f, k ? child : parent, a);
		assert_int_equal(e.flags, SHARED);
		assert_int_equal(e.rss, P(4));
		assert_int_equal(e.pss, P(2));
		assert_int_equal(e.shared_clean + e.shared_dirty, P(4));
		assert_int_equal(e.private_clean + e.private_dirty, 0);
	}
	check_now(f);
	/* the parent goes: the child is the only mapper, the pages stay */
	assert_ok(vmsim_exit(f->sys, parent));
	struct vmsim_proc_stats s = pst(f->sys, child);
	assert_int_equal(s.pss, P(4));
	assert_int_equal(s.uss, P(4));
	assert_int_equal(sst(f->sys).frames_user, 4);
	expect_page(f, child, a + P(2), 'c');
	/* the last unmap frees the object's pages */
	assert_ok(vmsim_munmap(f->sys, child, a, P(4)));
	assert_int_equal(sst(f->sys).frames_user, 0);
}

/* Splitting a shared area keeps each piece's page offset in the object:
 *
 *   0123         the child's view after munmap(0) and mprotect(2, r--)
 *   .ABC         then mprotect(2, rw-): B merges with A and C again
 */
static void shared_anonymous_split_keeps_page_offsets(void **state)
{
	struct fx *f = *state;
	int child;
	vaddr_t a = map(f, f->pid, 0, P(4), RW, SHARED);

	for (unsigned i = 0; i < 4; i++)
		fill_page(f, f->pid, a + P(i), (uint8_t)(0x30 + i));
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_ok(vmsim_munmap(f->sys, child, a, PG));
	assert_ok(vmsim_mprotect(f->sys, child, a + P(2), PG, RO));
	assert_string_equal(draw(f, child, a, 4), ".ABC");
	for (unsigned i = 1; i < 4; i++)
		expect_page(f, child, a + P(i), (uint8_t)(0x30 + i));
	expect_segv(f, child, a + P(2), VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	assert_ok(vmsim_mprotect(f->sys, child, a + P(2), PG, RW));
	assert_string_equal(draw(f, child, a, 4), ".AAA");
	fill_page(f, child, a + P(3), 'x');
	expect_page(f, f->pid, a + P(3), 'x');
	assert_int_equal(pst(f->sys, child).rss_shmem, P(3));
	assert_int_equal(pst(f->sys, f->pid).rss_shmem, P(4));
	assert_int_equal(sst(f->sys).frames_user, 4);
}

/* ---- MAP_POPULATE --------------------------------------------------------- */

static void mmap_populate_writable_faults_inside_mmap_only(void **state)
{
	struct fx *f = *state;
	uint64_t faults = pst(f->sys, f->pid).faults_minor;

	vaddr_t a = map(f, f->pid, 0, MiB, RW, PRIV | VMSIM_MAP_POPULATE);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.faults_minor, faults + 256);
	assert_int_equal(s.rss, MiB);
	assert_int_equal(s.rss_anon, MiB);
	assert_int_equal(s.zero_maps, 0);
	assert_int_equal(sst(f->sys).frames_user, 256);
	touch(f, f->pid, a, MiB, VMSIM_WRITE);
	touch(f, f->pid, a, MiB, VMSIM_READ);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults + 256);
	assert_int_equal(pst(f->sys, f->pid).rss, MiB);
}

static void mmap_populate_read_only_maps_zero_page(void **state)
{
	struct fx *f = *state;

	vaddr_t a = map(f, f->pid, 0, MiB, RO, PRIV | VMSIM_MAP_POPULATE);
	struct vmsim_proc_stats s = pst(f->sys, f->pid);
	assert_int_equal(s.faults_minor, 256);
	assert_int_equal(s.zero_maps, 256);
	assert_int_equal(s.rss, 0);
	assert_int_equal(sst(f->sys).frames_user, 0);
	touch(f, f->pid, a, MiB, VMSIM_READ);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, 256);
	/* a PROT_NONE mapping populates nothing */
	map(f, f->pid, 0, P(16), VMSIM_PROT_NONE, PRIV | VMSIM_MAP_POPULATE);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, 256);
	/* shared memory populates its object's pages */
	map(f, f->pid, 0, P(16), RW, SHARED | VMSIM_MAP_POPULATE);
	s = pst(f->sys, f->pid);
	assert_int_equal(s.faults_minor, 256 + 16);
	assert_int_equal(s.rss_shmem, P(16));
	assert_int_equal(sst(f->sys).frames_user, 16);
}

/* ---- vmsim_exec_layout --------------------------------------------------------- */

static void exec_layout_creates_named_text_data_stack(void **state)
{
	struct fx *f = *state;

	assert_ok(vmsim_exec_layout(f->sys, f->pid, P(3) + 1, P(2), P(8)));
	struct vmsim_smaps_entry t = vma_at(f, f->pid, TEXT);
	assert_int_equal(t.start, TEXT);
	assert_int_equal(t.end, TEXT + P(4));
	assert_int_equal(t.prot, RX);
	assert_int_equal(t.flags, PRIV);
	assert_string_equal(t.name, "[text]");
	struct vmsim_smaps_entry d = vma_at(f, f->pid, TEXT + P(4));
	assert_int_equal(d.start, TEXT + P(4));
	assert_int_equal(d.end, TEXT + P(6));
	assert_int_equal(d.prot, RW);
	assert_string_equal(d.name, "[data]");
	struct vmsim_smaps_entry s = vma_at(f, f->pid, USER_END - PG);
	assert_int_equal(s.start, USER_END - P(8));
	assert_int_equal(s.end, USER_END);
	assert_int_equal(s.prot, RW);
	assert_string_equal(s.name, "[stack]");
	struct vmsim_proc_stats p = pst(f->sys, f->pid);
	assert_int_equal(p.nr_vmas, 3);
	assert_int_equal(p.vm_size, P(4 + 2 + 8));
	assert_int_equal(p.rss, 0);
	/* 01234567      from TEXT
	 * AAAABB..      text, data, then the (empty) heap */
	assert_string_equal(draw(f, f->pid, TEXT, 8), "AAAABB..");

	touch(f, f->pid, TEXT, P(4), VMSIM_EXEC);
	touch(f, f->pid, TEXT + P(4), P(2), VMSIM_WRITE);
	touch(f, f->pid, USER_END - P(8), P(8), VMSIM_WRITE);
	expect_segv(f, f->pid, TEXT + 4, VMSIM_WRITE, VMSIM_SEGV_ACCERR);
	expect_segv(f, f->pid, TEXT + P(4), VMSIM_EXEC, VMSIM_SEGV_ACCERR);
	expect_segv(f, f->pid, USER_END - 8, VMSIM_EXEC, VMSIM_SEGV_ACCERR);
	assert_int_equal(pst(f->sys, f->pid).rss, P(2 + 8));
}

static void exec_layout_without_data_has_two_vmas(void **state)
{
	struct fx *f = *state;
	vaddr_t out;

	assert_ok(vmsim_exec_layout(f->sys, f->pid, PG, 0, PG));
	assert_int_equal(pst(f->sys, f->pid).nr_vmas, 2);
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(2));
	/* the heap starts one page above the text */
	assert_ok(vmsim_brk(f->sys, f->pid, 0, &out));
	assert_int_equal(out, TEXT + P(2));
	/* zero text or stack is refused */
	int other = fx_new_proc(f);
	assert_int_equal(vmsim_exec_layout(f->sys, other, 0, PG, PG), VMSIM_EINVAL);
	assert_int_equal(vmsim_exec_layout(f->sys, other, PG, PG, 0), VMSIM_EINVAL);
	assert_int_equal(pst(f->sys, other).nr_vmas, 0);
}

/* ---- dead and unknown processes ------------------------------------------- */

static int count_one(const struct vmsim_smaps_entry *e, void *arg)
{
	(void)e;
	++*(int *)arg;
	return 0;
}

static void syscalls_on_dead_or_unknown_pid_return_esrch(void **state)
{
	struct fx *f = *state;
	int dead = fx_new_proc(f);
	vaddr_t a = map(f, dead, 0, P(2), RW, PRIV);

	touch(f, dead, a, P(2), VMSIM_WRITE);
	assert_ok(vmsim_exit(f->sys, dead));
	assert_int_equal(sst(f->sys).frames_user, 0);

	const int pids[] = {dead, 9999, 0, -1, INT_MAX, INT_MIN};
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		int pid = pids[i], child, n = 0;
		vaddr_t out = 0;
		uint8_t byte = 0;
		struct vmsim_access_result r;
		struct vmsim_proc_stats s;

		assert_false(vmsim_process_alive(f->sys, pid));
		assert_int_equal(vmsim_mmap(f->sys, pid, 0, PG, RW, PRIV, -1, 0, &out),
				 VMSIM_ESRCH);
		assert_int_equal(vmsim_mmap(f->sys, pid, a, PG, RW, FIXED, -1, 0, &out),
				 VMSIM_ESRCH);
		assert_int_equal(vmsim_munmap(f->sys, pid, a, PG), VMSIM_ESRCH);
		assert_int_equal(vmsim_mprotect(f->sys, pid, a, PG, RO), VMSIM_ESRCH);
		assert_int_equal(vmsim_brk(f->sys, pid, 0x2000000, &out), VMSIM_ESRCH);
		assert_int_equal(vmsim_madvise(f->sys, pid, a, PG, VMSIM_MADV_DONTNEED),
				 VMSIM_ESRCH);
		assert_int_equal(vmsim_access(f->sys, pid, a, 1, VMSIM_READ, &r), VMSIM_ESRCH);
		assert_int_equal(vmsim_access(f->sys, pid, a, 1, VMSIM_WRITE, NULL), VMSIM_ESRCH);
		assert_int_equal(vmsim_load(f->sys, pid, a, &byte, 1), VMSIM_ESRCH);
		assert_int_equal(vmsim_store(f->sys, pid, a, &byte, 1), VMSIM_ESRCH);
		assert_int_equal(vmsim_fork(f->sys, pid, &child), VMSIM_ESRCH);
		assert_int_equal(vmsim_exit(f->sys, pid), VMSIM_ESRCH);
		assert_int_equal(vmsim_switch(f->sys, pid), VMSIM_ESRCH);
		assert_int_equal(vmsim_exec_layout(f->sys, pid, PG, PG, PG), VMSIM_ESRCH);
		assert_int_equal(vmsim_smaps(f->sys, pid, count_one, &n), VMSIM_ESRCH);
		assert_int_equal(n, 0);
		/* a dead process's counters stay readable, an unknown one has none */
		if (pid == dead) {
			assert_ok(vmsim_proc_stats(f->sys, pid, &s));
			assert_false(s.alive);
			assert_int_equal(s.faults_minor, 2);
			assert_int_equal(s.rss, 0);
			assert_int_equal(s.vm_size, 0);
			assert_int_equal(s.nr_vmas, 0);
		} else {
			assert_int_equal(vmsim_proc_stats(f->sys, pid, &s), VMSIM_ESRCH);
		}
	}
	assert_int_equal(sst(f->sys).processes, 1);
	assert_int_equal(sst(f->sys).segvs, 0);
	/* the live process is unaffected */
	touch(f, f->pid, map(f, f->pid, 0, PG, RW, PRIV), PG, VMSIM_WRITE);
}

/* ---- a machine of 64 frames ------------------------------------------------ */

/* Frames at the start: the zero page, the idle page tables' root and the
 * process's root; a first touch at FIX adds a PDPT, a PD and a PT. */
#define TINY_FREE 61

static void tiny_ram_touching_more_than_ram_returns_enomem_then_recovers(void **state)
{
	struct fx *f = *state;
	struct vmsim_access_result r;

	assert_int_equal(sst(f->sys).frames_total, 64);
	assert_int_equal(sst(f->sys).frames_free, TINY_FREE);
	/* within one page table; NORESERVE: more than RAM, which the heuristic
	 * overcommit check would refuse */
	map(f, f->pid, FIX, P(128), RW, FIXED | VMSIM_MAP_NORESERVE);
	unsigned written = 0;
	int rc;
	while ((rc = vmsim_access(f->sys, f->pid, FIX + P(written), 1, VMSIM_WRITE, &r)) == 0) {
		assert_false(r.segv);
		written++;
		assert_true(written <= 128);
	}
	assert_int_equal(rc, VMSIM_ENOMEM);
	assert_int_equal(written, TINY_FREE - 3);
	assert_int_equal(sst(f->sys).frames_free, 0);
	assert_int_equal(pst(f->sys, f->pid).rss, P(written));
	assert_int_equal(pst(f->sys, f->pid).faults_minor, written);
	assert_true(vmsim_process_alive(f->sys, f->pid));
	check_now(f);
	/* again: still no memory, nothing half done */
	assert_int_equal(vmsim_access(f->sys, f->pid, FIX + P(written), 1, VMSIM_WRITE, &r),
			 VMSIM_ENOMEM);
	assert_int_equal(pst(f->sys, f->pid).rss, P(written));
	/* reads need no frame: the zero page */
	touch(f, f->pid, FIX + P(100), PG, VMSIM_READ);
	/* nor do new processes' tables: no frame for a root */
	int pid;
	assert_int_equal(vmsim_process_create(f->sys, &pid), VMSIM_ENOMEM);
	assert_int_equal(sst(f->sys).processes, 1);
	check_now(f);

	/* freeing memory makes it work again */
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX, P(8)));
	assert_int_equal(sst(f->sys).frames_free, 8);
	touch(f, f->pid, FIX + P(written), P(8), VMSIM_WRITE);
	assert_int_equal(vmsim_access(f->sys, f->pid, FIX + P(written + 8), 1, VMSIM_WRITE, &r),
			 VMSIM_ENOMEM);
	assert_int_equal(pst(f->sys, f->pid).rss, P(written));
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX, P(128)));
	struct vmsim_sys_stats s = sst(f->sys);
	assert_int_equal(s.frames_user, 0);
	assert_int_equal(s.frames_free + s.frames_pagetable + s.frames_kernel, 64);
}

/* fork with too few frames for the child's tables fails cleanly: the
 * parent keeps every page, writable, and nothing leaks. */
static void tiny_ram_fork_out_of_memory_unwinds_cleanly(void **state)
{
	struct fx *f = *state;
	int child;

	map(f, f->pid, FIX, P(128), RW, FIXED | VMSIM_MAP_NORESERVE);
	for (unsigned i = 0; i < 8; i++)
		fill_page(f, f->pid, FIX + P(i), (uint8_t)(0xf0 + i));
	/* fill RAM up to 2 free frames: a root and a PDPT for the child, no PD */
	unsigned n = 8;
	while (sst(f->sys).frames_free > 2)
		touch(f, f->pid, FIX + P(n++), PG, VMSIM_WRITE);
	uint64_t faults = pst(f->sys, f->pid).faults_minor;

	assert_int_equal(vmsim_fork(f->sys, f->pid, &child), VMSIM_ENOMEM);
	assert_int_equal(sst(f->sys).processes, 1);
	assert_int_equal(sst(f->sys).frames_free, 2);
	check_now(f);
	touch(f, f->pid, FIX, P(n), VMSIM_WRITE);
	assert_int_equal(pst(f->sys, f->pid).faults_minor, faults);
	assert_int_equal(pst(f->sys, f->pid).cow_reuses, 0);
	expect_page(f, f->pid, FIX + P(7), 0xf7);

	/* two more frames: the fork fits, and leaves RAM full */
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX + P(n - 2), P(2)));
	assert_ok(vmsim_fork(f->sys, f->pid, &child));
	assert_int_equal(sst(f->sys).frames_free, 0);
	expect_page(f, child, FIX + P(3), 0xf3);

	/* copy-on-write needs a frame: none, and nothing breaks */
	struct vmsim_access_result r;
	assert_int_equal(vmsim_access(f->sys, child, FIX + P(3), 1, VMSIM_WRITE, &r), VMSIM_ENOMEM);
	assert_int_equal(pst(f->sys, child).cow_copies, 0);
	check_now(f);
	expect_page(f, child, FIX + P(3), 0xf3);
	/* unmapping a page in both processes frees one frame: then it copies */
	assert_ok(vmsim_munmap(f->sys, f->pid, FIX + P(6), PG));
	assert_int_equal(sst(f->sys).frames_free, 0);
	assert_ok(vmsim_munmap(f->sys, child, FIX + P(6), PG));
	assert_int_equal(sst(f->sys).frames_free, 1);
	fill_page(f, child, FIX + P(3), 'c');
	assert_int_equal(pst(f->sys, child).cow_copies, 1);
	expect_page(f, f->pid, FIX + P(3), 0xf3);
	/* the parent's write of the same page now reuses it in place */
	fill_page(f, f->pid, FIX + P(3), 'p');
	assert_int_equal(pst(f->sys, f->pid).cow_reuses, 1);
	assert_int_equal(sst(f->sys).frames_free, 0);
}

/* man 2 mmap: "The mmap() call doesn't fail if the mapping cannot be
 * populated". */
static void tiny_ram_populate_out_of_memory_still_maps(void **state)
{
	struct fx *f = *state;
	vaddr_t a = 0;

	/* NORESERVE: 128 pages on 64 frames pass the heuristic overcommit check */
	int rc = vmsim_mmap(f->sys, f->pid, FIX, P(128), RW,
			    FIXED | VMSIM_MAP_POPULATE | VMSIM_MAP_NORESERVE, -1, 0, &a);
	check_now(f);
	/* regression: Linux's mmap does not fail when populating does */
	assert_int_equal(rc, 0);
	assert_int_equal(a, FIX);
	assert_int_equal(pst(f->sys, f->pid).vm_size, P(128));
	assert_int_equal(sst(f->sys).frames_free, 0);
	assert_int_equal(pst(f->sys, f->pid).rss, P(TINY_FREE - 3));
}

/* ---- registration ----------------------------------------------------------- */

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, fx_free)

static const struct CMUnitTest tests[] = {
    T(mmap_len_zero_returns_einval, setup_keep),
    T(mmap_flags_without_or_with_both_types_return_einval, setup_keep),
    T(mmap_unknown_flag_or_prot_bits_return_einval, setup_checked),
    T(mmap_unaligned_offset_returns_einval, setup_keep),
    T(mmap_without_anonymous_returns_ebadf, setup_keep),
    T(mmap_fixed_unaligned_address_returns_einval, setup_checked),
    T(mmap_fixed_over_mapping_replaces_it_and_frees_old_pages, setup_checked),
    T(mmap_fixed_same_prot_in_middle_merges_back_into_one_vma, setup_data),
    T(mmap_fixed_noreplace_over_mapping_returns_eexist_and_changes_nothing, setup_checked),
    T(mmap_free_hint_is_honoured, setup_keep),
    T(mmap_occupied_hint_is_ignored_and_placed_top_down, setup_keep),
    T(mmap_successive_mappings_go_top_down_and_merge_when_compatible, setup_checked),
    T(mmap_reuses_highest_gap_that_fits, setup_keep),
    T(mmap_length_is_rounded_up_to_pages, setup_keep),
    T(mmap_huge_length_returns_enomem, setup_keep),
    T(mmap_vm_size_counts_every_mapping, setup_keep),
    T(mmap_write_only_mapping_is_readable, setup_keep),
    T(munmap_unaligned_address_returns_einval, setup_keep),
    T(munmap_len_zero_returns_einval, setup_keep),
    T(munmap_hole_returns_zero, setup_checked),
    T(munmap_middle_splits_vma_in_two, setup_checked),
    T(munmap_across_several_vmas_removes_all_parts, setup_checked),
    T(munmap_touched_pages_frees_frames_and_rss, setup_keep),
    T(munmap_then_access_raises_segv_maperr, setup_checked),
    T(munmap_then_access_with_default_config_kills_process, setup_kill),
    T(munmap_whole_page_table_spans_frees_those_tables, setup_keep),
    T(munmap_lone_small_mapping_frees_its_page_tables, setup_keep),
    T(munmap_and_mprotect_of_background_process_leave_no_stale_tlb, setup_checked),
    T(mprotect_unaligned_returns_einval, setup_keep),
    T(mprotect_bad_prot_bits_return_einval, setup_keep),
    T(mprotect_range_with_hole_returns_enomem_and_changes_nothing, setup_checked),
    T(mprotect_read_only_then_write_raises_segv_accerr, setup_checked),
    T(mprotect_none_then_read_raises_segv, setup_keep),
    T(mprotect_none_keeps_pages_and_restore_gives_same_data, setup_checked),
    T(mprotect_middle_splits_in_three_and_restore_merges_back, setup_checked),
    T(mprotect_across_two_vmas_makes_one, setup_keep),
    T(mprotect_exec_allows_instruction_fetch, setup_checked),
    T(mprotect_none_after_fork_then_restore_keeps_cow, setup_checked),
    T(brk_below_start_returns_current_break, setup_keep),
    T(brk_grow_creates_heap_vma_and_memory_is_usable, setup_checked),
    T(brk_shrink_frees_pages, setup_checked),
    T(brk_into_another_mapping_fails_and_keeps_old_break, setup_keep),
    T(brk_beyond_mmap_base_keeps_old_break, setup_keep),
    T(brk_after_read_only_heap_tail_grows_writable, setup_keep),
    T(madvise_dontneed_zeroes_private_pages_and_drops_rss, setup_checked),
    T(madvise_invalid_advice_returns_einval, setup_keep),
    T(madvise_unaligned_returns_einval, setup_keep),
    T(madvise_range_with_hole_returns_enomem, setup_checked),
    T(madvise_random_splits_vma, setup_keep),
    T(madvise_normal_after_random_merges_back, setup_keep),
    T(madvise_dontneed_on_shared_mapping_keeps_data, setup_checked),
    T(madvise_dontneed_after_fork_leaves_child_copy, setup_checked),
    T(shared_anonymous_after_fork_shares_writes_and_halves_pss, setup_checked),
    T(shared_anonymous_split_keeps_page_offsets, setup_checked),
    T(mmap_populate_writable_faults_inside_mmap_only, setup_keep),
    T(mmap_populate_read_only_maps_zero_page, setup_keep),
    T(exec_layout_creates_named_text_data_stack, setup_checked),
    T(exec_layout_without_data_has_two_vmas, setup_keep),
    T(syscalls_on_dead_or_unknown_pid_return_esrch, setup_data),
    T(tiny_ram_touching_more_than_ram_returns_enomem_then_recovers, setup_tiny),
    T(tiny_ram_fork_out_of_memory_unwinds_cleanly, setup_tiny),
    T(tiny_ram_populate_out_of_memory_still_maps, setup_tiny),
};

int main(void)
{
	int failed;

	g_pcid = false;
	failed = cmocka_run_group_tests_name("syscalls, PCIDs off", tests, NULL, NULL);
	g_pcid = true;
	failed += cmocka_run_group_tests_name("syscalls, PCIDs on", tests, NULL, NULL);
	return failed ? 1 : 0;
}
