/*
 * Reading real processes from /proc (see procfs.h for which file gives
 * what). The parsers take whole file contents and are line-oriented:
 *
 *	status, smaps keys      "Key:<spaces>N kB"   (N kB is 1024 N bytes)
 *	smaps VMA header        "start-end perms offset maj:min inode   path"
 *	stat                    "pid (comm) S ppid ..."  comm may hold ')' and spaces,
 *	                        so fields are counted after the LAST ')'
 *	pagemap                 8 bytes per virtual page: bit 63 present, 62 swapped,
 *	                        61 file or shared anonymous, 0..54 the frame number
 *
 * Unknown keys and lines are skipped so that newer kernels parse; a line
 * that is not what its position promises is VMSIM_EPARSE with its number.
 * Only this file touches /proc.
 */
#include "linux/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "base/units.h"
#include "vmsim/error.h"

#define KB 1024ULL

/* ---- text helpers -------------------------------------------------------- */

/* The line starting at @s: its length without the newline. */
static size_t line_len(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl ? (size_t)(nl - s) : strlen(s);
}

/* Read an unsigned decimal at *@s, skipping leading blanks; advance *@s.
 * False if there is no digit or it overflows. */
static bool read_u64(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return true;
}

static bool read_hex(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	int n = 0;

	for (;; p++, n++) {
		int d = unit_hexval((unsigned char)*p);
		if (d < 0)
			break;
		if (v >> 60)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return false;
	*s = p;
	*out = v;
	return true;
}

/*
 * A "Key: value" line: sets *@keylen (the key's length) and *@val (the value's first
 * non-blank). False if the line has no ':' before a blank, i.e. is not a
 * key line.
 */
static bool split_key(const char *line, size_t len, size_t *keylen, const char **val)
{
	size_t i;

	for (i = 0; i < len && line[i] != ':'; i++)
		if (line[i] == ' ' || line[i] == '\t')
			return false;
	if (i == 0 || i == len)
		return false;
	*keylen = i;
	for (i++; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	*val = line + i;
	return true;
}

static bool key_is(const char *line, size_t keylen, const char *key)
{
	return strlen(key) == keylen && memcmp(line, key, keylen) == 0;
}

/* A value "N kB" (or a bare N) in bytes: N kB is N * 1024. */
static bool read_kb(const char *val, uint64_t *out)
{
	uint64_t v;

	if (!read_u64(&val, &v))
		return false;
	while (*val == ' ')
		val++;
	if (val[0] == 'k' && val[1] == 'B') {
		if (v > UINT64_MAX / KB)
			return false;
		v *= KB;
	}
	*out = v;
	return true;
}

/* ---- status ------------------------------------------------------------- */

struct kb_field {
	const char *key;
	size_t off; /* of the uint64_t in struct procfs_proc */
};

#define PROC_FIELD(k, f)                                                                           \
	{                                                                                          \
		k, offsetof(struct procfs_proc, f)                                                 \
	}

static const struct kb_field status_kb[] = {
    PROC_FIELD("VmPeak", vm_peak),
    PROC_FIELD("VmSize", st.vm_size),
    PROC_FIELD("VmLck", vm_lck),
    PROC_FIELD("VmHWM", vm_hwm),
    PROC_FIELD("VmRSS", st.rss),
    PROC_FIELD("RssAnon", st.rss_anon),
    PROC_FIELD("RssFile", st.rss_file),
    PROC_FIELD("RssShmem", st.rss_shmem),
    PROC_FIELD("VmData", vm_data),
    PROC_FIELD("VmStk", vm_stk),
    PROC_FIELD("VmExe", vm_exe),
    PROC_FIELD("VmLib", vm_lib),
    PROC_FIELD("VmPTE", st.pte_bytes),
    PROC_FIELD("VmSwap", st.swap),
    PROC_FIELD("HugetlbPages", st.hugetlb),
};

int procfs_parse_status(const char *text, struct procfs_proc *p, char *why, size_t whylen)
{
	bool have_vm = false, have_split = false;
	unsigned lineno = 0;

	for (const char *s = text; *s; s += line_len(s) + (s[line_len(s)] == '\n')) {
		size_t len = line_len(s), klen;
		const char *val;
		uint64_t v;

		lineno++;
		if (!split_key(s, len, &klen, &val))
			continue;
		if (key_is(s, klen, "Name")) {
			size_t n = (size_t)(s + len - val);
			if (n >= sizeof(p->name))
				n = sizeof(p->name) - 1;
			memcpy(p->name, val, n);
			p->name[n] = '\0';
		} else if (key_is(s, klen, "State")) {
			p->state = *val;
		} else if (key_is(s, klen, "Pid")) {
			if (!read_u64(&val, &v) || v > INT32_MAX)
				return why_set(why, whylen, VMSIM_EPARSE, "%u: bad Pid", lineno);
			p->st.pid = (int)v;
		} else if (key_is(s, klen, "PPid")) {
			if (!read_u64(&val, &v) || v > INT32_MAX)
				return why_set(why, whylen, VMSIM_EPARSE, "%u: bad PPid", lineno);
			p->ppid = (int)v;
		} else if (key_is(s, klen, "Uid")) {
			if (!read_u64(&val, &v) || v > UINT32_MAX)
				return why_set(why, whylen, VMSIM_EPARSE, "%u: bad Uid", lineno);
			p->uid = (unsigned)v;
		} else if (key_is(s, klen, "Threads")) {
			if (!read_u64(&val, &p->threads))
				return why_set(why, whylen, VMSIM_EPARSE, "%u: bad Threads",
					       lineno);
		} else if (key_is(s, klen, "Kthread")) {
			p->kthread = *val == '1';
		} else {
			for (size_t i = 0; i < sizeof(status_kb) / sizeof(status_kb[0]); i++) {
				if (!key_is(s, klen, status_kb[i].key))
					continue;
				if (!read_kb(val, &v))
					return why_set(why, whylen, VMSIM_EPARSE,
						       "%u: %s: expected a size in kB", lineno,
						       status_kb[i].key);
				*(uint64_t *)((char *)p + status_kb[i].off) = v;
				have_vm = true;
				if (key_is(s, klen, "RssAnon"))
					have_split = true;
				break;
			}
		}
	}
	if (!p->st.pid)
		return why_set(why, whylen, VMSIM_EPARSE, "no Pid line");
	/* A kernel thread has no Vm lines (Kthread: exists only since 6.x). */
	if (!have_vm)
		p->kthread = true;
	if (have_vm && !have_split) /* before 4.5: statm will split RSS */
		p->st.rss_anon = p->st.rss_file = UINT64_MAX;
	p->st.alive = p->state != 'Z' && p->state != 'X';
	return 0;
}

/* ---- statm, stat -------------------------------------------------------- */

int procfs_parse_statm(const char *text, uint64_t page_size, struct procfs_proc *p, char *why,
		       size_t whylen)
{
	uint64_t f[7];
	const char *s = text;

	for (int i = 0; i < 7; i++)
		if (!read_u64(&s, &f[i]))
			return why_set(why, whylen, VMSIM_EPARSE, "1: field %d: expected a number",
				       i + 1);
	/* size resident shared text lib data dt, in pages */
	if (!p->st.vm_size)
		p->st.vm_size = f[0] * page_size;
	if (!p->st.rss)
		p->st.rss = f[1] * page_size;
	if (p->st.rss_anon == UINT64_MAX) {
		uint64_t shared = f[2] * page_size;
		p->st.rss_file = shared;
		p->st.rss_anon = p->st.rss > shared ? p->st.rss - shared : 0;
	}
	return 0;
}

int procfs_parse_stat(const char *text, struct procfs_proc *p, char *why, size_t whylen)
{
	const char *s = strrchr(text, ')');
	uint64_t v;

	if (!s || !strchr(text, '('))
		return why_set(why, whylen, VMSIM_EPARSE, "1: expected 'pid (comm) state ...'");
	s++;
	while (*s == ' ')
		s++;
	if (!*s)
		return why_set(why, whylen, VMSIM_EPARSE, "1: no state after the command");
	if (!p->state)
		p->state = *s;
	s++;
	/* Fields counted from 1 as in proc(5): 3 state, 4 ppid, ... 10 minflt,
	 * 12 majflt, 20 num_threads. We are past field 3. */
	for (int field = 4; field <= 20; field++) {
		if (*s == ' ')
			s++;
		if (*s == '-') /* tpgid -1, a negative priority or nice: sign dropped */
			s++;
		if (!read_u64(&s, &v))
			return why_set(why, whylen, VMSIM_EPARSE, "1: field %d: expected a number",
				       field);
		if (field == 10)
			p->st.faults_minor = v;
		else if (field == 12)
			p->st.faults_major = v;
		else if (field == 20 && !p->threads)
			p->threads = v;
		else if (field == 4 && !p->ppid)
			p->ppid = (int)v;
	}
	return 0;
}

/* ---- smaps -------------------------------------------------------------- */

#define MEM_FIELD(k, f)                                                                            \
	{                                                                                          \
		k, offsetof(struct procfs_mem, f)                                                  \
	}

static const struct kb_field mem_kb[] = {
    MEM_FIELD("Size", size),
    MEM_FIELD("KernelPageSize", kernel_page_size),
    MEM_FIELD("MMUPageSize", mmu_page_size),
    MEM_FIELD("Rss", rss),
    MEM_FIELD("Pss", pss),
    MEM_FIELD("Pss_Dirty", pss_dirty),
    MEM_FIELD("Pss_Anon", pss_anon),
    MEM_FIELD("Pss_File", pss_file),
    MEM_FIELD("Pss_Shmem", pss_shmem),
    MEM_FIELD("Shared_Clean", shared_clean),
    MEM_FIELD("Shared_Dirty", shared_dirty),
    MEM_FIELD("Private_Clean", private_clean),
    MEM_FIELD("Private_Dirty", private_dirty),
    MEM_FIELD("Referenced", referenced),
    MEM_FIELD("Anonymous", anonymous),
    MEM_FIELD("KSM", ksm),
    MEM_FIELD("LazyFree", lazy_free),
    MEM_FIELD("AnonHugePages", anon_huge),
    MEM_FIELD("ShmemPmdMapped", shmem_pmd_mapped),
    MEM_FIELD("FilePmdMapped", file_pmd_mapped),
    MEM_FIELD("Shared_Hugetlb", shared_hugetlb),
    MEM_FIELD("Private_Hugetlb", private_hugetlb),
    MEM_FIELD("Swap", swap),
    MEM_FIELD("SwapPss", swap_pss),
    MEM_FIELD("Locked", locked),
};

#define NMEM (sizeof(mem_kb) / sizeof(mem_kb[0]))

/* A "Key: N kB" line of smaps: add it to @m. Returns 1 if the key is a
 * counter, 0 if it is some other key, -1 if a counter's value is bad. */
static int mem_line(const char *s, size_t klen, const char *val, struct procfs_mem *m)
{
	for (size_t i = 0; i < NMEM; i++) {
		uint64_t v;
		if (!key_is(s, klen, mem_kb[i].key))
			continue;
		if (!read_kb(val, &v))
			return -1;
		*(uint64_t *)((char *)m + mem_kb[i].off) += v;
		return 1;
	}
	return 0;
}

int procfs_parse_rollup(const char *text, struct procfs_mem *m, char *why, size_t whylen)
{
	unsigned lineno = 0;

	for (const char *s = text; *s; s += line_len(s) + (s[line_len(s)] == '\n')) {
		size_t len = line_len(s), klen;
		const char *val;

		lineno++;
		if (!split_key(s, len, &klen, &val))
			continue; /* the "[rollup]" header */
		if (mem_line(s, klen, val, m) < 0)
			return why_set(why, whylen, VMSIM_EPARSE, "%u: %.*s: expected a size in kB",
				       lineno, (int)klen, s);
	}
	return 0;
}

/*
 * A VMA header line "start-end perms offset maj:min inode [path]" into @v
 * (path copied). False if the line is not one.
 */
static bool vma_header(const char *s, size_t len, struct procfs_vma *v)
{
	const char *p = s, *end = s + len;
	uint64_t start, stop, maj, min;

	if (!read_hex(&p, &start) || *p++ != '-' || !read_hex(&p, &stop) || *p++ != ' ')
		return false;
	if (end - p < 5 || p[4] != ' ')
		return false;
	v->e.prot = (p[0] == 'r' ? VMSIM_PROT_READ : 0) | (p[1] == 'w' ? VMSIM_PROT_WRITE : 0) |
		    (p[2] == 'x' ? VMSIM_PROT_EXEC : 0);
	v->e.flags = p[3] == 's' ? VMSIM_MAP_SHARED : VMSIM_MAP_PRIVATE;
	p += 5;
	if (!read_hex(&p, &v->offset) || *p++ != ' ' || !read_hex(&p, &maj) || *p++ != ':' ||
	    !read_hex(&p, &min) || !read_u64(&p, &v->inode))
		return false;
	if (p > end || stop < start)
		return false;
	v->dev_major = (unsigned)maj;
	v->dev_minor = (unsigned)min;
	while (p < end && *p == ' ')
		p++;
	v->path = malloc((size_t)(end - p) + 1);
	if (!v->path)
		return false;
	memcpy(v->path, p, (size_t)(end - p));
	v->path[end - p] = '\0';
	v->e.start = start;
	v->e.end = stop;
	v->e.size = stop - start;
	v->e.name = v->path;
	if (v->inode == 0 && (v->path[0] == '\0' || v->path[0] == '['))
		v->e.flags |= VMSIM_MAP_ANONYMOUS;
	v->thp_eligible = -1;
	return true;
}

/* Copy the counters a simulated VMA has too into v->e. */
static void vma_fill_common(struct procfs_vma *v)
{
	const struct procfs_mem *m = &v->mem;

	v->e.rss = m->rss;
	v->e.pss = m->pss;
	v->e.shared_clean = m->shared_clean;
	v->e.shared_dirty = m->shared_dirty;
	v->e.private_clean = m->private_clean;
	v->e.private_dirty = m->private_dirty;
	v->e.referenced = m->referenced;
	v->e.anonymous = m->anonymous;
	v->e.anon_huge = m->anon_huge;
	v->e.swap = m->swap;
}

int procfs_parse_smaps(const char *text, struct procfs_maps *out, char *why, size_t whylen)
{
	struct procfs_vma *cur = NULL;
	unsigned lineno = 0;

	for (const char *s = text; *s; s += line_len(s) + (s[line_len(s)] == '\n')) {
		size_t len = line_len(s), klen;
		const char *val;

		lineno++;
		if (len == 0)
			continue;
		if (split_key(s, len, &klen, &val)) {
			int r;
			if (!cur)
				return why_set(why, whylen, VMSIM_EPARSE,
					       "%u: a key line before the first VMA", lineno);
			if (key_is(s, klen, "VmFlags")) {
				size_t n = (size_t)(s + len - val);
				while (n && val[n - 1] == ' ')
					n--;
				if (n >= sizeof(cur->vmflags))
					n = sizeof(cur->vmflags) - 1;
				memcpy(cur->vmflags, val, n);
				cur->vmflags[n] = '\0';
				continue;
			}
			if (key_is(s, klen, "THPeligible")) {
				cur->thp_eligible = *val == '1';
				continue;
			}
			r = mem_line(s, klen, val, &cur->mem);
			if (r < 0)
				return why_set(why, whylen, VMSIM_EPARSE,
					       "%u: %.*s: expected a size in kB", lineno, (int)klen,
					       s);
			if (r > 0)
				vma_fill_common(cur);
			continue;
		}
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 64;
			struct procfs_vma *nv = realloc(out->vma, cap * sizeof(*nv));
			if (!nv)
				return why_set(why, whylen, VMSIM_ENOHOSTMEM, "out of host memory");
			out->vma = nv;
			out->cap = cap;
		}
		cur = &out->vma[out->n];
		memset(cur, 0, sizeof(*cur));
		if (!vma_header(s, len, cur)) {
			free(cur->path);
			return why_set(why, whylen, VMSIM_EPARSE,
				       "%u: expected 'start-end perms offset dev inode path'",
				       lineno);
		}
		out->n++;
	}
	return 0;
}

void procfs_maps_release(struct procfs_maps *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->vma[i].path);
	free(m->vma);
	memset(m, 0, sizeof(*m));
}

void procfs_maps_sum(const struct procfs_maps *m, struct procfs_mem *total)
{
	memset(total, 0, sizeof(*total));
	for (size_t i = 0; i < m->n; i++)
		for (size_t k = 0; k < NMEM; k++)
			*(uint64_t *)((char *)total + mem_kb[k].off) +=
			    *(const uint64_t *)((const char *)&m->vma[i].mem + mem_kb[k].off);
	/* The rollup has no per-VMA sizes; its Pss_Anon/File/Shmem come from
	 * the kernel only. */
	total->size = total->kernel_page_size = total->mmu_page_size = 0;
}

/* ---- reading files ------------------------------------------------------ */

/* errno after a failed open or read of a /proc file, as a VMSIM_E* code.
 * ENOENT on a file of a directory that is gone means the process is. */
static int errno_code(int e, const char *dir)
{
	struct stat sb;

	switch (e) {
	case EACCES:
	case EPERM:
		return VMSIM_EACCES;
	case ESRCH:
		return VMSIM_ESRCH;
	case ENOENT:
		return stat(dir, &sb) == 0 ? VMSIM_ENOENT : VMSIM_ESRCH;
	case ENOMEM:
		return VMSIM_ENOHOSTMEM;
	default:
		return VMSIM_EIO;
	}
}

static const char *code_reason(int rc)
{
	switch (rc) {
	case VMSIM_ESRCH:
		return "no such process";
	case VMSIM_EACCES:
		return "permission denied";
	case VMSIM_ENOENT:
		return "no such file";
	default:
		return vmsim_strerror(rc);
	}
}

/* Read all of @dir/@name into a NUL-terminated heap buffer *@out. */
static int slurp(const char *dir, const char *name, char **out, char *why, size_t whylen)
{
	char path[4096];
	size_t len = 0, cap = 8192;
	char *buf;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno_code(errno, dir);
		return why_set(why, whylen, rc, "%s: %s", path, code_reason(rc));
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return why_set(why, whylen, VMSIM_ENOHOSTMEM, "%s: out of host memory", path);
	}
	for (;;) {
		ssize_t n;
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = VMSIM_ENOHOSTMEM;
				goto out_free;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = errno_code(errno, dir);
			goto out_free;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return 0;

out_free:
	free(buf);
	close(fd);
	return why_set(why, whylen, rc, "%s: %s", path, code_reason(rc));
}

/* A parser's "LINE: what" in @why becomes "DIR/NAME:LINE: what". */
static int reparse_fail(const char *dir, const char *name, int rc, char *why, size_t whylen)
{
	char inner[256];

	if (!why || !whylen)
		return rc;
	snprintf(inner, sizeof(inner), "%s", why);
	return why_set(why, whylen, rc, "%s/%s:%s", dir, name, inner);
}

int procfs_read_proc(const char *dir, struct procfs_proc *p, char *why, size_t whylen)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *text = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = slurp(dir, "status", &text, why, whylen);
	if (rc)
		return rc;
	rc = procfs_parse_status(text, p, why, whylen);
	free(text);
	if (rc)
		return reparse_fail(dir, "status", rc, why, whylen);

	rc = slurp(dir, "stat", &text, why, whylen);
	if (rc)
		return rc;
	rc = procfs_parse_stat(text, p, why, whylen);
	free(text);
	if (rc)
		return reparse_fail(dir, "stat", rc, why, whylen);

	if (slurp(dir, "statm", &text, NULL, 0) == 0) {
		rc = procfs_parse_statm(text, pg > 0 ? (uint64_t)pg : 4096, p, why, whylen);
		free(text);
		if (rc)
			return reparse_fail(dir, "statm", rc, why, whylen);
	}
	if (p->st.rss_anon == UINT64_MAX) /* no RssAnon and no statm */
		p->st.rss_anon = p->st.rss_file = 0;

	/* maps: the VMA count (needs ptrace access, like everything below) */
	rc = slurp(dir, "maps", &text, NULL, 0);
	if (rc == 0) {
		struct procfs_maps m = {0};
		rc = procfs_parse_smaps(text, &m, why, whylen);
		free(text);
		p->st.nr_vmas = m.n;
		procfs_maps_release(&m);
		if (rc)
			return reparse_fail(dir, "maps", rc, why, whylen);
		p->have_maps = true;
	} else if (rc == VMSIM_ESRCH) {
		return why_set(why, whylen, rc, "%s: no such process", dir);
	}

	rc = slurp(dir, "smaps_rollup", &text, NULL, 0);
	if (rc == 0) {
		rc = procfs_parse_rollup(text, &p->rollup, why, whylen);
		free(text);
		if (rc)
			return reparse_fail(dir, "smaps_rollup", rc, why, whylen);
		p->have_rollup = true;
	} else if (rc == VMSIM_ENOENT) { /* kernels before 4.14: sum smaps */
		struct procfs_maps m = {0};
		rc = procfs_read_smaps(dir, &m, NULL, 0);
		if (rc == 0) {
			procfs_maps_sum(&m, &p->rollup);
			p->have_rollup = true;
		}
		procfs_maps_release(&m);
	}
	if (!p->have_rollup) {
		p->rollup_err = rc;
		if (rc == VMSIM_ESRCH)
			return why_set(why, whylen, rc, "%s: no such process", dir);
	} else {
		p->st.pss = p->rollup.pss;
		p->st.anon_huge = p->rollup.anon_huge;
		p->st.uss =
		    p->rollup.private_clean + p->rollup.private_dirty + p->rollup.private_hugetlb;
	}
	return 0;
}

int procfs_read_smaps(const char *dir, struct procfs_maps *out, char *why, size_t whylen)
{
	char *text;
	int rc;

	rc = slurp(dir, "smaps", &text, why, whylen);
	if (rc)
		return rc;
	rc = procfs_parse_smaps(text, out, why, whylen);
	free(text);
	if (rc)
		return reparse_fail(dir, "smaps", rc, why, whylen);
	return 0;
}

int procfs_clear_refs(const char *dir, char *why, size_t whylen)
{
	char path[4096];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/clear_refs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno_code(errno, dir);
		return why_set(why, whylen, rc, "%s: %s", path, code_reason(rc));
	}
	if (write(fd, "1", 1) != 1) {
		rc = errno_code(errno, dir);
		close(fd);
		return why_set(why, whylen, rc, "%s: %s", path, code_reason(rc));
	}
	close(fd);
	return 0;
}

/* ---- pagemap ------------------------------------------------------------ */

#define PM_PRESENT  (1ULL << 63)
#define PM_SWAP	    (1ULL << 62)
#define PM_FILE	    (1ULL << 61)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define PM_CHUNK    4096 /* entries read per pread */

/* One present page: where it is mapped and which frame holds it. */
struct mapped_page {
	uint64_t pfn; /* frame */
	vaddr_t va;   /* page address */
	uint32_t vma; /* index in the process's maps */
	bool anon;    /* pagemap bit 61 clear */
};

struct page_list {
	struct mapped_page *p;
	size_t n, cap;
};

static int push_page(struct page_list *l, struct mapped_page pg)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		struct mapped_page *np = realloc(l->p, cap * sizeof(*np));
		if (!np)
			return VMSIM_ENOHOSTMEM;
		l->p = np;
		l->cap = cap;
	}
	l->p[l->n++] = pg;
	return 0;
}

/*
 * PAGEMAP_SCAN (Linux 6.7): an ioctl on the pagemap file that returns only
 * the ranges of pages in given categories, so a process with terabytes of
 * reserved but untouched address space (sanitizers, language runtimes) is
 * scanned in milliseconds instead of minutes. Declared here because older
 * system headers lack it; the layout is the kernel's ABI (linux/fs.h).
 */
struct scan_region {
	uint64_t start, end; /* [start, end) */
	uint64_t categories; /* PAGE_IS_* of the pages in it */
};

struct scan_arg {
	uint64_t size;		      /* sizeof(struct scan_arg) */
	uint64_t flags;		      /* 0: report only, write-protect nothing */
	uint64_t start, end;	      /* range to scan */
	uint64_t walk_end;	      /* out: where the scan stopped */
	uint64_t vec, vec_len;	      /* the regions buffer */
	uint64_t max_pages;	      /* 0: no limit */
	uint64_t category_inverted;   /* none */
	uint64_t category_mask;	      /* pages must have all of these */
	uint64_t category_anyof_mask; /* none */
	uint64_t return_mask;	      /* categories reported */
};

#define SCAN_IOCTL	_IOWR('f', 16, struct scan_arg)
#define SCAN_IS_PRESENT (1 << 3)
#define SCAN_REGIONS	256

/* Read the pagemap entries of pages [@vpn, @end) (VMA @vma) and add the
 * present ones to @l. Returns 0, 1 if the range cannot be read, or
 * VMSIM_ENOHOSTMEM. */
static int read_entries(int fd, uint64_t vpn, uint64_t end, uint32_t vma, uint64_t *buf,
			struct page_list *l, uint64_t *present, bool *all_zero)
{
	while (vpn < end) {
		size_t want = end - vpn < PM_CHUNK ? (size_t)(end - vpn) : PM_CHUNK;
		ssize_t got = pread(fd, buf, want * sizeof(*buf), (off_t)(vpn * 8));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 1;
		for (size_t k = 0; k < (size_t)got / sizeof(*buf); k++) {
			uint64_t e = buf[k];
			if (!(e & PM_PRESENT))
				continue;
			(*present)++;
			if ((e & PM_PFN_MASK) == 0)
				continue;
			*all_zero = false;
			if (push_page(l, (struct mapped_page){
					     .pfn = e & PM_PFN_MASK,
					     .va = (vpn + k) << VMSIM_PAGE_SHIFT,
					     .vma = vma,
					     .anon = !(e & PM_FILE),
					 }))
				return VMSIM_ENOHOSTMEM;
		}
		vpn += (size_t)got / sizeof(*buf);
	}
	return 0;
}

/* Like read_entries over the VMA [@start, @end), but only where
 * PAGEMAP_SCAN finds present pages. Returns as read_entries, or -1 when the
 * scan cannot start here (nothing read; *@unsupported set if the kernel has
 * no PAGEMAP_SCAN at all). */
static int scan_entries(int fd, vaddr_t start, vaddr_t end, uint32_t vma, uint64_t *buf,
			struct page_list *l, uint64_t *present, bool *all_zero, bool *unsupported)
{
	/* zeroed: the kernel fills it, but tools like valgrind cannot know
	 * what this ioctl writes */
	struct scan_region reg[SCAN_REGIONS] = {{0}};
	vaddr_t cur = start;

	while (cur < end) {
		struct scan_arg arg = {
		    .size = sizeof(arg),
		    .start = cur,
		    .end = end,
		    .vec = (uint64_t)(uintptr_t)reg,
		    .vec_len = SCAN_REGIONS,
		    .category_mask = SCAN_IS_PRESENT,
		    .return_mask = SCAN_IS_PRESENT,
		};
		int n = ioctl(fd, SCAN_IOCTL, &arg);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*unsupported = errno == ENOTTY;
			return cur == start ? -1 : 1;
		}
		for (int i = 0; i < n; i++) {
			int rc = read_entries(fd, reg[i].start >> VMSIM_PAGE_SHIFT,
					      reg[i].end >> VMSIM_PAGE_SHIFT, vma, buf, l, present,
					      all_zero);
			if (rc)
				return rc;
		}
		if (arg.walk_end <= cur)
			return 1; /* no progress: give up on this VMA */
		cur = arg.walk_end;
	}
	return 0;
}

/*
 * Every present page of the process at @dir, with its frame, into @l (VMAs
 * from @maps). Sets *@all_zero false if some present page had a non-zero
 * frame number. VMAs whose pagemap cannot be read are counted in
 * *@unreadable and skipped.
 */
static int collect_pages(const char *dir, const struct procfs_maps *maps, struct page_list *l,
			 uint64_t *present, uint64_t *unreadable, bool *all_zero, char *why,
			 size_t whylen)
{
	bool no_scan = false;
	uint64_t *buf;
	char path[4096];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/pagemap", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno_code(errno, dir);
		return why_set(why, whylen, rc, "%s: %s", path, code_reason(rc));
	}
	buf = malloc(PM_CHUNK * sizeof(*buf));
	if (!buf) {
		close(fd);
		return why_set(why, whylen, VMSIM_ENOHOSTMEM, "out of host memory");
	}
	for (size_t i = 0; i < maps->n; i++) {
		const struct procfs_vma *v = &maps->vma[i];
		rc = -1;
		if (!no_scan)
			rc = scan_entries(fd, v->e.start, v->e.end, (uint32_t)i, buf, l, present,
					  all_zero, &no_scan);
		if (rc == -1)
			rc = read_entries(fd, v->e.start >> VMSIM_PAGE_SHIFT,
					  v->e.end >> VMSIM_PAGE_SHIFT, (uint32_t)i, buf, l,
					  present, all_zero);
		if (rc == 1) {
			(*unreadable)++;
			rc = 0;
		}
		if (rc) {
			rc = why_set(why, whylen, rc, "out of host memory");
			break;
		}
	}
	free(buf);
	close(fd);
	return rc;
}

static int by_pfn(const void *a, const void *b)
{
	const struct mapped_page *x = a, *y = b;
	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}

/* A shared page: its address in each process. */
struct pair {
	vaddr_t va, other;
	uint32_t vma;
	bool anon;
};

static int by_va(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	return x->va < y->va ? -1 : x->va > y->va;
}

/* Merge the pairs (sorted by address) into ranges of equal offset. */
static int make_ranges(struct procfs_share *s, const struct pair *pr, size_t n,
		       const struct procfs_maps *maps)
{
	size_t cap = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && pr[j].va == pr[j - 1].va + VMSIM_PAGE_SIZE &&
		       pr[j].other == pr[j - 1].other + VMSIM_PAGE_SIZE && pr[j].vma == pr[i].vma &&
		       pr[j].anon == pr[i].anon)
			j++;
		if (s->nranges == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct procfs_share_range *nr = realloc(s->range, nc * sizeof(*nr));
			if (!nr)
				return VMSIM_ENOHOSTMEM;
			s->range = nr;
			cap = nc;
		}
		struct procfs_share_range *r = &s->range[s->nranges];
		r->start = pr[i].va;
		r->end = pr[j - 1].va + VMSIM_PAGE_SIZE;
		r->other = pr[i].other;
		r->anon = pr[i].anon;
		r->name = strdup(maps->vma[pr[i].vma].path);
		if (!r->name)
			return VMSIM_ENOHOSTMEM;
		s->nranges++;
		i = j;
	}
	return 0;
}

int procfs_share(const char *dir, const char *other_dir, struct procfs_share *out, char *why,
		 size_t whylen)
{
	struct procfs_maps ma = {0}, mb = {0};
	struct page_list a = {0}, b = {0};
	struct pair *pairs = NULL;
	size_t npairs = 0, i = 0, j = 0;
	bool zero_a = true, zero_b = true;
	uint64_t junk = 0;
	char *text;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = slurp(dir, "maps", &text, why, whylen);
	if (rc)
		goto out;
	rc = procfs_parse_smaps(text, &ma, why, whylen);
	free(text);
	if (rc)
		goto out;
	rc = slurp(other_dir, "maps", &text, why, whylen);
	if (rc)
		goto out;
	rc = procfs_parse_smaps(text, &mb, why, whylen);
	free(text);
	if (rc)
		goto out;
	rc = collect_pages(dir, &ma, &a, &out->present, &out->unreadable, &zero_a, why, whylen);
	if (rc)
		goto out;
	rc = collect_pages(other_dir, &mb, &b, &out->other_present, &junk, &zero_b, why, whylen);
	if (rc)
		goto out;
	out->pfns_hidden = (out->present && zero_a) || (out->other_present && zero_b);
	if (out->pfns_hidden)
		goto out;

	qsort(a.p, a.n, sizeof(*a.p), by_pfn);
	qsort(b.p, b.n, sizeof(*b.p), by_pfn);
	pairs = malloc((a.n < b.n ? a.n : b.n) * sizeof(*pairs) + 1);
	if (!pairs) {
		rc = why_set(why, whylen, VMSIM_ENOHOSTMEM, "out of host memory");
		goto out;
	}
	/* Walk both lists in frame order; a frame mapped k times in one and m
	 * times in the other (the zero page, a file mapped twice) is one frame
	 * and pairs its mappings in address order, min(k, m) of them. */
	while (i < a.n && j < b.n) {
		uint64_t pfn = a.p[i].pfn;
		size_t ie, je;
		if (pfn < b.p[j].pfn) {
			i++;
			continue;
		}
		if (pfn > b.p[j].pfn) {
			j++;
			continue;
		}
		for (ie = i; ie < a.n && a.p[ie].pfn == pfn; ie++)
			;
		for (je = j; je < b.n && b.p[je].pfn == pfn; je++)
			;
		out->frames++;
		if (a.p[i].anon)
			out->frames_anon++;
		else
			out->frames_file++;
		for (size_t k = 0; i + k < ie && j + k < je; k++)
			pairs[npairs++] = (struct pair){a.p[i + k].va, b.p[j + k].va,
							a.p[i + k].vma, a.p[i + k].anon};
		i = ie;
		j = je;
	}
	qsort(pairs, npairs, sizeof(*pairs), by_va);
	rc = make_ranges(out, pairs, npairs, &ma);
	if (rc)
		rc = why_set(why, whylen, rc, "out of host memory");
out:
	free(pairs);
	free(a.p);
	free(b.p);
	procfs_maps_release(&ma);
	procfs_maps_release(&mb);
	return rc;
}

void procfs_share_release(struct procfs_share *s)
{
	for (size_t i = 0; i < s->nranges; i++)
		free(s->range[i].name);
	free(s->range);
	s->range = NULL;
	s->nranges = 0;
}
