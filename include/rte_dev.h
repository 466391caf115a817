/*
 * rtemem: devices and drivers as applications see them (DPDK 22.11's rte_dev.h).
 *
 * struct rte_device and struct rte_driver stay opaque here, as in DPDK 22.11; drivers get
 * them from dev_driver.h. The iterator walks the devices that a layered device string
 * ("bus=vdev,name=x/class=eth") selects. Prototypes repeat DPDK's; the compiler checks them
 * against rtemem.h.
 */
#ifndef _RTE_DEV_H_
#define _RTE_DEV_H_

#include <stdio.h>

#include <rte_common.h>
#include <rte_compat.h>
#include <rte_config.h>
#include <rte_log.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/* enum rte_dev_event_type, rte_dev_event_cb_fn, rte_dev_cmp_t and rte_dev_iterate_t come
 * from rtemem_dev_types.h (through rtemem.h). */

/** Deprecated: return retval from the calling function when func is NULL. */
#define RTE_FUNC_PTR_OR_ERR_RET(func, retval) do { \
	if ((func) == NULL) \
		return retval; \
} while (0)

/** Deprecated: return from the calling function when func is NULL. */
#define RTE_FUNC_PTR_OR_RET(func) do { \
	if ((func) == NULL) \
		return; \
} while (0)

/** Whether a device named by the user may be probed. */
enum rte_dev_policy {
	RTE_DEV_ALLOWED, /**< May be probed. */
	RTE_DEV_BLOCKED, /**< Must not be probed. */
};

/** A device memory resource (a PCI BAR, for instance). */
struct rte_mem_resource {
	uint64_t phys_addr; /**< Physical address; 0 when there is none. */
	uint64_t len;       /**< Length. */
	void *addr;         /**< Virtual address; NULL while not mapped. */
};

/** Longest device name, NUL included. */
#define RTE_DEV_NAME_MAX_LEN 64

const char *rte_driver_name(const struct rte_driver *driver);
const struct rte_bus *rte_dev_bus(const struct rte_device *dev);
const char *rte_dev_bus_info(const struct rte_device *dev);
const struct rte_devargs *rte_dev_devargs(const struct rte_device *dev);
const struct rte_driver *rte_dev_driver(const struct rte_device *dev);
const char *rte_dev_name(const struct rte_device *dev);
int rte_dev_numa_node(const struct rte_device *dev);
int rte_dev_is_probed(const struct rte_device *dev);

/* Hotplug: probe or remove a device in every process of the prefix. */
int rte_eal_hotplug_add(const char *busname, const char *devname, const char *drvargs);
int rte_dev_probe(const char *devargs);
int rte_eal_hotplug_remove(const char *busname, const char *devname);
int rte_dev_remove(struct rte_device *dev);

/* What the PMD info tools read from a driver object. */
#define RTE_PMD_EXPORT_NAME_ARRAY(n, idx) n##idx[]
#define RTE_PMD_EXPORT_NAME(name, idx) \
static const char RTE_PMD_EXPORT_NAME_ARRAY(this_pmd_name, idx) \
__rte_used = RTE_STR(name)
#define DRV_EXP_TAG(name, tag) __##name##_##tag
#define RTE_PMD_REGISTER_PCI_TABLE(name, table) \
static const char DRV_EXP_TAG(name, pci_tbl_export)[] __rte_used = \
RTE_STR(table)
#define RTE_PMD_REGISTER_PARAM_STRING(name, str) \
static const char DRV_EXP_TAG(name, param_string_export)[] \
__rte_used = str
#define RTE_PMD_REGISTER_KMOD_DEP(name, str) \
static const char DRV_EXP_TAG(name, kmod_dep_export)[] \
__rte_used = str

/** Where a device walk stands (RTE_DEV_FOREACH). */
struct rte_dev_iterator {
	const char *dev_str;      /**< The whole device string. */
	const char *bus_str;      /**< Its bus layer, or NULL. */
	const char *cls_str;      /**< Its class layer, or NULL. */
	struct rte_bus *bus;      /**< The bus being walked. */
	struct rte_class *cls;    /**< The class being walked. */
	struct rte_device *device; /**< The current device. */
	void *class_device;       /**< The current class device (an ethdev port, ...). */
};

#ifndef __cplusplus
_Static_assert(sizeof(struct rte_dev_iterator) == 56, "struct rte_dev_iterator is DPDK's size");
#endif

__rte_experimental
int rte_dev_iterator_init(struct rte_dev_iterator *it, const char *str);
__rte_experimental
struct rte_device *rte_dev_iterator_next(struct rte_dev_iterator *it);

/** Walks the devices that devstr selects. */
#define RTE_DEV_FOREACH(dev, devstr, it) \
	for (rte_dev_iterator_init(it, devstr), \
	     dev = rte_dev_iterator_next(it); \
	     dev != NULL; \
	     dev = rte_dev_iterator_next(it))

__rte_experimental
int rte_dev_event_callback_register(const char *device_name, rte_dev_event_cb_fn cb_fn,
		void *cb_arg);
__rte_experimental
int rte_dev_event_callback_unregister(const char *device_name, rte_dev_event_cb_fn cb_fn,
		void *cb_arg);
__rte_experimental
void rte_dev_event_callback_process(const char *device_name, enum rte_dev_event_type event);
__rte_experimental
int rte_dev_event_monitor_start(void);
__rte_experimental
int rte_dev_event_monitor_stop(void);
__rte_experimental
int rte_dev_hotplug_handle_enable(void);
__rte_experimental
int rte_dev_hotplug_handle_disable(void);
__rte_experimental
int rte_dev_dma_map(struct rte_device *dev, void *addr, uint64_t iova, size_t len);
__rte_experimental
int rte_dev_dma_unmap(struct rte_device *dev, void *addr, uint64_t iova, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_DEV_H_ */
