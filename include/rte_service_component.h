/*
 * rtemem: the component side of services (DPDK 22.11's rte_service_component.h):
 * struct rte_service_spec, rte_service_component_register/_unregister/_runstate_set,
 * rte_service_start_with_defaults and rte_service_finalize, all from rtemem.h.
 */
#ifndef _SERVICE_PRIVATE_H_
#define _SERVICE_PRIVATE_H_

#include <rte_service.h>

#endif /* _SERVICE_PRIVATE_H_ */
