/*
 * rtemem: VFIO containers, groups, devices and DMA mappings (DPDK 22.11's rte_vfio.h).
 *
 * With RTE_EAL_VFIO (rte_build_config.h) the kernel's <linux/vfio.h> is included and the
 * VFIO_* paths and RTE_VFIO_* constants are defined as DPDK defines them; the prototypes are
 * declared here by hand because they name struct vfio_device_info (src/ffi/vfio.rs has the
 * implementations). Every call returns 0 or a descriptor, or a negative value on failure;
 * see the Rust documentation of each for the exact values.
 */
#ifndef _RTE_VFIO_H_
#define _RTE_VFIO_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(VFIO_PRESENT) && defined(RTE_EAL_VFIO)
#define VFIO_PRESENT
#define HAVE_VFIO_DEV_REQ_INTERFACE
#endif

#ifdef VFIO_PRESENT

#include <linux/vfio.h>

#define VFIO_DIR "/dev/vfio"
#define VFIO_CONTAINER_PATH "/dev/vfio/vfio"
#define VFIO_GROUP_FMT "/dev/vfio/%u"
#define VFIO_NOIOMMU_GROUP_FMT "/dev/vfio/noiommu-%u"
#define VFIO_GET_REGION_ADDR(x) ((uint64_t) x << 40ULL)
#define VFIO_GET_REGION_IDX(x) (x >> 40)
#define VFIO_NOIOMMU_MODE "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"

#ifdef VFIO_NOIOMMU_IOMMU
#define RTE_VFIO_NOIOMMU VFIO_NOIOMMU_IOMMU
#else
#define RTE_VFIO_NOIOMMU 8
#endif

#ifdef VFIO_REGION_INFO_FLAG_CAPS
#define RTE_VFIO_INFO_FLAG_CAPS VFIO_REGION_INFO_FLAG_CAPS
#define VFIO_CAP_OFFSET(x) (x->cap_offset)
#else
#define RTE_VFIO_INFO_FLAG_CAPS (1 << 3)
#define VFIO_CAP_OFFSET(x) (x->resv)
struct vfio_info_cap_header {
	uint16_t id;
	uint16_t version;
	uint32_t next;
};
#endif

#ifdef VFIO_REGION_INFO_CAP_MSIX_MAPPABLE
#define RTE_VFIO_CAP_MSIX_MAPPABLE VFIO_REGION_INFO_CAP_MSIX_MAPPABLE
#else
#define RTE_VFIO_CAP_MSIX_MAPPABLE 3
#endif

#else /* !VFIO_PRESENT */
struct vfio_device_info; /* only pointers are used */
#endif

/** Names the default container in the container calls. */
#define RTE_VFIO_DEFAULT_CONTAINER_FD (-1)

/** Sets a device up for VFIO: 0, 1 if it is not VFIO's, -1 on failure. */
int rte_vfio_setup_device(const char *sysfs_base, const char *dev_addr,
		int *vfio_dev_fd, struct vfio_device_info *device_info);
/** Closes a VFIO device (and its group after its last device). */
int rte_vfio_release_device(const char *sysfs_base, const char *dev_addr, int fd);
/** Probes VFIO if kernel module modname is loaded. */
int rte_vfio_enable(const char *modname);
/** 1 if VFIO is enabled and module modname loaded. */
int rte_vfio_is_enabled(const char *modname);
/** 1 if VFIO's no-IOMMU mode is on. */
int rte_vfio_noiommu_is_enabled(void);
/** Forgets a group descriptor. */
int rte_vfio_clear_group(int vfio_group_fd);
/** A device's IOMMU group: 1 and *iommu_group_num, 0 if none, -1 on failure. */
int rte_vfio_get_group_num(const char *sysfs_base, const char *dev_addr, int *iommu_group_num);
/** The default container's descriptor. */
int rte_vfio_get_container_fd(void);
/** A group's descriptor (opened if needed); -ENOENT if it does not exist. */
int rte_vfio_get_group_fd(int iommu_group_num);
/** Opens a new container. */
int rte_vfio_container_create(void);
/** Closes a container after unbinding its groups. */
int rte_vfio_container_destroy(int container_fd);
/** Binds a group to a container; its descriptor. */
int rte_vfio_container_group_bind(int container_fd, int iommu_group_num);
/** Unbinds a group from a container. */
int rte_vfio_container_group_unbind(int container_fd, int iommu_group_num);
/** Maps memory for DMA in a container. */
int rte_vfio_container_dma_map(int container_fd, uint64_t vaddr, uint64_t iova, uint64_t len);
/** Unmaps memory mapped with rte_vfio_container_dma_map. */
int rte_vfio_container_dma_unmap(int container_fd, uint64_t vaddr, uint64_t iova, uint64_t len);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_VFIO_H_ */
