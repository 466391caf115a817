//! The kernel's VFIO interface (`<linux/vfio.h>`): its structs, constants and ioctls, behind
//! one trait, [`VfioOps`], so that the layer above builds its requests the same way whether
//! they reach the kernel ([`Kernel`]) or a recorder in a unit test (no `/dev/vfio` needed).
//!
//! Descriptors are plain `RawFd`s: the VFIO API hands container, group and device descriptors
//! to C callers as `int`s, and the callers may close them, so nothing here owns them.

use std::ffi::CStr;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// `VFIO_API_VERSION`: what VFIO_GET_API_VERSION must return.
pub(crate) const VFIO_API_VERSION: i32 = 0;
/// IOMMU models (VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU arguments).
pub(crate) const VFIO_TYPE1_IOMMU: u32 = 1;
pub(crate) const VFIO_SPAPR_TCE_V2_IOMMU: u32 = 7;
pub(crate) const VFIO_NOIOMMU_IOMMU: u32 = 8;
/// `vfio_group_status.flags`.
pub(crate) const VFIO_GROUP_FLAGS_VIABLE: u32 = 1;
pub(crate) const VFIO_GROUP_FLAGS_CONTAINER_SET: u32 = 2;
/// `vfio_iommu_type1_dma_map.flags`.
pub(crate) const VFIO_DMA_MAP_FLAG_READ: u32 = 1;
pub(crate) const VFIO_DMA_MAP_FLAG_WRITE: u32 = 2;
/// `vfio_irq_set.flags`: data type and action.
pub(crate) const VFIO_IRQ_SET_DATA_NONE: u32 = 1;
pub(crate) const VFIO_IRQ_SET_DATA_EVENTFD: u32 = 4;
pub(crate) const VFIO_IRQ_SET_ACTION_MASK: u32 = 8;
pub(crate) const VFIO_IRQ_SET_ACTION_UNMASK: u32 = 16;
pub(crate) const VFIO_IRQ_SET_ACTION_TRIGGER: u32 = 32;

/// `_IO(VFIO_TYPE, VFIO_BASE + n)`: VFIO's ioctls carry no size or direction bits.
const fn vfio_io(n: u64) -> u64 {
    ((b';' as u64) << 8) | (100 + n)
}
pub(crate) const VFIO_GET_API_VERSION: u64 = vfio_io(0);
pub(crate) const VFIO_CHECK_EXTENSION: u64 = vfio_io(1);
pub(crate) const VFIO_SET_IOMMU: u64 = vfio_io(2);
pub(crate) const VFIO_GROUP_GET_STATUS: u64 = vfio_io(3);
pub(crate) const VFIO_GROUP_SET_CONTAINER: u64 = vfio_io(4);
pub(crate) const VFIO_GROUP_GET_DEVICE_FD: u64 = vfio_io(6);
pub(crate) const VFIO_DEVICE_GET_INFO: u64 = vfio_io(7);
pub(crate) const VFIO_DEVICE_SET_IRQS: u64 = vfio_io(10);
pub(crate) const VFIO_DEVICE_RESET: u64 = vfio_io(11);
pub(crate) const VFIO_IOMMU_MAP_DMA: u64 = vfio_io(13);
pub(crate) const VFIO_IOMMU_UNMAP_DMA: u64 = vfio_io(14);

/// `struct vfio_group_status`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct vfio_group_status {
    pub argsz: u32,
    pub flags: u32,
}

/// `struct vfio_iommu_type1_dma_map`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct vfio_iommu_type1_dma_map {
    pub argsz: u32,
    pub flags: u32,
    pub vaddr: u64,
    pub iova: u64,
    pub size: u64,
}

/// `struct vfio_iommu_type1_dma_unmap` (without the trailing flexible array).
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct vfio_iommu_type1_dma_unmap {
    pub argsz: u32,
    pub flags: u32,
    pub iova: u64,
    pub size: u64,
}

/// `struct vfio_device_info`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct vfio_device_info {
    pub argsz: u32,
    pub flags: u32,
    pub num_regions: u32,
    pub num_irqs: u32,
    pub cap_offset: u32,
}

const _: () = {
    assert!(std::mem::size_of::<vfio_group_status>() == 8);
    assert!(std::mem::size_of::<vfio_iommu_type1_dma_map>() == 32);
    assert!(std::mem::size_of::<vfio_iommu_type1_dma_unmap>() == 24);
    assert!(std::mem::size_of::<vfio_device_info>() == 20);
};

/// A `struct vfio_irq_set` request: the header and its data (eventfds, or nothing for
/// DATA_NONE). For the interrupt layer (VFIO_* interrupt handles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrqSet {
    pub flags: u32,
    pub index: u32,
    pub start: u32,
    pub count: u32,
    pub data: IrqData,
}

/// What follows a `vfio_irq_set` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IrqData {
    None,
    Eventfds(Vec<i32>),
}

/// Size of the `vfio_irq_set` header.
const IRQ_SET_HEADER: usize = 20;

impl IrqSet {
    /// Triggers `fds` (eventfds, -1 to leave a vector off) for vectors `start..` of `index`.
    pub fn eventfds(index: u32, start: u32, fds: &[i32]) -> IrqSet {
        IrqSet {
            flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
            index,
            start,
            count: fds.len() as u32,
            data: IrqData::Eventfds(fds.to_vec()),
        }
    }

    /// Turns every vector of `index` off (DATA_NONE, TRIGGER, count 0).
    pub fn disable(index: u32) -> IrqSet {
        IrqSet {
            flags: VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
            index,
            start: 0,
            count: 0,
            data: IrqData::None,
        }
    }

    /// Masks or unmasks vector `start` of `index` (DATA_NONE).
    pub fn mask(index: u32, start: u32, mask: bool) -> IrqSet {
        let action = if mask {
            VFIO_IRQ_SET_ACTION_MASK
        } else {
            VFIO_IRQ_SET_ACTION_UNMASK
        };
        IrqSet {
            flags: VFIO_IRQ_SET_DATA_NONE | action,
            index,
            start,
            count: 1,
            data: IrqData::None,
        }
    }

    /// The bytes the ioctl takes: the header (argsz = its whole length), then the data.
    pub fn to_bytes(&self) -> Vec<u8> {
        let data: Vec<u8> = match &self.data {
            IrqData::None => Vec::new(),
            IrqData::Eventfds(fds) => fds.iter().flat_map(|f| f.to_ne_bytes()).collect(),
        };
        let argsz = (IRQ_SET_HEADER + data.len()) as u32;
        let mut out = Vec::with_capacity(argsz as usize);
        for v in [argsz, self.flags, self.index, self.start, self.count] {
            out.extend_from_slice(&v.to_ne_bytes());
        }
        out.extend_from_slice(&data);
        out
    }
}

/// The opens and ioctls of the VFIO layer. Errors are the OS's (`io::Error` with its errno).
pub trait VfioOps: Send + Sync {
    /// `open(path, O_RDWR)`.
    fn open(&self, path: &Path) -> io::Result<RawFd>;
    /// `close(fd)`.
    fn close(&self, fd: RawFd) -> io::Result<()>;
    /// VFIO_GET_API_VERSION on a container.
    fn get_api_version(&self, container: RawFd) -> io::Result<i32>;
    /// VFIO_CHECK_EXTENSION: 1 if the container supports IOMMU model `ext`, else 0.
    fn check_extension(&self, container: RawFd, ext: u32) -> io::Result<i32>;
    /// VFIO_SET_IOMMU.
    fn set_iommu(&self, container: RawFd, type_id: u32) -> io::Result<()>;
    /// VFIO_GROUP_GET_STATUS into `status` (whose argsz the caller set).
    fn group_get_status(&self, group: RawFd, status: &mut vfio_group_status) -> io::Result<()>;
    /// VFIO_GROUP_SET_CONTAINER.
    fn group_set_container(&self, group: RawFd, container: RawFd) -> io::Result<()>;
    /// VFIO_GROUP_GET_DEVICE_FD for the device named `name`: the device's descriptor.
    fn group_get_device_fd(&self, group: RawFd, name: &CStr) -> io::Result<RawFd>;
    /// VFIO_DEVICE_GET_INFO into `info` (whose argsz the caller set).
    fn device_get_info(&self, device: RawFd, info: &mut vfio_device_info) -> io::Result<()>;
    /// VFIO_DEVICE_RESET.
    fn device_reset(&self, device: RawFd) -> io::Result<()>;
    /// VFIO_DEVICE_SET_IRQS.
    fn device_set_irqs(&self, device: RawFd, set: &IrqSet) -> io::Result<()>;
    /// VFIO_IOMMU_MAP_DMA.
    fn map_dma(&self, container: RawFd, map: &vfio_iommu_type1_dma_map) -> io::Result<()>;
    /// VFIO_IOMMU_UNMAP_DMA; the kernel writes back the size it unmapped.
    fn unmap_dma(&self, container: RawFd, unmap: &mut vfio_iommu_type1_dma_unmap)
        -> io::Result<()>;
}

/// The real kernel.
pub struct Kernel;

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

impl Kernel {
    /// An ioctl whose argument is an integer.
    fn ioctl_val(fd: RawFd, req: u64, arg: libc::c_ulong) -> io::Result<libc::c_int> {
        // SAFETY: VFIO's value-argument ioctls read no memory; a bad fd fails with EBADF.
        check(unsafe { libc::ioctl(fd, req as libc::c_ulong, arg) })
    }

    /// An ioctl whose argument points to `arg`.
    ///
    /// # Safety
    /// `req` must read or write at most `size_of::<T>()` bytes at the pointer (VFIO's
    /// structs carry their size in `argsz`, which the callers set to that size).
    unsafe fn ioctl_ptr<T>(fd: RawFd, req: u64, arg: *mut T) -> io::Result<libc::c_int> {
        // SAFETY: the caller guarantees the kernel stays within *arg.
        check(unsafe { libc::ioctl(fd, req as libc::c_ulong, arg) })
    }
}

impl VfioOps for Kernel {
    fn open(&self, path: &Path) -> io::Result<RawFd> {
        let c = std::ffi::CString::new(path.as_os_str().as_bytes())
            .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: c is a NUL-terminated path.
        check(unsafe { libc::open(c.as_ptr(), libc::O_RDWR) })
    }

    fn close(&self, fd: RawFd) -> io::Result<()> {
        // SAFETY: closing a descriptor number; the VFIO layer closes only descriptors it was
        // given or opened, as DPDK does.
        check(unsafe { libc::close(fd) }).map(|_| ())
    }

    fn get_api_version(&self, container: RawFd) -> io::Result<i32> {
        Self::ioctl_val(container, VFIO_GET_API_VERSION, 0)
    }

    fn check_extension(&self, container: RawFd, ext: u32) -> io::Result<i32> {
        Self::ioctl_val(container, VFIO_CHECK_EXTENSION, ext as libc::c_ulong)
    }

    fn set_iommu(&self, container: RawFd, type_id: u32) -> io::Result<()> {
        Self::ioctl_val(container, VFIO_SET_IOMMU, type_id as libc::c_ulong).map(|_| ())
    }

    fn group_get_status(&self, group: RawFd, status: &mut vfio_group_status) -> io::Result<()> {
        // SAFETY: GET_STATUS writes a vfio_group_status, the size of *status.
        unsafe { Self::ioctl_ptr(group, VFIO_GROUP_GET_STATUS, status) }.map(|_| ())
    }

    fn group_set_container(&self, group: RawFd, container: RawFd) -> io::Result<()> {
        let mut c = container;
        // SAFETY: SET_CONTAINER reads one int.
        unsafe { Self::ioctl_ptr(group, VFIO_GROUP_SET_CONTAINER, &mut c) }.map(|_| ())
    }

    fn group_get_device_fd(&self, group: RawFd, name: &CStr) -> io::Result<RawFd> {
        // SAFETY: GET_DEVICE_FD reads a NUL-terminated string, which `name` is.
        unsafe { Self::ioctl_ptr(group, VFIO_GROUP_GET_DEVICE_FD, name.as_ptr() as *mut u8) }
    }

    fn device_get_info(&self, device: RawFd, info: &mut vfio_device_info) -> io::Result<()> {
        // SAFETY: GET_INFO writes at most info.argsz bytes, which the caller set to its size.
        unsafe { Self::ioctl_ptr(device, VFIO_DEVICE_GET_INFO, info) }.map(|_| ())
    }

    fn device_reset(&self, device: RawFd) -> io::Result<()> {
        Self::ioctl_val(device, VFIO_DEVICE_RESET, 0).map(|_| ())
    }

    fn device_set_irqs(&self, device: RawFd, set: &IrqSet) -> io::Result<()> {
        let mut bytes = set.to_bytes();
        // SAFETY: SET_IRQS reads argsz bytes, the length of the buffer to_bytes built.
        unsafe { Self::ioctl_ptr(device, VFIO_DEVICE_SET_IRQS, bytes.as_mut_ptr()) }.map(|_| ())
    }

    fn map_dma(&self, container: RawFd, map: &vfio_iommu_type1_dma_map) -> io::Result<()> {
        let mut m = *map;
        // SAFETY: MAP_DMA reads a vfio_iommu_type1_dma_map (argsz set by the caller).
        unsafe { Self::ioctl_ptr(container, VFIO_IOMMU_MAP_DMA, &mut m) }.map(|_| ())
    }

    fn unmap_dma(
        &self,
        container: RawFd,
        unmap: &mut vfio_iommu_type1_dma_unmap,
    ) -> io::Result<()> {
        // SAFETY: UNMAP_DMA reads and writes back a vfio_iommu_type1_dma_unmap; no flag that
        // would make it use the trailing data is set.
        unsafe { Self::ioctl_ptr(container, VFIO_IOMMU_UNMAP_DMA, unmap) }.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_numbers_are_linux_vfio_h_values() {
        // From <linux/vfio.h> (printed by a C program on the build machine).
        assert_eq!(VFIO_GET_API_VERSION, 0x3b64);
        assert_eq!(VFIO_CHECK_EXTENSION, 0x3b65);
        assert_eq!(VFIO_SET_IOMMU, 0x3b66);
        assert_eq!(VFIO_GROUP_GET_STATUS, 0x3b67);
        assert_eq!(VFIO_GROUP_SET_CONTAINER, 0x3b68);
        assert_eq!(VFIO_GROUP_GET_DEVICE_FD, 0x3b6a);
        assert_eq!(VFIO_DEVICE_GET_INFO, 0x3b6b);
        assert_eq!(VFIO_DEVICE_SET_IRQS, 0x3b6e);
        assert_eq!(VFIO_DEVICE_RESET, 0x3b6f);
        assert_eq!(VFIO_IOMMU_MAP_DMA, 0x3b71);
        assert_eq!(VFIO_IOMMU_UNMAP_DMA, 0x3b72);
    }

    #[test]
    fn irq_set_bytes_carry_argsz_header_and_eventfds() {
        let b = IrqSet::eventfds(2, 0, &[7, -1, 9]).to_bytes();
        assert_eq!(b.len(), 20 + 12);
        let word = |i: usize| u32::from_ne_bytes(b[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!(word(0), 32, "argsz covers header and data");
        assert_eq!(
            word(1),
            VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER
        );
        assert_eq!((word(2), word(3), word(4)), (2, 0, 3));
        assert_eq!((word(5) as i32, word(6) as i32, word(7) as i32), (7, -1, 9));
        let off = IrqSet::disable(1).to_bytes();
        assert_eq!(off.len(), 20);
        assert_eq!(off[..4], 20u32.to_ne_bytes());
        let m = IrqSet::mask(0, 0, false);
        assert_eq!(m.flags, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK);
        assert_eq!(m.count, 1);
    }

    #[test]
    fn the_kernel_refuses_ioctls_on_a_descriptor_that_is_not_vfio() {
        let k = Kernel;
        let e = k.get_api_version(-1).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        let e = k.open(Path::new("/nonexistent/vfio")).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    }
}
