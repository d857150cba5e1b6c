/*
 * Scalar types shared by every layer of vmsim.
 *
 * Addresses are plain 64-bit integers with names that say which space they
 * live in; page numbers are always counted in 4 KiB units unless a name says
 * otherwise (a 2 MiB page at pfn P covers pfns P .. P+511).
 */
#ifndef VMSIM_TYPES_H
#define VMSIM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* VMSIM_API marks a function of the public API: the library is built with
 * -fvisibility=hidden, so libvmsim.so exports exactly the declarations
 * carrying it. Every function declared under include/vmsim/ has it; nothing
 * else does. */
#if defined(__GNUC__) || defined(__clang__)
#define VMSIM_API __attribute__((visibility("default")))
#else
#define VMSIM_API
#endif

typedef uint64_t vmsim_vaddr_t; /* virtual (linear) address */
typedef uint64_t vmsim_paddr_t; /* simulated physical address */
typedef uint64_t vmsim_vpn_t;	/* virtual page number */
typedef uint64_t vmsim_pfn_t;	/* physical frame number, 4 KiB units */
typedef uint16_t vmsim_pcid_t;	/* process-context identifier, 12 bits used */

#define VMSIM_PAGE_SHIFT 12
#define VMSIM_PAGE_SIZE	 (1ULL << VMSIM_PAGE_SHIFT)
#define VMSIM_PCID_MAX	 4095

/* The three x86-64 page sizes; the value is also the paging level (counted
 * from the leaf, 0 = PT) at which such a page is mapped. */
enum vmsim_page_size {
	VMSIM_PAGE_4K = 0,
	VMSIM_PAGE_2M = 1,
	VMSIM_PAGE_1G = 2,
};
#define VMSIM_NPAGE_SIZES 3

/* log2 of the size in bytes of a page of size @ps (12, 21 or 30). */
static inline unsigned vmsim_page_shift(enum vmsim_page_size ps)
{
	return VMSIM_PAGE_SHIFT + 9u * (unsigned)ps;
}

/* Short human name: "4K", "2M", "1G". */
VMSIM_API const char *vmsim_page_size_name(enum vmsim_page_size ps);

/*
 * How memory is touched. The bit values are those of the x86 page-fault
 * error code (W = bit 1, U = bit 2, I = bit 4), so an access can be turned
 * into an error code by OR-ing in the P and RSVD bits.
 */
enum vmsim_access_flags {
	VMSIM_ACC_READ = 0,	  /* data read */
	VMSIM_ACC_WRITE = 1 << 1, /* data write */
	VMSIM_ACC_USER = 1 << 2,  /* made in user mode (CPL 3) */
	VMSIM_ACC_FETCH = 1 << 4, /* instruction fetch */
};

#endif
