/* Services as C callers see them, under AddressSanitizer: the bad-input table. Each bad call
 * fails DPDK's way (its negative errno, or NULL), sets rte_errno, logs exactly one line naming
 * the call, and leaves the registered service and the service lcore working. */
#define ALLOW_EXPERIMENTAL_API /* rte_service_lcore_may_be_active */
#include <stdint.h>
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
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

static char *log_buf;
static size_t log_len;
static FILE *log_f;

/* Lines logged since the last call that contain `what`. */
static int logged(const char *what)
{
	fflush(log_f);
	int n = 0;
	for (char *p = log_buf; *what && p && (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	fclose(log_f);
	free(log_buf);
	log_buf = NULL;
	log_f = open_memstream(&log_buf, &log_len);
	rte_openlog_stream(log_f);
	return n;
}

/* `call` must return `want`, set rte_errno to `err` and log one line naming `name`. */
#define BAD(call, want, err, name) do { \
	rte_errno = 0; \
	long long _r = (long long)(call); \
	CHECK(_r == (long long)(want), "%s returned %lld, want %lld", #call, _r, (long long)(want)); \
	CHECK(rte_errno == (err), "%s: rte_errno %d, want %d", #call, rte_errno, (err)); \
	CHECK(logged(name) == 1, "%s: not exactly one log line naming %s", #call, name); \
} while (0)

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	log_f = open_memstream(&log_buf, &log_len);
	rte_openlog_stream(log_f);

	struct rte_service_spec s;
	memset(&s, 0, sizeof(s));
	strcpy(s.name, "good");
	s.callback = count_cb;
	uint32_t id = 99;
	CHECK(rte_service_component_register(&s, &id) == 0 && id == 0, "register the good service");
	CHECK(rte_service_component_runstate_set(id, 1) == 0, "component runstate");
	CHECK(rte_service_runstate_set(id, 1) == 0, "app runstate");
	CHECK(rte_service_lcore_add(1) == 0, "lcore 1 becomes a service lcore");
	CHECK(rte_service_map_lcore_set(id, 1, 1) == 0, "map");
	(void)logged("");

	/* The bad-input table. */
	uint64_t v;
	uint32_t list[2];
	BAD(rte_service_component_register(NULL, &id), -EINVAL, EINVAL,
	    "rte_service_component_register");
	struct rte_service_spec bad = s;
	bad.callback = NULL;
	BAD(rte_service_component_register(&bad, &id), -EINVAL, EINVAL,
	    "rte_service_component_register");
	bad = s;
	memset(bad.name, 'x', sizeof(bad.name)); /* no NUL */
	BAD(rte_service_component_register(&bad, &id), -EINVAL, EINVAL,
	    "rte_service_component_register");
	bad.name[0] = '\0';
	BAD(rte_service_component_register(&bad, &id), -EINVAL, EINVAL,
	    "rte_service_component_register");
	BAD(rte_service_get_by_name(NULL, &id), -EINVAL, EINVAL, "rte_service_get_by_name");
	BAD(rte_service_get_by_name("good", NULL), -EINVAL, EINVAL, "rte_service_get_by_name");
	BAD(rte_service_get_name(64), NULL, EINVAL, "rte_service_get_name");
	BAD(rte_service_get_name(UINT32_MAX), NULL, EINVAL, "rte_service_get_name");
	BAD(rte_service_runstate_get(UINT32_MAX), -EINVAL, EINVAL, "rte_service_runstate_get");
	BAD(rte_service_runstate_set(64, 1), -EINVAL, EINVAL, "rte_service_runstate_set");
	BAD(rte_service_component_unregister(1000), -EINVAL, EINVAL,
	    "rte_service_component_unregister");
	BAD(rte_service_set_stats_enable(64, 1), 0, EINVAL, "rte_service_set_stats_enable");
	BAD(rte_service_run_iter_on_app_lcore(7, 1), -EINVAL, EINVAL,
	    "rte_service_run_iter_on_app_lcore");
	BAD(rte_service_map_lcore_set(id, 128, 1), -EINVAL, EINVAL, "rte_service_map_lcore_set");
	BAD(rte_service_map_lcore_set(id, UINT32_MAX, 1), -EINVAL, EINVAL,
	    "rte_service_map_lcore_set");
	BAD(rte_service_lcore_add(RTE_MAX_LCORE), -EINVAL, EINVAL, "rte_service_lcore_add");
	BAD(rte_service_lcore_start(UINT32_MAX), -EINVAL, EINVAL, "rte_service_lcore_start");
	BAD(rte_service_lcore_may_be_active(UINT32_MAX), -EINVAL, EINVAL,
	    "rte_service_lcore_may_be_active");
	BAD(rte_service_attr_get(id, RTE_SERVICE_ATTR_CYCLES, NULL), -EINVAL, EINVAL,
	    "rte_service_attr_get");
	BAD(rte_service_attr_get(id, 77, &v), -EINVAL, EINVAL, "rte_service_attr_get");
	BAD(rte_service_lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS, NULL), -EINVAL, EINVAL,
	    "rte_service_lcore_attr_get");
	BAD(rte_service_lcore_list(NULL, 2), -EINVAL, EINVAL, "rte_service_lcore_list");
	BAD(rte_service_dump(NULL, id), -EINVAL, EINVAL, "rte_service_dump");
	BAD(rte_service_dump(stdout, 64), -EINVAL, EINVAL, "rte_service_dump");
	/* Answers about the state are not errors in the log (DEBUG only), but set rte_errno. */
	rte_errno = 0;
	CHECK(rte_service_lcore_add(1) == -EALREADY && rte_errno == EALREADY, "EALREADY");
	CHECK(logged("rte_service_lcore_add") == 0, "EALREADY is not logged at ERR");
	CHECK(rte_service_lcore_list(list, 0) == -ENOMEM, "ENOMEM before the NULL check");

	/* Nothing registered was lost: the service still runs on lcore 1. */
	CHECK(rte_service_get_count() == 1, "one service");
	CHECK(rte_service_get_by_name("good", &id) == 0 && id == 0, "found by name");
	CHECK(rte_service_lcore_start(1) == 0, "start lcore 1");
	int polled = 0;
	for (int i = 0; i < 10000 && !polled; i++) {
		polled = __atomic_load_n(&calls, __ATOMIC_RELAXED) > 10;
		rte_delay_ms(1);
	}
	CHECK(polled, "the service lcore polls the service");
	CHECK(rte_service_runstate_set(id, 0) == 0, "stop the service");
	CHECK(rte_service_lcore_stop(1) == 0, "stop lcore 1");
	CHECK(rte_eal_wait_lcore(1) == 0, "the loop ended");
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	fclose(log_f);
	free(log_buf);
	printf("service bad inputs: all refused, service intact\n");
	return 0;
}
