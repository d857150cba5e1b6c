/*
 * Files and the page cache (see struct vfile in kernel.h). One cache per
 * file, shared by every process that maps it: a page is read from the file
 * once, and every mapper's PTE points at the same frame. The cache holds
 * one reference on each of its pages; each PTE holds another. Host-file
 * pages and virtual-file pages are reclaimable (clean ones are dropped,
 * dirty ones written back first); shared anonymous memory is not.
 * Public file API and src/os/ internals.
 */
#define _DEFAULT_SOURCE /* pread, pwrite, ftruncate, strdup */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "os/kernel.h"

#define LEAF_SHIFT 9
#define LEAF_SIZE  (1u << LEAF_SHIFT)

/* ---- the cache ----------------------------------------------------------- */

pfn_t pcache_lookup(const struct vfile *f, uint64_t pgoff)
{
	uint64_t d = pgoff >> LEAF_SHIFT;
	if (d >= f->ndir || !f->dir[d] || !f->dir[d][pgoff & (LEAF_SIZE - 1)])
		return PFN_NONE;
	return f->dir[d][pgoff & (LEAF_SIZE - 1)] - 1;
}

/* The slot for @pgoff, growing the directory as needed; NULL on host OOM. */
static pfn_t *slot_of(struct vfile *f, uint64_t pgoff)
{
	uint64_t d = pgoff >> LEAF_SHIFT;
	if (d >= f->ndir) {
		uint64_t n = f->ndir ? f->ndir : 1;
		while (n <= d)
			n *= 2;
		pfn_t **dir = realloc(f->dir, n * sizeof(*dir));
		if (!dir)
			return NULL;
		memset(dir + f->ndir, 0, (n - f->ndir) * sizeof(*dir));
		f->dir = dir;
		f->ndir = n;
	}
	if (!f->dir[d] && !(f->dir[d] = calloc(LEAF_SIZE, sizeof(pfn_t))))
		return NULL;
	return &f->dir[d][pgoff & (LEAF_SIZE - 1)];
}

void pcache_for_each(const struct vfile *f, void (*fn)(uint64_t pgoff, pfn_t pfn, void *arg),
		     void *arg)
{
	for (uint64_t d = 0; d < f->ndir; d++) {
		if (!f->dir[d])
			continue;
		for (unsigned i = 0; i < LEAF_SIZE; i++)
			if (f->dir[d][i])
				fn((d << LEAF_SHIFT) | i, f->dir[d][i] - 1, arg);
	}
}

static bool reclaimable(const struct vfile *f)
{
	return f->kind != VF_SHMEM;
}

/* Fill frame @pfn with page @pgoff of @f. */
static int read_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t pfn)
{
	if (f->kind == VF_SHMEM)
		return 0; /* zeroed by the allocator */
	f->reads++;
	sys->file_reads++;
	if (f->kind != VF_HOST || !sys->cfg.data_mode)
		return 0; /* counted; no bytes to move */
	uint8_t *bytes = phys_bytes(&sys->pm, pfn);
	if (!bytes)
		return VMSIM_ENOHOSTMEM;
	sys->host_file_reads++;
	if (sys->fail_file_read_at && sys->host_file_reads == sys->fail_file_read_at)
		return VMSIM_EIO;
	ssize_t n = pread(f->host_fd, bytes, VMSIM_PAGE_SIZE, (off_t)(pgoff << VMSIM_PAGE_SHIFT));
	if (n < 0)
		return VMSIM_EIO;
	memset(bytes + n, 0, VMSIM_PAGE_SIZE - (size_t)n); /* past EOF reads as zeros */
	return 0;
}

/* Put a new page at @pgoff (not cached yet), read if @read. */
static int add_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t *out)
{
	pfn_t *slot = slot_of(f, pgoff);
	pfn_t pfn;
	if (!slot)
		return VMSIM_ENOHOSTMEM;
	int rc = alloc_user_frame(sys, FRAME_FILE, &pfn);
	if (rc)
		return rc;
	if ((rc = read_page(sys, f, pgoff, pfn))) {
		phys_free(&sys->pm, pfn, 0);
		return rc;
	}
	struct frame *fr = phys_frame(&sys->pm, pfn);
	fr->refcount = 1; /* the cache's */
	fr->owner = f;
	fr->index = pgoff;
	*slot = pfn + 1;
	f->cached++;
	if (reclaimable(f))
		lru_add(sys, pfn);
	else
		sys->zero_fills++;
	*out = pfn;
	return 0;
}

int pcache_get_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t *pfn,
		    bool *major)
{
	*major = false;
	*pfn = pcache_lookup(f, pgoff);
	if (*pfn != PFN_NONE)
		return 0;
	int rc = add_page(sys, f, pgoff, pfn);
	if (rc == 0 && f->kind != VF_SHMEM)
		*major = true;
	return rc;
}

uint64_t pcache_readahead(struct vmsim_system *sys, struct vfile *f, uint64_t start, uint64_t n)
{
	uint64_t done = 0, end = vfile_pages(f);
	pfn_t pfn;
	if (f->kind == VF_SHMEM)
		return 0;
	for (uint64_t i = start; i < start + n && i < end; i++) {
		if (pcache_lookup(f, i) != PFN_NONE)
			continue;
		/* readahead never pushes memory below the low watermark */
		if (sys->pm.nr_free <= sys->wmark_low || add_page(sys, f, i, &pfn))
			break;
		done++;
	}
	sys->readahead_pages += done;
	return done;
}

int pcache_writeback(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t pfn)
{
	struct frame *fr = phys_frame(&sys->pm, pfn);
	if (!(fr->flags & FRAME_DIRTY) || f->kind == VF_SHMEM)
		return 0;
	if (f->kind == VF_HOST && sys->cfg.data_mode) {
		const uint8_t *bytes = phys_bytes(&sys->pm, pfn);
		uint64_t at = pgoff << VMSIM_PAGE_SHIFT;
		if (!bytes)
			return VMSIM_ENOHOSTMEM;
		if (at < f->size) {
			/* never grow the file: write up to its end */
			size_t len = f->size - at < VMSIM_PAGE_SIZE ? (size_t)(f->size - at)
								    : (size_t)VMSIM_PAGE_SIZE;
			sys->host_file_writes++;
			bool injected = sys->fail_file_write_at &&
					sys->host_file_writes == sys->fail_file_write_at;
			if (injected || pwrite(f->host_fd, bytes, len, (off_t)at) != (ssize_t)len) {
				/* the page stays dirty (a later write-back may
				 * succeed); msync or close reports the error */
				f->wb_error = VMSIM_EIO;
				sys->writeback_errors++;
				return VMSIM_EIO;
			}
		}
	}
	fr->flags &= ~FRAME_DIRTY;
	f->writes++;
	sys->file_writes++;
	return 0;
}

int pcache_evict(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff)
{
	pfn_t pfn = pcache_lookup(f, pgoff);
	VMSIM_BUG_ON(pfn == PFN_NONE);
	struct frame *fr = phys_frame(&sys->pm, pfn);
	VMSIM_BUG_ON(fr->mapcount != 0 || fr->refcount != 1);
	int rc = pcache_writeback(sys, f, pgoff, pfn);
	if (rc)
		return rc;
	*slot_of(f, pgoff) = 0;
	f->cached--;
	put_user_frame(sys, pfn);
	return 0;
}

/* ---- files --------------------------------------------------------------- */

static struct vfile *vfile_alloc(struct vmsim_system *sys, enum vfile_kind kind, uint64_t size)
{
	struct vfile *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->kind = kind;
	f->refs = 1;
	f->host_fd = -1;
	f->size = size;
	f->next = sys->file_list;
	if (f->next)
		f->next->pprev = &f->next;
	f->pprev = &sys->file_list;
	sys->file_list = f;
	return f;
}

struct vfile *vfile_new_shmem(struct vmsim_system *sys, uint64_t npages)
{
	return vfile_alloc(sys, VF_SHMEM, npages << VMSIM_PAGE_SHIFT);
}

void vfile_get(struct vfile *f)
{
	f->refs++;
}

static void drop_page(uint64_t pgoff, pfn_t pfn, void *arg)
{
	struct vmsim_system *sys = ((void **)arg)[0];
	struct vfile *f = ((void **)arg)[1];
	if (pcache_evict(sys, f, pgoff) != 0) {
		/* the last reference is gone and the file refused the page:
		 * nobody can see it again, so it goes (counted in
		 * writeback_errors by the failed write-back) */
		phys_frame(&sys->pm, pfn)->flags &= ~FRAME_DIRTY;
		pcache_evict(sys, f, pgoff);
	}
}

void vfile_put(struct vmsim_system *sys, struct vfile *f)
{
	VMSIM_BUG_ON(f->refs == 0);
	if (--f->refs)
		return;
	void *arg[2] = {sys, f};
	pcache_for_each(f, drop_page, arg);
	VMSIM_BUG_ON(f->cached != 0);
	for (uint64_t d = 0; d < f->ndir; d++)
		free(f->dir[d]);
	free(f->dir);
	if (f->host_fd >= 0)
		close(f->host_fd);
	free(f->path);
	*f->pprev = f->next;
	if (f->next)
		f->next->pprev = f->pprev;
	free(f);
}

static int install(struct vmsim_system *sys, struct vfile *f, int *fd)
{
	int id = 0;
	while (id < sys->nfiles && sys->files[id])
		id++;
	if (id == sys->nfiles) {
		int n = sys->nfiles ? sys->nfiles * 2 : 8;
		struct vfile **files = realloc(sys->files, (size_t)n * sizeof(*files));
		if (!files)
			return VMSIM_ENOHOSTMEM;
		memset(files + sys->nfiles, 0, (size_t)(n - sys->nfiles) * sizeof(*files));
		sys->files = files;
		sys->nfiles = n;
	}
	sys->files[id] = f;
	*fd = id;
	return 0;
}

struct vfile *vfile_of_fd(struct vmsim_system *sys, int fd)
{
	return fd >= 0 && fd < sys->nfiles ? sys->files[fd] : NULL;
}

int vmsim_file_open(struct vmsim_system *sys, const char *path, bool writable, int *fd)
{
	struct stat st;
	int hfd = open(path, writable ? O_RDWR : O_RDONLY);
	if (hfd < 0)
		return VMSIM_EIO;
	if (fstat(hfd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(hfd);
		return VMSIM_EINVAL;
	}
	/* one page cache per inode: a file opened twice is one vfile */
	for (struct vfile *o = sys->file_list; o; o = o->next) {
		if (o->kind != VF_HOST || o->dev != (uint64_t)st.st_dev ||
		    o->ino != (uint64_t)st.st_ino)
			continue;
		if (writable && !o->writable) {
			/* the file is now open for writing: write through this
			 * descriptor from now on */
			close(o->host_fd);
			o->host_fd = hfd;
			o->writable = true;
		} else {
			close(hfd);
		}
		vfile_get(o);
		int rc = install(sys, o, fd);
		if (rc)
			vfile_put(sys, o);
		return rc;
	}
	struct vfile *f = vfile_alloc(sys, VF_HOST, (uint64_t)st.st_size);
	if (!f || !(f->path = strdup(path))) {
		close(hfd);
		if (f)
			vfile_put(sys, f);
		return VMSIM_ENOHOSTMEM;
	}
	f->host_fd = hfd;
	f->writable = writable;
	f->dev = (uint64_t)st.st_dev;
	f->ino = (uint64_t)st.st_ino;
	int rc = install(sys, f, fd);
	if (rc)
		vfile_put(sys, f);
	return rc;
}

int vmsim_file_create_virtual(struct vmsim_system *sys, uint64_t size, int *fd)
{
	struct vfile *f = vfile_alloc(sys, VF_VIRTUAL, size);
	if (!f)
		return VMSIM_ENOHOSTMEM;
	f->writable = true;
	int rc = install(sys, f, fd);
	if (rc)
		vfile_put(sys, f);
	return rc;
}

int vmsim_file_close(struct vmsim_system *sys, int fd)
{
	struct vfile *f = vfile_of_fd(sys, fd);
	if (!f)
		return VMSIM_EBADF;
	sys->files[fd] = NULL;
	/* like close(2) after a failed write-back, say it once; the handle is
	 * closed either way */
	int rc = f->wb_error;
	f->wb_error = 0;
	vfile_put(sys, f); /* mappings and other handles keep it alive */
	return rc;
}

int vmsim_file_stats(struct vmsim_system *sys, int fd, struct vmsim_file_stats *out)
{
	struct vfile *f = vfile_of_fd(sys, fd);
	if (!f)
		return VMSIM_EBADF;
	memset(out, 0, sizeof(*out));
	out->size = f->size;
	out->cached = f->cached * VMSIM_PAGE_SIZE;
	out->reads = f->reads;
	out->writes = f->writes;
	for (uint64_t d = 0; d < f->ndir; d++)
		for (unsigned i = 0; f->dir[d] && i < LEAF_SIZE; i++)
			if (f->dir[d][i] &&
			    (phys_frame(&sys->pm, f->dir[d][i] - 1)->flags & FRAME_DIRTY))
				out->dirty += VMSIM_PAGE_SIZE;
	return 0;
}

struct trunc_ctx {
	struct vmsim_system *sys;
	struct vfile *f;
	uint64_t from; /* first page offset that goes */
};

static void trunc_page(uint64_t pgoff, pfn_t pfn, void *arg)
{
	struct trunc_ctx *c = arg;
	if (pgoff < c->from)
		return;
	file_unmap_page(c->sys, c->f, pgoff, pfn);
	phys_frame(&c->sys->pm, pfn)->flags &= ~FRAME_DIRTY; /* its data is gone */
	pcache_evict(c->sys, c->f, pgoff);
}

int vmsim_file_truncate(struct vmsim_system *sys, int fd, uint64_t size)
{
	struct vfile *f = vfile_of_fd(sys, fd);
	if (!f)
		return VMSIM_EBADF;
	if (!f->writable)
		return VMSIM_EACCES;
	if (f->kind == VF_HOST && ftruncate(f->host_fd, (off_t)size) != 0)
		return VMSIM_EIO;
	struct trunc_ctx c = {sys, f, (size + VMSIM_PAGE_SIZE - 1) >> VMSIM_PAGE_SHIFT};
	f->size = size;
	pcache_for_each(f, trunc_page, &c);
	/* the private copies of pages now wholly past the end go too, so that
	 * touching them raises SIGBUS (Linux's unmap_mapping_range with
	 * even_cows) */
	for (int pid = 1; pid < sys->nprocs; pid++) {
		struct process *p = sys->procs[pid];
		for (size_t i = 0; p && p->alive && i < p->vmas.n; i++) {
			const struct vma *v = &p->vmas.v[i];
			uint64_t npages = (v->end - v->start) >> VMSIM_PAGE_SHIFT;
			if (v->file != f || v->pgoff + npages <= c.from)
				continue;
			vaddr_t lo = c.from > v->pgoff
					 ? v->start + ((c.from - v->pgoff) << VMSIM_PAGE_SHIFT)
					 : v->start;
			struct flush_batch b;
			flush_init(&b, p);
			zap_range(sys, p, lo, v->end, &b);
			flush_finish(sys, &b);
		}
	}
	/* the last partial page keeps its bytes up to the new end only */
	pfn_t last =
	    (size & (VMSIM_PAGE_SIZE - 1)) ? pcache_lookup(f, size >> VMSIM_PAGE_SHIFT) : PFN_NONE;
	if (last != PFN_NONE && sys->cfg.data_mode) {
		uint8_t *b = phys_bytes(&sys->pm, last);
		if (b)
			memset(b + (size & (VMSIM_PAGE_SIZE - 1)), 0,
			       VMSIM_PAGE_SIZE - (size & (VMSIM_PAGE_SIZE - 1)));
	}
	check_if_debug(sys);
	return 0;
}
