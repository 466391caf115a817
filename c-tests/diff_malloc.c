/* The rte_malloc family compared with DPDK 22.11: alignment, zeroing, realloc in place and
 * moved, sizes and sockets DPDK refuses, statistics that add up, validate, virt2iova and
 * external heaps. */
#include <inttypes.h>
#include <sys/mman.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include "common.h"

/* Observes an int-returning call and the rte_errno it leaves (evaluated in order). */
#define ERRCALL(label, expr) do { \
	rte_errno = 0; \
	int r_ = (expr); \
	OBS("%s %d errno %d", label, r_, r_ < 0 ? rte_errno : 0); \
} while (0)

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	struct rte_malloc_socket_stats s0, s1, s2;
	OBS("stats socket 0: %d", rte_malloc_get_socket_stats(0, &s0));

	unsigned aligns[] = { 0, 1, 8, 64, 128, 4096, 65536 };
	for (unsigned i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		char *p = rte_malloc("diff", 1000, aligns[i]);
		unsigned a = aligns[i] < 64 ? 64 : aligns[i];
		OBS("malloc align %u: %d aligned %d", aligns[i], p != NULL, p && ((uintptr_t)p % a) == 0);
		rte_free(p);
	}
	OBS("size 0: %p", rte_malloc(NULL, 0, 0));
	OBS("align 3: %p", rte_malloc(NULL, 64, 3));
	OBS("socket 77: %p", rte_malloc_socket(NULL, 64, 0, 77));
	OBS("socket 0: %d", rte_malloc_socket(NULL, 64, 0, 0) != NULL);

	/* zmalloc is zero, also after reuse of dirty memory. */
	for (int round = 0; round < 3; round++) {
		unsigned char *d = rte_malloc(NULL, 4096, 0);
		memset(d, 0xff, 4096);
		rte_free(d);
		unsigned char *z = rte_zmalloc(NULL, 4096, 0);
		int zero = 1;
		for (int i = 0; i < 4096; i++)
			zero &= z[i] == 0;
		OBS("zmalloc round %d zero %d", round, zero);
		rte_free(z);
	}
	unsigned char *c = rte_calloc(NULL, 100, 40, 0);
	int czero = 1;
	for (int i = 0; i < 4000; i++)
		czero &= c[i] == 0;
	OBS("calloc zero %d", czero);
	rte_free(c);

	/* realloc keeps contents and alignment. */
	char *r = rte_malloc(NULL, 100, 256);
	for (int i = 0; i < 100; i++)
		r[i] = (char)i;
	char *r2 = rte_realloc(r, 50000, 256);
	int kept = 1;
	for (int i = 0; i < 100; i++)
		kept &= r2[i] == (char)i;
	OBS("realloc grow: %d kept %d aligned %d", r2 != NULL, kept, ((uintptr_t)r2 % 256) == 0);
	char *r3 = rte_realloc(r2, 10, 0);
	OBS("realloc shrink: %d kept %d", r3 != NULL, r3 && r3[9] == 9);
	char *r4 = rte_realloc(NULL, 64, 0);
	OBS("realloc NULL allocates: %d", r4 != NULL);
	rte_free(r3);
	rte_free(r4);

	/* Statistics add up and return to where they were. */
	void *ptrs[100];
	rte_malloc_get_socket_stats(0, &s1);
	for (int i = 0; i < 100; i++)
		ptrs[i] = rte_malloc(NULL, 100 + i * 10, 0);
	rte_malloc_get_socket_stats(0, &s2);
	OBS("100 allocations counted: %d, alloc bytes grew: %d", s2.alloc_count >= s1.alloc_count + 100,
	    s2.heap_allocsz_bytes > s1.heap_allocsz_bytes);
	OBS("total = free + alloc: %d", s2.heap_totalsz_bytes == s2.heap_freesz_bytes + s2.heap_allocsz_bytes);
	OBS("validate live %d, validate NULL %d", rte_malloc_validate(ptrs[5], NULL),
	    rte_malloc_validate(NULL, NULL));
	OBS("virt2iova %d", rte_malloc_virt2iova(ptrs[5]) == rte_mem_virt2iova(ptrs[5]));
	for (int i = 0; i < 100; i++)
		rte_free(ptrs[i]);
	rte_malloc_get_socket_stats(0, &s2);
	OBS("alloc count back: %d", s2.alloc_count == s1.alloc_count);
	rte_free(NULL);
	OBS("stats of socket -5: %d", rte_malloc_get_socket_stats(-5, &s2));

	/* External heaps. */
	OBS("socket 0 external: %d, SOCKET_ID_ANY external: %d", rte_malloc_heap_socket_is_external(0),
	    rte_malloc_heap_socket_is_external(SOCKET_ID_ANY));
	/* DPDK leaves rte_errno alone here; rtemem sets EINVAL. */
	OBS("socket 99 external: %d", rte_malloc_heap_socket_is_external(99));
	OBS("create ext %d", rte_malloc_heap_create("diff_ext"));
	ERRCALL("create again", rte_malloc_heap_create("diff_ext"));
	ERRCALL("create ''", rte_malloc_heap_create(""));
	ERRCALL("create with a 32-char name", rte_malloc_heap_create("abcdefghijklmnopqrstuvwxyz012345"));
	int ext = rte_malloc_heap_get_socket("diff_ext");
	OBS("ext socket >= RTE_MAX_NUMA_NODES: %d, is external %d", ext >= RTE_MAX_NUMA_NODES,
	    rte_malloc_heap_socket_is_external(ext));
	ERRCALL("get_socket of a missing heap", rte_malloc_heap_get_socket("diff_nope"));
	OBS("malloc on the empty external heap: %p", rte_malloc_socket(NULL, 64, 0, ext));
	/* Give the external heap 1 MiB of application memory, allocate from it, give it back. */
	size_t ext_len = 1 << 20;
	void *ext_mem = mmap(NULL, ext_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ERRCALL("memory_add", rte_malloc_heap_memory_add("diff_ext", ext_mem, ext_len, NULL, 0, 4096));
	char *e1 = rte_malloc_socket(NULL, 1000, 0, ext);
	OBS("malloc on the external heap: %d, inside its memory %d", e1 != NULL,
	    e1 && e1 >= (char *)ext_mem && e1 < (char *)ext_mem + ext_len);
	struct rte_malloc_socket_stats es;
	memset(&es, 0, sizeof(es));
	int es_ret = rte_malloc_get_socket_stats(ext, &es);
	OBS("external stats: %d, has memory %d, one allocation %d", es_ret, es.heap_totalsz_bytes > 0,
	    es.alloc_count == 1);
	ERRCALL("destroy a heap with memory", rte_malloc_heap_destroy("diff_ext"));
	ERRCALL("remove memory in use", rte_malloc_heap_memory_remove("diff_ext", ext_mem, ext_len));
	rte_free(e1);
	ERRCALL("remove memory", rte_malloc_heap_memory_remove("diff_ext", ext_mem, ext_len));
	munmap(ext_mem, ext_len);
	ERRCALL("destroy socket_0 heap", rte_malloc_heap_destroy("socket_0"));
	ERRCALL("destroy a missing heap", rte_malloc_heap_destroy("diff_nope"));
	OBS("destroy ext %d", rte_malloc_heap_destroy("diff_ext"));
	rte_eal_cleanup();
	return 0;
}
