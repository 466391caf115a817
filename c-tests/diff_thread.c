/*
 * Differential test of rte_thread.h (threads with attributes, join/detach/equal, priority and
 * affinity by id, thread-specific keys), built against DPDK 22.11's headers and run on real
 * DPDK and on rtemem: results, exit values, rte_errno after every call, and the error paths
 * of notes/issue10-probe.c.
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API
#include <pthread.h>
#include <sched.h>

#include <rte_lcore.h>
#include <rte_thread.h>

#include "common.h"

#define R(expr) do { \
	rte_errno = 0; \
	int r_ = (expr); \
	OBS("%s => %d errno %d", #expr, r_, rte_errno); \
} while (0)

static int gate;

/* Reports its id and lcore id, waits for the gate (bounded), returns 42. */
struct seen {
	rte_thread_t self;
	unsigned lcore;
};

static uint32_t worker(void *arg)
{
	struct seen *s = arg;
	long long t0 = test_now_ms();

	if (s != NULL) {
		s->self = rte_thread_self();
		s->lcore = rte_lcore_id();
	}
	__atomic_store_n(&gate, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&gate, __ATOMIC_ACQUIRE) != 2 && test_now_ms() - t0 < 10000)
		usleep(100);
	return 42;
}

static void wait_started(void)
{
	long long t0 = test_now_ms();

	while (__atomic_load_n(&gate, __ATOMIC_ACQUIRE) != 1)
		CHECK(test_now_ms() - t0 < 10000, "thread did not start");
}

static int dtor_calls;
static void *dtor_arg;

static void dtor(void *v)
{
	dtor_calls++;
	dtor_arg = v;
}

static rte_thread_key key;

/* What the other thread saw (printed by the main thread after the join). */
static void *other_fresh;
static int other_set;

static uint32_t key_user(void *arg)
{
	(void)arg;
	other_fresh = rte_thread_value_get(key);
	other_set = rte_thread_value_set(key, (void *)0x99);
	return rte_thread_value_get(key) == (void *)0x99 ? 7 : 8;
}

int main(void)
{
	rte_thread_attr_t attr;
	rte_thread_t id, self = rte_thread_self();
	rte_cpuset_t set, got;
	enum rte_thread_priority prio;
	struct seen seen;
	uint32_t exitv;
	int last = -1;

	CHECK(test_eal_init() >= 0, "rte_eal_init: %d", rte_errno);

	/* Attributes. */
	R(rte_thread_attr_init(NULL));
	memset(&attr, 0x5a, sizeof(attr));
	R(rte_thread_attr_init(&attr));
	OBS("attr after init: priority %d cpus %d", (int)attr.priority, CPU_COUNT(&attr.cpuset));
	R(rte_thread_attr_set_priority(NULL, RTE_THREAD_PRIORITY_NORMAL));
	R(rte_thread_attr_set_priority(&attr, RTE_THREAD_PRIORITY_REALTIME_CRITICAL));
	OBS("attr priority %d", (int)attr.priority);
	R(rte_thread_attr_set_affinity(NULL, &set));
	R(rte_thread_attr_set_affinity(&attr, NULL));
	R(rte_thread_attr_get_affinity(NULL, &set));
	R(rte_thread_attr_get_affinity(&attr, NULL));

	/* Creation refused before any thread exists. */
	R(rte_thread_create(&id, &attr, worker, NULL));
	R(rte_thread_attr_set_priority(&attr, (enum rte_thread_priority)7));
	R(rte_thread_create(&id, &attr, worker, NULL));

	/* Plain create, join with the exit value. */
	gate = 0;
	memset(&seen, 0, sizeof(seen));
	R(rte_thread_create(&id, NULL, worker, &seen));
	wait_started();
	OBS("equal(created, its self) %d", rte_thread_equal(id, seen.self) != 0);
	OBS("equal(created, main) %d", rte_thread_equal(id, self) != 0);
	OBS("equal(main, main) %d", rte_thread_equal(self, rte_thread_self()) != 0);
	OBS("created thread's lcore id is LCORE_ID_ANY: %d", seen.lcore == LCORE_ID_ANY);
	R(rte_thread_get_priority(id, &prio));
	OBS("priority %d", (int)prio);
	R(rte_thread_set_priority(id, RTE_THREAD_PRIORITY_REALTIME_CRITICAL));
	R(rte_thread_set_priority(id, (enum rte_thread_priority)7));
	R(rte_thread_set_priority(id, RTE_THREAD_PRIORITY_NORMAL));
	R(rte_thread_get_affinity_by_id(id, &set));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			last = c;
	CHECK(last >= 0, "empty affinity");
	CPU_ZERO(&set);
	CPU_SET(last, &set);
	R(rte_thread_set_affinity_by_id(id, &set));
	R(rte_thread_get_affinity_by_id(id, &got));
	OBS("affinity by id round trip %d", CPU_EQUAL(&set, &got));
	R(rte_thread_set_affinity_by_id(id, NULL));
	R(rte_thread_get_affinity_by_id(id, NULL));
	__atomic_store_n(&gate, 2, __ATOMIC_RELEASE);
	exitv = 0;
	R(rte_thread_join(id, &exitv));
	OBS("exit value %u", exitv);

	/* With attributes: affinity and priority applied. */
	R(rte_thread_attr_init(&attr));
	R(rte_thread_attr_set_affinity(&attr, &set));
	CPU_ZERO(&got);
	R(rte_thread_attr_get_affinity(&attr, &got));
	OBS("attr affinity round trip %d", CPU_EQUAL(&set, &got));
	gate = 0;
	R(rte_thread_create(&id, &attr, worker, NULL));
	wait_started();
	R(rte_thread_get_affinity_by_id(id, &got));
	OBS("attr affinity applied %d", CPU_EQUAL(&set, &got));
	prio = (enum rte_thread_priority)9;
	R(rte_thread_get_priority(id, &prio));
	OBS("attr thread priority %d", (int)prio);
	__atomic_store_n(&gate, 2, __ATOMIC_RELEASE);
	R(rte_thread_join(id, NULL));

	/* Detach. */
	gate = 0;
	R(rte_thread_create(&id, NULL, worker, NULL));
	wait_started();
	R(rte_thread_detach(id));
	__atomic_store_n(&gate, 2, __ATOMIC_RELEASE);

	/* The main thread's own priority and affinity. */
	R(rte_thread_get_priority(self, &prio));
	OBS("main priority %d", (int)prio);
	R(rte_thread_set_priority(self, RTE_THREAD_PRIORITY_REALTIME_CRITICAL));
	R(rte_thread_set_priority(self, RTE_THREAD_PRIORITY_NORMAL));
	R(rte_thread_get_affinity_by_id(self, &got));
	R(rte_thread_set_affinity_by_id(self, &got));

	/* Keys. */
	R(rte_thread_key_create(&key, dtor));
	OBS("value_get fresh %s", rte_thread_value_get(key) == NULL ? "NULL" : "set");
	R(rte_thread_value_set(key, (void *)0x55));
	OBS("value_get %p", rte_thread_value_get(key));
	R(rte_thread_create(&id, NULL, key_user, NULL));
	R(rte_thread_join(id, &exitv));
	OBS("other thread: value_get %s, value_set %d", other_fresh == NULL ? "NULL" : "set",
	    other_set);
	OBS("key thread exit %u dtor calls %d arg %p", exitv, dtor_calls, dtor_arg);
	OBS("main value unchanged %p", rte_thread_value_get(key));
	R(rte_thread_value_set(key, NULL));
	R(rte_thread_key_delete(key));
	R(rte_thread_key_delete(NULL));
	{
		void *v;

		rte_errno = 0;
		v = rte_thread_value_get(NULL);
		OBS("value_get(NULL) %s errno %d", v == NULL ? "NULL" : "set", rte_errno);
	}
	R(rte_thread_value_set(NULL, NULL));

	CHECK(rte_eal_cleanup() == 0, "rte_eal_cleanup: %d", rte_errno);
	return 0;
}
