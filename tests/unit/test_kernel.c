/*
 * The kernel against the seed's examples and Linux's measured fault counts:
 * two processes at one virtual address (§1), isolation (exercise 12), VMS
 * versus RSS (exercise 10), zero-page reads, MAP_POPULATE, copy-on-write
 * fork (§9), data mode, TLB coherence and the cost model. vmsim_check runs
 * after every case.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "vmsim/vm.h"

#define MiB	  (1ULL << 20)
#define PRIV_ANON (VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS)
#define RW	  (VMSIM_PROT_READ | VMSIM_PROT_WRITE)

static struct vmsim_system *new_sys(uint64_t ram, bool data, bool pcid)
{
	struct vmsim_config cfg;
	struct vmsim_system *sys;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.data_mode = data;
	cfg.mmu.pcid = pcid;
	assert_ok(vmsim_system_new(&cfg, &sys));
	return sys;
}

static int setup(void **state)
{
	*state = new_sys(1ULL << 30, false, false);
	return 0;
}

static int setup_data(void **state)
{
	*state = new_sys(256 * MiB, true, false);
	return 0;
}

static int setup_data_pcid(void **state)
{
	*state = new_sys(256 * MiB, true, true);
	return 0;
}

static int teardown(void **state)
{
	struct vmsim_system *sys = *state;
	check_sys(sys);
	vmsim_system_free(sys);
	return 0;
}

static vaddr_t map(struct vmsim_system *sys, int pid, uint64_t len, int flags)
{
	vaddr_t a;
	assert_ok(vmsim_mmap(sys, pid, 0, len, RW, flags, -1, 0, &a));
	return a;
}

static void touch(struct vmsim_system *sys, int pid, vaddr_t a, uint64_t len,
		  enum vmsim_access_kind k)
{
	for (uint64_t off = 0; off < len; off += VMSIM_PAGE_SIZE) {
		struct vmsim_access_result r;
		assert_ok(vmsim_access(sys, pid, a + off, 1, k, &r));
		assert_false(r.segv);
	}
}

/* Linux, measured: one byte written per page of a fresh 100 MiB anonymous
 * mapping takes 25,600 minor faults. */
static void write_each_page_of_100mib_takes_25600_minor_faults(void **state)
{
	struct vmsim_system *sys = *state;
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 100 * MiB, PRIV_ANON);
	touch(sys, pid, a, 100 * MiB, VMSIM_WRITE);
	struct vmsim_proc_stats s = pst(sys, pid);
	assert_int_equal(s.faults_minor, 25600);
	assert_int_equal(s.faults_major, 0);
	assert_int_equal(s.rss, 100 * MiB);
	assert_int_equal(s.rss_anon, 100 * MiB);
	assert_int_equal(s.pss, 100 * MiB);
	assert_int_equal(s.uss, 100 * MiB);
	assert_int_equal(s.vm_size, 100 * MiB);
	/* touching again costs nothing */
	touch(sys, pid, a, 100 * MiB, VMSIM_WRITE);
	assert_int_equal(pst(sys, pid).faults_minor, 25600);
}

/* Reading first maps the shared zero page: 25,600 minor faults and no RSS;
 * writing afterwards takes 25,600 more and makes the pages resident. */
static void read_then_write_maps_zero_page_then_allocates(void **state)
{
	struct vmsim_system *sys = *state;
	int pid = new_proc(sys);
	struct vmsim_sys_stats before, after;
	vaddr_t a = map(sys, pid, 100 * MiB, PRIV_ANON);
	assert_ok(vmsim_sys_stats(sys, &before));
	touch(sys, pid, a, 100 * MiB, VMSIM_READ);
	struct vmsim_proc_stats s = pst(sys, pid);
	assert_int_equal(s.faults_minor, 25600);
	assert_int_equal(s.zero_maps, 25600);
	assert_int_equal(s.rss, 0);
	assert_ok(vmsim_sys_stats(sys, &after));
	assert_int_equal(after.frames_user, before.frames_user); /* only page tables grew */
	touch(sys, pid, a, 100 * MiB, VMSIM_WRITE);
	s = pst(sys, pid);
	assert_int_equal(s.faults_minor, 51200);
	assert_int_equal(s.rss, 100 * MiB);
	assert_int_equal(s.cow_copies, 0); /* breaking from the zero page is no page copy */
}

/* MAP_POPULATE: 25,600 faults inside mmap, none afterwards. */
static void map_populate_faults_inside_mmap_only(void **state)
{
	struct vmsim_system *sys = *state;
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 100 * MiB, PRIV_ANON | VMSIM_MAP_POPULATE);
	struct vmsim_proc_stats s = pst(sys, pid);
	assert_int_equal(s.faults_minor, 25600);
	assert_int_equal(s.rss, 100 * MiB);
	touch(sys, pid, a, 100 * MiB, VMSIM_WRITE);
	assert_int_equal(pst(sys, pid).faults_minor, 25600);
}

/* Exercise 10: map 4 GiB, touch 500 MiB: VMS 4 GiB, RSS 500 MiB. */
static void map_4gib_touch_500mib_vms_4gib_rss_500mib(void **state)
{
	struct vmsim_system *sys = *state;
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 4096 * MiB, PRIV_ANON | VMSIM_MAP_NORESERVE);
	touch(sys, pid, a, 500 * MiB, VMSIM_WRITE);
	struct vmsim_proc_stats s = pst(sys, pid);
	assert_int_equal(s.vm_size, 4096 * MiB);
	assert_int_equal(s.rss, 500 * MiB);
	assert_int_equal(s.faults_minor, 500 * 256);
	/* 500 MiB of 4 KiB pages need 250 page tables + 1 PD + 1 PDPT + PML4 */
	assert_int_equal(s.pte_bytes, (250 + 3) * 4096);
}

/* Seed §1: the same virtual address in two processes, two frames, two values. */
static void same_address_in_two_processes_maps_two_frames(void **state)
{
	struct vmsim_system *sys = *state;
	int a = new_proc(sys), b = new_proc(sys);
	const vaddr_t va = 0x7ffd12340000ULL;
	vaddr_t got;
	struct vmsim_access_result ra, rb;
	assert_ok(vmsim_mmap(sys, a, va, 4096, RW, PRIV_ANON | VMSIM_MAP_FIXED, -1, 0, &got));
	assert_int_equal(got, va);
	assert_ok(vmsim_mmap(sys, b, va, 4096, RW, PRIV_ANON | VMSIM_MAP_FIXED, -1, 0, &got));
	int x = 1, y = 2, rx, ry;
	assert_ok(vmsim_store(sys, a, va, &x, sizeof(x)));
	assert_ok(vmsim_store(sys, b, va, &y, sizeof(y)));
	assert_ok(vmsim_load(sys, a, va, &rx, sizeof(rx)));
	assert_ok(vmsim_load(sys, b, va, &ry, sizeof(ry)));
	assert_int_equal(rx, 1);
	assert_int_equal(ry, 2);
	assert_ok(vmsim_access(sys, a, va, 4, VMSIM_READ, &ra));
	assert_ok(vmsim_access(sys, b, va, 4, VMSIM_READ, &rb));
	assert_int_not_equal(ra.pa >> 12, rb.pa >> 12);
	assert_int_equal(ra.pa & 0xFFF, 0);
}

/* Exercise 12: a process cannot reach an address only another process
 * maps; the access is an invalid fault, SIGSEGV, and it ends the process. */
static void access_to_another_process_address_raises_segv(void **state)
{
	struct vmsim_system *sys = *state;
	int a = new_proc(sys), b = new_proc(sys);
	vaddr_t va = map(sys, a, 4096, PRIV_ANON);
	touch(sys, a, va, 4096, VMSIM_WRITE);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, b, va, 8, VMSIM_READ, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, VMSIM_SEGV_MAPERR);
	assert_int_equal(r.segv_addr, va);
	assert_false(vmsim_process_alive(sys, b));
	assert_true(vmsim_process_alive(sys, a));
	struct vmsim_segv_record rec;
	assert_ok(vmsim_segv_get(sys, 0, &rec));
	assert_int_equal(rec.pid, b);
	assert_int_equal(rec.addr, va);
	assert_int_equal(rec.kind, VMSIM_READ);
	assert_int_equal(vmsim_segv_get(sys, 1, &rec), VMSIM_ERANGE);
	struct vmsim_proc_stats s = pst(sys, b);
	assert_int_equal(s.faults_invalid, 1);
	assert_int_equal(s.faults_minor, 0); /* invalid faults are not minor (Linux) */
	assert_int_equal(vmsim_access(sys, b, va, 8, VMSIM_READ, &r), VMSIM_ESRCH);
	/* a's page is untouched */
	assert_int_equal(pst(sys, a).rss, 4096);
}

static void write_to_read_only_mapping_is_accerr(void **state)
{
	struct vmsim_system *sys = *state;
	int pid = new_proc(sys);
	vaddr_t va;
	struct vmsim_access_result r;
	assert_ok(vmsim_mmap(sys, pid, 0, 8192, VMSIM_PROT_READ, PRIV_ANON, -1, 0, &va));
	assert_ok(vmsim_access(sys, pid, va, 1, VMSIM_READ, &r));
	assert_false(r.segv);
	assert_ok(vmsim_access(sys, pid, va + 4096, 1, VMSIM_WRITE, &r));
	assert_true(r.segv);
	assert_int_equal(r.reason, VMSIM_SEGV_ACCERR);
	assert_false(vmsim_process_alive(sys, pid));
}

static void noncanonical_address_raises_segv(void **state)
{
	struct vmsim_system *sys = *state;
	int pid = new_proc(sys);
	struct vmsim_access_result r;
	assert_ok(vmsim_access(sys, pid, 0x0000800000000000ULL, 1, VMSIM_READ, &r));
	assert_true(r.segv);
}

/* Seed §9: after fork parent and child share every page; the child writing
 * 100 pages takes 100 copy-on-write faults and 100 new frames; PSS of the
 * shared pages is halved. */
static void fork_then_child_writes_100_pages_copies_100_frames(void **state)
{
	struct vmsim_system *sys = *state;
	int parent = new_proc(sys), child;
	struct vmsim_sys_stats s0, s1, s2;
	const uint64_t len = 1000 * 4096ULL;
	vaddr_t a = map(sys, parent, len, PRIV_ANON);
	touch(sys, parent, a, len, VMSIM_WRITE);
	assert_ok(vmsim_sys_stats(sys, &s0));
	assert_ok(vmsim_fork(sys, parent, &child));
	assert_ok(vmsim_sys_stats(sys, &s1));
	assert_int_equal(s1.frames_user, s0.frames_user); /* nothing copied at fork */
	struct vmsim_proc_stats pc = pst(sys, child), pp = pst(sys, parent);
	assert_int_equal(pc.rss, len);
	assert_int_equal(pp.pss, len / 2);
	assert_int_equal(pc.pss, len / 2);
	assert_int_equal(pc.uss, 0);
	check_sys(sys);

	touch(sys, child, a, 100 * 4096, VMSIM_WRITE);
	pc = pst(sys, child);
	assert_int_equal(pc.faults_minor, 100);
	assert_int_equal(pc.cow_copies, 100);
	assert_ok(vmsim_sys_stats(sys, &s2));
	assert_int_equal(s2.frames_user, s1.frames_user + 100);
	/* 100 private pages each, 900 still shared */
	assert_int_equal(pc.uss, 100 * 4096);
	assert_int_equal(pc.pss, 100 * 4096 + 900 * 4096 / 2);
	pp = pst(sys, parent);
	assert_int_equal(pp.pss, pc.pss);

	/* the parent writing one of the now-private pages reuses it in place */
	touch(sys, parent, a, 4096, VMSIM_WRITE);
	pp = pst(sys, parent);
	assert_int_equal(pp.cow_reuses, 1);
	assert_int_equal(pp.cow_copies, 0);
	assert_ok(vmsim_sys_stats(sys, &s2));
	assert_int_equal(s2.frames_user, s1.frames_user + 100);
}

/* fork write-protects the parent's pages: its TLB entries that allowed
 * writes must go (counted), or vmsim_check would find them. */
static void fork_invalidates_parent_writable_tlb_entries(void **state)
{
	struct vmsim_system *sys = *state;
	int parent = new_proc(sys), child;
	vaddr_t a = map(sys, parent, 8 * 4096, PRIV_ANON);
	touch(sys, parent, a, 8 * 4096, VMSIM_WRITE);
	assert_ok(vmsim_fork(sys, parent, &child));
	check_sys(sys);
	assert_int_equal(pst(sys, parent).tlb_shootdowns, 8);
	/* more pages than Linux's single-page flush ceiling: one whole flush */
	struct vmsim_sys_stats s;
	vaddr_t b = map(sys, parent, 64 * 4096, PRIV_ANON);
	touch(sys, parent, b, 64 * 4096, VMSIM_WRITE);
	assert_ok(vmsim_fork(sys, parent, &child));
	assert_ok(vmsim_sys_stats(sys, &s));
	assert_int_equal(s.tlb_flushes, 1);
}

static void cow_keeps_values_apart_in_data_mode(void **state)
{
	struct vmsim_system *sys = *state;
	int parent = new_proc(sys), child;
	vaddr_t a = map(sys, parent, 3 * 4096, PRIV_ANON);
	char buf[3 * 4096], got[3 * 4096];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	assert_ok(vmsim_store(sys, parent, a, buf, sizeof(buf)));
	assert_ok(vmsim_fork(sys, parent, &child));
	assert_ok(vmsim_store(sys, child, a + 4090, "child!!!!!", 10)); /* crosses a page */
	assert_ok(vmsim_load(sys, parent, a, got, sizeof(got)));
	assert_memory_equal(got, buf, sizeof(buf));
	assert_ok(vmsim_load(sys, child, a + 4090, got, 10));
	assert_memory_equal(got, "child!!!!!", 10);
	assert_ok(vmsim_load(sys, child, a + 8192, got, 4096));
	assert_memory_equal(got, buf + 8192, 4096);
	assert_int_equal(pst(sys, child).cow_copies, 2);
}

/* A frame freed by one process comes back zeroed to the next. */
static void freed_frame_bytes_never_leak_to_another_process(void **state)
{
	struct vmsim_system *sys = *state;
	int a = new_proc(sys), b = new_proc(sys);
	vaddr_t va = map(sys, a, 16 * 4096, PRIV_ANON);
	char secret[4096], got[4096], zero[4096] = {0};
	memset(secret, 'S', sizeof(secret));
	for (int i = 0; i < 16; i++)
		assert_ok(vmsim_store(sys, a, va + i * 4096ULL, secret, sizeof(secret)));
	assert_ok(vmsim_exit(sys, a));
	vaddr_t vb = map(sys, b, 16 * 4096, PRIV_ANON);
	for (int i = 0; i < 16; i++) {
		assert_ok(vmsim_access(sys, b, vb + i * 4096ULL, 1, VMSIM_WRITE, NULL));
		assert_ok(vmsim_load(sys, b, vb + i * 4096ULL, got, sizeof(got)));
		assert_memory_equal(got, zero, sizeof(got));
	}
}

static void load_from_unmapped_address_is_efault(void **state)
{
	struct vmsim_system *sys = *state;
	struct vmsim_config cfg = *vmsim_system_config(sys);
	(void)cfg;
	int pid = new_proc(sys);
	vaddr_t va = map(sys, pid, 4096, PRIV_ANON);
	char buf[8192];
	assert_int_equal(vmsim_load(sys, pid, va, buf, sizeof(buf)), VMSIM_EFAULT);
}

static void exit_frees_every_frame_and_table(void **state)
{
	struct vmsim_system *sys = *state;
	struct vmsim_sys_stats s0, s1;
	assert_ok(vmsim_sys_stats(sys, &s0));
	int parent = new_proc(sys), child;
	vaddr_t a = map(sys, parent, 300 * 4096, PRIV_ANON);
	vaddr_t sh;
	assert_ok(vmsim_mmap(sys, parent, 0, 10 * 4096, RW, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS,
			     -1, 0, &sh));
	touch(sys, parent, a, 300 * 4096, VMSIM_WRITE);
	touch(sys, parent, sh, 10 * 4096, VMSIM_WRITE);
	assert_ok(vmsim_fork(sys, parent, &child));
	touch(sys, child, a, 50 * 4096, VMSIM_WRITE);
	touch(sys, child, sh, 10 * 4096, VMSIM_READ);
	check_sys(sys);
	assert_ok(vmsim_exit(sys, parent));
	check_sys(sys);
	assert_ok(vmsim_exit(sys, child));
	assert_ok(vmsim_sys_stats(sys, &s1));
	assert_int_equal(s1.frames_free, s0.frames_free);
	assert_int_equal(s1.frames_user, 0);
	assert_int_equal(s1.processes, 0);
	assert_int_equal(vmsim_exit(sys, child), VMSIM_ESRCH);
}

static void context_switch_without_pcid_flushes_with_pcid_keeps(void **state)
{
	(void)state;
	for (int pcid = 0; pcid <= 1; pcid++) {
		struct vmsim_system *sys = new_sys(64 * MiB, false, pcid);
		int a = new_proc(sys), b = new_proc(sys);
		vaddr_t va = map(sys, a, 16 * 4096, PRIV_ANON);
		vaddr_t vb = map(sys, b, 16 * 4096, PRIV_ANON);
		touch(sys, a, va, 16 * 4096, VMSIM_WRITE);
		touch(sys, b, vb, 16 * 4096, VMSIM_WRITE);
		struct vmsim_sys_stats s0, s1;
		assert_ok(vmsim_sys_stats(sys, &s0));
		touch(sys, a, va, 16 * 4096, VMSIM_READ); /* back to a */
		assert_ok(vmsim_sys_stats(sys, &s1));
		uint64_t walks = s1.mmu.walk.walks - s0.mmu.walk.walks;
		assert_int_equal(walks, pcid ? 0 : 16);
		assert_int_equal(s1.context_switches, s0.context_switches + 1);
		check_sys(sys);
		vmsim_system_free(sys);
	}
}

static void shared_anonymous_mapping_is_shared_after_fork(void **state)
{
	struct vmsim_system *sys = *state;
	int parent = new_proc(sys), child;
	vaddr_t sh;
	assert_ok(vmsim_mmap(sys, parent, 0, 4 * 4096, RW, VMSIM_MAP_SHARED | VMSIM_MAP_ANONYMOUS,
			     -1, 0, &sh));
	assert_ok(vmsim_fork(sys, parent, &child));
	int v = 1234, got = 0;
	assert_ok(vmsim_store(sys, child, sh + 4096, &v, sizeof(v))); /* child touches first */
	assert_ok(vmsim_load(sys, parent, sh + 4096, &got, sizeof(got)));
	assert_int_equal(got, 1234);
	struct vmsim_proc_stats pc = pst(sys, child), pp = pst(sys, parent);
	assert_int_equal(pc.rss_shmem, 4096);
	assert_int_equal(pp.rss_shmem, 4096);
	assert_int_equal(pp.pss, 2048);
	assert_int_equal(pc.cow_copies + pp.cow_copies, 0);
}

static void cost_model_reports_time_and_full_utilisation_without_io(void **state)
{
	struct vmsim_system *sys = *state;
	int pid = new_proc(sys);
	vaddr_t a = map(sys, pid, 4 * MiB, PRIV_ANON);
	touch(sys, pid, a, 4 * MiB, VMSIM_WRITE);
	struct vmsim_sys_stats s;
	assert_ok(vmsim_sys_stats(sys, &s));
	const struct vmsim_cost_cfg *c = &vmsim_system_config(sys)->cost;
	/* at least the faults and the zeroing of 1024 pages */
	assert_true(s.cycles >= 1024ULL * (c->minor_fault + c->page_zero));
	assert_int_equal(s.cycles_compute, 1024 * c->access);
	assert_true(s.seconds > 0);
	assert_true(s.cpu_utilisation > 0.999); /* no major fault waits */
}

int main(void)
{
#define T(fn, s) cmocka_unit_test_setup_teardown(fn, s, teardown)
	const struct CMUnitTest tests[] = {
	    T(write_each_page_of_100mib_takes_25600_minor_faults, setup),
	    T(read_then_write_maps_zero_page_then_allocates, setup),
	    T(map_populate_faults_inside_mmap_only, setup),
	    T(map_4gib_touch_500mib_vms_4gib_rss_500mib, setup),
	    T(same_address_in_two_processes_maps_two_frames, setup_data),
	    T(access_to_another_process_address_raises_segv, setup),
	    T(write_to_read_only_mapping_is_accerr, setup),
	    T(noncanonical_address_raises_segv, setup),
	    T(fork_then_child_writes_100_pages_copies_100_frames, setup),
	    T(fork_invalidates_parent_writable_tlb_entries, setup),
	    T(cow_keeps_values_apart_in_data_mode, setup_data),
	    T(cow_keeps_values_apart_in_data_mode, setup_data_pcid),
	    T(freed_frame_bytes_never_leak_to_another_process, setup_data),
	    T(load_from_unmapped_address_is_efault, setup_data),
	    T(exit_frees_every_frame_and_table, setup),
	    T(exit_frees_every_frame_and_table, setup_data_pcid),
	    T(context_switch_without_pcid_flushes_with_pcid_keeps, setup),
	    T(shared_anonymous_mapping_is_shared_after_fork, setup_data),
	    T(cost_model_reports_time_and_full_utilisation_without_io, setup),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
