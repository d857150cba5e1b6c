/*
 * vmsim's error codes: one list, one enum.
 *
 * Every action in the library returns int: 0 on success or one of the
 * negative VMSIM_E* codes below. The library never exits or aborts on bad
 * input; a broken internal invariant is a bug and hits VMSIM_BUG_ON.
 */
#ifndef VMSIM_ERROR_H
#define VMSIM_ERROR_H

#include "vmsim/types.h"

#define VMSIM_ERRNO_MAP(X)                                                                         \
	X(NOMEM, "out of memory")                                                                  \
	X(NOHOSTMEM, "out of host memory")                                                         \
	X(INVAL, "invalid argument")                                                               \
	X(RANGE, "value out of range")                                                             \
	X(NONCANON, "non-canonical address")                                                       \
	X(EXIST, "address already mapped")                                                         \
	X(NOENT, "address not mapped")                                                             \
	X(ALIGN, "address not aligned to the page size")                                           \
	X(PARSE, "parse error")                                                                    \
	X(IO, "input/output error")                                                                \
	X(NOTSUP, "not supported by this configuration")                                           \
	X(CHECK, "invariant check failed")                                                         \
	X(SRCH, "no such process")                                                                 \
	X(BADF, "bad file descriptor")                                                             \
	X(ACCES, "permission denied")                                                              \
	X(FAULT, "bad address")                                                                    \
	X(AGAIN, "resource temporarily unavailable")

enum vmsim_err_index {
#define VMSIM__IDX(name, msg) VMSIM__IDX_##name,
	VMSIM_ERRNO_MAP(VMSIM__IDX)
#undef VMSIM__IDX
	    VMSIM__NERR
};

enum vmsim_err {
	VMSIM_OK = 0,
#define VMSIM__ERR(name, msg) VMSIM_E##name = -(VMSIM__IDX_##name + 1),
	VMSIM_ERRNO_MAP(VMSIM__ERR)
#undef VMSIM__ERR
};

/* A short lowercase message for @err (0 or a VMSIM_E* code); never NULL. */
VMSIM_API const char *vmsim_strerror(int err);

/* The code's name without prefix, "NOMEM" for VMSIM_ENOMEM; never NULL. */
VMSIM_API const char *vmsim_errname(int err);

#endif
