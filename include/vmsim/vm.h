/*
 * The simulated machine and its kernel: processes, address spaces, system
 * calls, memory accesses with page faults handled as Linux handles them,
 * and accounting in /proc's vocabulary. This is vmsim's main public API.
 *
 * Every function returns 0 or a negative VMSIM_E* code and never exits or
 * aborts on bad arguments. System calls return the errors Linux returns for
 * the same arguments (VMSIM_EINVAL for EINVAL, VMSIM_ENOMEM for ENOMEM, ...).
 * Processes are named by pid (> 0).
 */
#ifndef VMSIM_VM_H
#define VMSIM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/mmu.h"
#include "vmsim/stats_table.h"
#include "vmsim/types.h"

struct vmsim_system; /* opaque: one machine (RAM, one CPU with its MMU) and its kernel */

/* ---- configuration ------------------------------------------------------ */

/* Cycles charged per event; time = cycles / (ghz * 1e9). */
struct vmsim_cost_cfg {
	double ghz;		 /* clock frequency, for converting cycles to time */
	uint32_t access;	 /* the work of one access itself (an L1 data-cache hit) */
	uint32_t tlb_l1_hit;	 /* extra cycles of an L1 TLB hit (usually 0) */
	uint32_t tlb_l2_hit;	 /* extra cycles of an L2 TLB hit */
	uint32_t walk_ref;	 /* each paging-structure entry read by a walk */
	uint32_t minor_fault;	 /* trap, handler and return, no I/O */
	uint32_t page_zero;	 /* zeroing a 4 KiB frame */
	uint32_t page_copy;	 /* copying a 4 KiB frame (copy-on-write) */
	uint32_t context_switch; /* switching processes (CR3 write included) */
	uint64_t major_fault_ns; /* device latency of a major fault (swap-in, file read) */
};

struct vmsim_config {
	uint64_t ram_bytes;	    /* simulated RAM */
	struct vmsim_mmu_cfg mmu;   /* the CPU: paging levels, TLBs, paging-structure caches */
	struct vmsim_cost_cfg cost; /* cost model */
	bool data_mode;		    /* frames hold real bytes (vmsim_load/vmsim_store) */
	bool segv_kills;	/* an invalid access ends the process (Linux's default action) */
	bool check_every_event; /* run vmsim_check after every call (debugging; slow) */
	uint64_t seed;		/* for anything random; printed in reports */
	/* memory pressure */
	uint64_t swap_bytes;	/* swap device size; 0: no swap */
	const char *swap_path;	/* swap file; NULL: an unnamed temporary file in $TMPDIR */
	const char *policy;	/* replacement policy (see vmsim paging --list) */
	uint64_t policy_tau;	/* working-set window of ws/wsclock, in accesses; 0: RAM frames */
	uint64_t wmark_min;	/* free-frame watermarks in frames; 0: derived from RAM */
	uint64_t wmark_low;	/*   below low, reclaim runs until free reaches high */
	uint64_t wmark_high;	/*   an allocation that would go below min reclaims first */
	uint64_t wss_window;	/* working-set sampling period in accesses; 0: off */
	bool oom_kill;		/* out of memory and swap: kill a process (else VMSIM_ENOMEM) */
	uint64_t memlock_limit; /* RLIMIT_MEMLOCK of every process in bytes; 0: unlimited */
	int overcommit_memory;	/* VMSIM_OVERCOMMIT_GUESS (0), _ALWAYS (1) or _NEVER (2) */
	uint64_t overcommit_ratio;  /* mode 2: percent of RAM in CommitLimit (Linux: 50) */
	uint64_t overcommit_kbytes; /* mode 2: KiB of RAM in CommitLimit instead; 0: use ratio */
	/* files */
	uint64_t fault_around_bytes;  /* read faults on files also map cached neighbours (Linux: 64
					 KiB) */
	uint64_t readahead_kb;	      /* file readahead window (Linux's read_ahead_kb: 128) */
	uint32_t pagecache_max_order; /* largest page-cache folio, 2^order pages (Linux: 9, PMD
					 order, where the file system allows it; 0: 4 KiB only) */
	/* huge pages */
	int thp;	     /* transparent huge pages: VMSIM_THP_NEVER, _MADVISE, _ALWAYS */
	int thp_defrag;	     /* may a THP fault compact and reclaim: VMSIM_THP_DEFRAG_* */
	uint64_t hugetlb_2m; /* 2 MiB pages reserved for MAP_HUGETLB at start */
	uint64_t hugetlb_1g; /* 1 GiB pages reserved for MAP_HUGETLB | MAP_HUGE_1GB */
	/* khugepaged: collapses 2 MiB ranges of 4 KiB anonymous pages into huge pages in the
	 * background, in areas THP allows (with thp=never it does nothing, as on Linux) */
	bool khugepaged;		     /* run it (Linux runs it whenever THP is enabled) */
	bool khugepaged_defrag;		     /* its allocations reclaim and compact (Linux: 1) */
	uint64_t khugepaged_pages_to_scan;   /* pages one pass looks at (Linux: 4096) */
	uint64_t khugepaged_scan_sleep_ms;   /* between passes (Linux: 10000) */
	uint64_t khugepaged_alloc_sleep_ms;  /* after a huge page could not be had (Linux: 60000) */
	uint64_t khugepaged_max_ptes_none;   /* empty or zero-page PTEs a collapse may fill (511) */
	uint64_t khugepaged_max_ptes_shared; /* pages mapped by other processes too (256) */
};

#define VMSIM_OVERCOMMIT_GUESS	0 /* heuristic: refuse one request larger than RAM + swap */
#define VMSIM_OVERCOMMIT_ALWAYS 1 /* never refuse */
#define VMSIM_OVERCOMMIT_NEVER	2 /* strict: Committed_AS stays below CommitLimit */

#define VMSIM_THP_NEVER	  0 /* never: 4 KiB pages only */
#define VMSIM_THP_MADVISE 1 /* in areas given MADV_HUGEPAGE (Debian's default) */
#define VMSIM_THP_ALWAYS  2 /* in every anonymous area unless MADV_NOHUGEPAGE */

/* transparent_hugepage/defrag: what a THP fault with no free 2 MiB block does */
#define VMSIM_THP_DEFRAG_ALWAYS	       0 /* reclaim and compact, waiting (any THP area) */
#define VMSIM_THP_DEFRAG_DEFER	       1 /* fall back at once; kswapd and kcompactd work */
#define VMSIM_THP_DEFRAG_DEFER_MADVISE 2 /* MADV_HUGEPAGE areas wait, others defer */
#define VMSIM_THP_DEFRAG_MADVISE       3 /* MADV_HUGEPAGE areas wait, others fall back (default) */
#define VMSIM_THP_DEFRAG_NEVER	       4 /* fall back at once */

/* Defaults: 1 GiB of RAM, the "skylake" CPU preset, 4-level paging, no data
 * mode, SIGSEGV kills, a 3 GHz cost model with an SSD-like major fault,
 * 1 GiB of swap in a temporary file, the clock replacement policy,
 * watermarks derived from RAM as Linux derives them. */
VMSIM_API void vmsim_config_default(struct vmsim_config *cfg /* out */);

/* ---- the system --------------------------------------------------------- */

/* What is wrong with @cfg, in words ("RAM must be at least 256 KiB"), or
 * NULL if vmsim_system_new should accept it: for error messages that name the
 * setting. The text is static or stays valid until the next call. */
VMSIM_API const char *vmsim_config_problem(const struct vmsim_config *cfg);

/* Build a machine from @cfg. Returns 0 and *@out, or VMSIM_EINVAL (bad
 * configuration), VMSIM_ENOHOSTMEM, or VMSIM_EIO when the swap file cannot
 * be created at its size (errno says why: EFBIG, ENOSPC, EACCES, ...). */
VMSIM_API int vmsim_system_new(const struct vmsim_config *cfg, struct vmsim_system **out /* out */);
VMSIM_API void vmsim_system_free(struct vmsim_system *sys);

/* The configuration the system runs with. */
VMSIM_API const struct vmsim_config *vmsim_system_config(const struct vmsim_system *sys);

/* The machine idles for @ns nanoseconds of simulated time: the estimated
 * time (and its idle share) grows, and the kernel's background work due in
 * that time runs (khugepaged's passes). 0, or VMSIM_EINVAL when @ns is
 * beyond 10^6 seconds. */
VMSIM_API int vmsim_sleep(struct vmsim_system *sys, uint64_t ns);

/* ---- processes ---------------------------------------------------------- */

/* Create a process with an empty address space; its pid in *@pid. Returns
 * 0, VMSIM_ENOMEM (no frame for its page tables) or VMSIM_EAGAIN-like
 * VMSIM_ERANGE (pid table full). */
VMSIM_API int vmsim_process_create(struct vmsim_system *sys, int *pid /* out */);

/* Lay out @pid's address space like a freshly executed program: text
 * (r-x) at 0x400000, data (rw-) after it, the heap (brk) start after data,
 * a stack (rw-) of @stack bytes ending at the top of user space. Sizes are
 * rounded up to pages. Returns 0 or a vmsim_mmap error. */
VMSIM_API int vmsim_exec_layout(struct vmsim_system *sys, int pid, uint64_t text, uint64_t data,
				uint64_t stack);

/* Where a new image's heap starts, as execve sets it: @pid's break and
 * the start of its heap become @start (the heap is empty; areas already
 * mapped stay). For replaying a recorded program, whose kernel chose the
 * break. VMSIM_ESRCH, VMSIM_EINVAL (@start below the first page or in the
 * mmap area). */
VMSIM_API int vmsim_brk_reset(struct vmsim_system *sys, int pid, vmsim_vaddr_t start);

/* fork(): a child with a copy-on-write copy of @ppid's address space. */
VMSIM_API int vmsim_fork(struct vmsim_system *sys, int ppid, int *child /* out */);

/* exit(): free every page, page table and VMA of @pid. */
VMSIM_API int vmsim_exit(struct vmsim_system *sys, int pid);

/* Make @pid the process running on the CPU (a CR3 write). */
VMSIM_API int vmsim_switch(struct vmsim_system *sys, int pid);

/* Is @pid alive? */
VMSIM_API bool vmsim_process_alive(const struct vmsim_system *sys, int pid);

/* The smallest pid above @after that exists or existed (its counters stay
 * readable after exit), or 0 when there is none: for (pid = vmsim_pid_next(sys,
 * 0); pid; pid = vmsim_pid_next(sys, pid)). */
VMSIM_API int vmsim_pid_next(const struct vmsim_system *sys, int after);

/* ---- system calls ------------------------------------------------------- */

#define VMSIM_PROT_NONE	 0x0
#define VMSIM_PROT_READ	 0x1
#define VMSIM_PROT_WRITE 0x2
#define VMSIM_PROT_EXEC	 0x4

#define VMSIM_MAP_SHARED	  0x01
#define VMSIM_MAP_PRIVATE	  0x02
#define VMSIM_MAP_FIXED		  0x10
#define VMSIM_MAP_ANONYMOUS	  0x20
#define VMSIM_MAP_LOCKED	  0x2000 /* mlock the area at once (populated, unevictable) */
#define VMSIM_MAP_NORESERVE	  0x4000
#define VMSIM_MAP_POPULATE	  0x8000
#define VMSIM_MAP_FIXED_NOREPLACE 0x100000
#define VMSIM_MAP_HUGETLB	  0x40000     /* from the hugetlb pool (2 MiB unless _1GB) */
#define VMSIM_MAP_HUGE_2MB	  (21U << 26) /* MAP_HUGETLB page size: 2 MiB */
#define VMSIM_MAP_HUGE_1GB	  (30U << 26) /* MAP_HUGETLB page size: 1 GiB */

#define VMSIM_MADV_NORMAL     0
#define VMSIM_MADV_RANDOM     1
#define VMSIM_MADV_SEQUENTIAL 2
#define VMSIM_MADV_WILLNEED   3
#define VMSIM_MADV_DONTNEED   4
#define VMSIM_MADV_HUGEPAGE   14
#define VMSIM_MADV_NOHUGEPAGE 15

/* mmap(): map @len bytes at @addr (a hint unless MAP_FIXED*) and return the
 * address in *@out. Without MAP_ANONYMOUS, @fd is a file from vmsim_file_open
 * or vmsim_file_create_virtual and @offset (page aligned) where the mapping
 * starts in it; the mapping may reach past the end of the file (touching a
 * page wholly past it raises SIGBUS). MAP_POPULATE faults every page in
 * now, counting the faults. Errors as Linux: EINVAL (len 0, flags without
 * exactly one of SHARED/PRIVATE, unaligned fixed address or offset), EBADF
 * (no such file), EACCES (a shared writable mapping of a file opened
 * read-only), ENOMEM (no room), EEXIST (MAP_FIXED_NOREPLACE over a
 * mapping). */
VMSIM_API int vmsim_mmap(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr, uint64_t len,
			 int prot, int flags, int fd, uint64_t offset,
			 vmsim_vaddr_t *out /* out */);

/* munmap(): unmap [@addr, @addr+@len); unmapped parts are fine. EINVAL for
 * an unaligned @addr or @len 0. */
VMSIM_API int vmsim_munmap(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr, uint64_t len);

/* mprotect(): EINVAL (unaligned, bad prot bits), ENOMEM (part of the range
 * unmapped: nothing changed then). */
VMSIM_API int vmsim_mprotect(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr, uint64_t len,
			     int prot);

/* brk(): ask for the program break @addr; *@out gets the break in effect
 * afterwards (the old one if the request cannot be met, as Linux does). */
VMSIM_API int vmsim_brk(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr,
			vmsim_vaddr_t *out /* out */);

/* madvise(): MADV_DONTNEED drops the pages of a range (a private anonymous
 * page's next touch sees zeros, a file page comes back from the file);
 * MADV_HUGEPAGE / MADV_NOHUGEPAGE allow or forbid transparent huge pages;
 * the others record the access pattern (readahead). EINVAL (bad advice,
 * unaligned; MADV_DONTNEED meeting a locked area, after dropping the pages
 * of the areas before it, as Linux), ENOMEM (holes in the range). */
VMSIM_API int vmsim_madvise(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr, uint64_t len,
			    int advice);

#define VMSIM_MREMAP_MAYMOVE   1 /* the area may move if it cannot grow in place */
#define VMSIM_MREMAP_FIXED     2 /* move it to @new_addr (needs MAYMOVE) */
#define VMSIM_MREMAP_DONTUNMAP 4 /* move the pages, leave the old area mapped and empty */

/* mremap(): resize [@old_addr, @old_addr+@old_len), which must lie in one
 * area, to @new_len bytes, and return where it is now in *@out. Shrinking
 * unmaps the tail; growing extends the area in place when the addresses
 * after it are free, else moves it (MREMAP_MAYMOVE) to a new place with
 * its pages (page-table entries move; no page is copied, so contents,
 * sharing, swap entries and dirtiness go with them); MREMAP_FIXED moves it
 * to @new_addr, unmapping what was there. A locked area's new part is
 * faulted in. Errors as Linux: EINVAL (unaligned address, bad flags,
 * @new_len 0, FIXED without MAYMOVE, overlapping FIXED ranges, a hugetlb
 * area grown or cut off its pages), EFAULT (no area at @old_addr, or the
 * range leaves it), ENOMEM (cannot grow in place and may not move, or no
 * room, or the commit limit). */
VMSIM_API int vmsim_mremap(struct vmsim_system *sys, int pid, vmsim_vaddr_t old_addr,
			   uint64_t old_len, uint64_t new_len, int flags, vmsim_vaddr_t new_addr,
			   vmsim_vaddr_t *out /* out */);

#define VMSIM_MLOCK_ONFAULT 1 /* mlock2: lock pages as they are faulted, not now */

/* mlock2() / mlock() (@flags 0): lock the pages of the range in memory:
 * they are faulted in now (unless MLOCK_ONFAULT) and reclaim never evicts
 * them (Linux's unevictable list). The range is widened to whole pages.
 * EINVAL (unknown flags), ENOMEM (part of the range unmapped: the mapped
 * part before the hole is locked, as on Linux, or over memlock_limit; or,
 * as Linux 6.x, the range is locked but a PROT_NONE area or a page past the
 * end of its file stopped the faulting in, the pages before it faulted),
 * EAGAIN (no frame for a page). */
VMSIM_API int vmsim_mlock(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr, uint64_t len,
			  int flags);

/* munlock(): the pages of the range become evictable again. ENOMEM (part
 * of the range unmapped). */
VMSIM_API int vmsim_munlock(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr, uint64_t len);

#define VMSIM_MCL_CURRENT 1 /* mlockall: every area mapped now */
#define VMSIM_MCL_FUTURE  2 /* and every area mapped later (mmap, brk, mremap growth) */
#define VMSIM_MCL_ONFAULT 4 /* as pages are faulted, not now */

/* mlockall() / munlockall(). EINVAL (no CURRENT or FUTURE, unknown bits),
 * ENOMEM (over memlock_limit). */
VMSIM_API int vmsim_mlockall(struct vmsim_system *sys, int pid, int flags);
VMSIM_API int vmsim_munlockall(struct vmsim_system *sys, int pid);

#define VMSIM_MS_ASYNC	    1
#define VMSIM_MS_INVALIDATE 2
#define VMSIM_MS_SYNC	    4

/* msync(): write the dirty pages of shared file mappings in the range back
 * to their files (MS_SYNC and MS_ASYNC both write now; the difference is not
 * visible in a simulation); the pages become clean and write-protected, so
 * the next write faults to dirty them again. EINVAL (unaligned, both SYNC
 * and ASYNC, unknown flags), ENOMEM (part of the range unmapped), EIO (a
 * write-back failed now, or earlier at munmap or reclaim: reported once). */
VMSIM_API int vmsim_msync(struct vmsim_system *sys, int pid, vmsim_vaddr_t addr, uint64_t len,
			  int flags);

/* ---- files -------------------------------------------------------------- */

/* Open the host file @path (read-write if @writable) for mapping; its
 * handle in *@fd. The handle is the system's, not a process's: any process
 * may map it. VMSIM_EIO (cannot open), VMSIM_EINVAL (not a regular file). */
VMSIM_API int vmsim_file_open(struct vmsim_system *sys, const char *path, bool writable,
			      int *fd /* out */);

/* A file of @size bytes that exists only in the simulation (contents zero,
 * I/O counted but no bytes move): for trace studies where sizes matter. */
VMSIM_API int vmsim_file_create_virtual(struct vmsim_system *sys, uint64_t size, int *fd /* out */);

/* Close a handle; mappings of the file keep it (and its page cache) alive.
 * VMSIM_EIO (the handle is closed anyway) if a write-back of the file failed
 * since msync or close last reported it. */
VMSIM_API int vmsim_file_close(struct vmsim_system *sys, int fd);

/* truncate(): the file's new size; pages past it leave every mapping and
 * the page cache (an access there then raises SIGBUS). VMSIM_EACCES for a
 * read-only file. */
VMSIM_API int vmsim_file_truncate(struct vmsim_system *sys, int fd, uint64_t size);

/* ---- file I/O through the page cache ------------------------------------ */

/*
 * read() / pread(): up to @len bytes of @fd's file from the handle's
 * position (which advances) / from @offset, through the page cache with
 * Linux's readahead (each handle has its own readahead state, like an open
 * file description). @buf receives the bytes in data mode; NULL only counts
 * (no bytes move: the one choice without data mode). *@done (may be NULL):
 * bytes read, short at the end of the file, 0 past it. VMSIM_EBADF,
 * VMSIM_ENOTSUP (a buffer without data mode), VMSIM_EIO, VMSIM_ENOMEM.
 */
VMSIM_API int vmsim_file_read(struct vmsim_system *sys, int fd, void *buf, uint64_t len,
			      uint64_t *done /* out */);
VMSIM_API int vmsim_file_pread(struct vmsim_system *sys, int fd, void *buf, uint64_t len,
			       uint64_t offset, uint64_t *done /* out */);

/*
 * write() / pwrite(): @len bytes from @buf (NULL: counted only, as for
 * reads) into the page cache at the position / at @offset, growing the file
 * past its end. The pages become dirty and are the same pages every mapping
 * of the file maps: a shared mapping sees the bytes at once. fsync,
 * fdatasync, msync, reclaim or the last close write them back. VMSIM_EBADF
 * (no such handle, or opened read-only), VMSIM_ENOTSUP, VMSIM_ENOMEM.
 */
VMSIM_API int vmsim_file_write(struct vmsim_system *sys, int fd, const void *buf, uint64_t len,
			       uint64_t *done /* out */);
VMSIM_API int vmsim_file_pwrite(struct vmsim_system *sys, int fd, const void *buf, uint64_t len,
				uint64_t offset, uint64_t *done /* out */);

#define VMSIM_SEEK_SET 0
#define VMSIM_SEEK_CUR 1
#define VMSIM_SEEK_END 2

/* lseek(): the handle's new position in *@pos (may be NULL). VMSIM_EBADF,
 * VMSIM_EINVAL (bad whence, a negative result). */
VMSIM_API int vmsim_file_seek(struct vmsim_system *sys, int fd, int64_t offset, int whence,
			      uint64_t *pos /* out */);

/* fsync() / fdatasync(): write every dirty cached page of the file back and
 * write-protect its shared mappings (the next store faults to dirty the page
 * again). The two are the same here: no metadata is simulated. VMSIM_EBADF,
 * VMSIM_EIO (a write-back failed now or since the last report). */
VMSIM_API int vmsim_file_fsync(struct vmsim_system *sys, int fd);
VMSIM_API int vmsim_file_fdatasync(struct vmsim_system *sys, int fd);

/* The file's read_ahead_kb (every file starts with the machine's
 * readahead_kb, Linux's per-device setting); 0 turns readahead off. */
VMSIM_API int vmsim_file_set_readahead(struct vmsim_system *sys, int fd, uint64_t kb);

struct vmsim_file_stats {
	uint64_t size;	 /* bytes */
	uint64_t cached; /* bytes in the page cache */
	uint64_t dirty;	 /* bytes in the page cache not yet written back */
	uint64_t reads;	 /* pages read from the file */
	uint64_t writes; /* pages written back to it */
};

VMSIM_API int vmsim_file_stats(struct vmsim_system *sys, int fd,
			       struct vmsim_file_stats *out /* out */);

/*
 * Put bytes [@offset, @offset + @len) of @fd's file (@len past the end: up
 * to the end) into the page cache as an earlier user of the file left them:
 * clean, on the LRU, without a readahead mark, in folios of up to 2^@order
 * pages (aligned, wholly inside the range; capped by the machine's
 * pagecache_max_order; smaller where a larger one does not fit or finds no
 * free block). Pages already cached stay as they are. No fault and no file
 * read is counted (in data mode the bytes are read from the host file).
 * For starting a simulation with the cache a recorded program found.
 * *@added (may be NULL): bytes added. VMSIM_EBADF, VMSIM_EINVAL (shared
 * anonymous memory), VMSIM_ENOMEM (memory ran out: what was added stays),
 * VMSIM_EIO, VMSIM_ENOHOSTMEM.
 */
VMSIM_API int vmsim_file_cache(struct vmsim_system *sys, int fd, uint64_t offset, uint64_t len,
			       unsigned order, uint64_t *added /* out */);

/* ---- memory accesses ---------------------------------------------------- */

enum vmsim_access_kind {
	VMSIM_READ = 0,	 /* load */
	VMSIM_WRITE = 1, /* store */
	VMSIM_EXEC = 2,	 /* instruction fetch */
};

enum vmsim_segv_reason {
	VMSIM_SEGV_MAPERR = 1, /* no mapping at the address (SEGV_MAPERR) */
	VMSIM_SEGV_ACCERR = 2, /* the mapping forbids the access (SEGV_ACCERR) */
	VMSIM_SIGBUS_IO = 3,  /* SIGBUS: the page could not be read back (swap or file I/O error) */
	VMSIM_SIGBUS_EOF = 4, /* SIGBUS: a file mapping touched past the end of the file */
	VMSIM_SIGBUS_HUGETLB = 5, /* SIGBUS: a MAP_HUGETLB fault found its pool empty */
};

/* A reason in words: "SIGSEGV: nothing is mapped there", ... (never NULL). */
VMSIM_API const char *vmsim_segv_reason_str(enum vmsim_segv_reason reason);

/* What one access did. */
struct vmsim_access_result {
	unsigned faults_minor;	       /* minor faults it took */
	unsigned faults_major;	       /* major faults it took */
	bool killed;		       /* the process died during it (SIGSEGV or OOM kill) */
	bool segv;		       /* it raised SIGSEGV */
	enum vmsim_segv_reason reason; /* if segv */
	vmsim_vaddr_t segv_addr;       /* if segv: the faulting address */
	vmsim_paddr_t pa;	       /* physical address of the last byte's page + offset */
};

/*
 * @pid touches [@va, @va+@size) with an access of @kind, switching the CPU
 * to @pid first if needed. An access crossing a page boundary is split into
 * one access per page. Faults are handled; an invalid access raises SIGSEGV
 * (recorded; the process ends when segv_kills). @res may be NULL. Returns 0
 * (also when the access raised SIGSEGV: see @res), VMSIM_ESRCH (no such
 * live process), VMSIM_EINVAL (size 0 or above 1 MiB), VMSIM_ENOMEM (no
 * frame to resolve a fault).
 */
VMSIM_API int vmsim_access(struct vmsim_system *sys, int pid, vmsim_vaddr_t va, uint32_t size,
			   enum vmsim_access_kind kind,
			   struct vmsim_access_result *res /* out, may be NULL */);

/* Data mode: copy @n bytes from @pid's memory at @va into @buf, or from
 * @buf into it, through the MMU. VMSIM_EFAULT if some byte raised SIGSEGV
 * (bytes before it were moved), VMSIM_ENOTSUP without data mode. */
VMSIM_API int vmsim_load(struct vmsim_system *sys, int pid, vmsim_vaddr_t va, void *buf, size_t n);
VMSIM_API int vmsim_store(struct vmsim_system *sys, int pid, vmsim_vaddr_t va, const void *buf,
			  size_t n);

/* What the page walk for one address of a process finds, level by level,
 * without side effects (no accessed bits, no TLB). */
struct vmsim_walk_level {
	unsigned level;	   /* 5 (PML5) .. 1 (PT) */
	const char *name;  /* "PML4", "PDPT", "PD", "PT", "PML5" */
	vmsim_pfn_t table; /* frame of the table read */
	unsigned index;	   /* entry index in it */
	uint64_t entry;	   /* the 64-bit entry, as stored */
};

struct vmsim_walk_info {
	vmsim_vaddr_t va;		  /* the address */
	unsigned nlevels;		  /* levels read (the walk stops at a leaf or a hole) */
	struct vmsim_walk_level level[5]; /* top first */
	bool mapped;			  /* a present leaf maps it */
	vmsim_paddr_t pa;		  /* its physical address if mapped */
	enum vmsim_page_size ps;	  /* page size if mapped */
	bool swapped;			  /* a swap entry stands in the leaf */
	uint64_t swap_slot;		  /* which slot then */
};

/* Describe the walk of @va in @pid's page tables. VMSIM_ESRCH, VMSIM_ENONCANON. */
VMSIM_API int vmsim_walk_describe(struct vmsim_system *sys, int pid, vmsim_vaddr_t va,
				  struct vmsim_walk_info *out /* out */);

/* Which page-table flags an entry has, as text ("P RW US A D NX ..."). */
VMSIM_API const char *vmsim_pte_flags_str(uint64_t entry, char *buf, size_t len);

/* ---- accounting --------------------------------------------------------- */

/* One process, in /proc's terms (bytes unless said otherwise): one member
 * per row of VMSIM_PROC_STATS (stats_table.h, which says what each counts). */
struct vmsim_proc_stats {
#define VMSIM__PROC_MEMBER(field, type, unit, kind, scope, json, figure, csv, sec, label, doc)     \
	VMSIM_STAT_CTYPE_##type field;
	VMSIM_PROC_STATS(VMSIM__PROC_MEMBER)
#undef VMSIM__PROC_MEMBER
};

VMSIM_API int vmsim_proc_stats(struct vmsim_system *sys, int pid,
			       struct vmsim_proc_stats *out /* out */);

/* One VMA, as /proc/PID/smaps shows it (bytes). */
struct vmsim_smaps_entry {
	vmsim_vaddr_t start, end; /* [start, end) */
	int prot;		  /* VMSIM_PROT_* */
	int flags;	  /* VMSIM_MAP_SHARED / VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS ... */
	const char *name; /* "[heap]", "[stack]", "[text]", "[data]", or "" */
	uint64_t size, rss, pss;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced; /* pages with the accessed bit set */
	uint64_t anonymous;  /* anonymous pages (zero page excluded) */
	uint64_t anon_huge;  /* AnonHugePages */
	uint64_t swap;	     /* Swap */
};

/* Call @fn for each VMA of @pid in address order; stops at a non-zero return. */
VMSIM_API int vmsim_smaps(struct vmsim_system *sys, int pid,
			  int (*fn)(const struct vmsim_smaps_entry *e, void *arg), void *arg);

/* The whole machine: one member per row of VMSIM_SYS_STATS (stats_table.h,
 * which says what each counts), then the MMU's counters. */
struct vmsim_sys_stats {
#define VMSIM__SYS_MEMBER(field, type, unit, kind, json, figure, csv, sec, label, doc)             \
	VMSIM_STAT_CTYPE_##type field;
	VMSIM_SYS_STATS(VMSIM__SYS_MEMBER)
#undef VMSIM__SYS_MEMBER
	struct vmsim_mmu_stats mmu; /* the CPU's MMU counters (rows of VMSIM_SYS_MMU_STATS) */
};

VMSIM_API int vmsim_sys_stats(struct vmsim_system *sys, struct vmsim_sys_stats *out /* out */);

/* A recorded SIGSEGV. */
struct vmsim_segv_record {
	int pid;
	vmsim_vaddr_t addr;
	enum vmsim_access_kind kind;
	enum vmsim_segv_reason reason;
};

/* The @i-th SIGSEGV raised (0-based); VMSIM_ERANGE past the last. */
VMSIM_API int vmsim_segv_get(const struct vmsim_system *sys, uint64_t i,
			     struct vmsim_segv_record *out /* out */);

/* A recorded out-of-memory kill. */
struct vmsim_oom_record {
	int pid;	 /* the process killed */
	uint64_t rss;	 /* its resident bytes then */
	uint64_t swap;	 /* its swapped-out bytes then */
	int trigger_pid; /* the process whose allocation failed */
};

/* The @i-th OOM kill (0-based); VMSIM_ERANGE past the last. */
VMSIM_API int vmsim_oom_get(const struct vmsim_system *sys, uint64_t i,
			    struct vmsim_oom_record *out /* out */);

/*
 * Check every invariant of the machine: frames conserved (free + page
 * tables + user pages + kernel pages = total, no frame leaked); each user
 * frame's mapcount and refcount equal to the PTEs that map it; every present
 * PTE inside a VMA and granting no more than it; no TLB or paging-structure
 * cache entry without a matching PTE. Returns 0 or VMSIM_ECHECK with the
 * first violation in @why.
 */
VMSIM_API int vmsim_check(struct vmsim_system *sys, char *why, size_t whylen);

#endif
