//! The sync layer's leaf: the few facts about the OS that its locks rest on, in one place.
//!
//! - **Futex**: every lock of the crate sleeps through the crate's one futex wrapper,
//!   [`crate::sys::futex_wait`] / [`crate::sys::futex_wake`], on a 32-bit word that other
//!   processes map too (no `FUTEX_PRIVATE_FLAG`).
//! - **Holder identity**: a [`Holder`] names a process by its pid *and* its start time (field
//!   22 of `/proc/<pid>/stat`, in clock ticks since boot), packed in 62 bits so that a lock word
//!   can carry it with two flag bits and be taken by a single CAS: a holder killed at any
//!   instruction after that CAS is never anonymous. pid alone is not enough: a dead holder
//!   whose pid the kernel gave to a new process would keep its hold until that process exits.
//! - **Liveness**: [`Holder::is_alive`]. A holder is dead when its pid is gone, when the
//!   process with that pid has exited (a zombie its parent has not reaped counts as dead: the
//!   parent may itself be waiting for the lock), or when the process with that pid started at
//!   another time (the pid was reused).
//! - **The fork hook**: a child of `fork` is another process, so it forgets the cached
//!   identity of its parent and runs the handlers other layers registered with
//!   [`on_fork_child`] (the heap drops the parent's thread-cache bindings there). This module
//!   imports nothing from the crate but `sys`, so the heap and the locks no longer import each
//!   other.
//!
//! Why the start time and not a pidfd kept while the lock is held: a pidfd is only meaningful
//! to the process that holds it, so a waiter in another process could not use it to tell the
//! holder from a newcomer with the same pid; it would also cost a descriptor and two syscalls
//! on every acquisition. The start time is read once per process and costs nothing on the lock
//! path; only a waiter that has slept for a while pays the check (about 10 µs). Waiters do use a
//! pidfd *during* the check, to read the start time race-free (see [`Holder::is_alive`]).
//!
//! Limits: processes that share a lock must share a pid namespace (DPDK's liveness checks
//! assume the same). When `/proc` is not the process's own pid namespace (a `--pid` unshare
//! without a fresh `/proc`) or cannot be read, start times cannot be compared and liveness
//! falls back to the pid alone. Start times count clock ticks (10 ms): two processes with
//! one pid that started within one tick are not told apart. Without help (writing
//! `/proc/sys/kernel/ns_last_pid`) that needs the whole pid space to wrap within those 10 ms.

use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Once;

use crate::sys;

/// Bits of a token that hold the pid (Linux pids are below 2^22).
const PID_BITS: u32 = 24;
const PID_MASK: u64 = (1 << PID_BITS) - 1;
/// Bits of a token that hold the start time: 2^38 ticks at 100 Hz is 87 years of uptime.
const START_BITS: u32 = 38;
const START_MASK: u64 = (1 << START_BITS) - 1;
/// The bits a token uses; the two above are free for a lock's flags.
pub(crate) const TOKEN_MASK: u64 = (1 << (PID_BITS + START_BITS)) - 1;

/// A process, as a lock records it: pid and start time in one non-zero word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Holder(u64);

/// This process's token, cached; 0 until first asked and again in a child of fork.
static ME: AtomicU64 = AtomicU64::new(0);
/// Whether `/proc` shows this process's pid namespace: 0 not yet known, 1 yes, 2 no.
static PROC_OURS: AtomicU8 = AtomicU8::new(0);

impl Holder {
    /// This process.
    #[inline]
    pub fn me() -> Holder {
        let t = ME.load(Ordering::Relaxed);
        if t != 0 {
            return Holder(t);
        }
        Holder::me_slow()
    }

    #[cold]
    fn me_slow() -> Holder {
        register_atfork();
        let pid = sys::getpid();
        // /proc/self is this process whatever namespace /proc belongs to, so its start time is
        // ours even where other processes' entries cannot be trusted.
        let start = read_stat(None).map_or(0, |s| s.start);
        let h = Holder::new(pid, start);
        ME.store(h.0, Ordering::Relaxed);
        h
    }

    /// The token for process `pid` started at tick `start` (0 = unknown).
    pub const fn new(pid: i32, start: u64) -> Holder {
        debug_assert!(
            pid > 0 && (pid as u64) <= PID_MASK,
            "a pid does not fit a holder token"
        );
        Holder((pid as u64 & PID_MASK) | (start & START_MASK) << PID_BITS)
    }

    /// The holder a lock word names (its flag bits ignored), None for no holder.
    #[inline]
    pub fn from_word(w: u64) -> Option<Holder> {
        let t = w & TOKEN_MASK;
        (t != 0).then_some(Holder(t))
    }

    /// The token, to store in a lock word (non-zero, within [`TOKEN_MASK`]).
    #[inline]
    pub fn raw(self) -> u64 {
        self.0
    }

    /// The holder's pid.
    pub fn pid(self) -> i32 {
        (self.0 & PID_MASK) as i32
    }

    /// The holder's start time in clock ticks since boot (truncated to 38 bits; 0 = unknown).
    pub fn start(self) -> u64 {
        self.0 >> PID_BITS & START_MASK
    }

    /// True while the process this token names runs. See the module doc for what counts as
    /// dead; this costs a few syscalls, so callers ask only after waiting for a while.
    pub fn is_alive(self) -> bool {
        let pid = self.pid();
        if pid <= 0 {
            return false;
        }
        if self == Holder::me() {
            return true;
        }
        let compare = self.start() != 0 && proc_is_ours();
        let fd = match sys::pidfd_open(pid) {
            Ok(fd) => fd,
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) => return false,
            Err(_) => return alive_without_pidfd(self, compare),
        };
        // The pidfd pins the process P that has the pid now. If P has not exited after the
        // stat read below, the entry read was P's; P is the holder if and only if it started
        // when the holder did (the holder recorded itself before we looked, so P is the
        // holder or a process that got the pid after the holder was gone).
        let stat = if compare { read_stat(Some(pid)) } else { None };
        let exited = sys::pidfd_exited(&fd);
        drop(fd);
        if exited {
            return false;
        }
        match stat {
            Some(s) => s.start & START_MASK == self.start(),
            // Unreadable (hidepid, no /proc): the pid is alive, which is all we know.
            None => true,
        }
    }
}

/// Liveness answers remembered for one pass over many holders (the slots of one process's
/// threads, the readers of one lock): each process is checked once per pass.
#[derive(Default)]
pub struct LivenessMemo {
    seen: [(u64, bool); 8],
    n: usize,
}

impl LivenessMemo {
    /// [`Holder::is_alive`], asked at most once per holder per memo (for the first 8 holders).
    pub fn is_alive(&mut self, h: Holder) -> bool {
        if let Some(&(_, a)) = self.seen[..self.n].iter().find(|e| e.0 == h.0) {
            return a;
        }
        let a = h.is_alive();
        if self.n < self.seen.len() {
            self.seen[self.n] = (h.0, a);
            self.n += 1;
        }
        a
    }
}

/// Liveness where pidfds are missing (old kernel, seccomp): existence, then the stat entry.
fn alive_without_pidfd(h: Holder, compare: bool) -> bool {
    if !sys::pid_exists(h.pid()) {
        return false;
    }
    match read_stat(Some(h.pid())) {
        Some(s) if s.state == b'Z' || s.state == b'X' => false,
        Some(s) if compare => s.start & START_MASK == h.start(),
        _ => true,
    }
}

/// What the locks need from `/proc/<pid>/stat`.
#[derive(Clone, Copy, Debug)]
struct Stat {
    /// Field 1, in the namespace of the `/proc` mount.
    pid: i32,
    /// Field 3 (R, S, D, Z, X, ...).
    state: u8,
    /// Field 22.
    start: u64,
}

/// Reads `/proc/self/stat` (None) or `/proc/<pid>/stat` without allocating (it also runs in
/// the child of a fork).
/// `v` in decimal, written at the end of `buf` without allocating (safe in a child of fork).
pub(crate) fn decimal(mut v: u32, buf: &mut [u8; 12]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

fn read_stat(pid: Option<i32>) -> Option<Stat> {
    let mut path = [0u8; 32];
    let mut n = 0;
    let mut put = |s: &[u8]| {
        path[n..n + s.len()].copy_from_slice(s);
        n += s.len();
    };
    put(b"/proc/");
    match pid {
        None => put(b"self"),
        Some(p) => put(decimal(p.unsigned_abs(), &mut [0; 12])),
    }
    put(b"/stat\0");
    let path = std::ffi::CStr::from_bytes_until_nul(&path).ok()?;
    let mut buf = [0u8; 1024];
    let len = sys::read_into(path, &mut buf)?;
    parse_stat(&buf[..len])
}

/// Parses a stat line: `pid (comm) state f4 ... f22 ...`. The command may hold spaces and
/// parentheses, so the fields after it are counted from its last `)`.
fn parse_stat(line: &[u8]) -> Option<Stat> {
    let close = line.iter().rposition(|&b| b == b')')?;
    let pid = std::str::from_utf8(line.split(|&b| b == b' ').next()?)
        .ok()?
        .parse()
        .ok()?;
    let mut fields = line[close + 1..]
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty());
    let state = *fields.next()?.first()?;
    // Fields 4..=21 come next; field 22 is the 19th after the state.
    let start = std::str::from_utf8(fields.nth(18)?).ok()?.parse().ok()?;
    Some(Stat { pid, state, start })
}

/// True when `/proc` belongs to this process's pid namespace, so that `/proc/<pid>` is the
/// process that `pid` names here.
fn proc_is_ours() -> bool {
    match PROC_OURS.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let me = sys::getpid();
            let ours = read_stat(None).is_some_and(|s| s.pid == me);
            PROC_OURS.store(if ours { 1 } else { 2 }, Ordering::Relaxed);
            ours
        }
    }
}

// ---- fork ------------------------------------------------------------------------------------

/// Handlers run in the child after fork (registration order), at most [`MAX_FORK_HANDLERS`].
const MAX_FORK_HANDLERS: usize = 8;
static FORK_HANDLERS: [AtomicUsize; MAX_FORK_HANDLERS] =
    [const { AtomicUsize::new(0) }; MAX_FORK_HANDLERS];
static ATFORK: Once = Once::new();

extern "C" fn after_fork_in_child() {
    ME.store(0, Ordering::Relaxed);
    PROC_OURS.store(0, Ordering::Relaxed);
    for h in &FORK_HANDLERS {
        let f = h.load(Ordering::Acquire);
        if f != 0 {
            // SAFETY: only `on_fork_child` stores here, and it stores `fn()` pointers.
            let f: fn() = unsafe { std::mem::transmute::<usize, fn()>(f) };
            f();
        }
    }
}

fn register_atfork() {
    // The handler only stores to atomics and calls handlers that promise to do no more than
    // that (see `on_fork_child`).
    ATFORK.call_once(|| sys::on_fork_in_child(after_fork_in_child));
}

/// Runs `f` in the child of every later `fork` of this process, after the child has dropped
/// the parent's identity. `f` runs in a possibly multithreaded parent's child: it must only
/// reset process-local state (atomics, this thread's thread-locals), never lock or allocate.
/// Registering the same function twice runs it once.
pub fn on_fork_child(f: fn()) {
    register_atfork();
    let v = f as usize;
    for h in &FORK_HANDLERS {
        match h.compare_exchange(0, v, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return,
            Err(cur) if cur == v => return,
            Err(_) => {}
        }
    }
    debug_assert!(false, "more than {MAX_FORK_HANDLERS} fork handlers");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::time::Duration;

    #[test]
    fn stat_fields_are_counted_from_the_last_parenthesis() {
        let line = b"4242 (a) b) (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654321 100 5 184467 1 1 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        let s = parse_stat(line).unwrap();
        assert_eq!((s.pid, s.state, s.start), (4242, b'S', 987654321));
        assert!(
            parse_stat(b"12 (x) S 1 2").is_none(),
            "a short line is no stat"
        );
    }

    #[test]
    fn my_token_holds_my_pid_and_start_time() {
        let me = Holder::me();
        assert_eq!(me.pid(), std::process::id() as i32);
        let st = std::fs::read_to_string("/proc/self/stat").unwrap();
        let start: u64 = st[st.rfind(')').unwrap() + 2..]
            .split(' ')
            .nth(19)
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(me.start(), start & START_MASK);
        assert_ne!(me.start(), 0);
        assert_eq!(me.raw() & !TOKEN_MASK, 0, "the flag bits stay free");
        assert_eq!(Holder::from_word(me.raw() | 3 << 62), Some(me));
        assert_eq!(Holder::from_word(3 << 62), None);
        assert!(me.is_alive());
    }

    #[test]
    fn a_live_pid_with_another_start_time_is_dead() {
        // pid 1 exists, but not since tick 12345 (it started at boot or with the container).
        let init = read_stat(Some(1)).unwrap();
        assert!(Holder::new(1, init.start).is_alive());
        assert!(!Holder::new(1, init.start + 12345).is_alive());
        // Unknown start time: the pid decides.
        assert!(Holder::new(1, 0).is_alive());
    }

    #[test]
    fn exited_and_zombie_holders_are_dead() {
        // SAFETY: the child only exits.
        let child = unsafe { libc::fork() };
        assert!(child >= 0);
        if child == 0 {
            // SAFETY: ends the child at once.
            unsafe { libc::_exit(0) };
        }
        let start = loop {
            match read_stat(Some(child)) {
                Some(s) if s.state == b'Z' => break s.start,
                Some(_) => std::thread::sleep(Duration::from_millis(1)),
                None => panic!("the unreaped child vanished"),
            }
        };
        let h = Holder::new(child, start);
        assert!(!h.is_alive(), "a zombie counts as dead");
        let mut st = 0;
        // SAFETY: reaping our own child.
        unsafe { libc::waitpid(child, &mut st, 0) };
        assert!(!h.is_alive());
    }

    static CHILD_RAN: AtomicU32 = AtomicU32::new(0);
    fn mark() {
        CHILD_RAN.store(1, Ordering::Relaxed);
    }

    #[test]
    fn a_child_of_fork_gets_its_own_identity_and_runs_the_handlers() {
        on_fork_child(mark);
        on_fork_child(mark);
        let parent = Holder::me();
        let mut fds = [0; 2];
        // SAFETY: a fresh pipe.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let (r, w) = (fds[0], fds[1]);
        // SAFETY: the child computes its token, writes it and the handler flag, and exits.
        let child = unsafe { libc::fork() };
        if child == 0 {
            let v = [Holder::me().raw(), CHILD_RAN.load(Ordering::Relaxed) as u64];
            // SAFETY: writing our own buffer to the pipe.
            unsafe { libc::write(w, v.as_ptr().cast(), 16) };
            // SAFETY: ends the child.
            unsafe { libc::_exit(0) };
        }
        let mut v = [0u64; 2];
        // SAFETY: reading into our own buffer.
        assert_eq!(unsafe { libc::read(r, v.as_mut_ptr().cast(), 16) }, 16);
        let mut st = 0;
        // SAFETY: reaping our own child.
        unsafe { libc::waitpid(child, &mut st, 0) };
        // SAFETY: closing our own pipe.
        unsafe { (libc::close(r), libc::close(w)) };
        let kid = Holder::from_word(v[0]).unwrap();
        assert_eq!(kid.pid(), child);
        assert_ne!(kid, parent);
        assert_eq!(v[1], 1, "the fork handler ran in the child");
        assert_eq!(CHILD_RAN.load(Ordering::Relaxed), 0, "and only there");
        assert_eq!(Holder::me(), parent);
    }
}
