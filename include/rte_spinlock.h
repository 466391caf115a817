/*
 * rtemem: spinlocks (DPDK 22.11's rte_spinlock.h, x86-64). rte_spinlock_t itself is declared
 * in rtemem_types.h because rtemem's shared structures embed it. rtemem has no hardware
 * transactional memory path: the *_tm variants take the lock, which is what DPDK does when
 * RTM is absent or aborts.
 */
#ifndef _RTE_SPINLOCK_H_
#define _RTE_SPINLOCK_H_

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_pause.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTE_SPINLOCK_INITIALIZER { 0 }

static inline void
rte_spinlock_init(rte_spinlock_t *sl)
{
	sl->locked = 0;
}

/** Takes the lock, spinning while another thread holds it. */
static inline void
rte_spinlock_lock(rte_spinlock_t *sl)
{
	int expected = 0;

	while (!__atomic_compare_exchange_n(&sl->locked, &expected, 1, 0,
			__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		while (__atomic_load_n(&sl->locked, __ATOMIC_RELAXED))
			rte_pause();
		expected = 0;
	}
}

static inline void
rte_spinlock_unlock(rte_spinlock_t *sl)
{
	__atomic_store_n(&sl->locked, 0, __ATOMIC_RELEASE);
}

/** Takes the lock if it is free; returns 1 when taken, 0 otherwise. */
static inline int
rte_spinlock_trylock(rte_spinlock_t *sl)
{
	int expected = 0;

	return __atomic_compare_exchange_n(&sl->locked, &expected, 1, 0,
			__ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/** 1 when some thread holds the lock. */
static inline int
rte_spinlock_is_locked(rte_spinlock_t *sl)
{
	return __atomic_load_n(&sl->locked, __ATOMIC_ACQUIRE);
}

/**
 * 1 when the CPU has restricted transactional memory (RTM), set when the library is loaded.
 * DPDK's own inline *_tm functions read it; rtemem's headers do not elide locks with it.
 */
extern uint8_t rte_rtm_supported;

/** 1 when the CPU's hardware transactional memory is used for locks; never in rtemem. */
static inline int
rte_tm_supported(void)
{
	return 0;
}

static inline void rte_spinlock_lock_tm(rte_spinlock_t *sl) { rte_spinlock_lock(sl); }
static inline void rte_spinlock_unlock_tm(rte_spinlock_t *sl) { rte_spinlock_unlock(sl); }
static inline int rte_spinlock_trylock_tm(rte_spinlock_t *sl) { return rte_spinlock_trylock(sl); }

/** A spinlock its holder may take again; count tracks the nesting. */
typedef struct {
	rte_spinlock_t sl;
	volatile int user;  /**< rte_gettid() of the holder, -1 when free. */
	volatile int count; /**< Nesting depth. */
} rte_spinlock_recursive_t;

#define RTE_SPINLOCK_RECURSIVE_INITIALIZER { RTE_SPINLOCK_INITIALIZER, -1, 0 }



static inline void
rte_spinlock_recursive_init(rte_spinlock_recursive_t *slr)
{
	rte_spinlock_init(&slr->sl);
	slr->user = -1;
	slr->count = 0;
}

static inline void
rte_spinlock_recursive_lock(rte_spinlock_recursive_t *slr)
{
	int id = rte_gettid();

	if (slr->user != id) {
		rte_spinlock_lock(&slr->sl);
		slr->user = id;
	}
	slr->count++;
}

static inline void
rte_spinlock_recursive_unlock(rte_spinlock_recursive_t *slr)
{
	if (--(slr->count) == 0) {
		slr->user = -1;
		rte_spinlock_unlock(&slr->sl);
	}
}

/** Returns 1 when taken (or already held by the caller), 0 otherwise. */
static inline int
rte_spinlock_recursive_trylock(rte_spinlock_recursive_t *slr)
{
	int id = rte_gettid();

	if (slr->user != id) {
		if (rte_spinlock_trylock(&slr->sl) == 0)
			return 0;
		slr->user = id;
	}
	slr->count++;
	return 1;
}

static inline void rte_spinlock_recursive_lock_tm(rte_spinlock_recursive_t *slr) { rte_spinlock_recursive_lock(slr); }
static inline void rte_spinlock_recursive_unlock_tm(rte_spinlock_recursive_t *slr) { rte_spinlock_recursive_unlock(slr); }
static inline int rte_spinlock_recursive_trylock_tm(rte_spinlock_recursive_t *slr) { return rte_spinlock_recursive_trylock(slr); }

#ifdef __cplusplus
}
#endif

#endif /* _RTE_SPINLOCK_H_ */
