//! DPDK's internal paging helpers (`rte_eal_paging.h`, INTERNAL symbols that DPDK 22.11's
//! librte_mempool imports): `rte_mem_map`, `rte_mem_unmap`, `rte_mem_page_size`,
//! `rte_mem_lock`.

use std::ffi::{c_int, c_void};

use crate::err;
use crate::error::Result;
use crate::sys;

/// `enum rte_mem_prot` bits.
pub(crate) const RTE_PROT_READ: c_int = 1 << 0;
pub(crate) const RTE_PROT_WRITE: c_int = 1 << 1;
pub(crate) const RTE_PROT_EXECUTE: c_int = 1 << 2;
/// `enum rte_map_flags` bits (DPDK's order: anonymous is bit 1, private bit 2).
pub(crate) const RTE_MAP_SHARED: c_int = 1 << 0;
pub(crate) const RTE_MAP_ANONYMOUS: c_int = 1 << 1;
pub(crate) const RTE_MAP_PRIVATE: c_int = 1 << 2;
pub(crate) const RTE_MAP_FORCE_ADDRESS: c_int = 1 << 3;

fn translate(prot: c_int, flags: c_int) -> Result<(c_int, c_int)> {
    if prot & !(RTE_PROT_READ | RTE_PROT_WRITE | RTE_PROT_EXECUTE) != 0 {
        return Err(err!(libc::EINVAL, "unknown protection bits {prot:#x}"));
    }
    let known = RTE_MAP_SHARED | RTE_MAP_PRIVATE | RTE_MAP_ANONYMOUS | RTE_MAP_FORCE_ADDRESS;
    if flags & !known != 0 {
        return Err(err!(libc::EINVAL, "unknown map flags {flags:#x}"));
    }
    let shared = flags & RTE_MAP_SHARED != 0;
    if shared == (flags & RTE_MAP_PRIVATE != 0) {
        return Err(err!(
            libc::EINVAL,
            "exactly one of RTE_MAP_SHARED and RTE_MAP_PRIVATE is required"
        ));
    }
    let mut p = libc::PROT_NONE;
    for (bit, os) in [
        (RTE_PROT_READ, libc::PROT_READ),
        (RTE_PROT_WRITE, libc::PROT_WRITE),
        (RTE_PROT_EXECUTE, libc::PROT_EXEC),
    ] {
        if prot & bit != 0 {
            p |= os;
        }
    }
    let mut f = if shared {
        libc::MAP_SHARED
    } else {
        libc::MAP_PRIVATE
    };
    if flags & RTE_MAP_ANONYMOUS != 0 {
        f |= libc::MAP_ANONYMOUS;
    }
    if flags & RTE_MAP_FORCE_ADDRESS != 0 {
        f |= libc::MAP_FIXED;
    }
    Ok((p, f))
}

/// Maps memory (`mmap` with DPDK's portable flags). NULL with `rte_errno` set on failure.
///
/// # Safety
/// With `RTE_MAP_FORCE_ADDRESS`, whatever was mapped at `requested_addr` is replaced: the
/// caller must own that range.
#[no_mangle]
pub unsafe extern "C" fn rte_mem_map(
    requested_addr: *mut c_void,
    size: usize,
    prot: c_int,
    flags: c_int,
    fd: c_int,
    offset: u64,
) -> *mut c_void {
    ffi_boundary!(Log, "rte_mem_map", {
        let (p, f) = translate(prot, flags)?;
        if size == 0 {
            return Err(err!(libc::EINVAL, "size is 0"));
        }
        // SAFETY: the caller owns the requested range when it forces the address (caller's
        // guarantee); otherwise the address is only a hint.
        let r = unsafe { sys::mmap_raw(requested_addr, size, p, f, fd, offset) }?;
        Ok(r)
    })
}

/// Unmaps memory mapped by [`rte_mem_map`]. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `virt..virt+size` is a mapping the caller owns and no longer uses.
#[no_mangle]
pub unsafe extern "C" fn rte_mem_unmap(virt: *mut c_void, size: usize) -> c_int {
    ffi_boundary!(Log, "rte_mem_unmap", {
        // SAFETY: caller's guarantee.
        unsafe { sys::munmap_raw(virt, size) }.map(|_| 0)
    })
}

/// The system page size.
#[no_mangle]
pub extern "C" fn rte_mem_page_size() -> usize {
    sys::page_size()
}

/// Locks pages into memory (`mlock`). 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `virt..virt+size` lies in mappings of this process (mlock does not access the memory).
#[no_mangle]
pub unsafe extern "C" fn rte_mem_lock(virt: *const c_void, size: usize) -> c_int {
    ffi_boundary!(Log, "rte_mem_lock", {
        sys::mlock(virt as usize, size).map(|_| 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_flags_have_dpdk_values() {
        // rte_eal_paging.h: SHARED 1, ANONYMOUS 2, PRIVATE 4, FORCE_ADDRESS 8. librte_mempool's
        // rte_mempool_populate_anon passes SHARED | ANONYMOUS = 3.
        assert_eq!(
            (
                RTE_MAP_SHARED,
                RTE_MAP_ANONYMOUS,
                RTE_MAP_PRIVATE,
                RTE_MAP_FORCE_ADDRESS
            ),
            (1, 2, 4, 8)
        );
        let (_, f) = translate(RTE_PROT_READ, 3).unwrap();
        assert_eq!(f, libc::MAP_SHARED | libc::MAP_ANONYMOUS);
        let (_, f) = translate(RTE_PROT_READ, 6).unwrap();
        assert_eq!(f, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS);
    }

    #[test]
    fn map_write_lock_unmap_round_trip() {
        // SAFETY: an anonymous mapping at a kernel-chosen address.
        let p = unsafe {
            rte_mem_map(
                std::ptr::null_mut(),
                8192,
                RTE_PROT_READ | RTE_PROT_WRITE,
                RTE_MAP_SHARED | RTE_MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert!(!p.is_null());
        // SAFETY: p maps 8192 writable bytes.
        unsafe { *(p as *mut u8) = 1 };
        // SAFETY: locking and unmapping our own mapping.
        unsafe {
            assert_eq!(rte_mem_lock(p, 8192), 0);
            assert_eq!(rte_mem_unmap(p, 8192), 0);
        }
    }

    #[test]
    fn conflicting_or_unknown_flags_are_refused() {
        // SAFETY: refused before any mapping is made.
        let p = unsafe {
            rte_mem_map(
                std::ptr::null_mut(),
                4096,
                RTE_PROT_READ,
                RTE_MAP_SHARED | RTE_MAP_PRIVATE,
                -1,
                0,
            )
        };
        assert!(p.is_null());
        assert_eq!(crate::base::errno::get(), libc::EINVAL);
        // SAFETY: as above.
        let p = unsafe {
            rte_mem_map(
                std::ptr::null_mut(),
                4096,
                0x80,
                RTE_MAP_PRIVATE | RTE_MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert!(p.is_null());
        assert_eq!(rte_mem_page_size(), sys::page_size());
    }
}
