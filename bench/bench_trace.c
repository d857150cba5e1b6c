/*
 * bench_trace: how fast the trace readers decode and how fast a whole
 * replay runs, single thread.
 *
 *   readers   records per second decoding files in the page cache:
 *             lackey text (plain, zstd), vmsim format (plain, zstd),
 *             ChampSim (plain). The inputs hold the accesses of a bundled
 *             real trace (data/sort.vmt), repeated to the wanted length.
 *   replay    accesses per second replaying each bundled trace
 *             (the .vmt files of data/) on the default machine: decompression,
 *             decoding, VMA inference and the whole simulated MMU/kernel.
 *
 * Targets (issue 6): lackey text >= 50 M lines/s plain, vmsim format
 * >= 200 M records/s plain.
 *
 * usage: bench_trace [--quick] [--data DIR]   (DIR default: the first of
 *        data, ../data, ../../data holding sort.vmt)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"
#include "workload/replay.h"
#include "workload/trace.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this process: steadier than wall time on a shared machine. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_trace: %s: %s\n", what, msg);
	exit(1);
}

/* Every record of @path (at most @max). */
static struct trace_rec *load(const char *path, size_t max, size_t *n)
{
	struct trace_rec *r = malloc(max * sizeof(*r));
	struct trace_error err;
	struct trace *t;
	size_t got;

	if (!r)
		die("load", "out of memory");
	if (trace_open(&t, path, NULL, &err))
		die("load", err.msg);
	*n = 0;
	while (*n + TRACE_BATCH <= max) {
		if (trace_read(t, r + *n, TRACE_BATCH, &got, &err))
			die("load", err.msg);
		if (!got)
			break;
		*n += got;
	}
	trace_close(t);
	return r;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		die(path, "cannot write");
}

static void zstd_file(const char *path, const void *p, size_t n)
{
	size_t cap = ZSTD_compressBound(n);
	void *z = malloc(cap);
	size_t k;

	if (!z)
		die("zstd", "out of memory");
	k = ZSTD_compress(z, cap, p, n, 3);
	if (ZSTD_isError(k))
		die("zstd", ZSTD_getErrorName(k));
	write_file(path, z, k);
	free(z);
}

/* Lackey text for @want accesses cycling through @src; returns its bytes. */
static char *lackey_text(const struct trace_rec *src, size_t nsrc, size_t want, size_t *len,
			 size_t *lines)
{
	size_t cap = want * 24 + 64, k = 0;
	char *s = malloc(cap);

	if (!s)
		die("lackey", "out of memory");
	*lines = 0;
	for (size_t i = 0; i < want; i++) {
		const struct trace_rec *r = &src[i % nsrc];
		const char *tag = r->kind == TRACE_READ	   ? " L"
				  : r->kind == TRACE_WRITE ? " S"
							   : "I ";
		k += (size_t)snprintf(s + k, cap - k, "%s %08" PRIx64 ",%" PRIu64 "\n", tag,
				      r->addr, r->len);
		(*lines)++;
	}
	*len = k;
	return s;
}

static void vmsim_file(const char *path, const struct trace_rec *src, size_t nsrc, size_t want,
		       int level)
{
	struct trace_writer_opts o = {.zstd_level = level, .source = TRACE_SRC_LACKEY};
	struct trace_writer *w;
	struct trace_error err;

	if (trace_writer_open(&w, path, &o, &err))
		die("writer", err.msg);
	for (size_t done = 0; done < want;) {
		size_t k = want - done < nsrc ? want - done : nsrc;
		if (trace_writer_put(w, src, k, &err))
			die("writer", err.msg);
		done += k;
	}
	if (trace_writer_close(w, &err))
		die("writer", err.msg);
}

static char *champsim_bytes(const struct trace_rec *src, size_t nsrc, size_t want, size_t *len)
{
	unsigned char *b = calloc(want, 64);

	if (!b)
		die("champsim", "out of memory");
	for (size_t i = 0; i < want; i++) {
		const struct trace_rec *r = &src[i % nsrc];
		unsigned char *p = b + 64 * i;
		uint64_t ip = 0x401000 + 4 * (i % 4096);
		memcpy(p, &ip, 8);
		if (r->kind == TRACE_READ)
			memcpy(p + 32, &r->addr, 8);
		else if (r->kind == TRACE_WRITE)
			memcpy(p + 16, &r->addr, 8);
	}
	*len = want * 64;
	return (char *)b;
}

/* Decode @path fully, best of @reps runs: records, wall and CPU seconds. */
static void time_read(const char *path, int reps, uint64_t *records, double *wall, double *cpu)
{
	static struct trace_rec batch[TRACE_BATCH];
	uint64_t sum = 0;

	*wall = *cpu = 1e30;
	for (int rep = 0; rep < reps; rep++) {
		struct trace_error err;
		struct trace *t;
		size_t n;
		uint64_t total = 0;
		double t0 = now(), c0 = cpu_now();
		if (trace_open(&t, path, NULL, &err))
			die("open", err.msg);
		while (trace_read(t, batch, TRACE_BATCH, &n, &err) == 0 && n) {
			total += n;
			sum += batch[n - 1].addr; /* use the records */
		}
		trace_close(t);
		double dt = now() - t0, dc = cpu_now() - c0;
		if (dt < *wall)
			*wall = dt;
		if (dc < *cpu)
			*cpu = dc;
		*records = total;
	}
	if (sum == 1)
		putchar(' ');
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long s;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	s = ftell(f);
	fclose(f);
	return s;
}

static void row(const char *name, const char *path, int reps)
{
	uint64_t records;
	double wall, cpu;

	time_read(path, reps, &records, &wall, &cpu);
	printf("%-22s %11" PRIu64 " %9.1f %12.1f %12.1f\n", name, records,
	       (double)file_size(path) / 1e6, (double)records / wall / 1e6,
	       (double)records / cpu / 1e6);
}

int main(int argc, char **argv)
{
	static const char *const dirs[] = {"data", "../data", "../../data"};
	static const char *const bundled[] = {"matmul-ijk", "matmul-ikj", "sort", "hashtable"};
	const char *data = NULL;
	bool quick = false;
	char path[4096], tmpl[] = "/tmp/bench_trace.XXXXXX";
	size_t nsrc, len, lines;
	double dt;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--data") && i + 1 < argc)
			data = argv[++i];
		else
			die("usage", "bench_trace [--quick] [--data DIR]");
	}
	for (size_t i = 0; !data && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/sort.vmt", dirs[i]);
		if (access(path, R_OK) == 0)
			data = dirs[i];
	}
	if (!data)
		die("data", "cannot find data/sort.vmt (use --data DIR)");
	if (!mkdtemp(tmpl))
		die("mkdtemp", "cannot create a scratch directory");

	size_t want = quick ? 2000000 : 20000000;
	int reps = quick ? 1 : 5;
	snprintf(path, sizeof(path), "%s/sort.vmt", data);
	struct trace_rec *src = load(path, 8u << 20, &nsrc);

	printf("bench_trace: readers over %zu accesses of %s (repeated), best of %d\n", want, path,
	       reps);
	printf("(lackey: one record per line; champsim: about 2 records per 64-byte input)\n");
	printf("%-22s %11s %9s %12s %12s\n", "reader", "records", "file MB", "M rec/s wall",
	       "M rec/s cpu");
	char *text = lackey_text(src, nsrc, want, &len, &lines);
	char lk[256], lkz[256], vm[256], vmz[256], cs[256];
	snprintf(lk, sizeof(lk), "%s/t.lackey", tmpl);
	snprintf(lkz, sizeof(lkz), "%s/t.lackey.zst", tmpl);
	snprintf(vm, sizeof(vm), "%s/t.vmt", tmpl);
	snprintf(vmz, sizeof(vmz), "%s/t.zst.vmt", tmpl);
	snprintf(cs, sizeof(cs), "%s/t.champsim", tmpl);
	write_file(lk, text, len);
	zstd_file(lkz, text, len);
	free(text);
	vmsim_file(vm, src, nsrc, want, 0);
	vmsim_file(vmz, src, nsrc, want, 3);
	char *csb = champsim_bytes(src, nsrc, want / 2, &len);
	write_file(cs, csb, len);
	free(csb);

	row("lackey text, plain", lk, reps);
	row("lackey text, zstd", lkz, reps);
	row("vmsim format, plain", vm, reps);
	row("vmsim format, zstd", vmz, reps);
	row("champsim, plain", cs, reps);
	unlink(lk);
	unlink(lkz);
	unlink(vm);
	unlink(vmz);
	unlink(cs);
	rmdir(tmpl);
	free(src);

	printf("\nbench_trace: whole replay on the default machine (skylake, 1 GiB)\n");
	printf("%-22s %11s %10s %12s %12s\n", "trace", "accesses", "seconds", "M acc/s wall",
	       "M acc/s cpu");
	for (size_t i = 0; i < sizeof(bundled) / sizeof(bundled[0]); i++) {
		struct vmsim_config cfg;
		struct vmsim_system *sys;
		struct replay_opts o;
		struct replay_stats st;
		struct trace_error err;
		snprintf(path, sizeof(path), "%s/%s.vmt", data, bundled[i]);
		vmsim_config_default(&cfg);
		cfg.swap_bytes = 0;
		if (vmsim_system_new(&cfg, &sys))
			die("vmsim_system_new", "failed");
		replay_opts_default(&o);
		double t0 = now(), c0 = cpu_now();
		if (replay_file(sys, path, &o, &st, &err))
			die("replay", err.msg);
		dt = now() - t0;
		double dc = cpu_now() - c0;
		printf("%-22s %11" PRIu64 " %10.3f %12.1f %12.1f\n", bundled[i], st.accesses, dt,
		       (double)st.accesses / dt / 1e6, (double)st.accesses / dc / 1e6);
		vmsim_system_free(sys);
	}
	return 0;
}
