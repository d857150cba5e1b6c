/*
 * The host side of make validate: what the cases read from Linux (fault
 * counters, /proc/self/status and smaps fields, the test files and their
 * cache state) and the vmsim machine built from the host's settings.
 */
#define _GNU_SOURCE /* posix_fadvise, vsnprintf */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "validate.h"

int vwhy(int rc, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return rc;
}

struct vrusage vru_now(void)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	return (struct vrusage){r.ru_minflt, r.ru_majflt};
}

struct vrusage vru_since(struct vrusage before)
{
	struct vrusage now = vru_now();
	return (struct vrusage){now.minor - before.minor, now.major - before.major};
}

long vstatus_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}

long vsmaps_kib(const void *addr, const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	size_t n = strlen(field);
	bool in = false;
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = lo == (unsigned long)addr;
			continue;
		}
		if (in && !strncmp(line, field, n) && line[n] == ':') {
			v = atol(line + n + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

int vtest_file(const char *dir, const char *name, unsigned mib, char *path, size_t pathlen,
	       char *why, size_t whylen)
{
	struct stat st;
	snprintf(path, pathlen, "%s/%s", dir, name);
	if (stat(path, &st) == 0 && (uint64_t)st.st_size == (uint64_t)mib << 20)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return vwhy(-1, why, whylen, "%s: %s", path, strerror(errno));
	char *buf = malloc(1 << 20);
	if (!buf) {
		close(fd);
		return vwhy(-1, why, whylen, "out of memory");
	}
	for (unsigned i = 0; i < mib; i++) {
		memset(buf, 'a' + (int)(i % 26), 1 << 20);
		if (write(fd, buf, 1 << 20) != 1 << 20) {
			free(buf);
			close(fd);
			return vwhy(-1, why, whylen, "%s: write failed", path);
		}
	}
	free(buf);
	fsync(fd);
	close(fd);
	return 0;
}

int vdrop_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	fdatasync(fd);
	int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	return rc ? -1 : 0;
}

void vsim_config(const struct vhost *h, struct vmsim_config *cfg)
{
	vmsim_config_default(cfg);
	cfg->ram_bytes = 4ULL << 30;
	cfg->swap_bytes = 0;
	cfg->thp = h->thp;
	static const char *const defrag[] = {"always", "defer", "defer+madvise", "madvise",
					     "never"};
	for (int i = 0; i < 5; i++)
		if (!strcmp(h->thp_defrag, defrag[i]))
			cfg->thp_defrag = VMSIM_THP_DEFRAG_ALWAYS + i;
	cfg->readahead_kb = h->read_ahead_kb;
	cfg->fault_around_bytes = h->fault_around_bytes;
	cfg->khugepaged_pages_to_scan = h->kh_pages_to_scan;
	cfg->khugepaged_scan_sleep_ms = h->kh_scan_sleep_ms;
	cfg->khugepaged_alloc_sleep_ms = h->kh_alloc_sleep_ms;
	cfg->khugepaged_max_ptes_none = h->kh_max_ptes_none;
	cfg->khugepaged_max_ptes_shared = h->kh_max_ptes_shared;
}

int vsim_start(const struct vmsim_config *cfg, struct vmsim_system **sys, int *pid, char *why,
	       size_t whylen)
{
	int rc = vmsim_system_new(cfg, sys);
	if (rc)
		return vwhy(VCASE_FAIL, why, whylen, "vmsim_system_new: %s", vmsim_strerror(rc));
	if ((rc = vmsim_process_create(*sys, pid))) {
		vmsim_system_free(*sys);
		return vwhy(VCASE_FAIL, why, whylen, "vmsim_process_create: %s",
			    vmsim_strerror(rc));
	}
	return 0;
}

int vsim_touch(struct vmsim_system *sys, int pid, vaddr_t va, uint64_t len, bool write)
{
	for (uint64_t off = 0; off < len; off += 4096) {
		int rc =
		    vmsim_access(sys, pid, va + off, 1, write ? VMSIM_WRITE : VMSIM_READ, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

struct smaps_find {
	vaddr_t va;
	const char *field;
	double kib;
};

static int smaps_pick(const struct vmsim_smaps_entry *e, void *arg)
{
	struct smaps_find *s = arg;
	if (e->start != s->va)
		return 0;
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"Rss", offsetof(struct vmsim_smaps_entry, rss)},
	    {"Pss", offsetof(struct vmsim_smaps_entry, pss)},
	    {"Shared_Clean", offsetof(struct vmsim_smaps_entry, shared_clean)},
	    {"Shared_Dirty", offsetof(struct vmsim_smaps_entry, shared_dirty)},
	    {"Private_Clean", offsetof(struct vmsim_smaps_entry, private_clean)},
	    {"Private_Dirty", offsetof(struct vmsim_smaps_entry, private_dirty)},
	    {"Anonymous", offsetof(struct vmsim_smaps_entry, anonymous)},
	    {"AnonHugePages", offsetof(struct vmsim_smaps_entry, anon_huge)},
	    {"Swap", offsetof(struct vmsim_smaps_entry, swap)},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].name, s->field)) {
			uint64_t bytes;
			memcpy(&bytes, (const char *)e + fields[i].off, sizeof(bytes));
			s->kib = (double)bytes / 1024;
		}
	return 1;
}

double vsim_smaps_kib(struct vmsim_system *sys, int pid, vaddr_t va, const char *field)
{
	struct smaps_find s = {va, field, -1};
	vmsim_smaps(sys, pid, smaps_pick, &s);
	return s.kib;
}
