//! A process-shared mutex that a dead holder cannot wedge, for the heap's slow paths.
//!
//! The heap's central structures (the TLSF free lists and each size class's span lists) are
//! guarded by [`RobustMutex`]: a futex word in shared memory (FUTEX_WAIT/WAKE *without* the
//! PRIVATE flag, so waiters in other processes are woken) plus the pid of the holder. This is
//! the same liveness idea as `crate::shlock::ShRwLock`, reduced to what the heap needs: an
//! uncontended lock/unlock costs one CAS and one store, and no syscall unless someone waits.
//!
//! State word: 0 = unlocked, else the holder's pid, plus a `WAITERS` bit when a waiter may be
//! asleep. The pid is written by the very CAS that takes the lock, so a holder is never
//! anonymous. A waiter spins briefly, then sleeps on the word with a timeout; after each
//! timeout it checks whether the holder pid still exists and, if not, takes the lock over by
//! CAS on the word (exactly one waiter wins). The lock stays locked across the hand-over, so
//! the winner returns with [`Locked::recovered`] set and must repair whatever the dead holder
//! left half-written. Threads of one process share a pid: that is fine, a thread cannot die
//! alone while holding the lock (guards unlock on unwind).
//!
//! Invariant: `state & PID_MASK` is the pid of the holding process, or 0 when unlocked.
//! Zeroed memory is an unlocked lock. (pids fit in 22 bits on Linux.)

use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::sync::Once;

/// How long a sleeper waits before it checks the holder for liveness.
const LIVENESS_NS: i64 = 20_000_000;
/// Spins before sleeping.
const SPINS: u32 = 200;

/// A process-shared, owner-death-tolerant mutex. Zeroed memory is unlocked.
#[repr(C)]
#[derive(Default)]
pub(crate) struct RobustMutex {
    /// 0 = unlocked; else the holder's pid, with `WAITERS` set when someone may sleep.
    state: AtomicU32,
    _pad: u32,
    recoveries: AtomicU64,
}

/// Set in `state` when a waiter may be sleeping (pids are below 2^22 on Linux).
const WAITERS: u32 = 1 << 31;
const PID_MASK: u32 = WAITERS - 1;

static PID: AtomicI32 = AtomicI32::new(0);
static ATFORK: Once = Once::new();

extern "C" fn after_fork_in_child() {
    // SAFETY: getpid has no preconditions and is async-signal-safe.
    PID.store(unsafe { libc::getpid() }, Ordering::Relaxed);
    crate::heap::forget_thread_caches_after_fork();
}

/// This process's pid, cached (glibc no longer caches getpid; the heap's locks need it often).
/// A `pthread_atfork` child handler refreshes the cache and drops the forking thread's cache
/// slot bindings, which belong to the parent.
#[inline]
pub(crate) fn my_pid() -> i32 {
    let p = PID.load(Ordering::Relaxed);
    if p != 0 {
        return p;
    }
    ATFORK.call_once(|| {
        // SAFETY: registering a plain extern "C" handler; the handler only touches atomics and
        // this thread's thread-local table.
        unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    });
    // SAFETY: getpid has no preconditions.
    let p = unsafe { libc::getpid() };
    PID.store(p, Ordering::Relaxed);
    p
}

/// True while the process `pid` runs (an exited, unreaped one counts as dead).
pub(crate) fn pid_alive(pid: i32) -> bool {
    crate::sys::pid_alive(pid)
}

fn futex(word: &AtomicU32, op: libc::c_int, val: u32, timeout_ns: i64) {
    let ts = libc::timespec {
        tv_sec: (timeout_ns / 1_000_000_000) as libc::time_t,
        tv_nsec: (timeout_ns % 1_000_000_000) as libc::c_long,
    };
    let tsp = if op == libc::FUTEX_WAIT {
        &ts as *const libc::timespec
    } else {
        std::ptr::null()
    };
    // SAFETY: the word is a valid aligned u32 for the call; WAIT only reads it and WAKE does not
    // touch memory. No PRIVATE flag: sleepers in other processes mapping the word are woken.
    unsafe { libc::syscall(libc::SYS_futex, word.as_ptr(), op, val, tsp, 0usize, 0u32) };
}

/// Proof of holding a [`RobustMutex`]; unlocks on drop.
pub(crate) struct Locked<'a> {
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
    pub(crate) fn lock(&self) -> Locked<'_> {
        let me = my_pid() as u32;
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
    fn lock_slow(&self, me: u32) -> bool {
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
        loop {
            let s = self.state.load(Ordering::Relaxed);
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
                    .compare_exchange(s, s | WAITERS, Ordering::Relaxed, Ordering::Relaxed)
                    .is_err()
            {
                continue;
            }
            futex(&self.state, libc::FUTEX_WAIT, s | WAITERS, LIVENESS_NS);
            let s = self.state.load(Ordering::Acquire);
            let holder = (s & PID_MASK) as i32;
            if s != 0
                && !pid_alive(holder)
                && self
                    .state
                    .compare_exchange(s, me | WAITERS, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                // The holder's pid was in the lock word itself, so there is no window in
                // which a dead holder is anonymous. The lock passes to us as it stands.
                self.recoveries.fetch_add(1, Ordering::Relaxed);
                return true;
            }
        }
    }

    fn unlock(&self) {
        debug_assert_eq!(
            self.state.load(Ordering::Relaxed) & PID_MASK,
            my_pid() as u32,
            "unlock by a process that does not hold the lock"
        );
        if self.state.swap(0, Ordering::Release) & WAITERS != 0 {
            futex(&self.state, libc::FUTEX_WAKE, 1, 0);
        }
    }

    /// Number of times the lock was taken over from a dead holder.
    pub(crate) fn recoveries(&self) -> u64 {
        self.recoveries.load(Ordering::Relaxed)
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
