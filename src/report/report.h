/*
 * The human report: aligned text tables of what a run did, in the units
 * people read (KiB/MiB/GiB, grouped or K/M counts, percentages, ms/s).
 *
 * The report layer only reads: every function here calls the vm_* getters
 * (vmsim_sys_stats, vmsim_proc_stats, vmsim_smaps, vmsim_walk_describe, vmsim_segv_get,
 * vmsim_oom_get, vmsim_system_config) and never changes the machine, so a report
 * can be printed at any point of a run without disturbing it. Callers: the
 * scenario runner (show), src/cli/ (end-of-run reports).
 *
 * The formatting helpers are public so that every output of vmsim writes a
 * size, a count or a ratio the same way:
 *
 *   report_bytes(4096).s          "4 KiB"      report_count(24415).s   "24,415"
 *   report_bytes(500 << 20).s     "500 MiB"    report_count(12345678).s "12.35M"
 *   report_bytes(1610612736).s    "1.5 GiB"    report_ratio(0.9375).s  "93.8%"
 */
#ifndef VMSIM_REPORT_H
#define VMSIM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "base/addr.h"
#include "base/run.h"
#include "vmsim/vm.h"

/* ---- formatting --------------------------------------------------------- */

/* A formatted number: use .s inside the expression that made it. */
struct report_num {
	char s[48]; /* NUL-terminated text */
};

/* Bytes in binary units: "0 B", "512 B", "4 KiB", "476.8 MiB", "1 GiB".
 * Exact multiples print without decimals, others with one. */
struct report_num report_bytes(uint64_t bytes);

/* A count: grouped below a million ("24,415"), else "12.35M", "1.20G". */
struct report_num report_count(uint64_t n);

/* A fraction as a percentage with one decimal ("93.8%"). */
struct report_num report_ratio(double r);

/* @part / @whole as report_ratio, or "-" when @whole is 0. */
struct report_num report_ratio_of(uint64_t part, uint64_t whole);

/* Seconds with a unit: "850 ns", "12.5 us", "1.25 ms", "3.20 s". */
struct report_num report_seconds(double s);

/* ---- naming ------------------------------------------------------------- */

/* @names (base/run.h: what the workload called its processes and areas)
 * may be NULL everywhere: pids and the kernel's VMA names are printed. */

/* ---- reports ------------------------------------------------------------ */

/* The machine in one line: RAM, swap, CPU preset, paging levels,
 * transparent huge pages, policy, data mode, seed (and the working-set
 * window when sampling). */
void report_machine(FILE *f, const struct vmsim_config *cfg);

/* Where the frames are: free, user pages, page tables, kernel. */
void report_memory(FILE *f, struct vmsim_system *sys);

/* One row per process (live or ended): VMS, RSS (anon, file, shmem), PSS,
 * USS, swap, page tables. @names may be NULL. */
void report_processes(FILE *f, struct vmsim_system *sys, const struct run_names *names);

/* One row per process: accesses, faults minor/major/invalid, zero-page
 * maps, COW copies and reuses, swap-ins, SIGSEGVs, OOM kill. */
void report_faults(FILE *f, struct vmsim_system *sys, const struct run_names *names);

/* One process's memory in one line (VMS, RSS and its parts, PSS, USS,
 * swap). VMSIM_ESRCH if @pid never existed. */
int report_process(FILE *f, struct vmsim_system *sys, int pid, const struct run_names *names);

/* The TLBs per level and page size: entries, reach (entries x page size),
 * lookups, hits, misses, hit ratio. */
void report_tlb(FILE *f, struct vmsim_system *sys);

/* Page walks: count, entries read per walk, faults, accessed/dirty bits
 * set, and each paging-structure cache's hit ratio. */
void report_walks(FILE *f, struct vmsim_system *sys);

/* Reclaim and swap: swap used and traffic with refaults and swap-cache
 * hits; pages scanned and reclaimed, clean drops, kswapd and direct
 * reclaim, OOM kills; files (page cache, reads, readahead, write-back,
 * fault-around); huge pages (THP mapped and untouched, faults, fallbacks,
 * splits, hugetlb pools); the working set and thrashing flag when
 * sampling. */
void report_reclaim(FILE *f, struct vmsim_system *sys);

/* Estimated time of the run and CPU utilisation (the cost model). */
void report_time(FILE *f, struct vmsim_system *sys);

/* Every SIGSEGV and OOM kill recorded, one line each ("none" if none). */
void report_signals(FILE *f, struct vmsim_system *sys, const struct run_names *names);

/* A per-area table like /proc/PID/smaps. VMSIM_ESRCH if @pid is not alive. */
int report_smaps(FILE *f, struct vmsim_system *sys, int pid, const struct run_names *names);

/* The page walk of @va in @pid's page tables, one row per level with the
 * entry and its flags, and where it ends (a physical address, a hole, a
 * swap slot). Reads the tables without setting any bit. VMSIM_ESRCH,
 * VMSIM_ENONCANON. */
int report_walk(FILE *f, struct vmsim_system *sys, int pid, vaddr_t va,
		const struct run_names *names);

/* How @va splits into table indices and offset with @levels-level paging
 * and pages of size @ps. VMSIM_EINVAL, VMSIM_ENONCANON. */
int report_translate(FILE *f, vaddr_t va, unsigned levels, enum vmsim_page_size ps);

/* Everything above except smaps, walks of one address and translations. */
void report_all(FILE *f, struct vmsim_system *sys, const struct run_names *names);

#endif
