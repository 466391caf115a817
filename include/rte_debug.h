/*
 * rtemem: DPDK 22.11's panic and assertion macros (rte_debug.h). rte_dump_stack() comes from
 * rtemem.h; __rte_panic is variadic and declared here.
 */
#ifndef _RTE_DEBUG_H_
#define _RTE_DEBUG_H_

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_log.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Logs the message with the calling function's name, dumps the stack and aborts the process.
 * The extra "dummy" argument lets a call pass a bare format string.
 */
#define rte_panic(...) rte_panic_(__func__, __VA_ARGS__, "dummy")
#define rte_panic_(func, format, ...) __rte_panic(func, format "%.0s", __VA_ARGS__)

/** Panics when exp is false, in every build. */
#define RTE_VERIFY(exp) \
	do { \
		if (unlikely(!(exp))) \
			rte_panic("line %d\tassert \"%s\" failed\n", __LINE__, #exp); \
	} while (0)

/** RTE_VERIFY when built with RTE_ENABLE_ASSERT, nothing otherwise. */
#ifdef RTE_ENABLE_ASSERT
#define RTE_ASSERT(exp) RTE_VERIFY(exp)
#else
#define RTE_ASSERT(exp) do {} while (0)
#endif

/** Implementation of rte_panic(); call the macro instead. */
void __rte_panic(const char *funcname, const char *format, ...)
	__rte_cold __rte_noreturn __rte_format_printf(2, 3);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_DEBUG_H_ */
