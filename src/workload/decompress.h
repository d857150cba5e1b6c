/*
 * A byte source that undoes compression: the input's first bytes say
 * whether it is gzip (1f 8b), zstd (28 b5 2f fd), xz (fd 37 7a 58 5a 00)
 * or plain, and reads return the decompressed bytes, streaming, in memory
 * independent of the input's length. Works on files, FIFOs and pipes (it
 * never seeks). Concatenated gzip members, zstd frames and xz streams read
 * as one.
 *
 * Corrupt or truncated compressed data is an error naming the input and
 * the compressed byte offset. Callers: trace.c and the format readers.
 */
#ifndef VMSIM_WORKLOAD_DECOMPRESS_H
#define VMSIM_WORKLOAD_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace_error;

enum dec_kind {
	DEC_PLAIN = 0,
	DEC_GZIP,
	DEC_ZSTD,
	DEC_XZ,
};

/* How many decompressed bytes dec_peek can show. */
#define DEC_PEEK 4096

struct dec;

/* Open @path ("-": standard input) and detect its compression. Returns 0
 * and *@out, or VMSIM_EIO (cannot open or read: errno's reason in @err),
 * VMSIM_ENOHOSTMEM. */
int dec_open(struct dec **out /* out */, const char *path, struct trace_error *err /* out */);

/* As dec_open over the descriptor @fd, named @name in messages. With
 * @close_fd the dec owns @fd from this call on: dec_close (or a failure
 * here) closes it. */
int dec_open_fd(struct dec **out /* out */, int fd, const char *name, bool close_fd,
		struct trace_error *err /* out */);

/* Show up to DEC_PEEK decompressed bytes from the start without consuming
 * them (only before the first dec_read). *@n < DEC_PEEK means that is the
 * whole input. Returns 0 or an error as dec_read. */
int dec_peek(struct dec *d, const unsigned char **p /* out */, size_t *n /* out */,
	     struct trace_error *err /* out */);

/* Read up to @cap decompressed bytes into @buf. Returns 0 and *@n (0 only
 * at the end of the input), or VMSIM_EIO (read error), VMSIM_EPARSE
 * (corrupt or truncated compressed data), VMSIM_ENOHOSTMEM. */
int dec_read(struct dec *d, void *buf, size_t cap, size_t *n /* out */,
	     struct trace_error *err /* out */);

enum dec_kind dec_get_kind(const struct dec *d);

/* "plain", "gzip", "zstd", "xz". */
const char *dec_kind_name(enum dec_kind k);

/* The input's name in messages ("<stdin>" for "-"). */
const char *dec_name(const struct dec *d);

/* How far the reads got in the input: *@pos bytes of its *@size (the
 * compressed bytes read from the file, read-ahead included). False when
 * the input is not a regular file (a pipe, standard input from one): no
 * size to measure against. */
bool dec_position(const struct dec *d, uint64_t *pos /* out */, uint64_t *size /* out */);

/* Close (NULL allowed). */
void dec_close(struct dec *d);

#endif
