//! `rte_tailq.h`: tailq registration, look-up and dump.

use std::ffi::{c_char, c_int};

use super::{c_stream, cstr};
use crate::base::tailq::{self, rte_tailq_elem, rte_tailq_head};

/// Registers a library's tailq. 0, or -1 when the name is already registered or no head is
/// left (the element's `head` is then NULL).
///
/// # Safety
/// `t` is NULL or points to a `struct rte_tailq_elem` with static storage duration.
#[no_mangle]
pub unsafe extern "C" fn rte_eal_tailq_register(t: *mut rte_tailq_elem) -> c_int {
    ffi_boundary!(Log, "rte_eal_tailq_register", {
        if t.is_null() {
            return Err(crate::err!(libc::EINVAL, "tailq element is NULL"));
        }
        // SAFETY: non-NULL, and the caller guarantees static storage.
        unsafe { tailq::register(t) }.map(|_| 0)
    })
}

/// The shared tailq head named `name`, or NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_eal_tailq_lookup(name: *const c_char) -> *mut rte_tailq_head {
    ffi_boundary!(Log, "rte_eal_tailq_lookup", {
        // SAFETY: caller's guarantee.
        Ok(match unsafe { cstr(name, "name") } {
            Ok(n) => tailq::lookup(n).unwrap_or(std::ptr::null_mut()),
            Err(_) => std::ptr::null_mut(),
        })
    })
}

/// Writes every tailq head to `f`.
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_dump_tailq(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_dump_tailq", {
        if let Some(mut out) = c_stream(f) {
            let _ = tailq::dump(&mut out);
        }
        Ok(())
    })
}
