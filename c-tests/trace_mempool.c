/*
 * The trace test's program (c-tests/sh_trace.sh): Debian's librte_mempool records its own
 * trace points (lib.mempool.*) through DPDK's inline emit code into the EAL's per-thread
 * buffers, next to the EAL's (lib.eal.mem.*, lib.eal.memzone.*) that mempool creation causes.
 * Built against DPDK's headers; run on both implementations with --trace options. Markers
 * (lib.eal.generic.string "begin"/"end") delimit the events the test compares.
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdio.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_memzone.h>
#include <rte_trace_point.h>

/* DPDK's installed rte_eal_trace.h needs a private header: the point is defined here. */
RTE_TRACE_POINT(rte_eal_trace_generic_str, RTE_TRACE_POINT_ARGS(const char *str),
	rte_trace_point_emit_string(str);)

int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	rte_eal_trace_generic_str("begin");
	struct rte_mempool *mp = rte_mempool_create("trace_mp", 1023, 64, 32, 0, NULL, NULL, NULL,
						    NULL, SOCKET_ID_ANY, 0);
	if (mp == NULL) {
		fprintf(stderr, "rte_mempool_create: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	void *obj = NULL;
	if (rte_mempool_get(mp, &obj) == 0)
		rte_mempool_put(mp, obj);
	void *p = rte_malloc("trace_sh", 128, 0);
	rte_free(p);
	const struct rte_memzone *mz = rte_memzone_reserve("trace_sh_mz", 4096, SOCKET_ID_ANY, 0);
	rte_memzone_free(mz);
	rte_mempool_free(mp);
	rte_eal_trace_generic_str("end");
	printf("done\n");
	return rte_eal_cleanup() == 0 ? 0 : 1;
}
