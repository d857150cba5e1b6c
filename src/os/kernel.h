/*
 * The kernel's internal structures: the system, processes, VMAs, shared
 * memory objects, and the functions the files of src/os/ share. Only src/os/
 * includes this header.
 *
 *   struct vmsim_system ── phys_mem (frames)   ── mmu (the one CPU)
 *        │              zero page, idle page tables (CPU with no process)
 *        └─ procs[pid] ── pagetable (CR3) ── vma_map (sorted VMAs) ── vfile (page cache)
 *
 * Page-table entries the kernel writes, besides the hardware format:
 *   present leaf      the page is mapped (zero page: read-only, not in RSS)
 *   P=0, PROTNONE=1   a resident page in a PROT_NONE area (Linux's trick:
 *                     the bit is the G bit, meaningless when P=0)
 *   P=0, other bits   a swap entry: the page is in swap slot S, stored
 *                     inverted in bits 57..9 (so the frame bits of a
 *                     non-present entry never name real memory, as Linux
 *                     does against L1TF)
 *   0                 nothing
 */
#ifndef VMSIM_KERNEL_H
#define VMSIM_KERNEL_H

#include <stddef.h>

#include "base/addr.h"
#include "mmu/mmu.h"
#include "phys/phys.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "vmsim/vm.h"

#define PTE_PROTNONE PTE_G /* with P=0: resident page of a PROT_NONE area */

#define SWP_SHIFT 9
#define SWP_MASK  ((1ULL << 49) - 1)

static inline pte_t swp_entry(uint64_t slot)
{
	return (~slot & SWP_MASK) << SWP_SHIFT;
}

static inline uint64_t swp_slot(pte_t e)
{
	return ~(e >> SWP_SHIFT) & SWP_MASK;
}

static inline bool pte_is_swap(pte_t e)
{
	return e != 0 && !(e & (PTE_P | PTE_PROTNONE));
}

#define USER_TOP      0x00007ffffffff000ULL /* end of user space (Linux TASK_SIZE) */
#define MMAP_BASE     0x00007ff000000000ULL /* mmap area grows down from here */
#define USER_TOP_LA57 0x00fffffffffff000ULL /* end of user space with 5-level paging */
#define MMAP_MIN      0x0000000000010000ULL /* lowest mappable address (mmap_min_addr) */
#define TEXT_START    0x0000000000400000ULL /* where vmsim_exec_layout puts the text */
#define PID_MAX	      (1 << 22)		    /* Linux's pid_max limit */
#define FLUSH_CEILING 33		    /* Linux's tlb_single_page_flush_ceiling */

/*
 * A file as the kernel sees it: an inode with a page cache. Three kinds:
 * shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, like Linux's shmem:
 * pages start zeroed; reclaim writes them to swap and leaves the slot in
 * the cache, where a fault finds it and reads the page back), a
 * real host file (pages read from it, dirty pages written back to it), and
 * a virtual file of a given size (only sizes matter: no bytes move, I/O is
 * counted). The page cache maps page offsets to frames through a two-level
 * table of 512-entry leaves, allocated as pages arrive.
 *
 * The cache holds folios, as Linux's does: 2^order pages at an offset
 * aligned to 2^order, in one physically contiguous buddy block of that
 * order. Every page of a folio has its own slot, refcount (the cache's one
 * plus one per PTE) and mapcount, and carries the folio's order in
 * frame.folio; the folio as a whole is one entry of the replacement policy
 * (its head), is read ahead, reclaimed, written back and truncated together,
 * and is split into single pages where Linux splits it (truncation inside
 * it).
 */

/* Linux's struct file_ra_state: the readahead window last read. */
struct file_ra {
	uint64_t start;	     /* first page of the window */
	uint64_t size;	     /* its pages (0: none yet) */
	uint64_t async_size; /* the last async_size pages; the first of them is marked */
	unsigned order;	     /* folio order readahead asks for next */
	unsigned mmap_miss;  /* mmap faults that missed the cache, less those that hit */
	uint64_t prev_pos;   /* read(): the byte after the last one read (UINT64_MAX: none) */
};
enum vfile_kind {
	VF_SHMEM = 0, /* anonymous shared memory */
	VF_HOST,      /* a real file on the host */
	VF_VIRTUAL,   /* a file that exists only as a size */
};

#define PCACHE_MAX_ORDER 9 /* the largest folio: PMD order (Linux's MAX_PAGECACHE_ORDER) */

/* An open handle's own state (Linux's struct file). */
struct file_handle {
	uint64_t pos;	   /* read()/write() position */
	struct file_ra ra; /* read()'s readahead state */
};

struct vfile {
	enum vfile_kind kind; /* what backs it */
	uint64_t refs;	      /* VMAs mapping it + open handles */
	uint64_t dev, ino;    /* VF_HOST: the host inode (one vfile per inode) */
	int host_fd;	      /* VF_HOST: the host file, else -1 */
	char *path;	      /* VF_HOST: its name (malloc'd) */
	bool writable;	      /* opened for writing */
	uint64_t size;	      /* bytes; pages past it raise SIGBUS */
	pfn_t **dir;	      /* page cache: dir[pgoff >> 9][pgoff & 511] = pfn + 1 */
	uint64_t ndir;	      /* entries of dir */
	uint64_t cached;      /* pages in the cache */
	uint64_t swapped;     /* VF_SHMEM: pages in swap (their slots are in dir) */
	struct file_ra ra;    /* readahead state of the mappings' faults */
	uint64_t ra_pages;    /* read_ahead_kb / 4 of this file (its device's setting) */
	uint64_t reads;	      /* pages read from the file */
	uint64_t writes;      /* pages written back to it */
	int wb_error;	      /* a write-back failed since msync or close last said so
			       * (Linux's AS_EIO): reported once, then cleared */
	uint64_t committed;   /* VF_SHMEM: pages charged to Committed_AS (shmem_acct_size) */
	struct vfile *next;   /* every file of the system, for checks */
	struct vfile **pprev; /* link to this file */
};

/* The anonymous pages of a fork family: every process descended by fork
 * from one exec'd process shares it, so the reverse map of an anonymous page
 * searches only that family (Linux's anon_vma, much simplified). */
struct anon_root {
	uint64_t refs; /* processes using it */
};

/* The swap device: a real file of nslots 4 KiB slots. */
struct swap_dev {
	int fd;		      /* the file; -1: no swap */
	char *path;	      /* its name (malloc'd) */
	uint64_t nslots;      /* slots */
	uint64_t used;	      /* slots in use */
	uint32_t *refs;	      /* per slot: swap PTEs + 1 if in the swap cache; 0 = free */
	pfn_t *cache;	      /* per slot: pfn + 1 of its swap-cache page, 0 = none */
	uint64_t *csum;	      /* per slot: checksum of what was written (data mode) */
	uint64_t *evicted_at; /* per slot: eviction clock when written (refault distance) */
	uint64_t cursor;      /* next-fit search start */
	uint64_t fail_write_at, fail_read_at; /* test hooks: fail the N-th write/read */
	uint64_t nwrites, nreads;	      /* I/O attempts, for the hooks */
};

struct vma {
	vaddr_t start;	     /* first byte, page aligned */
	vaddr_t end;	     /* one past the last byte, page aligned */
	int prot;	     /* VMSIM_PROT_* */
	int flags;	     /* VMSIM_MAP_SHARED or VMSIM_MAP_PRIVATE, | ANONYMOUS, NORESERVE */
	int advice;	     /* VMSIM_MADV_NORMAL / RANDOM / SEQUENTIAL */
	const char *name;    /* "[heap]", "[stack]", "[text]", "[data]" or "" (static) */
	struct vfile *file;  /* backing file (shmem for shared anonymous), else NULL */
	uint64_t pgoff;	     /* page index of start within the file */
	int thp;	     /* MADV_HUGEPAGE: 1, MADV_NOHUGEPAGE: -1, else 0 */
	int hugetlb;	     /* MAP_HUGETLB: 1 + enum vmsim_page_size of its pages, else 0 */
	uint64_t anon_pgoff; /* index of start for its anonymous pages (start >> 12 unless
			      * mremap moved the area: Linux's vm_pgoff of an anon_vma) */
	bool anon;	     /* has had anonymous pages (Linux's anon_vma): fork copies
			      * its page tables; other areas the child faults in */
	uint8_t locked;	     /* mlock: 0, VMA_LOCKED or VMA_LOCKED_ONFAULT (VM_LOCKED) */
	bool account;	     /* its pages are in Committed_AS (Linux's VM_ACCOUNT) */
};

#define VMA_LOCKED	   1 /* mlock / MAP_LOCKED: populated, never evicted */
#define VMA_LOCKED_ONFAULT 2 /* mlock2(MLOCK_ONFAULT): never evicted once faulted */

/* The anonymous-page index of @va in @v (what frame->index holds). */
static inline uint64_t vma_anon_index(const struct vma *v, vaddr_t va)
{
	return v->anon_pgoff + ((va - v->start) >> VMSIM_PAGE_SHIFT);
}

/* The areas of one address space, sorted by start, never overlapping. */
struct vma_map {
	struct vma *v; /* n areas */
	size_t n;      /* in use */
	size_t cap;    /* allocated */
	size_t hint;   /* index of the last area found (like Linux's vmacache) */
};

/* Per-process counters (see struct vmsim_proc_stats). */
struct proc_counters {
	uint64_t faults_minor, faults_major, faults_invalid;
	uint64_t cow_copies, cow_reuses, zero_maps, zero_fills;
	uint64_t accesses, tlb_shootdowns;
	uint64_t swap_ins, swapcache_hits;
};

struct process {
	int pid;		/* > 0 */
	bool alive;		/* false after exit: counters stay readable */
	pcid_t pcid;		/* its TLB tag when PCIDs are on */
	struct pagetable pt;	/* its page tables; pt.root is its CR3 */
	struct vma_map vmas;	/* its areas */
	vaddr_t brk_start;	/* start of the heap */
	vaddr_t brk;		/* current program break */
	uint64_t rss_anon;	/* pages: private anonymous */
	uint64_t rss_file;	/* pages: file-backed */
	uint64_t rss_shmem;	/* pages: shared anonymous */
	uint64_t swap_ents;	/* pages: swap entries in its page tables */
	uint64_t hugetlb_pages; /* 4 KiB units of hugetlb pages it maps */
	struct anon_root *anon; /* its fork family */
	bool oom_killed;	/* ended by the OOM killer */
	bool anon_moved;	/* mremap moved an area: some anon index is not va >> 12 */
	uint8_t mlock_future;	/* mlockall(MCL_FUTURE): what new areas get as locked */
	uint64_t wss;		/* pages referenced in the last sampling window */
	uint64_t wss_swap_ins;	/* swap-ins counted at the last sample */
	uint64_t kh_seq; /* khugepaged's list: its place (registration order), 0: not on it */
	struct proc_counters c; /* counters */
};

/* Pages whose TLB entries must go, flushed together (Linux's mmu_gather). */
struct flush_batch {
	struct process *p;	   /* whose entries */
	unsigned n;		   /* pages collected; > FLUSH_CEILING: flush the PCID */
	vaddr_t va[FLUSH_CEILING]; /* the pages while n <= FLUSH_CEILING */
};

/* khugepaged's state (khugepaged.c): its list is the processes with a
 * kh_seq, in that order; the scan goes through them from a cursor. */
struct khugepaged {
	uint64_t next_seq;   /* kh_seq the next process to register gets */
	uint64_t cursor;     /* kh_seq of the process being scanned; 0: at the list head */
	vaddr_t addr;	     /* where the scan of that process goes on */
	uint64_t next_wake;  /* cycle count of the next pass; UINT64_MAX: no work, asleep */
	uint64_t check_at;   /* access count of the next look at the clock; UINT64_MAX: none */
	uint64_t passes;     /* passes run */
	uint64_t scanned;    /* pages looked at (Linux's progress: 512 per range, 1 per area
			      * not eligible) */
	uint64_t full_scans; /* times the scan went through the whole list */
	uint64_t collapsed;  /* ranges collapsed into a huge page (thp_collapse_alloc) */
	uint64_t
	    alloc_failed; /* collapses without a free 2 MiB block (thp_collapse_alloc_failed) */
	uint64_t refused; /* ranges scanned and left as they were (a limit, no referenced or
			   * writable page, a swapped or locked-out page) */
};

/* Compaction counters (compact.c; Linux's /proc/vmstat names). */
struct compact_counters {
	uint64_t stalls;       /* direct compactions run by an allocation (compact_stall) */
	uint64_t success;      /* of all compactions, those that freed a 2 MiB block */
	uint64_t fail;	       /* those that could not */
	uint64_t daemon_wakes; /* kcompactd woken (compact_daemon_wake) */
	uint64_t migrated;     /* pages moved to other frames (pgmigrate_success) */
};

/* Reclaim counters (see struct vmsim_sys_stats). */
struct reclaim_counters {
	uint64_t swap_outs, swap_ins, swapcache_hits, scanned, reclaimed, clean_drops, refaults;
	uint64_t kswapd_runs, direct_reclaims, oom_kills;
	uint64_t mlock_culled;	  /* pages reclaim found locked (unevictable_pgs_culled) */
	uint64_t unevictable;	  /* pages with FRAME_MLOCKED now (their blocks' sizes) */
	uint64_t shmem_swap_outs; /* shared-memory pages written to swap */
	uint64_t shmem_swapped;	  /* shared-memory pages in swap now */
};

struct vmsim_system {
	struct vmsim_config cfg;		    /* as given */
	struct phys_mem pm;			    /* RAM */
	struct mmu mmu;				    /* the CPU's MMU */
	pfn_t zero_pfn;				    /* the shared zero page */
	struct pagetable idle_pt;		    /* page tables loaded when no process runs */
	struct process **procs;			    /* by pid; NULL: never used */
	int nprocs;				    /* slots in procs */
	int next_pid;				    /* next pid to hand out */
	uint64_t alive;				    /* live processes */
	struct process *current;		    /* running on the CPU, or NULL */
	struct vfile *file_list;		    /* every file and shared memory object */
	struct vfile **files;			    /* open handles by id (NULL: closed) */
	struct file_handle *handles;		    /* per handle: position, read() readahead */
	int nfiles;				    /* slots in files and handles */
	uint64_t file_reads, file_writes;	    /* pages moved between page cache and files */
	uint64_t writeback_errors;		    /* write-backs that failed (pages stay dirty) */
	uint64_t host_file_reads, host_file_writes; /* pread/pwrite calls on mapped files */
	uint64_t fail_file_read_at, fail_file_write_at; /* test hooks: fail the N-th call */
	uint64_t fault_around_maps;			/* pages mapped by fault-around */
	uint64_t readahead_pages;			/* pages read ahead of the faults */
	uint64_t readahead_sync, readahead_async;	/* readahead windows started by a miss /
							 * by reaching the mark */
	uint64_t folio_alloc[PCACHE_MAX_ORDER + 1];	/* page-cache folios added, by order */
	uint64_t folio_fallback;			/* large folios the buddy allocator could
							 * not give (readahead used single pages) */
	uint64_t folio_split;				/* large folios split (truncation) */
	uint64_t file_read_bytes, file_write_bytes;	/* read()/write() calls' bytes */
	/* huge pages */
	pfn_t huge_zero_pfn;	    /* the huge zero page (2 MiB), PFN_NONE until needed */
	uint64_t (*thp_touched)[8]; /* per 2 MiB of RAM: 4 KiB pieces accessed (bitmap) */
	uint64_t thp_alloc, thp_fallback, thp_split; /* counters */
	pfn_t *hugetlb_pool[VMSIM_NPAGE_SIZES];	     /* free hugetlb pages by size (2M, 1G) */
	uint64_t hugetlb_nfree[VMSIM_NPAGE_SIZES];   /* how many are free */
	uint64_t hugetlb_total[VMSIM_NPAGE_SIZES];   /* pool sizes */
	struct vmsim_segv_record *segv;		     /* recorded SIGSEGVs */
	uint64_t nsegv, segv_cap;		     /* used, allocated */
	struct vmsim_oom_record *oom;		     /* recorded OOM kills */
	uint64_t noom, oom_cap;			     /* used, allocated */
	uint64_t context_switches;		     /* vmsim_switch that changed process */
	uint64_t tlb_shootdowns;		     /* pages invalidated by the kernel */
	uint64_t tlb_flushes;			     /* whole-PCID flushes by the kernel */
	uint64_t zero_fills, cow_copies; /* frames zeroed / copied, for the cost model */
	uint64_t accesses;		 /* all vmsim_access pages */
	uint64_t timer_next;		 /* access count at which vmsim_access runs kernel_timers */
	uint64_t idle_cycles;		 /* cycles the machine idled (vmsim_sleep) */
	struct khugepaged kh;		 /* khugepaged */
	struct compact_counters cp;	 /* compaction */
	uint64_t committed;		 /* Committed_AS in pages (commit.c) */
	/* memory pressure */
	struct swap_dev swap;			   /* the swap device */
	const struct vmsim_policy_ops *policy;	   /* replacement policy */
	void *policy_state;			   /* its state */
	bool policy_on_access;			   /* it wants every access (exact LRU, LFU, ...) */
	uint64_t wmark_min, wmark_low, wmark_high; /* free-frame watermarks */
	uint64_t evictions;			   /* eviction clock (refault distances) */
	uint64_t lru_pages;			   /* frames known to the policy */
	bool in_reclaim;			   /* reclaim running: no nested reclaim */
	struct reclaim_counters rc;		   /* counters */
	uint64_t wss_next;			   /* access count of the next working-set sample */
	uint64_t wss_total;			   /* sum of the working sets at the last sample */
	uint64_t wss_samples;			   /* samples taken */
	uint64_t wss_last_major;		   /* major faults at the last sample */
	uint64_t wss_last_accesses;		   /* accesses at the last sample */
	bool thrashing;				   /* the last sample found thrashing */
};

/* The end of @p's user space: 56 bits with 5-level paging (Linux's
 * TASK_SIZE_MAX under LA57), else 47. Without a hint above 47 bits, mmap
 * stays below USER_TOP either way (Linux's DEFAULT_MAP_WINDOW). */
static inline vaddr_t task_size(const struct process *p)
{
	return p->pt.levels == 5 ? USER_TOP_LA57 : USER_TOP;
}

/* The access count at which vmsim_access next has timed work to do (a
 * working-set sample, khugepaged looking at the clock). */
static inline void timers_update(struct vmsim_system *sys)
{
	uint64_t next = sys->kh.check_at;
	if (sys->cfg.wss_window && sys->wss_next < next)
		next = sys->wss_next;
	sys->timer_next = next;
}

/* ---- system.c ----------------------------------------------------------- */
/* Called from the other os/ files: khugepaged.c. */

/* The simulated time so far in cycles: the cost model's busy and waiting
 * cycles plus the idle ones. */
uint64_t sys_cycles(struct vmsim_system *sys);

/* Cycles of @ms milliseconds at the configured clock. */
uint64_t ms_cycles(const struct vmsim_system *sys, uint64_t ms);

/* ---- process.c ---------------------------------------------------------- */
/* Called from the other os/ files: compact.c, fault.c, fork.c, huge.c, khugepaged.c, mmap.c,
 * mremap.c, pagecache.c, reclaim.c, system.c. */

/* The live process @pid, or NULL. */
static inline struct process *proc_get(struct vmsim_system *sys, int pid)
{
	if (pid <= 0 || pid >= sys->nprocs || !sys->procs[pid] || !sys->procs[pid]->alive)
		return NULL;
	return sys->procs[pid];
}

/* A new process with empty page tables and no VMAs. */
int proc_new(struct vmsim_system *sys, struct process **out /* out */);

/* Free everything @p holds; it stays in procs[] for its counters. */
void proc_teardown(struct vmsim_system *sys, struct process *p);

/* Drop a process's reference to its fork family's anon_root. */
void anon_put(struct anon_root *a);

/* Load @p's page tables on the CPU. */
void proc_switch(struct vmsim_system *sys, struct process *p);

/* Queue / flush TLB invalidations of @p's pages. */
void flush_init(struct flush_batch *b, struct process *p);
void flush_add(struct vmsim_system *sys, struct flush_batch *b, vaddr_t va);
void flush_finish(struct vmsim_system *sys, struct flush_batch *b);

/* ---- vma.c -------------------------------------------------------------- */
/* Called from the other os/ files: check.c, fault.c, fork.c, khugepaged.c, mlock.c, mmap.c,
 * mremap.c, process.c. */

/* The area containing @va, or NULL. */
struct vma *vma_find(struct vma_map *m, vaddr_t va);

/* Index of the first area ending above @va (n if none). */
size_t vma_index_after(const struct vma_map *m, vaddr_t va);

/* Insert a copy of @v (not overlapping any area). 0 or VMSIM_ENOHOSTMEM. */
int vma_insert(struct vma_map *m, const struct vma *v);

/* Remove the area at index @i (dropping its file reference). */
void vma_remove(struct vmsim_system *sys, struct vma_map *m, size_t i);

/* Split so that an area boundary falls at @va (if inside an area).
 * 0 or VMSIM_ENOHOSTMEM. */
int vma_split_at(struct vma_map *m, vaddr_t va);

/* Merge the area at @i with equal neighbours (contiguous, same prot, flags,
 * advice, name and backing). */
void vma_merge_around(struct vmsim_system *sys, struct vma_map *m, size_t i);

/* Is [@start, @end) free of areas? */
bool vma_range_free(const struct vma_map *m, vaddr_t start, vaddr_t end);

void vma_map_release(struct vmsim_system *sys, struct vma_map *m);

/* Copy every area of @src into @dst (empty), taking file references. */
int vma_map_copy(struct vma_map *dst, const struct vma_map *src);

/* ---- pagecache.c -------------------------------------------------------- */
/* Called from the other os/ files: accounting.c, check.c, compact.c, fault.c, fileio.c, mmap.c,
 * mremap.c, readahead.c, reclaim.c, vma.c. */

/* A new shared-memory object of @npages pages (one reference), or NULL. */
struct vfile *vfile_new_shmem(struct vmsim_system *sys, uint64_t npages);
void vfile_get(struct vfile *f);
/* Drop a reference; the last one writes dirty pages back, frees the cache
 * and closes the host file. */
void vfile_put(struct vmsim_system *sys, struct vfile *f);

/* Pages of @f (size rounded up). */
static inline uint64_t vfile_pages(const struct vfile *f)
{
	return (f->size + VMSIM_PAGE_SIZE - 1) >> VMSIM_PAGE_SHIFT;
}

/* The cached page at @pgoff: its pfn, or PFN_NONE. */
#define PFN_NONE ((pfn_t)UINT64_MAX)
pfn_t pcache_lookup(const struct vfile *f, uint64_t pgoff);

/* The cached page at @pgoff (present) now lives in frame @pfn (migration). */
void pcache_move(struct vfile *f, uint64_t pgoff, pfn_t pfn);

/* Is shared-memory page @pgoff of @f in swap? Its slot in *@slot. */
bool pcache_swapped(const struct vfile *f, uint64_t pgoff, uint64_t *slot /* out */);

/* Call @fn for each page of @f in swap. */
void pcache_for_each_swapped(const struct vfile *f,
			     void (*fn)(uint64_t pgoff, uint64_t slot, void *arg), void *arg);

/* Write unmapped shared-memory page @pgoff of @f to swap slot @slot (which
 * the caller allocated and passes on) and free its frame; the cache keeps
 * the slot. 0, or the write's error (nothing changed: the caller gives the
 * slot back). */
int pcache_swap_out(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, uint64_t slot);

/*
 * The page at @pgoff of @f, bringing it into the cache if needed: zeroed
 * (shmem, past the end of a host file's data), read from the host file, or
 * left as zeros (virtual). *@major says whether the file had to be read.
 * The cache holds one reference; the caller takes its own. 0, VMSIM_ENOMEM,
 * VMSIM_EIO.
 */
int pcache_get_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t *pfn /* out */,
		    bool *major /* out */);

/* Write page @pfn (at @pgoff of @f) back to the host file if it is dirty,
 * clearing FRAME_DIRTY. 0 or VMSIM_EIO. */
int pcache_writeback(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t pfn);

/* The head pfn of the folio holding cached page @pfn, and its pages. */
static inline pfn_t folio_head(const struct phys_mem *pm, pfn_t pfn)
{
	return pfn & ~(((pfn_t)1 << phys_frame(pm, pfn)->folio) - 1);
}

static inline uint64_t folio_nr(const struct phys_mem *pm, pfn_t pfn)
{
	return 1ULL << phys_frame(pm, pfn)->folio;
}

/* pcache_add_folio flags */
#define PCACHE_MARK    1u /* set the readahead mark on the folio */
#define PCACHE_RECLAIM 2u /* a single page that may reclaim (the page a fault or read needs) */
#define PCACHE_NOREAD  4u /* the caller overwrites every byte: do not read the file */
#define PCACHE_QUIET   8u /* left by an earlier user (vmsim_file_cache): read, not counted */

/*
 * Add a folio of 2^@order pages at @index (aligned to it) to @f's cache,
 * read from the file (zeros past its end). Readahead folios never take free
 * memory below the low watermark and never reclaim; with PCACHE_RECLAIM an
 * order-0 page reclaims like any allocation. Returns 0 (and the head in
 * *@head if not NULL), VMSIM_EEXIST (a page of the range is cached),
 * VMSIM_ENOMEM (no block), VMSIM_EIO, VMSIM_ENOHOSTMEM.
 */
int pcache_add_folio(struct vmsim_system *sys, struct vfile *f, uint64_t index, unsigned order,
		     unsigned flags, pfn_t *head /* out, may be NULL */);

/* The largest folio order the cache of @f uses (0: single pages only). */
unsigned pcache_max_order(const struct vmsim_system *sys, const struct vfile *f);

/* Remove the folio headed at @index from the cache (every page unmapped;
 * dirty pages written back first) and free it. 0, or VMSIM_EIO (a write-back
 * failed: the folio stays, still dirty). */
int pcache_evict_folio(struct vmsim_system *sys, struct vfile *f, uint64_t index);

/* Split the large folio holding @pgoff into single pages (each its own
 * policy entry). */
void pcache_split_folio(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff);

/* Call @fn for every cached page of @f, in offset order. */
void pcache_for_each(const struct vfile *f, void (*fn)(uint64_t pgoff, pfn_t pfn, void *arg),
		     void *arg);

/* The file behind open handle @fd, or NULL. */
struct vfile *vfile_of_fd(struct vmsim_system *sys, int fd);

/* ---- readahead.c -------------------------------------------------------- */
/* Called from the other os/ files: fault.c, fileio.c, mmap.c, pagecache.c. */

/* A fresh readahead state. */
void ra_init(struct file_ra *ra);

/* Linux's page_cache_sync_ra: a read of @req pages at @index missed the
 * cache; read the initial or ramped-up window (or just the request when it
 * looks random). */
void ra_sync(struct vmsim_system *sys, struct vfile *f, struct file_ra *ra, uint64_t index,
	     uint64_t req);

/* Linux's page_cache_async_ra: a read at @index reached the marked folio
 * headed by @head; clear the mark and read the next window. */
void ra_async(struct vmsim_system *sys, struct vfile *f, struct file_ra *ra, pfn_t head,
	      uint64_t index, uint64_t req);

/* Linux's force_page_cache_ra (MADV_WILLNEED, POSIX_FADV_WILLNEED): read
 * [@index, @index + @n), at most one readahead window, in single pages. */
void ra_force(struct vmsim_system *sys, struct vfile *f, uint64_t index, uint64_t n);

/* The mmap fault hooks: do_sync_mmap_readahead (the page at @pgoff is not
 * cached: read-around, or sequential readahead) and do_async_mmap_readahead
 * (it is: @pfn; reaching a mark reads ahead). */
void ra_mmap_sync(struct vmsim_system *sys, const struct vma *vma, uint64_t pgoff);
void ra_mmap_async(struct vmsim_system *sys, const struct vma *vma, uint64_t pgoff, pfn_t pfn);

/* ---- fault.c ------------------------------------------------------------ */
/* Called from the other os/ files: huge.c, mmap.c. */

/*
 * What a fault handler did, as a bit mask (Linux's vm_fault_t). 0 is a
 * minor fault, resolved from memory. Every do_* handler returns one.
 *   X(name, bit, what it means)
 */
#define VM_FAULT_MAP(X)                                                                            \
	X(VM_FAULT_MAJOR, 0x01, "resolved by reading swap or a file (major)")                      \
	X(VM_FAULT_SIGSEGV, 0x02, "invalid: no area, or the area forbids the access")              \
	X(VM_FAULT_SIGBUS, 0x04, "SIGBUS: past the end of the file, or no hugetlb page")           \
	X(VM_FAULT_OOM, 0x08, "no frame even after reclaim (VMSIM_ENOMEM)")                        \
	X(VM_FAULT_FALLBACK, 0x10, "no huge page here: the 4 KiB path takes over")                 \
	X(VM_FAULT_ERROR, 0x20, "another error, in vmf->err (VMSIM_EIO, VMSIM_ENOHOSTMEM)")

typedef unsigned vm_fault_t;
#define VM_FAULT_ENUM(name, bit, what) name = bit,
enum vm_fault_bits { VM_FAULT_MINOR = 0, VM_FAULT_MAP(VM_FAULT_ENUM) };
#undef VM_FAULT_ENUM

/* The bits that end a fault without mapping anything. */
#define VM_FAULT_FAILED (VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS | VM_FAULT_OOM | VM_FAULT_ERROR)

/* The name of the lowest bit set in @r ("VM_FAULT_MINOR" for 0). */
const char *vm_fault_name(vm_fault_t r);

/*
 * One fault, as the handlers pass it down (Linux's struct vm_fault): what
 * was asked, what the walk found, and what went wrong.
 */
struct vm_fault {
	struct process *p;	       /* the faulting process */
	struct vma *vma;	       /* the area containing va (NULL: none) */
	vaddr_t va;		       /* the faulting address */
	unsigned acc;		       /* enum vmsim_access_flags bits */
	bool write;		       /* acc has VMSIM_ACC_WRITE */
	pte_t *pte;		       /* the 4 KiB PTE slot, or the huge leaf (huge handlers) */
	enum vmsim_segv_reason reason; /* with VM_FAULT_SIGSEGV / SIGBUS: why */
	int err;		       /* with VM_FAULT_ERROR: the error code */
};

/* A handler's result for error code @err from a helper: VM_FAULT_OOM for
 * VMSIM_ENOMEM, else VM_FAULT_ERROR with vmf->err set; 0 for 0. */
static inline vm_fault_t vmf_error(struct vm_fault *vmf, int err)
{
	if (err == 0)
		return 0;
	if (err == VMSIM_ENOMEM)
		return VM_FAULT_OOM;
	vmf->err = err;
	return VM_FAULT_ERROR;
}

/* The error code of a failed fault (VMSIM_ENOMEM, vmf->err), else 0. */
static inline int vmf_errno(const struct vm_fault *vmf, vm_fault_t r)
{
	if (r & VM_FAULT_OOM)
		return VMSIM_ENOMEM;
	if (r & VM_FAULT_ERROR)
		return vmf->err;
	return 0;
}

/* Leaf flags for a page of @vma: P, US, NX per prot, RW when @writable. */
uint64_t vma_pte_flags(const struct vma *vma, bool writable);

/* Resolve a fault of @p at @va for access @acc (enum vmsim_access_flags
 * bits) as the page-fault handler does, without retrying the access, and
 * count it. Returns VM_FAULT_MINOR or VM_FAULT_MAJOR (resolved),
 * VM_FAULT_SIGSEGV or VM_FAULT_SIGBUS (the caller raises the signal;
 * @vmf->reason says why), VM_FAULT_OOM (no frame: the caller may reclaim or
 * OOM-kill and retry) or VM_FAULT_ERROR (@vmf->err; VMSIM_EIO, a swap or
 * file read that failed, kills the process with SIGBUS). @vmf is filled. */
vm_fault_t os_handle_fault(struct vmsim_system *sys, struct process *p, vaddr_t va, unsigned acc,
			   struct vm_fault *vmf /* out */);

/* Record a SIGSEGV (or SIGBUS) of @p and kill it if the configuration says
 * so (SIGBUS always kills). */
void raise_segv(struct vmsim_system *sys, struct process *p, vaddr_t va, unsigned acc,
		enum vmsim_segv_reason reason);

/* ---- mmap.c ------------------------------------------------------------- */
/* Called from the other os/ files: fileio.c, khugepaged.c, mlock.c, mremap.c, pagecache.c,
 * process.c. */

/* Unmap every page of [@start, @end) of @p (VMAs untouched), queueing TLB
 * invalidations in @b. */
void zap_range(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end,
	       struct flush_batch *b);

/* Write back every dirty cached page of @f in [@first, @last) and
 * write-protect its shared mappings (msync, fsync). 0 or VMSIM_EIO (also
 * for an earlier failed write-back, reported once). */
int file_sync_range(struct vmsim_system *sys, struct vfile *f, uint64_t first, uint64_t last);

/* Remove the areas and pages of [@start, @end) and free emptied tables. */
int do_munmap(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end);

/* Where a new area of @len bytes goes (Linux's get_unmapped_area): at
 * @hint rounded down to @align if that range is free, else the highest gap
 * below MMAP_BASE (below the 56-bit top when @hint lies above 47 bits),
 * aligned to @align; @thp_align without a hint: at an address congruent
 * to the file offset @off modulo 2 MiB (0 for anonymous memory: a 2 MiB
 * boundary), as Linux's thp_get_unmapped_area places anonymous areas of
 * whole 2 MiB pages (6.7+) and file mappings covering an aligned 2 MiB of
 * the file. 0 if none. */
vaddr_t get_unmapped_area(struct process *p, vaddr_t hint, uint64_t len, uint64_t align,
			  bool thp_align, uint64_t off);

/* Fault in every page of [@start, @end) as MAP_POPULATE does (writes for
 * private writable areas, reads otherwise; PROT_NONE areas and holes
 * skipped). Returns 0 or the first fault error (pages before it stay). */
int populate(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end);

/* mlock()'s population (Linux's __mm_populate without ignore_errors): the
 * same, but a PROT_NONE area or a page that cannot be faulted in (past the
 * end of its file, an empty hugetlb pool) stops it with VMSIM_EFAULT. */
int populate_strict(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end);

/* Is [@start, @end) covered by areas without a hole? */
bool range_mapped(struct process *p, vaddr_t start, vaddr_t end);

/* Does [@start, @end) cut a hugetlb area other than at a page boundary? */
bool hugetlb_misaligned(struct process *p, vaddr_t start, vaddr_t end);

/* Split the huge pages straddling @start and @end / every huge page in
 * [@start, @end) (hugetlb pages cannot be: VMSIM_EINVAL / VMSIM_ENOTSUP). */
int split_range_ends(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end);
int split_huge_range(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end);

/* Merge back the areas of [@start, @end) and their neighbours that are equal. */
void merge_range(struct vmsim_system *sys, struct process *p, vaddr_t start, vaddr_t end);

/* ---- swap.c ------------------------------------------------------------- */
/* Called from the other os/ files: fault.c, fork.c, mmap.c, pagecache.c, reclaim.c, system.c. */

/* Open the swap device the configuration asks for. 0, VMSIM_EIO, NOHOSTMEM. */
int swap_open(struct vmsim_system *sys);
void swap_close(struct swap_dev *sw);

/* A free slot with one reference, or VMSIM_ENOMEM when swap is full. */
int swap_alloc(struct swap_dev *sw, uint64_t *slot /* out */);

/* One more / one less reference to @slot; the last one frees it. */
void swap_get(struct swap_dev *sw, uint64_t slot);
void swap_put(struct swap_dev *sw, uint64_t slot);

/* Write frame @pfn to @slot / read @slot into @pfn (bytes in data mode,
 * checksummed; counted either way). 0 or VMSIM_EIO (a failed transfer or,
 * on read, a checksum that does not match: the bytes are not used). */
int swap_write(struct vmsim_system *sys, uint64_t slot, pfn_t pfn);
int swap_read(struct vmsim_system *sys, uint64_t slot, pfn_t pfn);

/* ---- reclaim.c ---------------------------------------------------------- */
/* Called from the other os/ files: compact.c, fault.c, fork.c, huge.c, mlock.c, mmap.c,
 * mremap.c, pagecache.c, process.c, system.c. */

/* Set up the replacement policy and watermarks. 0 or VMSIM_EINVAL. */
int reclaim_init(struct vmsim_system *sys);
void reclaim_release(struct vmsim_system *sys);

/* A zeroed frame for user data (flags: FRAME_ANON ...), reclaiming first if
 * free memory is low, as Linux's page allocator does. VMSIM_ENOMEM if even
 * reclaim cannot free one (the caller may OOM-kill and retry). */
int alloc_user_frame(struct vmsim_system *sys, uint32_t flags, pfn_t *pfn /* out */);

/* Make sure about @n frames are free for page tables (which the MMU layer
 * allocates without reclaim), reclaiming if memory is short: Linux's page
 * tables are GFP_KERNEL allocations that reclaim. Call it before anything
 * that may allocate tables, not while walking tables reclaim may change. */
void kernel_reserve(struct vmsim_system *sys, uint64_t n);

/* Frame @pfn became / stops being a page the policy may evict. */
void lru_add(struct vmsim_system *sys, pfn_t pfn);
void lru_del(struct vmsim_system *sys, pfn_t pfn);

/* Take @pfn out of the swap cache, dropping the cache's references to the
 * page and to its slot. */
void swapcache_del(struct vmsim_system *sys, pfn_t pfn);

/* If the page cached for @slot is used by nothing but the cache (no PTE,
 * no swap entry), free both. */
void swapcache_trim(struct vmsim_system *sys, uint64_t slot);

/* Drop one reference to user frame @pfn; the last frees it (and its swap
 * cache slot). */
void put_user_frame(struct vmsim_system *sys, pfn_t pfn);

/* Evict pages until @want frames are free or nothing more can go; returns
 * the frames freed. */
uint64_t reclaim_pages(struct vmsim_system *sys, uint64_t want);

typedef void (*rmap_fn)(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *e,
			void *arg);

/* Call @fn for every PTE (or huge leaf) that maps frame @pfn: anonymous
 * pages through their fork family, page-cache pages through every area
 * that maps their file at their offset. */
void rmap_walk(struct vmsim_system *sys, pfn_t pfn, rmap_fn fn, void *arg);

/* Unmap page-cache page @pfn (offset @pgoff of @f) from every process. */
void file_unmap_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t pfn);

/* Kill the process the OOM killer picks (largest RSS + swap + page tables);
 * false if there is none. @trigger is the process whose allocation failed. */
bool oom_kill(struct vmsim_system *sys, struct process *trigger);

/* ---- commit.c ----------------------------------------------------------- */
/* Called from the other os/ files: check.c, fork.c, mmap.c, mremap.c, pagecache.c, system.c,
 * vma.c. */

/* CommitLimit in pages. */
uint64_t commit_limit(const struct vmsim_system *sys);

/* Charge @pages to Committed_AS for @p (NULL: no process), as Linux's
 * __vm_enough_memory under overcommit_memory. 0 (charged) or VMSIM_ENOMEM
 * (nothing charged). */
int vm_enough_memory(struct vmsim_system *sys, const struct process *p, uint64_t pages);

/* Give back @pages of Committed_AS. */
void vm_unacct_memory(struct vmsim_system *sys, uint64_t pages);

/* Is a private mapping with these flags and protections accounted
 * (VM_ACCOUNT)? Shared anonymous memory is charged to its object instead. */
bool vma_accountable(const struct vmsim_system *sys, int flags, int prot, bool hugetlb);

/* Pages of @v. */
uint64_t vma_pages(const struct vma *v);

/* ---- mlock.c ------------------------------------------------------------ */
/* Called from the other os/ files: reclaim.c. */

/* Does a locked area (mlock, MAP_LOCKED) map frame @pfn? Then reclaim
 * culls it (FRAME_MLOCKED, off the policy's lists). */
bool page_in_locked_area(struct vmsim_system *sys, pfn_t pfn);

/* ---- huge.c ------------------------------------------------------------- */
/* Called from the other os/ files: fault.c, khugepaged.c, mlock.c, mmap.c, reclaim.c, system.c. */

/* Set up the huge zero page marker, the touch bitmap and the hugetlb pools.
 * 0, VMSIM_ENOMEM (the pools do not fit), VMSIM_ENOHOSTMEM. */
int huge_init(struct vmsim_system *sys);
void huge_release(struct vmsim_system *sys);

/* A fault at vmf->va in vmf->vma with no page table under its 2 MiB: map a
 * huge page if the area allows one (THP or hugetlb). Returns
 * VM_FAULT_MINOR (mapped: counted by the caller), VM_FAULT_FALLBACK (not
 * eligible or no 2 MiB block: the caller maps 4 KiB), VM_FAULT_SIGBUS
 * (hugetlb pool empty; vmf->reason set) or a failure (VM_FAULT_OOM ...). */
vm_fault_t do_huge_fault(struct vmsim_system *sys, struct vm_fault *vmf);

/* A write to the read-only huge leaf vmf->pte: reuse, copy (hugetlb),
 * replace the huge zero page by a huge page, or split so that the 4 KiB
 * path takes over (VM_FAULT_FALLBACK). Results as do_huge_fault. */
vm_fault_t do_huge_wp(struct vmsim_system *sys, struct vm_fault *vmf);

/* Make sure no huge leaf of @p straddles @addr (a range boundary): split a
 * transparent huge page (every mapping of it), or the huge zero page's
 * mapping. 0, VMSIM_EINVAL (a hugetlb page: cannot split), VMSIM_ENOMEM. */
int split_huge_at(struct vmsim_system *sys, struct process *p, vaddr_t addr);

/* Split transparent huge page @head into 512 pages, in every mapping. */
int split_huge_page(struct vmsim_system *sys, pfn_t head);

/* Drop @p's huge leaf *@pd mapping [@va, @va + its size). */
void zap_huge(struct vmsim_system *sys, struct process *p, vaddr_t va, pte_t *pd,
	      enum vmsim_page_size ps, struct flush_batch *b);

/* Note that @pa, inside a transparent huge page, was accessed. */
static inline void thp_touch(struct vmsim_system *sys, paddr_t pa)
{
	uint64_t i = pa >> 21, bit = (pa >> VMSIM_PAGE_SHIFT) & 511;
	sys->thp_touched[i][bit >> 6] |= 1ULL << (bit & 63);
}

/* Is frame @pfn (a leaf's) the zero page or part of the huge zero page? */
static inline bool is_zero_pfn(const struct vmsim_system *sys, pfn_t pfn)
{
	return pfn == sys->zero_pfn ||
	       (sys->huge_zero_pfn != PFN_NONE && pfn >= sys->huge_zero_pfn &&
		pfn < sys->huge_zero_pfn + 512);
}

/* Is @vma an area transparent huge pages may be used in (anonymous,
 * private, allowed by the thp setting and its advice)? */
bool thp_allowed(const struct vmsim_system *sys, const struct vma *vma);

/* What an allocation of a 2 MiB block may do when none is free. */
enum thp_defrag {
	THP_LIGHT,  /* fail at once (GFP_TRANSHUGE_LIGHT) */
	THP_WAKE,   /* fail, and let kswapd and kcompactd work for the next one */
	THP_DIRECT, /* reclaim to the low watermark and compact, then try again */
};

/* A zeroed 2 MiB block for a THP, leaving the low watermark free, doing
 * what @how allows when none is free. 0 or VMSIM_ENOMEM. */
int thp_alloc_block(struct vmsim_system *sys, enum thp_defrag how, pfn_t *pfn /* out */);

/* Make the 2 MiB block @pfn @p's anonymous huge page at @haddr of @vma,
 * mapped writable (if @vma is) and dirty by the empty PD entry *@pd; its
 * pieces count as untouched. RSS grows by 512 pages. */
void thp_install(struct vmsim_system *sys, struct process *p, const struct vma *vma, vaddr_t haddr,
		 pte_t *pd, pfn_t pfn);

/* ---- khugepaged.c ------------------------------------------------------- */
/* Called from the other os/ files: fault.c, fork.c, huge.c, mmap.c, system.c. */

/* Put @p on khugepaged's list if @vma is an area it may collapse in and
 * @p is not on it yet; khugepaged wakes at once when the list was empty. */
void khugepaged_enter(struct vmsim_system *sys, struct process *p, const struct vma *vma);

/* A fork: the child goes on the list if the parent is on it. */
void khugepaged_fork(struct vmsim_system *sys, const struct process *parent, struct process *child);

/* Time passed (vmsim_access reached kh.check_at, or vmsim_sleep): look at
 * the clock and run the passes that are due. */
void khugepaged_tick(struct vmsim_system *sys);

/* ---- compact.c ---------------------------------------------------------- */
/* Called from the other os/ files: huge.c. */

/* Memory compaction for a 2 MiB block (Linux's compact_zone for order 9):
 * move the movable pages out of the lowest 2 MiB physical blocks that hold
 * nothing else, into free frames elsewhere, until a free 2 MiB block
 * exists. @direct: an allocation waits for it (compact_stall), else
 * kcompactd does it. True if a free 2 MiB block exists afterwards. */
bool compact_huge(struct vmsim_system *sys, bool direct);

/* ---- wss.c -------------------------------------------------------------- */
/* Called from the other os/ files: fault.c. */

/* Sample every process's working set (see wss.c); vmsim_access calls it every
 * wss_window accesses. */
void wss_sample(struct vmsim_system *sys);

/* ---- check.c ------------------------------------------------------------ */
/* Called from the other os/ files: fault.c, fileio.c, fork.c, khugepaged.c, mlock.c, mmap.c,
 * mremap.c, pagecache.c, process.c. */

/* Run vmsim_check if the configuration asks for it after every event; a
 * failure is a simulator bug. */
void check_if_debug(struct vmsim_system *sys);

#endif
