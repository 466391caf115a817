/*
 * rtemem: time-stamp counter and delays (DPDK 22.11's rte_cycles.h, x86-64).
 * rte_get_tsc_hz(), rte_delay_us_block(), rte_delay_us_sleep(),
 * rte_delay_us_callback_register() come from rtemem.h; the rte_delay_us pointer is declared here.
 */
#ifndef _RTE_CYCLES_H_
#define _RTE_CYCLES_H_

#include <stdint.h>

#include <rte_atomic.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_debug.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MS_PER_S 1000
#define US_PER_S 1000000
#define NS_PER_S 1000000000

/** Which clock the timer functions read; rtemem always uses the TSC. */
enum timer_source {
	EAL_TIMER_TSC = 0,
	EAL_TIMER_HPET
};

/** The clock the timer functions read: EAL_TIMER_HPET until rte_eal_init, then EAL_TIMER_TSC. */
extern enum timer_source eal_timer_source;

/** Always 0: rtemem, like Debian's DPDK, does not map VMware's pseudo-TSC (--vmware-tsc-map). */
extern int rte_cycles_vmware_tsc_map;

/** The CPU's time-stamp counter. */
static inline uint64_t
rte_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/** rte_rdtsc() after a full barrier, so earlier memory accesses are not reordered past it. */
static inline uint64_t
rte_rdtsc_precise(void)
{
	rte_mb();
	return rte_rdtsc();
}

static inline uint64_t
rte_get_tsc_cycles(void)
{
	return rte_rdtsc();
}

static inline uint64_t
rte_get_timer_cycles(void)
{
	return rte_get_tsc_cycles();
}

static inline uint64_t
rte_get_timer_hz(void)
{
	return rte_get_tsc_hz();
}

/**
 * The function rte_delay_us(us) calls: rte_delay_us_block until
 * rte_delay_us_callback_register() installs another (a variable exported by the EAL).
 */
extern void (*rte_delay_us)(unsigned int us);

/** Waits ms milliseconds with the current rte_delay_us implementation. */
static inline void
rte_delay_ms(unsigned ms)
{
	rte_delay_us(ms * 1000);
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_CYCLES_H_ */
