/*
 * rtemem: trace control (DPDK 22.11's rte_trace.h): whether tracing is on, the mode of the
 * per-thread buffers, enabling points by glob or regular expression, saving the trace in CTF
 * and dumping its state. The functions are declared in rtemem.h, except the two that take or
 * return the enum.
 */
#ifndef _RTE_TRACE_H_
#define _RTE_TRACE_H_

#include <stdbool.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_compat.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a thread's full trace buffer does with the next event. */
enum rte_trace_mode {
	/** Wraps to its start: newer events overwrite the oldest. */
	RTE_TRACE_MODE_OVERWRITE,
	/** Takes no more events. */
	RTE_TRACE_MODE_DISCARD,
};

/** Sets the mode of every trace point (and of points registered later). */
__rte_experimental
void rte_trace_mode_set(enum rte_trace_mode mode);

/** The current mode. */
__rte_experimental
enum rte_trace_mode rte_trace_mode_get(void);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_TRACE_H_ */
