/*
 * The human report (src/report/report_text.c), rendered into memory
 * (open_memstream) for a small deterministic run and compared line by line:
 * the unit helpers, the machine line, the process and fault tables, the TLB
 * and walk tables, smaps, walks of one address, translations, signals. The
 * last cases check that printing a report changes nothing in the machine.
 *
 * The run: 4 MiB of RAM, the seed CPU (one 64-entry TLB, no PWC), process 1
 * maps 64 KiB at the top of the mmap area, writes its 16 pages, reads the
 * first 4 again:
 *
 *	0x7fefffff0000                     0x7ff000000000
 *	|wwww|wwww|wwww|wwww|...  16 pages, written; pages 0-3 read again
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG	  4096ULL
#define BUF_START 0x7fefffff0000ULL

struct fixture {
	struct vmsim_system *sys;
	int pid;
};

static struct vmsim_system *seed_machine(void)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = 4ULL << 20;
	cfg.swap_bytes = 0;
	cfg.seed = 7;
	assert_ok(vmsim_cpu_preset("seed", &cfg.mmu));
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	vaddr_t at;
	if (!f)
		return -1;
	f->sys = seed_machine();
	assert_ok(vmsim_process_create(f->sys, &f->pid));
	assert_ok(vmsim_mmap(f->sys, f->pid, 0, 16 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &at));
	assert_int_equal(at, BUF_START);
	for (uint64_t i = 0; i < 16; i++)
		assert_ok(vmsim_access(f->sys, f->pid, at + i * PG, 8, VMSIM_WRITE, NULL));
	for (uint64_t i = 0; i < 4; i++)
		assert_ok(vmsim_access(f->sys, f->pid, at + i * PG, 8, VMSIM_READ, NULL));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char why[256] = "";
	if (vmsim_check(f->sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
	vmsim_system_free(f->sys);
	free(f);
	return 0;
}

/* Line @n (0-based) of @text into @buf, without its newline. */
static const char *line(const char *text, int n, char *buf, size_t len)
{
	const char *p = text;
	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p) {
		snprintf(buf, len, "<no line %d>", n);
		return buf;
	}
	size_t k = strcspn(p, "\n");
	snprintf(buf, len, "%.*s", (int)k, p);
	return buf;
}

static int count_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

static const struct run_area areas_a[] = {{"buf", BUF_START, 4096}};
static const struct run_proc procs_a[] = {{"A", 1, areas_a, 1}};
static const struct run_names names = {procs_a, 1};

/* ---- units ------------------------------------------------------------------ */

static void units_bytes_are_binary_and_exact_when_whole(void **state)
{
	(void)state;
	assert_string_equal(report_bytes(0).s, "0 B");
	assert_string_equal(report_bytes(1023).s, "1023 B");
	assert_string_equal(report_bytes(4096).s, "4 KiB");
	assert_string_equal(report_bytes(256 * 1024).s, "256 KiB");
	assert_string_equal(report_bytes(500ULL << 20).s, "500 MiB");
	assert_string_equal(report_bytes(1536ULL << 20).s, "1.5 GiB");
	assert_string_equal(report_bytes(100000000).s, "95.4 MiB");
	assert_string_equal(report_bytes((1ULL << 20) - 1).s, "1.0 MiB");
	assert_string_equal(report_bytes(4ULL << 40).s, "4 TiB");
}

static void units_counts_group_then_scale(void **state)
{
	(void)state;
	assert_string_equal(report_count(0).s, "0");
	assert_string_equal(report_count(999).s, "999");
	assert_string_equal(report_count(24415).s, "24,415");
	assert_string_equal(report_count(999999).s, "999,999");
	assert_string_equal(report_count(1000000).s, "1.00M");
	assert_string_equal(report_count(12345678).s, "12.35M");
	assert_string_equal(report_count(5000000000ULL).s, "5.00G");
}

static void units_ratios_and_times(void **state)
{
	(void)state;
	assert_string_equal(report_ratio(0.9375).s, "93.8%");
	assert_string_equal(report_ratio(1).s, "100.0%");
	assert_string_equal(report_ratio_of(1, 3).s, "33.3%");
	assert_string_equal(report_ratio_of(5, 0).s, "-");
	assert_string_equal(report_seconds(0).s, "0 s");
	assert_string_equal(report_seconds(850e-9).s, "850 ns");
	assert_string_equal(report_seconds(12.5e-6).s, "12.5 us");
	assert_string_equal(report_seconds(1.25e-3).s, "1.25 ms");
	assert_string_equal(report_seconds(3.2).s, "3.20 s");
}

/* ---- tables ------------------------------------------------------------------ */

static void machine_fits_one_line(void **state)
{
	struct fixture *f = *state;
	struct capture c;
	char l[512];
	report_machine(capture_start(&c), vmsim_system_config(f->sys));
	char *t = capture_end(&c);
	assert_int_equal(count_lines(t), 1);
	assert_string_equal(
	    line(t, 0, l, sizeof(l)),
	    "machine: RAM 4 MiB, swap 0 B, cpu textbook, 4-level paging, THP madvise, "
	    "policy clock, data mode off, seed 7");
	free(t);
}

static void processes_table_has_one_row_per_process(void **state)
{
	struct fixture *f = *state;
	struct capture c;
	char l[512];
	report_processes(capture_start(&c), f->sys, &names);
	char *t = capture_end(&c);
	assert_int_equal(count_lines(t), 2);
	assert_string_equal(
	    line(t, 0, l, sizeof(l)),
	    "  pid process    state           VMS        RSS       anon       file "
	    "     shmem        PSS        USS       swap   pgtables       VMAs        THP "
	    "   hugetlb     locked        WSS");
	assert_string_equal(
	    line(t, 1, l, sizeof(l)),
	    "    1 A          alive        64 KiB     64 KiB     64 KiB        0 B "
	    "       0 B     64 KiB     64 KiB        0 B     16 KiB          1        0 B "
	    "       0 B        0 B        0 B");
	free(t);
}

static void faults_table_counts_each_kind(void **state)
{
	struct fixture *f = *state;
	struct capture c;
	char l[512];
	report_faults(capture_start(&c), f->sys, NULL);
	char *t = capture_end(&c);
	assert_string_equal(
	    line(t, 0, l, sizeof(l)),
	    "  pid process    state         minor      major   accesses    invalid "
	    " zero-page   COW copy  COW reuse    swap-in  swapcache shootdowns  OOM "
	    "   SIGSEGV");
	assert_string_equal(
	    line(t, 1, l, sizeof(l)),
	    "    1 -          alive            16          0         20          0 "
	    "         0          0          0          0          0          0   no "
	    "         0");
	free(t);
}

static void tlb_table_shows_reach_and_ratio(void **state)
{
	struct fixture *f = *state;
	struct vmsim_sys_stats st;
	struct capture c;
	char l[512], want[512];
	assert_ok(vmsim_sys_stats(f->sys, &st));
	const struct vmsim_tlb_level_stats *s = &st.mmu.tlb[VMSIM_TLB_L1D];
	/* the 4 reads hit: pages 0-3 are still in the 64-entry TLB */
	assert_true(s->hits[VMSIM_PAGE_4K] >= 4);
	report_tlb(capture_start(&c), f->sys);
	char *t = capture_end(&c);
	assert_int_equal(count_lines(t), 2); /* the seed CPU has one TLB, one size */
	assert_string_equal(line(t, 0, l, sizeof(l)),
			    "TLB   page  entries      reach      lookups         hits       misses "
			    "hit ratio");
	snprintf(want, sizeof(want), "L1D   4K         64    256 KiB %12s %12s %12s %9s",
		 report_count(s->lookups).s, report_count(s->hits[0]).s, report_count(s->misses).s,
		 report_ratio_of(s->hits[0], s->lookups).s);
	assert_string_equal(line(t, 1, l, sizeof(l)), want);
	free(t);
}

static void walks_table_without_paging_structure_caches(void **state)
{
	struct fixture *f = *state;
	struct vmsim_sys_stats st;
	struct capture c;
	char l[512], want[512], per[16];
	assert_ok(vmsim_sys_stats(f->sys, &st));
	const struct vmsim_walk_stats *w = &st.mmu.walk;
	report_walks(capture_start(&c), f->sys);
	char *t = capture_end(&c);
	snprintf(per, sizeof(per), "%.2f", (double)w->mem_refs / (double)w->walks);
	snprintf(want, sizeof(want), "%-6s %12s %12s %12s %12s %12s %12s %9s", "",
		 report_count(w->walks).s, report_count(w->mem_refs).s, report_count(w->faults).s,
		 report_count(w->a_sets).s, report_count(w->d_sets).s,
		 report_count(w->dirty_assists).s, per);
	assert_string_equal(line(t, 1, l, sizeof(l)), want);
	assert_non_null(strstr(line(t, 2, l, sizeof(l)), "translations"));
	assert_string_equal(line(t, 3, l, sizeof(l)), "paging-structure caches: none");
	free(t);
}

static void smaps_row_per_area_with_its_name(void **state)
{
	struct fixture *f = *state;
	struct capture c;
	char l[512];
	assert_ok(report_smaps(capture_start(&c), f->sys, f->pid, &names));
	char *t = capture_end(&c);
	assert_int_equal(count_lines(t), 3);
	assert_string_equal(line(t, 0, l, sizeof(l)), "areas of A (pid 1)");
	assert_string_equal(
	    line(t, 2, l, sizeof(l)),
	    "7fefffff0000-7ff000000000 rw-p     64 KiB     64 KiB     64 KiB       "
	    "0 B       0 B       0 B    64 KiB     64 KiB     64 KiB       0 B       "
	    "0 B  buf");
	free(t);
	assert_int_equal(report_smaps(capture_start(&c), f->sys, 9, NULL), VMSIM_ESRCH);
	free(capture_end(&c));
}

static void walk_lists_each_level_and_the_frame(void **state)
{
	struct fixture *f = *state;
	struct vmsim_walk_info w;
	struct capture c;
	char l[512], want[512], fl[64];
	const vaddr_t va = BUF_START + 5 * PG + 0x10;
	assert_ok(vmsim_walk_describe(f->sys, f->pid, va, &w));
	assert_ok(report_walk(capture_start(&c), f->sys, f->pid, va, &names));
	char *t = capture_end(&c);
	assert_int_equal(count_lines(t), 2 + 4 + 1);
	assert_string_equal(line(t, 0, l, sizeof(l)),
			    "walk of 0x7fefffff5010 in A (pid 1), 4-level paging");
	static const char *const lv[] = {"PML4", "PDPT", "PD", "PT"};
	static const unsigned idx[] = {255, 447, 511, 501};
	for (int i = 0; i < 4; i++) {
		char tab[24];
		snprintf(tab, sizeof(tab), "0x%llx", (unsigned long long)w.level[i].table);
		snprintf(want, sizeof(want), "  %-5s %12s %5u  0x%016llx  %s", lv[i], tab, idx[i],
			 (unsigned long long)w.level[i].entry,
			 vmsim_pte_flags_str(w.level[i].entry, fl, sizeof(fl)));
		assert_string_equal(line(t, 2 + i, l, sizeof(l)), want);
	}
	snprintf(want, sizeof(want),
		 "  -> physical address 0x%llx (frame 0x%llx + offset 0x10), 4K page",
		 (unsigned long long)w.pa, (unsigned long long)(w.pa >> 12));
	assert_string_equal(line(t, 6, l, sizeof(l)), want);
	free(t);
}

static void walk_of_a_hole_says_where_it_stops(void **state)
{
	struct fixture *f = *state;
	struct capture c;
	char l[512];
	assert_ok(report_walk(capture_start(&c), f->sys, f->pid, 0x1000, NULL));
	char *t = capture_end(&c);
	assert_string_equal(line(t, 0, l, sizeof(l)),
			    "walk of 0x1000 in pid 1 (pid 1), 4-level paging");
	assert_string_equal(line(t, 3, l, sizeof(l)), "  -> not mapped: the PML4 entry is empty");
	free(t);
	assert_int_equal(report_walk(capture_start(&c), f->sys, f->pid, 0x800000000000ULL, NULL),
			 VMSIM_ENONCANON);
	free(capture_end(&c));
}

static void translate_splits_the_seed_address(void **state)
{
	(void)state;
	struct capture c;
	static const char *const want[] = {
	    "translate 0x7ffd12345678: 4-level paging, 48-bit addresses, 4K pages",
	    "  field      bits   value",
	    "  PML4     47..39     255",
	    "  PDPT     38..30     500",
	    "  PD       29..21     145",
	    "  PT       20..12     325",
	    "  offset    11..0   0x678 (1656)",
	    "  page number 0x7ffd12345 (34356667205), offset bits 12 = log2(4096)",
	};
	char l[512];
	assert_ok(report_translate(capture_start(&c), 0x7ffd12345678ULL, 4, VMSIM_PAGE_4K));
	char *t = capture_end(&c);
	assert_int_equal(count_lines(t), 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(line(t, i, l, sizeof(l)), want[i]);
	free(t);
	assert_int_equal(report_translate(capture_start(&c), 0x7ffd12345678ULL, 3, VMSIM_PAGE_4K),
			 VMSIM_EINVAL);
	free(capture_end(&c));
}

static void signals_none_then_one_line_each(void **state)
{
	struct fixture *f = *state;
	struct capture c;
	struct vmsim_access_result res;
	char l[512];
	report_signals(capture_start(&c), f->sys, &names);
	char *t = capture_end(&c);
	assert_string_equal(line(t, 0, l, sizeof(l)), "signals: none");
	free(t);
	assert_ok(vmsim_access(f->sys, f->pid, 0x1000, 1, VMSIM_WRITE, &res));
	assert_true(res.segv);
	report_signals(capture_start(&c), f->sys, &names);
	t = capture_end(&c);
	assert_int_equal(count_lines(t), 1);
	assert_string_equal(
	    line(t, 0, l, sizeof(l)),
	    "signal: A write at 0x1000: SIGSEGV: nothing is mapped there (SEGV_MAPERR)");
	free(t);
	report_processes(capture_start(&c), f->sys, &names);
	t = capture_end(&c);
	assert_string_equal(
	    line(t, 1, l, sizeof(l)),
	    "    1 A          killed          0 B        0 B        0 B        0 B "
	    "       0 B        0 B        0 B        0 B        0 B          0        0 B "
	    "       0 B        0 B        0 B");
	free(t);
}

static void reports_only_read_the_machine(void **state)
{
	struct fixture *f = *state;
	struct vmsim_sys_stats before, after;
	struct vmsim_proc_stats pb, pa;
	struct capture c;
	assert_ok(vmsim_sys_stats(f->sys, &before));
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &pb));
	FILE *out = capture_start(&c);
	report_all(out, f->sys, &names);
	assert_ok(report_smaps(out, f->sys, f->pid, &names));
	assert_ok(report_walk(out, f->sys, f->pid, BUF_START, &names));
	assert_ok(report_process(out, f->sys, f->pid, &names));
	char *t = capture_end(&c);
	assert_true(count_lines(t) > 20);
	assert_non_null(strstr(t, "time: "));
	assert_non_null(strstr(t, "reclaim "));
	free(t);
	assert_ok(vmsim_sys_stats(f->sys, &after));
	assert_ok(vmsim_proc_stats(f->sys, f->pid, &pa));
	assert_memory_equal(&before.mmu, &after.mmu, sizeof(before.mmu));
	assert_int_equal(before.faults_minor, after.faults_minor);
	assert_int_equal(before.frames_free, after.frames_free);
	assert_memory_equal(&pb, &pa, sizeof(pb));
}

static void process_line_names_everything(void **state)
{
	struct fixture *f = *state;
	struct capture c;
	char l[512];
	assert_ok(report_process(capture_start(&c), f->sys, f->pid, &names));
	char *t = capture_end(&c);
	assert_string_equal(
	    line(t, 0, l, sizeof(l)),
	    "A (pid 1, alive): VMS 64 KiB, RSS 64 KiB, anon 64 KiB, file 0 B, shmem 0 B, "
	    "PSS 64 KiB, USS 64 KiB, swap 0 B, pgtables 16 KiB, VMAs 1, THP 0 B, "
	    "hugetlb 0 B, locked 0 B, WSS 0 B");
	free(t);
	assert_int_equal(report_process(capture_start(&c), f->sys, 42, &names), VMSIM_ESRCH);
	free(capture_end(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(units_bytes_are_binary_and_exact_when_whole),
	    cmocka_unit_test(units_counts_group_then_scale),
	    cmocka_unit_test(units_ratios_and_times),
	    cmocka_unit_test(translate_splits_the_seed_address),
	    cmocka_unit_test_setup_teardown(machine_fits_one_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(processes_table_has_one_row_per_process, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(faults_table_counts_each_kind, setup, teardown),
	    cmocka_unit_test_setup_teardown(tlb_table_shows_reach_and_ratio, setup, teardown),
	    cmocka_unit_test_setup_teardown(walks_table_without_paging_structure_caches, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(smaps_row_per_area_with_its_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(walk_lists_each_level_and_the_frame, setup, teardown),
	    cmocka_unit_test_setup_teardown(walk_of_a_hole_says_where_it_stops, setup, teardown),
	    cmocka_unit_test_setup_teardown(signals_none_then_one_line_each, setup, teardown),
	    cmocka_unit_test_setup_teardown(reports_only_read_the_machine, setup, teardown),
	    cmocka_unit_test_setup_teardown(process_line_names_everything, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
