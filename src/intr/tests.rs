//! The interrupt thread and alarms, running (no EAL init needed: [`setup`] starts them once
//! for every test of the process; tests use their own descriptors and callbacks, so they may
//! run in parallel). Every wait is bounded.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use super::*;
// The unsafe core functions (the module's safe wrappers forward to them).
use super::handle::{fd_get, fd_set, instance_free, type_set};
use super::source::{
    callback_register, callback_unregister, callback_unregister_pending, callback_unregister_sync,
};
use crate::abi::intr::*;
use crate::sys;

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| init().expect("interrupt thread and alarm timer start"));
}

/// Polls `cond` every 2 ms for at most 5 s.
fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    cond()
}

struct Pipe(c_int, c_int);
impl Pipe {
    fn new() -> Pipe {
        let mut p = [0 as c_int; 2];
        // SAFETY: p has room for two descriptors.
        assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        Pipe(p[0], p[1])
    }
    fn poke(&self) {
        assert_eq!(sys::fd_write(self.1, b"1").unwrap(), 1);
    }
}
impl Drop for Pipe {
    fn drop(&mut self) {
        // SAFETY: the test's own descriptors, closed once.
        unsafe {
            sys::fd_close(self.0);
            sys::fd_close(self.1);
        }
    }
}

struct Handle(*mut rte_intr_handle);
impl Handle {
    fn new(fd: c_int, ty: c_int) -> Handle {
        let h = instance_alloc(0).unwrap();
        // SAFETY: h is live.
        unsafe {
            fd_set(h, fd).unwrap();
            type_set(h, ty).unwrap();
        }
        Handle(h)
    }
}
impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the test's own instance, freed once.
        unsafe { instance_free(self.0) };
    }
}

// ---- callbacks on a pipe ------------------------------------------------------------------

static FIRED: AtomicUsize = AtomicUsize::new(0);
static ON_THREAD: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn count_fired(_: *mut c_void) {
    FIRED.fetch_add(1, Ordering::SeqCst);
    if is_intr_thread() {
        ON_THREAD.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_callback_runs_on_the_interrupt_thread_when_its_pipe_is_written() {
    setup();
    let p = Pipe::new();
    let h = Handle::new(p.0, RTE_INTR_HANDLE_UNKNOWN);
    assert!(!is_intr_thread());
    // SAFETY: h is live; count_fired may run anywhere.
    unsafe { callback_register(h.0, Some(count_fired), std::ptr::null_mut()) }.unwrap();
    let before = FIRED.load(Ordering::SeqCst);
    p.poke();
    assert!(
        eventually(|| FIRED.load(Ordering::SeqCst) > before),
        "callback ran"
    );
    assert_eq!(
        ON_THREAD.load(Ordering::SeqCst),
        FIRED.load(Ordering::SeqCst)
    );
    // UNKNOWN reads one byte: the pipe is clear again, no second call.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(FIRED.load(Ordering::SeqCst), before + 1);
    let n = eventually_unregister(&h, Some(count_fired), ANY_ARG);
    assert_eq!(n, 1);
    // SAFETY: h is live.
    let again = unsafe { callback_unregister(h.0, Some(count_fired), std::ptr::null_mut()) };
    assert_eq!(again.unwrap_err().errno, libc::ENOENT);
}

fn eventually_unregister(h: &Handle, cb: Option<IntrCb>, arg: usize) -> usize {
    let mut out = None;
    assert!(eventually(|| {
        // SAFETY: h is live.
        match unsafe { callback_unregister(h.0, cb, arg as *mut c_void) } {
            Err(e) if e.errno == libc::EAGAIN => false,
            r => {
                out = Some(r.unwrap());
                true
            }
        }
    }));
    out.unwrap()
}

#[test]
fn registration_errors_are_einval_and_duplicates_are_allowed() {
    setup();
    // SAFETY: NULL and live handles only.
    unsafe {
        let e = callback_register(std::ptr::null(), Some(count_fired), std::ptr::null_mut());
        assert_eq!(e.unwrap_err().errno, libc::EINVAL);
        let bad = Handle::new(-1, RTE_INTR_HANDLE_UIO);
        let e = callback_register(bad.0, Some(count_fired), std::ptr::null_mut());
        assert_eq!(e.unwrap_err().errno, libc::EINVAL);
        let e = callback_unregister(bad.0, Some(count_fired), std::ptr::null_mut());
        assert_eq!(e.unwrap_err().errno, libc::EINVAL);
        let p = Pipe::new();
        let h = Handle::new(p.0, RTE_INTR_HANDLE_EXT);
        let e = callback_register(h.0, None, std::ptr::null_mut());
        assert_eq!(e.unwrap_err().errno, libc::EINVAL);
        // A regular file cannot be watched by epoll: refused now, not a panic later.
        let f = std::fs::File::open("/proc/self/stat").unwrap();
        use std::os::fd::AsRawFd;
        let reg = Handle::new(f.as_raw_fd(), RTE_INTR_HANDLE_EXT);
        let e = callback_register(reg.0, Some(count_fired), std::ptr::null_mut());
        assert_eq!(e.unwrap_err().errno, libc::EINVAL);
        callback_register(h.0, Some(count_fired), std::ptr::null_mut()).unwrap();
        callback_register(h.0, Some(count_fired), std::ptr::null_mut()).unwrap();
        callback_register(h.0, Some(count_fired), 8 as *mut c_void).unwrap();
        let n = callback_unregister(h.0, Some(count_fired), 0xff as *mut c_void).unwrap();
        assert_eq!(n, 0, "an argument that matches nothing removes nothing");
        assert_eq!(
            callback_unregister(h.0, Some(count_fired), std::ptr::null_mut()).unwrap(),
            2
        );
        assert_eq!(
            callback_unregister(h.0, Some(count_fired), ANY_ARG as *mut c_void).unwrap(),
            1
        );
        let e = callback_unregister_pending(h.0, Some(count_fired), std::ptr::null_mut(), None);
        assert_eq!(e.unwrap_err().errno, libc::ENOENT);
    }
}

// ---- unregistering from a callback --------------------------------------------------------

static SELF_RESULT: AtomicI32 = AtomicI32::new(0);
static PENDING_RESULT: AtomicI32 = AtomicI32::new(-1000);
static UCB_CALLS: AtomicUsize = AtomicUsize::new(0);
static SELF_HANDLE: Mutex<usize> = Mutex::new(0);

unsafe extern "C" fn unregister_me(arg: *mut c_void) {
    let h = arg as *const rte_intr_handle;
    // SAFETY: arg is the test's live handle.
    let r = unsafe { callback_unregister(h, Some(unregister_me), arg) };
    SELF_RESULT.store(
        r.map(|n| n as i32).unwrap_or_else(|e| -e.errno),
        Ordering::SeqCst,
    );
    // SAFETY: as above.
    let r = unsafe { callback_unregister_pending(h, Some(unregister_me), arg, Some(ucb)) };
    PENDING_RESULT.store(
        r.map(|n| n as i32).unwrap_or_else(|e| -e.errno),
        Ordering::SeqCst,
    );
}

unsafe extern "C" fn ucb(h: *mut rte_intr_handle, arg: *mut c_void) {
    // The registry's copy of the instance: same descriptor as the test's.
    // SAFETY: h is the registry's live copy.
    let fd = unsafe { fd_get(h) }.unwrap();
    // SAFETY: arg is the test's live handle.
    let mine = unsafe { fd_get(arg as *const rte_intr_handle) }.unwrap();
    if fd == mine && *SELF_HANDLE.lock().unwrap() == arg as usize {
        UCB_CALLS.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_callback_cannot_unregister_itself_but_can_mark_itself_pending() {
    setup();
    let p = Pipe::new();
    let h = Handle::new(p.0, RTE_INTR_HANDLE_UNKNOWN);
    *SELF_HANDLE.lock().unwrap() = h.0 as usize;
    // SAFETY: h is live until the source is gone (checked below).
    unsafe { callback_register(h.0, Some(unregister_me), h.0.cast()) }.unwrap();
    // Outside a callback, pending is refused: the source is not active.
    // SAFETY: as above.
    let e = unsafe { callback_unregister_pending(h.0, Some(unregister_me), h.0.cast(), None) };
    assert_eq!(e.unwrap_err().errno, libc::EAGAIN);
    p.poke();
    assert!(
        eventually(|| UCB_CALLS.load(Ordering::SeqCst) == 1),
        "ucb ran"
    );
    assert_eq!(SELF_RESULT.load(Ordering::SeqCst), -libc::EAGAIN);
    assert_eq!(PENDING_RESULT.load(Ordering::SeqCst), 1);
    // The marked callback is gone, and with it the source.
    // SAFETY: as above.
    let e = unsafe { callback_unregister(h.0, Some(unregister_me), h.0.cast()) };
    assert_eq!(e.unwrap_err().errno, libc::ENOENT);
}

// ---- unregister_sync waits for a running callback ------------------------------------------

static SLOW_RUNNING: AtomicUsize = AtomicUsize::new(0);
static SLOW_DONE: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn slow(_: *mut c_void) {
    SLOW_RUNNING.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(200));
    SLOW_DONE.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn unregister_sync_waits_while_the_callback_runs() {
    setup();
    let p = Pipe::new();
    let h = Handle::new(p.0, RTE_INTR_HANDLE_UNKNOWN);
    // SAFETY: h is live.
    unsafe { callback_register(h.0, Some(slow), std::ptr::null_mut()) }.unwrap();
    p.poke();
    assert!(eventually(|| SLOW_RUNNING.load(Ordering::SeqCst) == 1));
    // SAFETY: as above.
    let e = unsafe { callback_unregister(h.0, Some(slow), std::ptr::null_mut()) };
    assert_eq!(
        e.unwrap_err().errno,
        libc::EAGAIN,
        "running: plain unregister refuses"
    );
    // SAFETY: as above.
    let n = unsafe { callback_unregister_sync(h.0, Some(slow), std::ptr::null_mut()) }.unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        SLOW_DONE.load(Ordering::SeqCst),
        1,
        "returned only after the callback"
    );
}

// ---- sources that fail -----------------------------------------------------------------------

static BROKEN_CALLS: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn broken(_: *mut c_void) {
    BROKEN_CALLS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_read_error_removes_the_source_with_its_callbacks() {
    setup();
    // UIO reads 4 bytes; an eventfd refuses reads shorter than 8 (EINVAL).
    let ev = sys::eventfd().unwrap();
    use std::os::fd::AsRawFd;
    let h = Handle::new(ev.as_raw_fd(), RTE_INTR_HANDLE_UIO);
    // SAFETY: h is live.
    unsafe { callback_register(h.0, Some(broken), std::ptr::null_mut()) }.unwrap();
    sys::fd_write(ev.as_raw_fd(), &1u64.to_ne_bytes()).unwrap();
    assert!(eventually(|| {
        // SAFETY: as above.
        let r = unsafe { callback_unregister(h.0, Some(broken), std::ptr::null_mut()) };
        matches!(r, Err(e) if e.errno == libc::ENOENT)
    }));
    assert_eq!(BROKEN_CALLS.load(Ordering::SeqCst), 0);
}

static REUSED_CALLS: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn reused(_: *mut c_void) {
    REUSED_CALLS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_descriptor_closed_and_reused_without_unregistering_is_watched_anew() {
    setup();
    let first = Pipe::new();
    let h = Handle::new(first.0, RTE_INTR_HANDLE_UNKNOWN);
    // SAFETY: h is live.
    unsafe { callback_register(h.0, Some(reused), std::ptr::null_mut()) }.unwrap();
    let fd = first.0;
    drop(first);
    // The next pipe very likely gets the same numbers; retry until it does (bounded).
    let mut second = None;
    for _ in 0..100 {
        let p = Pipe::new();
        if p.0 == fd {
            second = Some(p);
            break;
        }
    }
    let Some(second) = second else {
        // Another test took the number meanwhile; nothing to check (the source is removed).
        // SAFETY: h is live.
        let _ = unsafe { callback_unregister(h.0, Some(reused), ANY_ARG as *mut c_void) };
        return;
    };
    // SAFETY: as above.
    unsafe { callback_register(h.0, Some(reused), std::ptr::null_mut()) }.unwrap();
    second.poke();
    assert!(
        eventually(|| REUSED_CALLS.load(Ordering::SeqCst) >= 2),
        "both callbacks ran"
    );
    assert_eq!(eventually_unregister(&h, Some(reused), ANY_ARG), 2);
}

// ---- alarms -----------------------------------------------------------------------------------

#[test]
fn alarm_arguments_are_checked_as_dpdk_does() {
    setup();
    unsafe extern "C" fn nop(_: *mut c_void) {}
    assert_eq!(
        alarm::set(0, Some(nop), std::ptr::null_mut())
            .unwrap_err()
            .errno,
        libc::EINVAL
    );
    assert_eq!(
        alarm::set(u64::MAX - 1, Some(nop), std::ptr::null_mut())
            .unwrap_err()
            .errno,
        libc::EINVAL
    );
    assert_eq!(
        alarm::set(1000, None, std::ptr::null_mut())
            .unwrap_err()
            .errno,
        libc::EINVAL
    );
    assert_eq!(
        alarm::cancel(None, std::ptr::null_mut()).unwrap_err().errno,
        libc::EINVAL
    );
    assert_eq!(
        alarm::cancel(Some(nop), std::ptr::null_mut())
            .unwrap_err()
            .errno,
        libc::ENOENT
    );
    alarm::set(10_000_000, Some(nop), std::ptr::dangling_mut::<c_void>()).unwrap();
    alarm::set(10_000_000, Some(nop), 2 as *mut c_void).unwrap();
    alarm::set(10_000_000, Some(nop), 3 as *mut c_void).unwrap();
    assert_eq!(alarm::cancel(Some(nop), 2 as *mut c_void).unwrap(), 1);
    assert_eq!(
        alarm::cancel(Some(nop), ANY_ARG as *mut c_void).unwrap(),
        2,
        "wildcard"
    );
}

static ORDER: Mutex<Vec<usize>> = Mutex::new(Vec::new());
unsafe extern "C" fn record(arg: *mut c_void) {
    ORDER.lock().unwrap().push(arg as usize);
}

#[test]
fn many_alarms_fire_in_deadline_order_and_ties_in_set_order() {
    setup();
    // Deadlines 20..60 ms, set in a scrambled order; three share one delay.
    let delays = [60u64, 20, 40, 30, 50, 40, 25, 40, 55, 35];
    for (i, &ms) in delays.iter().enumerate() {
        alarm::set(ms * 1000, Some(record), i as *mut c_void).unwrap();
    }
    assert!(eventually(|| ORDER.lock().unwrap().len() == delays.len()));
    let got = ORDER.lock().unwrap().clone();
    let mut want: Vec<usize> = (0..delays.len()).collect();
    want.sort_by_key(|&i| delays[i]); // stable: equal delays keep their set order
                                      // Deadlines are taken at set() time, microseconds apart: a tie of delays is a tie of order.
    assert_eq!(got, want);
}

static SELF_CANCEL: AtomicI32 = AtomicI32::new(-1000);
static SELF_CANCEL_INPROGRESS: AtomicI32 = AtomicI32::new(0);
unsafe extern "C" fn cancel_myself(arg: *mut c_void) {
    let c = alarm::cancel_detailed(Some(cancel_myself), arg).unwrap();
    SELF_CANCEL.store(c.count as i32, Ordering::SeqCst);
    SELF_CANCEL_INPROGRESS.store(i32::from(c.in_progress), Ordering::SeqCst);
}

#[test]
fn an_alarm_cancelling_itself_gets_einprogress() {
    setup();
    alarm::set(1000, Some(cancel_myself), 5 as *mut c_void).unwrap();
    assert!(eventually(|| SELF_CANCEL.load(Ordering::SeqCst) != -1000));
    assert_eq!(SELF_CANCEL.load(Ordering::SeqCst), 0);
    assert_eq!(SELF_CANCEL_INPROGRESS.load(Ordering::SeqCst), 1);
    assert_eq!(
        alarm::cancel(Some(cancel_myself), ANY_ARG as *mut c_void)
            .unwrap_err()
            .errno,
        libc::ENOENT,
        "the alarm is gone once it has run"
    );
}

static LONG_STARTED: AtomicUsize = AtomicUsize::new(0);
static LONG_FINISHED: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn long_alarm(_: *mut c_void) {
    LONG_STARTED.store(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(300));
    LONG_FINISHED.store(1, Ordering::SeqCst);
}

#[test]
fn cancel_waits_for_the_callback_running_on_the_interrupt_thread() {
    setup();
    alarm::set(1000, Some(long_alarm), std::ptr::null_mut()).unwrap();
    alarm::set(
        5_000_000,
        Some(long_alarm),
        std::ptr::dangling_mut::<c_void>(),
    )
    .unwrap();
    assert!(eventually(|| LONG_STARTED.load(Ordering::SeqCst) == 1));
    // The cancel runs on a helper thread so that this test bounds its wait.
    let t = std::thread::spawn(|| {
        let r = alarm::cancel_detailed(Some(long_alarm), ANY_ARG as *mut c_void).unwrap();
        (r, LONG_FINISHED.load(Ordering::SeqCst))
    });
    assert!(eventually(|| t.is_finished()), "cancel returned within 5 s");
    let (r, finished_before_return) = t.join().unwrap();
    assert_eq!(
        finished_before_return, 1,
        "cancel returned only after the callback"
    );
    assert_eq!(
        r.count, 1,
        "the pending one was removed; the running one not counted"
    );
    assert!(!r.in_progress);
}

#[test]
fn the_alarm_timer_and_interrupt_thread_survive_many_short_alarms() {
    setup();
    static N: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn tick(_: *mut c_void) {
        N.fetch_add(1, Ordering::SeqCst);
    }
    for i in 0..200u64 {
        alarm::set(1 + i * 37 % 5000, Some(tick), std::ptr::null_mut()).unwrap();
    }
    assert!(eventually(|| N.load(Ordering::SeqCst) == 200));
    assert!(alarm::pending() < 1000);
}

// ---- the Rust API other packages code against -------------------------------------------------

static CONTRACT_CALLS: AtomicUsize = AtomicUsize::new(0);
unsafe extern "C" fn contract_cb(_: *mut c_void) {
    CONTRACT_CALLS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn the_contract_api_keeps_its_signatures_and_works_without_unsafe() {
    use crate::error::Error;
    // The signatures other packages were promised (a change fails to compile here).
    let set: fn(u64, Option<AlarmCb>, *mut c_void) -> std::result::Result<(), Error> = alarm::set;
    let cancel: fn(Option<AlarmCb>, *mut c_void) -> std::result::Result<usize, Error> =
        alarm::cancel;
    let register: fn(
        *const rte_intr_handle,
        Option<IntrCb>,
        *mut c_void,
    ) -> std::result::Result<(), Error> = super::callback_register;
    let unregister: fn(
        *const rte_intr_handle,
        Option<IntrCb>,
        *mut c_void,
    ) -> std::result::Result<usize, Error> = super::callback_unregister;
    let on_thread: fn() -> bool = super::is_intr_thread;
    setup();
    let ev = sys::eventfd().unwrap();
    use std::os::fd::AsRawFd;
    let h = super::instance_alloc(0).unwrap();
    super::fd_set(h, ev.as_raw_fd()).unwrap();
    super::type_set(h, RTE_INTR_HANDLE_EXT).unwrap();
    assert_eq!(super::fd_get(h).unwrap(), ev.as_raw_fd());
    assert_eq!(super::type_get(h).unwrap(), RTE_INTR_HANDLE_EXT);
    register(h, Some(contract_cb), std::ptr::null_mut()).unwrap();
    sys::fd_write(ev.as_raw_fd(), &1u64.to_ne_bytes()).unwrap();
    // EXT: nothing is read, the callback keeps firing until it is unregistered.
    assert!(eventually(|| CONTRACT_CALLS.load(Ordering::SeqCst) > 0));
    let mut n = Err(crate::err!(libc::EAGAIN, "not yet"));
    assert!(eventually(|| {
        n = unregister(h, Some(contract_cb), ANY_ARG as *mut c_void);
        !matches!(&n, Err(e) if e.errno == libc::EAGAIN)
    }));
    assert_eq!(n.unwrap(), 1);
    assert!(!on_thread());
    set(5_000_000, Some(contract_cb), 3 as *mut c_void).unwrap();
    assert_eq!(
        cancel(Some(contract_cb), ANY_ARG as *mut c_void).unwrap(),
        1
    );
    assert_eq!(
        cancel(Some(contract_cb), ANY_ARG as *mut c_void)
            .unwrap_err()
            .errno,
        libc::ENOENT
    );
    super::instance_free(h);
}
