//! `rte_dev.h`: device and driver accessors, the device iterator, DMA mapping, hotplug and
//! device events; the C face of [`crate::dev`].
//!
//! DPDK's accessors read a field without checking the pointer; ours refuse NULL with a log line
//! (`rte_errno` EINVAL) and return NULL (or -1, or 0 for `rte_dev_is_probed`).

use std::ffi::{c_char, c_int, c_void, CStr};

use crate::abi::dev::{
    rte_bus, rte_dev_event_cb_fn, rte_dev_iterator, rte_devargs, rte_device, rte_driver,
};
use crate::dev::{device, event, hotplug, iter};
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

/// Borrows a C string argument (any bytes), refusing NULL.
///
/// # Safety
/// `p` is NULL or a C string valid for `'a`.
unsafe fn c_arg<'a>(p: *const c_char, what: &str) -> Result<&'a CStr> {
    if p.is_null() {
        return Err(err!(libc::EINVAL, "{what} is NULL"));
    }
    // SAFETY: the caller's guarantee.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// `rte_dev_probe`: probes the device of a device string in every process of the prefix.
/// 0 or a negative errno; `rte_errno` is left as the drivers leave it.
///
/// # Safety
/// `devargs` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_probe(devargs: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_dev_probe", fail = -errno, {
        // SAFETY: the caller's guarantee.
        Ok(hotplug::probe(unsafe { c_arg(devargs, "devargs") }?))
    })
}

/// `rte_eal_hotplug_add`: probes "busname:devname,drvargs" in every process of the prefix.
///
/// # Safety
/// Each argument is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_eal_hotplug_add(
    busname: *const c_char,
    devname: *const c_char,
    drvargs: *const c_char,
) -> c_int {
    ffi_boundary!(Log, "rte_eal_hotplug_add", fail = -errno, {
        // SAFETY: the caller's guarantees.
        let (b, d, a) = unsafe {
            (
                c_arg(busname, "busname")?,
                c_arg(devname, "devname")?,
                c_arg(drvargs, "drvargs")?,
            )
        };
        hotplug::hotplug_add(b, d, a)
    })
}

/// `rte_dev_remove`: removes a probed device in every process of the prefix. -ENOENT when it
/// is not probed.
///
/// # Safety
/// `dev` is NULL or a live device.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_remove(dev: *mut rte_device) -> c_int {
    ffi_boundary!(Log, "rte_dev_remove", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { device_ref(dev) }?;
        // SAFETY: dev is live (caller).
        Ok(unsafe { hotplug::remove(dev) })
    })
}

/// `rte_eal_hotplug_remove`: removes device `devname` of bus `busname` everywhere. -ENOENT
/// for an unknown bus, -EINVAL for an unknown device.
///
/// # Safety
/// Each argument is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_eal_hotplug_remove(
    busname: *const c_char,
    devname: *const c_char,
) -> c_int {
    ffi_boundary!(Log, "rte_eal_hotplug_remove", fail = -errno, {
        // SAFETY: the caller's guarantees.
        let (b, d) = unsafe { (c_arg(busname, "busname")?, c_arg(devname, "devname")?) };
        Ok(hotplug::hotplug_remove(b, d))
    })
}

/// `rte_dev_event_callback_register`: calls `cb_fn` on events of device `device_name` (every
/// device when NULL). 0, -EINVAL (no function), -EEXIST (already registered).
///
/// # Safety
/// `device_name` is NULL or a C string; `cb_fn` is NULL or a valid function.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_event_callback_register(
    device_name: *const c_char,
    cb_fn: rte_dev_event_cb_fn,
    cb_arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_dev_event_callback_register", fail = -errno, {
        // SAFETY: the caller's guarantee.
        let n = (!device_name.is_null()).then(|| unsafe { CStr::from_ptr(device_name) });
        Ok(event::register(n, cb_fn, cb_arg))
    })
}

/// `rte_dev_event_callback_unregister`: removes matching callbacks (`cb_arg` `(void *)-1`:
/// any argument; `device_name` NULL: any device). How many, or -ENOENT, -EAGAIN (one is
/// running), -EINVAL.
///
/// # Safety
/// `device_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_event_callback_unregister(
    device_name: *const c_char,
    cb_fn: rte_dev_event_cb_fn,
    cb_arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_dev_event_callback_unregister", fail = -errno, {
        // SAFETY: the caller's guarantee.
        let n = (!device_name.is_null()).then(|| unsafe { CStr::from_ptr(device_name) });
        Ok(event::unregister(n, cb_fn, cb_arg))
    })
}

/// `rte_dev_event_callback_process`: runs the callbacks for an event (`enum
/// rte_dev_event_type`) of `device_name`; nothing for a NULL name.
/// (C declares it with the enum in rte_dev.h)
/// cbindgen:ignore
///
/// # Safety
/// `device_name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_dev_event_callback_process(device_name: *const c_char, event: c_int) {
    ffi_boundary!(Log, "rte_dev_event_callback_process", {
        if !device_name.is_null() {
            // SAFETY: the caller's guarantee.
            event::process(unsafe { CStr::from_ptr(device_name) }, event);
        }
        Ok(())
    })
}

/// `rte_dev_event_monitor_start`: watches the kernel's device uevents (reference-counted).
#[no_mangle]
pub extern "C" fn rte_dev_event_monitor_start() -> c_int {
    ffi_boundary!(Log, "rte_dev_event_monitor_start", {
        Ok(event::monitor_start())
    })
}

/// `rte_dev_event_monitor_stop`.
#[no_mangle]
pub extern "C" fn rte_dev_event_monitor_stop() -> c_int {
    ffi_boundary!(Log, "rte_dev_event_monitor_stop", {
        Ok(event::monitor_stop())
    })
}

/// `rte_dev_hotplug_handle_enable`: SIGBUS on device memory is offered to the buses, and
/// uevent removals to their hot-unplug handlers.
#[no_mangle]
pub extern "C" fn rte_dev_hotplug_handle_enable() -> c_int {
    ffi_boundary!(Log, "rte_dev_hotplug_handle_enable", {
        Ok(event::hotplug_handle_enable())
    })
}

/// `rte_dev_hotplug_handle_disable`: puts the previous SIGBUS handler back.
#[no_mangle]
pub extern "C" fn rte_dev_hotplug_handle_disable() -> c_int {
    ffi_boundary!(Log, "rte_dev_hotplug_handle_disable", {
        Ok(event::hotplug_handle_disable())
    })
}
