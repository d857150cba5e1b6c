/*
 * Page-table primitives: build, change and tear down a process's x86-64
 * paging structures in simulated physical memory (see pagetable.h).
 *
 *   va (4-level):  | sign 63..48 | PML4 47..39 | PDPT 38..30 | PD 29..21 | PT 20..12 | offset |
 *
 * Non-leaf entries are written as PTE_TABLE_FLAGS (present, writable, user)
 * so that permissions are decided by the leaf, as Linux does.
 */
#include "mmu/pagetable.h"

#include "base/base.h"

static unsigned va_bits(unsigned levels)
{
	return VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * levels;
}

static int table_alloc(struct pagetable *pt, pfn_t *pfn)
{
	int rc = phys_alloc(pt->pm, 0, FRAME_PAGETABLE, pfn);
	if (rc == 0)
		pt->ntables++;
	return rc;
}

int pt_init(struct pagetable *pt, struct phys_mem *pm, unsigned levels)
{
	if (levels != 4 && levels != 5)
		return VMSIM_EINVAL;
	pt->pm = pm;
	pt->levels = levels;
	pt->ntables = 0;
	return table_alloc(pt, &pt->root);
}

static void free_tables(struct pagetable *pt, pfn_t table, unsigned level)
{
	if (level > 1) {
		pte_t *t = pt_table(pt->pm, table);
		for (unsigned i = 0; i < PTE_ENTRIES; i++) {
			if (pte_present(t[i]) && !pte_huge(t[i]))
				free_tables(pt, pte_pfn(t[i], false), level - 1);
		}
	}
	phys_free(pt->pm, table, 0);
	pt->ntables--;
}

void pt_release(struct pagetable *pt)
{
	if (pt->ntables == 0)
		return;
	free_tables(pt, pt->root, pt->levels);
	VMSIM_BUG_ON(pt->ntables != 0);
}

int pt_slot(struct pagetable *pt, vaddr_t va, enum vmsim_page_size ps, pte_t **slot)
{
	unsigned leaf_level = (unsigned)ps + 1;

	if ((unsigned)ps >= VMSIM_NPAGE_SIZES)
		return VMSIM_EINVAL;
	if (va_canonical(va, va_bits(pt->levels)) != va)
		return VMSIM_ENONCANON;
	pfn_t table = pt->root;
	for (unsigned level = pt->levels; level > leaf_level; level--) {
		pte_t *e = &pt_table(pt->pm, table)[pte_index(va, level)];
		if (!pte_present(*e)) {
			pfn_t next;
			int rc = table_alloc(pt, &next);
			if (rc)
				return rc;
			/* re-read: the frame table may not move, but be explicit */
			e = &pt_table(pt->pm, table)[pte_index(va, level)];
			*e = pte_make(next, PTE_TABLE_FLAGS);
		} else if (pte_huge(*e)) {
			return VMSIM_EEXIST;
		}
		table = pte_pfn(*e, false);
	}
	*slot = &pt_table(pt->pm, table)[pte_index(va, leaf_level)];
	return 0;
}

int pt_map(struct pagetable *pt, vaddr_t va, pfn_t pfn, enum vmsim_page_size ps, uint64_t flags)
{
	if ((unsigned)ps >= VMSIM_NPAGE_SIZES)
		return VMSIM_EINVAL;
	uint64_t npages = 1ULL << (PTE_INDEX_BITS * (unsigned)ps);
	uint64_t span = VMSIM_PAGE_SIZE * npages;
	if ((va & (span - 1)) || (pfn & (npages - 1)))
		return VMSIM_EALIGN;
	if (flags & (PTE_PFN_MASK | PTE_P | PTE_PS))
		return VMSIM_EINVAL;

	pte_t *slot;
	int rc = pt_slot(pt, va, ps, &slot);
	if (rc)
		return rc;
	if (pte_present(*slot))
		return VMSIM_EEXIST;
	uint64_t leaf = flags | PTE_P;
	if (ps != VMSIM_PAGE_4K)
		leaf |= PTE_PS;
	*slot = pte_make(pfn, leaf);
	return 0;
}

pte_t *pt_lookup(const struct pagetable *pt, vaddr_t va, unsigned *level)
{
	if (va_canonical(va, va_bits(pt->levels)) != va)
		return NULL;
	pfn_t table = pt->root;
	for (unsigned l = pt->levels;; l--) {
		pte_t *e = &pt_table(pt->pm, table)[pte_index(va, l)];
		if (l == 1 || !pte_present(*e) || pte_huge(*e)) {
			*level = l;
			return e;
		}
		table = pte_pfn(*e, false);
	}
}

int pt_unmap(struct pagetable *pt, vaddr_t va, pte_t *old, enum vmsim_page_size *ps)
{
	unsigned level;
	pte_t *e = pt_lookup(pt, va, &level);
	if (!e || !pte_present(*e))
		return VMSIM_ENOENT;
	*old = *e;
	*ps = (enum vmsim_page_size)(level - 1);
	*e = 0;
	return 0;
}

int pt_protect(struct pagetable *pt, vaddr_t va, uint64_t set, uint64_t clear)
{
	const uint64_t fixed = PTE_PFN_MASK | PTE_P | PTE_PS;
	if ((set | clear) & fixed)
		return VMSIM_EINVAL;
	unsigned level;
	pte_t *e = pt_lookup(pt, va, &level);
	if (!e || !pte_present(*e))
		return VMSIM_ENOENT;
	*e = (*e | set) & ~clear;
	return 0;
}

int pt_split_2m(struct pagetable *pt, vaddr_t va)
{
	unsigned level;
	pte_t *pd = pt_lookup(pt, va, &level);
	if (!pd || level != 2 || !pte_present(*pd) || !pte_huge(*pd))
		return VMSIM_ENOENT;
	pfn_t table;
	int rc = table_alloc(pt, &table);
	if (rc)
		return rc;
	pte_t e = *pd;
	pfn_t pfn = pte_pfn(e, true);
	/* the PAT bit of a huge leaf sits at bit 12; in a 4 KiB leaf at bit 7 */
	uint64_t flags = (e & ~(PTE_PFN_MASK | PTE_PS)) | ((e & PTE_PAT_LARGE) ? PTE_PS : 0);
	pte_t *t = pt_table(pt->pm, table);
	for (unsigned i = 0; i < PTE_ENTRIES; i++)
		t[i] = pte_make(pfn + i, flags);
	*pd = pte_make(table, PTE_TABLE_FLAGS);
	return 0;
}

int pt_free_table_2m(struct pagetable *pt, vaddr_t va)
{
	if (va_canonical(va, va_bits(pt->levels)) != va)
		return VMSIM_ENONCANON;
	pfn_t table = pt->root;
	pte_t *e = NULL;
	for (unsigned level = pt->levels; level >= 2; level--) {
		e = &pt_table(pt->pm, table)[pte_index(va, level)];
		if (!pte_present(*e) || pte_huge(*e))
			return VMSIM_ENOENT;
		table = pte_pfn(*e, false);
	}
	const pte_t *t = pt_table(pt->pm, table);
	for (unsigned i = 0; i < PTE_ENTRIES; i++)
		if (t[i])
			return VMSIM_EEXIST;
	*e = 0;
	phys_free(pt->pm, table, 0);
	pt->ntables--;
	return 0;
}

/* Prune the subtree of @table (at @level) covering [@base, @base + span);
 * returns true when the table maps nothing any more. */
static bool prune(struct pagetable *pt, pfn_t table, unsigned level, vaddr_t base, vaddr_t start,
		  vaddr_t end, uint64_t *freed)
{
	pte_t *t = pt_table(pt->pm, table);
	uint64_t span = pte_level_span(level);
	bool empty = true;
	for (unsigned i = 0; i < PTE_ENTRIES; i++) {
		vaddr_t lo = base + (uint64_t)i * span, hi = lo + span;
		if (!pte_present(t[i])) {
			if (t[i])
				empty = false; /* a swap entry or other kernel data */
			continue;
		}
		if (level == 1 || pte_huge(t[i]) || hi <= start || lo >= end) {
			empty = false;
			continue;
		}
		pfn_t child = pte_pfn(t[i], false);
		/* only a table whose whole span lies in the range may go */
		if (prune(pt, child, level - 1, lo, start, end, freed) && lo >= start &&
		    hi <= end) {
			t[i] = 0;
			phys_free(pt->pm, child, 0);
			pt->ntables--;
			(*freed)++;
		} else {
			empty = false;
		}
	}
	return empty;
}

uint64_t pt_prune(struct pagetable *pt, vaddr_t start, vaddr_t end)
{
	uint64_t freed = 0;
	unsigned bits = va_bits(pt->levels);
	/* work on the address as the table indexes see it (sign bits dropped) */
	vaddr_t mask = (bits == 64) ? ~0ULL : (1ULL << bits) - 1;
	if (start >= end)
		return 0;
	start &= mask;
	end = ((end - 1) & mask) + 1;
	if (start >= end)
		return 0;
	prune(pt, pt->root, pt->levels, 0, start, end, &freed);
	return freed;
}

/* Visit the leaves of the subtree of @table (level @level, mapping from
 * @base) that lie in [@start, @end] (@end inclusive: it may be the top of
 * the address space). */
static int for_each(const struct pagetable *pt, pfn_t table, unsigned level, vaddr_t base,
		    vaddr_t start, vaddr_t end,
		    int (*fn)(vaddr_t, pte_t *, enum vmsim_page_size, void *), void *arg)
{
	pte_t *t = pt_table(pt->pm, table);
	uint64_t span = pte_level_span(level);
	unsigned first = start > base ? (unsigned)((start - base) / span) : 0;
	unsigned last =
	    end - base >= span * PTE_ENTRIES ? PTE_ENTRIES - 1 : (unsigned)((end - base) / span);
	for (unsigned i = first; i <= last; i++) {
		if (!t[i] || (!pte_present(t[i]) && level > 1))
			continue;
		vaddr_t va = base + (uint64_t)i * span;
		int rc;
		if (level == 1 || pte_huge(t[i]))
			rc = fn(va_canonical(va, va_bits(pt->levels)), &t[i],
				(enum vmsim_page_size)(level - 1), arg);
		else
			rc = for_each(pt, pte_pfn(t[i], false), level - 1, va, start, end, fn, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int pt_for_each_leaf(const struct pagetable *pt,
		     int (*fn)(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg),
		     void *arg)
{
	return pt_for_each_leaf_range(pt, 0, ~0ULL, fn, arg);
}

int pt_for_each_leaf_range(const struct pagetable *pt, vaddr_t start, vaddr_t end,
			   int (*fn)(vaddr_t va, pte_t *leaf, enum vmsim_page_size ps, void *arg),
			   void *arg)
{
	unsigned bits = va_bits(pt->levels);
	vaddr_t mask = (1ULL << bits) - 1;
	if (start >= end)
		return 0;
	/* table indexes see addresses without their sign bits */
	vaddr_t lo = start & mask, hi = (end - 1) & mask;
	if (lo > hi)
		return 0;
	return for_each(pt, pt->root, pt->levels, 0, lo, hi, fn, arg);
}
