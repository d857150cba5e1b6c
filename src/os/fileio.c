/*
 * File I/O through the page cache: read(), pread(), write(), pwrite(),
 * lseek(), fsync(), fdatasync(), as Linux's filemap_read and
 * generic_perform_write do them. Reads find their pages in the cache or read
 * them ahead (the handle's own readahead state, like a struct file's);
 * writes copy into cached pages (reading a partly written page first unless
 * it lies past the end of the file, allocating large folios for large
 * aligned writes) and leave them dirty. The pages are the ones every mapping
 * of the file sees: a shared mapping reads what write() wrote, and msync,
 * fsync, reclaim or the last close write them back. Public API.
 */
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

static int check_handle(struct vmsim_system *sys, int fd, const void *buf, struct vfile **f)
{
	*f = vfile_of_fd(sys, fd);
	if (!*f)
		return VMSIM_EBADF;
	if (buf && !sys->cfg.data_mode)
		return VMSIM_ENOTSUP; /* no bytes to copy */
	return 0;
}

/* The bytes of cached page @pfn, or NULL on host OOM. */
static uint8_t *page_bytes(struct vmsim_system *sys, pfn_t pfn)
{
	return phys_bytes(&sys->pm, pfn);
}

/* Linux's filemap_read over [@pos, @pos + @len) of @f with readahead state
 * @ra; *@done: bytes read. */
static int do_read(struct vmsim_system *sys, struct vfile *f, struct file_ra *ra, void *buf,
		   uint64_t len, uint64_t pos, uint64_t *done)
{
	uint64_t end = pos + len < f->size ? pos + len : f->size, start = pos;
	int rc = 0;
	if (pos >= f->size || len == 0)
		goto out;
	uint64_t last_index = (end + VMSIM_PAGE_SIZE - 1) >> VMSIM_PAGE_SHIFT;
	while (pos < end) {
		uint64_t index = pos >> VMSIM_PAGE_SHIFT;
		pfn_t pfn = pcache_lookup(f, index);
		if (pfn == PFN_NONE) {
			ra_sync(sys, f, ra, index, last_index - index);
			pfn = pcache_lookup(f, index);
		}
		if (pfn == PFN_NONE &&
		    (rc = pcache_add_folio(sys, f, index, 0, PCACHE_RECLAIM, &pfn)))
			break;
		pfn_t head = folio_head(&sys->pm, pfn);
		if (phys_frame(&sys->pm, head)->flags & FRAME_READAHEAD) {
			uint64_t findex = phys_frame(&sys->pm, head)->index;
			ra_async(sys, f, ra, head, findex, last_index - findex);
		}
		uint64_t off = pos & (VMSIM_PAGE_SIZE - 1);
		uint64_t n = VMSIM_PAGE_SIZE - off < end - pos ? VMSIM_PAGE_SIZE - off : end - pos;
		if (buf) {
			const uint8_t *b = page_bytes(sys, pfn);
			if (!b) {
				rc = VMSIM_ENOHOSTMEM;
				break;
			}
			memcpy((uint8_t *)buf + (pos - start), b + off, n);
		}
		pos += n;
	}
	ra->prev_pos = pos;
out:
	sys->file_read_bytes += pos - start;
	if (done)
		*done = pos - start;
	/* like read(2): bytes before an error count, the error shows only
	 * when nothing was read */
	return pos > start ? 0 : rc;
}

/* The folio order for a write of @left bytes at page-aligned @index:
 * as large as the write covers whole, aligned to the index, no larger
 * than the cache allows (Linux's fgf_set_order in the write path). */
static unsigned write_order(const struct vmsim_system *sys, const struct vfile *f, uint64_t index,
			    uint64_t left)
{
	unsigned order = 0, max = pcache_max_order(sys, f);
	while (order < max && (VMSIM_PAGE_SIZE << (order + 1)) <= left &&
	       !(index & ((2ULL << order) - 1)))
		order++;
	return order;
}

/* Make page @index of @f cached for a write of bytes [@off, @off + @n) of
 * it (and, at page-aligned @off, @left bytes in all): a new folio needs no
 * read where the write covers it or it lies past the end of the file. */
static int write_begin(struct vmsim_system *sys, struct vfile *f, uint64_t index, uint64_t off,
		       uint64_t n, uint64_t left, pfn_t *pfn)
{
	*pfn = pcache_lookup(f, index);
	if (*pfn != PFN_NONE)
		return 0;
	unsigned order = off == 0 ? write_order(sys, f, index, left) : 0;
	for (; order > 0; order--) {
		if (index & ((1ULL << order) - 1))
			continue;
		if (pcache_add_folio(sys, f, index, order, PCACHE_NOREAD, pfn) == 0)
			return 0;
	}
	bool whole = off == 0 && n == VMSIM_PAGE_SIZE;
	bool past_end = index << VMSIM_PAGE_SHIFT >= f->size;
	return pcache_add_folio(sys, f, index, 0,
				PCACHE_RECLAIM | (whole || past_end ? PCACHE_NOREAD : 0), pfn);
}

/* Linux's generic_perform_write of @len bytes at @pos; *@done: bytes
 * written. */
static int do_write(struct vmsim_system *sys, struct vfile *f, const void *buf, uint64_t len,
		    uint64_t pos, uint64_t *done)
{
	uint64_t start = pos, end;
	int rc = 0;
	if (!f->writable)
		return VMSIM_EBADF; /* not open for writing */
	if (len > UINT64_MAX - pos)
		return VMSIM_EINVAL;
	end = pos + len;
	while (pos < end) {
		uint64_t index = pos >> VMSIM_PAGE_SHIFT, off = pos & (VMSIM_PAGE_SIZE - 1);
		uint64_t n = VMSIM_PAGE_SIZE - off < end - pos ? VMSIM_PAGE_SIZE - off : end - pos;
		pfn_t pfn;
		if ((rc = write_begin(sys, f, index, off, n, end - pos, &pfn)))
			break;
		if (buf) {
			uint8_t *b = page_bytes(sys, pfn);
			if (!b) {
				rc = VMSIM_ENOHOSTMEM;
				break;
			}
			memcpy(b + off, (const uint8_t *)buf + (pos - start), n);
		}
		phys_frame(&sys->pm, pfn)->flags |= FRAME_DIRTY;
		pos += n;
		if (pos > f->size)
			f->size = pos; /* the file grows as the bytes land */
	}
	sys->file_write_bytes += pos - start;
	if (done)
		*done = pos - start;
	check_if_debug(sys);
	return pos > start ? 0 : rc;
}

int vmsim_file_pread(struct vmsim_system *sys, int fd, void *buf, uint64_t len, uint64_t offset,
		     uint64_t *done)
{
	struct vfile *f;
	int rc = check_handle(sys, fd, buf, &f);
	if (done)
		*done = 0;
	if (rc)
		return rc;
	return do_read(sys, f, &sys->handles[fd].ra, buf, len, offset, done);
}

int vmsim_file_read(struct vmsim_system *sys, int fd, void *buf, uint64_t len, uint64_t *done)
{
	struct vfile *f;
	uint64_t n = 0;
	int rc = check_handle(sys, fd, buf, &f);
	if (done)
		*done = 0;
	if (rc)
		return rc;
	struct file_handle *h = &sys->handles[fd];
	rc = do_read(sys, f, &h->ra, buf, len, h->pos, &n);
	h->pos += n;
	if (done)
		*done = n;
	return rc;
}

int vmsim_file_pwrite(struct vmsim_system *sys, int fd, const void *buf, uint64_t len,
		      uint64_t offset, uint64_t *done)
{
	struct vfile *f;
	int rc = check_handle(sys, fd, buf, &f);
	if (done)
		*done = 0;
	if (rc)
		return rc;
	return do_write(sys, f, buf, len, offset, done);
}

int vmsim_file_write(struct vmsim_system *sys, int fd, const void *buf, uint64_t len,
		     uint64_t *done)
{
	struct vfile *f;
	uint64_t n = 0;
	int rc = check_handle(sys, fd, buf, &f);
	if (done)
		*done = 0;
	if (rc)
		return rc;
	struct file_handle *h = &sys->handles[fd];
	rc = do_write(sys, f, buf, len, h->pos, &n);
	h->pos += n;
	if (done)
		*done = n;
	return rc;
}

int vmsim_file_seek(struct vmsim_system *sys, int fd, int64_t offset, int whence, uint64_t *pos)
{
	struct vfile *f = vfile_of_fd(sys, fd);
	if (!f)
		return VMSIM_EBADF;
	struct file_handle *h = &sys->handles[fd];
	int64_t base = whence == VMSIM_SEEK_SET	  ? 0
		       : whence == VMSIM_SEEK_CUR ? (int64_t)h->pos
		       : whence == VMSIM_SEEK_END ? (int64_t)f->size
						  : -1;
	if (base < 0 || (offset < 0 && -offset > base) || (offset > 0 && base > INT64_MAX - offset))
		return VMSIM_EINVAL;
	h->pos = (uint64_t)(base + offset);
	if (pos)
		*pos = h->pos;
	return 0;
}

int vmsim_file_fsync(struct vmsim_system *sys, int fd)
{
	struct vfile *f = vfile_of_fd(sys, fd);
	if (!f)
		return VMSIM_EBADF;
	int rc = file_sync_range(sys, f, 0, UINT64_MAX);
	check_if_debug(sys);
	return rc;
}

int vmsim_file_fdatasync(struct vmsim_system *sys, int fd)
{
	/* no metadata is simulated: the same as fsync */
	return vmsim_file_fsync(sys, fd);
}

int vmsim_file_set_readahead(struct vmsim_system *sys, int fd, uint64_t kb)
{
	struct vfile *f = vfile_of_fd(sys, fd);
	if (!f)
		return VMSIM_EBADF;
	if (kb > (1ULL << 30))
		return VMSIM_EINVAL;
	f->ra_pages = kb / 4;
	return 0;
}
