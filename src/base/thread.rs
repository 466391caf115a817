//! DPDK's portable thread API (`rte_thread.h`): threads created with an optional attribute
//! (priority, CPU affinity), joined or detached, compared; their priority and affinity read
//! and changed by id; thread-specific storage keys.
//!
//! On Linux an `rte_thread_t` is the pthread id, so every call maps onto one pthread call. The
//! DPDK contract is pthread's: the thread calls return 0 or a positive errno and leave
//! `rte_errno` alone; only the key calls fail with -1 and `rte_errno` (EINVAL for a NULL key,
//! ENOEXEC when the pthread call fails, ENOMEM when the key cannot be allocated).
//!
//! Priorities: NORMAL is SCHED_OTHER at the middle of its range (0 on Linux).
//! REALTIME_CRITICAL would be SCHED_RR at its highest priority; like DPDK on Linux it is
//! refused (ENOTSUP) when asked for, because a busy-polling real-time thread starves the
//! kernel's own threads on its CPU. Reading a thread's priority maps SCHED_OTHER/SCHED_RR back,
//! fails with EINVAL for other policies, and leaves the output unwritten when the policy
//! matches but the priority does not (DPDK's answer for that case is 0 with nothing written).
//!
//! A thread id comes from C and cannot be checked beyond "not 0": like any pthread id, a stale
//! or made-up one is undefined behaviour in the C library (the FFI functions say so).

use std::ffi::{c_int, c_void};

use crate::err;
use crate::error::{Error, Result};
use crate::sys;

/// `RTE_THREAD_PRIORITY_NORMAL`.
pub const PRIORITY_NORMAL: c_int = 0;
/// `RTE_THREAD_PRIORITY_REALTIME_CRITICAL`.
pub const PRIORITY_REALTIME_CRITICAL: c_int = 1;

/// `rte_thread_attr_t` as DPDK's library sees it (built with `RTE_HAS_CPUSET`): 136 bytes.
/// Declared for C by hand in `include/rte_thread.h`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ThreadAttr {
    /// `enum rte_thread_priority`.
    pub priority: c_int,
    /// CPUs the thread may run on; empty means "inherit".
    pub cpuset: libc::cpu_set_t,
}

const _: () = {
    assert!(std::mem::size_of::<ThreadAttr>() == 136);
    assert!(std::mem::offset_of!(ThreadAttr, cpuset) == 8);
};

/// `rte_thread_func`: the function a thread runs; its result is the thread's exit value.
pub type ThreadFn = unsafe extern "C" fn(*mut c_void) -> u32;

/// The struct a `rte_thread_key` points to (`struct eal_tls_key`, opaque to C).
/// cbindgen:ignore
pub struct Key {
    key: libc::pthread_key_t,
}

/// An attribute with no affinity and NORMAL priority (`rte_thread_attr_init`).
pub fn attr_init(attr: &mut ThreadAttr) {
    attr.priority = PRIORITY_NORMAL;
    // SAFETY: all-zero is a valid (empty) cpu_set_t.
    attr.cpuset = unsafe { std::mem::zeroed() };
}

/// The scheduling policy and OS priority of an EAL priority.
fn os_priority(priority: c_int) -> Result<(c_int, c_int)> {
    match priority {
        PRIORITY_NORMAL => {
            let (min, max) = sys::sched_priority_range(libc::SCHED_OTHER);
            Ok((libc::SCHED_OTHER, (min + max) / 2))
        }
        PRIORITY_REALTIME_CRITICAL => {
            let (_, max) = sys::sched_priority_range(libc::SCHED_RR);
            Ok((libc::SCHED_RR, max))
        }
        p => Err(err!(
            libc::EINVAL,
            "priority {p} is not an rte_thread_priority (NORMAL 0, REALTIME_CRITICAL 1)"
        )),
    }
}

/// Refuses REALTIME_CRITICAL, as DPDK does on Linux.
fn refuse_realtime(priority: c_int) -> Result<()> {
    if priority == PRIORITY_REALTIME_CRITICAL {
        return Err(err!(
            libc::ENOTSUP,
            "real-time priority is not allowed on Linux (a polling thread would starve the \
             kernel's threads on its CPU)"
        ));
    }
    Ok(())
}

fn os_err(what: &str, rc: c_int) -> Error {
    err!(
        rc,
        "{what} failed: {}",
        std::io::Error::from_raw_os_error(rc)
    )
}

fn check_id(id: usize) -> Result<libc::pthread_t> {
    if id == 0 {
        return Err(err!(libc::ESRCH, "thread id 0 is no thread"));
    }
    Ok(id as libc::pthread_t)
}

/// What the start routine of a new thread gets: the application's function and argument.
struct Start {
    f: ThreadFn,
    arg: usize,
}

extern "C" fn start(p: *mut c_void) -> *mut c_void {
    // SAFETY: `create` passed a leaked Box<Start> to exactly this thread.
    let s = unsafe { Box::from_raw(p.cast::<Start>()) };
    // SAFETY: the application's function with its own argument (rte_thread_create's contract).
    let exit = unsafe { (s.f)(s.arg as *mut c_void) };
    exit as usize as *mut c_void
}

/// Starts a thread running `f(arg)`, with `attr`'s priority and affinity when given. Returns
/// its id.
pub fn create(attr: Option<&ThreadAttr>, f: ThreadFn, arg: *mut c_void) -> Result<usize> {
    let mut pattr = None;
    if let Some(a) = attr {
        let mut pa = sys::PthreadAttr::new().map_err(|rc| os_err("pthread_attr_init", rc))?;
        // SAFETY: CPU_COUNT only reads the set.
        if unsafe { libc::CPU_COUNT(&a.cpuset) } > 0 {
            let rc = pa.set_affinity(&a.cpuset);
            if rc != 0 {
                return Err(os_err("pthread_attr_setaffinity_np", rc));
            }
        }
        let rc = pa.set_explicit_sched();
        if rc != 0 {
            return Err(os_err("pthread_attr_setinheritsched", rc));
        }
        refuse_realtime(a.priority)?;
        let (policy, prio) = os_priority(a.priority)?;
        let rc = pa.set_sched(policy, prio);
        if rc != 0 {
            return Err(os_err("setting the thread's scheduling attributes", rc));
        }
        pattr = Some(pa);
    }
    let s = Box::into_raw(Box::new(Start {
        f,
        arg: arg as usize,
    }));
    let mut tid: libc::pthread_t = 0;
    let ap = pattr.as_ref().map_or(std::ptr::null(), |a| a.as_ptr());
    // SAFETY: tid is writable; ap is NULL or an initialised attribute; `start` takes ownership
    // of `s` on the new thread.
    let rc = unsafe { sys::pthread_create(&mut tid, ap, start, s.cast()) };
    if rc != 0 {
        // SAFETY: no thread was created, so `s` is still ours.
        drop(unsafe { Box::from_raw(s) });
        return Err(os_err("pthread_create", rc));
    }
    Ok(tid as usize)
}

/// Waits for thread `id` and returns its exit value.
///
/// # Safety
/// `id` is a joinable thread of this process that nobody else joins.
pub unsafe fn join(id: usize) -> Result<u32> {
    let t = check_id(id)?;
    // SAFETY: the caller's guarantee.
    let v = unsafe { sys::pthread_join_value(t) }.map_err(|rc| os_err("pthread_join", rc))?;
    Ok(v as usize as u32)
}

/// Detaches thread `id`.
///
/// # Safety
/// `id` is a thread of this process, neither joined nor detached.
pub unsafe fn detach(id: usize) -> Result<()> {
    let t = check_id(id)?;
    // SAFETY: the caller's guarantee.
    match unsafe { sys::pthread_detach(t) } {
        0 => Ok(()),
        rc => Err(os_err("pthread_detach", rc)),
    }
}

/// True when `a` and `b` are the same thread.
pub fn equal(a: usize, b: usize) -> bool {
    sys::pthread_equal(a as libc::pthread_t, b as libc::pthread_t)
}

/// The calling thread's id.
pub fn current() -> usize {
    sys::pthread_self() as usize
}

/// The EAL priority of thread `id`; None when its policy is SCHED_OTHER or SCHED_RR at a
/// priority that is not one of the EAL's.
///
/// # Safety
/// `id` is a live (or joinable) thread of this process.
pub unsafe fn priority(id: usize) -> Result<Option<c_int>> {
    let t = check_id(id)?;
    // SAFETY: the caller's guarantee.
    let (policy, prio) = unsafe { sys::pthread_getschedparam(t) }
        .map_err(|rc| os_err("pthread_getschedparam", rc))?;
    let eal = match policy {
        libc::SCHED_OTHER => PRIORITY_NORMAL,
        libc::SCHED_RR => PRIORITY_REALTIME_CRITICAL,
        p => {
            return Err(err!(
                libc::EINVAL,
                "the thread's scheduling policy {p} has no EAL priority"
            ))
        }
    };
    let (_, want) = os_priority(eal)?;
    Ok((prio == want).then_some(eal))
}

/// Sets the priority of thread `id`.
///
/// # Safety
/// `id` is a live (or joinable) thread of this process.
pub unsafe fn set_priority(id: usize, priority: c_int) -> Result<()> {
    refuse_realtime(priority)?;
    let (policy, prio) = os_priority(priority)?;
    let t = check_id(id)?;
    // SAFETY: the caller's guarantee.
    match unsafe { sys::pthread_setschedparam(t, policy, prio) } {
        0 => Ok(()),
        rc => Err(os_err("pthread_setschedparam", rc)),
    }
}

/// Pins thread `id` to `set`.
///
/// # Safety
/// `id` is a live (or joinable) thread of this process.
pub unsafe fn set_affinity(id: usize, set: &libc::cpu_set_t) -> Result<()> {
    let t = check_id(id)?;
    // SAFETY: the caller's guarantee.
    match unsafe { sys::pthread_setaffinity(t, set) } {
        0 => Ok(()),
        rc => Err(os_err("pthread_setaffinity_np", rc)),
    }
}

/// The CPUs thread `id` may run on.
///
/// # Safety
/// `id` is a live (or joinable) thread of this process.
pub unsafe fn affinity(id: usize) -> Result<libc::cpu_set_t> {
    let t = check_id(id)?;
    // SAFETY: the caller's guarantee.
    unsafe { sys::pthread_getaffinity(t) }.map_err(|rc| os_err("pthread_getaffinity_np", rc))
}

/// Creates a thread-specific storage key; `dtor` runs at thread exit for non-NULL values.
pub fn key_create(dtor: Option<unsafe extern "C" fn(*mut c_void)>) -> Result<*mut Key> {
    let key = sys::pthread_key_create(dtor).map_err(|rc| {
        err!(
            libc::ENOEXEC,
            "pthread_key_create failed: {}",
            std::io::Error::from_raw_os_error(rc)
        )
    })?;
    Ok(Box::into_raw(Box::new(Key { key })))
}

/// Deletes `key` and frees it (also when the pthread call fails, as DPDK does).
///
/// # Safety
/// `key` is NULL or came from [`key_create`] and was not deleted.
pub unsafe fn key_delete(key: *mut Key) -> Result<()> {
    if key.is_null() {
        return Err(err!(libc::EINVAL, "the key is NULL"));
    }
    // SAFETY: the caller's guarantee: we own it from here.
    let k = unsafe { Box::from_raw(key) };
    match sys::pthread_key_delete(k.key) {
        0 => Ok(()),
        rc => Err(err!(
            libc::ENOEXEC,
            "pthread_key_delete failed: {}",
            std::io::Error::from_raw_os_error(rc)
        )),
    }
}

/// Sets the calling thread's value of `key`.
///
/// # Safety
/// `key` is NULL or a live key from [`key_create`].
pub unsafe fn value_set(key: *const Key, v: *const c_void) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let k = unsafe { key.as_ref() }.ok_or_else(|| err!(libc::EINVAL, "the key is NULL"))?;
    match sys::pthread_setspecific(k.key, v as usize) {
        0 => Ok(()),
        rc => Err(err!(
            libc::ENOEXEC,
            "pthread_setspecific failed: {}",
            std::io::Error::from_raw_os_error(rc)
        )),
    }
}

/// The calling thread's value of `key` (NULL when unset).
///
/// # Safety
/// `key` is NULL or a live key from [`key_create`].
pub unsafe fn value_get(key: *const Key) -> Result<*mut c_void> {
    // SAFETY: the caller's guarantee.
    let k = unsafe { key.as_ref() }.ok_or_else(|| err!(libc::EINVAL, "the key is NULL"))?;
    Ok(sys::pthread_getspecific(k.key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    unsafe extern "C" fn report_self(arg: *mut c_void) -> u32 {
        // SAFETY: the tests pass a live AtomicUsize.
        let slot = unsafe { &*arg.cast::<AtomicUsize>() };
        slot.store(current(), Ordering::SeqCst);
        42
    }

    fn new_attr() -> ThreadAttr {
        // SAFETY: an all-zero ThreadAttr is valid; attr_init sets it properly.
        let mut a: ThreadAttr = unsafe { std::mem::zeroed() };
        a.priority = 77;
        attr_init(&mut a);
        a
    }

    #[test]
    fn create_join_returns_the_exit_value_and_the_same_id() {
        let seen = AtomicUsize::new(0);
        let id = create(None, report_self, &seen as *const _ as *mut c_void).unwrap();
        // SAFETY: id is our joinable thread.
        assert_eq!(unsafe { join(id) }.unwrap(), 42);
        assert!(equal(id, seen.load(Ordering::SeqCst)));
        assert!(!equal(id, current()));
        assert!(equal(current(), current()));
    }

    /// A thread that stays alive until its word is set to 2 (10 s at most).
    unsafe extern "C" fn hold(arg: *mut c_void) -> u32 {
        // SAFETY: the tests pass a live AtomicUsize.
        let gate = unsafe { &*arg.cast::<AtomicUsize>() };
        let _ = gate.compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst);
        let t0 = std::time::Instant::now();
        while gate.load(Ordering::SeqCst) != 2 && t0.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        7
    }

    #[test]
    fn attribute_affinity_and_priority_apply_to_the_new_thread() {
        let mut a = new_attr();
        assert_eq!(a.priority, PRIORITY_NORMAL);
        // SAFETY: CPU_COUNT reads the set.
        assert_eq!(unsafe { libc::CPU_COUNT(&a.cpuset) }, 0);
        // SAFETY: the calling thread is live.
        let mine = unsafe { affinity(current()) }.unwrap();
        let last = (0..libc::CPU_SETSIZE as usize)
            .rev()
            // SAFETY: CPU_ISSET reads the set.
            .find(|&c| unsafe { libc::CPU_ISSET(c, &mine) })
            .unwrap();
        // SAFETY: CPU_SET writes inside the set.
        unsafe { libc::CPU_SET(last, &mut a.cpuset) };
        let gate = AtomicUsize::new(0);
        let id = create(Some(&a), hold, &gate as *const _ as *mut c_void).unwrap();
        // SAFETY: id is joinable and alive until the gate opens.
        let (got, prio) = unsafe { (affinity(id), priority(id)) };
        gate.store(2, Ordering::SeqCst);
        // SAFETY: as above.
        assert_eq!(unsafe { join(id) }.unwrap(), 7);
        // SAFETY: CPU_EQUAL reads both sets.
        assert!(unsafe { libc::CPU_EQUAL(&got.unwrap(), &a.cpuset) });
        assert_eq!(prio.unwrap(), Some(PRIORITY_NORMAL));
    }

    #[test]
    fn affinity_by_id_round_trips() {
        let gate = AtomicUsize::new(0);
        let id = create(None, hold, &gate as *const _ as *mut c_void).unwrap();
        // SAFETY: id is joinable and alive until the gate opens.
        let r = unsafe {
            let before = affinity(id).unwrap();
            let one = (0..libc::CPU_SETSIZE as usize)
                .find(|&c| libc::CPU_ISSET(c, &before))
                .unwrap();
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(one, &mut set);
            set_affinity(id, &set).unwrap();
            let after = affinity(id).unwrap();
            libc::CPU_EQUAL(&after, &set)
        };
        gate.store(2, Ordering::SeqCst);
        // SAFETY: as above.
        unsafe { join(id) }.unwrap();
        assert!(r);
    }

    #[test]
    fn realtime_and_unknown_priorities_are_refused() {
        let mut a = new_attr();
        a.priority = PRIORITY_REALTIME_CRITICAL;
        let seen = AtomicUsize::new(0);
        let e = create(Some(&a), report_self, &seen as *const _ as *mut c_void).unwrap_err();
        assert_eq!(e.errno, libc::ENOTSUP);
        a.priority = 7;
        let e = create(Some(&a), report_self, &seen as *const _ as *mut c_void).unwrap_err();
        assert_eq!(e.errno, libc::EINVAL);
        assert_eq!(seen.load(Ordering::SeqCst), 0, "no thread ran");
        // SAFETY: the calling thread is live.
        unsafe {
            assert_eq!(
                set_priority(current(), PRIORITY_REALTIME_CRITICAL)
                    .unwrap_err()
                    .errno,
                libc::ENOTSUP
            );
            assert_eq!(set_priority(current(), 7).unwrap_err().errno, libc::EINVAL);
            set_priority(current(), PRIORITY_NORMAL).unwrap();
            assert_eq!(priority(current()).unwrap(), Some(PRIORITY_NORMAL));
        }
    }

    #[test]
    fn thread_id_zero_is_refused() {
        // SAFETY: id 0 is checked before any pthread call.
        unsafe {
            assert_eq!(join(0).unwrap_err().errno, libc::ESRCH);
            assert_eq!(detach(0).unwrap_err().errno, libc::ESRCH);
            assert_eq!(priority(0).unwrap_err().errno, libc::ESRCH);
            assert_eq!(affinity(0).unwrap_err().errno, libc::ESRCH);
            assert_eq!(
                set_priority(0, PRIORITY_NORMAL).unwrap_err().errno,
                libc::ESRCH
            );
        }
    }

    #[test]
    fn keys_hold_one_value_per_thread() {
        let k = key_create(None).unwrap();
        // SAFETY: k is live until key_delete below.
        unsafe {
            assert!(value_get(k).unwrap().is_null());
            value_set(k, 5 as *const c_void).unwrap();
            assert_eq!(value_get(k).unwrap() as usize, 5);
            let kk = k as usize;
            std::thread::spawn(move || {
                let k = kk as *const Key;
                assert!(value_get(k).unwrap().is_null());
                value_set(k, 6 as *const c_void).unwrap();
                assert_eq!(value_get(k).unwrap() as usize, 6);
            })
            .join()
            .unwrap();
            assert_eq!(value_get(k).unwrap() as usize, 5);
            key_delete(k).unwrap();
            assert_eq!(
                key_delete(std::ptr::null_mut()).unwrap_err().errno,
                libc::EINVAL
            );
            assert_eq!(
                value_set(std::ptr::null(), std::ptr::null())
                    .unwrap_err()
                    .errno,
                libc::EINVAL
            );
            assert_eq!(value_get(std::ptr::null()).unwrap_err().errno, libc::EINVAL);
        }
    }

    #[test]
    fn detached_threads_run() {
        static RAN: AtomicUsize = AtomicUsize::new(0);
        unsafe extern "C" fn bump(_: *mut c_void) -> u32 {
            RAN.fetch_add(1, Ordering::SeqCst);
            0
        }
        let id = create(None, bump, std::ptr::null_mut()).unwrap();
        // SAFETY: id is ours, not joined.
        unsafe { detach(id) }.unwrap();
        let t0 = std::time::Instant::now();
        while RAN.load(Ordering::SeqCst) == 0 {
            assert!(
                t0.elapsed() < std::time::Duration::from_secs(10),
                "thread never ran"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}
