/*
 * rtemem: bit manipulation (DPDK 22.11's rte_bitops.h). The rte_bit_relaxed_* accessors do
 * plain (non-atomic) loads and stores on a volatile word, as DPDK's do; they are experimental
 * in DPDK 22.11 and marked so here.
 */
#ifndef _RTE_BITOPS_H_
#define _RTE_BITOPS_H_

#include <stdint.h>

#include <rte_compat.h>
#include <rte_debug.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The value with only bit nr set. */
#define RTE_BIT64(nr) (UINT64_C(1) << (nr))
#define RTE_BIT32(nr) (UINT32_C(1) << (nr))

__rte_experimental
static inline uint32_t
rte_bit_relaxed_get32(unsigned int nr, volatile uint32_t *addr)
{
	RTE_ASSERT(nr < 32);
	return (*addr & RTE_BIT32(nr)) != 0;
}

__rte_experimental
static inline void
rte_bit_relaxed_set32(unsigned int nr, volatile uint32_t *addr)
{
	RTE_ASSERT(nr < 32);
	*addr = *addr | RTE_BIT32(nr);
}

__rte_experimental
static inline void
rte_bit_relaxed_clear32(unsigned int nr, volatile uint32_t *addr)
{
	RTE_ASSERT(nr < 32);
	*addr = *addr & ~RTE_BIT32(nr);
}

/** Sets bit nr and returns its old value. */
__rte_experimental
static inline int
rte_bit_relaxed_test_and_set32(unsigned int nr, volatile uint32_t *addr)
{
	uint32_t old;

	RTE_ASSERT(nr < 32);
	old = *addr;
	*addr = old | RTE_BIT32(nr);
	return (old & RTE_BIT32(nr)) != 0;
}

/** Clears bit nr and returns its old value. */
__rte_experimental
static inline int
rte_bit_relaxed_test_and_clear32(unsigned int nr, volatile uint32_t *addr)
{
	uint32_t old;

	RTE_ASSERT(nr < 32);
	old = *addr;
	*addr = old & ~RTE_BIT32(nr);
	return (old & RTE_BIT32(nr)) != 0;
}

__rte_experimental
static inline uint32_t
rte_bit_relaxed_get64(unsigned int nr, volatile uint64_t *addr)
{
	RTE_ASSERT(nr < 64);
	return (*addr & RTE_BIT64(nr)) != 0;
}

__rte_experimental
static inline void
rte_bit_relaxed_set64(unsigned int nr, volatile uint64_t *addr)
{
	RTE_ASSERT(nr < 64);
	*addr = *addr | RTE_BIT64(nr);
}

__rte_experimental
static inline void
rte_bit_relaxed_clear64(unsigned int nr, volatile uint64_t *addr)
{
	RTE_ASSERT(nr < 64);
	*addr = *addr & ~RTE_BIT64(nr);
}

/** Sets bit nr and returns its old value. */
__rte_experimental
static inline int
rte_bit_relaxed_test_and_set64(unsigned int nr, volatile uint64_t *addr)
{
	uint64_t old;

	RTE_ASSERT(nr < 64);
	old = *addr;
	*addr = old | RTE_BIT64(nr);
	return (old & RTE_BIT64(nr)) != 0;
}

/** Clears bit nr and returns its old value. */
__rte_experimental
static inline int
rte_bit_relaxed_test_and_clear64(unsigned int nr, volatile uint64_t *addr)
{
	uint64_t old;

	RTE_ASSERT(nr < 64);
	old = *addr;
	*addr = old & ~RTE_BIT64(nr);
	return (old & RTE_BIT64(nr)) != 0;
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_BITOPS_H_ */
