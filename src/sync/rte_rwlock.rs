//! DPDK 22.11's reader-writer lock (`rte_rwlock_t`), operated from Rust on the lock word that C
//! code shares.
//!
//! The lock is one `int32_t` (`cnt`) that may live in shared memory and be taken by C code
//! compiled from DPDK's inline functions, so the encoding must be DPDK 22.11's exactly:
//!
//! * bit 0 (`RTE_RWLOCK_WAIT`, 0x1): a writer is waiting; new readers hold back;
//! * bit 1 (`RTE_RWLOCK_WRITE`, 0x2): a writer holds the lock;
//! * each reader adds `RTE_RWLOCK_READ` (0x4).
//!
//! (The 22.11 header defines WAIT as 0x1 and WRITE as 0x2; older DPDK used -1 for a writer.)
//! A reader spins while either low bit is set, then adds 4 and backs out if a writer slipped in.
//! A writer moves the word from "0 or only WAIT" to exactly WRITE with a compare-exchange, and
//! otherwise sets WAIT and spins until only WAIT may remain. Orderings follow DPDK's: acquire on
//! taking, release on dropping.
//!
//! The lock is not recursive for writers, and a reader that read-locks again while a writer
//! waits would deadlock, so it must never be nested. It cannot name its holder, so a process
//! that dies holding it hangs everyone: rtemem's own shared locks are [`super::shlock`]'s.
//! This one is for lock words that C code built from DPDK's inline functions shares (the
//! fbarray struct's word is only zeroed at init). Rust code holds it through guards.

use std::sync::atomic::{AtomicI32, Ordering};

use super::guard::{RawRwLock, ReadGuard, WriteGuard};
use crate::abi::rte_rwlock_t;

/// A writer is waiting (`RTE_RWLOCK_WAIT`).
pub(crate) const RWLOCK_WAIT: i32 = 0x1;
/// A writer has the lock (`RTE_RWLOCK_WRITE`).
pub(crate) const RWLOCK_WRITE: i32 = 0x2;
/// Both writer bits (`RTE_RWLOCK_MASK`).
pub(crate) const RWLOCK_MASK: i32 = RWLOCK_WAIT | RWLOCK_WRITE;
/// What each reader adds (`RTE_RWLOCK_READ`).
pub(crate) const RWLOCK_READ: i32 = 0x4;

/// A handle on a lock word somewhere in memory (possibly shared with other processes).
#[derive(Clone, Copy)]
pub struct RwLock<'a> {
    cnt: &'a AtomicI32,
}

impl<'a> RwLock<'a> {
    /// Wraps the lock word at `lock`.
    ///
    /// # Safety
    /// `lock` is valid, 4-byte aligned and stays mapped for `'a`, and every other access to it
    /// is atomic (DPDK's inline functions and this module only use atomics on it).
    pub unsafe fn from_ptr(lock: *mut rte_rwlock_t) -> Self {
        // SAFETY: `rte_rwlock_t` is repr(C) with one i32 field, so the struct's address is the
        // i32's; the caller guarantees validity, alignment, lifetime and atomic-only access.
        let cnt = unsafe { AtomicI32::from_ptr(std::ptr::addr_of_mut!((*lock).cnt)) };
        RwLock { cnt }
    }

    /// `rte_rwlock_init`: the lock is free.
    pub fn init(&self) {
        self.cnt.store(0, Ordering::Relaxed);
    }

    /// `rte_rwlock_read_lock`.
    pub fn read_lock(&self) {
        loop {
            while self.cnt.load(Ordering::Relaxed) & RWLOCK_MASK != 0 {
                std::hint::spin_loop();
            }
            let x = self.cnt.fetch_add(RWLOCK_READ, Ordering::Acquire) + RWLOCK_READ;
            if x & RWLOCK_MASK == 0 {
                return;
            }
            self.cnt.fetch_sub(RWLOCK_READ, Ordering::Relaxed);
        }
    }

    /// `rte_rwlock_read_trylock`: true when the read lock was taken.
    pub fn read_trylock(&self) -> bool {
        if self.cnt.load(Ordering::Relaxed) & RWLOCK_MASK != 0 {
            return false;
        }
        let x = self.cnt.fetch_add(RWLOCK_READ, Ordering::Acquire) + RWLOCK_READ;
        if x & RWLOCK_MASK != 0 {
            self.cnt.fetch_sub(RWLOCK_READ, Ordering::Release);
            return false;
        }
        true
    }

    /// `rte_rwlock_read_unlock`.
    pub fn read_unlock(&self) {
        self.cnt.fetch_sub(RWLOCK_READ, Ordering::Release);
    }

    /// `rte_rwlock_write_trylock`: true when the write lock was taken.
    pub fn write_trylock(&self) -> bool {
        let x = self.cnt.load(Ordering::Relaxed);
        x < RWLOCK_WRITE
            && self
                .cnt
                .compare_exchange_weak(x, x + RWLOCK_WRITE, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
    }

    /// `rte_rwlock_write_lock`.
    pub fn write_lock(&self) {
        loop {
            let x = self.cnt.load(Ordering::Relaxed);
            if x < RWLOCK_WRITE
                && self
                    .cnt
                    .compare_exchange_weak(x, RWLOCK_WRITE, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return;
            }
            if x & RWLOCK_WAIT == 0 {
                self.cnt.fetch_or(RWLOCK_WAIT, Ordering::Relaxed);
            }
            while self.cnt.load(Ordering::Relaxed) > RWLOCK_WAIT {
                std::hint::spin_loop();
            }
        }
    }

    /// `rte_rwlock_write_unlock`.
    pub fn write_unlock(&self) {
        self.cnt.fetch_sub(RWLOCK_WRITE, Ordering::Release);
    }

    /// Holds the read lock until the guard drops (also when a panic unwinds).
    pub fn read(&self) -> ReadGuard<'_, RwLock<'a>> {
        ReadGuard::new(self)
    }

    /// Holds the write lock until the guard drops (also when a panic unwinds).
    pub fn write(&self) -> WriteGuard<'_, RwLock<'a>> {
        WriteGuard::new(self)
    }

    /// The raw lock word (for tests and dumps).
    pub fn raw(&self) -> i32 {
        self.cnt.load(Ordering::Relaxed)
    }
}

// SAFETY: DPDK's protocol (module doc): WRITE excludes readers and other writers, readers
// exclude WRITE. (Nothing here survives a dead holder: this word cannot name one.)
unsafe impl RawRwLock for RwLock<'_> {
    type Shared = ();

    fn lock_shared(&self) {
        self.read_lock()
    }

    unsafe fn unlock_shared(&self, _: ()) {
        self.read_unlock()
    }

    fn lock_exclusive(&self) {
        self.write_lock()
    }

    unsafe fn unlock_exclusive(&self) {
        self.write_unlock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    fn lock_of(l: &mut rte_rwlock_t) -> RwLock<'_> {
        // SAFETY: `l` is a live, aligned, exclusively borrowed lock word.
        unsafe { RwLock::from_ptr(l) }
    }

    #[test]
    fn readers_add_four_and_writer_sets_bit_one() {
        let mut l = rte_rwlock_t { cnt: 0 };
        let lk = lock_of(&mut l);
        lk.read_lock();
        lk.read_lock();
        assert_eq!(lk.raw(), 8);
        assert!(
            !lk.write_trylock(),
            "a writer cannot enter while readers hold the lock"
        );
        lk.read_unlock();
        lk.read_unlock();
        assert_eq!(lk.raw(), 0);
        lk.write_lock();
        assert_eq!(lk.raw(), RWLOCK_WRITE);
        assert!(
            !lk.read_trylock(),
            "a reader cannot enter while a writer holds the lock"
        );
        lk.write_unlock();
        assert_eq!(lk.raw(), 0);
    }

    #[test]
    fn waiting_writer_holds_back_new_readers() {
        let mut l = rte_rwlock_t { cnt: RWLOCK_WAIT };
        let lk = lock_of(&mut l);
        assert!(!lk.read_trylock());
        assert!(
            lk.write_trylock(),
            "a writer may take a lock that only has WAIT set"
        );
        assert_eq!(lk.raw(), RWLOCK_WAIT + RWLOCK_WRITE);
    }

    #[test]
    fn writers_exclude_each_other_across_threads() {
        struct Shared(std::cell::UnsafeCell<rte_rwlock_t>);
        // SAFETY: the lock word is only touched through atomics.
        unsafe impl Sync for Shared {}
        let shared = Arc::new(Shared(std::cell::UnsafeCell::new(rte_rwlock_t { cnt: 0 })));
        let counter = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let shared = shared.clone();
                let counter = counter.clone();
                std::thread::spawn(move || {
                    // SAFETY: the cell outlives the thread (Arc) and is only used atomically.
                    let lk = unsafe { RwLock::from_ptr(shared.0.get()) };
                    for i in 0..2000 {
                        if i % 3 == 0 {
                            let _g = lk.write();
                            // A non-atomic read-modify-write made safe only by the lock.
                            let v = counter.load(Ordering::Relaxed);
                            std::hint::spin_loop();
                            counter.store(v + 1, Ordering::Relaxed);
                        } else {
                            let _g = lk.read();
                            counter.load(Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(counter.load(Ordering::Relaxed), 4 * 667);
        // SAFETY: all threads have joined.
        assert_eq!(unsafe { (*shared.0.get()).cnt }, 0);
    }
}
