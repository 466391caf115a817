/*
 * DPDK-style code against rtemem's headers: macros, inline helpers, locks across threads,
 * constructors and the small EAL functions that need no rte_eal_init. Built with
 * -Wall -Wextra -Werror like every C test; any wrong result exits 1.
 */
#define ALLOW_EXPERIMENTAL_API /* rte_atomic128_cmp_exchange */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_bitops.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_debug.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#include <rte_pause.h>
#include <rte_random.h>
#include <rte_rwlock.h>
#include <rte_spinlock.h>
#include <rte_string_fns.h>
#include <rte_ticketlock.h>
#include <rte_version.h>

#include "common.h"

struct cached {
	uint64_t a;
} __rte_cache_aligned;

struct packed_pair {
	uint8_t a;
	uint32_t b;
} __rte_packed;

struct outer {
	int x;
	struct cached inner;
};

static int init_ran;
static int init_prio_ran;

RTE_INIT_PRIO(early_init, LOG)
{
	init_prio_ran = 1;
}

RTE_INIT(late_init)
{
	/* Prioritised constructors run first. */
	init_ran = init_prio_ran ? 2 : 1;
}

static __rte_always_inline int twice(int v) { return 2 * v; }

#define ROUNDS 200000
static rte_spinlock_t spin = RTE_SPINLOCK_INITIALIZER;
static rte_rwlock_t rw = RTE_RWLOCK_INITIALIZER;
static rte_ticketlock_t ticket = RTE_TICKETLOCK_INITIALIZER;
static uint64_t spin_count, rw_count, ticket_count;
static rte_atomic32_t atomic_count = RTE_ATOMIC32_INIT(0);

static void *worker(void *arg __rte_unused)
{
	for (int i = 0; i < ROUNDS; i++) {
		rte_spinlock_lock(&spin);
		spin_count++;
		rte_spinlock_unlock(&spin);

		rte_rwlock_write_lock(&rw);
		rw_count++;
		rte_rwlock_write_unlock(&rw);

		rte_rwlock_read_lock(&rw);
		uint64_t seen = rw_count;
		rte_rwlock_read_unlock(&rw);
		RTE_SET_USED(seen);

		rte_ticketlock_lock(&ticket);
		ticket_count++;
		rte_ticketlock_unlock(&ticket);

		rte_atomic32_inc(&atomic_count);
	}
	return NULL;
}

int main(void)
{
	/* Build-time checks. */
	RTE_BUILD_BUG_ON(sizeof(struct rte_memzone) != 72);
	RTE_BUILD_BUG_ON(sizeof(struct rte_memseg) != 48);
	RTE_BUILD_BUG_ON(sizeof(struct packed_pair) != 5);
	RTE_BUILD_BUG_ON(sizeof(struct cached) != RTE_CACHE_LINE_SIZE);

	/* Alignment and pointer arithmetic. */
	CHECK(RTE_ALIGN_CEIL(100u, 64) == 128, "align ceil");
	CHECK(RTE_ALIGN_FLOOR(100u, 64) == 64, "align floor");
	CHECK(RTE_ALIGN(128u, 64) == 128, "align exact");
	CHECK(RTE_ALIGN_MUL_CEIL(10, 3) == 12 && RTE_ALIGN_MUL_FLOOR(10, 3) == 9, "align mul");
	CHECK(RTE_ALIGN_MUL_NEAR(10, 4) == 12 && RTE_ALIGN_MUL_NEAR(9, 4) == 8, "align mul near");
	CHECK(RTE_CACHE_LINE_ROUNDUP(65) == 128, "cache line roundup");
	char buf[256];
	char *p = RTE_PTR_ALIGN_CEIL(buf + 1, 64);
	CHECK(rte_is_aligned(p, 64) && p > buf && p - buf <= 64, "ptr align ceil");
	CHECK(RTE_PTR_ALIGN_FLOOR(p + 5, 64) == p, "ptr align floor");
	CHECK(RTE_PTR_ADD(buf, 10) == (void *)(buf + 10), "ptr add");
	CHECK(RTE_PTR_SUB(buf + 10, 10) == (void *)buf, "ptr sub");
	CHECK(RTE_PTR_DIFF(buf + 10, buf) == 10, "ptr diff");
	struct outer o;
	CHECK(container_of(&o.inner, struct outer, inner) == &o, "container_of");
	CHECK(offsetof(struct outer, inner) == RTE_CACHE_LINE_SIZE, "cache aligned member");

	/* Powers of two and bit scans. */
	CHECK(RTE_IS_POWER_OF_2(64) && !RTE_IS_POWER_OF_2(65) && !RTE_IS_POWER_OF_2(0), "pow2 macro");
	CHECK(rte_is_power_of_2(1) && !rte_is_power_of_2(6), "pow2 fn");
	CHECK(rte_align32pow2(33) == 64 && rte_align32pow2(64) == 64 && rte_align32pow2(0) == 0, "align32pow2");
	CHECK(rte_align64pow2((1ULL << 40) + 1) == 1ULL << 41, "align64pow2");
	CHECK(rte_align32prevpow2(100) == 64 && rte_align64prevpow2(1) == 1, "prevpow2");
	CHECK(rte_bsf32(0x80) == 7 && rte_bsf64(1ULL << 40) == 40, "bsf");
	uint32_t pos = 99;
	CHECK(rte_bsf32_safe(0, &pos) == 0 && pos == 99, "bsf32_safe zero");
	CHECK(rte_fls_u32(0) == 0 && rte_fls_u32(0x10) == 5 && rte_fls_u64(1ULL << 63) == 64, "fls");
	CHECK(rte_log2_u32(1) == 0 && rte_log2_u32(5) == 3 && rte_log2_u64(1ULL << 33) == 33, "log2");
	CHECK(RTE_BIT32(3) == 8 && RTE_BIT64(40) == 1ULL << 40, "bit");
	CHECK(RTE_MIN(3, 7) == 3 && RTE_MAX(3, 7) == 7, "min max");
	int arr[7];
	RTE_SET_USED(arr);
	CHECK(RTE_DIM(arr) == 7, "dim");
	CHECK(strcmp(RTE_STR(RTE_MAX_LCORE), "128") == 0, "str");
	CHECK(RTE_LEN2MASK(12, uint32_t) == 0xfff, "len2mask");
	CHECK(rte_cpu_to_be_16(0x1234) == 0x3412 && rte_be_to_cpu_32(0x12345678) == 0x78563412, "byteorder");
	CHECK(RTE_BE16(0x1234) == 0x3412, "static bswap");
	CHECK(twice(21) == 42, "always inline");
	CHECK(RTE_BAD_IOVA == UINT64_MAX, "bad iova");

	/* Constructors ran before main, prioritised first. */
	CHECK(init_ran == 2 && init_prio_ran == 1, "RTE_INIT (ran=%d prio=%d)", init_ran, init_prio_ran);

	/* Locks and atomics across threads. */
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0, "pthread_create");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK(spin_count == 2 * ROUNDS, "spinlock count %llu", (unsigned long long)spin_count);
	CHECK(rw_count == 2 * ROUNDS, "rwlock count %llu", (unsigned long long)rw_count);
	CHECK(ticket_count == 2 * ROUNDS, "ticketlock count %llu", (unsigned long long)ticket_count);
	CHECK(rte_atomic32_read(&atomic_count) == 2 * ROUNDS, "atomic count");
	CHECK(rte_spinlock_trylock(&spin) == 1 && rte_spinlock_is_locked(&spin), "trylock");
	CHECK(rte_spinlock_trylock(&spin) == 0, "trylock held");
	rte_spinlock_unlock(&spin);
	rte_rwlock_read_lock(&rw);
	CHECK(rte_rwlock_write_trylock(&rw) == -EBUSY, "write trylock vs reader");
	CHECK(rte_rwlock_read_trylock(&rw) == 0, "second reader");
	rte_rwlock_read_unlock(&rw);
	rte_rwlock_read_unlock(&rw);
	CHECK(rte_rwlock_write_trylock(&rw) == 0, "write trylock free");
	CHECK(rte_rwlock_read_trylock(&rw) == -EBUSY, "read trylock vs writer");
	rte_rwlock_write_unlock(&rw);
	rte_spinlock_recursive_t rsl = RTE_SPINLOCK_RECURSIVE_INITIALIZER;
	rte_spinlock_recursive_lock(&rsl);
	CHECK(rte_spinlock_recursive_trylock(&rsl) == 1 && rsl.count == 2, "recursive");
	rte_spinlock_recursive_unlock(&rsl);
	rte_spinlock_recursive_unlock(&rsl);
	CHECK(!rte_spinlock_is_locked(&rsl.sl), "recursive released");
	rte_atomic64_t a64;
	rte_atomic64_init(&a64);
	CHECK(rte_atomic64_add_return(&a64, 5) == 5 && rte_atomic64_test_and_set(&a64) == 0, "atomic64");
	uint16_t w = 3;
	CHECK(rte_atomic16_cmpset(&w, 3, 4) && w == 4 && rte_atomic16_exchange(&w, 9) == 4, "cmpset");
	rte_smp_mb();
	rte_compiler_barrier();

	/* 128-bit compare-and-exchange: stores on a match, reports the current value otherwise. */
	rte_int128_t q = {.val = {1, 2}}, exp = {.val = {1, 2}}, src = {.val = {3, 4}};
	CHECK(sizeof(q) == 16 && _Alignof(rte_int128_t) == 16, "rte_int128_t is 16 bytes, 16-aligned");
	CHECK(rte_atomic128_cmp_exchange(&q, &exp, &src, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) == 1 &&
		      q.val[0] == 3 && q.val[1] == 4 && exp.val[0] == 1,
	      "cmp_exchange128 swaps on a match");
	exp.val[0] = 9;
	CHECK(rte_atomic128_cmp_exchange(&q, &exp, &src, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) == 0 &&
		      exp.val[0] == 3 && exp.val[1] == 4,
	      "cmp_exchange128 returns the current value on a mismatch");
	uint32_t flags = 0x5a;
	RTE_WAIT_UNTIL_MASKED(&flags, 0xf0, ==, 0x50, __ATOMIC_RELAXED);
	RTE_WAIT_UNTIL_MASKED(&flags, 0x0f, !=, 0, __ATOMIC_ACQUIRE);
	unaligned_uint64_t u64 = 1;
	unaligned_uint32_t u32 = 2;
	unaligned_uint16_t u16 = 3;
	CHECK(u64 + u32 + u16 == 6 && GCC_VERSION >= 40000, "unaligned types, GCC_VERSION");

	/* String helpers. */
	char small[4];
	CHECK(rte_strscpy(small, "abc", sizeof(small)) == 3 && strcmp(small, "abc") == 0, "strscpy");
	rte_errno = 0;
	CHECK(rte_strscpy(small, "abcdef", sizeof(small)) == -E2BIG && rte_errno == E2BIG, "strscpy E2BIG");
	CHECK(strcmp(small, "abc") == 0, "strscpy truncates with NUL");
	CHECK(strlcpy(small, "xyz123", sizeof(small)) == 6 && strcmp(small, "xyz") == 0, "strlcpy");
	char line[] = "a:b:c";
	char *toks[4];
	CHECK(rte_strsplit(line, sizeof(line), toks, 4, ':') == 3 && strcmp(toks[2], "c") == 0, "strsplit");
	CHECK(rte_str_to_size("2M") == 2 << 20 && rte_str_to_size("1g") == 1ULL << 30, "str_to_size");
	char dst[8];
	CHECK(rte_memcpy(dst, "1234567", 8) == dst && strcmp(dst, "1234567") == 0, "memcpy");

	/* Version, TSC, random. */
	CHECK(strcmp(rte_version(), "DPDK 22.11.11") == 0, "version %s", rte_version());
	CHECK(RTE_VERSION == RTE_VERSION_NUM(22, 11, 11, 99), "RTE_VERSION");
	uint64_t hz = rte_get_tsc_hz();
	CHECK(hz >= 100000000ULL, "tsc hz %llu", (unsigned long long)hz);
	uint64_t c0 = rte_get_tsc_cycles();
	rte_delay_ms(2);
	CHECK(rte_get_tsc_cycles() - c0 >= hz / 1000, "delay_ms waited");
	rte_srand(1);
	uint64_t r1 = rte_rand();
	rte_srand(1);
	CHECK(rte_rand() == r1, "srand repeatable");
	for (int i = 0; i < 1000; i++)
		CHECK(rte_rand_max(10) < 10, "rand_max");

	/* Process-local helpers. */
	CHECK(rte_gettid() > 0 && rte_gettid() == rte_sys_gettid(), "gettid");
	RTE_VERIFY(1 + 1 == 2);
	RTE_ASSERT(1);

	printf("test_headers: all checks passed\n");
	return 0;
}
