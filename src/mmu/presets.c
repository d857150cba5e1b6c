/*
 * CPU presets: named MMU configurations (paging mode, TLB hierarchy,
 * paging-structure caches). One const table, one entry per preset; every
 * figure and its source is in docs/PRESETS.md, estimates marked there.
 * Callers: the library's configuration code and the CLI's --cpu option.
 */
#include <stddef.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/mmu.h"

#define SZ_4K (1u << VMSIM_PAGE_4K)
#define SZ_2M (1u << VMSIM_PAGE_2M)
#define SZ_1G (1u << VMSIM_PAGE_1G)

/* entries, ways (0: fully associative), sizes held; LRU everywhere, since
 * neither vendor documents the TLB replacement policy. */
#define ARRAY(n, w, sz)                                                                            \
	{                                                                                          \
		.entries = (n), .ways = (w), .sizes = (sz), .repl = VMSIM_REPL_LRU                 \
	}

struct preset {
	const char *name;	  /* matched by --cpu */
	const char *desc;	  /* one line for `vmsim presets` */
	struct vmsim_mmu_cfg cfg; /* the configuration itself */
};

static const struct preset presets[] = {
    {
	.name = "textbook",
	.desc = "the reference tutorial's TLB: one 64-entry 4 KiB data TLB",
	.cfg.cpu = "textbook",
	.cfg.levels = 4,
	.cfg.maxphyaddr = 46,
	.cfg.pcid = false,
	.cfg.pwc = false,
	.cfg.tlb.level[VMSIM_TLB_L1D] = {1, {ARRAY(64, 0, SZ_4K)}},
    },
    {
	.name = "skylake",
	.desc = "Intel Skylake client core: 1536-entry STLB, PCID, PWCs",
	.cfg.cpu = "skylake",
	.cfg.levels = 4,
	.cfg.maxphyaddr = 39,
	.cfg.pcid = true,
	.cfg.pwc = true,
	.cfg.tlb.level[VMSIM_TLB_L1I] = {2, {ARRAY(128, 8, SZ_4K), ARRAY(8, 0, SZ_2M)}},
	.cfg.tlb.level[VMSIM_TLB_L1D] = {3,
					 {ARRAY(64, 4, SZ_4K), ARRAY(32, 4, SZ_2M),
					  ARRAY(4, 0, SZ_1G)}},
	.cfg.tlb.level[VMSIM_TLB_L2] = {2, {ARRAY(1536, 12, SZ_4K | SZ_2M), ARRAY(16, 4, SZ_1G)}},
	/* estimates: Intel does not document these sizes */
	.cfg.pwc_cfg.entries = {[2] = 32, [3] = 4, [4] = 2},
    },
    {
	.name = "zen4",
	.desc = "AMD Zen 4 core: 72-entry L1 DTLB, 3072-entry L2 DTLB, PCID",
	.cfg.cpu = "zen4",
	.cfg.levels = 4,
	.cfg.maxphyaddr = 48,
	.cfg.pcid = true,
	.cfg.pwc = true,
	.cfg.tlb.level[VMSIM_TLB_L1I] = {1, {ARRAY(64, 0, SZ_4K | SZ_2M | SZ_1G)}},
	.cfg.tlb.level[VMSIM_TLB_L1D] = {1, {ARRAY(72, 0, SZ_4K | SZ_2M | SZ_1G)}},
	.cfg.tlb.level[VMSIM_TLB_L2] = {1, {ARRAY(3072, 24, SZ_4K | SZ_2M)}},
	/* PDEs: an estimate of the L2 DTLB's share; PDPTEs and PML4Es:
	 * the documented 64-entry page directory cache, split evenly */
	.cfg.pwc_cfg.entries = {[2] = 64, [3] = 32, [4] = 32},
    },
};

static const char *const preset_names[] = {"textbook", "skylake", "zen4", NULL};

_Static_assert(sizeof(preset_names) / sizeof(preset_names[0]) ==
		   sizeof(presets) / sizeof(presets[0]) + 1,
	       "one name per preset, in table order");

static const struct preset *find(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "seed") == 0) /* the textbook preset's first name, kept working */
		name = "textbook";
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

int vmsim_cpu_preset(const char *name, struct vmsim_mmu_cfg *cfg /* out */)
{
	const struct preset *p = find(name);

	if (!p || !cfg)
		return VMSIM_EINVAL;
	*cfg = p->cfg;
	return 0;
}

const char *const *vmsim_cpu_preset_names(void)
{
	return preset_names;
}

const char *vmsim_cpu_preset_describe(const char *name)
{
	const struct preset *p = find(name);
	return p ? p->desc : NULL;
}
