/*
 * Real Linux processes through /proc, in the vocabulary of simulated ones:
 * the parsers behind `vmsim inspect`.
 *
 *	/proc/PID/status        VmSize, VmRSS and its anon/file/shmem split, VmPTE,
 *	                        VmSwap, VmPeak/VmHWM, HugetlbPages, Name, State, PPid,
 *	                        Uid, Threads
 *	/proc/PID/statm         sizes in pages (RSS split on kernels before 4.5)
 *	/proc/PID/stat          minflt, majflt
 *	/proc/PID/smaps_rollup  Pss, Private_*, Referenced, AnonHugePages, ...
 *	/proc/PID/smaps         the same per VMA (also the fallback for the rollup)
 *	/proc/PID/maps          VMA count and ranges
 *	/proc/PID/pagemap       physical frame of each page (root: PFNs are 0 without
 *	                        CAP_SYS_ADMIN), for frame sharing
 *	/proc/PID/clear_refs    writing 1 clears the referenced bits (working set)
 *
 * Everything in bytes (the kernel's "kB" is 1024 bytes). Every reader takes
 * the process's directory ("/proc/1234", or a fixture directory in the
 * tests), and the parsers work on text, so they can be tested on files
 * captured once (tests/data/procfs/). smaps, smaps_rollup, maps and
 * pagemap need ptrace access to the process (same user, or root): without
 * it the process's status is still read and the rest is marked missing.
 *
 * Callers: src/cli/cmd_inspect.c, src/report/report_json.c, tests.
 */
#ifndef VMSIM_REPORT_PROCFS_H
#define VMSIM_REPORT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/vm.h"

/* The counters of one smaps record, or of smaps_rollup (bytes). A key the
 * running kernel does not print stays 0. */
struct procfs_mem {
	uint64_t size;		   /* Size (per VMA only) */
	uint64_t kernel_page_size; /* KernelPageSize (per VMA only) */
	uint64_t mmu_page_size;	   /* MMUPageSize (per VMA only) */
	uint64_t rss;		   /* Rss */
	uint64_t pss;		   /* Pss: each page divided by its mappers */
	uint64_t pss_dirty;	   /* Pss_Dirty (6.0+) */
	uint64_t pss_anon;	   /* Pss_Anon (rollup, 5.3+) */
	uint64_t pss_file;	   /* Pss_File (rollup, 5.3+) */
	uint64_t pss_shmem;	   /* Pss_Shmem (rollup, 5.3+) */
	uint64_t shared_clean;	   /* Shared_Clean */
	uint64_t shared_dirty;	   /* Shared_Dirty */
	uint64_t private_clean;	   /* Private_Clean */
	uint64_t private_dirty;	   /* Private_Dirty */
	uint64_t referenced;	   /* Referenced: accessed since the last clear_refs */
	uint64_t anonymous;	   /* Anonymous */
	uint64_t ksm;		   /* KSM */
	uint64_t lazy_free;	   /* LazyFree (MADV_FREE) */
	uint64_t anon_huge;	   /* AnonHugePages: transparent huge pages */
	uint64_t shmem_pmd_mapped; /* ShmemPmdMapped */
	uint64_t file_pmd_mapped;  /* FilePmdMapped */
	uint64_t shared_hugetlb;   /* Shared_Hugetlb */
	uint64_t private_hugetlb;  /* Private_Hugetlb */
	uint64_t swap;		   /* Swap */
	uint64_t swap_pss;	   /* SwapPss */
	uint64_t locked;	   /* Locked */
};

/* One VMA from smaps (or maps, which has only the header line). */
struct procfs_vma {
	struct vmsim_smaps_entry e; /* the fields a simulated VMA has; e.name is path */
	uint64_t offset;	    /* file offset of start */
	unsigned dev_major;	    /* device of the file */
	unsigned dev_minor;
	uint64_t inode;	       /* 0: anonymous */
	char *path;	       /* owned: file, "[heap]", "[stack]", ... or "" */
	struct procfs_mem mem; /* the record's counters */
	int thp_eligible;      /* THPeligible: 0, 1, or -1 if absent */
	char vmflags[96];      /* VmFlags: "rd wr mr mw me ac", "" if absent */
};

/* The VMAs of a process, in address order. */
struct procfs_maps {
	struct procfs_vma *vma; /* owned array */
	size_t n;		/* in use */
	size_t cap;		/* allocated */
};

/* One process. */
struct procfs_proc {
	struct vmsim_proc_stats st; /* what a simulated process has too (bytes) */
	char name[64];		    /* Name: (the command, as status escapes it) */
	char state;		    /* State: R S D Z T t X I ... */
	int ppid;		    /* PPid */
	unsigned uid;		    /* real Uid */
	uint64_t threads;	    /* Threads */
	bool kthread;		    /* a kernel thread: no user address space */
	uint64_t vm_peak;	    /* VmPeak */
	uint64_t vm_hwm;	    /* VmHWM: peak RSS */
	uint64_t vm_lck;	    /* VmLck */
	uint64_t vm_data;	    /* VmData */
	uint64_t vm_stk;	    /* VmStk */
	uint64_t vm_exe;	    /* VmExe */
	uint64_t vm_lib;	    /* VmLib */
	bool have_rollup;	    /* rollup, st.pss and st.uss are valid */
	int rollup_err;		    /* else why not: VMSIM_EACCES, VMSIM_ENOENT, ... */
	bool have_maps;		    /* st.nr_vmas is valid */
	struct procfs_mem rollup;   /* smaps_rollup, or smaps summed on old kernels */
};

/* ---- parsers (pure: text in, struct out) ------------------------------- */

/*
 * Each parser reads the whole of @text (NUL-terminated file contents).
 * Returns 0, or VMSIM_EPARSE with "LINE: what was wrong" in @why (which
 * may be NULL). Lines or keys a parser does not know are skipped, so newer
 * kernels still parse.
 */
int procfs_parse_status(const char *text, struct procfs_proc *p /* in, out */, char *why,
			size_t whylen);
int procfs_parse_stat(const char *text, struct procfs_proc *p /* in, out */, char *why,
		      size_t whylen);
/* statm counts pages of @page_size bytes; it supplies the RSS split when
 * status has no RssAnon (kernels before 4.5): file = shared pages. Call
 * after procfs_parse_status. */
int procfs_parse_statm(const char *text, uint64_t page_size, struct procfs_proc *p /* in, out */,
		       char *why, size_t whylen);
/* smaps_rollup: its header line, then "Key: N kB" lines, added to @m. */
int procfs_parse_rollup(const char *text, struct procfs_mem *m /* in, out */, char *why,
			size_t whylen);
/* smaps or maps: VMAs appended to @out (procfs_maps_release frees them,
 * also after an error). */
int procfs_parse_smaps(const char *text, struct procfs_maps *out /* in, out */, char *why,
		       size_t whylen);

void procfs_maps_release(struct procfs_maps *m);

/* Sum the counters of every VMA of @m into @total (the rollup's totals). */
void procfs_maps_sum(const struct procfs_maps *m, struct procfs_mem *total /* out */);

/* ---- readers ------------------------------------------------------------ */

/*
 * Read the process whose /proc directory is @dir. status and stat are
 * required; statm, maps and smaps_rollup (smaps where the kernel has no
 * rollup) are read when allowed, else have_maps/have_rollup stay false and
 * rollup_err says why. Returns 0, VMSIM_ESRCH (no such process),
 * VMSIM_EACCES, VMSIM_EPARSE or VMSIM_EIO, with the file and reason in @why.
 */
int procfs_read_proc(const char *dir, struct procfs_proc *out /* out */, char *why, size_t whylen);

/* Read @dir/smaps into @out (initialised by the caller, e.g. to {0}).
 * Errors as procfs_read_proc. */
int procfs_read_smaps(const char *dir, struct procfs_maps *out /* out */, char *why, size_t whylen);

/* Write "1" to @dir/clear_refs: the referenced bits of the process's pages
 * are cleared, so smaps' Referenced counts only pages touched from now on
 * (this changes what the kernel's reclaim sees of the process, a little).
 * Returns 0, VMSIM_ESRCH, VMSIM_EACCES or VMSIM_EIO. */
int procfs_clear_refs(const char *dir, char *why, size_t whylen);

/* ---- frame sharing through pagemap ------------------------------------- */

/* A run of pages of the first process that map frames the second maps at a
 * run of the same length (the same offsets). */
struct procfs_share_range {
	vaddr_t start, end; /* [start, end) in the first process */
	vaddr_t other;	    /* where the run starts in the second */
	bool anon;	    /* anonymous pages (copy-on-write), not file or shmem */
	char *name;	    /* owned: the VMA's path in the first process, or "" */
};

struct procfs_share {
	uint64_t frames;		  /* distinct frames mapped by both */
	uint64_t frames_anon;		  /* of which anonymous (pagemap bit 61 clear) */
	uint64_t frames_file;		  /* of which file-backed or shared memory */
	uint64_t present;		  /* present pages in the first process */
	uint64_t other_present;		  /* present pages in the second */
	uint64_t unreadable;		  /* VMAs whose pagemap could not be read (skipped) */
	bool pfns_hidden;		  /* every frame number read as 0: not CAP_SYS_ADMIN */
	struct procfs_share_range *range; /* owned, in address order of the first */
	size_t nranges;
};

/*
 * Compare the physical frames behind two processes (directories @dir and
 * @other_dir) by reading both pagemaps. Frame numbers need CAP_SYS_ADMIN:
 * without it every frame reads as 0, pfns_hidden is set and frames is 0.
 * Returns 0, VMSIM_ESRCH, VMSIM_EACCES, VMSIM_ENOHOSTMEM, VMSIM_EIO, with
 * @why. procfs_share_release frees @out (also after an error).
 */
int procfs_share(const char *dir, const char *other_dir, struct procfs_share *out /* out */,
		 char *why, size_t whylen);
void procfs_share_release(struct procfs_share *s);

#endif
