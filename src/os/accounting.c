/*
 * Accounting in /proc's terms. RSS is kept as running counters (like
 * Linux's mm counters); PSS, USS and the per-VMA smaps figures are computed
 * on demand by walking the page tables, as /proc/PID/smaps does:
 *   PSS  each resident page counts 4096 / mapcount bytes (kept in 1/4096
 *        bytes while summing, so the total is exact to the byte);
 *   USS  pages with mapcount 1 (Private_Clean + Private_Dirty);
 *   a page is "dirty" if its PTE's D bit is set (the zero page is neither
 *   counted in RSS nor anywhere else).
 * Public API.
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

struct smaps_ctx {
	struct vmsim_system *sys;
	struct vmsim_smaps_entry *e;
	vaddr_t start, end;
	uint64_t pss_frac; /* PSS in 1/4096 bytes */
};

static int smaps_one(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	struct smaps_ctx *c = arg;
	if (va >= c->end)
		return 1;
	if (va < c->start)
		return 0;
	pte_t pte = *leaf;
	if (pte_is_swap(pte)) {
		c->e->swap += VMSIM_PAGE_SIZE;
		return 0;
	}
	pfn_t pfn = pte_pfn(pte, ps != VMSIM_PAGE_4K);
	if (is_zero_pfn(c->sys, pfn))
		return 0;
	const struct frame *f = phys_frame(&c->sys->pm, pfn);
	const uint64_t pg = 1ULL << vmsim_page_shift(ps);
	struct vmsim_smaps_entry *e = c->e;
	if (f->flags & FRAME_HUGETLB)
		return 0; /* hugetlb pages are not in Rss (HugetlbPages counts them) */
	if (ps != VMSIM_PAGE_4K)
		e->anon_huge += pg;
	bool dirty = pte & PTE_D;
	e->rss += pg;
	if (pte & PTE_A)
		e->referenced += pg;
	if (f->flags & FRAME_ANON)
		e->anonymous += pg;
	if (f->mapcount >= 2) {
		if (dirty)
			e->shared_dirty += pg;
		else
			e->shared_clean += pg;
	} else {
		if (dirty)
			e->private_dirty += pg;
		else
			e->private_clean += pg;
	}
	c->pss_frac += (pg << 12) / (f->mapcount ? f->mapcount : 1);
	return 0;
}

static void fill_smaps(struct vmsim_system *sys, struct process *p, const struct vma *v,
		       struct vmsim_smaps_entry *e)
{
	struct smaps_ctx c = {sys, e, v->start, v->end, 0};
	memset(e, 0, sizeof(*e));
	e->start = v->start;
	e->end = v->end;
	e->prot = v->prot;
	e->flags = v->flags;
	e->name = v->name;
	e->size = v->end - v->start;
	pt_for_each_leaf_range(&p->pt, v->start, v->end, smaps_one, &c);
	e->pss = c.pss_frac >> 12;
	if (v->file && v->file->kind == VF_SHMEM && v->file->swapped) {
		/* shared memory in swap has no swap PTE: its object says (Linux's
		 * shmem_swap_usage of the area's range) */
		uint64_t first = v->pgoff, n = (v->end - v->start) >> VMSIM_PAGE_SHIFT;
		for (uint64_t i = 0; i < n; i++)
			if (pcache_swapped(v->file, first + i, NULL))
				e->swap += VMSIM_PAGE_SIZE;
	}
}

int vmsim_smaps(struct vmsim_system *sys, int pid,
		int (*fn)(const struct vmsim_smaps_entry *e, void *arg), void *arg)
{
	struct process *p = proc_get(sys, pid);
	struct vmsim_smaps_entry e;
	if (!p)
		return VMSIM_ESRCH;
	for (size_t i = 0; i < p->vmas.n; i++) {
		fill_smaps(sys, p, &p->vmas.v[i], &e);
		int rc = fn(&e, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int vmsim_proc_stats(struct vmsim_system *sys, int pid, struct vmsim_proc_stats *out)
{
	if (pid <= 0 || pid >= sys->nprocs || !sys->procs[pid])
		return VMSIM_ESRCH;
	struct process *p = sys->procs[pid];
	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->alive = p->alive;
	out->faults_minor = p->c.faults_minor;
	out->faults_major = p->c.faults_major;
	out->faults_invalid = p->c.faults_invalid;
	out->cow_copies = p->c.cow_copies;
	out->cow_reuses = p->c.cow_reuses;
	out->zero_maps = p->c.zero_maps;
	out->accesses = p->c.accesses;
	out->tlb_shootdowns = p->c.tlb_shootdowns;
	out->swap_ins = p->c.swap_ins;
	out->swapcache_hits = p->c.swapcache_hits;
	out->oom_killed = p->oom_killed;
	if (!p->alive)
		return 0;
	const uint64_t pg = VMSIM_PAGE_SIZE;
	out->rss_anon = p->rss_anon * pg;
	out->rss_file = p->rss_file * pg;
	out->rss_shmem = p->rss_shmem * pg;
	out->rss = out->rss_anon + out->rss_file + out->rss_shmem;
	out->pte_bytes = p->pt.ntables * pg;
	out->swap = p->swap_ents * pg;
	out->hugetlb = p->hugetlb_pages * pg;
	out->wss = p->wss * pg;
	out->nr_vmas = p->vmas.n;
	/* one walk over all pages for PSS and USS */
	struct vmsim_smaps_entry e;
	struct vma all = {.start = 0, .end = task_size(p), .name = ""};
	fill_smaps(sys, p, &all, &e);
	out->pss = e.pss;
	out->anon_huge = e.anon_huge;
	out->uss = e.private_clean + e.private_dirty;
	for (size_t i = 0; i < p->vmas.n; i++) {
		const struct vma *v = &p->vmas.v[i];
		out->vm_size += v->end - v->start;
		if (v->locked)
			out->locked += v->end - v->start;
	}
	return 0;
}

int vmsim_walk_describe(struct vmsim_system *sys, int pid, vaddr_t va, struct vmsim_walk_info *out)
{
	static const char *const names[] = {"", "PT", "PD", "PDPT", "PML4", "PML5"};
	struct process *p = proc_get(sys, pid);
	if (!p)
		return VMSIM_ESRCH;
	if (va_canonical(va, sys->mmu.va_bits) != va)
		return VMSIM_ENONCANON;
	memset(out, 0, sizeof(*out));
	out->va = va;
	pfn_t table = p->pt.root;
	for (unsigned l = p->pt.levels;; l--) {
		pte_t e = pt_table(&sys->pm, table)[pte_index(va, l)];
		struct vmsim_walk_level *w = &out->level[out->nlevels++];
		*w = (struct vmsim_walk_level){l, names[l], table, pte_index(va, l), e};
		if (pte_present(e) && (l == 1 || pte_huge(e))) {
			enum vmsim_page_size ps = (enum vmsim_page_size)(l - 1);
			out->mapped = true;
			out->ps = ps;
			out->pa = (pte_pfn(e, ps != VMSIM_PAGE_4K) << VMSIM_PAGE_SHIFT) +
				  (va & ((1ULL << vmsim_page_shift(ps)) - 1));
			return 0;
		}
		if (!pte_present(e)) {
			if (l == 1 && pte_is_swap(e)) {
				out->swapped = true;
				out->swap_slot = swp_slot(e);
			}
			return 0;
		}
		table = pte_pfn(e, false);
	}
}

const char *vmsim_pte_flags_str(uint64_t e, char *buf, size_t len)
{
	if (!(e & PTE_P)) {
		snprintf(buf, len, "%s", e == 0 ? "-" : (e & PTE_PROTNONE) ? "PROT_NONE" : "swap");
		return buf;
	}
	snprintf(buf, len, "P%s%s%s%s%s%s%s", (e & PTE_RW) ? " RW" : "", (e & PTE_US) ? " US" : "",
		 (e & PTE_A) ? " A" : "", (e & PTE_D) ? " D" : "", (e & PTE_PS) ? " PS" : "",
		 (e & PTE_G) ? " G" : "", (e & PTE_NX) ? " NX" : "");
	return buf;
}
