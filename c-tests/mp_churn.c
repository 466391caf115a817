/* Helper for sh_faults.sh, built against DPDK 22.11's headers.
 *   mp_churn primary <eal args>  init, print "ready", wait for SIGTERM, then print heap validity
 *   mp_churn stress <eal args>   (primary) as primary, but also creates the board and churns
 *   mp_churn churn <eal args>    (secondary) allocate and free until SIGTERM (then free all and
 *                                print how many operations it did), growing the heap
 *   mp_churn check <eal args>    (secondary) print heap validity, that malloc and memzones still
 *                                work, and that every memseg list's used count matches its mask
 *
 * Every block and memzone a churner takes is filled with a pattern and checked before it is
 * freed. With a board (the "churn_board" memzone, made by `stress`), each churner also
 * publishes a block it allocated (often with heap growth) and checks the blocks the other
 * processes published: memory one process allocates must be mapped, with its contents, in every
 * other process at once. It prints "mismatches N" and fails when N > 0. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fbarray.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_memzone.h>

static volatile sig_atomic_t stop;
/* The loops stop at the next iteration; a second SIGTERM (or one that finds the process stuck
 * in a call that never returns) ends it at once, so a plain `timeout` can always stop it. */
static void on_term(int s)
{
	(void)s;
	if (stop)
		_exit(143);
	stop = 1;
}

#define BOARD_SLOTS 16
struct board_slot {
	int lock;
	int used;
	unsigned char pat;
	size_t len;
	unsigned char *ptr;
};
struct board {
	int next;
	struct board_slot slot[BOARD_SLOTS];
};

static void slot_lock(struct board_slot *s)
{
	while (__atomic_exchange_n(&s->lock, 1, __ATOMIC_ACQUIRE))
		usleep(10);
}
static void slot_unlock(struct board_slot *s)
{
	__atomic_store_n(&s->lock, 0, __ATOMIC_RELEASE);
}

static unsigned long mismatches;

/* Bytes of p..p+len that are checked: the start, the end and one byte per 4 KiB between. */
static void fill(unsigned char *p, size_t len, unsigned char pat)
{
	if (len <= 8192) {
		memset(p, pat, len);
		return;
	}
	memset(p, pat, 4096);
	memset(p + len - 4096, pat, 4096);
	for (size_t o = 4096; o < len - 4096; o += 4096)
		p[o] = pat;
}
static int verify(const unsigned char *p, size_t len, unsigned char pat)
{
	size_t head = len <= 8192 ? len : 4096;
	for (size_t i = 0; i < head; i++)
		if (p[i] != pat)
			return 0;
	if (len <= 8192)
		return 1;
	for (size_t i = len - 4096; i < len; i++)
		if (p[i] != pat)
			return 0;
	for (size_t o = 4096; o < len - 4096; o += 4096)
		if (p[o] != pat)
			return 0;
	return 1;
}

static unsigned long churn(struct board *b)
{
	/* A killed churner's live blocks stay allocated (nobody can know they are garbage, as in
	 * DPDK), so keep few of them: 100 kills must not exhaust the pool. */
	void *live[16] = { 0 };
	size_t live_len[16] = { 0 };
	unsigned long long s = (unsigned long long)getpid() * 2654435761ULL;
	unsigned char mine = (unsigned char)getpid();
	char name[32];
	struct board_slot *own = NULL;
	if (b) {
		int k = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);
		if (k < BOARD_SLOTS)
			own = &b->slot[k];
	}
	unsigned long i;
	for (i = 0; !stop; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		unsigned k = s % 16;
		unsigned char pat = (unsigned char)(mine + k);
		if (live[k] && !verify(live[k], live_len[k], pat))
			mismatches++;
		rte_free(live[k]);
		size_t size = (s >> 8) % 32 == 0 ? (1 + (s >> 16) % 3) << 20 : 16 + (s >> 16) % 8192;
		live[k] = rte_malloc(NULL, size, 0);
		live_len[k] = size;
		if (live[k])
			fill(live[k], size, pat);
		if (i % 64 == 0) {
			snprintf(name, sizeof(name), "churn_%d_%lu", getpid(), i % 8);
			const struct rte_memzone *mz = rte_memzone_lookup(name);
			if (mz) {
				if (!verify(mz->addr, mz->len, (unsigned char)~mine))
					mismatches++;
				rte_memzone_free(mz);
			} else {
				mz = rte_memzone_reserve(name, 8192, SOCKET_ID_ANY, 0);
				if (mz)
					fill(mz->addr, mz->len, (unsigned char)~mine);
			}
		}
		if (own && i % 512 == 0) {
			/* publish a fresh block (often from newly grown heap memory) */
			size_t len = ((s >> 24) % 4 + 1) << 19;
			unsigned char p = (unsigned char)(s >> 40);
			unsigned char *blk = rte_malloc(NULL, len, 0);
			if (blk)
				fill(blk, len, p);
			slot_lock(own);
			unsigned char *old = own->ptr;
			own->ptr = blk;
			own->len = len;
			own->pat = p;
			own->used = blk != NULL;
			slot_unlock(own);
			rte_free(old);
		}
		if (b && i % 32 == 0) {
			struct board_slot *o = &b->slot[(s >> 32) % BOARD_SLOTS];
			slot_lock(o);
			if (o != own && o->used && !verify(o->ptr, o->len, o->pat))
				mismatches++;
			slot_unlock(o);
		}
	}
	if (own) {
		slot_lock(own);
		unsigned char *old = own->ptr;
		own->ptr = NULL;
		own->used = 0;
		slot_unlock(own);
		rte_free(old);
	}
	for (unsigned k = 0; k < 16; k++)
		rte_free(live[k]);
	for (int z = 0; z < 8; z++) {
		snprintf(name, sizeof(name), "churn_%d_%d", getpid(), z);
		const struct rte_memzone *mz = rte_memzone_lookup(name);
		if (mz)
			rte_memzone_free(mz);
	}
	return i;
}

/* A memseg list's used count must equal the bits set in its mask, whoever died changing it. */
static int list_consistent(const struct rte_memseg_list *msl, void *arg)
{
	struct rte_fbarray *a = (struct rte_fbarray *)&msl->memseg_arr;
	unsigned used = 0;
	for (unsigned i = 0; i < a->len; i++)
		used += rte_fbarray_is_used(a, i) == 1;
	if (used != a->count) {
		printf("memseg list %p: used count %u, %u bits set\n", (const void *)msl, a->count,
		       used);
		*(int *)arg = 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *role = argv[1];
	argv[1] = argv[0];
	if (rte_eal_init(argc - 1, argv + 1) < 0) {
		printf("init failed: %s\n", rte_strerror(rte_errno));
		return 3;
	}
	if (strcmp(role, "check"))
		signal(SIGTERM, on_term); /* check keeps the default: SIGTERM ends it */
	if (!strcmp(role, "primary") || !strcmp(role, "stress")) {
		struct board *b = NULL;
		if (!strcmp(role, "stress")) {
			const struct rte_memzone *mz =
				rte_memzone_reserve("churn_board", sizeof(*b), SOCKET_ID_ANY, 0);
			if (!mz) {
				printf("board: %s\n", rte_strerror(rte_errno));
				return 6;
			}
			b = mz->addr;
			memset(b, 0, sizeof(*b));
		}
		printf("ready\n");
		fflush(stdout);
		if (b)
			printf("churned %lu operations\n", churn(b));
		else
			while (!stop)
				pause();
		if (b)
			printf("mismatches %lu\n", mismatches);
		rte_malloc_dump_heaps(stdout);
		int rc = rte_eal_cleanup() == 0 ? 0 : 4;
		return mismatches ? 7 : rc;
	}
	if (!strcmp(role, "check")) {
		rte_malloc_dump_heaps(stdout);
		void *p = rte_malloc(NULL, 3 << 20, 0);
		printf("malloc after faults: %s\n", p ? "ok" : "failed");
		rte_free(p);
		const struct rte_memzone *mz =
			rte_memzone_reserve("churn_check", 4096, SOCKET_ID_ANY, 0);
		int zone_ok = mz && rte_memzone_lookup("churn_check") == mz;
		printf("memzone after faults: %s\n", zone_ok ? "ok" : "failed");
		rte_memzone_free(mz);
		int bad = 0;
		rte_memseg_list_walk(list_consistent, &bad);
		printf("memseg arrays consistent: %s\n", bad ? "no" : "yes");
		rte_eal_cleanup();
		return !p ? 5 : !zone_ok ? 8 : bad ? 9 : 0;
	}
	/* churn */
	const struct rte_memzone *bz = rte_memzone_lookup("churn_board");
	unsigned long n = churn(bz ? bz->addr : NULL);
	printf("churned %lu operations\n", n);
	printf("mismatches %lu\n", mismatches);
	rte_eal_cleanup();
	return mismatches ? 7 : 0;
}
