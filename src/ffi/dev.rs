//! `rte_dev.h`: device and driver accessors, the device iterator, DMA mapping, hotplug and
//! device events; the C face of [`crate::dev`].
//!
//! DPDK's accessors read a field without checking the pointer; ours refuse NULL with a log line
//! (`rte_errno` EINVAL) and return NULL (or -1, or 0 for `rte_dev_is_probed`).

use std::ffi::{c_char, c_int, c_void, CStr};

use crate::abi::dev::{rte_bus, rte_dev_iterator, rte_devargs, rte_device, rte_driver};
use crate::dev::{device, iter};
use crate::err;
use crate::error::Result;

/// The device behind `dev`, refusing NULL.
///
/// # Safety
/// `dev` is NULL or a live device.
unsafe fn device_ref<'a>(dev: *const rte_device) -> Result<&'a rte_device> {
    if dev.is_null() {
        return Err(err!(libc::EINVAL, "device is NULL"));
    }
    // SAFETY: non-NULL, live (caller).
    Ok(unsafe { &*dev })
}

/// `rte_driver_name`.
///
/// # Safety
/// `driver` is NULL or a driver.
#[no_mangle]
pub unsafe extern "C" fn rte_driver_name(driver: *const rte_driver) -> *const c_char {
    ffi_boundary!(Log, "rte_driver_name", {
        if driver.is_null() {
            return Err(err!(libc::EINVAL, "driver is NULL"));
        }
        // SAFETY: a non-NULL driver is readable (caller).
        Ok(unsafe { (*driver).name })
    })
}

/// `rte_dev_bus`.
///
/// # Safety
/// `dev` is NULL or a device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_bus(dev: *const rte_device) -> *const rte_bus {
    ffi_boundary!(Log, "rte_dev_bus", {
        // SAFETY: the caller's guarantee.
        Ok(unsafe { device_ref(dev) }?.bus)
    })
}

/// `rte_dev_bus_info`.
///
/// # Safety
/// `dev` is NULL or a device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_bus_info(dev: *const rte_device) -> *const c_char {
    ffi_boundary!(Log, "rte_dev_bus_info", {
        // SAFETY: the caller's guarantee.
        Ok(unsafe { device_ref(dev) }?.bus_info)
    })
}

/// `rte_dev_devargs`.
///
/// # Safety
/// `dev` is NULL or a device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_devargs(dev: *const rte_device) -> *const rte_devargs {
    ffi_boundary!(Log, "rte_dev_devargs", {
        // SAFETY: the caller's guarantee.
        Ok(unsafe { device_ref(dev) }?.devargs.cast_const())
    })
}

/// `rte_dev_driver`: the driver that probed the device, or NULL.
///
/// # Safety
/// `dev` is NULL or a device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_driver(dev: *const rte_device) -> *const rte_driver {
    ffi_boundary!(Log, "rte_dev_driver", {
        // SAFETY: the caller's guarantee.
        Ok(unsafe { device_ref(dev) }?.driver)
    })
}

/// `rte_dev_name`.
///
/// # Safety
/// `dev` is NULL or a device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_name(dev: *const rte_device) -> *const c_char {
    ffi_boundary!(Log, "rte_dev_name", {
        // SAFETY: the caller's guarantee.
        Ok(unsafe { device_ref(dev) }?.name)
    })
}

/// `rte_dev_numa_node`: the device's NUMA node (-1 when unknown, or for a NULL device).
///
/// # Safety
/// `dev` is NULL or a device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_numa_node(dev: *const rte_device) -> c_int {
    ffi_boundary!(Log, "rte_dev_numa_node", {
        // SAFETY: the caller's guarantee.
        Ok(unsafe { device_ref(dev) }?.numa_node)
    })
}

/// `rte_dev_is_probed`: 1 when a driver probed the device.
///
/// # Safety
/// `dev` is NULL or a device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_is_probed(dev: *const rte_device) -> c_int {
    ffi_boundary!(Log, "rte_dev_is_probed", fail = 0, {
        // SAFETY: the caller's guarantee.
        Ok(c_int::from(!unsafe { device_ref(dev) }?.driver.is_null()))
    })
}

/// `rte_dev_iterator_init`: 0, or `-rte_errno` (EINVAL: neither bus nor class named, or a
/// NULL argument; ENOTSUP: that bus or class cannot iterate; EFAULT: unknown bus or class).
/// Unlike DPDK, a success returns 0 even when `rte_errno` held an old error.
///
/// # Safety
/// `it` is NULL or a writable iterator; `s` is NULL or a C string that outlives the iterator.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_iterator_init(
    it: *mut rte_dev_iterator,
    s: *const c_char,
) -> c_int {
    ffi_boundary!(Log, "rte_dev_iterator_init", fail = -errno, {
        if it.is_null() || s.is_null() {
            return Err(err!(libc::EINVAL, "iterator or device string is NULL"));
        }
        // SAFETY: the caller's guarantees.
        Ok(unsafe { iter::init(it, CStr::from_ptr(s)) })
    })
}

/// `rte_dev_iterator_next`: the next device, or NULL at the end (`rte_errno` then holds the
/// caller's old value, or the error that stopped the walk; EINVAL for an iterator that was not
/// initialised).
///
/// # Safety
/// `it` is NULL or an iterator set up by `rte_dev_iterator_init` (or by ethdev).
#[no_mangle]
pub unsafe extern "C" fn rte_dev_iterator_next(it: *mut rte_dev_iterator) -> *mut rte_device {
    ffi_boundary!(Log, "rte_dev_iterator_next", {
        if it.is_null() {
            return Err(err!(libc::EINVAL, "iterator is NULL"));
        }
        // SAFETY: the caller's guarantee.
        Ok(unsafe { iter::next(it) })
    })
}

/// `rte_dev_dma_map`: maps memory for DMA by `dev` through its bus. -1 with `rte_errno`
/// ENOTSUP (the bus cannot, or `len` is 0) or EINVAL (`addr` is not EAL memory); else the bus's
/// result.
///
/// # Safety
/// `dev` is NULL or a live device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_dma_map(
    dev: *mut rte_device,
    addr: *mut c_void,
    iova: u64,
    len: usize,
) -> c_int {
    ffi_boundary!(Log, "rte_dev_dma_map", {
        // SAFETY: the caller's guarantee.
        unsafe { device_ref(dev) }?;
        // SAFETY: dev is live (caller).
        unsafe { device::dma(dev, true, addr, iova, len) }
    })
}

/// `rte_dev_dma_unmap`: as `rte_dev_dma_map`, undoing it.
///
/// # Safety
/// `dev` is NULL or a live device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_dma_unmap(
    dev: *mut rte_device,
    addr: *mut c_void,
    iova: u64,
    len: usize,
) -> c_int {
    ffi_boundary!(Log, "rte_dev_dma_unmap", {
        // SAFETY: the caller's guarantee.
        unsafe { device_ref(dev) }?;
        // SAFETY: dev is live (caller).
        unsafe { device::dma(dev, false, addr, iova, len) }
    })
}
