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
#define RTE_MAX_ETHPORTS 32
#define RTE_MAX_VFIO_GROUPS 64
#define RTE_MBUF_REFCNT_ATOMIC

/* The DPDK release whose ABI (23) and behaviour rtemem implements: 22.11.11. */
#define RTE_VER_YEAR 22 /* (*) */
#define RTE_VER_MONTH 11 /* (*) */
#define RTE_VER_MINOR 11 /* (*) */
#define RTE_VER_RELEASE 99 /* (*) */
#define RTE_VER_SUFFIX ""

#endif /* RTE_BUILD_CONFIG_H */
