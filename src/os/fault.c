/*
 * The page-fault handler and the access path. vmsim_access asks the MMU; when
 * the MMU raises a fault, os_handle_fault decides like Linux's
 * handle_mm_fault and dispatches to one handler per case, in this order:
 *
 *   no VMA, or the VMA forbids the access ............ VM_FAULT_SIGSEGV
 *   huge leaf present, allows the access ............. nothing (a stale TLB entry)
 *   huge leaf present, write to a read-only one ...... do_huge_wp (huge.c):
 *        reuse, copy (hugetlb), a THP for the huge zero page, or split and
 *        VM_FAULT_FALLBACK to the 4 KiB cases below
 *   no page table under the 2 MiB, not a file area ... do_huge_fault (huge.c):
 *        a hugetlb page (VM_FAULT_SIGBUS if the pool is empty), a THP, the
 *        huge zero page, or VM_FAULT_FALLBACK
 *   PTE holds a swap entry ........................... do_swap_page
 *        (VM_FAULT_MAJOR if read from the swap file, minor from the swap cache)
 *   PTE empty, file or shared anonymous area ......... do_file_fault:
 *        a read maps the cached folios around it first (fault-around); else
 *        the page from the cache (a readahead mark reads the next window) or,
 *        after readahead, from the file (VM_FAULT_MAJOR); a read maps the
 *        page's whole folio; VM_FAULT_SIGBUS past the end of the file
 *   PTE empty, private anonymous, read ............... do_zero_page
 *   PTE empty, private anonymous, write .............. do_anon_fault
 *   PTE read-only, write, shared file or shmem area .. do_shared_write
 *   PTE read-only, write, private area ............... do_cow_break
 *   PTE allows the access ............................ a stale TLB entry: flush it
 *
 * Every handler takes the fault as one struct vm_fault and returns a
 * vm_fault_t (kernel.h). Invalid faults are not counted as minor or major,
 * as in Linux.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

uint64_t vma_pte_flags(const struct vma *vma, bool writable)
{
	uint64_t f = PTE_P | PTE_US;
	if (!(vma->prot & VMSIM_PROT_EXEC))
		f |= PTE_NX;
	if (writable && (vma->prot & VMSIM_PROT_WRITE))
		f |= PTE_RW;
	return f;
}

/* May an access @acc touch @vma? x86 cannot refuse reads of any mapping
 * that allows something, so only write and exec are checked. */
static bool vma_permits(const struct vma *vma, unsigned acc)
{
	if (vma->prot == VMSIM_PROT_NONE)
		return false;
	if ((acc & VMSIM_ACC_WRITE) && !(vma->prot & VMSIM_PROT_WRITE))
		return false;
	if ((acc & VMSIM_ACC_FETCH) && !(vma->prot & VMSIM_PROT_EXEC))
		return false;
	return true;
}

/* Set up a freshly allocated anonymous frame mapped once by @p at @va of
 * @vma, which from now on has anonymous pages (fork copies it). */
static void new_anon_frame(struct vmsim_system *sys, struct process *p, struct vma *vma, pfn_t pfn,
			   vaddr_t va)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	f->refcount = 1;
	f->mapcount = 1;
	f->owner = p->anon;
	f->index = vma_anon_index(vma, va);
	vma->anon = true;
	lru_add(sys, pfn);
}

const char *vm_fault_name(vm_fault_t r)
{
#define VM_FAULT_NAME(name, bit, what)                                                             \
	if (r & (bit))                                                                             \
		return #name;
	VM_FAULT_MAP(VM_FAULT_NAME)
#undef VM_FAULT_NAME
	return "VM_FAULT_MINOR";
}

static vm_fault_t do_zero_page(struct vmsim_system *sys, struct vm_fault *vmf)
{
	*vmf->pte = pte_make(sys->zero_pfn, vma_pte_flags(vmf->vma, false));
	vmf->p->c.zero_maps++;
	return VM_FAULT_MINOR;
}

static vm_fault_t do_anon_fault(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct process *p = vmf->p;
	pfn_t pfn;
	int rc = alloc_user_frame(sys, FRAME_ANON, &pfn);
	if (rc)
		return vmf_error(vmf, rc);
	sys->zero_fills++;
	new_anon_frame(sys, p, vmf->vma, pfn, vmf->va);
	/* a write fault maps the page writable and dirty, as Linux does */
	*vmf->pte = pte_make(pfn, vma_pte_flags(vmf->vma, true) | PTE_D);
	p->rss_anon++;
	p->c.zero_fills++;
	return VM_FAULT_MINOR;
}

/* Is @f mapped by one PTE and referenced by nothing else but, perhaps, the
 * swap cache with no swap entry sharing its slot? Then a write may reuse it
 * in place (after dropping it from the swap cache). */
static bool exclusive(struct vmsim_system *sys, const struct frame *f)
{
	if (f->mapcount != 1 || (f->flags & FRAME_FILE))
		return false;
	if (f->flags & FRAME_SWAPCACHE)
		return f->refcount == 2 && sys->swap.refs[f->swap - 1] == 1;
	return f->refcount == 1;
}

/* Copy the bytes of frame @from into frame @to (data mode only). */
static int copy_frame(struct vmsim_system *sys, pfn_t from, pfn_t to)
{
	if (!sys->cfg.data_mode)
		return 0;
	uint8_t *dst = phys_bytes(&sys->pm, to);
	uint8_t *src = phys_bytes(&sys->pm, from);
	if (!dst || !src)
		return VMSIM_ENOHOSTMEM;
	memcpy(dst, src, VMSIM_PAGE_SIZE);
	return 0;
}

/* A write to the read-only PTE vmf->pte of a private area: copy the page,
 * or reuse it when this is its last user. */
static vm_fault_t do_cow_break(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct process *p = vmf->p;
	pte_t *slot = vmf->pte;
	vaddr_t va = vmf->va;
	pte_t e = *slot;
	pfn_t old = pte_pfn(e, false);
	struct flush_batch b;
	vm_fault_t ret = VM_FAULT_MINOR;
	int rc;

	if (is_zero_pfn(sys, old)) {
		/* the first write to a page read before: a fresh zeroed frame */
		ret = do_anon_fault(sys, vmf);
	} else {
		struct frame *f = phys_frame(&sys->pm, old);
		if (exclusive(sys, f)) {
			/* the last user: reuse the page in place; its swap copy, if
			 * any, is about to be stale: drop it */
			if (f->flags & FRAME_SWAPCACHE)
				swapcache_del(sys, old);
			*slot = e | PTE_RW | PTE_D;
			p->c.cow_reuses++;
		} else {
			pfn_t pfn;
			/* pinned while reclaim may run: it must not evict the page
			 * being copied (Linux holds a page reference) */
			f->flags |= FRAME_LOCKED;
			rc = alloc_user_frame(sys, FRAME_ANON, &pfn);
			f->flags &= ~FRAME_LOCKED;
			if (rc)
				return vmf_error(vmf, rc);
			if ((rc = copy_frame(sys, old, pfn))) {
				phys_free(&sys->pm, pfn, 0);
				return vmf_error(vmf, rc);
			}
			new_anon_frame(sys, p, vmf->vma, pfn, va);
			f->mapcount--;
			if (f->flags & FRAME_FILE) {
				/* a private copy of a file page: the file never sees it */
				p->rss_file--;
				p->rss_anon++;
			}
			*slot = pte_make(pfn, vma_pte_flags(vmf->vma, true) | PTE_D);
			put_user_frame(sys, old);
			p->c.cow_copies++;
			sys->cow_copies++;
		}
	}
	if (ret & VM_FAULT_FAILED)
		return ret;
	flush_init(&b, p);
	flush_add(sys, &b, va);
	flush_finish(sys, &b);
	return ret;
}

/* Map cached page @pfn of @vma's file at *@slot; @write: the fault was a
 * write to a shared mapping, so the page is mapped writable and dirty. */
static void map_file_page(struct vmsim_system *sys, struct process *p, const struct vma *vma,
			  pte_t *slot, pfn_t pfn, bool write)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	const struct vfile *vf = vma->file;
	f->refcount++;
	f->mapcount++;
	if (vf->kind == VF_SHMEM)
		p->rss_shmem++;
	else
		p->rss_file++;
	/* shared memory needs no write notification: writable at once; a
	 * shared file mapping is writable only once a write has dirtied the
	 * page (Linux's write-notify); a private one never (writes copy) */
	bool writable = (vma->flags & VMSIM_MAP_SHARED) && (write || vf->kind == VF_SHMEM);
	if (write)
		f->flags |= FRAME_DIRTY;
	*slot = pte_make(pfn, vma_pte_flags(vma, writable) | (write ? PTE_D : 0));
}

/* Map the cached pages of [@lo, @hi) of @vma that have no PTE yet, skipping
 * folios with the readahead mark (Linux leaves them for a fault to reach,
 * which then reads the next window). For a read, neighbours are mapped
 * read-only and not yet accessed; for a @write (a shared write fault
 * mapping its whole folio) every page is mapped writable and dirty, as
 * Linux's set_pte_range does; @va's own page as a fault would map it.
 * Returns the pages mapped. */
static uint64_t map_range(struct vmsim_system *sys, struct process *p, const struct vma *vma,
			  vaddr_t va, vaddr_t lo, vaddr_t hi, bool skip_marked, bool write)
{
	uint64_t end = vfile_pages(vma->file), mapped = 0;
	for (vaddr_t a = lo; a < hi; a += VMSIM_PAGE_SIZE) {
		uint64_t pgoff = vma->pgoff + ((a - vma->start) >> VMSIM_PAGE_SHIFT);
		if (pgoff >= end)
			break;
		pfn_t pfn = pcache_lookup(vma->file, pgoff);
		if (pfn == PFN_NONE ||
		    (skip_marked &&
		     (phys_frame(&sys->pm, folio_head(&sys->pm, pfn))->flags & FRAME_READAHEAD)))
			continue;
		unsigned level;
		pte_t *e = pt_lookup(&p->pt, a, &level);
		if (!e || level != 1 || *e)
			continue;
		map_file_page(sys, p, vma, e, pfn, write);
		mapped++;
		if (a == va)
			continue;
		if (!write)
			*e &= ~PTE_RW;
		sys->fault_around_maps++;
	}
	return mapped;
}

/*
 * Linux's fault-around (do_fault_around, filemap_map_pages): before a read
 * fault goes to the file, map the cached pages of the aligned window of
 * fault_around_bytes around it, inside the area and the page table; a large
 * folio the window touches is mapped whole, as far as the area and the page
 * table allow (Linux 6.18). Mapped pages count against the file's mmap_miss.
 * True if @va itself got mapped (the fault is then resolved).
 */
static bool fault_around(struct vmsim_system *sys, struct process *p, const struct vma *vma,
			 vaddr_t va, pte_t *slot)
{
	uint64_t window = sys->cfg.fault_around_bytes & ~(VMSIM_PAGE_SIZE - 1);
	if (window <= VMSIM_PAGE_SIZE)
		return false;
	vaddr_t lo = va - (va % window), hi = lo + window;
	vaddr_t pt_lo = va & ~((2ULL << 20) - 1), pt_hi = pt_lo + (2ULL << 20);
	vaddr_t clip_lo = vma->start > pt_lo ? vma->start : pt_lo;
	vaddr_t clip_hi = vma->end < pt_hi ? vma->end : pt_hi;
	lo = lo < clip_lo ? clip_lo : lo;
	hi = hi > clip_hi ? clip_hi : hi;
	/* widen to the large folios at either end */
	for (int side = 0; side < 2; side++) {
		vaddr_t a = side ? hi - VMSIM_PAGE_SIZE : lo;
		uint64_t pgoff = vma->pgoff + ((a - vma->start) >> VMSIM_PAGE_SHIFT);
		pfn_t pfn =
		    pgoff < vfile_pages(vma->file) ? pcache_lookup(vma->file, pgoff) : PFN_NONE;
		if (pfn == PFN_NONE)
			continue;
		uint64_t nr = folio_nr(&sys->pm, pfn), first = pgoff & ~(nr - 1);
		vaddr_t flo = a - ((pgoff - first) << VMSIM_PAGE_SHIFT);
		vaddr_t fhi = flo + (nr << VMSIM_PAGE_SHIFT);
		if (side == 0 && flo < lo)
			lo = flo < clip_lo ? clip_lo : flo;
		if (side == 1 && fhi > hi)
			hi = fhi > clip_hi ? clip_hi : fhi;
	}
	uint64_t mapped = map_range(sys, p, vma, va, lo, hi, true, false);
	struct file_ra *ra = &vma->file->ra;
	ra->mmap_miss -= mapped < ra->mmap_miss ? (unsigned)mapped : ra->mmap_miss;
	return *slot != 0;
}

/* After a read fault, or a write fault of a shared mapping, mapped @va
 * (cached page @pfn), map the rest of its large folio the same way if the
 * folio lies inside the area and one page table (Linux 6.18's finish_fault
 * maps whole folios for both). */
static void map_folio(struct vmsim_system *sys, struct process *p, const struct vma *vma,
		      vaddr_t va, pfn_t pfn, bool write)
{
	uint64_t nr = folio_nr(&sys->pm, pfn);
	if (nr == 1)
		return;
	uint64_t idx = pfn - folio_head(&sys->pm, pfn);
	vaddr_t lo = va - (idx << VMSIM_PAGE_SHIFT), hi = lo + (nr << VMSIM_PAGE_SHIFT);
	if (lo < vma->start || hi > vma->end || (lo >> 21) != ((hi - 1) >> 21))
		return;
	map_range(sys, p, vma, va, lo, hi, false, write);
}

/* A fault on a page of a file mapping (or shared anonymous memory) with no
 * PTE yet, as Linux's do_read_fault / do_cow_fault / do_shared_fault over
 * filemap_fault: a read first tries fault-around; then the page comes from
 * the cache (minor; a readahead mark reads the next window) or, after
 * readahead, from the file (VM_FAULT_MAJOR). A private write copies the
 * page into an anonymous one at once. Past the end of the file:
 * VM_FAULT_SIGBUS. */
static vm_fault_t do_file_fault(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct process *p = vmf->p;
	struct vma *vma = vmf->vma;
	struct vfile *f = vma->file;
	uint64_t pgoff = vma->pgoff + ((vmf->va - vma->start) >> VMSIM_PAGE_SHIFT);
	vm_fault_t ret = VM_FAULT_MINOR;
	bool major = false, read = false;
	pfn_t pfn;
	if (pgoff >= vfile_pages(f)) {
		vmf->reason = VMSIM_SIGBUS_EOF;
		return VM_FAULT_SIGBUS;
	}
	if (!vmf->write && fault_around(sys, p, vma, vmf->va, vmf->pte))
		return VM_FAULT_MINOR;
	pfn = pcache_lookup(f, pgoff);
	if (f->kind != VF_SHMEM) {
		if (pfn != PFN_NONE) {
			ra_mmap_async(sys, vma, pgoff, pfn);
		} else {
			ra_mmap_sync(sys, vma, pgoff);
			major = true;
		}
	}
	int rc = pcache_get_page(sys, f, pgoff, &pfn, &read);
	if (rc)
		return vmf_error(vmf, rc);
	if (f->kind == VF_SHMEM && read) {
		/* shared memory read back from swap: a major fault, as shmem_fault's */
		major = true;
		p->c.swap_ins++;
	}
	if (vmf->write && !(vma->flags & VMSIM_MAP_SHARED)) {
		/* map the cached page, then break the copy at once */
		map_file_page(sys, p, vma, vmf->pte, pfn, false);
		ret = do_cow_break(sys, vmf);
	} else {
		map_file_page(sys, p, vma, vmf->pte, pfn, vmf->write);
		map_folio(sys, p, vma, vmf->va, pfn, vmf->write);
	}
	return ret | (major ? VM_FAULT_MAJOR : 0);
}

/* A write to a shared mapping whose PTE is read-only: the page becomes
 * dirty and writable (Linux's page_mkwrite path). */
static vm_fault_t do_shared_write(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct flush_batch b;
	phys_frame(&sys->pm, pte_pfn(*vmf->pte, false))->flags |= FRAME_DIRTY;
	*vmf->pte |= PTE_RW | PTE_D;
	flush_init(&b, vmf->p);
	flush_add(sys, &b, vmf->va);
	flush_finish(sys, &b);
	return VM_FAULT_MINOR;
}

/* Fault in the page behind swap entry *vmf->pte: from the swap cache
 * (minor) or from the swap file (VM_FAULT_MAJOR). A page nobody else needs
 * is mapped writable (dirty, its swap copy dropped, on a write); a page
 * others share stays read-only and a write then copies it. */
static vm_fault_t do_swap_page(struct vmsim_system *sys, struct vm_fault *vmf)
{
	struct process *p = vmf->p;
	pte_t *slot = vmf->pte;
	vaddr_t va = vmf->va;
	struct swap_dev *sw = &sys->swap;
	uint64_t s = swp_slot(*slot);
	vm_fault_t ret = VM_FAULT_MINOR;
	pfn_t pfn;
	int rc;

	VMSIM_BUG_ON(s >= sw->nslots || sw->refs[s] == 0);
	if (sw->cache[s]) {
		pfn = sw->cache[s] - 1;
		p->c.swapcache_hits++;
		sys->rc.swapcache_hits++;
	} else {
		if ((rc = alloc_user_frame(sys, FRAME_ANON, &pfn)))
			return vmf_error(vmf, rc);
		if ((rc = swap_read(sys, s, pfn))) {
			phys_free(&sys->pm, pfn, 0);
			return vmf_error(vmf, rc);
		}
		struct frame *nf = phys_frame(&sys->pm, pfn);
		nf->owner = p->anon;
		nf->index = vma_anon_index(vmf->vma, va);
		nf->flags |= FRAME_SWAPCACHE;
		nf->swap = s + 1;
		nf->refcount = 1; /* the swap cache's */
		swap_get(sw, s);  /* and its slot reference */
		sw->cache[s] = pfn + 1;
		lru_add(sys, pfn);
		/* a refault: evicted fewer evictions ago than there are pages the
		 * policy manages, so it would have stayed with a bit more memory
		 * (Linux's workingset refault distance) */
		if (sys->evictions - sw->evicted_at[s] <= sys->lru_pages)
			sys->rc.refaults++;
		p->c.swap_ins++;
		ret = VM_FAULT_MAJOR;
	}
	struct frame *f = phys_frame(&sys->pm, pfn);
	f->mapcount++;
	f->refcount++;
	p->rss_anon++;
	p->swap_ents--;
	swap_put(sw, s); /* this PTE's reference moves to the page */
	bool mine = exclusive(sys, f);
	if (vmf->write && mine)
		swapcache_del(sys, pfn);
	*slot = pte_make(pfn, vma_pte_flags(vmf->vma, mine) | (vmf->write && mine ? PTE_D : 0));
	if (vmf->write && !mine)
		ret |= do_cow_break(sys, vmf);
	return ret;
}

const char *vmsim_segv_reason_str(enum vmsim_segv_reason reason)
{
	switch (reason) {
	case VMSIM_SEGV_MAPERR:
		return "SIGSEGV: nothing is mapped there (SEGV_MAPERR)";
	case VMSIM_SEGV_ACCERR:
		return "SIGSEGV: the mapping does not allow this access (SEGV_ACCERR)";
	case VMSIM_SIGBUS_IO:
		return "SIGBUS: the page could not be read back";
	case VMSIM_SIGBUS_EOF:
		return "SIGBUS: past the end of the mapped file";
	case VMSIM_SIGBUS_HUGETLB:
		return "SIGBUS: no huge page left in the hugetlb pool";
	}
	return "SIGSEGV";
}

void raise_segv(struct vmsim_system *sys, struct process *p, vaddr_t va, unsigned acc,
		enum vmsim_segv_reason reason)
{
	p->c.faults_invalid++;
	if (sys->nsegv == sys->segv_cap) {
		uint64_t cap = sys->segv_cap ? sys->segv_cap * 2 : 16;
		struct vmsim_segv_record *r = realloc(sys->segv, cap * sizeof(*r));
		if (r) {
			sys->segv = r;
			sys->segv_cap = cap;
		}
	}
	if (sys->nsegv < sys->segv_cap) {
		enum vmsim_access_kind kind = (acc & VMSIM_ACC_FETCH)	? VMSIM_EXEC
					      : (acc & VMSIM_ACC_WRITE) ? VMSIM_WRITE
									: VMSIM_READ;
		sys->segv[sys->nsegv] = (struct vmsim_segv_record){p->pid, va, kind, reason};
	}
	sys->nsegv++; /* counted even if the host could not store the record */
	if (sys->cfg.segv_kills || reason == VMSIM_SIGBUS_IO)
		proc_teardown(sys, p);
}

/* A huge handler's result, counted as a minor fault when it mapped. */
static vm_fault_t huge_done(struct vm_fault *vmf, vm_fault_t ret)
{
	if (ret == VM_FAULT_MINOR)
		vmf->p->c.faults_minor++;
	return ret;
}

vm_fault_t os_handle_fault(struct vmsim_system *sys, struct process *p, vaddr_t va, unsigned acc,
			   struct vm_fault *vmf)
{
	struct vma *vma = vma_find(&p->vmas, va);
	vm_fault_t ret;
	int rc;

	*vmf = (struct vm_fault){.p = p,
				 .vma = vma,
				 .va = va,
				 .acc = acc,
				 .write = acc & VMSIM_ACC_WRITE,
				 .reason = VMSIM_SEGV_MAPERR};
	if (!vma)
		return VM_FAULT_SIGSEGV;
	if (!vma_permits(vma, acc)) {
		vmf->reason = VMSIM_SEGV_ACCERR;
		return VM_FAULT_SIGSEGV;
	}
	bool write = vmf->write;
	unsigned level;
	/* the tables this fault may need, before anything is read */
	kernel_reserve(sys, p->pt.levels);
	pte_t *upper = pt_lookup(&p->pt, va, &level);
	if (level > 1 && upper && pte_present(*upper) && !(write && !(*upper & PTE_RW))) {
		/* a huge leaf allows the access already (MAP_POPULATE, or a
		 * stale TLB entry): nothing to do */
		return VM_FAULT_MINOR;
	}
	if (level > 1 && upper && pte_present(*upper)) {
		/* a huge leaf maps it: a write to a read-only huge page */
		vmf->pte = upper;
		ret = do_huge_wp(sys, vmf);
		if (ret != VM_FAULT_FALLBACK)
			return huge_done(vmf, ret);
	} else if ((level > 2 || (level == 2 && upper && *upper == 0)) && !vma->file) {
		/* no page table under the 2 MiB around va: maybe a huge page */
		ret = do_huge_fault(sys, vmf);
		if (ret != VM_FAULT_FALLBACK)
			return huge_done(vmf, ret);
	}
	if ((rc = pt_slot(&p->pt, va, VMSIM_PAGE_4K, &vmf->pte)))
		return vmf_error(vmf, rc);
	pte_t e = *vmf->pte;
	if (pte_is_swap(e)) {
		ret = do_swap_page(sys, vmf);
	} else if (!pte_present(e)) {
		VMSIM_BUG_ON(e != 0);
		if (vma->file)
			ret = do_file_fault(sys, vmf);
		else if (write)
			ret = do_anon_fault(sys, vmf);
		else
			ret = do_zero_page(sys, vmf);
	} else if (write && !(e & PTE_RW)) {
		if (vma->file && (vma->flags & VMSIM_MAP_SHARED))
			ret = do_shared_write(sys, vmf);
		else
			ret = do_cow_break(sys, vmf);
	} else {
		/* the PTE allows the access already: a stale TLB entry (spurious) */
		struct flush_batch b;
		flush_init(&b, p);
		flush_add(sys, &b, va);
		flush_finish(sys, &b);
		ret = VM_FAULT_MINOR;
	}
	if (ret & VM_FAULT_FAILED)
		return ret;
	if (ret & VM_FAULT_MAJOR)
		p->c.faults_major++;
	else
		p->c.faults_minor++;
	return ret;
}

/* An access through a huge leaf: note which 4 KiB of a THP it touched
 * (a hugetlb page's or the huge zero page's bits are never read). */
static inline void huge_touched(struct vmsim_system *sys, paddr_t pa)
{
	if (likely(sys->thp_touched))
		thp_touch(sys, pa);
}

/* Touch one page-contained piece of an access; handles faults and retries.
 * Returns 0, 1 (the process died: SIGSEGV, SIGBUS or OOM kill) or an error. */
static inline __attribute__((always_inline)) int access_page(struct vmsim_system *sys,
							     struct process *p, vaddr_t va,
							     unsigned acc,
							     struct vmsim_access_result *res)
{
	struct mmu_xlate x;
	p->c.accesses++;
	sys->accesses++;
	for (int tries = 0;; tries++) {
		int f = mmu_translate(&sys->mmu, va, acc, &x);
		if (likely(f == MMU_OK)) {
			res->pa = x.pa;
			if (unlikely(x.ps != VMSIM_PAGE_4K))
				huge_touched(sys, x.pa);
			if (sys->policy_on_access) {
				pfn_t pfn = x.pa >> VMSIM_PAGE_SHIFT;
				if (phys_frame(&sys->pm, pfn)->flags & FRAME_LRU)
					sys->policy->on_access(sys->policy_state, pfn,
							       acc & VMSIM_ACC_WRITE);
			}
			return 0;
		}
		VMSIM_BUG_ON(tries > 64); /* a resolved fault must let the access through */
		VMSIM_BUG_ON(f == MMU_FAULT_RESERVED);
		struct vm_fault vmf;
		vm_fault_t r;
		if (f == MMU_FAULT_NONCANONICAL) {
			r = VM_FAULT_SIGSEGV;
			vmf.reason = VMSIM_SEGV_MAPERR;
		} else {
			r = os_handle_fault(sys, p, va, acc, &vmf);
		}
		if (r & VM_FAULT_OOM) {
			/* nothing left to reclaim: the OOM killer frees memory, maybe
			 * by killing this very process */
			if (!sys->cfg.oom_kill || !oom_kill(sys, p))
				return VMSIM_ENOMEM;
			if (!p->alive) {
				res->killed = true;
				return 1;
			}
			continue;
		}
		if ((r & VM_FAULT_ERROR) && vmf.err == VMSIM_EIO) {
			/* a page that could not be read back */
			r = VM_FAULT_SIGBUS;
			vmf.reason = VMSIM_SIGBUS_IO;
		}
		if (r & VM_FAULT_ERROR)
			return vmf.err;
		if (r & (VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS)) {
			res->segv = true;
			res->reason = vmf.reason;
			res->segv_addr = va;
			raise_segv(sys, p, va, acc, vmf.reason);
			res->killed = !p->alive;
			return 1;
		}
		if (r & VM_FAULT_MAJOR)
			res->faults_major++;
		else
			res->faults_minor++;
	}
}

/* An access that crosses page boundaries: one piece per page, stopping at
 * the first that faults fatally (out of line: the hot path is one page). */
__attribute__((noinline)) static int access_split(struct vmsim_system *sys, struct process *p,
						  vaddr_t va, vaddr_t last, unsigned acc,
						  struct vmsim_access_result *res)
{
	int rc = 0;

	for (vaddr_t a = va; rc == 0;) {
		rc = access_page(sys, p, a, acc, res);
		vaddr_t next = (a | (VMSIM_PAGE_SIZE - 1)) + 1;
		if (next == 0 || next > last)
			break;
		a = next;
	}
	return rc;
}

/* The work that comes due with accesses: a working-set sample, khugepaged
 * looking at the clock. */
static void kernel_timers(struct vmsim_system *sys)
{
	if (sys->cfg.wss_window && sys->accesses >= sys->wss_next)
		wss_sample(sys);
	if (sys->accesses >= sys->kh.check_at)
		khugepaged_tick(sys);
	timers_update(sys);
}

int vmsim_access(struct vmsim_system *sys, int pid, vaddr_t va, uint32_t size,
		 enum vmsim_access_kind kind, struct vmsim_access_result *res)
{
	static const unsigned acc_of[3] = {VMSIM_ACC_USER, VMSIM_ACC_USER | VMSIM_ACC_WRITE,
					   VMSIM_ACC_USER | VMSIM_ACC_FETCH};
	struct vmsim_access_result local;
	struct process *p = proc_get(sys, pid);
	if (unlikely(!p))
		return VMSIM_ESRCH;
	if (unlikely(size == 0 || size > (1u << 20) || (unsigned)kind > VMSIM_EXEC))
		return VMSIM_EINVAL;
	if (!res)
		res = &local;
	res->faults_minor = res->faults_major = 0;
	res->segv = res->killed = false;
	if (unlikely(sys->current != p))
		proc_switch(sys, p);

	unsigned acc = acc_of[kind];
	vaddr_t last = va + size - 1;
	int rc;
	if (likely((va ^ last) < VMSIM_PAGE_SIZE))
		rc = access_page(sys, p, va, acc, res);
	else
		rc = access_split(sys, p, va, last, acc, res);
	if (unlikely(sys->accesses >= sys->timer_next))
		kernel_timers(sys);
	if (unlikely(sys->cfg.check_every_event))
		check_if_debug(sys);
	return rc < 0 ? rc : 0;
}
