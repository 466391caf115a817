/*
 * rtemem demo: initialises the EAL from the command line, runs a function on every lcore,
 * and shows what memory the EAL set up. Written against DPDK's API only, so it builds
 * unchanged against DPDK 22.11 too.
 */
#include <inttypes.h>
#include <string.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

static int hello(void *arg)
{
	unsigned long *sums = arg;
	unsigned int id = rte_lcore_id();
	unsigned long s = 0;

	for (unsigned long i = 0; i <= 1000000; i++)
		s += i;
	sums[id] = s + id;
	return (int)id;
}

static int show_list(const struct rte_memseg_list *msl, void *arg)
{
	(void)arg;
	printf("  memseg list: %4" PRIu64 " KiB pages, socket %d, %u slots, %zu MiB of address space at %p\n",
	       msl->page_sz >> 10, msl->socket_id, msl->memseg_arr.len, msl->len >> 20, msl->base_va);
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned long sums[RTE_MAX_LCORE];
	unsigned int id;
	int ret = rte_eal_init(argc, argv);

	if (ret < 0) {
		fprintf(stderr, "demo: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	printf("demo: EAL up (%d arguments consumed), %s, IOVA as %s\n", ret,
	       rte_eal_has_hugepages() ? "hugepages" : "no hugepages (--no-huge)",
	       rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" : "VA");
	printf("demo: runtime dir %s, %u lcores, main lcore %u\n", rte_eal_get_runtime_dir(),
	       rte_lcore_count(), rte_get_main_lcore());

	rte_eal_mp_remote_launch(hello, sums, CALL_MAIN);
	RTE_LCORE_FOREACH(id) {
		int r = id == rte_get_main_lcore() ? (int)id : rte_eal_wait_lcore(id);
		printf("demo: lcore %u (cpu %u, socket %u) returned %d, computed %lu\n", id,
		       rte_lcore_to_cpu_id(id), rte_lcore_to_socket_id(id), r, sums[id]);
	}

	printf("demo: memory the EAL set up:\n");
	rte_memseg_list_walk(show_list, NULL);

	/* Reserve memory the two DPDK ways and show what we got. */
	char *buf = rte_zmalloc("demo", 1 << 20, 0);
	const struct rte_memzone *mz = rte_memzone_reserve_aligned("demo_zone", 4 << 20, SOCKET_ID_ANY, 0, 4096);
	if (!buf || !mz) {
		fprintf(stderr, "demo: allocation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	memset(mz->addr, 0xab, mz->len);
	printf("demo: rte_zmalloc(1 MiB) -> %p (IOVA 0x%" PRIx64 ")\n", (void *)buf, rte_malloc_virt2iova(buf));
	printf("demo: memzone '%s' -> %zu bytes at %p on socket %d, %" PRIu64 " KiB pages, looked up again: %s\n",
	       mz->name, mz->len, mz->addr, mz->socket_id, mz->hugepage_sz >> 10,
	       rte_memzone_lookup("demo_zone") == mz ? "yes" : "no");
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats(rte_socket_id() == (unsigned)SOCKET_ID_ANY ? 0 : (int)rte_socket_id(), &st);
	printf("demo: heap: %zu bytes, %zu allocated in %u blocks, %zu free\n", st.heap_totalsz_bytes,
	       st.heap_allocsz_bytes, st.alloc_count, st.heap_freesz_bytes);
	printf("demo: %" PRIu64 " bytes of memory in use\n", rte_eal_get_physmem_size());
	rte_free(buf);
	rte_memzone_free(mz);

	rte_eal_cleanup();
	printf("demo: done\n");
	return 0;
}
