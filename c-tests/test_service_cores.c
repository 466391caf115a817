/* -s 0x2 with -l 0-1: lcore 1 becomes a service lcore at rte_eal_init, with its service loop
 * running on its worker thread (rte_service_start_with_defaults), and rte_eal_cleanup
 * (rte_service_finalize first) stops it: afterwards no thread of the EAL is left. */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* rte_service_lcore_may_be_active */
#include <dirent.h>
#include <stdint.h>
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_service.h>
#include <rte_service_component.h>
#include "common.h"

static uint64_t calls;

static int32_t count_cb(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return 0;
}

static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	CHECK(d != NULL, "opendir /proc/self/task: %s", strerror(errno));
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

#define EVENTUALLY(cond) ({ \
	int _ok = 0; \
	for (int _i = 0; _i < 10000 && !(_ok = (cond)); _i++) \
		rte_delay_ms(1); \
	_ok; \
})

int main(void)
{
	CHECK(threads() == 1, "one thread before init");
	const char *extra[] = {"-s", "0x2"};
	CHECK(test_eal_init_argv(2, extra, test_have_hugepages()) >= 0, "rte_eal_init: %s",
	      rte_strerror(rte_errno));
	CHECK(rte_eal_lcore_role(1) == ROLE_SERVICE, "lcore 1 is a service lcore");
	CHECK(rte_lcore_count() == 2, "the lcore count keeps lcore 1");
	CHECK(rte_get_next_lcore(-1, 1, 0) == RTE_MAX_LCORE, "FOREACH_WORKER skips it");
	CHECK(rte_service_lcore_count() == 1, "one service lcore");
	CHECK(EVENTUALLY(rte_service_lcore_may_be_active(1) == 1), "its loop runs");
	CHECK(rte_eal_get_lcore_state(1) == RUNNING, "launched on its worker thread");
	CHECK(rte_eal_remote_launch(count_cb, NULL, 1) == -EBUSY, "busy with the loop");

	struct rte_service_spec s;
	memset(&s, 0, sizeof(s));
	strcpy(s.name, "cores");
	s.callback = count_cb;
	uint32_t id;
	CHECK(rte_service_component_register(&s, &id) == 0, "register");
	CHECK(rte_service_component_runstate_set(id, 1) == 0, "component runstate");
	CHECK(rte_service_runstate_set(id, 1) == 0, "app runstate");
	CHECK(rte_service_map_lcore_set(id, 1, 1) == 0, "map to lcore 1");
	CHECK(EVENTUALLY(__atomic_load_n(&calls, __ATOMIC_RELAXED) > 100), "lcore 1 polls it");

	int before = threads();
	CHECK(before >= 2, "at least the main and lcore 1 threads (%d)", before);
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	uint64_t after = __atomic_load_n(&calls, __ATOMIC_RELAXED);
	rte_delay_ms(20);
	CHECK(__atomic_load_n(&calls, __ATOMIC_RELAXED) == after, "nothing polls after cleanup");
	CHECK(threads() == 1, "no EAL thread left after cleanup (%d threads)", threads());
	printf("-s 0x2: lcore 1 ran the service loop; cleanup stopped it (%d threads before)\n",
	       before);
	return 0;
}
