/*
 * rtemem: services and service lcores (DPDK 22.11's rte_service.h).
 *
 * A service is a callback a component registers (rte_service_component.h) and service lcores
 * poll. The application maps services to service lcores, starts and stops both, and reads
 * their statistics. Every call returns 0 or a negative errno; the prototypes, the
 * RTE_SERVICE_* constants and struct rte_service_spec come from rtemem.h.
 */
#ifndef _RTE_SERVICE_H_
#define _RTE_SERVICE_H_

#include <stdio.h>
#include <stdint.h>

#include <rte_compat.h>
#include <rte_config.h>
#include <rte_lcore.h>
#include <rtemem.h>

#endif /* _RTE_SERVICE_H_ */
