//! rtemem's own introspection calls for `rtemem-info` (exported from librtemem.so only).
//!
//! DPDK's public API answers most of what a memory inspector asks (memzones, memseg lists,
//! per-socket heap statistics), but not three things:
//! - which heaps exist: external heaps get ids from RTE_MAX_NUMA_NODES upward, never reused
//!   after `rte_malloc_heap_destroy`, so probing ids with `rte_malloc_heap_socket_is_external`
//!   stops at the first gap and cannot know where to end; [`rtemem_info_heaps`] lists the ids
//!   from the shared heap table, and [`rtemem_info_heap_name`] gives each one's name;
//! - the primary's pid: [`rtemem_info_primary_pid`] reads it from the shared config;
//! - which processes are attached: DPDK keeps no list of secondaries, and neither does the
//!   shared config. Every process of a prefix (primary and secondaries) keeps the config file
//!   open for its whole life, so [`rtemem_info_processes`] finds them as the processes with an
//!   open descriptor on that file (`/proc/<pid>/fd`). It sees the processes whose `/proc` entry
//!   the caller may read (all of them as root or as the same user).
//!
//! All four need `rte_eal_init` (any process type) and only read shared state.

use std::ffi::{c_char, c_int, c_uint};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

fn need_init() -> Result<()> {
    if crate::base::mcfg::get().is_none() {
        return Err(Error::new(
            libc::ENODEV,
            "the EAL is not initialised: call rte_eal_init first",
        ));
    }
    Ok(())
}

/// Copies `vals` into `out[..max]`; returns how many there are in all (may exceed `max`).
///
/// # Safety
/// `out` is NULL (only when `max` is 0) or points to `max` writable ints.
unsafe fn fill(vals: &[i32], out: *mut c_int, max: c_uint) -> Result<c_int> {
    if out.is_null() && max > 0 {
        return Err(Error::new(libc::EINVAL, "the output array is NULL"));
    }
    for (i, v) in vals.iter().take(max as usize).enumerate() {
        // SAFETY: i < max and out has max writable entries (caller's guarantee).
        unsafe { *out.add(i) = *v };
    }
    c_int::try_from(vals.len()).map_err(|_| Error::new(libc::EOVERFLOW, "too many entries"))
}

/// The pid of the primary process of this process's `--file-prefix`, or -1 (rte_errno
/// ENODEV) before `rte_eal_init`.
#[no_mangle]
pub extern "C" fn rtemem_info_primary_pid() -> c_int {
    ffi_boundary!(Log, "rtemem_info_primary_pid", {
        need_init()?;
        let m = crate::base::mcfg::get().ok_or_else(|| Error::new(libc::ENODEV, "no config"))?;
        let pid = m.primary_pid.load(std::sync::atomic::Ordering::Acquire);
        if pid <= 0 {
            return Err(Error::new(
                libc::ENOENT,
                "the shared config records no primary pid",
            ));
        }
        Ok(pid)
    })
}

/// Writes up to `max` pids of the processes attached to this `--file-prefix` (the primary,
/// its secondaries and the caller) to `pids`, ascending; returns how many there are in all,
/// or -1 with rte_errno set (ENODEV before init or without a shared config file, EINVAL for
/// a NULL `pids` with `max` > 0).
///
/// # Safety
/// `pids` is NULL (with `max` 0) or points to `max` writable ints.
#[no_mangle]
pub unsafe extern "C" fn rtemem_info_processes(pids: *mut c_int, max: c_uint) -> c_int {
    ffi_boundary!(Log, "rtemem_info_processes", {
        need_init()?;
        let path: PathBuf = crate::base::runtime::path("config")
            .filter(|p| p.exists())
            .ok_or_else(|| {
                Error::new(
                    libc::ENODEV,
                    "this process has no shared config file (--in-memory or --no-shconf)",
                )
            })?;
        let found = crate::sys::holders_of(Path::new("/proc"), &path);
        // SAFETY: forwarded caller guarantee on pids/max.
        unsafe { fill(&found, pids, max) }
    })
}

/// Writes up to `max` heap ids (socket ids of the socket heaps, then the ids of the external
/// heaps, in heap-table order) to `ids`; returns how many heaps there are in all, or -1 with
/// rte_errno set. Each id works with `rte_malloc_get_socket_stats`.
///
/// # Safety
/// `ids` is NULL (with `max` 0) or points to `max` writable ints.
#[no_mangle]
pub unsafe extern "C" fn rtemem_info_heaps(ids: *mut c_int, max: c_uint) -> c_int {
    ffi_boundary!(Log, "rtemem_info_heaps", {
        need_init()?;
        let v: Vec<i32> = crate::malloc::heap_ids().into_iter().map(|h| h.0).collect();
        // SAFETY: forwarded caller guarantee on ids/max.
        unsafe { fill(&v, ids, max) }
    })
}

/// Copies the name of heap `heap_id` ("socket_0", or the name an external heap was created
/// with) into `name` of `len` bytes, NUL-terminated. Returns 1 for an external heap, 0 for a
/// socket heap, -1 with rte_errno set: ENOENT (no such heap), EINVAL (NULL `name`),
/// E2BIG (`len` too small; nothing is written).
///
/// # Safety
/// `name` points to `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rtemem_info_heap_name(
    heap_id: c_int,
    name: *mut c_char,
    len: usize,
) -> c_int {
    ffi_boundary!(Log, "rtemem_info_heap_name", {
        need_init()?;
        if name.is_null() {
            return Err(Error::new(libc::EINVAL, "name is NULL"));
        }
        let (_, n, ext) = crate::malloc::heap_ids()
            .into_iter()
            .find(|h| h.0 == heap_id)
            .ok_or_else(|| Error::new(libc::ENOENT, format!("no heap has id {heap_id}")))?;
        copy_name(&n, name, len)?;
        Ok(c_int::from(ext))
    })
}

/// Copies `s` and a NUL into `out` of `len` bytes, or fails with E2BIG.
fn copy_name(s: &str, out: *mut c_char, len: usize) -> Result<()> {
    let need = s.len().saturating_add(1);
    if need > len {
        return Err(Error::new(
            libc::E2BIG,
            format!("the name needs {need} bytes, the buffer has {len}"),
        ));
    }
    // SAFETY: need <= len and the caller of rtemem_info_heap_name guarantees `len` writable
    // bytes at `out`; `s` and `out` cannot overlap (s is an owned Rust string).
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr().cast::<c_char>(), out, s.len());
        *out.add(s.len()) = 0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_reports_the_total_and_writes_at_most_max() {
        let mut out = [0; 2];
        // SAFETY: out has 2 entries.
        let n = unsafe { fill(&[5, 6, 7], out.as_mut_ptr(), 2) }.unwrap();
        assert_eq!((n, out), (3, [5, 6]));
        // SAFETY: max 0 writes nothing.
        assert_eq!(unsafe { fill(&[1], std::ptr::null_mut(), 0) }.unwrap(), 1);
        // SAFETY: NULL with max > 0 is refused before any write.
        assert!(unsafe { fill(&[1], std::ptr::null_mut(), 1) }.is_err());
    }

    #[test]
    fn copy_name_refuses_a_short_buffer_and_terminates() {
        let mut buf = [0x7f as c_char; 9];
        assert_eq!(
            copy_name("socket_0", buf.as_mut_ptr(), 8)
                .unwrap_err()
                .errno,
            libc::E2BIG
        );
        assert_eq!(buf[0], 0x7f);
        copy_name("socket_0", buf.as_mut_ptr(), 9).unwrap();
        assert_eq!(buf[8], 0);
        assert_eq!(buf[0] as u8, b's');
    }

    #[test]
    fn calls_before_init_fail_with_enodev() {
        if crate::base::mcfg::get().is_some() {
            return; // another test in this binary initialised the EAL
        }
        assert_eq!(rtemem_info_primary_pid(), -1);
        assert_eq!(crate::base::errno::get(), libc::ENODEV);
        // SAFETY: max 0, no writes.
        assert_eq!(unsafe { rtemem_info_heaps(std::ptr::null_mut(), 0) }, -1);
    }
}
