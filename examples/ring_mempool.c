/*
 * An ordinary DPDK 22.11 program: a ring passes objects from a mempool between two lcores.
 * Nothing in it knows about rtemem; the README builds it through rtemem's libdpdk.pc (DPDK's
 * librte_ring and librte_mempool over rtemem's EAL) and runs it, and c-tests/sh_readme.sh
 * checks what it prints.
 */
#include <stdint.h>
#include <stdio.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#define OBJECTS 1000

static struct rte_ring *ring;
static struct rte_mempool *pool;

/* On the worker lcore: take every object off the ring, check it, give it back to the pool. */
static int consume(void *arg)
{
	uint64_t *sum = arg;
	for (unsigned n = 0; n < OBJECTS;) {
		void *obj;
		if (rte_ring_dequeue(ring, &obj) != 0)
			continue;
		*sum += *(uint32_t *)obj;
		rte_mempool_put(pool, obj);
		n++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "cannot init the EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	unsigned worker = rte_get_next_lcore(-1, 1, 0);
	if (worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "give two lcores, e.g. -l 0-1\n");
		return 1;
	}
	ring = rte_ring_create("example_ring", 256, rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	pool = rte_mempool_create("example_pool", 511, sizeof(uint32_t), 32, 0, NULL, NULL, NULL,
				  NULL, rte_socket_id(), 0);
	if (ring == NULL || pool == NULL) {
		fprintf(stderr, "cannot create the ring or the pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	uint64_t sum = 0, want = 0;
	rte_eal_remote_launch(consume, &sum, worker);
	for (uint32_t i = 1; i <= OBJECTS; i++) {
		void *obj;
		while (rte_mempool_get(pool, &obj) != 0)
			;
		*(uint32_t *)obj = i;
		want += i;
		while (rte_ring_enqueue(ring, obj) != 0)
			;
	}
	rte_eal_wait_lcore(worker);
	printf("%u objects through the ring, sum %s; %u of %u back in the pool\n", OBJECTS,
	       sum == want ? "right" : "WRONG", rte_mempool_avail_count(pool), pool->size);
	rte_mempool_free(pool);
	rte_ring_free(ring);
	rte_eal_cleanup();
	return sum == want ? 0 : 1;
}
