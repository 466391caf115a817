/*
 * rtemem: the EAL's process-wide API (DPDK 22.11's rte_eal.h).
 *
 * Most prototypes are generated into rtemem.h from the Rust sources. Declared here by hand:
 * the enums, the functions that take or return them (rte_eal_process_type, rte_eal_iova_mode,
 * rte_eal_vfio_intr_mode, rte_eal_vfio_get_vf_token), the
 * inline rte_gettid(), and the multi-process prototypes, so their exact DPDK form is checked
 * against the generated one. IPC message structs and callback types live in rtemem_types.h.
 */
#ifndef _RTE_EAL_H_
#define _RTE_EAL_H_

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <rte_compat.h>
#include <rte_config.h>
#include <rte_per_lcore.h>
#include <rte_uuid.h>
#include <rte_pci_dev_feature_defs.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest thread name, NUL included. */
#define RTE_MAX_THREAD_NAME_LEN 16

/** The role of this process in a multi-process group. */
enum rte_proc_type_t {
	RTE_PROC_AUTO = -1,   /**< Decide at init: primary if none runs yet. */
	RTE_PROC_PRIMARY = 0, /**< Owns the shared memory. */
	RTE_PROC_SECONDARY,   /**< Attaches to a primary's memory. */
	RTE_PROC_INVALID
};

/** How devices address memory. */
enum rte_iova_mode {
	RTE_IOVA_DC = 0,        /**< Not decided / does not matter. */
	RTE_IOVA_PA = (1 << 0), /**< IO addresses are physical addresses. */
	RTE_IOVA_VA = (1 << 1)  /**< IO addresses are virtual addresses. */
};

/** The type of this process (primary or secondary). */
enum rte_proc_type_t rte_eal_process_type(void);

/** The IOVA mode the EAL runs in. */
enum rte_iova_mode rte_eal_iova_mode(void);

/** The interrupt mode VFIO devices use (--vfio-intr); RTE_INTR_MODE_NONE by default. */
enum rte_intr_mode rte_eal_vfio_intr_mode(void);

/** Copies the VF token (--vfio-vf-token, a UUID; all zero by default) into vf_token. */
__rte_experimental
void rte_eal_vfio_get_vf_token(unsigned char vf_token[16]);

/** Called instead of the EAL's usage text when --help or a bad option is seen. */
typedef void (*rte_usage_hook_t)(const char *prgname);

/* ---- multi-process IPC ------------------------------------------------------------------------ */

int rte_mp_action_register(const char *name, rte_mp_t action);
void rte_mp_action_unregister(const char *name);
int rte_mp_sendmsg(struct rte_mp_msg *msg);
int rte_mp_request_sync(struct rte_mp_msg *req, struct rte_mp_reply *reply,
		const struct timespec *ts);
int rte_mp_request_async(struct rte_mp_msg *req, const struct timespec *ts,
		rte_mp_async_reply_t clb);
int rte_mp_reply(struct rte_mp_msg *msg, const char *peer);
bool rte_mp_disable(void);

/* ---- thread id -------------------------------------------------------------------------------- */

/** The calling thread's kernel thread id (gettid()). */
int rte_sys_gettid(void);

RTE_DECLARE_PER_LCORE(int, _thread_id);

/** The calling thread's kernel thread id, cached per thread. */
static inline int
rte_gettid(void)
{
	if (RTE_PER_LCORE(_thread_id) == -1)
		RTE_PER_LCORE(_thread_id) = rte_sys_gettid();
	return RTE_PER_LCORE(_thread_id);
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_EAL_H_ */
