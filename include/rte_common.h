/*
 * rtemem: DPDK 22.11's general-purpose macros and inline helpers (rte_common.h): attributes,
 * constructors, pointer and alignment arithmetic, power-of-two and bit-scan helpers.
 * Behaviour (argument evaluation, result types) follows DPDK's so that code written for DPDK
 * computes the same values.
 */
#ifndef _RTE_COMMON_H_
#define _RTE_COMMON_H_

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <rte_config.h>
#include <rte_os.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef typeof
#define typeof __typeof__
#endif
#ifndef asm
#define asm __asm__
#endif

/** Marks C11 constructs (anonymous unions and structs) for pedantic pre-C11 compilers. */
#ifndef RTE_STD_C11
#ifdef __STDC_VERSION__
#define RTE_STD_C11
#else
#define RTE_STD_C11 __extension__
#endif
#endif

/* ---- attributes ------------------------------------------------------------------------- */

#define __rte_aligned(a) __attribute__((__aligned__(a)))
#define __rte_packed __attribute__((__packed__))
#define __rte_may_alias __attribute__((__may_alias__))
#define __rte_deprecated __attribute__((__deprecated__))
#define __rte_deprecated_msg(msg) __attribute__((__deprecated__(msg)))
#define __rte_weak __attribute__((__weak__))
#define __rte_used __attribute__((used))
#define __rte_unused __attribute__((__unused__))
#define __rte_noreturn __attribute__((noreturn))
#define __rte_warn_unused_result __attribute__((warn_unused_result))
#define __rte_always_inline inline __attribute__((always_inline))
#define __rte_noinline __attribute__((noinline))
#define __rte_hot __attribute__((hot))
#define __rte_cold __attribute__((cold))
#define __rte_format_printf(format_index, first_arg) \
	__attribute__((format(printf, format_index, first_arg)))
#define __rte_alloc_size(...) __attribute__((alloc_size(__VA_ARGS__)))
#ifdef __cplusplus
#define __rte_restrict __restrict
#else
#define __rte_restrict restrict
#endif

/** The compiler version as one number (12.2.0 is 120200), for version-dependent workarounds. */
#ifdef RTE_TOOLCHAIN_GCC
#define GCC_VERSION (__GNUC__ * 10000 + __GNUC_MINOR__ * 100 + __GNUC_PATCHLEVEL__)
#endif

/*
 * Integers that may sit at any address. x86-64 loads and stores them unaligned at no cost, so
 * they are the plain types (DPDK's definition on x86; DPDK's ring copies objects through them).
 */
typedef uint64_t unaligned_uint64_t;
typedef uint32_t unaligned_uint32_t;
typedef uint16_t unaligned_uint16_t;

/** Silences "unused" warnings for x. */
#define RTE_SET_USED(x) (void)(x)

/* ---- constructors and destructors -------------------------------------------------------- */

#define RTE_PRIORITY_LOG 101
#define RTE_PRIORITY_BUS 110
#define RTE_PRIORITY_CLASS 120
#define RTE_PRIORITY_LAST 65535
#define RTE_PRIO(prio) RTE_PRIORITY_##prio

/** Runs func before main(); prio is one of LOG, BUS, CLASS, LAST (lower runs first). */
#define RTE_INIT_PRIO(func, prio) \
	static void __attribute__((constructor(RTE_PRIO(prio)), used)) func(void)
/** Runs func before main(), after the prioritised constructors. */
#define RTE_INIT(func) RTE_INIT_PRIO(func, LAST)
/** Runs func after main() returns or exit() is called. */
#define RTE_FINI_PRIO(func, prio) \
	static void __attribute__((destructor(RTE_PRIO(prio)), used)) func(void)
#define RTE_FINI(func) RTE_FINI_PRIO(func, LAST)

/* ---- pointer arithmetic ------------------------------------------------------------------- */

/** ptr advanced by x bytes, as void *. */
#define RTE_PTR_ADD(ptr, x) ((void *)((uintptr_t)(ptr) + (x)))
/** ptr moved back by x bytes, as void *. */
#define RTE_PTR_SUB(ptr, x) ((void *)((uintptr_t)(ptr) - (x)))
/** Bytes from ptr2 up to ptr1, as uintptr_t. */
#define RTE_PTR_DIFF(ptr1, ptr2) ((uintptr_t)(ptr1) - (uintptr_t)(ptr2))
/** Casts the address of a struct field to a pointer of the given type. */
#define RTE_CAST_FIELD(var, field, type) \
	(*(type *)((uintptr_t)(var) + offsetof(typeof(*(var)), field)))

/* ---- alignment (align must be a power of two) --------------------------------------------- */

/** ptr rounded down to align; keeps ptr's type. */
#define RTE_PTR_ALIGN_FLOOR(ptr, align) \
	((typeof(ptr))RTE_ALIGN_FLOOR((uintptr_t)(ptr), align))
/** val rounded down to align; keeps val's type. */
#define RTE_ALIGN_FLOOR(val, align) \
	(typeof(val))((val) & (~((typeof(val))((align) - 1))))
/** ptr rounded up to align; keeps ptr's type. */
#define RTE_PTR_ALIGN_CEIL(ptr, align) \
	RTE_PTR_ALIGN_FLOOR((typeof(ptr))RTE_PTR_ADD(ptr, (align) - 1), align)
/** val rounded up to align; keeps val's type. */
#define RTE_ALIGN_CEIL(val, align) \
	RTE_ALIGN_FLOOR(((val) + ((typeof(val))(align) - 1)), align)
#define RTE_PTR_ALIGN(ptr, align) RTE_PTR_ALIGN_CEIL(ptr, align)
#define RTE_ALIGN(val, align) RTE_ALIGN_CEIL(val, align)

/** v rounded up to a multiple of mul (any positive mul). */
#define RTE_ALIGN_MUL_CEIL(v, mul) \
	((((v) + (typeof(v))(mul) - 1) / ((typeof(v))(mul))) * (typeof(v))(mul))
/** v rounded down to a multiple of mul (any positive mul). */
#define RTE_ALIGN_MUL_FLOOR(v, mul) \
	(((v) / ((typeof(v))(mul))) * (typeof(v))(mul))
/** The multiple of mul nearest to v (the upper one on a tie). */
#define RTE_ALIGN_MUL_NEAR(v, mul) \
	__extension__({ \
		typeof(v) rte_ceil_ = RTE_ALIGN_MUL_CEIL(v, mul); \
		typeof(v) rte_floor_ = RTE_ALIGN_MUL_FLOOR(v, mul); \
		(rte_ceil_ - (v)) > ((v) - rte_floor_) ? rte_floor_ : rte_ceil_; \
	})

/** 1 when ptr is a multiple of align (a power of two). */
static inline int
rte_is_aligned(const void *const __rte_restrict ptr, const unsigned int align)
{
	return ((uintptr_t)ptr & (uintptr_t)(align - 1)) == 0;
}

/** Stops compilation when condition, a constant expression, is true. */
#define RTE_BUILD_BUG_ON(condition) ((void)sizeof(char[1 - 2 * !!(condition)]))

/* ---- cache lines --------------------------------------------------------------------------- */

#define RTE_CACHE_LINE_MASK (RTE_CACHE_LINE_SIZE - 1)
/** size rounded up to a whole number of cache lines. */
#define RTE_CACHE_LINE_ROUNDUP(size) RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE)
#if RTE_CACHE_LINE_SIZE == 64
#define RTE_CACHE_LINE_SIZE_LOG2 6
#elif RTE_CACHE_LINE_SIZE == 128
#define RTE_CACHE_LINE_SIZE_LOG2 7
#else
#error "RTE_CACHE_LINE_SIZE must be 64 or 128"
#endif
#define RTE_CACHE_LINE_MIN_SIZE 64
#define __rte_cache_aligned __rte_aligned(RTE_CACHE_LINE_SIZE)
#define __rte_cache_min_aligned __rte_aligned(RTE_CACHE_LINE_MIN_SIZE)

/** No physical address. */
#define RTE_BAD_PHYS_ADDR ((phys_addr_t)-1)
/** No IO address. */
#define RTE_BAD_IOVA ((rte_iova_t)-1)

/* Zero-length markers for positions inside a struct. */
__extension__ typedef void *RTE_MARKER[0];
__extension__ typedef uint8_t RTE_MARKER8[0];
__extension__ typedef uint16_t RTE_MARKER16[0];
__extension__ typedef uint32_t RTE_MARKER32[0];
__extension__ typedef uint64_t RTE_MARKER64[0];

/* ---- powers of two and bit scans ------------------------------------------------------------ */

/** True when n is a non-zero power of two. */
#define RTE_IS_POWER_OF_2(n) ((n) && !(((n) - 1) & (n)))

static inline int
rte_is_power_of_2(uint32_t n)
{
	return n && !(n & (n - 1));
}

/** x with every bit below its most significant set bit also set. */
static inline uint32_t
rte_combine32ms1b(uint32_t x)
{
	x |= x >> 1;
	x |= x >> 2;
	x |= x >> 4;
	x |= x >> 8;
	x |= x >> 16;
	return x;
}

static inline uint64_t
rte_combine64ms1b(uint64_t v)
{
	v |= v >> 1;
	v |= v >> 2;
	v |= v >> 4;
	v |= v >> 8;
	v |= v >> 16;
	v |= v >> 32;
	return v;
}

/** Smallest power of two >= x; 0 for 0 and for x > 2^31. */
static inline uint32_t
rte_align32pow2(uint32_t x)
{
	return rte_combine32ms1b(x - 1) + 1;
}

/** Largest power of two <= x; 0 for 0. */
static inline uint32_t
rte_align32prevpow2(uint32_t x)
{
	x = rte_combine32ms1b(x);
	return x - (x >> 1);
}

/** Smallest power of two >= v; 0 for 0 and for v > 2^63. */
static inline uint64_t
rte_align64pow2(uint64_t v)
{
	return rte_combine64ms1b(v - 1) + 1;
}

/** Largest power of two <= v; 0 for 0. */
static inline uint64_t
rte_align64prevpow2(uint64_t v)
{
	v = rte_combine64ms1b(v);
	return v - (v >> 1);
}

/** Index of the least significant set bit of v; v must not be 0. */
static inline uint32_t
rte_bsf32(uint32_t v)
{
	return (uint32_t)__builtin_ctz(v);
}

/** As rte_bsf32 into *pos; returns 0 (and leaves *pos) when v is 0, else 1. */
static inline int
rte_bsf32_safe(uint32_t v, uint32_t *pos)
{
	if (v == 0)
		return 0;
	*pos = rte_bsf32(v);
	return 1;
}

static inline uint32_t
rte_bsf64(uint64_t v)
{
	return (uint32_t)__builtin_ctzll(v);
}

static inline int
rte_bsf64_safe(uint64_t v, uint32_t *pos)
{
	if (v == 0)
		return 0;
	*pos = rte_bsf64(v);
	return 1;
}

/** 1-based position of the most significant set bit of x; 0 for 0. */
static inline uint32_t
rte_fls_u32(uint32_t x)
{
	return x == 0 ? 0 : 32 - (uint32_t)__builtin_clz(x);
}

static inline uint32_t
rte_fls_u64(uint64_t x)
{
	return x == 0 ? 0 : 64 - (uint32_t)__builtin_clzll(x);
}

/** log2 of v rounded up; 0 for 0 and 1. */
static inline uint32_t
rte_log2_u32(uint32_t v)
{
	if (v == 0)
		return 0;
	return rte_bsf32(rte_align32pow2(v));
}

static inline uint32_t
rte_log2_u64(uint64_t v)
{
	if (v == 0)
		return 0;
	return rte_bsf64(rte_align64pow2(v));
}

/* ---- small utilities ----------------------------------------------------------------------- */

/** The smaller of a and b, each evaluated once. */
#ifndef RTE_MIN
#define RTE_MIN(a, b) \
	__extension__({ \
		typeof(a) rte_a_ = (a); \
		typeof(b) rte_b_ = (b); \
		rte_a_ < rte_b_ ? rte_a_ : rte_b_; \
	})
#endif
/** The larger of a and b, each evaluated once. */
#ifndef RTE_MAX
#define RTE_MAX(a, b) \
	__extension__({ \
		typeof(a) rte_a_ = (a); \
		typeof(b) rte_b_ = (b); \
		rte_a_ > rte_b_ ? rte_a_ : rte_b_; \
	})
#endif

/** Number of elements of an array. */
#define RTE_DIM(a) (sizeof(a) / sizeof((a)[0]))
/** The text of x, after macro expansion. */
#define _RTE_STR(x) #x
#define RTE_STR(x) _RTE_STR(x)
/** Size of a struct member. */
#define RTE_SIZEOF_FIELD(type, field) (sizeof(((type *)0)->field))
/* Split a format-plus-arguments list so a format can be prefixed. */
#define RTE_FMT(fmt, ...) fmt "%.0s", __VA_ARGS__ ""
#define RTE_FMT_HEAD(fmt, ...) fmt
#define RTE_FMT_TAIL(fmt, ...) __VA_ARGS__
/** Mask of the low ln bits of type tp. */
#define RTE_LEN2MASK(ln, tp) ((tp)((uint64_t)-1 >> (sizeof(uint64_t) * CHAR_BIT - (ln))))
/** Exchanges the values of a and b. */
#define RTE_SWAP(a, b) \
	__extension__({ \
		typeof(a) rte_tmp_ = a; \
		a = b; \
		b = rte_tmp_; \
	})

/** The struct of type `type` whose member `member` is at ptr. */
#ifndef container_of
#define container_of(ptr, type, member) \
	__extension__({ \
		const typeof(((type *)0)->member) *rte_mptr_ = (ptr); \
		(type *)(((uintptr_t)rte_mptr_) - offsetof(type, member)); \
	})
#endif

/**
 * Logs the message as a critical EAL error and exits the process with exit_code, after the
 * EAL has released its resources.
 */
__rte_noreturn void
rte_exit(int exit_code, const char *format, ...) __rte_format_printf(2, 3);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_COMMON_H_ */
