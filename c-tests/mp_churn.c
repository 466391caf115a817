/* Helper for sh_faults.sh, built against DPDK 22.11's headers.
 *   mp_churn primary <eal args>  init, print "ready", wait for SIGTERM, then print heap validity
 *   mp_churn churn <eal args>    (secondary) allocate and free until SIGTERM (then free all and
 *                                print how many operations it did), growing the heap
 *   mp_churn check <eal args>    (secondary) print heap validity and that malloc still works */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

static volatile sig_atomic_t stop;
static void on_term(int s)
{
	(void)s;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *role = argv[1];
	argv[1] = argv[0];
	if (rte_eal_init(argc - 1, argv + 1) < 0) {
		printf("init failed: %s\n", rte_strerror(rte_errno));
		return 3;
	}
	if (!strcmp(role, "primary")) {
		signal(SIGTERM, on_term);
		printf("ready\n");
		fflush(stdout);
		while (!stop)
			pause();
		rte_malloc_dump_heaps(stdout);
		return rte_eal_cleanup() == 0 ? 0 : 4;
	}
	if (!strcmp(role, "check")) {
		rte_malloc_dump_heaps(stdout);
		void *p = rte_malloc(NULL, 3 << 20, 0);
		printf("malloc after faults: %s\n", p ? "ok" : "failed");
		rte_free(p);
		rte_eal_cleanup();
		return p ? 0 : 5;
	}
	/* churn */
	/* A killed churner's live blocks stay allocated (nobody can know they are garbage, as in
	 * DPDK), so keep few of them: 100 kills must not exhaust the pool. */
	void *live[16] = { 0 };
	unsigned long long s = (unsigned long long)getpid() * 2654435761ULL;
	char name[32];
	signal(SIGTERM, on_term);
	unsigned long i;
	for (i = 0; !stop; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		unsigned k = s % 16;
		rte_free(live[k]);
		size_t size = (s >> 8) % 32 == 0 ? (1 + (s >> 16) % 3) << 20 : 16 + (s >> 16) % 8192;
		live[k] = rte_malloc(NULL, size, 0);
		if (live[k])
			memset(live[k], 0x33, size < 4096 ? size : 4096);
		if (i % 64 == 0) {
			snprintf(name, sizeof(name), "churn_%d_%lu", getpid(), i % 8);
			const struct rte_memzone *mz = rte_memzone_lookup(name);
			if (mz)
				rte_memzone_free(mz);
			else
				rte_memzone_reserve(name, 8192, SOCKET_ID_ANY, 0);
		}
	}
	for (unsigned k = 0; k < 16; k++)
		rte_free(live[k]);
	for (int z = 0; z < 8; z++) {
		snprintf(name, sizeof(name), "churn_%d_%d", getpid(), z);
		const struct rte_memzone *mz = rte_memzone_lookup(name);
		if (mz)
			rte_memzone_free(mz);
	}
	printf("churned %lu operations\n", i);
	rte_eal_cleanup();
	return 0;
}
