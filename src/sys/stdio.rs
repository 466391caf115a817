//! C stdio streams (`FILE *`) that C callers hand in (`rte_openlog_stream`, the `*_dump`
//! functions), the `va_list` formatters behind `rte_log`/`rte_exit`, C's `malloc`/`free` for
//! memory C callers free themselves, and C's `errno`.
//!
//! The C library functions that the `libc` crate does not declare are declared in the bodies of
//! their wrappers, so that cbindgen (which reads items, not bodies) does not copy them to
//! rtemem.h.

use std::ffi::{c_char, c_int, c_void};

/// Writes `bytes` to the stream `f` (`fwrite`, no flush); returns the bytes written.
///
/// # Safety
/// `f` is an open, writable `FILE *`.
pub unsafe fn fwrite(f: *mut libc::FILE, bytes: &[u8]) -> usize {
    // SAFETY: the caller guarantees f; `bytes` is a valid buffer of bytes.len() bytes.
    unsafe { libc::fwrite(bytes.as_ptr().cast(), 1, bytes.len(), f) }
}

/// Flushes the stream `f`.
///
/// # Safety
/// `f` is an open `FILE *`.
pub unsafe fn fflush(f: *mut libc::FILE) {
    // SAFETY: the caller guarantees f.
    unsafe { libc::fflush(f) };
}

/// Writes `bytes` to `f` and flushes it (DPDK's `fprintf` + `fflush`); returns the bytes
/// written.
///
/// # Safety
/// `f` is an open, writable `FILE *`.
pub unsafe fn write_flush(f: *mut libc::FILE, bytes: &[u8]) -> usize {
    // SAFETY: forwarded caller guarantee.
    let n = unsafe { fwrite(f, bytes) };
    // SAFETY: as above.
    unsafe { fflush(f) };
    n
}

/// The C library's `stderr` stream.
pub fn stderr() -> *mut libc::FILE {
    extern "C" {
        static mut stderr: *mut libc::FILE;
    }
    // SAFETY: reading glibc's `stderr` pointer by value; it is initialised before main.
    unsafe { std::ptr::addr_of!(stderr).read() }
}

/// Formats `fmt` with the `va_list` `ap` (`vasprintf`) into bytes; None when formatting
/// fails. Consumes `ap`.
///
/// # Safety
/// `fmt` is a valid format string and `ap` a `va_list` (on x86-64 a pointer to the caller's
/// `__va_list_tag`) whose arguments match it, not used again afterwards.
pub unsafe fn vasprintf(fmt: *const c_char, ap: *mut c_void) -> Option<Vec<u8>> {
    extern "C" {
        fn vasprintf(strp: *mut *mut c_char, fmt: *const c_char, ap: *mut c_void) -> c_int;
    }
    let mut p: *mut c_char = std::ptr::null_mut();
    // SAFETY: fmt/ap are a matching pair (caller's guarantee); p receives a malloc'd string.
    let n = unsafe { vasprintf(&mut p, fmt, ap) };
    if n < 0 || p.is_null() {
        return None;
    }
    // SAFETY: vasprintf returned a malloc'd string of n bytes (plus a NUL); a `%c` of 0 may put
    // a NUL inside, which vfprintf would have written too, so the length is n, not strlen.
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n as usize) }.to_vec();
    // SAFETY: p was allocated by vasprintf with malloc and is freed once.
    unsafe { libc::free(p.cast()) };
    Some(bytes)
}

/// `ssize_t write(void *cookie, const char *buf, size_t size)` of a `fopencookie` stream.
///
/// cbindgen:ignore
pub type CookieWrite = unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> isize;

/// glibc's `cookie_io_functions_t` (read, write, seek, close; NULL ones are unsupported).
///
/// cbindgen:ignore
#[repr(C)]
struct CookieIoFunctions {
    read: *const c_void,
    write: Option<CookieWrite>,
    seek: *const c_void,
    close: *const c_void,
}

/// Opens a write-only C stream whose output goes to `write` (`fopencookie` with a NULL
/// cookie). The stream is never closed by rtemem.
pub fn open_write_stream(write: CookieWrite) -> std::io::Result<*mut libc::FILE> {
    extern "C" {
        fn fopencookie(
            cookie: *mut c_void,
            mode: *const c_char,
            funcs: CookieIoFunctions,
        ) -> *mut libc::FILE;
    }
    let funcs = CookieIoFunctions {
        read: std::ptr::null(),
        write: Some(write),
        seek: std::ptr::null(),
        close: std::ptr::null(),
    };
    // SAFETY: the mode is a NUL-terminated literal; the cookie is unused (NULL); `write` has
    // the signature glibc calls.
    let f = unsafe { fopencookie(std::ptr::null_mut(), c"w+".as_ptr(), funcs) };
    if f.is_null() {
        return Err(std::io::Error::last_os_error());
    }
    Ok(f)
}

/// C's `malloc`: memory a C caller releases with `free` (NULL when there is none).
pub fn c_malloc(bytes: usize) -> *mut c_void {
    // SAFETY: plain malloc; callers check for NULL.
    unsafe { libc::malloc(bytes) }
}

/// C's `free`.
///
/// # Safety
/// `p` is NULL or a block from C's `malloc` that nothing uses any more, freed once.
pub unsafe fn c_free(p: *mut c_void) {
    // SAFETY: the caller's guarantee.
    unsafe { libc::free(p) };
}

/// Sets the calling thread's C `errno` (not `rte_errno`).
pub fn set_c_errno(value: i32) {
    nix::errno::Errno::set_raw(value);
}

/// `openlog(ident, LOG_NDELAY | LOG_PID, facility)`: later [`syslog`] calls go to the system
/// log under `ident`.
pub fn openlog(ident: &'static std::ffi::CStr, facility: c_int) {
    // SAFETY: ident lives for the rest of the process, as openlog requires.
    unsafe { libc::openlog(ident.as_ptr(), libc::LOG_NDELAY | libc::LOG_PID, facility) }
}

/// Sends `msg` (not NUL-terminated) to the system log with priority `prio`.
pub fn syslog(prio: c_int, msg: &[u8]) {
    let len = c_int::try_from(msg.len()).unwrap_or(c_int::MAX);
    // SAFETY: "%.*s" reads at most `len` bytes of `msg`.
    unsafe { libc::syslog(prio, c"%.*s".as_ptr(), len, msg.as_ptr().cast::<c_char>()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_errno_is_set_for_this_thread() {
        set_c_errno(libc::EINVAL);
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EINVAL)
        );
    }

    #[test]
    fn c_malloc_and_free_round_trip() {
        let p = c_malloc(16);
        assert!(!p.is_null());
        // SAFETY: p is a fresh 16-byte block, freed once.
        unsafe { c_free(p) };
    }

    #[test]
    fn stderr_is_a_stream() {
        assert!(!stderr().is_null());
    }
}
