/*
 * rtemem: cache prefetch hints (DPDK 22.11's rte_prefetch.h, x86-64).
 */
#ifndef _RTE_PREFETCH_H_
#define _RTE_PREFETCH_H_

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Fetch into all cache levels. */
static inline void rte_prefetch0(const volatile void *p) { __builtin_prefetch((const void *)p, 0, 3); }
/** Fetch into L2 and below. */
static inline void rte_prefetch1(const volatile void *p) { __builtin_prefetch((const void *)p, 0, 2); }
/** Fetch into L3 and below. */
static inline void rte_prefetch2(const volatile void *p) { __builtin_prefetch((const void *)p, 0, 1); }
/** Fetch without polluting the caches much. */
static inline void rte_prefetch_non_temporal(const volatile void *p) { __builtin_prefetch((const void *)p, 0, 0); }
/** Fetch for writing. */
static inline void rte_prefetch0_write(const void *p) { __builtin_prefetch(p, 1, 3); }
static inline void rte_prefetch1_write(const void *p) { __builtin_prefetch(p, 1, 2); }
static inline void rte_prefetch2_write(const void *p) { __builtin_prefetch(p, 1, 1); }
/** Zeroing a cache line ahead of a full write is not done on x86; a no-op as in DPDK. */
static inline void rte_cldemote(const volatile void *p) { RTE_SET_USED(p); }

#ifdef __cplusplus
}
#endif

#endif /* _RTE_PREFETCH_H_ */
