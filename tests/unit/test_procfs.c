/*
 * The /proc parsers behind `vmsim inspect`, on files captured once and
 * committed under tests/data/procfs/ (so the results do not depend on the
 * machine running the tests):
 *
 *	sleep/      a real `sleep` on Linux 6.18 (status, stat, statm, maps,
 *	            smaps, smaps_rollup, as the kernel printed them)
 *	oldkernel/  a kernel before 4.5/4.14: no RssAnon in status (statm splits
 *	            RSS), no smaps_rollup (smaps is summed); a command name with
 *	            ") (" and spaces; negative priority and nice in stat
 *	kthread/    a kernel thread: no Vm lines, empty maps
 *
 * and frame sharing on pagemaps written here (8 bytes per page, at offset
 * vpn * 8), so the pairing of frames is checked exactly.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/procfs.h"
#include "vmsim/error.h"

#define KB 1024ULL

/* tests/data/procfs/@name, found from this file's own path. */
static const char *fixture(const char *name)
{
	static char path[4096];
	const char *f = __FILE__, *slash = strrchr(f, '/');
	size_t n = slash ? (size_t)(slash - f) : 0; /* .../tests/unit */

	snprintf(path, sizeof(path), "%.*s/../data/procfs/%s", (int)n, n ? f : ".", name);
	return path;
}

static void reads_a_real_process_capture(void **state)
{
	struct procfs_proc p;
	char why[256] = "";
	(void)state;

	assert_ok(procfs_read_proc(fixture("sleep"), &p, why, sizeof(why)));
	assert_int_equal(p.st.pid, 20870);
	assert_string_equal(p.name, "sleep");
	assert_int_equal(p.state, 'S');
	assert_int_equal(p.ppid, 20867);
	assert_int_equal(p.uid, 0);
	assert_int_equal(p.threads, 1);
	assert_false(p.kthread);
	assert_true(p.st.alive);
	assert_int_equal(p.st.vm_size, 2920 * KB);
	assert_int_equal(p.vm_peak, 2920 * KB);
	assert_int_equal(p.st.rss, 1736 * KB);
	assert_int_equal(p.st.rss_anon, 108 * KB);
	assert_int_equal(p.st.rss_file, 1628 * KB);
	assert_int_equal(p.st.rss_shmem, 0);
	assert_int_equal(p.st.pte_bytes, 44 * KB);
	assert_int_equal(p.st.swap, 0);
	assert_int_equal(p.st.faults_minor, 98);
	assert_int_equal(p.st.faults_major, 0);
	assert_true(p.have_maps);
	assert_int_equal(p.st.nr_vmas, 37);
	assert_true(p.have_rollup);
	assert_int_equal(p.st.pss, 180 * KB);
	assert_int_equal(p.rollup.pss_anon, 108 * KB);
	assert_int_equal(p.rollup.pss_file, 72 * KB);
	assert_int_equal(p.st.uss, (36 + 108) * KB); /* Private_Clean + Private_Dirty */
	assert_int_equal(p.rollup.referenced, 1736 * KB);
	assert_int_equal(p.st.anon_huge, 0);
}

/* The per-VMA records add up to the kernel's own rollup. */
static void smaps_of_the_capture_sums_to_its_rollup(void **state)
{
	struct procfs_maps m = {0};
	struct procfs_mem sum;
	struct procfs_proc p;
	(void)state;

	assert_ok(procfs_read_proc(fixture("sleep"), &p, NULL, 0));
	assert_ok(procfs_read_smaps(fixture("sleep"), &m, NULL, 0));
	assert_int_equal(m.n, 37);
	procfs_maps_sum(&m, &sum);
	assert_int_equal(sum.rss, p.rollup.rss);
	assert_int_equal(sum.private_clean, p.rollup.private_clean);
	assert_int_equal(sum.private_dirty, p.rollup.private_dirty);
	assert_int_equal(sum.shared_clean, p.rollup.shared_clean);
	assert_int_equal(sum.anonymous, p.rollup.anonymous);
	assert_int_equal(sum.referenced, p.rollup.referenced);
	/* per-VMA Pss is rounded down to a kB; the rollup sums exact fractions */
	assert_true(sum.pss <= p.rollup.pss && p.rollup.pss - sum.pss < m.n * KB);
	/* the first VMA: the program's own text, first page */
	assert_string_equal(m.vma[0].path, "/usr/bin/sleep");
	assert_string_equal(m.vma[0].e.name, "/usr/bin/sleep");
	assert_int_equal(m.vma[0].e.prot, VMSIM_PROT_READ);
	assert_int_equal(m.vma[0].e.flags, VMSIM_MAP_PRIVATE);
	assert_int_equal(m.vma[0].e.size, m.vma[0].e.end - m.vma[0].e.start);
	assert_int_equal(m.vma[0].mem.kernel_page_size, 4 * KB);
	assert_int_equal(m.vma[0].thp_eligible, 0);
	/* the last: [vsyscall], above 2^53 */
	assert_string_equal(m.vma[m.n - 1].path, "[vsyscall]");
	assert_int_equal(m.vma[m.n - 1].e.start, 0xffffffffff600000ULL);
	assert_int_equal(m.vma[m.n - 1].e.prot, VMSIM_PROT_EXEC);
	assert_true(m.vma[m.n - 1].e.flags & VMSIM_MAP_ANONYMOUS);
	procfs_maps_release(&m);
	assert_null(m.vma);
}

static void old_kernel_splits_rss_from_statm_and_sums_smaps(void **state)
{
	struct procfs_proc p;
	struct procfs_maps m = {0};
	char why[256] = "";
	(void)state;

	assert_ok(procfs_read_proc(fixture("oldkernel"), &p, why, sizeof(why)));
	assert_string_equal(p.name, "a) (b c");
	assert_int_equal(p.st.pid, 4242);
	assert_int_equal(p.uid, 1000);
	assert_int_equal(p.state, 'R');
	/* stat fields are counted after the last ')': negative nice is fine */
	assert_int_equal(p.st.faults_minor, 1234);
	assert_int_equal(p.st.faults_major, 56);
	assert_int_equal(p.threads, 3);
	/* no RssAnon: statm's shared pages are the file part */
	assert_int_equal(p.st.rss, 4000 * KB);
	assert_int_equal(p.st.rss_file, 300 * 4096);
	assert_int_equal(p.st.rss_anon, 4000 * KB - 300 * 4096);
	assert_int_equal(p.st.swap, 256 * KB);
	/* no smaps_rollup: smaps summed */
	assert_true(p.have_rollup);
	assert_int_equal(p.st.nr_vmas, 3);
	assert_int_equal(p.rollup.rss, (20 + 3000 + 100) * KB);
	assert_int_equal(p.st.pss, (10 + 3000 + 50) * KB);
	assert_int_equal(p.st.uss, 3000 * KB);
	assert_int_equal(p.st.anon_huge, 2048 * KB);
	assert_int_equal(p.rollup.swap, 256 * KB);

	assert_ok(procfs_read_smaps(fixture("oldkernel"), &m, NULL, 0));
	assert_int_equal(m.n, 3);
	assert_string_equal(m.vma[0].path, "/usr/bin/a) (b c");
	assert_int_equal(m.vma[0].inode, 1234);
	assert_int_equal(m.vma[0].dev_major, 8);
	assert_int_equal(m.vma[0].dev_minor, 1);
	assert_int_equal(m.vma[0].e.prot, VMSIM_PROT_READ | VMSIM_PROT_EXEC);
	assert_string_equal(m.vma[0].vmflags, "rd ex mr mw me dw");
	assert_int_equal(m.vma[0].thp_eligible, -1); /* no THPeligible line */
	assert_string_equal(m.vma[1].path, "[heap]");
	assert_int_equal(m.vma[1].e.flags, VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS);
	assert_int_equal(m.vma[1].e.anon_huge, 2048 * KB);
	assert_int_equal(m.vma[1].e.referenced, 2000 * KB);
	assert_int_equal(m.vma[2].e.flags, VMSIM_MAP_SHARED);
	assert_string_equal(m.vma[2].path, "/dev/shm/x (deleted)");
	assert_int_equal(m.vma[2].e.shared_dirty, 100 * KB);
	assert_int_equal(m.vma[2].thp_eligible, 1);
	assert_int_equal(m.vma[2].e.start, 0x7ffd00000000ULL);
	procfs_maps_release(&m);
}

static void kernel_thread_has_no_address_space(void **state)
{
	struct procfs_proc p;
	(void)state;

	assert_ok(procfs_read_proc(fixture("kthread"), &p, NULL, 0));
	assert_true(p.kthread);
	assert_string_equal(p.name, "kthreadd");
	assert_int_equal(p.st.vm_size, 0);
	assert_int_equal(p.st.rss, 0);
	assert_int_equal(p.st.nr_vmas, 0);
	assert_int_equal(p.ppid, 0);
}

static void missing_directory_is_no_such_process(void **state)
{
	struct procfs_proc p;
	char why[256] = "";
	(void)state;

	assert_int_equal(procfs_read_proc(fixture("no-such-pid"), &p, why, sizeof(why)),
			 VMSIM_ESRCH);
	assert_non_null(strstr(why, "no-such-pid/status: no such process"));
}

static void parsers_reject_malformed_lines_with_their_number(void **state)
{
	struct procfs_proc p;
	struct procfs_maps m = {0};
	struct procfs_mem mem = {0};
	char why[256];
	(void)state;

	memset(&p, 0, sizeof(p));
	assert_int_equal(procfs_parse_status("Name:\tx\nState:\tS\n", &p, why, sizeof(why)),
			 VMSIM_EPARSE);
	assert_string_equal(why, "no Pid line");
	memset(&p, 0, sizeof(p));
	assert_int_equal(procfs_parse_status("Pid:\t1\nVmRSS:\tlots kB\n", &p, why, sizeof(why)),
			 VMSIM_EPARSE);
	assert_string_equal(why, "2: VmRSS: expected a size in kB");
	assert_int_equal(procfs_parse_stat("12 sleep S 1 2 3\n", &p, why, sizeof(why)),
			 VMSIM_EPARSE);
	assert_int_equal(procfs_parse_stat("12 (x) S 1 2\n", &p, why, sizeof(why)), VMSIM_EPARSE);
	assert_string_equal(why, "1: field 6: expected a number");
	assert_int_equal(procfs_parse_statm("1 2 3\n", 4096, &p, why, sizeof(why)), VMSIM_EPARSE);
	assert_int_equal(procfs_parse_rollup("[rollup]\nRss: x kB\n", &mem, why, sizeof(why)),
			 VMSIM_EPARSE);
	assert_string_equal(why, "2: Rss: expected a size in kB");
	assert_int_equal(procfs_parse_smaps("Rss: 4 kB\n", &m, why, sizeof(why)), VMSIM_EPARSE);
	assert_string_equal(why, "1: a key line before the first VMA");
	assert_int_equal(procfs_parse_smaps("00400000-00401000 r-xp 0 08:01 1 /x\nnot a header\n",
					    &m, why, sizeof(why)),
			 VMSIM_EPARSE);
	assert_string_equal(why, "2: expected 'start-end perms offset dev inode path'");
	assert_int_equal(m.n, 1); /* what was read stays, for release */
	procfs_maps_release(&m);
	/* unknown keys and lines are fine */
	assert_ok(procfs_parse_rollup("[rollup]\nBrandNew:   5 kB\nRss:   8 kB\n", &mem, NULL, 0));
	assert_int_equal(mem.rss, 8 * KB);
}

/* ---- frame sharing on hand-made pagemaps ---------------------------------- */

#define PM_PRESENT (1ULL << 63)
#define PM_FILE	   (1ULL << 61)

/* A fake /proc/PID directory in @dir: maps with @maps, pagemap entries
 * @e[i] for the pages from @va on. */
static void fake_proc(const char *dir, const char *maps, uint64_t va, const uint64_t *e, size_t n)
{
	char path[4096];
	FILE *f;
	int fd;

	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/maps", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(maps, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/pagemap", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, e, n * 8, (off_t)(va >> 12) * 8), (ssize_t)(n * 8));
	close(fd);
}

static void remove_fake(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/maps", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pagemap", dir);
	unlink(path);
	rmdir(dir);
}

/*
 *	A: 0x400000 ...  pfn 100 101 102 103 104 | (hole) | 7 (file) | 900 (zero page)
 *	                                                          x2 in the last two pages
 *	B: 0x800000 ...  pfn 100 101 102 103 104 | 555    | 7 (file) | 900 900
 *
 *	shared: 100-104 (one run, A 0x400000 = B 0x800000), 7 (file), 900 once
 */
static void share_pairs_frames_and_merges_runs(void **state)
{
	char base[] = "/tmp/vmsim-share-XXXXXX", a[64], b[64], why[256] = "";
	const uint64_t ea[9] = {PM_PRESENT | 100,	  PM_PRESENT | 101, PM_PRESENT | 102,
				PM_PRESENT | 103,	  PM_PRESENT | 104, 0,
				PM_PRESENT | PM_FILE | 7, PM_PRESENT | 900, PM_PRESENT | 900};
	const uint64_t eb[9] = {PM_PRESENT | 100,	  PM_PRESENT | 101, PM_PRESENT | 102,
				PM_PRESENT | 103,	  PM_PRESENT | 104, PM_PRESENT | 555,
				PM_PRESENT | PM_FILE | 7, PM_PRESENT | 900, PM_PRESENT | 900};
	struct procfs_share s;
	(void)state;

	assert_non_null(mkdtemp(base));
	snprintf(a, sizeof(a), "%s/a", base);
	snprintf(b, sizeof(b), "%s/b", base);
	fake_proc(a, "00400000-00409000 rw-p 00000000 00:00 0 \n", 0x400000, ea, 9);
	fake_proc(b, "00800000-00809000 rw-p 00000000 00:00 0 [heap]\n", 0x800000, eb, 9);

	assert_ok(procfs_share(a, b, &s, why, sizeof(why)));
	assert_false(s.pfns_hidden);
	assert_int_equal(s.present, 8);
	assert_int_equal(s.other_present, 9);
	assert_int_equal(s.frames, 5 + 1 + 1);
	assert_int_equal(s.frames_file, 1);
	assert_int_equal(s.frames_anon, 6);
	/* runs: 0x400000-0x405000 at 0x800000; the file page; the two 900s */
	assert_int_equal(s.nranges, 3);
	assert_int_equal(s.range[0].start, 0x400000);
	assert_int_equal(s.range[0].end, 0x405000);
	assert_int_equal(s.range[0].other, 0x800000);
	assert_true(s.range[0].anon);
	assert_int_equal(s.range[1].start, 0x406000);
	assert_false(s.range[1].anon);
	assert_int_equal(s.range[2].start, 0x407000);
	assert_int_equal(s.range[2].end, 0x409000);
	assert_int_equal(s.range[2].other, 0x807000);
	procfs_share_release(&s);

	/* frame numbers hidden (not root): all read as 0 */
	remove_fake(a);
	{
		const uint64_t hidden[2] = {PM_PRESENT, PM_PRESENT};
		fake_proc(a, "00400000-00402000 rw-p 00000000 00:00 0 \n", 0x400000, hidden, 2);
	}
	assert_ok(procfs_share(a, b, &s, why, sizeof(why)));
	assert_true(s.pfns_hidden);
	assert_int_equal(s.frames, 0);
	assert_int_equal(s.nranges, 0);
	procfs_share_release(&s);

	/* a directory without maps */
	assert_int_equal(procfs_share(a, base, &s, why, sizeof(why)), VMSIM_ENOENT);
	procfs_share_release(&s);
	remove_fake(a);
	remove_fake(b);
	rmdir(base);
}

/* The real thing, on this test's own process: our pages are shared with
 * ourselves at the same addresses, when frame numbers are visible (a few
 * pages may change between the two reads: the reader allocates). */
static void share_of_a_process_with_itself_is_all_its_pages(void **state)
{
	struct procfs_share s;
	char why[256] = "";
	(void)state;

	if (access("/proc/self/pagemap", R_OK) != 0)
		skip();
	assert_ok(procfs_share("/proc/self", "/proc/self", &s, why, sizeof(why)));
	if (s.pfns_hidden) {
		procfs_share_release(&s);
		skip(); /* not root: frame numbers read as 0 */
	}
	uint64_t same = 0, pages = 0;
	assert_true(s.frames > 0);
	assert_true(s.nranges > 0);
	for (size_t i = 0; i < s.nranges; i++) {
		uint64_t n = (s.range[i].end - s.range[i].start) >> 12;
		pages += n;
		if (s.range[i].start == s.range[i].other)
			same += n;
	}
	assert_true(same * 10 >= pages * 9);
	procfs_share_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_a_real_process_capture),
	    cmocka_unit_test(smaps_of_the_capture_sums_to_its_rollup),
	    cmocka_unit_test(old_kernel_splits_rss_from_statm_and_sums_smaps),
	    cmocka_unit_test(kernel_thread_has_no_address_space),
	    cmocka_unit_test(missing_directory_is_no_such_process),
	    cmocka_unit_test(parsers_reject_malformed_lines_with_their_number),
	    cmocka_unit_test(share_pairs_frames_and_merges_runs),
	    cmocka_unit_test(share_of_a_process_with_itself_is_all_its_pages),
	};
	return testutil_result(cmocka_run_group_tests(tests, NULL, NULL));
}
