//! Regions: the address ranges a heap's memory lies in, and which of their pages it holds.
//!
//! DPDK's `malloc_heap` grows by adding the pages of one memseg list at a time and joins an
//! element with its neighbours when their memory is contiguous; it gives back the whole pages
//! inside a freed element. Here a heap's memory arrives in two ways:
//!
//! - **Areas** ([`Area`], [`Tlsf::add_pages`]): an address range reserved for pages of one size
//!   (a memseg list), whose pages come and go. The heap keeps one region per area, registered
//!   when the area's first pages arrive and kept for the heap's life, so a heap never has more
//!   regions than there are memseg lists, however often it grows. Its memory in an area is a
//!   set of *runs*, maximal ranges of present pages; pages that arrive next to a run join it
//!   (the run's sentinel becomes a free block over the new pages), and whole free pages inside
//!   a free block go back ([`Tlsf::take_pages`]), which may cut a run in two or drop it.
//!   Pinned pages (`-m` memory, and pages the source once refused to take) never go back.
//! - **Added memory** ([`Tlsf::add_memory`]): one range handed over whole (external memory),
//!   which is one run for its whole life and leaves only whole, through
//!   [`Tlsf::remove_memory`].
//!
//! **The chunk map** has one byte per 64 KiB chunk of a region: [`CHUNK_PRESENT`] when the chunk
//! is memory the heap holds, [`CHUNK_PINNED`] when that memory must never be given back, and in
//! [`CHUNK_SPAN_BITS`] the chunk's position in a small-object span (`span.rs`). An area's map
//! lives outside the area, in memory its source provides (zeroed, at the same address in every
//! process, sized for the whole area and left all-zero again when pages go back), so it is
//! faulted in lazily: only the part that covers pages the heap took is ever touched. Added
//! memory keeps its map at its own start. Runs of an area begin and end on chunk boundaries
//! (areas of smaller pages are added whole), so the map alone tells where runs are.
//!
//! **Finding a region without the lock.** The table ([`Regions`], one slot per possible memseg
//! list) packs each region's base and length in one `AtomicU64`, published (Release) after the
//! region's other fields. `free` finds a pointer's region and reads its chunk byte before it
//! reads anything at the pointer, so a pointer outside every region, or into a page the heap
//! does not hold, is refused without a fault.
//!
//! Invariants (checked by `validate`): present chunks lie in `[lo, hi)` of their region; runs
//! are tiled by blocks (`tlsf.rs`); span bits only on present chunks; `unpinned` counts the
//! present unpinned bytes; the regions' held bytes add up to the heap's total.
//!
//! Locking: everything but [`Regions::find`] and the chunk-byte reads of the free path runs
//! under the heap lock. Chunk bytes are written only under it.

use super::tlsf::{blk, Tlsf, FLAG_DIRTY, FLAG_PREV_FREE, HDR, MIN_BLOCK, SPAN, SPAN_SHIFT};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering};

/// Regions a heap can have: one per memseg list (every area is one, and so is every range of
/// external memory).
pub(crate) const MAX_REGIONS: usize = crate::abi::RTE_MAX_MEMSEG_LISTS;
/// Largest region (the packed table word holds lengths below 1 TiB).
const MAX_REGION_LEN: usize = 1 << 40;

/// Bytes of memory one chunk-map byte stands for.
pub(crate) const CHUNK_SIZE: usize = SPAN;

/// Chunk map bit: the chunk is memory the heap holds.
pub(crate) const CHUNK_PRESENT: u8 = 0x80;
/// Chunk map bit: the chunk's memory is never given back.
pub(crate) const CHUNK_PINNED: u8 = 0x40;
/// Chunk map bits: 0, or the chunk's position in a span ([`CHUNK_SPAN`] for its first chunk,
/// `CHUNK_SPAN + k` for the k-th).
pub(crate) const CHUNK_SPAN_BITS: u8 = 0x0f;
/// Chunk map value (in [`CHUNK_SPAN_BITS`]): a span starts at this chunk.
pub(crate) const CHUNK_SPAN: u8 = 1;

/// An address range a heap gets memory from in whole pages (a memseg list), and the memory
/// for the heap's chunk map of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    /// Start of the range (page-aligned).
    pub base: usize,
    /// Length of the range in bytes (a multiple of `page`).
    pub len: usize,
    /// Page size: memory arrives and goes back in whole pages.
    pub page: usize,
    /// [`Area::map_len`] bytes of zero-filled memory mapped at the same address in every
    /// process using the heap, for this area only and for as long as the heap exists.
    pub map: usize,
}

impl Area {
    /// Bytes of chunk map an area of `len` bytes at `base` needs (one per 64 KiB chunk).
    pub fn map_len(base: usize, len: usize) -> usize {
        nchunks(base, len)
    }
}

/// Pages [`MemorySource::grow`](super::MemorySource::grow) mapped for the heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The area the pages belong to.
    pub area: Area,
    pub addr: usize,
    pub len: usize,
}

fn nchunks(base: usize, len: usize) -> usize {
    ((base + len - 1) >> SPAN_SHIFT) - (base >> SPAN_SHIFT) + 1
}

fn pack(base: usize, len: usize) -> u64 {
    ((base as u64 >> 12) << 28) | (len as u64 >> 12)
}
fn unpack(w: u64) -> (usize, usize) {
    (
        ((w >> 28) << 12) as usize,
        ((w & ((1 << 28) - 1)) << 12) as usize,
    )
}

/// One region. Its fields other than `lo`, `hi` and `unpinned` are written only while the
/// slot is unpublished (`word == 0`).
#[repr(C)]
pub(crate) struct Region {
    /// Packed (base, len); 0 for a free slot.
    word: AtomicU64,
    base: AtomicU64,
    len: AtomicU64,
    /// Address of the chunk map.
    map: AtomicU64,
    /// Lowest address a block may start at (past the map of added memory).
    first: AtomicU64,
    /// Page size of an area; 0 for added memory (never given back by pages).
    page: AtomicU64,
    /// Every present chunk lies in `[lo, hi)` (equal: none ever was).
    lo: AtomicU64,
    hi: AtomicU64,
    /// Bytes of present, unpinned memory: 0 lets the free path skip looking for pages to give.
    unpinned: AtomicU64,
}

impl Region {
    #[inline]
    pub(crate) fn base(&self) -> usize {
        self.base.load(Ordering::Relaxed) as usize
    }
    #[inline]
    pub(crate) fn end(&self) -> usize {
        self.base() + self.len.load(Ordering::Relaxed) as usize
    }
    #[inline]
    pub(crate) fn first(&self) -> usize {
        self.first.load(Ordering::Relaxed) as usize
    }
    pub(crate) fn page(&self) -> usize {
        self.page.load(Ordering::Relaxed) as usize
    }
    /// True for an area (pages come and go), false for added memory.
    pub(crate) fn is_area(&self) -> bool {
        self.page() != 0
    }
    fn area(&self) -> Area {
        Area {
            base: self.base(),
            len: self.len.load(Ordering::Relaxed) as usize,
            page: self.page(),
            map: self.map.load(Ordering::Relaxed) as usize,
        }
    }

    /// The chunk-map byte of the chunk containing `addr` (which must lie in this region).
    #[inline]
    pub(crate) fn chunk(&self, addr: usize) -> &AtomicU8 {
        let i = (addr >> SPAN_SHIFT) - (self.base() >> SPAN_SHIFT);
        debug_assert!(
            addr >= self.base() && addr < self.end(),
            "address outside the region"
        );
        // SAFETY: the map has one byte per chunk of the region (`Area::map_len`), mapped for
        // as long as the region is in the table, and `i` indexes the chunk of an address in it.
        unsafe { &*((self.map.load(Ordering::Relaxed) as usize + i) as *const AtomicU8) }
    }

    /// Whether `addr` (in this region) is memory the heap holds.
    #[inline]
    pub(crate) fn holds(&self, addr: usize) -> bool {
        self.chunk(addr).load(Ordering::Acquire) & CHUNK_PRESENT != 0
    }

    /// Bounds of the chunks that may be present: `[lo, hi)`.
    pub(crate) fn extent(&self) -> (usize, usize) {
        (
            self.lo.load(Ordering::Relaxed) as usize,
            self.hi.load(Ordering::Relaxed) as usize,
        )
    }

    fn widen(&self, lo: usize, hi: usize) {
        let (l, h) = self.extent();
        let (l, h) = if l == h {
            (lo, hi)
        } else {
            (l.min(lo), h.max(hi))
        };
        self.lo.store(l as u64, Ordering::Relaxed);
        self.hi.store(h as u64, Ordering::Relaxed);
    }

    pub(crate) fn unpinned(&self) -> usize {
        self.unpinned.load(Ordering::Relaxed) as usize
    }

    /// Calls `f(start, end)` for every run, in address order: maximal ranges of present chunks,
    /// clipped to `[first, end)`. Heap lock held.
    pub(crate) fn runs(&self, mut f: impl FnMut(usize, usize)) {
        let (lo, hi) = self.extent();
        if lo >= hi {
            return;
        }
        let b0 = self.base() >> SPAN_SHIFT;
        let (first, end) = (self.first(), self.end());
        let mut c = lo >> SPAN_SHIFT;
        let last = (hi - 1) >> SPAN_SHIFT;
        let present = |c: usize| {
            // SAFETY: `c` is a chunk of the region (between lo and hi), so inside the map.
            let v = unsafe {
                &*((self.map.load(Ordering::Relaxed) as usize + c - b0) as *const AtomicU8)
            };
            v.load(Ordering::Relaxed) & CHUNK_PRESENT != 0
        };
        while c <= last {
            if !present(c) {
                c += 1;
                continue;
            }
            let mut d = c + 1;
            while d <= last && present(d) {
                d += 1;
            }
            f((c << SPAN_SHIFT).max(first), (d << SPAN_SHIFT).min(end));
            c = d;
        }
    }

    /// Bytes the region holds: its runs, plus the in-place chunk map of added memory.
    pub(crate) fn held(&self) -> usize {
        let mut n = if self.is_area() {
            0
        } else {
            self.first() - self.base()
        };
        self.runs(|s, e| n += e - s);
        n
    }

    /// Sets every chunk byte of `[addr, end)` to `v`.
    fn mark(&self, addr: usize, end: usize, v: u8) {
        let mut a = addr & !(SPAN - 1);
        while a < end {
            self.chunk(a.max(addr)).store(v, Ordering::Release);
            a += SPAN;
        }
    }

    fn is_pinned_page(&self, a: usize) -> bool {
        self.chunk(a).load(Ordering::Relaxed) & CHUNK_PINNED != 0
    }
}

/// The region table: packed (base, len) words readable without the lock.
#[repr(C)]
pub(crate) struct Regions {
    slots: [Region; MAX_REGIONS],
    /// One past the highest slot ever used.
    hw: AtomicU32,
    _pad: u32,
}

impl Regions {
    /// The region containing `addr`, if any. Lock-free.
    #[inline]
    pub(crate) fn find(&self, addr: usize) -> Option<&Region> {
        let hw = self.hw.load(Ordering::Acquire) as usize;
        for s in &self.slots[..hw.min(MAX_REGIONS)] {
            let (base, len) = unpack(s.word.load(Ordering::Acquire));
            if addr.wrapping_sub(base) < len {
                return Some(s);
            }
        }
        None
    }

    /// Calls `f` with every region.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&Region)) {
        let hw = self.hw.load(Ordering::Acquire) as usize;
        for s in &self.slots[..hw.min(MAX_REGIONS)] {
            if s.word.load(Ordering::Acquire) != 0 {
                f(s);
            }
        }
    }

    /// Checks every slot's packed word against its fields; Err names the first mismatch.
    pub(crate) fn check_words(&self) -> Result<(), String> {
        let mut res = Ok(());
        self.for_each(|r| {
            let (b, l) = unpack(r.word.load(Ordering::Relaxed));
            let (first, (lo, hi)) = (r.first(), r.extent());
            if res.is_ok()
                && (b != r.base()
                    || b + l != r.end()
                    || first < b
                    || first >= b + l
                    || (lo < hi && (lo < b || hi > b + l)))
            {
                res = Err(format!("region {b:#x}: table word and fields disagree"));
            }
        });
        self.for_each(|r| {
            self.for_each(|q| {
                if res.is_ok() && !std::ptr::eq(r, q) && r.base() < q.end() && q.base() < r.end() {
                    res = Err(format!(
                        "regions {:#x} and {:#x} overlap",
                        r.base(),
                        q.base()
                    ));
                }
            })
        });
        res
    }

    fn overlaps(&self, base: usize, len: usize) -> bool {
        let mut hit = false;
        self.for_each(|r| hit |= base < r.end() && r.base() < base + len);
        hit
    }

    /// Fills a free slot with a region and publishes it. Heap lock held.
    fn publish(
        &self,
        base: usize,
        len: usize,
        map: usize,
        first: usize,
        page: usize,
    ) -> Result<&Region, &'static str> {
        let (i, s) = self
            .slots
            .iter()
            .enumerate()
            .find(|(_, s)| s.word.load(Ordering::Relaxed) == 0)
            .ok_or("region table full")?;
        s.base.store(base as u64, Ordering::Relaxed);
        s.len.store(len as u64, Ordering::Relaxed);
        s.map.store(map as u64, Ordering::Relaxed);
        s.first.store(first as u64, Ordering::Relaxed);
        s.page.store(page as u64, Ordering::Relaxed);
        s.lo.store(0, Ordering::Relaxed);
        s.hi.store(0, Ordering::Relaxed);
        s.unpinned.store(0, Ordering::Relaxed);
        s.word.store(pack(base, len), Ordering::Release);
        self.hw.fetch_max(i as u32 + 1, Ordering::AcqRel);
        Ok(s)
    }
}

fn check_range(base: usize, len: usize) -> Result<(), &'static str> {
    if !base.is_multiple_of(4096)
        || !len.is_multiple_of(4096)
        || len == 0
        || len >= MAX_REGION_LEN
        || base >= 1 << 48
        || base + len > 1 << 48
    {
        return Err("memory must be page-aligned, below 2^48 and under 1 TiB");
    }
    Ok(())
}

impl Tlsf {
    /// Adds pages `[addr, addr+len)` of `area`, registering the area on its first pages, and
    /// merges them with the runs they touch.
    /// # Safety
    /// The pages are mapped read-write at the same address in every process using the heap,
    /// zero-filled when `zeroed`, and from now on owned by the heap; `area.map` is as [`Area`]
    /// says and the same for every call with this area. Heap lock held.
    pub(crate) unsafe fn add_pages(
        &mut self,
        regs: &Regions,
        area: &Area,
        addr: usize,
        len: usize,
        pinned: bool,
        zeroed: bool,
    ) -> Result<(), &'static str> {
        check_range(area.base, area.len)?;
        if !area.page.is_power_of_two() || area.page < 4096 || area.map == 0 {
            return Err("an area needs a power-of-two page size and a chunk map");
        }
        let aend = area.base + area.len;
        let end = addr
            .checked_add(len)
            .ok_or("the pages are not inside the area")?;
        if len == 0
            || addr < area.base
            || end > aend
            || !addr.is_multiple_of(4096)
            || !len.is_multiple_of(4096)
        {
            return Err("the pages are not inside the area");
        }
        if (addr != area.base && !addr.is_multiple_of(SPAN))
            || (end != aend && !end.is_multiple_of(SPAN))
        {
            return Err("pages inside an area must start and end on 64 KiB boundaries");
        }
        let r = match regs.find(area.base) {
            Some(r) if r.area() == *area => r,
            Some(_) => return Err("the area overlaps another region of the heap"),
            None if regs.overlaps(area.base, area.len) => {
                return Err("the area overlaps another region of the heap")
            }
            None => regs.publish(area.base, area.len, area.map, area.base, area.page)?,
        };
        let mut a = addr;
        while a < end {
            if r.holds(a) {
                return Err("the pages are already in the heap");
            }
            a = (a | (SPAN - 1)) + 1;
        }
        let left = addr > area.base && r.holds(addr - 1);
        let right = end < aend && r.holds(end);
        // The new free block starts at the left run's sentinel (or the first new byte) and ends
        // at the right run's first block (or a new sentinel).
        let b0 = if left { addr - HDR } else { addr };
        let z0 = if right { end } else { end - HDR };
        if z0 < b0 + MIN_BLOCK {
            return Err("too few pages for a block");
        }
        // SAFETY: [b0, z0 + HDR) is the new pages plus the sentinel of the run on the left and
        // the first block header of the run on the right, all mapped heap memory; lock held.
        unsafe {
            let (prev_size, pflags) = if left {
                let s = blk(b0);
                debug_assert!(s.is_sentinel(), "a run does not end with its sentinel");
                (s.prev_size, s.flags & FLAG_PREV_FREE)
            } else {
                (0, 0)
            };
            if !right {
                blk(z0).make_sentinel(0);
            }
            let b = blk(b0);
            b.size = (z0 - b0) as u64;
            b.prev_size = prev_size;
            b.flags = pflags | if zeroed { 0 } else { FLAG_DIRTY };
            blk(z0).prev_size = b.size;
            r.mark(
                addr,
                end,
                CHUNK_PRESENT | if pinned { CHUNK_PINNED } else { 0 },
            );
            r.widen(addr, end);
            if !pinned {
                r.unpinned.fetch_add(len as u64, Ordering::Relaxed);
            }
            self.total_bytes += len as u64;
            self.coalesce_and_insert(b);
        }
        Ok(())
    }

    /// If the free block `m` holds whole unpinned pages of an area that can go back, takes the
    /// highest run of them out of the heap and returns it (address, length) for the caller to
    /// give back (or to put back with [`Tlsf::restore_pages`]). What stays of `m` below and
    /// above keeps being free blocks; a run cut in two gets a sentinel and a first block.
    /// # Safety
    /// `m` is a listed free block header of this heap; lock held.
    pub(crate) unsafe fn take_pages(&mut self, regs: &Regions, m: usize) -> Option<(usize, usize)> {
        // SAFETY: forwarded contract.
        unsafe { self.take_pages_steps(regs, m, u32::MAX) }
    }

    /// [`Tlsf::take_pages`], stopping after `steps` of its steps (tests: a holder killed there).
    ///
    /// The steps are ordered so that a holder killed between any two leaves what
    /// [`Tlsf::rebuild`] finishes: the block above the pages and the sentinel below them are
    /// written inside `m` while `m` still covers them; shrinking `m` (one store) puts the
    /// sentinel in the chain, a sentinel inside a run, which tells `rebuild` that the pages
    /// after it up to the next first block were on their way out; only then do their chunks
    /// go absent. Before that store, the chain is the old one (with `m` unlisted: a leak).
    /// # Safety
    /// As `take_pages`.
    pub(crate) unsafe fn take_pages_steps(
        &mut self,
        regs: &Regions,
        m: usize,
        steps: u32,
    ) -> Option<(usize, usize)> {
        let r = regs.find(m)?;
        // SAFETY: caller's contract.
        let (ps, pe, sentinel_next) = unsafe { give_window(r, m) }?;
        // SAFETY: caller's contract.
        let b = unsafe { blk(m) };
        let e = b.next_phys();
        self.remove(b);
        let top = if sentinel_next { e + HDR } else { e };
        let mut upper = None;
        if steps < 2 {
            return None;
        }
        // SAFETY: every header written below lies in [m, e + HDR), memory of this run that is
        // still mapped (the caller gives the pages back only after we return); lock held.
        unsafe {
            if pe < top {
                let u = blk(pe);
                u.size = (e - pe) as u64;
                u.prev_size = 0;
                u.flags = b.flags & FLAG_DIRTY;
                u.mark_free_unlisted();
                blk(e).prev_size = u.size;
                upper = Some(u);
            } else if !sentinel_next {
                let n = blk(e);
                n.prev_size = 0;
                n.flags &= !FLAG_PREV_FREE;
            }
            if steps < 3 {
                return None;
            }
            if ps > m {
                blk(ps - HDR).make_sentinel((ps - HDR - m) as u64);
                if steps < 4 {
                    return None;
                }
                b.size = (ps - HDR - m) as u64;
            }
        }
        if steps < 5 {
            return None;
        }
        r.mark(ps, pe, 0);
        r.unpinned.fetch_sub((pe - ps) as u64, Ordering::Relaxed);
        self.total_bytes -= (pe - ps) as u64;
        if ps > m {
            self.insert(b);
        } else {
            b.clear_tag();
        }
        if let Some(u) = upper {
            self.insert(u);
        }
        Some((ps, pe - ps))
    }

    /// Puts back pages taken by [`Tlsf::take_pages`] that the source would not take, pinned so
    /// that they are not offered again.
    /// # Safety
    /// `[addr, addr+len)` was just returned by `take_pages` and is still mapped; lock held.
    pub(crate) unsafe fn restore_pages(&mut self, regs: &Regions, addr: usize, len: usize) {
        let area = regs.find(addr).expect("the area stays registered").area();
        // SAFETY: forwarded contract: the pages are as they were when taken.
        let r = unsafe { self.add_pages(regs, &area, addr, len, true, false) };
        debug_assert!(r.is_ok(), "restoring taken pages failed: {r:?}");
    }

    /// Adds memory handed over whole (pinned), with its chunk map at its start.
    /// # Safety
    /// `[base, base+len)` is mapped read-write at the same address in every process using the
    /// heap, zero-filled when `zeroed`, and from now on owned by the heap; lock held.
    pub(crate) unsafe fn add_memory(
        &mut self,
        regs: &Regions,
        base: usize,
        len: usize,
        zeroed: bool,
    ) -> Result<(), &'static str> {
        check_range(base, len)?;
        let first = base + nchunks(base, len).next_multiple_of(HDR);
        let end = base + len;
        if first + MIN_BLOCK + HDR > end {
            return Err("region too small");
        }
        if regs.overlaps(base, len) {
            return Err("region overlaps a region of the heap");
        }
        if !zeroed {
            // SAFETY: the map at the start of the memory is ours (caller's contract).
            unsafe { std::ptr::write_bytes(base as *mut u8, 0, first - base) };
        }
        let r = regs.publish(base, len, base, first, 0)?;
        r.mark(base, end, CHUNK_PRESENT | CHUNK_PINNED);
        r.widen(base, end);
        // SAFETY: the first block and the sentinel lie in the memory handed to us; lock held.
        unsafe {
            blk(end - HDR).make_sentinel(0);
            let b = blk(first);
            b.size = (end - HDR - first) as u64;
            b.prev_size = 0;
            b.flags = if zeroed { 0 } else { FLAG_DIRTY };
            blk(end - HDR).prev_size = b.size;
            self.insert(b);
        }
        self.total_bytes += len as u64;
        Ok(())
    }

    /// Takes back added memory `[base, base+len)` (exactly one region of it), refused while
    /// anything in it is allocated.
    /// # Safety
    /// Lock held.
    pub(crate) unsafe fn remove_memory(
        &mut self,
        regs: &Regions,
        base: usize,
        len: usize,
    ) -> Result<(), &'static str> {
        let r = regs.find(base).ok_or("the memory is not in this heap")?;
        if r.is_area() || r.base() != base || r.end() != base.wrapping_add(len) {
            return Err("the range is not exactly one region added to this heap");
        }
        // SAFETY: the first block header of added memory; lock held.
        let b = unsafe { blk(r.first()) };
        if !b.is_free() || b.next_phys() != r.end() - HDR {
            return Err("memory in the region is still in use");
        }
        self.remove(b);
        b.clear_tag();
        self.total_bytes -= len as u64;
        r.word.store(0, Ordering::Release);
        Ok(())
    }

    /// Checks the block chain of the run `[start, end)`: it tiles the run up to its sentinel.
    /// Calls `on_block` with every block.
    pub(crate) fn walk_run(
        &self,
        start: usize,
        end: usize,
        mut on_block: impl FnMut(usize, &super::tlsf::Block),
    ) -> Result<(), String> {
        let stop = end - HDR;
        let mut at = start;
        let mut prev_size = 0u64;
        let mut prev_free = false;
        while at < stop {
            // SAFETY: `at` follows the size chain from the run's first block and stays below
            // the sentinel; each header was validated before we stepped past it.
            let b = unsafe { blk(at) };
            if !b.is_free() && !b.is_used() {
                return Err(format!("block {at:#x}: bad tag"));
            }
            if b.size < MIN_BLOCK as u64 || b.size % HDR as u64 != 0 || at + b.size as usize > stop
            {
                return Err(format!("block {at:#x}: bad size {}", b.size));
            }
            if b.prev_size != prev_size {
                return Err(format!(
                    "block {at:#x}: prev_size {} != {}",
                    b.prev_size, prev_size
                ));
            }
            if (b.flags & FLAG_PREV_FREE != 0) != prev_free {
                return Err(format!("block {at:#x}: PREV_FREE flag wrong"));
            }
            if prev_free && b.is_free() {
                return Err(format!("block {at:#x}: two adjacent free blocks"));
            }
            on_block(at, b);
            prev_size = b.size;
            prev_free = b.is_free();
            at += b.size as usize;
        }
        // SAFETY: the sentinel header is at the run's end.
        let s = unsafe { blk(stop) };
        if at != stop || !s.is_sentinel() || s.prev_size != prev_size {
            return Err(format!(
                "run {start:#x}..{end:#x}: chain does not end at the sentinel"
            ));
        }
        if (s.flags & FLAG_PREV_FREE != 0) != prev_free {
            return Err(format!("run {start:#x}: sentinel PREV_FREE wrong"));
        }
        Ok(())
    }

    /// Rebuilds the free lists and counters from the runs' block chains, after the heap lock
    /// was taken from a dead holder. Repairs boundary tags, flags and sentinels, merges
    /// adjacent free blocks, turns half-made spans (FLAG_SPAN without a chunk-map mark) back
    /// into free blocks, treats an unreadable chain tail as one used (leaked) block, and
    /// recounts each region's unpinned bytes.
    pub(crate) fn rebuild(&mut self, regs: &Regions) {
        use super::tlsf::FLAG_SPAN;
        self.reset();
        let mut frees = Vec::new();
        regs.for_each(|r| {
            finish_cut_runs(r);
            let mut unpinned = 0u64;
            if r.is_area() {
                r.runs(|s, e| {
                    let mut a = s;
                    while a < e {
                        if r.chunk(a).load(Ordering::Relaxed) & CHUNK_PINNED == 0 {
                            unpinned += ((a | (SPAN - 1)) + 1).min(e) as u64 - a as u64;
                        }
                        a = (a | (SPAN - 1)) + 1;
                    }
                });
            }
            r.unpinned.store(unpinned, Ordering::Relaxed);
            self.total_bytes += r.held() as u64;
            r.runs(|start, end| {
                let stop = end - HDR;
                let mut at = start;
                let mut last: Option<(usize, bool)> = None;
                while at < stop {
                    // SAFETY: `at` follows the chain inside the run (sizes are checked before
                    // use); we hold the heap lock taken over from the dead holder.
                    let b = unsafe { blk(at) };
                    if b.size < MIN_BLOCK as u64
                        || b.size % HDR as u64 != 0
                        || at + b.size as usize > stop
                    {
                        b.size = (stop - at) as u64;
                        b.mark_used();
                        b.flags = FLAG_DIRTY;
                    }
                    if b.is_used()
                        && b.flags & FLAG_SPAN != 0
                        && r.chunk(at).load(Ordering::Relaxed) & CHUNK_SPAN_BITS != CHUNK_SPAN
                    {
                        // A span torn mid-creation or mid-release: unmark its chunks, free it.
                        for k in 0..b.size as usize / SPAN {
                            let c = r.chunk(at + k * SPAN);
                            c.store(
                                c.load(Ordering::Relaxed) & !CHUNK_SPAN_BITS,
                                Ordering::Relaxed,
                            );
                        }
                        b.flags = FLAG_DIRTY;
                        b.mark_free_unlisted();
                    }
                    if !b.is_used() && !b.is_free() {
                        b.mark_used();
                    }
                    b.flags &= !FLAG_PREV_FREE;
                    let free = b.is_free();
                    match last {
                        Some((l, true)) if free => {
                            // SAFETY: `l` is the previous block of this chain.
                            let lb = unsafe { blk(l) };
                            lb.size += b.size;
                            lb.flags |= FLAG_DIRTY;
                            b.clear_tag();
                        }
                        _ => {
                            b.prev_size = last.map_or(0, |(l, _)| {
                                // SAFETY: as above.
                                unsafe { blk(l).size }
                            });
                            if !free && b.flags & FLAG_SPAN == 0 {
                                self.used_blocks += 1;
                            }
                            last = Some((at, free));
                        }
                    }
                    at += b.size as usize;
                }
                // SAFETY: the sentinel header at the run's end.
                unsafe {
                    blk(stop).make_sentinel(last.map_or(0, |(l, _)| blk(l).size));
                }
                let mut at = start;
                while at < stop {
                    // SAFETY: the chain was just normalised.
                    let b = unsafe { blk(at) };
                    if b.is_free() {
                        frees.push(at);
                    }
                    at += b.size as usize;
                }
            });
        });
        for f in frees {
            // SAFETY: normalised free block headers.
            self.insert(unsafe { blk(f) });
        }
    }
}

/// Finishes what a holder killed inside [`Tlsf::take_pages`] left: a sentinel inside a run
/// ends the run there, and the pages after it, up to the next chunk-aligned first block (a
/// block with `prev_size` 0) or the run's end, are no longer the heap's (they are leaked: the
/// source was never told). Heap lock held (taken over from the dead holder).
fn finish_cut_runs(r: &Region) {
    if !r.is_area() {
        return;
    }
    let valid = |at: usize, stop: usize| {
        // SAFETY: `at` is a chunk-aligned address of a run: mapped heap memory.
        let b = unsafe { blk(at) };
        (b.is_free() || b.is_used())
            && b.size >= MIN_BLOCK as u64
            && b.size % HDR as u64 == 0
            && at + b.size as usize <= stop
    };
    let mut cuts = Vec::new();
    r.runs(|start, end| {
        let stop = end - HDR;
        let mut at = start;
        while at < stop {
            // SAFETY: `at` follows the chain inside the run; sizes are checked before use.
            let b = unsafe { blk(at) };
            if b.is_sentinel() {
                let from = at + HDR;
                let mut q = from.next_multiple_of(SPAN);
                // SAFETY: as in `valid`.
                while q < stop && !(valid(q, stop) && unsafe { blk(q) }.prev_size == 0) {
                    q += SPAN;
                }
                let to = if q < stop { q } else { end };
                cuts.push((from, to));
                at = to;
                continue;
            }
            if !valid(at, stop) {
                break;
            }
            at += b.size as usize;
        }
    });
    for (from, to) in cuts {
        r.mark(from, to, 0);
    }
}

/// Where pages can go back from the free block `m` of region `r`: the highest run of whole
/// unpinned pages `[ps, pe)` inside it that leaves valid blocks around it (below: nothing when
/// `m` starts its run, else a free block and a new sentinel; above: the run's end when the
/// sentinel follows `m`, else a free block of at least `MIN_BLOCK` or nothing), and whether the
/// sentinel follows `m`. None for added memory, small pages, or no such page.
/// # Safety
/// `m` is a free block header of a run of `r`; lock held.
unsafe fn give_window(r: &Region, m: usize) -> Option<(usize, usize, bool)> {
    let page = r.page();
    if page < SPAN || r.unpinned() == 0 {
        return None;
    }
    // SAFETY: caller's contract.
    let b = unsafe { blk(m) };
    debug_assert!(b.is_free(), "looking for pages in a block that is not free");
    let e = m + b.size as usize;
    if e + HDR - m < page {
        return None;
    }
    // SAFETY: the block after a block of a run is a header (at worst the sentinel).
    let sentinel_next = unsafe { blk(e) }.is_sentinel();
    let lo = if b.prev_size == 0 {
        m
    } else {
        m + MIN_BLOCK + HDR
    };
    let ps = lo.next_multiple_of(page);
    let pe = if sentinel_next {
        e + HDR
    } else {
        let pe = e & !(page - 1);
        if e != pe && e - pe < MIN_BLOCK {
            pe.checked_sub(page)?
        } else {
            pe
        }
    };
    // What the highest unpinned run leaves of [ps, pe) on either side is at least a page, so
    // the blocks around it stay valid.
    let mut hi = pe;
    while hi > ps && r.is_pinned_page(hi - page) {
        hi -= page;
    }
    let mut lo = hi;
    while lo > ps && !r.is_pinned_page(lo - page) {
        lo -= page;
    }
    (lo < hi).then_some((lo, hi, sentinel_next))
}

/// Whether the free block at `m` (of region `r`) holds pages [`Tlsf::take_pages`] would give
/// back: never true after a free, unless the source refused them (then they are pinned).
#[cfg(test)]
pub(crate) fn has_pages_to_give(r: &Region, m: usize) -> bool {
    // SAFETY: validation calls this on a free block of a run, under the heap lock.
    unsafe { give_window(r, m) }.is_some()
}
