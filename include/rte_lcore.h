/*
 * rtemem: logical cores, as DPDK 22.11's rte_lcore.h.
 *
 * An lcore is an id below RTE_MAX_LCORE: the lcores given to rte_eal_init (ROLE_RTE), the
 * threads registered with rte_thread_register (ROLE_NON_EAL), service cores (ROLE_SERVICE).
 * rte_lcore_id() is the calling thread's id, LCORE_ID_ANY for threads that have none.
 */
#ifndef _RTE_LCORE_H_
#define _RTE_LCORE_H_

#include <stdio.h>
#include <pthread.h>
#include <sched.h>

#include <rtemem.h>
#include <rte_per_lcore.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_thread.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef RTE_MAX_LCORE
#define RTE_MAX_LCORE 128
#endif

/** "Any lcore": the lcore id of a thread without one. */
#define LCORE_ID_ANY UINT32_MAX

/** Each thread's lcore id (read it with rte_lcore_id()). */
RTE_DECLARE_PER_LCORE(unsigned int, _lcore_id);
/** Each thread's cached kernel thread id, -1 until rte_gettid() is first called. */
RTE_DECLARE_PER_LCORE(int, _thread_id);

/** What an lcore id is used for. */
enum rte_lcore_role_t {
	ROLE_RTE,     /**< an lcore given to rte_eal_init */
	ROLE_OFF,     /**< unused */
	ROLE_SERVICE, /**< a service core */
	ROLE_NON_EAL, /**< a thread registered with rte_thread_register() */
};

/** The role of lcore_id (ROLE_OFF when out of range). */
enum rte_lcore_role_t rte_eal_lcore_role(unsigned int lcore_id);

/** 1 if lcore_id has role, else 0. */
int rte_lcore_has_role(unsigned int lcore_id, enum rte_lcore_role_t role);

/** The calling thread's lcore id, LCORE_ID_ANY if it has none. */
static inline unsigned int
rte_lcore_id(void)
{
	return RTE_PER_LCORE(_lcore_id);
}

#ifdef RTE_HAS_CPUSET
/** The CPU set lcore_id's thread is bound to. */
rte_cpuset_t rte_lcore_cpuset(unsigned int lcore_id);
#endif

/** Visits every enabled lcore in increasing order. */
#define RTE_LCORE_FOREACH(i)                          \
	for ((i) = rte_get_next_lcore(-1, 0, 0);      \
	     (i) < RTE_MAX_LCORE;                      \
	     (i) = rte_get_next_lcore((i), 0, 0))

/** Visits every enabled lcore except the main one, in increasing order. */
#define RTE_LCORE_FOREACH_WORKER(i)                   \
	for ((i) = rte_get_next_lcore(-1, 1, 0);      \
	     (i) < RTE_MAX_LCORE;                      \
	     (i) = rte_get_next_lcore((i), 1, 0))

/*
 * rte_lcore_init_cb, rte_lcore_uninit_cb, rte_lcore_iterate_cb and the other rte_lcore_*,
 * rte_socket_*, rte_thread_register/unregister, rte_thread_setname/getname prototypes are
 * in rtemem.h.
 */

/**
 * Creates a control thread (not an lcore) named name, bound to the CPUs no lcore uses.
 * Returns 0 or a negative errno.
 */
int rte_ctrl_thread_create(pthread_t *thread, const char *name,
			   const pthread_attr_t *attr,
			   void *(*start_routine)(void *), void *arg);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_LCORE_H_ */
