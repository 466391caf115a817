//! Control threads (`rte_ctrl_thread_create`): plain pthreads, not lcores, pinned to the CPUs
//! no lcore uses ([`super::ctrl_cpuset`]) so that housekeeping never steals a worker's CPU.
//!
//! The creator waits until the new thread has pinned itself; if pinning fails the thread exits
//! before running the caller's function, is joined, and the creator returns the error.

use std::ffi::{c_int, c_void, CStr};
use std::sync::{Arc, Condvar, Mutex};

use crate::sys;

/// A control thread's start routine.
pub type StartFn = unsafe extern "C" fn(*mut c_void) -> *mut c_void;

struct Start {
    f: StartFn,
    arg: usize,
    /// None while launching, then Some(0) (running) or Some(errno).
    status: Mutex<Option<c_int>>,
    cond: Condvar,
}

extern "C" fn trampoline(p: *mut c_void) -> *mut c_void {
    // SAFETY: `p` is the Arc<Start> leaked by `create` for this thread; we take ownership once.
    let start = unsafe { Arc::from_raw(p as *const Start) };
    let rc = std::panic::catch_unwind(|| {
        super::init_ctrl_thread()
            .map_err(|e| e.errno)
            .err()
            .unwrap_or(0)
    })
    .unwrap_or(libc::EFAULT);
    {
        let mut s = start.status.lock().unwrap_or_else(|e| e.into_inner());
        *s = Some(rc);
        start.cond.notify_all();
    }
    if rc != 0 {
        return std::ptr::null_mut();
    }
    let (f, arg) = (start.f, start.arg);
    drop(start);
    // SAFETY: the caller of rte_ctrl_thread_create guarantees `f(arg)` may run on a new thread.
    unsafe { f(arg as *mut c_void) }
}

/// Sets a thread's name (truncated to the kernel's 15 bytes, as DPDK does). Returns 0 or a
/// positive errno.
pub fn set_thread_name(id: libc::pthread_t, name: &CStr) -> c_int {
    let mut buf = [0u8; 16];
    for (d, s) in buf.iter_mut().zip(name.to_bytes().iter().take(15)) {
        *d = *s;
    }
    // The 16th byte is never written, so there is a NUL.
    let short = CStr::from_bytes_until_nul(&buf).unwrap_or(c"");
    sys::pthread_setname(id, short)
}

/// Creates a control thread running `f(arg)`. Returns 0 or a positive errno.
///
/// # Safety
/// `thread` is writable; `attr` is NULL or a valid initialised attribute object; `f(arg)` may
/// be called on a new thread.
pub unsafe fn create(
    thread: *mut libc::pthread_t,
    name: Option<&CStr>,
    attr: *const libc::pthread_attr_t,
    f: StartFn,
    arg: *mut c_void,
) -> c_int {
    let start = Arc::new(Start {
        f,
        arg: arg as usize,
        status: Mutex::new(None),
        cond: Condvar::new(),
    });
    let raw = Arc::into_raw(Arc::clone(&start)) as *mut c_void;
    // SAFETY: the caller vouches for `thread` and `attr`; `raw` is owned by the new thread.
    let rc = unsafe { sys::pthread_create(thread, attr, trampoline, raw) };
    if rc != 0 {
        // SAFETY: the thread was not created, so `raw` was never handed over; reclaim it.
        drop(unsafe { Arc::from_raw(raw as *const Start) });
        return rc;
    }
    // SAFETY: pthread_create succeeded, so `*thread` holds the new thread's id.
    let tid = unsafe { *thread };
    if let Some(n) = name {
        if set_thread_name(tid, n) != 0 {
            crate::eal_log!(
                crate::base::log::RTE_LOG_DEBUG,
                "Cannot set name for ctrl thread"
            );
        }
    }
    let mut s = start.status.lock().unwrap_or_else(|e| e.into_inner());
    while s.is_none() {
        s = start.cond.wait(s).unwrap_or_else(|e| e.into_inner());
    }
    let rc = s.unwrap_or(0);
    drop(s);
    if rc != 0 {
        // SAFETY: the thread exists and is joinable (it exits right after reporting).
        unsafe { sys::pthread_join(tid) };
    }
    rc
}
