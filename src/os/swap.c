/*
 * The swap device: a real file of 4 KiB slots, a slot allocator (next fit
 * from a cursor, so consecutive evictions land in consecutive slots), a
 * reference count per slot (one per swap PTE, one more while the page is in
 * the swap cache), and the I/O. In data mode the page's bytes go to the file
 * with a checksum and come back verified; without data mode the transfers
 * are counted but no bytes move. Only src/os/ calls this.
 *
 * Without a swap_path the file is unlinked the moment mkstemp has made it:
 * only the descriptor holds it, so a run that is killed or crashes leaves
 * nothing on disk.
 */
#define _DEFAULT_SOURCE /* mkstemp, pread, pwrite */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "os/kernel.h"

/* FNV-1a over the page: cheap, and any corrupted byte changes it. */
static uint64_t page_sum(const uint8_t *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < VMSIM_PAGE_SIZE; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

int swap_open(struct vmsim_system *sys)
{
	struct swap_dev *sw = &sys->swap;
	const struct vmsim_config *cfg = &sys->cfg;
	*sw = (struct swap_dev){.fd = -1};
	sw->nslots = cfg->swap_bytes >> VMSIM_PAGE_SHIFT;
	if (sw->nslots == 0)
		return 0;
	if (sw->nslots > (1ULL << 32))
		return VMSIM_EINVAL;
	if (cfg->swap_path) {
		sw->path = strdup(cfg->swap_path);
		if (!sw->path)
			return VMSIM_ENOHOSTMEM;
		sw->fd = open(sw->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	} else {
		const char *dir = getenv("TMPDIR");
		size_t n = strlen(dir ? dir : "/tmp") + 32;
		sw->path = malloc(n);
		if (!sw->path)
			return VMSIM_ENOHOSTMEM;
		snprintf(sw->path, n, "%s/vmsim-swap-XXXXXX", dir ? dir : "/tmp");
		sw->fd = mkstemp(sw->path);
		if (sw->fd >= 0)
			unlink(sw->path);
	}
	if (sw->fd < 0 || ftruncate(sw->fd, (off_t)(sw->nslots << VMSIM_PAGE_SHIFT)) != 0) {
		int saved = errno; /* the caller reports why */
		swap_close(sw);
		errno = saved;
		return VMSIM_EIO;
	}
	sw->refs = calloc(sw->nslots, sizeof(*sw->refs));
	sw->cache = calloc(sw->nslots, sizeof(*sw->cache));
	sw->csum = calloc(sw->nslots, sizeof(*sw->csum));
	sw->evicted_at = calloc(sw->nslots, sizeof(*sw->evicted_at));
	if (!sw->refs || !sw->cache || !sw->csum || !sw->evicted_at) {
		swap_close(sw);
		return VMSIM_ENOHOSTMEM;
	}
	return 0;
}

void swap_close(struct swap_dev *sw)
{
	if (sw->fd >= 0)
		close(sw->fd);
	free(sw->path);
	free(sw->refs);
	free(sw->cache);
	free(sw->csum);
	free(sw->evicted_at);
	*sw = (struct swap_dev){.fd = -1};
}

int swap_alloc(struct swap_dev *sw, uint64_t *slot)
{
	if (sw->used == sw->nslots)
		return VMSIM_ENOMEM;
	for (uint64_t i = 0; i < sw->nslots; i++) {
		uint64_t s = sw->cursor + i;
		if (s >= sw->nslots)
			s -= sw->nslots;
		if (sw->refs[s] == 0) {
			sw->refs[s] = 1;
			sw->used++;
			sw->cursor = s + 1 == sw->nslots ? 0 : s + 1;
			*slot = s;
			return 0;
		}
	}
	VMSIM_BUG_ON(1); /* used < nslots but no free slot */
	return VMSIM_ENOMEM;
}

void swap_get(struct swap_dev *sw, uint64_t slot)
{
	VMSIM_BUG_ON(slot >= sw->nslots || sw->refs[slot] == 0);
	sw->refs[slot]++;
}

void swap_put(struct swap_dev *sw, uint64_t slot)
{
	VMSIM_BUG_ON(slot >= sw->nslots || sw->refs[slot] == 0);
	if (--sw->refs[slot] == 0) {
		VMSIM_BUG_ON(sw->cache[slot] != 0);
		sw->used--;
	}
}

int swap_write(struct vmsim_system *sys, uint64_t slot, pfn_t pfn)
{
	struct swap_dev *sw = &sys->swap;
	sw->nwrites++;
	if (sw->fail_write_at && sw->nwrites == sw->fail_write_at)
		return VMSIM_EIO;
	if (sys->cfg.data_mode) {
		const uint8_t *bytes = phys_bytes(&sys->pm, pfn);
		if (!bytes)
			return VMSIM_ENOHOSTMEM;
		off_t at = (off_t)(slot << VMSIM_PAGE_SHIFT);
		if (pwrite(sw->fd, bytes, VMSIM_PAGE_SIZE, at) != (ssize_t)VMSIM_PAGE_SIZE)
			return VMSIM_EIO;
		sw->csum[slot] = page_sum(bytes);
	}
	sys->rc.swap_outs++;
	return 0;
}

int swap_read(struct vmsim_system *sys, uint64_t slot, pfn_t pfn)
{
	struct swap_dev *sw = &sys->swap;
	sw->nreads++;
	if (sw->fail_read_at && sw->nreads == sw->fail_read_at)
		return VMSIM_EIO;
	if (sys->cfg.data_mode) {
		uint8_t *bytes = phys_bytes(&sys->pm, pfn);
		if (!bytes)
			return VMSIM_ENOHOSTMEM;
		off_t at = (off_t)(slot << VMSIM_PAGE_SHIFT);
		if (pread(sw->fd, bytes, VMSIM_PAGE_SIZE, at) != (ssize_t)VMSIM_PAGE_SIZE ||
		    page_sum(bytes) != sw->csum[slot]) {
			memset(bytes, 0, VMSIM_PAGE_SIZE); /* never hand out what failed */
			return VMSIM_EIO;
		}
	}
	sys->rc.swap_ins++;
	return 0;
}
