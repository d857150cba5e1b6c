/*
 * Overcommit accounting: Committed_AS, CommitLimit and the check Linux's
 * __vm_enough_memory makes before memory that may need a frame (or a swap
 * slot) later is promised. Accounted ("VM_ACCOUNT") are private writable
 * mappings, anonymous or file, the heap (brk), and shared anonymous memory
 * (charged to its object, as shmem does, so fork does not charge it again);
 * MAP_NORESERVE opts out unless overcommit_memory is 2, and hugetlb areas
 * are never accounted. Charges move with the areas: munmap, exit and
 * shrinking give them back, fork, mprotect to writable and mremap growth
 * take more.
 *
 *   overcommit_memory 0 (heuristic): refuse one request above RAM + swap
 *                     1 (always):    never refuse
 *                     2 (never):     refuse when Committed_AS would pass
 *                                    CommitLimit = swap + (RAM - hugetlb) *
 *                                    overcommit_ratio / 100 (or
 *                                    overcommit_kbytes), less the user
 *                                    reserve (min(VmSize / 32, 128 MiB))
 *
 * Processes are taken to be privileged (no admin reserve), like the root
 * user `make validate` measures as. Only src/os/ calls this.
 */
#include "base/base.h"
#include "os/kernel.h"

uint64_t commit_limit(const struct vmsim_system *sys)
{
	const struct vmsim_config *cfg = &sys->cfg;
	if (cfg->overcommit_kbytes)
		return cfg->overcommit_kbytes / (VMSIM_PAGE_SIZE / 1024) + sys->swap.nslots;
	uint64_t ram = sys->pm.nframes;
	uint64_t huge =
	    (sys->hugetlb_total[VMSIM_PAGE_2M] << 9) + (sys->hugetlb_total[VMSIM_PAGE_1G] << 18);
	return (ram - huge) * cfg->overcommit_ratio / 100 + sys->swap.nslots;
}

int vm_enough_memory(struct vmsim_system *sys, const struct process *p, uint64_t pages)
{
	sys->committed += pages;
	switch (sys->cfg.overcommit_memory) {
	case VMSIM_OVERCOMMIT_ALWAYS:
		return 0;
	case VMSIM_OVERCOMMIT_GUESS:
		if (pages <= sys->pm.nframes + sys->swap.nslots)
			return 0;
		break;
	default: {
		uint64_t allowed = commit_limit(sys);
		if (p) {
			uint64_t vm = 0, reserve = sys->pm.nframes / 32;
			for (size_t i = 0; i < p->vmas.n; i++)
				vm += (p->vmas.v[i].end - p->vmas.v[i].start) >> VMSIM_PAGE_SHIFT;
			if (reserve > (128ULL << 20) >> VMSIM_PAGE_SHIFT)
				reserve = (128ULL << 20) >> VMSIM_PAGE_SHIFT;
			uint64_t r = vm / 32 < reserve ? vm / 32 : reserve;
			allowed = allowed > r ? allowed - r : 0;
		}
		if (sys->committed < allowed)
			return 0;
	}
	}
	sys->committed -= pages;
	return VMSIM_ENOMEM;
}

void vm_unacct_memory(struct vmsim_system *sys, uint64_t pages)
{
	VMSIM_BUG_ON(pages > sys->committed);
	sys->committed -= pages;
}

bool vma_accountable(const struct vmsim_system *sys, int flags, int prot, bool hugetlb)
{
	if (hugetlb || (flags & VMSIM_MAP_SHARED) || !(prot & VMSIM_PROT_WRITE))
		return false;
	return !(flags & VMSIM_MAP_NORESERVE) ||
	       sys->cfg.overcommit_memory == VMSIM_OVERCOMMIT_NEVER;
}

uint64_t vma_pages(const struct vma *v)
{
	return (v->end - v->start) >> VMSIM_PAGE_SHIFT;
}
