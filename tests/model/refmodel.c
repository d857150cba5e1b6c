/*
 * The reference model (see refmodel.h): plain arrays and memcpy, no
 * cleverness, so that it can be trusted by reading it.
 */
#include "refmodel.h"

#include <stdlib.h>
#include <string.h>

/* ---- objects ------------------------------------------------------------- */

static struct rm_obj *obj_new(bool file, uint64_t size, uint64_t cap)
{
	struct rm_obj *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->file = file;
	o->refs = 1;
	o->size = size;
	o->cap = cap ? cap : 1;
	o->data = calloc(o->cap, RM_PAGE);
	if (!o->data) {
		free(o);
		return NULL;
	}
	return o;
}

uint64_t rm_obj_pages(const struct rm_obj *o)
{
	return (o->size + RM_PAGE - 1) / RM_PAGE;
}

struct rm_obj *rm_obj_new_shmem(uint64_t npages)
{
	return obj_new(false, npages * RM_PAGE, npages);
}

struct rm_obj *rm_obj_new_file(const uint8_t *bytes, uint64_t size)
{
	struct rm_obj *o = obj_new(true, size, (size + RM_PAGE - 1) / RM_PAGE);
	if (o && size)
		memcpy(o->data, bytes, size);
	return o;
}

void rm_obj_put(struct rm_obj *o)
{
	if (o && --o->refs == 0) {
		free(o->data);
		free(o);
	}
}

/* Make room for @pages pages of @o (zeros). */
static bool obj_reserve(struct rm_obj *o, uint64_t pages)
{
	if (pages <= o->cap)
		return true;
	uint8_t *d = realloc(o->data, pages * RM_PAGE);
	if (!d)
		return false;
	memset(d + o->cap * RM_PAGE, 0, (pages - o->cap) * RM_PAGE);
	o->data = d;
	o->cap = pages;
	return true;
}

/* ---- pages --------------------------------------------------------------- */

static void page_clear(struct rm_page *p)
{
	free(p->priv);
	if (p->obj)
		rm_obj_put(p->obj);
	memset(p, 0, sizeof(*p));
}

/* The bytes a read of @p sees. */
static const uint8_t *page_bytes(const struct rm_page *p)
{
	static const uint8_t zeros[RM_PAGE];
	if (p->priv)
		return p->priv;
	if (p->kind == RM_ANON)
		return zeros;
	return p->obj->data + p->pgoff * RM_PAGE;
}

bool rm_space_init(struct rm_space *s, uint64_t base, uint64_t npages)
{
	s->base = base;
	s->npages = npages;
	s->pg = calloc(npages, sizeof(*s->pg));
	return s->pg != NULL;
}

void rm_space_free(struct rm_space *s)
{
	for (uint64_t i = 0; s->pg && i < s->npages; i++)
		page_clear(&s->pg[i]);
	free(s->pg);
	s->pg = NULL;
	s->npages = 0;
}

bool rm_space_fork(struct rm_space *child, const struct rm_space *parent)
{
	if (!rm_space_init(child, parent->base, parent->npages))
		return false;
	for (uint64_t i = 0; i < parent->npages; i++) {
		const struct rm_page *p = &parent->pg[i];
		struct rm_page *c = &child->pg[i];
		*c = *p;
		c->locked = RM_UNLOCKED; /* locks are not inherited */
		if (c->obj)
			c->obj->refs++;
		if (p->priv) {
			/* private pages are copied: from now on each side has its own */
			c->priv = malloc(RM_PAGE);
			if (!c->priv) {
				c->kind = RM_UNMAPPED;
				rm_space_free(child);
				return false;
			}
			memcpy(c->priv, p->priv, RM_PAGE);
		}
	}
	return true;
}

struct rm_page *rm_lookup(const struct rm_space *s, uint64_t va)
{
	if (va < s->base)
		return NULL;
	uint64_t i = (va - s->base) / RM_PAGE;
	return i < s->npages ? &s->pg[i] : NULL;
}

void rm_map(struct rm_space *s, uint64_t va, uint64_t n, int prot, enum rm_kind kind,
	    struct rm_obj *obj, uint64_t pgoff)
{
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (!p)
			continue;
		page_clear(p);
		p->kind = (uint8_t)kind;
		p->prot = (uint8_t)prot;
		if (kind != RM_ANON) {
			p->obj = obj;
			p->pgoff = pgoff + i;
			obj->refs++;
		}
	}
}

void rm_unmap(struct rm_space *s, uint64_t va, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (p)
			page_clear(p);
	}
}

bool rm_protect(struct rm_space *s, uint64_t va, uint64_t n, int prot)
{
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (!p || p->kind == RM_UNMAPPED)
			return false;
	}
	for (uint64_t i = 0; i < n; i++)
		rm_lookup(s, va + i * RM_PAGE)->prot = (uint8_t)prot;
	return true;
}

enum rm_dontneed_result rm_dontneed(struct rm_space *s, uint64_t va, uint64_t n)
{
	bool whole = true;
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (!p || p->kind == RM_UNMAPPED) {
			whole = false;
			continue;
		}
		if (p->locked)
			return RM_DN_LOCKED;
		free(p->priv); /* anonymous: zeros; file: the file again */
		p->priv = NULL;
	}
	return whole ? RM_DN_OK : RM_DN_HOLES;
}

/* Give private page @p its own bytes (a copy of what it shows now). */
static bool make_private(struct rm_page *p)
{
	if (p->priv)
		return true;
	uint8_t *b = malloc(RM_PAGE);
	if (!b)
		return false;
	memcpy(b, page_bytes(p), RM_PAGE);
	p->priv = b;
	return true;
}

void rm_populate_write(struct rm_space *s, uint64_t va, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (p && p->kind == RM_FILE_PRIVATE && p->pgoff < rm_obj_pages(p->obj) &&
		    !make_private(p))
			abort(); /* host out of memory: the test cannot go on */
	}
}

/* Fault page @p in as population does: a private writable file page
 * inside its file gets its own copy (a write fault). False when it cannot
 * be faulted: PROT_NONE, or past the end of its object. */
static bool populate_page(struct rm_page *p)
{
	if (p->prot == 0)
		return false;
	if (p->kind != RM_ANON && !p->priv && p->pgoff >= rm_obj_pages(p->obj))
		return false;
	if (p->kind == RM_FILE_PRIVATE && (p->prot & RM_WRITE) && !make_private(p))
		abort();
	return true;
}

bool rm_mlock(struct rm_space *s, uint64_t va, uint64_t n, bool onfault, bool *stopped)
{
	*stopped = false;
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (!p || p->kind == RM_UNMAPPED)
			return false;
		p->locked = onfault ? RM_LOCKED_ONFAULT : RM_LOCKED;
	}
	for (uint64_t i = 0; i < n && !onfault; i++)
		if (!populate_page(rm_lookup(s, va + i * RM_PAGE))) {
			*stopped = true;
			break;
		}
	return true;
}

bool rm_munlock(struct rm_space *s, uint64_t va, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (!p || p->kind == RM_UNMAPPED)
			return false;
		p->locked = RM_UNLOCKED;
	}
	return true;
}

void rm_remap_shrink(struct rm_space *s, uint64_t va, uint64_t old_n, uint64_t new_n)
{
	if (new_n < old_n)
		rm_unmap(s, va + new_n * RM_PAGE, old_n - new_n);
}

/* Pages [@from, @n) of the area whose page 0 is @first: the same kind,
 * protection, lock and object, the object's next pages, no bytes of their
 * own; faulted in (errors ignored) when the area is locked. */
static void extend(struct rm_space *s, const struct rm_page *first, uint64_t va, uint64_t from,
		   uint64_t n)
{
	struct rm_page model = *first;
	for (uint64_t i = from; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		if (!p)
			continue;
		page_clear(p);
		p->kind = model.kind;
		p->prot = model.prot;
		p->locked = model.locked;
		if (model.obj) {
			p->obj = model.obj;
			p->obj->refs++;
			p->pgoff = model.pgoff + i;
		}
		if (p->locked == RM_LOCKED)
			populate_page(p);
	}
}

void rm_remap_grow(struct rm_space *s, uint64_t va, uint64_t old_n, uint64_t new_n)
{
	extend(s, rm_lookup(s, va), va, old_n, new_n);
}

void rm_remap_move(struct rm_space *s, uint64_t va, uint64_t old_n, uint64_t to, uint64_t new_n,
		   bool dontunmap)
{
	uint64_t n = old_n < new_n ? old_n : new_n;
	struct rm_page *moved = calloc(n, sizeof(*moved));
	if (!moved)
		abort();
	rm_unmap(s, to, new_n);
	for (uint64_t i = 0; i < n; i++) {
		struct rm_page *p = rm_lookup(s, va + i * RM_PAGE);
		moved[i] = *p;
		if (dontunmap) {
			/* the old page stays mapped, empty and unlocked */
			if (p->obj)
				p->obj->refs++;
			p->priv = NULL;
			p->locked = RM_UNLOCKED;
		} else {
			memset(p, 0, sizeof(*p)); /* its references went to moved[i] */
		}
	}
	if (!dontunmap)
		rm_unmap(s, va + n * RM_PAGE, old_n - n);
	for (uint64_t i = 0; i < n; i++)
		*rm_lookup(s, to + i * RM_PAGE) = moved[i];
	struct rm_page first = moved[0];
	free(moved);
	/* pgoff of page 0 of the new area */
	extend(s, &first, to, n, new_n);
}

size_t rm_file_read(const struct rm_obj *o, uint64_t off, uint8_t *buf, size_t n)
{
	if (off >= o->size)
		return 0;
	if (n > o->size - off)
		n = (size_t)(o->size - off);
	memcpy(buf, o->data + off, n);
	return n;
}

void rm_file_write(struct rm_obj *o, uint64_t off, const uint8_t *buf, size_t n)
{
	if (!obj_reserve(o, (off + n + RM_PAGE - 1) / RM_PAGE))
		abort();
	memcpy(o->data + off, buf, n);
	if (off + n > o->size)
		o->size = off + n;
}

/* May the access touch page @p? */
static enum rm_fault page_check(const struct rm_page *p, bool write)
{
	if (!p || p->kind == RM_UNMAPPED)
		return RM_MAPERR;
	/* x86: any accessible mapping can be read; writes need PROT_WRITE */
	if (p->prot == 0 || (write && !(p->prot & RM_WRITE)))
		return RM_ACCERR;
	/* a page wholly past the end of its file or shared memory object (an
	 * area grown by mremap), unless this space has its own copy (copies
	 * past the end are dropped by truncate) */
	if (p->kind != RM_ANON && !p->priv && p->pgoff >= rm_obj_pages(p->obj))
		return RM_BUS_EOF;
	return RM_OK;
}

enum rm_fault rm_check(const struct rm_space *s, uint64_t va, bool write)
{
	return page_check(rm_lookup(s, va), write);
}

struct rm_result rm_access(struct rm_space *s, uint64_t va, size_t n, bool write, uint8_t *buf)
{
	struct rm_result r = {RM_OK, 0, 0};
	while (r.done < n) {
		uint64_t a = va + r.done;
		size_t off = (size_t)(a % RM_PAGE);
		size_t chunk = (size_t)RM_PAGE - off;
		if (chunk > n - r.done)
			chunk = n - r.done;
		struct rm_page *p = rm_lookup(s, a);
		enum rm_fault f = page_check(p, write);
		if (f != RM_OK) {
			r.fault = f;
			r.addr = a;
			return r;
		}
		if (!write) {
			memcpy(buf + r.done, page_bytes(p) + off, chunk);
		} else if (p->kind == RM_SHARED) {
			memcpy(p->obj->data + p->pgoff * RM_PAGE + off, buf + r.done, chunk);
		} else {
			if (!make_private(p))
				abort(); /* host out of memory: the test cannot go on */
			memcpy(p->priv + off, buf + r.done, chunk);
		}
		r.done += chunk;
	}
	return r;
}

bool rm_store_hits_file_tail(const struct rm_space *s, uint64_t va, size_t n)
{
	for (size_t done = 0; done < n;) {
		uint64_t a = va + done;
		size_t off = (size_t)(a % RM_PAGE);
		size_t chunk = (size_t)RM_PAGE - off;
		if (chunk > n - done)
			chunk = n - done;
		const struct rm_page *p = rm_lookup(s, a);
		if (p && p->kind == RM_SHARED && p->obj->file) {
			uint64_t at = p->pgoff * RM_PAGE + off; /* file offset of the piece */
			if (at + chunk > p->obj->size && p->pgoff < rm_obj_pages(p->obj))
				return true;
		}
		done += chunk;
	}
	return false;
}

void rm_truncate(struct rm_space **spaces, size_t nspaces, struct rm_obj *o, uint64_t size)
{
	uint64_t old_cap_bytes = o->cap * RM_PAGE;
	if (!obj_reserve(o, (size + RM_PAGE - 1) / RM_PAGE))
		abort();
	if (size < old_cap_bytes)
		memset(o->data + size, 0, (size_t)(o->cap * RM_PAGE - size));
	o->size = size;
	uint64_t keep = rm_obj_pages(o);
	for (size_t k = 0; k < nspaces; k++) {
		struct rm_space *s = spaces[k];
		for (uint64_t i = 0; s && i < s->npages; i++) {
			struct rm_page *p = &s->pg[i];
			if (p->kind == RM_FILE_PRIVATE && p->obj == o && p->pgoff >= keep) {
				free(p->priv);
				p->priv = NULL;
			}
		}
	}
}
