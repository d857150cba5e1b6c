/*
 * vmsim replay: run a trace (lackey, ChampSim or vmsim format) through the
 * simulated machine and print a plain summary: records, faults, resident
 * memory, TLB hits and misses per level. (The report layer will replace
 * this printing; the replay itself is src/workload/replay.c.)
 *
 *	vmsim replay TRACE [the options of vmsim run for a trace file]
 *
 * The options, the trace path and the interrupt behaviour are run's
 * (cli_simulate in cmd_run.c); this file is the summary it prints.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vmsim/error.h"
#include "vmsim/policy.h"
#include "vmsim/vm.h"
#include "workload/replay.h"

static void replay_usage(FILE *f)
{
	fputs("usage: vmsim replay TRACE [--maps FILE] [--format F] [--max-records N]\n"
	      "                    [--json FILE] [--csv FILE] [--plot DIR] [machine options]\n\n"
	      "Replays TRACE ('-': standard input; gzip, zstd or xz compressed or not) on a\n"
	      "simulated machine and prints what it did to faults, memory and the TLBs: the\n"
	      "trace path and options of 'vmsim run TRACE', with a plain summary for a report.\n"
	      "Lackey and ChampSim traces carry no VMAs: each first touch of a 2 MiB chunk\n"
	      "maps that chunk (read-write-execute), unless --maps gives the real ones.\n"
	      "An access outside every VMA raises SIGSEGV, counted as an invalid fault;\n"
	      "the process keeps running. SIGINT or SIGTERM ends the replay at its next\n"
	      "access: the summary so far, marked interrupted, exit status 128 + signal.\n\n",
	      f);
	cli_sim_options_help(f);
	cli_sim_machine_help(f);
}

/* "1.5 MiB"-style size. */
static const char *human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
	return buf;
}

/* ", from lackey" for a trace converted from another format. */
static const char *source_name(enum trace_source s, char *buf, size_t len)
{
	const struct trace_format_ops *from = trace_format_of_source(s);
	if (s == TRACE_SRC_VGTOOL)
		return ", recorded by vmsim's Valgrind tool";
	if (!from)
		return "";
	snprintf(buf, len, ", from %s", from->name);
	return buf;
}

static void print_summary(FILE *f, struct vmsim_system *sys, const struct trace_info *info,
			  const struct replay_stats *st)
{
	static const char *const level[VMSIM_TLB_NLEVELS] = {"L1I", "L1D", "L2"};
	struct vmsim_sys_stats ss;
	uint64_t rss = 0, vms = 0, invalid = 0, pte = 0;
	char b1[32], b2[32], b3[32], b4[32];

	vmsim_sys_stats(sys, &ss);
	for (int pid = vmsim_pid_next(sys, 0); pid; pid = vmsim_pid_next(sys, pid)) {
		struct vmsim_proc_stats ps;
		if (vmsim_proc_stats(sys, pid, &ps) == 0) {
			rss += ps.rss;
			vms += ps.vm_size;
			pte += ps.pte_bytes;
			invalid += ps.faults_invalid;
		}
	}
	char from[64];
	fprintf(f, "trace       %s (%s, %s%s)\n", info->name, info->format, info->compression,
		source_name(info->source, from, sizeof(from)));
	fprintf(f,
		"records     %" PRIu64 ": %" PRIu64 " accesses (%" PRIu64 " fetches, %" PRIu64
		" loads, %" PRIu64 " stores), %" PRIu64 " events\n",
		st->records, st->accesses, st->by_kind[TRACE_EXEC], st->by_kind[TRACE_READ],
		st->by_kind[TRACE_WRITE], st->events);
	if (st->skipped)
		fprintf(f, "skipped     %" PRIu64 " accesses of killed processes\n", st->skipped);
	fprintf(f, "processes   %" PRIu64 "\n", st->processes);
	if (st->inferring && st->infer_holes)
		fprintf(f,
			"vmas        %" PRIu64 " inferred (%" PRIu64 " chunks of 2 MiB, %" PRIu64
			" gaps between known areas)\n",
			st->inferred_vmas, st->inferred_chunks, st->infer_holes);
	else if (st->inferring)
		fprintf(f, "vmas        %" PRIu64 " inferred (%" PRIu64 " chunks of 2 MiB)\n",
			st->inferred_vmas, st->inferred_chunks);
	else if (st->maps_areas || st->maps_skipped)
		fprintf(f, "vmas        %" PRIu64 " from the maps file (%" PRIu64 " skipped)\n",
			st->maps_areas, st->maps_skipped);
	else
		fprintf(f, "vmas        from the trace\n");
	fprintf(f, "faults      %" PRIu64 " minor, %" PRIu64 " major, %" PRIu64 " invalid\n",
		ss.faults_minor, ss.faults_major, invalid);
	/* the system's page-table frames (the kernel's idle table too) and the
	 * processes' part of them, which run's pgtables column shows */
	fprintf(f,
		"memory      rss %s, vms %s, page tables %s of system frames (%s of them the "
		"processes' own)\n",
		human(rss, b1, sizeof(b1)), human(vms, b2, sizeof(b2)),
		human(ss.frames_pagetable * VMSIM_PAGE_SIZE, b3, sizeof(b3)),
		human(pte, b4, sizeof(b4)));
	for (int l = 0; l < VMSIM_TLB_NLEVELS; l++) {
		const struct vmsim_tlb_level_stats *ts = &ss.mmu.tlb[l];
		uint64_t hits = 0;
		for (int ps = 0; ps < VMSIM_NPAGE_SIZES; ps++)
			hits += ts->hits[ps];
		if (!ts->lookups)
			continue;
		fprintf(f, "tlb %-4s    %" PRIu64 " hits, %" PRIu64 " misses (%.2f%% miss)\n",
			level[l], hits, ts->misses,
			100.0 * (double)ts->misses / (double)ts->lookups);
	}
	fprintf(f, "page walks  %" PRIu64 " (%" PRIu64 " memory references)\n", ss.mmu.walk.walks,
		ss.mmu.walk.mem_refs);
	cli_print_replay_program(f, st);
}

static const char *signal_name(int sig)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {{1, "SIGHUP"},  {2, "SIGINT"},   {3, "SIGQUIT"},  {4, "SIGILL"},
		     {5, "SIGTRAP"}, {6, "SIGABRT"},  {7, "SIGBUS"},   {8, "SIGFPE"},
		     {9, "SIGKILL"}, {11, "SIGSEGV"}, {13, "SIGPIPE"}, {15, "SIGTERM"}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "a signal";
}

void cli_print_replay_program(FILE *f, const struct replay_stats *st)
{
	char b1[32], b2[32], b3[32];

	if (!st->recorded)
		return;
	if (!st->first_exited)
		fprintf(f, "program     still running where the trace ends\n");
	else if (st->exit_signal)
		fprintf(f, "program     killed by signal %d (%s)\n", st->exit_signal,
			signal_name(st->exit_signal));
	else
		fprintf(f, "program     exited with status %d\n", st->exit_status);
	if (st->exits > 1 || st->killed_by_signal > (st->exit_signal ? 1u : 0u))
		fprintf(f, "exits       %" PRIu64 " processes ended, %" PRIu64 " by a signal\n",
			st->exits, st->killed_by_signal);
	if (st->threads)
		fprintf(f, "threads     %" PRIu64 " started, each in its process's address space\n",
			st->threads);
	if (st->execs)
		fprintf(f, "execve      %" PRIu64 " images replaced\n", st->execs);
	fprintf(f,
		"files       %" PRIu64 " real, %" PRIu64 " virtual, %" PRIu64 " without a file\n",
		st->files_real, st->files_virtual, st->files_pseudo);
	if (st->cached_bytes)
		fprintf(f,
			"page cache  %" PRIu64 " KiB of them cached at the start, as the host's "
			"cache held them when the program met them\n",
			st->cached_bytes >> 10);
	for (uint64_t i = 0; i < st->notes && i < REPLAY_NOTES; i++)
		fprintf(f, "note        %s\n", st->note[i]);
	if (st->notes > REPLAY_NOTES)
		fprintf(f, "note        ... and %" PRIu64 " more\n", st->notes - REPLAY_NOTES);
	if (st->file_reads || st->file_writes)
		fprintf(f,
			"file i/o    %" PRIu64 " reads, %" PRIu64 " writes (%" PRIu64
			" not replayed)\n",
			st->file_reads, st->file_writes, st->file_io_skipped);
	if (st->failed_calls)
		fprintf(f, "failed      %" PRIu64 " calls failed in the program (not replayed)\n",
			st->failed_calls);
	fprintf(f, "peak        rss %s (anon %s, file %s), each process's peak, summed\n",
		human(st->peak_rss, b1, sizeof(b1)), human(st->peak_anon, b2, sizeof(b2)),
		human(st->peak_file, b3, sizeof(b3)));
	if (st->divergences) {
		fprintf(f,
			"DIVERGED    %" PRIu64 " events the simulator did not do as the "
			"program's kernel did:\n",
			st->divergences);
		for (uint64_t i = 0; i < st->divergences && i < REPLAY_NOTES; i++)
			fprintf(f, "            %s\n", st->divergence[i]);
		if (st->divergences > REPLAY_NOTES)
			fprintf(f, "            ... and %" PRIu64 " more\n",
				st->divergences - REPLAY_NOTES);
	}
}

int cmd_replay(int argc, char **argv)
{
	static const struct cli_sim_command replay = {
	    .name = "replay", .usage = replay_usage, .summary = print_summary};
	return cli_simulate(&replay, argc, argv);
}
