/*
 * make validate case: writes through a MAP_SHARED file mapping. A 16 MiB
 * file of its own (the writes dirty it), mapped MAP_SHARED read-write,
 * dropped from the page cache, then one byte written per page (cold write
 * pass); the same file, read one byte per page first and then written
 * (warm write pass after a read pass). Measured on Linux 6.18: a write
 * fault on a page with no PTE maps the page's whole cached folio writable
 * (do_shared_fault, then finish_fault over the folio; no fault-around,
 * which is for reads), so the cold pass costs one fault per folio the
 * readahead made (2048 single pages, then 512 order-2 folios: 2559 minor
 * faults and 1 major); a write to a page a read fault mapped read-only is
 * one write-protect fault per page (wp_page_shared), whatever the folio
 * size. The read pass's count is the number of folios the file is cached
 * in after its readahead, so it follows the folio sizes (4 %).
 */
#define _GNU_SOURCE

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "validate.h"

#define LEN_MIB 16
#define LEN	((uint64_t)LEN_MIB << 20)
#define NAME	"file16w.dat"

static void write_pages(volatile char *p)
{
	for (uint64_t off = 0; off < LEN; off += 4096)
		p[off] = 'w';
}

static void read_pages(const volatile char *p)
{
	volatile char sink = 0;
	for (uint64_t off = 0; off < LEN; off += 4096)
		sink += p[off];
	(void)sink;
}

static int native(const struct vhost *h, double *v, char *why, size_t whylen)
{
	char path[4096];
	if (vtest_file(h->dir, NAME, LEN_MIB, path, sizeof(path), why, whylen))
		return VCASE_FAIL;
	int fd = open(path, O_RDWR);
	if (fd < 0)
		return vwhy(VCASE_FAIL, why, whylen, "cannot open %s", path);
	for (int pass = 0; pass < 2; pass++) {
		if (vdrop_file(path))
			return vwhy(VCASE_FAIL, why, whylen, "%s: posix_fadvise failed", path);
		char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return vwhy(VCASE_FAIL, why, whylen, "mmap failed");
		struct vrusage t0 = vru_now();
		if (pass == 1) {
			read_pages(p);
			struct vrusage r = vru_since(t0);
			v[3] = (double)(r.major + r.minor);
			t0 = vru_now();
		}
		write_pages(p);
		struct vrusage d = vru_since(t0);
		if (pass == 0) {
			v[0] = (double)d.major;
			v[1] = (double)d.minor;
			v[2] = (double)vsmaps_kib(p, "Rss");
		} else {
			v[4] = (double)(d.major + d.minor);
			v[5] = (double)vsmaps_kib(p, "Rss");
		}
		munmap(p, LEN);
	}
	close(fd);
	return 0;
}

static int sim(const struct vhost *h, double *v, char *why, size_t whylen)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats s0, s1, s2;
	char path[4096];
	int pid, fd, rc;
	vaddr_t va;
	if (vtest_file(h->dir, NAME, LEN_MIB, path, sizeof(path), why, whylen))
		return VCASE_FAIL;
	vsim_config(h, &cfg);
	for (int pass = 0; pass < 2; pass++) {
		/* a fresh machine per pass: the file starts out of the cache */
		if ((rc = vsim_start(&cfg, &sys, &pid, why, whylen)))
			return rc;
		rc = vmsim_file_open(sys, path, true, &fd);
		if (!rc)
			rc = vmsim_mmap(sys, pid, 0, LEN, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
					VMSIM_MAP_SHARED, fd, 0, &va);
		vmsim_proc_stats(sys, pid, &s0);
		s1 = s0;
		if (!rc && pass == 1) {
			rc = vsim_touch(sys, pid, va, LEN, false);
			vmsim_proc_stats(sys, pid, &s1);
		}
		if (!rc)
			rc = vsim_touch(sys, pid, va, LEN, true);
		vmsim_proc_stats(sys, pid, &s2);
		if (rc) {
			vmsim_system_free(sys);
			return vwhy(VCASE_FAIL, why, whylen, "vmsim: %s", vmsim_strerror(rc));
		}
		if (pass == 0) {
			v[0] = (double)(s2.faults_major - s1.faults_major);
			v[1] = (double)(s2.faults_minor - s1.faults_minor);
			v[2] = vsim_smaps_kib(sys, pid, va, "Rss");
		} else {
			v[3] = (double)(s1.faults_minor + s1.faults_major - s0.faults_minor -
					s0.faults_major);
			v[4] = (double)(s2.faults_minor + s2.faults_major - s1.faults_minor -
					s1.faults_major);
			v[5] = vsim_smaps_kib(sys, pid, va, "Rss");
		}
		vmsim_system_free(sys);
	}
	return 0;
}

const struct vcase vcase_file_shared_write = {
    .name = "file_shared_write",
    .title = "16 MiB MAP_SHARED file mapping, one byte written per page: cold, and after a "
	     "read pass",
    .metric = {{"cold write major faults", 0, 1, NULL},
	       {"cold write minor faults", 2, 2, NULL},
	       {"cold write Rss KiB", 0.5, 8, NULL},
	       {"read pass faults", 4, 4, NULL},
	       {"write faults after read", 2, 2, NULL},
	       {"Rss KiB after both", 0.5, 8, NULL}},
    .native = native,
    .sim = sim,
};
