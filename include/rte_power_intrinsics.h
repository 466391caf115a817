/*
 * rtemem: power-optimised waits (DPDK 22.11's rte_power_intrinsics.h, x86-64 and generic).
 * They need WAITPKG (and RTM for rte_power_monitor_multi); see rte_cpu_get_intrinsics_support().
 * Without it every call returns -ENOTSUP. rte_power_monitor_wakeup() and rte_power_pause()
 * come from rtemem.h.
 */
#ifndef _RTE_POWER_INTRINSIC_H_
#define _RTE_POWER_INTRINSIC_H_
/* This file is the x86-64 header too. */
#define _RTE_POWER_INTRINSIC_X86_H_

#include <inttypes.h>

#include <rte_common.h>
#include <rte_compat.h>
#include <rte_spinlock.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Words of callback data in a condition. */
#define RTE_POWER_MONITOR_OPAQUE_SZ 4

/** Given the value read and the condition's opaque words: non-zero means "do not sleep". */
typedef int (*rte_power_monitor_clb_t)(const uint64_t val,
		const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ]);

/** What to wait on: a word, its size and the callback that decides. */
struct rte_power_monitor_cond {
	volatile void *addr;        /**< the word to watch */
	uint8_t size;               /**< its size: 1, 2, 4 or 8 bytes */
	rte_power_monitor_clb_t fn; /**< required */
	uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ]; /**< passed to fn */
};

/** Sleeps until pmc->addr is written or the TSC reaches tsc_timestamp (EAL lcores only). */
__rte_experimental
int rte_power_monitor(const struct rte_power_monitor_cond *pmc, const uint64_t tsc_timestamp);

/** Sleeps until one of num words is written or the TSC reaches tsc_timestamp. */
__rte_experimental
int rte_power_monitor_multi(const struct rte_power_monitor_cond pmc[], const uint32_t num,
		const uint64_t tsc_timestamp);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_POWER_INTRINSIC_H_ */
