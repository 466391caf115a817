/*
 * rtemem: reader-writer locks (DPDK 22.11's rte_rwlock.h). rte_rwlock_t is declared in
 * rtemem_types.h (rtemem's shared structures embed it).
 *
 * The lock word: each reader adds RTE_RWLOCK_READ (4); RTE_RWLOCK_WRITE (2) is set while a
 * writer holds it; RTE_RWLOCK_WAIT (1) is set by a writer waiting for readers to drain, and
 * keeps new readers out so writers are not starved. rtemem's Rust code takes the same lock
 * word with the same protocol, so C and Rust may share a lock.
 */
#ifndef _RTE_RWLOCK_H_
#define _RTE_RWLOCK_H_

#include <errno.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_pause.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTE_RWLOCK_WAIT 0x1  /* a writer is waiting */
#define RTE_RWLOCK_WRITE 0x2 /* a writer holds the lock */
#define RTE_RWLOCK_MASK (RTE_RWLOCK_WAIT | RTE_RWLOCK_WRITE)
#define RTE_RWLOCK_READ 0x4  /* one reader */

#define RTE_RWLOCK_INITIALIZER { 0 }

static inline void
rte_rwlock_init(rte_rwlock_t *rwl)
{
	rwl->cnt = 0;
}

/** Takes a read lock, waiting while a writer holds or waits for the lock. */
static inline void
rte_rwlock_read_lock(rte_rwlock_t *rwl)
{
	for (;;) {
		while (__atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED) & RTE_RWLOCK_MASK)
			rte_pause();
		if (likely(!(__atomic_add_fetch(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_ACQUIRE) &
				RTE_RWLOCK_MASK)))
			return;
		/* A writer got in between: step back and wait again. */
		__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_RELAXED);
	}
}

/** Takes a read lock if no writer holds or waits for it: 0, else -EBUSY. */
static inline int
rte_rwlock_read_trylock(rte_rwlock_t *rwl)
{
	if (__atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED) & RTE_RWLOCK_MASK)
		return -EBUSY;
	if (unlikely(__atomic_add_fetch(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_ACQUIRE) &
			RTE_RWLOCK_MASK)) {
		__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_RELEASE);
		return -EBUSY;
	}
	return 0;
}

static inline void
rte_rwlock_read_unlock(rte_rwlock_t *rwl)
{
	__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_READ, __ATOMIC_RELEASE);
}

/** Takes the write lock if there are no readers and no writer: 0, else -EBUSY. */
static inline int
rte_rwlock_write_trylock(rte_rwlock_t *rwl)
{
	int32_t x = __atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED);

	if (x < RTE_RWLOCK_WRITE &&
	    __atomic_compare_exchange_n(&rwl->cnt, &x, x + RTE_RWLOCK_WRITE, 1,
			__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	return -EBUSY;
}

/** Takes the write lock: announces itself (WAIT), then waits for readers to leave. */
static inline void
rte_rwlock_write_lock(rte_rwlock_t *rwl)
{
	int32_t x;

	for (;;) {
		x = __atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED);
		/* Free, or only our WAIT bit: take it, clearing WAIT. */
		if (likely(x < RTE_RWLOCK_WRITE) &&
		    __atomic_compare_exchange_n(&rwl->cnt, &x, RTE_RWLOCK_WRITE, 1,
				__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (!(x & RTE_RWLOCK_WAIT))
			__atomic_fetch_or(&rwl->cnt, RTE_RWLOCK_WAIT, __ATOMIC_RELAXED);
		while (__atomic_load_n(&rwl->cnt, __ATOMIC_RELAXED) > RTE_RWLOCK_WAIT)
			rte_pause();
	}
}

static inline void
rte_rwlock_write_unlock(rte_rwlock_t *rwl)
{
	__atomic_fetch_sub(&rwl->cnt, RTE_RWLOCK_WRITE, __ATOMIC_RELEASE);
}

/* No hardware transactional memory in rtemem: the *_tm forms take the lock. */
static inline void rte_rwlock_read_lock_tm(rte_rwlock_t *rwl) { rte_rwlock_read_lock(rwl); }
static inline void rte_rwlock_read_unlock_tm(rte_rwlock_t *rwl) { rte_rwlock_read_unlock(rwl); }
static inline void rte_rwlock_write_lock_tm(rte_rwlock_t *rwl) { rte_rwlock_write_lock(rwl); }
static inline void rte_rwlock_write_unlock_tm(rte_rwlock_t *rwl) { rte_rwlock_write_unlock(rwl); }

#ifdef __cplusplus
}
#endif

#endif /* _RTE_RWLOCK_H_ */
