//! `rte_memzone.h`: reserve, free, look up, walk and dump memzones.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::{c_stream, cstr, Mode};
use crate::abi::rte_memzone;
use crate::malloc;
use crate::memzone;

fn reserve(
    func: &str,
    name: *const c_char,
    len: usize,
    socket: c_int,
    flags: c_uint,
    align: c_uint,
    bound: c_uint,
) -> *const rte_memzone {
    // No memory and a taken name are expected answers (DPDK stays silent there).
    let mode = Mode::Per(|e| match e.errno {
        libc::ENOMEM | libc::EEXIST => Mode::Quiet,
        _ => Mode::Log,
    });
    ffi_boundary!(mode, func, {
        // SAFETY: the exported callers forward their caller's string.
        let n = unsafe { cstr(name, "name") }?;
        memzone::reserve(n, len, socket, flags, align, bound)
    })
}

/// Reserves `len` bytes (0: the biggest free block) named `name`, cache-line aligned.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_memzone_reserve(
    name: *const c_char,
    len: usize,
    socket_id: c_int,
    flags: c_uint,
) -> *const rte_memzone {
    // DPDK reserves these with cache-line alignment (what its trace point records).
    reserve(
        "rte_memzone_reserve",
        name,
        len,
        socket_id,
        flags,
        malloc::CACHE_LINE as c_uint,
        0,
    )
}

/// As [`rte_memzone_reserve`], aligned to `align` (a power of two).
///
/// # Safety
/// As [`rte_memzone_reserve`].
#[no_mangle]
pub unsafe extern "C" fn rte_memzone_reserve_aligned(
    name: *const c_char,
    len: usize,
    socket_id: c_int,
    flags: c_uint,
    align: c_uint,
) -> *const rte_memzone {
    reserve(
        "rte_memzone_reserve_aligned",
        name,
        len,
        socket_id,
        flags,
        align,
        0,
    )
}

/// As [`rte_memzone_reserve_aligned`], not crossing a multiple of `bound`.
///
/// # Safety
/// As [`rte_memzone_reserve`].
#[no_mangle]
pub unsafe extern "C" fn rte_memzone_reserve_bounded(
    name: *const c_char,
    len: usize,
    socket_id: c_int,
    flags: c_uint,
    align: c_uint,
    bound: c_uint,
) -> *const rte_memzone {
    reserve(
        "rte_memzone_reserve_bounded",
        name,
        len,
        socket_id,
        flags,
        align,
        bound,
    )
}

/// Frees a zone and its memory. 0, or -EINVAL for anything that is not a reserved zone.
///
/// # Safety
/// `mz` may be any pointer: it is checked against the memzone table before it is read.
#[no_mangle]
pub unsafe extern "C" fn rte_memzone_free(mz: *const rte_memzone) -> c_int {
    ffi_boundary!(Log, "rte_memzone_free", fail = -libc::EINVAL, {
        if mz.is_null() {
            return Err(crate::err!(libc::EINVAL, "memzone is NULL"));
        }
        // SAFETY: free checks mz against the memzone table before reading it.
        unsafe { memzone::free(mz) }.map(|_| 0)
    })
}

/// The zone named `name`, or NULL. Lock-free and O(1).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_memzone_lookup(name: *const c_char) -> *const rte_memzone {
    ffi_boundary!(Log, "rte_memzone_lookup", {
        if name.is_null() {
            return Ok(std::ptr::null());
        }
        // SAFETY: caller's guarantee.
        Ok(match unsafe { std::ffi::CStr::from_ptr(name) }.to_str() {
            Ok(n) => memzone::lookup(n).unwrap_or(std::ptr::null()),
            Err(_) => std::ptr::null(),
        })
    })
}

/// `void (*func)(const struct rte_memzone *, void *arg)`.
#[allow(non_camel_case_types)]
pub type rte_memzone_walk_fn =
    Option<unsafe extern "C" fn(mz: *const rte_memzone, arg: *mut c_void)>;

/// Calls `func` for every zone.
///
/// # Safety
/// `func` is NULL or a function safe to call with each zone and `arg`.
#[no_mangle]
pub unsafe extern "C" fn rte_memzone_walk(func: rte_memzone_walk_fn, arg: *mut c_void) {
    ffi_boundary!(Log, "rte_memzone_walk", {
        if let Some(f) = func {
            // SAFETY: the application's callback with a live zone.
            memzone::walk(|z| unsafe { f(z, arg) });
        }
        Ok(())
    })
}

/// Writes every zone to `f`.
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_memzone_dump(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_memzone_dump", {
        if let Some(mut out) = c_stream(f) {
            let _ = memzone::dump(&mut out);
        }
        Ok(())
    })
}

/// Sets how many memzones the next primary init makes room for (default RTE_MAX_MEMZONE,
/// 2,560; at most 4,194,304). Before `rte_eal_init` only, as DPDK 23.07's
/// `rte_memzone_max_set`: afterwards it fails (EBUSY). Wins over the environment variable
/// `RTEMEM_MEMZONE_MAX`. A secondary always uses its primary's limit. 0, or -1 with
/// `rte_errno` set.
#[no_mangle]
pub extern "C" fn rtemem_memzone_max_set(max: usize) -> c_int {
    ffi_boundary!(Log, "rtemem_memzone_max_set", {
        memzone::set_max(max).map(|_| 0)
    })
}

/// The memzone limit: the running one after `rte_eal_init`, before it the one init will use.
#[no_mangle]
pub extern "C" fn rtemem_memzone_max_get() -> usize {
    ffi_boundary!(Log, "rtemem_memzone_max_get", fail = 0, {
        Ok(memzone::max())
    })
}
