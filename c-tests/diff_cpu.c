/*
 * Differential test of the CPU facts (rte_cpuflags.h, rte_hypervisor.h, rte_power_intrinsics.h,
 * the exported rte_rtm_supported, eal_timer_source and rte_cycles_vmware_tsc_map), built against
 * DPDK 22.11's headers and run on real DPDK and on rtemem: every flag's name and answer, the
 * out-of-range answers, the intrinsics, the hypervisor, and the power calls' error paths.
 */
#define _GNU_SOURCE
#define ALLOW_EXPERIMENTAL_API
#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_hypervisor.h>
#include <rte_lcore.h>
#include <rte_power_intrinsics.h>
#include <rte_spinlock.h>

#include "common.h"

/* Not declared by Debian's headers (built without VMware TSC mapping), but exported. */
extern int rte_cycles_vmware_tsc_map;

static int never(const uint64_t v, const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	(void)v;
	(void)opaque;
	return 0;
}

static void flags(const char *when)
{
	for (int f = 0; f <= RTE_CPUFLAG_NUMFLAGS + 1; f++) {
		const char *name;
		int on;

		rte_errno = 0;
		name = rte_cpu_get_flag_name((enum rte_cpu_flag_t)f);
		on = rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)f);
		OBS("%s flag %d %s enabled %d errno %d", when, f, name ? name : "(NULL)", on, rte_errno);
	}
	{
		const char *name;
		int on;

		rte_errno = 0;
		name = rte_cpu_get_flag_name((enum rte_cpu_flag_t)-1);
		on = rte_cpu_get_flag_enabled((enum rte_cpu_flag_t)-1);
		OBS("%s flag -1 name %s enabled %d errno %d", when, name ? "set" : "(NULL)", on,
		    rte_errno);
	}
}

/* One call: its result and rte_errno (zeroed before), evaluated in that order. */
#define P(when, expr) do { \
	rte_errno = 0; \
	int r_ = (expr); \
	OBS("%s %s => %d errno %d", when, #expr, r_, rte_errno); \
} while (0)

static void power(const char *when)
{
	uint64_t word = 0;
	struct rte_power_monitor_cond pmc[2];

	memset(pmc, 0, sizeof(pmc));
	pmc[0].addr = &word;
	pmc[0].size = 8;
	pmc[0].fn = never;
	pmc[1] = pmc[0];
	P(when, rte_power_monitor(NULL, 0));
	P(when, rte_power_monitor(&pmc[0], rte_rdtsc()));
	pmc[0].size = 3;
	P(when, rte_power_monitor(&pmc[0], rte_rdtsc()));
	P(when, rte_power_pause(rte_rdtsc()));
	P(when, rte_power_monitor_wakeup(0));
	P(when, rte_power_monitor_wakeup(RTE_MAX_LCORE));
	P(when, rte_power_monitor_multi(NULL, 0, 0));
	P(when, rte_power_monitor_multi(pmc, 2, rte_rdtsc()));
}

int main(void)
{
	struct rte_cpu_intrinsics in;
	const char *extra[] = { "--vmware-tsc-map" };

	/* Load-time values, before rte_eal_init. */
	OBS("before init: rte_rtm_supported %u eal_timer_source %d rte_cycles_vmware_tsc_map %d",
	    rte_rtm_supported, (int)eal_timer_source, rte_cycles_vmware_tsc_map);
	OBS("rte_rtm_supported equals the RTM flag: %d",
	    rte_rtm_supported == (uint8_t)rte_cpu_get_flag_enabled(RTE_CPUFLAG_RTM));
	OBS("rte_tm_supported() %d", rte_tm_supported() != 0);
	flags("before init");
	power("before init");

	CHECK(test_eal_init_argv(1, extra, test_have_hugepages()) >= 0, "rte_eal_init: %d",
	      rte_errno);
	OBS("after init: eal_timer_source %d rte_cycles_vmware_tsc_map %d rte_rtm_supported %u",
	    (int)eal_timer_source, rte_cycles_vmware_tsc_map, rte_rtm_supported);
	flags("after init");

	memset(&in, 0xff, sizeof(in));
	rte_cpu_get_intrinsics_support(&in);
	OBS("intrinsics power_monitor %u power_pause %u power_monitor_multi %u", in.power_monitor,
	    in.power_pause, in.power_monitor_multi);
	OBS("intrinsics follow WAITPKG/RTM: %d",
	    in.power_monitor == (unsigned)rte_cpu_get_flag_enabled(RTE_CPUFLAG_WAITPKG) &&
		    in.power_monitor_multi ==
			    (unsigned)(rte_cpu_get_flag_enabled(RTE_CPUFLAG_WAITPKG) &&
				       rte_cpu_get_flag_enabled(RTE_CPUFLAG_RTM)));
	power("main lcore");

	OBS("rte_hypervisor_get %d %s", rte_hypervisor_get(),
	    rte_hypervisor_get_name(rte_hypervisor_get()));
	for (int h = -1; h <= RTE_HYPERVISOR_UNKNOWN + 2; h++)
		OBS("rte_hypervisor_get_name(%d) %s", h, rte_hypervisor_get_name((enum rte_hypervisor)h));
	OBS("rte_cpu_is_supported %d", rte_cpu_is_supported());

	CHECK(rte_eal_cleanup() == 0, "rte_eal_cleanup: %d", rte_errno);
	return 0;
}
