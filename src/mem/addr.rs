//! Address facts for the C API: the IOVA policy and translations (`rte_mem_virt2phy`,
//! `rte_mem_virt2iova`, `rte_mem_iova2virt`), whether physical addresses are in use, and the
//! descriptor behind a memseg.
//!
//! One IOVA policy for the whole crate: IOVA is the virtual address only when init chose IOVA
//! as VA. Before init (DPDK's RTE_IOVA_DC) translations take the physical-address path, as
//! DPDK's do.

use crate::abi::{rte_memseg, RTE_BAD_IOVA};
use crate::base::mcfg;
use crate::err;
use crate::error::Result;
use crate::mem::{memalloc, memseg};
use crate::options::IovaMode;
use crate::sys;

/// True when IOVAs are virtual addresses (init chose IOVA as VA).
pub fn iova_is_va() -> bool {
    crate::config::state()
        .map(|s| s.iova_mode == IovaMode::Va)
        .unwrap_or(false)
}

fn no_huge() -> Option<bool> {
    crate::config::get().map(|c| c.no_huge)
}

/// Physical address of `a`: the IOVA recorded for our own pages in PA mode, else the page
/// frame from /proc/self/pagemap; RTE_BAD_IOVA with `--no-huge` or when frames are hidden.
pub fn virt2phy(a: usize) -> u64 {
    if no_huge().unwrap_or(false) {
        return RTE_BAD_IOVA;
    }
    // Inside one of our pages the recorded IOVA is authoritative in PA mode.
    if !iova_is_va() {
        if let Some((_, _, ms)) = memseg::seg_of(a) {
            // SAFETY: a used memseg slot.
            let (iova, base) = unsafe { ((*ms).iova, (*ms).u.addr_64 as usize) };
            if iova != RTE_BAD_IOVA {
                return iova + (a - base) as u64;
            }
        }
    }
    sys::virt2phys(a).unwrap_or(RTE_BAD_IOVA)
}

/// IOVA of `a`: the address itself in VA mode, its physical address otherwise.
pub fn virt2iova(a: usize) -> u64 {
    if iova_is_va() {
        a as u64
    } else {
        virt2phy(a)
    }
}

/// The virtual address of `iova` inside allocated memory, if any (takes the memory read lock).
pub fn iova2virt(iova: u64) -> Option<usize> {
    if iova_is_va() {
        return Some(iova as usize);
    }
    let mut found = None;
    let _g = mcfg::mem_read();
    memseg::walk(|_, ms| {
        // SAFETY: a used memseg slot.
        let (i, a, len) = unsafe { ((*ms).iova, (*ms).u.addr_64, (*ms).len as u64) };
        if i != RTE_BAD_IOVA && iova >= i && iova < i + len {
            found = Some((a + (iova - i)) as usize);
            return 1;
        }
        0
    });
    found
}

/// True when IOVAs are physical addresses read from /proc/self/pagemap (real hugepages, and
/// frame numbers visible to this process).
pub fn using_phys_addrs() -> bool {
    !no_huge().unwrap_or(true) && sys::phys_addrs_available()
}

/// The descriptor backing the memseg `ms` in this process and the page's offset in it.
///
/// # Safety
/// `ms` is NULL or a memseg this library handed out.
pub unsafe fn memseg_fd(ms: *const rte_memseg) -> Result<(i32, u64)> {
    if ms.is_null() {
        return Err(err!(libc::EINVAL, "memseg is NULL"));
    }
    // SAFETY: the caller passes a memseg it got from us.
    let a = unsafe { (*ms).u.addr_64 } as usize;
    let (li, _, _) =
        memseg::seg_of(a).ok_or_else(|| err!(libc::EINVAL, "the memseg is not allocated"))?;
    if memseg::list(li).map(|l| l.external != 0).unwrap_or(false) {
        return Err(err!(libc::ENOTSUP, "external memory has no descriptor"));
    }
    memalloc::fd_of(a).map_err(|e| err!(libc::ENOENT, "{}", e.msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_init_iova_takes_the_physical_path() {
        assert!(!iova_is_va());
        assert_eq!(virt2iova(0x1000), virt2phy(0x1000));
        // SAFETY: NULL is refused before it is read.
        let e = unsafe { memseg_fd(std::ptr::null()) }.unwrap_err();
        assert_eq!(e.errno, libc::EINVAL);
    }
}
