/*
 * rtemem: trace points (DPDK 22.11's rte_trace_point.h), reduced to what code using them
 * needs to compile. rtemem does not record traces: a trace point defined with
 * RTE_TRACE_POINT() becomes an inline function that does nothing, registration is remembered
 * but never enables anything, and rte_trace_point_lookup() finds nothing. The functions come
 * from rtemem.h; rte_trace_point_t from rtemem_types.h.
 */
#ifndef _RTE_TRACE_POINT_H_
#define _RTE_TRACE_POINT_H_

#include <stdbool.h>
#include <stdio.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_compat.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Wraps the argument list of a trace point definition. */
#define RTE_TRACE_POINT_ARGS

/*
 * The trace point object stays declared (libraries export them). In an application the body
 * keeps only the emit statements, which mark their arguments used (see below): nothing is
 * recorded and no parameter draws an unused-parameter warning. In a library's registration
 * file (it includes <rte_trace_point_register.h> first, which defines the header and string
 * emitters) the body also announces the event header, and each emitter describes its field.
 */
#ifdef _RTE_TRACE_POINT_REGISTER_H_
#define __RTE_TRACE_POINT(_mode, _tp, _args, ...) \
	extern rte_trace_point_t __##_tp; \
	static __rte_always_inline void _tp _args \
	{ \
		__rte_trace_point_emit_header_##_mode(&__##_tp); \
		__VA_ARGS__ \
	}
#else
#define __RTE_TRACE_POINT(_mode, _tp, _args, ...) \
	extern rte_trace_point_t __##_tp; \
	static __rte_always_inline void _tp _args \
	{ \
		__VA_ARGS__ \
	}
#endif

/** Defines a slow-path trace point: an inline function that records nothing. */
#define RTE_TRACE_POINT(tp, args, ...) __RTE_TRACE_POINT(generic, tp, args, __VA_ARGS__)
/** Defines a fast-path trace point: an inline function that records nothing. */
#define RTE_TRACE_POINT_FP(tp, args, ...) __RTE_TRACE_POINT(fp, tp, args, __VA_ARGS__)

#define __RTE_TRACE_EMIT_STRING_LEN_MAX 32
#define __RTE_TRACE_EVENT_HEADER_SZ sizeof(uint64_t)

#ifdef _RTE_TRACE_POINT_REGISTER_H_
/* Registration: each emitter names its field and C type (rte_trace_point_emit_string comes
 * from rte_trace_point_register.h). */
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
#else
/* Emitters used inside trace point bodies; nothing is recorded. */
#define rte_trace_point_emit_u64(in) RTE_SET_USED(in)
#define rte_trace_point_emit_i64(in) RTE_SET_USED(in)
#define rte_trace_point_emit_u32(in) RTE_SET_USED(in)
#define rte_trace_point_emit_i32(in) RTE_SET_USED(in)
#define rte_trace_point_emit_u16(in) RTE_SET_USED(in)
#define rte_trace_point_emit_i16(in) RTE_SET_USED(in)
#define rte_trace_point_emit_u8(in) RTE_SET_USED(in)
#define rte_trace_point_emit_i8(in) RTE_SET_USED(in)
#define rte_trace_point_emit_int(in) RTE_SET_USED(in)
#define rte_trace_point_emit_long(in) RTE_SET_USED(in)
#define rte_trace_point_emit_size_t(in) RTE_SET_USED(in)
#define rte_trace_point_emit_float(in) RTE_SET_USED(in)
#define rte_trace_point_emit_double(in) RTE_SET_USED(in)
#define rte_trace_point_emit_ptr(in) RTE_SET_USED(in)
#define rte_trace_point_emit_string(in) RTE_SET_USED(in)
#endif

/** Whether fast-path trace points were compiled in; never in rtemem. */
static __rte_always_inline bool
__rte_trace_point_fp_is_enabled(void)
{
	return false;
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_TRACE_POINT_H_ */
