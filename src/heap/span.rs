//! Size classes and slab spans: the small-object layer (requests up to 2 KiB, align <= 64).
//!
//! A *span* is one 64 KiB chunk, 64 KiB-aligned, carved into equal objects of one size class.
//! It is a TLSF block whose header sits at the chunk base (`FLAG_SPAN`), so
//! `ptr & !(SPAN - 1)` finds it from any object, and the region's chunk map says whether a chunk
//! is a span before anything at that address is read. Layout inside the chunk:
//!
//! ```text
//! +0    TLSF block header (64 B)
//! +64   SpanHdr (64 B): magic (= address ^ SPAN_MAGIC), class, nobj, nfree, cursor, list links
//! +128  state bytes, one per object
//! first objects, 64-byte aligned, `size` apart  (no per-object header)
//! ```
//!
//! Per-object state byte (`ST_*`): free in the span (clean or dirty), cached in a thread cache
//! (clean or dirty), or allocated. "Clean" means every byte of the object is zero except
//! possibly its first word (the free-list link), which is zeroed when the object is handed
//! out; objects carved from clean memory start clean and become dirty once freed by the user.
//! The state byte is what lets `free` refuse a double free or an interior pointer exactly.
//!
//! The *central* part of a class (one [`Central`] per class) owns the spans' free objects:
//! `nfree` counts `ST_FREE_*` objects of a span, spans with `nfree > 0` are on the class's
//! partial list. Moving objects between spans and thread caches happens under the class lock
//! (`refill`, `give_back`); thread caches (`cache.rs`) flip `CACHED <-> ALLOC` without a lock.
//!
//! Crash safety: every step that moves objects is ordered so a process killed at any point
//! leaves a state `recover` can repair. A refill links objects into a private chain, publishes
//! the chain in the cache slot, and only then marks them cached; a give-back marks objects free
//! and only then unpublishes them, and releases empty spans after that. The rule for a dead
//! process's cached chain is "anything on it is free". When the class lock is taken over from a
//! dead holder, the taker returns the dead slots' chains of that class and recomputes `nfree`,
//! the partial list and the empty count from the state bytes (the source of truth).

use super::region::{Region, CHUNK_PRESENT, CHUNK_SPAN, CHUNK_SPAN_BITS};
use super::tlsf::{blk, FLAG_SPAN, HDR, SPAN, SPAN_SHIFT};
use super::Heap;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicU8, Ordering};

/// Object sizes of the small classes; multiples of 64 from 64 up, so 64-byte alignment holds.
pub(crate) const CLASS_SIZES: [usize; NCLASS] = [
    16, 32, 48, 64, 96, 128, 192, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792,
    2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192, 10240, 12288, 14336, 16384,
];
pub(crate) const NCLASS: usize = 32;
pub(crate) const SMALL_MAX: usize = 16384;
/// Span size of classes above 2 KiB (four chunks), so a span holds 15+ objects.
pub(crate) const BIG_SPAN: usize = 4 * SPAN;

pub(crate) const ST_FREE_CLEAN: u8 = 0;
pub(crate) const ST_FREE_DIRTY: u8 = 1;
pub(crate) const ST_CACHED_CLEAN: u8 = 2;
pub(crate) const ST_CACHED_DIRTY: u8 = 3;
pub(crate) const ST_ALLOC: u8 = 4;

const SPAN_MAGIC: u64 = 0x5350_414e_5350_414e;
const STATES_OFF: usize = 2 * HDR;

/// Per-class geometry, computed at compile time.
#[derive(Clone, Copy)]
pub(crate) struct ClassInfo {
    pub(crate) size: u32,
    pub(crate) nobj: u32,
    /// Offset of object 0 from the chunk base.
    pub(crate) first: u32,
    /// ceil(2^32 / size): `off * recip >> 32 == off / size` for every offset in a span.
    pub(crate) recip: u64,
    /// Thread cache capacity and refill/flush batch.
    pub(crate) cap: u32,
    pub(crate) batch: u32,
    /// Span size in bytes (a power of two; spans are aligned to it).
    pub(crate) span: u32,
}

const fn class_info(size: usize) -> ClassInfo {
    let span = if size <= 2048 { SPAN } else { BIG_SPAN };
    let mut n = (span - STATES_OFF) / (size + 1);
    while (STATES_OFF + n).next_multiple_of(64) + n * size > span {
        n -= 1;
    }
    let mut cap = 16384 / size;
    if cap > 256 {
        cap = 256;
    }
    if cap < 8 {
        cap = 8;
    }
    ClassInfo {
        size: size as u32,
        nobj: n as u32,
        first: (STATES_OFF + n).next_multiple_of(64) as u32,
        recip: (1u64 << 32).div_ceil(size as u64),
        cap: cap as u32,
        batch: (cap / 2) as u32,
        span: span as u32,
    }
}

pub(crate) static CLASSES: [ClassInfo; NCLASS] = {
    let mut t = [class_info(16); NCLASS];
    let mut i = 0;
    while i < NCLASS {
        t[i] = class_info(CLASS_SIZES[i]);
        i += 1;
    }
    t
};

/// Class index for each 16-byte step of rounded size up to SMALL_MAX.
static CLASS_OF: [u8; SMALL_MAX / 16 + 1] = {
    let mut t = [0u8; SMALL_MAX / 16 + 1];
    let mut i = 0;
    while i <= SMALL_MAX / 16 {
        let mut c = 0;
        while CLASS_SIZES[c] < i * 16 {
            c += 1;
        }
        t[i] = c as u8;
        i += 1;
    }
    t
};

/// The small class for a request, or None when it belongs to the TLSF path.
#[inline]
pub(crate) fn class_for(size: usize, align: usize, bound: usize) -> Option<usize> {
    let a = if align == 0 { 64 } else { align };
    if size == 0 || size > SMALL_MAX || a > 64 || !a.is_power_of_two() {
        return None;
    }
    // Cannot overflow: size <= SMALL_MAX and a <= 64.
    let r = (size + a - 1) & !(a - 1);
    let c = CLASS_OF[r.div_ceil(16)] as usize;
    // Objects never cross their span's boundary, a multiple of any smaller power of two.
    if bound != 0 && bound < CLASSES[c].span as usize {
        return None;
    }
    debug_assert!(
        CLASS_SIZES[c].is_multiple_of(a) || a < 16,
        "class size must be a multiple of align"
    );
    Some(c)
}

/// Base of the span of class `c` holding address `o`.
#[inline]
pub(crate) fn span_base(o: usize, c: usize) -> usize {
    o & !(if c < BIG_CLASS { SPAN } else { BIG_SPAN } - 1)
}
/// First class with `BIG_SPAN` spans.
const BIG_CLASS: usize = 20;
const _: () = assert!(CLASS_SIZES[BIG_CLASS - 1] == 2048 && CLASS_SIZES[BIG_CLASS] > 2048);

/// Base of the span covering `a`, from its chunk-map byte `v` (span bits 1 = first chunk,
/// 1 + k = k-th).
#[inline]
pub(crate) fn base_from_chunk(a: usize, v: u8) -> usize {
    (a & !(SPAN - 1)) - ((v & CHUNK_SPAN_BITS) as usize - 1) * SPAN
}

/// Sets the span bits of the chunk byte `c` to `bits`, keeping its other bits. Heap lock held
/// (the only writers of chunk bytes hold it).
fn set_span_bits(c: &AtomicU8, bits: u8) {
    c.store(
        (c.load(Ordering::Relaxed) & !CHUNK_SPAN_BITS) | bits,
        Ordering::Release,
    );
}

/// Span header, at chunk base + 64.
#[repr(C)]
pub(crate) struct SpanHdr {
    magic: u64,
    pub(crate) class: u32,
    pub(crate) nobj: u32,
    pub(crate) nfree: u32,
    cursor: u32,
    next: *mut SpanHdr,
    prev: *mut SpanHdr,
    on_partial: u32,
    _pad: [u32; 5],
}
const _: () = assert!(std::mem::size_of::<SpanHdr>() == HDR);

impl SpanHdr {
    pub(crate) fn next_span(&self) -> *mut SpanHdr {
        self.next
    }
}

/// The central state of one size class (under `lock`). Zeroed is empty.
#[repr(C)]
pub(crate) struct Central {
    pub(crate) lock: crate::sync::RobustMutex,
    pub(crate) partial: *mut SpanHdr,
    pub(crate) nspans: u64,
    pub(crate) nempty: u64,
}

/// Span header of the chunk containing `a`.
#[inline]
pub(crate) fn span_of(a: usize) -> *mut SpanHdr {
    ((a & !(SPAN - 1)) + HDR) as *mut SpanHdr
}

/// The state byte of the object at `o` (class `c`); `o` must be an object of a live span.
#[inline]
pub(crate) fn state_of<'a>(o: usize, c: usize) -> &'a AtomicU8 {
    let base = span_base(o, c);
    let ci = &CLASSES[c];
    let idx = ((o - base - ci.first as usize) as u64 * ci.recip) >> 32;
    // SAFETY: `o` is an object of a span of class `c`, so `idx < nobj` and the state byte lies
    // in the span's state array.
    unsafe { &*((base + STATES_OFF + idx as usize) as *const AtomicU8) }
}

/// Why an address is not an object of a span.
pub(crate) enum NotObject {
    /// Not a span (bad magic): the chunk map and the span disagree.
    Corrupt,
    /// Inside a span but not at an object's start.
    Interior,
}

/// Checks that `a` is an object start in its span; returns (class, state byte).
/// The caller has checked that `a`'s chunk is marked as part of the span at `base`.
#[inline(always)]
pub(crate) fn object_check(a: usize, base: usize) -> Result<(usize, &'static AtomicU8), NotObject> {
    // SAFETY: the chunk map says a span starts at `base`, so its header is mapped heap memory.
    let s = unsafe { &*span_of(base) };
    if s.magic != base as u64 ^ SPAN_MAGIC || s.class as usize >= NCLASS {
        return Err(NotObject::Corrupt);
    }
    let c = s.class as usize;
    let ci = &CLASSES[c];
    let off = (a - base).wrapping_sub(ci.first as usize);
    let idx = (off as u64 * ci.recip) >> 32;
    if off >= ci.span as usize || idx >= ci.nobj as u64 || idx as usize * ci.size as usize != off {
        return Err(NotObject::Interior);
    }
    // SAFETY: `idx < nobj`: the byte lies in the span's state array.
    Ok((c, unsafe {
        &*((base + STATES_OFF + idx as usize) as *const AtomicU8)
    }))
}

/// Whether `a` is an object of class `c` in a live span of this heap (for walking chains that
/// may be damaged: a dead process's cache).
pub(crate) fn is_object_of(heap: &Heap, a: usize, c: usize) -> bool {
    let Some(r) = heap.regions.find(a) else {
        return false;
    };
    let v = r.chunk(a).load(Ordering::Acquire);
    if v & CHUNK_PRESENT == 0 || v & CHUNK_SPAN_BITS == 0 {
        return false;
    }
    matches!(object_check(a, base_from_chunk(a, v)), Ok((cc, _)) if cc == c)
}

fn obj_addr(s: *const SpanHdr, c: usize, idx: usize) -> usize {
    (s as usize - HDR) + CLASSES[c].first as usize + idx * CLASSES[c].size as usize
}

fn states(s: &SpanHdr) -> &[AtomicU8] {
    // SAFETY: the state array of `nobj` bytes follows the header inside the span.
    unsafe {
        std::slice::from_raw_parts(
            (s as *const SpanHdr as usize + HDR) as *const AtomicU8,
            s.nobj as usize,
        )
    }
}

impl Central {
    fn push_partial(&mut self, s: &mut SpanHdr) {
        debug_assert!(s.on_partial == 0, "span already on the partial list");
        s.prev = null_mut();
        s.next = self.partial;
        if !s.next.is_null() {
            // SAFETY: partial list members are live span headers (class lock held).
            unsafe { (*s.next).prev = s };
        }
        self.partial = s;
        s.on_partial = 1;
    }
    fn unlink_partial(&mut self, s: &mut SpanHdr) {
        debug_assert!(s.on_partial == 1, "span not on the partial list");
        // SAFETY: partial list members are live span headers (class lock held).
        unsafe {
            if s.prev.is_null() {
                self.partial = s.next;
            } else {
                (*s.prev).next = s.next;
            }
            if !s.next.is_null() {
                (*s.next).prev = s.prev;
            }
        }
        s.on_partial = 0;
    }
}

impl Heap {
    pub(crate) fn central(&self, c: usize) -> *mut Central {
        self.classes[c].get()
    }

    /// Carves a new span for class `c` from TLSF (growing the heap if needed).
    /// Class lock held.
    fn new_span(&self, c: usize) -> Option<*mut SpanHdr> {
        let ci = &CLASSES[c];
        // The span is initialised and published under the heap lock, header first and chunk
        // mark last, so a TLSF rebuild after a crash can tell a finished span from a torn one.
        let sz = ci.span as usize;
        let (h, _) = self.tlsf_alloc(sz, sz, 0, 0, 0, |h, clean| {
            // SAFETY: the block [h, h+SPAN) is ours; the header and state array lie inside it.
            unsafe {
                let s = &mut *span_of(h);
                s.class = c as u32;
                s.nobj = ci.nobj;
                s.nfree = ci.nobj;
                s.cursor = 0;
                s.on_partial = 0;
                let st = (h + STATES_OFF) as *mut u8;
                std::ptr::write_bytes(
                    st,
                    if clean { ST_FREE_CLEAN } else { ST_FREE_DIRTY },
                    ci.nobj as usize,
                );
                s.magic = h as u64 ^ SPAN_MAGIC;
                blk(h).flags |= FLAG_SPAN;
            }
            let r = self.regions.find(h).expect("span inside a region");
            for k in (1..sz / SPAN).rev() {
                set_span_bits(r.chunk(h + k * SPAN), CHUNK_SPAN + k as u8);
            }
            set_span_bits(r.chunk(h), CHUNK_SPAN);
        })?;
        // SAFETY: initialised above; class lock held.
        let s = unsafe { &mut *span_of(h) };
        // SAFETY: class lock held by the caller.
        let cen = unsafe { &mut *self.central(c) };
        cen.nspans += 1;
        cen.nempty += 1;
        cen.push_partial(s);
        Some(s)
    }

    /// Gives back to TLSF every empty span (including the per-class reserve) that lies in
    /// `[base, base+len)`, so that the region can be taken out of the heap.
    pub(crate) fn release_empty_spans_in(&self, base: usize, len: usize) {
        for c in 0..NCLASS {
            let _cg = self.lock_class(c);
            let mut empty: Vec<*mut SpanHdr> = Vec::new();
            {
                let _hg = self.lock.lock();
                self.for_each_span(|_, sp| {
                    let a = sp as *mut SpanHdr as usize;
                    if a >= base && a < base + len && sp.class as usize == c && sp.nfree == sp.nobj
                    {
                        empty.push(sp);
                    }
                });
            }
            for sp in empty {
                // SAFETY: an empty live span of class c found under the locks; the class lock
                // is still held, so it stayed empty.
                self.release_span(c, unsafe { &mut *sp });
            }
        }
    }

    /// Gives an empty span back to TLSF. Class lock held.
    fn release_span(&self, c: usize, s: &mut SpanHdr) {
        // SAFETY: class lock held by the caller.
        let cen = unsafe { &mut *self.central(c) };
        debug_assert!(s.nfree == s.nobj, "releasing a span with objects in use");
        cen.unlink_partial(s);
        cen.nspans -= 1;
        cen.nempty -= 1;
        s.magic = 0;
        let h = s as *mut SpanHdr as usize - HDR;
        let _ = self.tlsf_free_block(h, |h| -> Result<(), ()> {
            let r = self.regions.find(h).expect("span inside a region");
            // SAFETY: heap lock held; `h` is the span's block header.
            let sz = unsafe { blk(h).size } as usize;
            for k in 0..sz / SPAN {
                set_span_bits(r.chunk(h + k * SPAN), 0);
            }
            // SAFETY: heap lock held; `h` is the span's block header.
            unsafe { blk(h).flags &= !FLAG_SPAN };
            Ok(())
        });
    }

    /// Builds a chain of up to `want` free objects of class `c`, publishes it through
    /// `publish(head, n)`, then marks the objects cached. Class lock held. Returns the count.
    pub(crate) fn take_objects(
        &self,
        c: usize,
        want: usize,
        publish: impl FnOnce(*mut u8, usize),
    ) -> usize {
        // SAFETY: class lock held by the caller.
        let cen = unsafe { &mut *self.central(c) };
        let mut chain: *mut u8 = null_mut();
        let mut n = 0;
        let mut s = cen.partial;
        while n < want {
            let mut fresh = false;
            if s.is_null() {
                match self.new_span(c) {
                    Some(ns) => s = ns,
                    None => break,
                }
                // A new span goes to the head of the partial list, in front of spans already
                // scanned this round (whose objects are chained but not yet marked).
                fresh = true;
            }
            // SAFETY: `s` is a live span on the partial list (or just made).
            let sp = unsafe { &mut *s };
            let st = states(sp);
            let mut k = (sp.nfree as usize).min(want - n);
            let mut i = sp.cursor as usize;
            let nobj = sp.nobj as usize;
            let mut scanned = 0;
            while k > 0 && scanned < nobj {
                if i >= nobj {
                    i = 0;
                }
                if st[i].load(Ordering::Relaxed) <= ST_FREE_DIRTY {
                    let o = obj_addr(sp, c, i);
                    // SAFETY: `o` is a free object of this span: its first word is ours.
                    unsafe { *(o as *mut *mut u8) = chain };
                    chain = o as *mut u8;
                    n += 1;
                    k -= 1;
                }
                i += 1;
                scanned += 1;
            }
            sp.cursor = i as u32;
            s = if fresh { null_mut() } else { sp.next };
        }
        publish(chain, n);
        let mut o = chain as usize;
        for _ in 0..n {
            let sp = span_of(span_base(o, c));
            // SAFETY: `o` is one of the objects just chained; its span is live (lock held).
            let sp = unsafe { &mut *sp };
            let b = state_of(o, c);
            let v = b.load(Ordering::Relaxed);
            debug_assert!(v <= ST_FREE_DIRTY, "chained object is not free");
            b.store(v + 2, Ordering::Relaxed);
            if sp.nfree == sp.nobj {
                cen.nempty -= 1;
            }
            sp.nfree -= 1;
            if sp.nfree == 0 {
                cen.unlink_partial(sp);
            }
            // SAFETY: the chain's links were written above.
            o = unsafe { *(o as *const usize) };
        }
        n
    }

    /// Returns up to `max` objects of the chain at `head` to their spans; `lenient` accepts
    /// any state and stops at anything that is not an object of class `c` (a dead process's
    /// chain). Calls `unpublish(rest)` before releasing spans that became empty. Class lock held.
    pub(crate) fn give_back(
        &self,
        c: usize,
        head: *mut u8,
        max: usize,
        lenient: bool,
        unpublish: impl FnOnce(*mut u8),
    ) -> usize {
        // SAFETY: class lock held by the caller.
        let cen = unsafe { &mut *self.central(c) };
        let mut o = head as usize;
        let mut n = 0;
        let mut empty: [*mut SpanHdr; 8] = [null_mut(); 8];
        let mut ne = 0;
        while n < max && o != 0 {
            if lenient && !is_object_of(self, o, c) {
                o = 0;
                break;
            }
            // SAFETY: `o` is an object of a live span of class `c` (checked or guaranteed by
            // the chain's owner); its first word is the chain link.
            let next = unsafe { *(o as *const usize) };
            let b = state_of(o, c);
            let v = b.load(Ordering::Relaxed);
            debug_assert!(
                lenient || v == ST_CACHED_CLEAN || v == ST_CACHED_DIRTY,
                "cached object in state {v}"
            );
            n += 1;
            o = next;
            if v <= ST_FREE_DIRTY {
                continue; // already free: a dead refill/give-back got this far
            }
            b.store(
                if v == ST_CACHED_CLEAN {
                    ST_FREE_CLEAN
                } else {
                    ST_FREE_DIRTY
                },
                Ordering::Relaxed,
            );
            // SAFETY: as above, the span is live.
            let sp = unsafe { &mut *span_of(b as *const AtomicU8 as usize) };
            sp.nfree += 1;
            if sp.nfree == 1 {
                cen.push_partial(sp);
            }
            if sp.nfree == sp.nobj {
                cen.nempty += 1;
                if ne < empty.len() {
                    empty[ne] = sp;
                    ne += 1;
                }
            }
        }
        unpublish(o as *mut u8);
        for &s in &empty[..ne] {
            // SAFETY: spans noted above are live; recheck emptiness (a later object may have
            // been noted twice) and keep one empty span per class as a reserve.
            let sp = unsafe { &mut *s };
            if sp.nfree == sp.nobj && sp.magic != 0 && cen.nempty > 1 {
                self.release_span(c, sp);
            }
        }
        n
    }

    /// Calls `f` on every span header of the heap. Heap lock must be held (regions stable).
    pub(crate) fn for_each_span(&self, mut f: impl FnMut(&Region, &mut SpanHdr)) {
        self.regions.for_each(|r| {
            let (lo, hi) = r.extent();
            let mut a = (lo >> SPAN_SHIFT) << SPAN_SHIFT;
            while a < hi {
                // A span chunk is always whole inside its region.
                if a >= r.base() {
                    let v = r.chunk(a).load(Ordering::Acquire);
                    if v & CHUNK_PRESENT != 0 && v & CHUNK_SPAN_BITS == CHUNK_SPAN {
                        // SAFETY: the chunk map marks a live span at `a`.
                        f(r, unsafe { &mut *span_of(a) });
                    }
                }
                a += SPAN;
            }
        });
    }

    /// Repairs class `c` after its lock was taken from a dead holder: returns dead slots'
    /// chains of this class, then recomputes nfree, the partial list and the empty count.
    /// Class lock held (recovered).
    pub(crate) fn recover_class(&self, c: usize) {
        self.return_dead_chains(c);
        // SAFETY: class lock held.
        let cen = unsafe { &mut *self.central(c) };
        cen.partial = null_mut();
        cen.nspans = 0;
        cen.nempty = 0;
        let _g = self.lock_heap();
        let mut spans = Vec::new();
        self.for_each_span(|_, s| {
            if s.class as usize == c {
                spans.push(s as *mut SpanHdr);
            }
        });
        drop(_g);
        for s in spans {
            // SAFETY: span headers found in the chunk maps; class lock held.
            let s = unsafe { &mut *s };
            s.nfree = states(s)
                .iter()
                .filter(|b| b.load(Ordering::Relaxed) <= ST_FREE_DIRTY)
                .count() as u32;
            s.on_partial = 0;
            cen.nspans += 1;
            if s.nfree == s.nobj {
                cen.nempty += 1;
            }
            if s.nfree > 0 {
                cen.push_partial(s);
            }
        }
    }

    /// Counts (free, cached, allocated) objects of a span.
    pub(crate) fn span_counts(s: &SpanHdr) -> Result<(u32, u32, u32), String> {
        let (mut f, mut ca, mut al) = (0, 0, 0);
        for b in states(s) {
            match b.load(Ordering::Relaxed) {
                ST_FREE_CLEAN | ST_FREE_DIRTY => f += 1,
                ST_CACHED_CLEAN | ST_CACHED_DIRTY => ca += 1,
                ST_ALLOC => al += 1,
                v => return Err(format!("span {:p}: bad object state {v}", s)),
            }
        }
        Ok((f, ca, al))
    }

    /// Structural check of span `s` against its class (class lock held).
    pub(crate) fn check_span(&self, s: &SpanHdr) -> Result<(u32, u32, u32), String> {
        let base = s as *const SpanHdr as usize - HDR;
        if s.magic != base as u64 ^ SPAN_MAGIC || s.class as usize >= NCLASS {
            return Err(format!("span {base:#x}: bad magic or class"));
        }
        if s.nobj != CLASSES[s.class as usize].nobj {
            return Err(format!("span {base:#x}: nobj {} wrong", s.nobj));
        }
        let (f, ca, al) = Self::span_counts(s)?;
        if f != s.nfree {
            return Err(format!(
                "span {base:#x}: nfree {} but {f} free states",
                s.nfree
            ));
        }
        if (s.on_partial == 1) != (f > 0) {
            return Err(format!("span {base:#x}: partial-list membership wrong"));
        }
        Ok((f, ca, al))
    }
}
