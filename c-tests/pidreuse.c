/* Helper for sh_pidreuse.sh, built against rtemem's headers.
 *   pidreuse primary <eal args>  init, print "ready", live until SIGTERM
 *   pidreuse hold <eal args>     (secondary) take rte_mcfg_mem_write_lock, print "held", live
 *                                until killed
 *   pidreuse take <eal args>     (secondary) init (which reads the memory lock), take the
 *                                memory write lock, print "taken", release it and exit */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>

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
	if (!strcmp(role, "hold")) {
		rte_mcfg_mem_write_lock();
		printf("held\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (!strcmp(role, "take")) {
		rte_mcfg_mem_write_lock();
		printf("taken\n");
		rte_mcfg_mem_write_unlock();
		rte_eal_cleanup();
		return 0;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
