/*
 * The split of a virtual address into page-table indices and page offset,
 * exactly as the x86-64 page walker uses it (Intel SDM vol. 3A §4.5):
 *
 *   63       48 47     39 38     30 29     21 20     12 11         0
 *  +-----------+---------+---------+---------+---------+------------+
 *  | sign ext. |  PML4   |  PDPT   |   PD    |   PT    |   offset   |  4-level, 4K page
 *  +-----------+---------+---------+---------+---------+------------+
 *
 * 5-level paging (LA57) adds PML5 at bits 56..48 and leaves 63..57 for the
 * sign extension. A 2M page ends the walk at PD, whose index is followed by
 * a 21-bit offset; a 1G page ends it at PDPT, followed by a 30-bit offset.
 *
 * Pure arithmetic on its arguments, no state: `vmsim translate` and any
 * layer that wants to show a walk may call it.
 */
#include <string.h>

#include "base/base.h"
#include "mmu/pte.h"
#include "vmsim/mmu.h"

/* Table names indexed by level, 1 = PT .. 5 = PML5 (SDM numbering). */
static const char *const level_name[VMSIM_MAX_LEVELS + 1] = {
    NULL, "PT", "PD", "PDPT", "PML4", "PML5",
};

static bool levels_valid(unsigned levels)
{
	return levels == 4 || levels == 5;
}

/* Translated address bits for @levels-level paging: 48 or 57. */
static unsigned levels_va_bits(unsigned levels)
{
	return VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * levels;
}

/*
 * True if @va is canonical for @levels-level paging: bits 63..va_bits-1 all
 * equal. False as well for a @levels other than 4 or 5, for which no address
 * is canonical.
 */
bool vmsim_va_is_canonical(vaddr_t va, unsigned levels)
{
	if (!levels_valid(levels))
		return false;
	return va_canonical(va, levels_va_bits(levels)) == va;
}

/*
 * Split @va into the indices of the tables a walk for a page of size @ps
 * reads, top level first, plus the page offset and page number.
 *
 * The page number counts pages of size @ps and holds only the translated
 * bits (va_bits-1 .. offset_bits), not the sign extension: it is what a TLB
 * tags an entry with. Unused level[] slots (nlevels and above) are zeroed.
 *
 * Returns 0; VMSIM_EINVAL if @levels is not 4 or 5 or @ps is not a page
 * size; VMSIM_ENONCANON if @va is not canonical for @levels. On failure
 * @out is left untouched.
 */
int vmsim_va_split(vaddr_t va, unsigned levels, enum vmsim_page_size ps,
		   struct vmsim_va_split *out /* out */)
{
	struct vmsim_va_split s;
	unsigned i;

	if (!levels_valid(levels) || (unsigned)ps >= VMSIM_NPAGE_SIZES)
		return VMSIM_EINVAL;
	if (!vmsim_va_is_canonical(va, levels))
		return VMSIM_ENONCANON;

	memset(&s, 0, sizeof(s));
	s.va = va;
	s.levels = levels;
	s.ps = ps;
	s.va_bits = levels_va_bits(levels);
	s.offset_bits = vmsim_page_shift(ps);
	s.offset = va & ((1ULL << s.offset_bits) - 1);
	s.vpn = (va & ((1ULL << s.va_bits) - 1)) >> s.offset_bits;
	s.nlevels = levels - (unsigned)ps;
	for (i = 0; i < s.nlevels; i++) {
		struct vmsim_va_level *l = &s.level[i];
		unsigned lvl = levels - i;

		l->name = level_name[lvl];
		l->level = lvl;
		l->lo = VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * (lvl - 1);
		l->hi = l->lo + PTE_INDEX_BITS - 1;
		l->index = pte_index(va, lvl);
	}
	VMSIM_BUG_ON(s.level[s.nlevels - 1].lo != s.offset_bits);
	*out = s;
	return 0;
}
