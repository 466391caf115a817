/*
 * rtemem: DPDK 22.11's compile-time configuration (rte_config.h). Programs get it with
 * `-include rte_config.h` (pkg-config --cflags adds that); like DPDK's, it includes no system
 * header. Values marked (*) are also Rust constants; see rte_build_config.h.
 */
#ifndef _RTE_CONFIG_H_
#define _RTE_CONFIG_H_

#include <rte_build_config.h>

/* Names older code still tests. */
#ifdef RTE_EXEC_ENV_LINUX
#define RTE_EXEC_ENV_LINUXAPP 1
#endif

/* Printed before the version number by rte_version(). */
#define RTE_VER_PREFIX "DPDK"

/* EAL limits. */
#define RTE_MAX_HEAPS 32 /* (*) */
#define RTE_MAX_MEMSEG_LISTS 128 /* (*) */
#define RTE_MAX_MEMSEG_PER_LIST 8192 /* (*) */
#define RTE_MAX_MEM_MB_PER_LIST 32768 /* (*) */
#define RTE_MAX_MEMSEG_PER_TYPE 32768 /* (*) */
#define RTE_MAX_MEM_MB_PER_TYPE 65536 /* (*) */
#define RTE_MAX_MEMZONE 2560 /* (*) */
#define RTE_MAX_TAILQ 32 /* (*) */
#define RTE_LOG_DP_LEVEL RTE_LOG_INFO
#define RTE_MAX_VFIO_CONTAINERS 64

/* Limits of libraries built on the EAL, for code written against a full DPDK. */
#define RTE_MEMPOOL_CACHE_MAX_SIZE 512
#define RTE_MBUF_DEFAULT_MEMPOOL_OPS "ring_mp_mc"
#define RTE_PKTMBUF_HEADROOM 128
#define RTE_MAX_QUEUES_PER_PORT 1024
#define RTE_ETHDEV_QUEUE_STAT_CNTRS 16
#define RTE_ETHDEV_RXTX_CALLBACKS 1
#define RTE_MAX_LCORE_FREQS 64

#endif /* _RTE_CONFIG_H_ */
