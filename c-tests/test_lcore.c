/*
 * rtemem's lcore and launch API through its own headers (rte_lcore.h, rte_launch.h,
 * rte_per_lcore.h), including the checks rtemem adds where DPDK would crash or hang.
 * EAL runs with -l 0-1: lcore 0 is the main lcore, lcore 1 the worker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_per_lcore.h>

#include "common.h"

static RTE_DEFINE_PER_LCORE(int, my_counter);
static int release_flag;

static int gated(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&release_flag, __ATOMIC_ACQUIRE))
		usleep(100);
	return 7;
}

struct job {
	int input[16];
	int output[16];
	unsigned ran_on;
};

static int work(void *arg)
{
	struct job *j = arg;

	for (int i = 0; i < 16; i++)
		j->output[i] = j->input[i] + 1;
	j->ran_on = rte_lcore_id();
	RTE_PER_LCORE(my_counter)++;
	rte_errno = 200 + (int)rte_lcore_id();
	return (int)rte_lcore_id() * 10 + RTE_PER_LCORE(my_counter);
}

static int get_errno(void *arg)
{
	(void)arg;
	return rte_errno;
}

static void *ctrl_body(void *arg)
{
	rte_cpuset_t *out = arg;
	CPU_ZERO(out);
	pthread_getaffinity_np(pthread_self(), sizeof(*out), out);
	return NULL;
}

int main(void)
{
	unsigned i;
	int rc;

	CHECK(test_eal_init() >= 0, "rte_eal_init: %s", rte_strerror(rte_errno));
	CHECK(rte_lcore_count() == 2, "count %u", rte_lcore_count());
	CHECK(rte_lcore_id() == 0 && rte_get_main_lcore() == 0, "main lcore");
	CHECK(rte_lcore_is_enabled(1) && !rte_lcore_is_enabled(2), "enabled");
	CHECK(rte_eal_lcore_role(1) == ROLE_RTE && rte_eal_lcore_role(5) == ROLE_OFF, "roles");
	CHECK(rte_lcore_has_role(1, ROLE_RTE) == 1 && rte_lcore_has_role(1000, ROLE_RTE) == 0, "has_role");
	CHECK(rte_socket_count() >= 1 && rte_socket_id_by_idx(0) >= 0, "sockets");

	/* RTE_LCORE_FOREACH_WORKER sees exactly lcore 1. */
	unsigned workers = 0, last = 0;
	RTE_LCORE_FOREACH_WORKER(i) {
		workers++;
		last = i;
	}
	CHECK(workers == 1 && last == 1, "workers %u last %u", workers, last);

	/* Launch on every worker; arguments in, results out. */
	struct job jobs[RTE_MAX_LCORE];
	memset(jobs, 0, sizeof(jobs));
	RTE_LCORE_FOREACH_WORKER(i) {
		for (int k = 0; k < 16; k++)
			jobs[i].input[k] = (int)i * 100 + k;
		CHECK(rte_eal_remote_launch(work, &jobs[i], i) == 0, "launch on %u", i);
	}
	rte_errno = 3;
	RTE_LCORE_FOREACH_WORKER(i) {
		rc = rte_eal_wait_lcore(i);
		CHECK(rc == (int)i * 10 + 1, "lcore %u returned %d", i, rc);
		CHECK(jobs[i].ran_on == i, "ran on %u", jobs[i].ran_on);
		for (int k = 0; k < 16; k++)
			CHECK(jobs[i].output[k] == (int)i * 100 + k + 1, "output %d", k);
	}
	CHECK(rte_errno == 3, "main rte_errno changed to %d by a worker", rte_errno);
	CHECK(rte_eal_remote_launch(get_errno, NULL, 1) == 0, "launch");
	CHECK(rte_eal_wait_lcore(1) == 201, "worker lost its rte_errno");
	/* Per-lcore variables persist per thread across launches. */
	CHECK(rte_eal_remote_launch(work, &jobs[1], 1) == 0, "relaunch");
	CHECK(rte_eal_wait_lcore(1) == 12, "per-lcore counter");

	/* State transitions and -EBUSY. */
	CHECK(rte_eal_get_lcore_state(1) == WAIT, "WAIT before");
	CHECK(rte_eal_remote_launch(gated, NULL, 1) == 0, "gated launch");
	CHECK(rte_eal_get_lcore_state(1) == RUNNING, "RUNNING after launch");
	rte_errno = 0;
	CHECK(rte_eal_remote_launch(gated, NULL, 1) == -EBUSY, "double launch");
	CHECK(rte_errno == 0, "EBUSY leaves rte_errno alone");
	CHECK(rte_eal_mp_remote_launch(gated, NULL, SKIP_MAIN) == -EBUSY, "mp launch while busy");
	__atomic_store_n(&release_flag, 1, __ATOMIC_RELEASE);
	CHECK(rte_eal_wait_lcore(1) == 7, "gated result");
	CHECK(rte_eal_get_lcore_state(1) == WAIT, "WAIT after");

	/* CALL_MAIN runs on the caller too and records its result. */
	memset(jobs, 0, sizeof(jobs));
	CHECK(rte_eal_mp_remote_launch(work, &jobs[0], SKIP_MAIN) == 0, "mp SKIP_MAIN");
	rte_eal_mp_wait_lcore();
	rte_errno = 3;
	CHECK(rte_eal_mp_remote_launch(get_errno, NULL, CALL_MAIN) == 0, "mp CALL_MAIN");
	rte_eal_mp_wait_lcore();
	CHECK(rte_eal_wait_lcore(0) == 3, "main's own rte_errno came back: %d", rte_eal_wait_lcore(0));

	/* What rtemem refuses where DPDK would crash or hang. */
	rte_errno = 0;
	CHECK(rte_eal_remote_launch(NULL, NULL, 1) == -EINVAL && rte_errno == EINVAL, "NULL function");
	CHECK(rte_eal_remote_launch(gated, NULL, 0) == -EINVAL, "launch on the main lcore");
	CHECK(rte_eal_remote_launch(gated, NULL, 9) == -EINVAL, "launch on an unused lcore");
	CHECK(rte_eal_remote_launch(gated, NULL, 100000) == -EINVAL, "launch out of range");
	CHECK(rte_eal_mp_remote_launch(gated, NULL, (enum rte_rmt_call_main_t)7) == -EINVAL, "bad call_main");
	CHECK(rte_eal_wait_lcore(100000) == 0, "wait out of range");
	CHECK(rte_eal_get_lcore_state(100000) == WAIT, "state out of range");
	CHECK(rte_lcore_iterate(NULL, NULL) < 0, "iterate NULL");
	rte_lcore_dump(NULL);
	rte_lcore_callback_unregister((void *)&rc);
	rte_cpuset_t cs = rte_lcore_cpuset(100000);
	CHECK(CPU_COUNT(&cs) == 0, "cpuset out of range");
	CHECK(rte_get_next_lcore(0, 1, 1) == 1 && rte_get_next_lcore(1, 1, 1) == 1, "wrap");

	/* Thread ids and names. */
	CHECK(rte_gettid() == rte_sys_gettid(), "gettid");
	char name[16];
	CHECK(rte_thread_setname(pthread_self(), "test-lcore-main") == 0, "setname");
	CHECK(rte_thread_getname(pthread_self(), name, sizeof(name)) == 0 &&
	      strcmp(name, "test-lcore-main") == 0, "getname '%s'", name);

	/* Control threads avoid the lcores' CPUs when there are others (else share the main's). */
	pthread_t ct;
	rte_cpuset_t ctrl_set;
	CHECK(rte_ctrl_thread_create(&ct, "test-ctrl", NULL, ctrl_body, &ctrl_set) == 0, "ctrl thread");
	pthread_join(ct, NULL);
	CHECK(CPU_COUNT(&ctrl_set) >= 1, "ctrl thread affinity");

	/* Affinity of the calling thread. */
	rte_cpuset_t mine;
	rte_thread_get_affinity(&mine);
	CHECK(CPU_ISSET(0, &mine) && CPU_COUNT(&mine) == 1, "main affinity is lcore 0's CPU set");

	/* Non-EAL registration. */
	CHECK(rte_thread_register() == 0 || rte_errno == EINVAL, "register");

	CHECK(rte_eal_cleanup() == 0, "cleanup");
	printf("test_lcore: ok\n");
	return 0;
}
