//! RAII guards: the only way rtemem's own code holds a reader-writer lock.
//!
//! The model is `lock_api`: a lock type implements the raw operations once ([`RawRwLock`]) and
//! gets the guards for free. A guard releases its hold in `Drop`, so neither an early return
//! nor a panic (caught at the FFI boundary, where the process goes on living) can leave a lock
//! held. Only the exported C pairs (`rte_mcfg_*_lock` / `_unlock`), which C callers hold across
//! calls, use the raw operations directly.
//!
//! Guards are neither `Send` nor `Sync`-transferable across threads on purpose, as std's: a
//! hold belongs to the thread that took it.

use std::marker::PhantomData;

/// The raw operations of a reader-writer lock.
///
/// # Safety
/// An implementation must really exclude: while `lock_exclusive` holds, no other shared or
/// exclusive hold is granted (to a live holder), and shared holds exclude exclusive ones.
pub unsafe trait RawRwLock {
    /// What releasing a shared hold needs (e.g. the reader's slot), kept by the guard.
    type Shared: Copy;

    /// Takes a shared hold, waiting as needed.
    fn lock_shared(&self) -> Self::Shared;

    /// Releases a shared hold.
    ///
    /// # Safety
    /// `hold` came from `lock_shared` on this lock, in this process, and is released once.
    unsafe fn unlock_shared(&self, hold: Self::Shared);

    /// Takes the exclusive hold, waiting as needed.
    fn lock_exclusive(&self);

    /// Releases the exclusive hold.
    ///
    /// # Safety
    /// This process holds the lock exclusively (taken with `lock_exclusive`).
    unsafe fn unlock_exclusive(&self);
}

/// A shared hold on `L`, released on drop.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ReadGuard<'a, L: RawRwLock> {
    lock: &'a L,
    hold: L::Shared,
    _not_send: PhantomData<*const ()>,
}

impl<'a, L: RawRwLock> ReadGuard<'a, L> {
    /// Takes a shared hold on `lock`.
    pub fn new(lock: &'a L) -> Self {
        let hold = lock.lock_shared();
        ReadGuard {
            lock,
            hold,
            _not_send: PhantomData,
        }
    }

    /// The lock this guard holds.
    pub fn lock(&self) -> &'a L {
        self.lock
    }
}

impl<L: RawRwLock> Drop for ReadGuard<'_, L> {
    fn drop(&mut self) {
        // SAFETY: `hold` came from `lock_shared` in `new`, and a guard drops once.
        unsafe { self.lock.unlock_shared(self.hold) }
    }
}

/// The exclusive hold on `L`, released on drop.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct WriteGuard<'a, L: RawRwLock> {
    lock: &'a L,
    _not_send: PhantomData<*const ()>,
}

impl<'a, L: RawRwLock> WriteGuard<'a, L> {
    /// Takes the exclusive hold on `lock`.
    pub fn new(lock: &'a L) -> Self {
        lock.lock_exclusive();
        WriteGuard {
            lock,
            _not_send: PhantomData,
        }
    }

    /// The lock this guard holds.
    pub fn lock(&self) -> &'a L {
        self.lock
    }
}

impl<L: RawRwLock> Drop for WriteGuard<'_, L> {
    fn drop(&mut self) {
        // SAFETY: `new` took the exclusive hold, and a guard drops once.
        unsafe { self.lock.unlock_exclusive() }
    }
}
