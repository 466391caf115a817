/*
 * Differential test of lcores and remote launch (rte_lcore.h, rte_launch.h), built against
 * DPDK 22.11's headers and run on real DPDK and on rtemem. EAL runs with -l 0-1: lcore 0 is
 * the main lcore, lcore 1 the only worker.
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API /* rte_thread_getname */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_per_lcore.h>

#include "common.h"

static int release_flag;

/* Blocks until the main thread sets release_flag; returns 1000 + its lcore id. */
static int gated(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&release_flag, __ATOMIC_ACQUIRE))
		usleep(100);
	return 1000 + (int)rte_lcore_id();
}

/* Reports what the lcore sees of itself, leaves its own rte_errno set. */
struct seen {
	unsigned lcore_id;
	unsigned socket;
	int index;
	int state;
	int input;
};

static int identify(void *arg)
{
	struct seen *s = arg;
	unsigned id = rte_lcore_id();

	s[id].lcore_id = id;
	s[id].socket = rte_socket_id();
	s[id].index = rte_lcore_index(-1);
	s[id].state = rte_eal_get_lcore_state(id);
	rte_errno = 100 + (int)id;
	return s[id].input * 2;
}

static int read_errno(void *arg)
{
	(void)arg;
	return rte_errno;
}

static int count_cb(unsigned lcore_id, void *arg)
{
	(void)lcore_id;
	(*(int *)arg)++;
	return 0;
}

static int stop_at_1(unsigned lcore_id, void *arg)
{
	(void)arg;
	return lcore_id == 1 ? 77 : 0;
}

static int inits[RTE_MAX_LCORE], uninits[RTE_MAX_LCORE];

static int cb_init(unsigned lcore_id, void *arg)
{
	(void)arg;
	inits[lcore_id]++;
	return 0;
}

static void cb_uninit(unsigned lcore_id, void *arg)
{
	(void)arg;
	uninits[lcore_id]++;
}

static void dump_lcores(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	rte_lcore_dump(f);
	fclose(f);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		OBS("dump: %s", line);
	free(buf);
}

static void *non_eal(void *arg)
{
	(void)arg;
	OBS("non-EAL before register: lcore_id %u socket %u", rte_lcore_id(), rte_socket_id());
	int rc = rte_thread_register();
	OBS("rte_thread_register %d lcore_id %u role %d count %u index %d", rc, rte_lcore_id(),
	    rte_eal_lcore_role(rte_lcore_id()), rte_lcore_count(), rte_lcore_index(-1));
	OBS("non-EAL socket %u, lcore socket %u", rte_socket_id(),
	    rte_lcore_to_socket_id(rte_lcore_id()));
	OBS("callback init for lcore 2: %d", inits[2]);
	dump_lcores();
	unsigned i, n = 0;
	RTE_LCORE_FOREACH(i)
		n++;
	OBS("FOREACH still sees %u EAL lcores", n);
	rte_thread_unregister();
	OBS("after unregister: lcore_id %u count %u role(2) %d uninit(2) %d", rte_lcore_id(),
	    rte_lcore_count(), rte_eal_lcore_role(2), uninits[2]);
	return NULL;
}

static int has_thread_named(const char *want)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d))) {
		char p[300], name[64] = "";
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(p, "r");
		if (f && fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = 0;
			found |= strcmp(name, want) == 0;
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

int main(void)
{
	unsigned i;

	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));

	/* The table. */
	OBS("count %u main %u lcore_id %u index %d", rte_lcore_count(), rte_get_main_lcore(),
	    rte_lcore_id(), rte_lcore_index(-1));
	for (unsigned id = 0; id < 3; id++)
		OBS("lcore %u: role %d enabled %d index %d cpu %d socket %u has_role(RTE) %d",
		    id, rte_eal_lcore_role(id), rte_lcore_is_enabled(id), rte_lcore_index(id),
		    rte_lcore_to_cpu_id(id), rte_lcore_to_socket_id(id),
		    rte_lcore_has_role(id, ROLE_RTE));
	OBS("out of range: role %d enabled %d index %d cpu %d has_role %d",
	    rte_eal_lcore_role(RTE_MAX_LCORE), rte_lcore_is_enabled(RTE_MAX_LCORE),
	    rte_lcore_index(RTE_MAX_LCORE), rte_lcore_to_cpu_id(RTE_MAX_LCORE),
	    rte_lcore_has_role(RTE_MAX_LCORE, ROLE_OFF));
	rte_cpuset_t cs = rte_lcore_cpuset(1);
	OBS("cpuset(1): %d CPUs, has CPU 1: %d", CPU_COUNT(&cs), CPU_ISSET(1, &cs) != 0);
	dump_lcores();

	/* Sockets. */
	OBS("socket_id %u socket_count %u", rte_socket_id(), rte_socket_count());
	for (unsigned k = 0; k < rte_socket_count(); k++)
		OBS("socket idx %u: %d", k, rte_socket_id_by_idx(k));
	rte_errno = 0;
	int sid = rte_socket_id_by_idx(rte_socket_count());
	OBS("socket idx past end: %d errno %d", sid, rte_errno);

	/* Iteration. */
	RTE_LCORE_FOREACH(i)
		OBS("FOREACH %u", i);
	RTE_LCORE_FOREACH_WORKER(i)
		OBS("FOREACH_WORKER %u", i);
	OBS("next(-1,0,0) %u next(0,0,0) %u next(1,0,0) %u next(1,0,1) %u next(1,1,1) %u next(0,1,0) %u",
	    rte_get_next_lcore(-1, 0, 0), rte_get_next_lcore(0, 0, 0), rte_get_next_lcore(1, 0, 0),
	    rte_get_next_lcore(1, 0, 1), rte_get_next_lcore(1, 1, 1), rte_get_next_lcore(0, 1, 0));
	OBS("next(127,0,1) %u next(126,1,0) %u", rte_get_next_lcore(127, 0, 1),
	    rte_get_next_lcore(126, 1, 0));

	/* State machine: WAIT -> RUNNING -> WAIT; a busy lcore refuses launches. */
	OBS("before launch: state(0) %d state(1) %d", rte_eal_get_lcore_state(0),
	    rte_eal_get_lcore_state(1));
	OBS("wait(1) before any launch %d", rte_eal_wait_lcore(1));
	OBS("launch gated on 1: %d", rte_eal_remote_launch(gated, NULL, 1));
	OBS("state(1) while running: %d", rte_eal_get_lcore_state(1));
	rte_errno = 0;
	int rc = rte_eal_remote_launch(gated, NULL, 1);
	OBS("second launch: %d (rte_errno %d)", rc, rte_errno);
	OBS("mp launch while busy: %d", rte_eal_mp_remote_launch(gated, NULL, SKIP_MAIN));
	__atomic_store_n(&release_flag, 1, __ATOMIC_RELEASE);
	rc = rte_eal_wait_lcore(1);
	OBS("wait(1) %d, again %d", rc, rte_eal_wait_lcore(1));
	OBS("state(1) after wait %d", rte_eal_get_lcore_state(1));

	/* Launch on every worker: ids, arguments in, results out, per-thread rte_errno. */
	struct seen seen[RTE_MAX_LCORE];
	memset(seen, 0, sizeof(seen));
	RTE_LCORE_FOREACH_WORKER(i)
		seen[i].input = 21 + (int)i;
	rte_errno = 5;
	RTE_LCORE_FOREACH_WORKER(i)
		CHECK(rte_eal_remote_launch(identify, seen, i) == 0, "launch on %u", i);
	RTE_LCORE_FOREACH_WORKER(i) {
		int ret = rte_eal_wait_lcore(i);
		OBS("worker %u: ret %d lcore_id %u socket %u index %d state-inside %d", i, ret,
		    seen[i].lcore_id, seen[i].socket, seen[i].index, seen[i].state);
	}
	OBS("main rte_errno still %d", rte_errno);
	RTE_LCORE_FOREACH_WORKER(i) {
		rte_eal_remote_launch(read_errno, NULL, i);
		OBS("worker %u kept its rte_errno: %d", i, rte_eal_wait_lcore(i));
	}

	/* Everyone, main included. */
	memset(seen, 0, sizeof(seen));
	RTE_LCORE_FOREACH(i)
		seen[i].input = 50 + (int)i;
	OBS("mp launch CALL_MAIN: %d", rte_eal_mp_remote_launch(identify, seen, CALL_MAIN));
	rte_eal_mp_wait_lcore();
	RTE_LCORE_FOREACH(i)
		OBS("lcore %u: wait %d lcore_id %u state-inside %d state %d", i, rte_eal_wait_lcore(i),
		    seen[i].lcore_id, seen[i].state, rte_eal_get_lcore_state(i));
	OBS("main rte_errno after CALL_MAIN: %d", rte_errno);

	/* Iterate and callbacks. */
	int n = 0;
	rc = rte_lcore_iterate(count_cb, &n);
	OBS("iterate: %d over %d lcores", rc, n);
	OBS("iterate stopping at 1: %d", rte_lcore_iterate(stop_at_1, NULL));
	OBS("register with NULL name: %p", rte_lcore_callback_register(NULL, cb_init, cb_uninit, NULL));
	void *h = rte_lcore_callback_register("diff", cb_init, cb_uninit, NULL);
	OBS("register: %s, init calls %d %d %d", h ? "handle" : "NULL", inits[0], inits[1], inits[2]);

	/* A non-EAL thread. */
	pthread_t t;
	CHECK(pthread_create(&t, NULL, non_eal, NULL) == 0, "pthread_create");
	pthread_join(t, NULL);

	rte_lcore_callback_unregister(h);
	OBS("unregister: uninit calls %d %d %d", uninits[0], uninits[1], uninits[2]);
	rte_lcore_callback_unregister(NULL);

	/* Threads and ids. */
	OBS("rte_sys_gettid is gettid: %d, rte_gettid too: %d",
	    rte_sys_gettid() == (int)syscall(SYS_gettid), rte_gettid() == rte_sys_gettid());
	OBS("worker thread named rte-worker-1: %d", has_thread_named("rte-worker-1"));
	char name[32] = "";
	OBS("setname %d", rte_thread_setname(pthread_self(), "lcore-diff-main-thread-long"));
	int grc = rte_thread_getname(pthread_self(), name, sizeof(name));
	OBS("getname %d '%s'", grc, name);

	OBS("cleanup %d", rte_eal_cleanup());
	return 0;
}
