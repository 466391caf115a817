/*
 * rtemem: DPDK 22.11's per-thread error number (rte_errno.h).
 *
 * rte_errno is the exported thread-local per_lcore__rte_errno, read and written directly as in
 * DPDK. DPDK's own codes (RTE_MIN_ERRNO, E_RTE_SECONDARY, E_RTE_NO_CONFIG, RTE_MAX_ERRNO) and
 * rte_strerror() come from rtemem.h.
 */
#ifndef _RTE_ERRNO_H_
#define _RTE_ERRNO_H_

#include <errno.h>

#include <rte_per_lcore.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

RTE_DECLARE_PER_LCORE(int, _rte_errno);

/** The calling thread's error number, set by failing EAL calls. */
#define rte_errno RTE_PER_LCORE(_rte_errno)

#ifndef __ELASTERROR
#define __ELASTERROR RTE_MIN_ERRNO
#endif

#ifdef __cplusplus
}
#endif

#endif /* _RTE_ERRNO_H_ */
