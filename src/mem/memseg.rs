//! Memseg lists: the address-space layout of DPDK memory.
//!
//! DPDK 22.11 divides memory into *memory types* — one per (hugepage size, socket) — and gives
//! each type up to a fixed number of memseg lists. Each list is a reserved, never-moving range
//! of virtual addresses with room for `n_segs` pages of one size, plus an `rte_fbarray` of
//! `rte_memseg` recording which pages are present. The sizing rules, which [`plan`] implements,
//! bound every type and list so that the same machine and options give the same lists in
//! DPDK and here:
//!
//! - at most RTE_MAX_MEMSEG_LISTS lists in all, shared evenly between types;
//! - per type at most RTE_MAX_MEM_MB_PER_TYPE (and the total RTE_MAX_MEM_MB shared evenly) and
//!   RTE_MAX_MEMSEG_PER_TYPE pages;
//! - per list at most RTE_MAX_MEMSEG_PER_LIST pages and RTE_MAX_MEM_MB_PER_LIST.

use crate::abi::{rte_memseg, rte_memseg_list};
use crate::base::mcfg;
use crate::err;
use crate::error::Result;
use crate::mem::fbarray::{self, Backing, Fb};
use crate::sys;

pub(crate) const MAX_MEMSEG_LISTS: usize = 128;
pub(crate) const MAX_MEMSEG_PER_LIST: u64 = 8192;
pub(crate) const MAX_MEM_MB_PER_LIST: u64 = 32768;
pub(crate) const MAX_MEMSEG_PER_TYPE: u64 = 32768;
pub(crate) const MAX_MEM_MB_PER_TYPE: u64 = 65536;
pub(crate) const MAX_MEM_MB: u64 = 524288;

/// One memseg list to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPlan {
    pub page_sz: u64,
    pub socket_id: i32,
    /// Number of pages the list can hold.
    pub n_segs: u64,
    /// Index of this list among the lists of its type.
    pub type_idx: usize,
}

impl ListPlan {
    /// Bytes of address space the list reserves.
    pub fn va_len(&self) -> u64 {
        self.n_segs * self.page_sz
    }
}

/// The memseg lists DPDK 22.11 creates for these page sizes (ascending order is not required)
/// and sockets, in DPDK's order: by page size as given, then by socket.
pub fn plan(page_sizes: &[u64], sockets: &[i32]) -> Result<Vec<ListPlan>> {
    let n_types = page_sizes.len() * sockets.len();
    if n_types == 0 {
        return Err(err!(
            libc::EINVAL,
            "no memory types: no page size or no socket"
        ));
    }
    let lists_per_type = MAX_MEMSEG_LISTS / n_types;
    if lists_per_type == 0 {
        return Err(err!(
            libc::ENOSPC,
            "{n_types} memory types need more than {MAX_MEMSEG_LISTS} memseg lists"
        ));
    }
    let mem_per_type = (MAX_MEM_MB_PER_TYPE << 20).min((MAX_MEM_MB << 20) / n_types as u64);
    let mut out = Vec::new();
    for &page_sz in page_sizes {
        if page_sz == 0 || !page_sz.is_power_of_two() {
            return Err(err!(
                libc::EINVAL,
                "page size {page_sz} is not a power of two"
            ));
        }
        for &socket_id in sockets {
            let segs_per_type = (mem_per_type / page_sz).min(MAX_MEMSEG_PER_TYPE);
            let segs_per_list = segs_per_type
                .min(MAX_MEMSEG_PER_LIST)
                .min((MAX_MEM_MB_PER_LIST << 20) / page_sz);
            if segs_per_list == 0 {
                continue;
            }
            let n_lists = ((segs_per_type / segs_per_list) as usize).min(lists_per_type);
            out.extend((0..n_lists).map(|type_idx| ListPlan {
                page_sz,
                socket_id,
                n_segs: segs_per_list,
                type_idx,
            }));
        }
    }
    Ok(out)
}

/// Where memseg lists are: the shared config's array of RTE_MAX_MEMSEG_LISTS lists.
pub fn lists_ptr() -> Option<*mut rte_memseg_list> {
    mcfg::get().map(|m| m.memsegs[0].get())
}

/// The list at `idx`, if the shared config is mapped and the list is in use.
pub fn list(idx: usize) -> Option<&'static rte_memseg_list> {
    if idx >= MAX_MEMSEG_LISTS {
        return None;
    }
    // SAFETY: the array has MAX_MEMSEG_LISTS lists in the mapped shared config; a list is only
    // written while the memory hotplug lock is held for writing (or during init, before any
    // other thread or process can see it). Readers see a consistent list under the read lock.
    let l = unsafe { &*lists_ptr()?.add(idx) };
    (l.page_sz != 0).then_some(l)
}

/// Every list in use, with its index.
pub fn lists() -> impl Iterator<Item = (usize, &'static rte_memseg_list)> {
    (0..MAX_MEMSEG_LISTS).filter_map(|i| list(i).map(|l| (i, l)))
}

/// The fbarray of `msl`.
pub fn segs(msl: &rte_memseg_list) -> Fb {
    // SAFETY: memseg_arr is an initialised fbarray inside the shared config for every list in
    // use; Fb only goes through raw pointers.
    unsafe { Fb::from_ptr(std::ptr::addr_of!(msl.memseg_arr).cast_mut()) }.expect("non-null")
}

/// The memseg at `idx` of `msl` (the slot, used or not).
pub fn seg(msl: &rte_memseg_list, idx: u32) -> Option<*mut rte_memseg> {
    segs(msl).get(idx).ok().map(|p| p.cast())
}

/// Index of the list whose address range holds `addr` (external lists included).
pub fn list_of(addr: usize) -> Option<usize> {
    lists()
        .find(|(_, l)| {
            let base = l.base_va() as usize;
            addr >= base && addr < base.saturating_add(l.len)
        })
        .map(|(i, _)| i)
}

/// The used memseg holding `addr`, with its list.
pub fn seg_of(addr: usize) -> Option<(usize, u32, *mut rte_memseg)> {
    let li = list_of(addr)?;
    let l = list(li)?;
    let idx = ((addr - l.base_va() as usize) as u64 / l.page_sz) as u32;
    let fb = segs(l);
    if !fb.is_used(idx).ok()? {
        return None;
    }
    Some((li, idx, seg(l, idx)?))
}

/// Reserves `len` bytes of address space aligned to `align`, preferably at `hint`: an
/// inaccessible, unbacked mapping that pages are later mapped over.
pub fn reserve_va(len: u64, align: u64, hint: u64) -> Result<u64> {
    let len_us = usize::try_from(len)
        .map_err(|_| err!(libc::ENOMEM, "{len} bytes of address space is too much"))?;
    let align_us =
        usize::try_from(align).map_err(|_| err!(libc::EINVAL, "alignment {align} is too large"))?;
    let total = len_us
        .checked_add(align_us)
        .ok_or_else(|| err!(libc::ENOMEM, "address space size overflows"))?;
    let hint = (hint as usize)
        .checked_next_multiple_of(align_us)
        .unwrap_or(0);
    let start = sys::reserve(total, hint)?;
    let aligned = start.next_multiple_of(align_us);
    // Give back the unaligned head and the tail beyond len.
    // SAFETY: both ranges are parts of the reservation just made and hold nothing.
    unsafe {
        if aligned > start {
            sys::unreserve(start, aligned - start);
        }
        let end = aligned + len_us;
        if start + total > end {
            sys::unreserve(end, start + total - end);
        }
    }
    Ok(aligned as u64)
}

/// Lists whose address range this process reserved (created them, or attached them as a
/// secondary): cleanup gives back only those. A secondary that failed to attach a list, or a
/// list of external memory (the application's own mapping), must not be unmapped.
static RESERVED: std::sync::Mutex<std::collections::BTreeSet<usize>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Records that this process holds the reservation of list `li`.
pub fn mark_reserved(li: usize) {
    RESERVED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(li);
}

/// Sets up list `idx`: reserves its address space and creates its fbarray of memsegs.
/// Returns the end of the reserved range (the hint for the next list).
///
/// # Safety
/// Runs during init in the primary, before any other thread or process uses list `idx`.
pub unsafe fn init_list(idx: usize, name: &str, p: &ListPlan, hint: u64) -> Result<u64> {
    let lists = lists_ptr().ok_or_else(|| err!(libc::ENODEV, "the shared config is not mapped"))?;
    if idx >= MAX_MEMSEG_LISTS {
        return Err(err!(
            libc::ENOSPC,
            "no free memseg list: all {MAX_MEMSEG_LISTS} are in use"
        ));
    }
    let n_segs = u32::try_from(p.n_segs)
        .map_err(|_| err!(libc::EINVAL, "{} segments is too many", p.n_segs))?;
    let va = reserve_va(p.va_len(), p.page_sz, hint)?;
    // SAFETY: idx < MAX_MEMSEG_LISTS; the caller guarantees exclusive access during init.
    let msl = unsafe { &mut *lists.add(idx) };
    let backing = Backing::for_name(name.as_bytes());
    // SAFETY: memseg_arr is inside the exclusively owned list.
    if let Err(e) = unsafe {
        fbarray::init(
            &mut msl.memseg_arr,
            name.as_bytes(),
            n_segs,
            std::mem::size_of::<rte_memseg>() as u32,
            &backing,
        )
    } {
        // SAFETY: the reservation was made above and nothing is mapped in it.
        unsafe { sys::unreserve(va as usize, p.va_len() as usize) };
        return Err(e);
    }
    mark_reserved(idx);
    msl.u.addr_64 = va;
    msl.page_sz = p.page_sz;
    msl.socket_id = p.socket_id;
    msl.len = p.va_len() as usize;
    msl.version = 0;
    msl.external = 0;
    msl.heap = 1;
    Ok(va + p.va_len())
}

/// Name DPDK gives the fbarray of a dynamic list.
pub fn list_name(p: &ListPlan) -> String {
    format!("memseg-{}k-{}-{}", p.page_sz >> 10, p.socket_id, p.type_idx)
}

/// Creates every list of `plan`, from `hint` upwards. Returns how many were created.
///
/// # Safety
/// As [`init_list`], for every list index used.
pub unsafe fn init_lists(plan: &[ListPlan], mut hint: u64) -> Result<usize> {
    for (i, p) in plan.iter().enumerate() {
        // SAFETY: forwarded.
        hint = unsafe { init_list(i, &list_name(p), p, hint) }?;
    }
    Ok(plan.len())
}

/// Releases every list this process created or attached (fbarrays and address space).
pub fn destroy_all(primary: bool) {
    let Some(ptr) = lists_ptr() else { return };
    let reserved = std::mem::take(&mut *RESERVED.lock().unwrap_or_else(|p| p.into_inner()));
    for i in 0..MAX_MEMSEG_LISTS {
        // SAFETY: cleanup runs after every other EAL user of this process has stopped.
        let msl = unsafe { &mut *ptr.add(i) };
        if msl.page_sz == 0 {
            continue;
        }
        if reserved.contains(&i) {
            // SAFETY: the range is this list's reservation, made by this process (pages
            // mapped over it are unmapped with it).
            unsafe { sys::unreserve(msl.base_va() as usize, msl.len) };
        }
        // SAFETY: memseg_arr was initialised or attached by this process.
        let _ = unsafe {
            if primary {
                fbarray::destroy(&mut msl.memseg_arr)
            } else {
                fbarray::detach(&mut msl.memseg_arr)
            }
        };
        if primary {
            msl.page_sz = 0;
        }
    }
}

/// Bytes of memory in all used segments of internal lists (`rte_eal_get_physmem_size`).
pub fn physmem_size() -> u64 {
    lists()
        .filter(|(_, l)| l.external == 0)
        .map(|(_, l)| segs(l).count() as u64 * l.page_sz)
        .sum()
}

/// Walks every used memseg of every list: `f` returns 0 to go on, 1 to stop (the walk
/// returns 1), -1 to stop with an error (the walk returns -1).
pub fn walk(mut f: impl FnMut(&rte_memseg_list, *mut rte_memseg) -> i32) -> i32 {
    for (_, msl) in lists() {
        let fb = segs(msl);
        if fb.count() == 0 {
            continue;
        }
        let mut i = fb.find_next_used(0).ok();
        while let Some(idx) = i {
            let Some(ms) = seg(msl, idx) else { break };
            match f(msl, ms) {
                0 => {}
                r if r < 0 => return -1,
                _ => return 1,
            }
            i = if idx + 1 < fb.len() {
                fb.find_next_used(idx + 1).ok()
            } else {
                None
            };
        }
    }
    0
}

/// Walks every run of virtually contiguous used memsegs: `f(list, first, bytes)`.
pub fn contig_walk(mut f: impl FnMut(&rte_memseg_list, *mut rte_memseg, usize) -> i32) -> i32 {
    for (_, msl) in lists() {
        let fb = segs(msl);
        if fb.count() == 0 {
            continue;
        }
        let mut i = fb.find_next_used(0).ok();
        while let Some(idx) = i {
            let n = fb.find_contig_used(idx).unwrap_or(1).max(1);
            let Some(ms) = seg(msl, idx) else { break };
            match f(msl, ms, n as usize * msl.page_sz as usize) {
                0 => {}
                r if r < 0 => return -1,
                _ => return 1,
            }
            let next = idx.saturating_add(n);
            i = if next < fb.len() {
                fb.find_next_used(next).ok()
            } else {
                None
            };
        }
    }
    0
}

/// Walks every list in use.
pub fn list_walk(mut f: impl FnMut(&rte_memseg_list) -> i32) -> i32 {
    for (_, msl) in lists() {
        match f(msl) {
            0 => {}
            r if r < 0 => return -1,
            _ => return 1,
        }
    }
    0
}

/// Largest DMA mask width DPDK accepts.
pub(crate) const MAX_DMA_MASK_BITS: u8 = 63;

/// Checks that every segment's IOVA range fits in `maskbits` bits; on success the mask is
/// remembered (the narrowest one wins) for memory allocated later.
pub fn check_dma_mask(maskbits: u8) -> Result<i32> {
    if maskbits > MAX_DMA_MASK_BITS {
        return Err(err!(
            libc::EINVAL,
            "wrong dma mask size {maskbits} (Max: {MAX_DMA_MASK_BITS})"
        ));
    }
    let mask = !((1u64 << maskbits) - 1);
    let r = walk(|_, ms| {
        // SAFETY: walk hands out used memseg slots.
        let (iova, len) = unsafe { ((*ms).iova, (*ms).len as u64) };
        if iova == crate::abi::RTE_BAD_IOVA {
            return 0;
        }
        i32::from((iova + len - 1) & mask != 0)
    });
    if r != 0 {
        return Ok(1);
    }
    set_dma_mask(maskbits);
    Ok(0)
}

/// Narrows the remembered DMA mask to `maskbits`.
pub fn set_dma_mask(maskbits: u8) {
    if let Some(m) = mcfg::get() {
        let cur = m.dma_maskbits.load(std::sync::atomic::Ordering::Relaxed);
        let new = if cur == 0 {
            maskbits
        } else {
            cur.min(maskbits)
        };
        m.dma_maskbits
            .store(new, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Writes DPDK's physical memory layout dump to `out`.
pub fn dump(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for (li, msl) in lists() {
        let fb = segs(msl);
        let mut i = fb.find_next_used(0).ok();
        while let Some(idx) = i {
            if let Some(ms) = seg(msl, idx) {
                // SAFETY: a used memseg slot.
                let m = unsafe { *ms };
                let (iova, len, hsz, sock, nch, nrk) = (
                    m.iova,
                    m.len,
                    m.hugepage_sz,
                    m.socket_id,
                    m.nchannel,
                    m.nrank,
                );
                writeln!(
                    out,
                    "Segment {li}-{idx}: IOVA:0x{iova:x}, len:{len}, virt:{:p}, socket_id:{sock}, hugepage_sz:{hsz}, nchannel:{nch}, nrank:{nrk} fd:{}",
                    m.addr(),
                    crate::mem::memalloc::fd_of(m.addr() as usize).map(|(fd, _)| fd).unwrap_or(-1)
                )?;
            }
            i = if idx + 1 < fb.len() {
                fb.find_next_used(idx + 1).ok()
            } else {
                None
            };
        }
    }
    Ok(())
}

/// Checks the arguments of `rte_extmem_register` / `rte_malloc_heap_memory_add` as DPDK does,
/// before anything is looked up: EINVAL.
pub fn check_extmem_args(
    va: usize,
    len: usize,
    iovas: Option<&[u64]>,
    page_sz: usize,
) -> Result<()> {
    if va == 0
        || len == 0
        || page_sz == 0
        || !page_sz.is_power_of_two()
        || !va.is_multiple_of(page_sz)
        || !len.is_multiple_of(page_sz)
    {
        return Err(err!(libc::EINVAL, "external memory must be non-empty, page aligned and a whole number of pages (va {va:#x}, len {len}, page size {page_sz})"));
    }
    let n = len / page_sz;
    if let Some(v) = iovas {
        if v.len() != n {
            return Err(err!(libc::EINVAL, "{} IOVAs given for {n} pages", v.len()));
        }
    }
    Ok(())
}

/// Checks the address and length of an unregister, attach, detach or remove as DPDK does,
/// before anything is looked up: EINVAL.
pub fn check_extmem_range(va: usize, len: usize) -> Result<()> {
    if va == 0 || len == 0 {
        return Err(err!(
            libc::EINVAL,
            "external memory needs an address and a length (va {va:#x}, len {len})"
        ));
    }
    Ok(())
}

/// Registers `len` bytes of application memory at `va` as an external memseg list
/// (`rte_extmem_register`), its list and segments on `socket` (an external socket id).
/// `heap`: the memory is being given to an external heap (`rte_malloc_heap_memory_add`).
pub fn extmem_register(
    va: usize,
    len: usize,
    iovas: Option<&[u64]>,
    page_sz: usize,
    socket: i32,
    heap: bool,
) -> Result<()> {
    check_extmem_args(va, len, iovas, page_sz)?;
    let n = len / page_sz;
    let n32 = u32::try_from(n).map_err(|_| err!(libc::EINVAL, "{n} pages is too many"))?;
    let ptr = lists_ptr().ok_or_else(|| err!(libc::ENODEV, "EAL is not initialised"))?;
    let _hotplug = mcfg::mem_write();
    (|| {
        if lists().any(|(_, l)| {
            let b = l.base_va() as usize;
            va < b + l.len && b < va + len
        }) {
            return Err(err!(
                libc::EEXIST,
                "{va:#x}-{:#x} overlaps memory already registered",
                va + len
            ));
        }
        let idx = (0..MAX_MEMSEG_LISTS)
            // SAFETY: idx < MAX_MEMSEG_LISTS inside the shared config.
            .find(|&i| unsafe { (*ptr.add(i)).page_sz == 0 })
            .ok_or_else(|| {
                err!(
                    libc::ENOSPC,
                    "no free memseg list for external memory: all {MAX_MEMSEG_LISTS} are in use"
                )
            })?;
        // SAFETY: a free list slot, written under the hotplug write lock.
        let msl = unsafe { &mut *ptr.add(idx) };
        let name = format!("extmem_{va:#x}");
        // SAFETY: memseg_arr of a free slot.
        unsafe {
            fbarray::init(
                &mut msl.memseg_arr,
                name.as_bytes(),
                n32,
                std::mem::size_of::<rte_memseg>() as u32,
                &Backing::for_name(name.as_bytes()),
            )
        }?;
        for i in 0..n32 {
            let a = va + i as usize * page_sz;
            let ms = seg(msl, i).expect("in range");
            // SAFETY: slot i of the new list, under the write lock.
            unsafe {
                ms.write(rte_memseg {
                    iova: iovas
                        .map(|v| v[i as usize])
                        .unwrap_or(crate::abi::RTE_BAD_IOVA),
                    u: crate::abi::rte_addr_union { addr_64: a as u64 },
                    len: page_sz,
                    hugepage_sz: page_sz as u64,
                    socket_id: socket,
                    nchannel: 0,
                    nrank: 0,
                    flags: 0,
                })
            };
            segs(msl).set_used(i)?;
        }
        msl.u.addr_64 = va as u64;
        msl.len = len;
        msl.socket_id = socket;
        msl.external = 1;
        msl.heap = heap as u32;
        msl.version = 0;
        msl.page_sz = page_sz as u64;
        Ok(())
    })()
}

fn find_external(va: usize, len: usize) -> Result<(usize, &'static rte_memseg_list)> {
    lists()
        .find(|(_, l)| l.external != 0 && l.base_va() as usize == va && l.len == len)
        .ok_or_else(|| {
            err!(
                libc::ENOENT,
                "no external memory registered at {va:#x} with length {len}"
            )
        })
}

/// Checks that `va..va+len` is exactly the memory of one external list given to the heap of
/// `socket`: ENOENT when no external memory is registered there, EINVAL when it is not that
/// heap's.
pub fn find_heap_memory(va: usize, len: usize, socket: i32) -> Result<()> {
    let _hotplug = mcfg::mem_read();
    let (_, msl) = find_external(va, len)?;
    if msl.heap == 0 || msl.socket_id != socket {
        return Err(err!(
            libc::EINVAL,
            "{va:#x}-{:#x} is not memory of the heap of socket {socket}",
            va + len
        ));
    }
    Ok(())
}

/// Unregisters external memory (`rte_extmem_unregister`; `heap`: the memory of an external
/// heap, `rte_malloc_heap_memory_remove`). Memory given to a heap is refused (EBUSY) unless
/// `heap`: the heap still uses it.
pub fn extmem_unregister(va: usize, len: usize, heap: bool) -> Result<()> {
    check_extmem_range(va, len)?;
    let _hotplug = mcfg::mem_write();
    find_external(va, len).and_then(|(idx, msl)| {
        if msl.heap != 0 && !heap {
            return Err(err!(
                libc::EBUSY,
                "{va:#x}-{:#x} belongs to an external heap: remove it with rte_malloc_heap_memory_remove",
                va + len
            ));
        }
        let ptr = lists_ptr().expect("mapped");
        // SAFETY: idx is a list in use; we hold the write lock.
        let msl = unsafe { &mut *ptr.add(idx) };
        // SAFETY: the list's fbarray was initialised by a register call.
        unsafe { fbarray::destroy(&mut msl.memseg_arr) }?;
        msl.page_sz = 0;
        msl.u.addr_64 = 0;
        msl.len = 0;
        msl.external = 0;
        Ok(())
    })
}

/// Maps (attach) or unmaps (detach) the metadata of external memory another process registered.
pub fn extmem_attach(va: usize, len: usize, attach: bool) -> Result<()> {
    check_extmem_range(va, len)?;
    let _hotplug = mcfg::mem_read();
    find_external(va, len).and_then(|(_, msl)| {
        let arr = std::ptr::addr_of!(msl.memseg_arr).cast_mut();
        // SAFETY: the list is registered; attach/detach map or unmap its fbarray here.
        unsafe {
            if attach {
                fbarray::attach_default(arr)
            } else {
                fbarray::detach(arr)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB2: u64 = 2 << 20;
    const GB1: u64 = 1 << 30;

    #[test]
    fn one_2m_type_gets_four_lists_of_8192() {
        let p = plan(&[MB2], &[0]).unwrap();
        assert_eq!(p.len(), 4);
        assert!(p.iter().all(|l| l.n_segs == 8192 && l.va_len() == 16 << 30));
    }

    #[test]
    fn two_sizes_split_lists_and_memory() {
        let p = plan(&[MB2, GB1], &[0]).unwrap();
        let two: Vec<_> = p.iter().filter(|l| l.page_sz == MB2).collect();
        let one: Vec<_> = p.iter().filter(|l| l.page_sz == GB1).collect();
        assert_eq!((two.len(), two[0].n_segs), (4, 8192));
        // 64 GiB of 1 GiB pages, at most 32 GiB per list.
        assert_eq!((one.len(), one[0].n_segs), (2, 32));
    }

    #[test]
    fn many_types_stay_within_the_list_limit() {
        let sockets: Vec<i32> = (0..32).collect();
        let p = plan(&[MB2, GB1], &sockets).unwrap();
        assert!(p.len() <= MAX_MEMSEG_LISTS);
        let total: u64 = p.iter().map(|l| l.va_len()).sum();
        assert!(total <= MAX_MEM_MB << 20);
    }

    #[test]
    fn bad_page_size_is_refused() {
        assert_eq!(plan(&[3 << 20], &[0]).unwrap_err().errno, libc::EINVAL);
        assert_eq!(plan(&[], &[0]).unwrap_err().errno, libc::EINVAL);
    }
}
