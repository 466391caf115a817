/* External memory and external heaps compared with DPDK 22.11: every invalid-parameter case of
 * DPDK's external_mem_autotest (bad names, missing heaps, zero length, NULL address, wrong IOVA
 * counts; with and without an IOVA table), then what the autotest does with valid arguments:
 * register, look up, unregister; create a heap, add memory, allocate from it, refuse to remove
 * or destroy it while in use, reserve memzones in it, free everything, remove and destroy. */
#include <inttypes.h>
#include <sys/mman.h>
#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include "common.h"

#define LEN (4096u << 10) /* 4 MiB, as the autotest */

/* One observation: the call's result and, when it failed, rte_errno. */
#define R(label, expr) do { \
	rte_errno = 0; \
	int r_ = (expr); \
	OBS("%s: %s errno %d", label, r_ >= 0 ? "ok" : "fail", r_ >= 0 ? 0 : rte_errno); \
} while (0)

static const char *tag;	/* "iova" or "no iova": which half of the table runs */

static void heap_invalid(void *addr, size_t len, size_t pgsz, rte_iova_t *iova, unsigned int n)
{
	static const char *const names[] = {
		NULL, "", "this heap name is definitely way too long to be valid",
	};
	static const char *const what[] = {"NULL name", "empty name", "long name"};
	const char *valid = "valid heap name";
	char l[128];

	for (unsigned int i = 0; i < RTE_DIM(names); i++) {
		const char *nm = names[i];
#define L(op) (snprintf(l, sizeof(l), "%s, %s: %s", tag, what[i], op), l)
		R(L("heap_create"), rte_malloc_heap_create(nm));
		R(L("heap_destroy"), rte_malloc_heap_destroy(nm));
		R(L("heap_get_socket"), rte_malloc_heap_get_socket(nm));
		R(L("memory_add"), rte_malloc_heap_memory_add(nm, addr, len, NULL, 0, pgsz));
		R(L("memory_remove"), rte_malloc_heap_memory_remove(nm, addr, len));
		R(L("memory_attach"), rte_malloc_heap_memory_attach(nm, addr, len));
		R(L("memory_detach"), rte_malloc_heap_memory_detach(nm, addr, len));
#undef L
	}
#define L(op) (snprintf(l, sizeof(l), "%s, %s", tag, op), l)
	R(L("missing heap: destroy"), rte_malloc_heap_destroy(valid));
	R(L("missing heap: get_socket"), rte_malloc_heap_get_socket(valid));
	R(L("missing heap: memory_add"), rte_malloc_heap_memory_add(valid, addr, len, NULL, 0, pgsz));
	R(L("missing heap: memory_remove"), rte_malloc_heap_memory_remove(valid, addr, len));
	R(L("missing heap: memory_attach"), rte_malloc_heap_memory_attach(valid, addr, len));
	R(L("missing heap: memory_detach"), rte_malloc_heap_memory_detach(valid, addr, len));

	R(L("create valid heap"), rte_malloc_heap_create(valid));
	R(L("create it again"), rte_malloc_heap_create(valid));
	R(L("len 0: memory_add"), rte_malloc_heap_memory_add(valid, addr, 0, NULL, 0, pgsz));
	R(L("len 0: memory_remove"), rte_malloc_heap_memory_remove(valid, addr, 0));
	R(L("len 0: memory_attach"), rte_malloc_heap_memory_attach(valid, addr, 0));
	R(L("len 0: memory_detach"), rte_malloc_heap_memory_detach(valid, addr, 0));
	R(L("NULL addr: memory_add"), rte_malloc_heap_memory_add(valid, NULL, len, NULL, 0, pgsz));
	R(L("NULL addr: memory_remove"), rte_malloc_heap_memory_remove(valid, NULL, len));
	R(L("NULL addr: memory_attach"), rte_malloc_heap_memory_attach(valid, NULL, len));
	R(L("NULL addr: memory_detach"), rte_malloc_heap_memory_detach(valid, NULL, len));
	R(L("page size 0: memory_add"), rte_malloc_heap_memory_add(valid, addr, len, iova, n, 0));
	R(L("page size 3000: memory_add"), rte_malloc_heap_memory_add(valid, addr, len, iova, n, 3000));
	R(L("len not pages: memory_add"), rte_malloc_heap_memory_add(valid, addr, len - 100, iova, n, pgsz));
	R(L("addr not aligned: memory_add"),
	  rte_malloc_heap_memory_add(valid, RTE_PTR_ADD(addr, 64), pgsz, NULL, 0, pgsz));
	R(L("memory not added: memory_remove"), rte_malloc_heap_memory_remove(valid, addr, len));
	R(L("memory not added: memory_attach"), rte_malloc_heap_memory_attach(valid, addr, len));
	if (iova != NULL) {
		R(L("0 IOVAs: memory_add"), rte_malloc_heap_memory_add(valid, addr, len, iova, 0, pgsz));
		R(L("n-1 IOVAs: memory_add"), rte_malloc_heap_memory_add(valid, addr, len, iova, n - 1, pgsz));
		R(L("n+1 IOVAs: memory_add"), rte_malloc_heap_memory_add(valid, addr, len, iova, n + 1, pgsz));
	}
	R(L("internal heap socket_0: memory_add"),
	  rte_malloc_heap_memory_add("socket_0", addr, len, NULL, 0, pgsz));
	R(L("internal heap socket_0: destroy"), rte_malloc_heap_destroy("socket_0"));
	R(L("destroy valid heap"), rte_malloc_heap_destroy(valid));
#undef L
}

static void heap_basic(void *addr, size_t len, size_t pgsz, rte_iova_t *iova, unsigned int n)
{
	const char *name = "heap";
	char l[128];
#define L(op) (snprintf(l, sizeof(l), "%s, basic: %s", tag, op), l)
	R(L("create"), rte_malloc_heap_create(name));
	int socket = rte_malloc_heap_get_socket(name);
	OBS("%s, basic: socket found %d, external %d, socket beyond NUMA ids %d", tag, socket >= 0,
	    rte_malloc_heap_socket_is_external(socket), socket >= RTE_MAX_NUMA_NODES);
	void *p = rte_malloc_socket("EXTMEM", 64, 0, socket);
	OBS("%s, basic: alloc from the empty heap: %s", tag, p ? "ok" : "NULL");
	rte_free(p);
	R(L("memory_add"), rte_malloc_heap_memory_add(name, addr, len, iova, n, pgsz));
	/* Refused; DPDK's errno is an accident of its fbarray naming (EBUSY), rtemem says EEXIST. */
	OBS("%s, basic: memory_add twice fails: %d", tag,
	    rte_malloc_heap_memory_add(name, addr, len, iova, n, pgsz) < 0);
	int good = 1;
	for (unsigned int i = 0; i < n; i++) {
		void *cur = RTE_PTR_ADD(addr, pgsz * i);
		const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(cur);
		const struct rte_memseg *ms = msl ? rte_mem_virt2memseg(cur, msl) : NULL;
		good &= msl != NULL && msl->external && msl->heap && ms != NULL && ms->addr == cur &&
			ms->iova == (iova ? iova[i] : RTE_BAD_IOVA) && msl->socket_id == socket;
	}
	OBS("%s, basic: every page is an external heap memseg with its IOVA: %d", tag, good);
	p = rte_malloc_socket("EXTMEM", 64, 0, socket);
	OBS("%s, basic: alloc: %s, inside the area %d, iova %s", tag, p ? "ok" : "NULL",
	    p != NULL && p >= addr && p < RTE_PTR_ADD(addr, len),
	    p == NULL ? "-" : rte_malloc_virt2iova(p) == RTE_BAD_IOVA ? "bad" : "set");
	void *q = rte_malloc_socket("EXTMEM", 64, 0, SOCKET_ID_ANY);
	OBS("%s, basic: SOCKET_ID_ANY alloc stays out of the external heap: %d", tag,
	    q != NULL && (q < addr || q >= RTE_PTR_ADD(addr, len)));
	rte_free(q);
	R(L("memory_remove while in use"), rte_malloc_heap_memory_remove(name, addr, len));
	R(L("destroy while in use"), rte_malloc_heap_destroy(name));
	const struct rte_memzone *mz = rte_memzone_reserve("heap_test", pgsz * 2, socket, 0);
	OBS("%s, basic: memzone: %s, inside the area %d", tag, mz ? "ok" : "NULL",
	    mz != NULL && mz->addr >= addr && mz->addr < RTE_PTR_ADD(addr, len));
	const struct rte_memzone *cz = rte_memzone_reserve("heap_test_contig", pgsz * 2, socket,
							   RTE_MEMZONE_IOVA_CONTIG);
	OBS("%s, basic: IOVA-contiguous memzone: %s", tag, cz ? "ok" : "NULL");
	struct rte_malloc_socket_stats st;
	R(L("socket stats"), rte_malloc_get_socket_stats(socket, &st));
	OBS("%s, basic: heap total %zu", tag, st.heap_totalsz_bytes);
	rte_free(p);
	rte_memzone_free(mz);
	rte_memzone_free(cz);
	R(L("memory_remove"), rte_malloc_heap_memory_remove(name, addr, len));
	R(L("memory_remove again"), rte_malloc_heap_memory_remove(name, addr, len));
	R(L("destroy"), rte_malloc_heap_destroy(name));
	R(L("get_socket after destroy"), rte_malloc_heap_get_socket(name));
#undef L
}

static void extmem_invalid(void *addr, size_t len, size_t pgsz, rte_iova_t *iova, unsigned int n)
{
	char l[128];
#define L(op) (snprintf(l, sizeof(l), "%s, extmem: %s", tag, op), l)
	R(L("unregister missing"), rte_extmem_unregister(addr, len));
	R(L("attach missing"), rte_extmem_attach(addr, len));
	R(L("detach missing"), rte_extmem_detach(addr, len));
	R(L("len 0: register"), rte_extmem_register(addr, 0, NULL, 0, pgsz));
	R(L("len 0: unregister"), rte_extmem_unregister(addr, 0));
	R(L("len 0: attach"), rte_extmem_attach(addr, 0));
	R(L("len 0: detach"), rte_extmem_detach(addr, 0));
	R(L("NULL addr: register"), rte_extmem_register(NULL, len, NULL, 0, pgsz));
	R(L("NULL addr: unregister"), rte_extmem_unregister(NULL, len));
	R(L("NULL addr: attach"), rte_extmem_attach(NULL, len));
	R(L("NULL addr: detach"), rte_extmem_detach(NULL, len));
	R(L("page size 0: register"), rte_extmem_register(addr, len, iova, n, 0));
	R(L("page size 3000: register"), rte_extmem_register(addr, len, iova, n, 3000));
	R(L("len not pages: register"), rte_extmem_register(addr, len - 100, iova, n, pgsz));
	R(L("addr not aligned: register"), rte_extmem_register(RTE_PTR_ADD(addr, 64), pgsz, NULL, 0, pgsz));
	if (iova != NULL) {
		R(L("0 IOVAs: register"), rte_extmem_register(addr, len, iova, 0, pgsz));
		R(L("n-1 IOVAs: register"), rte_extmem_register(addr, len, iova, n - 1, pgsz));
		R(L("n+1 IOVAs: register"), rte_extmem_register(addr, len, iova, n + 1, pgsz));
	}
#undef L
}

static void extmem_basic(void *addr, size_t len, size_t pgsz, rte_iova_t *iova, unsigned int n)
{
	char l[128];
#define L(op) (snprintf(l, sizeof(l), "%s, extmem basic: %s", tag, op), l)
	R(L("register"), rte_extmem_register(addr, len, iova, n, pgsz));
	R(L("register again"), rte_extmem_register(addr, len, iova, n, pgsz));
	/* DPDK refuses this only by accident (a second fbarray of the same name: EBUSY). */
	OBS("%s, extmem basic: register overlapping half fails: %d", tag,
	    rte_extmem_register(addr, len / 2, NULL, 0, pgsz) < 0);
	int good = 1;
	for (unsigned int i = 0; i < n; i++) {
		void *cur = RTE_PTR_ADD(addr, pgsz * i);
		const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(cur);
		const struct rte_memseg *ms = msl ? rte_mem_virt2memseg(cur, msl) : NULL;
		good &= msl != NULL && msl->external && !msl->heap && ms != NULL && ms->addr == cur &&
			ms->iova == (iova ? iova[i] : RTE_BAD_IOVA);
	}
	OBS("%s, extmem basic: every page is an external memseg with its IOVA: %d", tag, good);
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(addr);
	OBS("%s, extmem basic: its socket id is an external one: %d", tag,
	    msl != NULL && msl->socket_id >= RTE_MAX_NUMA_NODES &&
	    rte_mem_virt2memseg(addr, msl)->socket_id == msl->socket_id);
	R(L("unregister half"), rte_extmem_unregister(addr, len / 2));
	R(L("heap memory_remove of non-heap memory"), rte_malloc_heap_memory_remove("nope", addr, len));
	R(L("unregister"), rte_extmem_unregister(addr, len));
	R(L("unregister again"), rte_extmem_unregister(addr, len));
	OBS("%s, extmem basic: after unregister, no memseg list: %d", tag,
	    rte_mem_virt2memseg_list(addr) == NULL);
#undef L
}

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	size_t pgsz = sysconf(_SC_PAGESIZE);
	size_t len = LEN;
	unsigned int n = len / pgsz;
	rte_iova_t iova[LEN / 4096];
	void *addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	CHECK(addr != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(n <= RTE_DIM(iova), "page size %zu", pgsz);
	for (unsigned int i = 0; i < n; i++)
		iova[i] = 0x100000000ull + i * pgsz;

	tag = "iova";
	heap_invalid(addr, len, pgsz, iova, n);
	heap_basic(addr, len, pgsz, iova, n);
	tag = "no iova";
	heap_invalid(addr, len, pgsz, NULL, n);
	heap_basic(addr, len, pgsz, NULL, n);
	tag = "iova";
	extmem_invalid(addr, len, pgsz, iova, n);
	extmem_basic(addr, len, pgsz, iova, n);
	tag = "no iova";
	extmem_invalid(addr, len, pgsz, NULL, n);
	extmem_basic(addr, len, pgsz, NULL, n);

	munmap(addr, len);
	CHECK(rte_eal_cleanup() == 0, "cleanup");
	return 0;
}
