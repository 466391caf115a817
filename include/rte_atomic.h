/*
 * rtemem: memory barriers and atomic counters (DPDK 22.11's rte_atomic.h, x86-64).
 *
 * x86-64 keeps loads and stores in order except store->load, so the SMP read and write
 * barriers are compiler barriers, and a full SMP barrier is a locked add on the stack.
 * The rte_atomicNN_t counters are sequentially consistent, as DPDK's locked instructions are.
 */
#ifndef _RTE_ATOMIC_H_
#define _RTE_ATOMIC_H_

#include <stdint.h>

#include <rte_common.h>
#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Stops the compiler moving memory accesses across this point. */
#define rte_compiler_barrier() do { asm volatile("" : : : "memory"); } while (0)

/** Full, write and read barriers, device memory included. */
#define rte_mb() asm volatile("mfence" : : : "memory")
#define rte_wmb() asm volatile("sfence" : : : "memory")
#define rte_rmb() asm volatile("lfence" : : : "memory")

/** Barriers between CPUs (normal memory). */
#define rte_smp_wmb() rte_compiler_barrier()
#define rte_smp_rmb() rte_compiler_barrier()

static __rte_always_inline void
rte_smp_mb(void)
{
	asm volatile("lock addl $0, -128(%%rsp); " : : : "memory");
}

/** Barriers for I/O device memory. */
#define rte_io_mb() rte_mb()
#define rte_io_wmb() rte_compiler_barrier()
#define rte_io_rmb() rte_compiler_barrier()

/** A C11-style fence; seq_cst uses the cheaper locked add. */
static __rte_always_inline void
rte_atomic_thread_fence(int memorder)
{
	if (memorder == __ATOMIC_SEQ_CST)
		rte_smp_mb();
	else
		__atomic_thread_fence(memorder);
}

/* ---- 16-bit ---------------------------------------------------------------------------- */

/** Sets *dst to src when it equals exp; returns non-zero on success. */
static inline int
rte_atomic16_cmpset(volatile uint16_t *dst, uint16_t exp, uint16_t src)
{
	return __sync_bool_compare_and_swap(dst, exp, src);
}

/** Stores val in *dst and returns the previous value. */
static inline uint16_t
rte_atomic16_exchange(volatile uint16_t *dst, uint16_t val)
{
	return __atomic_exchange_n(dst, val, __ATOMIC_SEQ_CST);
}

/** A 16-bit atomic counter. */
typedef struct {
	volatile int16_t cnt;
} rte_atomic16_t;

#define RTE_ATOMIC16_INIT(val) { (val) }

static inline void rte_atomic16_init(rte_atomic16_t *v) { v->cnt = 0; }
static inline int16_t rte_atomic16_read(const rte_atomic16_t *v) { return v->cnt; }
static inline void rte_atomic16_set(rte_atomic16_t *v, int16_t new_value) { v->cnt = new_value; }
static inline void rte_atomic16_add(rte_atomic16_t *v, int16_t inc) { __atomic_fetch_add(&v->cnt, inc, __ATOMIC_SEQ_CST); }
static inline void rte_atomic16_sub(rte_atomic16_t *v, int16_t dec) { __atomic_fetch_sub(&v->cnt, dec, __ATOMIC_SEQ_CST); }
static inline void rte_atomic16_inc(rte_atomic16_t *v) { rte_atomic16_add(v, 1); }
static inline void rte_atomic16_dec(rte_atomic16_t *v) { rte_atomic16_sub(v, 1); }
static inline int16_t rte_atomic16_add_return(rte_atomic16_t *v, int16_t inc) { return __atomic_add_fetch(&v->cnt, inc, __ATOMIC_SEQ_CST); }
static inline int16_t rte_atomic16_sub_return(rte_atomic16_t *v, int16_t dec) { return __atomic_sub_fetch(&v->cnt, dec, __ATOMIC_SEQ_CST); }
/** Increments; returns true when the result is 0. */
static inline int rte_atomic16_inc_and_test(rte_atomic16_t *v) { return __atomic_add_fetch(&v->cnt, 1, __ATOMIC_SEQ_CST) == 0; }
/** Decrements; returns true when the result is 0. */
static inline int rte_atomic16_dec_and_test(rte_atomic16_t *v) { return __atomic_sub_fetch(&v->cnt, 1, __ATOMIC_SEQ_CST) == 0; }
/** Sets the counter to 1 if it was 0; returns true when it did. */
static inline int rte_atomic16_test_and_set(rte_atomic16_t *v) { return rte_atomic16_cmpset((volatile uint16_t *)&v->cnt, 0, 1); }
static inline void rte_atomic16_clear(rte_atomic16_t *v) { v->cnt = 0; }

/* ---- 32-bit ---------------------------------------------------------------------------- */

/** Sets *dst to src when it equals exp; returns non-zero on success. */
static inline int
rte_atomic32_cmpset(volatile uint32_t *dst, uint32_t exp, uint32_t src)
{
	return __sync_bool_compare_and_swap(dst, exp, src);
}

/** Stores val in *dst and returns the previous value. */
static inline uint32_t
rte_atomic32_exchange(volatile uint32_t *dst, uint32_t val)
{
	return __atomic_exchange_n(dst, val, __ATOMIC_SEQ_CST);
}

/** A 32-bit atomic counter. */
typedef struct {
	volatile int32_t cnt;
} rte_atomic32_t;

#define RTE_ATOMIC32_INIT(val) { (val) }

static inline void rte_atomic32_init(rte_atomic32_t *v) { v->cnt = 0; }
static inline int32_t rte_atomic32_read(const rte_atomic32_t *v) { return v->cnt; }
static inline void rte_atomic32_set(rte_atomic32_t *v, int32_t new_value) { v->cnt = new_value; }
static inline void rte_atomic32_add(rte_atomic32_t *v, int32_t inc) { __atomic_fetch_add(&v->cnt, inc, __ATOMIC_SEQ_CST); }
static inline void rte_atomic32_sub(rte_atomic32_t *v, int32_t dec) { __atomic_fetch_sub(&v->cnt, dec, __ATOMIC_SEQ_CST); }
static inline void rte_atomic32_inc(rte_atomic32_t *v) { rte_atomic32_add(v, 1); }
static inline void rte_atomic32_dec(rte_atomic32_t *v) { rte_atomic32_sub(v, 1); }
static inline int32_t rte_atomic32_add_return(rte_atomic32_t *v, int32_t inc) { return __atomic_add_fetch(&v->cnt, inc, __ATOMIC_SEQ_CST); }
static inline int32_t rte_atomic32_sub_return(rte_atomic32_t *v, int32_t dec) { return __atomic_sub_fetch(&v->cnt, dec, __ATOMIC_SEQ_CST); }
/** Increments; returns true when the result is 0. */
static inline int rte_atomic32_inc_and_test(rte_atomic32_t *v) { return __atomic_add_fetch(&v->cnt, 1, __ATOMIC_SEQ_CST) == 0; }
/** Decrements; returns true when the result is 0. */
static inline int rte_atomic32_dec_and_test(rte_atomic32_t *v) { return __atomic_sub_fetch(&v->cnt, 1, __ATOMIC_SEQ_CST) == 0; }
/** Sets the counter to 1 if it was 0; returns true when it did. */
static inline int rte_atomic32_test_and_set(rte_atomic32_t *v) { return rte_atomic32_cmpset((volatile uint32_t *)&v->cnt, 0, 1); }
static inline void rte_atomic32_clear(rte_atomic32_t *v) { v->cnt = 0; }

/* ---- 64-bit ---------------------------------------------------------------------------- */

/** Sets *dst to src when it equals exp; returns non-zero on success. */
static inline int
rte_atomic64_cmpset(volatile uint64_t *dst, uint64_t exp, uint64_t src)
{
	return __sync_bool_compare_and_swap(dst, exp, src);
}

/** Stores val in *dst and returns the previous value. */
static inline uint64_t
rte_atomic64_exchange(volatile uint64_t *dst, uint64_t val)
{
	return __atomic_exchange_n(dst, val, __ATOMIC_SEQ_CST);
}

/** A 64-bit atomic counter. */
typedef struct {
	volatile int64_t cnt;
} rte_atomic64_t;

#define RTE_ATOMIC64_INIT(val) { (val) }

static inline void rte_atomic64_init(rte_atomic64_t *v) { v->cnt = 0; }
static inline int64_t rte_atomic64_read(const rte_atomic64_t *v) { return v->cnt; }
static inline void rte_atomic64_set(rte_atomic64_t *v, int64_t new_value) { v->cnt = new_value; }
static inline void rte_atomic64_add(rte_atomic64_t *v, int64_t inc) { __atomic_fetch_add(&v->cnt, inc, __ATOMIC_SEQ_CST); }
static inline void rte_atomic64_sub(rte_atomic64_t *v, int64_t dec) { __atomic_fetch_sub(&v->cnt, dec, __ATOMIC_SEQ_CST); }
static inline void rte_atomic64_inc(rte_atomic64_t *v) { rte_atomic64_add(v, 1); }
static inline void rte_atomic64_dec(rte_atomic64_t *v) { rte_atomic64_sub(v, 1); }
static inline int64_t rte_atomic64_add_return(rte_atomic64_t *v, int64_t inc) { return __atomic_add_fetch(&v->cnt, inc, __ATOMIC_SEQ_CST); }
static inline int64_t rte_atomic64_sub_return(rte_atomic64_t *v, int64_t dec) { return __atomic_sub_fetch(&v->cnt, dec, __ATOMIC_SEQ_CST); }
/** Increments; returns true when the result is 0. */
static inline int rte_atomic64_inc_and_test(rte_atomic64_t *v) { return __atomic_add_fetch(&v->cnt, 1, __ATOMIC_SEQ_CST) == 0; }
/** Decrements; returns true when the result is 0. */
static inline int rte_atomic64_dec_and_test(rte_atomic64_t *v) { return __atomic_sub_fetch(&v->cnt, 1, __ATOMIC_SEQ_CST) == 0; }
/** Sets the counter to 1 if it was 0; returns true when it did. */
static inline int rte_atomic64_test_and_set(rte_atomic64_t *v) { return rte_atomic64_cmpset((volatile uint64_t *)&v->cnt, 0, 1); }
static inline void rte_atomic64_clear(rte_atomic64_t *v) { v->cnt = 0; }

/* ---- 128-bit ---------------------------------------------------------------------------- */

/** A 16-byte aligned 128-bit value, seen as two 64-bit halves or one __int128. */
typedef struct {
	RTE_STD_C11
	union {
		uint64_t val[2];
		__extension__ __int128 int128;
	};
} __rte_aligned(16) rte_int128_t;

/**
 * 128-bit compare-and-exchange (lock cmpxchg16b): when *dst equals *exp, *src is stored in
 * *dst and 1 is returned; otherwise *dst is copied to *exp and 0 is returned. x86-64's locked
 * instruction is a full barrier, so weak, success and failure change nothing.
 */
__rte_experimental
static inline int
rte_atomic128_cmp_exchange(rte_int128_t *dst, rte_int128_t *exp, const rte_int128_t *src,
			   unsigned int weak, int success, int failure)
{
	uint64_t lo = exp->val[0], hi = exp->val[1];
	uint8_t swapped;

	RTE_SET_USED(weak);
	RTE_SET_USED(success);
	RTE_SET_USED(failure);
	asm volatile("lock cmpxchg16b %[mem]\n\tsete %[ok]"
		     : [mem] "+m"(*dst), [ok] "=q"(swapped), "+a"(lo), "+d"(hi)
		     : "b"(src->val[0]), "c"(src->val[1])
		     : "memory", "cc");
	if (!swapped) {
		exp->val[0] = lo;
		exp->val[1] = hi;
	}
	return swapped;
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_ATOMIC_H_ */
