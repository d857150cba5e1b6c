/*
 * A CPU scheduler over a vmsim_system, simulated event by event: several
 * processes share the one CPU round-robin; a process that takes a major
 * fault waits for the paging device, which serves one request at a time in
 * arrival order (requests queue); a process in a non-paging I/O burst waits
 * for its own device; the CPU idles only when no process is ready. This is
 * what turns vmsim's counters into the textbook picture of multiprogramming
 * and thrashing: CPU utilisation against the number of processes.
 *
 *   time ──►   CPU  | P1 ██▌ P2 ███ P3 █▌ idle ·· P1 ██ ...
 *          paging   |      [P1 read ][P3 read ][P1 read ]   one at a time
 *          I/O      |            [P2 I/O burst ........]   never queues
 *
 * Time is counted in CPU cycles. A slice of a process costs what vmsim_sys_stats'
 * cost model charges for its accesses (TLB hits, walks, minor faults,
 * zeroing, copies, context switches; everything but the major-fault wait)
 * plus the work the workload attaches to each access. The major-fault wait
 * is not CPU time here: the process blocks for the device instead.
 *
 * Only the public vm_* API is used; the scheduler drives vmsim_access like any
 * other caller, so the kernel's counters (vmsim_sys_stats, vmsim_proc_stats) stay
 * true. Runs are deterministic for a given configuration and seed.
 */
#ifndef VMSIM_SCHED_H
#define VMSIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "vmsim/vm.h"

/* ---- paging-device presets ---------------------------------------------- */

/*
 * The major-fault latency of a named paging device, in *@ns: "nvme" (a fast
 * NVMe drive, 20 us), "ssd" (100 us, vmsim's default), "hdd" (a 7200 rpm
 * disk: seek plus half a turn, 10 ms). Returns 0, or VMSIM_EINVAL for any
 * other name (*@ns untouched).
 */
VMSIM_API int vmsim_device_preset(const char *name, uint64_t *ns /* out */);

/* The preset names in the order above, NULL-terminated (for usage texts). */
VMSIM_API const char *const *vmsim_device_preset_names(void);

/* ---- workloads ------------------------------------------------------------ */

/* One step of a process: an access, the CPU work that goes with it, and
 * optionally a non-paging I/O burst right after it. */
struct vmsim_sched_op {
	vmsim_vaddr_t va;	     /* first byte touched */
	uint32_t size;		     /* bytes, 1 .. 1 MiB */
	enum vmsim_access_kind kind; /* load, store or fetch */
	uint32_t compute;	     /* CPU cycles of work beyond the cost model's */
	uint64_t io_ns;		     /* > 0: then block this long on non-paging I/O */
	int pid;		     /* 0: the task's process; else another live process the
					generator drives as part of the task (a traced
					program's fork child): its death does not end the
					task, and an access of it after it died is skipped */
};

/*
 * A workload generator: write process @pid's next step into *@op. Return 0
 * (the step is in *@op), 1 (the process has finished: it is no longer
 * scheduled and is not ended in the kernel) or a negative VMSIM_E* (the
 * run stops with that error). Called only when the process runs.
 */
typedef int (*vmsim_sched_next_fn)(void *arg, int pid, struct vmsim_sched_op *op /* out */);

/* Access order of the built-in model over its W pages. */
enum vmsim_sched_pattern {
	VMSIM_SCHED_UNIFORM = 0, /* each access picks one of the W pages uniformly (seeded) */
	VMSIM_SCHED_LOOP = 1,	 /* 0, 1, ..., W-1, 0, 1, ...: LRU's and clock's worst case */
};

/*
 * The built-in model: a process that computes over W pages of private
 * anonymous memory and does some I/O now and then. Its first W accesses
 * store to each page once, in order (populating its memory); after that it
 * follows @pattern. Between I/O bursts it makes a number of accesses drawn
 * uniformly from [B/2, 3B/2] (seeded), so identical processes drift apart.
 */
struct vmsim_sched_model {
	uint64_t pages;			  /* W: pages it works on (> 0) */
	enum vmsim_sched_pattern pattern; /* order of accesses after the first pass */
	uint32_t write_pct;		  /* % of accesses after the first pass that store */
	uint32_t compute;		  /* c: CPU cycles of work per access */
	uint64_t io_every;		  /* B: mean accesses between I/O bursts; 0: no I/O */
	uint64_t io_ns;			  /* D: length of each burst */
};

/* One process to schedule: an existing one driven by a generator, or a new
 * one the scheduler creates (vmsim_process_create plus one vmsim_mmap of W pages)
 * and drives with the built-in model. */
struct vmsim_sched_task {
	vmsim_sched_next_fn next;	/* non-NULL: drive process @pid with it */
	void *arg;			/*   passed to @next */
	int pid;			/*   an existing live process */
	struct vmsim_sched_model model; /* @next NULL: the built-in model */
};

struct vmsim_sched_cfg {
	const struct vmsim_sched_task *tasks; /* the processes, in initial run-queue order */
	unsigned ntasks;		      /* > 0 */
	uint64_t quantum;		      /* time slice in accesses; 0: 1000 */
	uint64_t duration_ns;		      /* stop once the measured time reaches it; 0: none */
	uint64_t max_accesses;		      /* stop after this many measured accesses; 0: none */
	uint64_t warmup_ns;		      /* run this long first, outside the measurement */
	uint64_t wss_window;		      /* tau in each process's own accesses; 0: 10000 */
	bool writeback_on_device; /* swap-outs occupy the paging device (nobody waits) */
	uint64_t seed;		  /* the built-in model's random choices */
};

/* Defaults: no tasks, quantum 1000 accesses, 100 ms measured after 10 ms of
 * warm-up, tau 10000, write-back not on the device (as vmsim_sys_stats, which
 * charges a swap-out only its page copy), seed 1. */
VMSIM_API void vmsim_sched_cfg_default(struct vmsim_sched_cfg *cfg /* out */);

/* ---- results ------------------------------------------------------------- */

/* One process over the measured period. */
struct vmsim_sched_proc_result {
	int pid;		/* its pid (created ones included) */
	uint64_t accesses;	/* vmsim_access calls it made */
	uint64_t faults_major;	/* of which took a major fault */
	uint64_t io_bursts;	/* non-paging I/O bursts it started */
	uint64_t cpu_cycles;	/* running on the CPU */
	uint64_t ready_cycles;	/* ready, waiting for the CPU */
	uint64_t paging_cycles; /* blocked on the paging device (queue and service) */
	uint64_t io_cycles;	/* blocked on non-paging I/O */
	uint64_t wss_pages;	/* mean working set: distinct pages per window of tau
				   (no window completed while measured: the last
				   complete one, else the pages of the open one) */
	uint64_t wss_last;	/* in its last complete window (0: none completed) */
	bool finished;		/* its generator returned 1 */
	bool killed;		/* it died (SIGSEGV or the OOM killer) */
};

/* The paging device over the measured period. */
struct vmsim_sched_dev_result {
	uint64_t reads;		 /* page reads: one per major fault */
	uint64_t writes;	 /* swap-outs it carried (writeback_on_device) */
	double busy;		 /* fraction of the measured time it was serving */
	double mean_wait_ns;	 /* request issued -> service starts (queueing), mean */
	double mean_response_ns; /* request issued -> done, mean over reads */
	uint64_t max_queue;	 /* most requests outstanding at once */
};

struct vmsim_sched_result {
	/* time, in cycles of the configured clock, over the measured period */
	uint64_t wall_cycles; /* simulated wall time */
	uint64_t busy_cycles; /* the CPU ran some process */
	uint64_t idle_cycles; /* no process was ready */
	double wall_seconds;  /* wall_cycles at the configured clock */
	double utilisation;   /* busy / wall */
	/* paging activity */
	uint64_t accesses;	    /* all processes */
	uint64_t faults_major;	    /* the kernel's count (vmsim_sys_stats) */
	uint64_t faults_minor;	    /* the kernel's count */
	double faults_per_second;   /* major faults per simulated second */
	double faults_per_access;   /* major faults per access */
	uint64_t swap_ins;	    /* pages read back from swap */
	uint64_t swap_outs;	    /* pages written to swap */
	uint64_t refaults;	    /* swap-ins of recently evicted pages */
	double refaults_per_second; /* refaults per simulated second */
	uint64_t context_switches;  /* the kernel's count */
	struct vmsim_sched_dev_result dev;
	/* working sets and thrashing */
	uint64_t wss_total_pages;  /* sum of the processes' mean working sets */
	uint64_t frames_available; /* frames user pages may use: total - page tables - kernel */
	double paging_share;	   /* of the processes' time, the part spent waiting for the
				      paging device: sum of paging_cycles / (nprocs * wall) */
	bool thrashing;		   /* wss_total_pages > frames_available and the processes
				      together waited for paging longer than they ran
				      (Denning: more time paging than computing) */
	bool kernel_thrashing;	   /* vmsim_sys_stats' flag at the end (needs its wss_window) */
	uint64_t kernel_wss_total; /* vmsim_sys_stats' wss_total at the end (bytes) */
	/* per process, in task order */
	unsigned nprocs; /* = cfg->ntasks */
	struct vmsim_sched_proc_result
	    *procs; /* nprocs entries; vmsim_sched_result_release frees */
};

/*
 * Run the tasks of @cfg on @sys until the measured period (after warm-up)
 * reaches duration_ns or max_accesses, whichever comes first, or until no
 * process is left. At least one limit is needed unless every task has a
 * generator. The period ends at a slice boundary, so it may overshoot by a
 * slice. Returns 0 with *@out filled (release it with
 * vmsim_sched_result_release), or VMSIM_EINVAL (no tasks, no limit, a dead
 * pid, W = 0, a bad op size), VMSIM_ENOHOSTMEM, or an error of
 * vmsim_process_create, vmsim_mmap, vmsim_access or a generator: then *@out holds
 * nothing to release, and the processes created so far stay in @sys.
 */
VMSIM_API int vmsim_sched_run(struct vmsim_system *sys, const struct vmsim_sched_cfg *cfg,
			      struct vmsim_sched_result *out /* out */);

/*
 * Several recorded programs at once: replay the @n traces @paths (any
 * format vmsim reads: its own, lackey, ChampSim; compressed or not) on
 * @sys as @n tasks of the scheduler, one per trace, in the order given;
 * the processes a trace forks run within its task. @cfg's tasks are
 * ignored; give duration_ns = 0 and warmup_ns = 0 to run every trace to
 * its end. Returns 0 with *@out filled (one entry per trace that has an
 * access, in order), or an error with a message in @why (may be NULL).
 */
VMSIM_API int vmsim_sched_run_traces(struct vmsim_system *sys, const char *const *paths, unsigned n,
				     const struct vmsim_sched_cfg *cfg,
				     struct vmsim_sched_result *out /* out */, char *why /* out */,
				     size_t whylen);

/* Free what vmsim_sched_run put in @res (the per-process array). */
VMSIM_API void vmsim_sched_result_release(struct vmsim_sched_result *res);

/* ---- the classic curve ---------------------------------------------------- */

/*
 * CPU utilisation against the degree of multiprogramming: for N = 1 ..
 * nmax, a fresh machine of M frames (with swap) runs N identical processes
 * of the built-in model with W = proc.pages. Below N·W ≈ M, each process
 * added fills CPU time the others leave idle during their I/O; beyond it,
 * the working sets no longer fit, every process waits on the one paging
 * device, and utilisation collapses.
 *
 * Memory turns over at the device's pace (one frame per read), so the
 * measured time should cover a few thousand reads: 1 s suits the ssd
 * (10000 reads a second), an hdd needs tens of seconds; and every process
 * must run a few slices in it: 128 processes of 10 ms slices take 1.28 s
 * for one round. Over a shorter time, whoever got its pages first keeps
 * them and the others starve: the CPU may stay busy while most processes
 * make no progress (progress_min). With duration_ns 0 each point's times
 * follow from its sizes (a warm-up of two rounds and the first pass over
 * the N.W pages, then four rounds and 2000 device reads measured, at
 * least 1 s); times given are kept, and a point measured over fewer than
 * two rounds or 1000 device reads is marked under_measured.
 */
struct vmsim_curve_cfg {
	uint64_t frames;		    /* M: RAM in 4 KiB frames (>= 64) */
	unsigned nmax;			    /* N runs from 1 to nmax */
	struct vmsim_sched_model proc;	    /* each process; proc.pages is W */
	const char *policy;		    /* replacement policy; NULL: the default (clock) */
	uint64_t major_fault_ns;	    /* paging-device latency; 0: the default (ssd) */
	uint64_t duration_ns;		    /* measured time per point; 0: from the sizes */
	uint64_t warmup_ns;		    /* warm-up per point (duration_ns 0: from the sizes) */
	uint64_t quantum;		    /* time slice in accesses; 0: 1000 */
	uint64_t wss_window;		    /* tau, also the kernel's sampling period */
	bool writeback_on_device;	    /* as in vmsim_sched_cfg */
	uint64_t seed;			    /* machine and workload seed */
	const struct vmsim_config *machine; /* each point's machine starts from it (the CPU,
					       the cost model, THP, ...; NULL:
					       vmsim_config_default), then gets M, swap for every
					       page, tau and the policy, latency and seed above */
	void (*point_done)(void *arg, unsigned n); /* after each point (N = n); may be
						      NULL: for progress bars */
	void *point_arg;			   /* passed to it */
};

/* Defaults: M = 1024 frames (4 MiB), nmax 16, W = 128 pages, uniform
 * accesses with 10% stores, c = 15000 cycles (5 us at 3 GHz), an I/O burst
 * of 100 ms every 4000 accesses (about 20 ms of CPU), so one process alone
 * keeps the CPU about 17% busy; clock, ssd, 10 ms slices (2000 accesses),
 * 1 s measured per point after 200 ms of warm-up, tau 10000, write-back
 * not on the device, seed 1; the times from the sizes (duration_ns 0). */
VMSIM_API void vmsim_curve_cfg_default(struct vmsim_curve_cfg *cfg /* out */);

/* Limits of a curve (vmsim_curve_check). */
#define VMSIM_CURVE_MAX_FRAMES (1ULL << 22) /* M: 16 GiB of RAM */
#define VMSIM_CURVE_MAX_PAGES  (1ULL << 22) /* W */
#define VMSIM_CURVE_MAX_NMAX   256	    /* N */
#define VMSIM_CURVE_MAX_TOTAL  (1ULL << 24) /* nmax.W: 64 GiB of pages in all */

/*
 * Can @cfg be run? 0, or VMSIM_EINVAL with the reason in @why (may be
 * NULL): M below 64 frames or above VMSIM_CURVE_MAX_FRAMES, W 0 or above
 * VMSIM_CURVE_MAX_PAGES, nmax 0 or above VMSIM_CURVE_MAX_NMAX, nmax.W
 * above VMSIM_CURVE_MAX_TOTAL, or page tables of the nmax processes that
 * would take more than half of the M frames (the curve would measure
 * page tables, not working sets).
 */
VMSIM_API int vmsim_curve_check(const struct vmsim_curve_cfg *cfg, char *why /* out */,
				size_t whylen);

/* One point of the curve. */
struct vmsim_curve_point {
	unsigned n;		  /* degree of multiprogramming N */
	double load;		  /* N·W / M */
	double utilisation;	  /* CPU busy / wall time */
	double faults_per_second; /* major faults per simulated second */
	double faults_per_access; /* major faults per access */
	double device_busy;	  /* fraction of time the paging device served */
	double mean_fault_ns;	  /* mean major-fault response (queue + service) */
	uint64_t accesses;	  /* accesses in the measured period */
	uint64_t wss_total_pages; /* sum of working sets (pages) */
	double progress_min;	  /* the slowest process's accesses over the mean (1: even) */
	double paging_share;	  /* vmsim_sched_result.paging_share */
	bool thrashing;		  /* vmsim_sched_result.thrashing */
	uint64_t duration_ns;	  /* the time measured */
	uint64_t warmup_ns;	  /* the warm-up before it */
	bool under_measured;	  /* the times given were too short for this N (above) */
};

/*
 * Compute the curve into @out[0 .. nmax-1] (point i has N = i + 1).
 * Returns 0, VMSIM_EINVAL (vmsim_curve_check refuses @cfg, a bad policy),
 * or an error of vmsim_system_new / vmsim_sched_run (points before it are
 * filled).
 */
VMSIM_API int vmsim_thrashing_curve(const struct vmsim_curve_cfg *cfg,
				    struct vmsim_curve_point *out /* out */);

#endif
