/*
 * rtemem: the hypervisor this machine runs under (DPDK 22.11's rte_hypervisor.h).
 */
#ifndef RTE_HYPERVISOR_H
#define RTE_HYPERVISOR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Hypervisors DPDK tells apart (from the cpuid vendor leaf 0x40000000). */
enum rte_hypervisor {
	RTE_HYPERVISOR_NONE,    /**< bare metal, or a hypervisor that hides itself */
	RTE_HYPERVISOR_KVM,
	RTE_HYPERVISOR_HYPERV,
	RTE_HYPERVISOR_VMWARE,
	RTE_HYPERVISOR_UNKNOWN  /**< some other hypervisor */
};

/** The hypervisor this machine runs under. */
enum rte_hypervisor rte_hypervisor_get(void);

/** "none", "KVM", "Hyper-V", "VMware", or "unknown". */
const char *rte_hypervisor_get_name(enum rte_hypervisor id);

#ifdef __cplusplus
}
#endif

#endif /* RTE_HYPERVISOR_H */
