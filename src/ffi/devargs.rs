//! `rte_devargs.h`: the C face of [`crate::dev::devargs`]. The functions return DPDK's codes
//! (0, -1, 1 or `-errno`) and set `rte_errno` only where DPDK does; a NULL argument that DPDK
//! would dereference fails instead, with a log line.

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};

use crate::abi::dev::rte_devargs;
use crate::dev::devargs;
use crate::err;
use crate::ffi::c_stream;

/// Borrows a device string, NUL-terminated, any bytes.
///
/// # Safety
/// `p` is NULL or a C string valid for `'a`.
unsafe fn dev_str<'a>(p: *const c_char) -> crate::error::Result<&'a CStr> {
    if p.is_null() {
        return Err(err!(libc::EINVAL, "device string is NULL"));
    }
    // SAFETY: the caller's guarantee.
    Ok(unsafe { CStr::from_ptr(p) })
}

/// `rte_devargs_parse`: fills `*da` from a device string in the layered or the legacy syntax.
/// 0, or -EINVAL (NULL argument, name too long), -EFAULT (no bus takes the device), -ENOMEM.
/// `rte_errno` is set only when the layered syntax fails, as DPDK does.
///
/// # Safety
/// `da` is NULL or points to a writable devargs; `dev` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_devargs_parse(da: *mut rte_devargs, dev: *const c_char) -> c_int {
    ffi_boundary!(LogOnly, "rte_devargs_parse", fail = -errno, {
        if da.is_null() {
            return Err(err!(libc::EINVAL, "devargs is NULL"));
        }
        // SAFETY: the caller's guarantee.
        let s = unsafe { dev_str(dev) }?;
        // SAFETY: da is writable (caller).
        Ok(unsafe { devargs::parse(da, s) })
    })
}

/// The Rust half of `rte_devargs_parsef` (variadic, in `csrc/eal_shim.c`): formats, then
/// parses.
/// cbindgen:ignore
///
/// # Safety
/// As `rte_devargs_parse`; `format`/`ap` are a matching format string and `va_list`.
#[no_mangle]
pub unsafe extern "C" fn rtemem__devargs_vparsef(
    da: *mut rte_devargs,
    format: *const c_char,
    ap: *mut c_void,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_devargs_parsef", fail = -errno, {
        if da.is_null() {
            return Err(err!(libc::EINVAL, "devargs is NULL"));
        }
        if format.is_null() {
            return Err(err!(libc::EINVAL, "format is NULL"));
        }
        // SAFETY: format/ap match (caller), ap is consumed once.
        let mut s = unsafe { crate::sys::vasprintf(format, ap) }
            .ok_or_else(|| err!(libc::EINVAL, "the format could not be expanded"))?;
        s.push(0);
        let c = CStr::from_bytes_until_nul(&s).expect("NUL pushed above");
        // SAFETY: da is writable (caller).
        Ok(unsafe { devargs::parse(da, c) })
    })
}

/// `rte_devargs_reset`: frees `da->data` (NULL-safe).
///
/// # Safety
/// `da` is NULL or a devargs whose `data` is NULL or from libc's allocator.
#[no_mangle]
pub unsafe extern "C" fn rte_devargs_reset(da: *mut rte_devargs) {
    ffi_boundary!(Log, "rte_devargs_reset", {
        // SAFETY: the caller's guarantee.
        unsafe { devargs::reset(da) };
        Ok(())
    })
}

/// `rte_devargs_insert`: lists `*da`, or merges it into the listed devargs of the same device
/// (then `*da` is freed and replaced by the listed one). 0, or -1 when `*da` is NULL or has no
/// bus.
///
/// # Safety
/// `da` is NULL or points to a pointer that is NULL or a libc-allocated devargs.
#[no_mangle]
pub unsafe extern "C" fn rte_devargs_insert(da: *mut *mut rte_devargs) -> c_int {
    ffi_boundary!(Log, "rte_devargs_insert", {
        if da.is_null() {
            return Err(err!(libc::EINVAL, "da is NULL"));
        }
        // SAFETY: the caller's guarantee.
        Ok(unsafe { devargs::insert(da) })
    })
}

/// `rte_devargs_add`: parses `devargs_str` into a new listed devargs of type `devtype`
/// (`enum rte_devtype`). 0 or -1.
/// (C declares it with the enum in rte_devargs.h)
/// cbindgen:ignore
///
/// # Safety
/// `devargs_str` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_devargs_add(devtype: c_int, devargs_str: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_devargs_add", {
        // SAFETY: the caller's guarantee.
        let s = unsafe { dev_str(devargs_str) }?;
        Ok(devargs::add(devtype, s))
    })
}

/// `rte_devargs_remove`: unlinks and frees the listed devargs of the same device as `devargs`.
/// 0 removed, 1 none listed, -1 NULL or no bus.
///
/// # Safety
/// `devargs` is NULL or a readable devargs.
#[no_mangle]
pub unsafe extern "C" fn rte_devargs_remove(devargs: *mut rte_devargs) -> c_int {
    ffi_boundary!(Log, "rte_devargs_remove", {
        // SAFETY: the caller's guarantee.
        Ok(unsafe { devargs::remove(devargs) })
    })
}

/// `rte_devargs_type_count`: how many listed devargs have type `devtype`.
/// (C declares it with the enum in rte_devargs.h)
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_devargs_type_count(devtype: c_int) -> c_uint {
    ffi_boundary!(Log, "rte_devargs_type_count", {
        Ok(devargs::type_count(devtype))
    })
}

/// `rte_devargs_dump`: "User device list:" and one line per listed devargs.
///
/// # Safety
/// `f` is NULL or an open, writable stream.
#[no_mangle]
pub unsafe extern "C" fn rte_devargs_dump(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_devargs_dump", {
        let mut w = c_stream(f).ok_or_else(|| err!(libc::EINVAL, "stream is NULL"))?;
        devargs::dump(&mut w).map_err(|e| err!(libc::EIO, "cannot write: {e}"))
    })
}

/// `rte_devargs_next`: the next listed devargs after `start` (or the first) on the bus named
/// `busname` (any bus when NULL); NULL at the end. A `start` that is not listed ends the walk
/// with a log line.
///
/// # Safety
/// `busname` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_devargs_next(
    busname: *const c_char,
    start: *const rte_devargs,
) -> *mut rte_devargs {
    ffi_boundary!(Log, "rte_devargs_next", {
        // SAFETY: the caller's guarantee.
        let b = (!busname.is_null()).then(|| unsafe { CStr::from_ptr(busname) });
        devargs::next(b, start)
    })
}
