/*
 * What the trace format files share: the open trace they read from and
 * the helpers that word their errors alike. Only src/workload/trace*.c
 * and replay.c include this.
 */
#ifndef VMSIM_WORKLOAD_TRACE_INTERNAL_H
#define VMSIM_WORKLOAD_TRACE_INTERNAL_H

#include <stdarg.h>

#include "workload/decompress.h"
#include "workload/trace.h"

struct trace {
	struct dec *dec;		    /* decompressed bytes of the input */
	const struct trace_format_ops *ops; /* its format */
	void *state;			    /* the format's reader state */
	struct trace_info info;		    /* what trace_get_info returns */
	int error;			    /* sticky: the first error returned */
	struct trace_error error_msg;	    /* its message */
	bool eof;			    /* the reader said end of trace */
	struct trace_files *files;	    /* files TRACE_EV_FILE declared, or NULL */
};

/* Declare file @f (copied) under the writer's key @key, in @t's file table:
 * *@id is its id, the id of the same file (device and inode; path for a
 * pseudo-file) when it was declared before under any key. 0 or
 * VMSIM_ENOHOSTMEM. */
int trace_file_declare(struct trace *t, uint64_t key, const struct trace_file *f,
		       uint32_t *id /* out */);

/* The id @key was declared under: true and *@id, or false. */
bool trace_file_lookup(const struct trace *t, uint64_t key, uint32_t *id /* out */);

/* Free a file table (NULL allowed); trace_close calls it. */
void trace_files_free(struct trace_files *fs);

/* Fill @err with "<input name>: " + the formatted message; return @rc. */
int trace_fail(const struct trace *t, struct trace_error *err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fill @err with "<input name>:<line>:<col>: " + the formatted message
 * (text formats); return @rc. */
int trace_fail_at(const struct trace *t, struct trace_error *err, int rc, uint64_t line, size_t col,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Describe byte @c for a "found ..." phrase: "'q'", "the end of the line",
 * "byte 0x01". @tmp holds at least 16 bytes. */
const char *trace_show_char(int c, char *tmp);

/* ", after <kind> decompression" when the input was compressed (binary
 * readers' offsets count decompressed bytes), else "". */
const char *trace_offset_note(const struct trace *t);

/* Read exactly up to @cap bytes: loops over short reads (pipes) until
 * @cap bytes or the end; *@n < @cap only at the end of the input. */
int trace_read_full(struct trace *t, unsigned char *buf, size_t cap, size_t *n /* out */,
		    struct trace_error *err);

static inline uint64_t trace_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

static inline uint32_t trace_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t trace_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif
