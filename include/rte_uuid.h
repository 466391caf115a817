/*
 * rtemem: UUIDs (DPDK 22.11's rte_uuid.h). rte_uuid_is_null(), rte_uuid_compare(),
 * rte_uuid_parse() and rte_uuid_unparse() come from rtemem.h (their uint8_t pointers are the
 * rte_uuid_t arrays below).
 */
#ifndef _RTE_UUID_H_
#define _RTE_UUID_H_

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A UUID: 16 bytes in network order. */
typedef unsigned char rte_uuid_t[16];

/**
 * An rte_uuid_t initialiser from the five fields of the text form, e.g.
 * RTE_UUID_INIT(0x01234567, 0x89ab, 0xcdef, 0x0123, 0x456789abcdefULL).
 */
#define RTE_UUID_INIT(a, b, c, d, e) { \
	((a) >> 24) & 0xff, ((a) >> 16) & 0xff, ((a) >> 8) & 0xff, (a) & 0xff, \
	((b) >> 8) & 0xff, (b) & 0xff, \
	((c) >> 8) & 0xff, (c) & 0xff, \
	((d) >> 8) & 0xff, (d) & 0xff, \
	((e) >> 40) & 0xff, ((e) >> 32) & 0xff, ((e) >> 24) & 0xff, \
	((e) >> 16) & 0xff, ((e) >> 8) & 0xff, (e) & 0xff \
}

/** Bytes of the text form with its NUL: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
#define RTE_UUID_STRLEN (36 + 1)

/** Copies UUID src into dst. */
static inline void
rte_uuid_copy(rte_uuid_t dst, const rte_uuid_t src)
{
	memcpy(dst, src, sizeof(rte_uuid_t));
}

#ifdef __cplusplus
}
#endif

#endif /* _RTE_UUID_H_ */
