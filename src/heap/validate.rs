//! Heap statistics (DPDK's `rte_malloc_socket_stats` meaning) and the full consistency walk.
//!
//! `stats()` takes the heap lock and reads the TLSF totals, then counts allocated small
//! objects from the span state bytes (there are no per-allocation counters on the fast path).
//! Meaning of the fields, as DPDK defines them for a heap:
//! - `heap_totalsz_bytes`: bytes of all regions;
//! - `heap_freesz_bytes`: bytes of free TLSF blocks (headers included); spans, cached and
//!   free small objects count as allocated heap memory, as DPDK counts an element's overhead;
//! - `greatest_free_size`: the largest single allocation a free block could hold;
//! - `free_count`: number of free TLSF blocks;
//! - `alloc_count`: live user allocations (small objects plus medium/large blocks);
//! - `heap_allocsz_bytes`: `heap_totalsz_bytes - heap_freesz_bytes`.
//!
//! `validate()` takes every class lock and then the heap lock, and checks every structure:
//! the region table and each region's chunk map (present, pinned and span bits, the extent
//! and the unpinned count; `region.rs`), each run's block chain and the TLSF lists
//! (`tlsf.rs`), the chunk maps against the span blocks, each span's counters and list
//! membership against its state bytes, and each cache slot's chains against the spans. It
//! assumes a quiescent heap (cache slots are walked without their owners' cooperation); it
//! never writes.

use super::region::{Region, CHUNK_PINNED, CHUNK_PRESENT, CHUNK_SPAN, CHUNK_SPAN_BITS};
use super::span::{
    is_object_of, state_of, BIG_SPAN, CLASSES, NCLASS, ST_CACHED_CLEAN, ST_CACHED_DIRTY,
};
use super::tlsf::{FLAG_SPAN, HDR, MIN_BLOCK, SPAN, SPAN_SHIFT};
use super::Heap;
use std::sync::atomic::Ordering;

/// Heap statistics with the fields of DPDK's `rte_malloc_socket_stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeapStats {
    pub heap_totalsz_bytes: usize,
    pub heap_freesz_bytes: usize,
    pub greatest_free_size: usize,
    pub free_count: u32,
    pub alloc_count: u32,
    pub heap_allocsz_bytes: usize,
}

impl Heap {
    /// Current statistics; exact when no operation is in flight.
    pub fn stats(&self) -> HeapStats {
        let _g = self.lock_heap();
        // SAFETY: heap lock held.
        let t = unsafe { &*self.tlsf.get() };
        let mut small = 0u64;
        self.for_each_span(|_, s| {
            if let Ok((_, _, al)) = Self::span_counts(s) {
                small += al as u64;
            }
        });
        HeapStats {
            heap_totalsz_bytes: t.total_bytes as usize,
            heap_freesz_bytes: t.free_bytes as usize,
            greatest_free_size: (t.largest_free() as usize).saturating_sub(HDR),
            free_count: t.free_blocks as u32,
            alloc_count: (t.used_blocks + small) as u32,
            heap_allocsz_bytes: (t.total_bytes - t.free_bytes) as usize,
        }
    }

    /// Walks every structure of the heap; Err describes the first inconsistency.
    /// Call only when no other thread or process is using the heap.
    pub fn validate(&self) -> Result<(), String> {
        let _cg: Vec<_> = (0..NCLASS).map(|c| self.lock_class(c)).collect();
        let _g = self.lock_heap();
        // SAFETY: heap lock held.
        let t = unsafe { &*self.tlsf.get() };
        t.check_lists()?;
        self.regions.check_words()?;
        let (mut nfree, mut free_bytes, mut used, mut total) = (0u64, 0u64, 0u64, 0u64);
        let mut span_blocks = 0u64;
        let mut err: Option<String> = None;
        self.regions.for_each(|r| {
            if err.is_some() {
                return;
            }
            if let Err(e) = check_chunk_map(r) {
                err = Some(e);
                return;
            }
            total += r.held() as u64;
            let mut runs = 0;
            r.runs(|start, end| {
                runs += 1;
                if err.is_some() {
                    return;
                }
                let res = t.walk_run(start, end, |h, b| {
                    if b.is_free() {
                        nfree += 1;
                        free_bytes += b.size;
                    } else if b.flags & FLAG_SPAN != 0 {
                        span_blocks += 1;
                        // A span block may carry up to MIN_BLOCK - 64 bytes of unsplittable tail.
                        let sz = b.size as usize / SPAN * SPAN;
                        let bad = (sz != SPAN && sz != BIG_SPAN)
                            || b.size as usize - sz >= MIN_BLOCK
                            || h % sz != 0
                            || (0..sz / SPAN).any(|k| {
                                let v = r.chunk(h + k * SPAN).load(Ordering::Relaxed);
                                v & CHUNK_SPAN_BITS != CHUNK_SPAN + k as u8
                                    || v & CHUNK_PRESENT == 0
                            });
                        if bad {
                            err.get_or_insert(format!(
                                "span block {h:#x} not marked aligned chunks"
                            ));
                        }
                    } else {
                        used += 1;
                    }
                });
                if let Err(e) = res {
                    err.get_or_insert(e);
                }
            });
            if !r.is_area() && runs != 1 {
                err.get_or_insert(format!(
                    "added memory at {:#x} is {runs} runs, not one",
                    r.base()
                ));
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        if nfree != t.free_blocks || free_bytes != t.free_bytes {
            return Err(format!(
                "walk found {nfree} free blocks/{free_bytes} B, lists say {}/{}",
                t.free_blocks, t.free_bytes
            ));
        }
        if used != t.used_blocks {
            return Err(format!(
                "walk found {used} used blocks, counter says {}",
                t.used_blocks
            ));
        }
        if total != t.total_bytes {
            return Err(format!(
                "regions hold {total} B, counter says {}",
                t.total_bytes
            ));
        }
        // Spans: chunk maps, counters, list membership.
        let mut marked = 0u64;
        let mut per_class = [(0u64, 0u64, 0u64, 0u64); NCLASS]; // spans, empty, partial, cached
        let mut res = Ok(());
        self.for_each_span(|_, s| {
            marked += 1;
            if res.is_err() {
                return;
            }
            match self.check_span(s) {
                Ok((f, ca, _)) => {
                    let pc = &mut per_class[s.class as usize];
                    pc.0 += 1;
                    pc.1 += (f == s.nobj) as u64;
                    pc.2 += (f > 0) as u64;
                    pc.3 += ca as u64;
                }
                Err(e) => res = Err(e),
            }
        });
        res?;
        if marked != span_blocks {
            return Err(format!(
                "{marked} chunks marked as spans, {span_blocks} span blocks"
            ));
        }
        for (c, pc) in per_class.iter().enumerate() {
            // SAFETY: class lock held.
            let cen = unsafe { &*self.central(c) };
            if cen.nspans != pc.0 || cen.nempty != pc.1 {
                return Err(format!(
                    "class {c}: counters {}/{} vs spans {}/{}",
                    cen.nspans, cen.nempty, pc.0, pc.1
                ));
            }
            let mut n = 0;
            let mut p = cen.partial;
            while !p.is_null() && n <= pc.2 {
                // SAFETY: partial list members were just checked as live spans.
                let s = unsafe { &*p };
                if s.class as usize != c {
                    return Err(format!(
                        "class {c}: partial list holds a span of class {}",
                        s.class
                    ));
                }
                n += 1;
                p = s.next_span();
            }
            if n != pc.2 {
                return Err(format!(
                    "class {c}: partial list has {n} spans, {} have free objects",
                    pc.2
                ));
            }
        }
        // Cache slots.
        let mut cached = [0u64; NCLASS];
        for (i, slot) in self.slots.iter().enumerate() {
            if slot.owner.load(Ordering::Acquire) == 0 {
                // SAFETY: a free slot is touched by nobody.
                let l = unsafe { &*slot.lists.get() };
                if l.iter().any(|cc| !cc.head.is_null() || cc.count != 0) {
                    return Err(format!("free slot {i} holds objects"));
                }
                continue;
            }
            // SAFETY: quiescent heap (validate's contract): the chains are not being changed.
            let l = unsafe { &*slot.lists.get() };
            for (c, cc) in l.iter().enumerate() {
                let mut o = cc.head as usize;
                let mut n = 0u64;
                while o != 0 {
                    if n > cc.count as u64 || !is_object_of(self, o, c) {
                        return Err(format!(
                            "slot {i} class {c}: bad chain member {o:#x} at {n}"
                        ));
                    }
                    let v = state_of(o, c).load(Ordering::Relaxed);
                    if v != ST_CACHED_CLEAN && v != ST_CACHED_DIRTY {
                        return Err(format!("slot {i} class {c}: object {o:#x} in state {v}"));
                    }
                    n += 1;
                    // SAFETY: a checked cached object's first word is its chain link.
                    o = unsafe { *(o as *const usize) };
                }
                if n != cc.count as u64 {
                    return Err(format!(
                        "slot {i} class {c}: count {} but {n} objects",
                        cc.count
                    ));
                }
                cached[c] += n;
            }
        }
        for c in 0..NCLASS {
            if cached[c] != per_class[c].3 {
                return Err(format!(
                    "class {c} ({} B): {} objects cached, spans say {}",
                    CLASSES[c].size, cached[c], per_class[c].3
                ));
            }
        }
        Ok(())
    }

    /// Number of regions and the bytes the heap holds in them.
    pub fn regions(&self) -> (usize, usize) {
        let _g = self.lock_heap();
        let (mut n, mut b) = (0, 0);
        self.regions.for_each(|r: &Region| {
            n += 1;
            b += r.held();
        });
        (n, b)
    }

    /// Bytes of whole pages inside free blocks that could go back to the source (tests: after
    /// every free this is 0 unless the source refused pages, which are then pinned).
    #[cfg(test)]
    pub(crate) fn pages_left_to_give(&self) -> usize {
        let _g = self.lock_heap();
        let mut n = 0;
        self.regions.for_each(|r| {
            r.runs(|s, e| {
                let mut at = s;
                while at < e - HDR {
                    // SAFETY: walking a valid chain under the heap lock.
                    let b = unsafe { super::tlsf::blk(at) };
                    if b.is_free() && super::region::has_pages_to_give(r, at) {
                        n += b.size as usize;
                    }
                    at += b.size as usize;
                }
            })
        });
        n
    }
}

/// Checks a region's chunk map inside its extent: nothing but present chunks carry bits, span
/// bits are in range, added memory is wholly present and pinned, and the unpinned count is
/// what the map says.
fn check_chunk_map(r: &Region) -> Result<(), String> {
    let (lo, hi) = r.extent();
    let (base, end) = (r.base(), r.end());
    if !r.is_area() && (lo, hi) != (base, end) {
        return Err(format!(
            "added memory at {base:#x}: extent {lo:#x}..{hi:#x}"
        ));
    }
    let mut unpinned = 0usize;
    let mut a = lo;
    while a < hi {
        let next = ((a >> SPAN_SHIFT) + 1) << SPAN_SHIFT;
        let v = r.chunk(a).load(Ordering::Relaxed);
        if v & CHUNK_PRESENT == 0 && v != 0 {
            return Err(format!(
                "chunk {a:#x}: bits {v:#x} on memory the heap does not hold"
            ));
        }
        if v & CHUNK_SPAN_BITS > CHUNK_SPAN + 3 {
            return Err(format!("chunk {a:#x}: bad span bits {v:#x}"));
        }
        if !r.is_area() && v & (CHUNK_PRESENT | CHUNK_PINNED) != CHUNK_PRESENT | CHUNK_PINNED {
            return Err(format!(
                "chunk {a:#x} of added memory not present and pinned"
            ));
        }
        if v & CHUNK_PRESENT != 0 && v & CHUNK_PINNED == 0 {
            unpinned += next.min(end) - a;
        }
        a = next;
    }
    if unpinned != r.unpinned() {
        return Err(format!(
            "region {base:#x}: {unpinned} unpinned bytes in the map, count says {}",
            r.unpinned()
        ));
    }
    Ok(())
}

#[allow(dead_code)]
const _: () = assert!(SPAN == 1 << SPAN_SHIFT);
