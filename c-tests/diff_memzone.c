/* Memzones compared with DPDK 22.11: reserve (plain, aligned, bounded, zero length), the
 * errors for duplicate and overlong names, bad alignment, bad bounds, bad sockets and flags,
 * look-up, walk, free and the RTE_MAX_MEMZONE limit. */
#include <inttypes.h>
#include <rte_memzone.h>
#include <rte_memory.h>
#include "common.h"

static int walked;

static void count_zone(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(void)arg;
	walked++;
}

#define TRY(label, expr) do { \
	rte_errno = 0; \
	const struct rte_memzone *mz_ = (expr); \
	OBS("%s: %s errno %d", label, mz_ ? "ok" : "NULL", mz_ ? 0 : rte_errno); \
} while (0)

int main(void)
{
	CHECK(test_eal_init() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	int base_zones = 0;
	rte_memzone_walk(count_zone, NULL);
	base_zones = walked; /* DPDK reserves a few of its own at init */

	const struct rte_memzone *a = rte_memzone_reserve("diff_a", 1000, SOCKET_ID_ANY, 0);
	CHECK(a != NULL, "reserve failed: %s", rte_strerror(rte_errno));
	OBS("a: len %zu cacheline-aligned %d name %s socket %d flags %u", a->len,
	    ((uintptr_t)a->addr & 63) == 0, a->name, a->socket_id, a->flags);
	OBS("a: iova matches virt2iova %d, page size %" PRIu64, a->iova == rte_mem_virt2iova(a->addr),
	    a->hugepage_sz);
	memset(a->addr, 0x5a, a->len);
	OBS("lookup a finds it: %d", rte_memzone_lookup("diff_a") == a);
	OBS("lookup of a missing name: %p", (void *)rte_memzone_lookup("diff_nope"));
	TRY("duplicate name", rte_memzone_reserve("diff_a", 64, SOCKET_ID_ANY, 0));
	TRY("31-char name", rte_memzone_reserve("abcdefghijklmnopqrstuvwxyz01234", 64, SOCKET_ID_ANY, 0));
	TRY("32-char name", rte_memzone_reserve("abcdefghijklmnopqrstuvwxyz012345", 64, SOCKET_ID_ANY, 0));
	TRY("align 3", rte_memzone_reserve_aligned("diff_al3", 64, SOCKET_ID_ANY, 0, 3));
	const struct rte_memzone *al = rte_memzone_reserve_aligned("diff_al4k", 100, SOCKET_ID_ANY, 0, 4096);
	OBS("align 4096: %s aligned %d len %zu", al ? "ok" : "NULL", al && ((uintptr_t)al->addr & 4095) == 0,
	    al ? al->len : 0);
	const struct rte_memzone *b = rte_memzone_reserve_bounded("diff_b", 3000, SOCKET_ID_ANY, 0, 64, 4096);
	OBS("bounded: %s within bound %d", b ? "ok" : "NULL",
	    b && ((uintptr_t)b->addr / 4096) == (((uintptr_t)b->addr + b->len - 1) / 4096));
	TRY("bound smaller than len", rte_memzone_reserve_bounded("diff_b2", 8192, SOCKET_ID_ANY, 0, 64, 4096));
	TRY("bound not a power of two", rte_memzone_reserve_bounded("diff_b3", 64, SOCKET_ID_ANY, 0, 64, 3000));
	TRY("socket 77", rte_memzone_reserve("diff_s77", 64, 77, 0));
	TRY("socket 0", rte_memzone_reserve("diff_s0", 64, 0, 0));
	TRY("2MB page flag, hint only", rte_memzone_reserve("diff_2m", 64, SOCKET_ID_ANY,
					       RTE_MEMZONE_2MB | RTE_MEMZONE_SIZE_HINT_ONLY));
	TRY("IOVA contiguous 64 KiB", rte_memzone_reserve("diff_contig", 65536, SOCKET_ID_ANY,
					       RTE_MEMZONE_IOVA_CONTIG));
	const struct rte_memzone *z = rte_memzone_reserve("diff_zero", 0, SOCKET_ID_ANY, 0);
	OBS("len 0: %s, len > 0 %d", z ? "ok" : "NULL", z && z->len > 0);
	if (z)
		OBS("free len 0 zone %d", rte_memzone_free(z));

	walked = 0;
	rte_memzone_walk(count_zone, NULL);
	OBS("walk sees %d new zones", walked - base_zones);

	OBS("free a %d", rte_memzone_free(a));
	OBS("lookup after free: %p", (void *)rte_memzone_lookup("diff_a"));
	OBS("free NULL %d", rte_memzone_free(NULL));
	const struct rte_memzone *again = rte_memzone_reserve("diff_a", 2000, SOCKET_ID_ANY, 0);
	OBS("reserve the freed name again: %s len %zu", again ? "ok" : "NULL", again ? again->len : 0);

	/* Fill the table to RTE_MAX_MEMZONE (DPDK keeps a few zones of its own, so count). */
	walked = 0;
	rte_memzone_walk(count_zone, NULL);
	int before = walked, made = 0;
	char name[32];
	for (int i = 0; i < RTE_MAX_MEMZONE + 10; i++) {
		snprintf(name, sizeof(name), "diff_fill_%d", i);
		rte_errno = 0;
		if (rte_memzone_reserve(name, 64, SOCKET_ID_ANY, 0) == NULL) {
			OBS("table full at RTE_MAX_MEMZONE: %d, errno %d", before + made == RTE_MAX_MEMZONE,
			    rte_errno);
			break;
		}
		made++;
	}
	walked = 0;
	rte_memzone_walk(count_zone, NULL);
	OBS("zones in use: RTE_MAX_MEMZONE %d", walked == RTE_MAX_MEMZONE);
	snprintf(name, sizeof(name), "diff_fill_%d", made / 2);
	const struct rte_memzone *mid = rte_memzone_lookup(name);
	OBS("lookup in a full table %d, free %d", mid != NULL, mid ? rte_memzone_free(mid) : -99);
	OBS("one more fits after a free: %d", rte_memzone_reserve("diff_last", 64, SOCKET_ID_ANY, 0) != NULL);
	return 0;
}
