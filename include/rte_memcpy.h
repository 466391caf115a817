/*
 * rtemem: memory copy (DPDK 22.11's rte_memcpy.h). DPDK hand-vectorises this; the C library's
 * memcpy is as fast on current x86-64 and rtemem uses it.
 */
#ifndef _RTE_MEMCPY_H_
#define _RTE_MEMCPY_H_

#include <stddef.h>
#include <string.h>

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Copies n bytes from src to dst (the areas must not overlap); returns dst. */
static __rte_always_inline void *
rte_memcpy(void *dst, const void *src, size_t n)
{
	return memcpy(dst, src, n);
}

static inline void rte_mov16(uint8_t *dst, const uint8_t *src) { memcpy(dst, src, 16); }
static inline void rte_mov32(uint8_t *dst, const uint8_t *src) { memcpy(dst, src, 32); }
static inline void rte_mov64(uint8_t *dst, const uint8_t *src) { memcpy(dst, src, 64); }
static inline void rte_mov128(uint8_t *dst, const uint8_t *src) { memcpy(dst, src, 128); }
static inline void rte_mov256(uint8_t *dst, const uint8_t *src) { memcpy(dst, src, 256); }

#ifdef __cplusplus
}
#endif

#endif /* _RTE_MEMCPY_H_ */
