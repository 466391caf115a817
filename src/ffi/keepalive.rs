//! C API of `rte_keepalive.h`: watch worker lcores and hear about the ones that stop marking
//! themselves alive.
//!
//! The monitor lives in `rte_zmalloc` memory, as in DPDK (so `rte_free` releases it, and
//! creating one needs an initialised EAL). DPDK does not check its arguments; here NULL
//! monitors, out-of-range lcore ids and marks from threads without an lcore id are refused
//! with a log line (and `rte_errno` EINVAL); the call then does nothing.

use std::ffi::{c_char, c_int, c_uint, c_void};

use crate::base::util::keepalive::{FailureCb, KeepAlive, RelayCb};
use crate::error::Error;

/// Borrows the monitor C passed in.
///
/// # Safety
/// `ka` is NULL or a monitor from `rte_keepalive_create` that was not freed.
unsafe fn monitor<'a>(ka: *const KeepAlive) -> Result<&'a KeepAlive, Error> {
    // SAFETY: the caller's guarantee.
    unsafe { ka.as_ref() }.ok_or_else(|| Error::new(libc::EINVAL, "keepcfg is NULL"))
}

/// A new monitor that calls `callback(data, lcore)` when a watched lcore dies; NULL (with
/// `rte_errno` from `rte_zmalloc`) when it cannot be allocated.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_keepalive_create(
    callback: Option<FailureCb>,
    data: *mut c_void,
) -> *mut KeepAlive {
    ffi_boundary!(Log, "rte_keepalive_create", {
        // SAFETY: the type name is a static NUL-terminated string.
        let p = unsafe {
            super::malloc::rte_zmalloc(
                c"RTE_EAL_KEEPALIVE".as_ptr() as *const c_char,
                KeepAlive::SIZE,
                KeepAlive::ALIGN as c_uint,
            )
        };
        if p.is_null() {
            return Err(Error::new(
                crate::base::errno::get(),
                "cannot allocate the keepalive state (is the EAL initialised?)",
            ));
        }
        // SAFETY: p is SIZE zeroed bytes aligned to ALIGN, fresh from rte_zmalloc.
        let ka = unsafe { KeepAlive::from_zeroed(p.cast()) };
        ka.set_failure(callback, data);
        Ok(ka as *const KeepAlive as *mut KeepAlive)
    })
}

/// One check of every watched lcore; meant to run periodically (e.g. from an `rte_timer`:
/// `ptr_timer` is that timer and unused, `ptr_data` the monitor).
///
/// # Safety
/// `ptr_data` is NULL or a live monitor.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_keepalive_dispatch_pings(
    ptr_timer: *mut c_void,
    ptr_data: *mut c_void,
) {
    let _ = ptr_timer;
    ffi_boundary!(Log, "rte_keepalive_dispatch_pings", {
        // SAFETY: forwarded caller guarantee.
        let ka = unsafe { monitor(ptr_data.cast()) }?;
        ka.dispatch_pings(crate::base::cpu::tsc_hz());
        Ok(())
    })
}

/// Watches lcore `id_core`.
///
/// # Safety
/// `keepcfg` is NULL or a live monitor.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_keepalive_register_core(keepcfg: *mut KeepAlive, id_core: c_int) {
    ffi_boundary!(Log, "rte_keepalive_register_core", {
        // SAFETY: forwarded caller guarantee.
        unsafe { monitor(keepcfg) }?.register_core(id_core)
    })
}

/// Marks the calling lcore alive.
///
/// # Safety
/// `keepcfg` is NULL or a live monitor.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_keepalive_mark_alive(keepcfg: *mut KeepAlive) {
    ffi_boundary!(Log, "rte_keepalive_mark_alive", {
        // SAFETY: forwarded caller guarantee.
        unsafe { monitor(keepcfg) }?.mark_alive(crate::base::lcore::current_lcore())
    })
}

/// Marks the calling lcore going idle (it is not reported dead while it sleeps).
///
/// # Safety
/// `keepcfg` is NULL or a live monitor.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_keepalive_mark_sleep(keepcfg: *mut KeepAlive) {
    ffi_boundary!(Log, "rte_keepalive_mark_sleep", {
        // SAFETY: forwarded caller guarantee.
        unsafe { monitor(keepcfg) }?.mark_sleep(crate::base::lcore::current_lcore())
    })
}

/// Sets the callback told each watched lcore's state at every check (NULL removes it).
///
/// # Safety
/// `keepcfg` is NULL or a live monitor.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_keepalive_register_relay_callback(
    keepcfg: *mut KeepAlive,
    callback: Option<RelayCb>,
    data: *mut c_void,
) {
    ffi_boundary!(Log, "rte_keepalive_register_relay_callback", {
        // SAFETY: forwarded caller guarantee.
        unsafe { monitor(keepcfg) }?.set_relay(callback, data);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_monitors_are_refused() {
        crate::base::errno::set(0);
        // SAFETY: NULL is checked.
        unsafe {
            rte_keepalive_register_core(std::ptr::null_mut(), 1);
            assert_eq!(crate::base::errno::get(), libc::EINVAL);
            rte_keepalive_mark_alive(std::ptr::null_mut());
            rte_keepalive_mark_sleep(std::ptr::null_mut());
            rte_keepalive_dispatch_pings(std::ptr::null_mut(), std::ptr::null_mut());
            rte_keepalive_register_relay_callback(std::ptr::null_mut(), None, std::ptr::null_mut());
        }
    }
}
