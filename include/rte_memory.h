/*
 * rtemem: memory segments (DPDK 22.11's rte_memory.h).
 *
 * struct rte_memseg and struct rte_memseg_list hold anonymous unions, which cbindgen cannot
 * write, so they are declared here by hand; src/abi.rs declares the same layouts in Rust and
 * both sides assert DPDK's sizes. Callback types and enum rte_mem_event are in rtemem_types.h.
 * The prototypes below repeat DPDK's exactly; rtemem.h declares the same functions from the
 * Rust sources, and the compiler rejects any difference between the two.
 */
#ifndef _RTE_MEMORY_H_
#define _RTE_MEMORY_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_fbarray.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RTE_PGSIZE_4K (1ULL << 12)
#define RTE_PGSIZE_64K (1ULL << 16)
#define RTE_PGSIZE_256K (1ULL << 18)
#define RTE_PGSIZE_2M (1ULL << 21)
#define RTE_PGSIZE_16M (1ULL << 24)
#define RTE_PGSIZE_256M (1ULL << 28)
#define RTE_PGSIZE_512M (1ULL << 29)
#define RTE_PGSIZE_1G (1ULL << 30)
#define RTE_PGSIZE_4G (1ULL << 32)
#define RTE_PGSIZE_16G (1ULL << 34)

/** One page of memory the EAL manages. */
struct rte_memseg {
	rte_iova_t iova; /**< IO address of the start. */
	RTE_STD_C11
	union {
		void *addr;       /**< Virtual address of the start. */
		uint64_t addr_64; /**< The address as 64 bits. */
	};
	size_t len;           /**< Length. */
	uint64_t hugepage_sz; /**< Page size of the memory behind it. */
	int32_t socket_id;    /**< NUMA socket. */
	uint32_t nchannel;    /**< Memory channels. */
	uint32_t nrank;       /**< Memory ranks. */
	uint32_t flags;       /**< RTE_MEMSEG_FLAG_* bits. */
} __rte_packed;

/** The segments of one page size on one socket, over one reserved VA range. */
struct rte_memseg_list {
	RTE_STD_C11
	union {
		void *base_va;    /**< Start of the VA range. */
		uint64_t addr_64; /**< The address as 64 bits. */
	};
	uint64_t page_sz;          /**< Page size of every segment. */
	int socket_id;             /**< Socket of every segment. */
	volatile uint32_t version; /**< Bumped on change, for secondaries to resync. */
	size_t len;                /**< Length of the VA range. */
	unsigned int external;     /**< 1 for external memory. */
	unsigned int heap;         /**< 1 when a malloc heap uses the list. */
	struct rte_fbarray memseg_arr; /**< The segments. */
};

#ifndef __cplusplus
_Static_assert(sizeof(struct rte_memseg) == 48, "struct rte_memseg is DPDK's size");
_Static_assert(offsetof(struct rte_memseg, flags) == 44, "rte_memseg.flags offset");
_Static_assert(sizeof(struct rte_memseg_list) == 136, "struct rte_memseg_list is DPDK's size");
_Static_assert(offsetof(struct rte_memseg_list, memseg_arr) == 40, "rte_memseg_list.memseg_arr");
#endif

int rte_mem_lock_page(const void *virt);
phys_addr_t rte_mem_virt2phy(const void *virt);
rte_iova_t rte_mem_virt2iova(const void *virt);
void *rte_mem_iova2virt(rte_iova_t iova);
struct rte_memseg *rte_mem_virt2memseg(const void *virt, const struct rte_memseg_list *msl);
struct rte_memseg_list *rte_mem_virt2memseg_list(const void *virt);

int rte_memseg_walk(rte_memseg_walk_t func, void *arg);
int rte_memseg_contig_walk(rte_memseg_contig_walk_t func, void *arg);
int rte_memseg_list_walk(rte_memseg_list_walk_t func, void *arg);
int rte_memseg_walk_thread_unsafe(rte_memseg_walk_t func, void *arg);
int rte_memseg_contig_walk_thread_unsafe(rte_memseg_contig_walk_t func, void *arg);
int rte_memseg_list_walk_thread_unsafe(rte_memseg_list_walk_t func, void *arg);
int rte_memseg_get_fd(const struct rte_memseg *ms);
int rte_memseg_get_fd_thread_unsafe(const struct rte_memseg *ms);
int rte_memseg_get_fd_offset(const struct rte_memseg *ms, size_t *offset);
int rte_memseg_get_fd_offset_thread_unsafe(const struct rte_memseg *ms, size_t *offset);

int rte_extmem_register(void *va_addr, size_t len, rte_iova_t iova_addrs[],
		unsigned int n_pages, size_t page_sz);
int rte_extmem_unregister(void *va_addr, size_t len);
int rte_extmem_attach(void *va_addr, size_t len);
int rte_extmem_detach(void *va_addr, size_t len);

void rte_dump_physmem_layout(FILE *f);
uint64_t rte_eal_get_physmem_size(void);
unsigned rte_memory_get_nchannel(void);
unsigned rte_memory_get_nrank(void);
int rte_mem_check_dma_mask(uint8_t maskbits);
int rte_mem_check_dma_mask_thread_unsafe(uint8_t maskbits);
void rte_mem_set_dma_mask(uint8_t maskbits);
int rte_eal_using_phys_addrs(void);

int rte_mem_event_callback_register(const char *name, rte_mem_event_callback_t clb, void *arg);
int rte_mem_event_callback_unregister(const char *name, void *arg);
int rte_mem_alloc_validator_register(const char *name, rte_mem_alloc_validator_t clb,
		int socket_id, size_t limit);
int rte_mem_alloc_validator_unregister(const char *name, int socket_id);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_MEMORY_H_ */
