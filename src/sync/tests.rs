//! Tests across the sync layer's locks that need more than one of them, or root.
//!
//! The pid-reuse test needs a fresh pid namespace (root: `unshare(CLONE_NEWPID)`), where pids
//! are handed out predictably and `/proc/sys/kernel/ns_last_pid` picks the next one. It is
//! `#[ignore]`d; `scripts/run-tests.sh` runs it as root (under CI it must run).
#![allow(clippy::undocumented_unsafe_blocks)] // fork/_exit/waitpid/mount in test children

use super::os::Holder;
use super::{RobustMutex, ShRwLock};
use std::time::Duration;

/// The locks the dead holder leaves behind, in memory shared with the namespace.
#[repr(C)]
struct Shared {
    written: ShRwLock,
    read: ShRwLock,
    mutex: RobustMutex,
}

fn shared() -> &'static Shared {
    // SAFETY: a fresh MAP_SHARED anonymous mapping is zeroed (unlocked locks) and stays mapped
    // for the test process's life; forked children share it.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            std::mem::size_of::<Shared>(),
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        &*(p as *const Shared)
    }
}

/// Waits at most `limit` for `child`'s exit code; kills and reaps it when it takes longer
/// (None). Never panics: it runs in a child of fork.
fn wait_or_kill(child: libc::pid_t, limit: Duration) -> Option<i32> {
    let t0 = std::time::Instant::now();
    let mut st = 0;
    loop {
        if unsafe { libc::waitpid(child, &mut st, libc::WNOHANG) } == child {
            return Some(if libc::WIFEXITED(st) {
                libc::WEXITSTATUS(st)
            } else {
                100 + libc::WTERMSIG(st)
            });
        }
        if t0.elapsed() > limit {
            unsafe { libc::kill(child, libc::SIGKILL) };
            unsafe { libc::waitpid(child, &mut st, 0) };
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Field 22 of /proc/<pid>/stat.
fn start_of(pid: i32) -> u64 {
    let st = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    st.rfind(')')
        .and_then(|i| st[i + 2..].split(' ').nth(19))
        .and_then(|f| f.parse().ok())
        .unwrap_or(0)
}

fn write_file(path: &std::ffi::CStr, text: &[u8]) -> bool {
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY) };
    if fd < 0 {
        return false;
    }
    let n = unsafe { libc::write(fd, text.as_ptr().cast(), text.len()) };
    unsafe { libc::close(fd) };
    n == text.len() as isize
}

/// Exit codes of the namespace's init, for the report.
const NO_NS: i32 = 77;
const NO_PROC: i32 = 78;
const NO_REUSE: i32 = 79;
const PID_ALIVE_WRONG: i32 = 80;
const NOT_RECOVERED: i32 = 81;
const SAME_TICK: i32 = 82;
const HUNG: i32 = 99;

/// Runs as pid 1 of the new namespace: a holder takes every lock and dies, a newcomer gets
/// its pid, and the locks must still come back.
fn namespace_init(sh: &'static Shared) -> i32 {
    // Our own /proc, or /proc/<pid> would name processes of the outer namespace.
    let none = c"none";
    if unsafe {
        libc::mount(
            none.as_ptr(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        )
    } != 0
        || unsafe {
            libc::mount(
                c"proc".as_ptr(),
                c"/proc".as_ptr(),
                c"proc".as_ptr(),
                0,
                std::ptr::null(),
            )
        } != 0
    {
        return NO_PROC;
    }
    let holder = unsafe { libc::fork() };
    if holder == 0 {
        sh.written.write_lock();
        sh.read.read_lock();
        std::mem::forget(sh.mutex.lock());
        unsafe { libc::_exit(0) };
    }
    let mut st = 0;
    unsafe { libc::waitpid(holder, &mut st, 0) };
    // Start times count clock ticks (10 ms): a pid the kernel hands out again within the
    // holder's own tick cannot be told apart. Without ns_last_pid that needs the whole pid
    // space to wrap within 10 ms; here, wait for the next ticks.
    std::thread::sleep(Duration::from_millis(30));
    // The next fork gets the dead holder's pid (no allocation in a child of fork).
    let mut digits = [0u8; 12];
    let last = super::os::decimal((holder - 1).unsigned_abs(), &mut digits);
    if !write_file(c"/proc/sys/kernel/ns_last_pid", last) {
        return NO_PROC;
    }
    let mut pipe = [0; 2];
    unsafe { libc::pipe(pipe.as_mut_ptr()) };
    let newcomer = unsafe { libc::fork() };
    if newcomer == 0 {
        // Lives until pid 1 closes the pipe (or dies).
        let mut b = 0u8;
        unsafe { libc::close(pipe[1]) };
        unsafe { libc::read(pipe[0], (&mut b as *mut u8).cast(), 1) };
        unsafe { libc::_exit(0) };
    }
    unsafe { libc::close(pipe[0]) };
    let code = (|| {
        if newcomer != holder {
            return NO_REUSE;
        }
        // The newcomer's identity differs from the one the holder recorded in the locks.
        let Some(recorded) = super::os::Holder::from_word(sh.mutex.word()) else {
            return NOT_RECOVERED;
        };
        if recorded.pid() != newcomer || recorded.start() == start_of(newcomer) {
            return SAME_TICK;
        }
        // The pid runs (pid-only liveness would wait for the newcomer to exit)...
        if unsafe { libc::kill(holder, 0) } != 0 {
            return PID_ALIVE_WRONG;
        }
        // ...but the holder recorded in the locks is dead, and its holds come back.
        let w = sh.written.write();
        if !w.is_poisoned() {
            return NOT_RECOVERED;
        }
        drop(w);
        drop(sh.read.write());
        let m = sh.mutex.lock();
        if !m.recovered {
            return NOT_RECOVERED;
        }
        drop(m);
        if sh.written.recoveries() != 1 || sh.read.recoveries() != 1 {
            return NOT_RECOVERED;
        }
        0
    })();
    unsafe { libc::close(pipe[1]) };
    unsafe { libc::waitpid(newcomer, &mut st, 0) };
    code
}

#[test]
#[ignore = "needs root (a pid namespace); scripts/run-tests.sh runs it as root"]
fn a_dead_holder_whose_pid_was_reused_is_taken_back() {
    let sh = shared();
    // The child enters a new pid namespace; its first child there is pid 1.
    let child = unsafe { libc::fork() };
    assert!(child >= 0);
    if child == 0 {
        if unsafe { libc::unshare(libc::CLONE_NEWPID | libc::CLONE_NEWNS) } != 0 {
            unsafe { libc::_exit(NO_NS) };
        }
        // Neither this process nor the namespace outlives the test process.
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
        let init = unsafe { libc::fork() };
        if init == 0 {
            unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
            let code = namespace_init(sh);
            unsafe { libc::_exit(code) };
        }
        // The namespace's init ignores signals it has no handler for, alarms included; only
        // SIGKILL from out here ends it (and the whole namespace with it) when a lock hangs.
        let code = wait_or_kill(init, Duration::from_secs(20)).unwrap_or(HUNG);
        unsafe { libc::_exit(code) };
    }
    let code = super::shlock::tests::wait_child(child, Duration::from_secs(30));
    let why = match code {
        NO_NS => "cannot create a pid namespace (run as root)",
        NO_PROC => "cannot mount /proc or write ns_last_pid in the namespace",
        NO_REUSE => "the newcomer did not get the dead holder's pid",
        PID_ALIVE_WRONG => "the reused pid does not run",
        NOT_RECOVERED => "a lock was not taken back from the dead holder",
        SAME_TICK => "the newcomer started in the holder's clock tick",
        HUNG => "a lock hung: the namespace's init was killed after 20 s",
        _ => "",
    };
    assert_eq!(code, 0, "{why}");
    // Outside the namespace nothing is held either.
    assert!(sh.written.is_idle() && sh.read.is_idle());
    assert_eq!(Holder::me().pid(), std::process::id() as i32);
}

/// Every lock inside rtemem is held through a guard: no statement outside the lock
/// implementations calls a raw `*_lock()`/`*_unlock()` and drops its result. Only the
/// shared config's raw functions (mcfg.rs, for the exported `rte_mcfg_*` pairs that C callers
/// hold across calls) may.
#[test]
fn no_lock_is_paired_by_hand_outside_the_sync_layer() {
    fn rs_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rs_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        if rel.starts_with("sync") || rel.file_name().is_some_and(|n| n == "mcfg.rs") {
            continue;
        }
        for (n, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            let t = line.trim();
            let raw = ["_lock()", "_lock();", "_unlock()", "_unlock();"]
                .iter()
                .any(|end| t.ends_with(end));
            let binds = t.starts_with("let ") || t.starts_with("//") || t.contains("fn ");
            if raw && !binds {
                bad.push(format!("src/{}:{}: {t}", rel.display(), n + 1));
            }
        }
    }
    assert!(files.len() > 50, "src/ was not found");
    assert!(
        bad.is_empty(),
        "locks taken and released by hand (use a guard):\n{}",
        bad.join("\n")
    );
}
