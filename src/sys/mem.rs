//! Memory: page size, shared and fixed mappings, address-space reservations, memfd,
//! `fallocate`, faulting pages in (`MADV_POPULATE_WRITE`), pagemap, NUMA policy, `mlock`.

use std::os::fd::{AsRawFd, RawFd};
use std::ptr::NonNull;

use crate::err;
use crate::error::{Error, Result};

fn last_os(what: &str) -> Error {
    Error::os(what, std::io::Error::last_os_error())
}

/// The system page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let v = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if v > 0 {
        v as usize
    } else {
        4096
    }
}

/// Where a mapping may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Anywhere the kernel likes.
    Anywhere,
    /// At this address if it is free, otherwise anywhere.
    Prefer(usize),
    /// Exactly at this address, failing (EEXIST) if anything is mapped there. Never replaces
    /// an existing mapping.
    Exactly(usize),
}

/// Maps `len` bytes of `fd` (from offset 0) shared and read-write, or anonymous shared memory
/// when `fd` is None.
pub fn map_shared(fd: Option<RawFd>, len: usize, place: Placement) -> Result<NonNull<u8>> {
    let (hint, extra) = match place {
        Placement::Anywhere => (0, 0),
        Placement::Prefer(a) | Placement::Exactly(a) => (a, libc::MAP_FIXED_NOREPLACE),
    };
    let (flags, raw_fd) = match fd {
        Some(f) => (libc::MAP_SHARED, f),
        None => (libc::MAP_SHARED | libc::MAP_ANONYMOUS, -1),
    };
    // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping, and a NULL hint lets the
    // kernel choose; either way no memory this process already uses is affected.
    let p = unsafe {
        libc::mmap(
            hint as *mut libc::c_void,
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            flags | extra,
            raw_fd,
            0,
        )
    };
    if p == libc::MAP_FAILED || (hint != 0 && p as usize != hint) {
        let e = std::io::Error::last_os_error();
        if p != libc::MAP_FAILED {
            // Old kernels treat NOREPLACE as a hint; undo a misplaced mapping.
            // SAFETY: p..p+len is the mapping just created here.
            unsafe { libc::munmap(p, len) };
        }
        return match place {
            Placement::Prefer(_) => map_shared(fd, len, Placement::Anywhere),
            Placement::Exactly(a) => Err(err!(
                libc::EEXIST,
                "address range {:#x}-{:#x} is already in use in this process ({e})",
                a,
                a + len
            )),
            Placement::Anywhere => Err(Error::os("mmap", e)),
        };
    }
    NonNull::new(p.cast()).ok_or_else(|| err!(libc::ENOMEM, "mmap returned NULL"))
}

/// Unmaps a mapping made by [`map_shared`].
///
/// # Safety
/// `addr..addr+len` is a mapping this module created, and nothing references it any more.
pub unsafe fn unmap(addr: NonNull<u8>, len: usize) {
    // SAFETY: caller's guarantee.
    unsafe { libc::munmap(addr.as_ptr().cast(), len) };
}
/// True when `/proc/self/pagemap` gives page frame numbers (root, or CAP_SYS_ADMIN).
pub fn phys_addrs_available() -> bool {
    use std::os::unix::fs::FileExt;
    let probe = Box::new(0u64);
    // Touch the page so it is present.
    let addr = &*probe as *const u64 as usize;
    // SAFETY: reading our own live heap value through a volatile read only forces residency.
    let _ = unsafe { std::ptr::read_volatile(&*probe) };
    let Ok(f) = std::fs::File::open("/proc/self/pagemap") else {
        return false;
    };
    let mut entry = [0u8; 8];
    let off = (addr / page_size()) as u64 * 8;
    if f.read_exact_at(&mut entry, off).is_err() {
        return false;
    }
    let e = u64::from_ne_bytes(entry);
    let present = e & (1 << 63) != 0;
    let pfn = e & ((1 << 55) - 1);
    present && pfn != 0
}

/// Creates an anonymous memory file (`memfd_create`); with `huge_page_size`, backed by
/// hugepages of that size (`MFD_HUGETLB`).
pub fn memfd(name: &str, huge_page_size: Option<u64>) -> Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    let cname =
        std::ffi::CString::new(name).map_err(|_| err!(libc::EINVAL, "memfd name contains NUL"))?;
    let mut flags = libc::MFD_CLOEXEC;
    if let Some(sz) = huge_page_size {
        if !sz.is_power_of_two() {
            return Err(err!(
                libc::EINVAL,
                "hugepage size {sz} is not a power of two"
            ));
        }
        flags |= libc::MFD_HUGETLB | (sz.trailing_zeros() << libc::MFD_HUGE_SHIFT);
    }
    // SAFETY: cname is a valid C string; memfd_create has no other preconditions.
    let fd = unsafe { libc::memfd_create(cname.as_ptr(), flags) };
    if fd < 0 {
        return Err(last_os("memfd_create"));
    }
    // SAFETY: fd was just returned by the kernel and is owned by nobody else.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// Allocates the backing of `len` bytes at `offset` in `fd` now (`fallocate`). On hugetlbfs this
/// takes the hugepages from the pool, failing with ENOSPC/ENOMEM instead of a later SIGBUS.
pub fn allocate(fd: &impl AsRawFd, offset: u64, len: u64) -> Result<()> {
    // SAFETY: fallocate on a valid descriptor has no memory-safety preconditions.
    let r =
        unsafe { libc::fallocate(fd.as_raw_fd(), 0, offset as libc::off_t, len as libc::off_t) };
    if r != 0 {
        let e = std::io::Error::last_os_error();
        let errno = match e.raw_os_error() {
            Some(libc::ENOSPC) | Some(libc::ENOMEM) => libc::ENOMEM,
            Some(n) => n,
            None => libc::EIO,
        };
        return Err(Error::new(
            errno,
            format!("cannot allocate {len} bytes of backing: {e}"),
        ));
    }
    Ok(())
}

/// Releases the backing of `len` bytes at `offset` in `fd` (hole punch), giving hugepages back.
pub fn deallocate(fd: &impl AsRawFd, offset: u64, len: u64) -> Result<()> {
    // SAFETY: as in allocate.
    let r = unsafe {
        libc::fallocate(
            fd.as_raw_fd(),
            libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
            offset as libc::off_t,
            len as libc::off_t,
        )
    };
    if r != 0 {
        return Err(last_os("fallocate(PUNCH_HOLE)"));
    }
    Ok(())
}

/// Faults in every page of `addr..addr+len` for writing without risking SIGBUS: the kernel
/// reports a page it cannot provide as an error (MADV_POPULATE_WRITE, Linux 5.14+).
///
/// # Safety
/// `addr..addr+len` is a writable mapping owned by the caller.
pub unsafe fn populate(addr: NonNull<u8>, len: usize) -> Result<()> {
    // SAFETY: caller's guarantee; populating does not change the contents of the mapping.
    let r = unsafe { libc::madvise(addr.as_ptr().cast(), len, libc::MADV_POPULATE_WRITE) };
    if r != 0 {
        let e = std::io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::EINVAL) => Ok(()), // old kernel: fall back to first touch by the caller
            Some(libc::ENOMEM) | Some(libc::EFAULT) | Some(libc::EHWPOISON) => Err(Error::new(
                libc::ENOMEM,
                format!("cannot fault in {len} bytes: {e}"),
            )),
            _ => Err(Error::os("madvise(MADV_POPULATE_WRITE)", e)),
        };
    }
    Ok(())
}

/// Physical address of the page holding `addr` from /proc/self/pagemap, or None when frame
/// numbers are hidden (not root) or the page is not present.
pub fn virt2phys(addr: usize) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let ps = page_size();
    let f = std::fs::File::open("/proc/self/pagemap").ok()?;
    let mut entry = [0u8; 8];
    f.read_exact_at(&mut entry, (addr / ps) as u64 * 8).ok()?;
    let e = u64::from_ne_bytes(entry);
    let pfn = e & ((1 << 55) - 1);
    if e & (1 << 63) == 0 || pfn == 0 {
        return None;
    }
    Some(pfn * ps as u64 + (addr % ps) as u64)
}

/// Sets the calling thread's memory policy: prefer NUMA node `node` (MPOL_PREFERRED), or the
/// default policy with `None`. Hugetlbfs takes a page at `fallocate` time by the allocating
/// thread's policy (there is no mapping yet), so this is what places a page on a node. A
/// kernel without NUMA support (ENOSYS) is not an error.
pub fn prefer_node(node: Option<u32>) -> Result<()> {
    const MPOL_DEFAULT: libc::c_long = 0;
    const MPOL_PREFERRED: libc::c_long = 1;
    let mask: u64 = match node {
        Some(n) if n >= 64 => return Err(err!(libc::EINVAL, "NUMA node {n} is out of range")),
        Some(n) => 1 << n,
        None => 0,
    };
    let (mode, maskp, maxnode) = match node {
        Some(_) => (MPOL_PREFERRED, &mask as *const u64, 65usize),
        None => (MPOL_DEFAULT, std::ptr::null(), 0),
    };
    // SAFETY: set_mempolicy reads at most `maxnode` bits of `mask`, which outlives the call.
    let r = unsafe { libc::syscall(libc::SYS_set_mempolicy, mode, maskp, maxnode) };
    if r != 0 {
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::ENOSYS) {
            return Ok(());
        }
        return Err(Error::os("set_mempolicy", e));
    }
    Ok(())
}

/// The NUMA node of the page at `addr` (get_mempolicy MPOL_F_NODE|MPOL_F_ADDR).
pub fn node_of(addr: usize) -> Option<u32> {
    const MPOL_F_NODE: libc::c_ulong = 1;
    const MPOL_F_ADDR: libc::c_ulong = 2;
    let mut node: libc::c_int = -1;
    // SAFETY: get_mempolicy writes one int; with a NULL nodemask it reads nothing else.
    let r = unsafe {
        libc::syscall(
            libc::SYS_get_mempolicy,
            &mut node as *mut libc::c_int,
            std::ptr::null_mut::<u64>(),
            0usize,
            addr,
            MPOL_F_NODE | MPOL_F_ADDR,
        )
    };
    (r == 0 && node >= 0).then_some(node as u32)
}

/// Maps `len` bytes of private, zero-filled, read-write memory (faulted in on first touch).
pub fn map_private(len: usize) -> Result<NonNull<u8>> {
    // SAFETY: a NULL hint without MAP_FIXED lets the kernel pick free address space; no
    // existing mapping is affected.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(last_os(&format!(
            "cannot map {len} bytes of private memory"
        )));
    }
    NonNull::new(p.cast()).ok_or_else(|| err!(libc::ENOMEM, "mmap returned NULL"))
}

/// Gives the pages of `addr..addr+len` (page-aligned) back to the kernel: a private anonymous
/// mapping reads as zeros afterwards and stays mapped.
///
/// # Safety
/// The range belongs to a private anonymous mapping of the caller whose contents may be lost.
pub unsafe fn discard_pages(addr: usize, len: usize) {
    // SAFETY: the caller's guarantee; MADV_DONTNEED neither unmaps nor moves anything.
    unsafe { libc::madvise(addr as *mut libc::c_void, len, libc::MADV_DONTNEED) };
}

/// An inaccessible, unbacked anonymous mapping of `len` bytes at `addr`, placed as `fixed`
/// says (0: `addr` is a hint, `MAP_FIXED_NOREPLACE` or `MAP_FIXED`); `MAP_FAILED` on failure.
///
/// # Safety
/// With `MAP_FIXED`, whatever was mapped in the range is dropped: the caller owns it.
unsafe fn map_none(addr: usize, len: usize, fixed: libc::c_int) -> *mut libc::c_void {
    let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | fixed;
    // SAFETY: the caller's guarantee for the range.
    unsafe {
        libc::mmap(
            addr as *mut libc::c_void,
            len,
            libc::PROT_NONE,
            flags,
            -1,
            0,
        )
    }
}

/// Reserves `len` bytes of address space (inaccessible, no backing), at `hint` when that
/// range is free, else anywhere. Returns its address.
pub fn reserve(len: usize, hint: usize) -> Result<usize> {
    for h in [hint, 0] {
        let extra = if h != 0 { libc::MAP_FIXED_NOREPLACE } else { 0 };
        // SAFETY: a PROT_NONE reservation at a free address (NOREPLACE) or one the kernel
        // picks never touches existing mappings.
        let p = unsafe { map_none(h, len, extra) };
        if p != libc::MAP_FAILED {
            return Ok(p as usize);
        }
    }
    Err(Error::new(
        libc::ENOMEM,
        format!(
            "cannot reserve {len} bytes of address space: {}",
            std::io::Error::last_os_error()
        ),
    ))
}

/// Reserves exactly `addr..addr+len`, failing with EEXIST when any of it is in use.
pub fn reserve_exact(addr: usize, len: usize) -> Result<()> {
    // SAFETY: NOREPLACE never replaces an existing mapping.
    let p = unsafe { map_none(addr, len, libc::MAP_FIXED_NOREPLACE) };
    if p == libc::MAP_FAILED || p as usize != addr {
        if p != libc::MAP_FAILED {
            // SAFETY: undo a mapping the kernel placed elsewhere.
            unsafe { libc::munmap(p, len) };
        }
        return Err(err!(
            libc::EEXIST,
            "address range {addr:#x}-{:#x} is already in use",
            addr + len
        ));
    }
    Ok(())
}

/// Turns `addr..addr+len` back into an inaccessible reservation, dropping whatever was mapped
/// there (a freed page goes back to being address space only).
///
/// # Safety
/// The range belongs to a reservation of the caller and nothing uses its contents any more.
pub unsafe fn rereserve(addr: usize, len: usize) -> Result<()> {
    // SAFETY: caller's guarantee: the range is ours and unused.
    let p = unsafe { map_none(addr, len, libc::MAP_FIXED) };
    if p == libc::MAP_FAILED {
        return Err(last_os("mmap(PROT_NONE)"));
    }
    Ok(())
}

/// Releases (part of) a reservation.
///
/// # Safety
/// The range belongs to a reservation of the caller and nothing uses it any more.
pub unsafe fn unreserve(addr: usize, len: usize) {
    // SAFETY: caller's guarantee.
    unsafe { libc::munmap(addr as *mut libc::c_void, len) };
}

/// Maps `len` bytes of `fd` at `offset` read-write and shared exactly at `addr`, replacing the
/// caller's reservation there.
///
/// # Safety
/// `addr..addr+len` lies inside a reservation of the caller that holds nothing else.
pub unsafe fn map_fixed(addr: usize, len: usize, fd: RawFd, offset: u64) -> Result<()> {
    // SAFETY: caller's guarantee: the range is ours (a PROT_NONE reservation).
    let p = unsafe {
        libc::mmap(
            addr as *mut libc::c_void,
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_FIXED,
            fd,
            offset as libc::off_t,
        )
    };
    if p == libc::MAP_FAILED {
        let e = std::io::Error::last_os_error();
        let errno = if e.raw_os_error() == Some(libc::ENOMEM) {
            libc::ENOMEM
        } else {
            e.raw_os_error().unwrap_or(libc::EIO)
        };
        return Err(Error::new(
            errno,
            format!("cannot map {len} bytes at {addr:#x}: {e}"),
        ));
    }
    Ok(())
}

/// Reserves `len` bytes of address space (PROT_NONE, no backing) at `hint` if that range is
/// free, else wherever the kernel puts it (no `MAP_FIXED`: nothing mapped is ever replaced).
/// Returns the address; the caller checks it against `hint` when the place matters.
pub fn reserve_near(hint: usize, len: usize) -> std::io::Result<usize> {
    // SAFETY: a mapping without MAP_FIXED never replaces an existing one; the kernel picks a
    // free range (using `hint` only as a hint).
    let p = unsafe { map_none(hint, len, 0) };
    if p == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    Ok(p as usize)
}

/// Maps `fd` from offset 0 shared (or private anonymous memory when `fd` is None) read-write
/// over `addr..addr+len`, replacing the caller's reservation there.
///
/// # Safety
/// `addr..addr+len` is a reservation of the caller that nothing else uses.
pub unsafe fn map_over(addr: usize, len: usize, fd: Option<RawFd>) -> std::io::Result<()> {
    let (flags, raw) = match fd {
        Some(f) => (libc::MAP_SHARED | libc::MAP_FIXED, f),
        None => (
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
            -1,
        ),
    };
    // SAFETY: MAP_FIXED replaces only [addr, addr + len), which the caller reserved (caller's
    // guarantee).
    let p = unsafe {
        libc::mmap(
            addr as *mut libc::c_void,
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            flags,
            raw,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    debug_assert_eq!(p as usize, addr, "MAP_FIXED returned another address");
    Ok(())
}

/// Locks `addr..addr+len` in memory (`mlock`).
pub fn mlock(addr: usize, len: usize) -> Result<()> {
    // SAFETY: mlock only changes the residency of pages; an unmapped range fails with ENOMEM
    // and touches nothing.
    if unsafe { libc::mlock(addr as *const libc::c_void, len) } != 0 {
        return Err(last_os("mlock"));
    }
    Ok(())
}

/// True when `addr..addr+len` is mapped in this process (`msync(MS_ASYNC)` only asks; an
/// unmapped range gives ENOMEM).
pub fn is_mapped(addr: usize, len: usize) -> bool {
    // SAFETY: msync with MS_ASYNC on any range writes nothing and does not access the memory.
    unsafe { libc::msync(addr as *mut libc::c_void, len, libc::MS_ASYNC) == 0 }
}

/// `mmap(2)` exactly as a C caller asks for it (`rte_mem_map`): any protection, flags,
/// descriptor and offset.
///
/// # Safety
/// With `MAP_FIXED` in `flags`, whatever was mapped at `addr` is replaced: the caller must own
/// that range and hold no reference into it.
pub unsafe fn mmap_raw(
    addr: *mut libc::c_void,
    len: usize,
    prot: libc::c_int,
    flags: libc::c_int,
    fd: RawFd,
    offset: u64,
) -> Result<*mut libc::c_void> {
    let off = libc::off_t::try_from(offset)
        .map_err(|_| err!(libc::EINVAL, "offset {offset} is too large"))?;
    // SAFETY: the caller's guarantee covers a forced address; otherwise the address is a hint
    // and mmap never replaces an existing mapping.
    let p = unsafe { libc::mmap(addr, len, prot, flags, fd, off) };
    if p == libc::MAP_FAILED {
        return Err(last_os(&format!("cannot map {len} bytes")));
    }
    Ok(p)
}

/// `munmap(2)` of a range a C caller mapped (`rte_mem_unmap`).
///
/// # Safety
/// `addr..addr+len` is a mapping the caller owns and no longer uses.
pub unsafe fn munmap_raw(addr: *mut libc::c_void, len: usize) -> Result<()> {
    // SAFETY: the caller's guarantee.
    if unsafe { libc::munmap(addr, len) } != 0 {
        return Err(last_os("munmap"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_placement_never_replaces_a_mapping() {
        let len = page_size();
        let first = map_shared(None, len, Placement::Anywhere).unwrap();
        let e = map_shared(None, len, Placement::Exactly(first.as_ptr() as usize)).unwrap_err();
        assert_eq!(e.errno, libc::EEXIST);
        let second = map_shared(None, len, Placement::Prefer(first.as_ptr() as usize)).unwrap();
        assert_ne!(first, second);
        // SAFETY: both mappings were created above and are not referenced.
        unsafe {
            unmap(first, len);
            unmap(second, len);
        }
    }

    #[test]
    fn anonymous_memfd_allocates_punches_and_populates() {
        let fd = memfd("rtemem-test", None).unwrap();
        let ps = page_size();
        allocate(&fd, 0, 4 * ps as u64).unwrap();
        let m = map_shared(Some(fd.as_raw_fd()), 4 * ps, Placement::Anywhere).unwrap();
        // SAFETY: m is a fresh 4-page shared mapping.
        unsafe { populate(m, 4 * ps).unwrap() };
        // SAFETY: writing inside the mapping.
        unsafe { *m.as_ptr() = 7 };
        deallocate(&fd, 0, ps as u64).unwrap();
        // SAFETY: the punched page reads back as zero.
        assert_eq!(unsafe { *m.as_ptr() }, 0);
        assert!(
            node_of(m.as_ptr() as usize).is_some()
                || !std::path::Path::new("/sys/devices/system/node/node0").exists()
        );
        // SAFETY: unmapping our own mapping.
        unsafe { unmap(m, 4 * ps) };
    }

    #[test]
    fn hugepage_size_must_be_a_power_of_two() {
        assert_eq!(memfd("x", Some(3 << 20)).unwrap_err().errno, libc::EINVAL);
    }
}
