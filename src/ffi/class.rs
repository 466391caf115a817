//! `rte_class.h`: the C face of [`crate::dev::class`].

use std::ffi::{c_char, c_void};

use crate::abi::dev::{rte_class, rte_class_cmp_t};
use crate::dev::class;
use crate::err;
use crate::ffi::cstr;

/// `rte_class_find`: the first class after `start` (or from the first) for which
/// `cmp(cls, data)` is 0; NULL when none.
///
/// # Safety
/// `cmp` is a valid function; `data` is what it expects.
#[no_mangle]
pub unsafe extern "C" fn rte_class_find(
    start: *const rte_class,
    cmp: rte_class_cmp_t,
    data: *const c_void,
) -> *mut rte_class {
    ffi_boundary!(Log, "rte_class_find", {
        let cmp = cmp.ok_or_else(|| err!(libc::EINVAL, "cmp is NULL"))?;
        // SAFETY: cmp is the caller's function for this data; c is a registered class.
        let found = class::find(start, |c| unsafe { cmp(c.0, data) } == 0)?;
        Ok(found.map_or(std::ptr::null_mut(), |c| c.0))
    })
}

/// `rte_class_find_by_name`: NULL when no class has this name.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_class_find_by_name(name: *const c_char) -> *mut rte_class {
    ffi_boundary!(Log, "rte_class_find_by_name", {
        // SAFETY: the caller's guarantee.
        let n = unsafe { cstr(name, "name") }?;
        Ok(class::find_by_name(n.as_bytes()).map_or(std::ptr::null_mut(), |c| c.0))
    })
}

/// `rte_class_register`: called from constructors (`RTE_REGISTER_CLASS`). A NULL or unnamed
/// class, or one already registered, is refused with a log line.
///
/// # Safety
/// `cls` is NULL or a class that stays valid until unregistered.
#[no_mangle]
pub unsafe extern "C" fn rte_class_register(cls: *mut rte_class) {
    ffi_boundary!(Log, "rte_class_register", {
        // SAFETY: the caller's guarantee.
        unsafe { class::register(cls) }
    })
}

/// `rte_class_unregister`.
///
/// # Safety
/// `cls` is NULL or a class.
#[no_mangle]
pub unsafe extern "C" fn rte_class_unregister(cls: *mut rte_class) {
    ffi_boundary!(Log, "rte_class_unregister", {
        // SAFETY: registered classes are live (their drivers' guarantee).
        unsafe { class::unregister(cls) }
    })
}
