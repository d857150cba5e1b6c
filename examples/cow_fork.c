/*
 * An example of libvmsim's C API: the seed's copy-on-write story in a few
 * calls. A parent maps 64 MiB, writes it, forks; the child writes 100
 * pages; we print what each process is charged, then check the machine's
 * invariants. Build against an installed vmsim with
 *
 *	cc cow_fork.c $(pkg-config --cflags --libs vmsim) -o cow_fork
 */
#include <stdio.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define MiB (1ULL << 20)

static void show(struct vmsim_system *sys, int pid, const char *who)
{
	struct vmsim_proc_stats s;
	vmsim_proc_stats(sys, pid, &s);
	printf("%-7s RSS %6.1f MiB  PSS %6.1f MiB  USS %6.1f MiB  minor faults %6llu  COW copies "
	       "%4llu\n",
	       who, (double)s.rss / MiB, (double)s.pss / MiB, (double)s.uss / MiB,
	       (unsigned long long)s.faults_minor, (unsigned long long)s.cow_copies);
}

int main(void)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	int parent, child, rc;
	vmsim_vaddr_t a;
	char why[256];

	vmsim_config_default(&cfg); /* 1 GiB of RAM, a Skylake-like CPU */
	if ((rc = vmsim_system_new(&cfg, &sys))) {
		fprintf(stderr, "vmsim_system_new: %s\n", vmsim_strerror(rc));
		return 1;
	}
	vmsim_process_create(sys, &parent);
	vmsim_mmap(sys, parent, 0, 64 * MiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
		VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a);
	for (uint64_t off = 0; off < 64 * MiB; off += 4096)
		vmsim_access(sys, parent, a + off, 8, VMSIM_WRITE, NULL);
	show(sys, parent, "parent");

	vmsim_fork(sys, parent, &child);
	printf("-- fork: every page shared, read-only in both\n");
	show(sys, parent, "parent");
	show(sys, child, "child");

	for (uint64_t i = 0; i < 100; i++)
		vmsim_access(sys, child, a + i * 4096, 8, VMSIM_WRITE, NULL);
	printf("-- the child writes 100 pages: 100 copies\n");
	show(sys, parent, "parent");
	show(sys, child, "child");

	rc = vmsim_check(sys, why, sizeof(why));
	printf("invariants: %s\n", rc ? why : "all hold");
	vmsim_system_free(sys);
	return rc ? 1 : 0;
}
