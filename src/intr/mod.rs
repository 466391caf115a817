//! STAND-IN: replaced by WP2.
//!
//! A minimal stand-in for the interrupt layer, with exactly the Rust API that WP2's `src/intr/`
//! provides to other packages (the contract in /work/notes/WP3-dev.md), so that the device
//! layer (hotplug requests served from an alarm, the uevent monitor) builds and runs before WP2
//! lands. One thread ("rtemem-intr") polls the registered fds and runs due alarms; callbacks
//! run on it without the lock held. No epoll, no event fds, no `rte_intr_*` exports.
//!
//! When merging WP2: delete this directory and keep WP2's; the calls in `src/dev/` use only
//! `alarm::set`, `alarm::cancel`, `instance_alloc`, `instance_free`, `fd_set`, `fd_get`,
//! `type_set`, `callback_register`, `callback_unregister`.

pub mod alarm;

use std::ffi::c_void;
use std::os::fd::RawFd;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use crate::err;
use crate::error::Result;

/// An interrupt callback (`rte_intr_callback_fn`).
pub type IntrCb = unsafe extern "C" fn(*mut c_void);

/// `RTE_INTR_HANDLE_DEV_EVENT`.
/// cbindgen:ignore
pub const RTE_INTR_HANDLE_DEV_EVENT: i32 = 9;

/// STAND-IN interrupt handle (WP2's is DPDK's private 64-byte layout).
#[allow(non_camel_case_types)]
pub struct rte_intr_handle {
    fd: RawFd,
    type_: i32,
}

struct Fd {
    handle: usize,
    fd: RawFd,
    cb: IntrCb,
    arg: usize,
}

pub(crate) struct State {
    fds: Vec<Fd>,
    pub(crate) alarms: Vec<alarm::Alarm>,
}

struct Thread {
    waker: crate::sys::Waker,
    tid: std::thread::ThreadId,
}

static STATE: Mutex<State> = Mutex::new(State {
    fds: Vec::new(),
    alarms: Vec::new(),
});
static THREAD: OnceLock<std::result::Result<Thread, String>> = OnceLock::new();

pub(crate) fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts the thread on first use and wakes it (its poll set or deadlines changed).
pub(crate) fn kick() -> Result<()> {
    let t = THREAD.get_or_init(|| {
        let waker = crate::sys::Waker::new().map_err(|e| e.to_string())?;
        let fd = waker.fd();
        let h = std::thread::Builder::new()
            .name("rtemem-intr".into())
            .spawn(move || run(fd))
            .map_err(|e| e.to_string())?;
        Ok(Thread {
            waker,
            tid: h.thread().id(),
        })
    });
    match t {
        Ok(t) => {
            t.waker.wake();
            Ok(())
        }
        Err(e) => Err(err!(libc::ENOMEM, "cannot start the interrupt thread: {e}")),
    }
}

/// True on the interrupt thread.
pub fn is_intr_thread() -> bool {
    matches!(THREAD.get(), Some(Ok(t)) if t.tid == std::thread::current().id())
}

fn run(wake_fd: RawFd) {
    loop {
        let (fds, timeout) = {
            let g = state();
            let fds: Vec<(RawFd, usize, IntrCb, usize)> = g
                .fds
                .iter()
                .map(|f| (f.fd, f.handle, f.cb, f.arg))
                .collect();
            let timeout = g
                .alarms
                .iter()
                .map(|a| a.due)
                .min()
                .map(|d| {
                    d.saturating_duration_since(Instant::now())
                        .as_millis()
                        .min(1000) as i32
                })
                .unwrap_or(1000);
            (fds, timeout)
        };
        let mut set: Vec<RawFd> = vec![wake_fd];
        set.extend(fds.iter().map(|f| f.0));
        let ready = crate::sys::poll_many(&set, timeout);
        if ready[0] {
            if let Some(Ok(t)) = THREAD.get() {
                t.waker.clear();
            }
        }
        for (i, f) in fds.iter().enumerate() {
            let still = state()
                .fds
                .iter()
                .any(|x| x.handle == f.1 && x.cb as usize == f.2 as usize);
            if ready[i + 1] && still {
                // SAFETY: the callback and its argument were registered together.
                unsafe { (f.2)(f.3 as *mut c_void) };
            }
        }
        alarm::run_due();
    }
}

/// Allocates an interrupt handle (flags: `RTE_INTR_INSTANCE_F_*`).
pub fn instance_alloc(_flags: u32) -> Result<*mut rte_intr_handle> {
    Ok(Box::into_raw(Box::new(rte_intr_handle {
        fd: -1,
        type_: 0,
    })))
}

/// Frees a handle from [`instance_alloc`].
#[allow(clippy::not_unsafe_ptr_arg_deref)] // stand-in: WP2 decides
pub fn instance_free(h: *mut rte_intr_handle) {
    if !h.is_null() {
        // SAFETY: made by instance_alloc, freed once (the caller's contract).
        drop(unsafe { Box::from_raw(h) });
    }
}

/// Sets the handle's fd.
#[allow(clippy::not_unsafe_ptr_arg_deref)] // stand-in: WP2 decides
pub fn fd_set(h: *mut rte_intr_handle, fd: i32) -> Result<()> {
    if h.is_null() {
        return Err(err!(libc::EINVAL, "interrupt handle is NULL"));
    }
    // SAFETY: a live handle from instance_alloc.
    unsafe { (*h).fd = fd };
    Ok(())
}

/// The handle's fd.
#[allow(clippy::not_unsafe_ptr_arg_deref)] // stand-in: WP2 decides
pub fn fd_get(h: *const rte_intr_handle) -> Result<i32> {
    if h.is_null() {
        return Err(err!(libc::EINVAL, "interrupt handle is NULL"));
    }
    // SAFETY: a live handle from instance_alloc.
    Ok(unsafe { (*h).fd })
}

/// Sets the handle's type (`RTE_INTR_HANDLE_*`).
#[allow(clippy::not_unsafe_ptr_arg_deref)] // stand-in: WP2 decides
pub fn type_set(h: *mut rte_intr_handle, t: i32) -> Result<()> {
    if h.is_null() {
        return Err(err!(libc::EINVAL, "interrupt handle is NULL"));
    }
    // SAFETY: a live handle from instance_alloc.
    unsafe { (*h).type_ = t };
    Ok(())
}

/// Calls `cb(arg)` on the interrupt thread whenever the handle's fd is readable.
pub fn callback_register(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<()> {
    let cb = cb.ok_or_else(|| err!(libc::EINVAL, "callback is NULL"))?;
    let fd = fd_get(h)?;
    if fd < 0 {
        return Err(err!(libc::EINVAL, "interrupt handle has no fd"));
    }
    state().fds.push(Fd {
        handle: h as usize,
        fd,
        cb,
        arg: arg as usize,
    });
    kick()
}

/// Removes the handle's callbacks `cb` with `arg` (`(void *)-1`: any); how many.
pub fn callback_unregister(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<usize> {
    let cb = cb.ok_or_else(|| err!(libc::EINVAL, "callback is NULL"))?;
    let mut g = state();
    let n = g.fds.len();
    g.fds.retain(|f| {
        !(f.handle == h as usize
            && f.cb as usize == cb as usize
            && (arg as usize == usize::MAX || f.arg == arg as usize))
    });
    let removed = n - g.fds.len();
    drop(g);
    if removed == 0 {
        return Err(err!(libc::ENOENT, "no such callback"));
    }
    let _ = kick();
    Ok(removed)
}
