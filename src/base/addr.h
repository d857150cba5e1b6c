/*
 * The short names of the address types inside the library, its tests and
 * tools: the public headers spell them vmsim_vaddr_t and so on (types.h),
 * so that a program including them gets no unprefixed names.
 */
#ifndef VMSIM_BASE_ADDR_H
#define VMSIM_BASE_ADDR_H

#include "vmsim/types.h"

typedef vmsim_vaddr_t vaddr_t; /* virtual (linear) address */
typedef vmsim_paddr_t paddr_t; /* simulated physical address */
typedef vmsim_vpn_t vpn_t;     /* virtual page number */
typedef vmsim_pfn_t pfn_t;     /* physical frame number, 4 KiB units */
typedef vmsim_pcid_t pcid_t;   /* process-context identifier */

#endif
