/*
 * Processes: creation, the exec-like layout, exit, context switches and the
 * batching of TLB invalidations. Only src/os/ and the public API call this.
 *
 * PCIDs: with CR4.PCIDE a process runs under PCID 1 + (pid - 1) % 4095, so
 * its TLB entries survive switches; a PCID handed to a new process is
 * flushed first, as its previous owner's entries may remain.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

int proc_new(struct vmsim_system *sys, struct process **out)
{
	int pid = sys->next_pid;
	if (pid >= PID_MAX)
		return VMSIM_ERANGE;
	if (pid >= sys->nprocs) {
		int n = sys->nprocs ? sys->nprocs * 2 : 64;
		struct process **procs = realloc(sys->procs, (size_t)n * sizeof(*procs));
		if (!procs)
			return VMSIM_ENOHOSTMEM;
		memset(procs + sys->nprocs, 0, (size_t)(n - sys->nprocs) * sizeof(*procs));
		sys->procs = procs;
		sys->nprocs = n;
	}
	struct process *p = calloc(1, sizeof(*p));
	if (!p)
		return VMSIM_ENOHOSTMEM;
	p->anon = calloc(1, sizeof(*p->anon));
	if (!p->anon) {
		free(p);
		return VMSIM_ENOHOSTMEM;
	}
	p->anon->refs = 1;
	int rc = pt_init(&p->pt, &sys->pm, sys->cfg.mmu.levels);
	if (rc) {
		free(p->anon);
		free(p);
		return rc;
	}
	p->pid = pid;
	p->alive = true;
	p->brk_start = p->brk = 0x0000000001000000ULL; /* until vmsim_exec_layout sets it */
	p->pcid = sys->cfg.mmu.pcid ? (pcid_t)(1 + (pid - 1) % VMSIM_PCID_MAX) : 0;
	if (sys->cfg.mmu.pcid)
		mmu_flush_pcid(&sys->mmu, p->pcid);
	sys->procs[pid] = p;
	sys->next_pid++;
	sys->alive++;
	*out = p;
	return 0;
}

void proc_switch(struct vmsim_system *sys, struct process *p)
{
	if (sys->current == p)
		return;
	sys->context_switches++;
	sys->current = p;
	mmu_set_cr3(&sys->mmu, p->pt.root, p->pcid, sys->cfg.mmu.pcid);
}

void proc_teardown(struct vmsim_system *sys, struct process *p)
{
	struct flush_batch b;
	flush_init(&b, p);
	zap_range(sys, p, 0, task_size(p), &b);
	flush_finish(sys, &b);
	if (sys->current == p) {
		/* the CPU must not keep a CR3 to tables about to be freed */
		mmu_set_cr3(&sys->mmu, sys->idle_pt.root, 0, false);
		sys->current = NULL;
	}
	if (sys->cfg.mmu.pcid)
		mmu_flush_pcid(&sys->mmu, p->pcid);
	pt_release(&p->pt);
	vma_map_release(sys, &p->vmas);
	anon_put(p->anon);
	p->anon = NULL;
	p->alive = false;
	sys->alive--;
}

void anon_put(struct anon_root *a)
{
	if (a && --a->refs == 0)
		free(a);
}

void flush_init(struct flush_batch *b, struct process *p)
{
	b->p = p;
	b->n = 0;
}

void flush_add(struct vmsim_system *sys, struct flush_batch *b, vaddr_t va)
{
	(void)sys;
	if (b->n < FLUSH_CEILING)
		b->va[b->n] = va;
	b->n++;
}

/* Does @p possibly have entries in the TLB? Without PCIDs only the running
 * process does (a switch flushes the others'). */
static bool may_be_cached(const struct vmsim_system *sys, const struct process *p)
{
	return sys->current == p || sys->cfg.mmu.pcid;
}

void flush_finish(struct vmsim_system *sys, struct flush_batch *b)
{
	struct process *p = b->p;
	if (b->n == 0 || !may_be_cached(sys, p)) {
		b->n = 0;
		return;
	}
	if (b->n > FLUSH_CEILING) {
		/* many pages: one flush of the whole PCID is cheaper (Linux's rule) */
		if (sys->current == p && !sys->cfg.mmu.pcid)
			mmu_set_cr3(&sys->mmu, p->pt.root, 0, false);
		else
			mmu_flush_pcid(&sys->mmu, p->pcid);
		sys->tlb_flushes++;
	} else {
		for (unsigned i = 0; i < b->n; i++)
			mmu_invlpg_pcid(&sys->mmu, b->va[i], p->pcid);
		sys->tlb_shootdowns += b->n;
		p->c.tlb_shootdowns += b->n;
	}
	b->n = 0;
}

int vmsim_process_create(struct vmsim_system *sys, int *pid)
{
	struct process *p;
	kernel_reserve(sys, 1);
	int rc = proc_new(sys, &p);
	if (rc)
		return rc;
	*pid = p->pid;
	check_if_debug(sys);
	return 0;
}

int vmsim_exec_layout(struct vmsim_system *sys, int pid, uint64_t text, uint64_t data,
		      uint64_t stack)
{
	struct process *p = proc_get(sys, pid);
	vaddr_t at;
	int rc;
	if (!p)
		return VMSIM_ESRCH;
	const uint64_t pg = VMSIM_PAGE_SIZE;
	text = (text + pg - 1) & ~(pg - 1);
	data = (data + pg - 1) & ~(pg - 1);
	stack = (stack + pg - 1) & ~(pg - 1);
	if (!text || !stack || text + data > (1ULL << 40) || stack > (1ULL << 36))
		return VMSIM_EINVAL;
	const int anon = VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_FIXED_NOREPLACE;
	if ((rc = vmsim_mmap(sys, pid, TEXT_START, text, VMSIM_PROT_READ | VMSIM_PROT_EXEC, anon,
			     -1, 0, &at)))
		return rc;
	vma_find(&p->vmas, at)->name = "[text]";
	if (data) {
		rc = vmsim_mmap(sys, pid, TEXT_START + text, data,
				VMSIM_PROT_READ | VMSIM_PROT_WRITE, anon, -1, 0, &at);
		if (rc)
			return rc;
		vma_find(&p->vmas, at)->name = "[data]";
	}
	rc = vmsim_mmap(sys, pid, USER_TOP - stack, stack, VMSIM_PROT_READ | VMSIM_PROT_WRITE, anon,
			-1, 0, &at);
	if (rc)
		return rc;
	vma_find(&p->vmas, at)->name = "[stack]";
	/* the heap starts one page above data, as with brk randomisation off */
	p->brk_start = p->brk = TEXT_START + text + data + pg;
	check_if_debug(sys);
	return 0;
}

int vmsim_brk_reset(struct vmsim_system *sys, int pid, vaddr_t start)
{
	struct process *p = proc_get(sys, pid);
	if (!p)
		return VMSIM_ESRCH;
	if (start < VMSIM_PAGE_SIZE || start > MMAP_BASE)
		return VMSIM_EINVAL;
	p->brk_start = p->brk = start;
	return 0;
}

int vmsim_exit(struct vmsim_system *sys, int pid)
{
	struct process *p = proc_get(sys, pid);
	if (!p)
		return VMSIM_ESRCH;
	proc_teardown(sys, p);
	check_if_debug(sys);
	return 0;
}

int vmsim_switch(struct vmsim_system *sys, int pid)
{
	struct process *p = proc_get(sys, pid);
	if (!p)
		return VMSIM_ESRCH;
	proc_switch(sys, p);
	return 0;
}

bool vmsim_process_alive(const struct vmsim_system *sys, int pid)
{
	return pid > 0 && pid < sys->nprocs && sys->procs[pid] && sys->procs[pid]->alive;
}

int vmsim_pid_next(const struct vmsim_system *sys, int after)
{
	for (int pid = after < 0 ? 1 : after + 1; pid < sys->nprocs; pid++)
		if (sys->procs[pid])
			return pid;
	return 0;
}
