/*
 * make validate: vmsim's fidelity against the Linux it runs on. A case is
 * one step (map a file and read it, fork and write, ...) measured twice:
 * natively on this host (getrusage, /proc/self/status, smaps) and in vmsim on
 * a machine configured from the host's own settings (read_ahead_kb of the
 * test file's device, THP enabled/defrag, page size). The runner prints
 * `case | Linux | vmsim | diff %` per metric, writes docs/VALIDATION.md and
 * fails when a metric stated as matching drifts past its tolerance.
 *
 * Adding a case: one file validate/case_NAME.c defining
 * `const struct vcase vcase_NAME`, and one line VCASE(NAME) in
 * validate/cases.def.
 */
#ifndef VMSIM_VALIDATE_H
#define VMSIM_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define VMAX_METRICS 6

/* The host as the cases see it (filled once by the runner). */
struct vhost {
	char kernel[128];	     /* uname -r */
	uint64_t page_size;	     /* sysconf(_SC_PAGESIZE) */
	uint64_t ram_bytes;	     /* MemTotal */
	int thp;		     /* VMSIM_THP_* from transparent_hugepage/enabled */
	char thp_defrag[32];	     /* transparent_hugepage/defrag, the bracketed word */
	const char *dir;	     /* where the test files live */
	char dev[32];		     /* major:minor of dir's device */
	uint64_t read_ahead_kb;	     /* that device's read_ahead_kb */
	uint64_t fault_around_bytes; /* debugfs fault_around_bytes, else Linux's 64 KiB */
	const char *dir_ra128;	     /* a directory on a device with read_ahead_kb 128, or NULL */
	bool khugepaged;	     /* transparent_hugepage/khugepaged/ exists */
	uint64_t kh_pages_to_scan;   /* its settings (Linux's defaults when absent) */
	uint64_t kh_scan_sleep_ms, kh_alloc_sleep_ms;
	uint64_t kh_max_ptes_none, kh_max_ptes_shared;
};

/* One figure a case measures. */
struct vmetric {
	const char *name;      /* "minor faults", "Rss KiB" */
	double tol_pct;	       /* allowed |vmsim - Linux| in percent of Linux ... */
	double tol_abs;	       /* ... or this much absolute, whichever is larger */
	const char *explained; /* NULL: stated as matching; else why vmsim differs (the
				* Linux mechanism it leaves out, and why) */
};

/* A step's outcome. */
#define VCASE_OK   0 /* values filled */
#define VCASE_SKIP 1 /* cannot run here (reason in why) */
#define VCASE_FAIL 2 /* broke (reason in why) */

struct vcase {
	const char *name;  /* short id: file_cold_default */
	const char *title; /* what the step does, in words */
	struct vmetric metric[VMAX_METRICS];
	/* The step natively, in a forked child of the runner (clean counters):
	 * fill value[i] for every metric. */
	int (*native)(const struct vhost *h, double *value, char *why, size_t whylen);
	/* The same step in vmsim. */
	int (*sim)(const struct vhost *h, double *value, char *why, size_t whylen);
};

/* ---- native helpers (host.c) --------------------------------------------- */

struct vrusage {
	long minor, major;
};

/* This process's fault counters now. */
struct vrusage vru_now(void);

/* Faults since @before. */
struct vrusage vru_since(struct vrusage before);

/* A field of /proc/self/status in KiB ("RssFile"), or -1. */
long vstatus_kib(const char *field);

/* A field of the /proc/self/smaps entry of the VMA starting at @addr, in
 * KiB ("Rss", "Pss", "Shared_Dirty", "AnonHugePages"), or -1. */
long vsmaps_kib(const void *addr, const char *field);

/* @dir/@name, a file of @mib MiB of non-zero bytes, created if missing (the
 * path in @path). 0 or -1 (reason in why). */
int vtest_file(const char *dir, const char *name, unsigned mib, char *path, size_t pathlen,
	       char *why, size_t whylen);

/* Drop @path from the page cache (fdatasync + POSIX_FADV_DONTNEED on the
 * file itself; never drop_caches). 0 or -1. */
int vdrop_file(const char *path);

/* Record a reason in @why; returns @rc (for `return vwhy(...)`). */
int vwhy(int rc, char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- vmsim helpers (host.c) ---------------------------------------------- */

/* A vmsim configuration from the host's settings: 4 KiB pages, THP mode and
 * defrag,
 * read_ahead_kb, fault_around_bytes, khugepaged's settings (khugepaged itself
 * off: a case turns it on); 4 GiB of RAM (the cases need less; a case may
 * change it), no swap (the host has none). */
void vsim_config(const struct vhost *h, struct vmsim_config *cfg /* out */);

/* A system from @cfg and a process in it. 0 or VCASE_FAIL. */
int vsim_start(const struct vmsim_config *cfg, struct vmsim_system **sys /* out */,
	       int *pid /* out */, char *why, size_t whylen);

/* Touch one byte of every page of [@va, @va + @len) (@write: store). */
int vsim_touch(struct vmsim_system *sys, int pid, vaddr_t va, uint64_t len, bool write);

/* A field of @pid's VMA starting at @va, in KiB (as vsmaps_kib). */
double vsim_smaps_kib(struct vmsim_system *sys, int pid, vaddr_t va, const char *field);

#endif
