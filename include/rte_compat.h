/*
 * rtemem: DPDK 22.11's API stability markers (rte_compat.h).
 *
 * An experimental function warns where it is used unless the program defines
 * ALLOW_EXPERIMENTAL_API; an internal one is an error unless it defines ALLOW_INTERNAL_API.
 * That is what DPDK does, so code that builds against DPDK builds here and vice versa.
 */
#ifndef _RTE_COMPAT_H_
#define _RTE_COMPAT_H_

#ifndef ALLOW_EXPERIMENTAL_API
#define __rte_experimental \
	__attribute__((deprecated("Symbol is not yet part of stable ABI"), section(".text.experimental")))
#else
#define __rte_experimental __attribute__((section(".text.experimental")))
#endif

#ifndef __has_attribute
#define __has_attribute(x) 0
#endif

#if !defined(ALLOW_INTERNAL_API) && __has_attribute(error)
#define __rte_internal \
	__attribute__((error("Symbol is not public ABI"), section(".text.internal")))
#elif !defined(ALLOW_INTERNAL_API) && __has_attribute(diagnose_if)
#define __rte_internal \
	__attribute__((diagnose_if(1, "Symbol is not public ABI", "error"), section(".text.internal")))
#else
#define __rte_internal __attribute__((section(".text.internal")))
#endif

#endif /* _RTE_COMPAT_H_ */
