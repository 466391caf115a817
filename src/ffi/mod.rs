//! The C ABI: every `#[no_mangle] extern "C"` function of rtemem lives below this module.
//!
//! Shims are thin: they check arguments, call into the safe core, and translate the result into
//! DPDK's convention. Every body runs under [`ffi_result!`] or [`ffi_plain!`], which stop panics
//! at the boundary. On failure the shim logs one line saying why, sets `rte_errno` and returns
//! the function's failure value (NULL or a negative number). Pointer conversions live in
//! [`cstr`] and friends so that the unsafe reasoning is in one place.

use std::ffi::{c_char, CStr};

use crate::error::Error;

/// Runs `$body` (which yields `Result<T, Error>`) for the exported function `$name`.
/// On `Err` it logs the message, sets `rte_errno` and yields `$fail`; a panic does the same
/// with `EFAULT` instead of unwinding into C.
macro_rules! ffi_result {
    ($name:expr, $fail:expr, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                $crate::ffi::fail($name, &e);
                $fail
            }
            Err(p) => {
                $crate::ffi::panicked($name, p);
                $fail
            }
        }
    }};
}

/// Runs `$body` (which yields `T` directly) for the exported function `$name`; a panic is
/// logged and turned into `$fallback` with `rte_errno` set to `EFAULT`.
macro_rules! ffi_plain {
    ($name:expr, $fallback:expr, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(p) => {
                $crate::ffi::panicked($name, p);
                $fallback
            }
        }
    }};
}

#[allow(unused_imports)]
pub(crate) use {ffi_plain, ffi_result};

/// Reports a failed call the DPDK way: one log line and `rte_errno`.
pub(crate) fn fail(func: &str, e: &Error) {
    crate::base::log::eal_err(&format!("{func}(): {}", e.msg));
    crate::base::errno::set(e.errno);
}

/// Reports an expected failure (an allocation that found no memory, a bad size) the DPDK way,
/// but logs it at DEBUG: applications probe with such calls and DPDK stays silent there.
pub(crate) fn fail_quiet(func: &str, e: &Error) {
    crate::eal_log!(crate::base::log::RTE_LOG_DEBUG, "{func}(): {}", e.msg);
    crate::base::errno::set(e.errno);
}

/// Runs an exported function's body like [`ffi_result!`], but failures for which `quiet`
/// returns true (expected ones such as "no memory") are logged at DEBUG only.
pub(crate) fn boundary_quiet<T>(
    func: &str,
    fail_value: T,
    quiet: impl Fn(&Error) -> bool,
    body: impl FnOnce() -> Result<T, Error>,
) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            if quiet(&e) {
                fail_quiet(func, &e);
            } else {
                fail(func, &e);
            }
            fail_value
        }
        Err(p) => {
            panicked(func, p);
            fail_value
        }
    }
}

/// Reports a panic caught at the boundary.
pub(crate) fn panicked(func: &str, p: Box<dyn std::any::Any + Send>) {
    let what = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    crate::base::log::eal_err(&format!(
        "{func}(): internal error: {what}; the call failed"
    ));
    crate::base::errno::set(libc::EFAULT);
}

/// Borrows a C string argument, refusing NULL and non-UTF-8 text.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that stays valid and unmodified for `'a`.
pub(crate) unsafe fn cstr<'a>(p: *const c_char, what: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(Error::new(libc::EINVAL, format!("{what} is NULL")));
    }
    // SAFETY: non-NULL, and the caller guarantees NUL termination and lifetime.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str()
        .map_err(|_| Error::new(libc::EINVAL, format!("{what} is not valid UTF-8")))
}

/// Turns a C `argv` into owned strings.
///
/// # Safety
/// `argv` points to `argc` pointers, each NULL or a NUL-terminated string.
pub(crate) unsafe fn args(argc: i32, argv: *const *mut c_char) -> Result<Vec<String>, Error> {
    if argc < 0 || (argc > 0 && argv.is_null()) {
        return Err(Error::new(libc::EINVAL, "argc/argv are invalid"));
    }
    let mut out = Vec::with_capacity(argc as usize);
    for i in 0..argc as usize {
        // SAFETY: i < argc and the caller guarantees argv has argc entries.
        let p = unsafe { *argv.add(i) };
        if p.is_null() {
            return Err(Error::new(libc::EINVAL, format!("argv[{i}] is NULL")));
        }
        // SAFETY: non-NULL entries are NUL-terminated strings (caller's guarantee).
        out.push(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned());
    }
    Ok(out)
}

pub mod eal;
pub mod errno;
pub mod fbarray;
pub mod info;
pub mod lcore;
pub mod log;
pub mod malloc;
pub mod memory;
pub mod memzone;
pub mod misc;
pub mod mp;
pub mod paging;
pub mod tailq;
pub mod trace;

/// An `io::Write` over a C `FILE *` (for the `*_dump(FILE *f)` family).
pub(crate) struct CFile(pub *mut libc::FILE);

impl std::io::Write for CFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // SAFETY: self.0 is a valid FILE* (checked non-NULL by the constructor's callers).
        let n = unsafe { crate::sys::fwrite(self.0, buf) };
        if n == 0 && !buf.is_empty() {
            return Err(std::io::Error::other("fwrite failed"));
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        // SAFETY: as in write.
        unsafe { crate::sys::fflush(self.0) };
        Ok(())
    }
}

/// The stream a dump function writes to: `f`, or stdout when `f` is NULL (as DPDK does for
/// some dumps; callers decide whether NULL is allowed).
pub(crate) fn c_stream(f: *mut libc::FILE) -> Option<CFile> {
    (!f.is_null()).then_some(CFile(f))
}
