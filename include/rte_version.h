/*
 * rtemem: the DPDK version rtemem implements (DPDK 22.11's rte_version.h). The RTE_VER_*
 * numbers come from rte_build_config.h; rte_version() and the rte_version_*() accessors from
 * rtemem.h. rtemem reports the DPDK release whose ABI and behaviour it matches (22.11.11),
 * because programs compare it with the version they were built against.
 */
#ifndef _RTE_VERSION_H_
#define _RTE_VERSION_H_

#include <stdio.h>
#include <string.h>

#include <rte_compat.h>
#include <rte_config.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One comparable number for a version year.month.minor.release. */
#define RTE_VERSION_NUM(a, b, c, d) ((a) << 24 | (b) << 16 | (c) << 8 | (d))

/** The version these headers describe, as a comparable number. */
#define RTE_VERSION RTE_VERSION_NUM(RTE_VER_YEAR, RTE_VER_MONTH, RTE_VER_MINOR, RTE_VER_RELEASE)

#ifdef __cplusplus
}
#endif

#endif /* _RTE_VERSION_H_ */
