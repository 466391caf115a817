/*
 * Init-time and page-allocation benchmark, built against DPDK 22.11's headers so that the same
 * binary runs on real DPDK and on rtemem (LD_LIBRARY_PATH=build/lib).
 *
 *   init_bench <eal args...>   prints "init_ms=<ms> cleanup_ms=<ms> segs=<n>"
 *
 * The driver (bench/run.sh) runs it many times per configuration and implementation and
 * reports medians and ratios.
 */
#include <stdio.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int segs;

static int count(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	(void)msl;
	(void)ms;
	(void)arg;
	segs++;
	return 0;
}

int main(int argc, char **argv)
{
	double t0 = now_ms();
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "init failed: %s\n", rte_strerror(rte_errno));
		return 3;
	}
	double t1 = now_ms();
	rte_memseg_walk(count, NULL);
	double t2 = now_ms();
	rte_eal_cleanup();
	double t3 = now_ms();
	printf("init_ms=%.3f cleanup_ms=%.3f segs=%d\n", t1 - t0, t3 - t2, segs);
	return 0;
}
