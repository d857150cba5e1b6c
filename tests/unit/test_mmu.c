/*
 * The MMU: walks in the real x86-64 format (known answers, A/D bits, every
 * permission combination, huge leaves, reserved bits, non-canonical
 * addresses), paging-structure caches, TLB coherence with CR3/PCID/INVLPG,
 * and the invariant checker. Every case ends with mmu_check and phys_check.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "mmu/mmu.h"
#include "vmsim/error.h"

struct fix {
	struct phys_mem pm;
	struct pagetable pt;
	struct mmu mmu;
	struct vmsim_mmu_cfg cfg;
};

/* A small machine: one fully associative 8-entry L1D for all sizes, no L2,
 * paging-structure caches of 4 entries at every level. */
static void small_cfg(struct vmsim_mmu_cfg *cfg, unsigned levels, bool pwc, bool pcid)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cpu = "test";
	cfg->levels = levels;
	cfg->maxphyaddr = 46;
	cfg->pcid = pcid;
	cfg->pwc = pwc;
	struct vmsim_tlb_level_cfg *l1d = &cfg->tlb.level[VMSIM_TLB_L1D];
	l1d->narrays = 1;
	l1d->arrays[0] = (struct vmsim_tlb_array_cfg){
	    .entries = 8, .ways = 0, .sizes = 7, .repl = VMSIM_REPL_LRU};
	for (unsigned l = 2; l <= 5; l++)
		cfg->pwc_cfg.entries[l] = 4;
}

static int setup_with(void **state, unsigned levels, bool pwc, bool pcid)
{
	struct fix *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	small_cfg(&f->cfg, levels, pwc, pcid);
	assert_ok(phys_init(&f->pm, 2ULL << 30, false));
	assert_ok(pt_init(&f->pt, &f->pm, levels));
	assert_ok(mmu_init(&f->mmu, &f->pm, &f->cfg));
	mmu_set_cr3(&f->mmu, f->pt.root, 1, false);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, 4, false, false);
}

static int setup_pwc(void **state)
{
	return setup_with(state, 4, true, false);
}

static int setup_pcid(void **state)
{
	return setup_with(state, 4, false, true);
}

static int setup5(void **state)
{
	return setup_with(state, 5, true, false);
}

static void check_mmu(struct fix *f)
{
	char why[256] = "";
	if (mmu_check(&f->mmu, why, sizeof(why)))
		fail_msg("mmu invariant broken: %s", why);
}

static int teardown(void **state)
{
	struct fix *f = *state;
	check_mmu(f);
	testutil_check_phys(&f->pm);
	mmu_release(&f->mmu);
	pt_release(&f->pt);
	phys_release(&f->pm);
	free(f);
	return 0;
}

static pte_t *leaf(struct fix *f, vaddr_t va)
{
	unsigned level;
	return pt_lookup(&f->pt, va, &level);
}

/* The entry of @level (4..1) on the path to @va. */
static pte_t *entry_at(struct fix *f, vaddr_t va, unsigned level)
{
	pfn_t table = f->pt.root;
	for (unsigned l = f->pt.levels;; l--) {
		pte_t *e = &pt_table(&f->pm, table)[pte_index(va, l)];
		if (l == level)
			return e;
		table = pte_pfn(*e, false);
	}
}

static void walk_seed_address_gives_known_physical_address(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	assert_ok(pt_map(&f->pt, 0x7ffd12345000ULL, 0x1234, VMSIM_PAGE_4K, PTE_RW | PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x7ffd12345678ULL, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, 0x1234678ULL);
	assert_int_equal(x.ps, VMSIM_PAGE_4K);
	assert_int_equal(f->mmu.stats.walk.walks, 1);
	assert_int_equal(f->mmu.stats.walk.mem_refs, 4); /* PML4E, PDPTE, PDE, PTE */
	assert_int_equal(f->mmu.stats.walk.refs_hist[4], 1);
	/* the second access to the page hits the TLB */
	assert_int_equal(mmu_translate(&f->mmu, 0x7ffd12345000ULL, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, 0x1234000ULL);
	assert_int_equal(f->mmu.stats.walk.walks, 1);
	assert_int_equal(f->mmu.stats.tlb[VMSIM_TLB_L1D].hits[VMSIM_PAGE_4K], 1);
	assert_int_equal(f->mmu.stats.tlb[VMSIM_TLB_L1D].misses, 1);
}

static void walk_sets_accessed_on_every_level_and_dirty_only_on_write(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	vaddr_t va = 0x7ffd12345000ULL;
	assert_ok(pt_map(&f->pt, va, 0x1234, VMSIM_PAGE_4K, PTE_RW | PTE_US));
	for (unsigned l = 4; l >= 1; l--)
		assert_false(*entry_at(f, va, l) & PTE_A);
	assert_int_equal(mmu_translate(&f->mmu, va, VMSIM_ACC_USER, &x), MMU_OK);
	for (unsigned l = 4; l >= 1; l--) {
		assert_true(*entry_at(f, va, l) & PTE_A);
		assert_false(*entry_at(f, va, l) & PTE_D);
	}
	assert_int_equal(f->mmu.stats.walk.a_sets, 4);
	/* a write through the clean TLB entry: a dirty assist sets D in the leaf only */
	assert_int_equal(mmu_translate(&f->mmu, va, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x), MMU_OK);
	assert_true(*leaf(f, va) & PTE_D);
	for (unsigned l = 4; l >= 2; l--)
		assert_false(*entry_at(f, va, l) & PTE_D);
	assert_int_equal(f->mmu.stats.walk.dirty_assists, 1);
	assert_int_equal(f->mmu.stats.walk.d_sets, 1);
	/* further writes hit the now dirty entry */
	uint64_t walks = f->mmu.stats.walk.walks;
	assert_int_equal(mmu_translate(&f->mmu, va + 8, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x),
			 MMU_OK);
	assert_int_equal(f->mmu.stats.walk.walks, walks);
}

static void walk_fault_does_not_set_leaf_bits(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	vaddr_t va = 0x600000;
	assert_ok(pt_map(&f->pt, va, 7, VMSIM_PAGE_4K, PTE_US)); /* read-only */
	assert_int_equal(mmu_translate(&f->mmu, va, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x),
			 MMU_FAULT_PROTECTION);
	assert_false(*leaf(f, va) & (PTE_A | PTE_D));
	assert_int_equal(x.denied, PTE_RW);
	assert_int_equal(x.error_code, PF_ERR_P | VMSIM_ACC_WRITE | VMSIM_ACC_USER);
	assert_int_equal(x.level, 1);
	assert_int_equal(f->mmu.stats.faults, 1);
	assert_int_equal(f->mmu.stats.walk.faults, 1);
}

static void walk_not_present_reports_level(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_FAULT_NOT_PRESENT);
	assert_int_equal(x.level, 4);
	assert_int_equal(x.error_code, VMSIM_ACC_USER); /* P = 0 */
	assert_ok(pt_map(&f->pt, 0x1000, 3, VMSIM_PAGE_4K, PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x2000, VMSIM_ACC_USER | VMSIM_ACC_FETCH, &x),
			 MMU_FAULT_NOT_PRESENT);
	assert_int_equal(x.level, 1);
	assert_int_equal(x.error_code, VMSIM_ACC_USER | VMSIM_ACC_FETCH);
}

/*
 * Every combination of leaf R/W, U/S, NX, an upper level (the PDE) with R/W
 * or U/S cleared or NX set, and every access (read, write, fetch; user or
 * supervisor). x86 rule: user access needs U/S=1 at all levels; a write needs
 * R/W=1 at all levels (CR0.WP=1: also in supervisor mode); a fetch needs NX=0
 * at all levels.
 */
static void walk_checks_every_permission_combination(void **state)
{
	struct fix *f = *state;
	const unsigned accesses[] = {
	    VMSIM_ACC_READ,
	    VMSIM_ACC_WRITE,
	    VMSIM_ACC_FETCH,
	    VMSIM_ACC_USER | VMSIM_ACC_READ,
	    VMSIM_ACC_USER | VMSIM_ACC_WRITE,
	    VMSIM_ACC_USER | VMSIM_ACC_FETCH,
	};
	vaddr_t va = 0x40000000ULL;
	unsigned cases = 0;
	for (unsigned leafbits = 0; leafbits < 8; leafbits++) {
		for (unsigned pde = 0; pde < 4; pde++) {
			uint64_t lf = ((leafbits & 1) ? PTE_RW : 0) |
				      ((leafbits & 2) ? PTE_US : 0) | ((leafbits & 4) ? PTE_NX : 0);
			va += 0x200000; /* a new PD entry (and page table) per case */
			pfn_t pfn = 100 + leafbits * 4 + pde;
			assert_ok(pt_map(&f->pt, va, pfn, VMSIM_PAGE_4K, lf));
			pte_t *up = entry_at(f, va, 2);
			if (pde == 1)
				*up &= ~PTE_RW;
			else if (pde == 2)
				*up &= ~PTE_US;
			else if (pde == 3)
				*up |= PTE_NX;
			bool rw = (lf & PTE_RW) && pde != 1;
			bool us = (lf & PTE_US) && pde != 2;
			bool nx = (lf & PTE_NX) || pde == 3;
			for (unsigned a = 0; a < ARRAY_SIZE(accesses); a++) {
				unsigned acc = accesses[a];
				bool user = acc & VMSIM_ACC_USER, write = acc & VMSIM_ACC_WRITE,
				     fetch = acc & VMSIM_ACC_FETCH;
				bool ok = !(user && !us) && !(write && !rw) && !(fetch && nx);
				struct mmu_xlate x;
				int rc = mmu_translate(&f->mmu, va + 0x10, acc, &x);
				if (ok) {
					if (rc != MMU_OK)
						fail_msg("leaf %u pde %u acc %#x: fault %d",
							 leafbits, pde, acc, rc);
					assert_int_equal(x.pa, (pfn << 12) + 0x10);
				} else {
					if (rc != MMU_FAULT_PROTECTION)
						fail_msg(
						    "leaf %u pde %u acc %#x: expected a protection "
						    "fault, got %d",
						    leafbits, pde, acc, rc);
					assert_int_equal(x.error_code, PF_ERR_P | acc);
				}
				cases++;
			}
			mmu_invlpg(&f->mmu, va);
			check_mmu(f);
		}
	}
	assert_int_equal(cases, 8 * 4 * ARRAY_SIZE(accesses));
}

static void walk_maps_2m_and_1g_leaves_with_fewer_references(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	assert_ok(pt_map(&f->pt, 0x40000000ULL, 0x200, VMSIM_PAGE_2M, PTE_RW | PTE_US));
	assert_ok(pt_map(&f->pt, 0x80000000ULL, 0x40000, VMSIM_PAGE_1G, PTE_RW | PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x40123456ULL, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, (0x200ULL << 12) + 0x123456);
	assert_int_equal(x.ps, VMSIM_PAGE_2M);
	assert_int_equal(f->mmu.stats.walk.refs_hist[3], 1);
	assert_int_equal(mmu_translate(&f->mmu, 0xBFFFFFF0ULL, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, (0x40000ULL << 12) + 0x3FFFFFF0);
	assert_int_equal(x.ps, VMSIM_PAGE_1G);
	assert_int_equal(f->mmu.stats.walk.refs_hist[2], 1);
	/* A and D are set in the huge leaf itself */
	assert_int_equal(
	    mmu_translate(&f->mmu, 0x40000008ULL, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x), MMU_OK);
	assert_true(*leaf(f, 0x40000000ULL) & PTE_D);
	assert_true(*leaf(f, 0x40000000ULL) & PTE_PS);
}

static void tlb_2m_entry_covers_its_512_small_pages(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	assert_ok(pt_map(&f->pt, 0x40000000ULL, 0x400, VMSIM_PAGE_2M, PTE_US));
	for (unsigned i = 0; i < 512; i++) {
		vaddr_t va = 0x40000000ULL + ((uint64_t)i << 12) + i;
		assert_int_equal(mmu_translate(&f->mmu, va, VMSIM_ACC_USER, &x), MMU_OK);
		assert_int_equal(x.pa, (0x400ULL << 12) + ((uint64_t)i << 12) + i);
	}
	assert_int_equal(f->mmu.stats.walk.walks, 1);
	assert_int_equal(f->mmu.stats.tlb[VMSIM_TLB_L1D].hits[VMSIM_PAGE_2M], 511);
}

static void walk_reserved_bits_fault_with_rsvd_error_code(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	/* a frame address above MAXPHYADDR (46) */
	assert_ok(pt_map(&f->pt, 0x1000, 1, VMSIM_PAGE_4K, PTE_US));
	*leaf(f, 0x1000) |= 1ULL << 50;
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_FAULT_RESERVED);
	assert_int_equal(x.error_code, PF_ERR_P | PF_ERR_RSVD | VMSIM_ACC_USER);
	assert_int_equal(x.level, 1);
	*leaf(f, 0x1000) &= ~(1ULL << 50);
	/* bit 13 of a 2 MiB leaf lies between PAT and the frame address */
	assert_ok(pt_map(&f->pt, 0x40000000ULL, 0x200, VMSIM_PAGE_2M, PTE_US));
	*leaf(f, 0x40000000ULL) |= 1ULL << 13;
	assert_int_equal(mmu_translate(&f->mmu, 0x40000000ULL, 0, &x), MMU_FAULT_RESERVED);
	assert_int_equal(x.level, 2);
	/* ...but bit 12 of it is PAT and is fine */
	*leaf(f, 0x40000000ULL) ^= (1ULL << 13) | PTE_PAT_LARGE;
	assert_int_equal(mmu_translate(&f->mmu, 0x40000000ULL, 0, &x), MMU_OK);
	assert_int_equal(x.pa, 0x200ULL << 12);
	/* PS in a PML4 entry is reserved */
	*entry_at(f, 0x1000, 4) |= PTE_PS;
	mmu_flush_all(&f->mmu, false);
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, 0, &x), MMU_FAULT_RESERVED);
	assert_int_equal(x.level, 4);
	*entry_at(f, 0x1000, 4) &= ~PTE_PS;
}

static void translate_noncanonical_address_is_a_gp_not_a_walk(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	assert_int_equal(mmu_translate(&f->mmu, 0x0000800000000000ULL, 0, &x),
			 MMU_FAULT_NONCANONICAL);
	assert_int_equal(mmu_translate(&f->mmu, 0xfff0000000000000ULL, 0, &x),
			 MMU_FAULT_NONCANONICAL);
	assert_int_equal(f->mmu.stats.noncanonical, 2);
	assert_int_equal(f->mmu.stats.walk.walks, 0);
	/* the top of the lower half and the bottom of the upper half are canonical */
	assert_int_equal(mmu_translate(&f->mmu, 0x00007fffffffffffULL, 0, &x),
			 MMU_FAULT_NOT_PRESENT);
	assert_int_equal(mmu_translate(&f->mmu, 0xffff800000000000ULL, 0, &x),
			 MMU_FAULT_NOT_PRESENT);
}

static void five_level_walk_makes_five_references(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	vaddr_t va = 0x0000800000000000ULL; /* canonical with LA57 */
	assert_ok(pt_map(&f->pt, va, 0x99, VMSIM_PAGE_4K, PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, va + 4, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, (0x99ULL << 12) + 4);
	assert_int_equal(f->mmu.stats.walk.refs_hist[5], 1);
	assert_int_equal(mmu_translate(&f->mmu, 0x0100000000000000ULL, 0, &x),
			 MMU_FAULT_NONCANONICAL);
}

static void pwc_hits_cut_walk_references(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	const struct vmsim_walk_stats *ws = &f->mmu.stats.walk;
	assert_ok(pt_map(&f->pt, 0x1000, 1, VMSIM_PAGE_4K, PTE_US));	   /* PT A */
	assert_ok(pt_map(&f->pt, 0x2000, 2, VMSIM_PAGE_4K, PTE_US));	   /* PT A */
	assert_ok(pt_map(&f->pt, 0x200000, 3, VMSIM_PAGE_4K, PTE_US));	   /* same PD */
	assert_ok(pt_map(&f->pt, 0x40000000, 4, VMSIM_PAGE_4K, PTE_US));   /* same PDPT */
	assert_ok(pt_map(&f->pt, 0x8000000000, 5, VMSIM_PAGE_4K, PTE_US)); /* new PML4E */

	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(ws->mem_refs, 4);
	assert_int_equal(mmu_translate(&f->mmu, 0x2000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(ws->mem_refs, 4 + 1); /* PDE cache hit: only the PTE */
	assert_int_equal(ws->pwc_hits[2], 1);
	assert_int_equal(mmu_translate(&f->mmu, 0x200000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(ws->mem_refs, 5 + 2); /* PDPTE cache hit: PDE, PTE */
	assert_int_equal(ws->pwc_hits[3], 1);
	assert_int_equal(mmu_translate(&f->mmu, 0x40000000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(ws->mem_refs, 7 + 3); /* PML4E cache hit */
	assert_int_equal(ws->pwc_hits[4], 1);
	assert_int_equal(mmu_translate(&f->mmu, 0x8000000000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(ws->mem_refs, 10 + 4); /* nothing cached for a new PML4E */
	assert_int_equal(x.pa, 5ULL << 12);
}

static void pwc_flushed_by_invlpg_and_cr3_write(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	assert_ok(pt_map(&f->pt, 0x1000, 1, VMSIM_PAGE_4K, PTE_US));
	assert_ok(pt_map(&f->pt, 0x2000, 2, VMSIM_PAGE_4K, PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	mmu_invlpg(&f->mmu, 0x1000);
	assert_int_equal(mmu_translate(&f->mmu, 0x2000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(f->mmu.stats.walk.mem_refs, 8); /* no PWC help after INVLPG */
	mmu_set_cr3(&f->mmu, f->pt.root, 0, false);
	mmu_invlpg(&f->mmu, 0x1000);
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(f->mmu.stats.walk.mem_refs, 12);
}

static void invlpg_removes_exactly_one_page(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	for (unsigned i = 0; i < 3; i++)
		assert_ok(pt_map(&f->pt, 0x10000 + i * 0x1000ULL, 20 + i, VMSIM_PAGE_4K, PTE_US));
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(
		    mmu_translate(&f->mmu, 0x10000 + i * 0x1000ULL, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(f->mmu.stats.walk.walks, 3);
	mmu_invlpg(&f->mmu, 0x11000);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(
		    mmu_translate(&f->mmu, 0x10000 + i * 0x1000ULL, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(f->mmu.stats.walk.walks, 4);
	assert_int_equal(f->mmu.stats.invlpg, 1);
}

static void downgrade_without_invlpg_is_caught_by_check(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	char why[256];
	assert_ok(pt_map(&f->pt, 0x5000, 5, VMSIM_PAGE_4K, PTE_RW | PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x5000, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x),
			 MMU_OK);
	assert_ok(pt_protect(&f->pt, 0x5000, 0, PTE_RW)); /* like mprotect, but no flush */
	assert_int_equal(mmu_check(&f->mmu, why, sizeof(why)), VMSIM_ECHECK);
	assert_non_null(strstr(why, "grants write"));
	mmu_invlpg(&f->mmu, 0x5000);
	check_mmu(f);
	assert_int_equal(mmu_translate(&f->mmu, 0x5000, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x),
			 MMU_FAULT_PROTECTION);
	/* an unmap without flush is caught too */
	assert_int_equal(mmu_translate(&f->mmu, 0x5000, VMSIM_ACC_USER, &x), MMU_OK);
	pte_t old;
	enum vmsim_page_size ps;
	assert_ok(pt_unmap(&f->pt, 0x5000, &old, &ps));
	assert_int_equal(mmu_check(&f->mmu, why, sizeof(why)), VMSIM_ECHECK);
	assert_non_null(strstr(why, "no present PTE"));
	mmu_invlpg(&f->mmu, 0x5000);
}

static void upgrade_without_flush_rewalks_instead_of_faulting(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	assert_ok(pt_map(&f->pt, 0x5000, 5, VMSIM_PAGE_4K, PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x5000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_ok(pt_protect(&f->pt, 0x5000, PTE_RW, 0)); /* e.g. a COW page reused in place */
	assert_int_equal(mmu_translate(&f->mmu, 0x5000, VMSIM_ACC_USER | VMSIM_ACC_WRITE, &x),
			 MMU_OK);
	assert_true(*leaf(f, 0x5000) & PTE_D);
	assert_int_equal(f->mmu.stats.walk.walks, 2);
	assert_int_equal(f->mmu.stats.faults, 0);
}

static void cr3_write_without_pcid_flushes_nonglobal_entries(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	struct pagetable other;
	assert_ok(pt_init(&other, &f->pm, 4));
	/* a kernel page, global, mapped identically in both address spaces */
	assert_ok(pt_map(&f->pt, 0xffffffff81000000ULL, 0x777, VMSIM_PAGE_4K, PTE_G));
	assert_ok(pt_map(&other, 0xffffffff81000000ULL, 0x777, VMSIM_PAGE_4K, PTE_G));
	assert_ok(pt_map(&f->pt, 0x1000, 0x11, VMSIM_PAGE_4K, PTE_US));
	assert_ok(pt_map(&other, 0x1000, 0x22, VMSIM_PAGE_4K, PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(mmu_translate(&f->mmu, 0xffffffff81000000ULL, 0, &x), MMU_OK);
	mmu_set_cr3(&f->mmu, other.root, 7, false); /* PCID ignored: CR4.PCIDE = 0 */
	assert_int_equal(f->mmu.pcid, 0);
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, 0x22000);
	assert_int_equal(f->mmu.stats.walk.walks, 3);
	assert_int_equal(mmu_translate(&f->mmu, 0xffffffff81000000ULL, 0, &x), MMU_OK);
	assert_int_equal(f->mmu.stats.walk.walks, 3); /* the global entry survived */
	check_mmu(f);
	mmu_set_cr3(&f->mmu, f->pt.root, 0, false);
	pt_release(&other);
}

static void pcids_keep_address_spaces_apart_without_flushing(void **state)
{
	struct fix *f = *state;
	struct mmu_xlate x;
	struct pagetable other;
	assert_ok(pt_init(&other, &f->pm, 4));
	assert_ok(pt_map(&f->pt, 0x1000, 0x11, VMSIM_PAGE_4K, PTE_US));
	assert_ok(pt_map(&other, 0x1000, 0x22, VMSIM_PAGE_4K, PTE_US));
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, 0x11000);
	mmu_set_cr3(&f->mmu, other.root, 2, false);
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, 0x22000);
	/* back to PCID 1 without flush: its entry is still there */
	mmu_set_cr3(&f->mmu, f->pt.root, 1, true);
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(x.pa, 0x11000);
	assert_int_equal(f->mmu.stats.walk.walks, 2);
	check_mmu(f);
	/* a single-context flush of PCID 2 leaves PCID 1 alone */
	mmu_flush_pcid(&f->mmu, 2);
	assert_int_equal(mmu_translate(&f->mmu, 0x1000, VMSIM_ACC_USER, &x), MMU_OK);
	assert_int_equal(f->mmu.stats.walk.walks, 2);
	/* with PCID 2 flushed its root can go */
	pt_release(&other);
	check_mmu(f);
}

static void mmu_init_rejects_bad_configuration(void **state)
{
	struct fix *f = *state;
	struct mmu m;
	struct vmsim_mmu_cfg cfg = f->cfg;
	cfg.levels = 3;
	assert_int_equal(mmu_init(&m, &f->pm, &cfg), VMSIM_EINVAL);
	cfg = f->cfg;
	cfg.maxphyaddr = 60;
	assert_int_equal(mmu_init(&m, &f->pm, &cfg), VMSIM_EINVAL);
	cfg = f->cfg;
	cfg.pwc = true;
	cfg.pwc_cfg.entries[2] = 6;
	cfg.pwc_cfg.ways[2] = 4;
	assert_int_equal(mmu_init(&m, &f->pm, &cfg), VMSIM_EINVAL);
}

/*
 * The inline hit paths (L1D and L1I probes with their last-hit slot) give
 * exactly the results and counters of the general lookup: the same mixed
 * fetch/load/store sequence over 300 pages on a Skylake hierarchy, once as
 * built and once with the inline paths switched off.
 */
static void inline_probes_count_like_the_general_lookup(void **state)
{
	struct vmsim_mmu_stats st[2];
	uint64_t pa[2][4000];
	(void)state;
	for (int run = 0; run < 2; run++) {
		struct fix f;
		struct rng r;
		memset(&f, 0, sizeof(f));
		assert_ok(vmsim_cpu_preset("skylake", &f.cfg));
		assert_ok(phys_init(&f.pm, 2ULL << 30, false));
		assert_ok(pt_init(&f.pt, &f.pm, 4));
		assert_ok(mmu_init(&f.mmu, &f.pm, &f.cfg));
		mmu_set_cr3(&f.mmu, f.pt.root, 0, false);
		assert_non_null(f.mmu.tlb.l1i4k.tags);
		assert_non_null(f.mmu.tlb.l1d4k.tags);
		if (run == 1) {
			f.mmu.tlb.l1i4k.tags = NULL;
			f.mmu.tlb.l1d4k.tags = NULL;
		}
		for (vaddr_t p = 0; p < 300; p++)
			assert_ok(pt_map(&f.pt, 0x400000 + p * 4096, 0x1000 + p, VMSIM_PAGE_4K,
					 PTE_RW | PTE_US));
		rng_seed(&r, 9);
		for (int i = 0; i < 4000; i++) {
			static const unsigned acc[3] = {VMSIM_ACC_USER | VMSIM_ACC_FETCH,
							VMSIM_ACC_USER,
							VMSIM_ACC_USER | VMSIM_ACC_WRITE};
			/* runs of fetches on few pages, data over many */
			unsigned k = (unsigned)rng_below(&r, 3);
			vaddr_t page = k == 0 ? rng_below(&r, 24) : rng_below(&r, 300);
			struct mmu_xlate x;
			assert_int_equal(
			    mmu_translate(&f.mmu, 0x400000 + page * 4096 + 8, acc[k], &x), MMU_OK);
			pa[run][i] = x.pa;
		}
		st[run] = f.mmu.stats;
		check_mmu(&f);
		mmu_release(&f.mmu);
		pt_release(&f.pt);
		phys_release(&f.pm);
	}
	assert_memory_equal(pa[0], pa[1], sizeof(pa[0]));
	assert_memory_equal(&st[0], &st[1], sizeof(st[0]));
	assert_true(st[0].tlb[VMSIM_TLB_L1I].hits[VMSIM_PAGE_4K] > 1000);
}

int main(void)
{
#define T(fn, s) cmocka_unit_test_setup_teardown(fn, s, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(inline_probes_count_like_the_general_lookup),
	    T(walk_seed_address_gives_known_physical_address, setup),
	    T(walk_sets_accessed_on_every_level_and_dirty_only_on_write, setup),
	    T(walk_fault_does_not_set_leaf_bits, setup),
	    T(walk_not_present_reports_level, setup),
	    T(walk_checks_every_permission_combination, setup),
	    T(walk_checks_every_permission_combination, setup_pwc),
	    T(walk_maps_2m_and_1g_leaves_with_fewer_references, setup),
	    T(tlb_2m_entry_covers_its_512_small_pages, setup),
	    T(walk_reserved_bits_fault_with_rsvd_error_code, setup),
	    T(translate_noncanonical_address_is_a_gp_not_a_walk, setup),
	    T(five_level_walk_makes_five_references, setup5),
	    T(pwc_hits_cut_walk_references, setup_pwc),
	    T(pwc_flushed_by_invlpg_and_cr3_write, setup_pwc),
	    T(invlpg_removes_exactly_one_page, setup),
	    T(downgrade_without_invlpg_is_caught_by_check, setup_pwc),
	    T(upgrade_without_flush_rewalks_instead_of_faulting, setup),
	    T(cr3_write_without_pcid_flushes_nonglobal_entries, setup),
	    T(pcids_keep_address_spaces_apart_without_flushing, setup_pcid),
	    T(mmu_init_rejects_bad_configuration, setup),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
