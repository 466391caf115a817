/*
 * rtemem: alarms (DPDK 22.11's rte_alarm.h). A callback set with rte_eal_alarm_set() runs
 * once, on the interrupt thread, after the given number of microseconds. The callback type
 * comes from rtemem.h.
 */
#ifndef _RTE_ALARM_H_
#define _RTE_ALARM_H_

#include <stdint.h>

#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Runs cb(cb_arg) in us microseconds; 0, or -EINVAL for a zero or huge delay or no callback. */
int rte_eal_alarm_set(uint64_t us, rte_eal_alarm_callback cb, void *cb_arg);

/** Cancels the alarms (cb_fn, cb_arg), cb_arg (void *)-1 meaning any; returns how many. */
int rte_eal_alarm_cancel(rte_eal_alarm_callback cb_fn, void *cb_arg);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_ALARM_H_ */
