/*
 * Working-set sampling, the way tools measure it on Linux: every
 * wss_window accesses, count each process's pages whose accessed bit is
 * set, clear the bits and flush the process's TLB entries (what writing 1
 * to /proc/PID/clear_refs does), so the next window starts from zero. The
 * count is the number of distinct pages referenced in the window: Denning's
 * working set W(t, tau) with tau = the window, over tumbling windows.
 *
 * Accessed bits see only resident pages, and a thrashing process's pages
 * do not stay resident for a whole window: the pages it read back from
 * swap during the window count too (a page read back twice counts twice,
 * which overstates only when memory is already short). Clearing accessed
 * bits is visible to replacement policies that read them (clock): on a
 * real system clear_refs has the same effect. Thrashing is flagged when
 * the working sets together exceed the frames user pages can have and the
 * last window's major faults exceed 1% of its accesses.
 * Only src/os/ calls this.
 */
#include "base/base.h"
#include "os/kernel.h"

static int count_young(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg)
{
	uint64_t *n = arg;
	(void)va;
	if (pte_present(*leaf) && (*leaf & PTE_A)) {
		*leaf &= ~PTE_A;
		*n += 1ULL << (9 * (unsigned)ps);
	}
	return 0;
}

void wss_sample(struct vmsim_system *sys)
{
	uint64_t total = 0, major = 0;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		struct process *p = sys->procs[pid];
		if (!p)
			continue;
		major += p->c.faults_major;
		if (!p->alive)
			continue;
		uint64_t n = 0;
		pt_for_each_leaf(&p->pt, count_young, &n);
		n += p->c.swap_ins - p->wss_swap_ins;
		p->wss_swap_ins = p->c.swap_ins;
		p->wss = n;
		total += n;
		/* the next accesses must walk again to set the bits */
		if (sys->cfg.mmu.pcid)
			mmu_flush_pcid(&sys->mmu, p->pcid);
		else if (sys->current == p)
			mmu_set_cr3(&sys->mmu, p->pt.root, 0, false);
	}
	uint64_t accesses = sys->accesses - sys->wss_last_accesses;
	uint64_t usable = sys->pm.nframes - sys->wmark_min;
	sys->wss_total = total;
	sys->thrashing =
	    total > usable && accesses && (major - sys->wss_last_major) * 100 > accesses;
	sys->wss_last_major = major;
	sys->wss_last_accesses = sys->accesses;
	sys->wss_samples++;
	sys->wss_next = sys->accesses + sys->cfg.wss_window;
}
