/*
 * rtemem: threads (DPDK 22.11's rte_thread.h): create with attributes, join, detach, compare,
 * priority and affinity by id, thread-specific storage keys.
 *
 * The thread calls return 0 or a positive errno (pthread style) and leave rte_errno alone; the
 * key calls return -1 (or NULL) with rte_errno set. rte_thread_register(),
 * rte_thread_unregister(), rte_thread_setname() and friends come from rtemem.h.
 */
#ifndef _RTE_THREAD_H_
#define _RTE_THREAD_H_

#include <stdint.h>

#include <rte_compat.h>
#include <rte_os.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A thread's id (its pthread_t on Linux). */
typedef struct {
	uintptr_t opaque_id;
} rte_thread_t;

/** What a thread runs; its result is the thread's exit value (rte_thread_join). */
typedef uint32_t (*rte_thread_func)(void *arg);

/** Thread priorities. */
enum rte_thread_priority {
	RTE_THREAD_PRIORITY_NORMAL = 0,            /**< the default */
	RTE_THREAD_PRIORITY_REALTIME_CRITICAL = 1, /**< refused (ENOTSUP) on Linux */
};

/** How rte_thread_create starts a thread. Initialise with rte_thread_attr_init(). */
typedef struct {
	enum rte_thread_priority priority;
#ifdef RTE_HAS_CPUSET
	rte_cpuset_t cpuset; /**< CPUs to run on; empty: inherited */
#endif
} rte_thread_attr_t;

/** A thread-specific storage key. */
typedef struct eal_tls_key *rte_thread_key;

/** Starts thread_func(arg) on a new thread; thread_attr may be NULL. */
__rte_experimental
int rte_thread_create(rte_thread_t *thread_id, const rte_thread_attr_t *thread_attr,
		rte_thread_func thread_func, void *arg);

/** Waits for the thread; stores its exit value in *value_ptr unless NULL. */
__rte_experimental
int rte_thread_join(rte_thread_t thread_id, uint32_t *value_ptr);

/** Lets the thread's resources go when it ends, without a join. */
__rte_experimental
int rte_thread_detach(rte_thread_t thread_id);

/** The calling thread's id. */
__rte_experimental
rte_thread_t rte_thread_self(void);

/** Non-zero when t1 and t2 are the same thread. */
__rte_experimental
int rte_thread_equal(rte_thread_t t1, rte_thread_t t2);

/** NORMAL priority, no affinity. EINVAL for NULL. */
__rte_experimental
int rte_thread_attr_init(rte_thread_attr_t *attr);

/** Sets the priority (checked when the thread is created). */
__rte_experimental
int rte_thread_attr_set_priority(rte_thread_attr_t *thread_attr,
		enum rte_thread_priority priority);

#ifdef RTE_HAS_CPUSET
/** Sets the CPUs of threads created with thread_attr. */
__rte_experimental
int rte_thread_attr_set_affinity(rte_thread_attr_t *thread_attr, rte_cpuset_t *cpuset);

/** Copies the CPUs of thread_attr into *cpuset. */
__rte_experimental
int rte_thread_attr_get_affinity(rte_thread_attr_t *thread_attr, rte_cpuset_t *cpuset);

/** Pins the thread to *cpuset. */
__rte_experimental
int rte_thread_set_affinity_by_id(rte_thread_t thread_id, const rte_cpuset_t *cpuset);

/** Stores the CPUs the thread may run on in *cpuset. */
__rte_experimental
int rte_thread_get_affinity_by_id(rte_thread_t thread_id, rte_cpuset_t *cpuset);
#endif /* RTE_HAS_CPUSET */

/** Stores the thread's priority in *priority. */
__rte_experimental
int rte_thread_get_priority(rte_thread_t thread_id, enum rte_thread_priority *priority);

/** Sets the thread's priority (REALTIME_CRITICAL: ENOTSUP). */
__rte_experimental
int rte_thread_set_priority(rte_thread_t thread_id, enum rte_thread_priority priority);

/** Creates a key; destructor (may be NULL) runs at thread exit for non-NULL values. */
__rte_experimental
int rte_thread_key_create(rte_thread_key *key, void (*destructor)(void *));

/** Deletes key. */
__rte_experimental
int rte_thread_key_delete(rte_thread_key key);

/** Sets the calling thread's value of key. */
__rte_experimental
int rte_thread_value_set(rte_thread_key key, const void *value);

/** The calling thread's value of key (NULL when unset). */
__rte_experimental
void *rte_thread_value_get(rte_thread_key key);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_THREAD_H_ */
