//! Process-shared reader-writer lock that survives the death of its holder.
//!
//! DPDK's shared-config locks (`rte_mcfg_{mem,tailq,mempool}_*`, `rte_mcfg_timer_*`) live in
//! shared memory and are taken by every process attached to a prefix. DPDK uses plain
//! spinning rwlocks: a process killed while holding one hangs every other process forever.
//! Here the lock word is a futex shared between processes, and the lock records who holds it:
//! the writer's pid, and the read holds of each process in a small slot table. A waiter that
//! sleeps past a short interval checks whether the holders are still alive and, if a holder is
//! dead, takes its holds away ([`ShRwLock::recoveries`] counts those events so that callers can
//! validate the state the dead process may have left half-written).
//!
//! Layout: `repr(C)`, no pointers, valid when zeroed — so it can sit in a file mapped at
//! different times by different processes.
//!
//! Invariants:
//! - `state` is either `WRITER | pid` (write-held by process `pid`; the pid is written by the
//!   very CAS that takes the lock, so a writer killed at any instruction is never anonymous)
//!   or the number of read holds. At most one writer, and never a writer with readers.
//! - `readers[i]` = (pid, count) of read holds of that process; the sum of counts equals the
//!   reader count in `state`, except transiently inside lock/unlock.

use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Set in `state` while write-held; the low bits are then the writer's pid (pids are below
/// 2^22 on Linux).
const WRITER: u32 = 1 << 31;
const PID_MASK: u32 = WRITER - 1;
/// One read hold in `state`.
const READER: u32 = 1;
/// Number of processes whose read holds are tracked individually.
pub(crate) const READER_SLOTS: usize = 64;
/// How long a waiter sleeps before it checks the holders for liveness.
const LIVENESS_INTERVAL: Duration = Duration::from_millis(50);

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
    _reserved: u32,
    recoveries: AtomicU64,
    readers: [ReaderSlot; READER_SLOTS],
}

impl Default for ShRwLock {
    fn default() -> Self {
        ShRwLock {
            state: AtomicU32::new(0),
            _reserved: 0,
            recoveries: AtomicU64::new(0),
            readers: std::array::from_fn(|_| ReaderSlot::default()),
        }
    }
}

fn pid() -> i32 {
    std::process::id() as i32
}

/// True when a process with this pid exists (a zombie counts as dead to us only once reaped,
/// which is fine: its holds are released at the latest when its parent reaps it).
fn alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 only checks for existence and permission; it sends nothing.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
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

    fn my_slot(&self, create: bool) -> Option<&ReaderSlot> {
        let me = pid();
        if let Some(s) = self
            .readers
            .iter()
            .find(|s| s.pid.load(Ordering::Acquire) == me)
        {
            return Some(s);
        }
        if !create {
            return None;
        }
        loop {
            // Reuse a free slot or one left by a dead process with no holds.
            for s in &self.readers {
                let p = s.pid.load(Ordering::Acquire);
                let reusable = p == 0 || (!alive(p) && s.count.load(Ordering::Acquire) == 0);
                if reusable
                    && s.pid
                        .compare_exchange(p, me, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                {
                    return Some(s);
                }
            }
            // Every slot names a live process (more than READER_SLOTS readers at once):
            // reclaim dead ones, then retry.
            self.reclaim_dead();
            std::thread::yield_now();
        }
    }

    /// Takes a read hold.
    pub fn read_lock(&self) {
        let slot = self.my_slot(true).expect("slot");
        loop {
            let s = self.state.load(Ordering::Relaxed);
            if s & WRITER == 0 {
                // Count ourselves before publishing so recovery never sees more state readers
                // than slot counts for live processes.
                slot.count.fetch_add(1, Ordering::AcqRel);
                if self
                    .state
                    .compare_exchange_weak(s, s + READER, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return;
                }
                slot.count.fetch_sub(1, Ordering::AcqRel);
                continue;
            }
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
        // State first, then our count: if we die in between, recovery sees one count too many
        // for us and takes away at most what the state still holds (see reclaim_dead). The other
        // order would leave a reader in the state that no count accounts for: a hang.
        let prev = self.state.fetch_sub(READER, Ordering::Release);
        slot.count.fetch_sub(1, Ordering::AcqRel);
        if prev - READER == 0 {
            futex_wake_all(&self.state);
        }
    }

    /// Takes the write hold.
    pub fn write_lock(&self) {
        loop {
            let s = self.state.load(Ordering::Relaxed);
            if s == 0 {
                if self
                    .state
                    .compare_exchange_weak(
                        0,
                        WRITER | pid() as u32,
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    return;
                }
                continue;
            }
            futex_wait(&self.state, s, LIVENESS_INTERVAL);
            self.reclaim_dead();
        }
    }

    /// Releases the write hold.
    pub fn write_unlock(&self) {
        debug_assert!(
            self.state.load(Ordering::Relaxed) & WRITER != 0,
            "write_unlock without the write hold"
        );
        self.state.store(0, Ordering::Release);
        futex_wake_all(&self.state);
    }

    /// Takes away the holds of processes that no longer exist.
    fn reclaim_dead(&self) {
        let s = self.state.load(Ordering::Acquire);
        if s & WRITER != 0 {
            if !alive((s & PID_MASK) as i32)
                && self
                    .state
                    .compare_exchange(s, 0, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                self.recoveries.fetch_add(1, Ordering::Relaxed);
                futex_wake_all(&self.state);
            }
            return;
        }
        for slot in &self.readers {
            let p = slot.pid.load(Ordering::Acquire);
            if p == 0 || alive(p) {
                continue;
            }
            let n = slot.count.swap(0, Ordering::AcqRel);
            if n > 0 {
                // A process killed inside read_lock/read_unlock may have a count one higher than
                // the readers it put in the state: never take away more than the state holds.
                let mut s = self.state.load(Ordering::Acquire);
                loop {
                    if s & WRITER != 0 {
                        break; // write-held: no read hold is counted in the state
                    }
                    let take = (s / READER).min(n as u32);
                    match self.state.compare_exchange_weak(
                        s,
                        s - READER * take,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    ) {
                        Ok(_) => break,
                        Err(now) => s = now,
                    }
                }
                self.recoveries.fetch_add(1, Ordering::Relaxed);
                futex_wake_all(&self.state);
            }
            let _ = slot
                .pid
                .compare_exchange(p, 0, Ordering::AcqRel, Ordering::Acquire);
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
        assert_eq!(lock.state.load(Ordering::Relaxed), 2 * READER);
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
    }
}
