/*
 * rtemem: string helpers (DPDK 22.11's rte_string_fns.h). rte_strscpy() and rte_strsplit()
 * come from rtemem.h. DPDK's Linux build takes strlcpy/strlcat from libbsd when configured
 * with it; rtemem does not depend on libbsd and maps them to the inline versions below, as
 * DPDK does without it.
 */
#ifndef _RTE_STRING_FNS_H_
#define _RTE_STRING_FNS_H_

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <rte_common.h>
#include <rtemem.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Copies src into dst (size bytes), always NUL-terminating when size > 0.
 * Returns strlen(src): a result >= size means the copy was truncated.
 */
static inline size_t
rte_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/** Appends src to dst (size bytes in all); returns the length it tried to create. */
static inline size_t
rte_strlcat(char *dst, const char *src, size_t size)
{
	size_t l = strnlen(dst, size);

	if (l < size)
		return l + rte_strlcpy(&dst[l], src, size - l);
	return l + strlen(src);
}

#ifndef strlcpy
#define strlcpy(dst, src, size) rte_strlcpy(dst, src, size)
#endif
#ifndef strlcat
#define strlcat(dst, src, size) rte_strlcat(dst, src, size)
#endif

#ifdef __cplusplus
}
#endif

#endif /* _RTE_STRING_FNS_H_ */
