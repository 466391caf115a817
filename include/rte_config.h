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

/*
 * Settings of the libraries built on the EAL, with DPDK 22.11's values: DPDK's own headers
 * (rte_mempool.h, rte_eventdev.h, ...) size their structs with them when they are compiled
 * against rtemem's EAL headers (rtemem's libdpdk.pc).
 */
#define RTE_CONTIGMEM_MAX_NUM_BUFS 64
#define RTE_CONTIGMEM_DEFAULT_NUM_BUFS 1
#define RTE_CONTIGMEM_DEFAULT_BUF_SIZE (512*1024*1024)
#define RTE_MEMPOOL_CACHE_MAX_SIZE 512
#define RTE_MBUF_DEFAULT_MEMPOOL_OPS "ring_mp_mc"
#define RTE_PKTMBUF_HEADROOM 128
#define RTE_MAX_QUEUES_PER_PORT 1024
#define RTE_ETHDEV_QUEUE_STAT_CNTRS 16
#define RTE_ETHDEV_RXTX_CALLBACKS 1
#define RTE_MAX_MULTI_HOST_CTRLS 4
#define RTE_CRYPTO_MAX_DEVS 64
#define RTE_CRYPTODEV_NAME_LEN 64
#define RTE_CRYPTO_CALLBACKS 1
#define RTE_COMPRESS_MAX_DEVS 64
#define RTE_MAX_REGEXDEV_DEVS 32
#define RTE_EVENT_MAX_DEVS 16
#define RTE_EVENT_MAX_PORTS_PER_DEV 255
#define RTE_EVENT_MAX_QUEUES_PER_DEV 255
#define RTE_EVENT_TIMER_ADAPTER_NUM_MAX 32
#define RTE_EVENT_ETH_INTR_RING_SIZE 1024
#define RTE_EVENT_CRYPTO_ADAPTER_MAX_INSTANCE 32
#define RTE_EVENT_ETH_TX_ADAPTER_MAX_INSTANCE 32
#define RTE_RAWDEV_MAX_DEVS 64
#define RTE_LIBRTE_IP_FRAG_MAX_FRAG 8
#define RTE_MAX_LCORE_FREQS 64
#define RTE_GRAPH_BURST_SIZE 256
#define RTE_LIBRTE_GRAPH_STATS 1

/* Driver settings (for code that includes a driver's public header). */
#define RTE_PMD_PACKET_PREFETCH 1
#define RTE_PMD_QAT_MAX_PCI_DEVICES 48
#define RTE_PMD_QAT_COMP_SGL_MAX_SEGMENTS 16
#define RTE_PMD_QAT_COMP_IM_BUFFER_SIZE 65536
#define RTE_MAX_VIRTIO_CRYPTO 32
#define RTE_LIBRTE_DPAA_MAX_CRYPTODEV 4
#define RTE_LIBRTE_FM10K_RX_OLFLAGS_ENABLE 1
#define RTE_LIBRTE_HNS3_MAX_TQP_NUM_PER_PF 256
#define RTE_LIBRTE_I40E_RX_ALLOW_BULK_ALLOC 1
#define RTE_LIBRTE_I40E_QUEUE_NUM_PER_PF 64
#define RTE_LIBRTE_I40E_QUEUE_NUM_PER_VF 4
#define RTE_LIBRTE_I40E_QUEUE_NUM_PER_VM 4
#define RTE_PMD_RING_MAX_RX_RINGS 16
#define RTE_PMD_RING_MAX_TX_RINGS 16
#define RTE_LIBRTE_QEDE_FW ""

#endif /* _RTE_CONFIG_H_ */
