//! C API of `rte_thread.h` (the part DPDK 22.11 marks experimental): create threads with
//! attributes, join, detach, compare them, read and set their priority and affinity by id,
//! and thread-specific storage keys. (`rte_thread_register`, `rte_thread_set_affinity` and
//! the name calls of the same header live in `lcore.rs`.)
//!
//! DPDK's contract: the thread calls return 0 or a positive errno and leave `rte_errno` alone
//! (a bad argument gets one ERR log line here); the key calls return -1 (or NULL) with
//! `rte_errno` set. `rte_thread_t`, `rte_thread_attr_t`, `enum rte_thread_priority` and
//! `rte_thread_key` are declared by hand in `include/rte_thread.h`, so cbindgen does not see
//! these functions.

use std::ffi::{c_int, c_void};

use crate::base::thread::{self, Key, ThreadAttr, ThreadFn};
use crate::error::Error;
use crate::ffi::Mode;

/// `rte_thread_t`: the thread's pthread id, passed by value.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
pub struct rte_thread_t {
    pub opaque_id: usize,
}

/// ENOTSUP (real-time priority refused, as DPDK) is an answer, not worth an ERR line.
fn mode(e: &Error) -> Mode {
    if e.errno == libc::ENOTSUP {
        Mode::Debug
    } else {
        Mode::LogOnly
    }
}

fn null(what: &str) -> Error {
    Error::new(libc::EINVAL, format!("{what} is NULL"))
}

/// A NULL CPU set handed to the kernel: DPDK passes it on and gets EFAULT; so do we.
fn bad_address(what: &str) -> Error {
    Error::new(libc::EFAULT, format!("{what} is NULL"))
}

/// Starts a thread running `thread_func(arg)`, with `thread_attr`'s priority and affinity
/// when it is not NULL, and stores its id in `*thread_id`.
///
/// # Safety
/// `thread_id` is NULL or writable; `thread_attr` is NULL or a valid attribute.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_create(
    thread_id: *mut rte_thread_t,
    thread_attr: *const ThreadAttr,
    thread_func: Option<ThreadFn>,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Per(mode), "rte_thread_create", fail = errno, {
        if thread_id.is_null() {
            return Err(null("thread_id"));
        }
        let f = thread_func.ok_or_else(|| null("thread_func"))?;
        // SAFETY: NULL or valid (caller's guarantee).
        let attr = unsafe { thread_attr.as_ref() };
        let id = thread::create(attr, f, arg)?;
        // SAFETY: checked non-NULL; writable (caller's guarantee).
        unsafe { thread_id.write(rte_thread_t { opaque_id: id }) };
        Ok(0)
    })
}

/// Waits for `thread_id` to end and stores its exit value in `*value_ptr` (unless NULL).
///
/// # Safety
/// `thread_id` is a joinable thread nobody else joins; `value_ptr` is NULL or writable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_join(thread_id: rte_thread_t, value_ptr: *mut u32) -> c_int {
    ffi_boundary!(Per(mode), "rte_thread_join", fail = errno, {
        // SAFETY: forwarded caller guarantee.
        let v = unsafe { thread::join(thread_id.opaque_id) }?;
        if !value_ptr.is_null() {
            // SAFETY: writable (caller's guarantee).
            unsafe { value_ptr.write(v) };
        }
        Ok(0)
    })
}

/// Lets `thread_id` release its resources when it ends, without a join.
///
/// # Safety
/// `thread_id` is a thread of this process, neither joined nor detached.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_detach(thread_id: rte_thread_t) -> c_int {
    ffi_boundary!(Per(mode), "rte_thread_detach", fail = errno, {
        // SAFETY: forwarded caller guarantee.
        unsafe { thread::detach(thread_id.opaque_id) }?;
        Ok(0)
    })
}

/// The calling thread's id.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_thread_self() -> rte_thread_t {
    rte_thread_t {
        opaque_id: thread::current(),
    }
}

/// Non-zero when `t1` and `t2` are the same thread.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_thread_equal(t1: rte_thread_t, t2: rte_thread_t) -> c_int {
    c_int::from(thread::equal(t1.opaque_id, t2.opaque_id))
}

/// Resets `*attr`: NORMAL priority, no affinity.
///
/// # Safety
/// `attr` is NULL or a writable `rte_thread_attr_t`.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_attr_init(attr: *mut ThreadAttr) -> c_int {
    ffi_boundary!(LogOnly, "rte_thread_attr_init", fail = errno, {
        // SAFETY: NULL or writable (caller's guarantee).
        thread::attr_init(unsafe { attr.as_mut() }.ok_or_else(|| null("attr"))?);
        Ok(0)
    })
}

/// Sets the priority threads created with `thread_attr` get (checked at creation).
///
/// # Safety
/// `thread_attr` is NULL or a writable `rte_thread_attr_t`.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_attr_set_priority(
    thread_attr: *mut ThreadAttr,
    priority: c_int,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_thread_attr_set_priority", fail = errno, {
        // SAFETY: NULL or writable (caller's guarantee).
        let a = unsafe { thread_attr.as_mut() }.ok_or_else(|| null("thread_attr"))?;
        a.priority = priority;
        Ok(0)
    })
}

/// Sets the CPUs threads created with `thread_attr` run on.
///
/// # Safety
/// `thread_attr` is NULL or writable; `cpuset` is NULL or a readable `rte_cpuset_t`.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_attr_set_affinity(
    thread_attr: *mut ThreadAttr,
    cpuset: *const libc::cpu_set_t,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_thread_attr_set_affinity", fail = errno, {
        // SAFETY: NULL or valid (caller's guarantee).
        let (a, set) = unsafe { (thread_attr.as_mut(), cpuset.as_ref()) };
        let a = a.ok_or_else(|| null("thread_attr"))?;
        a.cpuset = *set.ok_or_else(|| null("cpuset"))?;
        Ok(0)
    })
}

/// Copies the CPUs of `thread_attr` into `*cpuset`.
///
/// # Safety
/// `thread_attr` is NULL or readable; `cpuset` is NULL or writable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_attr_get_affinity(
    thread_attr: *mut ThreadAttr,
    cpuset: *mut libc::cpu_set_t,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_thread_attr_get_affinity", fail = errno, {
        // SAFETY: NULL or valid (caller's guarantee).
        let (a, set) = unsafe { (thread_attr.as_ref(), cpuset.as_mut()) };
        let a = a.ok_or_else(|| null("thread_attr"))?;
        *set.ok_or_else(|| null("cpuset"))? = a.cpuset;
        Ok(0)
    })
}

/// Pins `thread_id` to the CPUs of `*cpuset`.
///
/// # Safety
/// `thread_id` is a live thread of this process; `cpuset` is NULL or readable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_set_affinity_by_id(
    thread_id: rte_thread_t,
    cpuset: *const libc::cpu_set_t,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_thread_set_affinity_by_id", fail = errno, {
        // SAFETY: NULL or readable (caller's guarantee).
        let set = unsafe { cpuset.as_ref() }.ok_or_else(|| bad_address("cpuset"))?;
        // SAFETY: forwarded caller guarantee.
        unsafe { thread::set_affinity(thread_id.opaque_id, set) }?;
        Ok(0)
    })
}

/// Stores the CPUs `thread_id` may run on in `*cpuset`.
///
/// # Safety
/// `thread_id` is a live thread of this process; `cpuset` is NULL or writable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_get_affinity_by_id(
    thread_id: rte_thread_t,
    cpuset: *mut libc::cpu_set_t,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_thread_get_affinity_by_id", fail = errno, {
        if cpuset.is_null() {
            return Err(bad_address("cpuset"));
        }
        // SAFETY: forwarded caller guarantee.
        let set = unsafe { thread::affinity(thread_id.opaque_id) }?;
        // SAFETY: checked non-NULL; writable (caller's guarantee).
        unsafe { cpuset.write(set) };
        Ok(0)
    })
}

/// Stores the EAL priority of `thread_id` in `*priority` (left unwritten, with 0 returned,
/// when the thread runs at an OS priority the EAL has no name for, as DPDK does).
///
/// # Safety
/// `thread_id` is a live thread of this process; `priority` is NULL or writable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_get_priority(
    thread_id: rte_thread_t,
    priority: *mut c_int,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_thread_get_priority", fail = errno, {
        if priority.is_null() {
            return Err(null("priority"));
        }
        // SAFETY: forwarded caller guarantee.
        if let Some(p) = unsafe { thread::priority(thread_id.opaque_id) }? {
            // SAFETY: checked non-NULL; writable (caller's guarantee).
            unsafe { priority.write(p) };
        }
        Ok(0)
    })
}

/// Sets the priority of `thread_id`: NORMAL; REALTIME_CRITICAL is refused with ENOTSUP on
/// Linux, as in DPDK.
///
/// # Safety
/// `thread_id` is a live thread of this process.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_set_priority(
    thread_id: rte_thread_t,
    priority: c_int,
) -> c_int {
    ffi_boundary!(Per(mode), "rte_thread_set_priority", fail = errno, {
        // SAFETY: forwarded caller guarantee.
        unsafe { thread::set_priority(thread_id.opaque_id, priority) }?;
        Ok(0)
    })
}

/// Creates a thread-specific storage key in `*key`; `destructor` runs at thread exit for
/// non-NULL values. 0, or -1 with `rte_errno` (EINVAL, ENOEXEC).
///
/// # Safety
/// `key` is NULL or writable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_key_create(
    key: *mut *mut Key,
    destructor: Option<unsafe extern "C" fn(*mut c_void)>,
) -> c_int {
    ffi_boundary!(Log, "rte_thread_key_create", {
        if key.is_null() {
            return Err(null("key"));
        }
        let k = thread::key_create(destructor)?;
        // SAFETY: checked non-NULL; writable (caller's guarantee).
        unsafe { key.write(k) };
        Ok(0)
    })
}

/// Deletes `key`. 0, or -1 with `rte_errno` (EINVAL for NULL, ENOEXEC).
///
/// # Safety
/// `key` is NULL or a live key.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_key_delete(key: *mut Key) -> c_int {
    ffi_boundary!(Log, "rte_thread_key_delete", {
        // SAFETY: forwarded caller guarantee.
        unsafe { thread::key_delete(key) }?;
        Ok(0)
    })
}

/// Sets the calling thread's value of `key`. 0, or -1 with `rte_errno`.
///
/// # Safety
/// `key` is NULL or a live key.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_value_set(key: *mut Key, value: *const c_void) -> c_int {
    ffi_boundary!(Log, "rte_thread_value_set", {
        // SAFETY: forwarded caller guarantee.
        unsafe { thread::value_set(key, value) }?;
        Ok(0)
    })
}

/// The calling thread's value of `key` (NULL when unset; NULL with `rte_errno` EINVAL for a
/// NULL key).
///
/// # Safety
/// `key` is NULL or a live key.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_thread_value_get(key: *mut Key) -> *mut c_void {
    ffi_boundary!(Log, "rte_thread_value_get", {
        // SAFETY: forwarded caller guarantee.
        unsafe { thread::value_get(key) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpdk_error_conventions() {
        crate::base::errno::set(0);
        // SAFETY: NULL pointers are checked; the calling thread is live.
        unsafe {
            assert_eq!(rte_thread_attr_init(std::ptr::null_mut()), libc::EINVAL);
            assert_eq!(
                rte_thread_set_priority(rte_thread_self(), thread::PRIORITY_REALTIME_CRITICAL),
                libc::ENOTSUP
            );
            assert_eq!(rte_thread_set_priority(rte_thread_self(), 7), libc::EINVAL);
            let mut p = -1;
            assert_eq!(rte_thread_get_priority(rte_thread_self(), &mut p), 0);
            assert_eq!(p, thread::PRIORITY_NORMAL);
            assert_eq!(
                rte_thread_create(
                    std::ptr::null_mut(),
                    std::ptr::null(),
                    None,
                    std::ptr::null_mut()
                ),
                libc::EINVAL
            );
            assert_eq!(
                rte_thread_join(rte_thread_t { opaque_id: 0 }, std::ptr::null_mut()),
                libc::ESRCH
            );
            assert_eq!(
                crate::base::errno::get(),
                0,
                "thread calls leave rte_errno alone"
            );
            assert_eq!(rte_thread_key_delete(std::ptr::null_mut()), -1);
            assert_eq!(crate::base::errno::get(), libc::EINVAL);
            crate::base::errno::set(0);
            assert!(rte_thread_value_get(std::ptr::null_mut()).is_null());
            assert_eq!(crate::base::errno::get(), libc::EINVAL);
            assert_eq!(
                rte_thread_value_set(std::ptr::null_mut(), std::ptr::null()),
                -1
            );
            assert_eq!(rte_thread_key_create(std::ptr::null_mut(), None), -1);
            assert_ne!(rte_thread_equal(rte_thread_self(), rte_thread_self()), 0);
        }
    }
}
