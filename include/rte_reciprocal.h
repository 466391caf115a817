/*
 * rtemem: division by an invariant integer (DPDK 22.11's rte_reciprocal.h).
 * struct rte_reciprocal, struct rte_reciprocal_u64, rte_reciprocal_value() and
 * rte_reciprocal_value_u64() come from rtemem.h; the divisions themselves are inline here.
 * With r = rte_reciprocal_value(d), rte_reciprocal_divide(x, r) == x / d for every x.
 */
#ifndef _RTE_RECIPROCAL_H_
#define _RTE_RECIPROCAL_H_

#include <stdint.h>

#include <rte_common.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** a / d, where R = rte_reciprocal_value(d). */
static inline uint32_t
rte_reciprocal_divide(uint32_t a, struct rte_reciprocal R)
{
	uint32_t hi = (uint32_t)(((uint64_t)a * R.m) >> 32);

	return (hi + ((a - hi) >> R.sh1)) >> R.sh2;
}

/** The high 64 bits of the 128-bit product x * y. */
static __rte_always_inline uint64_t
mullhi_u64(uint64_t x, uint64_t y)
{
	return (uint64_t)(((unsigned __int128)x * y) >> 64);
}

/** a / d, where *R = rte_reciprocal_value_u64(d). */
static __rte_always_inline uint64_t
rte_reciprocal_divide_u64(uint64_t a, const struct rte_reciprocal_u64 *R)
{
	uint64_t hi = mullhi_u64(a, R->m);

	return (hi + ((a - hi) >> R->sh1)) >> R->sh2;
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_RECIPROCAL_H_ */
