/*
 * Allocator benchmark, built against DPDK 22.11's headers so that the same binary runs on real
 * DPDK and on rtemem. One case per process:
 *
 *   malloc_bench <case> <eal args...>     prints "<case> <value> <unit>"
 *
 * cases: small (64 B malloc+free, 10k live), churn (random 16 B-16 KiB, 10k live),
 * small2 (64 B on 2 lcores at once, per-lcore ns/op), density (heap bytes per live 64 B),
 * mz_reserve (2000 memzones, us each), mz_lookup (among 2000 zones, ns each),
 * large (4-64 MiB malloc+touch+free, ms each).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#define LIVE 10000

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static unsigned long long rng = 88172645463325252ULL;
static inline unsigned long long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double small_loop(long iters)
{
	void **live = malloc(sizeof(void *) * LIVE);
	for (int i = 0; i < LIVE; i++)
		live[i] = rte_malloc(NULL, 64, 0);
	for (long i = 0; i < iters / 10; i++) /* warm-up */
		rte_free(rte_malloc(NULL, 64, 0));
	double t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		void *p = rte_malloc(NULL, 64, 0);
		rte_free(p);
	}
	double ns = (now_ns() - t0) / iters;
	for (int i = 0; i < LIVE; i++)
		rte_free(live[i]);
	free(live);
	return ns;
}

static double worker_ns[RTE_MAX_LCORE];

static int small_worker(void *arg)
{
	worker_ns[rte_lcore_id()] = small_loop((long)arg);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *c = argv[1];
	argv[1] = argv[0];
	if (rte_eal_init(argc - 1, argv + 1) < 0) {
		fprintf(stderr, "init failed: %s\n", rte_strerror(rte_errno));
		return 3;
	}
	if (!strcmp(c, "small")) {
		printf("small %.1f ns/op\n", small_loop(2000000));
	} else if (!strcmp(c, "small2")) {
		unsigned w = rte_get_next_lcore(-1, 1, 0);
		rte_eal_remote_launch(small_worker, (void *)2000000L, w);
		double m = small_loop(2000000);
		rte_eal_wait_lcore(w);
		printf("small2 %.1f ns/op\n", (m + worker_ns[w]) / 2);
	} else if (!strcmp(c, "churn")) {
		void **live = calloc(LIVE, sizeof(void *));
		for (int i = 0; i < LIVE; i++)
			live[i] = rte_malloc(NULL, 16 + next_rand() % (16384 - 16), 0);
		long iters = 500000;
		double t0 = now_ns();
		for (long i = 0; i < iters; i++) {
			unsigned s = next_rand() % LIVE;
			rte_free(live[s]);
			live[s] = rte_malloc(NULL, 16 + next_rand() % (16384 - 16), 0);
		}
		printf("churn %.1f ns/op\n", (now_ns() - t0) / iters);
		for (int i = 0; i < LIVE; i++)
			rte_free(live[i]);
	} else if (!strcmp(c, "density")) {
		int n = 200000;
		void **live = malloc(sizeof(void *) * n);
		struct rte_malloc_socket_stats a, b;
		/* Warm the heap so the first region's own overhead does not count. */
		rte_free(rte_malloc(NULL, 64, 0));
		rte_malloc_get_socket_stats(rte_socket_id(), &a);
		uint64_t m0 = rte_eal_get_physmem_size();
		for (int i = 0; i < n; i++)
			live[i] = rte_malloc(NULL, 64, 0);
		rte_malloc_get_socket_stats(rte_socket_id(), &b);
		uint64_t m1 = rte_eal_get_physmem_size();
		printf("density %.1f B/obj (pages: %.1f B/obj)\n",
		       (double)((b.heap_totalsz_bytes - b.heap_freesz_bytes) -
				(a.heap_totalsz_bytes - a.heap_freesz_bytes)) / n,
		       (double)(m1 - m0) / n);
		for (int i = 0; i < n; i++)
			rte_free(live[i]);
	} else if (!strcmp(c, "mz_reserve") || !strcmp(c, "mz_lookup")) {
		char name[32];
		int n = 2000;
		double t0 = now_ns();
		for (int i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "bench_mz_%d", i);
			if (!rte_memzone_reserve(name, 64, SOCKET_ID_ANY, 0)) {
				fprintf(stderr, "reserve %d failed: %s\n", i, rte_strerror(rte_errno));
				return 4;
			}
		}
		double res = (now_ns() - t0) / n / 1000;
		if (!strcmp(c, "mz_reserve")) {
			printf("mz_reserve %.2f us/op\n", res);
		} else {
			long iters = 200000;
			char names[64][32];
			for (int i = 0; i < 64; i++)
				snprintf(names[i], 32, "bench_mz_%llu", next_rand() % n);
			int found = 0;
			t0 = now_ns();
			for (long i = 0; i < iters; i++)
				found += rte_memzone_lookup(names[i & 63]) != NULL;
			printf("mz_lookup %.1f ns/op\n", (now_ns() - t0) / iters);
			if (found != iters)
				return 5;
		}
	} else if (!strcmp(c, "large")) {
		size_t sizes[] = { 4 << 20, 16 << 20, 64 << 20, 8 << 20, 32 << 20 };
		int rounds = 20;
		double t0 = now_ns();
		for (int r = 0; r < rounds; r++)
			for (int i = 0; i < 5; i++) {
				char *p = rte_malloc(NULL, sizes[i], 0);
				if (!p)
					return 6;
				for (size_t o = 0; o < sizes[i]; o += 4096)
					p[o] = 1;
				rte_free(p);
			}
		printf("large %.3f ms/op\n", (now_ns() - t0) / (rounds * 5) / 1e6);
	}
	rte_eal_cleanup();
	return 0;
}
