/* Helper for the capacity test (sh_capacity.sh) and the capacity benchmark (bench/run.sh).
 * Built against DPDK 22.11's headers, so the same binary runs on real DPDK and on rtemem.
 *
 *   capacity <eal args...> [-- SIZES [ROUNDS]]
 *
 * For each block size in SIZES (comma-separated, with K/M/G suffixes; default
 * 64K,1M,4M,16M,256M), ROUNDS times (default 2): rte_malloc blocks of that size on
 * SOCKET_ID_ANY until it fails, count them, check that every block is usable (first and last
 * byte written), then free them all. Prints one line per round:
 *
 *   cap <size> round <r> blocks <n> bytes <n * size> ms <time>
 *
 * The second round measures capacity after a free-everything round: a heap that gives pages
 * back and takes them again must not lose any. First it prints the memory held at init as
 * "layout <runs of virtually contiguous pages, in pages>" (what --legacy-mem packs blocks
 * into; it follows the physical layout of the pages the kernel gave). Exit 3 when
 * rte_eal_init fails, 1 when memory is still allocated after a round freed every block.
 * CAPACITY_VERBOSE=1 also prints the heap's free memory when a round stops. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>

static int print_run(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len,
		     void *arg)
{
	(void)ms;
	(void)arg;
	if (!msl->external)
		printf(" %zu", len / msl->page_sz);
	return 0;
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	switch (*end) {
	case 'G': v <<= 30; break;
	case 'M': v <<= 20; break;
	case 'K': v <<= 10; break;
	default: break;
	}
	return (size_t)v;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Sum of the socket heaps' allocated bytes (what the heaps hold for users). */
static size_t heap_alloc_bytes(void)
{
	size_t sum = 0;
	for (unsigned s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		struct rte_malloc_socket_stats st;
		if (rte_malloc_get_socket_stats((int)s, &st) == 0)
			sum += st.heap_allocsz_bytes;
	}
	return sum;
}

static int run(size_t size, int round)
{
	size_t cap = 1024, n = 0;
	void **v = malloc(cap * sizeof(*v));
	if (!v)
		return 1;
	double t0 = now_ms();
	size_t base = heap_alloc_bytes();
	for (;;) {
		void *p = rte_malloc(NULL, size, 0);
		if (!p)
			break;
		((volatile char *)p)[0] = 1;
		((volatile char *)p)[size - 1] = 1;
		if (n == cap) {
			cap *= 2;
			void **nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				rte_free(p);
				break;
			}
			v = nv;
		}
		v[n++] = p;
	}
	int err = rte_errno;
	struct rte_malloc_socket_stats st = {0};
	rte_malloc_get_socket_stats(0, &st);
	if (getenv("CAPACITY_VERBOSE"))
		printf("  at the end: %zu bytes free in %u blocks, largest %zu\n", st.heap_freesz_bytes,
		       st.free_count, st.greatest_free_size);
	for (size_t i = 0; i < n; i++)
		rte_free(v[i]);
	double ms = now_ms() - t0;
	free(v);
	printf("cap %zu round %d blocks %zu bytes %zu ms %.0f (stopped: %s)\n", size, round, n,
	       n * size, ms, rte_strerror(err));
	fflush(stdout);
	size_t after = heap_alloc_bytes();
	if (after > base) {
		printf("FAIL: %zu bytes still allocated after freeing every block (%zu before)\n",
		       after, base);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int used = rte_eal_init(argc, argv);
	if (used < 0) {
		printf("init failed: errno %d: %s\n", rte_errno, rte_strerror(rte_errno));
		return 3;
	}
	argc -= used;
	argv += used;
	printf("layout");
	rte_memseg_contig_walk(print_run, NULL);
	printf("\n");
	const char *sizes = argc > 1 ? argv[1] : "64K,1M,4M,16M,256M";
	int rounds = argc > 2 ? atoi(argv[2]) : 2;
	int rc = 0;
	char *list = strdup(sizes), *save = NULL;
	for (char *s = strtok_r(list, ",", &save); s && !rc; s = strtok_r(NULL, ",", &save))
		for (int r = 1; r <= rounds && !rc; r++)
			rc = run(parse_size(s), r);
	free(list);
	return rte_eal_cleanup() == 0 ? rc : 4;
}
