/* Built against Debian's DPDK 22.11 headers and librte_eal.so.23; prints which librte_eal the
 * dynamic loader bound rte_eal_init to and whether DPDK's own copy is mapped too. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

int main(int argc, char **argv)
{
	Dl_info info;
	char line[4096];
	int mapped = 0;

	if (!dladdr((void *)rte_eal_init, &info)) {
		printf("dladdr failed\n");
		return 2;
	}
	printf("rte_eal_init from %s\n", info.dli_fname);
	FILE *maps = fopen("/proc/self/maps", "r");
	while (maps && fgets(line, sizeof(line), maps))
		if (strstr(line, "librte_eal.so") && !strstr(line, "/build/lib/"))
			mapped = 1;
	if (maps)
		fclose(maps);
	printf("debian librte_eal mapped %d\n", mapped);
	int ret = rte_eal_init(argc, argv);
	printf("init %d lcores %u errno %d\n", ret, rte_lcore_count(), ret < 0 ? rte_errno : 0);
	return ret < 0 ? 1 : rte_eal_cleanup();
}
