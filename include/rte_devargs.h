/*
 * rtemem: device arguments (DPDK 22.11's rte_devargs.h): what -a, -b and --vdev name, parsed
 * into struct rte_devargs and kept on the EAL's list for the buses to read.
 *
 * A listed devargs and its data come from the C library's allocator (calloc/strdup):
 * rte_devargs_insert and rte_devargs_remove may free them.
 */
#ifndef _RTE_DEVARGS_H_
#define _RTE_DEVARGS_H_

#include <stdio.h>

#include <rte_compat.h>
#include <rte_dev.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Layer keys of the layered syntax "bus=X,.../class=Y,.../driver=Z,...". */
#define RTE_DEVARGS_KEY_BUS "bus"
#define RTE_DEVARGS_KEY_CLASS "class"
#define RTE_DEVARGS_KEY_DRIVER "driver"

/** How a device was named on the command line. */
enum rte_devtype {
	RTE_DEVTYPE_ALLOWED, /**< -a */
	RTE_DEVTYPE_BLOCKED, /**< -b */
	RTE_DEVTYPE_VIRTUAL, /**< --vdev */
};

/** A parsed device string. */
struct rte_devargs {
	RTE_TAILQ_ENTRY(rte_devargs) next; /**< Links of the EAL's list. */
	enum rte_devtype type;             /**< How it was named. */
	enum rte_dev_policy policy;        /**< Allowed or blocked. */
	char name[RTE_DEV_NAME_MAX_LEN];   /**< The device's name. */
	RTE_STD_C11
	union {
		const char *args;    /**< Legacy syntax: the arguments after the name. */
		const char *drv_str; /**< Layered syntax: the driver layer. */
	};
	struct rte_bus *bus;   /**< The bus that takes the device. */
	struct rte_class *cls; /**< The class layer's class. */
	const char *bus_str;   /**< The bus layer. */
	const char *cls_str;   /**< The class layer. */
	char *data;            /**< The string the pointers above point into. */
};

#ifndef __cplusplus
_Static_assert(sizeof(struct rte_devargs) == 136, "struct rte_devargs is DPDK's size");
_Static_assert(offsetof(struct rte_devargs, data) == 128, "rte_devargs.data offset");
#endif

int rte_devargs_parse(struct rte_devargs *da, const char *dev);
int rte_devargs_parsef(struct rte_devargs *da, const char *format, ...)
	__rte_format_printf(2, 0);
__rte_experimental
void rte_devargs_reset(struct rte_devargs *da);
int rte_devargs_insert(struct rte_devargs **da);
int rte_devargs_add(enum rte_devtype devtype, const char *devargs_str);
int rte_devargs_remove(struct rte_devargs *devargs);
unsigned int rte_devargs_type_count(enum rte_devtype devtype);
void rte_devargs_dump(FILE *f);
struct rte_devargs *rte_devargs_next(const char *busname, const struct rte_devargs *start);

/** Walks the listed devargs of one bus (every bus when busname is NULL). */
#define RTE_EAL_DEVARGS_FOREACH(busname, da) \
	for (da = rte_devargs_next(busname, NULL); \
	     da != NULL; \
	     da = rte_devargs_next(busname, da))

#ifdef __cplusplus
}
#endif

#endif /* _RTE_DEVARGS_H_ */
