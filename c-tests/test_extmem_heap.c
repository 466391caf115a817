/* Memory given to an external heap stays the heap's: rte_extmem_unregister refuses it (EBUSY)
 * and the heap keeps allocating from it; rte_malloc_heap_memory_remove then takes it back.
 * (DPDK 22.11 unregisters it and later crashes in the heap: no differential test.) Also the
 * socket id of plain external memory: its own, beyond the NUMA ids, as DPDK gives it. */
#include <sys/mman.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include "common.h"

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init: %s", rte_strerror(rte_errno));
	size_t pg = sysconf(_SC_PAGESIZE), len = 64 * pg;
	void *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	CHECK(a != MAP_FAILED, "mmap");
	CHECK(rte_malloc_heap_create("ext") == 0, "create: %s", rte_strerror(rte_errno));
	int s = rte_malloc_heap_get_socket("ext");
	CHECK(rte_malloc_heap_memory_add("ext", a, len, NULL, 0, pg) == 0, "add: %s", rte_strerror(rte_errno));
	rte_errno = 0;
	CHECK(rte_extmem_unregister(a, len) < 0 && rte_errno == EBUSY, "unregister of heap memory: %d", rte_errno);
	void *p = rte_malloc_socket("x", 1000, 0, s);
	CHECK(p != NULL && p >= a && (char *)p < (char *)a + len, "alloc after refused unregister");
	memset(p, 1, 1000);
	rte_free(p);
	CHECK(rte_malloc_heap_memory_remove("ext", a, len) == 0, "remove: %s", rte_strerror(rte_errno));
	CHECK(rte_malloc_heap_destroy("ext") == 0, "destroy: %s", rte_strerror(rte_errno));

	CHECK(rte_extmem_register(a, len, NULL, 0, pg) == 0, "register: %s", rte_strerror(rte_errno));
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(a);
	CHECK(msl != NULL && msl->socket_id >= RTE_MAX_NUMA_NODES && msl->socket_id != s && !msl->heap,
	      "extmem socket id %d (heap's was %d)", msl ? msl->socket_id : -1, s);
	rte_errno = 0;
	CHECK(rte_malloc_heap_memory_remove("nope", a, len) < 0 && rte_errno == ENOENT, "remove from no heap");
	CHECK(rte_extmem_unregister(a, len) == 0, "unregister: %s", rte_strerror(rte_errno));
	munmap(a, len);
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
