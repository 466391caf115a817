//! Interrupt sources and their callbacks, and the interrupt thread that runs them (DPDK's
//! `eal_interrupts.c`: `rte_intr_callback_*`, the "eal-intr-thread", `rte_thread_is_intr`).
//!
//! A *source* is one descriptor with a list of callbacks `(cb, arg)`; it is created by the
//! first registration for its descriptor (keeping a private copy of the caller's instance, as
//! DPDK does) and removed with its last callback. Sources are keyed by descriptor number:
//! registering a second instance with the same `fd` adds to the first one's source.
//!
//! The interrupt thread waits in `epoll_wait` on one epoll instance holding an eventfd (to wake
//! it: stop, rebuild) and every source's descriptor, level-triggered, with the source's id as
//! the event's token. Registration adds a new source's descriptor to the epoll set at once
//! (so an fd that epoll cannot watch fails the registration, where DPDK's thread panics later);
//! removal deletes it. When a delete fails (the application closed the descriptor first, and
//! may have reused its number) or an event names a source that no longer exists, the thread
//! rebuilds its epoll set from the source list, as DPDK does on every change: a registration
//! that outlived its descriptor cannot keep firing.
//!
//! When a source's descriptor is ready the thread marks the source *active*, clears the
//! readiness by reading the number of bytes the handle type calls for (UIO 4, ALARM and VFIO 8,
//! VDEV/EXT/DEV_EVENT nothing, others 1), then runs the callbacks one by one, each WITHOUT the
//! registry lock, so a callback may register, unregister or mark callbacks itself. While a
//! source is active, `unregister` refuses with EAGAIN (the callback list must not change under
//! the thread) and `unregister_pending` marks callbacks for removal once the round ends; the
//! marked callbacks' `ucb_fn` run after the round, with the lock released. A read error other
//! than EINTR/EAGAIN (a device unplugged) removes the source with its callbacks; a read of 0
//! bytes calls none. Unlike DPDK, a read that finds nothing (EAGAIN) leaves the source inactive
//! again (DPDK leaves it marked active, so it can never be unregistered).
//!
//! Locking: one process-local mutex, [`REGISTRY`], over every source and the epoll set
//! (`epoll_ctl` calls happen under it; the thread's `epoll_wait` does not hold it). [`IDLE`]
//! is signalled whenever a source stops being active, for `unregister_sync`.

use std::cell::Cell;
use std::ffi::{c_int, c_void};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::abi::intr::*;
use crate::base::log::RTE_LOG_ERR;
use crate::base::trace::eal as trace_eal;
use crate::error::{Error, Result};
use crate::{eal_log, err, sys};

use super::handle;

/// An interrupt callback (`rte_intr_callback_fn` without its NULL).
/// cbindgen:ignore
pub type IntrCb = unsafe extern "C" fn(*mut c_void);

/// Called for a callback removed after `unregister_pending` (`rte_intr_unregister_callback_fn`
/// without its NULL).
/// cbindgen:ignore
pub type UnregisterCb = unsafe extern "C" fn(*mut rte_intr_handle, *mut c_void);

/// DPDK's wildcard callback argument, `(void *)-1`: matches any argument.
/// cbindgen:ignore
pub const ANY_ARG: usize = usize::MAX;

/// The thread's name, as DPDK names it.
const THREAD_NAME: &std::ffi::CStr = c"eal-intr-thread";
/// Token of the wake-up eventfd in the epoll set (source ids count up from 0).
const WAKE: u64 = u64::MAX;
/// What a source's descriptor is watched for.
const WATCH: u32 = (libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLRDHUP | libc::EPOLLHUP) as u32;

/// The registry's private copy of a registered instance, freed with the last user.
struct OwnedHandle(*mut rte_intr_handle);

// SAFETY: the copy is written once (at registration) and then only read, by any thread.
unsafe impl Send for OwnedHandle {}
// SAFETY: as above.
unsafe impl Sync for OwnedHandle {}

impl Drop for OwnedHandle {
    fn drop(&mut self) {
        // SAFETY: the copy is owned here and nothing uses it after the last Arc.
        unsafe { handle::instance_free(self.0) };
    }
}

#[derive(Clone, Copy)]
struct Callback {
    cb: IntrCb,
    arg: usize,
    pending_delete: bool,
    ucb: Option<UnregisterCb>,
}

impl Callback {
    fn matches(&self, cb: Option<IntrCb>, arg: usize) -> bool {
        cb.is_some_and(|f| f as usize == self.cb as usize) && (arg == ANY_ARG || arg == self.arg)
    }
}

struct Source {
    id: u64,
    fd: c_int,
    ty: c_int,
    /// The registry's copy of the first registrant's instance (handed to `ucb_fn`).
    handle: Arc<OwnedHandle>,
    callbacks: Vec<Callback>,
    /// The thread is running this source's callbacks.
    active: bool,
}

#[derive(Default)]
struct Registry {
    sources: Vec<Source>,
    next_id: u64,
    /// The running thread's epoll instance (None while no thread runs).
    epfd: Option<OwnedFd>,
    /// The running thread's wake-up eventfd (owned by its `Runner`, which outlives this
    /// copy: `stop` clears it before the runner is dropped).
    waker: Option<RawFd>,
    /// The epoll set may hold a registration no source owns: the thread rebuilds it.
    rebuild: bool,
}

impl Registry {
    fn find(&mut self, id: u64) -> Option<&mut Source> {
        self.sources.iter_mut().find(|s| s.id == id)
    }

    /// Adds `fd` under token `id` to the epoll set, if a thread runs. Already there: fine.
    fn watch(&self, fd: c_int, id: u64) -> std::io::Result<()> {
        let Some(ep) = &self.epfd else { return Ok(()) };
        match sys::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, WATCH, id) {
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) => Ok(()),
            r => r,
        }
    }

    /// Removes `fd` from the epoll set; if that fails, the set may keep a stale registration.
    fn unwatch(&mut self, fd: c_int) {
        let Some(ep) = &self.epfd else { return };
        if sys::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_DEL, fd, 0, 0).is_err() {
            self.rebuild = true;
        }
    }

    /// Removes source `idx` (its callbacks must be gone or dropped by the caller).
    fn remove(&mut self, idx: usize) -> Source {
        let s = self.sources.remove(idx);
        self.unwatch(s.fd);
        s
    }
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);
/// Signalled when a source stops being active.
static IDLE: Condvar = Condvar::new();

struct Registered<'a>(MutexGuard<'a, Option<Registry>>);

impl std::ops::Deref for Registered<'_> {
    type Target = Registry;
    fn deref(&self) -> &Registry {
        self.0.as_ref().expect("registry initialised by lock()")
    }
}

impl std::ops::DerefMut for Registered<'_> {
    fn deref_mut(&mut self) -> &mut Registry {
        self.0.as_mut().expect("registry initialised by lock()")
    }
}

fn lock() -> Registered<'static> {
    let mut g = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    g.get_or_insert_with(Registry::default);
    Registered(g)
}

thread_local! {
    static ON_INTR_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// True on the interrupt thread (`rte_thread_is_intr`).
pub fn is_intr_thread() -> bool {
    ON_INTR_THREAD.with(|c| c.get())
}

/// The descriptor of a caller's instance, with DPDK's argument errors.
///
/// # Safety
/// `h` is NULL or a live instance.
unsafe fn source_fd(h: *const rte_intr_handle, what: &str) -> Result<c_int> {
    if h.is_null() {
        return Err(err!(libc::EINVAL, "the interrupt handle is NULL"));
    }
    // SAFETY: the caller's guarantee.
    let fd = unsafe { handle::fd_get(h) }?;
    if fd < 0 {
        return Err(err!(
            libc::EINVAL,
            "{what} with invalid input parameter (the handle's fd is {fd})"
        ));
    }
    Ok(fd)
}

/// Registers `cb(arg)` to run on the interrupt thread whenever the instance's descriptor is
/// ready (`rte_intr_callback_register`). The same pair may be registered more than once.
/// Errors: NULL handle, negative fd or NULL callback: EINVAL (also a descriptor epoll cannot
/// watch); no memory: ENOMEM.
///
/// # Safety
/// `h` is NULL or a live instance; `cb(arg)` may be called on the interrupt thread until it is
/// unregistered.
pub unsafe fn callback_register(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let fd = unsafe { source_fd(h, "Registering") }?;
    let Some(cb) = cb else {
        return Err(err!(
            libc::EINVAL,
            "Registering with invalid input parameter (the callback is NULL)"
        ));
    };
    // SAFETY: the caller's guarantee.
    let r = unsafe { register_checked(h, fd, cb, arg) };
    // As DPDK: traced once the arguments are checked, whatever the outcome. The registry
    // keeps its own copy of the instance, so the caller's is as it was.
    // SAFETY: h is a live instance (source_fd refused NULL).
    let fields = handle::trace_fields(unsafe { &*h });
    trace_eal::intr_callback_register(
        &fields,
        cb as usize,
        arg as usize,
        handle::trace_rc(&r, |_| 0),
    );
    r
}

/// [`callback_register`] once its arguments are checked (`fd` is `h`'s).
///
/// # Safety
/// As [`callback_register`], and `h` is not NULL.
unsafe fn register_checked(
    h: *const rte_intr_handle,
    fd: c_int,
    cb: IntrCb,
    arg: *mut c_void,
) -> Result<()> {
    let callback = Callback {
        cb,
        arg: arg as usize,
        pending_delete: false,
        ucb: None,
    };
    let cannot_watch =
        |e: std::io::Error| err!(libc::EINVAL, "fd {fd} cannot be watched with epoll: {e}");
    let mut reg = lock();
    if let Some(i) = reg.sources.iter().position(|s| s.fd == fd) {
        // Re-adding finds the registration (EEXIST) unless the application closed and reopened
        // the descriptor: then the new file is watched from here on.
        let id = reg.sources[i].id;
        reg.watch(fd, id).map_err(cannot_watch)?;
        reg.sources[i].callbacks.push(callback);
        return Ok(());
    }
    // SAFETY: h is a live instance (caller); the copy is private to the registry.
    let copy = OwnedHandle(unsafe { handle::dup_with_flags(&*h, RTE_INTR_INSTANCE_F_PRIVATE) }?);
    let id = reg.next_id;
    reg.next_id += 1;
    reg.watch(fd, id).map_err(cannot_watch)?;
    // SAFETY: the copy is a live instance owned by the registry.
    let ty = unsafe { (*copy.0).type_ };
    reg.sources.push(Source {
        id,
        fd,
        ty,
        handle: Arc::new(copy),
        callbacks: vec![callback],
        active: false,
    });
    Ok(())
}

/// Removes every callback `(cb, arg)` of the instance's descriptor (`arg` [`ANY_ARG`]: any
/// argument) and returns how many (`rte_intr_callback_unregister`). Errors: NULL handle or
/// negative fd: EINVAL; nothing registered for the descriptor: ENOENT; its callbacks are
/// running now (this is called from one of them, or races with them): EAGAIN.
///
/// # Safety
/// `h` is NULL or a live instance.
pub unsafe fn callback_unregister(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<usize> {
    // SAFETY: the caller's guarantee.
    let fd = unsafe { source_fd(h, "Unregistering") }?;
    let r = unregister_locked(&mut lock(), fd, cb, arg as usize);
    // SAFETY: h is a live instance (source_fd refused NULL).
    unsafe { trace_unregister(h, cb, arg, &r) };
    r
}

/// Emits `lib.eal.intr.unregister` for one unregistering attempt that got past the argument
/// checks (as DPDK, whose `_sync` variant traces each attempt).
///
/// # Safety
/// `h` is a live instance.
unsafe fn trace_unregister(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
    r: &Result<usize>,
) {
    if !trace_eal::enabled(&trace_eal::__rte_eal_trace_intr_callback_unregister) {
        return;
    }
    // SAFETY: the caller's guarantee.
    let fields = handle::trace_fields(unsafe { &*h });
    let rc = handle::trace_rc(r, |&n| c_int::try_from(n).unwrap_or(c_int::MAX));
    trace_eal::intr_callback_unregister(&fields, cb.map_or(0, |f| f as usize), arg as usize, rc);
}

fn unregister_locked(
    reg: &mut Registry,
    fd: c_int,
    cb: Option<IntrCb>,
    arg: usize,
) -> Result<usize> {
    let Some(i) = reg.sources.iter().position(|s| s.fd == fd) else {
        return Err(err!(libc::ENOENT, "no callback is registered for fd {fd}"));
    };
    let src = &mut reg.sources[i];
    if src.active {
        return Err(err!(
            libc::EAGAIN,
            "the callbacks of fd {fd} are running now: try again, or use rte_intr_callback_unregister_pending from a callback"
        ));
    }
    let before = src.callbacks.len();
    src.callbacks.retain(|c| !c.matches(cb, arg));
    let removed = before - src.callbacks.len();
    if src.callbacks.is_empty() {
        reg.remove(i);
        wake_for_rebuild(reg);
    }
    Ok(removed)
}

/// As [`callback_unregister`], waiting while the callbacks run instead of failing with
/// EAGAIN (`rte_intr_callback_unregister_sync`). From the interrupt thread, for a source whose
/// callbacks are running (it would wait for itself): EDEADLK.
///
/// # Safety
/// As [`callback_unregister`].
pub unsafe fn callback_unregister_sync(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<usize> {
    // SAFETY: the caller's guarantee.
    let fd = unsafe { source_fd(h, "Unregistering") }?;
    let mut reg = lock();
    loop {
        let r = unregister_locked(&mut reg, fd, cb, arg as usize);
        // SAFETY: h is a live instance (source_fd refused NULL).
        unsafe { trace_unregister(h, cb, arg, &r) };
        match r {
            Err(e) if e.errno == libc::EAGAIN => {
                if is_intr_thread() {
                    return Err(err!(
                        libc::EDEADLK,
                        "called from a callback of fd {fd}: it would wait for itself; use rte_intr_callback_unregister_pending"
                    ));
                }
                reg = Registered(IDLE.wait(reg.0).unwrap_or_else(|p| p.into_inner()));
            }
            r => return r,
        }
    }
}

/// Marks every callback `(cb, arg)` of the descriptor for removal once its callbacks have run,
/// calling `ucb(copy of the instance, arg)` for each then; returns how many
/// (`rte_intr_callback_unregister_pending`). Only while the source is active (from one of its
/// callbacks): otherwise EAGAIN. Errors as [`callback_unregister`] otherwise.
///
/// # Safety
/// `h` is NULL or a live instance; `ucb` may be called on the interrupt thread.
pub unsafe fn callback_unregister_pending(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
    ucb: Option<UnregisterCb>,
) -> Result<usize> {
    // SAFETY: the caller's guarantee.
    let fd = unsafe { source_fd(h, "Unregistering") }?;
    let mut reg = lock();
    let Some(src) = reg.sources.iter_mut().find(|s| s.fd == fd) else {
        return Err(err!(libc::ENOENT, "no callback is registered for fd {fd}"));
    };
    if !src.active {
        return Err(err!(
            libc::EAGAIN,
            "the callbacks of fd {fd} are not running: use rte_intr_callback_unregister"
        ));
    }
    let mut n = 0;
    for c in src
        .callbacks
        .iter_mut()
        .filter(|c| c.matches(cb, arg as usize))
    {
        c.pending_delete = true;
        c.ucb = ucb;
        n += 1;
    }
    Ok(n)
}

// ---- the thread --------------------------------------------------------------------------------

struct Runner {
    /// Wakes the thread (token WAKE).
    waker: OwnedFd,
    stop: AtomicBool,
}

impl Runner {
    fn wake(&self) {
        let _ = sys::fd_write(self.waker.as_raw_fd(), &1u64.to_ne_bytes());
    }
}

static RUNNER: Mutex<Option<(Arc<Runner>, libc::pthread_t)>> = Mutex::new(None);

fn wake_for_rebuild(reg: &Registry) {
    if let (true, Some(w)) = (reg.rebuild, reg.waker) {
        let _ = sys::fd_write(w, &1u64.to_ne_bytes());
    }
}

/// A new epoll set holding the waker and every source with callbacks. Sources epoll refuses
/// (their descriptor was closed) are logged and dropped with their callbacks.
fn build_epoll(reg: &mut Registry, waker: RawFd) -> Result<OwnedFd> {
    let ep = sys::epoll_create().map_err(|e| Error::os("Cannot create epoll instance", e))?;
    sys::epoll_ctl(
        ep.as_raw_fd(),
        libc::EPOLL_CTL_ADD,
        waker,
        libc::EPOLLIN as u32,
        WAKE,
    )
    .map_err(|e| Error::os("Cannot add the wake-up eventfd to the epoll set", e))?;
    reg.sources.retain(|s| {
        match sys::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_ADD, s.fd, WATCH, s.id) {
            Ok(()) => true,
            Err(e) => {
                eal_log!(
                    RTE_LOG_ERR,
                    "interrupt source fd {} cannot be watched any more ({e}): its {} callback(s) are dropped",
                    s.fd,
                    s.callbacks.len()
                );
                false
            }
        }
    });
    reg.rebuild = false;
    Ok(ep)
}

/// Starts the interrupt thread (`rte_eal_intr_init`); sources registered before start are
/// watched from now on. Does nothing if it runs already.
pub fn start() -> Result<()> {
    let mut runner = RUNNER.lock().unwrap_or_else(|p| p.into_inner());
    if runner.is_some() {
        return Ok(());
    }
    let waker =
        sys::eventfd().map_err(|e| Error::os("cannot create the interrupt thread's eventfd", e))?;
    {
        let mut reg = lock();
        let ep = build_epoll(&mut reg, waker.as_raw_fd())?;
        reg.epfd = Some(ep);
        reg.waker = Some(waker.as_raw_fd());
    }
    let r = Arc::new(Runner {
        waker,
        stop: AtomicBool::new(false),
    });
    extern "C" fn run(arg: *mut c_void) -> *mut c_void {
        // SAFETY: arg is the Arc<Runner> leaked by start() for this thread.
        let r = unsafe { Arc::from_raw(arg as *const Runner) };
        ON_INTR_THREAD.with(|c| c.set(true));
        thread_loop(&r);
        std::ptr::null_mut()
    }
    let raw = Arc::into_raw(r.clone()) as *mut c_void;
    let mut tid: libc::pthread_t = 0;
    // SAFETY: tid is writable, attr NULL, and `run` takes ownership of `raw`.
    let rc = unsafe {
        crate::base::lcore::ctrl::create(&mut tid, Some(THREAD_NAME), std::ptr::null(), run, raw)
    };
    if rc != 0 {
        // SAFETY: the thread never ran, so `raw` is still ours.
        drop(unsafe { Arc::from_raw(raw as *const Runner) });
        let mut reg = lock();
        reg.epfd = None;
        reg.waker = None;
        return Err(Error::new(
            rc,
            "Failed to create thread for interrupt handling",
        ));
    }
    *runner = Some((r, tid));
    Ok(())
}

/// Stops the interrupt thread and closes its epoll set; registered sources stay (unwatched)
/// and are watched again by a later [`start`]. Does nothing if no thread runs.
pub fn stop() {
    let Some((r, tid)) = RUNNER.lock().unwrap_or_else(|p| p.into_inner()).take() else {
        return;
    };
    r.stop.store(true, Ordering::Release);
    r.wake();
    if !is_intr_thread() {
        // SAFETY: tid is the joinable interrupt thread, joined only here (taken from RUNNER).
        unsafe { sys::pthread_join(tid) };
    }
    let mut reg = lock();
    reg.epfd = None;
    reg.waker = None;
    // No thread will clear `active` any more.
    for s in reg.sources.iter_mut() {
        s.active = false;
    }
    IDLE.notify_all();
}

fn thread_loop(r: &Runner) {
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; 64];
    while !r.stop.load(Ordering::Acquire) {
        let ep = {
            let mut reg = lock();
            if reg.rebuild {
                match build_epoll(&mut reg, r.waker.as_raw_fd()) {
                    Ok(ep) => reg.epfd = Some(ep),
                    Err(e) => eal_log!(RTE_LOG_ERR, "interrupt thread: {e}"),
                }
            }
            match &reg.epfd {
                Some(ep) => ep.as_raw_fd(),
                None => return,
            }
        };
        let n = match sys::epoll_wait(ep, &mut events, -1) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                eal_log!(RTE_LOG_ERR, "epoll_wait returns with fail: {e}");
                // Rebuild from scratch rather than spin on a broken set.
                lock().rebuild = true;
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
        };
        for ev in &events[..n] {
            let token = ev.u64;
            if token == WAKE {
                let mut b = [0u8; 8];
                let _ = sys::fd_read(r.waker.as_raw_fd(), &mut b);
                continue;
            }
            let run = std::panic::catch_unwind(|| process(token));
            if run.is_err() {
                eal_log!(
                    RTE_LOG_ERR,
                    "interrupt thread: internal error while serving an interrupt"
                );
                let mut reg = lock();
                if let Some(s) = reg.find(token) {
                    s.active = false;
                }
                IDLE.notify_all();
            }
        }
    }
}

/// Bytes to read from a ready descriptor of type `ty` to clear it (0: read nothing).
fn clear_len(ty: c_int) -> usize {
    match ty {
        RTE_INTR_HANDLE_UIO | RTE_INTR_HANDLE_UIO_INTX => 4,
        RTE_INTR_HANDLE_ALARM => 8,
        RTE_INTR_HANDLE_VFIO_REQ
        | RTE_INTR_HANDLE_VFIO_MSIX
        | RTE_INTR_HANDLE_VFIO_MSI
        | RTE_INTR_HANDLE_VFIO_LEGACY => 8,
        RTE_INTR_HANDLE_VDEV | RTE_INTR_HANDLE_EXT | RTE_INTR_HANDLE_DEV_EVENT => 0,
        _ => 1,
    }
}

/// Serves one ready source.
fn process(id: u64) {
    let (fd, ty, copy) = {
        let mut reg = lock();
        let Some(s) = reg.find(id) else {
            // Removed since epoll reported it, or a stale registration: start afresh.
            reg.rebuild = true;
            return;
        };
        s.active = true;
        (s.fd, s.ty, s.handle.clone())
    };
    let len = clear_len(ty);
    let call = if len == 0 {
        true
    } else {
        let mut buf = [0u8; 16];
        match sys::fd_read(fd, &mut buf[..len]) {
            Ok(0) => {
                eal_log!(RTE_LOG_ERR, "Read nothing from file descriptor {fd}");
                false
            }
            Ok(_) => true,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock
                ) =>
            {
                false
            }
            Err(e) => {
                eal_log!(
                    RTE_LOG_ERR,
                    "Error reading from file descriptor {fd}: {e}; its interrupt callbacks are removed"
                );
                let mut reg = lock();
                if let Some(i) = reg.sources.iter().position(|s| s.id == id) {
                    reg.remove(i);
                }
                IDLE.notify_all();
                return;
            }
        }
    };
    if call {
        // Callbacks run one at a time without the lock; the list cannot shrink meanwhile
        // (unregister refuses while active), and callbacks added now run in this round too.
        for i in 0.. {
            let c = {
                let mut reg = lock();
                match reg.find(id).and_then(|s| s.callbacks.get(i)) {
                    Some(c) => *c,
                    None => break,
                }
            };
            // SAFETY: the registrant guaranteed cb(arg) may run on this thread until removed.
            unsafe { (c.cb)(c.arg as *mut c_void) };
        }
    }
    let removed: Vec<Callback> = {
        let mut reg = lock();
        let Some(i) = reg.sources.iter().position(|s| s.id == id) else {
            IDLE.notify_all();
            return;
        };
        let s = &mut reg.sources[i];
        s.active = false;
        let (gone, keep): (Vec<Callback>, Vec<Callback>) =
            s.callbacks.iter().partition(|c| c.pending_delete);
        s.callbacks = keep;
        if s.callbacks.is_empty() {
            reg.remove(i);
        }
        IDLE.notify_all();
        gone
    };
    for c in removed {
        if let Some(u) = c.ucb {
            // SAFETY: the caller of unregister_pending guaranteed ucb may run here; the copy
            // stays alive through `copy`.
            unsafe { u(copy.0, c.arg as *mut c_void) };
        }
    }
}
