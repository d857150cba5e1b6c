/*
 * The policies' ops tables, each defined at the end of its own file in
 * src/policy/. Only registry.c reads this list; everyone else finds a
 * policy by name with vmsim_policy_find() (include/vmsim/policy.h).
 */
#ifndef VMSIM_POLICY_POLICIES_H
#define VMSIM_POLICY_POLICIES_H

#include "vmsim/policy.h"

extern const struct vmsim_policy_ops fifo_policy;	/* fifo.c */
extern const struct vmsim_policy_ops clock_policy;	/* clock.c */
extern const struct vmsim_policy_ops clock_fifo_policy; /* clock.c */
extern const struct vmsim_policy_ops lru_policy;	/* lru.c */
extern const struct vmsim_policy_ops opt_policy;	/* opt.c */
extern const struct vmsim_policy_ops random_policy;	/* random.c */
extern const struct vmsim_policy_ops mru_policy;	/* lru.c */
extern const struct vmsim_policy_ops lfu_policy;	/* lfu.c */
extern const struct vmsim_policy_ops linux_policy;	/* linux.c */
extern const struct vmsim_policy_ops wsclock_policy;	/* wsclock.c */
extern const struct vmsim_policy_ops ws_policy;		/* ws.c */

#endif
