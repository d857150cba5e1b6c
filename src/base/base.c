/*
 * Error strings, bug reports and the seeded RNG shared by the library.
 */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>

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
