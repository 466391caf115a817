/*
 * rtemem: lcore keepalive monitoring (DPDK 22.11's rte_keepalive.h).
 *
 * Worker lcores call rte_keepalive_mark_alive() in their loop; a periodic check
 * (rte_keepalive_dispatch_pings, typically from an rte_timer) moves each watched lcore
 * ALIVE -> MISSING -> DEAD -> GONE when it stops marking, and calls the failure callback when
 * it reaches GONE.
 */
#ifndef _KEEPALIVE_H_
#define _KEEPALIVE_H_

#include <stdint.h>

#include <rte_config.h>
#include <rte_memory.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef RTE_KEEPALIVE_MAXCORES
/** Lcores a monitor can watch. */
#define RTE_KEEPALIVE_MAXCORES RTE_MAX_LCORE
#endif

/** A watched lcore's state. */
enum rte_keepalive_state {
	RTE_KA_STATE_UNUSED = 0,  /**< registered, never marked */
	RTE_KA_STATE_ALIVE = 1,   /**< marked since the last check */
	RTE_KA_STATE_MISSING = 4, /**< not marked for one check */
	RTE_KA_STATE_DEAD = 2,    /**< not marked for two checks */
	RTE_KA_STATE_GONE = 3,    /**< reported dead */
	RTE_KA_STATE_DOZING = 5,  /**< marked going to sleep */
	RTE_KA_STATE_SLEEP = 6    /**< asleep */
};

/** Called with (data, lcore id) when a watched lcore is found dead. */
typedef void (*rte_keepalive_failure_callback_t)(void *data, const int id_core);

/** Called at each check for each watched lcore with its state and last-seen TSC. */
typedef void (*rte_keepalive_relay_callback_t)(void *data, const int id_core,
	enum rte_keepalive_state core_state, uint64_t last_seen);

/** A keepalive monitor (opaque; rte_zmalloc memory, released with rte_free). */
struct rte_keepalive;

/** A new monitor; NULL when it cannot be allocated (the EAL must be initialised). */
struct rte_keepalive *rte_keepalive_create(rte_keepalive_failure_callback_t callback,
	void *data);

/** One check of every watched lcore (ptr_timer unused, ptr_data the monitor). */
void rte_keepalive_dispatch_pings(void *ptr_timer, void *ptr_data);

/** Watches lcore id_core. */
void rte_keepalive_register_core(struct rte_keepalive *keepcfg, const int id_core);

/** Marks the calling lcore alive. */
void rte_keepalive_mark_alive(struct rte_keepalive *keepcfg);

/** Marks the calling lcore going to sleep. */
void rte_keepalive_mark_sleep(struct rte_keepalive *keepcfg);

/** Sets the callback told every watched lcore's state at each check. */
void rte_keepalive_register_relay_callback(struct rte_keepalive *keepcfg,
	rte_keepalive_relay_callback_t callback, void *data);

#ifdef __cplusplus
}
#endif

#endif /* _KEEPALIVE_H_ */
