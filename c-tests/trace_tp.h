/*
 * Trace points of the trace tests (c-tests/diff_trace.c, registered by c-tests/trace_register.c),
 * and the EAL's generic points, defined here because DPDK's installed rte_eal_trace.h cannot be
 * included by applications (it needs a private header). Builds against either implementation's
 * headers.
 */
#ifndef RTEMEM_TEST_TRACE_TP_H
#define RTEMEM_TEST_TRACE_TP_H

#include <rte_trace_point.h>

extern int app_diff_count;

/* Every emitter type, a field named "align" (a CTF keyword) and a counter that shows whether
 * the body ran (it also runs once at registration). */
RTE_TRACE_POINT(
	app_diff_tp,
	RTE_TRACE_POINT_ARGS(const char *name, uint64_t u64, int64_t i64, uint32_t u32,
		int32_t i32, uint16_t u16, int16_t i16, uint8_t u8, int8_t i8, int num, long l,
		float f, double d, const void *ptr, size_t align),
	rte_trace_point_emit_string(name);
	rte_trace_point_emit_u64(u64);
	rte_trace_point_emit_i64(i64);
	rte_trace_point_emit_u32(u32);
	rte_trace_point_emit_i32(i32);
	rte_trace_point_emit_u16(u16);
	rte_trace_point_emit_i16(i16);
	rte_trace_point_emit_u8(u8);
	rte_trace_point_emit_i8(i8);
	rte_trace_point_emit_int(num);
	rte_trace_point_emit_long(l);
	rte_trace_point_emit_float(f);
	rte_trace_point_emit_double(d);
	rte_trace_point_emit_ptr(ptr);
	rte_trace_point_emit_size_t(align);
	app_diff_count++;
)

/* A marker: events before it (the EAL's own, during init) are not compared. */
RTE_TRACE_POINT(
	app_diff_mark,
	RTE_TRACE_POINT_ARGS(const char *what),
	rte_trace_point_emit_string(what);
)

/* Fast path: compiled out (RTE_ENABLE_TRACE_FP is not set in either build). */
RTE_TRACE_POINT_FP(
	app_diff_fp,
	RTE_TRACE_POINT_ARGS(uint32_t v),
	rte_trace_point_emit_u32(v);
)

RTE_TRACE_POINT(rte_eal_trace_generic_void, RTE_TRACE_POINT_ARGS(void),)
RTE_TRACE_POINT(rte_eal_trace_generic_u64, RTE_TRACE_POINT_ARGS(uint64_t in),
	rte_trace_point_emit_u64(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_u32, RTE_TRACE_POINT_ARGS(uint32_t in),
	rte_trace_point_emit_u32(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_u16, RTE_TRACE_POINT_ARGS(uint16_t in),
	rte_trace_point_emit_u16(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_u8, RTE_TRACE_POINT_ARGS(uint8_t in),
	rte_trace_point_emit_u8(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i64, RTE_TRACE_POINT_ARGS(int64_t in),
	rte_trace_point_emit_i64(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i32, RTE_TRACE_POINT_ARGS(int32_t in),
	rte_trace_point_emit_i32(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i16, RTE_TRACE_POINT_ARGS(int16_t in),
	rte_trace_point_emit_i16(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_i8, RTE_TRACE_POINT_ARGS(int8_t in),
	rte_trace_point_emit_i8(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_int, RTE_TRACE_POINT_ARGS(int in),
	rte_trace_point_emit_int(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_long, RTE_TRACE_POINT_ARGS(long in),
	rte_trace_point_emit_long(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_float, RTE_TRACE_POINT_ARGS(float in),
	rte_trace_point_emit_float(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_double, RTE_TRACE_POINT_ARGS(double in),
	rte_trace_point_emit_double(in);)
RTE_TRACE_POINT(rte_eal_trace_generic_ptr, RTE_TRACE_POINT_ARGS(const void *ptr),
	rte_trace_point_emit_ptr(ptr);)
RTE_TRACE_POINT(rte_eal_trace_generic_str, RTE_TRACE_POINT_ARGS(const char *str),
	rte_trace_point_emit_string(str);)
RTE_TRACE_POINT(rte_eal_trace_generic_size_t, RTE_TRACE_POINT_ARGS(size_t sz),
	rte_trace_point_emit_size_t(sz);)
RTE_TRACE_POINT(rte_eal_trace_generic_func, RTE_TRACE_POINT_ARGS(const char *func),
	rte_trace_point_emit_string(func);)

#endif
