//! The TLSF allocator: the heap's medium/large allocator, over the runs of its regions.
//!
//! **TLSF** (two-level segregated fits, Masmano et al.): every block has a 64-byte header — a
//! tag (`address ^ TAG_*`, so a stray pointer is very unlikely to look like a header), its total
//! size, the previous block's size (boundary tag, for O(1) coalescing), flags, and for free
//! blocks the free-list links (the links live in the header, never in the payload, so a free
//! block's payload stays zero when it was zero). Free blocks sit on one of
//! `FL_COUNT x SL_COUNT` lists indexed by size; two bitmaps find the first non-empty list at
//! least as large as a request in O(1). User data starts right after the header, so every
//! payload is 64-byte aligned; larger alignments and DPDK's `bound` are placed inside a larger
//! block and the slack is split off as free blocks.
//!
//! Blocks tile each *run* of a region (`region.rs`: a maximal range of memory the heap holds)
//! from its first block, whose `prev_size` is 0, to a 64-byte sentinel block at the run's end,
//! marked neither free nor used, so coalescing never runs off the end of a run.
//!
//! **Zero tracking.** `FLAG_DIRTY` says a block's payload may be non-zero. Fresh memory is
//! clean. Freed user blocks are dirty. Merging two clean free blocks zeroes the absorbed header
//! so the result stays clean; otherwise the result is dirty.
//!
//! Invariants (checked by `validate`): blocks tile each run from its first block to the
//! sentinel; `next.prev_size == size`; `FLAG_PREV_FREE` mirrors the previous block's state; no
//! two free blocks are adjacent; every free block is on exactly the list its size maps to; the
//! bitmaps mark exactly the non-empty lists; `free_bytes`/`free_blocks` equal the sums.
//!
//! Locking: everything here runs under the heap lock.

use std::ptr::null_mut;

/// Granule and header size of TLSF blocks.
pub(crate) const HDR: usize = 64;
/// Smallest block: a header and one granule of payload.
pub(crate) const MIN_BLOCK: usize = 128;
/// Size and alignment of a small-object span (one chunk).
pub(crate) const SPAN: usize = 1 << SPAN_SHIFT;
pub(crate) const SPAN_SHIFT: usize = 16;
/// Largest block the allocator handles (1 TiB): keeps every size computation far from overflow.
pub(crate) const MAX_BLOCK: usize = 1 << 40;

const SL_LOG: u32 = 4;
const SL_COUNT: usize = 1 << SL_LOG;
const FL_COUNT: usize = 32;

const TAG_USED: u64 = 0x5553_4544_b10c_a11c;
const TAG_FREE: u64 = 0x4652_4545_b10c_f4ee;
const TAG_SENTINEL: u64 = 0x454e_4421_b10c_e0d0;

pub(crate) const FLAG_PREV_FREE: u64 = 1;
pub(crate) const FLAG_DIRTY: u64 = 2;
/// The block is a small-object span.
pub(crate) const FLAG_SPAN: u64 = 4;

/// Header of every TLSF block (64 bytes).
#[repr(C)]
pub(crate) struct Block {
    tag: u64,
    pub(crate) size: u64,
    pub(crate) prev_size: u64,
    pub(crate) flags: u64,
    next_free: *mut Block,
    prev_free: *mut Block,
    _pad: [u64; 2],
}
const _: () = assert!(std::mem::size_of::<Block>() == HDR);

/// TLSF free lists and totals. Zeroed memory is an empty allocator.
#[repr(C)]
pub(crate) struct Tlsf {
    fl_bitmap: u32,
    _pad: u32,
    sl_bitmap: [u32; FL_COUNT],
    heads: [[*mut Block; SL_COUNT]; FL_COUNT],
    pub(crate) free_bytes: u64,
    pub(crate) free_blocks: u64,
    pub(crate) total_bytes: u64,
    /// Live user (medium/large) allocations and their block bytes.
    pub(crate) used_blocks: u64,
    pub(crate) used_bytes: u64,
}

/// Level indices for a block size (granules >= 2).
fn mapping(size: usize) -> (usize, usize) {
    let g = size / HDR;
    debug_assert!(g >= 2, "block smaller than the minimum");
    let lg = usize::BITS - 1 - g.leading_zeros();
    if lg < SL_LOG {
        (0, g)
    } else {
        let sl = (g >> (lg - SL_LOG)) - SL_COUNT;
        ((lg - SL_LOG + 1) as usize, sl)
    }
}

/// Where an allocation goes inside a free block: header address, or None if it does not fit.
/// `r` is the wanted residue of the header address modulo `a`.
fn place(
    start: usize,
    end: usize,
    total: usize,
    a: usize,
    r: usize,
    bound: usize,
    size: usize,
) -> Option<usize> {
    let mut h = start + (r.wrapping_sub(start) & (a - 1));
    if h != start && h - start < MIN_BLOCK {
        h = h.checked_add(a.max(MIN_BLOCK))?;
    }
    if bound != 0 {
        let p = h + HDR;
        if (p ^ (p + size - 1)) & !(bound - 1) != 0 {
            // Move the payload to the next bound boundary (a multiple of `a` when bound >= a;
            // when bound < a an aligned payload of size <= bound never crosses).
            let np = (p | (bound - 1)).checked_add(1)?;
            h = np - HDR;
            if h != start && h - start < MIN_BLOCK {
                h = h.checked_add(bound.max(MIN_BLOCK).next_multiple_of(bound))?;
            }
        }
    }
    (h.checked_add(total)? <= end).then_some(h)
}

/// # Safety
/// `b` is a block header inside heap memory.
#[inline]
pub(crate) unsafe fn blk<'a>(b: usize) -> &'a mut Block {
    // SAFETY: caller guarantees `b` is a live block header; the heap lock serialises access.
    unsafe { &mut *(b as *mut Block) }
}

impl Block {
    pub(crate) fn is_free(&self) -> bool {
        self.tag == self as *const _ as u64 ^ TAG_FREE
    }
    pub(crate) fn is_used(&self) -> bool {
        self.tag == self as *const _ as u64 ^ TAG_USED
    }
    pub(crate) fn is_sentinel(&self) -> bool {
        self.tag == self as *const _ as u64 ^ TAG_SENTINEL && self.size == 0
    }
    pub(crate) fn addr(&self) -> usize {
        self as *const _ as usize
    }
    pub(crate) fn next_phys(&self) -> usize {
        self.addr() + self.size as usize
    }
    /// Makes this header the sentinel that ends a run, after a block of `prev_size` bytes.
    pub(crate) fn make_sentinel(&mut self, prev_size: u64) {
        self.tag = self.addr() as u64 ^ TAG_SENTINEL;
        self.size = 0;
        self.prev_size = prev_size;
        self.flags = 0;
        self.next_free = null_mut();
        self.prev_free = null_mut();
    }
    /// Marks the header as neither a block nor a sentinel (memory absorbed into another block).
    pub(crate) fn clear_tag(&mut self) {
        self.tag = 0;
    }
    /// Marks the header as a used block (repairs after a dead lock holder).
    pub(crate) fn mark_used(&mut self) {
        self.tag = self.addr() as u64 ^ TAG_USED;
    }
    /// Marks the header as a free block that is not on a list yet (repairs).
    pub(crate) fn mark_free_unlisted(&mut self) {
        self.tag = self.addr() as u64 ^ TAG_FREE;
    }
}

impl Tlsf {
    pub(crate) fn insert(&mut self, b: &mut Block) {
        let (fl, sl) = mapping(b.size as usize);
        b.tag = b.addr() as u64 ^ TAG_FREE;
        b.prev_free = null_mut();
        b.next_free = self.heads[fl][sl];
        if !b.next_free.is_null() {
            // SAFETY: list members are free block headers in heap memory (lock held).
            unsafe { (*b.next_free).prev_free = b };
        }
        self.heads[fl][sl] = b;
        self.fl_bitmap |= 1 << fl;
        self.sl_bitmap[fl] |= 1 << sl;
        self.free_bytes += b.size;
        self.free_blocks += 1;
        // SAFETY: the next physical block exists (at worst the sentinel).
        unsafe { blk(b.next_phys()).flags |= FLAG_PREV_FREE };
    }

    pub(crate) fn remove(&mut self, b: &mut Block) {
        debug_assert!(b.is_free(), "removing a block that is not free");
        let (fl, sl) = mapping(b.size as usize);
        // SAFETY: list neighbours are free block headers in heap memory (lock held).
        unsafe {
            if !b.prev_free.is_null() {
                (*b.prev_free).next_free = b.next_free;
            } else {
                self.heads[fl][sl] = b.next_free;
                if b.next_free.is_null() {
                    self.sl_bitmap[fl] &= !(1 << sl);
                    if self.sl_bitmap[fl] == 0 {
                        self.fl_bitmap &= !(1 << fl);
                    }
                }
            }
            if !b.next_free.is_null() {
                (*b.next_free).prev_free = b.prev_free;
            }
            blk(b.next_phys()).flags &= !FLAG_PREV_FREE;
        }
        b.tag = b.addr() as u64 ^ TAG_USED;
        self.free_bytes -= b.size;
        self.free_blocks -= 1;
    }

    /// First free block whose list guarantees at least `size` bytes.
    fn find(&self, size: usize) -> Option<usize> {
        let g = size / HDR;
        let lg = usize::BITS - 1 - g.leading_zeros();
        let rounded = if lg >= SL_LOG {
            size + (HDR << (lg - SL_LOG)) - HDR
        } else {
            size
        };
        let (mut fl, sl) = mapping(rounded);
        if fl >= FL_COUNT {
            return None;
        }
        let mut slm = self.sl_bitmap[fl] & (!0u32).checked_shl(sl as u32).unwrap_or(0);
        if slm == 0 {
            let flm = self.fl_bitmap & (!0u32).checked_shl(fl as u32 + 1).unwrap_or(0);
            if flm == 0 {
                return None;
            }
            fl = flm.trailing_zeros() as usize;
            slm = self.sl_bitmap[fl];
        }
        let b = self.heads[fl][slm.trailing_zeros() as usize];
        debug_assert!(!b.is_null(), "bitmap marks an empty list");
        Some(b as usize)
    }

    /// Splits `b` (not on a list) so it keeps `keep` bytes; the rest becomes a free block.
    /// # Safety
    /// `b` is a block header in heap memory, lock held, `keep + MIN_BLOCK <= b.size`.
    unsafe fn split_tail(&mut self, b: &mut Block, keep: usize, tail_dirty: bool) {
        let rest = b.size as usize - keep;
        debug_assert!(rest >= MIN_BLOCK && keep.is_multiple_of(HDR), "bad split");
        // SAFETY: the tail lies inside `b`, so it is heap memory; its header is ours to write.
        let t = unsafe { blk(b.addr() + keep) };
        t.size = rest as u64;
        t.prev_size = keep as u64;
        t.flags = if tail_dirty { FLAG_DIRTY } else { 0 };
        b.size = keep as u64;
        // SAFETY: the block after the old `b` exists (at worst the sentinel).
        unsafe { blk(t.next_phys()).prev_size = rest as u64 };
        // The tail's header sits in the old payload, which was ours; merge it with a free
        // successor so no two free blocks touch.
        self.coalesce_and_insert(t);
    }

    /// Merges free-to-be `b` with free physical neighbours, then lists it.
    pub(crate) fn coalesce_and_insert(&mut self, b: &mut Block) -> usize {
        let mut b: &mut Block = b;
        // SAFETY: physical neighbours of a block in a region are block headers (the first block
        // has no PREV_FREE flag, the last neighbour is the sentinel); lock held.
        unsafe {
            let n = blk(b.next_phys());
            if n.is_free() {
                self.remove(n);
                let clean = b.flags & FLAG_DIRTY == 0 && n.flags & FLAG_DIRTY == 0;
                b.size += n.size;
                // The absorbed header must stop looking like a block (a stale pointer to it
                // would otherwise pass free's tag check).
                n.tag = 0;
                if clean {
                    std::ptr::write_bytes(n as *mut Block as *mut u8, 0, HDR);
                } else {
                    b.flags |= FLAG_DIRTY;
                }
                blk(b.next_phys()).prev_size = b.size;
            }
            if b.flags & FLAG_PREV_FREE != 0 {
                let p = blk(b.addr() - b.prev_size as usize);
                debug_assert!(
                    p.is_free(),
                    "PREV_FREE set but the previous block is not free"
                );
                self.remove(p);
                let clean = b.flags & FLAG_DIRTY == 0 && p.flags & FLAG_DIRTY == 0;
                p.size += b.size;
                b.tag = 0;
                if clean {
                    std::ptr::write_bytes(b as *mut Block as *mut u8, 0, HDR);
                } else {
                    p.flags |= FLAG_DIRTY;
                }
                blk(p.next_phys()).prev_size = p.size;
                b = p;
            }
        }
        self.insert(b);
        b.addr()
    }

    /// Allocates a block of `total` bytes whose header address is `r` mod `a`, whose payload
    /// `[h+HDR, h+HDR+size)` does not cross a multiple of `bound`. Returns (header, was_clean).
    pub(crate) fn alloc(
        &mut self,
        total: usize,
        a: usize,
        r: usize,
        bound: usize,
        size: usize,
    ) -> Option<(usize, bool)> {
        debug_assert!(
            total.is_multiple_of(HDR) && total >= MIN_BLOCK,
            "bad block size"
        );
        let a = a.max(HDR);
        let slack = if a > HDR { a.checked_mul(2)? } else { 0 };
        let bslack = if bound != 0 {
            bound.checked_mul(2)?.checked_add(MIN_BLOCK)?
        } else {
            0
        };
        let search = total.checked_add(slack)?.checked_add(bslack)?;
        if search > MAX_BLOCK {
            return None;
        }
        let mut cand = self.find(search);
        if cand.is_none() {
            // The guaranteed-fit list is empty: try the exact-size list's first block.
            let (fl, sl) = mapping(total);
            if fl < FL_COUNT && !self.heads[fl][sl].is_null() {
                cand = Some(self.heads[fl][sl] as usize);
            }
        }
        let b = cand?;
        // SAFETY: `b` came from a free list: a free block header in heap memory.
        let bb = unsafe { blk(b) };
        let h = place(b, bb.next_phys(), total, a, r, bound, size)?;
        self.remove(bb);
        let clean = bb.flags & FLAG_DIRTY == 0;
        let mut u = bb;
        if h != b {
            let front = h - b;
            // SAFETY: `h` lies inside the free block `b`; its header area is ours.
            let nb = unsafe { blk(h) };
            nb.size = (u.size as usize - front) as u64;
            nb.prev_size = front as u64;
            nb.flags = u.flags & FLAG_DIRTY;
            nb.tag = h as u64 ^ TAG_USED;
            u.size = front as u64;
            // SAFETY: the block after the original exists.
            unsafe { blk(nb.next_phys()).prev_size = nb.size };
            self.insert(u);
            nb.flags |= FLAG_PREV_FREE;
            u = nb;
        }
        if u.size as usize - total >= MIN_BLOCK {
            // SAFETY: `total + MIN_BLOCK <= u.size`.
            unsafe { self.split_tail(u, total, !clean) };
        }
        u.tag = h as u64 ^ TAG_USED;
        Some((h, clean))
    }

    /// Returns a used block to the free lists (marking it dirty). Returns the merged block.
    /// # Safety
    /// `h` is a used block header in heap memory; lock held.
    pub(crate) unsafe fn free(&mut self, h: usize) -> usize {
        // SAFETY: caller's contract.
        let b = unsafe { blk(h) };
        debug_assert!(b.is_used(), "freeing a block that is not in use");
        b.flags = (b.flags & FLAG_PREV_FREE) | FLAG_DIRTY;
        self.coalesce_and_insert(b)
    }

    /// Grows used block `h` in place to `total` bytes by taking from a free successor, or
    /// shrinks it. Returns false when it cannot.
    /// # Safety
    /// `h` is a used block header in heap memory; lock held.
    pub(crate) unsafe fn resize(&mut self, h: usize, total: usize) -> bool {
        // SAFETY: caller's contract; the next physical block is a header.
        let (b, n) = unsafe { (blk(h), blk(h + blk(h).size as usize)) };
        let cur = b.size as usize;
        if total > cur {
            if !n.is_free() || cur + (n.size as usize) < total {
                return false;
            }
            self.remove(n);
            n.tag = 0;
            if n.flags & FLAG_DIRTY != 0 {
                b.flags |= FLAG_DIRTY;
            }
            b.size += n.size;
            // SAFETY: the block after the merged one exists.
            unsafe { blk(b.next_phys()).prev_size = b.size };
        }
        if b.size as usize - total >= MIN_BLOCK {
            // SAFETY: `total + MIN_BLOCK <= b.size`. The tail may hold user data: dirty.
            unsafe { self.split_tail(b, total, true) };
        }
        true
    }

    /// Forgets every free list and counter (before a rebuild from the block chains).
    pub(crate) fn reset(&mut self) {
        self.fl_bitmap = 0;
        self.sl_bitmap = [0; FL_COUNT];
        self.heads = [[null_mut(); SL_COUNT]; FL_COUNT];
        self.free_bytes = 0;
        self.free_blocks = 0;
        self.used_blocks = 0;
        self.total_bytes = 0;
    }

    /// Size of the largest free block (header included), 0 if none.
    pub(crate) fn largest_free(&self) -> u64 {
        if self.fl_bitmap == 0 {
            return 0;
        }
        let fl = 31 - self.fl_bitmap.leading_zeros() as usize;
        let sl = 31 - self.sl_bitmap[fl].leading_zeros() as usize;
        let (mut p, mut best) = (self.heads[fl][sl], 0);
        while !p.is_null() {
            // SAFETY: list members are free block headers (lock held by the caller).
            let b = unsafe { &*p };
            best = best.max(b.size);
            p = b.next_free;
        }
        best
    }

    /// Checks the free lists and bitmaps; returns (blocks, bytes) on the lists.
    pub(crate) fn check_lists(&self) -> Result<(u64, u64), String> {
        let (mut n, mut bytes) = (0u64, 0u64);
        for fl in 0..FL_COUNT {
            for sl in 0..SL_COUNT {
                let mut p = self.heads[fl][sl];
                let marked = self.sl_bitmap[fl] & (1 << sl) != 0;
                if marked == p.is_null() {
                    return Err(format!("bitmap bit ({fl},{sl}) disagrees with its list"));
                }
                let mut prev = null_mut();
                while !p.is_null() {
                    // SAFETY: list members are free block headers (validated as we go).
                    let b = unsafe { &*p };
                    if !b.is_free() || mapping(b.size as usize) != (fl, sl) || b.prev_free != prev {
                        return Err(format!("free list ({fl},{sl}): bad member {p:p}"));
                    }
                    n += 1;
                    bytes += b.size;
                    if n > self.free_blocks + 1 {
                        return Err("free list cycle".into());
                    }
                    prev = p;
                    p = b.next_free;
                }
            }
            if (self.fl_bitmap & (1 << fl) != 0) != (self.sl_bitmap[fl] != 0) {
                return Err(format!("first-level bit {fl} disagrees"));
            }
        }
        if n != self.free_blocks || bytes != self.free_bytes {
            return Err(format!(
                "free totals {}/{} but lists hold {n}/{bytes}",
                self.free_blocks, self.free_bytes
            ));
        }
        Ok((n, bytes))
    }
}
