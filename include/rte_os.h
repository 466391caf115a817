/*
 * rtemem: operating-system glue DPDK code expects from rte_os.h (Linux).
 * The RTE_TAILQ_* names map onto <sys/queue.h>, as in DPDK 22.11 on Linux.
 */
#ifndef _RTE_OS_H_
#define _RTE_OS_H_

#include <sched.h>
#include <sys/queue.h>

#define RTE_TAILQ_HEAD(name, type) TAILQ_HEAD(name, type)
#define RTE_TAILQ_ENTRY(type) TAILQ_ENTRY(type)
#define RTE_TAILQ_FOREACH(var, head, field) TAILQ_FOREACH(var, head, field)
#define RTE_TAILQ_FIRST(head) TAILQ_FIRST(head)
#define RTE_TAILQ_NEXT(elem, field) TAILQ_NEXT(elem, field)
#define RTE_STAILQ_HEAD(name, type) STAILQ_HEAD(name, type)
#define RTE_STAILQ_ENTRY(type) STAILQ_ENTRY(type)

#endif /* _RTE_OS_H_ */
