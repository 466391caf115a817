/*
 * An ordinary DPDK 22.11 timer program, after DPDK's examples/timer: a periodic timer on the
 * main lcore and a single-shot timer that re-arms itself on the next lcore each time it fires.
 * Every lcore runs rte_timer_manage(). Nothing in it knows about rtemem; the README builds it
 * through rtemem's libdpdk.pc (DPDK's librte_timer over rtemem's EAL).
 */
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_timer.h>

#define TICKS 5
#define HOPS 6

static struct rte_timer periodic, hopping;
static volatile unsigned ticks, hops;
static volatile unsigned hop_lcores; /* bit per lcore the hopping timer fired on */

static void on_periodic(struct rte_timer *t, void *arg)
{
	(void)arg;
	if (++ticks == TICKS)
		rte_timer_stop(t);
}

static void on_hop(struct rte_timer *t, void *arg)
{
	(void)arg;
	unsigned here = rte_lcore_id();
	hop_lcores |= 1u << (here % 32);
	if (++hops < HOPS)
		rte_timer_reset(t, rte_get_timer_hz() / 100, SINGLE, rte_get_next_lcore(here, 0, 1),
				on_hop, NULL);
}

/* Every lcore manages its timers until both timers are done (or 10 s passed). */
static int manage(void *arg)
{
	(void)arg;
	uint64_t end = rte_get_timer_cycles() + 10 * rte_get_timer_hz();
	while ((ticks < TICKS || hops < HOPS) && rte_get_timer_cycles() < end)
		rte_timer_manage();
	return 0;
}

int main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "cannot init the EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (rte_timer_subsystem_init() < 0) {
		fprintf(stderr, "cannot init the timer subsystem: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	rte_timer_init(&periodic);
	rte_timer_init(&hopping);
	uint64_t hz = rte_get_timer_hz();
	unsigned main_lcore = rte_lcore_id();
	rte_timer_reset(&periodic, hz / 100, PERIODICAL, main_lcore, on_periodic, NULL);
	rte_timer_reset(&hopping, hz / 100, SINGLE, rte_get_next_lcore(main_lcore, 0, 1), on_hop, NULL);
	rte_eal_mp_remote_launch(manage, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	unsigned lcores = (unsigned)__builtin_popcount(hop_lcores);
	printf("periodic timer: %u ticks; hopping timer: %u hops over %u lcores\n", ticks, hops, lcores);
	rte_timer_subsystem_finalize();
	rte_eal_cleanup();
	return ticks == TICKS && hops == HOPS ? 0 : 1;
}
