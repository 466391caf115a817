/*
 * rtemem: trace points (DPDK 22.11's rte_trace_point.h).
 *
 * A trace point is a rte_trace_point_t word (bits 0-15 the event size with its 8-byte header,
 * bits 16-31 the point's id, bit 62 DISCARD mode, bit 63 enabled) and an inline function
 * defined with RTE_TRACE_POINT(). With ALLOW_EXPERIMENTAL_API the function records an event in
 * the calling thread's trace buffer (per_lcore_trace_mem) when the point is enabled: the
 * 8-aligned write offset is advanced by the event size (wrapping to the start, or dropping the
 * event in DISCARD mode, when it does not fit), a header tsc[47:0] | id << 48 is written, then
 * each field in order at its natural size (strings: 32 bytes, NUL-terminated). Without
 * ALLOW_EXPERIMENTAL_API nothing is recorded. A library's registration file includes
 * <rte_trace_point_register.h> first: there the same body describes the fields instead.
 * Fast-path points (RTE_TRACE_POINT_FP) record only with RTE_ENABLE_TRACE_FP, which rtemem,
 * like Debian's DPDK, leaves undefined. The functions are declared in rtemem.h.
 */
#ifndef _RTE_TRACE_POINT_H_
#define _RTE_TRACE_POINT_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rte_cycles.h>
#include <rte_per_lcore.h>
#include <rte_string_fns.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Wraps the argument list of a trace point definition. */
#define RTE_TRACE_POINT_ARGS

/** Defines trace point function _tp, whose word is __<_tp>. */
#define __RTE_TRACE_POINT(_mode, _tp, _args, ...) \
	extern rte_trace_point_t __##_tp; \
	static __rte_always_inline void _tp _args \
	{ \
		__rte_trace_point_emit_header_##_mode(&__##_tp); \
		__VA_ARGS__ \
	}

/** Defines a slow-path trace point. */
#define RTE_TRACE_POINT(tp, args, ...) __RTE_TRACE_POINT(generic, tp, args, __VA_ARGS__)
/** Defines a fast-path trace point (compiled out unless RTE_ENABLE_TRACE_FP). */
#define RTE_TRACE_POINT_FP(tp, args, ...) __RTE_TRACE_POINT(fp, tp, args, __VA_ARGS__)

/** Bytes of an emitted string, NUL included. */
#define __RTE_TRACE_EMIT_STRING_LEN_MAX 32
/** Bytes of an event header. */
#define __RTE_TRACE_EVENT_HEADER_SZ sizeof(uint64_t)

/** Whether fast-path trace points record events. */
static __rte_always_inline bool
__rte_trace_point_fp_is_enabled(void)
{
#ifdef RTE_ENABLE_TRACE_FP
	return true;
#else
	return false;
#endif
}

#ifndef _RTE_TRACE_POINT_REGISTER_H_
#ifdef ALLOW_EXPERIMENTAL_API

#define __RTE_TRACE_EVENT_HEADER_ID_SHIFT (48)

#define __RTE_TRACE_FIELD_SIZE_SHIFT 0
#define __RTE_TRACE_FIELD_SIZE_MASK (0xffffULL << __RTE_TRACE_FIELD_SIZE_SHIFT)
#define __RTE_TRACE_FIELD_ID_SHIFT (16)
#define __RTE_TRACE_FIELD_ID_MASK (0xffffULL << __RTE_TRACE_FIELD_ID_SHIFT)
#define __RTE_TRACE_FIELD_ENABLE_MASK (1ULL << 63)
#define __RTE_TRACE_FIELD_ENABLE_DISCARD (1ULL << 62)

/** The CTF packet header and context each saved stream starts with. */
struct __rte_trace_stream_header {
	uint32_t magic;
	uint8_t uuid[16];
	uint32_t lcore_id;
	char thread_name[__RTE_TRACE_EMIT_STRING_LEN_MAX];
} __rte_packed;

/** A thread's trace buffer: write offset, length of mem[], stream header, events. */
struct __rte_trace_header {
	uint32_t offset;
	uint32_t len;
	struct __rte_trace_stream_header stream_header;
	uint8_t mem[];
};

RTE_DECLARE_PER_LCORE(void *, trace_mem);

/** Room for one event of word `in` in this thread's buffer, or NULL to drop it. */
static __rte_always_inline void *
__rte_trace_mem_get(uint64_t in)
{
	struct __rte_trace_header *buf = (struct __rte_trace_header *)RTE_PER_LCORE(trace_mem);
	const uint16_t sz = in & __RTE_TRACE_FIELD_SIZE_MASK;
	uint32_t at;

	if (unlikely(buf == NULL)) {
		__rte_trace_mem_per_thread_alloc();
		buf = (struct __rte_trace_header *)RTE_PER_LCORE(trace_mem);
		if (unlikely(buf == NULL))
			return NULL;
	}
	at = RTE_ALIGN_CEIL(buf->offset, __RTE_TRACE_EVENT_HEADER_SZ);
	if (unlikely(at + sz >= buf->len)) {
		if (unlikely(in & __RTE_TRACE_FIELD_ENABLE_DISCARD))
			return NULL;
		at = 0;
	}
	buf->offset = at + sz;
	return RTE_PTR_ADD(&buf->mem[0], at);
}

/** Writes the event header (timestamp, id) at `mem`; returns where the fields go. */
static __rte_always_inline void *
__rte_trace_point_emit_ev_header(void *mem, uint64_t in)
{
	uint64_t hdr = rte_get_tsc_cycles() & ~(0xffffULL << __RTE_TRACE_EVENT_HEADER_ID_SHIFT);

	hdr |= (in & __RTE_TRACE_FIELD_ID_MASK) <<
		(__RTE_TRACE_EVENT_HEADER_ID_SHIFT - __RTE_TRACE_FIELD_ID_SHIFT);
	*(uint64_t *)mem = hdr;
	return RTE_PTR_ADD(mem, __RTE_TRACE_EVENT_HEADER_SZ);
}

#define __rte_trace_point_emit_header_generic(t) \
void *mem; \
do { \
	const uint64_t word_ = __atomic_load_n(t, __ATOMIC_ACQUIRE); \
	if (likely(!(word_ & __RTE_TRACE_FIELD_ENABLE_MASK))) \
		return; \
	mem = __rte_trace_mem_get(word_); \
	if (unlikely(mem == NULL)) \
		return; \
	mem = __rte_trace_point_emit_ev_header(mem, word_); \
} while (0)

#define __rte_trace_point_emit_header_fp(t) \
	if (!__rte_trace_point_fp_is_enabled()) \
		return; \
	__rte_trace_point_emit_header_generic(t)

#define __rte_trace_point_emit(in, type) \
do { \
	memcpy(mem, &(in), sizeof(in)); \
	mem = RTE_PTR_ADD(mem, sizeof(in)); \
} while (0)

#define rte_trace_point_emit_string(in) \
do { \
	if (unlikely((in) == NULL)) \
		return; \
	rte_strscpy((char *)mem, (in), __RTE_TRACE_EMIT_STRING_LEN_MAX); \
	mem = RTE_PTR_ADD(mem, __RTE_TRACE_EMIT_STRING_LEN_MAX); \
} while (0)

#else /* !ALLOW_EXPERIMENTAL_API: nothing is recorded */

#define __rte_trace_point_emit_header_generic(t) RTE_SET_USED(t)
#define __rte_trace_point_emit_header_fp(t) RTE_SET_USED(t)
#define __rte_trace_point_emit(in, type) RTE_SET_USED(in)
#define rte_trace_point_emit_string(in) RTE_SET_USED(in)

#endif /* ALLOW_EXPERIMENTAL_API */
#endif /* _RTE_TRACE_POINT_REGISTER_H_ */

#define rte_trace_point_emit_u64(in) __rte_trace_point_emit(in, uint64_t)
#define rte_trace_point_emit_i64(in) __rte_trace_point_emit(in, int64_t)
#define rte_trace_point_emit_u32(in) __rte_trace_point_emit(in, uint32_t)
#define rte_trace_point_emit_i32(in) __rte_trace_point_emit(in, int32_t)
#define rte_trace_point_emit_u16(in) __rte_trace_point_emit(in, uint16_t)
#define rte_trace_point_emit_i16(in) __rte_trace_point_emit(in, int16_t)
#define rte_trace_point_emit_u8(in) __rte_trace_point_emit(in, uint8_t)
#define rte_trace_point_emit_i8(in) __rte_trace_point_emit(in, int8_t)
#define rte_trace_point_emit_int(in) __rte_trace_point_emit(in, int32_t)
#define rte_trace_point_emit_long(in) __rte_trace_point_emit(in, long)
#define rte_trace_point_emit_size_t(in) __rte_trace_point_emit(in, size_t)
#define rte_trace_point_emit_float(in) __rte_trace_point_emit(in, float)
#define rte_trace_point_emit_double(in) __rte_trace_point_emit(in, double)
#define rte_trace_point_emit_ptr(in) __rte_trace_point_emit(in, uintptr_t)

#ifdef __cplusplus
}
#endif

#endif /* _RTE_TRACE_POINT_H_ */
