/*
 * Bad input to the base utilities (threads, CPU flags, power intrinsics, UUIDs, reciprocals,
 * keepalive, sysfs values, firmware, coremasks), through rtemem's own headers. Where DPDK
 * crashes (NULL pointers, divisor 0, out-of-range lcore ids) or cannot apply what it was asked
 * (thread attributes), rtemem fails DPDK's way and logs exactly one line naming the call and
 * the reason; nothing already set up is disturbed.
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API
#include <pthread.h>
#include <sched.h>

#include <rte_cpuflags.h>
#include <rte_eal.h>
#include <rte_hypervisor.h>
#include <rte_keepalive.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_power_intrinsics.h>
#include <rte_reciprocal.h>
#include <rte_thread.h>
#include <rte_uuid.h>

#include "common.h"

int eal_parse_sysfs_value(const char *filename, unsigned long *val);
int rte_firmware_read(const char *name, void **buf, size_t *bufsz);

/* The EAL log, captured in memory; `expect_one` checks what one call added to it. */
static FILE *log_f;
static char *log_buf;
static size_t log_len, log_seen;

static void expect_lines(int n, const char *what, const char *why)
{
	fflush(log_f);
	const char *s = log_buf ? log_buf + log_seen : "";
	int lines = 0;

	for (const char *p = s; *p; p++)
		lines += *p == '\n';
	CHECK(lines == n, "%d log lines for %s, expected %d: [%s]", lines, what, n, s);
	if (n > 0) {
		CHECK(strstr(s, what) != NULL, "the line names %s: [%s]", what, s);
		CHECK(why == NULL || strstr(s, why) != NULL, "the line says '%s': [%s]", why, s);
	}
	log_seen = log_len;
}

#define expect_one(what, why) expect_lines(1, what, why)

static uint32_t noop(void *arg)
{
	(void)arg;
	return 0;
}

static void threads(void)
{
	rte_thread_attr_t attr;
	rte_thread_t id = { .opaque_id = 12345 };
	rte_thread_key key;
	enum rte_thread_priority prio;
	rte_cpuset_t set;

	rte_errno = 0;
	CHECK(rte_thread_create(NULL, NULL, noop, NULL) == EINVAL, "NULL id");
	expect_one("rte_thread_create", "thread_id is NULL");
	CHECK(rte_thread_create(&id, NULL, NULL, NULL) == EINVAL, "NULL function");
	expect_one("rte_thread_create", "thread_func is NULL");
	CHECK(id.opaque_id == 12345, "id untouched");

	/* Attributes that cannot be applied: no thread starts, the id is untouched. */
	CHECK(rte_thread_attr_init(&attr) == 0, "attr init");
	CHECK(rte_thread_attr_set_priority(&attr, (enum rte_thread_priority)7) == 0, "set prio");
	CHECK(rte_thread_create(&id, &attr, noop, NULL) == EINVAL, "priority 7");
	expect_one("rte_thread_create", "not an rte_thread_priority");
	CHECK(rte_thread_attr_set_priority(&attr, RTE_THREAD_PRIORITY_REALTIME_CRITICAL) == 0, "rt");
	CHECK(rte_thread_create(&id, &attr, noop, NULL) == ENOTSUP, "real-time");
	expect_lines(0, "", NULL); /* refused as DPDK refuses it: an answer, DEBUG only */
	CHECK(rte_thread_attr_init(&attr) == 0, "attr init");
	CPU_ZERO(&set);
	CPU_SET(CPU_SETSIZE - 1, &set); /* a CPU this machine does not have */
	CHECK(rte_thread_attr_set_affinity(&attr, &set) == 0, "attr affinity");
	int r = rte_thread_create(&id, &attr, noop, NULL);
	CHECK(r == EINVAL, "an affinity with no existing CPU: %d", r);
	expect_one("rte_thread_create", "failed");
	CHECK(id.opaque_id == 12345, "id untouched");

	CHECK(rte_thread_attr_init(NULL) == EINVAL, "attr init NULL");
	expect_one("rte_thread_attr_init", "attr is NULL");
	CHECK(rte_thread_attr_set_affinity(&attr, NULL) == EINVAL, "set affinity NULL");
	expect_one("rte_thread_attr_set_affinity", "cpuset is NULL");
	CHECK(rte_thread_attr_get_affinity(NULL, &set) == EINVAL, "get affinity NULL");
	expect_one("rte_thread_attr_get_affinity", "thread_attr is NULL");
	CHECK(rte_thread_get_priority(rte_thread_self(), NULL) == EINVAL, "prio NULL");
	expect_one("rte_thread_get_priority", "priority is NULL");
	CHECK(rte_thread_set_affinity_by_id(rte_thread_self(), NULL) == EFAULT, "affinity NULL");
	expect_one("rte_thread_set_affinity_by_id", "cpuset is NULL");

	/* Thread id 0 is never a thread (DPDK hands it to pthreads, which crash). */
	id.opaque_id = 0;
	CHECK(rte_thread_join(id, NULL) == ESRCH, "join 0");
	expect_one("rte_thread_join", "no thread");
	CHECK(rte_thread_detach(id) == ESRCH, "detach 0");
	expect_one("rte_thread_detach", "no thread");
	CHECK(rte_thread_get_priority(id, &prio) == ESRCH, "priority of 0");
	expect_one("rte_thread_get_priority", "no thread");
	CHECK(rte_thread_get_affinity_by_id(id, &set) == ESRCH, "affinity of 0");
	expect_one("rte_thread_get_affinity_by_id", "no thread");
	CHECK(rte_errno == 0, "thread calls leave rte_errno alone: %d", rte_errno);

	/* Keys: -1 and rte_errno. */
	CHECK(rte_thread_key_create(NULL, NULL) == -1 && rte_errno == EINVAL, "key create NULL");
	expect_one("rte_thread_key_create", "key is NULL");
	CHECK(rte_thread_key_create(&key, NULL) == 0, "key create");
	CHECK(rte_thread_value_set(key, (void *)1) == 0, "value set");
	rte_errno = 0;
	CHECK(rte_thread_value_get(NULL) == NULL && rte_errno == EINVAL, "value get NULL");
	expect_one("rte_thread_value_get", "key is NULL");
	CHECK(rte_thread_value_get(key) == (void *)1, "the good key keeps its value");
	CHECK(rte_thread_key_delete(key) == 0, "key delete");
}

static void cpu_and_power(void)
{
	rte_errno = 0;
	CHECK(rte_cpu_get_flag_enabled(RTE_CPUFLAG_NUMFLAGS) == -ENOENT, "NUMFLAGS");
	expect_one("rte_cpu_get_flag_enabled", "no CPU flag 105");
	CHECK(rte_cpu_get_flag_name((enum rte_cpu_flag_t)-1) == NULL, "name -1");
	expect_one("rte_cpu_get_flag_name", "no CPU flag");
	rte_cpu_get_intrinsics_support(NULL);
	expect_one("rte_cpu_get_intrinsics_support", "intrinsics is NULL");
	CHECK(strcmp(rte_hypervisor_get_name((enum rte_hypervisor)99), "unknown") == 0, "hv 99");
	CHECK(rte_errno == 0, "rte_errno untouched: %d", rte_errno);

	struct rte_cpu_intrinsics in;
	rte_cpu_get_intrinsics_support(&in);
	if (!in.power_monitor) {
		/* Not supported here: -ENOTSUP before the arguments are looked at, DEBUG only. */
		CHECK(rte_power_monitor(NULL, 0) == -ENOTSUP, "monitor NULL");
		CHECK(rte_power_monitor_multi(NULL, 0, 0) == -ENOTSUP, "multi NULL");
		CHECK(rte_power_monitor_wakeup(RTE_MAX_LCORE) == -ENOTSUP, "wakeup 128");
		expect_lines(0, "", NULL);
	} else {
		CHECK(rte_power_monitor(NULL, 0) == -EINVAL, "monitor NULL");
		expect_one("rte_power_monitor", "pmc is NULL");
		CHECK(rte_power_monitor_wakeup(RTE_MAX_LCORE) == -EINVAL, "wakeup 128");
		expect_one("rte_power_monitor_wakeup", "lcore 128");
	}
}

static void uuids_and_reciprocals(void)
{
	rte_uuid_t u;
	char out[RTE_UUID_STRLEN];

	CHECK(rte_uuid_parse("01234567-89ab-cdef-0123-456789abcdef", u) == 0, "parse");
	CHECK(rte_uuid_parse(NULL, u) == -1, "parse NULL text");
	expect_one("rte_uuid_parse", "NULL");
	CHECK(rte_uuid_parse("01234567-89ab-cdef-0123-456789abcdef", NULL) == -1, "parse NULL");
	expect_one("rte_uuid_parse", "NULL");
	CHECK(rte_uuid_parse("not a uuid", u) == -1, "malformed");
	expect_lines(0, "", NULL); /* an answer, as in DPDK */
	rte_uuid_unparse(NULL, out, sizeof(out));
	expect_one("rte_uuid_unparse", "uu is NULL");
	rte_uuid_unparse(u, NULL, 37);
	expect_one("rte_uuid_unparse", "out is NULL");
	CHECK(rte_uuid_compare(NULL, u) == 0, "compare NULL");
	expect_one("rte_uuid_compare", "uu1 is NULL");
	CHECK(rte_uuid_is_null(NULL), "is_null NULL");
	expect_one("rte_uuid_is_null", "uu is NULL");
	rte_uuid_unparse(u, out, sizeof(out));
	CHECK(strcmp(out, "01234567-89ab-cdef-0123-456789abcdef") == 0, "u intact: %s", out);

	rte_errno = 0;
	struct rte_reciprocal r = rte_reciprocal_value(0);
	CHECK(r.m == 0 && r.sh1 == 0 && r.sh2 == 0 && rte_errno == EINVAL, "divisor 0");
	expect_one("rte_reciprocal_value", "divisor is 0");
	struct rte_reciprocal_u64 r64 = rte_reciprocal_value_u64(0);
	CHECK(r64.m == 0 && rte_errno == EINVAL, "divisor 0 (u64)");
	expect_one("rte_reciprocal_value_u64", "divisor is 0");
	CHECK(rte_reciprocal_divide(100, rte_reciprocal_value(7)) == 14, "still divides");
}

static void on_failure(void *data, const int core)
{
	(*(int *)data) = core + 1000;
}

static void *outsider(void *arg)
{
	rte_keepalive_mark_alive(arg); /* no lcore id: refused, not a write out of bounds */
	return NULL;
}

static void keepalive(void)
{
	int failed = 0;
	struct rte_keepalive *ka = rte_keepalive_create(on_failure, &failed);
	pthread_t t;

	CHECK(ka != NULL, "create");
	rte_keepalive_register_core(NULL, 0);
	expect_one("rte_keepalive_register_core", "keepcfg is NULL");
	rte_keepalive_register_core(ka, -1);
	expect_one("rte_keepalive_register_core", "out of range");
	rte_keepalive_register_core(ka, RTE_KEEPALIVE_MAXCORES);
	expect_one("rte_keepalive_register_core", "out of range");
	rte_keepalive_mark_alive(NULL);
	expect_one("rte_keepalive_mark_alive", "keepcfg is NULL");
	CHECK(pthread_create(&t, NULL, outsider, ka) == 0, "pthread_create");
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
	expect_one("rte_keepalive_mark_alive", "without an lcore id");
	rte_keepalive_dispatch_pings(NULL, NULL);
	expect_one("rte_keepalive_dispatch_pings", "keepcfg is NULL");
	rte_keepalive_register_relay_callback(NULL, NULL, NULL);
	expect_one("rte_keepalive_register_relay_callback", "keepcfg is NULL");

	/* The monitor still works: lcore 0 dies after three silent checks. */
	rte_keepalive_register_core(ka, 0);
	rte_keepalive_mark_alive(ka);
	for (int i = 0; i < 3; i++)
		rte_keepalive_dispatch_pings(NULL, ka);
	CHECK(failed == 1000, "failure callback for lcore 0: %d", failed);
	fflush(log_f); /* skip the INFO lines of the checks */
	log_seen = log_len;
	rte_free(ka);
}

static void files_and_masks(void)
{
	unsigned long v = 5;
	void *buf = NULL;
	size_t sz = 0;
	int cores[RTE_MAX_LCORE];

	CHECK(eal_parse_sysfs_value(NULL, &v) == -1, "sysfs NULL name");
	expect_one("eal_parse_sysfs_value", "NULL");
	CHECK(eal_parse_sysfs_value("/proc/sys/kernel/pid_max", NULL) == -1, "sysfs NULL val");
	expect_one("eal_parse_sysfs_value", "NULL");
	CHECK(eal_parse_sysfs_value("/proc/self/comm", &v) == -1 && v == 5, "sysfs junk");
	expect_one("eal_parse_sysfs_value", "cannot parse");
	CHECK(rte_firmware_read(NULL, &buf, &sz) == -1, "firmware NULL name");
	expect_one("rte_firmware_read", "NULL");
	CHECK(rte_firmware_read("/etc/hostname", NULL, &sz) == -1, "firmware NULL buf");
	expect_one("rte_firmware_read", "NULL");
	CHECK(rte_eal_parse_coremask(NULL, cores) == -1, "coremask NULL");
	expect_one("rte_eal_parse_coremask", "coremask is NULL");
	CHECK(rte_eal_parse_coremask("0x3", NULL) == -1, "cores NULL");
	expect_one("rte_eal_parse_coremask", "cores is NULL");
	CHECK(rte_eal_parse_coremask("0xq", cores) == -1, "bad mask");
	expect_one("rte_eal_parse_coremask", "not a hexadecimal number");
	CHECK(rte_eal_parse_coremask("1" "00000000000000000000000000000000", cores) == -1,
	      "lcore 128");
	expect_one("rte_eal_parse_coremask", "RTE_MAX_LCORE");
}

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init: %d", rte_errno);
	log_f = open_memstream(&log_buf, &log_len);
	CHECK(log_f != NULL, "open_memstream");
	CHECK(rte_openlog_stream(log_f) == 0, "openlog");
	fflush(log_f);
	log_seen = log_len;

	threads();
	cpu_and_power();
	uuids_and_reciprocals();
	keepalive();
	files_and_masks();

	CHECK(rte_openlog_stream(NULL) == 0, "openlog NULL");
	fclose(log_f);
	free(log_buf);
	CHECK(rte_eal_cleanup() == 0, "rte_eal_cleanup: %d", rte_errno);
	printf("base bad input: every call refused with one log line\n");
	return 0;
}
