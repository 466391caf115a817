/*
 * rtemem: the shared-config locks (DPDK 22.11 rte_eal_memconfig.h).
 * The locks are process-shared; a process that dies holding one does not hang the others.
 */
#ifndef _RTE_EAL_MEMCONFIG_H_
#define _RTE_EAL_MEMCONFIG_H_

#include <stdbool.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Memory hotplug lock: readers walk memory, writers change it. */
void rte_mcfg_mem_read_lock(void);
void rte_mcfg_mem_read_unlock(void);
void rte_mcfg_mem_write_lock(void);
void rte_mcfg_mem_write_unlock(void);

/* Lock over the shared tailq lists. */
void rte_mcfg_tailq_read_lock(void);
void rte_mcfg_tailq_read_unlock(void);
void rte_mcfg_tailq_write_lock(void);
void rte_mcfg_tailq_write_unlock(void);

/* Lock over the mempool list. */
void rte_mcfg_mempool_read_lock(void);
void rte_mcfg_mempool_read_unlock(void);
void rte_mcfg_mempool_write_lock(void);
void rte_mcfg_mempool_write_unlock(void);

/* Timer subsystem lock. */
void rte_mcfg_timer_lock(void);
void rte_mcfg_timer_unlock(void);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_EAL_MEMCONFIG_H_ */
