/* Debian's DPDK 22.11 librte_mempool on the EAL under test, as mempool_autotest's
 * test_mempool_events does it: rte_mempool_populate_anon (anonymous memory from rte_mem_map,
 * locked with rte_mem_lock, populated by virtual address, page by page through
 * rte_mem_virt2iova), with event callbacks registered; then the EAL calls it makes, one by one,
 * so that a failure names the call. */
/* LIBS: -lrte_mempool */
#define ALLOW_INTERNAL_API /* the mempool event callbacks are internal API in 22.11 */
#include <stdbool.h>
#include <rte_memory.h>
#include <rte_mempool.h>
#include "common.h"

/* DPDK 22.11's internal paging API (rte_eal_paging.h is not installed; librte_mempool calls
 * these, version node INTERNAL). */
enum { RTE_PROT_READ = 1, RTE_PROT_WRITE = 2 };
enum { RTE_MAP_SHARED = 1, RTE_MAP_ANONYMOUS = 2, RTE_MAP_PRIVATE = 4 };
void *rte_mem_map(void *requested_addr, size_t size, int prot, int flags, int fd, uint64_t offset);
int rte_mem_unmap(void *virt, size_t size);
size_t rte_mem_page_size(void);
int rte_mem_lock(const void *virt, size_t size);

struct ev {
	struct rte_mempool *mp;
	enum rte_mempool_event event;
	int invoked;
};

static void on_event(enum rte_mempool_event event, struct rte_mempool *mp, void *arg)
{
	struct ev *e = arg;
	e->mp = mp;
	e->event = event;
	e->invoked++;
}

static void count_obj(struct rte_mempool *mp, void *opaque, void *obj, unsigned idx)
{
	(void)mp;
	(void)obj;
	(void)idx;
	(*(unsigned *)opaque)++;
}

int main(void)
{
	static const char *const extra[] = {"-d", "librte_mempool_ring.so.23"};
	CHECK(test_eal_init_argv(2, extra, test_have_hugepages()) >= 0, "rte_eal_init failed: %s",
	      rte_strerror(rte_errno));

	/* The EAL calls of rte_mempool_populate_anon, one by one. */
	size_t pg = rte_mem_page_size();
	OBS("page size is the system's: %d", pg == (size_t)sysconf(_SC_PAGESIZE));
	size_t len = 16 * pg;
	void *a = rte_mem_map(NULL, len, RTE_PROT_READ | RTE_PROT_WRITE,
			      RTE_MAP_SHARED | RTE_MAP_ANONYMOUS, -1, 0);
	OBS("rte_mem_map anonymous shared: %s, page aligned %d", a ? "ok" : "NULL",
	    a != NULL && ((uintptr_t)a % pg) == 0);
	CHECK(a != NULL, "rte_mem_map: %s", rte_strerror(rte_errno));
	rte_errno = 0;
	OBS("rte_mem_lock: %d", rte_mem_lock(a, len));
	memset(a, 0x5a, len);
	int iova_ok = 1;
	for (size_t off = 0; off < len; off += pg) {
		rte_iova_t iova = rte_mem_virt2iova((char *)a + off);
		/* DPDK: the address itself in IOVA-as-VA mode; in PA mode the physical address
		 * (RTE_BAD_IOVA without the right to read it). */
		if (rte_eal_iova_mode() == RTE_IOVA_VA)
			iova_ok &= iova == (uintptr_t)a + off;
		else
			iova_ok &= iova == RTE_BAD_IOVA || iova != 0;
	}
	OBS("rte_mem_virt2iova of anonymous memory as DPDK gives it: %d", iova_ok);
	OBS("rte_mem_virt2memseg_list of anonymous memory: %p",
	    (void *)rte_mem_virt2memseg_list(a));
	OBS("rte_mem_virt2memseg of anonymous memory: %p", (void *)rte_mem_virt2memseg(a, NULL));
	OBS("rte_mem_unmap: %d", rte_mem_unmap(a, len));
	OBS("rte_mem_map of length 0: %s", rte_mem_map(NULL, 0, RTE_PROT_READ,
	    RTE_MAP_ANONYMOUS | RTE_MAP_PRIVATE, -1, 0) ? "ok" : "NULL");
	a = rte_mem_map(NULL, len, RTE_PROT_READ, RTE_MAP_ANONYMOUS | RTE_MAP_PRIVATE, -1, 0);
	OBS("rte_mem_map anonymous private, read-only: %s", a ? "ok" : "NULL");
	if (a != NULL)
		rte_mem_unmap(a, len);

	/* What test_mempool_events does, with populate_anon. */
	struct ev ev[3];
	memset(ev, 0, sizeof(ev));
	for (int i = 0; i < 3; i++)
		OBS("event callback %d registered: %d", i,
		    rte_mempool_event_callback_register(on_event, &ev[i]));
	OBS("unregister a callback never registered: %d",
	    rte_mempool_event_callback_unregister(on_event, NULL) != 0);
	for (int round = 0; round < 2; round++) {
		char name[32];
		snprintf(name, sizeof(name), "empty%d", round);
		memset(ev, 0, sizeof(ev));
		struct rte_mempool *mp = rte_mempool_create_empty(name, 64, 64, 0, 0, SOCKET_ID_ANY, 0);
		CHECK(mp != NULL, "create_empty: %s", rte_strerror(rte_errno));
		OBS("%s: no event on creation: %d", name, !ev[0].invoked && !ev[1].invoked && !ev[2].invoked);
		OBS("%s: set ops ring_mp_mc: %d", name, rte_mempool_set_ops_byname(mp, "ring_mp_mc", NULL));
		rte_errno = 0;
		int n = rte_mempool_populate_anon(mp);
		OBS("%s: populate_anon gives the pool's size: %d (n %s, errno %d)", name,
		    n == (int)mp->size, n > 0 ? "> 0" : "0", n > 0 ? 0 : rte_errno);
		OBS("%s: populate_anon again gives 0: %d", name, rte_mempool_populate_anon(mp) == 0);
		for (int i = round; i < 3; i++)
			OBS("%s: callback %d saw READY for it: %d", name, i,
			    ev[i].invoked == 1 && ev[i].event == RTE_MEMPOOL_EVENT_READY && ev[i].mp == mp);
		unsigned objs = 0;
		rte_mempool_obj_iter(mp, count_obj, &objs);
		OBS("%s: objects %u, avail %u, chunks %u", name, objs, rte_mempool_avail_count(mp),
		    mp->nb_mem_chunks);
		void *o[64];
		int got = rte_mempool_get_bulk(mp, o, 64);
		OBS("%s: get all 64: %d", name, got);
		if (got == 0) {
			for (int i = 0; i < 64; i++)
				memset(o[i], i, 64);
			rte_mempool_put_bulk(mp, o, 64);
		}
		memset(ev, 0, sizeof(ev));
		rte_mempool_free(mp);
		for (int i = round; i < 3; i++)
			OBS("%s: callback %d saw DESTROY for it: %d", name, i,
			    ev[i].invoked == 1 && ev[i].event == RTE_MEMPOOL_EVENT_DESTROY && ev[i].mp == mp);
		if (round == 0)
			OBS("unregister callback 0: %d", rte_mempool_event_callback_unregister(on_event, &ev[0]));
	}
	for (int i = 1; i < 3; i++)
		OBS("unregister callback %d: %d", i, rte_mempool_event_callback_unregister(on_event, &ev[i]));
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
