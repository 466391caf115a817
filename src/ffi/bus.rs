//! `rte_bus.h` and `bus_driver.h`: the C face of [`crate::dev::bus`].

use std::ffi::{c_char, c_int, c_void};

use crate::abi::dev::{rte_bus, rte_bus_cmp_t, rte_device};
use crate::dev::bus;
use crate::err;
use crate::ffi::{c_stream, cstr};

/// `rte_bus_name`: the bus's name; NULL for a NULL bus.
///
/// # Safety
/// `b` is NULL or a bus.
#[no_mangle]
pub unsafe extern "C" fn rte_bus_name(b: *const rte_bus) -> *const c_char {
    ffi_boundary!(Log, "rte_bus_name", {
        if b.is_null() {
            return Err(err!(libc::EINVAL, "bus is NULL"));
        }
        // SAFETY: a non-NULL bus is readable (caller).
        Ok(unsafe { (*b).name })
    })
}

/// `rte_bus_register` (INTERNAL): adds a bus; called from bus drivers' constructors, before
/// `rte_eal_init`. A bus without a name, scan, probe or find_device function (or with plug but
/// no unplug), or one already registered, is refused with a log line.
///
/// # Safety
/// `b` is NULL or a bus that stays valid until unregistered.
#[no_mangle]
pub unsafe extern "C" fn rte_bus_register(b: *mut rte_bus) {
    ffi_boundary!(Log, "rte_bus_register", {
        // SAFETY: the caller's guarantee.
        unsafe { bus::register(b) }
    })
}

/// `rte_bus_unregister` (INTERNAL).
///
/// # Safety
/// `b` is NULL or a bus.
#[no_mangle]
pub unsafe extern "C" fn rte_bus_unregister(b: *mut rte_bus) {
    ffi_boundary!(Log, "rte_bus_unregister", {
        // SAFETY: registered buses are live (their drivers' guarantee).
        unsafe { bus::unregister(b) }
    })
}

/// `rte_bus_scan`: every bus scans; failures are logged. Returns 0.
#[no_mangle]
pub extern "C" fn rte_bus_scan() -> c_int {
    ffi_boundary!(Log, "rte_bus_scan", { Ok(bus::scan_all()) })
}

/// `rte_bus_probe`: every bus probes its devices, "vdev" last; failures are logged. Returns 0.
#[no_mangle]
pub extern "C" fn rte_bus_probe() -> c_int {
    ffi_boundary!(Log, "rte_bus_probe", { Ok(bus::probe_all()) })
}

/// `rte_bus_dump`: one line per bus.
///
/// # Safety
/// `f` is NULL or an open, writable stream.
#[no_mangle]
pub unsafe extern "C" fn rte_bus_dump(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_bus_dump", {
        let mut w = c_stream(f).ok_or_else(|| err!(libc::EINVAL, "stream is NULL"))?;
        bus::dump(&mut w).map_err(|e| err!(libc::EIO, "Unable to write to stream ({e})"))
    })
}

/// `rte_bus_find`: the first bus after `start` (or from the first) for which `cmp(bus, data)`
/// is 0; NULL when none. A `start` that is not a registered bus, or a NULL `cmp`, is refused
/// (EINVAL).
///
/// # Safety
/// `cmp` is a valid function; `data` is what it expects.
#[no_mangle]
pub unsafe extern "C" fn rte_bus_find(
    start: *const rte_bus,
    cmp: rte_bus_cmp_t,
    data: *const c_void,
) -> *mut rte_bus {
    ffi_boundary!(Log, "rte_bus_find", {
        let cmp = cmp.ok_or_else(|| err!(libc::EINVAL, "cmp is NULL"))?;
        // SAFETY: cmp is the caller's function for this data; b is a registered bus.
        let found = bus::find(start, |b| unsafe { cmp(b.0, data) } == 0)?;
        Ok(found.map_or(std::ptr::null_mut(), |b| b.0))
    })
}

/// `rte_bus_find_by_device`: the bus that knows `dev`; NULL when none.
#[no_mangle]
pub extern "C" fn rte_bus_find_by_device(dev: *const rte_device) -> *mut rte_bus {
    ffi_boundary!(Errno, "rte_bus_find_by_device", {
        Ok(bus::find_by_device(dev).map_or(std::ptr::null_mut(), |b| b.0))
    })
}

/// `rte_bus_find_by_name`: the first bus with this name; NULL when none.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_bus_find_by_name(name: *const c_char) -> *mut rte_bus {
    ffi_boundary!(Log, "rte_bus_find_by_name", {
        // SAFETY: the caller's guarantee.
        let n = unsafe { cstr(name, "busname") }?;
        Ok(bus::find_by_name(n.as_bytes()).map_or(std::ptr::null_mut(), |b| b.0))
    })
}

/// `rte_bus_get_iommu_class`: `enum rte_iova_mode` the buses' devices need (DC, PA or VA).
/// (C declares it with the enum in rte_bus.h)
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_bus_get_iommu_class() -> c_int {
    ffi_boundary!(Log, "rte_bus_get_iommu_class", fail = 0, {
        Ok(bus::iommu_class())
    })
}
