//! Per-thread caches of small objects, kept in a slot table inside the shared heap.
//!
//! The heap holds `NSLOTS` cache slots. A thread claims one slot per heap the first time it
//! allocates or frees a small object (one CAS on `owner`, which records its process as a
//! [`Holder`] token: pid and start time, so a reused pid is not taken for the dead owner), and
//! remembers it in a thread-local table. From then on the thread pushes and pops objects on its
//! slot's per-class chains with plain loads and stores: no atomic read-modify-write and no lock
//! on the fast path. A chain that runs empty is refilled with a batch from the class's spans,
//! and one that grows past its capacity gives a batch back (both under the class lock).
//!
//! The chains are singly linked through the objects' first word and null-terminated; `count`
//! is the chain length. Only the owning thread touches its slot, except (a) `validate`, which
//! assumes a quiescent heap, and (b) reclamation of a slot whose owner process is dead.
//!
//! Lifetimes: a thread's slots are flushed and released by a thread-local destructor when the
//! thread exits; `Heap::flush_thread_cache` flushes on demand. A process that dies (kill -9)
//! leaves its slots claimed: the next thread that claims a slot, or `reclaim_dead_caches`,
//! finds owners whose pid no longer exists, takes them over (CAS to a "reclaiming" marker),
//! returns their chains (anything on a dead chain is free, see `span.rs`) and frees the slot.
//! After `fork`, the child forgets the forking thread's bindings (they name the parent's
//! slots) through a handler registered with the sync layer's fork hook.
//!
//! The heap memory must outlive every thread that used it, or threads must call
//! `flush_thread_cache`/exit before it is unmapped: the destructor dereferences the heap.

use super::span::NCLASS;
use super::Heap;
use crate::sync::os::LivenessMemo;
use crate::sync::{on_fork_child, Holder};
use std::cell::UnsafeCell;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicU64, Ordering};

/// Number of cache slots per heap.
pub(crate) const NSLOTS: usize = 256;
const RECLAIMING: u64 = 1 << 63;
/// Heaps a thread can be bound to at once (more evicts the least recently used binding).
const NBIND: usize = 4;

/// One class's chain in a slot.
#[repr(C)]
pub(crate) struct ClassCache {
    pub(crate) head: *mut u8,
    pub(crate) count: u32,
    _pad: u32,
}

/// A thread's cache slot. Zeroed is free and empty.
#[repr(C)]
pub(crate) struct Slot {
    pub(crate) owner: AtomicU64,
    _pad: u64,
    pub(crate) lists: UnsafeCell<[ClassCache; NCLASS]>,
}

struct Bindings {
    e: UnsafeCell<[(usize, usize); NBIND]>,
}

/// Heaps this process stopped using (their memory is about to be unmapped by EAL cleanup):
/// bindings to them are dropped without touching the heap.
static FORGOTTEN: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());

/// Stops this process from touching `heap` again through thread caches: threads that exit
/// later skip it instead of flushing into memory that may be unmapped. Call it after
/// flushing what can be flushed and before unmapping the heap.
pub fn forget_heap(heap: &Heap) {
    let key = heap as *const Heap as usize;
    FORGOTTEN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(key);
    crate::base::tls::set(|h| {
        if h.heap_key == key {
            (h.heap_key, h.heap_slot) = (0, 0);
        }
    });
    let _ = BINDINGS.try_with(|b| {
        // SAFETY: this thread's own table, not otherwise borrowed while we run.
        for e in unsafe { (*b.e.get()).iter_mut() } {
            if e.0 == key {
                *e = (0, 0);
            }
        }
    });
}

fn forgotten(h: usize) -> bool {
    FORGOTTEN.lock().map(|v| v.contains(&h)).unwrap_or(true)
}

impl Drop for Bindings {
    fn drop(&mut self) {
        crate::base::tls::set(|h| (h.heap_key, h.heap_slot) = (0, 0));
        for &(h, s) in self.e.get_mut().iter() {
            if h != 0 && !forgotten(h) {
                // SAFETY: a bound heap outlives the threads that use it (module contract).
                let heap = unsafe { &*(h as *const Heap) };
                heap.release_slot(s as *mut Slot);
            }
        }
    }
}

thread_local! {
    /// All bindings; its destructor releases the slots at thread exit.
    static BINDINGS: Bindings = const { Bindings { e: UnsafeCell::new([(0, 0); NBIND]) } };
}
// The most recently used binding lives in crate::base::tls (initial-exec C TLS, no destructor), so
// the fast path reads it with one %fs-relative load and no registration check.

/// Called in the child after fork: the forking thread's bindings belong to the parent.
fn forget_thread_caches_after_fork() {
    let _ = BINDINGS.try_with(|b| {
        // SAFETY: this thread's own table; nothing else holds a reference during the handler.
        unsafe { *b.e.get() = [(0, 0); NBIND] };
    });
    crate::base::tls::set(|h| (h.heap_key, h.heap_slot) = (0, 0));
}

/// This thread's slot in `heap`, claiming one if needed; null when no slot can be had (table
/// full, or the thread is exiting), in which case callers use the locked uncached path.
#[inline]
pub(crate) fn current_slot(heap: &Heap) -> *mut Slot {
    let key = heap as *const Heap as usize;
    let (h, s) = crate::base::tls::get(|t| (t.heap_key, t.heap_slot));
    if h == key {
        return s as *mut Slot;
    }
    BINDINGS
        .try_with(|b| bind_slow(heap, b))
        .unwrap_or(null_mut())
}

#[cold]
fn bind_slow(heap: &Heap, b: &Bindings) -> *mut Slot {
    let key = heap as *const Heap as usize;
    on_fork_child(forget_thread_caches_after_fork);
    // SAFETY: this thread's own table, not otherwise borrowed while we run.
    let e = unsafe { &mut *b.e.get() };
    let slot = match e.iter().position(|x| x.0 == key) {
        Some(i) => e[i].1,
        None => {
            let s = heap.claim_slot();
            if s.is_null() {
                return s;
            }
            let (oh, os) = e[NBIND - 1];
            if oh != 0 {
                crate::base::tls::set(|h| (h.heap_key, h.heap_slot) = (0, 0));
                // SAFETY: bound heaps outlive their threads (module contract).
                unsafe { &*(oh as *const Heap) }.release_slot(os as *mut Slot);
                e[NBIND - 1] = (0, 0);
            }
            s as usize
        }
    };
    let i = e.iter().position(|x| x.0 == key).unwrap_or(NBIND - 1);
    e.copy_within(0..i, 1);
    e[0] = (key, slot);
    crate::base::tls::set(|h| (h.heap_key, h.heap_slot) = (key, slot));
    slot as *mut Slot
}

/// The slot this thread has in `heap`, without claiming one.
pub(crate) fn bound_slot(heap: &Heap) -> *mut Slot {
    let key = heap as *const Heap as usize;
    BINDINGS
        .try_with(|b| {
            // SAFETY: as in `current_slot`.
            let e = unsafe { &*b.e.get() };
            e.iter()
                .find(|x| x.0 == key)
                .map_or(null_mut(), |x| x.1 as *mut Slot)
        })
        .unwrap_or(null_mut())
}

impl Heap {
    /// Claims a free slot for this thread after reclaiming the slots of dead processes.
    fn claim_slot(&self) -> *mut Slot {
        self.reclaim_dead_caches();
        let me = Holder::me().raw();
        for s in &self.slots {
            if s.owner.load(Ordering::Relaxed) == 0
                && s.owner
                    .compare_exchange(0, me, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                return s as *const Slot as *mut Slot;
            }
        }
        null_mut()
    }

    /// Returns every chain of `slot` to the spans. The caller owns the slot.
    pub(crate) fn flush_slot(&self, slot: *mut Slot, lenient: bool) {
        for c in 0..NCLASS {
            // SAFETY: the caller owns the slot (its thread, or a reclaimer of a dead one).
            let cc = unsafe { &mut (*(*slot).lists.get())[c] };
            if cc.head.is_null() {
                continue;
            }
            let _g = self.lock_class(c);
            // Re-read under the lock: class recovery may have emptied a dead chain meanwhile.
            let head = cc.head;
            self.give_back(c, head, usize::MAX, lenient, |rest| {
                debug_assert!(rest.is_null(), "a full give-back leaves no rest");
                cc.head = null_mut();
                cc.count = 0;
            });
        }
    }

    /// Flushes and frees this thread's slot (thread exit, or binding eviction).
    pub(crate) fn release_slot(&self, slot: *mut Slot) {
        self.flush_slot(slot, false);
        // SAFETY: the slot is ours and lives in the heap.
        unsafe { (*slot).owner.store(0, Ordering::Release) };
    }

    /// Returns the calling thread's cached small objects of this heap to the shared spans
    /// (the thread keeps its slot).
    pub fn flush_thread_cache(&self) {
        let s = bound_slot(self);
        if !s.is_null() {
            self.flush_slot(s, false);
        }
    }

    /// Takes over and empties the cache slots of processes that no longer exist. Returns the
    /// number of slots reclaimed. Runs automatically whenever a thread claims a slot.
    pub fn reclaim_dead_caches(&self) -> usize {
        let me = Holder::me();
        let mut memo = LivenessMemo::default();
        let mut n = 0;
        for s in &self.slots {
            let o = s.owner.load(Ordering::Acquire);
            // A slot being reclaimed names its reclaimer: take over if that one died doing it.
            let Some(owner) = Holder::from_word(o) else {
                continue;
            };
            if owner == me || memo.is_alive(owner) {
                continue;
            }
            let mark = RECLAIMING | me.raw();
            if s.owner
                .compare_exchange(o, mark, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                self.flush_slot(s as *const Slot as *mut Slot, true);
                s.owner.store(0, Ordering::Release);
                n += 1;
            }
        }
        n
    }

    /// Number of claimed cache slots (live or not yet reclaimed).
    pub fn cache_slots_in_use(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.owner.load(Ordering::Relaxed) != 0)
            .count()
    }

    /// Returns the chains of class `c` held by slots of dead processes (class lock held).
    pub(crate) fn return_dead_chains(&self, c: usize) {
        let me = Holder::me();
        let mut memo = LivenessMemo::default();
        for s in &self.slots {
            let o = s.owner.load(Ordering::Acquire);
            let Some(owner) = Holder::from_word(o) else {
                continue;
            };
            if owner == me || memo.is_alive(owner) {
                continue;
            }
            // SAFETY: the owner is dead, so nothing else touches the chain; we hold the class
            // lock, which serialises us with a concurrent reclaimer of the same slot.
            let cc = unsafe { &mut (*s.lists.get())[c] };
            if !cc.head.is_null() {
                self.give_back(c, cc.head, usize::MAX, true, |_| {
                    cc.head = null_mut();
                    cc.count = 0;
                });
            }
        }
    }
}
