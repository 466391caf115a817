//! `rte_trace.h` and `rte_trace_point.h`: registering, enabling and saving trace points.
//!
//! The core is `base::trace` (points, words, buffers) and `trace` (init, metadata, save,
//! dump). The EAL's own point words (`__rte_eal_trace_*`) and the thread-locals the inline
//! emit code reads (`per_lcore_trace_mem`, `per_lcore_trace_point_sz`) are defined there and in
//! `csrc/`, not here: they are data, read by C directly.

use std::ffi::{c_char, c_int, CStr};
use std::sync::atomic::AtomicU64;

use super::c_stream;
use crate::base::trace as points;
use crate::err;

/// Registers trace point `trace` under `name`: runs `register_fn` (the point's body in
/// register mode) to learn its fields, then gives the point the next id. Returns 0; -EINVAL
/// for a NULL or misaligned argument, -EBADF when `register_fn` announced no event header,
/// -ENOSPC for an event over 65535 bytes or a 65537th point. A failed registration also makes
/// `rte_eal_init` fail, as in DPDK; a name registered twice is accepted here and fails
/// `rte_eal_init` with EEXIST.
///
/// # Safety
/// `trace` is NULL or a `rte_trace_point_t` that stays valid while the program runs; `name`
/// is NULL or NUL-terminated; `register_fn` is NULL or safe to call.
#[no_mangle]
pub unsafe extern "C" fn __rte_trace_point_register(
    trace: *mut u64,
    name: *const c_char,
    register_fn: Option<unsafe extern "C" fn()>,
) -> c_int {
    ffi_boundary!(Log, "__rte_trace_point_register", fail = -errno, {
        let handle = if trace.is_null() || !trace.is_aligned() {
            None
        } else {
            // SAFETY: non-NULL and aligned; the caller guarantees it lives for the program (it
            // is a library's global) and is only accessed atomically from now on.
            Some(unsafe { AtomicU64::from_ptr(trace) })
        };
        // SAFETY: caller's guarantee on name.
        let name = (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) });
        // SAFETY: caller's guarantee on register_fn.
        unsafe { points::register(handle, name, register_fn) }?;
        Ok(0)
    })
}

/// Announces one field of the trace point being registered on this thread: `sz` bytes, named
/// `field`, of C type `type_`. A NULL name or type is logged and fails the registration.
///
/// # Safety
/// `field` and `type_` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn __rte_trace_point_emit_field(
    sz: usize,
    field: *const c_char,
    type_: *const c_char,
) {
    ffi_boundary!(Log, "__rte_trace_point_emit_field", {
        // SAFETY: caller's guarantee.
        let f = (!field.is_null()).then(|| unsafe { CStr::from_ptr(field) });
        // SAFETY: caller's guarantee.
        let t = (!type_.is_null()).then(|| unsafe { CStr::from_ptr(type_) });
        points::emit_field(sz, f, t);
        if f.is_none() || t.is_none() {
            return Err(err!(libc::EINVAL, "field name or type is NULL"));
        }
        Ok(())
    })
}

/// Gives the calling thread its trace buffer (`per_lcore_trace_mem`) when tracing is on and it
/// has none. DPDK's inline emit code calls this on a thread's first event.
#[no_mangle]
pub extern "C" fn __rte_trace_mem_per_thread_alloc() {
    ffi_boundary!(Log, "__rte_trace_mem_per_thread_alloc", {
        points::mem::alloc_current();
        Ok(())
    })
}

/// The trace point registered first under `name`, or NULL (also for a NULL name).
///
/// # Safety
/// `name` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rte_trace_point_lookup(name: *const c_char) -> *mut u64 {
    ffi_boundary!(Log, "rte_trace_point_lookup", {
        if name.is_null() {
            return Err(err!(libc::EINVAL, "name is NULL"));
        }
        // SAFETY: caller's guarantee.
        let name = unsafe { CStr::from_ptr(name) };
        Ok(points::lookup(name).map_or(std::ptr::null_mut(), AtomicU64::as_ptr))
    })
}

/// Whether any trace point is enabled.
#[no_mangle]
pub extern "C" fn rte_trace_is_enabled() -> bool {
    points::is_enabled()
}

fn set_point(func: &str, tp: *mut u64, on: bool) -> c_int {
    ffi_boundary!(Log, func, fail = -errno, {
        points::set_point(tp, on).map(|_| 0)
    })
}

/// Enables trace point `tp`. 0, or -ERANGE when `tp` is not a registered point.
#[no_mangle]
pub extern "C" fn rte_trace_point_enable(tp: *mut u64) -> c_int {
    set_point("rte_trace_point_enable", tp, true)
}

/// Disables trace point `tp`. 0, or -ERANGE when `tp` is not a registered point.
#[no_mangle]
pub extern "C" fn rte_trace_point_disable(tp: *mut u64) -> c_int {
    set_point("rte_trace_point_disable", tp, false)
}

/// Whether `tp` is a registered, enabled point.
#[no_mangle]
pub extern "C" fn rte_trace_point_is_enabled(tp: *mut u64) -> bool {
    points::point_is_enabled(tp)
}

/// Enables (or disables) every point whose name matches the shell glob `pattern`. 1 when
/// some point matched, 0 when none did, -EINVAL for a NULL pattern.
///
/// # Safety
/// `pattern` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rte_trace_pattern(pattern: *const c_char, enable: bool) -> c_int {
    ffi_boundary!(Log, "rte_trace_pattern", fail = -errno, {
        if pattern.is_null() {
            return Err(err!(libc::EINVAL, "pattern is NULL"));
        }
        // SAFETY: caller's guarantee.
        let p = unsafe { CStr::from_ptr(pattern) };
        Ok(c_int::from(points::set_by_pattern(p, enable)))
    })
}

/// As [`rte_trace_pattern`] with a POSIX basic regular expression. -EINVAL (logged) when it
/// does not compile.
///
/// # Safety
/// `regex` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn rte_trace_regexp(regex: *const c_char, enable: bool) -> c_int {
    ffi_boundary!(Log, "rte_trace_regexp", fail = -errno, {
        if regex.is_null() {
            return Err(err!(libc::EINVAL, "regex is NULL"));
        }
        // SAFETY: caller's guarantee.
        let r = unsafe { CStr::from_ptr(regex) };
        Ok(c_int::from(points::set_by_regexp(r, enable)?))
    })
}

/// Sets `enum rte_trace_mode` (OVERWRITE 0, DISCARD 1) for every point and later ones. Any
/// other value is logged and ignored.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_trace_mode_set(mode: c_int) {
    ffi_boundary!(Log, "rte_trace_mode_set", {
        let m = match mode {
            0 => points::Mode::Overwrite,
            1 => points::Mode::Discard,
            _ => return Err(err!(libc::EINVAL, "mode {mode} is not a trace mode")),
        };
        points::set_mode(m);
        Ok(())
    })
}

/// The current `enum rte_trace_mode`.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_trace_mode_get() -> c_int {
    points::mode() as c_int
}

/// Saves the trace under the trace directory (see `trace::save`). 0, or a negative errno.
#[no_mangle]
pub extern "C" fn rte_trace_save() -> c_int {
    ffi_boundary!(Log, "rte_trace_save", fail = -errno, {
        crate::trace::save().map(|_| 0)
    })
}

/// Writes the CTF metadata to `f`. 0; -EINVAL before `rte_eal_init` or for a NULL stream.
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_trace_metadata_dump(f: *mut libc::FILE) -> c_int {
    ffi_boundary!(Log, "rte_trace_metadata_dump", fail = -errno, {
        let mut out = c_stream(f).ok_or_else(|| err!(libc::EINVAL, "stream is NULL"))?;
        crate::trace::metadata_dump(&mut out).map(|_| 0)
    })
}

/// Writes the trace state, the threads' buffers and every point to `f`.
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_trace_dump(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_trace_dump", {
        let mut out = c_stream(f).ok_or_else(|| err!(libc::EINVAL, "stream is NULL"))?;
        let _ = crate::trace::dump(&mut out);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_with_null_arguments_fails_with_einval() {
        // SAFETY: NULL trace is checked before use.
        let rc = unsafe { __rte_trace_point_register(std::ptr::null_mut(), c"x".as_ptr(), None) };
        assert_eq!(rc, -libc::EINVAL);
        let mut tp = 0u64;
        // SAFETY: NULL name and function are checked before use.
        let rc = unsafe { __rte_trace_point_register(&mut tp, std::ptr::null(), None) };
        assert_eq!(rc, -libc::EINVAL);
        assert_eq!(tp, 0, "a failed registration leaves the word alone");
    }

    #[test]
    fn unregistered_words_are_refused_without_being_read() {
        let mut fake = 0xffff_u64 << 16;
        assert_eq!(rte_trace_point_enable(&mut fake), -libc::ERANGE);
        assert_eq!(rte_trace_point_disable(std::ptr::null_mut()), -libc::ERANGE);
        assert!(!rte_trace_point_is_enabled(&mut fake));
        // A dangling pointer is compared, never dereferenced.
        assert_eq!(
            rte_trace_point_enable(std::ptr::dangling_mut::<u64>()),
            -libc::ERANGE
        );
        assert_eq!(fake, 0xffff_u64 << 16);
    }

    #[test]
    fn patterns_and_null_arguments() {
        // SAFETY: literals and NULL (checked).
        unsafe {
            assert_eq!(rte_trace_pattern(std::ptr::null(), true), -libc::EINVAL);
            assert_eq!(rte_trace_regexp(std::ptr::null(), true), -libc::EINVAL);
            assert_eq!(rte_trace_regexp(c"[".as_ptr(), true), -libc::EINVAL);
            assert_eq!(rte_trace_pattern(c"no.such.point*".as_ptr(), true), 0);
            assert!(rte_trace_point_lookup(std::ptr::null()).is_null());
            assert!(rte_trace_point_lookup(c"no.such.point".as_ptr()).is_null());
            let h = rte_trace_point_lookup(c"lib.eal.generic.void".as_ptr());
            assert_eq!(
                h,
                crate::base::trace::eal::__rte_eal_trace_generic_void.as_ptr()
            );
            assert_eq!(rte_trace_metadata_dump(std::ptr::null_mut()), -libc::EINVAL);
        }
        rte_trace_mode_set(7);
        assert_eq!(rte_trace_mode_get(), 0, "a bad mode is ignored");
    }
}
