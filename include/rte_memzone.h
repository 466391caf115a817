/*
 * rtemem: memzones, named areas of reserved memory (DPDK 22.11's rte_memzone.h).
 *
 * struct rte_memzone holds an anonymous union and is declared here by hand (src/abi.rs has the
 * Rust twin; both assert 72 bytes, packed). The RTE_MEMZONE_* flags and RTE_MEMZONE_NAMESIZE
 * come from rtemem.h. The prototypes repeat DPDK's; the compiler checks them against rtemem.h.
 */
#ifndef _RTE_MEMZONE_H_
#define _RTE_MEMZONE_H_

#include <stdio.h>

#include <rte_common.h>
#include <rte_memory.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A named, reserved area of memory. */
struct rte_memzone {
	char name[RTE_MEMZONE_NAMESIZE]; /**< Name, NUL-terminated. */
	rte_iova_t iova;                 /**< IO address of the start. */
	RTE_STD_C11
	union {
		void *addr;       /**< Virtual address of the start. */
		uint64_t addr_64; /**< The address as 64 bits. */
	};
	size_t len;           /**< Length. */
	uint64_t hugepage_sz; /**< Page size of the memory behind it. */
	int32_t socket_id;    /**< NUMA socket. */
	uint32_t flags;       /**< The RTE_MEMZONE_* flags it was reserved with. */
} __rte_packed;

#ifndef __cplusplus
_Static_assert(sizeof(struct rte_memzone) == 72, "struct rte_memzone is DPDK's size");
_Static_assert(offsetof(struct rte_memzone, addr) == 40, "rte_memzone.addr offset");
_Static_assert(offsetof(struct rte_memzone, flags) == 68, "rte_memzone.flags offset");
#endif

const struct rte_memzone *rte_memzone_reserve(const char *name, size_t len, int socket_id,
		unsigned flags);
const struct rte_memzone *rte_memzone_reserve_aligned(const char *name, size_t len,
		int socket_id, unsigned flags, unsigned align);
const struct rte_memzone *rte_memzone_reserve_bounded(const char *name, size_t len,
		int socket_id, unsigned flags, unsigned align, unsigned bound);
int rte_memzone_free(const struct rte_memzone *mz);
const struct rte_memzone *rte_memzone_lookup(const char *name);
void rte_memzone_dump(FILE *f);
void rte_memzone_walk(void (*func)(const struct rte_memzone *, void *arg), void *arg);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_MEMZONE_H_ */
