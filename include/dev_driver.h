/*
 * rtemem: what device drivers see of devices and drivers (DPDK 22.11's dev_driver.h, a
 * driver-SDK header that Debian does not install). Bus-specific device and driver structs
 * embed these.
 */
#ifndef DEV_DRIVER_H
#define DEV_DRIVER_H

#include <rte_common.h>
#include <rte_dev.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A driver. */
struct rte_driver {
	RTE_TAILQ_ENTRY(rte_driver) next; /**< Links of its bus's driver list. */
	const char *name;                 /**< Its name. */
	const char *alias;                /**< Another name it answers to, or NULL. */
};

/** A device. */
struct rte_device {
	RTE_TAILQ_ENTRY(rte_device) next; /**< Links of its bus's device list. */
	const char *name;                 /**< Its name. */
	const char *bus_info;             /**< Bus-specific information, or NULL. */
	const struct rte_driver *driver;  /**< The driver that probed it; NULL until then. */
	const struct rte_bus *bus;        /**< Its bus, set at scan. */
	int numa_node;                    /**< Its NUMA node (SOCKET_ID_ANY when unknown). */
	struct rte_devargs *devargs;      /**< The arguments it was last probed with. */
};

#ifndef __cplusplus
_Static_assert(sizeof(struct rte_driver) == 32, "struct rte_driver is DPDK's size");
_Static_assert(sizeof(struct rte_device) == 64, "struct rte_device is DPDK's size");
#endif

#ifdef __cplusplus
}
#endif

#endif /* DEV_DRIVER_H */
