/* rte_eal_init/cleanup life cycle, process facts, and primary/secondary detection by the
 * shared-config lock, compared with DPDK 22.11. The binary re-executes itself for the
 * secondary and second-primary cases. */
#include <libgen.h>
#include <rte_lcore.h>
#include "common.h"

static int run_self(const char *role)
{
	return test_wait(test_spawn_self(NULL, role, (char *)NULL), -1);
}

static int child(const char *role)
{
	const char *extra[] = { "--proc-type", role };
	int ret = test_eal_init_argv(2, extra, test_have_hugepages());
	/* rtemem also sets rte_errno when a second primary is refused; DPDK does not, so only
	 * the outcome is compared here. */
	printf("@ %s: init %s", role, ret >= 0 ? "ok" : "failed");
	if (ret < 0) {
		printf("\n");
		return 3;
	}
	printf(" type %d alive %d\n", rte_eal_process_type(), rte_eal_primary_proc_alive(NULL));
	fflush(stdout);
	rte_eal_cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child(argv[1]);

	int ret = test_eal_init();
	CHECK(ret >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	OBS("init consumed %d", ret);
	OBS("process type %d (primary %d)", rte_eal_process_type(), RTE_PROC_PRIMARY);
	OBS("has hugepages %d, has pci %d", rte_eal_has_hugepages(), rte_eal_has_pci());
	OBS("iova mode %d", rte_eal_iova_mode());
	char dir[256];
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	OBS("runtime dir is named after the prefix: %d", strcmp(basename(dir), test_prefix()) == 0);
	OBS("main lcore %u, lcore count %u", rte_get_main_lcore(), rte_lcore_count());

	rte_errno = 0;
	ret = test_eal_init();
	OBS("second init %d errno %d", ret, rte_errno);

	OBS("secondary exit %d", run_self("secondary"));
	OBS("auto exit %d", run_self("auto"));
	OBS("second primary exit %d", run_self("primary"));

	OBS("cleanup %d", rte_eal_cleanup());
	rte_errno = 0;
	ret = rte_eal_cleanup();
	OBS("cleanup again %d errno %d", ret, rte_errno);
	rte_errno = 0;
	ret = test_eal_init();
	OBS("init after cleanup %d errno %d", ret, rte_errno);
	OBS("secondary after primary exit %d", run_self("secondary"));
	return 0;
}
