/*
 * VMAs: the areas of an address space, kept in a sorted array (binary
 * search, with the last hit remembered as Linux's vmacache did). Areas never
 * overlap; splitting and merging keep the array sorted. Only src/os/ calls
 * this.
 *
 *   0x1000      0x5000 0x7000        0xa000
 *   |  A (rw-)   |     |  B (r--)     |        one entry per area, by start
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

struct vma *vma_find(struct vma_map *m, vaddr_t va)
{
	if (m->hint < m->n) {
		struct vma *h = &m->v[m->hint];
		if (va >= h->start && va < h->end)
			return h;
	}
	size_t i = vma_index_after(m, va);
	if (i < m->n && m->v[i].start <= va) {
		m->hint = i;
		return &m->v[i];
	}
	return NULL;
}

size_t vma_index_after(const struct vma_map *m, vaddr_t va)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v[mid].end > va)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int reserve(struct vma_map *m, size_t want)
{
	if (want <= m->cap)
		return 0;
	size_t cap = m->cap ? m->cap * 2 : 8;
	while (cap < want)
		cap *= 2;
	struct vma *v = realloc(m->v, cap * sizeof(*v));
	if (!v)
		return VMSIM_ENOHOSTMEM;
	m->v = v;
	m->cap = cap;
	return 0;
}

int vma_insert(struct vma_map *m, const struct vma *v)
{
	if (reserve(m, m->n + 1))
		return VMSIM_ENOHOSTMEM;
	size_t i = vma_index_after(m, v->start);
	VMSIM_BUG_ON(i < m->n && m->v[i].start < v->end);
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*v));
	m->v[i] = *v;
	m->n++;
	m->hint = i;
	return 0;
}

void vma_remove(struct vmsim_system *sys, struct vma_map *m, size_t i)
{
	if (m->v[i].account)
		vm_unacct_memory(sys, vma_pages(&m->v[i]));
	if (m->v[i].file)
		vfile_put(sys, m->v[i].file);
	memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(m->v[0]));
	m->n--;
	m->hint = 0;
}

int vma_split_at(struct vma_map *m, vaddr_t va)
{
	struct vma *v = vma_find(m, va);
	if (!v || v->start == va)
		return 0;
	struct vma tail = *v;
	tail.start = va;
	tail.anon_pgoff = vma_anon_index(v, va);
	if (tail.file) {
		tail.pgoff += (va - v->start) >> VMSIM_PAGE_SHIFT;
		vfile_get(tail.file);
	}
	if (reserve(m, m->n + 1)) {
		if (tail.file)
			tail.file->refs--;
		return VMSIM_ENOHOSTMEM;
	}
	v = vma_find(m, va); /* the array may have moved */
	v->end = va;
	return vma_insert(m, &tail); /* cannot fail: room reserved */
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->advice != b->advice || strcmp(a->name, b->name) != 0 || a->file != b->file ||
	    a->thp != b->thp || a->hugetlb != b->hugetlb || a->locked != b->locked ||
	    a->account != b->account ||
	    a->anon_pgoff + ((a->end - a->start) >> VMSIM_PAGE_SHIFT) != b->anon_pgoff)
		return false;
	if (a->file)
		return a->pgoff + ((a->end - a->start) >> VMSIM_PAGE_SHIFT) == b->pgoff;
	return true;
}

void vma_merge_around(struct vmsim_system *sys, struct vma_map *m, size_t i)
{
	if (i + 1 < m->n && mergeable(&m->v[i], &m->v[i + 1])) {
		m->v[i].end = m->v[i + 1].end;
		m->v[i].anon |= m->v[i + 1].anon;
		m->v[i + 1].account = false; /* its charge is the merged area's now */
		vma_remove(sys, m, i + 1);
	}
	if (i > 0 && mergeable(&m->v[i - 1], &m->v[i])) {
		m->v[i - 1].end = m->v[i].end;
		m->v[i - 1].anon |= m->v[i].anon;
		m->v[i].account = false;
		vma_remove(sys, m, i);
	}
}

bool vma_range_free(const struct vma_map *m, vaddr_t start, vaddr_t end)
{
	size_t i = vma_index_after(m, start);
	return i >= m->n || m->v[i].start >= end;
}

void vma_map_release(struct vmsim_system *sys, struct vma_map *m)
{
	while (m->n)
		vma_remove(sys, m, m->n - 1);
	free(m->v);
	*m = (struct vma_map){0};
}

int vma_map_copy(struct vma_map *dst, const struct vma_map *src)
{
	if (reserve(dst, src->n))
		return VMSIM_ENOHOSTMEM;
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(src->v[0]));
	dst->n = src->n;
	for (size_t i = 0; i < dst->n; i++)
		if (dst->v[i].file)
			vfile_get(dst->v[i].file);
	return 0;
}
