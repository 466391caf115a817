/*
 * rtemem: per-lcore (per-thread) variables, as DPDK 22.11's rte_per_lcore.h.
 *
 * A per-lcore variable is a C thread-local named per_lcore_<name>; every thread, lcore or
 * not, has its own copy.
 */
#ifndef _RTE_PER_LCORE_H_
#define _RTE_PER_LCORE_H_

#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Defines the per-lcore variable `name` of type `type`. */
#define RTE_DEFINE_PER_LCORE(type, name) \
	__thread __typeof__(type) per_lcore_##name

/** Declares a per-lcore variable defined elsewhere. */
#define RTE_DECLARE_PER_LCORE(type, name) \
	extern __thread __typeof__(type) per_lcore_##name

/** The calling thread's copy of per-lcore variable `name` (an lvalue). */
#define RTE_PER_LCORE(name) (per_lcore_##name)

#ifdef __cplusplus
}
#endif

#endif /* _RTE_PER_LCORE_H_ */
