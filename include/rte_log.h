/*
 * rtemem: DPDK 22.11's rte_log.h API.
 *
 * The RTE_LOG_<level> and RTE_LOGTYPE_<type> constants and the non-variadic functions
 * (rte_log_register, rte_log_set_level, rte_openlog_stream, ...) are generated into rtemem.h
 * from the Rust sources. This header adds what C needs on top: the variadic rte_log and
 * rte_vlog prototypes, the RTE_LOG / RTE_LOG_DP macros, and the RTE_LOG_REGISTER family that
 * registers a log type from a constructor.
 */
#ifndef _RTE_LOG_H_
#define _RTE_LOG_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_config.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Messages of RTE_LOG_DP above this level are compiled out (DPDK's build default: INFO). */
#ifndef RTE_LOG_DP_LEVEL
#define RTE_LOG_DP_LEVEL RTE_LOG_INFO
#endif

/*
 * Writes a printf-style message of type `logtype` at `level` when both the global level and
 * the type's level allow it. Returns the number of bytes written, 0 when filtered out, or a
 * negative value for an unknown type.
 */
int rte_log(uint32_t level, uint32_t logtype, const char *format, ...)
	__attribute__((cold, format(printf, 3, 4)));

/* rte_log with a va_list. */
int rte_vlog(uint32_t level, uint32_t logtype, const char *format, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * RTE_LOG(INFO, EAL, "fmt", ...): rte_log at RTE_LOG_INFO for RTE_LOGTYPE_EAL, the text
 * prefixed with "EAL: ". Level and type are the short names, not numbers.
 */
#define RTE_LOG(l, t, ...) \
	rte_log(RTE_LOG_ ## l, RTE_LOGTYPE_ ## t, # t ": " __VA_ARGS__)

/* RTE_LOG for the data path: compiled out when `l` is above RTE_LOG_DP_LEVEL. */
#define RTE_LOG_DP(l, t, ...) \
	(void)((RTE_LOG_ ## l <= RTE_LOG_DP_LEVEL) ? \
		rte_log(RTE_LOG_ ## l, RTE_LOGTYPE_ ## t, # t ": " __VA_ARGS__) : \
		0)

/*
 * Defines `int type` and a constructor that registers the log type `name` with default level
 * RTE_LOG_<level> (or the level a saved --log-level option gives it). If registration fails,
 * `type` falls back to RTE_LOGTYPE_EAL.
 */
#define RTE_LOG_REGISTER_IMPL(type, name, level) \
int type; \
RTE_INIT(__##type) \
{ \
	type = rte_log_register_type_and_pick_level(name, RTE_LOG_##level); \
	if (type < 0) \
		type = RTE_LOGTYPE_EAL; \
}

/* RTE_LOG_REGISTER(my_logtype, my.component, INFO): `name` is written bare, not quoted. */
#define RTE_LOG_REGISTER(type, name, level) \
	RTE_LOG_REGISTER_IMPL(type, RTE_STR(name), level)

/* Registers the log type named by RTE_LOG_DEFAULT_LOGTYPE (the component's default name). */
#define RTE_LOG_REGISTER_DEFAULT(type, level) \
	RTE_LOG_REGISTER_IMPL(type, RTE_STR(RTE_LOG_DEFAULT_LOGTYPE), level)

/* Registers "<RTE_LOG_DEFAULT_LOGTYPE>.<suffix>". */
#define RTE_LOG_REGISTER_SUFFIX(type, suffix, level) \
	RTE_LOG_REGISTER_IMPL(type, \
		RTE_STR(RTE_LOG_DEFAULT_LOGTYPE) "." RTE_STR(suffix), level)

#ifdef __cplusplus
}
#endif

#endif /* _RTE_LOG_H_ */
