/*
 * A replacement policy defined here, outside the library, and registered at
 * run time (vmsim_policy_register): the registry finds and lists it, the
 * `policy` machine setting accepts it, kernel reclaim evicts with it and the
 * reference-string simulator runs it, through the same paths the built-in
 * policies use. Bad registrations are refused and leave the list alone.
 *
 * The policy, "lowest", evicts the lowest-numbered resident frame: simple
 * enough to predict by hand, and unlike every built-in one.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "vmsim/settings.h"
#include "vmsim/vm.h"
#include "workload/paging.h"

struct lowest {
	size_t nframes;
	bool *resident;
};

static unsigned long victims_picked; /* calls of lowest_pick that named a frame */

static void *lowest_create(const struct vmsim_policy_cfg *cfg, size_t nframes,
			   const struct vmsim_policy_env *env)
{
	(void)cfg;
	(void)env;
	struct lowest *l = calloc(1, sizeof(*l));
	if (!l || !(l->resident = calloc(nframes, sizeof(bool)))) {
		free(l);
		return NULL;
	}
	l->nframes = nframes;
	return l;
}

static void lowest_destroy(void *state)
{
	struct lowest *l = state;
	if (l)
		free(l->resident);
	free(l);
}

static void lowest_on_map(void *state, pfn_t pfn)
{
	((struct lowest *)state)->resident[pfn] = true;
}

static void lowest_on_unmap(void *state, pfn_t pfn)
{
	((struct lowest *)state)->resident[pfn] = false;
}

static pfn_t lowest_pick(void *state)
{
	struct lowest *l = state;
	for (size_t i = 0; i < l->nframes; i++)
		if (l->resident[i]) {
			victims_picked++;
			return (pfn_t)i;
		}
	return VMSIM_POLICY_NO_FRAME;
}

static const struct vmsim_policy_ops lowest_policy = {
    .name = "lowest",
    .describe = "evict the lowest-numbered resident frame",
    .create = lowest_create,
    .destroy = lowest_destroy,
    .on_map = lowest_on_map,
    .on_unmap = lowest_on_unmap,
    .pick_victim = lowest_pick,
};

static size_t count_policies(void)
{
	size_t n = 0;
	for (const struct vmsim_policy_ops *const *p = vmsim_policy_list(); *p; p++)
		n++;
	return n;
}

/* Runs first: the registration every later case relies on. */
static void registered_policy_is_found_and_listed(void **state)
{
	(void)state;
	size_t before = count_policies();
	assert_null(vmsim_policy_find("lowest"));
	assert_ok(vmsim_policy_register(&lowest_policy));
	assert_int_equal(count_policies(), before + 1);
	assert_ptr_equal(vmsim_policy_list()[before], &lowest_policy); /* last, after built-ins */
	assert_null(vmsim_policy_list()[before + 1]);
	assert_ptr_equal(vmsim_policy_find("lowest"), &lowest_policy);
	assert_ptr_equal(vmsim_policy_find("LOWEST"), &lowest_policy);
	assert_ptr_equal(vmsim_policy_find("clock"), vmsim_policy_list()[3]); /* built-ins stay */
}

static void bad_registrations_are_refused(void **state)
{
	(void)state;
	size_t before = count_policies();
	struct vmsim_policy_ops o = lowest_policy;
	assert_int_equal(vmsim_policy_register(NULL), VMSIM_EINVAL);
	assert_int_equal(vmsim_policy_register(&lowest_policy), VMSIM_EINVAL); /* again */
	o.name = "Lowest";
	assert_int_equal(vmsim_policy_register(&o), VMSIM_EINVAL); /* case ignored */
	o.name = "clock";
	assert_int_equal(vmsim_policy_register(&o), VMSIM_EINVAL); /* a built-in's name */
	o.name = "";
	assert_int_equal(vmsim_policy_register(&o), VMSIM_EINVAL);
	o.name = NULL;
	assert_int_equal(vmsim_policy_register(&o), VMSIM_EINVAL);
	o = lowest_policy;
	o.name = "lowest2";
	o.pick_victim = NULL;
	assert_int_equal(vmsim_policy_register(&o), VMSIM_EINVAL);
	o.pick_victim = lowest_pick;
	o.create = NULL;
	assert_int_equal(vmsim_policy_register(&o), VMSIM_EINVAL);
	o.create = lowest_create;
	o.describe = NULL;
	assert_int_equal(vmsim_policy_register(&o), VMSIM_EINVAL);
	assert_int_equal(count_policies(), before);
	assert_null(vmsim_policy_find("lowest2"));
}

/* Registrations beyond VMSIM_POLICY_MAX_REGISTERED are VMSIM_ERANGE. Runs
 * last: it fills the registry. */
static void registry_full_is_erange(void **state)
{
	(void)state;
	static struct vmsim_policy_ops extra[VMSIM_POLICY_MAX_REGISTERED];
	static char names[VMSIM_POLICY_MAX_REGISTERED][16];
	size_t before = count_policies(), added = 0;
	int rc = 0;
	for (size_t i = 0; i < VMSIM_POLICY_MAX_REGISTERED && rc == 0; i++) {
		extra[i] = lowest_policy;
		snprintf(names[i], sizeof(names[i]), "extra%zu", i);
		extra[i].name = names[i];
		if ((rc = vmsim_policy_register(&extra[i])) == 0)
			added++;
	}
	assert_int_equal(rc, VMSIM_ERANGE);
	assert_int_equal(added, VMSIM_POLICY_MAX_REGISTERED - 1); /* "lowest" took one */
	assert_int_equal(count_policies(), before + added);
	assert_null(vmsim_policy_list()[before + added]);
}

/* The machine setting and kernel reclaim: a process touches more pages than
 * fit, the kernel asks "lowest" for its victims, the machine stays sound. */
static void kernel_reclaim_uses_registered_policy(void **state)
{
	(void)state;
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_sys_stats ss;
	char why[256] = "";
	int pid;
	vaddr_t a;
	const uint64_t pages = 2048; /* 8 MiB into 4 MiB of RAM */

	vmsim_config_default(&cfg);
	assert_ok(vmsim_setting_apply(&cfg, "policy", "Lowest", why, sizeof(why)));
	assert_string_equal(cfg.policy, "lowest");
	assert_ok(vmsim_setting_apply(&cfg, "ram", "4M", why, sizeof(why)));
	assert_ok(vmsim_setting_apply(&cfg, "swap", "16M", why, sizeof(why)));
	assert_ok(vmsim_system_new(&cfg, &sys));
	assert_ok(vmsim_process_create(sys, &pid));
	assert_ok(vmsim_mmap(sys, pid, 0, pages * VMSIM_PAGE_SIZE,
			     VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			     VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a));
	victims_picked = 0;
	for (uint64_t i = 0; i < pages; i++)
		assert_ok(vmsim_access(sys, pid, a + i * VMSIM_PAGE_SIZE, 8, VMSIM_WRITE, NULL));
	vmsim_sys_stats(sys, &ss);
	assert_true(ss.swap_outs > 0);
	assert_true(victims_picked >= ss.pages_reclaimed);
	assert_true(victims_picked > 0);
	assert_int_equal(vmsim_check(sys, why, sizeof(why)), 0);
	vmsim_system_free(sys);
}

/* The reference-string simulator: 1 2 3 4 1 2 in 3 frames. "lowest" puts 4
 * and then 1 into frame 0, so 2 still hits (5 misses); FIFO would miss 6. */
static void reference_strings_run_registered_policy(void **state)
{
	(void)state;
	static const uint64_t refs[] = {1, 2, 3, 4, 1, 2};
	struct vmsim_policy_cfg pcfg = {.seed = 1};
	struct paging_sim *sim;
	assert_ok(paging_new(&sim, vmsim_policy_find("lowest"), 3, &pcfg, false));
	assert_ok(paging_feed(sim, refs, NULL, 6));
	assert_int_equal(paging_stats(sim)->misses, 5);
	assert_int_equal(paging_stats(sim)->hits, 1);
	paging_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(registered_policy_is_found_and_listed),
	    cmocka_unit_test(bad_registrations_are_refused),
	    cmocka_unit_test(kernel_reclaim_uses_registered_policy),
	    cmocka_unit_test(reference_strings_run_registered_policy),
	    cmocka_unit_test(registry_full_is_erange),
	};
	return testutil_result(cmocka_run_group_tests(tests, NULL, NULL));
}
