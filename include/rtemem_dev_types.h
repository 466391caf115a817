/*
 * rtemem: the device-model types that rtemem.h's generated prototypes name (buses, devices,
 * drivers, classes, devargs, iterators). Included by rtemem_types.h. The structs themselves
 * are defined in the DPDK-named headers (rte_dev.h, rte_devargs.h, rte_class.h, bus_driver.h,
 * dev_driver.h); src/abi/dev.rs holds their Rust twins with the same layouts.
 */
#ifndef RTEMEM_DEV_TYPES_H
#define RTEMEM_DEV_TYPES_H

#ifdef __cplusplus
extern "C" {
#endif

struct rte_bus;
struct rte_class;
struct rte_devargs;
struct rte_device;
struct rte_driver;
struct rte_dev_iterator;

/** Device events (rte_dev_event_callback_register()). */
enum rte_dev_event_type {
	RTE_DEV_EVENT_ADD,    /**< A device appeared. */
	RTE_DEV_EVENT_REMOVE, /**< A device is going away. */
	RTE_DEV_EVENT_MAX     /**< Number of event types. */
};

/** Told of an event on the device named device_name. */
typedef void (*rte_dev_event_cb_fn)(const char *device_name, enum rte_dev_event_type event,
		void *cb_arg);
/** 0 when dev matches data (device searches). */
typedef int (*rte_dev_cmp_t)(const struct rte_device *dev, const void *data);
/** 0 when bus matches data (rte_bus_find()). */
typedef int (*rte_bus_cmp_t)(const struct rte_bus *bus, const void *data);
/** 0 when cls matches data (rte_class_find()). */
typedef int (*rte_class_cmp_t)(const struct rte_class *cls, const void *data);
/** The next device after start that matches devstr (a layer's parameters); NULL at the end. */
typedef void *(*rte_dev_iterate_t)(const void *start, const char *devstr,
		const struct rte_dev_iterator *it);

#ifdef __cplusplus
}
#endif

#endif /* RTEMEM_DEV_TYPES_H */
