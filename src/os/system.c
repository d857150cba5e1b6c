/*
 * The system: one machine (RAM, one CPU) and its kernel's global state:
 * the zero page, the idle page tables, the process table, SIGSEGV records,
 * and the cost model that turns counters into time. Public API.
 */
#define _DEFAULT_SOURCE /* access */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "os/kernel.h"

void vmsim_config_default(struct vmsim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_bytes = 1ULL << 30;
	vmsim_cpu_preset("skylake", &cfg->mmu);
	cfg->segv_kills = true;
	cfg->seed = 1;
	cfg->swap_bytes = 1ULL << 30;
	cfg->oom_kill = true;
	cfg->fault_around_bytes = 64 << 10;
	cfg->readahead_kb = 128;
	cfg->pagecache_max_order = 9;
	cfg->overcommit_ratio = 50;
	cfg->thp = VMSIM_THP_MADVISE;
	cfg->thp_defrag = VMSIM_THP_DEFRAG_MADVISE;
	cfg->khugepaged_defrag = true;
	cfg->policy = "clock";
	cfg->khugepaged_pages_to_scan = 4096; /* Linux's defaults (mm/khugepaged.c) */
	cfg->khugepaged_scan_sleep_ms = 10000;
	cfg->khugepaged_alloc_sleep_ms = 60000;
	cfg->khugepaged_max_ptes_none = 511;
	cfg->khugepaged_max_ptes_shared = 256;
	/* cycles at 3 GHz; fault costs in the range measured on Linux (a minor
	 * anonymous fault costs about a microsecond with zeroing) */
	cfg->cost = (struct vmsim_cost_cfg){
	    .ghz = 3.0,
	    .access = 1,
	    .tlb_l1_hit = 0,
	    .tlb_l2_hit = 7,
	    .walk_ref = 30,
	    .minor_fault = 1500,
	    .page_zero = 1000,
	    .page_copy = 1500,
	    .context_switch = 3000,
	    .major_fault_ns = 100000, /* an NVMe SSD read: about 100 us */
	};
}

const char *vmsim_config_problem(const struct vmsim_config *cfg)
{
	static char buf[512];
	const uint64_t frames = cfg->ram_bytes >> VMSIM_PAGE_SHIFT;
	if (cfg->ram_bytes < 64 * VMSIM_PAGE_SIZE)
		return "RAM must be at least 256 KiB (64 frames)";
	if (frames >= (1ULL << 32))
		return "RAM must be below 16 TiB (2^32 frames)";
	if (cfg->swap_bytes >> VMSIM_PAGE_SHIFT > (1ULL << 32))
		return "swap must be at most 16 TiB (2^32 slots)";
	if (cfg->mmu.maxphyaddr >= 32 && cfg->mmu.maxphyaddr < 64 &&
	    cfg->ram_bytes > (1ULL << cfg->mmu.maxphyaddr)) {
		snprintf(buf, sizeof(buf),
			 "RAM must fit the CPU's %u-bit physical addresses (at most %llu GiB with "
			 "--cpu %s; zen4 has 48 bits)",
			 cfg->mmu.maxphyaddr,
			 (unsigned long long)(1ULL << cfg->mmu.maxphyaddr >> 30),
			 cfg->mmu.cpu ? cfg->mmu.cpu : "custom");
		return buf;
	}
	if (cfg->mmu.levels != 4 && cfg->mmu.levels != 5)
		return "paging levels must be 4 or 5";
	if (!(cfg->cost.ghz > 0))
		return "the cost model's clock (ghz) must be above 0";
	if (cfg->overcommit_memory < VMSIM_OVERCOMMIT_GUESS ||
	    cfg->overcommit_memory > VMSIM_OVERCOMMIT_NEVER)
		return "overcommit_memory must be 0, 1 or 2";
	if (cfg->thp < VMSIM_THP_NEVER || cfg->thp > VMSIM_THP_ALWAYS)
		return "THP must be never, madvise or always";
	if (cfg->thp_defrag < VMSIM_THP_DEFRAG_ALWAYS || cfg->thp_defrag > VMSIM_THP_DEFRAG_NEVER)
		return "THP defrag must be always, defer, defer+madvise, madvise or never";
	if (cfg->khugepaged_pages_to_scan == 0)
		return "khugepaged must scan at least one page per pass";
	if (cfg->khugepaged_scan_sleep_ms == 0 || cfg->khugepaged_alloc_sleep_ms == 0)
		return "khugepaged's sleeps must be at least 1 ms";
	if (cfg->khugepaged_max_ptes_none > 511 || cfg->khugepaged_max_ptes_shared > 511)
		return "khugepaged's max_ptes limits must be at most 511";
	if (cfg->pagecache_max_order > 9)
		return "the largest page-cache folio order must be at most 9 (2 MiB)";
	const struct vmsim_policy_ops *pol = vmsim_policy_find(cfg->policy ? cfg->policy : "clock");
	if (!pol) {
		snprintf(buf, sizeof(buf), "unknown replacement policy '%s' (vmsim paging --list)",
			 cfg->policy);
		return buf;
	}
	if (pol->flags & VMSIM_POLICY_NEEDS_FUTURE) {
		snprintf(buf, sizeof(buf),
			 "policy '%s' needs the future references: only reference-string mode "
			 "(vmsim paging) can run it",
			 pol->name);
		return buf;
	}
	if (cfg->hugetlb_2m * 512 + cfg->hugetlb_1g * 262144 > frames)
		return "the hugetlb pools do not fit in RAM";
	if (cfg->swap_bytes >= VMSIM_PAGE_SIZE) {
		const char *path = cfg->swap_path, *dir = getenv("TMPDIR");
		char d[4096];
		if (path) {
			const char *slash = strrchr(path, '/');
			snprintf(d, sizeof(d), "%.*s", slash ? (int)(slash - path) : 1,
				 slash ? path : ".");
			if (slash == path)
				snprintf(d, sizeof(d), "/");
		} else {
			snprintf(d, sizeof(d), "%s", dir ? dir : "/tmp");
		}
		if (access(d, W_OK) != 0) {
			snprintf(
			    buf, sizeof(buf),
			    "cannot create the swap file in '%.200s': no such writable directory",
			    d);
			return buf;
		}
	}
	return NULL;
}

int vmsim_system_new(const struct vmsim_config *cfg, struct vmsim_system **out)
{
	struct vmsim_system *sys;
	int rc;
	if (cfg->ram_bytes < 64 * VMSIM_PAGE_SIZE || cfg->ram_bytes > (1ULL << 52) ||
	    !(cfg->cost.ghz > 0))
		return VMSIM_EINVAL;
	/* frames above MAXPHYADDR could not be mapped (their PTEs would have
	 * reserved bits set) */
	if (cfg->mmu.maxphyaddr >= 32 && cfg->mmu.maxphyaddr < 64 &&
	    cfg->ram_bytes > (1ULL << cfg->mmu.maxphyaddr))
		return VMSIM_EINVAL;
	sys = calloc(1, sizeof(*sys));
	if (!sys)
		return VMSIM_ENOHOSTMEM;
	sys->cfg = *cfg;
	sys->next_pid = 1;
	if ((rc = phys_init(&sys->pm, cfg->ram_bytes, cfg->data_mode)))
		goto out_free;
	if ((rc = mmu_init(&sys->mmu, &sys->pm, &cfg->mmu)))
		goto out_phys;
	/* the zero page: kernel memory, all zeros, mapped read-only anywhere */
	if ((rc = phys_alloc(&sys->pm, 0, FRAME_ZERO | (cfg->data_mode ? FRAME_DATA : 0),
			     &sys->zero_pfn)))
		goto out_mmu;
	phys_frame(&sys->pm, sys->zero_pfn)->refcount = 1;
	if ((rc = pt_init(&sys->idle_pt, &sys->pm, cfg->mmu.levels)))
		goto out_mmu;
	mmu_set_cr3(&sys->mmu, sys->idle_pt.root, 0, false);
	if ((rc = reclaim_init(sys)))
		goto out_idle;
	if ((rc = swap_open(sys)))
		goto out_reclaim;
	if ((rc = huge_init(sys)))
		goto out_swap;
	sys->wss_next = cfg->wss_window;
	sys->kh.next_wake = UINT64_MAX; /* asleep until a process needs it */
	sys->kh.check_at = UINT64_MAX;
	timers_update(sys);
	*out = sys;
	return 0;

out_swap:
	huge_release(sys);
	swap_close(&sys->swap);
out_reclaim:
	reclaim_release(sys);
out_idle:
	pt_release(&sys->idle_pt);
out_mmu:
	mmu_release(&sys->mmu);
out_phys:
	phys_release(&sys->pm);
out_free:
	free(sys);
	return rc;
}

void vmsim_system_free(struct vmsim_system *sys)
{
	if (!sys)
		return;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		struct process *p = sys->procs[pid];
		if (!p)
			continue;
		if (p->alive)
			proc_teardown(sys, p);
		free(p);
	}
	free(sys->procs);
	for (int fd = 0; fd < sys->nfiles; fd++)
		if (sys->files[fd])
			vmsim_file_close(sys, fd);
	free(sys->files);
	free(sys->handles);
	free(sys->segv);
	free(sys->oom);
	swap_close(&sys->swap);
	huge_release(sys);
	reclaim_release(sys);
	pt_release(&sys->idle_pt);
	mmu_release(&sys->mmu);
	phys_release(&sys->pm);
	free(sys);
}

const struct vmsim_config *vmsim_system_config(const struct vmsim_system *sys)
{
	return &sys->cfg;
}

int vmsim_segv_get(const struct vmsim_system *sys, uint64_t i, struct vmsim_segv_record *out)
{
	if (i >= sys->nsegv || i >= sys->segv_cap)
		return VMSIM_ERANGE;
	*out = sys->segv[i];
	return 0;
}

/* The cost model: every counted event at its price. */
struct cost {
	uint64_t minor, major; /* faults of all processes */
	uint64_t compute;      /* cycles of the accesses themselves */
	uint64_t busy;	       /* cycles the CPU works */
	uint64_t wait;	       /* cycles waiting for major faults */
};

static void cost_of(const struct vmsim_system *sys, struct cost *out)
{
	const struct vmsim_cost_cfg *c = &sys->cfg.cost;
	uint64_t minor = 0, major = 0;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		const struct process *p = sys->procs[pid];
		if (p) {
			minor += p->c.faults_minor;
			major += p->c.faults_major;
		}
	}
	const struct vmsim_mmu_stats *m = &sys->mmu.stats;
	uint64_t l1 = 0, l2 = 0;
	for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++) {
		l1 += m->tlb[VMSIM_TLB_L1I].hits[s] + m->tlb[VMSIM_TLB_L1D].hits[s];
		l2 += m->tlb[VMSIM_TLB_L2].hits[s];
	}
	out->minor = minor;
	out->major = major;
	out->compute = sys->accesses * c->access;
	out->busy = out->compute + l1 * c->tlb_l1_hit + l2 * c->tlb_l2_hit +
		    m->walk.mem_refs * c->walk_ref + minor * c->minor_fault +
		    sys->zero_fills * c->page_zero + sys->cow_copies * c->page_copy +
		    (sys->rc.swap_outs + sys->cp.migrated) * c->page_copy +
		    sys->context_switches * c->context_switch;
	out->wait = (uint64_t)((double)major * (double)c->major_fault_ns * c->ghz);
}

uint64_t sys_cycles(struct vmsim_system *sys)
{
	struct cost cost;
	cost_of(sys, &cost);
	return cost.busy + cost.wait + sys->idle_cycles;
}

uint64_t ms_cycles(const struct vmsim_system *sys, uint64_t ms)
{
	return (uint64_t)((double)ms * 1e6 * sys->cfg.cost.ghz);
}

int vmsim_sleep(struct vmsim_system *sys, uint64_t ns)
{
	if (ns > 1000000ULL * 1000000000ULL)
		return VMSIM_EINVAL;
	sys->idle_cycles += (uint64_t)((double)ns * sys->cfg.cost.ghz);
	khugepaged_tick(sys);
	return 0;
}

int vmsim_sys_stats(struct vmsim_system *sys, struct vmsim_sys_stats *out)
{
	const struct vmsim_cost_cfg *c = &sys->cfg.cost;
	memset(out, 0, sizeof(*out));
	out->frames_total = sys->pm.nframes;
	out->frames_free = sys->pm.nr_free;
	out->frames_pagetable = sys->idle_pt.ntables;
	for (int pid = 1; pid < sys->nprocs; pid++) {
		struct process *p = sys->procs[pid];
		if (!p)
			continue;
		if (p->alive)
			out->frames_pagetable += p->pt.ntables;
	}
	/* the zero page, the huge zero page, the hugetlb pools */
	out->frames_kernel = 1 + (sys->huge_zero_pfn != PFN_NONE ? 512 : 0);
	for (unsigned ps = 1; ps < VMSIM_NPAGE_SIZES; ps++) {
		uint64_t pages = 1ULL << (9 * ps);
		out->frames_kernel += sys->hugetlb_total[ps] * pages;
		out->hugetlb_total += sys->hugetlb_total[ps] * pages * VMSIM_PAGE_SIZE;
		out->hugetlb_free += sys->hugetlb_nfree[ps] * pages * VMSIM_PAGE_SIZE;
	}
	/* transparent huge pages in use, and their bytes never accessed */
	for (pfn_t pfn = 0; pfn + 512 <= sys->pm.nframes; pfn += 512) {
		if (!phys_frame_present(&sys->pm, pfn)) { /* a gigabyte never used */
			pfn = (pfn | PHYS_CHUNK_MASK) + 1 - 512;
			continue;
		}
		const struct frame *f = phys_frame(&sys->pm, pfn);
		if ((f->flags & (FRAME_HEAD | FRAME_ANON)) == (FRAME_HEAD | FRAME_ANON) &&
		    f->order == 9 && !(f->flags & (FRAME_ZERO | FRAME_HUGETLB))) {
			unsigned touched = 0;
			for (unsigned w = 0; w < 8; w++)
				touched +=
				    (unsigned)__builtin_popcountll(sys->thp_touched[pfn >> 9][w]);
			out->anon_huge += 2ULL << 20;
			out->thp_untouched += (512ULL - touched) * VMSIM_PAGE_SIZE;
		}
	}
	out->thp_fault_alloc = sys->thp_alloc;
	out->thp_fault_fallback = sys->thp_fallback;
	out->thp_split = sys->thp_split;
	out->frames_user =
	    out->frames_total - out->frames_free - out->frames_pagetable - out->frames_kernel;
	out->processes = sys->alive;
	out->segvs = sys->nsegv;
	out->context_switches = sys->context_switches;
	out->tlb_shootdowns = sys->tlb_shootdowns;
	out->tlb_flushes = sys->tlb_flushes;
	out->mmu = sys->mmu.stats;
	out->swap_total = sys->swap.nslots;
	out->swap_used = sys->swap.used;
	out->swap_outs = sys->rc.swap_outs;
	out->swap_ins = sys->rc.swap_ins;
	out->swapcache_hits = sys->rc.swapcache_hits;
	out->pages_scanned = sys->rc.scanned;
	out->pages_reclaimed = sys->rc.reclaimed;
	out->clean_drops = sys->rc.clean_drops;
	out->refaults = sys->rc.refaults;
	out->kswapd_runs = sys->rc.kswapd_runs;
	out->direct_reclaims = sys->rc.direct_reclaims;
	out->oom_kills = sys->rc.oom_kills;
	out->mlock_culled = sys->rc.mlock_culled;
	out->unevictable = sys->rc.unevictable;
	out->shmem_swap_outs = sys->rc.shmem_swap_outs;
	out->shmem_swapped = sys->rc.shmem_swapped;
	out->committed_as = sys->committed * VMSIM_PAGE_SIZE;
	out->commit_limit = commit_limit(sys) * VMSIM_PAGE_SIZE;
	out->file_reads = sys->file_reads;
	out->file_writes = sys->file_writes;
	out->writeback_errors = sys->writeback_errors;
	out->readahead_pages = sys->readahead_pages;
	out->fault_around_maps = sys->fault_around_maps;
	out->readahead_sync = sys->readahead_sync;
	out->readahead_async = sys->readahead_async;
	out->file_read_bytes = sys->file_read_bytes;
	out->file_write_bytes = sys->file_write_bytes;
	for (unsigned o = 0; o <= PCACHE_MAX_ORDER; o++) {
		out->folios_added += sys->folio_alloc[o];
		if (o)
			out->folios_large += sys->folio_alloc[o];
	}
	out->folio_fallbacks = sys->folio_fallback;
	out->folio_splits = sys->folio_split;
	for (const struct vfile *f = sys->file_list; f; f = f->next)
		out->page_cache += f->cached * VMSIM_PAGE_SIZE;
	out->wss_total = sys->wss_total * VMSIM_PAGE_SIZE;
	out->wss_samples = sys->wss_samples;
	out->thrashing = sys->thrashing;

	struct cost cost;
	cost_of(sys, &cost);
	out->faults_minor = cost.minor;
	out->faults_major = cost.major;
	out->cycles = cost.busy + cost.wait + sys->idle_cycles;
	out->cycles_compute = cost.compute;
	out->cycles_busy = cost.busy;
	out->seconds = (double)out->cycles / (c->ghz * 1e9);
	out->cpu_utilisation = out->cycles ? (double)cost.busy / (double)out->cycles : 0.0;
	out->khugepaged_passes = sys->kh.passes;
	out->khugepaged_pages_scanned = sys->kh.scanned;
	out->khugepaged_full_scans = sys->kh.full_scans;
	out->thp_collapse_alloc = sys->kh.collapsed;
	out->thp_collapse_alloc_failed = sys->kh.alloc_failed;
	out->khugepaged_refused = sys->kh.refused;
	out->compact_stall = sys->cp.stalls;
	out->compact_success = sys->cp.success;
	out->compact_fail = sys->cp.fail;
	out->compact_daemon_wake = sys->cp.daemon_wakes;
	out->pgmigrate_success = sys->cp.migrated;
	return 0;
}
