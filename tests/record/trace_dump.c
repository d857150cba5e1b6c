/*
 * vmsim-trace-dump: print a trace's events one per line and its accesses
 * counted per process, for the recording tests (tests/record/record.sh).
 *
 *	vmsim-trace-dump TRACE [LO HI]
 *
 * Each event: "KIND pid=P key=value..." (file records with their path).
 * Then "accesses pid=P tid=T reads=R writes=W fetches=F" per process and
 * thread, and with LO HI (hex) "range pid=P reads=R writes=W pages=N" for
 * the accesses of each process inside [LO, HI). At the end "end ok" or
 * "end error: MESSAGE" (exit status 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/trace.h"

static const char *const kind_names[TRACE_EV_NKINDS] = {
    "create", "exit", "fork",	   "mmap",     "munmap",  "mprotect", "brk",   "switch",
    "phase",  "file", "mmap-file", "mremap",   "madvise", "msync",    "clone", "thread-exit",
    "exec",   "read", "write",	   "truncate", "failed",  "cached",
};

struct count {
	uint32_t pid, tid;
	uint64_t n[3];
	uint64_t in_range[2];
	unsigned char *pages; /* range pages touched */
};

#define MAX_COUNTS 256

static struct count counts[MAX_COUNTS];
static size_t ncounts;

static struct count *count_of(uint32_t pid, uint32_t tid, size_t npages)
{
	for (size_t i = 0; i < ncounts; i++)
		if (counts[i].pid == pid && counts[i].tid == tid)
			return &counts[i];
	if (ncounts == MAX_COUNTS)
		return &counts[MAX_COUNTS - 1];
	struct count *c = &counts[ncounts++];
	c->pid = pid;
	c->tid = tid;
	c->pages = calloc(npages ? npages : 1, 1);
	return c;
}

int main(int argc, char **argv)
{
	struct trace_rec recs[TRACE_BATCH];
	struct trace_error err;
	struct trace *t;
	uint64_t lo = 0, hi = 0;
	size_t n, npages = 0;
	int rc;

	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: vmsim-trace-dump TRACE [LO HI]\n");
		return 2;
	}
	if (argc == 4) {
		lo = strtoull(argv[2], NULL, 16);
		hi = strtoull(argv[3], NULL, 16);
		npages = (size_t)((hi - lo + 4095) / 4096);
	}
	if ((rc = trace_open(&t, argv[1], NULL, &err))) {
		printf("end error: %s\n", err.msg);
		return 1;
	}
	for (;;) {
		rc = trace_read(t, recs, TRACE_BATCH, &n, &err);
		for (size_t i = 0; i < n; i++) {
			const struct trace_rec *r = &recs[i];
			if (r->type == TRACE_ACCESS) {
				struct count *c = count_of(r->pid, r->arg, npages);
				c->n[r->kind]++;
				if (r->kind < 2 && r->addr >= lo && r->addr < hi) {
					c->in_range[r->kind]++;
					c->pages[(r->addr - lo) / 4096] = 1;
				}
				continue;
			}
			if (r->type == TRACE_EXT) {
				printf("  ext addr=0x%llx len=%llu arg=%u\n",
				       (unsigned long long)r->addr, (unsigned long long)r->len,
				       r->arg);
				continue;
			}
			printf("%s pid=%u addr=0x%llx len=%llu prot=%u arg=%u",
			       r->kind < TRACE_EV_NKINDS ? kind_names[r->kind] : "?", r->pid,
			       (unsigned long long)r->addr, (unsigned long long)r->len, r->prot,
			       r->arg);
			if (r->kind == TRACE_EV_FILE) {
				const struct trace_file *f = trace_file_get(t, r->arg);
				if (f)
					printf(" path=%s dev=%llu ino=%llu size=%llu", f->path,
					       (unsigned long long)f->dev,
					       (unsigned long long)f->ino,
					       (unsigned long long)f->size);
			}
			printf("\n");
		}
		if (rc || n == 0)
			break;
	}
	for (size_t i = 0; i < ncounts; i++) {
		struct count *c = &counts[i];
		printf("accesses pid=%u tid=%u reads=%llu writes=%llu fetches=%llu\n", c->pid,
		       c->tid, (unsigned long long)c->n[0], (unsigned long long)c->n[1],
		       (unsigned long long)c->n[2]);
	}
	if (npages) {
		for (size_t i = 0; i < ncounts; i++) {
			struct count *c = &counts[i];
			size_t touched = 0;
			for (size_t k = 0; k < npages; k++)
				touched += c->pages[k];
			printf("range pid=%u tid=%u reads=%llu writes=%llu pages=%zu\n", c->pid,
			       c->tid, (unsigned long long)c->in_range[0],
			       (unsigned long long)c->in_range[1], touched);
		}
	}
	if (rc)
		printf("end error: %s\n", err.msg);
	else
		printf("end ok\n");
	trace_close(t);
	for (size_t i = 0; i < ncounts; i++)
		free(counts[i].pages);
	return rc ? 1 : 0;
}
