/*
 * The trace test's program (c-tests/sh_trace.sh): Debian's librte_mempool records its own
 * trace points (lib.mempool.*) through DPDK's inline emit code into the EAL's per-thread
 * buffers, next to the EAL's (lib.eal.mem.*, lib.eal.memzone.*) that mempool creation causes.
 * An alarm set and cancelled and an interrupt callback registered on an eventfd record
 * lib.eal.alarm.* and lib.eal.intr.*. Built against DPDK's headers; run on both
 * implementations with --trace options. Markers (lib.eal.generic.string "begin"/"end") delimit
 * the events the test compares.
 */
#define ALLOW_EXPERIMENTAL_API
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_memzone.h>
#include <rte_trace_point.h>

/* DPDK's installed rte_eal_trace.h needs a private header: the point is defined here. */
RTE_TRACE_POINT(rte_eal_trace_generic_str, RTE_TRACE_POINT_ARGS(const char *str),
	rte_trace_point_emit_string(str);)

static void never_cb(void *arg)
{
	(void)arg;
}

/* Sets and cancels an alarm (the first one: DPDK registers its alarm timer's callback then,
 * traced as lib.eal.intr.register); registers, enables, disables and unregisters a callback on an
 * eventfd handle, then enables a VDEV handle (DPDK's one success for rte_intr_enable without
 * a device). Returns 0 when every call answered as DPDK documents. */
static int alarm_and_intr(void)
{
	int bad = 0;
	void *arg = (void *)0x1234;
	if (rte_eal_alarm_set(10 * 1000 * 1000, never_cb, arg) != 0)
		bad |= 1;
	if (rte_eal_alarm_cancel(never_cb, arg) != 1)
		bad |= 2;
	if (rte_eal_alarm_cancel(never_cb, arg) != 0)
		bad |= 4;
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h == NULL || efd < 0 || rte_intr_fd_set(h, efd) != 0 ||
	    rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) != 0)
		return 8;
	if (rte_intr_callback_register(h, never_cb, (void *)0x5678) != 0)
		bad |= 16;
	if (rte_intr_enable(h) != -1 || rte_intr_disable(h) != -1)
		bad |= 32;
	if (rte_intr_callback_unregister(h, never_cb, (void *)0x5678) != 1)
		bad |= 64;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) != 0 || rte_intr_enable(h) != 0)
		bad |= 128;
	rte_intr_instance_free(h);
	close(efd);
	return bad;
}

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
	int r = alarm_and_intr();
	if (r != 0) {
		fprintf(stderr, "alarm/intr calls: bad result mask %#x\n", r);
		return 1;
	}
	rte_eal_trace_generic_str("end");
	printf("done\n");
	return rte_eal_cleanup() == 0 ? 0 : 1;
}
