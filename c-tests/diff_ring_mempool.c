/* Debian's own DPDK 22.11 librte_ring and librte_mempool on top of the EAL under test:
 * rings (create, look-up, errors, multi-producer traffic across lcores) and mempools on the
 * default ring handler (create, get/put, obj_iter, counts, free), in the default, --no-huge
 * and --in-memory modes. On rtemem the ring mempool handler comes in with -d, as any plugin. */
/* LIBS: -lrte_ring -lrte_mempool */
#include <sys/wait.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include "common.h"

#define N_ITEMS 200000

static struct rte_ring *ring;

static int producer(void *arg)
{
	long base = (long)arg;
	for (long i = 1; i <= N_ITEMS; i++) {
		void *v = (void *)(base + i);
		while (rte_ring_mp_enqueue(ring, v) != 0)
			;
	}
	return 0;
}

static void count_obj(struct rte_mempool *mp, void *opaque, void *obj, unsigned idx)
{
	(void)mp;
	(void)obj;
	(void)idx;
	(*(unsigned *)opaque)++;
}

static int child(int argc, char **argv)
{
	int huge = 1;
	for (int i = 0; i < argc; i++)
		huge &= strcmp(argv[i], "--no-huge") != 0;
	int ret = test_eal_init_argv(argc, (const char *const *)argv, huge);
	CHECK(ret >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));

	ring = rte_ring_create("diff_ring", 1024, SOCKET_ID_ANY, 0);
	OBS("ring create %d, lookup same %d, count %u free %u", ring != NULL,
	    rte_ring_lookup("diff_ring") == ring, rte_ring_count(ring), rte_ring_free_count(ring));
	rte_errno = 0;
	struct rte_ring *dup = rte_ring_create("diff_ring", 1024, SOCKET_ID_ANY, 0);
	OBS("duplicate ring: %p errno %d", (void *)dup, rte_errno);
	rte_errno = 0;
	struct rte_ring *bad = rte_ring_create("diff_bad", 1000, SOCKET_ID_ANY, 0);
	OBS("count 1000 (not a power of two): %p errno %d", (void *)bad, rte_errno);
	struct rte_ring *exact = rte_ring_create("diff_exact", 1000, SOCKET_ID_ANY, RING_F_EXACT_SZ);
	OBS("RING_F_EXACT_SZ 1000: capacity %u", exact ? rte_ring_get_capacity(exact) : 0);
	rte_ring_free(exact);

	/* Worker lcore produces while the main lcore consumes. */
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	rte_eal_remote_launch(producer, (void *)0L, worker);
	long sum = 0, n = 0;
	void *v = NULL;
	while (n < N_ITEMS) {
		if (rte_ring_mc_dequeue(ring, &v) == 0) {
			sum += (long)v;
			n++;
		}
	}
	int wret = rte_eal_wait_lcore(worker);
	OBS("worker returned %d; %ld items, sum ok %d", wret, n, sum == (long)N_ITEMS * (N_ITEMS + 1) / 2);
	rte_ring_free(ring);
	OBS("lookup after free: %p", (void *)rte_ring_lookup("diff_ring"));

	struct rte_mempool *mp = rte_mempool_create("diff_mp", 4095, 256, 32, 0, NULL, NULL, NULL,
						    NULL, SOCKET_ID_ANY, 0);
	OBS("mempool create %d (%s)", mp != NULL, mp ? "ok" : rte_strerror(rte_errno));
	if (mp) {
		OBS("lookup same %d, ops %s", rte_mempool_lookup("diff_mp") == mp,
		    rte_mempool_get_ops(mp->ops_index)->name);
		void *objs[100];
		OBS("get 100: %d", rte_mempool_get_bulk(mp, objs, 100));
		for (int i = 0; i < 100; i++)
			memset(objs[i], i, 256);
		OBS("in use %u, avail %u", rte_mempool_in_use_count(mp), rte_mempool_avail_count(mp));
		rte_mempool_put_bulk(mp, objs, 100);
		OBS("after put: in use %u, avail %u", rte_mempool_in_use_count(mp), rte_mempool_avail_count(mp));
		unsigned cnt = 0;
		unsigned visited = rte_mempool_obj_iter(mp, count_obj, &cnt);
		OBS("obj_iter visited %u, counted %u", visited, cnt);
		rte_mempool_free(mp);
		OBS("lookup after free: %p", (void *)rte_mempool_lookup("diff_mp"));
	}
	rte_eal_cleanup();
	return 0;
}

static void run_mode(const char *mode)
{
	test_run_mode("-d librte_mempool_ring.so.23", mode, child);
}

int main(void)
{
	run_mode("--no-huge");
	if (!test_have_hugepages()) {
		fprintf(stderr, "not run: the hugepage modes (no hugepages)\n");
		return 0;
	}
	run_mode("");
	run_mode("--in-memory");
	return 0;
}
