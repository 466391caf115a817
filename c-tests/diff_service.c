/*
 * Differential test of services (rte_service.h, rte_service_component.h), built against DPDK
 * 22.11's headers and run on real DPDK and on rtemem: every error code of the API and its
 * normal paths. EAL runs with -l 0-1: lcore 0 is the main lcore, lcore 1 becomes the service
 * lcore. Only return values are compared (DPDK's service calls leave rte_errno alone; rtemem
 * sets it, as it does for every failure). Part two (argv[1] == "cores") runs EAL with
 * "-s 0x2": lcore 1 must be a service lcore with its loop running, and rte_eal_cleanup must
 * stop it.
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* rte_service_lcore_may_be_active */
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

static int ret42(void *arg)
{
	(void)arg;
	return 42;
}

/* Polls cond for up to 10 s; 1 when it became true. */
#define EVENTUALLY(cond) ({ \
	int _ok = 0; \
	for (int _i = 0; _i < 10000 && !(_ok = (cond)); _i++) \
		rte_delay_ms(1); \
	_ok; \
})

#define R(call) OBS("%s = %d", #call, (int)(call))

static struct rte_service_spec spec(const char *name, rte_service_func cb, uint32_t caps)
{
	struct rte_service_spec s;
	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.callback = cb;
	s.capabilities = caps;
	return s;
}

static void dump(uint32_t id)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = rte_service_dump(f, id);
	fclose(f);
	OBS("rte_service_dump(%d) = %d", (int)id, ret);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		OBS("dump: %s", line);
	free(buf);
}

static void errors_before_any_service(void)
{
	uint32_t id = 99, list[4];
	uint64_t v = 7;
	struct rte_service_spec s = spec("", NULL, 0);

	R(rte_service_get_count());
	R(rte_service_lcore_count());
	R(rte_service_runstate_get(0));
	R(rte_service_runstate_get(64));
	OBS("rte_service_get_name(64) is NULL: %d", rte_service_get_name(64) == NULL);
	R(rte_service_probe_capability(64, RTE_SERVICE_CAP_MT_SAFE));
	R(rte_service_may_be_active(64));
	R(rte_service_attr_get(64, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	R(rte_service_attr_reset_all(64));
	R(rte_service_set_stats_enable(64, 1));
	R(rte_service_set_runstate_mapped_check(64, 1));
	R(rte_service_run_iter_on_app_lcore(64, 1));
	R(rte_service_component_unregister(1000));
	R(rte_service_component_runstate_set(64, 1));
	R(rte_service_runstate_set(64, 1));
	R(rte_service_map_lcore_set(64, 1, 1));
	R(rte_service_map_lcore_get(64, 1));
	R(rte_service_get_by_name("none", &id));
	R(rte_service_get_by_name("none", NULL));
	OBS("id untouched: %u", id);
	R(rte_service_component_register(&s, &id));
	s.callback = count_cb;
	R(rte_service_component_register(&s, &id));
	OBS("id untouched: %u", id);
	R(rte_service_lcore_add(200));
	R(rte_service_lcore_del(200));
	R(rte_service_lcore_del(1));
	R(rte_service_lcore_start(1));
	R(rte_service_lcore_start(200));
	R(rte_service_lcore_stop(1));
	R(rte_service_lcore_stop(200));
	R(rte_service_lcore_may_be_active(1));
	R(rte_service_lcore_may_be_active(200));
	R(rte_service_lcore_count_services(1));
	R(rte_service_lcore_count_services(200));
	R(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	R(rte_service_lcore_attr_get(200, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	R(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, NULL));
	R(rte_service_lcore_attr_reset_all(1));
	R(rte_service_lcore_attr_reset_all(200));
	R(rte_service_lcore_list(list, 4));
	R(rte_service_lcore_list(NULL, 4));
	R(rte_service_start_with_defaults());
	R(rte_service_lcore_reset_all());
	OBS("v untouched: %d", (int)v);
}

static void one_service_on_lcore_1(void)
{
	uint32_t id = 99, id2 = 99, list[4] = {0}, got = 99;
	uint64_t v = 0;
	struct rte_service_spec s = spec("diff_svc", count_cb, 0);
	struct rte_service_spec s2 = spec("diff_safe", count_cb, RTE_SERVICE_CAP_MT_SAFE);

	R(rte_service_component_register(&s, &id));
	R(rte_service_component_register(&s2, &id2));
	OBS("ids %u %u count %u", id, id2, rte_service_get_count());
	R(rte_service_get_by_name("diff_safe", &got));
	OBS("by name: %u, name of 0: %s", got, rte_service_get_name(0));
	R(rte_service_probe_capability(0, RTE_SERVICE_CAP_MT_SAFE));
	R(rte_service_probe_capability(1, RTE_SERVICE_CAP_MT_SAFE));
	R(rte_service_probe_capability(1, 2));

	R(rte_service_lcore_add(1));
	R(rte_service_lcore_add(1));
	R(rte_service_lcore_count());
	R(rte_service_lcore_list(list, 4));
	OBS("list[0] %u", list[0]);
	R(rte_service_lcore_list(list, 0));
	OBS("role(1) %d enabled(1) %d lcore_count %u", rte_eal_lcore_role(1),
	    rte_lcore_is_enabled(1), rte_lcore_count());
	unsigned n = 0, i;
	RTE_LCORE_FOREACH_WORKER(i)
		n++;
	OBS("workers seen by FOREACH: %u", n);
	R(rte_service_lcore_count_services(1));
	R(rte_service_lcore_may_be_active(1));
	R(rte_service_map_lcore_set(0, 0, 1));
	R(rte_service_map_lcore_set(0, 1, 1));
	R(rte_service_map_lcore_set(0, 1, 1));
	R(rte_service_map_lcore_get(0, 1));
	R(rte_service_map_lcore_get(0, 0));
	R(rte_service_map_lcore_get(0, 200));
	R(rte_service_lcore_count_services(1));
	R(rte_service_runstate_get(0));
	R(rte_service_component_runstate_set(0, 1));
	R(rte_service_runstate_get(0));
	R(rte_service_runstate_set(0, 1));
	R(rte_service_runstate_get(0));
	R(rte_service_runstate_set(1, 1));
	R(rte_service_component_runstate_set(1, 1));
	R(rte_service_runstate_get(1));
	R(rte_service_set_runstate_mapped_check(1, 0));
	R(rte_service_runstate_get(1));
	R(rte_service_set_runstate_mapped_check(1, 1));
	R(rte_service_set_stats_enable(0, 1));

	R(rte_service_lcore_start(1));
	R(rte_service_lcore_start(1));
	OBS("polled: %d", EVENTUALLY(__atomic_load_n(&calls, __ATOMIC_RELAXED) > 100));
	R(rte_service_lcore_may_be_active(1));
	R(rte_service_may_be_active(0));
	R(rte_service_may_be_active(1));
	R(rte_service_attr_get(0, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	OBS("calls > 0: %d", v > 0);
	R(rte_service_attr_get(0, RTE_SERVICE_ATTR_CYCLES, &v));
	OBS("cycles > 0: %d", v > 0);
	R(rte_service_attr_get(0, 99, &v));
	R(rte_service_attr_get(0, RTE_SERVICE_ATTR_CYCLES, NULL));
	R(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	OBS("loops > 0: %d", v > 0);
	R(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES, &v));
	OBS("lcore cycles > 0: %d", v > 0);
	R(rte_service_lcore_attr_get(1, 42, &v));
	R(rte_service_lcore_attr_get(0, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));

	R(rte_service_lcore_stop(1));
	R(rte_service_lcore_del(1));
	R(rte_service_map_lcore_set(0, 1, 0));
	R(rte_service_lcore_stop(1));
	R(rte_service_lcore_stop(1));
	OBS("stopped: %d", EVENTUALLY(rte_service_lcore_may_be_active(1) == 0));
	R(rte_eal_wait_lcore(1));
	R(rte_service_may_be_active(0));
	R(rte_service_runstate_get(0));

	uint64_t before = __atomic_load_n(&calls, __ATOMIC_RELAXED);
	R(rte_service_run_iter_on_app_lcore(0, 1));
	R(rte_service_run_iter_on_app_lcore(0, 0));
	OBS("app lcore ran it twice: %d", __atomic_load_n(&calls, __ATOMIC_RELAXED) == before + 2);
	R(rte_service_runstate_set(1, 0));
	R(rte_service_run_iter_on_app_lcore(1, 1));

	R(rte_service_attr_reset_all(0));
	R(rte_service_attr_get(0, RTE_SERVICE_ATTR_CALL_COUNT, &v));
	OBS("calls after reset: %d", (int)v);
	R(rte_service_attr_get(0, RTE_SERVICE_ATTR_CYCLES, &v));
	OBS("cycles after reset: %d", (int)v);
	R(rte_service_lcore_attr_reset_all(1));
	R(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, &v));
	OBS("loops after reset: %d", (int)v);
	R(rte_service_set_stats_enable(0, 0));
	dump(0);
	dump(UINT32_MAX);
	dump(9);

	R(rte_service_lcore_del(1));
	OBS("role(1) %d enabled(1) %d", rte_eal_lcore_role(1), rte_lcore_is_enabled(1));
	R(rte_eal_remote_launch(ret42, NULL, 1));
	R(rte_eal_wait_lcore(1));
	/* lcore_add returns what last ran on the lcore. */
	R(rte_service_lcore_add(1));
	R(rte_service_lcore_reset_all());
	OBS("role(1) %d count %d", rte_eal_lcore_role(1), rte_service_lcore_count());
	R(rte_service_map_lcore_get(0, 1));

	/* Defaults: start lcore 1, map both services to it, start them. */
	R(rte_service_runstate_set(0, 0));
	R(rte_service_lcore_add(1));
	R(rte_service_start_with_defaults());
	R(rte_service_map_lcore_get(0, 1));
	R(rte_service_map_lcore_get(1, 1));
	R(rte_service_runstate_get(0));
	R(rte_service_runstate_get(1));
	R(rte_service_lcore_start(1));
	before = __atomic_load_n(&calls, __ATOMIC_RELAXED);
	OBS("defaults poll: %d", EVENTUALLY(__atomic_load_n(&calls, __ATOMIC_RELAXED) > before + 100));
	R(rte_service_lcore_reset_all());
	R(rte_eal_wait_lcore(1));
	R(rte_service_lcore_may_be_active(1));

	R(rte_service_component_unregister(0));
	R(rte_service_component_unregister(0));
	R(rte_service_get_count());
	R(rte_service_get_by_name("diff_svc", &got));
	R(rte_service_component_register(&s, &id));
	OBS("reused id %u", id);
	R(rte_service_runstate_get(0));
	R(rte_service_component_unregister(0));
	R(rte_service_component_unregister(1));
}

static void full_table(void)
{
	struct rte_service_spec s = spec("", count_cb, 0);
	uint32_t id = 0;
	int ok = 0;

	for (int i = 0; i < 64; i++) {
		snprintf(s.name, sizeof(s.name), "svc%d", i);
		ok += rte_service_component_register(&s, &id) == 0;
	}
	OBS("registered %d, last id %u, count %u", ok, id, rte_service_get_count());
	R(rte_service_component_register(&s, NULL));
	R(rte_service_component_unregister(17));
	R(rte_service_component_register(&s, &id));
	OBS("refilled id %u", id);
	for (uint32_t i = 0; i < 64; i++)
		rte_service_component_unregister(i);
	R(rte_service_get_count());
}

/* EAL with -s 0x2: lcore 1 is a service lcore whose loop runs until cleanup. */
static int service_cores(void)
{
	const char *extra[] = {"-s", "0x2"};
	CHECK(test_eal_init_argv(2, extra, test_have_hugepages()) >= 0, "rte_eal_init: %s",
	      rte_strerror(rte_errno));
	OBS("-s 0x2: role(1) %d service lcores %d", rte_eal_lcore_role(1), rte_service_lcore_count());
	OBS("-s 0x2: loop running %d", EVENTUALLY(rte_service_lcore_may_be_active(1) == 1));
	OBS("-s 0x2: lcore state running %d", rte_eal_get_lcore_state(1) == RUNNING);
	R(rte_service_lcore_start(1));
	R(rte_service_start_with_defaults());
	struct rte_service_spec s = spec("late", count_cb, 0);
	uint32_t id;
	R(rte_service_component_register(&s, &id));
	R(rte_service_component_runstate_set(id, 1));
	R(rte_service_runstate_set(id, 1));
	R(rte_service_map_lcore_set(id, 1, 1));
	OBS("-s 0x2: polled %d", EVENTUALLY(__atomic_load_n(&calls, __ATOMIC_RELAXED) > 10));
	R(rte_eal_cleanup());
	/* rte_service_finalize ran first: the loop has ended. */
	OBS("after cleanup: lcore 1 state %d", rte_eal_get_lcore_state(1));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "cores") == 0)
		return service_cores();
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	errors_before_any_service();
	one_service_on_lcore_1();
	full_table();
	OBS("lcore 1 back: role %d, state %d", rte_eal_lcore_role(1), rte_eal_get_lcore_state(1));
	R(rte_eal_cleanup());

	/* Part two in a new process: EAL runs once per process. */
	pid_t pid = test_fork();
	if (pid == 0) {
		/* DPDK keeps the config file locked after cleanup: use a prefix of its own. */
		char prefix[256];
		snprintf(prefix, sizeof(prefix), "%s-cores", test_prefix());
		setenv("RTEMEM_TEST_PREFIX", prefix, 1);
		char *args[] = {argv[0], (char *)"cores", NULL};
		execv(argv[0], args);
		_exit(127);
	}
	OBS("part two exit %d", test_wait(pid, -1));
	return 0;
}
