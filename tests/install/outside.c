/*
 * A program outside the project, built by install_test.sh against an
 * installed libvmsim with only the installed headers (pkg-config vmsim):
 * a machine, a process, faults, copy-on-write after fork, the policy
 * registry and a policy registered by the program, a JSON report, the invariant check. Prints one
 * line per step and exits 0 when every result is the expected one.
 */
#include <stdio.h>
#include <string.h>

#include <vmsim/error.h>
#include <vmsim/policy.h>
#include <vmsim/sched.h>
#include <vmsim/script.h>
#include <vmsim/vm.h>

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "outside.c:%d: %s is false\n", __LINE__, #cond);           \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

int main(void)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	struct vmsim_proc_stats ps;
	char why[256] = "";
	char *json = NULL;
	int pid, child;
	vmsim_vaddr_t a;

	vmsim_config_default(&cfg);
	cfg.ram_bytes = 16 << 20;
	CHECK(vmsim_system_new(&cfg, &sys) == 0);
	CHECK(vmsim_process_create(sys, &pid) == 0);
	CHECK(vmsim_mmap(sys, pid, 0, 16 * VMSIM_PAGE_SIZE, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			 VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a) == 0);
	for (unsigned i = 0; i < 16; i++)
		CHECK(vmsim_access(sys, pid, a + i * VMSIM_PAGE_SIZE, 8, VMSIM_WRITE, NULL) == 0);
	CHECK(vmsim_proc_stats(sys, pid, &ps) == 0);
	printf("faults %llu\n", (unsigned long long)ps.faults_minor);
	CHECK(ps.faults_minor == 16);

	CHECK(vmsim_fork(sys, pid, &child) == 0);
	CHECK(vmsim_access(sys, child, a, 8, VMSIM_WRITE, NULL) == 0);
	CHECK(vmsim_proc_stats(sys, child, &ps) == 0);
	printf("child copies %llu\n", (unsigned long long)ps.cow_copies);
	CHECK(ps.cow_copies == 1);

	CHECK(vmsim_policy_find("clock") != NULL);
	CHECK(vmsim_policy_find("no-such-policy") == NULL);

	/* a policy of the program's own (here FIFO's callbacks under another
	 * name), registered and then chosen by name for a machine's reclaim */
	static struct vmsim_policy_ops mine;
	struct vmsim_system *small;
	struct vmsim_sys_stats ss;
	mine = *vmsim_policy_find("fifo");
	mine.name = "outside-fifo";
	CHECK(vmsim_policy_register(&mine) == 0);
	CHECK(vmsim_policy_find("outside-fifo") == &mine);
	cfg.ram_bytes = 4 << 20;
	cfg.policy = "outside-fifo";
	CHECK(vmsim_system_new(&cfg, &small) == 0);
	CHECK(vmsim_process_create(small, &child) == 0);
	CHECK(vmsim_mmap(small, child, 0, 2048 * VMSIM_PAGE_SIZE,
			 VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			 VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &a) == 0);
	for (unsigned i = 0; i < 2048; i++)
		CHECK(vmsim_access(small, child, a + i * VMSIM_PAGE_SIZE, 8, VMSIM_WRITE, NULL) ==
		      0);
	vmsim_sys_stats(small, &ss);
	printf("registered policy swap-outs %s\n", ss.swap_outs > 0 ? "yes" : "no");
	CHECK(ss.swap_outs > 0);
	CHECK(vmsim_check(small, why, sizeof(why)) == 0);
	vmsim_system_free(small);
	CHECK(strcmp(vmsim_strerror(VMSIM_ENOMEM), "out of memory") == 0);
	CHECK(vmsim_report_json(sys, false, "outside", &json) == 0);
	CHECK(strstr(json, "vmsim-report") != NULL);
	vmsim_string_free(json);
	CHECK(vmsim_check(sys, why, sizeof(why)) == 0);
	printf("check ok\n");
	vmsim_system_free(sys);
	return 0;
}
