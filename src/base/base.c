/*
 * Error strings, bug reports, lazily backed host tables and the seeded RNG
 * shared by the library.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "base/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const char *const err_msg[] = {
#define MSG(name, msg) msg,
    VMSIM_ERRNO_MAP(MSG)
#undef MSG
};

static const char *const err_name[] = {
#define NAME(name, msg) #name,
    VMSIM_ERRNO_MAP(NAME)
#undef NAME
};

const char *vmsim_strerror(int err)
{
	if (err == 0)
		return "success";
	if (err < 0 && -err <= VMSIM__NERR)
		return err_msg[-err - 1];
	return "unknown error";
}

const char *vmsim_errname(int err)
{
	if (err == 0)
		return "OK";
	if (err < 0 && -err <= VMSIM__NERR)
		return err_name[-err - 1];
	return "UNKNOWN";
}

const char *vmsim_page_size_name(enum vmsim_page_size ps)
{
	static const char *const names[VMSIM_NPAGE_SIZES] = {"4K", "2M", "1G"};
	return (unsigned)ps < VMSIM_NPAGE_SIZES ? names[ps] : "?";
}

void vmsim_bug(const char *func, const char *file, int line, const char *cond)
{
	fprintf(stderr, "vmsim: BUG in %s (%s:%d): %s\n", func, file, line, cond);
	abort();
}

void rng_seed(struct rng *r, uint64_t seed)
{
	/* splitmix64 step so that nearby seeds give unrelated streams */
	uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	r->s = z ? z : 0x9E3779B97F4A7C15ULL;
}

/* Requests from this size up are mappings of their own. Each block starts
 * with a header holding its whole size, HOST_ZALLOC_HDR bytes long so that
 * the caller's part stays aligned to a cache line. */
#define HOST_ZALLOC_MAP (1u << 20)
#define HOST_ZALLOC_HDR 64u

void *host_zalloc(size_t bytes)
{
	size_t total = bytes + HOST_ZALLOC_HDR;
	uint8_t *p;

	if (total < bytes)
		return NULL;
	if (total < HOST_ZALLOC_MAP) {
		p = calloc(total, 1);
	} else {
		p = mmap(NULL, total, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			p = NULL;
	}
	if (p == NULL)
		return NULL;
	*(size_t *)(void *)p = total;
	return p + HOST_ZALLOC_HDR;
}

void *host_zrealloc(void *p, size_t old, size_t bytes)
{
	void *q = host_zalloc(bytes);

	if (q == NULL)
		return NULL;
	if (p != NULL)
		memcpy(q, p, old < bytes ? old : bytes);
	host_zfree(p);
	return q;
}

void host_zfree(void *q)
{
	uint8_t *p;
	size_t total;

	if (q == NULL)
		return;
	p = (uint8_t *)q - HOST_ZALLOC_HDR;
	total = *(size_t *)(void *)p;
	if (total < HOST_ZALLOC_MAP)
		free(p);
	else
		munmap(p, total);
}

int why_vset(char *why, size_t whylen, int rc, const char *fmt, va_list ap)
{
	if (why && whylen)
		vsnprintf(why, whylen, fmt, ap);
	return rc;
}

int why_set(char *why, size_t whylen, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	why_vset(why, whylen, rc, fmt, ap);
	va_end(ap);
	return rc;
}
