/* Helper for the shell-driven memory tests. Built against DPDK 22.11's headers, so the same
 * binary runs on real DPDK and on rtemem.
 *   memprobe <eal args...>           init, print "ready segs=N", cleanup, exit 0
 *   HOLD=1 memprobe <eal args...>    init, print "ready", then wait; SIGTERM exits cleanly
 *                                    (rte_eal_cleanup), SIGKILL is a crash
 * Exit 3 (with "init failed: errno N: text") when rte_eal_init fails; 5 when a HOLD waited
 * HOLD_MAX_S seconds for its SIGTERM (the test that started it is gone: give the pages back). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#define HOLD_MAX_S 300

static int segs;
static volatile sig_atomic_t stop, expired;

static void on_term(int sig)
{
	if (sig == SIGALRM)
		expired = 1;
	stop = 1;
}

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
	if (rte_eal_init(argc, argv) < 0) {
		printf("init failed: errno %d: %s\n", rte_errno, rte_strerror(rte_errno));
		return 3;
	}
	signal(SIGTERM, on_term);
	rte_memseg_walk(count, NULL);
	printf("ready segs=%d\n", segs);
	fflush(stdout);
	if (getenv("HOLD")) {
		signal(SIGALRM, on_term);
		alarm(HOLD_MAX_S);
		while (!stop)
			pause();
	}
	if (expired)
		printf("no SIGTERM within %d s: giving up\n", HOLD_MAX_S);
	return rte_eal_cleanup() == 0 ? (expired ? 5 : 0) : 4;
}
