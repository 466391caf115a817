/*
 * rtemem: spin-wait hint (DPDK 22.11's rte_pause.h, x86-64).
 */
#ifndef _RTE_PAUSE_H_
#define _RTE_PAUSE_H_

#include <stdint.h>

#include <rte_atomic.h>
#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Tells the CPU this is a spin loop (PAUSE). */
static inline void
rte_pause(void)
{
	__builtin_ia32_pause();
}

/** Spins until *addr == expected (read with the given __ATOMIC_* order). */
static __rte_always_inline void
rte_wait_until_equal_16(volatile uint16_t *addr, uint16_t expected, int memorder)
{
	while (__atomic_load_n(addr, memorder) != expected)
		rte_pause();
}

static __rte_always_inline void
rte_wait_until_equal_32(volatile uint32_t *addr, uint32_t expected, int memorder)
{
	while (__atomic_load_n(addr, memorder) != expected)
		rte_pause();
}

static __rte_always_inline void
rte_wait_until_equal_64(volatile uint64_t *addr, uint64_t expected, int memorder)
{
	while (__atomic_load_n(addr, memorder) != expected)
		rte_pause();
}

/**
 * Spins until (*addr & mask) cond expected, where cond is a comparison operator (==, !=, ...)
 * and *addr is read with the given __ATOMIC_* order on every round.
 */
#define RTE_WAIT_UNTIL_MASKED(addr, mask, cond, expected, memorder) \
	do { \
		while (!((__atomic_load_n((addr), (memorder)) & (mask)) cond (expected))) \
			rte_pause(); \
	} while (0)

#ifdef __cplusplus
}
#endif

#endif /* _RTE_PAUSE_H_ */
