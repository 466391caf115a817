//! The C ABI: every `#[no_mangle] extern "C"` function of rtemem lives below this module.
//!
//! Shims are thin: they check arguments, call into the safe core, and translate the result into
//! DPDK's convention. Every body runs under the one boundary macro, `ffi_boundary!` (the
//! model is rustls-ffi's `ffi_panic_boundary!`): the body yields `Result<T, Error>`; an `Err`
//! is reported as the shim's [`Mode`] says and turned into the function's failure value; a
//! panic never crosses into C: it is logged, `rte_errno` becomes `EFAULT`, and the failure value
//! is returned. The failure value of a return type comes from [`FailValue`] (NULL for pointers,
//! -1 for `int`, ...), unless the shim gives DPDK's own (`fail = 0`, or `fail = -errno` for
//! functions that return `-rte_errno`). Pointer conversions live in [`cstr`] and friends so that
//! the unsafe reasoning is in one place.
//!
//! Shims that only return a constant (`rte_version_year`, `rte_eal_has_pci`, ...) or read one
//! atomic cannot panic and have no body to guard.
//!
//! Boilerplate that stays for cbindgen: each shim is a separate `#[no_mangle]` function with
//! DPDK's exact prototype (cbindgen reads prototypes, not macro output), so a family such as the
//! fbarray searches is a short shim per function over one shared helper.

use std::ffi::{c_char, CStr};

use crate::base::log::{eal_err, RTE_LOG_DEBUG};
use crate::error::Error;

/// How a shim reports an `Err` from its body (a panic is always logged, with `EFAULT`).
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    /// One ERR log line "`<func>(): <msg>`", `rte_errno` set: DPDK's usual failure.
    Log,
    /// The line at DEBUG only, `rte_errno` set: expected failures that applications probe for
    /// (no memory, a name already taken), where DPDK stays silent.
    Quiet,
    /// `rte_errno` set, nothing logged (a search that found nothing).
    Errno,
    /// The line at DEBUG only, `rte_errno` untouched: failures DPDK reports by the return value
    /// alone (the log level setters).
    Debug,
    /// The ERR line, `rte_errno` untouched: bad input that DPDK reports by the return value
    /// alone (the `rte_thread_*` calls' positive errno, `rte_eal_alarm_set`'s -EINVAL, the
    /// interrupt calls' -1, `rte_devargs_parse`).
    LogOnly,
    /// One of the above, chosen per error (e.g. Quiet only for ENOMEM).
    Per(fn(&Error) -> Mode),
}

/// Runs `$body` (a block yielding `Result<T, Error>`) for the exported function `$name` under
/// the panic boundary; see the module documentation. Forms:
///
/// - `ffi_boundary!(Log, "rte_x", { ... })`: on failure, `T`'s [`FailValue`];
/// - `ffi_boundary!(Quiet, "rte_x", fail = 0, { ... })`: on failure, this value;
/// - `ffi_boundary!(Log, "rte_x", fail = -errno, { ... })`: on failure, minus the errno that
///   `rte_errno` gets (`-EFAULT` after a panic);
/// - `ffi_boundary!(LogOnly, "rte_x", fail = errno, { ... })`: on failure, the errno itself
///   (pthread style: `EFAULT` after a panic).
///
/// The mode is a [`Mode`] variant, named bare (`Log`, `Per(|e| ...)`).
macro_rules! ffi_boundary {
    ($mode:expr, $name:expr, fail = errno, $body:block) => {
        $crate::ffi::boundary(
            {
                #[allow(unused_imports)]
                use $crate::ffi::Mode::*;
                $mode
            },
            $name,
            |errno| errno,
            || $body,
        )
    };
    ($mode:expr, $name:expr, fail = -errno, $body:block) => {
        $crate::ffi::boundary(
            {
                #[allow(unused_imports)]
                use $crate::ffi::Mode::*;
                $mode
            },
            $name,
            |errno| $crate::ffi::NegErrno::neg_errno(errno),
            || $body,
        )
    };
    ($mode:expr, $name:expr, fail = $fail:expr, $body:block) => {
        $crate::ffi::boundary(
            {
                #[allow(unused_imports)]
                use $crate::ffi::Mode::*;
                $mode
            },
            $name,
            |_| $fail,
            || $body,
        )
    };
    ($mode:expr, $name:expr, $body:block) => {
        $crate::ffi::boundary(
            {
                #[allow(unused_imports)]
                use $crate::ffi::Mode::*;
                $mode
            },
            $name,
            |_| $crate::ffi::FailValue::fail_value(),
            || $body,
        )
    };
}

/// The value an exported function returns when it fails, by DPDK's convention for its type.
pub(crate) trait FailValue {
    fn fail_value() -> Self;
}

impl<T> FailValue for *mut T {
    fn fail_value() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> FailValue for *const T {
    fn fail_value() -> Self {
        std::ptr::null()
    }
}

impl<T> FailValue for Option<T> {
    fn fail_value() -> Self {
        None
    }
}

impl FailValue for () {
    fn fail_value() -> Self {}
}

impl FailValue for bool {
    fn fail_value() -> Self {
        false
    }
}

impl FailValue for f64 {
    fn fail_value() -> Self {
        0.0
    }
}

macro_rules! fail_values {
    ($($t:ty => $v:expr),*) => {$(
        impl FailValue for $t {
            fn fail_value() -> Self {
                $v
            }
        }
    )*};
}

// Signed results fail with -1, counts and ids with 0.
fail_values!(i32 => -1, i64 => -1, isize => -1, u16 => 0, u32 => 0, u64 => 0, usize => 0);

/// Return types of functions that fail with `-errno`.
pub(crate) trait NegErrno {
    fn neg_errno(errno: i32) -> Self;
}

impl NegErrno for i32 {
    fn neg_errno(errno: i32) -> Self {
        -errno
    }
}

impl NegErrno for isize {
    fn neg_errno(errno: i32) -> Self {
        -(errno as isize)
    }
}

/// The boundary `ffi_boundary!` expands to.
#[inline(always)]
pub(crate) fn boundary<T>(
    mode: Mode,
    func: &str,
    fail: impl FnOnce(i32) -> T,
    body: impl FnOnce() -> Result<T, Error>,
) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            report(mode, func, &e);
            fail(e.errno)
        }
        Err(p) => {
            panicked(func, p);
            fail(libc::EFAULT)
        }
    }
}

/// Reports a failed call as `mode` says.
#[cold]
#[inline(never)]
pub(crate) fn report(mode: Mode, func: &str, e: &Error) {
    match mode {
        Mode::Log => {
            eal_err(&format!("{func}(): {}", e.msg));
            crate::base::errno::set(e.errno);
        }
        Mode::Quiet => {
            crate::eal_log!(RTE_LOG_DEBUG, "{func}(): {}", e.msg);
            crate::base::errno::set(e.errno);
        }
        Mode::Errno => crate::base::errno::set(e.errno),
        Mode::Debug => crate::eal_log!(RTE_LOG_DEBUG, "{func}(): {}", e.msg),
        Mode::LogOnly => eal_err(&format!("{func}(): {}", e.msg)),
        Mode::Per(choose) => match choose(e) {
            Mode::Per(_) => report(Mode::Log, func, e),
            m => report(m, func, e),
        },
    }
}

/// Reports a panic caught at the boundary.
#[cold]
#[inline(never)]
fn panicked(func: &str, p: Box<dyn std::any::Any + Send>) {
    let what = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    eal_err(&format!(
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

/// The bytes of a C string up to its NUL, reading at most `max` bytes (DPDK's `strnlen(p,
/// max)`: a name field with no NUL in it comes back `max` bytes long).
///
/// # Safety
/// `p` points to a NUL-terminated string or to at least `max` readable bytes.
pub(crate) unsafe fn c_bytes_upto(p: *const c_char, max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(max);
    for i in 0..max {
        // SAFETY: we stop at the first NUL, within what the caller guarantees readable.
        let b = unsafe { *p.add(i) } as u8;
        if b == 0 {
            break;
        }
        out.push(b);
    }
    out
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

pub mod alarm;
pub mod bus;
pub mod class;
pub mod cpuflags;
pub mod dev;
pub mod devargs;
pub mod eal;
pub mod epoll;
pub mod errno;
pub mod fbarray;
pub mod filesystem;
pub mod info;
pub mod intr;
pub mod keepalive;
pub mod lcore;
pub mod log;
pub mod malloc;
pub mod memory;
pub mod memzone;
pub mod misc;
pub mod mp;
pub mod paging;
pub mod power;
pub mod reciprocal;
pub mod service;
pub mod tailq;
pub mod thread;
pub mod trace;
pub mod uuid;
pub mod vfio;

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
