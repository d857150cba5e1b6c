/*
 * The MMU: CR3/PCID state, the hardware page walker, and TLB/paging-
 * structure cache maintenance (see mmu.h). The fast path (a TLB hit) is
 * inline in mmu.h; everything else is here.
 *
 * The walk follows the Intel SDM vol. 3A §4.5: from CR3, one entry per
 * level; a not-present entry stops it, a reserved bit in a present entry
 * stops it, PS=1 in a PDPTE/PDE ends it with a 1 GiB / 2 MiB page. The
 * access is checked against the permissions of all levels together (U/S and
 * R/W must be 1 at every level, NX must be 0 at every level; CR0.WP = 1 so
 * supervisor writes obey R/W too; SMEP/SMAP are off). A is set in each
 * entry the walk uses, D in the leaf for writes; a faulting access sets
 * neither in the leaf.
 */
#include "mmu/mmu.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

/* Reserved bits of a huge leaf between the PAT bit and the frame address. */
#define RSVD_2M 0x00000000001FE000ULL /* bits 20..13 */
#define RSVD_1G 0x000000003FFFE000ULL /* bits 29..13 */

static void make_access_masks(struct mmu *m)
{
	for (unsigned acc = 0; acc < 32; acc++) {
		uint64_t need = PTE_P;
		if (acc & VMSIM_ACC_WRITE)
			need |= PTE_RW | PTE_D; /* a write to a clean entry needs a D assist */
		if (acc & VMSIM_ACC_USER)
			need |= PTE_US;
		m->need[acc] = need;
		m->deny[acc] = (acc & VMSIM_ACC_FETCH) ? PTE_NX : 0;
	}
}

int mmu_init(struct mmu *m, struct phys_mem *pm, const struct vmsim_mmu_cfg *cfg)
{
	int rc;

	memset(m, 0, sizeof(*m));
	if ((cfg->levels != 4 && cfg->levels != 5) || cfg->maxphyaddr < 32 || cfg->maxphyaddr > 52)
		return VMSIM_EINVAL;
	m->pm = pm;
	m->cfg = *cfg;
	m->va_bits = VMSIM_PAGE_SHIFT + PTE_INDEX_BITS * cfg->levels;
	m->rsvd_mask = PTE_PFN_MASK & ~((1ULL << cfg->maxphyaddr) - 1);
	make_access_masks(m);
	rc = tlb_init(&m->tlb, &cfg->tlb, m->stats.tlb);
	if (rc)
		return rc;
	if (cfg->pwc) {
		rc = pwc_init(&m->pwc, &cfg->pwc_cfg);
		if (rc) {
			tlb_release(&m->tlb);
			return rc;
		}
	}
	return 0;
}

void mmu_release(struct mmu *m)
{
	tlb_release(&m->tlb);
	pwc_release(&m->pwc);
}

void mmu_set_cr3(struct mmu *m, pfn_t root, pcid_t pcid, bool noflush)
{
	if (!m->cfg.pcid) {
		pcid = 0;
		noflush = false;
	}
	pcid &= VMSIM_PCID_MAX;
	m->stats.cr3_writes++;
	m->cr3 = root;
	m->pcid = pcid;
	m->has_cr3 = true;
	m->pcid_root[pcid] = root;
	if (!noflush) {
		m->stats.flush_nonglobal++;
		tlb_flush_pcid(&m->tlb, pcid, true);
		pwc_flush(&m->pwc, pcid, false);
	}
}

void mmu_invlpg_pcid(struct mmu *m, vaddr_t va, pcid_t pcid)
{
	m->stats.invlpg++;
	tlb_invlpg(&m->tlb, va, pcid & VMSIM_PCID_MAX);
	pwc_flush(&m->pwc, pcid, false);
}

void mmu_invlpg(struct mmu *m, vaddr_t va)
{
	mmu_invlpg_pcid(m, va, m->pcid);
}

void mmu_flush_pcid(struct mmu *m, pcid_t pcid)
{
	m->stats.flush_pcid++;
	tlb_flush_pcid(&m->tlb, pcid & VMSIM_PCID_MAX, true);
	pwc_flush(&m->pwc, pcid, false);
}

void mmu_flush_all(struct mmu *m, bool keep_global)
{
	m->stats.flush_all++;
	tlb_flush_all(&m->tlb, keep_global);
	pwc_flush(&m->pwc, 0, true);
}

static int fault(struct mmu *m, struct mmu_xlate *x, enum mmu_fault kind, unsigned level,
		 unsigned acc, uint64_t denied)
{
	uint32_t code = acc & (VMSIM_ACC_WRITE | VMSIM_ACC_USER | VMSIM_ACC_FETCH);
	if (kind == MMU_FAULT_PROTECTION)
		code |= PF_ERR_P;
	else if (kind == MMU_FAULT_RESERVED)
		code |= PF_ERR_P | PF_ERR_RSVD;
	x->fault = kind;
	x->level = level;
	x->error_code = code;
	x->denied = denied;
	m->stats.faults++;
	return kind;
}

/* Reserved bits of a present entry at @level given its PS bit. */
static inline uint64_t reserved_bits(const struct mmu *m, pte_t e, unsigned level)
{
	uint64_t rsvd = m->rsvd_mask;
	if (e & PTE_PS) {
		if (level >= 4)
			rsvd |= PTE_PS;
		else if (level == 3)
			rsvd |= RSVD_1G;
		else if (level == 2)
			rsvd |= RSVD_2M;
	}
	return rsvd;
}

/*
 * The hardware walk for @va under the current CR3/PCID. On success returns
 * MMU_OK with the TLB val (see tlb.h) in *@val and the page size in x->ps.
 */
static int walk(struct mmu *m, vaddr_t va, unsigned acc, struct mmu_xlate *x, uint64_t *val)
{
	struct vmsim_walk_stats *ws = &m->stats.walk;
	unsigned level = m->cfg.levels;
	pfn_t table = m->cr3;
	uint64_t allow = PTE_RW | PTE_US; /* folded R/W and U/S of the levels used */
	uint64_t nx = 0;		  /* folded NX */
	unsigned refs = 0;
	int rc;

	VMSIM_BUG_ON(!m->has_cr3);
	ws->walks++;
	if (m->cfg.pwc) {
		/* the deepest cached level wins: it skips the most references */
		for (unsigned l = 2; l <= m->cfg.levels; l++) {
			if (!pwc_has(&m->pwc, l))
				continue;
			ws->pwc_lookups[l]++;
			const uint64_t *p = pwc_lookup(&m->pwc, l, va, m->pcid);
			if (p) {
				ws->pwc_hits[l]++;
				table = pte_pfn(*p, false);
				allow = *p & (PTE_RW | PTE_US);
				nx = *p & PTE_NX;
				level = l - 1;
				break;
			}
		}
	}

	for (;; level--) {
		pte_t *t = pt_table(m->pm, table);
		VMSIM_BUG_ON(t == NULL); /* an entry points at a frame that is no table */
		pte_t *ep = &t[pte_index(va, level)];
		pte_t e = *ep;
		refs++;
		if (!(e & PTE_P)) {
			rc = fault(m, x, MMU_FAULT_NOT_PRESENT, level, acc, 0);
			goto out_fault;
		}
		if (unlikely(e & (m->rsvd_mask | PTE_PS)) && (e & reserved_bits(m, e, level))) {
			rc = fault(m, x, MMU_FAULT_RESERVED, level, acc, 0);
			goto out_fault;
		}
		allow &= e;
		nx |= e & PTE_NX;
		if (level > 1 && !(e & PTE_PS)) {
			if (!(e & PTE_A)) {
				*ep = e | PTE_A;
				ws->a_sets++;
			}
			table = pte_pfn(e, false);
			if (m->cfg.pwc)
				pwc_insert(&m->pwc, level, va, m->pcid,
					   pte_make(table, allow) | nx | PTE_P);
			continue;
		}

		/* the leaf: check the access against the folded permissions */
		uint64_t denied = 0;
		if ((acc & VMSIM_ACC_USER) && !(allow & PTE_US))
			denied = PTE_US;
		else if ((acc & VMSIM_ACC_WRITE) && !(allow & PTE_RW))
			denied = PTE_RW;
		else if ((acc & VMSIM_ACC_FETCH) && nx)
			denied = PTE_NX;
		if (denied) {
			rc = fault(m, x, MMU_FAULT_PROTECTION, level, acc, denied);
			goto out_fault;
		}
		pte_t set = PTE_A | ((acc & VMSIM_ACC_WRITE) ? PTE_D : 0);
		if ((e & set) != set) {
			ws->a_sets += !(e & PTE_A);
			ws->d_sets += (set & PTE_D) && !(e & PTE_D);
			e |= set;
			*ep = e;
		}
		enum vmsim_page_size ps = (enum vmsim_page_size)(level - 1);
		x->ps = ps;
		*val = pte_make(pte_pfn(e, ps != VMSIM_PAGE_4K),
				PTE_P | allow | (e & (PTE_D | PTE_G))) |
		       nx | ((uint64_t)ps << TLB_VAL_ORIG_SHIFT);
		ws->mem_refs += refs;
		ws->refs_hist[refs]++;
		return MMU_OK;
	}

out_fault:
	ws->mem_refs += refs;
	ws->refs_hist[refs]++;
	ws->faults++;
	return rc;
}

int mmu_translate_slow(struct mmu *m, vaddr_t va, unsigned acc, struct mmu_xlate *x, uint64_t *hit)
{
	uint64_t val;
	int rc;

	acc &= 31;
	if (va_canonical(va, m->va_bits) != va) {
		m->stats.noncanonical++;
		return fault(m, x, MMU_FAULT_NONCANONICAL, m->cfg.levels, acc, 0);
	}
	if (hit) {
		/* a TLB hit the cached bits refuse: set D, or recheck the tables */
		uint64_t need = m->need[acc] & ~PTE_D;
		bool only_dirty = (*hit & (need | m->deny[acc])) == need;
		rc = walk(m, va, acc, x, &val);
		if (rc == MMU_OK && only_dirty) {
			m->stats.walk.dirty_assists++;
			*hit |= PTE_D; /* the walk set D in the leaf */
			goto out_ok;
		}
		tlb_invlpg(&m->tlb, va, m->pcid);
		if (rc != MMU_OK)
			return rc;
	} else {
		rc = walk(m, va, acc, x, &val);
		if (rc != MMU_OK)
			return rc;
	}
	/* a miss or an INVLPG came first: no level holds the page */
	tlb_fill_absent(&m->tlb, va, m->pcid, (acc & VMSIM_ACC_FETCH) != 0, x->ps, val);
out_ok:
	x->pa = (val & PTE_PFN_MASK) + (va & ((1ULL << vmsim_page_shift(x->ps)) - 1));
	x->fault = MMU_OK;
	return MMU_OK;
}

/* ---- invariant check ---------------------------------------------------- */

struct check_ctx {
	struct mmu *m;
	char *why;
	size_t whylen;
	int rc;
	uint64_t count[VMSIM_TLB_NLEVELS][VMSIM_NPAGE_SIZES]; /* TLB entries seen */
};

/* Software walk of @root to the level-@stop entry for @va (a leaf stops it
 * earlier). Returns the entry or 0 if absent; folds permissions. */
static pte_t soft_walk(const struct mmu *m, pfn_t root, vaddr_t va, unsigned stop, unsigned *level,
		       uint64_t *allow, uint64_t *nx)
{
	pfn_t table = root;
	*allow = PTE_RW | PTE_US;
	*nx = 0;
	for (unsigned l = m->cfg.levels;; l--) {
		const pte_t *t = pt_table(m->pm, table);
		if (!t)
			return 0;
		pte_t e = t[pte_index(va, l)];
		*level = l;
		if (!(e & PTE_P))
			return 0;
		*allow &= e;
		*nx |= e & PTE_NX;
		if (l == stop || l == 1 || (e & PTE_PS))
			return e;
		table = pte_pfn(e, false);
	}
}

__attribute__((format(printf, 2, 3))) static void check_fail(struct check_ctx *c, const char *fmt,
							     ...)
{
	va_list ap;
	if (c->rc)
		return;
	c->rc = VMSIM_ECHECK;
	if (c->why) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
}

static void check_tlb_entry(enum vmsim_tlb_level lv, uint64_t tag, uint64_t val, void *arg)
{
	static const char *const lvname[VMSIM_TLB_NLEVELS] = {"L1I", "L1D", "L2"};
	struct check_ctx *c = arg;
	struct mmu *m = c->m;
	enum vmsim_page_size ps = tlb_tag_size(tag);
	vaddr_t va = va_canonical(tlb_tag_vpn(tag) << vmsim_page_shift(ps), m->va_bits);
	pfn_t root = (tag & TLB_TAG_G) ? m->cr3 : m->pcid_root[tlb_tag_pcid(tag)];
	const char *name = lvname[lv];
	unsigned level;
	uint64_t allow, nx;
	c->count[lv][ps]++;
	pte_t e = soft_walk(m, root, va, 1, &level, &allow, &nx);

	if (!e) {
		check_fail(c, "%s TLB entry for va %#llx (pcid %u) has no present PTE", name,
			   (unsigned long long)va, (unsigned)tlb_tag_pcid(tag));
		return;
	}
	enum vmsim_page_size leaf_ps = (enum vmsim_page_size)(level - 1);
	vaddr_t off = va & ((1ULL << vmsim_page_shift(leaf_ps)) - 1);
	pfn_t want = pte_pfn(e, leaf_ps != VMSIM_PAGE_4K) + (off >> VMSIM_PAGE_SHIFT);
	pfn_t got = (val & PTE_PFN_MASK) >> VMSIM_PAGE_SHIFT;
	if (leaf_ps < ps || got != want)
		check_fail(c, "%s TLB entry for va %#llx maps frame %#llx, the PTEs say %#llx",
			   name, (unsigned long long)va, (unsigned long long)got,
			   (unsigned long long)want);
	else if ((val & (PTE_RW | PTE_US)) & ~allow)
		check_fail(c, "%s TLB entry for va %#llx grants %s the PTEs refuse", name,
			   (unsigned long long)va,
			   (val & PTE_RW & ~allow) ? "write" : "user access");
	else if (nx && !(val & PTE_NX))
		check_fail(c, "%s TLB entry for va %#llx allows execution, NX is set", name,
			   (unsigned long long)va);
	else if ((val & PTE_D) && !(e & PTE_D))
		check_fail(c, "%s TLB entry for va %#llx is dirty, its PTE is clean", name,
			   (unsigned long long)va);
	else if ((val & PTE_G) != (e & PTE_G))
		check_fail(c, "%s TLB entry for va %#llx disagrees with its PTE on G", name,
			   (unsigned long long)va);
}

static void check_pwc_entry(unsigned level, vaddr_t va, pcid_t pcid, uint64_t val, void *arg)
{
	struct check_ctx *c = arg;
	struct mmu *m = c->m;
	unsigned got;
	uint64_t allow, nx;
	va = va_canonical(va, m->va_bits);
	pte_t e = soft_walk(m, m->pcid_root[pcid], va, level, &got, &allow, &nx);

	if (!e || got != level || (e & PTE_PS))
		check_fail(c,
			   "level-%u paging-structure cache entry for va %#llx (pcid %u) has no "
			   "present table entry",
			   level, (unsigned long long)va, (unsigned)pcid);
	else if (pte_pfn(e, false) != pte_pfn(val, false))
		check_fail(
		    c,
		    "level-%u paging-structure cache entry for va %#llx points at table %#llx, "
		    "the entry at %#llx",
		    level, (unsigned long long)va, (unsigned long long)pte_pfn(val, false),
		    (unsigned long long)pte_pfn(e, false));
	else if (((val & (PTE_RW | PTE_US)) & ~allow) || (nx && !(val & PTE_NX)))
		check_fail(c,
			   "level-%u paging-structure cache entry for va %#llx grants more than "
			   "the tables",
			   level, (unsigned long long)va);
}

int mmu_check(struct mmu *m, char *why, size_t whylen)
{
	struct check_ctx c = {.m = m, .why = why, .whylen = whylen};
	if (!m->has_cr3)
		return 0;
	tlb_for_each(&m->tlb, check_tlb_entry, &c);
	for (unsigned l = 0; l < VMSIM_TLB_NLEVELS; l++)
		for (unsigned s = 0; s < VMSIM_NPAGE_SIZES; s++)
			if (c.count[l][s] != m->tlb.lv[l].nvalid[s])
				check_fail(
				    &c, "TLB level %u holds %llu entries of size %s, counted %llu",
				    l, (unsigned long long)c.count[l][s],
				    vmsim_page_size_name((enum vmsim_page_size)s),
				    (unsigned long long)m->tlb.lv[l].nvalid[s]);
	if (m->cfg.pwc)
		pwc_for_each(&m->pwc, check_pwc_entry, &c);
	return c.rc;
}
