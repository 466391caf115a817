/*
 * rtemem: ticket locks, FIFO-fair spinlocks (DPDK 22.11's rte_ticketlock.h).
 * The lock is two 16-bit counters: the ticket being served and the next free ticket.
 */
#ifndef _RTE_TICKETLOCK_H_
#define _RTE_TICKETLOCK_H_

#include <rte_common.h>
#include <rte_compat.h>
#include <rte_eal.h>
#include <rte_pause.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef union {
	uint32_t tickets;
	struct {
		uint16_t current; /**< Ticket being served. */
		uint16_t next;    /**< Next ticket to hand out. */
	} s;
} rte_ticketlock_t;

#define RTE_TICKETLOCK_INITIALIZER { 0 }

static inline void
rte_ticketlock_init(rte_ticketlock_t *tl)
{
	__atomic_store_n(&tl->tickets, 0, __ATOMIC_RELAXED);
}

/** Takes a ticket and waits for it to be served. */
static inline void
rte_ticketlock_lock(rte_ticketlock_t *tl)
{
	uint16_t me = __atomic_fetch_add(&tl->s.next, 1, __ATOMIC_RELAXED);

	rte_wait_until_equal_16(&tl->s.current, me, __ATOMIC_ACQUIRE);
}

static inline void
rte_ticketlock_unlock(rte_ticketlock_t *tl)
{
	uint16_t i = __atomic_load_n(&tl->s.current, __ATOMIC_RELAXED);

	__atomic_store_n(&tl->s.current, (uint16_t)(i + 1), __ATOMIC_RELEASE);
}

/** Takes the lock only if nobody holds or waits for it: 1 when taken, 0 otherwise. */
static inline int
rte_ticketlock_trylock(rte_ticketlock_t *tl)
{
	rte_ticketlock_t oldl, newl;

	oldl.tickets = __atomic_load_n(&tl->tickets, __ATOMIC_RELAXED);
	newl.tickets = oldl.tickets;
	newl.s.next++;
	if (oldl.s.next == oldl.s.current &&
	    __atomic_compare_exchange_n(&tl->tickets, &oldl.tickets, newl.tickets, 0,
			__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 1;
	return 0;
}

/** 1 when the lock is held. */
static inline int
rte_ticketlock_is_locked(rte_ticketlock_t *tl)
{
	rte_ticketlock_t t;

	t.tickets = __atomic_load_n(&tl->tickets, __ATOMIC_ACQUIRE);
	return t.s.current != t.s.next;
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_TICKETLOCK_H_ */
