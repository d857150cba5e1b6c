/*
 * An example of libvmsim's C API: transparent huge pages on fragmented
 * memory, under each THP defrag setting. A process fills 64 MiB of RAM
 * with 4 KiB pages (its page tables made first) and frees every other one:
 * half of RAM is free, but no 2 MiB block is. Another process then writes
 * 8 MiB with MADV_HUGEPAGE, one byte per page. We print what its faults
 * got, then check the machine's invariants. Build against an installed
 * vmsim with
 *
 *	cc thp_defrag.c $(pkg-config --cflags --libs vmsim) -o thp_defrag
 */
#include <stdio.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG  4096ULL
#define MiB (1ULL << 20)
#define RW  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)
#define PA  (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)

static int run(int defrag, const char *name)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_sys_stats s;
	struct vmsim_proc_stats p;
	int frag, pid, rc;
	vmsim_vaddr_t f, a;
	char why[256];

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 64 * MiB;
	cfg.swap_bytes = 0;
	cfg.oom_kill = false;
	cfg.thp_defrag = defrag;
	if ((rc = vmsim_system_new(&cfg, &sys)))
		return rc;
	vmsim_process_create(sys, &frag);
	vmsim_process_create(sys, &pid);
	vmsim_mmap(sys, frag, 0, 64 * MiB, RW, PA, -1, 0, &f);
	for (uint64_t off = 0; off < 64 * MiB; off += 2 * MiB) /* page tables first */
		vmsim_access(sys, frag, f + off, 1, VMSIM_WRITE, NULL);
	uint64_t n = 0;
	while (vmsim_access(sys, frag, f + n * PG, 1, VMSIM_WRITE, NULL) == 0)
		n++; /* until RAM is full */
	for (uint64_t i = 1; i < n; i += 2)
		vmsim_madvise(sys, frag, f + i * PG, PG, VMSIM_MADV_DONTNEED);
	vmsim_sys_stats(sys, &s);
	double free_mib = (double)(s.frames_free * PG) / MiB;

	vmsim_mmap(sys, pid, 0, 8 * MiB, RW, PA, -1, 0, &a);
	vmsim_madvise(sys, pid, a, 8 * MiB, VMSIM_MADV_HUGEPAGE);
	for (uint64_t off = 0; off < 8 * MiB; off += PG)
		vmsim_access(sys, pid, a + off, 1, VMSIM_WRITE, NULL);
	vmsim_sys_stats(sys, &s);
	vmsim_proc_stats(sys, pid, &p);
	printf("%-14s %5.1f MiB free before | %4llu faults, THP %4.1f MiB, %llu fell back | "
	       "%llu stalls, %llu kcompactd runs, %4llu pages migrated\n",
	       name, free_mib, (unsigned long long)p.faults_minor, (double)p.anon_huge / MiB,
	       (unsigned long long)s.thp_fault_fallback, (unsigned long long)s.compact_stall,
	       (unsigned long long)s.compact_daemon_wake, (unsigned long long)s.pgmigrate_success);
	rc = vmsim_check(sys, why, sizeof(why));
	if (rc)
		fprintf(stderr, "check failed: %s\n", why);
	vmsim_system_free(sys);
	return rc;
}

int main(void)
{
	static const char *const names[] = {"always", "defer", "defer+madvise", "madvise", "never"};
	for (int d = VMSIM_THP_DEFRAG_ALWAYS; d <= VMSIM_THP_DEFRAG_NEVER; d++) {
		int rc = run(d, names[d - VMSIM_THP_DEFRAG_ALWAYS]);
		if (rc) {
			fprintf(stderr, "thp_defrag: %s\n", vmsim_strerror(rc));
			return 1;
		}
	}
	return 0;
}
