/*
 * rtemem: device classes (DPDK 22.11's rte_class.h). A class (ethdev's "eth", ...) registers
 * itself from a constructor and lets the device iterator walk its class devices.
 */
#ifndef _RTE_CLASS_H_
#define _RTE_CLASS_H_

#include <rte_compat.h>
#include <rte_dev.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A list of classes. */
RTE_TAILQ_HEAD(rte_class_list, rte_class);

/** A device class. */
struct rte_class {
	RTE_TAILQ_ENTRY(rte_class) next; /**< Links of the EAL's list. */
	const char *name;                /**< Its name, e.g. "eth". */
	rte_dev_iterate_t dev_iterate;   /**< Walks its class devices. */
};

#ifndef __cplusplus
_Static_assert(sizeof(struct rte_class) == 32, "struct rte_class is DPDK's size");
#endif

__rte_experimental
struct rte_class *rte_class_find(const struct rte_class *start, rte_class_cmp_t cmp,
		const void *data);
__rte_experimental
struct rte_class *rte_class_find_by_name(const char *name);
__rte_experimental
void rte_class_register(struct rte_class *cls);
__rte_experimental
void rte_class_unregister(struct rte_class *cls);

/** Registers class `cls` under the name `nm` at load time. */
#define RTE_REGISTER_CLASS(nm, cls) \
RTE_INIT_PRIO(classinitfn_ ##nm, CLASS) \
{\
	(cls).name = RTE_STR(nm); \
	rte_class_register(&cls); \
}

/** Unregisters class `cls` at unload time. */
#define RTE_UNREGISTER_CLASS(nm, cls) \
RTE_FINI_PRIO(classfinifn_ ##nm, CLASS) \
{ \
	rte_class_unregister(&cls); \
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_CLASS_H_ */
