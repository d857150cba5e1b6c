/*
 * The fault handler's decision table (src/os/fault.c), one case per row:
 * os_handle_fault called directly returns the vm_fault_t bits and the
 * reason the table says, and counts minor and major faults as Linux does.
 */
#include "testutil.h"

#include <string.h>

#include "base/base.h"
#include "os/kernel.h"
#include "vmsim/error.h"
#include "vmsim/vm.h"

#define PG  4096ULL
#define MiB (1ULL << 20)

struct fx {
	struct vmsim_system *sys;
	struct process *p;
	int pid;
};

static void fx_new(struct fx *x, uint64_t ram, uint64_t swap, int thp, uint64_t hugetlb_2m)
{
	struct vmsim_config cfg;
	vmsim_config_default(&cfg);
	cfg.ram_bytes = ram;
	cfg.swap_bytes = swap;
	cfg.thp = thp;
	cfg.hugetlb_2m = hugetlb_2m;
	assert_ok(vmsim_system_new(&cfg, &x->sys));
	assert_ok(vmsim_process_create(x->sys, &x->pid));
	assert_ok(vmsim_switch(x->sys, x->pid));
	x->p = proc_get(x->sys, x->pid);
	assert_non_null(x->p);
}

static void fx_free(struct fx *x)
{
	char why[256] = "";
	if (vmsim_check(x->sys, why, sizeof(why)))
		fail_msg("vmsim_check: %s", why);
	vmsim_system_free(x->sys);
}

static vaddr_t map(struct fx *x, uint64_t len, int prot, int flags, int fd)
{
	vaddr_t a;
	assert_ok(vmsim_mmap(x->sys, x->pid, 0, len, prot, flags, fd, 0, &a));
	return a;
}

static vm_fault_t fault(struct fx *x, vaddr_t va, unsigned acc, struct vm_fault *vmf)
{
	return os_handle_fault(x->sys, x->p, va, acc | VMSIM_ACC_USER, vmf);
}

static void invalid_faults_are_sigsegv_with_their_reason(void **state)
{
	(void)state;
	struct fx x;
	struct vm_fault vmf;
	fx_new(&x, 16 * MiB, 0, VMSIM_THP_NEVER, 0);
	vaddr_t ro = map(&x, 4 * PG, VMSIM_PROT_READ, VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1);
	assert_int_equal(fault(&x, 0x1000, 0, &vmf), VM_FAULT_SIGSEGV);
	assert_int_equal(vmf.reason, VMSIM_SEGV_MAPERR);
	assert_int_equal(fault(&x, ro, VMSIM_ACC_WRITE, &vmf), VM_FAULT_SIGSEGV);
	assert_int_equal(vmf.reason, VMSIM_SEGV_ACCERR);
	/* not counted as minor or major */
	assert_int_equal(x.p->c.faults_minor + x.p->c.faults_major, 0);
	fx_free(&x);
}

static void anonymous_rows_zero_page_anon_fault_and_cow(void **state)
{
	(void)state;
	struct fx x;
	struct vm_fault vmf;
	fx_new(&x, 16 * MiB, 0, VMSIM_THP_NEVER, 0);
	vaddr_t a = map(&x, 4 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1);
	/* empty PTE, read: the zero page */
	assert_int_equal(fault(&x, a, 0, &vmf), VM_FAULT_MINOR);
	assert_int_equal(x.p->c.zero_maps, 1);
	assert_int_equal(pte_pfn(*vmf.pte, false), x.sys->zero_pfn);
	/* read-only PTE, write, private: the copy is broken (a fresh frame) */
	assert_int_equal(fault(&x, a, VMSIM_ACC_WRITE, &vmf), VM_FAULT_MINOR);
	assert_true(*vmf.pte & PTE_RW);
	assert_int_equal(x.p->c.zero_fills, 1);
	/* empty PTE, write: a new anonymous frame, writable and dirty */
	assert_int_equal(fault(&x, a + PG, VMSIM_ACC_WRITE, &vmf), VM_FAULT_MINOR);
	assert_true((*vmf.pte & (PTE_RW | PTE_D)) == (PTE_RW | PTE_D));
	assert_int_equal(x.p->c.zero_fills, 2);
	/* a PTE that allows the access: a stale TLB entry, still minor */
	assert_int_equal(fault(&x, a + PG, VMSIM_ACC_WRITE, &vmf), VM_FAULT_MINOR);
	assert_int_equal(x.p->c.faults_minor, 4);
	assert_int_equal(x.p->c.faults_major, 0);
	fx_free(&x);
}

static void file_rows_major_minor_shared_write_and_sigbus(void **state)
{
	(void)state;
	struct fx x;
	struct vm_fault vmf;
	int fd;
	fx_new(&x, 16 * MiB, 0, VMSIM_THP_NEVER, 0);
	assert_ok(vmsim_file_create_virtual(x.sys, 2 * PG, &fd));
	vaddr_t a = map(&x, 4 * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE, VMSIM_MAP_SHARED, fd);
	/* the first touch reads the file: major */
	assert_int_equal(fault(&x, a, 0, &vmf), VM_FAULT_MAJOR);
	assert_int_equal(x.p->c.faults_major, 1);
	/* a write to the read-only shared PTE: page_mkwrite, minor */
	assert_int_equal(fault(&x, a, VMSIM_ACC_WRITE, &vmf), VM_FAULT_MINOR);
	assert_true(*vmf.pte & PTE_RW);
	/* past the end of the 2-page file: SIGBUS */
	assert_int_equal(fault(&x, a + 3 * PG, 0, &vmf), VM_FAULT_SIGBUS);
	assert_int_equal(vmf.reason, VMSIM_SIGBUS_EOF);
	assert_ok(vmsim_munmap(x.sys, x.pid, a, 4 * PG));
	assert_ok(vmsim_file_close(x.sys, fd));
	fx_free(&x);
}

static void swap_entry_row_is_major_from_the_swap_file(void **state)
{
	(void)state;
	struct fx x;
	struct vm_fault vmf;
	fx_new(&x, 4 * MiB, 16 * MiB, VMSIM_THP_NEVER, 0);
	uint64_t n = 2048; /* 8 MiB of pages in 4 MiB of RAM */
	vaddr_t a = map(&x, n * PG, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1);
	for (uint64_t i = 0; i < n; i++)
		assert_ok(vmsim_access(x.sys, x.pid, a + i * PG, 1, VMSIM_WRITE, NULL));
	unsigned level;
	vaddr_t swapped = 0;
	for (uint64_t i = 0; i < n && !swapped; i++) {
		pte_t *e = pt_lookup(&x.p->pt, a + i * PG, &level);
		if (e && pte_is_swap(*e) && !x.sys->swap.cache[swp_slot(*e)])
			swapped = a + i * PG;
	}
	assert_true(swapped != 0);
	uint64_t major = x.p->c.faults_major;
	vm_fault_t r = fault(&x, swapped, 0, &vmf);
	assert_int_equal(r, VM_FAULT_MAJOR);
	assert_string_equal(vm_fault_name(r), "VM_FAULT_MAJOR");
	assert_int_equal(x.p->c.faults_major, major + 1);
	fx_free(&x);
}

static void huge_rows_thp_and_empty_hugetlb_pool(void **state)
{
	(void)state;
	struct fx x;
	struct vm_fault vmf;
	fx_new(&x, 64 * MiB, 0, VMSIM_THP_ALWAYS, 1);
	vaddr_t a = map(&x, 8 * MiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1);
	vaddr_t h = (a + 2 * MiB - 1) & ~(2 * MiB - 1);
	/* no page table under the 2 MiB, write: a THP */
	assert_int_equal(fault(&x, h, VMSIM_ACC_WRITE, &vmf), VM_FAULT_MINOR);
	assert_int_equal(x.sys->thp_alloc, 1);
	/* a read through the huge leaf that allows it: nothing to do */
	assert_int_equal(fault(&x, h + PG, 0, &vmf), VM_FAULT_MINOR);
	/* hugetlb: the one pool page, then SIGBUS */
	vaddr_t t = map(&x, 4 * MiB, VMSIM_PROT_READ | VMSIM_PROT_WRITE,
			VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS | VMSIM_MAP_HUGETLB, -1);
	assert_int_equal(fault(&x, t, VMSIM_ACC_WRITE, &vmf), VM_FAULT_MINOR);
	assert_int_equal(fault(&x, t + 2 * MiB, VMSIM_ACC_WRITE, &vmf), VM_FAULT_SIGBUS);
	assert_int_equal(vmf.reason, VMSIM_SIGBUS_HUGETLB);
	fx_free(&x);
}

static void fault_names_come_from_the_table(void **state)
{
	(void)state;
	assert_string_equal(vm_fault_name(VM_FAULT_MINOR), "VM_FAULT_MINOR");
	assert_string_equal(vm_fault_name(VM_FAULT_SIGBUS), "VM_FAULT_SIGBUS");
	assert_string_equal(vm_fault_name(VM_FAULT_FALLBACK), "VM_FAULT_FALLBACK");
	assert_string_equal(vm_fault_name(VM_FAULT_MAJOR | VM_FAULT_OOM), "VM_FAULT_MAJOR");
	struct vm_fault vmf = {0};
	assert_int_equal(vmf_error(&vmf, VMSIM_ENOMEM), VM_FAULT_OOM);
	assert_int_equal(vmf_errno(&vmf, VM_FAULT_OOM), VMSIM_ENOMEM);
	assert_int_equal(vmf_error(&vmf, VMSIM_EIO), VM_FAULT_ERROR);
	assert_int_equal(vmf_errno(&vmf, VM_FAULT_ERROR), VMSIM_EIO);
	assert_int_equal(vmf_error(&vmf, 0), VM_FAULT_MINOR);
	assert_int_equal(vmf_errno(&vmf, VM_FAULT_MAJOR), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(invalid_faults_are_sigsegv_with_their_reason),
	    cmocka_unit_test(anonymous_rows_zero_page_anon_fault_and_cow),
	    cmocka_unit_test(file_rows_major_minor_shared_write_and_sigbus),
	    cmocka_unit_test(swap_entry_row_is_major_from_the_swap_file),
	    cmocka_unit_test(huge_rows_thp_and_empty_hugetlb_pool),
	    cmocka_unit_test(fault_names_come_from_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
