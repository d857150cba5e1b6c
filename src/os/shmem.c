/*
 * Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS): an object whose pages
 * every mapper shares, the way Linux backs such mappings with shmem. The
 * object holds one reference on each of its pages; each PTE mapping a page
 * holds another. Only src/os/ calls this.
 */
#include <stdlib.h>

#include "base/base.h"
#include "os/kernel.h"

struct shm_obj *shm_new(struct vm_system *sys, uint64_t npages)
{
	struct shm_obj *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->pages = calloc(npages ? npages : 1, sizeof(*o->pages));
	if (!o->pages) {
		free(o);
		return NULL;
	}
	o->npages = npages;
	o->refs = 1;
	o->next = sys->shm_list;
	if (o->next)
		o->next->pprev = &o->next;
	o->pprev = &sys->shm_list;
	sys->shm_list = o;
	return o;
}

void shm_get(struct shm_obj *o)
{
	o->refs++;
}

void shm_put(struct vm_system *sys, struct shm_obj *o)
{
	VMSIM_BUG_ON(o->refs == 0);
	if (--o->refs)
		return;
	for (uint64_t i = 0; i < o->npages; i++) {
		if (!o->pages[i])
			continue;
		struct frame *f = phys_frame(&sys->pm, o->pages[i] - 1);
		VMSIM_BUG_ON(f->mapcount != 0 || f->refcount != 1);
		f->refcount = 0;
		phys_free(&sys->pm, o->pages[i] - 1, 0);
	}
	*o->pprev = o->next;
	if (o->next)
		o->next->pprev = o->pprev;
	free(o->pages);
	free(o);
}
