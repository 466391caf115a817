//! `rte_fbarray.h`: file-backed arrays. Thin shims over [`crate::mem::fbarray`].
//!
//! Argument errors (NULL pointers, indices out of range, bad geometry) are logged and set
//! `rte_errno` as DPDK does. A search that finds nothing is an answer, not a fault: it sets
//! `rte_errno` (`ENOSPC` for free, `ENOENT` for used entries) and returns -1 without a log line,
//! as DPDK does, since callers probe with searches all the time.

use std::ffi::{c_char, c_int, c_uint, c_void};

use crate::abi::{rte_fbarray, RTE_FBARRAY_NAME_LEN};
use crate::err;
use crate::error::Result;
use crate::ffi::Mode;
use crate::mem::fbarray::{self, Backing, Fb, Search};

/// Reads a name the way DPDK's `strnlen(name, RTE_FBARRAY_NAME_LEN)` does: at most 64 bytes.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string or at least 64 readable bytes.
unsafe fn name_bytes(p: *const c_char) -> Result<Vec<u8>> {
    if p.is_null() {
        return Err(err!(libc::EINVAL, "name is NULL"));
    }
    // SAFETY: the caller guarantees the bytes up to the NUL (or 64 bytes) are readable.
    Ok(unsafe { crate::ffi::c_bytes_upto(p, RTE_FBARRAY_NAME_LEN) })
}

fn non_null(arr: *mut rte_fbarray) -> Result<*mut rte_fbarray> {
    if arr.is_null() {
        Err(err!(libc::EINVAL, "arr is NULL"))
    } else {
        Ok(arr)
    }
}

/// # Safety
/// `arr` is NULL or points to a struct initialized or attached in this process.
unsafe fn handle(arr: *const rte_fbarray) -> Result<Fb> {
    // SAFETY: forwarded caller guarantee.
    unsafe { Fb::from_ptr(arr.cast_mut()) }.ok_or_else(|| err!(libc::EINVAL, "arr is NULL"))
}

/// Creates a new array of `len` elements of `elt_sz` bytes named `name` in `arr`. Backed by
/// `fbarray_<name>` in the runtime dir, or by anonymous memory with `--no-shconf`/`--in-memory`
/// or before EAL init. Returns 0, or -1 with `rte_errno` EINVAL, ENAMETOOLONG, EBUSY (another
/// process has the array), ENOMEM or the OS error.
///
/// # Safety
/// `arr` is NULL or writable; `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_init(
    arr: *mut rte_fbarray,
    name: *const c_char,
    len: c_uint,
    elt_sz: c_uint,
) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_init", {
        let arr = non_null(arr)?;
        // SAFETY: caller guarantee on `name`.
        let name = unsafe { name_bytes(name)? };
        let backing = Backing::for_name(&name);
        // SAFETY: caller guarantee on `arr`.
        unsafe { fbarray::init(arr, &name, len, elt_sz, &backing) }.map(|_| 0)
    })
}

/// Maps an array another process created, at the address its struct records. Returns 0, or
/// -1 with `rte_errno` EINVAL/ENAMETOOLONG (bad struct), EEXIST (already mapped here),
/// EADDRNOTAVAIL (the address is taken), ENOENT (no such file) or the OS error.
///
/// # Safety
/// `arr` is NULL or a readable struct filled in by `rte_fbarray_init` in another process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_attach(arr: *mut rte_fbarray) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_attach", {
        let arr = non_null(arr)?;
        // SAFETY: caller guarantee.
        unsafe { fbarray::attach_default(arr) }.map(|_| 0)
    })
}

/// Unmaps the array from this process. Returns 0, or -1 with `rte_errno` EINVAL or ENOENT (not
/// mapped here).
///
/// # Safety
/// `arr` is NULL or a readable struct; its data is not used afterwards in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_detach(arr: *mut rte_fbarray) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_detach", {
        let arr = non_null(arr)?;
        // SAFETY: caller guarantee.
        unsafe { fbarray::detach(arr) }.map(|_| 0)
    })
}

/// Deletes the array and zeroes `arr`. Returns 0, or -1 with `rte_errno` EINVAL, ENOENT (not
/// mapped here) or EBUSY (another process still has it).
///
/// # Safety
/// `arr` is NULL or a writable struct; its data is not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_destroy(arr: *mut rte_fbarray) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_destroy", {
        let arr = non_null(arr)?;
        // SAFETY: caller guarantee.
        unsafe { fbarray::destroy(arr) }.map(|_| 0)
    })
}

/// Address of element `idx`, or NULL with `rte_errno` EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_get(arr: *const rte_fbarray, idx: c_uint) -> *mut c_void {
    ffi_boundary!(Log, "rte_fbarray_get", {
        // SAFETY: caller guarantee.
        unsafe { handle(arr) }?.get(idx)
    })
}

/// Index of the element holding `elt`, or -1 with `rte_errno` EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_idx(
    arr: *const rte_fbarray,
    elt: *const c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_find_idx", {
        // SAFETY: caller guarantee.
        unsafe { handle(arr) }?.find_idx(elt).map(|i| i as c_int)
    })
}

/// Marks element `idx` used. Returns 0, or -1 with `rte_errno` EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_set_used(arr: *mut rte_fbarray, idx: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_set_used", {
        // SAFETY: caller guarantee.
        unsafe { handle(arr) }?.set_used(idx).map(|_| 0)
    })
}

/// Marks element `idx` free. Returns 0, or -1 with `rte_errno` EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_set_free(arr: *mut rte_fbarray, idx: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_set_free", {
        // SAFETY: caller guarantee.
        unsafe { handle(arr) }?.set_free(idx).map(|_| 0)
    })
}

/// 1 if element `idx` is used, 0 if free, -1 with `rte_errno` EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_is_used(arr: *mut rte_fbarray, idx: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_fbarray_is_used", {
        // SAFETY: caller guarantee.
        unsafe { handle(arr) }?.is_used(idx).map(c_int::from)
    })
}

/// Runs one of DPDK's searches for the exported function `func`: a miss sets `rte_errno`
/// silently (as DPDK: callers probe with searches), bad arguments are logged.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
unsafe fn search(
    func: &str,
    arr: *mut rte_fbarray,
    start: c_uint,
    what: Search,
    used: bool,
) -> c_int {
    let mode = Mode::Per(|e| {
        if e.errno == libc::EINVAL {
            Mode::Log
        } else {
            Mode::Errno
        }
    });
    ffi_boundary!(mode, func, {
        // SAFETY: caller guarantee.
        unsafe { handle(arr) }?
            .search_as_dpdk(what, start, used)
            .map(|i| i as c_int)
    })
}

// The sixteen searches, by direction and kind (the shims below name them as DPDK does).
const NEXT: Search = Search::Find { next: true };
const PREV: Search = Search::Find { next: false };
const CONTIG: Search = Search::Contig { next: true };
const REV_CONTIG: Search = Search::Contig { next: false };
const BIGGEST: Search = Search::Biggest { rev: false };
const REV_BIGGEST: Search = Search::Biggest { rev: true };
const fn next_n(n: u32) -> Search {
    Search::FindN { next: true, n }
}
const fn prev_n(n: u32) -> Search {
    Search::FindN { next: false, n }
}
const FREE: bool = false;
const USED: bool = true;

/// First free index at or after `start`; -1 with `rte_errno` ENOSPC (none) or EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_next_free(arr: *mut rte_fbarray, start: c_uint) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_next_free", arr, start, NEXT, FREE) }
}

/// First used index at or after `start`; -1 with `rte_errno` ENOENT (none) or EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_next_used(arr: *mut rte_fbarray, start: c_uint) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_next_used", arr, start, NEXT, USED) }
}

/// Last free index at or before `start`; -1 with `rte_errno` ENOSPC (none) or EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_prev_free(arr: *mut rte_fbarray, start: c_uint) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_prev_free", arr, start, PREV, FREE) }
}

/// Last used index at or before `start`; -1 with `rte_errno` ENOENT (none) or EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_prev_used(arr: *mut rte_fbarray, start: c_uint) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_prev_used", arr, start, PREV, USED) }
}

/// Start of the first run of `n` free entries at or after `start`; -1 with ENOSPC/EINVAL.
/// Like DPDK 22.11, may report a run that reaches past the end of the array.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_next_n_free(
    arr: *mut rte_fbarray,
    start: c_uint,
    n: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_next_n_free", arr, start, next_n(n), FREE) }
}

/// Start of the first run of `n` used entries at or after `start`; -1 with ENOENT/EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_next_n_used(
    arr: *mut rte_fbarray,
    start: c_uint,
    n: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_next_n_used", arr, start, next_n(n), USED) }
}

/// Start of the last run of `n` free entries ending at or before `start`; -1 with
/// ENOSPC/EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_prev_n_free(
    arr: *mut rte_fbarray,
    start: c_uint,
    n: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_prev_n_free", arr, start, prev_n(n), FREE) }
}

/// Start of the last run of `n` used entries ending at or before `start`; -1 with
/// ENOENT/EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_prev_n_used(
    arr: *mut rte_fbarray,
    start: c_uint,
    n: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_prev_n_used", arr, start, prev_n(n), USED) }
}

/// Number of free entries from `start` upwards (0 if `start` is used); -1 with EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_contig_free(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_contig_free", arr, start, CONTIG, FREE) }
}

/// Number of used entries from `start` upwards (0 if `start` is free); -1 with EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_contig_used(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_contig_used", arr, start, CONTIG, USED) }
}

/// Number of free entries from `start` downwards; -1 with EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_rev_contig_free(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        search(
            "rte_fbarray_find_rev_contig_free",
            arr,
            start,
            REV_CONTIG,
            FREE,
        )
    }
}

/// Number of used entries from `start` downwards; -1 with EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_rev_contig_used(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        search(
            "rte_fbarray_find_rev_contig_used",
            arr,
            start,
            REV_CONTIG,
            USED,
        )
    }
}

/// Start of the longest free run at or after `start`; -1 with ENOSPC/EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_biggest_free(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_biggest_free", arr, start, BIGGEST, FREE) }
}

/// Start of the longest used run at or after `start`; -1 with ENOENT/EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_biggest_used(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe { search("rte_fbarray_find_biggest_used", arr, start, BIGGEST, USED) }
}

/// Start of the longest free run at or before `start`; -1 with ENOSPC/EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_rev_biggest_free(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        search(
            "rte_fbarray_find_rev_biggest_free",
            arr,
            start,
            REV_BIGGEST,
            FREE,
        )
    }
}

/// Start of the longest used run at or before `start`; -1 with ENOENT/EINVAL.
///
/// # Safety
/// `arr` is NULL or an array mapped in this process.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_find_rev_biggest_used(
    arr: *mut rte_fbarray,
    start: c_uint,
) -> c_int {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        search(
            "rte_fbarray_find_rev_biggest_used",
            arr,
            start,
            REV_BIGGEST,
            USED,
        )
    }
}

/// Prints the array's name, size, used count and mask words to `f` (DPDK's format). With a
/// NULL argument nothing is printed and `rte_errno` is EINVAL; an invalid struct prints
/// "Invalid file-backed array".
///
/// # Safety
/// `arr` is NULL or an array mapped in this process; `f` is NULL or an open `FILE`.
#[no_mangle]
pub unsafe extern "C" fn rte_fbarray_dump_metadata(arr: *mut rte_fbarray, f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_fbarray_dump_metadata", {
        if f.is_null() {
            return Err(err!(libc::EINVAL, "f is NULL"));
        }
        let arr = non_null(arr)?;
        // SAFETY: caller guarantee.
        let text = unsafe { fbarray::dump_metadata(arr) }?;
        // SAFETY: `f` is an open stream (caller guarantee).
        unsafe { crate::sys::fwrite(f, text.as_bytes()) };
        Ok(())
    })
}
