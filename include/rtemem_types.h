/*
 * rtemem: C types that cbindgen cannot derive from the Rust sources. Included by rtemem.h.
 * Values and layouts are DPDK 22.11's (ABI 23).
 */
#ifndef RTEMEM_TYPES_H
#define RTEMEM_TYPES_H

#include <stdint.h>
#include <sched.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Structs declared by hand in DPDK-named headers, referenced by generated prototypes. */
struct rte_tailq_elem;
struct rte_tailq_head;

/** A CPU set, as DPDK's rte_cpuset_t on Linux. */
typedef cpu_set_t rte_cpuset_t;

/** The function an lcore runs (rte_eal_remote_launch). */
typedef int (lcore_function_t)(void *);

/** A trace point handle; tracing is out of scope and no trace point ever fires. */
typedef uint64_t rte_trace_point_t;

/** DPDK's reader-writer lock (generic/rte_rwlock.h): readers add 4, bit 0 writer, bit 1 waiting. */
typedef struct {
	int32_t cnt;
} rte_rwlock_t;

/** DPDK's spinlock (generic/rte_spinlock.h). */
typedef struct {
	volatile int locked;
} rte_spinlock_t;

/** IOVA (I/O virtual address). */
typedef uint64_t rte_iova_t;
/** Physical address. */
typedef uint64_t phys_addr_t;

#ifdef __cplusplus
}
#endif

#endif /* RTEMEM_TYPES_H */
