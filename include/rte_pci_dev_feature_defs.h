/*
 * rtemem: the PCI device interrupt modes (DPDK 22.11's rte_pci_dev_feature_defs.h), which
 * rte_eal_vfio_intr_mode() returns (--vfio-intr).
 */
#ifndef _RTE_PCI_DEV_DEFS_H_
#define _RTE_PCI_DEV_DEFS_H_

#ifdef __cplusplus
extern "C" {
#endif

/** How a device interrupts. */
enum rte_intr_mode {
	RTE_INTR_MODE_NONE = 0, /**< no interrupts (or not chosen) */
	RTE_INTR_MODE_LEGACY,   /**< INTx */
	RTE_INTR_MODE_MSI,      /**< MSI */
	RTE_INTR_MODE_MSIX      /**< MSI-X */
};

#ifdef __cplusplus
}
#endif

#endif /* _RTE_PCI_DEV_DEFS_H_ */
