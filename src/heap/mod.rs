//! The malloc heap core: the allocator behind the `rte_malloc` family and memzones.
//!
//! DPDK's `malloc_heap` keeps one heap per NUMA socket in shared memory: every process maps the
//! heap's pages at the same virtual address, and any process may allocate or free. This module
//! is that heap, rebuilt for speed and density:
//!
//! - **Small objects** (up to 16 KiB, alignment up to 64): size-class slabs (`span.rs`). 64 KiB
//!   spans (256 KiB above 2 KiB), no per-object header (~65 B of heap per live 64 B object; DPDK uses 192), and a
//!   state byte per object that makes double frees and interior pointers detectable exactly.
//! - **Per-thread caches** (`cache.rs`): a slot table in the heap; the fast path of
//!   `alloc`/`free` touches only the caller's slot, with plain loads and stores.
//! - **Medium and large blocks** (`tlsf.rs`): a TLSF allocator with 64-byte boundary-tag
//!   headers, O(1) allocation and coalescing, honouring any power-of-two alignment and DPDK's
//!   `bound`. Spans are carved from it too.
//! - **Regions** (`region.rs`): one per [`Area`] (a memseg list) whose pages the heap takes on
//!   demand from a [`MemorySource`] (the memseg layer) or is given at init, merged with the
//!   pages next to them, and given back page by page once free (never the pinned `-m` pages);
//!   plus memory handed over whole (`add_memory`, external memory). A heap can use every page
//!   its areas hold: there is no count of growths, only a region per memseg list.
//!
//! All state lives in the [`Heap`] struct (placed by the caller in shared memory, zeroed =
//! empty) and in the regions themselves, addressed by raw pointers that are valid in every
//! process because the memory is mapped at the same address everywhere. The only per-process
//! data are caches of that state: the thread-local slot bindings and the registered
//! [`MemorySource`] (which is per process by nature).
//!
//! Locking: the heap lock guards TLSF and the region table (readers of the table are
//! lock-free); one lock per size class guards that class's spans. Order: class lock, then heap
//! lock. All locks are [`RobustMutex`]: process-shared futexes that a dead holder cannot
//! wedge; taking a class lock over from a dead process triggers that class's repair.
//!
//! Zeroing: `alloc_zeroed` clears memory only when it may be dirty. Fresh pages are clean; the
//! span state bytes and the TLSF `FLAG_DIRTY` flag track which objects and blocks still are.
//!
//! Consistency: `stats()` is exact at quiescent points (no operation in flight) and
//! `validate()` must only run at one; both are safe to call at any time.

mod cache;
mod region;
mod span;
mod tlsf;
mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_mt;

use crate::sync::{Locked, RobustMutex};
use cache::{current_slot, Slot, NSLOTS};
use region::{Region, Regions, CHUNK_PRESENT, CHUNK_SPAN_BITS};
use span::{
    class_for, object_check, state_of, Central, NotObject, CLASSES, NCLASS, ST_ALLOC,
    ST_CACHED_CLEAN, ST_CACHED_DIRTY,
};
use std::cell::UnsafeCell;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;
use tlsf::{blk, Tlsf, FLAG_SPAN, HDR, MAX_BLOCK, MIN_BLOCK};

pub use cache::forget_heap;
pub(crate) use region::CHUNK_SIZE;
pub use region::{Area, Grant};
pub use validate::HeapStats;

const HEAP_MAGIC: u64 = 0x7274_656d_6865_6170;

/// Where a heap gets more pages and gives free ones back (the memseg layer).
pub trait MemorySource: Send + Sync {
    /// Maps at least `min_bytes` of zero-filled memory, whole contiguous pages of one area
    /// (`align` is a hint for the address), or None.
    fn grow(&self, min_bytes: usize, align: usize) -> Option<Grant>;
    /// Takes back whole pages `[addr, addr+len)` of an area, earlier granted (or added with
    /// [`Heap::add_pages`] unpinned) and now free. Returning false keeps them in the heap,
    /// which will not offer them again.
    fn release(&self, addr: usize, len: usize) -> bool;
}

/// Why `free` refused a pointer. Nothing was changed.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum FreeError {
    /// The pointer is not inside any region of this heap.
    NotInHeap,
    /// The block is already free.
    DoubleFree,
    /// The pointer is inside the heap but not the start of an allocated block.
    NotABlock,
}

/// Why `add_memory` refused a region.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct AddMemoryError(pub &'static str);

/// A heap. Place it in shared memory with [`Heap::init_in_place`]; all-zero memory is also an
/// empty heap.
/// cbindgen:ignore
#[repr(C)]
pub struct Heap {
    magic: AtomicU64,
    pub(crate) lock: RobustMutex,
    tlsf: UnsafeCell<Tlsf>,
    pub(crate) regions: Regions,
    pub(crate) classes: [UnsafeCell<Central>; NCLASS],
    pub(crate) slots: [Slot; NSLOTS],
}

// SAFETY: all mutable state is behind the heap's locks, atomics, or owned cache slots.
unsafe impl Sync for Heap {}
// SAFETY: as above; the heap holds no thread-affine data.
unsafe impl Send for Heap {}

/// The per-process registry of memory sources (process-private by nature: it names code).
static SOURCES: Mutex<Vec<(usize, &'static dyn MemorySource)>> = Mutex::new(Vec::new());

fn ptr_of(a: usize) -> NonNull<u8> {
    // SAFETY: heap addresses are never 0 (regions lie above the first page).
    unsafe { NonNull::new_unchecked(a as *mut u8) }
}

impl Heap {
    /// Initialises an empty heap at `p`.
    /// # Safety
    /// `p` points to `size_of::<Heap>()` writable bytes, aligned for `Heap`, that no other
    /// thread or process uses until this returns.
    pub unsafe fn init_in_place(p: *mut Heap) {
        // SAFETY: caller's contract; all-zero is a valid empty heap.
        unsafe {
            std::ptr::write_bytes(p as *mut u8, 0, std::mem::size_of::<Heap>());
            (*p).magic.store(HEAP_MAGIC, Ordering::Release);
        }
    }

    /// Registers this process's memory source for the heap (growth and shrinking).
    pub fn set_source(&self, src: &'static dyn MemorySource) {
        let mut v = SOURCES.lock().unwrap_or_else(|e| e.into_inner());
        v.retain(|(h, _)| *h != self as *const Heap as usize);
        v.push((self as *const Heap as usize, src));
    }

    fn source(&self) -> Option<&'static dyn MemorySource> {
        let v = SOURCES.lock().unwrap_or_else(|e| e.into_inner());
        v.iter()
            .find(|(h, _)| *h == self as *const Heap as usize)
            .map(|x| x.1)
    }

    /// Adds fresh, zero-filled memory to the heap, handed over whole (external memory): it is
    /// one region, never given back by pages, taken back only whole by
    /// [`Heap::remove_memory`].
    /// # Safety
    /// `[addr, addr+len)` is mapped read-write at the same address in every process using the
    /// heap, zero-filled, and from now on owned by the heap.
    pub unsafe fn add_memory(&self, addr: *mut u8, len: usize) -> Result<(), AddMemoryError> {
        // SAFETY: forwarded contract.
        unsafe { self.add_memory_impl(addr as usize, len, true) }
    }

    /// As [`Heap::add_memory`] for memory whose contents are unknown (zeroed on demand).
    /// # Safety
    /// As `add_memory`, except that the memory need not be zero-filled.
    pub unsafe fn add_memory_dirty(&self, addr: *mut u8, len: usize) -> Result<(), AddMemoryError> {
        // SAFETY: forwarded contract.
        unsafe { self.add_memory_impl(addr as usize, len, false) }
    }

    /// # Safety
    /// As `add_memory`.
    unsafe fn add_memory_impl(
        &self,
        addr: usize,
        len: usize,
        zeroed: bool,
    ) -> Result<(), AddMemoryError> {
        let _g = self.lock_heap();
        // SAFETY: heap lock held; forwarded contract for the memory.
        unsafe { (*self.tlsf.get()).add_memory(&self.regions, addr, len, zeroed) }
            .map_err(AddMemoryError)
    }

    /// Adds fresh, zero-filled pages `[addr, addr+len)` of `area` (whole pages, starting and
    /// ending on 64 KiB boundaries or at the area's ends), merged with the pages of the area
    /// the heap already holds. Pinned pages are never given back; others go back to the
    /// heap's source once free.
    /// # Safety
    /// The pages are mapped read-write at the same address in every process using the heap,
    /// zero-filled, and from now on owned by the heap; `area` is as [`Area`] says, the same
    /// for every call with this area.
    pub unsafe fn add_pages(
        &self,
        area: Area,
        addr: *mut u8,
        len: usize,
        pinned: bool,
    ) -> Result<(), AddMemoryError> {
        let _g = self.lock_heap();
        // SAFETY: heap lock held; forwarded contract for the memory.
        unsafe {
            (*self.tlsf.get()).add_pages(&self.regions, &area, addr as usize, len, pinned, true)
        }
        .map_err(AddMemoryError)
    }

    /// Takes the heap lock; repairs TLSF if the lock was taken from a dead process.
    pub(crate) fn lock_heap(&self) -> Locked<'_> {
        let g = self.lock.lock();
        if g.recovered {
            // SAFETY: heap lock held.
            unsafe { (*self.tlsf.get()).rebuild(&self.regions) };
        }
        g
    }

    pub(crate) fn lock_class(&self, c: usize) -> Locked<'_> {
        // SAFETY: the Central lives in the heap; its lock field is only used through &.
        let g = unsafe { (*self.central(c)).lock.lock() };
        if g.recovered {
            self.recover_class(c);
        }
        g
    }

    /// TLSF allocation under the heap lock, growing once from the source on failure.
    /// `on_success` runs under the lock with the block header.
    fn tlsf_alloc(
        &self,
        total: usize,
        a: usize,
        r: usize,
        bound: usize,
        size: usize,
        on_success: impl Fn(usize, bool),
    ) -> Option<(usize, bool)> {
        for attempt in 0..3 {
            {
                let _g = self.lock_heap();
                // SAFETY: heap lock held.
                let t = unsafe { &mut *self.tlsf.get() };
                if let Some((h, clean)) = t.alloc(total, a, r, bound, size) {
                    on_success(h, clean);
                    return Some((h, clean));
                }
            }
            if attempt == 2 || !self.grow(total, a, bound) {
                return None;
            }
        }
        None
    }

    fn grow(&self, total: usize, a: usize, bound: usize) -> bool {
        let Some(src) = self.source() else {
            return false;
        };
        let need = || -> Option<usize> {
            let n = total
                .checked_add(a.checked_mul(2)?)?
                .checked_add(bound.checked_mul(2)?)?;
            let n = n.checked_add(n >> 16)?.checked_add(8 * HDR + MIN_BLOCK)?;
            (n <= MAX_BLOCK).then_some(n.next_multiple_of(4096))
        };
        let Some(n) = need() else { return false };
        let Some(g) = src.grow(n, a.max(4096)) else {
            return false;
        };
        // SAFETY: the source hands us fresh zero-filled pages of the area, mapped in every
        // process.
        if unsafe { self.add_pages(g.area, g.addr as *mut u8, g.len, false) }.is_err() {
            src.release(g.addr, g.len);
            return false;
        }
        true
    }

    /// Frees TLSF block `h` under the heap lock if `check` (run first, under the lock) agrees,
    /// and gives the whole free pages of the merged block back to the source.
    fn tlsf_free_block<E>(
        &self,
        h: usize,
        check: impl FnOnce(usize) -> Result<(), E>,
    ) -> Result<(), E> {
        let g = self.lock_heap();
        check(h)?;
        // SAFETY: heap lock held; `h` is a used block header (`check` confirmed it).
        let t = unsafe { &mut *self.tlsf.get() };
        // SAFETY: as above.
        let merged = unsafe { t.free(h) };
        // Page runs to give back: at most one, unless pinned pages lie between free ones.
        let mut give: Vec<(usize, usize)> = Vec::new();
        // SAFETY: as above; `merged` is a listed free block header, and so is what
        // `take_pages` leaves at `merged` unless the pages it took start there.
        while let Some((a, l)) = unsafe { t.take_pages(&self.regions, merged) } {
            give.push((a, l));
            if a == merged {
                break;
            }
        }
        if give.is_empty() {
            return Ok(());
        }
        drop(g);
        let src = self.source();
        for (a, l) in give {
            if !src.is_some_and(|s| s.release(a, l)) {
                let _g = self.lock_heap();
                // SAFETY: the pages were just taken out intact and are still mapped; lock held.
                unsafe { (*self.tlsf.get()).restore_pages(&self.regions, a, l) };
            }
        }
        Ok(())
    }

    /// Allocates `size` bytes aligned to `align` (0 = 64, the cache line; else a power of two)
    /// that do not cross a multiple of `bound` (0 = no bound, else a power of two >= size).
    /// None for size 0, bad arguments, absurd sizes, or no memory.
    #[inline(always)]
    pub fn alloc(&self, size: usize, align: usize, bound: usize) -> Option<NonNull<u8>> {
        self.alloc_impl(size, align, bound, false)
    }

    /// As [`Heap::alloc`], with the first `size` bytes zeroed (cleared only if not known clean).
    pub fn alloc_zeroed(&self, size: usize, align: usize, bound: usize) -> Option<NonNull<u8>> {
        self.alloc_impl(size, align, bound, true)
    }

    #[inline(always)]
    fn alloc_impl(
        &self,
        size: usize,
        align: usize,
        bound: usize,
        zero: bool,
    ) -> Option<NonNull<u8>> {
        if let Some(c) = class_for(size, align, bound) {
            if let Some(p) = self.alloc_small(c, zero) {
                return Some(p);
            }
        }
        self.alloc_medium(size, align, bound, zero)
    }

    #[inline(always)]
    fn alloc_small(&self, c: usize, zero: bool) -> Option<NonNull<u8>> {
        let slot = current_slot(self);
        if slot.is_null() {
            return self.alloc_small_uncached(c, zero);
        }
        // SAFETY: the slot is owned by this thread; nothing else touches it.
        let cc = unsafe { &mut (*(*slot).lists.get())[c] };
        if cc.head.is_null() {
            self.refill(c, slot);
            if cc.head.is_null() {
                return None;
            }
        }
        let o = cc.head as usize;
        // SAFETY: `o` heads this thread's chain of cached objects: its first word is the link.
        let next = unsafe { *(o as *const *mut u8) };
        let st = state_of(o, c);
        let v = st.load(Ordering::Relaxed);
        debug_assert!(
            v == ST_CACHED_CLEAN || v == ST_CACHED_DIRTY,
            "cached object in state {v}"
        );
        // Order for crash safety: mark allocated, then unlink (a dead chain's objects are free).
        st.store(ST_ALLOC, Ordering::Relaxed);
        cc.head = next;
        cc.count -= 1;
        if v == ST_CACHED_CLEAN {
            // SAFETY: the object is ours now; clean means only the link word may be non-zero.
            unsafe { *(o as *mut usize) = 0 };
        } else if zero {
            // SAFETY: the object is ours now and `size` bytes long.
            unsafe { std::ptr::write_bytes(o as *mut u8, 0, CLASSES[c].size as usize) };
        }
        Some(ptr_of(o))
    }

    #[cold]
    fn refill(&self, c: usize, slot: *mut Slot) {
        let _g = self.lock_class(c);
        self.take_objects(c, CLASSES[c].batch as usize, |head, n| {
            // SAFETY: our own slot; the chain was empty.
            let cc = unsafe { &mut (*(*slot).lists.get())[c] };
            cc.head = head;
            cc.count = n as u32;
        });
    }

    #[cold]
    fn alloc_small_uncached(&self, c: usize, zero: bool) -> Option<NonNull<u8>> {
        let mut got = std::ptr::null_mut();
        {
            let _g = self.lock_class(c);
            self.take_objects(c, 1, |h, _| got = h);
            if got.is_null() {
                return None;
            }
            let st = state_of(got as usize, c);
            let v = st.load(Ordering::Relaxed);
            st.store(ST_ALLOC, Ordering::Relaxed);
            // SAFETY: the object is ours now.
            unsafe {
                if v == ST_CACHED_CLEAN {
                    *(got as *mut usize) = 0;
                } else if zero {
                    std::ptr::write_bytes(got, 0, CLASSES[c].size as usize);
                }
            }
        }
        Some(ptr_of(got as usize))
    }

    fn alloc_medium(
        &self,
        size: usize,
        align: usize,
        bound: usize,
        zero: bool,
    ) -> Option<NonNull<u8>> {
        let a = if align == 0 { 64 } else { align };
        if size == 0
            || !a.is_power_of_two()
            || (bound != 0 && (!bound.is_power_of_two() || size > bound))
        {
            return None;
        }
        if size > MAX_BLOCK || a > MAX_BLOCK || bound > MAX_BLOCK {
            return None;
        }
        let a = a.max(HDR);
        let total = size.checked_add(HDR)?.next_multiple_of(HDR).max(MIN_BLOCK);
        let r = (a - HDR) & (a - 1);
        let (h, clean) = self.tlsf_alloc(total, a, r, bound, size, |_, _| {
            // SAFETY: heap lock held inside tlsf_alloc.
            let t = unsafe { &mut *self.tlsf.get() };
            t.used_blocks += 1;
        })?;
        let p = h + HDR;
        debug_assert!(p.is_multiple_of(a), "TLSF returned a misaligned block");
        debug_assert!(
            bound == 0 || (p ^ (p + size - 1)) & !(bound - 1) == 0,
            "block crosses bound"
        );
        if zero && !clean {
            // SAFETY: the payload [p, p+size) is ours.
            unsafe { std::ptr::write_bytes(p as *mut u8, 0, size) };
        }
        Some(ptr_of(p))
    }

    /// Where `a` is: a small object (class, state byte), a medium block header, or an error.
    /// Reads nothing at `a` before the region's chunk map says the heap holds that memory.
    #[inline(always)]
    fn classify(&self, a: usize) -> Result<Kind<'_>, FreeError> {
        let r = self.regions.find(a).ok_or(FreeError::NotInHeap)?;
        let v = r.chunk(a).load(Ordering::Acquire);
        if v & CHUNK_PRESENT == 0 {
            return Err(FreeError::NotInHeap);
        }
        if v & CHUNK_SPAN_BITS != 0 {
            return match object_check(a, span::base_from_chunk(a, v)) {
                Ok((c, st)) => Ok(Kind::Small(c, st)),
                Err(NotObject::Interior) | Err(NotObject::Corrupt) => Err(FreeError::NotABlock),
            };
        }
        // The header before `a` must be memory the heap holds too (it is in the previous chunk
        // when `a` starts one).
        if !a.is_multiple_of(HDR) || a < r.first() + HDR || !r.holds(a - HDR) {
            return Err(FreeError::NotABlock);
        }
        Ok(Kind::Medium(r, a - HDR))
    }

    /// Frees a block. Refuses, changing nothing, a pointer outside the heap, a block already
    /// free, or a pointer that is not the start of a block.
    #[inline(always)]
    pub fn free(&self, p: *mut u8) -> Result<(), FreeError> {
        match self.classify(p as usize)? {
            Kind::Small(c, st) => self.free_small(p as usize, c, st),
            Kind::Medium(_, h) => self.free_medium(h),
        }
    }

    #[inline(always)]
    fn free_small(&self, o: usize, c: usize, st: &AtomicU8) -> Result<(), FreeError> {
        if st.load(Ordering::Relaxed) != ST_ALLOC {
            return Err(FreeError::DoubleFree);
        }
        let slot = current_slot(self);
        if slot.is_null() {
            self.free_small_uncached(o, c);
            return Ok(());
        }
        // SAFETY: the slot is owned by this thread.
        let cc = unsafe { &mut (*(*slot).lists.get())[c] };
        // Order for crash safety: link, publish, then mark (a dead chain's objects are free).
        // SAFETY: the object was allocated and is being freed: its first word is ours.
        unsafe { *(o as *mut *mut u8) = cc.head };
        cc.head = o as *mut u8;
        st.store(ST_CACHED_DIRTY, Ordering::Relaxed);
        cc.count += 1;
        if cc.count > CLASSES[c].cap {
            self.flush_batch(c, slot);
        }
        Ok(())
    }

    #[cold]
    fn flush_batch(&self, c: usize, slot: *mut Slot) {
        let _g = self.lock_class(c);
        // SAFETY: our own slot.
        let cc = unsafe { &mut (*(*slot).lists.get())[c] };
        let n = CLASSES[c].batch as usize;
        let left = cc.count - n as u32;
        self.give_back(c, cc.head, n, false, |rest| {
            cc.head = rest;
            cc.count = left;
        });
    }

    #[cold]
    fn free_small_uncached(&self, o: usize, c: usize) {
        let _g = self.lock_class(c);
        // SAFETY: the object is being freed by us: its first word is ours.
        unsafe { *(o as *mut usize) = 0 };
        state_of(o, c).store(ST_CACHED_DIRTY, Ordering::Relaxed);
        self.give_back(c, o as *mut u8, 1, false, |_| {});
    }

    fn free_medium(&self, h: usize) -> Result<(), FreeError> {
        self.tlsf_free_block(h, |h| {
            // SAFETY: `h` lies in a region between its first block and its sentinel, so reading
            // a header's worth of bytes there is sound; the tag check decides if it is a block.
            let b = unsafe { blk(h) };
            if b.is_free() {
                return Err(FreeError::DoubleFree);
            }
            if !b.is_used() || b.flags & FLAG_SPAN != 0 {
                return Err(FreeError::NotABlock);
            }
            // SAFETY: heap lock held inside tlsf_free_block.
            unsafe { (*self.tlsf.get()).used_blocks -= 1 };
            Ok(())
        })
    }

    /// Usable size of an allocated block (>= the requested size), or the reason `p` is not one.
    pub fn usable_size(&self, p: *mut u8) -> Result<usize, FreeError> {
        match self.classify(p as usize)? {
            Kind::Small(c, st) => match st.load(Ordering::Relaxed) {
                ST_ALLOC => Ok(CLASSES[c].size as usize),
                _ => Err(FreeError::DoubleFree),
            },
            Kind::Medium(_, h) => {
                let _g = self.lock_heap();
                // SAFETY: as in free_medium.
                let b = unsafe { blk(h) };
                if b.is_used() && b.flags & FLAG_SPAN == 0 {
                    Ok(b.size as usize - HDR)
                } else if b.is_free() {
                    Err(FreeError::DoubleFree)
                } else {
                    Err(FreeError::NotABlock)
                }
            }
        }
    }

    // `p` is read only after `usable_size` proved it is a live block of this heap.
    #[allow(clippy::not_unsafe_ptr_arg_deref)]
    /// Resizes the block at `p` to `size` bytes aligned to `align` (0 = 64), in place when it
    /// can. `p` null allocates; size 0 frees and returns `Ok(None)`. `Ok(None)` otherwise means
    /// no memory, and the old block is untouched. Contents are kept up to the smaller size.
    pub fn realloc(
        &self,
        p: *mut u8,
        size: usize,
        align: usize,
    ) -> Result<Option<NonNull<u8>>, FreeError> {
        if p.is_null() {
            return Ok(self.alloc(size, align, 0));
        }
        let old = self.usable_size(p)?;
        if size == 0 {
            self.free(p)?;
            return Ok(None);
        }
        let a = if align == 0 { 64 } else { align };
        if !a.is_power_of_two() {
            return Ok(None);
        }
        let aligned = (p as usize).is_multiple_of(a);
        if aligned {
            match self.classify(p as usize)? {
                Kind::Small(..) if size <= old => return Ok(NonNull::new(p)),
                Kind::Medium(_, h) if size <= MAX_BLOCK => {
                    let total = (size + HDR).next_multiple_of(HDR).max(MIN_BLOCK);
                    let _g = self.lock_heap();
                    // SAFETY: `h` is a used block (usable_size checked it); heap lock held.
                    if unsafe { (*self.tlsf.get()).resize(h, total) } {
                        return Ok(NonNull::new(p));
                    }
                }
                _ => {}
            }
        }
        let Some(n) = self.alloc(size, align, 0) else {
            return Ok(None);
        };
        // SAFETY: both blocks are live, distinct, and at least min(old, size) bytes long.
        unsafe { std::ptr::copy_nonoverlapping(p, n.as_ptr(), old.min(size)) };
        self.free(p).expect("the old block was checked above");
        Ok(Some(n))
    }

    /// Times a lock of this heap was taken over from a dead process.
    pub fn lock_recoveries(&self) -> u64 {
        let mut n = self.lock.recoveries();
        for c in 0..NCLASS {
            // SAFETY: reading an atomic counter of a Central in the heap.
            n += unsafe { (*self.central(c)).lock.recoveries() };
        }
        n
    }

    /// Takes back memory given with [`Heap::add_memory`]/[`Heap::add_memory_dirty`]: exactly
    /// one region, refused while anything in it is allocated (or cached by another thread).
    /// # Safety
    /// `[addr, addr+len)` was added to this heap as one region.
    pub unsafe fn remove_memory(&self, addr: *mut u8, len: usize) -> Result<(), &'static str> {
        self.flush_thread_cache();
        self.release_empty_spans_in(addr as usize, len);
        let _g = self.lock_heap();
        // SAFETY: heap lock held.
        unsafe { (*self.tlsf.get()).remove_memory(&self.regions, addr as usize, len) }
    }

    /// True when `p` lies in memory the heap holds.
    pub fn contains(&self, p: *const u8) -> bool {
        self.regions
            .find(p as usize)
            .is_some_and(|r| r.holds(p as usize))
    }
}

enum Kind<'a> {
    Small(usize, &'a AtomicU8),
    #[allow(dead_code)]
    Medium(&'a Region, usize),
}
