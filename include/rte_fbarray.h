/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtemem: DPDK 22.11's <rte_fbarray.h>.
 *
 * A file-backed array: `len` slots of `elt_sz` bytes plus a used-mask, in memory that other
 * processes of the same --file-prefix can attach to at the same address. The struct, the
 * RTE_FBARRAY_NAME_LEN limit and every prototype come from the generated rtemem.h:
 *
 *   rte_fbarray_init / attach / detach / destroy
 *   rte_fbarray_get / find_idx / set_used / set_free / is_used
 *   rte_fbarray_find_{next,prev}_{free,used}            (start index)
 *   rte_fbarray_find_{next,prev}_n_{free,used}          (start index, run length)
 *   rte_fbarray_find_{,rev_}contig_{free,used}          (run length at start)
 *   rte_fbarray_find_{,rev_}biggest_{free,used}         (longest run from start)
 *   rte_fbarray_dump_metadata
 *
 * Searches return -1 with rte_errno ENOSPC (no free entries) or ENOENT (no used entries).
 */
#ifndef _RTE_FBARRAY_H_
#define _RTE_FBARRAY_H_

#include <stdio.h>

#include <rtemem.h>

#endif /* _RTE_FBARRAY_H_ */
