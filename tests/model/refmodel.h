/*
 * A deliberately simple reference model of memory as Linux presents it to
 * processes, for the differential test (model_test.c). It knows nothing of
 * frames, page tables, TLBs, swap or reclaim: only what a program can
 * observe through loads and stores.
 *
 *   per address space: one entry per virtual page of a window
 *       RM_ANON          private anonymous: its own bytes (NULL: zeros)
 *       RM_SHARED        a page of a shared object (shared anonymous memory
 *                        or a MAP_SHARED file): the object's bytes, by reference
 *       RM_FILE_PRIVATE  a MAP_PRIVATE file page: the file's bytes as they
 *                        are *now* (later writes by others show through) until
 *                        this space writes the page; then its own copy
 *   per object: its bytes (a file: also its size; pages wholly past the
 *       size raise SIGBUS)
 *
 * fork copies every private page (own bytes) and shares every object; the
 * child's pages are not locked.
 * truncate drops the private copies of file pages wholly past the new end
 * too (Linux's truncate_pagecache unmaps "even COWed" pages), zeroes the
 * file's bytes past the end, and leaves the partial last page's copies.
 *
 * mlock marks pages locked and faults them in: a private writable file
 * page gets its own copy (a write fault breaks copy-on-write); it stops
 * at the first page that cannot be faulted (PROT_NONE, past the end of
 * its object). MADV_DONTNEED stops at the first locked page. mremap moves
 * page entries (own bytes, lock and all); growth extends the area's kind.
 * read()/write() copy to and from a file's bytes (a write past the end
 * grows it).
 *
 * Every function is total: a range may cover unmapped pages and may reach
 * outside the window (such pages are unmapped).
 */
#ifndef VMSIM_REFMODEL_H
#define VMSIM_REFMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RM_PAGE UINT64_C(4096)

enum rm_prot { RM_READ = 1, RM_WRITE = 2, RM_EXEC = 4 };

enum rm_kind { RM_UNMAPPED = 0, RM_ANON, RM_SHARED, RM_FILE_PRIVATE };

enum rm_fault {
	RM_OK = 0,  /* the whole access went through */
	RM_MAPERR,  /* no mapping (SIGSEGV, SEGV_MAPERR) */
	RM_ACCERR,  /* the protection forbids it (SIGSEGV, SEGV_ACCERR) */
	RM_BUS_EOF, /* a file page wholly past the end of the file (SIGBUS) */
};

/* A shared anonymous object or a file. */
struct rm_obj {
	bool file;     /* a file (has a size that truncate changes) */
	unsigned refs; /* pages mapping it + the holder's reference */
	uint64_t size; /* bytes */
	uint64_t cap;  /* pages allocated in data (>= pages of size) */
	uint8_t *data; /* cap pages; bytes past size are zero */
};

struct rm_page {
	uint8_t kind;	    /* enum rm_kind */
	uint8_t prot;	    /* enum rm_prot bits */
	struct rm_obj *obj; /* RM_SHARED, RM_FILE_PRIVATE */
	uint64_t pgoff;	    /* page index in obj */
	uint8_t *priv;	    /* RM_ANON, RM_FILE_PRIVATE: own bytes, or NULL */
	uint8_t locked;	    /* enum rm_lock */
};

enum rm_lock {
	RM_UNLOCKED = 0,
	RM_LOCKED,	   /* mlock(): faulted in when locked, and when the area grows */
	RM_LOCKED_ONFAULT, /* mlock2(MLOCK_ONFAULT): locked as faulted */
};

/* One address space: pages [base, base + npages * RM_PAGE). */
struct rm_space {
	uint64_t base;
	uint64_t npages;
	struct rm_page *pg;
};

/* What an access did. */
struct rm_result {
	enum rm_fault fault; /* RM_OK or why it stopped */
	uint64_t addr;	     /* first address of the piece that faulted */
	size_t done;	     /* bytes moved before it (whole page pieces) */
};

/* Objects. A new object holds one reference, the caller's. NULL on host
 * out-of-memory. */
struct rm_obj *rm_obj_new_shmem(uint64_t npages);
struct rm_obj *rm_obj_new_file(const uint8_t *bytes, uint64_t size);
void rm_obj_put(struct rm_obj *o);

/* Pages of @o (its size rounded up). */
uint64_t rm_obj_pages(const struct rm_obj *o);

/* An empty space over the window; false on host out-of-memory. */
bool rm_space_init(struct rm_space *s, uint64_t base, uint64_t npages);
/* exit(): drop everything. */
void rm_space_free(struct rm_space *s);
/* fork(): @child (uninitialised) becomes a copy of @parent. */
bool rm_space_fork(struct rm_space *child, const struct rm_space *parent);

/* The entry of the page containing @va, or NULL outside the window. */
struct rm_page *rm_lookup(const struct rm_space *s, uint64_t va);

/* mmap(MAP_FIXED): replace [@va, @va + @n pages) by a new mapping. @obj is
 * NULL for RM_ANON; for RM_SHARED / RM_FILE_PRIVATE each page takes a
 * reference on it, page i mapping page @pgoff + i. The range must lie in
 * the window. */
void rm_map(struct rm_space *s, uint64_t va, uint64_t n, int prot, enum rm_kind kind,
	    struct rm_obj *obj, uint64_t pgoff);

/* munmap(). */
void rm_unmap(struct rm_space *s, uint64_t va, uint64_t n);

/* mprotect(): false (and nothing changed) when a page of the range is
 * unmapped. */
bool rm_protect(struct rm_space *s, uint64_t va, uint64_t n, int prot);

/* madvise(MADV_DONTNEED): private anonymous pages become zero, private
 * copies of file pages are dropped (the file shows through again), shared
 * pages keep their contents. Returns false when the range has holes (the
 * mapped pages are still done). */
enum rm_dontneed_result {
	RM_DN_OK = 0, /* every page done */
	RM_DN_HOLES,  /* done, but the range has holes (ENOMEM) */
	RM_DN_LOCKED, /* stopped at a locked page, the pages before it done (EINVAL) */
};
enum rm_dontneed_result rm_dontneed(struct rm_space *s, uint64_t va, uint64_t n);

/* MAP_POPULATE of a private writable mapping: Linux breaks copy-on-write
 * at once (a write fault per page), so private file pages inside the file
 * get their own copy now. */
void rm_populate_write(struct rm_space *s, uint64_t va, uint64_t n);

/* mlock() / mlock2(): lock the pages of the range up to the first hole
 * (false: there is one, ENOMEM). Unless @onfault, then fault them in, in
 * address order: *@stopped becomes true when a page cannot be faulted
 * (PROT_NONE, past the end of its object), which ends the faulting in
 * (ENOMEM too). */
bool rm_mlock(struct rm_space *s, uint64_t va, uint64_t n, bool onfault, bool *stopped);

/* munlock(): up to the first hole (false: there is one). */
bool rm_munlock(struct rm_space *s, uint64_t va, uint64_t n);

/* mremap() of [@va, @va + @old_n pages), which lies in one area: shrink to
 * @new_n pages in place / grow in place to @new_n pages (the pages after
 * it are free) / move to @to as an area of @new_n pages, unmapping what
 * was there and, with @dontunmap, leaving the old range mapped and empty
 * (private pages lose their own bytes, shared ones show their object,
 * nothing locked). Grown pages continue the area: same kind, protection
 * and lock, the next pages of its object, zeros for anonymous memory; a
 * locked area faults them in. */
void rm_remap_shrink(struct rm_space *s, uint64_t va, uint64_t old_n, uint64_t new_n);
void rm_remap_grow(struct rm_space *s, uint64_t va, uint64_t old_n, uint64_t new_n);
void rm_remap_move(struct rm_space *s, uint64_t va, uint64_t old_n, uint64_t to, uint64_t new_n,
		   bool dontunmap);

/* pread() of @n bytes at @off of file @o into @buf: the bytes read. */
size_t rm_file_read(const struct rm_obj *o, uint64_t off, uint8_t *buf, size_t n);

/* pwrite() of @n bytes of @buf at @off of file @o (it grows past its end). */
void rm_file_write(struct rm_obj *o, uint64_t off, const uint8_t *buf, size_t n);

/* What an access of one byte at @va would raise (RM_OK: nothing). */
enum rm_fault rm_check(const struct rm_space *s, uint64_t va, bool write);

/* A load (@write false: bytes into @buf) or a store (@buf into memory) of
 * @n bytes at @va, one page piece at a time; stops at the first piece that
 * faults. */
struct rm_result rm_access(struct rm_space *s, uint64_t va, size_t n, bool write, uint8_t *buf);

/* Would a store of @n bytes at @va write into the bytes past the end of a
 * file through a shared mapping (the partial last page's tail)? Linux
 * keeps such bytes only while the page stays cached, so the result is not
 * defined; the test does not make such stores. */
bool rm_store_hits_file_tail(const struct rm_space *s, uint64_t va, size_t n);

/* truncate() of file @o to @size, seen by the @nspaces spaces in @spaces
 * (NULL entries skipped). */
void rm_truncate(struct rm_space **spaces, size_t nspaces, struct rm_obj *o, uint64_t size);

#endif
