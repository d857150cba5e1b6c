/*
 * The registry of replacement policies: the one array that names them.
 * Adding a built-in policy is its file in src/policy/, one line in
 * policies.h and one line in `builtin` below. The order is the order
 * `vmsim paging --list` and `--policy all` use: the textbook policies
 * first, then the approximations real kernels use, then the working-set
 * family, then the policies a program registered (vmsim_policy_register)
 * in the order it registered them.
 */
#include <stddef.h>

#include "policies.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"

#define BUILTIN                                                                                    \
	&fifo_policy, &lru_policy, &opt_policy, &clock_policy, &clock_fifo_policy, &random_policy, \
	    &mru_policy, &lfu_policy, &linux_policy, &ws_policy, &wsclock_policy

#define NBUILTIN                                                                                   \
	(sizeof((const struct vmsim_policy_ops *const[]){BUILTIN}) /                               \
	 sizeof(struct vmsim_policy_ops *))

/* The built-in policies, then the registered ones, then the NULL that ends
 * the list (the array is one longer than it can fill). */
static const struct vmsim_policy_ops *policies[NBUILTIN + VMSIM_POLICY_MAX_REGISTERED + 1] = {
    BUILTIN};
static size_t npolicies = NBUILTIN;

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int same_name(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return lower(*a) == lower(*b);
}

const struct vmsim_policy_ops *vmsim_policy_find(const char *name)
{
	const struct vmsim_policy_ops *const *p;

	for (p = policies; *p; p++)
		if (same_name((*p)->name, name))
			return *p;
	return NULL;
}

const struct vmsim_policy_ops *const *vmsim_policy_list(void)
{
	return policies;
}

int vmsim_policy_register(const struct vmsim_policy_ops *ops)
{
	if (!ops || !ops->name || !ops->name[0] || !ops->describe || !ops->create ||
	    !ops->destroy || !ops->on_map || !ops->on_unmap || !ops->pick_victim)
		return VMSIM_EINVAL;
	if (vmsim_policy_find(ops->name))
		return VMSIM_EINVAL;
	if (npolicies == NBUILTIN + VMSIM_POLICY_MAX_REGISTERED)
		return VMSIM_ERANGE;
	policies[npolicies++] = ops; /* the NULL after it stays */
	return 0;
}

int vmsim_policy_check(const struct vmsim_policy_ops *ops, size_t nframes,
		       const struct vmsim_policy_env *env)
{
	if (nframes == 0 || nframes > VMSIM_POLICY_MAX_FRAMES)
		return VMSIM_ERANGE;
	if ((ops->flags & VMSIM_POLICY_NEEDS_REFERENCED) && !env->test_clear_referenced)
		return VMSIM_ENOTSUP;
	if ((ops->flags & VMSIM_POLICY_NEEDS_TIME) && !env->now)
		return VMSIM_ENOTSUP;
	if ((ops->flags & VMSIM_POLICY_NEEDS_FUTURE) && !env->next_use)
		return VMSIM_ENOTSUP;
	return 0;
}

uint64_t vmsim_policy_tau(const struct vmsim_policy_cfg *cfg, size_t nframes)
{
	return cfg->tau ? cfg->tau : (uint64_t)nframes;
}
