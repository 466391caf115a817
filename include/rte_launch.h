/*
 * rtemem: launching functions on lcores, as DPDK 22.11's rte_launch.h.
 *
 * Each worker lcore has a thread that sleeps until rte_eal_remote_launch() hands it a
 * function. The lcore is RUNNING from the launch until the function returns, then WAIT
 * again; rte_eal_wait_lcore() blocks until then and returns the function's value.
 */
#ifndef _RTE_LAUNCH_H_
#define _RTE_LAUNCH_H_

#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a lcore is doing. */
enum rte_lcore_state_t {
	WAIT,    /**< idle, ready for a launch */
	RUNNING, /**< running a launched function */
};

/** Whether rte_eal_mp_remote_launch() also runs the function on the calling (main) lcore. */
enum rte_rmt_call_main_t {
	SKIP_MAIN = 0, /**< workers only */
	CALL_MAIN,     /**< workers, then the caller */
};

/*
 * lcore_function_t is typedef'd in rtemem_types.h; rte_eal_remote_launch,
 * rte_eal_wait_lcore and rte_eal_mp_wait_lcore are declared in rtemem.h.
 */

/**
 * Runs f(arg) on every worker lcore, and on the caller too with CALL_MAIN.
 * Returns 0, or -EBUSY (nothing launched) when a worker is not in WAIT state.
 */
int rte_eal_mp_remote_launch(lcore_function_t *f, void *arg,
			     enum rte_rmt_call_main_t call_main);

/** The state of lcore worker_id. */
enum rte_lcore_state_t rte_eal_get_lcore_state(unsigned int worker_id);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_LAUNCH_H_ */
