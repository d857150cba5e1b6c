/*
 * vmsim_check seen failing: each case builds a sound machine (vmsim_check
 * returns 0), breaks one invariant by writing the kernel's structures
 * directly, expects VMSIM_ECHECK with a message naming what broke (the page,
 * frame, slot or counter), then repairs the damage and expects 0 again, so
 * the message is known to come from that one corruption. The checker reports
 * and returns; it never aborts.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/kernel.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG	  4096ULL
#define PRIV_ANON (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define RW	  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)

struct fx {
	struct vmsim_system *sys;
	int pid;
	struct process *p;
	vaddr_t a; /* four private anonymous pages, the first one written */
};

static char why[512];

static void fx_init_cfg(struct fx *fx, struct vmsim_config *cfg)
{
	memset(fx, 0, sizeof(*fx));
	assert_ok(vmsim_system_new(cfg, &fx->sys));
	assert_ok(vmsim_process_create(fx->sys, &fx->pid));
	fx->p = proc_get(fx->sys, fx->pid);
	assert_ok(vmsim_mmap(fx->sys, fx->pid, 0, 4 * PG, RW, PRIV_ANON, -1, 0, &fx->a));
	assert_ok(vmsim_access(fx->sys, fx->pid, fx->a, 8, VMSIM_WRITE, NULL));
}

static void base_cfg(struct vmsim_config *cfg)
{
	vmsim_config_default(cfg);
	cfg->ram_bytes = 4 << 20;
	cfg->swap_bytes = 64 * PG;
	cfg->check_every_event = false; /* the corruption must reach vmsim_check, not abort */
}

static void fx_init(struct fx *fx)
{
	struct vmsim_config cfg;
	base_cfg(&cfg);
	fx_init_cfg(fx, &cfg);
}

static void fx_release(struct fx *fx)
{
	vmsim_system_free(fx->sys);
}

static void expect_sound(struct vmsim_system *sys)
{
	why[0] = '\0';
	if (vmsim_check(sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
}

/* vmsim_check must fail and its message contain the formatted text. */
__attribute__((format(printf, 2, 3))) static void expect_broken(struct vmsim_system *sys,
								const char *fmt, ...)
{
	char want[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	why[0] = '\0';
	int rc = vmsim_check(sys, why, sizeof(why));
	if (rc != VMSIM_ECHECK)
		fail_msg("vmsim_check returned %d, expected VMSIM_ECHECK (%s)", rc, want);
	if (!strstr(why, want))
		fail_msg("vmsim_check said \"%s\", expected it to say \"%s\"", why, want);
}

static pte_t *leaf(struct fx *fx, vaddr_t va)
{
	unsigned level;
	pte_t *e = pt_lookup(&fx->p->pt, va, &level);
	assert_non_null(e);
	return e;
}

static pfn_t pfn_at(struct fx *fx, vaddr_t va)
{
	pte_t *e = leaf(fx, va);
	assert_true(pte_present(*e));
	return pte_pfn(*e, pte_huge(*e));
}

static struct frame *frame_at(struct fx *fx, vaddr_t va)
{
	return phys_frame(&fx->sys->pm, pfn_at(fx, va));
}

/* Drop every TLB entry, so a PTE corrupted next is judged by the kernel's
 * checks and not first by the MMU's. */
static void flush_tlbs(struct fx *fx)
{
	mmu_flush_all(&fx->sys->mmu, false);
}

/* ---- frames: mapcount, refcount, conservation --------------------------- */

static void pte_without_mapcount_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	expect_sound(fx.sys);
	struct frame *f = frame_at(&fx, fx.a);
	f->mapcount = 0;
	expect_broken(fx.sys, "frame %#llx: mapcount 0 refcount 1, expected 1 and 1",
		      (unsigned long long)pfn_at(&fx, fx.a));
	f->mapcount = 1;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void wrong_refcount_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	struct frame *f = frame_at(&fx, fx.a);
	f->refcount++;
	expect_broken(fx.sys, "frame %#llx: mapcount 1 refcount 2, expected 1 and 1",
		      (unsigned long long)pfn_at(&fx, fx.a));
	f->refcount--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void leaked_frame_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	pfn_t pfn;
	assert_ok(phys_alloc(&fx.sys->pm, 0, 0, &pfn));
	expect_broken(fx.sys, "frame %#llx is allocated but nobody uses it (a leak)",
		      (unsigned long long)pfn);
	phys_free(&fx.sys->pm, pfn, 0);
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void pte_naming_a_free_frame_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	pfn_t mine = pfn_at(&fx, fx.a), free_pfn = PFN_NONE;
	for (pfn_t pfn = 1; pfn < fx.sys->pm.nframes && free_pfn == PFN_NONE; pfn++)
		if (phys_frame(&fx.sys->pm, pfn)->flags & FRAME_BUDDY)
			free_pfn = pfn;
	assert_true(free_pfn != PFN_NONE);
	flush_tlbs(&fx);
	pte_t *e = leaf(&fx, fx.a), saved = *e;
	*e = pte_make(free_pfn, saved & ~PTE_PFN_MASK);
	/* the page's own frame, now named by no PTE, would be reported first
	 * if it lies below the free one: make it look like an idle hugetlb
	 * page for the moment, which the frame walk passes over */
	struct frame *f = phys_frame(&fx.sys->pm, mine), keep = *f;
	f->flags |= FRAME_HUGETLB;
	f->refcount = f->mapcount = 0;
	expect_broken(fx.sys, "frame %#llx is mapped but not allocated",
		      (unsigned long long)free_pfn);
	*f = keep;
	*e = saved;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void second_zero_page_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	struct frame *f = frame_at(&fx, fx.a);
	f->flags |= FRAME_ZERO;
	expect_broken(fx.sys, "frame %#llx: a second zero page",
		      (unsigned long long)pfn_at(&fx, fx.a));
	f->flags &= ~FRAME_ZERO;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void page_table_count_is_checked(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	fx.p->pt.ntables++;
	expect_broken(fx.sys, "page-table frames: ");
	fx.p->pt.ntables--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void free_count_is_checked_by_physical_memory(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	fx.sys->pm.nr_free++;
	expect_broken(fx.sys, "physical memory: free lists hold");
	fx.sys->pm.nr_free--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* ---- the MMU: TLB entries against the page tables ----------------------- */

static void tlb_entry_without_pte_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	pte_t *e = leaf(&fx, fx.a), saved = *e;
	*e = 0; /* unmapped behind the TLB's back: no INVLPG */
	expect_broken(fx.sys, "mmu: ");
	expect_broken(fx.sys, "TLB entry for va %#llx", (unsigned long long)fx.a);
	expect_broken(fx.sys, "has no present PTE");
	*e = saved;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void tlb_entry_granting_write_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	pte_t *e = leaf(&fx, fx.a);
	*e &= ~PTE_RW; /* write-protected without a flush */
	expect_broken(fx.sys, "TLB entry for va %#llx grants write the PTEs refuse",
		      (unsigned long long)fx.a);
	*e |= PTE_RW;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void tlb_entry_count_is_checked(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	fx.sys->mmu.tlb.lv[VMSIM_TLB_L1D].nvalid[VMSIM_PAGE_4K]++;
	expect_broken(fx.sys, "TLB level %u holds", (unsigned)VMSIM_TLB_L1D);
	fx.sys->mmu.tlb.lv[VMSIM_TLB_L1D].nvalid[VMSIM_PAGE_4K]--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* ---- each PTE against its VMA ------------------------------------------- */

static void page_outside_every_vma_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t last = fx.a + 3 * PG;
	assert_ok(vmsim_access(fx.sys, fx.pid, last, 8, VMSIM_WRITE, NULL));
	struct vma *v = vma_find(&fx.p->vmas, fx.a);
	v->end -= PG;
	expect_broken(fx.sys, "pid %d: page %#llx is mapped outside every VMA", fx.pid,
		      (unsigned long long)last);
	v->end += PG;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void writable_page_in_read_only_area_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	struct vma *v = vma_find(&fx.p->vmas, fx.a);
	v->prot = VMSIM_PROT_READ;
	expect_broken(fx.sys, "pid %d: page %#llx writable in a read-only area", fx.pid,
		      (unsigned long long)fx.a);
	v->prot = RW;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void present_page_in_prot_none_area_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	struct vma *v = vma_find(&fx.p->vmas, fx.a);
	v->prot = VMSIM_PROT_NONE;
	expect_broken(fx.sys, "pid %d: page %#llx present in a PROT_NONE area", fx.pid,
		      (unsigned long long)fx.a);
	v->prot = RW;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void prot_none_entry_in_accessible_area_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	assert_ok(vmsim_mprotect(fx.sys, fx.pid, fx.a, PG, VMSIM_PROT_NONE));
	expect_sound(fx.sys);
	struct vma *v = vma_find(&fx.p->vmas, fx.a);
	assert_int_equal(v->prot, VMSIM_PROT_NONE);
	v->prot = RW;
	expect_broken(fx.sys, "pid %d: PROT_NONE entry at %#llx in an accessible area", fx.pid,
		      (unsigned long long)fx.a);
	v->prot = VMSIM_PROT_NONE;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void user_page_without_us_bit_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	flush_tlbs(&fx);
	pte_t *e = leaf(&fx, fx.a);
	*e &= ~PTE_US;
	expect_broken(fx.sys, "pid %d: user page %#llx without U/S", fx.pid,
		      (unsigned long long)fx.a);
	*e |= PTE_US;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void executable_page_in_no_exec_area_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	flush_tlbs(&fx);
	pte_t *e = leaf(&fx, fx.a);
	*e &= ~PTE_NX;
	expect_broken(fx.sys, "pid %d: page %#llx executable in a no-exec area", fx.pid,
		      (unsigned long long)fx.a);
	*e |= PTE_NX;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void writable_zero_page_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t va = fx.a + PG;
	assert_ok(vmsim_access(fx.sys, fx.pid, va, 8, VMSIM_READ, NULL));
	assert_true(is_zero_pfn(fx.sys, pfn_at(&fx, va)));
	flush_tlbs(&fx);
	pte_t *e = leaf(&fx, va);
	*e |= PTE_RW;
	expect_broken(fx.sys, "pid %d: the zero page is writable at %#llx", fx.pid,
		      (unsigned long long)va);
	*e &= ~PTE_RW;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void frame_beyond_ram_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	flush_tlbs(&fx);
	pte_t *e = leaf(&fx, fx.a), saved = *e;
	pfn_t beyond = fx.sys->pm.nframes + 5;
	*e = pte_make(beyond, saved & ~PTE_PFN_MASK);
	expect_broken(fx.sys, "pid %d: page %#llx maps frame %#llx beyond RAM", fx.pid,
		      (unsigned long long)fx.a, (unsigned long long)beyond);
	*e = saved;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void small_leaf_in_hugetlb_area_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	struct vma *v = vma_find(&fx.p->vmas, fx.a);
	v->hugetlb = 1 + VMSIM_PAGE_2M;
	expect_broken(fx.sys, "leaf at %#llx in a hugetlb area", (unsigned long long)fx.a);
	v->hugetlb = 0;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void overlapping_vmas_are_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t b;
	assert_ok(vmsim_mmap(fx.sys, fx.pid, fx.a + 8 * PG, 4 * PG, VMSIM_PROT_READ,
			     PRIV_ANON | VMSIM_MAP_FIXED, -1, 0, &b));
	assert_int_equal(fx.p->vmas.n, 2);
	struct vma *lo = &fx.p->vmas.v[0];
	vaddr_t end = lo->end;
	lo->end = fx.p->vmas.v[1].start + PG;
	expect_broken(fx.sys, "pid %d: VMAs overlap at %#llx", fx.pid,
		      (unsigned long long)fx.p->vmas.v[1].start);
	lo->end = end;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* ---- process counters, copy-on-write, Committed_AS ---------------------- */

static void rss_counter_drift_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	fx.p->rss_anon++;
	expect_broken(fx.sys, "pid %d: counters anon 2 file 0 shmem 0 swap 0, page tables 1",
		      fx.pid);
	fx.p->rss_anon--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void writable_shared_cow_page_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	int child;
	assert_ok(vmsim_fork(fx.sys, fx.pid, &child));
	expect_sound(fx.sys);
	flush_tlbs(&fx);
	pte_t *e = leaf(&fx, fx.a);
	assert_false(*e & PTE_RW);
	*e |= PTE_RW; /* the parent could write the page its child still maps */
	expect_broken(fx.sys, "pid %d: private page %#llx is writable but mapped 2 times", fx.pid,
		      (unsigned long long)fx.a);
	*e &= ~PTE_RW;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void committed_as_drift_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	fx.sys->committed += 3;
	expect_broken(fx.sys, "Committed_AS is %llu pages", (unsigned long long)fx.sys->committed);
	fx.sys->committed -= 3;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* ---- swap ---------------------------------------------------------------- */

static void leaked_swap_slot_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	uint64_t slot;
	assert_ok(swap_alloc(&fx.sys->swap, &slot)); /* taken, and nobody names it */
	expect_broken(fx.sys, "swap slot %llu: 1 references, expected 0", (unsigned long long)slot);
	swap_put(&fx.sys->swap, slot);
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void swap_slots_in_use_count_is_checked(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	fx.sys->swap.used++;
	expect_broken(fx.sys, "swap: 0 slots in use, counted 1");
	fx.sys->swap.used--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void bad_swap_entry_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	flush_tlbs(&fx);
	pte_t *e = leaf(&fx, fx.a), saved = *e;
	*e = swp_entry(fx.sys->swap.nslots + 3);
	expect_broken(fx.sys, "pid %d: bad swap entry", fx.pid);
	*e = saved;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* Swapped-out pages: a machine of 64 frames, 48 pages written, then reclaim. */
static void swapped_slot_refcount_is_checked(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct fx fx;
	base_cfg(&cfg);
	fx_init_cfg(&fx, &cfg);
	vaddr_t b;
	assert_ok(vmsim_mmap(fx.sys, fx.pid, 0, 48 * PG, RW, PRIV_ANON, -1, 0, &b));
	for (uint64_t i = 0; i < 48; i++)
		assert_ok(vmsim_access(fx.sys, fx.pid, b + i * PG, 8, VMSIM_WRITE, NULL));
	reclaim_pages(fx.sys, 32);
	expect_sound(fx.sys);
	uint64_t slot = UINT64_MAX;
	for (uint64_t i = 0; i < 48 && slot == UINT64_MAX; i++) {
		unsigned level;
		pte_t *e = pt_lookup(&fx.p->pt, b + i * PG, &level);
		if (e && pte_is_swap(*e))
			slot = swp_slot(*e);
	}
	assert_true(slot != UINT64_MAX);
	fx.sys->swap.refs[slot]++;
	expect_broken(fx.sys, "swap slot %llu: %u references, expected %u",
		      (unsigned long long)slot, fx.sys->swap.refs[slot],
		      fx.sys->swap.refs[slot] - 1);
	fx.sys->swap.refs[slot]--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void swap_cache_slot_naming_another_frame_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	pfn_t pfn = pfn_at(&fx, fx.a);
	fx.sys->swap.cache[0] = pfn + 1;
	expect_broken(fx.sys, "swap slot 0 caches frame %#llx, which does not name it",
		      (unsigned long long)pfn);
	fx.sys->swap.cache[0] = 0;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void frame_claiming_a_swap_slot_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	struct frame *f = frame_at(&fx, fx.a);
	f->flags |= FRAME_SWAPCACHE;
	f->swap = 5;
	expect_broken(fx.sys, "frame %#llx claims swap slot 4",
		      (unsigned long long)pfn_at(&fx, fx.a));
	f->flags &= ~FRAME_SWAPCACHE;
	f->swap = 0;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* ---- page caches and the replacement policy ----------------------------- */

/* A virtual file of 16 pages, its first page read into the cache; the
 * process maps it shared and read-only at *@va and faults the first page. */
static struct vfile *cached_file(struct fx *fx, vaddr_t *va)
{
	int fd;
	uint64_t done;
	assert_ok(vmsim_file_create_virtual(fx->sys, 16 * PG, &fd));
	assert_ok(vmsim_file_pread(fx->sys, fd, NULL, PG, 0, &done));
	assert_int_equal(done, PG);
	assert_ok(
	    vmsim_mmap(fx->sys, fx->pid, 0, 16 * PG, VMSIM_PROT_READ, VMSIM_MAP_SHARED, fd, 0, va));
	assert_ok(vmsim_access(fx->sys, fx->pid, *va, 8, VMSIM_READ, NULL));
	struct vfile *f = vfile_of_fd(fx->sys, fd);
	assert_non_null(f);
	return f;
}

static void page_cache_page_on_no_list_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t va;
	struct vfile *vf = cached_file(&fx, &va);
	pfn_t head = folio_head(&fx.sys->pm, pcache_lookup(vf, 0));
	struct frame *f = phys_frame(&fx.sys->pm, head);
	assert_true(f->flags & FRAME_LRU);
	f->flags &= ~FRAME_LRU;
	expect_broken(fx.sys, "frame %#llx: the policy does not track it",
		      (unsigned long long)head);
	f->flags |= FRAME_LRU;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void page_cache_count_is_checked(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t va;
	struct vfile *vf = cached_file(&fx, &va);
	vf->cached++;
	expect_broken(fx.sys, "a file's page cache holds %llu pages, counted %llu",
		      (unsigned long long)vf->cached, (unsigned long long)vf->cached - 1);
	vf->cached--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void page_cache_page_at_wrong_offset_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t va;
	struct vfile *vf = cached_file(&fx, &va);
	pfn_t pfn = pcache_lookup(vf, 0);
	struct frame *f = phys_frame(&fx.sys->pm, pfn);
	f->index += 100;
	expect_broken(fx.sys, "page cache: offset 0 holds frame %#llx, which does not belong there",
		      (unsigned long long)pfn);
	f->index -= 100;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void mapping_of_another_files_page_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t va, vb;
	struct vfile *a = cached_file(&fx, &va);
	struct vfile *b = cached_file(&fx, &vb);
	struct frame *f = frame_at(&fx, va);
	assert_ptr_equal(f->owner, a);
	f->owner = b;
	expect_broken(fx.sys, "pid %d: page %#llx maps a page of another file", fx.pid,
		      (unsigned long long)va);
	f->owner = a;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void shared_memory_page_off_policy_list_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	vaddr_t va;
	assert_ok(vmsim_mmap(fx.sys, fx.pid, 0, 4 * PG, RW, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS,
			     -1, 0, &va));
	assert_ok(vmsim_access(fx.sys, fx.pid, va, 8, VMSIM_WRITE, NULL));
	struct frame *f = frame_at(&fx, va);
	assert_true(f->flags & FRAME_LRU); /* shared memory is reclaimed to swap */
	f->flags &= ~FRAME_LRU;
	expect_broken(fx.sys, "frame %#llx: the policy does not track it",
		      (unsigned long long)pfn_at(&fx, va));
	f->flags |= FRAME_LRU;
	expect_sound(fx.sys);
	fx_release(&fx);
}

static void policy_page_count_is_checked(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	fx.sys->lru_pages++;
	expect_broken(fx.sys, "the policy tracks %llu frames, counted %llu",
		      (unsigned long long)fx.sys->lru_pages,
		      (unsigned long long)fx.sys->lru_pages - 1);
	fx.sys->lru_pages--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* A 64 KiB aligned write makes a large folio: its head and tail pages. */
static void broken_folio_is_reported(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	int fd;
	uint64_t done;
	assert_ok(vmsim_file_create_virtual(fx.sys, 64 * PG, &fd));
	assert_ok(vmsim_file_pwrite(fx.sys, fd, NULL, 16 * PG, 0, &done));
	struct vfile *vf = vfile_of_fd(fx.sys, fd);
	pfn_t head = pcache_lookup(vf, 0);
	struct frame *f = phys_frame(&fx.sys->pm, head);
	assert_true(f->order > 0);
	unsigned order = f->order;
	expect_sound(fx.sys);

	f->folio = 0;
	expect_broken(fx.sys, "frame %#llx: a block of order %u holds a folio of order 0",
		      (unsigned long long)head, order);
	f->folio = (uint8_t)order;
	expect_sound(fx.sys);

	struct frame *t = phys_frame(&fx.sys->pm, head + 1);
	t->refcount++;
	expect_broken(fx.sys, "frame %#llx (folio page 1): mapcount 0 refcount 2",
		      (unsigned long long)head + 1);
	t->refcount--;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* ---- hugetlb ------------------------------------------------------------- */

static void hugetlb_pool_count_is_checked(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct fx fx;
	base_cfg(&cfg);
	cfg.ram_bytes = 16 << 20;
	cfg.hugetlb_2m = 2;
	fx_init_cfg(&fx, &cfg);
	vaddr_t va;
	assert_ok(
	    vmsim_mmap(fx.sys, fx.pid, 0, 2 << 20, RW, PRIV_ANON | VMSIM_MAP_HUGETLB, -1, 0, &va));
	assert_ok(vmsim_access(fx.sys, fx.pid, va, 8, VMSIM_WRITE, NULL));
	expect_sound(fx.sys);

	fx.sys->hugetlb_nfree[VMSIM_PAGE_2M]++;
	expect_broken(fx.sys, "hugetlb pools hold 1024 frames, counted 512");
	fx.sys->hugetlb_nfree[VMSIM_PAGE_2M]--;
	expect_sound(fx.sys);

	flush_tlbs(&fx);
	struct frame *f = frame_at(&fx, va);
	assert_true(f->flags & FRAME_HUGETLB);
	f->flags &= ~FRAME_HUGETLB;
	expect_broken(fx.sys, "pid %d: huge leaf %#llx and its frame disagree on hugetlb", fx.pid,
		      (unsigned long long)va);
	f->flags |= FRAME_HUGETLB;
	expect_sound(fx.sys);
	fx_release(&fx);
}

/* ---- the message buffer -------------------------------------------------- */

static void check_without_buffer_still_fails(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx);
	frame_at(&fx, fx.a)->refcount++;
	assert_int_equal(vmsim_check(fx.sys, NULL, 0), VMSIM_ECHECK);
	char tiny[8];
	assert_int_equal(vmsim_check(fx.sys, tiny, sizeof(tiny)), VMSIM_ECHECK);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1); /* cut, terminated */
	frame_at(&fx, fx.a)->refcount--;
	assert_int_equal(vmsim_check(fx.sys, NULL, 0), 0);
	fx_release(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(pte_without_mapcount_is_reported),
	    cmocka_unit_test(wrong_refcount_is_reported),
	    cmocka_unit_test(leaked_frame_is_reported),
	    cmocka_unit_test(pte_naming_a_free_frame_is_reported),
	    cmocka_unit_test(second_zero_page_is_reported),
	    cmocka_unit_test(page_table_count_is_checked),
	    cmocka_unit_test(free_count_is_checked_by_physical_memory),
	    cmocka_unit_test(tlb_entry_without_pte_is_reported),
	    cmocka_unit_test(tlb_entry_granting_write_is_reported),
	    cmocka_unit_test(tlb_entry_count_is_checked),
	    cmocka_unit_test(page_outside_every_vma_is_reported),
	    cmocka_unit_test(writable_page_in_read_only_area_is_reported),
	    cmocka_unit_test(present_page_in_prot_none_area_is_reported),
	    cmocka_unit_test(prot_none_entry_in_accessible_area_is_reported),
	    cmocka_unit_test(user_page_without_us_bit_is_reported),
	    cmocka_unit_test(executable_page_in_no_exec_area_is_reported),
	    cmocka_unit_test(writable_zero_page_is_reported),
	    cmocka_unit_test(frame_beyond_ram_is_reported),
	    cmocka_unit_test(small_leaf_in_hugetlb_area_is_reported),
	    cmocka_unit_test(overlapping_vmas_are_reported),
	    cmocka_unit_test(rss_counter_drift_is_reported),
	    cmocka_unit_test(writable_shared_cow_page_is_reported),
	    cmocka_unit_test(committed_as_drift_is_reported),
	    cmocka_unit_test(leaked_swap_slot_is_reported),
	    cmocka_unit_test(swap_slots_in_use_count_is_checked),
	    cmocka_unit_test(bad_swap_entry_is_reported),
	    cmocka_unit_test(swapped_slot_refcount_is_checked),
	    cmocka_unit_test(swap_cache_slot_naming_another_frame_is_reported),
	    cmocka_unit_test(frame_claiming_a_swap_slot_is_reported),
	    cmocka_unit_test(page_cache_page_on_no_list_is_reported),
	    cmocka_unit_test(page_cache_count_is_checked),
	    cmocka_unit_test(page_cache_page_at_wrong_offset_is_reported),
	    cmocka_unit_test(mapping_of_another_files_page_is_reported),
	    cmocka_unit_test(shared_memory_page_off_policy_list_is_reported),
	    cmocka_unit_test(policy_page_count_is_checked),
	    cmocka_unit_test(broken_folio_is_reported),
	    cmocka_unit_test(hugetlb_pool_count_is_checked),
	    cmocka_unit_test(check_without_buffer_still_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
