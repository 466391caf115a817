//! C API of `rte_vfio.h`, and `rte_eal_vfio_intr_mode` / `rte_eal_vfio_get_vf_token` of
//! `rte_eal.h` (the VFIO options).
//!
//! Every function here is declared by hand in `include/rte_vfio.h` / `rte_eal.h` (they name
//! `struct vfio_device_info` from `<linux/vfio.h>`, `enum rte_intr_mode` and `rte_uuid_t`), so
//! cbindgen skips them. Return values are DPDK 22.11's, including its non-failures where VFIO
//! is absent (`rte_vfio_setup_device` answers 1: the device is not VFIO's). A group that does
//! not exist is -ENOENT from the group calls, as in DPDK; other failures are -1, logged, with
//! `rte_errno` set (DPDK sets it only for the DMA calls).

use std::ffi::{c_char, c_int};

use super::{cstr, report, Mode};
use crate::dev::vfio::{self, device::GroupNum, device::Setup};
use crate::err;
use crate::error::{Error, Result};
use crate::options::ProcType;
use crate::sys::vfio::vfio_device_info;

/// A group call's result: the descriptor, -ENOENT (logged) for a group that does not exist.
fn group_result(name: &str, r: Result<c_int>) -> Result<c_int> {
    match r {
        Err(e) if e.errno == libc::ENOENT => {
            report(Mode::Log, name, &e);
            Ok(-libc::ENOENT)
        }
        r => r,
    }
}

/// Borrows an optional C string (NULL: None).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for the call.
unsafe fn opt_cstr<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { cstr(p, what) }.map(Some)
}

/// Sets up device `dev_addr` for VFIO: 0 with `*vfio_dev_fd` and `*device_info` written (set
/// `device_info->argsz` first), 1 if the device is not managed by VFIO, -1 on failure.
///
/// # Safety
/// The strings are NUL-terminated; `vfio_dev_fd` and `device_info` are NULL or writable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_vfio_setup_device(
    sysfs_base: *const c_char,
    dev_addr: *const c_char,
    vfio_dev_fd: *mut c_int,
    device_info: *mut vfio_device_info,
) -> c_int {
    ffi_boundary!(Log, "rte_vfio_setup_device", {
        // SAFETY: the caller's strings.
        let base = unsafe { cstr(sysfs_base, "sysfs_base") }?;
        // SAFETY: as above.
        let dev = unsafe { cstr(dev_addr, "dev_addr") }?;
        // SAFETY: NULL or writable, by contract.
        let fd = unsafe { vfio_dev_fd.as_mut() };
        // SAFETY: NULL or a writable vfio_device_info, by contract.
        let info = unsafe { device_info.as_mut() };
        Ok(match vfio::global().setup_device(base, dev, fd, info)? {
            Setup::Done => 0,
            Setup::NotVfio => 1,
        })
    })
}

/// Closes VFIO device descriptor `fd` of `dev_addr` (and its group when it was the last
/// device): 0, or -1 (-ENOENT if its group does not exist).
///
/// # Safety
/// The strings are NUL-terminated.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_vfio_release_device(
    sysfs_base: *const c_char,
    dev_addr: *const c_char,
    fd: c_int,
) -> c_int {
    ffi_boundary!(Log, "rte_vfio_release_device", {
        // SAFETY: the caller's strings.
        let base = unsafe { cstr(sysfs_base, "sysfs_base") }?;
        // SAFETY: as above.
        let dev = unsafe { cstr(dev_addr, "dev_addr") }?;
        let r = vfio::global().release_device(base, dev, fd).map(|()| 0);
        group_result("rte_vfio_release_device", r)
    })
}

/// Probes VFIO: opens the default container if kernel module `modname` is loaded. 0, also
/// when it is not; -1 when the loaded modules cannot be read.
///
/// # Safety
/// `modname` is NULL or NUL-terminated.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_vfio_enable(modname: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_vfio_enable", {
        // SAFETY: forwarded.
        let m = unsafe { opt_cstr(modname, "modname") }?;
        let secondary = crate::config::state().is_some_and(|s| s.proc_type == ProcType::Secondary);
        vfio::global().enable(m, secondary)?;
        Ok(0)
    })
}

/// 1 if VFIO is enabled and kernel module `modname` is loaded, else 0.
///
/// # Safety
/// `modname` is NULL or NUL-terminated.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_vfio_is_enabled(modname: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_vfio_is_enabled", fail = 0, {
        // SAFETY: forwarded.
        let m = unsafe { opt_cstr(modname, "modname") }?;
        Ok(vfio::global().is_enabled(m) as c_int)
    })
}

/// 1 if VFIO's no-IOMMU mode is on, 0 if off or unavailable, -1 if it cannot be read.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_noiommu_is_enabled() -> c_int {
    ffi_boundary!(Log, "rte_vfio_noiommu_is_enabled", {
        vfio::global().noiommu_is_enabled()
    })
}

/// Forgets the group with descriptor `vfio_group_fd` (without closing it): 0 or -1.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_clear_group(vfio_group_fd: c_int) -> c_int {
    ffi_boundary!(Log, "rte_vfio_clear_group", {
        vfio::global().clear_group(vfio_group_fd)?;
        Ok(0)
    })
}

/// The IOMMU group of device `dev_addr` under `sysfs_base`: 1 with `*iommu_group_num` set,
/// 0 if the device has no IOMMU group, -1 on failure.
///
/// # Safety
/// The strings are NUL-terminated; `iommu_group_num` is NULL or writable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_vfio_get_group_num(
    sysfs_base: *const c_char,
    dev_addr: *const c_char,
    iommu_group_num: *mut c_int,
) -> c_int {
    ffi_boundary!(Log, "rte_vfio_get_group_num", {
        // SAFETY: the caller's strings.
        let base = unsafe { cstr(sysfs_base, "sysfs_base") }?;
        // SAFETY: as above.
        let dev = unsafe { cstr(dev_addr, "dev_addr") }?;
        let (value, ret) = match vfio::global().group_num(base, dev) {
            GroupNum::NoGroup => return Ok(0),
            GroupNum::Group(n) => (Some(n), Ok(1)),
            // As DPDK: what strtol read is stored before the check fails.
            GroupNum::Bad { partial } => (
                partial,
                Err(err!(
                    libc::EINVAL,
                    "{dev} error parsing IOMMU number: its iommu_group link does not end in a number"
                )),
            ),
        };
        if let Some(v) = value {
            // SAFETY: NULL or writable, by contract.
            let out = unsafe { iommu_group_num.as_mut() }
                .ok_or_else(|| err!(libc::EINVAL, "iommu_group_num is NULL"))?;
            *out = v;
        }
        ret
    })
}

/// The default container's descriptor, -1 if VFIO is not enabled.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_get_container_fd() -> c_int {
    ffi_boundary!(Quiet, "rte_vfio_get_container_fd", {
        vfio::global().get_container_fd()
    })
}

/// The descriptor of IOMMU group `iommu_group_num` (opened if needed): the fd, -ENOENT if the
/// group does not exist, -1 on failure.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_get_group_fd(iommu_group_num: c_int) -> c_int {
    ffi_boundary!(Log, "rte_vfio_get_group_fd", {
        group_result(
            "rte_vfio_get_group_fd",
            vfio::global().get_group_fd(iommu_group_num),
        )
    })
}

/// Opens a new container: its descriptor, or -1.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_container_create() -> c_int {
    ffi_boundary!(Log, "rte_vfio_container_create", {
        vfio::global().container_create()
    })
}

/// Unbinds a container's groups and closes it: 0 or -1.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_container_destroy(container_fd: c_int) -> c_int {
    ffi_boundary!(Log, "rte_vfio_container_destroy", {
        vfio::global().container_destroy(container_fd)?;
        Ok(0)
    })
}

/// Binds IOMMU group `iommu_group_num` to a container: the group's fd, -ENOENT, or -1.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_container_group_bind(
    container_fd: c_int,
    iommu_group_num: c_int,
) -> c_int {
    ffi_boundary!(Log, "rte_vfio_container_group_bind", {
        group_result(
            "rte_vfio_container_group_bind",
            vfio::global().group_bind(container_fd, iommu_group_num),
        )
    })
}

/// Unbinds IOMMU group `iommu_group_num` from a container (closing it): 0 or -1.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_container_group_unbind(
    container_fd: c_int,
    iommu_group_num: c_int,
) -> c_int {
    ffi_boundary!(Log, "rte_vfio_container_group_unbind", {
        vfio::global().group_unbind(container_fd, iommu_group_num)?;
        Ok(0)
    })
}

/// Maps `len` bytes at `vaddr` to `iova` for DMA in a container: 0, or -1 with rte_errno
/// (ENODEV: no device attached yet; EINVAL; ENOMEM; ENOTSUP).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_container_dma_map(
    container_fd: c_int,
    vaddr: u64,
    iova: u64,
    len: u64,
) -> c_int {
    ffi_boundary!(Log, "rte_vfio_container_dma_map", {
        vfio::global().container_dma_map(container_fd, vaddr, iova, len)?;
        Ok(0)
    })
}

/// Unmaps a range mapped with `rte_vfio_container_dma_map`: 0, or -1 with rte_errno.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_vfio_container_dma_unmap(
    container_fd: c_int,
    vaddr: u64,
    iova: u64,
    len: u64,
) -> c_int {
    ffi_boundary!(Log, "rte_vfio_container_dma_unmap", {
        vfio::global().container_dma_unmap(container_fd, vaddr, iova, len)?;
        Ok(0)
    })
}

/// The `--vfio-intr` mode (`enum rte_intr_mode`): RTE_INTR_MODE_NONE unless given.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_eal_vfio_intr_mode() -> c_int {
    ffi_boundary!(Log, "rte_eal_vfio_intr_mode", fail = 0, {
        Ok(crate::config::get().map_or(0, |c| c.vfio_intr_mode as c_int))
    })
}

/// Copies the `--vfio-vf-token` UUID into `vf_token` (all zero unless given).
///
/// # Safety
/// `vf_token` is NULL or points to 16 writable bytes.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_eal_vfio_get_vf_token(vf_token: *mut u8) {
    ffi_boundary!(Log, "rte_eal_vfio_get_vf_token", {
        if vf_token.is_null() {
            return Err(Error::new(libc::EINVAL, "vf_token is NULL"));
        }
        let t = crate::config::get().map_or([0u8; 16], |c| c.vfio_vf_token);
        // SAFETY: non-NULL, and the caller provides 16 writable bytes (an rte_uuid_t).
        unsafe { std::ptr::copy_nonoverlapping(t.as_ptr(), vf_token, 16) };
        Ok(())
    })
}
