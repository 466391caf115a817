/*
 * rtemem: epoll for Rx/Tx interrupts (DPDK 22.11's rte_epoll.h).
 *
 * struct rte_epoll_data, struct rte_epoll_event and rte_intr_event_cb_t come from rtemem.h
 * (generated from src/abi/intr.rs, with DPDK's layout: 32 and 48 bytes). Declared here: the
 * status values and the RTE_INTR_EVENT_* operations of rte_intr_rx_ctl(), and the prototypes,
 * which the compiler checks against the generated ones.
 */
#ifndef __RTE_EPOLL_H__
#define __RTE_EPOLL_H__

#include <stdint.h>

#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** rte_intr_rx_ctl(): put a vector's event fd into an epoll instance. */
#define RTE_INTR_EVENT_ADD            1UL
/** rte_intr_rx_ctl(): take it out again. */
#define RTE_INTR_EVENT_DEL            2UL

/** Values of rte_epoll_event.status. */
enum {
	RTE_EPOLL_INVALID = 0, /**< not registered */
	RTE_EPOLL_VALID,       /**< registered */
	RTE_EPOLL_EXEC,        /**< its callback runs now (inside rte_epoll_wait) */
};

/** An epfd argument meaning "the calling thread's own epoll instance". */
#define RTE_EPOLL_PER_THREAD        -1

/** Waits for ready registrations and runs their callbacks; a signal restarts the wait. */
int rte_epoll_wait(int epfd, struct rte_epoll_event *events, int maxevents, int timeout);

/** As rte_epoll_wait(), but a signal ends the wait with -1. */
int rte_epoll_wait_interruptible(int epfd, struct rte_epoll_event *events, int maxevents,
		int timeout);

/** Adds, changes or removes fd in epfd with event as its registration. */
int rte_epoll_ctl(int epfd, int op, int fd, struct rte_epoll_event *event);

#ifdef __cplusplus
}
#endif

#endif /* __RTE_EPOLL_H__ */
