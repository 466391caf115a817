/*
 * rtemem: branch hints (DPDK 22.11's rte_branch_prediction.h).
 */
#ifndef _RTE_BRANCH_PREDICTION_H_
#define _RTE_BRANCH_PREDICTION_H_

/** The condition is expected to be true. */
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
/** The condition is expected to be false. */
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#endif /* _RTE_BRANCH_PREDICTION_H_ */
