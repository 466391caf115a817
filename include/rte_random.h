/*
 * rtemem: pseudo-random numbers (DPDK 22.11's rte_random.h). rte_srand(), rte_rand() and
 * rte_rand_max() come from rtemem.h. Not for cryptography.
 */
#ifndef _RTE_RANDOM_H_
#define _RTE_RANDOM_H_

#include <stdint.h>

#include <rte_compat.h>
#include <rtemem.h>

#endif /* _RTE_RANDOM_H_ */
