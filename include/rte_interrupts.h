/*
 * rtemem: interrupts (DPDK 22.11's rte_interrupts.h).
 *
 * An interrupt instance (struct rte_intr_handle) is opaque: allocate it with
 * rte_intr_instance_alloc() and reach its fields through the rte_intr_* accessors. Callbacks
 * registered for an instance's fd run on the EAL's interrupt thread.
 *
 * Most prototypes are generated into rtemem.h; they are repeated here with DPDK's stability
 * markers (__rte_experimental, __rte_internal), and the two that take or return the handle
 * type enum are declared here only.
 */
#ifndef _RTE_INTERRUPTS_H_
#define _RTE_INTERRUPTS_H_

#include <stdbool.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_epoll.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_intr_handle;

/** The instance lives in this process's memory. */
#define RTE_INTR_INSTANCE_F_PRIVATE     UINT32_C(0)
/** The instance lives in rte_malloc memory: every process of the prefix can read it. */
#define RTE_INTR_INSTANCE_F_SHARED      RTE_BIT32(0)

/** Rx/Tx interrupt vectors an instance has room for. */
#define RTE_MAX_RXTX_INTR_VEC_ID      512
/** Vector 0: the device's own (non-queue) interrupt. */
#define RTE_INTR_VEC_ZERO_OFFSET      0
/** The first Rx/Tx queue vector. */
#define RTE_INTR_VEC_RXTX_OFFSET      1

/** What kind of device an instance's fd belongs to. */
enum rte_intr_handle_type {
	RTE_INTR_HANDLE_UNKNOWN = 0,  /**< unknown (reads 1 byte per interrupt) */
	RTE_INTR_HANDLE_UIO,          /**< uio device */
	RTE_INTR_HANDLE_UIO_INTX,     /**< uio_pci_generic device */
	RTE_INTR_HANDLE_VFIO_LEGACY,  /**< VFIO device, INTx */
	RTE_INTR_HANDLE_VFIO_MSI,     /**< VFIO device, MSI */
	RTE_INTR_HANDLE_VFIO_MSIX,    /**< VFIO device, MSI-X */
	RTE_INTR_HANDLE_ALARM,        /**< the alarm timer */
	RTE_INTR_HANDLE_EXT,          /**< external: nothing is read, callbacks clear it */
	RTE_INTR_HANDLE_VDEV,         /**< virtual device */
	RTE_INTR_HANDLE_DEV_EVENT,    /**< device event (hotplug uevents) */
	RTE_INTR_HANDLE_VFIO_REQ,     /**< VFIO device removal request */
	RTE_INTR_HANDLE_MAX           /**< number of types */
};

/* ---- callbacks on the interrupt thread ------------------------------------------------------ */

int rte_intr_callback_register(const struct rte_intr_handle *intr_handle,
		rte_intr_callback_fn cb, void *cb_arg);
int rte_intr_callback_unregister(const struct rte_intr_handle *intr_handle,
		rte_intr_callback_fn cb, void *cb_arg);
int rte_intr_callback_unregister_pending(const struct rte_intr_handle *intr_handle,
		rte_intr_callback_fn cb_fn, void *cb_arg, rte_intr_unregister_callback_fn ucb_fn);
__rte_experimental
int rte_intr_callback_unregister_sync(const struct rte_intr_handle *intr_handle,
		rte_intr_callback_fn cb, void *cb_arg);

/* ---- device interrupts ------------------------------------------------------------------------- */

int rte_intr_enable(const struct rte_intr_handle *intr_handle);
int rte_intr_disable(const struct rte_intr_handle *intr_handle);
int rte_intr_ack(const struct rte_intr_handle *intr_handle);

/** Non-zero on the EAL's interrupt thread. */
int rte_thread_is_intr(void);

/* ---- instances ------------------------------------------------------------------------------------ */

__rte_experimental
struct rte_intr_handle *rte_intr_instance_alloc(uint32_t flags);
__rte_experimental
void rte_intr_instance_free(struct rte_intr_handle *intr_handle);
__rte_experimental
int rte_intr_fd_set(struct rte_intr_handle *intr_handle, int fd);
__rte_experimental
int rte_intr_fd_get(const struct rte_intr_handle *intr_handle);
/** Sets the handle type (any value is kept; an unknown one fails in rte_intr_enable()). */
__rte_experimental
int rte_intr_type_set(struct rte_intr_handle *intr_handle, enum rte_intr_handle_type type);
/** The handle type; RTE_INTR_HANDLE_UNKNOWN with rte_errno EINVAL for NULL. */
__rte_experimental
enum rte_intr_handle_type rte_intr_type_get(const struct rte_intr_handle *intr_handle);

/* ---- for drivers and libraries (internal ABI) ----------------------------------------------- */

__rte_internal
int rte_intr_tls_epfd(void);
__rte_internal
int rte_intr_rx_ctl(struct rte_intr_handle *intr_handle, int epfd, int op, unsigned int vec,
		void *data);
__rte_internal
void rte_intr_free_epoll_fd(struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_efd_enable(struct rte_intr_handle *intr_handle, uint32_t nb_efd);
__rte_internal
void rte_intr_efd_disable(struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_dp_is_en(struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_allow_others(struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_cap_multiple(struct rte_intr_handle *intr_handle);
__rte_internal
struct rte_intr_handle *rte_intr_instance_dup(const struct rte_intr_handle *src);
__rte_internal
int rte_intr_dev_fd_set(struct rte_intr_handle *intr_handle, int fd);
__rte_internal
int rte_intr_dev_fd_get(const struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_max_intr_set(struct rte_intr_handle *intr_handle, int max_intr);
__rte_internal
int rte_intr_max_intr_get(const struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_nb_efd_set(struct rte_intr_handle *intr_handle, int nb_efd);
__rte_internal
int rte_intr_nb_efd_get(const struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_nb_intr_get(const struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_efd_counter_size_set(struct rte_intr_handle *intr_handle,
		uint8_t efd_counter_size);
__rte_internal
int rte_intr_efd_counter_size_get(const struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_efds_index_set(struct rte_intr_handle *intr_handle, int index, int fd);
__rte_internal
int rte_intr_efds_index_get(const struct rte_intr_handle *intr_handle, int index);
__rte_internal
int rte_intr_elist_index_set(struct rte_intr_handle *intr_handle, int index,
		struct rte_epoll_event elist);
__rte_internal
struct rte_epoll_event *rte_intr_elist_index_get(struct rte_intr_handle *intr_handle,
		int index);
__rte_internal
int rte_intr_vec_list_alloc(struct rte_intr_handle *intr_handle, const char *name, int size);
__rte_internal
int rte_intr_vec_list_index_set(struct rte_intr_handle *intr_handle, int index, int vec);
__rte_internal
int rte_intr_vec_list_index_get(const struct rte_intr_handle *intr_handle, int index);
__rte_internal
void rte_intr_vec_list_free(struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_event_list_update(struct rte_intr_handle *intr_handle, int size);
__rte_internal
void *rte_intr_instance_windows_handle_get(struct rte_intr_handle *intr_handle);
__rte_internal
int rte_intr_instance_windows_handle_set(struct rte_intr_handle *intr_handle,
		void *windows_handle);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_INTERRUPTS_H_ */
