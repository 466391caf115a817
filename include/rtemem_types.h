/*
 * rtemem: C types that cbindgen cannot derive from the Rust sources. Included by rtemem.h
 * before its prototypes, so everything a generated prototype names is known here.
 * Values and layouts are DPDK 22.11's (ABI 23); src/abi.rs asserts the same layouts in Rust.
 */
#ifndef RTEMEM_TYPES_H
#define RTEMEM_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <sched.h>

#include <rtemem_dev_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Structs defined in the DPDK-named headers (rte_memory.h, rte_memzone.h, rte_tailq.h, ...);
 * declared here so that generated prototypes can name them before their definition is seen. */
struct rte_memseg;
struct rte_memseg_list;
struct rte_memzone;
struct rte_fbarray;
struct rte_tailq_elem;
struct rte_tailq_head;
/* Opaque in DPDK 22.11 (rte_interrupts.h): only the rte_intr_* accessors see inside. */
struct rte_intr_handle;

/** A CPU set, as DPDK's rte_cpuset_t on Linux; like DPDK, only when <sched.h> exposes
 * cpu_set_t (the program defined _GNU_SOURCE before its first system include). */
#ifdef CPU_SETSIZE
typedef cpu_set_t rte_cpuset_t;
#define RTE_HAS_CPUSET
#endif

/** The function an lcore runs (rte_eal_remote_launch). */
typedef int (lcore_function_t)(void *);

/** A trace point: its event size, id, mode and enabled bits (rte_trace_point.h). */
typedef uint64_t rte_trace_point_t;

/**
 * DPDK's reader-writer lock (generic/rte_rwlock.h). Readers add 4 (RTE_RWLOCK_READ);
 * bit 0 marks a waiting writer (RTE_RWLOCK_WAIT), bit 1 a writer holding it (RTE_RWLOCK_WRITE).
 */
typedef struct {
	int32_t cnt;
} rte_rwlock_t;

/** DPDK's spinlock (generic/rte_spinlock.h): 0 free, 1 taken. */
typedef struct {
	volatile int locked;
} rte_spinlock_t;

/** IOVA (I/O virtual address). */
typedef uint64_t rte_iova_t;
/** Physical address. */
typedef uint64_t phys_addr_t;

/* ---- memory (rte_memory.h) ------------------------------------------------------------- */

/** What happened to a range of memory (passed to rte_mem_event_callback_t). */
enum rte_mem_event {
	RTE_MEM_EVENT_ALLOC = 0, /**< The range was added to the memory map. */
	RTE_MEM_EVENT_FREE,      /**< The range is about to leave the memory map. */
};

/** Called for each segment by rte_memseg_walk(); return 0 to go on, 1 to stop, -1 on error. */
typedef int (*rte_memseg_walk_t)(const struct rte_memseg_list *msl,
		const struct rte_memseg *ms, void *arg);
/** Called for each run of contiguous segments by rte_memseg_contig_walk(); len is the run's. */
typedef int (*rte_memseg_contig_walk_t)(const struct rte_memseg_list *msl,
		const struct rte_memseg *ms, size_t len, void *arg);
/** Called for each memseg list by rte_memseg_list_walk(). */
typedef int (*rte_memseg_list_walk_t)(const struct rte_memseg_list *msl, void *arg);
/** Told when memory enters or leaves the map (rte_mem_event_callback_register()). */
typedef void (*rte_mem_event_callback_t)(enum rte_mem_event event_type,
		const void *addr, size_t len, void *arg);
/** Asked before a socket's memory grows past a limit; return 0 to allow it. */
typedef int (*rte_mem_alloc_validator_t)(int socket_id, size_t cur_limit, size_t new_len);

/* ---- malloc (rte_malloc.h) ------------------------------------------------------------- */

/** Statistics of one malloc heap (rte_malloc_get_socket_stats()). */
struct rte_malloc_socket_stats {
	size_t heap_totalsz_bytes; /**< Bytes in the heap. */
	size_t heap_freesz_bytes;  /**< Free bytes. */
	size_t greatest_free_size; /**< Largest free element. */
	unsigned free_count;       /**< Free elements. */
	unsigned alloc_count;      /**< Allocated elements. */
	size_t heap_allocsz_bytes; /**< Allocated bytes. */
};

/* ---- multi-process IPC (rte_eal.h) ------------------------------------------------------ */

/** File descriptors one message can carry. */
#define RTE_MP_MAX_FD_NUM 8
/** Length of an action name, NUL included. */
#define RTE_MP_MAX_NAME_LEN 64
/** Parameter bytes one message can carry. */
#define RTE_MP_MAX_PARAM_LEN 256

/** One message between EAL processes. */
struct rte_mp_msg {
	char name[RTE_MP_MAX_NAME_LEN]; /**< Action name. */
	int len_param;                  /**< Bytes of param in use. */
	int num_fds;                    /**< Entries of fds in use. */
	uint8_t param[RTE_MP_MAX_PARAM_LEN];
	int fds[RTE_MP_MAX_FD_NUM];
};

/** Replies gathered by rte_mp_request_sync(); the caller frees msgs with free(). */
struct rte_mp_reply {
	int nb_sent;
	int nb_received;
	struct rte_mp_msg *msgs;
};

/** Handler of an IPC action; peer identifies the sender for rte_mp_reply(). */
typedef int (*rte_mp_t)(const struct rte_mp_msg *msg, const void *peer);
/** Called with the replies of rte_mp_request_async(). */
typedef int (*rte_mp_async_reply_t)(const struct rte_mp_msg *request,
		const struct rte_mp_reply *reply);

#ifndef __cplusplus
_Static_assert(sizeof(rte_rwlock_t) == 4, "rte_rwlock_t is DPDK's size");
_Static_assert(sizeof(struct rte_malloc_socket_stats) == 40, "rte_malloc_socket_stats size");
_Static_assert(offsetof(struct rte_malloc_socket_stats, heap_allocsz_bytes) == 32,
	"rte_malloc_socket_stats.heap_allocsz_bytes offset");
_Static_assert(sizeof(struct rte_mp_msg) == 360, "rte_mp_msg size");
_Static_assert(offsetof(struct rte_mp_msg, fds) == 328, "rte_mp_msg.fds offset");
_Static_assert(sizeof(struct rte_mp_reply) == 16, "rte_mp_reply size");
#endif

#ifdef __cplusplus
}
#endif

#endif /* RTEMEM_TYPES_H */
