/*
 * Page-replacement policies: the plug-in point that decides which resident
 * page to evict when memory is full.
 *
 * A policy is a const table of functions (struct vmsim_policy_ops) over private
 * state. It sees only frame numbers: the caller owns the pages, the
 * mappings and the free list, and tells the policy when a frame becomes
 * resident (on_map), when its page is touched (on_access), and when it
 * stops being resident (on_unmap). Asked for a victim (pick_victim), the
 * policy names a resident frame; the caller evicts it and then calls
 * on_unmap for it. Two callers use this interface:
 *
 *   kernel reclaim (src/os/)        frames are physical frames; referenced
 *                                   bits are the PTE accessed (A) bits the
 *                                   MMU walker sets; the future is unknown
 *   reference-string mode           frames are the N frames of `vmsim paging`;
 *   (src/workload/paging.c)         referenced bits are emulated, the whole
 *                                   stream (so the future) is known
 *
 * Everything a policy may ask of its caller goes through struct vmsim_policy_env,
 * so the same policy file serves both. Frames are numbered 0 .. nframes-1.
 *
 * Call sequence for one frame:  on_map, { on_access }, on_unmap, and again.
 *
 * The built-in policies live one per file in src/policy/; registry.c holds
 * the one array that lists them, and a program linking the library adds
 * its own with vmsim_policy_register. docs/POLICIES.md gives each exact
 * definition.
 */
#ifndef VMSIM_POLICY_H
#define VMSIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim/types.h"

/* "No frame": pick_victim's answer when no frame is resident, expire's
 * when nothing has expired. */
#define VMSIM_POLICY_NO_FRAME ((vmsim_pfn_t)UINT64_MAX)

/* next_use's answer for a page that is never referenced again. */
#define VMSIM_POLICY_NEVER UINT64_MAX

/* The largest number of frames a policy can manage (indices are 32-bit). */
#define VMSIM_POLICY_MAX_FRAMES ((size_t)UINT32_MAX - 1)

/*
 * What a policy may ask of the system it runs in. create() copies this
 * struct; @ctx must stay valid until destroy(). A callback may be NULL
 * where the caller cannot provide it; vmsim_policy_check() says whether a policy
 * can run with what is there. Callbacks never call back into the policy.
 */
struct vmsim_policy_env {
	void *ctx; /* passed back to every callback */

	/* Read and clear the referenced bit of the page in frame @pfn, which
	 * is resident: true if the page was accessed since the bit was last
	 * cleared. In the kernel these are the PTE A bits set by the MMU
	 * walker (of every mapper, through the reverse map); in
	 * reference-string mode an emulated bit set by every access,
	 * including the access that loaded the page. */
	bool (*test_clear_referenced)(void *ctx, vmsim_pfn_t pfn);

	/* The time (as now() counts it) of the next reference to the page in
	 * frame @pfn, as of the current reference, or VMSIM_POLICY_NEVER. Only
	 * callers that know the future provide it (reference-string mode,
	 * whole traces); NULL elsewhere. */
	uint64_t (*next_use)(void *ctx, vmsim_pfn_t pfn);

	/* Virtual time: the number of references made so far, counting the
	 * current one (so the first reference happens at time 1). Never
	 * decreases. For working-set policies. */
	uint64_t (*now)(void *ctx);
};

/* Parameters of a policy instance; a policy ignores what it does not use. */
struct vmsim_policy_cfg {
	uint64_t seed; /* random: seed of its generator (any value) */
	uint64_t tau;  /* ws, wsclock: working-set window in references (now()
			  ticks); 0 means one reference per frame (nframes) */
};

/* What a policy needs from its environment and which parameters it reads
 * (struct vmsim_policy_ops.flags). */
enum vmsim_policy_flags {
	VMSIM_POLICY_NEEDS_REFERENCED = 1u << 0, /* env->test_clear_referenced */
	VMSIM_POLICY_NEEDS_TIME = 1u << 1,	 /* env->now */
	VMSIM_POLICY_NEEDS_FUTURE = 1u << 2,	 /* env->next_use (OPT) */
	VMSIM_POLICY_USES_SEED = 1u << 3,	 /* reads cfg->seed */
	VMSIM_POLICY_USES_TAU = 1u << 4,	 /* reads cfg->tau */
};

/*
 * A replacement policy. Fill with designated initializers, one slot per
 * line. Every callback gets the state create() returned. The caller
 * guarantees the frame arguments are < nframes and follow the call
 * sequence above (on_access and on_unmap only for resident frames, on_map
 * only for frames that are not).
 */
struct vmsim_policy_ops {
	const char *name;     /* "clock"; what --policy matches */
	const char *describe; /* one-line definition for `vmsim paging --list` */
	unsigned flags;	      /* enum vmsim_policy_flags */

	/* New state for @nframes frames, none resident. Copies *@cfg and
	 * *@env. Returns NULL when out of host memory or when vmsim_policy_check()
	 * would fail. Allocates everything it will need: no later callback
	 * allocates. */
	void *(*create)(const struct vmsim_policy_cfg *cfg, size_t nframes,
			const struct vmsim_policy_env *env);

	/* Free @state (NULL is allowed). */
	void (*destroy)(void *state);

	/* Frame @pfn became resident. Called after the access that brought
	 * its page in has been made (so its referenced bit is set); that
	 * access is not also reported through on_access. */
	void (*on_map)(void *state, vmsim_pfn_t pfn);

	/* The page in resident frame @pfn was accessed (@write: a store).
	 * NULL when the policy needs no per-access notification and reads
	 * referenced bits instead; when it is set, the caller must report
	 * every access to a resident page, in order. */
	void (*on_access)(void *state, vmsim_pfn_t pfn, bool write);

	/* Frame @pfn stops being resident (evicted, freed, unmapped). */
	void (*on_unmap)(void *state, vmsim_pfn_t pfn);

	/* The frame to evict now: a resident frame, or VMSIM_POLICY_NO_FRAME if none
	 * is. The frame stays resident for the policy until the caller calls
	 * on_unmap for it; the policy may have moved its hand and cleared
	 * referenced bits while choosing. Called when a frame is needed and
	 * none is free. */
	vmsim_pfn_t (*pick_victim)(void *state);

	/* NULL except for variable-space policies (ws): a resident frame whose
	 * page has left the policy's resident set and should be freed now
	 * although memory is not full, or VMSIM_POLICY_NO_FRAME. The caller frees
	 * it, calls on_unmap, and asks again until VMSIM_POLICY_NO_FRAME; in
	 * reference-string mode before every reference. */
	vmsim_pfn_t (*expire)(void *state);

	/* Manage @nframes frames from now on instead of @old (@old < @nframes
	 * <= VMSIM_POLICY_MAX_FRAMES); frames @old .. @nframes-1 are not
	 * resident. Everything else stays as it was, so a policy created for
	 * @old frames and grown behaves exactly as one created for @nframes
	 * (cfg->tau aside: a caller that grows passes the window it wants).
	 * Returns 0, or VMSIM_ENOHOSTMEM with the state unchanged. The one
	 * callback that allocates; it lets a caller hold host memory for the
	 * frames in use rather than for every frame there could be. NULL: the
	 * policy cannot grow. */
	int (*grow)(void *state, size_t old, size_t nframes);
};

/* The policy named @name (ASCII case ignored), or NULL. */
VMSIM_API const struct vmsim_policy_ops *vmsim_policy_find(const char *name);

/* Every policy, in the order `vmsim paging --list` shows them (the built-in
 * ones, then the registered ones in the order of registration); the array
 * ends with NULL. */
VMSIM_API const struct vmsim_policy_ops *const *vmsim_policy_list(void);

/* How many policies a program may register. */
#define VMSIM_POLICY_MAX_REGISTERED 32

/*
 * Add the policy @ops, defined by the program, to the registry: from then
 * on vmsim_policy_find and vmsim_policy_list return it, so the machine
 * setting `policy=NAME` (a scenario's machine line, --policy of vmsim run
 * and replay, vmsim_setting_apply) runs kernel reclaim with it, and the
 * reference-string simulator runs it, exactly as a built-in policy. @ops
 * is kept, not copied: it must stay valid as long as the library is used.
 * Returns 0, VMSIM_EINVAL (@ops NULL, no name, no describe, one of create,
 * destroy, on_map, on_unmap, pick_victim NULL, or a policy of that name,
 * ASCII case ignored, already there) or VMSIM_ERANGE (already
 * VMSIM_POLICY_MAX_REGISTERED registered). Not thread-safe: register
 * before the threads that use the library start.
 */
VMSIM_API int vmsim_policy_register(const struct vmsim_policy_ops *ops);

/*
 * Whether @ops can run with @nframes frames in @env: 0, or VMSIM_ENOTSUP
 * if a callback its flags need is NULL (OPT without next_use), or
 * VMSIM_ERANGE if @nframes is 0 or above VMSIM_POLICY_MAX_FRAMES. When this
 * returns 0, create() fails only for lack of host memory.
 */
VMSIM_API int vmsim_policy_check(const struct vmsim_policy_ops *ops, size_t nframes,
				 const struct vmsim_policy_env *env);

/* The window a policy created with @cfg and @nframes uses: cfg->tau, or
 * @nframes when cfg->tau is 0. */
VMSIM_API uint64_t vmsim_policy_tau(const struct vmsim_policy_cfg *cfg, size_t nframes);

#endif
