/*
 * The only C in rtemem: what stable Rust cannot express.
 *
 *  - Exported thread-local variables that DPDK 22.11's headers read directly
 *    (RTE_PER_LCORE(_rte_errno), RTE_PER_LCORE(_lcore_id), ...).
 *  - Variadic entry points (rte_log, rte_exit, __rte_panic, rte_devargs_parsef). Each forwards its
 *    va_list to a Rust function that does the work.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

__thread int per_lcore__rte_errno;
__thread unsigned int per_lcore__lcore_id = UINT32_MAX; /* LCORE_ID_ANY */
__thread int per_lcore__thread_id = -1;
/*
 * Trace points (rte_trace_point.h): the size of the point being registered, which a library's
 * registration code writes directly, and this thread's trace buffer (struct
 * __rte_trace_header *), which inline emit code reads directly. src/base/trace/ owns both.
 */
__thread volatile int per_lcore_trace_point_sz;
__thread void *per_lcore_trace_mem;

/*
 * Per-thread state of rtemem's hot paths (malloc/free). Initial-exec TLS: one %fs-relative
 * access instead of a __tls_get_addr call per use, which is most of the cost of a small
 * allocation through a shared library. Laid out as src/base/tls.rs's HotTls.
 */
struct rtemem_hot_tls {
	uintptr_t heap_key;
	uintptr_t heap_slot;
	uintptr_t last_free;
	uint32_t socket;
	uint32_t pad;
};
static __thread struct rtemem_hot_tls rtemem_hot __attribute__((tls_model("initial-exec"))) = {
	.socket = UINT32_MAX,
};
struct rtemem_hot_tls *rtemem__hot_tls(void) { return &rtemem_hot; }

int *rtemem__errno_location(void) { return &per_lcore__rte_errno; }
unsigned int *rtemem__lcore_id_location(void) { return &per_lcore__lcore_id; }
int *rtemem__thread_id_location(void) { return &per_lcore__thread_id; }
volatile int *rtemem__trace_point_sz_location(void) { return &per_lcore_trace_point_sz; }
void **rtemem__trace_mem_location(void) { return &per_lcore_trace_mem; }

int rte_vlog(uint32_t level, uint32_t logtype, const char *format, va_list ap);
void rtemem__vexit(int exit_code, const char *format, va_list ap) __attribute__((noreturn));
void rtemem__vpanic(const char *funcname, const char *format, va_list ap) __attribute__((noreturn));

__attribute__((format(printf, 3, 4)))
int rte_log(uint32_t level, uint32_t logtype, const char *format, ...)
{
	va_list ap;
	int ret;

	va_start(ap, format);
	ret = rte_vlog(level, logtype, format, ap);
	va_end(ap);
	return ret;
}

__attribute__((format(printf, 2, 3), noreturn))
void rte_exit(int exit_code, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	rtemem__vexit(exit_code, format, ap);
}

__attribute__((format(printf, 2, 3), noreturn))
void __rte_panic(const char *funcname, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	rtemem__vpanic(funcname, format, ap);
}

struct rte_devargs;
int rtemem__devargs_vparsef(struct rte_devargs *da, const char *format, va_list ap);

__attribute__((format(printf, 2, 3)))
int rte_devargs_parsef(struct rte_devargs *da, const char *format, ...)
{
	va_list ap;
	int ret;

	va_start(ap, format);
	ret = rtemem__devargs_vparsef(da, format, ap);
	va_end(ap);
	return ret;
}
