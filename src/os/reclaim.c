/*
 * Reclaim: the replacement policy, the free-frame watermarks, eviction to
 * swap through the reverse map, and the OOM killer. Only src/os/ calls this.
 *
 *   free frames ──────────────────────────────────────────────
 *      high ......... background reclaim (kswapd) stops here
 *      low  ......... an allocation that finds fewer free wakes it
 *      min  ......... user allocations reclaim directly below this; page
 *                     tables may use the reserve underneath
 *
 * The algorithm-independent loop lives here once: ask the policy for a
 * victim, write it to swap if it is dirty (a page whose swap copy is still
 * valid is dropped without I/O), unmap it from every process that maps it
 * (their PTEs become swap entries and their TLB entries are invalidated),
 * free the frame. Policies only choose. Evictable pages are the private
 * anonymous ones, page-cache folios and shared memory (to swap, as
 * Linux's shmem_writeout); page tables are not reclaimed.
 *
 * Referenced bits are the PTE accessed bits the MMU sets. Clearing one does
 * not flush the TLB, as on Linux x86 (ptep_clear_flush_young): a page that
 * keeps hitting in the TLB does not set its bit again until it is walked.
 */
#include <math.h>
#include <stdlib.h>

#include "base/base.h"
#include "os/kernel.h"

/* ---- the reverse map ----------------------------------------------------- */

/* Call @fn if @p's PTE at @va (present or PROT_NONE) maps @pfn. */
static void rmap_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pfn_t pfn, rmap_fn fn,
		     void *arg)
{
	unsigned level;
	pte_t *e = pt_lookup(&p->pt, va, &level);
	if (!e || !(*e & (PTE_P | PTE_PROTNONE)))
		return;
	if (level == 1 ? pte_pfn(*e, false) == pfn
		       : (level == 2 && pte_huge(*e) && pte_pfn(*e, true) == pfn))
		fn(sys, p, va, e, arg);
}

/*
 * Call @fn for every PTE that maps frame @pfn: for an anonymous page, the
 * processes of its fork family at the address it was faulted at; for a
 * page-cache page, every area of every process that maps its file over its
 * offset (private file mappings included: until a write copies it, their
 * PTEs point at the cached page).
 */
void rmap_walk(struct vmsim_system *sys, pfn_t pfn, rmap_fn fn, void *arg)
{
	const struct frame *f = phys_frame(&sys->pm, pfn);
	if (f->mapcount == 0)
		return;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		struct process *p = sys->procs[pid];
		if (!p || !p->alive)
			continue;
		if (!(f->flags & FRAME_FILE)) {
			if ((void *)p->anon != f->owner)
				continue;
			if (!p->anon_moved) {
				rmap_one(sys, p, f->index << VMSIM_PAGE_SHIFT, pfn, fn, arg);
				continue;
			}
			/* mremap moved areas: every area whose anonymous index
			 * range holds the page (rmap_one checks the frame) */
			for (size_t i = 0; i < p->vmas.n; i++) {
				const struct vma *v = &p->vmas.v[i];
				uint64_t npages = (v->end - v->start) >> VMSIM_PAGE_SHIFT;
				if (f->index >= v->anon_pgoff && f->index < v->anon_pgoff + npages)
					rmap_one(sys, p,
						 v->start + ((f->index - v->anon_pgoff)
							     << VMSIM_PAGE_SHIFT),
						 pfn, fn, arg);
			}
			continue;
		}
		for (size_t i = 0; i < p->vmas.n; i++) {
			const struct vma *v = &p->vmas.v[i];
			uint64_t npages = (v->end - v->start) >> VMSIM_PAGE_SHIFT;
			if ((void *)v->file != f->owner || f->index < v->pgoff ||
			    f->index >= v->pgoff + npages)
				continue;
			rmap_one(sys, p, v->start + ((f->index - v->pgoff) << VMSIM_PAGE_SHIFT),
				 pfn, fn, arg);
		}
	}
}

static void young_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e, void *arg)
{
	bool *young = arg;
	(void)sys;
	(void)p;
	(void)va;
	if (*e & PTE_A) {
		*e &= ~PTE_A;
		*young = true;
	}
}

/* Was the page (every page of a page-cache folio) referenced since last
 * asked? */
static bool test_clear_referenced(void *ctx, pfn_t pfn)
{
	struct vmsim_system *sys = ctx;
	bool young = false;
	const struct frame *f = phys_frame(&sys->pm, pfn);
	uint64_t nr = (f->flags & FRAME_FILE) ? folio_nr(&sys->pm, pfn) : 1;
	for (uint64_t i = 0; i < nr; i++)
		rmap_walk(sys, pfn + i, young_one, &young);
	return young;
}

static uint64_t now(void *ctx)
{
	const struct vmsim_system *sys = ctx;
	return sys->accesses;
}

/* ---- set-up -------------------------------------------------------------- */

int reclaim_init(struct vmsim_system *sys)
{
	const struct vmsim_config *cfg = &sys->cfg;
	const char *name = cfg->policy ? cfg->policy : "clock";
	uint64_t n = sys->pm.nframes;

	sys->policy = vmsim_policy_find(name);
	if (!sys->policy)
		return VMSIM_EINVAL;
	struct vmsim_policy_env env = {
	    .ctx = sys, .test_clear_referenced = test_clear_referenced, .now = now};
	struct vmsim_policy_cfg pc = {.seed = cfg->seed, .tau = cfg->policy_tau};
	/* A machine of 2^32 - 1 frames (16 TiB - 4 KiB) has one frame more than
	 * a policy can name; that last frame is the zero page, which no policy
	 * ever sees (vmsim_system_new allocates it first, and the lone order-0
	 * block at the top is what the buddy allocator hands out first). */
	size_t npol = n > VMSIM_POLICY_MAX_FRAMES ? VMSIM_POLICY_MAX_FRAMES : (size_t)n;
	VMSIM_BUG_ON(npol < n && sys->zero_pfn != n - 1);
	if (vmsim_policy_check(sys->policy, npol, &env))
		return VMSIM_EINVAL; /* e.g. OPT: the kernel cannot see the future */
	sys->policy_state = sys->policy->create(&pc, npol, &env);
	if (!sys->policy_state)
		return VMSIM_ENOHOSTMEM;
	sys->policy_on_access = sys->policy->on_access != NULL;

	/* Linux: min_free_kbytes = 4 * sqrt(RAM in KiB), clamped to 128 KiB ..
	 * 64 MiB; low = min + min/4; high = min + min/2. On tiny machines the
	 * reserve is kept to 1/16 of RAM. */
	uint64_t min = cfg->wmark_min;
	if (!min) {
		double kb = 4.0 * sqrt((double)(n * 4));
		kb = kb < 128 ? 128 : kb > 65536 ? 65536 : kb;
		min = (uint64_t)kb / 4;
		if (min > n / 16)
			min = n / 16 ? n / 16 : 1;
	}
	sys->wmark_min = min;
	sys->wmark_low = cfg->wmark_low ? cfg->wmark_low : min + min / 4;
	sys->wmark_high = cfg->wmark_high ? cfg->wmark_high : min + min / 2;
	if (sys->wmark_low < sys->wmark_min || sys->wmark_high < sys->wmark_low ||
	    sys->wmark_high >= n) {
		reclaim_release(sys);
		return VMSIM_EINVAL;
	}
	return 0;
}

void reclaim_release(struct vmsim_system *sys)
{
	if (sys->policy && sys->policy_state)
		sys->policy->destroy(sys->policy_state);
	sys->policy_state = NULL;
}

void lru_add(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	VMSIM_BUG_ON(f->flags & FRAME_LRU);
	f->flags |= FRAME_LRU;
	sys->lru_pages++;
	sys->policy->on_map(sys->policy_state, pfn);
}

void lru_del(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	VMSIM_BUG_ON(!(f->flags & FRAME_LRU));
	f->flags &= ~FRAME_LRU;
	sys->lru_pages--;
	sys->policy->on_unmap(sys->policy_state, pfn);
}

/* ---- freeing ------------------------------------------------------------- */

void swapcache_del(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	uint64_t slot = f->swap - 1;
	VMSIM_BUG_ON(!(f->flags & FRAME_SWAPCACHE) || sys->swap.cache[slot] != pfn + 1);
	sys->swap.cache[slot] = 0;
	f->flags &= ~FRAME_SWAPCACHE;
	f->swap = 0;
	f->refcount--;
	swap_put(&sys->swap, slot);
}

static void free_user_frame(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	VMSIM_BUG_ON(f->refcount || f->mapcount);
	if (f->flags & FRAME_LRU)
		lru_del(sys, pfn);
	if (f->flags & FRAME_MLOCKED)
		sys->rc.unevictable -= 1ULL << f->order;
	phys_free(&sys->pm, pfn, f->order);
}

void put_user_frame(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	VMSIM_BUG_ON(f->refcount == 0);
	f->refcount--;
	if ((f->flags & FRAME_MLOCKED) && f->refcount) {
		/* unmapped from a locked area and still alive: evictable
		 * again, unless reclaim finds another locked mapper */
		f->flags &= ~FRAME_MLOCKED;
		sys->rc.unevictable -= 1ULL << f->order;
		lru_add(sys, pfn);
	}
	/* only the swap cache holds it and no swap entry needs the copy:
	 * both can go (Linux's free_swap_and_cache) */
	if (f->refcount == 1 && (f->flags & FRAME_SWAPCACHE) && f->mapcount == 0 &&
	    sys->swap.refs[f->swap - 1] == 1)
		swapcache_del(sys, pfn);
	if (f->refcount == 0)
		free_user_frame(sys, pfn);
}

void swapcache_trim(struct vmsim_system *sys, uint64_t slot)
{
	if (slot >= sys->swap.nslots || !sys->swap.cache[slot] || sys->swap.refs[slot] != 1)
		return;
	pfn_t pfn = sys->swap.cache[slot] - 1;
	struct frame *f = phys_frame(&sys->pm, pfn);
	if (f->mapcount != 0 || f->refcount != 1)
		return;
	swapcache_del(sys, pfn);
	free_user_frame(sys, pfn);
}

/* ---- eviction ------------------------------------------------------------ */

struct evict_ctx {
	uint64_t slot; /* where the page went */
	bool dirty;    /* some mapper wrote it */
};

static void dirty_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e, void *arg)
{
	struct evict_ctx *c = arg;
	(void)sys;
	(void)p;
	(void)va;
	if (*e & PTE_D)
		c->dirty = true;
}

static void unmap_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e, void *arg)
{
	struct evict_ctx *c = arg;
	struct frame *f = phys_frame(&sys->pm, pte_pfn(*e, false));
	struct flush_batch b;
	bool present = pte_present(*e);
	*e = swp_entry(c->slot);
	swap_get(&sys->swap, c->slot);
	f->mapcount--;
	f->refcount--;
	p->rss_anon--;
	p->swap_ents++;
	if (present) {
		flush_init(&b, p);
		flush_add(sys, &b, va);
		flush_finish(sys, &b);
	}
}

static void unmap_file_one(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e,
			   void *arg)
{
	struct frame *f = phys_frame(&sys->pm, pte_pfn(*e, false));
	struct flush_batch b;
	bool present = pte_present(*e);
	(void)arg;
	if (*e & PTE_D)
		f->flags |= FRAME_DIRTY;
	*e = 0;
	f->mapcount--;
	f->refcount--;
	if (((const struct vfile *)f->owner)->kind == VF_SHMEM)
		p->rss_shmem--;
	else
		p->rss_file--;
	if (present) {
		flush_init(&b, p);
		flush_add(sys, &b, va);
		flush_finish(sys, &b);
	}
}

void file_unmap_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t pfn)
{
	(void)f;
	(void)pgoff;
	rmap_walk(sys, pfn, unmap_file_one, NULL);
}

/* Send shared-memory page @pfn to swap: a slot, the write, then every
 * mapper's PTE is cleared (the next touch faults and finds the slot in
 * the object, as Linux's shmem_fault does) and the frame freed. */
static int evict_shmem(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	uint64_t slot;
	int rc;
	if (sys->swap.nslots == 0)
		return VMSIM_ENOMEM;
	if ((rc = swap_alloc(&sys->swap, &slot)))
		return rc;
	rmap_walk(sys, pfn, unmap_file_one, NULL);
	if ((rc = pcache_swap_out(sys, f->owner, f->index, slot))) {
		swap_put(&sys->swap, slot); /* the page stays cached, unmapped */
		return rc;
	}
	sys->swap.evicted_at[slot] = ++sys->evictions;
	sys->rc.reclaimed++;
	return 0;
}

/* Evict the page-cache folio headed by @pfn: unmap every page of it
 * everywhere, write the dirty ones back, drop it. A failed write leaves it
 * cached (unmapped, still dirty). */
static int evict_file(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	struct vfile *vf = f->owner;
	uint64_t pgoff = f->index, nr = folio_nr(&sys->pm, pfn);
	bool was_dirty = false, dirty = false;
	for (uint64_t i = 0; i < nr; i++)
		if (phys_frame(&sys->pm, pfn + i)->flags & FRAME_LOCKED)
			return VMSIM_EAGAIN; /* a fault is using it right now */
	if (vf->kind == VF_SHMEM)
		return evict_shmem(sys, pfn);
	for (uint64_t i = 0; i < nr; i++) {
		was_dirty |= (phys_frame(&sys->pm, pfn + i)->flags & FRAME_DIRTY) != 0;
		rmap_walk(sys, pfn + i, unmap_file_one, NULL);
		dirty |= (phys_frame(&sys->pm, pfn + i)->flags & FRAME_DIRTY) != 0;
	}
	if (!was_dirty && !dirty)
		sys->rc.clean_drops += nr;
	int rc = pcache_evict_folio(sys, vf, pgoff);
	if (rc == 0)
		sys->rc.reclaimed += nr;
	return rc;
}

/* Evict anonymous page @pfn to swap. 0, 1 (a locked area maps it: taken
 * off the policy's lists instead), or VMSIM_ENOMEM (swap full or absent) /
 * VMSIM_EIO (the write failed) / VMSIM_EAGAIN (pinned by a fault in
 * progress): the page stays as it was. */
static int evict(struct vmsim_system *sys, pfn_t pfn)
{
	struct frame *f = phys_frame(&sys->pm, pfn);
	struct evict_ctx c = {0, (f->flags & FRAME_DIRTY) != 0};
	int rc;

	VMSIM_BUG_ON(!(f->flags & FRAME_LRU));
	if (f->flags & FRAME_LOCKED)
		return VMSIM_EAGAIN; /* a fault is using it right now */
	if (page_in_locked_area(sys, pfn)) {
		/* mlocked: off to the unevictable list */
		lru_del(sys, pfn);
		f->flags |= FRAME_MLOCKED;
		sys->rc.mlock_culled++;
		sys->rc.unevictable += 1ULL << f->order;
		return 1;
	}
	if (f->flags & FRAME_FILE)
		return evict_file(sys, pfn);
	if (f->order) {
		/* a transparent huge page goes to swap as 512 small ones */
		rc = split_huge_page(sys, pfn);
		return rc ? rc : VMSIM_EAGAIN;
	}
	rmap_walk(sys, pfn, dirty_one, &c);
	if (f->flags & FRAME_SWAPCACHE) {
		c.slot = f->swap - 1;
		if (c.dirty) {
			if ((rc = swap_write(sys, c.slot, pfn)))
				return rc;
		} else {
			sys->rc.clean_drops++; /* the swap copy is still the page */
		}
	} else {
		if (sys->swap.nslots == 0)
			return VMSIM_ENOMEM;
		if ((rc = swap_alloc(&sys->swap, &c.slot)))
			return rc;
		if ((rc = swap_write(sys, c.slot, pfn))) {
			swap_put(&sys->swap, c.slot);
			return rc;
		}
		/* into the swap cache: the slot's first reference is the cache's */
		f->flags |= FRAME_SWAPCACHE;
		f->swap = c.slot + 1;
		f->refcount++;
		sys->swap.cache[c.slot] = pfn + 1;
	}
	rmap_walk(sys, pfn, unmap_one, &c);
	f->flags &= ~FRAME_DIRTY;
	sys->swap.evicted_at[c.slot] = ++sys->evictions;
	VMSIM_BUG_ON(f->mapcount != 0 || f->refcount != 1);
	swapcache_del(sys, pfn);
	free_user_frame(sys, pfn);
	sys->rc.reclaimed++;
	return 0;
}

uint64_t reclaim_pages(struct vmsim_system *sys, uint64_t want)
{
	uint64_t freed = 0;
	/* each candidate is looked at at most twice: a page that cannot go
	 * (swap full, I/O error) must not stall the loop */
	uint64_t budget = 2 * sys->lru_pages + 8;
	if (sys->in_reclaim)
		return 0;
	sys->in_reclaim = true;
	while (freed < want && budget-- > 0 && sys->lru_pages > 0) {
		pfn_t pfn = sys->policy->pick_victim(sys->policy_state);
		if (pfn == VMSIM_POLICY_NO_FRAME)
			break;
		sys->rc.scanned++;
		const struct frame *vf = phys_frame(&sys->pm, pfn);
		uint64_t nr = (vf->flags & FRAME_FILE) ? folio_nr(&sys->pm, pfn) : 1;
		int rc = evict(sys, pfn);
		if (rc == 0) {
			freed += nr;
		} else if (rc == 1) {
			continue; /* culled: locked in memory */
		} else if (rc == VMSIM_ENOMEM && sys->swap.used == sys->swap.nslots &&
			   sys->file_list == NULL) {
			break; /* swap is full and there are no file pages */
		} else {
			/* pinned, or the write failed: the page stays; give the
			 * policy a fresh view of it so that it chooses another */
			lru_del(sys, pfn);
			lru_add(sys, pfn);
		}
	}
	sys->in_reclaim = false;
	return freed;
}

void kernel_reserve(struct vmsim_system *sys, uint64_t n)
{
	if (sys->pm.nr_free < n + sys->wmark_min && !sys->in_reclaim) {
		sys->rc.direct_reclaims++;
		reclaim_pages(sys, n + sys->wmark_min - sys->pm.nr_free + 32);
	}
}

int alloc_user_frame(struct vmsim_system *sys, uint32_t flags, pfn_t *pfn)
{
	struct phys_mem *pm = &sys->pm;
	uint32_t data = sys->cfg.data_mode ? FRAME_DATA : 0;
	if (pm->nr_free <= sys->wmark_low && !sys->in_reclaim) {
		/* background reclaim, run synchronously: up to the high mark */
		sys->rc.kswapd_runs++;
		reclaim_pages(sys, sys->wmark_high - pm->nr_free);
	}
	if (pm->nr_free <= sys->wmark_min && !sys->in_reclaim) {
		sys->rc.direct_reclaims++;
		reclaim_pages(sys, 32); /* SWAP_CLUSTER_MAX */
	}
	int rc = phys_alloc(pm, 0, flags | data, pfn);
	if (rc == VMSIM_ENOMEM && !sys->in_reclaim && reclaim_pages(sys, 32) > 0)
		rc = phys_alloc(pm, 0, flags | data, pfn);
	return rc;
}

/* ---- the OOM killer ------------------------------------------------------ */

static uint64_t badness(const struct process *p)
{
	/* Linux's oom_badness: resident pages, swap entries and page tables */
	return p->rss_anon + p->rss_file + p->rss_shmem + p->swap_ents + p->pt.ntables;
}

bool oom_kill(struct vmsim_system *sys, struct process *trigger)
{
	struct process *victim = NULL;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		struct process *p = sys->procs[pid];
		if (p && p->alive && (!victim || badness(p) > badness(victim)))
			victim = p;
	}
	if (!victim)
		return false;
	if (sys->noom == sys->oom_cap) {
		uint64_t cap = sys->oom_cap ? 2 * sys->oom_cap : 8;
		struct vmsim_oom_record *r = realloc(sys->oom, cap * sizeof(*r));
		if (r) {
			sys->oom = r;
			sys->oom_cap = cap;
		}
	}
	if (sys->noom < sys->oom_cap)
		sys->oom[sys->noom] = (struct vmsim_oom_record){
		    .pid = victim->pid,
		    .rss =
			(victim->rss_anon + victim->rss_file + victim->rss_shmem) * VMSIM_PAGE_SIZE,
		    .swap = victim->swap_ents * VMSIM_PAGE_SIZE,
		    .trigger_pid = trigger ? trigger->pid : 0,
		};
	sys->noom++;
	sys->rc.oom_kills++;
	victim->oom_killed = true;
	proc_teardown(sys, victim);
	return true;
}

int vmsim_oom_get(const struct vmsim_system *sys, uint64_t i, struct vmsim_oom_record *out)
{
	if (i >= sys->noom || i >= sys->oom_cap)
		return VMSIM_ERANGE;
	*out = sys->oom[i];
	return 0;
}
