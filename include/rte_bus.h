/*
 * rtemem: buses as applications see them (DPDK 22.11's rte_bus.h). struct rte_bus is opaque
 * here; bus drivers define theirs with bus_driver.h.
 */
#ifndef _RTE_BUS_H_
#define _RTE_BUS_H_

#include <stdio.h>

#include <rte_eal.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

const char *rte_bus_name(const struct rte_bus *bus);
int rte_bus_scan(void);
int rte_bus_probe(void);
void rte_bus_dump(FILE *f);
struct rte_bus *rte_bus_find(const struct rte_bus *start, rte_bus_cmp_t cmp, const void *data);
struct rte_bus *rte_bus_find_by_device(const struct rte_device *dev);
struct rte_bus *rte_bus_find_by_name(const char *busname);
/** The IOVA mode the registered buses' devices need (DC when none or both). */
enum rte_iova_mode rte_bus_get_iommu_class(void);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_BUS_H_ */
