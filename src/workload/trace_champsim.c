/*
 * ChampSim traces: the binary input_instr records of ChampSim's
 * inc/trace_instruction.h (the format of the DPC-3 and CRC-2 trace sets),
 * 64 bytes each, little-endian, no header, usually xz- or gzip-compressed:
 *
 *	offset size field
 *	     0    8 ip                        instruction address
 *	     8    1 is_branch
 *	     9    1 branch_taken
 *	    10    2 destination_registers[2]
 *	    12    4 source_registers[4]
 *	    16   16 destination_memory[2]     stores (0 = unused)
 *	    32   32 source_memory[4]          loads (0 = unused)
 *
 * Each record becomes an instruction fetch at ip, a load per non-zero
 * source_memory slot and a store per non-zero destination_memory slot, in
 * that order, all by process TRACE_DEFAULT_PID. ChampSim records carry no
 * sizes: each access touches 1 byte, so none crosses a page. A record
 * whose ip is 0 gives no fetch. Branch and register bytes are ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "workload/trace_internal.h"

#define CS_REC 64	       /* bytes per record */
#define CS_BUF (1024 * CS_REC) /* records read at a time */

struct champsim {
	unsigned char *buf; /* CS_BUF bytes */
	size_t pos;	    /* next record */
	size_t len;	    /* bytes held */
	uint64_t recno;	    /* records consumed before buf[pos] */
	bool in_eof;	    /* no more input */
};

/* Keep the partial record at the end, read enough for whole ones. */
static int refill(struct trace *t, struct champsim *cs, struct trace_error *err)
{
	size_t keep = cs->len - cs->pos, got;
	int rc;

	memmove(cs->buf, cs->buf + cs->pos, keep);
	cs->pos = 0;
	cs->len = keep;
	if (cs->in_eof)
		return 0;
	if ((rc = trace_read_full(t, cs->buf + keep, CS_BUF - keep, &got, err)))
		return rc;
	cs->len += got;
	if (cs->len < CS_BUF)
		cs->in_eof = true;
	return 0;
}

static inline struct trace_rec access_rec(unsigned kind, uint64_t addr)
{
	return (struct trace_rec){.type = TRACE_ACCESS,
				  .kind = (uint8_t)kind,
				  .pid = TRACE_DEFAULT_PID,
				  .addr = addr,
				  .len = 1};
}

static int champsim_read(struct trace *t, void *state, struct trace_rec *recs, size_t cap,
			 size_t *n, struct trace_error *err)
{
	struct champsim *cs = state;
	size_t k = 0;
	int rc = 0;

	while (k + 7 <= cap) {
		if (cs->len - cs->pos < CS_REC) {
			if ((rc = refill(t, cs, err)))
				break;
			if (cs->len == 0)
				break;
			if (cs->len < CS_REC) {
				rc = trace_fail(
				    t, err, VMSIM_EPARSE,
				    "byte %llu%s: truncated record %llu: the input ends "
				    "after %zu of its %d bytes",
				    (unsigned long long)(cs->recno * CS_REC), trace_offset_note(t),
				    (unsigned long long)cs->recno + 1, cs->len, CS_REC);
				break;
			}
		}
		const unsigned char *p = cs->buf + cs->pos;
		uint64_t ip = trace_le64(p), a;

		if (likely(ip))
			recs[k++] = access_rec(TRACE_EXEC, ip);
		for (int i = 0; i < 4; i++)
			if ((a = trace_le64(p + 32 + 8 * i)) != 0)
				recs[k++] = access_rec(TRACE_READ, a);
		for (int i = 0; i < 2; i++)
			if ((a = trace_le64(p + 16 + 8 * i)) != 0)
				recs[k++] = access_rec(TRACE_WRITE, a);
		cs->pos += CS_REC;
		cs->recno++;
	}
	*n = k;
	return rc;
}

/* ChampSim data has no magic: claim binary data (a NUL byte) whose first
 * records look like x86-64 user-space instructions: a non-zero ip, branch
 * flags of 0 or 1, every address below 2^47. */
static int champsim_probe(const unsigned char *head, size_t n, bool all)
{
	const uint64_t user_end = 1ULL << 47;

	if (n < CS_REC || (all && n % CS_REC) || !memchr(head, 0, n))
		return 0;
	for (size_t off = 0; off + CS_REC <= n && off < 16 * CS_REC; off += CS_REC) {
		const unsigned char *p = head + off;
		if (trace_le64(p) == 0 || trace_le64(p) >= user_end || p[8] > 1 || p[9] > 1)
			return 0;
		for (int mem = 16; mem < CS_REC; mem += 8) /* the six memory slots */
			if (trace_le64(p + mem) >= user_end)
				return 0;
	}
	return 1;
}

static int champsim_open(struct trace *t, void **state, struct trace_error *err)
{
	struct champsim *cs = calloc(1, sizeof(*cs));

	if (!cs || !(cs->buf = malloc(CS_BUF))) {
		free(cs);
		return trace_fail(t, err, VMSIM_ENOHOSTMEM, "out of memory");
	}
	*state = cs;
	return 0;
}

static void champsim_close(void *state)
{
	struct champsim *cs = state;

	if (cs)
		free(cs->buf);
	free(cs);
}

const struct trace_format_ops trace_champsim_format = {
    .name = "champsim",
    .describe = "ChampSim input_instr records (64 bytes: ip, branch, registers, memory)",
    .source = TRACE_SRC_CHAMPSIM,
    .probe = champsim_probe,
    .open = champsim_open,
    .read = champsim_read,
    .close = champsim_close,
};
