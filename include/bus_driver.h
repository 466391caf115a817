/*
 * rtemem: what bus drivers implement (DPDK 22.11's bus_driver.h, a driver-SDK header that
 * Debian does not install). A bus fills a struct rte_bus and registers it from a constructor
 * (RTE_REGISTER_BUS), before main and before rte_eal_init.
 */
#ifndef BUS_DRIVER_H
#define BUS_DRIVER_H

#include <rte_bus.h>
#include <rte_compat.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_tailq.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A list of buses. */
RTE_TAILQ_HEAD(rte_bus_list, rte_bus);

/** Finds the devices on the bus; 0 on success. */
typedef int (*rte_bus_scan_t)(void);
/** Probes drivers for the bus's devices; 0 on success. */
typedef int (*rte_bus_probe_t)(void);
/** The first device after start (from the first when NULL) for which cmp(dev, data) is 0. */
typedef struct rte_device *(*rte_bus_find_device_t)(const struct rte_device *start,
		rte_dev_cmp_t cmp, const void *data);
/** Probes one device (hotplug); 0 on success. */
typedef int (*rte_bus_plug_t)(struct rte_device *dev);
/** Removes one device (hotplug); 0 on success. */
typedef int (*rte_bus_unplug_t)(struct rte_device *dev);
/** 0 when the bus takes the device name; may store what it parsed at addr. */
typedef int (*rte_bus_parse_t)(const char *name, void *addr);
/** Fills a devargs from its bus layer (names the device). */
typedef int (*rte_bus_devargs_parse_t)(struct rte_devargs *da);
/** Maps memory for DMA by a device. */
typedef int (*rte_dev_dma_map_t)(struct rte_device *dev, void *addr, uint64_t iova, size_t len);
/** Unmaps memory mapped for DMA by a device. */
typedef int (*rte_dev_dma_unmap_t)(struct rte_device *dev, void *addr, uint64_t iova,
		size_t len);
/** Handles the hot-unplug of a device that failed (uevent "remove"). */
typedef int (*rte_bus_hot_unplug_handler_t)(struct rte_device *dev);
/** Handles a SIGBUS at failure_addr: 0 handled, 1 not this bus's, -1 failed. */
typedef int (*rte_bus_sigbus_handler_t)(const void *failure_addr);
/** Releases the bus's devices at rte_eal_cleanup. */
typedef int (*rte_bus_cleanup_t)(void);

/** How a bus treats the devices the user named. */
enum rte_bus_scan_mode {
	RTE_BUS_SCAN_UNDEFINED, /**< Nobody said. */
	RTE_BUS_SCAN_ALLOWLIST, /**< Only the devices named with -a/--vdev. */
	RTE_BUS_SCAN_BLOCKLIST, /**< All but the devices named with -b. */
};

/** A bus's configuration. */
struct rte_bus_conf {
	enum rte_bus_scan_mode scan_mode; /**< Set by the first devargs on the bus. */
};

/** The IOVA mode the bus's devices need. */
typedef enum rte_iova_mode (*rte_bus_get_iommu_class_t)(void);

/** A bus. */
struct rte_bus {
	RTE_TAILQ_ENTRY(rte_bus) next;     /**< Links of the EAL's list. */
	const char *name;                  /**< Its name. */
	rte_bus_scan_t scan;               /**< Required. */
	rte_bus_probe_t probe;             /**< Required. */
	rte_bus_find_device_t find_device; /**< Required. */
	rte_bus_plug_t plug;               /**< Optional; needs unplug. */
	rte_bus_unplug_t unplug;           /**< Optional. */
	rte_bus_parse_t parse;             /**< Recognises device names. */
	rte_bus_devargs_parse_t devargs_parse; /**< Names the device of a bus layer. */
	rte_dev_dma_map_t dma_map;         /**< DMA mapping for its devices. */
	rte_dev_dma_unmap_t dma_unmap;     /**< DMA unmapping for its devices. */
	struct rte_bus_conf conf;          /**< Its configuration. */
	rte_bus_get_iommu_class_t get_iommu_class; /**< The IOVA mode its devices need. */
	rte_dev_iterate_t dev_iterate;     /**< Walks its devices. */
	rte_bus_hot_unplug_handler_t hot_unplug_handler; /**< Hot-unplug failures. */
	rte_bus_sigbus_handler_t sigbus_handler;         /**< SIGBUS on device memory. */
	rte_bus_cleanup_t cleanup;         /**< Releases its devices. */
};

#ifndef __cplusplus
_Static_assert(sizeof(struct rte_bus) == 144, "struct rte_bus is DPDK's size");
_Static_assert(offsetof(struct rte_bus, conf) == 96, "rte_bus.conf offset");
_Static_assert(offsetof(struct rte_bus, cleanup) == 136, "rte_bus.cleanup offset");
#endif

__rte_internal
void rte_bus_register(struct rte_bus *bus);
__rte_internal
void rte_bus_unregister(struct rte_bus *bus);

/** Registers bus `bus` under the name `nm` at load time. */
#define RTE_REGISTER_BUS(nm, bus) \
RTE_INIT_PRIO(businitfn_ ##nm, BUS) \
{\
	(bus).name = RTE_STR(nm);\
	rte_bus_register(&bus); \
}

#ifdef __cplusplus
}
#endif

#endif /* BUS_DRIVER_H */
