/*
 * rtemem: hex dumps of memory (DPDK 22.11's rte_hexdump.h); rte_hexdump() and rte_memdump()
 * come from rtemem.h.
 */
#ifndef _RTE_HEXDUMP_H_
#define _RTE_HEXDUMP_H_

#include <stdio.h>

#include <rtemem.h>

#endif /* _RTE_HEXDUMP_H_ */
