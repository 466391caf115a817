//! `rte_log.h` (and the va_list halves of `rte_exit`/`__rte_panic`) over [`crate::base::log`].
//!
//! The variadic `rte_log`, `rte_exit` and `__rte_panic` live in `csrc/eal_shim.c` and forward
//! their `va_list` here. On x86-64 a `va_list` parameter is a pointer to the caller's
//! `__va_list_tag`, so it crosses as `*mut c_void` and is handed, untouched, to
//! [`log::vlog`]/[`log::vformat`], which consume it once. The level filter and the choice of
//! output live there, in `base::log`; these shims only check pointers and convert.
//!
//! Failure values and `rte_errno` follow DPDK 22.11 exactly: the level/type setters return -1
//! and leave `rte_errno` alone (DPDK does not set it); NULL strings, which crash DPDK, return
//! -1 (`-EINVAL` for the register calls) with `rte_errno` = `EINVAL`. Why a call failed is logged
//! at DEBUG, so that default output stays what DPDK prints.

use std::ffi::{c_char, c_int, c_void, CStr};

use crate::base::log::{self, registry};
use crate::error::Error;

/// Borrows a C string argument that DPDK would dereference without checking.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for `'a`.
unsafe fn c_arg<'a>(p: *const c_char, what: &str) -> Result<&'a CStr, Error> {
    if p.is_null() {
        return Err(Error::new(libc::EINVAL, format!("{what} is NULL")));
    }
    // SAFETY: non-NULL; the caller guarantees NUL termination and lifetime.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// Writes `bytes` to the C stream `f` (as `fprintf` would), without flushing.
///
/// # Safety
/// `f` is an open, writable `FILE *`.
unsafe fn put(f: *mut libc::FILE, bytes: &[u8]) {
    // SAFETY: the caller guarantees f.
    unsafe { crate::sys::fwrite(f, bytes) };
}

/// Sends log output to the stream `f`; NULL restores the default output. Always 0.
///
/// # Safety
/// `f` is NULL or an open, writable `FILE *` that stays open while it is the log stream.
#[no_mangle]
pub unsafe extern "C" fn rte_openlog_stream(f: *mut libc::FILE) -> c_int {
    ffi_boundary!(Log, "rte_openlog_stream", {
        log::set_stream(f);
        Ok(0)
    })
}

/// The stream log output goes to: the one set with `rte_openlog_stream`, else the default
/// stream once `rte_eal_init` opened it, else `stderr`.
#[no_mangle]
pub extern "C" fn rte_log_get_stream() -> *mut libc::FILE {
    ffi_boundary!(Log, "rte_log_get_stream", { Ok(log::stream()) })
}

/// Sets the global log level (any value is stored, as DPDK).
#[no_mangle]
pub extern "C" fn rte_log_set_global_level(level: u32) {
    ffi_boundary!(Log, "rte_log_set_global_level", {
        log::set_global_level(level);
        Ok(())
    })
}

/// The global log level.
#[no_mangle]
pub extern "C" fn rte_log_get_global_level() -> u32 {
    ffi_boundary!(Log, "rte_log_get_global_level", { Ok(log::global_level()) })
}

/// The level of `logtype`, or -1 when no such type exists.
#[no_mangle]
pub extern "C" fn rte_log_get_level(logtype: u32) -> c_int {
    ffi_boundary!(Log, "rte_log_get_level", {
        Ok(log::level(logtype).map_or(-1, |l| c_int::try_from(l).unwrap_or(c_int::MAX)))
    })
}

/// Whether a message of `logtype` at `loglevel` would be written.
#[no_mangle]
pub extern "C" fn rte_log_can_log(logtype: u32, loglevel: u32) -> bool {
    ffi_boundary!(Log, "rte_log_can_log", {
        Ok(log::can_log(logtype, loglevel))
    })
}

/// Sets the level of every type whose name matches the shell glob `pattern`. 0, or -1 for a
/// level above `RTE_LOG_DEBUG`.
///
/// # Safety
/// `pattern` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_log_set_level_pattern(pattern: *const c_char, level: u32) -> c_int {
    // NULL (which crashes DPDK) sets rte_errno; a refused level or expression is reported by
    // the return value alone, as DPDK does.
    ffi_boundary!(Quiet, "rte_log_set_level_pattern", {
        // SAFETY: caller's guarantee on `pattern`.
        let p = unsafe { c_arg(pattern, "pattern") }?;
        Ok(ffi_boundary!(Debug, "rte_log_set_level_pattern", {
            registry().set_level_pattern(p, level).map(|_| 0)
        }))
    })
}

/// Sets the level of every type whose name matches the POSIX basic regular expression
/// `regex`. 0, or -1 for a level above `RTE_LOG_DEBUG` or an invalid expression.
///
/// # Safety
/// `regex` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_log_set_level_regexp(regex: *const c_char, level: u32) -> c_int {
    // NULL (which crashes DPDK) sets rte_errno; a refused level or expression is reported by
    // the return value alone, as DPDK does.
    ffi_boundary!(Quiet, "rte_log_set_level_regexp", {
        // SAFETY: caller's guarantee on `regex`.
        let p = unsafe { c_arg(regex, "regex") }?;
        Ok(ffi_boundary!(Debug, "rte_log_set_level_regexp", {
            registry().set_level_regexp(p, level).map(|_| 0)
        }))
    })
}

/// Sets the level of `logtype`. 0, or -1 for an unknown type or a level above `RTE_LOG_DEBUG`.
#[no_mangle]
pub extern "C" fn rte_log_set_level(logtype: u32, level: u32) -> c_int {
    // Reported by the return value alone, as DPDK does.
    ffi_boundary!(Debug, "rte_log_set_level", {
        log::set_level(logtype, level).map(|_| 0)
    })
}

/// Level of the message this thread is writing (or wrote last); 0 before any.
#[no_mangle]
pub extern "C" fn rte_log_cur_msg_loglevel() -> c_int {
    ffi_boundary!(Log, "rte_log_cur_msg_loglevel", fail = 0, {
        Ok(c_int::try_from(log::cur_msg_loglevel()).unwrap_or(c_int::MAX))
    })
}

/// Type of the message this thread is writing (or wrote last); 0 before any.
#[no_mangle]
pub extern "C" fn rte_log_cur_msg_logtype() -> c_int {
    ffi_boundary!(Log, "rte_log_cur_msg_logtype", fail = 0, {
        Ok(c_int::try_from(log::cur_msg_logtype()).unwrap_or(c_int::MAX))
    })
}

/// A registered type's id as DPDK returns it; a refusal (a full table) by the return value
/// alone, `-errno`.
fn id_or_neg(func: &str, r: crate::error::Result<u32>) -> c_int {
    ffi_boundary!(Debug, func, fail = -errno, {
        r.map(|id| c_int::try_from(id).unwrap_or(c_int::MAX))
    })
}

/// Registers a dynamic log type at INFO and returns its id; an existing name returns its id.
/// `-ENOMEM` when the table is full, `-EINVAL` for NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_log_register(name: *const c_char) -> c_int {
    ffi_boundary!(Quiet, "rte_log_register", fail = -errno, {
        // SAFETY: caller's guarantee on `name`.
        let n = unsafe { c_arg(name, "name") }?;
        Ok(id_or_neg("rte_log_register", registry().register(n)))
    })
}

/// Registers a log type whose level comes from the saved `--log-level` options (the first
/// matching one given), else `level_def`; returns its id as [`rte_log_register`].
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_log_register_type_and_pick_level(
    name: *const c_char,
    level_def: u32,
) -> c_int {
    const F: &str = "rte_log_register_type_and_pick_level";
    ffi_boundary!(Quiet, F, fail = -errno, {
        // SAFETY: caller's guarantee on `name`.
        let n = unsafe { c_arg(name, "name") }?;
        Ok(id_or_neg(F, registry().register_and_pick(n, level_def)))
    })
}

/// Prints the name of each log type, sorted, one per line after `prefix`.
///
/// # Safety
/// `out` is NULL or an open, writable `FILE *`; `prefix` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_log_list_types(out: *mut libc::FILE, prefix: *const c_char) {
    ffi_boundary!(Quiet, "rte_log_list_types", {
        if out.is_null() {
            return Err(Error::new(libc::EINVAL, "out is NULL"));
        }
        let prefix: &[u8] = if prefix.is_null() {
            b"(null)" // what glibc's printf prints for a NULL %s, as DPDK would
        } else {
            // SAFETY: non-NULL and NUL-terminated (caller's guarantee).
            unsafe { CStr::from_ptr(prefix) }.to_bytes()
        };
        // SAFETY: out is non-NULL and writable (caller's guarantee).
        unsafe { put(out, &registry().list_types(prefix)) };
        Ok(())
    })
}

/// Prints the global level and each named log type with its level.
///
/// # Safety
/// `f` is NULL or an open, writable `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_log_dump(f: *mut libc::FILE) {
    ffi_boundary!(Quiet, "rte_log_dump", {
        if f.is_null() {
            return Err(Error::new(libc::EINVAL, "f is NULL"));
        }
        // SAFETY: f is non-NULL and writable (caller's guarantee).
        unsafe { put(f, &registry().dump()) };
        Ok(())
    })
}

/// Writes a log message (the `va_list` form of `rte_log`). -1 for an unknown type, 0 when the
/// levels filter it out, else the number of bytes written.
///
/// cbindgen:ignore
///
/// # Safety
/// `format` is NULL or a valid format string and `ap` a `va_list` whose arguments match it.
#[no_mangle]
pub unsafe extern "C" fn rte_vlog(
    level: u32,
    logtype: u32,
    format: *const c_char,
    ap: *mut c_void,
) -> c_int {
    ffi_boundary!(Quiet, "rte_vlog", {
        // SAFETY: forwarded caller guarantee.
        unsafe { log::vlog(level, logtype, format, ap) }
    })
}

/// The `va_list` half of `rte_exit`: logs the cause, runs EAL cleanup, exits with `code`.
///
/// # Safety
/// `fmt` is NULL or a valid format string and `ap` a `va_list` whose arguments match it.
#[no_mangle]
pub unsafe extern "C" fn rtemem__vexit(code: c_int, fmt: *const c_char, ap: *mut c_void) -> ! {
    ffi_boundary!(Log, "rte_exit", fail = (), {
        // SAFETY: forwarded caller guarantee.
        let msg = unsafe { log::vformat(fmt, ap) };
        log::exit_with(code, &msg)
    });
    // Reached only when writing the cause panicked (the boundary logged it).
    std::process::exit(code)
}

/// The `va_list` half of `__rte_panic`: logs "PANIC in func():", the message and the stack,
/// then aborts.
///
/// # Safety
/// `func` is NULL or a NUL-terminated string; `fmt`/`ap` as for [`rtemem__vexit`].
#[no_mangle]
pub unsafe extern "C" fn rtemem__vpanic(
    func: *const c_char,
    fmt: *const c_char,
    ap: *mut c_void,
) -> ! {
    ffi_boundary!(Log, "__rte_panic", fail = (), {
        // SAFETY: forwarded caller guarantee.
        let msg = unsafe { log::vformat(fmt, ap) };
        let func = if func.is_null() {
            "(null)".into()
        } else {
            // SAFETY: non-NULL and NUL-terminated (caller's guarantee).
            unsafe { CStr::from_ptr(func) }.to_string_lossy()
        };
        log::panic_with(&func, &msg)
    });
    // Reached only when writing the message panicked (the boundary logged it).
    std::process::abort()
}
