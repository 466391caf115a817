//! `rte_memory.h`: memseg walks and look-ups, IOVA translation, physical layout, DMA masks,
//! memory events, allocation validators and external memory.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::{c_stream, cstr};
use crate::abi::{
    rte_mem_alloc_validator_t, rte_mem_event_callback_t, rte_memseg, rte_memseg_contig_walk_t,
    rte_memseg_list, rte_memseg_list_walk_t, rte_memseg_walk_t, RTE_BAD_IOVA,
};
use crate::base::mcfg;
use crate::err;
use crate::mem::{addr, memevent, memseg};
use crate::sys;

fn with_read_lock<T>(locked: bool, f: impl FnOnce() -> T) -> T {
    let _g = locked.then(mcfg::mem_read);
    f()
}

fn do_walk(func: rte_memseg_walk_t, arg: *mut c_void, locked: bool) -> c_int {
    let Some(f) = func else { return -1 };
    with_read_lock(locked, || {
        // SAFETY: the application's callback, with the list and segment it asked to visit.
        memseg::walk(|msl, ms| unsafe { f(msl, ms, arg) })
    })
}

/// Calls `func` for every allocated memseg (under the memory read lock). 0 when the walk ran
/// to the end, 1 when `func` stopped it, -1 when `func` failed.
#[no_mangle]
pub extern "C" fn rte_memseg_walk(func: rte_memseg_walk_t, arg: *mut c_void) -> c_int {
    ffi_boundary!(Log, "rte_memseg_walk", { Ok(do_walk(func, arg, true)) })
}

/// [`rte_memseg_walk`] without taking the memory lock (for callers that hold it).
#[no_mangle]
pub extern "C" fn rte_memseg_walk_thread_unsafe(
    func: rte_memseg_walk_t,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_memseg_walk_thread_unsafe", {
        Ok(do_walk(func, arg, false))
    })
}

fn do_contig_walk(func: rte_memseg_contig_walk_t, arg: *mut c_void, locked: bool) -> c_int {
    let Some(f) = func else { return -1 };
    with_read_lock(locked, || {
        // SAFETY: the application's callback with the run it asked to visit.
        memseg::contig_walk(|msl, ms, len| unsafe { f(msl, ms, len, arg) })
    })
}

/// Calls `func` for every run of virtually contiguous memsegs.
#[no_mangle]
pub extern "C" fn rte_memseg_contig_walk(
    func: rte_memseg_contig_walk_t,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_memseg_contig_walk", {
        Ok(do_contig_walk(func, arg, true))
    })
}

/// [`rte_memseg_contig_walk`] without taking the memory lock.
#[no_mangle]
pub extern "C" fn rte_memseg_contig_walk_thread_unsafe(
    func: rte_memseg_contig_walk_t,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_memseg_contig_walk_thread_unsafe", {
        Ok(do_contig_walk(func, arg, false))
    })
}

fn do_list_walk(func: rte_memseg_list_walk_t, arg: *mut c_void, locked: bool) -> c_int {
    let Some(f) = func else { return -1 };
    with_read_lock(locked, || {
        // SAFETY: the application's callback with a list in use.
        memseg::list_walk(|msl| unsafe { f(msl, arg) })
    })
}

/// Calls `func` for every memseg list.
#[no_mangle]
pub extern "C" fn rte_memseg_list_walk(func: rte_memseg_list_walk_t, arg: *mut c_void) -> c_int {
    ffi_boundary!(Log, "rte_memseg_list_walk", {
        Ok(do_list_walk(func, arg, true))
    })
}

/// [`rte_memseg_list_walk`] without taking the memory lock.
#[no_mangle]
pub extern "C" fn rte_memseg_list_walk_thread_unsafe(
    func: rte_memseg_list_walk_t,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_memseg_list_walk_thread_unsafe", {
        Ok(do_list_walk(func, arg, false))
    })
}

/// The memseg list whose address range holds `virt`, or NULL.
#[no_mangle]
pub extern "C" fn rte_mem_virt2memseg_list(virt: *const c_void) -> *mut rte_memseg_list {
    ffi_boundary!(Log, "rte_mem_virt2memseg_list", {
        Ok(memseg::list_of(virt as usize)
            .and_then(memseg::list)
            .map(|l| l as *const rte_memseg_list as *mut rte_memseg_list)
            .unwrap_or(std::ptr::null_mut()))
    })
}

/// The memseg holding `virt` (in `msl`, or in whichever list holds it when `msl` is NULL),
/// or NULL.
///
/// # Safety
/// `msl` is NULL or a memseg list this library handed out.
#[no_mangle]
pub unsafe extern "C" fn rte_mem_virt2memseg(
    virt: *const c_void,
    msl: *const rte_memseg_list,
) -> *mut rte_memseg {
    ffi_boundary!(Log, "rte_mem_virt2memseg", {
        let a = virt as usize;
        let l: &rte_memseg_list = if msl.is_null() {
            match memseg::list_of(a).and_then(memseg::list) {
                Some(l) => l,
                None => return Ok(std::ptr::null_mut()),
            }
        } else {
            // SAFETY: the caller passes a list it got from us.
            unsafe { &*msl }
        };
        let base = l.base_va() as usize;
        if a < base || a >= base + l.len || l.page_sz == 0 {
            return Ok(std::ptr::null_mut());
        }
        let idx = ((a - base) as u64 / l.page_sz) as u32;
        Ok(match memseg::segs(l).is_used(idx) {
            Ok(true) => memseg::seg(l, idx).unwrap_or(std::ptr::null_mut()),
            _ => std::ptr::null_mut(),
        })
    })
}

/// Physical address of `virt` from /proc/self/pagemap; RTE_BAD_IOVA when unavailable.
#[no_mangle]
pub extern "C" fn rte_mem_virt2phy(virt: *const c_void) -> u64 {
    ffi_boundary!(Log, "rte_mem_virt2phy", fail = RTE_BAD_IOVA, {
        Ok(addr::virt2phy(virt as usize))
    })
}

/// IOVA of `virt`: the address itself in VA mode, its physical address in PA mode.
#[no_mangle]
pub extern "C" fn rte_mem_virt2iova(virt: *const c_void) -> u64 {
    ffi_boundary!(Log, "rte_mem_virt2iova", fail = RTE_BAD_IOVA, {
        Ok(addr::virt2iova(virt as usize))
    })
}

/// The virtual address of `iova` inside allocated memory, or NULL.
#[no_mangle]
pub extern "C" fn rte_mem_iova2virt(iova: u64) -> *mut c_void {
    ffi_boundary!(Log, "rte_mem_iova2virt", {
        Ok(addr::iova2virt(iova).map_or(std::ptr::null_mut(), |a| a as *mut c_void))
    })
}

/// Bytes of memory in use by the EAL (external memory not counted).
#[no_mangle]
pub extern "C" fn rte_eal_get_physmem_size() -> u64 {
    ffi_boundary!(Log, "rte_eal_get_physmem_size", {
        let _g = mcfg::mem_read();
        Ok(memseg::physmem_size())
    })
}

/// Writes every memseg to `f`.
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_dump_physmem_layout(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_dump_physmem_layout", {
        if let Some(mut out) = c_stream(f) {
            let _g = mcfg::mem_read();
            let _ = memseg::dump(&mut out);
        }
        Ok(())
    })
}

/// Memory channels (`-n`, 0 when not given).
#[no_mangle]
pub extern "C" fn rte_memory_get_nchannel() -> c_uint {
    ffi_boundary!(Log, "rte_memory_get_nchannel", {
        Ok(mcfg::get().map(|m| m.nchannel).unwrap_or(0))
    })
}

/// Memory ranks (`-r`, 0 when not given).
#[no_mangle]
pub extern "C" fn rte_memory_get_nrank() -> c_uint {
    ffi_boundary!(Log, "rte_memory_get_nrank", {
        Ok(mcfg::get().map(|m| m.nrank).unwrap_or(0))
    })
}

/// Locks the page holding `virt` in memory. 0, or -1 with `rte_errno` set.
#[no_mangle]
pub extern "C" fn rte_mem_lock_page(virt: *const c_void) -> c_int {
    ffi_boundary!(Log, "rte_mem_lock_page", {
        let ps = sys::page_size();
        let page = (virt as usize) & !(ps - 1);
        sys::mlock(page, ps).map(|_| 0)
    })
}

/// 1 when IOVAs are physical addresses read from /proc/self/pagemap.
#[no_mangle]
pub extern "C" fn rte_eal_using_phys_addrs() -> c_int {
    ffi_boundary!(Log, "rte_eal_using_phys_addrs", fail = 0, {
        Ok(c_int::from(addr::using_phys_addrs()))
    })
}

/// Checks every segment against a `maskbits`-bit DMA mask: 0 fits, 1 does not, -1 bad width.
#[no_mangle]
pub extern "C" fn rte_mem_check_dma_mask(maskbits: u8) -> c_int {
    ffi_boundary!(Log, "rte_mem_check_dma_mask", {
        let _g = mcfg::mem_read();
        memseg::check_dma_mask(maskbits)
    })
}

/// [`rte_mem_check_dma_mask`] without taking the memory lock.
#[no_mangle]
pub extern "C" fn rte_mem_check_dma_mask_thread_unsafe(maskbits: u8) -> c_int {
    ffi_boundary!(Log, "rte_mem_check_dma_mask_thread_unsafe", {
        memseg::check_dma_mask(maskbits)
    })
}

/// Narrows the DMA mask later allocations must fit.
#[no_mangle]
pub extern "C" fn rte_mem_set_dma_mask(maskbits: u8) {
    ffi_boundary!(Log, "rte_mem_set_dma_mask", {
        memseg::set_dma_mask(maskbits);
        Ok(())
    })
}

fn fd_common(ms: *const rte_memseg) -> crate::error::Result<(i32, u64)> {
    // SAFETY: the exported callers pass their caller's memseg pointer (NULL is refused).
    unsafe { addr::memseg_fd(ms) }
}

/// The descriptor backing `ms` in this process, or -1 with `rte_errno` set.
#[no_mangle]
pub extern "C" fn rte_memseg_get_fd(ms: *const rte_memseg) -> c_int {
    ffi_boundary!(Log, "rte_memseg_get_fd", {
        let _g = mcfg::mem_read();
        fd_common(ms).map(|(fd, _)| fd)
    })
}

/// [`rte_memseg_get_fd`] without taking the memory lock.
#[no_mangle]
pub extern "C" fn rte_memseg_get_fd_thread_unsafe(ms: *const rte_memseg) -> c_int {
    ffi_boundary!(Log, "rte_memseg_get_fd_thread_unsafe", {
        fd_common(ms).map(|(fd, _)| fd)
    })
}

fn fd_offset(
    ms: *const rte_memseg,
    offset: *mut usize,
    locked: bool,
) -> crate::error::Result<c_int> {
    if offset.is_null() {
        return Err(err!(libc::EINVAL, "offset is NULL"));
    }
    let (_, off) = with_read_lock(locked, || fd_common(ms))?;
    // SAFETY: offset is non-NULL and the caller's writable size_t.
    unsafe { *offset = off as usize };
    Ok(0)
}

/// Offset of `ms` in its descriptor. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `offset` is NULL or a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn rte_memseg_get_fd_offset(
    ms: *const rte_memseg,
    offset: *mut usize,
) -> c_int {
    ffi_boundary!(Log, "rte_memseg_get_fd_offset", {
        fd_offset(ms, offset, true)
    })
}

/// [`rte_memseg_get_fd_offset`] without taking the memory lock.
///
/// # Safety
/// As [`rte_memseg_get_fd_offset`].
#[no_mangle]
pub unsafe extern "C" fn rte_memseg_get_fd_offset_thread_unsafe(
    ms: *const rte_memseg,
    offset: *mut usize,
) -> c_int {
    ffi_boundary!(Log, "rte_memseg_get_fd_offset_thread_unsafe", {
        fd_offset(ms, offset, false)
    })
}

/// Registers a memory event callback. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_mem_event_callback_register(
    name: *const c_char,
    clb: rte_mem_event_callback_t,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_mem_event_callback_register", {
        // SAFETY: caller's guarantee.
        let n = unsafe { cstr(name, "name") }?;
        memevent::register_event(n, clb, arg).map(|_| 0)
    })
}

/// Unregisters a memory event callback. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_mem_event_callback_unregister(
    name: *const c_char,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_mem_event_callback_unregister", {
        // SAFETY: caller's guarantee.
        let n = unsafe { cstr(name, "name") }?;
        memevent::unregister_event(n, arg).map(|_| 0)
    })
}

/// Registers an allocation validator. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_mem_alloc_validator_register(
    name: *const c_char,
    clb: rte_mem_alloc_validator_t,
    socket_id: c_int,
    limit: usize,
) -> c_int {
    ffi_boundary!(Log, "rte_mem_alloc_validator_register", {
        // SAFETY: caller's guarantee.
        let n = unsafe { cstr(name, "name") }?;
        memevent::register_validator(n, clb, socket_id, limit).map(|_| 0)
    })
}

/// Unregisters an allocation validator. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_mem_alloc_validator_unregister(
    name: *const c_char,
    socket_id: c_int,
) -> c_int {
    ffi_boundary!(Log, "rte_mem_alloc_validator_unregister", {
        // SAFETY: caller's guarantee.
        let n = unsafe { cstr(name, "name") }?;
        memevent::unregister_validator(n, socket_id).map(|_| 0)
    })
}

/// Registers application memory as external memory. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `iova_addrs` is NULL or points to `n_pages` IOVAs; the memory stays mapped until
/// unregistered.
#[no_mangle]
pub unsafe extern "C" fn rte_extmem_register(
    va_addr: *mut c_void,
    len: usize,
    iova_addrs: *mut u64,
    n_pages: c_uint,
    page_sz: usize,
) -> c_int {
    ffi_boundary!(Log, "rte_extmem_register", {
        let iovas = if iova_addrs.is_null() {
            None
        } else {
            // SAFETY: caller's guarantee: n_pages IOVAs.
            Some(unsafe { std::slice::from_raw_parts(iova_addrs, n_pages as usize) })
        };
        if iovas.is_some() && page_sz != 0 && n_pages as usize != len / page_sz {
            return Err(err!(
                libc::EINVAL,
                "{n_pages} IOVAs for {len} bytes of {page_sz}-byte pages"
            ));
        }
        let va = va_addr as usize;
        memseg::check_extmem_args(va, len, iovas, page_sz)?;
        // As DPDK: the memory gets a socket id of its own, beyond the NUMA ids.
        let socket = crate::malloc::next_external_socket()?;
        memseg::extmem_register(va, len, iovas, page_sz, socket, false).map(|_| 0)
    })
}

/// Unregisters external memory. 0, or -1 with `rte_errno` set.
#[no_mangle]
pub extern "C" fn rte_extmem_unregister(va_addr: *mut c_void, len: usize) -> c_int {
    ffi_boundary!(Log, "rte_extmem_unregister", {
        memseg::extmem_unregister(va_addr as usize, len, false).map(|_| 0)
    })
}

/// Maps another process's external memory metadata into this one.
#[no_mangle]
pub extern "C" fn rte_extmem_attach(va_addr: *mut c_void, len: usize) -> c_int {
    ffi_boundary!(Log, "rte_extmem_attach", {
        memseg::extmem_attach(va_addr as usize, len, true).map(|_| 0)
    })
}

/// Drops this process's mapping of external memory metadata.
#[no_mangle]
pub extern "C" fn rte_extmem_detach(va_addr: *mut c_void, len: usize) -> c_int {
    ffi_boundary!(Log, "rte_extmem_detach", {
        memseg::extmem_attach(va_addr as usize, len, false).map(|_| 0)
    })
}
