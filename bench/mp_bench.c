/*
 * Latency of a secondary's allocation that needs fresh pages: the full sync round trip (the
 * primary maps the new pages before the call returns). Built against DPDK 22.11's headers.
 *   mp_bench <eal args...>   prints "mp_alloc <us> us/op"
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include "common.h" /* c-tests/: test_fork, test_wait */

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	int sec = argc > 1 && strcmp(argv[1], "--secondary-run") == 0;
	if (sec) {
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	char *orig[64];
	int norig = argc < 63 ? argc : 63;
	for (int i = 0; i < norig; i++)
		orig[i] = argv[i]; /* rte_eal_init reorders argv */
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "init failed: %s\n", rte_strerror(rte_errno));
		return 3;
	}
	if (sec) {
		int n = 40;
		double total = 0;
		for (int i = 0; i < n; i++) {
			double t0 = now_us();
			char *p = rte_malloc(NULL, 6 << 20, 0); /* larger than any free block: new pages */
			total += now_us() - t0;
			if (!p)
				return 4;
			p[0] = 1;
			rte_free(p); /* the pages go back, so the next round needs fresh ones again */
		}
		printf("mp_alloc %.1f us/op\n", total / n);
		rte_eal_cleanup();
		return 0;
	}
	/* Primary: start the secondary with the same arguments and wait for it (bounded). */
	pid_t pid = test_fork();
	if (pid == 0) {
		char *args[64];
		int k = 0;
		args[k++] = orig[0];
		args[k++] = (char *)"--secondary-run";
		for (int i = 1; i < norig && k < 60; i++)
			args[k++] = orig[i];
		args[k++] = (char *)"--proc-type=secondary";
		args[k] = NULL;
		execv("/proc/self/exe", args);
		_exit(127);
	}
	int st = test_wait(pid, 120000);
	rte_eal_cleanup();
	return st == 0 ? 0 : 1;
}
