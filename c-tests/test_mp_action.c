/* An rte_mp action cannot make the heap grow while other processes exist: it runs on the IPC
 * thread, which would have to wait for their answers to the page sync. rtemem refuses the
 * growth at once (NULL, ENOMEM, a log line) instead of hanging or leaving a peer without the
 * pages; allocations the heap can serve still work there, and the same allocation works
 * outside the action. Needs hugepages (--no-huge heaps never grow).
 * Also: the primary's memory event callbacks hear of the pages the secondary adds and gives
 * back (as in DPDK, where processes other than the allocating one are told on sync). */
#include <stdint.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>
#include "common.h"

#include <rte_eal.h>

#define BIG (64 << 20)

static size_t event_bytes[2]; /* RTE_MEM_EVENT_ALLOC, RTE_MEM_EVENT_FREE */

static void on_mem_event(enum rte_mem_event ev, const void *addr, size_t len, void *arg)
{
	(void)addr, (void)arg;
	if ((int)ev >= 0 && (int)ev < 2)
		__atomic_add_fetch(&event_bytes[ev], len, __ATOMIC_RELAXED);
}

struct result {
	int big_ok;
	int big_errno;
	int small_ok;
};

static int in_action(const struct rte_mp_msg *msg, const void *peer)
{
	(void)msg;
	struct rte_mp_msg r;
	memset(&r, 0, sizeof(r));
	strlcpy(r.name, "grow_in_action", sizeof(r.name));
	struct result *res = (struct result *)r.param;
	void *big = rte_malloc(NULL, BIG, 0);
	res->big_ok = big != NULL;
	res->big_errno = rte_errno;
	rte_free(big);
	void *small = rte_malloc(NULL, 64, 0);
	res->small_ok = small != NULL;
	rte_free(small);
	r.len_param = sizeof(*res);
	return rte_mp_reply(&r, peer);
}

static int secondary(void)
{
	const char *extra[] = { "--proc-type", "secondary" };
	CHECK(test_eal_init_argv(2, extra, 1) >= 0, "secondary init: %s", rte_strerror(rte_errno));
	struct rte_mp_msg m;
	struct rte_mp_reply rep;
	struct timespec ts = { 10, 0 };
	memset(&m, 0, sizeof(m));
	strlcpy(m.name, "grow_in_action", sizeof(m.name));
	CHECK(rte_mp_request_sync(&m, &rep, &ts) == 0 && rep.nb_received == 1,
	      "the primary answered: %s", rte_strerror(rte_errno));
	struct result *res = (struct result *)rep.msgs[0].param;
	CHECK(!res->big_ok && res->big_errno == ENOMEM,
	      "growth from an action is refused with ENOMEM (ok %d, errno %d)", res->big_ok,
	      res->big_errno);
	CHECK(res->small_ok, "an allocation the heap can serve works in the action");
	free(rep.msgs);
	/* The same allocation outside an action grows the heap (and syncs) fine. */
	void *big = rte_malloc(NULL, BIG, 0);
	CHECK(big != NULL, "growth outside an action: %s", rte_strerror(rte_errno));
	memset(big, 1, BIG);
	rte_free(big);
	rte_eal_cleanup();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "secondary") == 0)
		return secondary();
	if (!test_have_hugepages()) {
		printf("not run: needs hugepages (--no-huge heaps never grow)\n");
		return 77;
	}
	CHECK(test_eal_init_argv(0, NULL, 1) >= 0, "primary init: %s", rte_strerror(rte_errno));
	void *warm = rte_malloc(NULL, 4096, 0); /* the heap has some memory */
	CHECK(warm != NULL, "warm-up allocation");
	CHECK(rte_mp_action_register("grow_in_action", in_action) == 0, "register");
	CHECK(rte_mem_event_callback_register("test", on_mem_event, NULL) == 0, "event callback");
	pid_t pid = test_spawn_self(NULL, "secondary", (char *)NULL);
	int st = test_wait(pid, -1);
	CHECK(st == 0, "secondary status %d", st);
	CHECK(event_bytes[RTE_MEM_EVENT_ALLOC] >= BIG, "the primary heard of the secondary's new pages (%zu bytes)",
	      event_bytes[RTE_MEM_EVENT_ALLOC]);
	CHECK(event_bytes[RTE_MEM_EVENT_FREE] >= BIG, "the primary heard of the pages given back (%zu bytes)",
	      event_bytes[RTE_MEM_EVENT_FREE]);
	rte_mem_event_callback_unregister("test", NULL);
	rte_free(warm);
	rte_mp_action_unregister("grow_in_action");
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
