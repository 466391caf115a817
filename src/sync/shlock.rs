//! Process-shared reader-writer lock that survives the death of its holder.
//!
//! DPDK's shared-config locks (`rte_mcfg_{mem,tailq,mempool}_*`, `rte_mcfg_timer_*`) live in
//! shared memory and are taken by every process attached to a prefix. DPDK uses plain
//! spinning rwlocks: a process killed while holding one hangs every other process forever.
//! Here the lock records who holds it: the writer's pid in the lock word, and the read holds
//! of each process in a small slot table. A waiter sleeps on a futex for a short interval at a
//! time, then checks whether the holders are still alive and, if a holder is dead, takes its
//! holds away ([`ShRwLock::recoveries`] counts those events so that callers can validate the
//! state the dead process may have left half-written).
//!
//! Layout: `repr(C)`, no pointers, valid when zeroed — so it can sit in a file mapped at
//! different times by different processes.
//!
//! Invariants:
//! - `state` is 0 or `WRITER | pid`: write-held (or being drained of readers) by process
//!   `pid`. The pid is written by the very CAS that takes the lock, so a writer killed at any
//!   instruction is never anonymous.
//! - Read holds are counted only in the slots: `readers[i]` = (pid, count) of that process's
//!   holds, so taking back a dead process's holds touches nothing of anyone else's. A reader
//!   counts itself, then checks `state` (and backs off if a writer is there); a writer sets
//!   `state`, then waits until the live slots' counts are 0. Both sides use SeqCst, so one of
//!   them always sees the other (Dekker).
//! - Slot `pid`: 0 free, > 0 its process, < 0 being reclaimed by process `-pid`. A process
//!   claims a free slot once (under a process-local mutex, so its threads share one slot);
//!   only reclaiming a dead process's slot frees it, count first.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::sync::Once;
use std::time::Duration;

/// Set in `state` while write-held; the low bits are then the writer's pid (pids are below
/// 2^22 on Linux).
const WRITER: u32 = 1 << 31;
const PID_MASK: u32 = WRITER - 1;
/// Number of processes whose read holds are tracked individually.
pub(crate) const READER_SLOTS: usize = 256;
/// How long a waiter sleeps before it checks the holders for liveness.
const LIVENESS_INTERVAL: Duration = Duration::from_millis(50);

/// Serialises this process's slot claims (two threads' first read holds must not claim two
/// slots: unlock would find only one of them). A flag rather than a mutex, so that a child
/// forked while another thread held it can start afresh (`pthread_atfork` resets it).
static CLAIM: AtomicBool = AtomicBool::new(false);
static ATFORK: Once = Once::new();

extern "C" fn claim_reset_in_child() {
    CLAIM.store(false, Ordering::Relaxed);
}

/// Holds [`CLAIM`] for its lifetime.
struct ClaimGuard;

impl ClaimGuard {
    fn take() -> ClaimGuard {
        ATFORK.call_once(|| {
            // SAFETY: registers a plain extern "C" handler that only stores to an atomic.
            unsafe { libc::pthread_atfork(None, None, Some(claim_reset_in_child)) };
        });
        while CLAIM
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::thread::yield_now();
        }
        ClaimGuard
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        CLAIM.store(false, Ordering::Release);
    }
}

#[repr(C)]
#[derive(Default)]
struct ReaderSlot {
    pid: AtomicI32,
    count: AtomicI32,
}

/// A process-shared, owner-death-tolerant rwlock. Zeroed memory is an unlocked lock.
#[repr(C)]
pub struct ShRwLock {
    state: AtomicU32,
    /// Bumped (and woken) when a read hold goes away while a writer waits for readers.
    drain: AtomicU32,
    recoveries: AtomicU64,
    readers: [ReaderSlot; READER_SLOTS],
}

impl Default for ShRwLock {
    fn default() -> Self {
        ShRwLock {
            state: AtomicU32::new(0),
            drain: AtomicU32::new(0),
            recoveries: AtomicU64::new(0),
            readers: std::array::from_fn(|_| ReaderSlot::default()),
        }
    }
}

fn pid() -> i32 {
    std::process::id() as i32
}

fn alive(pid: i32) -> bool {
    crate::sys::pid_alive(pid)
}

fn futex_wait(word: &AtomicU32, expected: u32, timeout: Duration) {
    let ts = libc::timespec {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: the futex word is a valid, aligned u32 for the duration of the call; FUTEX_WAIT
    // (without the PRIVATE flag, so it works across processes sharing the mapping) only reads it.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            &ts as *const _,
            0,
            0,
        )
    };
}

fn futex_wake_all(word: &AtomicU32) {
    // SAFETY: as in futex_wait; FUTEX_WAKE does not access memory beyond the word's address.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE,
            i32::MAX,
            0,
            0,
            0,
        )
    };
}

impl ShRwLock {
    /// Number of times a dead holder's hold was taken away.
    pub fn recoveries(&self) -> u64 {
        self.recoveries.load(Ordering::Relaxed)
    }

    fn find_slot(&self, me: i32) -> Option<&ReaderSlot> {
        self.readers
            .iter()
            .find(|s| s.pid.load(Ordering::Acquire) == me)
    }

    fn my_slot(&self, create: bool) -> Option<&ReaderSlot> {
        let me = pid();
        if let Some(s) = self.find_slot(me) {
            return Some(s);
        }
        if !create {
            return None;
        }
        let _g = ClaimGuard::take();
        if let Some(s) = self.find_slot(me) {
            return Some(s); // another thread of this process claimed it meanwhile
        }
        loop {
            for s in &self.readers {
                if s.pid
                    .compare_exchange(0, me, Ordering::SeqCst, Ordering::Acquire)
                    .is_ok()
                {
                    return Some(s);
                }
            }
            // Every slot names a process (more than READER_SLOTS at once): free the slots
            // of dead ones, then retry.
            self.reclaim_dead();
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Read holds of live (or not yet reclaimed) processes.
    fn readers_held(&self) -> i64 {
        self.readers
            .iter()
            .filter(|s| s.pid.load(Ordering::SeqCst) > 0)
            .map(|s| s.count.load(Ordering::SeqCst).max(0) as i64)
            .sum()
    }

    /// Gives back one read hold of `slot`, waking a writer that waits for readers.
    fn drop_read(&self, slot: &ReaderSlot) {
        slot.count.fetch_sub(1, Ordering::SeqCst);
        if self.state.load(Ordering::SeqCst) != 0 {
            self.drain.fetch_add(1, Ordering::SeqCst);
            futex_wake_all(&self.drain);
        }
    }

    /// Takes a read hold.
    pub fn read_lock(&self) {
        let slot = self.my_slot(true).expect("slot");
        loop {
            slot.count.fetch_add(1, Ordering::SeqCst);
            let s = self.state.load(Ordering::SeqCst);
            if s == 0 {
                return;
            }
            // A writer holds the lock or waits for readers to leave: back off until it is done.
            self.drop_read(slot);
            futex_wait(&self.state, s, LIVENESS_INTERVAL);
            self.reclaim_dead();
        }
    }

    /// Releases a read hold taken by this process.
    pub fn read_unlock(&self) {
        let Some(slot) = self.my_slot(false) else {
            debug_assert!(false, "read_unlock without a read hold");
            return;
        };
        if slot.count.load(Ordering::Acquire) <= 0 {
            debug_assert!(false, "read_unlock without a read hold");
            return;
        }
        self.drop_read(slot);
    }

    /// Takes the write hold.
    pub fn write_lock(&self) {
        let me = WRITER | pid() as u32;
        loop {
            let s = self.state.load(Ordering::SeqCst);
            if s == 0 {
                if self
                    .state
                    .compare_exchange_weak(0, me, Ordering::SeqCst, Ordering::Relaxed)
                    .is_ok()
                {
                    break;
                }
                continue;
            }
            futex_wait(&self.state, s, LIVENESS_INTERVAL);
            self.reclaim_dead();
        }
        // New readers now back off; wait for the ones inside to leave.
        loop {
            let d = self.drain.load(Ordering::SeqCst);
            if self.readers_held() == 0 {
                return;
            }
            futex_wait(&self.drain, d, LIVENESS_INTERVAL);
            self.reclaim_dead();
        }
    }

    /// Releases the write hold.
    pub fn write_unlock(&self) {
        let me = WRITER | pid() as u32;
        // Only the holder releases: a child forked while its parent held the lock must not
        // release the parent's hold.
        if self
            .state
            .compare_exchange(me, 0, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
        {
            debug_assert!(false, "write_unlock without the write hold");
            return;
        }
        futex_wake_all(&self.state);
    }

    /// Takes away the holds of processes that no longer exist.
    fn reclaim_dead(&self) {
        let s = self.state.load(Ordering::Acquire);
        if s & WRITER != 0
            && !alive((s & PID_MASK) as i32)
            && self
                .state
                .compare_exchange(s, 0, Ordering::SeqCst, Ordering::Acquire)
                .is_ok()
        {
            self.recoveries.fetch_add(1, Ordering::Relaxed);
            futex_wake_all(&self.state);
        }
        let me = pid();
        for slot in &self.readers {
            let p = slot.pid.load(Ordering::Acquire);
            // p < 0: being reclaimed by process -p; take over if that one died doing it.
            if p == 0 || alive(p.abs()) {
                continue;
            }
            if slot
                .pid
                .compare_exchange(p, -me, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                continue;
            }
            if slot.count.swap(0, Ordering::SeqCst) > 0 {
                self.recoveries.fetch_add(1, Ordering::Relaxed);
                self.drain.fetch_add(1, Ordering::SeqCst);
                futex_wake_all(&self.drain);
            }
            slot.pid.store(0, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn shared_lock() -> &'static ShRwLock {
        // SAFETY: a fresh MAP_SHARED anonymous mapping is zeroed (= unlocked) and stays mapped
        // for the test process's life; forked children share it.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                std::mem::size_of::<ShRwLock>(),
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            &*(p as *const ShRwLock)
        }
    }

    #[test]
    fn writers_exclude_each_other_across_threads() {
        let lock = Arc::new(ShRwLock::default());
        let counter = Arc::new(AtomicU64::new(0));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let (l, c) = (lock.clone(), counter.clone());
                std::thread::spawn(move || {
                    for _ in 0..2000 {
                        l.write_lock();
                        let v = c.load(Ordering::Relaxed);
                        c.store(v + 1, Ordering::Relaxed);
                        l.write_unlock();
                    }
                })
            })
            .collect();
        hs.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(counter.load(Ordering::Relaxed), 8000);
    }

    #[test]
    fn a_write_hold_names_its_writer_from_the_first_instant() {
        // A writer killed right after its CAS must still be identifiable (or nobody could ever
        // take the lock back): the pid is part of the very word the CAS writes.
        let lock = ShRwLock::default();
        lock.write_lock();
        assert_eq!(lock.state.load(Ordering::Relaxed), WRITER | pid() as u32);
        lock.write_unlock();
        assert_eq!(lock.state.load(Ordering::Relaxed), 0);
        // A hold in the name of a process that does not exist is taken back.
        lock.state.store(WRITER | 0x3f_fffe, Ordering::Relaxed);
        lock.write_lock();
        assert_eq!(lock.recoveries(), 1);
        lock.write_unlock();
    }

    #[test]
    fn readers_share_and_block_writer() {
        let lock = Arc::new(ShRwLock::default());
        lock.read_lock();
        lock.read_lock();
        let l2 = lock.clone();
        let t = std::thread::spawn(move || {
            l2.read_lock();
            l2.read_unlock();
        });
        t.join().unwrap();
        assert_eq!(lock.readers_held(), 2);
        assert_eq!(lock.state.load(Ordering::Relaxed), 0);
        lock.read_unlock();
        lock.read_unlock();
        lock.write_lock();
        lock.write_unlock();
        assert_eq!(lock.state.load(Ordering::Relaxed), 0);
    }

    fn fork_and_die_holding(lock: &'static ShRwLock, write: bool) {
        // SAFETY: the child only takes the lock and exits with _exit; no allocation or locking of
        // the parent's mutexes happens between fork and _exit.
        let child = unsafe { libc::fork() };
        assert!(child >= 0);
        if child == 0 {
            if write {
                lock.write_lock();
            } else {
                lock.read_lock();
            }
            // SAFETY: _exit terminates the child immediately, holding the lock.
            unsafe { libc::_exit(0) };
        }
        let mut status = 0;
        // SAFETY: waiting for our own child.
        unsafe { libc::waitpid(child, &mut status, 0) };
    }

    #[test]
    fn dead_writer_does_not_hang_survivors() {
        let lock = shared_lock();
        fork_and_die_holding(lock, true);
        lock.write_lock();
        lock.write_unlock();
        lock.read_lock();
        lock.read_unlock();
        assert_eq!(lock.recoveries(), 1);
    }

    #[test]
    fn dead_reader_does_not_hang_a_writer() {
        let lock = shared_lock();
        fork_and_die_holding(lock, false);
        lock.write_lock();
        lock.write_unlock();
        assert_eq!(lock.recoveries(), 1);
        assert_eq!(lock.state.load(Ordering::Relaxed), 0);
        assert_eq!(lock.readers_held(), 0);
    }

    /// Runs `f` on a thread and fails the test if it has not finished within 10 s (a hang).
    fn within_10s(f: impl FnOnce() + Send + 'static) {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            f();
            let _ = tx.send(());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the lock hung");
    }

    #[test]
    fn threads_taking_their_first_read_hold_at_once_share_one_slot() {
        // Two threads of one process that both find no slot must not claim two: unlock would
        // find only the first and leave a hold behind, and every writer would hang.
        for _ in 0..300 {
            let lock: &'static ShRwLock = Box::leak(Box::default());
            let go = Arc::new(std::sync::Barrier::new(4));
            let hs: Vec<_> = (0..4)
                .map(|_| {
                    let go = go.clone();
                    std::thread::spawn(move || {
                        go.wait();
                        lock.read_lock();
                        lock.read_unlock();
                    })
                })
                .collect();
            hs.into_iter().for_each(|h| h.join().unwrap());
            let me = pid();
            let mine = lock
                .readers
                .iter()
                .filter(|s| s.pid.load(Ordering::Relaxed) == me)
                .count();
            assert_eq!(mine, 1);
            assert_eq!(lock.readers_held(), 0);
            within_10s(move || {
                lock.write_lock();
                lock.write_unlock();
            });
        }
    }

    #[test]
    fn a_dead_unreaped_holder_counts_as_dead() {
        // The parent of a child that died holding the lock may want the lock before it reaps
        // the child (a zombie still "exists" for kill(pid, 0)).
        let lock = shared_lock();
        for write in [true, false] {
            // SAFETY: the child only takes the lock and _exits.
            let child = unsafe { libc::fork() };
            assert!(child >= 0);
            if child == 0 {
                if write {
                    lock.write_lock();
                } else {
                    lock.read_lock();
                }
                // SAFETY: ends the child at once, holding the lock.
                unsafe { libc::_exit(0) };
            }
            // Wait until the child has exited, without reaping it.
            // SAFETY: all-zero is a valid siginfo_t for waitid to fill.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: waitid with WNOWAIT leaves the child a zombie.
            let r = unsafe {
                libc::waitid(
                    libc::P_PID,
                    child as libc::id_t,
                    &mut info,
                    libc::WEXITED | libc::WNOWAIT,
                )
            };
            assert_eq!(r, 0);
            within_10s(move || {
                lock.write_lock();
                lock.write_unlock();
            });
            let mut status = 0;
            // SAFETY: reaping our own child.
            unsafe { libc::waitpid(child, &mut status, 0) };
        }
    }

    #[test]
    fn only_the_writer_releases_its_hold() {
        let lock = ShRwLock::default();
        lock.state.store(WRITER | 0x3f_fffe, Ordering::Relaxed);
        // Not ours: nothing happens (a forked child must not release its parent's hold).
        if !cfg!(debug_assertions) {
            lock.write_unlock();
            assert_eq!(lock.state.load(Ordering::Relaxed), WRITER | 0x3f_fffe);
        }
        lock.state.store(0, Ordering::Relaxed);
    }

    #[test]
    fn a_dead_reader_takes_away_only_its_own_hold() {
        // Recovery must not touch a live reader's hold: while this process reads, a dead
        // process's holds are taken away and a writer still waits for the live one.
        let lock = shared_lock();
        lock.read_lock();
        fork_and_die_holding(lock, false);
        let writer_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let wd = writer_done.clone();
        let w = std::thread::spawn(move || {
            lock.write_lock();
            wd.store(true, Ordering::SeqCst);
            lock.write_unlock();
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            !writer_done.load(Ordering::SeqCst),
            "the writer got in past a live reader"
        );
        assert_eq!(lock.recoveries(), 1);
        lock.read_unlock();
        w.join().unwrap();
        assert!(writer_done.load(Ordering::SeqCst));
        assert_eq!(lock.readers_held(), 0);
    }

    #[test]
    fn readers_and_writers_exclude_each_other_under_contention() {
        let lock: &'static ShRwLock = Box::leak(Box::default());
        let inside = Arc::new(AtomicI32::new(0));
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let inside = inside.clone();
                std::thread::spawn(move || {
                    for i in 0..3000 {
                        if (i + t) % 5 == 0 {
                            lock.write_lock();
                            assert_eq!(inside.swap(-1, Ordering::SeqCst), 0);
                            inside.store(0, Ordering::SeqCst);
                            lock.write_unlock();
                        } else {
                            lock.read_lock();
                            assert!(inside.fetch_add(1, Ordering::SeqCst) >= 0);
                            inside.fetch_sub(1, Ordering::SeqCst);
                            lock.read_unlock();
                        }
                    }
                })
            })
            .collect();
        hs.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(lock.readers_held(), 0);
    }
}
