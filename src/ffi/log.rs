//! ffi log (stub until the log work lands): rte_vlog and the va_list targets of rte_exit/__rte_panic.
use std::ffi::{c_char, c_int, c_void};

extern "C" {
    fn vasprintf(strp: *mut *mut c_char, fmt: *const c_char, ap: *mut c_void) -> c_int;
}

/// Formats a printf-style message with its `va_list`.
///
/// # Safety
/// `fmt` is a valid format string and `ap` a `va_list` whose arguments match it.
pub(crate) unsafe fn vformat(fmt: *const c_char, ap: *mut c_void) -> String {
    if fmt.is_null() {
        return String::new();
    }
    let mut p: *mut c_char = std::ptr::null_mut();
    // SAFETY: fmt/ap come from the C caller as a matching pair (caller's guarantee).
    let n = unsafe { vasprintf(&mut p, fmt, ap) };
    if n < 0 || p.is_null() {
        return String::new();
    }
    // SAFETY: vasprintf returned a NUL-terminated malloc'd string of n bytes.
    let s = unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: p was allocated by vasprintf with malloc.
    unsafe { libc::free(p.cast()) };
    s
}

/// # Safety
/// See [`vformat`].
#[no_mangle]
pub unsafe extern "C" fn rte_vlog(
    level: u32,
    logtype: u32,
    fmt: *const c_char,
    ap: *mut c_void,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    let msg = unsafe { vformat(fmt, ap) };
    crate::log::emit(level, logtype, &msg);
    0
}

/// # Safety
/// See [`vformat`].
#[no_mangle]
pub unsafe extern "C" fn rtemem__vexit(code: c_int, fmt: *const c_char, ap: *mut c_void) -> ! {
    // SAFETY: forwarded caller guarantee.
    let msg = unsafe { vformat(fmt, ap) };
    crate::log::eal_err(&msg);
    std::process::exit(code)
}

/// # Safety
/// See [`vformat`].
#[no_mangle]
pub unsafe extern "C" fn rtemem__vpanic(
    func: *const c_char,
    fmt: *const c_char,
    ap: *mut c_void,
) -> ! {
    // SAFETY: forwarded caller guarantee.
    let msg = unsafe { vformat(fmt, ap) };
    let _ = func;
    crate::log::eal_err(&format!("PANIC: {msg}"));
    std::process::abort()
}
