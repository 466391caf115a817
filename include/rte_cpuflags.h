/*
 * rtemem: CPU feature flags (DPDK 22.11's rte_cpuflags.h for x86-64, generic part included).
 *
 * The enum's values are DPDK's ABI: a program passes them to rtemem's librte_eal.so.23, which
 * reads each flag from cpuid. rte_cpu_is_supported() comes from rtemem.h.
 */
#ifndef _RTE_CPUFLAGS_H_
#define _RTE_CPUFLAGS_H_
/* This file is the x86-64 header too: keep DPDK's own copy out if a header names it. */
#define _RTE_CPUFLAGS_X86_64_H_

#include <errno.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_compat.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** x86-64 CPU features, named as DPDK names them; grouped by the cpuid leaf that reports them. */
enum rte_cpu_flag_t {
	/* leaf 1, ECX */
	RTE_CPUFLAG_SSE3 = 0,
	RTE_CPUFLAG_PCLMULQDQ,
	RTE_CPUFLAG_DTES64,
	RTE_CPUFLAG_MONITOR,
	RTE_CPUFLAG_DS_CPL,
	RTE_CPUFLAG_VMX,
	RTE_CPUFLAG_SMX,
	RTE_CPUFLAG_EIST,
	RTE_CPUFLAG_TM2,
	RTE_CPUFLAG_SSSE3,
	RTE_CPUFLAG_CNXT_ID,
	RTE_CPUFLAG_FMA,
	RTE_CPUFLAG_CMPXCHG16B,
	RTE_CPUFLAG_XTPR,
	RTE_CPUFLAG_PDCM,
	RTE_CPUFLAG_PCID,
	RTE_CPUFLAG_DCA,
	RTE_CPUFLAG_SSE4_1,
	RTE_CPUFLAG_SSE4_2,
	RTE_CPUFLAG_X2APIC,
	RTE_CPUFLAG_MOVBE,
	RTE_CPUFLAG_POPCNT,
	RTE_CPUFLAG_TSC_DEADLINE,
	RTE_CPUFLAG_AES,
	RTE_CPUFLAG_XSAVE,
	RTE_CPUFLAG_OSXSAVE,
	RTE_CPUFLAG_AVX,
	RTE_CPUFLAG_F16C,
	RTE_CPUFLAG_RDRAND,
	RTE_CPUFLAG_HYPERVISOR,
	/* leaf 1, EDX */
	RTE_CPUFLAG_FPU,
	RTE_CPUFLAG_VME,
	RTE_CPUFLAG_DE,
	RTE_CPUFLAG_PSE,
	RTE_CPUFLAG_TSC,
	RTE_CPUFLAG_MSR,
	RTE_CPUFLAG_PAE,
	RTE_CPUFLAG_MCE,
	RTE_CPUFLAG_CX8,
	RTE_CPUFLAG_APIC,
	RTE_CPUFLAG_SEP,
	RTE_CPUFLAG_MTRR,
	RTE_CPUFLAG_PGE,
	RTE_CPUFLAG_MCA,
	RTE_CPUFLAG_CMOV,
	RTE_CPUFLAG_PAT,
	RTE_CPUFLAG_PSE36,
	RTE_CPUFLAG_PSN,
	RTE_CPUFLAG_CLFSH,
	RTE_CPUFLAG_DS,
	RTE_CPUFLAG_ACPI,
	RTE_CPUFLAG_MMX,
	RTE_CPUFLAG_FXSR,
	RTE_CPUFLAG_SSE,
	RTE_CPUFLAG_SSE2,
	RTE_CPUFLAG_SS,
	RTE_CPUFLAG_HTT,
	RTE_CPUFLAG_TM,
	RTE_CPUFLAG_PBE,
	/* leaf 6 */
	RTE_CPUFLAG_DIGTEMP,
	RTE_CPUFLAG_TRBOBST,
	RTE_CPUFLAG_ARAT,
	RTE_CPUFLAG_PLN,
	RTE_CPUFLAG_ECMD,
	RTE_CPUFLAG_PTM,
	RTE_CPUFLAG_MPERF_APERF_MSR,
	RTE_CPUFLAG_ACNT2,
	RTE_CPUFLAG_ENERGY_EFF,
	/* leaf 7 */
	RTE_CPUFLAG_FSGSBASE,
	RTE_CPUFLAG_BMI1,
	RTE_CPUFLAG_HLE,
	RTE_CPUFLAG_AVX2,
	RTE_CPUFLAG_SMEP,
	RTE_CPUFLAG_BMI2,
	RTE_CPUFLAG_ERMS,
	RTE_CPUFLAG_INVPCID,
	RTE_CPUFLAG_RTM,
	RTE_CPUFLAG_AVX512F,
	RTE_CPUFLAG_RDSEED,
	/* leaf 0x80000001 */
	RTE_CPUFLAG_LAHF_SAHF,
	RTE_CPUFLAG_LZCNT,
	RTE_CPUFLAG_SYSCALL,
	RTE_CPUFLAG_XD,
	RTE_CPUFLAG_1GB_PG,
	RTE_CPUFLAG_RDTSCP,
	RTE_CPUFLAG_EM64T,
	/* leaf 0x80000007 */
	RTE_CPUFLAG_INVTSC,
	/* added later, leaf 7 */
	RTE_CPUFLAG_AVX512DQ,
	RTE_CPUFLAG_AVX512IFMA,
	RTE_CPUFLAG_AVX512CD,
	RTE_CPUFLAG_AVX512BW,
	RTE_CPUFLAG_AVX512VL,
	RTE_CPUFLAG_AVX512VBMI,
	RTE_CPUFLAG_AVX512VBMI2,
	RTE_CPUFLAG_GFNI,
	RTE_CPUFLAG_VAES,
	RTE_CPUFLAG_VPCLMULQDQ,
	RTE_CPUFLAG_AVX512VNNI,
	RTE_CPUFLAG_AVX512BITALG,
	RTE_CPUFLAG_AVX512VPOPCNTDQ,
	RTE_CPUFLAG_CLDEMOTE,
	RTE_CPUFLAG_MOVDIRI,
	RTE_CPUFLAG_MOVDIR64B,
	RTE_CPUFLAG_AVX512VP2INTERSECT,
	RTE_CPUFLAG_WAITPKG,
	/* the number of flags: not a flag */
	RTE_CPUFLAG_NUMFLAGS,
};

/** Which power-management intrinsics (rte_power_intrinsics.h) this CPU supports. */
struct rte_cpu_intrinsics {
	uint32_t power_monitor : 1;       /**< rte_power_monitor() (needs WAITPKG) */
	uint32_t power_pause : 1;         /**< rte_power_pause() (needs WAITPKG) */
	uint32_t power_monitor_multi : 1; /**< rte_power_monitor_multi() (WAITPKG and RTM) */
};

/** Fills *intrinsics with what this CPU supports. */
__rte_experimental
void rte_cpu_get_intrinsics_support(struct rte_cpu_intrinsics *intrinsics);

/** The flag's name without its RTE_CPUFLAG_ prefix, or NULL when it is not a flag. */
const char *rte_cpu_get_flag_name(enum rte_cpu_flag_t feature);

/** 1 when the CPU has the flag, 0 when not, -ENOENT when it is not a flag. */
int rte_cpu_get_flag_enabled(enum rte_cpu_flag_t feature);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_CPUFLAGS_H_ */
