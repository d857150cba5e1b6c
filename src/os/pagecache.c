/*
 * Files and the page cache (see struct vfile in kernel.h). One cache per
 * file, shared by every process that maps it: a page is read from the file
 * once, and every mapper's PTE points at the same frame. The cache holds
 * one reference on each of its pages; each PTE holds another. Every page
 * is reclaimable: host-file and virtual-file pages are dropped (dirty ones
 * written back first); shared anonymous memory goes to swap, its slot left
 * in the cache's place (Linux's shmem swap entries in the mapping), and a
 * fault reads it back.
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

/* A cache slot holds 0 (nothing), pfn + 1 (a page), or, for shared
 * memory, SWAP_TAG | swap slot (the page is in swap). */
#define SWAP_TAG (1ULL << 63)

static pfn_t entry_of(const struct vfile *f, uint64_t pgoff)
{
	uint64_t d = pgoff >> LEAF_SHIFT;
	if (d >= f->ndir || !f->dir[d])
		return 0;
	return f->dir[d][pgoff & (LEAF_SIZE - 1)];
}

pfn_t pcache_lookup(const struct vfile *f, uint64_t pgoff)
{
	pfn_t e = entry_of(f, pgoff);
	if (!e || (e & SWAP_TAG))
		return PFN_NONE;
	return e - 1;
}

void pcache_move(struct vfile *f, uint64_t pgoff, pfn_t pfn)
{
	uint64_t d = pgoff >> LEAF_SHIFT;
	VMSIM_BUG_ON(d >= f->ndir || !f->dir[d] || !f->dir[d][pgoff & (LEAF_SIZE - 1)] ||
		     (f->dir[d][pgoff & (LEAF_SIZE - 1)] & SWAP_TAG));
	f->dir[d][pgoff & (LEAF_SIZE - 1)] = pfn + 1;
}

bool pcache_swapped(const struct vfile *f, uint64_t pgoff, uint64_t *slot)
{
	pfn_t e = entry_of(f, pgoff);
	if (!(e & SWAP_TAG))
		return false;
	if (slot)
		*slot = e & ~SWAP_TAG;
	return true;
}

void pcache_for_each_swapped(const struct vfile *f,
			     void (*fn)(uint64_t pgoff, uint64_t slot, void *arg), void *arg)
{
	for (uint64_t d = 0; d < f->ndir && f->swapped; d++) {
		if (!f->dir[d])
			continue;
		for (unsigned i = 0; i < LEAF_SIZE; i++)
			if (f->dir[d][i] & SWAP_TAG)
				fn((d << LEAF_SHIFT) | i, f->dir[d][i] & ~SWAP_TAG, arg);
	}
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
			if (f->dir[d][i] && !(f->dir[d][i] & SWAP_TAG))
				fn((d << LEAF_SHIFT) | i, f->dir[d][i] - 1, arg);
	}
}

/* Fill frame @pfn with page @pgoff of @f. */
static int read_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t pfn,
		     bool quiet)
{
	uint64_t slot;
	if (f->kind == VF_SHMEM && pcache_swapped(f, pgoff, &slot)) {
		/* back from swap; the slot goes once the page is in the cache
		 * (Linux's shmem_swapin_folio frees it: the page is dirty) */
		return swap_read(sys, slot, pfn);
	}
	if (f->kind == VF_SHMEM) {
		sys->zero_fills++;
		return 0; /* zeroed by the allocator */
	}
	if (!quiet) {
		f->reads++;
		sys->file_reads++;
	}
	if (f->kind != VF_HOST || !sys->cfg.data_mode)
		return 0; /* counted; no bytes to move */
	uint8_t *bytes = phys_bytes(&sys->pm, pfn);
	if (!bytes)
		return VMSIM_ENOHOSTMEM;
	if (!quiet)
		sys->host_file_reads++;
	if (!quiet && sys->fail_file_read_at && sys->host_file_reads == sys->fail_file_read_at)
		return VMSIM_EIO;
	ssize_t n = pread(f->host_fd, bytes, VMSIM_PAGE_SIZE, (off_t)(pgoff << VMSIM_PAGE_SHIFT));
	if (n < 0)
		return VMSIM_EIO;
	memset(bytes + n, 0, VMSIM_PAGE_SIZE - (size_t)n); /* past EOF reads as zeros */
	return 0;
}

unsigned pcache_max_order(const struct vmsim_system *sys, const struct vfile *f)
{
	/* shared anonymous memory is faulted in page by page (shmem's own
	 * huge pages are a mount option Linux leaves off by default) */
	return f->kind == VF_SHMEM ? 0 : sys->cfg.pagecache_max_order;
}

/* A block of 2^@order frames for a folio: single pages the caller needs
 * reclaim like any allocation; readahead stops above the low watermark. */
static int alloc_folio(struct vmsim_system *sys, unsigned order, unsigned flags, pfn_t *pfn)
{
	if (order == 0 && (flags & PCACHE_RECLAIM))
		return alloc_user_frame(sys, FRAME_FILE, pfn);
	if (sys->pm.nr_free < sys->wmark_low + (1ULL << order) + 1)
		return VMSIM_ENOMEM;
	uint32_t data = sys->cfg.data_mode ? FRAME_DATA : 0;
	return phys_alloc(&sys->pm, order, FRAME_FILE | data, pfn);
}

int pcache_add_folio(struct vmsim_system *sys, struct vfile *f, uint64_t index, unsigned order,
		     unsigned flags, pfn_t *head)
{
	uint64_t nr = 1ULL << order;
	pfn_t pfn;
	VMSIM_BUG_ON(order > PCACHE_MAX_ORDER || (index & (nr - 1)));
	for (uint64_t i = 0; i < nr; i++)
		if (pcache_lookup(f, index + i) != PFN_NONE)
			return VMSIM_EEXIST;
	for (uint64_t i = 0; i < nr; i++)
		if (!slot_of(f, index + i))
			return VMSIM_ENOHOSTMEM;
	int rc = alloc_folio(sys, order, flags, &pfn);
	if (rc) {
		if (order > 0 && rc == VMSIM_ENOMEM)
			sys->folio_fallback++;
		return rc;
	}
	for (uint64_t i = 0; i < nr && !(flags & PCACHE_NOREAD); i++) {
		if ((rc = read_page(sys, f, index + i, pfn + i, flags & PCACHE_QUIET))) {
			phys_free(&sys->pm, pfn, order);
			return rc;
		}
	}
	for (uint64_t i = 0; i < nr; i++) {
		struct frame *fr = phys_frame(&sys->pm, pfn + i);
		pfn_t *e = slot_of(f, index + i);
		fr->refcount = 1; /* the cache's */
		fr->owner = f;
		fr->index = index + i;
		fr->folio = (uint8_t)order;
		if (*e & SWAP_TAG) {
			swap_put(&sys->swap, *e & ~SWAP_TAG);
			f->swapped--;
			sys->rc.shmem_swapped--;
		}
		*e = pfn + i + 1;
	}
	if (flags & PCACHE_MARK)
		phys_frame(&sys->pm, pfn)->flags |= FRAME_READAHEAD;
	f->cached += nr;
	sys->folio_alloc[order]++;
	lru_add(sys, pfn);
	if (head)
		*head = pfn;
	return 0;
}

int pcache_get_page(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, pfn_t *pfn,
		    bool *major)
{
	*major = false;
	*pfn = pcache_lookup(f, pgoff);
	if (*pfn != PFN_NONE)
		return 0;
	bool swapped = pcache_swapped(f, pgoff, NULL);
	int rc = pcache_add_folio(sys, f, pgoff, 0, PCACHE_RECLAIM, pfn);
	if (rc == 0 && (f->kind != VF_SHMEM || swapped))
		*major = true;
	return rc;
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

int pcache_evict_folio(struct vmsim_system *sys, struct vfile *f, uint64_t index)
{
	pfn_t head = pcache_lookup(f, index);
	VMSIM_BUG_ON(head == PFN_NONE || folio_head(&sys->pm, head) != head);
	uint64_t nr = folio_nr(&sys->pm, head);
	for (uint64_t i = 0; i < nr; i++) {
		const struct frame *fr = phys_frame(&sys->pm, head + i);
		VMSIM_BUG_ON(fr->mapcount != 0 || fr->refcount != 1);
	}
	for (uint64_t i = 0; i < nr; i++) {
		int rc = pcache_writeback(sys, f, index + i, head + i);
		if (rc)
			return rc;
	}
	for (uint64_t i = 0; i < nr; i++) {
		*slot_of(f, index + i) = 0;
		if (i)
			phys_frame(&sys->pm, head + i)->refcount = 0;
	}
	f->cached -= nr;
	phys_frame(&sys->pm, head)->flags &= ~FRAME_READAHEAD;
	put_user_frame(sys, head); /* frees the whole block */
	return 0;
}

int pcache_swap_out(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff, uint64_t slot)
{
	pfn_t pfn = pcache_lookup(f, pgoff);
	struct frame *fr = phys_frame(&sys->pm, pfn);
	VMSIM_BUG_ON(f->kind != VF_SHMEM || fr->folio || fr->mapcount || fr->refcount != 1);
	int rc = swap_write(sys, slot, pfn);
	if (rc)
		return rc;
	*slot_of(f, pgoff) = SWAP_TAG | slot;
	f->cached--;
	f->swapped++;
	sys->rc.shmem_swap_outs++;
	sys->rc.shmem_swapped++;
	fr->flags &= ~FRAME_DIRTY;
	put_user_frame(sys, pfn);
	return 0;
}

void pcache_split_folio(struct vmsim_system *sys, struct vfile *f, uint64_t pgoff)
{
	pfn_t pfn = pcache_lookup(f, pgoff);
	VMSIM_BUG_ON(pfn == PFN_NONE);
	pfn_t head = folio_head(&sys->pm, pfn);
	unsigned order = phys_frame(&sys->pm, head)->folio;
	if (order == 0)
		return;
	/* a culled folio: its head stays culled, the other pages are counted
	 * apart and go back to the policy below */
	if (phys_frame(&sys->pm, head)->flags & FRAME_MLOCKED)
		sys->rc.unevictable -= (1ULL << order) - 1;
	phys_split(&sys->pm, head, order);
	for (uint64_t i = 0; i < (1ULL << order); i++) {
		struct frame *fr = phys_frame(&sys->pm, head + i);
		fr->folio = 0;
		fr->flags &= ~FRAME_READAHEAD;
		/* every page is now its own policy entry */
		if (i)
			lru_add(sys, head + i);
	}
	sys->folio_split++;
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
	ra_init(&f->ra);
	f->ra_pages = sys->cfg.readahead_kb / 4;
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

/* Drop the folio headed at @pgoff (its tails were dropped with it). */
static void drop_page(uint64_t pgoff, pfn_t pfn, void *arg)
{
	struct vmsim_system *sys = ((void **)arg)[0];
	struct vfile *f = ((void **)arg)[1];
	VMSIM_BUG_ON(folio_head(&sys->pm, pfn) != pfn);
	if (pcache_evict_folio(sys, f, pgoff) != 0) {
		/* the last reference is gone and the file refused the page:
		 * nobody can see it again, so it goes (counted in
		 * writeback_errors by the failed write-back) */
		for (uint64_t i = 0; i < folio_nr(&sys->pm, pfn); i++)
			phys_frame(&sys->pm, pfn + i)->flags &= ~FRAME_DIRTY;
		pcache_evict_folio(sys, f, pgoff);
	}
}

/* Give back the swap slot of a shared-memory page nobody can map again. */
static void drop_swapped(uint64_t pgoff, uint64_t slot, void *arg)
{
	struct vmsim_system *sys = arg;
	(void)pgoff;
	swap_put(&sys->swap, slot);
}

void vfile_put(struct vmsim_system *sys, struct vfile *f)
{
	VMSIM_BUG_ON(f->refs == 0);
	if (--f->refs)
		return;
	void *arg[2] = {sys, f};
	pcache_for_each(f, drop_page, arg);
	pcache_for_each_swapped(f, drop_swapped, sys);
	sys->rc.shmem_swapped -= f->swapped;
	f->swapped = 0;
	VMSIM_BUG_ON(f->cached != 0);
	if (f->committed)
		vm_unacct_memory(sys, f->committed); /* shmem's charge */
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
		struct file_handle *h = realloc(sys->handles, (size_t)n * sizeof(*h));
		if (!h)
			return VMSIM_ENOHOSTMEM;
		sys->handles = h;
		sys->nfiles = n;
	}
	sys->files[id] = f;
	sys->handles[id].pos = 0;
	ra_init(&sys->handles[id].ra);
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
			if (f->dir[d][i] && !(f->dir[d][i] & SWAP_TAG) &&
			    (phys_frame(&sys->pm, f->dir[d][i] - 1)->flags & FRAME_DIRTY))
				out->dirty += VMSIM_PAGE_SIZE;
	return 0;
}

int vmsim_file_cache(struct vmsim_system *sys, int fd, uint64_t offset, uint64_t len,
		     unsigned order, uint64_t *added)
{
	struct vfile *f = vfile_of_fd(sys, fd);
	uint64_t n = 0;
	int rc = 0;
	if (added)
		*added = 0;
	if (!f)
		return VMSIM_EBADF;
	if (f->kind == VF_SHMEM)
		return VMSIM_EINVAL;
	unsigned max = pcache_max_order(sys, f);
	if (order > max)
		order = max;
	uint64_t npages = (f->size + VMSIM_PAGE_SIZE - 1) >> VMSIM_PAGE_SHIFT;
	uint64_t index = offset >> VMSIM_PAGE_SHIFT;
	uint64_t end = npages;
	if (offset < f->size && len < f->size - offset)
		end = (offset + len + VMSIM_PAGE_SIZE - 1) >> VMSIM_PAGE_SHIFT;
	while (index < end) {
		if (pcache_lookup(f, index) != PFN_NONE) {
			index++;
			continue;
		}
		/* the largest aligned folio inside the range that nothing of is cached */
		unsigned o = order;
		while (o > 0 && ((index & ((1ULL << o) - 1)) || index + (1ULL << o) > end))
			o--;
		for (; o > 0; o--)
			if (pcache_add_folio(sys, f, index, o, PCACHE_QUIET, NULL) == 0)
				break;
		if (o == 0 && (rc = pcache_add_folio(sys, f, index, 0, PCACHE_QUIET, NULL)))
			break;
		n += 1ULL << o;
		index += 1ULL << o;
	}
	if (added)
		*added = n * VMSIM_PAGE_SIZE;
	return rc;
}

struct trunc_ctx {
	struct vmsim_system *sys;
	struct vfile *f;
	uint64_t from; /* first page offset that goes */
};

/* Drop the folio headed at @pgoff if it lies past the new end (a folio
 * across the end was split before). */
static void trunc_page(uint64_t pgoff, pfn_t pfn, void *arg)
{
	struct trunc_ctx *c = arg;
	if (pgoff < c->from)
		return;
	VMSIM_BUG_ON(folio_head(&c->sys->pm, pfn) != pfn);
	for (uint64_t i = 0; i < folio_nr(&c->sys->pm, pfn); i++) {
		file_unmap_page(c->sys, c->f, pgoff + i, pfn + i);
		phys_frame(&c->sys->pm, pfn + i)->flags &= ~FRAME_DIRTY; /* its data is gone */
	}
	pcache_evict_folio(c->sys, c->f, pgoff);
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
	/* a large folio across the new end is split, as Linux's truncation
	 * splits it: its pages before the end stay cached */
	pfn_t across = pcache_lookup(f, c.from);
	if (across != PFN_NONE && folio_head(&sys->pm, across) != across)
		pcache_split_folio(sys, f, c.from);
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
