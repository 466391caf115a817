/* rte_malloc and memzones as C callers see them, under AddressSanitizer: the bad-input table
 * (each must fail cleanly and leave the heap intact), zeroing after reuse, a two-lcore stress
 * with cross-lcore frees, and the heap giving whole pages back to the system. */
#include <stdint.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include "common.h"

static unsigned alloc_count(void)
{
	struct rte_malloc_socket_stats s;
	CHECK(rte_malloc_get_socket_stats(0, &s) == 0, "stats of socket 0");
	CHECK(s.heap_totalsz_bytes == s.heap_freesz_bytes + s.heap_allocsz_bytes,
	      "stats inconsistent: total %zu free %zu alloc %zu", s.heap_totalsz_bytes,
	      s.heap_freesz_bytes, s.heap_allocsz_bytes);
	return s.alloc_count;
}

#define SLOTS 4096
static void *volatile shared[SLOTS];

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int stress(void *arg)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ (uintptr_t)arg;
	for (int i = 0; i < 300000; i++) {
		unsigned slot = xorshift(&seed) % SLOTS;
		/* Swap a fresh block into a shared slot; free whatever was there, which may have
		 * come from the other lcore. */
		size_t size = 1 + xorshift(&seed) % 3000;
		unsigned char *p = rte_malloc(NULL, size, 0);
		CHECK(p != NULL, "allocation of %zu failed", size);
		p[0] = (unsigned char)size;
		p[size - 1] = (unsigned char)size;
		void *old = __atomic_exchange_n(&shared[slot], p, __ATOMIC_ACQ_REL);
		rte_free(old);
	}
	return 0;
}

static long free_2m(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "r");
	long n = -1;
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	unsigned base = alloc_count();
	char *keep = rte_malloc(NULL, 256, 0);
	memset(keep, 7, 256);

	/* The bad-input table. */
	int on_stack;
	rte_free(&on_stack); /* foreign pointer */
	char *twice = rte_malloc(NULL, 100, 0);
	rte_free(twice);
	rte_free(twice); /* double free */
	char *block = rte_malloc(NULL, 1000, 0);
	rte_free(block + 64); /* pointer into the middle of a block */
	CHECK(rte_malloc_validate(block, NULL) == 0, "the block survives a bad interior free");
	rte_free(block);
	rte_errno = 0;
	CHECK(rte_malloc(NULL, 64, 3) == NULL && rte_errno == EINVAL, "bad alignment: NULL/EINVAL");
	CHECK(rte_malloc(NULL, 0, 0) == NULL, "size 0 gives NULL");
	volatile size_t huge = SIZE_MAX - 10, half = SIZE_MAX / 2; /* opaque to the compiler */
	CHECK(rte_malloc(NULL, huge, 0) == NULL, "absurd size gives NULL");
	CHECK(rte_calloc(NULL, half, 4, 0) == NULL, "overflowing calloc gives NULL");
	rte_errno = 0;
	CHECK(rte_memzone_reserve("this-memzone-name-is-far-too-long-for-dpdk", 64, SOCKET_ID_ANY, 0) == NULL &&
		      rte_errno == ENAMETOOLONG, "overlong memzone name: ENAMETOOLONG");
	CHECK(rte_memzone_reserve("tm_dup", 64, SOCKET_ID_ANY, 0) != NULL, "reserve tm_dup");
	rte_errno = 0;
	CHECK(rte_memzone_reserve("tm_dup", 64, SOCKET_ID_ANY, 0) == NULL && rte_errno == EEXIST,
	      "duplicate memzone: EEXIST");
	rte_errno = 0;
	CHECK(rte_memzone_reserve_bounded("tm_bound", 8192, SOCKET_ID_ANY, 0, 64, 4096) == NULL &&
		      rte_errno == EINVAL, "bounded zone that cannot fit: EINVAL");
	CHECK(rte_memzone_free(NULL) < 0, "freeing a NULL zone fails");
	for (int i = 0; i < 256; i++)
		CHECK(keep[i] == 7, "earlier allocation intact after the bad inputs");
	rte_free(keep);
	CHECK(alloc_count() == base + 1, "only the tm_dup zone remains allocated");

	/* zmalloc is zero after reuse of dirty memory, across sizes. */
	for (size_t sz = 16; sz <= 65536; sz *= 4) {
		unsigned char *d = rte_malloc(NULL, sz, 0);
		memset(d, 0xee, sz);
		rte_free(d);
		unsigned char *z = rte_zmalloc(NULL, sz, 0);
		for (size_t i = 0; i < sz; i++)
			CHECK(z[i] == 0, "zmalloc(%zu) byte %zu not zero after reuse", sz, i);
		rte_free(z);
	}

	/* Two lcores at once, frees crossing lcores. */
	unsigned before = alloc_count();
	unsigned w = rte_get_next_lcore(-1, 1, 0);
	CHECK(rte_eal_remote_launch(stress, (void *)1, w) == 0, "launch");
	stress((void *)2);
	CHECK(rte_eal_wait_lcore(w) == 0, "worker failed");
	for (int i = 0; i < SLOTS; i++) {
		unsigned char *p = shared[i];
		if (p) {
			size_t n = 0;
			CHECK(rte_malloc_validate(p, &n) == 0, "slot %d holds a live block", i);
			rte_free(p);
		}
	}
	CHECK(alloc_count() == before, "stress left %u allocations behind", alloc_count() - before);

	/* Shrinking: 64 MiB taken from the system comes back when freed. */
	if (test_have_hugepages()) {
		long start = free_2m();
		void *big = rte_malloc(NULL, 64 << 20, 0);
		CHECK(big != NULL, "64 MiB");
		memset(big, 1, 64 << 20);
		CHECK(free_2m() <= start - 32, "64 MiB took at least 32 hugepages (%ld -> %ld)", start, free_2m());
		rte_free(big);
		CHECK(free_2m() >= start, "freeing gave the hugepages back (%ld -> %ld)", start, free_2m());
	}
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	printf("test_malloc: ok\n");
	return 0;
}
