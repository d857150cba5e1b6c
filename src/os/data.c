/*
 * Data mode: loads and stores of real bytes through the MMU. Each piece of
 * the buffer that lies in one page is translated (taking faults as any
 * access does) and copied to or from the frame's bytes. Public API.
 */
#include <string.h>

#include "base/base.h"
#include "os/kernel.h"

static int move(struct vmsim_system *sys, int pid, vaddr_t va, uint8_t *buf, size_t n, bool store)
{
	if (!sys->cfg.data_mode)
		return VMSIM_ENOTSUP;
	while (n) {
		size_t chunk = VMSIM_PAGE_SIZE - (va & (VMSIM_PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		struct vmsim_access_result r;
		int rc = vmsim_access(sys, pid, va, (uint32_t)chunk,
				      store ? VMSIM_WRITE : VMSIM_READ, &r);
		if (rc)
			return rc;
		if (r.segv)
			return VMSIM_EFAULT;
		if (r.killed)
			return VMSIM_ESRCH; /* the OOM killer chose this process */
		uint8_t *bytes = phys_bytes(&sys->pm, r.pa >> VMSIM_PAGE_SHIFT);
		if (!bytes)
			return VMSIM_ENOHOSTMEM;
		bytes += r.pa & (VMSIM_PAGE_SIZE - 1);
		if (store)
			memcpy(bytes, buf, chunk);
		else
			memcpy(buf, bytes, chunk);
		va += chunk;
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

int vmsim_load(struct vmsim_system *sys, int pid, vaddr_t va, void *buf, size_t n)
{
	return move(sys, pid, va, buf, n, false);
}

int vmsim_store(struct vmsim_system *sys, int pid, vaddr_t va, const void *buf, size_t n)
{
	return move(sys, pid, va, (uint8_t *)(uintptr_t)buf, n, true);
}
