/*
 * The one list of the kernel's counters: every field of struct
 * vmsim_sys_stats and struct vmsim_proc_stats, with how each output names it.
 *
 * The struct members (vm.h), the JSON report, the text report, the CSV time
 * series, the plots' columns, the scenario figures and the documentation
 * tables all come from these rows, and tests/unit/test_stats_table.c checks
 * that every output has every row. A new counter is one row here plus its
 * fill in the kernel (src/os/system.c or accounting.c).
 *
 * A row is X(field, type, unit, kind, json, figure, csv, section, label, doc):
 *
 *   field    the struct member; "mmu.walk.walks" for the MMU's nested ones
 *   type     U64, BOOL, DBL or INT (the member's C type)
 *   unit     COUNT (events or items), PAGES (4 KiB pages; figures and the
 *            text show bytes), BYTES, FLAG (yes/no), SECONDS, RATIO (0..1)
 *   kind     CUM (cumulative since the start: `last.` figures take the
 *            difference, the CSV adds a d_ column per interval) or NOW (a
 *            level at this moment)
 *   json     the key path in the report's "system" object or process object
 *   figure   the scenario figure name (docs/SCENARIOS.md)
 *   csv      the CSV column (docs/FORMATS.md); NULL: not a column
 *   section  where the text report shows it (enum vmsim_stat_section)
 *   label    the text report's label: "%s pages out" in a sentence line
 *            (a label starting with one of " :;(" continues the previous
 *            item without a comma), or a column header in a table
 *   doc      what it counts, for the struct comment and the docs
 *
 * Process rows have one more column after kind: COMMON when a real Linux
 * process (vmsim inspect) has the value too, SIM when only a simulated one
 * does. The MMU rows sit in their own list because their members live in
 * struct vmsim_mmu_stats (mmu.h); per-CPU or per-level rows can follow the
 * same pattern.
 */
#ifndef VMSIM_STATS_TABLE_H
#define VMSIM_STATS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/types.h"

/* clang-format off */
#define VMSIM_SYS_STATS(X) \
	X(frames_total,       U64,  PAGES,   NOW, "frames.total",                  "mem.total",             "frames_total",       MEM,     "%s of RAM",                 "RAM in 4 KiB frames") \
	X(frames_free,        U64,  PAGES,   NOW, "frames.free",                   "mem.free",              "frames_free",        MEM,     ": %s free",                 "frames in the buddy allocator") \
	X(frames_user,        U64,  PAGES,   NOW, "frames.user",                   "mem.user",              "frames_user",        MEM,     "%s user pages",             "frames holding user pages (zero page excluded)") \
	X(frames_pagetable,   U64,  PAGES,   NOW, "frames.pagetable",              "mem.pagetables",        "frames_pagetable",   MEM,     "%s page tables",            "frames holding page tables (kernel memory)") \
	X(frames_kernel,      U64,  PAGES,   NOW, "frames.kernel",                 "mem.kernel",            "frames_kernel",      MEM,     "%s kernel",                 "other kernel frames (the zero pages, the hugetlb pools)") \
	X(processes,          U64,  COUNT,   NOW, "processes",                     "processes",             "processes",          KERNEL,  "%s processes",              "live processes") \
	X(segvs,              U64,  COUNT,   CUM, "segvs",                         "segvs",                 "faults_invalid",     KERNEL,  "%s SIGSEGVs",               "SIGSEGVs raised") \
	X(context_switches,   U64,  COUNT,   CUM, "context_switches",              "context_switches",      "context_switches",   KERNEL,  "%s context switches",       "process switches on the CPU") \
	X(tlb_shootdowns,     U64,  COUNT,   CUM, "tlb_shootdowns",                "tlb.shootdowns",        "tlb_shootdowns",     KERNEL,  "%s TLB shootdowns",         "kernel-initiated TLB invalidations (pages)") \
	X(tlb_flushes,        U64,  COUNT,   CUM, "tlb_flushes",                   "tlb.flushes",           "tlb_flushes",        KERNEL,  "%s TLB flushes",            "kernel-initiated whole-PCID flushes") \
	X(faults_minor,       U64,  COUNT,   CUM, "faults.minor",                  "faults.minor",          "faults_minor",       KERNEL,  "%s minor faults",           "minor faults of all processes") \
	X(faults_major,       U64,  COUNT,   CUM, "faults.major",                  "faults.major",          "faults_major",       KERNEL,  "%s major faults",           "major faults of all processes") \
	X(committed_as,       U64,  BYTES,   NOW, "commit.committed_as",           "mem.committed",         "committed_as",       KERNEL,  "%s committed",              "bytes promised to accounted mappings (Committed_AS)") \
	X(commit_limit,       U64,  BYTES,   NOW, "commit.limit",                  "mem.commit_limit",      "commit_limit",       KERNEL,  " (limit %s)",               "CommitLimit: swap + RAM * overcommit_ratio (bytes)") \
	X(swap_used,          U64,  PAGES,   NOW, "swap.used",                     "swap.used",             "swap_used",          SWAP,    "used %s",                   "swap slots in use") \
	X(swap_total,         U64,  PAGES,   NOW, "swap.slots",                    "swap.total",            "swap_total",         SWAP,    " of %s",                    "swap slots") \
	X(swap_outs,          U64,  COUNT,   CUM, "swap.outs",                     "swap.outs",             "swap_outs",          SWAP,    "%s pages out",              "pages written to swap") \
	X(shmem_swap_outs,    U64,  COUNT,   CUM, "swap.shmem_outs",               "swap.shmem_outs",       "shmem_swap_outs",    SWAP,    " (%s of shared memory)",    "of the pages out, pages of shared anonymous memory (shmem)") \
	X(swap_ins,           U64,  COUNT,   CUM, "swap.ins",                      "swap.ins",              "swap_ins",           SWAP,    "%s pages in",               "pages read from swap") \
	X(swapcache_hits,     U64,  COUNT,   CUM, "swap.cache_hits",               "swap.cache_hits",       "swapcache_hits",     SWAP,    "%s swap-cache hits",        "swap faults that found the page still in memory") \
	X(shmem_swapped,      U64,  PAGES,   NOW, "swap.shmem_swapped",            "swap.shmem",            "shmem_swapped",      SWAP,    "%s of shared memory in swap", "pages of shared anonymous memory in swap now (their PTEs are empty: not in VmSwap)") \
	X(pages_scanned,      U64,  COUNT,   CUM, "reclaim.pages_scanned",         "reclaim.scanned",       "pages_scanned",      RECLAIM, "%s pages scanned",          "candidates the reclaimer looked at") \
	X(pages_reclaimed,    U64,  COUNT,   CUM, "reclaim.pages_reclaimed",       "reclaim.reclaimed",     "pages_reclaimed",    RECLAIM, "%s reclaimed",              "frames freed by reclaim") \
	X(clean_drops,        U64,  COUNT,   CUM, "reclaim.clean_drops",           "reclaim.clean_drops",   "clean_drops",        RECLAIM, " (%s clean drops)",         "reclaimed pages whose swap copy was still valid: no write") \
	X(refaults,           U64,  COUNT,   CUM, "reclaim.refaults",              "reclaim.refaults",      "refaults",           RECLAIM, "%s refaults",               "swap-ins of pages evicted recently (refault distance)") \
	X(kswapd_runs,        U64,  COUNT,   CUM, "reclaim.kswapd_runs",           "reclaim.kswapd_runs",   "kswapd_runs",        RECLAIM, "%s kswapd runs",            "background reclaim passes (free below low)") \
	X(direct_reclaims,    U64,  COUNT,   CUM, "reclaim.direct_reclaims",       "reclaim.direct",        "direct_reclaims",    RECLAIM, "%s direct",                 "allocations that had to reclaim first") \
	X(oom_kills,          U64,  COUNT,   CUM, "reclaim.oom_kills",             "oom.kills",             "oom_kills",          RECLAIM, "%s OOM kills",              "processes killed for lack of memory") \
	X(mlock_culled,       U64,  COUNT,   CUM, "reclaim.mlock_culled",          "reclaim.mlock_culled",  "mlock_culled",       RECLAIM, "%s locked pages set aside", "pages reclaim found in locked areas and set aside") \
	X(unevictable,        U64,  PAGES,   NOW, "reclaim.unevictable",           "reclaim.unevictable",   "unevictable",        RECLAIM, " (%s unevictable now)",     "pages set aside so and still kept off the policy's lists (Unevictable)") \
	X(file_reads,         U64,  COUNT,   CUM, "files.reads",                   "files.reads",           "file_reads",         FILES,   "%s pages read",             "pages read from files into the page cache") \
	X(readahead_pages,    U64,  COUNT,   CUM, "files.readahead_pages",         "files.readahead",       "readahead_pages",    FILES,   " (%s read ahead)",          "of the reads, pages read ahead of the faults") \
	X(readahead_sync,     U64,  COUNT,   CUM, "files.readahead_sync",          "files.readahead_sync",  "readahead_sync",     FILES,   "%s sync",                   "readahead windows started by a cache miss") \
	X(readahead_async,    U64,  COUNT,   CUM, "files.readahead_async",         "files.readahead_async", "readahead_async",    FILES,   "%s async readahead windows","readahead windows started by reaching the readahead mark") \
	X(file_writes,        U64,  COUNT,   CUM, "files.writes",                  "files.writes",          "file_writes",        FILES,   "%s written back",           "dirty file pages written back") \
	X(writeback_errors,   U64,  COUNT,   CUM, "files.writeback_errors",        "files.writeback_errors","writeback_errors",   FILES,   "%s write-back errors",      "write-backs the host file refused (the page stays dirty)") \
	X(fault_around_maps,  U64,  COUNT,   CUM, "files.fault_around_maps",       "files.fault_around",    "fault_around_maps",  FILES,   "%s mapped by fault-around", "pages mapped by fault-around without a fault") \
	X(file_read_bytes,    U64,  BYTES,   CUM, "files.read_bytes",              "files.read_bytes",      "file_read_bytes",    FILES,   "read() %s",                 "bytes returned by read() and pread()") \
	X(file_write_bytes,   U64,  BYTES,   CUM, "files.write_bytes",             "files.write_bytes",     "file_write_bytes",   FILES,   "write() %s",                "bytes accepted by write() and pwrite()") \
	X(page_cache,         U64,  BYTES,   NOW, "files.page_cache",              "page_cache",            "page_cache",         PCACHE,  "%s",                        "bytes in the page cache now (shared memory included)") \
	X(folios_added,       U64,  COUNT,   CUM, "files.folios_added",            "files.folios",          "folios_added",       PCACHE,  "%s folios added",           "folios added to page caches (any order)") \
	X(folios_large,       U64,  COUNT,   CUM, "files.folios_large",            "files.large_folios",    "folios_large",       PCACHE,  " (%s large)",               "of those, folios of more than one page") \
	X(folio_fallbacks,    U64,  COUNT,   CUM, "files.folio_fallbacks",         "files.folio_fallbacks", "folio_fallbacks",    PCACHE,  "%s large-folio fallbacks",  "large folios the buddy allocator could not give (single pages used)") \
	X(folio_splits,       U64,  COUNT,   CUM, "files.folio_splits",            "files.folio_splits",    "folio_splits",       PCACHE,  "%s split",                  "large folios split (truncation)") \
	X(anon_huge,          U64,  BYTES,   NOW, "huge_pages.anon_huge",          "thp.mapped",            "anon_huge",          HUGE,    "THP %s mapped",             "bytes mapped by transparent huge pages now") \
	X(thp_untouched,      U64,  BYTES,   NOW, "huge_pages.thp_untouched",      "thp.untouched",         "thp_untouched",      HUGE,    " (%s untouched)",           "bytes of those never accessed (internal fragmentation)") \
	X(thp_fault_alloc,    U64,  COUNT,   CUM, "huge_pages.thp_fault_alloc",    "thp.alloc",             "thp_fault_alloc",    HUGE,    "%s faults got one",         "faults that got a transparent huge page") \
	X(thp_fault_fallback, U64,  COUNT,   CUM, "huge_pages.thp_fault_fallback", "thp.fallback",          "thp_fault_fallback", HUGE,    "%s fell back",              "eligible faults that fell back to 4 KiB (no 2 MiB block)") \
	X(thp_split,          U64,  COUNT,   CUM, "huge_pages.thp_split",          "thp.split",             "thp_split",          HUGE,    "%s split",                  "huge pages split into 4 KiB pages") \
	X(hugetlb_free,       U64,  BYTES,   NOW, "huge_pages.hugetlb_free",       "hugetlb.free",          "hugetlb_free",       HUGE,    "; hugetlb %s",              "bytes of the hugetlb pools not mapped") \
	X(hugetlb_total,      U64,  BYTES,   NOW, "huge_pages.hugetlb_total",      "hugetlb.total",         "hugetlb_total",      HUGE,    " of %s free",               "bytes in the hugetlb pools") \
	X(khugepaged_passes,  U64,  COUNT,   CUM, "khugepaged.passes",             "khugepaged.passes",     "khugepaged_passes",  KHUGEPAGED, "%s passes",              "khugepaged passes run (one every scan_sleep, alloc_sleep after a failed allocation)") \
	X(khugepaged_pages_scanned, U64, COUNT, CUM, "khugepaged.pages_scanned",  "khugepaged.scanned",    "khugepaged_scanned", KHUGEPAGED, "%s pages scanned",       "pages khugepaged looked at (512 per 2 MiB range, 1 per area it may not collapse in)") \
	X(khugepaged_full_scans, U64, COUNT,  CUM, "khugepaged.full_scans",         "khugepaged.full_scans", "khugepaged_full_scans", KHUGEPAGED, "%s full scans",       "passes of the scan through every listed process") \
	X(thp_collapse_alloc, U64,  COUNT,   CUM, "khugepaged.thp_collapse_alloc", "thp.collapsed",         "thp_collapse_alloc", KHUGEPAGED, "%s ranges collapsed",    "2 MiB ranges of 4 KiB pages collapsed into a huge page (thp_collapse_alloc)") \
	X(thp_collapse_alloc_failed, U64, COUNT, CUM, "khugepaged.thp_collapse_alloc_failed", "thp.collapse_failed", "thp_collapse_alloc_failed", KHUGEPAGED, " (%s without a 2 MiB block)", "collapses that found no free 2 MiB block (thp_collapse_alloc_failed)") \
	X(khugepaged_refused, U64,  COUNT,   CUM, "khugepaged.ranges_refused",     "khugepaged.refused",    "khugepaged_refused", KHUGEPAGED, "%s ranges left as they were", "2 MiB ranges scanned and not collapsed: too many empty or shared PTEs, none writable or accessed, a page in swap or held by the swap cache") \
	X(compact_stall,      U64,  COUNT,   CUM, "compaction.stalls",             "compact.stalls",        "compact_stall",      COMPACT, "%s stalls",                "direct compactions an allocation waited for (compact_stall)") \
	X(compact_success,    U64,  COUNT,   CUM, "compaction.success",            "compact.success",       "compact_success",    COMPACT, " (%s freed a 2 MiB block",  "compactions after which a 2 MiB block was free (compact_success)") \
	X(compact_fail,       U64,  COUNT,   CUM, "compaction.fail",               "compact.fail",          "compact_fail",       COMPACT, "; %s did not)",            "compactions that could not free one (compact_fail)") \
	X(compact_daemon_wake, U64, COUNT,   CUM, "compaction.daemon_wakes",       "compact.daemon_wakes",  "compact_daemon_wake", COMPACT, "%s kcompactd runs",        "background compactions (kcompactd woken by defer; compact_daemon_wake)") \
	X(pgmigrate_success,  U64,  COUNT,   CUM, "compaction.pages_migrated",     "compact.migrated",      "pgmigrate_success",  COMPACT, "%s pages migrated",        "pages moved to other frames to free 2 MiB blocks (pgmigrate_success; each costs a page copy)") \
	X(wss_total,          U64,  BYTES,   NOW, "working_set.total",             "wss.total",             "wss_total",          WSS,     "%s at the last",            "bytes: the working sets together at the last sample") \
	X(wss_samples,        U64,  COUNT,   CUM, "working_set.samples",           "wss.samples",           "wss_samples",        WSS,     " of %s samples",            "working-set samples taken (wss_window)") \
	X(thrashing,          BOOL, FLAG,    NOW, "working_set.thrashing",         "thrashing",             "thrashing",          WSS,     "thrashing %s",              "the last sample: working sets exceed RAM, faults climb") \
	X(seconds,            DBL,  SECONDS, CUM, "time.seconds",                  "time.seconds",          "seconds",            TIME,    "%s estimated",              "estimated time: cycles at the configured clock") \
	X(cycles,             U64,  COUNT,   CUM, "time.cycles",                   "time.cycles",           "cycles",             TIME,    " (%s cycles",               "estimated cycles of the run (cost model)") \
	X(cycles_compute,     U64,  COUNT,   CUM, "time.cycles_compute",           "time.compute_cycles",   "cycles_compute",     TIME,    "%s of them the accesses",   "of which the accesses themselves") \
	X(cycles_busy,        U64,  COUNT,   CUM, "time.cycles_busy",              "time.busy_cycles",      "cycles_busy",        TIME,    "%s busy)",                  "of all cycles, those the CPU works (major-fault waits excluded)") \
	X(cpu_utilisation,    DBL,  RATIO,   NOW, "time.cpu_utilisation",          "cpu.utilisation",       "cpu_utilisation",    TIME,    "CPU utilisation %s",        "busy cycles / all cycles (fault waits count as idle)")

/* Members of struct vmsim_mmu_stats (sys->mmu); the TLB arrays are not rows. */
#define VMSIM_SYS_MMU_STATS(X) \
	X(mmu.translations,      U64, COUNT, CUM, "mmu.translations",        "mmu.translations",      "translations",      MMU,  "%s translations",         "MMU translations (TLB hits and walks)") \
	X(mmu.faults,            U64, COUNT, CUM, "mmu.faults",              "mmu.faults",            "mmu_faults",        MMU,  "%s faulted",              "translations that raised a page fault") \
	X(mmu.noncanonical,      U64, COUNT, CUM, "mmu.noncanonical",        "mmu.noncanonical",      "noncanonical",      MMU,  " (%s non-canonical)",     "of those, non-canonical addresses (#GP on x86)") \
	X(mmu.walk.walks,        U64, COUNT, CUM, "mmu.walk.walks",          "walk.count",            "walks",             WALK, "count",                   "page walks") \
	X(mmu.walk.mem_refs,     U64, COUNT, CUM, "mmu.walk.mem_refs",       "walk.refs",             "walk_refs",         WALK, "entries read",            "paging-structure entries read by walks") \
	X(mmu.walk.faults,       U64, COUNT, CUM, "mmu.walk.faults",         "walk.faults",           "walk_faults",       WALK, "faulted",                 "walks that ended in a page fault") \
	X(mmu.walk.a_sets,       U64, COUNT, CUM, "mmu.walk.a_sets",         "walk.a_sets",           "walk_a_sets",       WALK, "A bits set",              "accessed bits the walker set") \
	X(mmu.walk.d_sets,       U64, COUNT, CUM, "mmu.walk.d_sets",         "walk.d_sets",           "walk_d_sets",       WALK, "D bits set",              "dirty bits the walker set") \
	X(mmu.walk.dirty_assists,U64, COUNT, CUM, "mmu.walk.dirty_assists",  "walk.dirty_assists",    "walk_dirty_assists",WALK, "dirty assists",           "writes through a TLB entry without its dirty bit (re-walked)") \
	X(mmu.cr3_writes,        U64, COUNT, CUM, "mmu.cr3_writes",          "mmu.cr3_writes",        "cr3_writes",        MMU,  "%s CR3 writes",           "CR3 loads (context switches)") \
	X(mmu.invlpg,            U64, COUNT, CUM, "mmu.invlpg",              "mmu.invlpg",            "invlpg",            MMU,  "%s INVLPG",               "INVLPG instructions executed") \
	X(mmu.flush_all,         U64, COUNT, CUM, "mmu.flush_all",           "mmu.flush_all",         "flush_all",         MMU,  "%s full flushes",         "full TLB flushes, global entries included") \
	X(mmu.flush_nonglobal,   U64, COUNT, CUM, "mmu.flush_nonglobal",     "mmu.flush_nonglobal",   "flush_nonglobal",   MMU,  "%s non-global flushes",   "flushes of non-global entries (CR3 write without PCID)") \
	X(mmu.flush_pcid,        U64, COUNT, CUM, "mmu.flush_pcid",          "mmu.flush_pcid",        "flush_pcid",        MMU,  "%s PCID flushes",         "single-PCID flushes")

/* X(field, type, unit, kind, scope, json, figure, csv, section, label, doc) */
#define VMSIM_PROC_STATS(X) \
	X(pid,            INT,  COUNT, NOW, COMMON, "pid",            "pid",            NULL,    HEAD,   "pid",        "process id") \
	X(alive,          BOOL, FLAG,  NOW, COMMON, "alive",          "alive",          NULL,    HEAD,   "state",      "the process has not exited") \
	X(vm_size,        U64,  BYTES, NOW, COMMON, "vm_size",        "vms",            NULL,    PMEM,   "VMS",        "VmSize: sum of VMA lengths") \
	X(rss,            U64,  BYTES, NOW, COMMON, "rss",            "rss",            "rss_",  PMEM,   "RSS",        "VmRSS = anon + file + shmem") \
	X(rss_anon,       U64,  BYTES, NOW, COMMON, "rss_anon",       "rss.anon",       NULL,    PMEM,   "anon",       "RssAnon") \
	X(rss_file,       U64,  BYTES, NOW, COMMON, "rss_file",       "rss.file",       NULL,    PMEM,   "file",       "RssFile") \
	X(rss_shmem,      U64,  BYTES, NOW, COMMON, "rss_shmem",      "rss.shmem",      NULL,    PMEM,   "shmem",      "RssShmem") \
	X(pss,            U64,  BYTES, NOW, COMMON, "pss",            "pss",            NULL,    PMEM,   "PSS",        "Pss: each page divided by its mappers") \
	X(uss,            U64,  BYTES, NOW, COMMON, "uss",            "uss",            NULL,    PMEM,   "USS",        "pages mapped by this process only") \
	X(swap,           U64,  BYTES, NOW, COMMON, "swap",           "swap",           NULL,    PMEM,   "swap",       "VmSwap") \
	X(pte_bytes,      U64,  BYTES, NOW, COMMON, "pte_bytes",      "pt",             NULL,    PMEM,   "pgtables",   "VmPTE: this process's page-table frames") \
	X(nr_vmas,        U64,  COUNT, NOW, COMMON, "nr_vmas",        "vmas",           NULL,    PMEM,   "VMAs",       "number of VMAs") \
	X(faults_minor,   U64,  COUNT, CUM, COMMON, "faults_minor",   "faults.minor",   NULL,    PFAULT, "minor",      "min_flt") \
	X(faults_major,   U64,  COUNT, CUM, COMMON, "faults_major",   "faults.major",   NULL,    PFAULT, "major",      "maj_flt") \
	X(anon_huge,      U64,  BYTES, NOW, COMMON, "anon_huge",      "anon_huge",      NULL,    PMEM,   "THP",        "AnonHugePages: bytes of transparent huge pages mapped") \
	X(hugetlb,        U64,  BYTES, NOW, COMMON, "hugetlb",        "hugetlb",        NULL,    PMEM,   "hugetlb",    "HugetlbPages: bytes of hugetlb pages mapped (not in RSS)") \
	X(locked,         U64,  BYTES, NOW, SIM,    "vm_lck",         "locked",         NULL,    PMEM,   "locked",     "VmLck: bytes of its locked areas (mlock, MAP_LOCKED)") \
	X(wss,            U64,  BYTES, NOW, SIM,    "wss",            "wss",            NULL,    PMEM,   "WSS",        "working-set size at the last sample (bytes), if sampling") \
	X(accesses,       U64,  COUNT, CUM, SIM,    "accesses",       "accesses",       NULL,    PFAULT, "accesses",   "vmsim_access calls (after splitting at pages)") \
	X(faults_invalid, U64,  COUNT, CUM, SIM,    "faults_invalid", "faults.invalid", NULL,    PFAULT, "invalid",    "accesses that raised SIGSEGV") \
	X(zero_maps,      U64,  COUNT, CUM, SIM,    "zero_maps",      "zero_maps",      NULL,    PFAULT, "zero-page",  "read faults answered with the shared zero page") \
	X(cow_copies,     U64,  COUNT, CUM, SIM,    "cow_copies",     "cow.copies",     NULL,    PFAULT, "COW copy",   "copy-on-write faults that copied a page") \
	X(cow_reuses,     U64,  COUNT, CUM, SIM,    "cow_reuses",     "cow.reuses",     NULL,    PFAULT, "COW reuse",  "copy-on-write faults that reused the page in place") \
	X(swap_ins,       U64,  COUNT, CUM, SIM,    "swap_ins",       "swap_ins",       NULL,    PFAULT, "swap-in",    "pages read back from swap (major faults)") \
	X(swapcache_hits, U64,  COUNT, CUM, SIM,    "swapcache_hits", "swapcache_hits", NULL,    PFAULT, "swapcache",  "swap faults served from the swap cache (minor)") \
	X(tlb_shootdowns, U64,  COUNT, CUM, SIM,    "tlb_shootdowns", "shootdowns",     NULL,    PFAULT, "shootdowns", "TLB entries of this process invalidated by the kernel") \
	X(oom_killed,     BOOL, FLAG,  NOW, SIM,    "oom_killed",     "oom_killed",     NULL,    PFAULT, "OOM",        "ended by the out-of-memory killer")
/* clang-format on */

/* The C type of a row's member. */
#define VMSIM_STAT_CTYPE_U64  uint64_t
#define VMSIM_STAT_CTYPE_BOOL bool
#define VMSIM_STAT_CTYPE_DBL  double
#define VMSIM_STAT_CTYPE_INT  int

enum vmsim_stat_type { VMSIM_STAT_U64, VMSIM_STAT_BOOL, VMSIM_STAT_DBL, VMSIM_STAT_INT };

enum vmsim_stat_unit {
	VMSIM_STAT_COUNT,   /* events or items */
	VMSIM_STAT_PAGES,   /* 4 KiB pages: figures and the text report show bytes */
	VMSIM_STAT_BYTES,   /* bytes */
	VMSIM_STAT_FLAG,    /* yes/no */
	VMSIM_STAT_SECONDS, /* seconds */
	VMSIM_STAT_RATIO,   /* 0..1 */
};

enum vmsim_stat_kind {
	VMSIM_STAT_CUM, /* cumulative since the start of the run */
	VMSIM_STAT_NOW, /* a level at this moment */
};

/* Where the text report shows a row (src/report/report_text.c). */
enum vmsim_stat_section {
	VMSIM_STAT_SEC_MEM,	   /* "memory:" line */
	VMSIM_STAT_SEC_KERNEL,	   /* "kernel" line */
	VMSIM_STAT_SEC_SWAP,	   /* "swap" line */
	VMSIM_STAT_SEC_RECLAIM,	   /* "reclaim" line */
	VMSIM_STAT_SEC_FILES,	   /* "files" line */
	VMSIM_STAT_SEC_PCACHE,	   /* "page cache" line */
	VMSIM_STAT_SEC_HUGE,	   /* "huge pages" line */
	VMSIM_STAT_SEC_KHUGEPAGED, /* "khugepaged" line (when it is on) */
	VMSIM_STAT_SEC_COMPACT,	   /* "compaction" line */
	VMSIM_STAT_SEC_WSS,	   /* "working set" line */
	VMSIM_STAT_SEC_TIME,	   /* "time:" line */
	VMSIM_STAT_SEC_MMU,	   /* "mmu" line */
	VMSIM_STAT_SEC_WALK,	   /* a column of the walks table */
	VMSIM_STAT_SEC_HEAD,	   /* a process: the pid and state columns */
	VMSIM_STAT_SEC_PMEM,	   /* a process: a column of the memory table */
	VMSIM_STAT_SEC_PFAULT,	   /* a process: a column of the faults table */
	VMSIM_STAT_NSECTIONS
};

enum vmsim_stat_scope {
	VMSIM_STAT_SYS,	 /* struct vmsim_sys_stats */
	VMSIM_STAT_PROC, /* struct vmsim_proc_stats */
};

/* One row of the tables above, as data. */
struct vmsim_stat_desc {
	const char *field;		 /* member ("mmu.walk.walks") */
	size_t offset;			 /* of the member in its struct */
	enum vmsim_stat_type type;	 /* the member's C type */
	enum vmsim_stat_unit unit;	 /* what the value counts */
	enum vmsim_stat_kind kind;	 /* cumulative or a level */
	bool common;			 /* process rows: a real process has it too */
	const char *json;		 /* key path in the JSON report */
	const char *figure;		 /* scenario figure name */
	const char *csv;		 /* CSV column, or NULL */
	enum vmsim_stat_section section; /* where the text report shows it */
	const char *label;		 /* text label */
	const char *doc;		 /* what it counts */
};

/* The rows of struct vmsim_sys_stats (VMSIM_SYS_STATS then VMSIM_SYS_MMU_STATS),
 * in order; *@n gets their number. Never NULL. */
VMSIM_API const struct vmsim_stat_desc *vmsim_sys_stat_table(size_t *n /* out */);

/* The rows of struct vmsim_proc_stats, in order; *@n gets their number. */
VMSIM_API const struct vmsim_stat_desc *vmsim_proc_stat_table(size_t *n /* out */);

/* The row of @scope whose figure name is @name ("swap.outs"), or NULL. */
VMSIM_API const struct vmsim_stat_desc *vmsim_stat_by_figure(enum vmsim_stat_scope scope,
							     const char *name);

/* The row of @scope whose JSON path is @path ("swap.outs"), or NULL. */
VMSIM_API const struct vmsim_stat_desc *vmsim_stat_by_json(enum vmsim_stat_scope scope,
							   const char *path);

/* The value of row @d in @stats (a struct vmsim_sys_stats or vmsim_proc_stats,
 * as @d's table says), as stored: PAGES rows count pages. */
VMSIM_API double vmsim_stat_value(const struct vmsim_stat_desc *d, const void *stats);

/* The same as an integer (doubles truncated, booleans 0/1). */
VMSIM_API uint64_t vmsim_stat_u64(const struct vmsim_stat_desc *d, const void *stats);

/* The value in its output unit: PAGES rows in bytes, the rest as stored. */
VMSIM_API double vmsim_stat_scaled(const struct vmsim_stat_desc *d, const void *stats);

#endif
