/*
 * rtemem: the build-time facts DPDK 22.11's meson writes into rte_build_config.h, for the
 * x86-64 Linux build rtemem is a drop-in for.
 *
 * This file is force-included (through rte_config.h, `-include rte_config.h`), so it includes
 * no system header: a program's own `#define _GNU_SOURCE` must still take effect.
 *
 * The limits marked (*) are also `pub const`s in rtemem's Rust sources and appear again in the
 * generated rtemem.h. Both copies are written token for token alike, so C accepts the second
 * one silently, and any drift between the Rust value and this one stops the build of every
 * file that includes both.
 */
#ifndef RTE_BUILD_CONFIG_H
#define RTE_BUILD_CONFIG_H

/*
 * Through rtemem's libdpdk.pc chained to an installed DPDK 22.11 (its Cflags define
 * RTEMEM_DPDK_BUILD_CONFIG and put that DPDK's include directories after rtemem's), that DPDK's
 * own build facts come first: which libraries and drivers it has (RTE_LIB_*, RTE_NET_*,
 * RTE_HAS_*) and the limits of its non-EAL libraries (RTE_MAX_ETHPORTS, ...). The EAL is
 * rtemem's, so the EAL's limits must be rtemem's, and the release numbers are rtemem's.
 */
#if defined(RTEMEM_DPDK_BUILD_CONFIG) && defined(__has_include_next)
#if __has_include_next(<rte_build_config.h>)
#include_next <rte_build_config.h>
#if RTE_MAX_LCORE != 128 || RTE_MAX_NUMA_NODES != 32 || RTE_MAX_MEM_MB != 524288 || \
	RTE_CACHE_LINE_SIZE != 64
#error "the installed DPDK was built with EAL limits (RTE_MAX_LCORE, RTE_MAX_NUMA_NODES, RTE_MAX_MEM_MB, RTE_CACHE_LINE_SIZE) other than DPDK 22.11's defaults, which rtemem implements: build against rtemem's EAL-only libdpdk.pc (make DPDK_PC_DIR=none)"
#endif
#undef RTE_VER_YEAR
#undef RTE_VER_MONTH
#undef RTE_VER_MINOR
#undef RTE_VER_RELEASE
#undef RTE_VER_SUFFIX
#endif
#endif

/* Architecture. */
#define RTE_ARCH x86_64
#undef RTE_ARCH_32
#define RTE_ARCH_64
#define RTE_ARCH_X86 1
#define RTE_ARCH_X86_64 1
#define RTE_CACHE_LINE_SIZE 64 /* (*) */
#define RTE_BACKTRACE

/* Execution environment. */
#define RTE_ENV_FREEBSD 0
#define RTE_ENV_LINUX 1
#define RTE_ENV_WINDOWS 2
#define RTE_EXEC_ENV 1
#define RTE_EXEC_ENV_IS_FREEBSD 0
#define RTE_EXEC_ENV_IS_LINUX 1
#define RTE_EXEC_ENV_IS_WINDOWS 0
#define RTE_EXEC_ENV_LINUX 1
#define RTE_TOOLCHAIN "gcc"
#define RTE_TOOLCHAIN_GCC 1

/* EAL features. */
#define RTE_EAL_NUMA_AWARE_HUGEPAGES 1
#define RTE_EAL_VFIO
#define RTE_IOVA_AS_PA 1
#define RTE_HAS_LIBNUMA 1
#undef RTE_ENABLE_TRACE_FP
#undef RTE_LIBEAL_USE_HPET

/* Limits. */
#define RTE_MAX_LCORE 128 /* (*) */
#define RTE_MAX_NUMA_NODES 32 /* (*) */
#define RTE_MAX_MEM_MB 524288 /* (*) */
/* Limits of other libraries: an installed DPDK's own values win (see above). */
#ifndef RTE_MAX_ETHPORTS
#define RTE_MAX_ETHPORTS 32
#endif
#ifndef RTE_MAX_VFIO_GROUPS
#define RTE_MAX_VFIO_GROUPS 64
#endif
#ifndef RTE_MBUF_REFCNT_ATOMIC
#define RTE_MBUF_REFCNT_ATOMIC
#endif

/* The DPDK release whose ABI (23) and behaviour rtemem implements: 22.11.11. */
#define RTE_VER_YEAR 22 /* (*) */
#define RTE_VER_MONTH 11 /* (*) */
#define RTE_VER_MINOR 11 /* (*) */
#define RTE_VER_RELEASE 99 /* (*) */
#define RTE_VER_SUFFIX ""

#endif /* RTE_BUILD_CONFIG_H */
