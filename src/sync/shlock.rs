//! Process-shared reader-writer lock that survives the death of its holder.
//!
//! DPDK's shared-config locks (`rte_mcfg_{mem,tailq,mempool}_*`, `rte_mcfg_timer_*`) live in
//! shared memory and are taken by every process attached to a prefix. DPDK uses plain
//! spinning rwlocks: a process killed while holding one hangs every other process forever.
//! Here the lock records who holds it, as a [`Holder`] (pid and start time, so a reused pid
//! is not mistaken for the dead holder): the writer in the lock word, and the read holds of
//! each process in a small slot table. A waiter sleeps on a futex for a short interval at a
//! time, then checks whether the holders are still alive and, if a holder is dead, takes its
//! holds away ([`ShRwLock::recoveries`] counts those events). A dead *writer* may have left
//! the guarded data half-written, so taking its hold away also poisons the lock
//! ([`ShRwLock::is_poisoned`]) until a writer that repaired the data clears it.
//!
//! rtemem's own code holds the lock only through [`ReadGuard`]/[`WriteGuard`]
//! (`lock.read()`, `lock.write()`); the raw `read_lock`/`write_unlock` pairs serve the exported
//! C functions, whose callers hold the lock across calls.
//!
//! Layout: `repr(C)`, no pointers, valid when zeroed — so it can sit in a file mapped at
//! different times by different processes.
//!
//! Invariants:
//! - `state` is 0 or `WRITER | holder` (plus `WAITERS` while someone may sleep on `wake`):
//!   write-held (or being drained of readers) by that process. The holder is written by the
//!   very CAS that takes the lock, so a writer killed at any instruction is never anonymous.
//! - Read holds are counted only in the slots: `readers[i]` = (holder, count) of that
//!   process's holds, so taking back a dead process's holds touches nothing of anyone else's.
//!   A reader counts itself, then checks `state` (and backs off if a writer is there); a writer
//!   sets `state`, then waits until the live slots' counts are 0. Both sides use SeqCst, so one
//!   of them always sees the other (Dekker).
//! - Slot `holder`: 0 free, a token for its process, `RECLAIMING | token` while that process
//!   takes the slot back from a dead one. A process claims a free slot once (its threads share
//!   it), starting at a slot given by its pid so that finding it again is usually one probe;
//!   only reclaiming a dead process's slot frees it, count first. `occupied` marks the
//!   slots a writer must look at. At most [`READER_SLOTS`]
//!   processes can hold slots at once; more wait until one of them dies.
//! - `wake` changes whenever `state` is released while `WAITERS` was set, and whenever a dead
//!   writer's hold is taken away; `drain` changes whenever a read hold goes away while a writer
//!   is there. Sleepers check the word's value before sleeping, so no wake-up is lost.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::guard::{RawRwLock, ReadGuard, WriteGuard};
use super::os::{on_fork_child, Holder, LivenessMemo};
use crate::sys::{futex_wait, futex_wake};

/// Set in `state` while write-held; the low bits are then the writer's token.
const WRITER: u64 = 1 << 63;
/// Set in `state` when a waiter may sleep on `wake`.
const WAITERS: u64 = 1 << 62;
/// Set in a slot's holder while a process takes the slot back from a dead one.
const RECLAIMING: u64 = 1 << 63;
/// Number of processes whose read holds are tracked individually.
pub(crate) const READER_SLOTS: usize = 256;
/// How long a waiter waits before it checks the holders for liveness (and then again).
const LIVENESS_INTERVAL: Duration = Duration::from_millis(50);

/// Serialises this process's slot claims (two threads' first read holds must not claim two
/// slots: the raw unlock would find only one of them). A flag rather than a mutex, so that a
/// child forked while another thread held it can start afresh (the fork hook resets it).
static CLAIM: AtomicBool = AtomicBool::new(false);

fn claim_reset_in_child() {
    CLAIM.store(false, Ordering::Relaxed);
}

/// Holds [`CLAIM`] for its lifetime.
struct ClaimGuard;

impl ClaimGuard {
    fn take() -> ClaimGuard {
        on_fork_child(claim_reset_in_child);
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
    holder: AtomicU64,
    count: AtomicU32,
    _pad: u32,
}

/// A process-shared, owner-death-tolerant rwlock. Zeroed memory is an unlocked lock.
#[repr(C)]
pub struct ShRwLock {
    state: AtomicU64,
    wake: AtomicU32,
    drain: AtomicU32,
    recoveries: AtomicU64,
    /// Non-zero from the moment a dead writer's hold is taken away until a writer clears it.
    poison: AtomicU32,
    _pad: u32,
    /// Bit i set: slot i may name a process (set after claiming, cleared before freeing), so
    /// a writer looks only at those slots.
    occupied: [AtomicU64; READER_SLOTS / 64],
    readers: [ReaderSlot; READER_SLOTS],
}

impl Default for ShRwLock {
    fn default() -> Self {
        ShRwLock {
            state: AtomicU64::new(0),
            wake: AtomicU32::new(0),
            drain: AtomicU32::new(0),
            recoveries: AtomicU64::new(0),
            poison: AtomicU32::new(0),
            _pad: 0,
            occupied: Default::default(),
            readers: std::array::from_fn(|_| ReaderSlot::default()),
        }
    }
}

/// A shared hold on an [`ShRwLock`].
pub type ShReadGuard<'a> = ReadGuard<'a, ShRwLock>;
/// The exclusive hold on an [`ShRwLock`].
pub type ShWriteGuard<'a> = WriteGuard<'a, ShRwLock>;

/// When a waiter next checks the holders' liveness (the clock is read only once it waits).
struct Check(Option<Instant>);

impl Check {
    fn new() -> Check {
        Check(None)
    }

    /// Takes dead holders' holds away when the interval has passed since the first wait.
    fn due(&mut self, lock: &ShRwLock) {
        let now = Instant::now();
        match self.0 {
            None => self.0 = Some(now + LIVENESS_INTERVAL),
            Some(t) if now >= t => {
                lock.reclaim_dead();
                self.0 = Some(now + LIVENESS_INTERVAL);
            }
            Some(_) => {}
        }
    }
}

fn home(me: Holder) -> usize {
    me.pid() as usize % READER_SLOTS
}

impl ShRwLock {
    /// Takes a shared hold, released when the guard drops.
    pub fn read(&self) -> ShReadGuard<'_> {
        ReadGuard::new(self)
    }

    /// Takes the exclusive hold, released when the guard drops.
    pub fn write(&self) -> ShWriteGuard<'_> {
        WriteGuard::new(self)
    }

    /// Number of times a dead holder's hold was taken away.
    pub fn recoveries(&self) -> u64 {
        self.recoveries.load(Ordering::Relaxed)
    }

    /// True when a writer died holding the lock and no writer has cleared the mark since:
    /// what the lock guards may be half-written.
    pub fn is_poisoned(&self) -> bool {
        self.poison.load(Ordering::SeqCst) != 0
    }

    /// True when no live process holds the write lock: it is not write-held, or its writer
    /// died (and the hold is taken away now). For lock-free readers (a seqlock) that must not
    /// wait for a writer that will never finish; this costs syscalls when write-held.
    pub fn writer_gone(&self) -> bool {
        if self.state.load(Ordering::SeqCst) & WRITER == 0 {
            return true;
        }
        self.reclaim_dead();
        self.state.load(Ordering::SeqCst) & WRITER == 0
    }

    /// True when nobody holds the lock (a snapshot; for checks and tests).
    pub fn is_idle(&self) -> bool {
        self.state.load(Ordering::SeqCst) == 0 && self.readers_held() == 0
    }

    /// The writer's token in `state`, if write-held.
    #[cfg(test)]
    fn writer(&self) -> Option<Holder> {
        let s = self.state.load(Ordering::SeqCst);
        (s & WRITER != 0).then(|| Holder::from_word(s)).flatten()
    }

    fn find_slot(&self, me: Holder) -> Option<usize> {
        let h = home(me);
        (0..READER_SLOTS)
            .map(|k| (h + k) % READER_SLOTS)
            .find(|&i| self.readers[i].holder.load(Ordering::Acquire) == me.raw())
    }

    /// This process's slot, claimed on first use.
    fn my_slot(&self) -> usize {
        let me = Holder::me();
        if let Some(i) = self.find_slot(me) {
            return i;
        }
        let _g = ClaimGuard::take();
        if let Some(i) = self.find_slot(me) {
            return i; // another thread of this process claimed it meanwhile
        }
        let h = home(me);
        loop {
            for k in 0..READER_SLOTS {
                let i = (h + k) % READER_SLOTS;
                if self.readers[i]
                    .holder
                    .compare_exchange(0, me.raw(), Ordering::SeqCst, Ordering::Acquire)
                    .is_ok()
                {
                    // Before this process counts a hold here (see `readers_held`).
                    self.occupied[i / 64].fetch_or(1 << (i % 64), Ordering::SeqCst);
                    return i;
                }
            }
            // Every slot names a process (more than READER_SLOTS at once): free the slots
            // of dead ones, then retry.
            self.reclaim_dead();
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Read holds of live (or not yet reclaimed) processes.
    fn readers_held(&self) -> u64 {
        let mut n = 0;
        for (w, word) in self.occupied.iter().enumerate() {
            let mut bits = word.load(Ordering::SeqCst);
            while bits != 0 {
                let s = &self.readers[w * 64 + bits.trailing_zeros() as usize];
                bits &= bits - 1;
                let h = s.holder.load(Ordering::SeqCst);
                if h != 0 && h & RECLAIMING == 0 {
                    n += s.count.load(Ordering::SeqCst) as u64;
                }
            }
        }
        n
    }

    /// Gives back one read hold of `slot`, waking a writer that waits for readers.
    fn drop_read(&self, slot: &ReaderSlot) {
        slot.count.fetch_sub(1, Ordering::SeqCst);
        if self.state.load(Ordering::SeqCst) != 0 {
            self.drain.fetch_add(1, Ordering::SeqCst);
            futex_wake(&self.drain, i32::MAX);
        }
    }

    /// Sleeps until `state` may have changed from `seen` (or the liveness interval passed).
    fn wait_while(&self, seen: u64) {
        let w = self.wake.load(Ordering::SeqCst);
        let cur = self.state.load(Ordering::SeqCst);
        if cur == 0 || cur & !WAITERS != seen & !WAITERS {
            return;
        }
        if cur & WAITERS == 0
            && self
                .state
                .compare_exchange(cur, cur | WAITERS, Ordering::SeqCst, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        futex_wait(&self.wake, w, Some(LIVENESS_INTERVAL));
    }

    /// Takes a read hold in this process's slot and returns the slot.
    fn read_lock_slot(&self) -> usize {
        let i = self.my_slot();
        let slot = &self.readers[i];
        let mut check = Check::new();
        loop {
            slot.count.fetch_add(1, Ordering::SeqCst);
            let s = self.state.load(Ordering::SeqCst);
            if s == 0 {
                return i;
            }
            // A writer holds the lock or waits for readers to leave: back off until it is done.
            self.drop_read(slot);
            self.wait_while(s);
            check.due(self);
        }
    }

    /// Releases a read hold of slot `i`, if the slot is this process's (a child of fork must
    /// not release holds its parent took).
    fn read_unlock_slot(&self, i: usize) {
        let slot = &self.readers[i];
        if slot.holder.load(Ordering::Acquire) != Holder::me().raw() {
            return; // a guard the parent took before fork: not this process's hold
        }
        if slot.count.load(Ordering::Acquire) == 0 {
            debug_assert!(false, "read unlock without a read hold");
            return;
        }
        self.drop_read(slot);
    }

    /// Takes a read hold (raw: for C callers that release it with [`ShRwLock::read_unlock`]).
    pub fn read_lock(&self) {
        self.read_lock_slot();
    }

    /// Releases a read hold this process took with [`ShRwLock::read_lock`].
    pub fn read_unlock(&self) {
        match self.find_slot(Holder::me()) {
            Some(i) => self.read_unlock_slot(i),
            None => debug_assert!(false, "read_unlock without a read hold"),
        }
    }

    /// Takes the write hold (raw: for C callers that release it with
    /// [`ShRwLock::write_unlock`]).
    pub fn write_lock(&self) {
        let me = WRITER | Holder::me().raw();
        let mut check = Check::new();
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
            self.wait_while(s);
            check.due(self);
        }
        // New readers now back off; wait for the ones inside to leave.
        loop {
            let d = self.drain.load(Ordering::SeqCst);
            if self.readers_held() == 0 {
                return;
            }
            futex_wait(&self.drain, d, Some(LIVENESS_INTERVAL));
            check.due(self);
        }
    }

    /// Releases the write hold. Only the holder releases: a child forked while its parent
    /// held the lock must not release the parent's hold.
    pub fn write_unlock(&self) {
        let me = WRITER | Holder::me().raw();
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            if s & !WAITERS != me {
                debug_assert!(false, "write_unlock without the write hold");
                return;
            }
            match self
                .state
                .compare_exchange_weak(s, 0, Ordering::SeqCst, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(cur) => s = cur,
            }
        }
        if s & WAITERS != 0 {
            self.wake.fetch_add(1, Ordering::SeqCst);
            futex_wake(&self.wake, i32::MAX);
        }
    }

    /// Takes away the holds of processes that no longer exist.
    fn reclaim_dead(&self) {
        let s = self.state.load(Ordering::Acquire);
        if let Some(w) = Holder::from_word(s).filter(|_| s & WRITER != 0) {
            if !w.is_alive() {
                // Poison first: whoever gets the lock after the CAS must see it.
                self.poison.store(1, Ordering::SeqCst);
                if self
                    .state
                    .compare_exchange(s, 0, Ordering::SeqCst, Ordering::Acquire)
                    .is_ok()
                {
                    self.recoveries.fetch_add(1, Ordering::Relaxed);
                    self.wake.fetch_add(1, Ordering::SeqCst);
                    futex_wake(&self.wake, i32::MAX);
                }
            }
        }
        let me = Holder::me();
        let mut memo = LivenessMemo::default();
        for (i, slot) in self.readers.iter().enumerate() {
            let h = slot.holder.load(Ordering::Acquire);
            // A slot being reclaimed names its reclaimer: take over if that one died doing it.
            let Some(who) = Holder::from_word(h) else {
                continue;
            };
            if who == me || memo.is_alive(who) {
                continue;
            }
            if slot
                .holder
                .compare_exchange(
                    h,
                    RECLAIMING | me.raw(),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_err()
            {
                continue;
            }
            if slot.count.swap(0, Ordering::SeqCst) > 0 {
                self.recoveries.fetch_add(1, Ordering::Relaxed);
                self.drain.fetch_add(1, Ordering::SeqCst);
                futex_wake(&self.drain, i32::MAX);
            }
            // Cleared while the slot is still ours: the next claimer sets it again after.
            self.occupied[i / 64].fetch_and(!(1 << (i % 64)), Ordering::SeqCst);
            slot.holder.store(0, Ordering::Release);
        }
    }
}

impl ShWriteGuard<'_> {
    /// True when a writer died holding the lock since the last [`Self::clear_poison`].
    pub fn is_poisoned(&self) -> bool {
        self.lock().is_poisoned()
    }

    /// Marks the guarded data as whole again (after repairing it under this guard).
    pub fn clear_poison(&self) {
        self.lock().poison.store(0, Ordering::SeqCst);
    }
}

// SAFETY: readers and writers exclude each other as the module doc explains; a dead holder's
// holds are taken away only once it can no longer run.
unsafe impl RawRwLock for ShRwLock {
    type Shared = usize;

    fn lock_shared(&self) -> usize {
        self.read_lock_slot()
    }

    unsafe fn unlock_shared(&self, slot: usize) {
        self.read_unlock_slot(slot)
    }

    fn lock_exclusive(&self) {
        self.write_lock()
    }

    unsafe fn unlock_exclusive(&self) {
        self.write_unlock()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::atomic::AtomicI32;
    use std::sync::Arc;

    /// A process that does not exist (above this machine's pid_max, below Linux's limit).
    const NOBODY: Holder = Holder::new(0x3f_fffe, 1);

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
        assert_eq!(lock.writer(), Some(Holder::me()));
        lock.write_unlock();
        assert_eq!(lock.state.load(Ordering::Relaxed), 0);
        // A hold in the name of a process that does not exist is taken back, and poisons.
        lock.state.store(WRITER | NOBODY.raw(), Ordering::Relaxed);
        assert!(!lock.is_poisoned());
        let g = lock.write();
        assert_eq!(lock.recoveries(), 1);
        assert!(g.is_poisoned());
        g.clear_poison();
        drop(g);
        assert!(!lock.is_poisoned());
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

    /// Forks a child that takes `lock` and exits at once, holding it; returns its pid.
    fn fork_child_dying_holding(lock: &'static ShRwLock, write: bool) -> libc::pid_t {
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
        child
    }

    fn fork_and_die_holding(lock: &'static ShRwLock, write: bool) {
        let child = fork_child_dying_holding(lock, write);
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
            let me = Holder::me().raw();
            let mine = lock
                .readers
                .iter()
                .filter(|s| s.holder.load(Ordering::Relaxed) == me)
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
            let child = fork_child_dying_holding(lock, write);
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
        lock.state.store(WRITER | NOBODY.raw(), Ordering::Relaxed);
        // Not ours: nothing happens (a forked child must not release its parent's hold).
        if !cfg!(debug_assertions) {
            lock.write_unlock();
            assert_eq!(lock.writer(), Some(NOBODY));
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

    /// Waits (at most `limit`) for `child` and returns its exit status (-1 on a signal).
    pub(crate) fn wait_child(child: libc::pid_t, limit: Duration) -> i32 {
        let t0 = Instant::now();
        loop {
            let mut st = 0;
            // SAFETY: polling our own child.
            let r = unsafe { libc::waitpid(child, &mut st, libc::WNOHANG) };
            if r == child {
                return if libc::WIFEXITED(st) {
                    libc::WEXITSTATUS(st)
                } else {
                    -1
                };
            }
            if t0.elapsed() > limit {
                // SAFETY: killing and reaping our own child, which hung.
                unsafe {
                    (
                        libc::kill(child, libc::SIGKILL),
                        libc::waitpid(child, &mut st, 0),
                    )
                };
                panic!("child {child} hung");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_panic_under_a_guard_leaves_the_lock_free_for_other_processes() {
        let lock = shared_lock();
        for write in [true, false] {
            let r = std::panic::catch_unwind(|| {
                let _g = if write {
                    Ok(lock.write())
                } else {
                    Err(lock.read())
                };
                panic!("injected");
            });
            assert!(r.is_err());
            assert_eq!(lock.state.load(Ordering::SeqCst), 0);
            assert_eq!(lock.readers_held(), 0);
            // This process lives on; another one takes the lock both ways.
            // SAFETY: the child only takes and releases the lock, then _exits.
            let child = unsafe { libc::fork() };
            assert!(child >= 0);
            if child == 0 {
                drop(lock.write());
                drop(lock.read());
                // SAFETY: ends the child.
                unsafe { libc::_exit(7) };
            }
            assert_eq!(wait_child(child, Duration::from_secs(10)), 7);
        }
        assert_eq!(lock.recoveries(), 0, "nothing had to be taken back");
    }

    #[test]
    fn a_writer_that_dies_poisons_the_lock_until_a_writer_clears_it() {
        let lock = shared_lock();
        fork_and_die_holding(lock, true);
        {
            let r = lock.read();
            assert!(r.lock().is_poisoned(), "readers see it too");
        }
        let g = lock.write();
        assert!(g.is_poisoned());
        g.clear_poison();
        drop(g);
        assert!(!lock.is_poisoned());
        // A dead reader poisons nothing: readers change nothing.
        fork_and_die_holding(lock, false);
        drop(lock.write());
        assert!(!lock.is_poisoned());
        assert_eq!(lock.recoveries(), 2);
    }

    #[test]
    fn a_guard_forked_into_a_child_releases_nothing_there() {
        let lock = shared_lock();
        let g = lock.read();
        // SAFETY: the child drops its copy of the guard and exits.
        let child = unsafe { libc::fork() };
        if child == 0 {
            drop(g);
            // SAFETY: ends the child.
            unsafe { libc::_exit(0) };
        }
        assert_eq!(wait_child(child, Duration::from_secs(10)), 0);
        assert_eq!(lock.readers_held(), 1, "the parent's hold is intact");
        drop(g);
        assert_eq!(lock.readers_held(), 0);
    }
}
