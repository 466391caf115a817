//! A process-shared mutex that a dead holder cannot wedge, for the heap's slow paths.
//!
//! The heap's central structures (the TLSF free lists and each size class's span lists) are
//! guarded by [`RobustMutex`]: a lock word in shared memory naming its holder (a [`Holder`]:
//! pid and start time) plus a futex word its sleepers wait on (FUTEX_WAIT/WAKE *without* the
//! PRIVATE flag, so waiters in other processes are woken). This is the same liveness idea as
//! [`super::shlock::ShRwLock`], reduced to what the heap needs: an uncontended lock/unlock
//! costs one CAS each, and no syscall unless someone waits.
//!
//! State word: 0 = unlocked, else the holder's token, plus a `WAITERS` bit when a waiter may
//! be asleep. The token is written by the very CAS that takes the lock, so a holder is never
//! anonymous. A waiter spins briefly, then sleeps on `wake` with a timeout; once it has waited
//! for the liveness interval it checks whether the holder still runs (a reused pid does not
//! count) and, if not, takes the lock over by CAS on the word (exactly one waiter wins). The
//! lock stays locked across the hand-over, so the winner returns with [`Locked::recovered`]
//! set and must repair whatever the dead holder left half-written. Threads of one process
//! share a token: that is fine, a thread cannot die alone while holding the lock (guards
//! unlock on unwind).
//!
//! Invariants: `state & TOKEN_MASK` is the holding process, or 0 when unlocked; `wake`
//! changes at every unlock that found `WAITERS`. Zeroed memory is an unlocked lock.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::os::{Holder, TOKEN_MASK};
use crate::sys::{futex_wait, futex_wake};

/// How long a sleeper waits before it checks the holder for liveness (and then again).
const LIVENESS_INTERVAL: Duration = Duration::from_millis(20);
/// Spins before sleeping.
const SPINS: u32 = 200;
/// Set in `state` when a waiter may be sleeping.
const WAITERS: u64 = 1 << 62;

/// A process-shared, owner-death-tolerant mutex. Zeroed memory is unlocked.
#[repr(C)]
#[derive(Default)]
pub struct RobustMutex {
    /// 0 = unlocked; else the holder's token, with `WAITERS` set when someone may sleep.
    state: AtomicU64,
    /// The futex word sleepers wait on: bumped by an unlock that found `WAITERS`.
    wake: AtomicU32,
    _pad: u32,
    recoveries: AtomicU64,
}

/// Proof of holding a [`RobustMutex`]; unlocks on drop.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct Locked<'a> {
    m: &'a RobustMutex,
    /// True when the lock was taken over from a dead process: repair before trusting the data.
    pub recovered: bool,
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        self.m.unlock();
    }
}

impl RobustMutex {
    /// Takes the lock, waiting (and recovering from a dead holder) as needed.
    #[inline]
    pub fn lock(&self) -> Locked<'_> {
        let me = Holder::me().raw();
        if self
            .state
            .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return Locked {
                m: self,
                recovered: false,
            };
        }
        let recovered = self.lock_slow(me);
        Locked { m: self, recovered }
    }

    /// Returns true when the lock was inherited from a dead holder.
    #[cold]
    fn lock_slow(&self, me: u64) -> bool {
        for _ in 0..SPINS {
            std::hint::spin_loop();
            if self.state.load(Ordering::Relaxed) == 0
                && self
                    .state
                    .compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return false;
            }
        }
        let mut check = Instant::now() + LIVENESS_INTERVAL;
        loop {
            let w = self.wake.load(Ordering::SeqCst);
            let s = self.state.load(Ordering::SeqCst);
            if s == 0 {
                // Others may still sleep: keep WAITERS so our unlock wakes them.
                if self
                    .state
                    .compare_exchange(0, me | WAITERS, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return false;
                }
                continue;
            }
            if s & WAITERS == 0
                && self
                    .state
                    .compare_exchange(s, s | WAITERS, Ordering::SeqCst, Ordering::Relaxed)
                    .is_err()
            {
                continue;
            }
            futex_wait(&self.wake, w, Some(LIVENESS_INTERVAL));
            let now = Instant::now();
            if now < check {
                continue;
            }
            check = now + LIVENESS_INTERVAL;
            let s = self.state.load(Ordering::Acquire);
            if Holder::from_word(s).is_some_and(|h| !h.is_alive())
                && self
                    .state
                    .compare_exchange(s, me | WAITERS, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                // The holder was in the lock word itself, so there is no window in which a
                // dead holder is anonymous. The lock passes to us as it stands.
                self.recoveries.fetch_add(1, Ordering::Relaxed);
                return true;
            }
        }
    }

    /// Releases the lock if this process holds it (a child of fork that inherited a guard
    /// must not release its parent's hold).
    fn unlock(&self) {
        let me = Holder::me().raw();
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            if s & TOKEN_MASK != me {
                debug_assert!(
                    Holder::from_word(s).is_some(),
                    "unlock of a mutex nobody holds"
                );
                return;
            }
            match self
                .state
                .compare_exchange_weak(s, 0, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(cur) => s = cur,
            }
        }
        if s & WAITERS != 0 {
            self.wake.fetch_add(1, Ordering::SeqCst);
            futex_wake(&self.wake, 1);
        }
    }

    /// Number of times the lock was taken over from a dead holder.
    pub fn recoveries(&self) -> u64 {
        self.recoveries.load(Ordering::Relaxed)
    }

    /// The raw lock word (for tests).
    #[cfg(test)]
    pub(crate) fn word(&self) -> u64 {
        self.state.load(Ordering::SeqCst)
    }

    /// Test hook: takes the lock and forgets the guard (the caller's process then "dies").
    #[cfg(test)]
    pub(crate) fn lock_and_leak(&self) {
        std::mem::forget(self.lock());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn mutex_excludes_threads() {
        let m = Arc::new(RobustMutex::default());
        let c = Arc::new(AtomicU64::new(0));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let (m, c) = (m.clone(), c.clone());
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        let _g = m.lock();
                        let v = c.load(Ordering::Relaxed);
                        c.store(v + 1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        hs.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(c.load(Ordering::Relaxed), 80_000);
        assert_eq!(m.state.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn dead_holder_is_taken_over_with_recovered_flag() {
        // SAFETY: a fresh MAP_SHARED anonymous mapping is zeroed (an unlocked mutex), shared with
        // the forked child, and never unmapped during the test.
        let m: &RobustMutex = unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            &*(p as *const RobustMutex)
        };
        // SAFETY: the child only locks (atomics, no allocation) and _exits.
        let child = unsafe { libc::fork() };
        if child == 0 {
            m.lock_and_leak();
            // SAFETY: terminate the child at once, still holding the lock.
            unsafe { libc::_exit(0) };
        }
        let mut st = 0;
        // SAFETY: waiting for our own child.
        unsafe { libc::waitpid(child, &mut st, 0) };
        let g = m.lock();
        assert!(g.recovered);
        drop(g);
        assert!(!m.lock().recovered);
        assert_eq!(m.recoveries(), 1);
    }
}
