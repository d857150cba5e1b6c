/*
 * The x86-64 paging-structure entry format, bit for bit (Intel SDM vol. 3A
 * §4.5, tables 4-15 .. 4-20). Every level uses the same 64-bit layout:
 *
 *   63  62..59 58..52 51 ........................ 12 11..9 8 7  6 5 4   3   2  1  0
 *  +--+------+------+-------------------------------+-----+-+--+-+-+---+---+--+--+-+
 *  |NX| PKE  | AVL  |  physical frame number (PFN)  | AVL |G|PS|D|A|PCD|PWT|US|RW|P|
 *  +--+------+------+-------------------------------+-----+-+--+-+-+---+---+--+--+-+
 *
 * PS=1 in a PDPT entry maps a 1 GiB page, in a PD entry a 2 MiB page; such a
 * leaf keeps its PAT bit at 12, so its frame address starts at bit 30 / 21
 * and the bits between 13 and 29 / 20 are reserved (must be zero). PS is
 * reserved in PML4 and PML5 entries. Bits 51..MAXPHYADDR are reserved too.
 *
 * Only the mmu/ and os/ layers use this header.
 */
#ifndef VMSIM_PTE_H
#define VMSIM_PTE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"
#include "vmsim/types.h"

typedef uint64_t pte_t;

#define PTE_P	      (1ULL << 0)  /* present */
#define PTE_RW	      (1ULL << 1)  /* writable */
#define PTE_US	      (1ULL << 2)  /* user accessible */
#define PTE_PWT	      (1ULL << 3)  /* page-level write-through */
#define PTE_PCD	      (1ULL << 4)  /* page-level cache disable */
#define PTE_A	      (1ULL << 5)  /* accessed: set by the walker */
#define PTE_D	      (1ULL << 6)  /* dirty: set by the walker on a write (leaves only) */
#define PTE_PS	      (1ULL << 7)  /* page size: leaf at PDPT/PD level (PAT at PT level) */
#define PTE_G	      (1ULL << 8)  /* global: survives CR3 writes (leaves only) */
#define PTE_PAT_LARGE (1ULL << 12) /* PAT bit of a 2 MiB / 1 GiB leaf */
#define PTE_NX	      (1ULL << 63) /* no execute (EFER.NXE = 1 is assumed) */

#define PTE_PFN_MASK   0x000FFFFFFFFFF000ULL /* bits 51..12 */
#define PTE_ENTRIES    512
#define PTE_INDEX_BITS 9

/* Entry of a non-leaf level as the kernel writes it (Linux's _PAGE_TABLE):
 * present, writable, user; the leaf decides the real permissions. */
#define PTE_TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)

static inline bool pte_present(pte_t e)
{
	return (e & PTE_P) != 0;
}

static inline bool pte_huge(pte_t e)
{
	return (e & PTE_PS) != 0;
}

/* Frame number in 4 KiB units of the table or page the entry points to;
 * for a huge leaf the PAT bit is not part of it. */
static inline pfn_t pte_pfn(pte_t e, bool huge_leaf)
{
	uint64_t mask = huge_leaf ? (PTE_PFN_MASK & ~PTE_PAT_LARGE) : PTE_PFN_MASK;
	return (e & mask) >> 12;
}

static inline pte_t pte_make(pfn_t pfn, uint64_t flags)
{
	return ((pfn << 12) & PTE_PFN_MASK) | flags;
}

/* Index into the table of level @level (1 = PT .. 5 = PML5) for @va. */
static inline unsigned pte_index(vaddr_t va, unsigned level)
{
	return (unsigned)(va >> (VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * (level - 1))) & 511u;
}

/* Bytes mapped by one entry at @level: 4 KiB, 2 MiB, 1 GiB, 512 GiB, 256 TiB. */
static inline uint64_t pte_level_span(unsigned level)
{
	return 1ULL << (VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * (level - 1));
}

/* Sign-extend bit (va_bits-1) of @va, the canonical form of the address. */
static inline vaddr_t va_canonical(vaddr_t va, unsigned va_bits)
{
	unsigned sh = 64 - va_bits;
	return (vaddr_t)((int64_t)(va << sh) >> sh);
}

#endif
