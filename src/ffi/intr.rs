//! `rte_interrupts.h`: interrupt instances and their accessors, callbacks on the interrupt
//! thread, enable/disable/ack, Rx/Tx event fds (core: `crate::intr`).
//!
//! Failure conventions are DPDK 22.11's, per function: the accessors fail with `-rte_errno`
//! (EINVAL for a NULL instance, ERANGE for an index out of range) and log at DEBUG, as DPDK;
//! callback registration returns `-errno` without touching `rte_errno` (except for a NULL
//! handle, where DPDK's accessor sets it); enable/disable/ack return -1. Every failure still
//! logs one line saying why (at ERR, or at DEBUG where DPDK's callers probe).

use std::ffi::{c_char, c_int, c_void};

use crate::abi::intr::{
    rte_epoll_event, rte_intr_callback_fn, rte_intr_handle, rte_intr_unregister_callback_fn,
};
use crate::error::Error;
use crate::intr::{control, epoll, handle, source};

fn count(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

fn null_handle() -> Error {
    Error::new(libc::EINVAL, "the interrupt handle is NULL")
}

/// EAGAIN and ENOENT are answers callers probe for (a callback unregistering itself, a
/// defensive unregister): DEBUG; other failures: the ERR line. `rte_errno` untouched.
fn unregister_mode(e: &Error) -> super::Mode {
    if matches!(e.errno, libc::EAGAIN | libc::ENOENT) {
        super::Mode::Debug
    } else {
        super::Mode::LogOnly
    }
}

/// ENOMEM is logged at ERR (DPDK does), bad input at DEBUG with `rte_errno` set.
fn alloc_mode(e: &Error) -> super::Mode {
    if e.errno == libc::ENOMEM {
        super::Mode::Log
    } else {
        super::Mode::Quiet
    }
}

// ---- callbacks ----------------------------------------------------------------------------------

/// Registers `cb(cb_arg)` for the interrupts of `intr_handle`'s fd. Returns 0; -EINVAL for a
/// NULL handle (`rte_errno` EINVAL), a negative fd, a NULL callback or an fd epoll cannot
/// watch; -ENOMEM.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_callback_register(
    intr_handle: *const rte_intr_handle,
    cb: rte_intr_callback_fn,
    cb_arg: *mut c_void,
) -> c_int {
    if intr_handle.is_null() {
        return ffi_boundary!(Log, "rte_intr_callback_register", fail = -errno, {
            Err::<c_int, _>(null_handle())
        });
    }
    ffi_boundary!(LogOnly, "rte_intr_callback_register", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { source::callback_register(intr_handle, cb, cb_arg) }.map(|_| 0)
    })
}

/// Removes the callbacks `(cb_fn, cb_arg)` (`cb_arg` `(void *)-1`: any) of the handle's fd.
/// Returns how many; -EINVAL (NULL handle: `rte_errno` EINVAL; negative fd), -ENOENT (nothing
/// registered for the fd), -EAGAIN (its callbacks run now).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_callback_unregister(
    intr_handle: *const rte_intr_handle,
    cb_fn: rte_intr_callback_fn,
    cb_arg: *mut c_void,
) -> c_int {
    if intr_handle.is_null() {
        return ffi_boundary!(Log, "rte_intr_callback_unregister", fail = -errno, {
            Err::<c_int, _>(null_handle())
        });
    }
    ffi_boundary!(
        Per(unregister_mode),
        "rte_intr_callback_unregister",
        fail = -errno,
        {
            // SAFETY: the caller's guarantee.
            unsafe { source::callback_unregister(intr_handle, cb_fn, cb_arg) }.map(count)
        }
    )
}

/// As [`rte_intr_callback_unregister`], waiting while the callbacks run instead of -EAGAIN
/// (-EDEADLK when called from one of them).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_callback_unregister_sync(
    intr_handle: *const rte_intr_handle,
    cb_fn: rte_intr_callback_fn,
    cb_arg: *mut c_void,
) -> c_int {
    if intr_handle.is_null() {
        return ffi_boundary!(Log, "rte_intr_callback_unregister_sync", fail = -errno, {
            Err::<c_int, _>(null_handle())
        });
    }
    ffi_boundary!(
        Per(unregister_mode),
        "rte_intr_callback_unregister_sync",
        fail = -errno,
        {
            // SAFETY: the caller's guarantee.
            unsafe { source::callback_unregister_sync(intr_handle, cb_fn, cb_arg) }.map(count)
        }
    )
}

/// From a callback of the handle's fd: marks the callbacks `(cb_fn, cb_arg)` for removal
/// after this round, `ucb_fn` to be called for each. Returns how many; -EAGAIN outside the
/// fd's callbacks; otherwise as [`rte_intr_callback_unregister`].
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_callback_unregister_pending(
    intr_handle: *const rte_intr_handle,
    cb_fn: rte_intr_callback_fn,
    cb_arg: *mut c_void,
    ucb_fn: rte_intr_unregister_callback_fn,
) -> c_int {
    if intr_handle.is_null() {
        return ffi_boundary!(
            Log,
            "rte_intr_callback_unregister_pending",
            fail = -errno,
            { Err::<c_int, _>(null_handle()) }
        );
    }
    ffi_boundary!(
        Per(unregister_mode),
        "rte_intr_callback_unregister_pending",
        fail = -errno,
        {
            // SAFETY: the caller's guarantee.
            unsafe { source::callback_unregister_pending(intr_handle, cb_fn, cb_arg, ucb_fn) }
                .map(count)
        }
    )
}

/// 1 on the interrupt thread, else 0.
#[no_mangle]
pub extern "C" fn rte_thread_is_intr() -> c_int {
    c_int::from(source::is_intr_thread())
}

// ---- enable / disable / ack -----------------------------------------------------------------------

/// Enables the device interrupts of the handle. 0, or -1 (NULL handle, no descriptor, a type
/// without device interrupts, or the device refused).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_enable(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(LogOnly, "rte_intr_enable", {
        // SAFETY: the caller's guarantee.
        unsafe { control::control(intr_handle, control::Op::Enable) }.map(|_| 0)
    })
}

/// Disables the device interrupts of the handle. 0, or -1 as [`rte_intr_enable`].
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_disable(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(LogOnly, "rte_intr_disable", {
        // SAFETY: the caller's guarantee.
        unsafe { control::control(intr_handle, control::Op::Disable) }.map(|_| 0)
    })
}

/// Acknowledges (unmasks) an interrupt, at the end of its callback. 0 (VFIO MSI/MSI-X need
/// nothing), or -1; a NULL handle also sets `rte_errno` EINVAL, as DPDK's accessor does.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_ack(intr_handle: *const rte_intr_handle) -> c_int {
    if intr_handle.is_null() {
        return ffi_boundary!(Log, "rte_intr_ack", { Err::<c_int, _>(null_handle()) });
    }
    ffi_boundary!(LogOnly, "rte_intr_ack", {
        // SAFETY: the caller's guarantee.
        unsafe { control::control(intr_handle, control::Op::Ack) }.map(|_| 0)
    })
}

// ---- instances ---------------------------------------------------------------------------------------

/// Allocates an interrupt instance: `RTE_INTR_INSTANCE_F_PRIVATE` (this process's memory) or
/// `_SHARED` (`rte_malloc` memory, visible to every process of the prefix). NULL with
/// `rte_errno` EINVAL (unknown flags) or ENOMEM.
#[no_mangle]
pub extern "C" fn rte_intr_instance_alloc(flags: u32) -> *mut rte_intr_handle {
    ffi_boundary!(Per(alloc_mode), "rte_intr_instance_alloc", {
        handle::instance_alloc(flags)
    })
}

/// Frees an instance (NULL: nothing).
///
/// # Safety
/// `intr_handle` is NULL or a live instance, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_instance_free(intr_handle: *mut rte_intr_handle) {
    ffi_boundary!(Log, "rte_intr_instance_free", {
        // SAFETY: the caller's guarantee.
        unsafe { handle::instance_free(intr_handle) };
        Ok(())
    })
}

/// A copy of `src` with the same flags (descriptors, type, vectors). NULL with `rte_errno`
/// EINVAL (NULL `src`) or ENOMEM.
///
/// # Safety
/// `src` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_instance_dup(
    src: *const rte_intr_handle,
) -> *mut rte_intr_handle {
    ffi_boundary!(Per(alloc_mode), "rte_intr_instance_dup", {
        // SAFETY: the caller's guarantee.
        unsafe { handle::instance_dup(src) }
    })
}

/// Resizes the vector arrays to `size` entries. 0, or -EINVAL (NULL, size 0), -ERANGE (above
/// 65535), -ENOMEM; `rte_errno` set.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_event_list_update(
    intr_handle: *mut rte_intr_handle,
    size: c_int,
) -> c_int {
    ffi_boundary!(
        Per(alloc_mode),
        "rte_intr_event_list_update",
        fail = -errno,
        {
            // SAFETY: the caller's guarantee.
            unsafe { handle::event_list_update(intr_handle, size) }.map(|_| 0)
        }
    )
}

/// Sets the interrupt fd. 0, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_fd_set(intr_handle: *mut rte_intr_handle, fd: c_int) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_fd_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::fd_set(intr_handle, fd).map(|_| 0) }
    })
}

/// The interrupt fd, or -1 (NULL instance, `rte_errno` EINVAL).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_fd_get(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_fd_get", fail = -1, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::fd_get(intr_handle) }
    })
}

/// Sets the device (config) fd. 0, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_dev_fd_set(
    intr_handle: *mut rte_intr_handle,
    fd: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_dev_fd_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::dev_fd_set(intr_handle, fd).map(|_| 0) }
    })
}

/// The device (config) fd, or -1 (NULL instance, `rte_errno` EINVAL).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_dev_fd_get(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_dev_fd_get", fail = -1, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::dev_fd_get(intr_handle) }
    })
}

/// Sets the largest vector id in use. 0, -EINVAL, or -ERANGE (above `nb_intr`).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_max_intr_set(
    intr_handle: *mut rte_intr_handle,
    max_intr: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_max_intr_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::max_intr_set(intr_handle, max_intr).map(|_| 0) }
    })
}

/// The largest vector id in use, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_max_intr_get(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_max_intr_get", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::max_intr_get(intr_handle) }
    })
}

/// Sets the number of Rx/Tx event fds. 0, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_nb_efd_set(
    intr_handle: *mut rte_intr_handle,
    nb_efd: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_nb_efd_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::nb_efd_set(intr_handle, nb_efd).map(|_| 0) }
    })
}

/// The number of Rx/Tx event fds, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_nb_efd_get(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_nb_efd_get", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::nb_efd_get(intr_handle) }
    })
}

/// The number of vector entries (512 by default), or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_nb_intr_get(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_nb_intr_get", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::nb_intr_get(intr_handle) }
    })
}

/// Sets how many bytes a VDEV event fd's counter has. 0, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_efd_counter_size_set(
    intr_handle: *mut rte_intr_handle,
    efd_counter_size: u8,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_efd_counter_size_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::efd_counter_size_set(intr_handle, efd_counter_size).map(|_| 0) }
    })
}

/// How many bytes a VDEV event fd's counter has, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_efd_counter_size_get(
    intr_handle: *const rte_intr_handle,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_efd_counter_size_get", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::efd_counter_size_get(intr_handle) }
    })
}

/// The event fd of vector entry `index`, or -EINVAL (NULL, or `index` outside `nb_intr`).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_efds_index_get(
    intr_handle: *const rte_intr_handle,
    index: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_efds_index_get", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::efds_index_get(intr_handle, index) }
    })
}

/// Sets the event fd of vector entry `index`. 0, -EINVAL, or -ERANGE.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_efds_index_set(
    intr_handle: *mut rte_intr_handle,
    index: c_int,
    fd: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_efds_index_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::efds_index_set(intr_handle, index, fd).map(|_| 0) }
    })
}

/// The epoll registration of vector entry `index`, or NULL (`rte_errno` EINVAL or ERANGE).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_elist_index_get(
    intr_handle: *mut rte_intr_handle,
    index: c_int,
) -> *mut rte_epoll_event {
    ffi_boundary!(
        Quiet,
        "rte_intr_elist_index_get",
        fail = std::ptr::null_mut(),
        {
            // SAFETY: the caller's guarantee.
            unsafe { handle::elist_index_get(intr_handle, index) }
        }
    )
}

/// Sets the epoll registration of vector entry `index`. 0, -EINVAL, or -ERANGE.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_elist_index_set(
    intr_handle: *mut rte_intr_handle,
    index: c_int,
    elist: rte_epoll_event,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_elist_index_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::elist_index_set(intr_handle, index, elist).map(|_| 0) }
    })
}

/// Sets entry `index` of the queue -> vector map. 0, -EINVAL, or -ERANGE.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_vec_list_index_set(
    intr_handle: *mut rte_intr_handle,
    index: c_int,
    vec: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_vec_list_index_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::vec_list_index_set(intr_handle, index, vec).map(|_| 0) }
    })
}

/// Entry `index` of the queue -> vector map, or -EINVAL / -ERANGE.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_vec_list_index_get(
    intr_handle: *const rte_intr_handle,
    index: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_vec_list_index_get", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::vec_list_index_get(intr_handle, index) }
    })
}

/// The Windows driver handle (over the two fds), or NULL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_instance_windows_handle_get(
    intr_handle: *mut rte_intr_handle,
) -> *mut c_void {
    ffi_boundary!(
        Quiet,
        "rte_intr_instance_windows_handle_get",
        fail = std::ptr::null_mut(),
        {
            // SAFETY: the caller's guarantee.
            unsafe { handle::windows_handle_get(intr_handle) }
        }
    )
}

/// Sets the Windows driver handle. 0, or -EINVAL.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_instance_windows_handle_set(
    intr_handle: *mut rte_intr_handle,
    windows_handle: *mut c_void,
) -> c_int {
    ffi_boundary!(
        Quiet,
        "rte_intr_instance_windows_handle_set",
        fail = -errno,
        {
            // SAFETY: the caller's guarantee.
            unsafe { handle::windows_handle_set(intr_handle, windows_handle).map(|_| 0) }
        }
    )
}

/// Sets the handle type (`enum rte_intr_handle_type`; any value is stored). 0, or -EINVAL.
/// Declared by hand in rte_interrupts.h (an enum parameter).
/// cbindgen:ignore
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_type_set(
    intr_handle: *mut rte_intr_handle,
    type_: c_int,
) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_type_set", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::type_set(intr_handle, type_) }.map(|_| 0)
    })
}

/// The handle type, or RTE_INTR_HANDLE_UNKNOWN (0) with `rte_errno` EINVAL for NULL.
/// Declared by hand in rte_interrupts.h (an enum result).
/// cbindgen:ignore
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_type_get(intr_handle: *const rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_type_get", fail = 0, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::type_get(intr_handle) }
    })
}

/// Allocates the queue -> vector map with `size` zeroed entries (nothing if it exists; `name`
/// is the `rte_malloc` type of a SHARED instance, unused). 0, or -EINVAL, -ERANGE (above
/// `nb_intr`), -ENOMEM.
///
/// # Safety
/// `intr_handle` is NULL or a live instance; `name` is unused.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_vec_list_alloc(
    intr_handle: *mut rte_intr_handle,
    name: *const c_char,
    size: c_int,
) -> c_int {
    let _ = name;
    ffi_boundary!(Per(alloc_mode), "rte_intr_vec_list_alloc", fail = -errno, {
        // SAFETY: the caller's guarantee.
        unsafe { handle::vec_list_alloc(intr_handle, size) }.map(|_| 0)
    })
}

/// Frees the queue -> vector map (NULL instance: nothing).
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_vec_list_free(intr_handle: *mut rte_intr_handle) {
    ffi_boundary!(Log, "rte_intr_vec_list_free", {
        // SAFETY: the caller's guarantee.
        unsafe { handle::vec_list_free(intr_handle) };
        Ok(())
    })
}

// ---- Rx/Tx event fds ----------------------------------------------------------------------------

/// This thread's epoll instance (created on first use), or -1.
#[no_mangle]
pub extern "C" fn rte_intr_tls_epfd() -> c_int {
    ffi_boundary!(Log, "rte_intr_tls_epfd", { epoll::tls_epfd() })
}

/// Adds (`RTE_INTR_EVENT_ADD`) or removes (`RTE_INTR_EVENT_DEL`) the event fd of Rx/Tx vector
/// `vec` in `epfd`. 0, -EEXIST (added already), or -EPERM (anything else that fails).
///
/// # Safety
/// `intr_handle` is NULL or a live instance, not freed while a vector is added.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_rx_ctl(
    intr_handle: *mut rte_intr_handle,
    epfd: c_int,
    op: c_int,
    vec: u32,
    data: *mut c_void,
) -> c_int {
    ffi_boundary!(
        Per(|e| if e.errno == libc::EEXIST {
            Debug
        } else {
            LogOnly
        }),
        "rte_intr_rx_ctl",
        fail = -errno,
        {
            // SAFETY: the caller's guarantee.
            unsafe { epoll::rx_ctl(intr_handle, epfd, op, vec, data) }.map(|_| 0)
        }
    )
}

/// Removes every added Rx/Tx vector of the instance from its epoll set.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_free_epoll_fd(intr_handle: *mut rte_intr_handle) {
    ffi_boundary!(Log, "rte_intr_free_epoll_fd", {
        // SAFETY: the caller's guarantee.
        unsafe { epoll::free_epoll_fd(intr_handle) };
        Ok(())
    })
}

/// Sets up `nb_efd` Rx/Tx event fds (VFIO MSI-X: new eventfds; VDEV: checked only; others:
/// the device fd). 0, or -EINVAL, -ERANGE, or an eventfd error.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_efd_enable(
    intr_handle: *mut rte_intr_handle,
    nb_efd: u32,
) -> c_int {
    if intr_handle.is_null() {
        return ffi_boundary!(Log, "rte_intr_efd_enable", fail = -errno, {
            Err::<c_int, _>(null_handle())
        });
    }
    // ERANGE comes from DPDK's accessors, which set rte_errno; the other failures do not.
    ffi_boundary!(
        Per(|e| if e.errno == libc::ERANGE {
            Quiet
        } else {
            LogOnly
        }),
        "rte_intr_efd_enable",
        fail = -errno,
        {
            // SAFETY: the caller's guarantee.
            unsafe { epoll::efd_enable(intr_handle, nb_efd) }.map(|_| 0)
        }
    )
}

/// Undoes [`rte_intr_efd_enable`]: vectors out of epoll, eventfds closed, counts zero.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_efd_disable(intr_handle: *mut rte_intr_handle) {
    ffi_boundary!(Log, "rte_intr_efd_disable", {
        // SAFETY: the caller's guarantee.
        unsafe { epoll::efd_disable(intr_handle) };
        Ok(())
    })
}

/// 1 when the instance has Rx/Tx event fds (datapath interrupts), else 0.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_dp_is_en(intr_handle: *mut rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_dp_is_en", {
        // SAFETY: the caller's guarantee.
        Ok(c_int::from(unsafe { epoll::dp_is_en(intr_handle) }))
    })
}

/// 1 when the device's own interrupt has a vector besides the Rx/Tx ones, else 0.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_allow_others(intr_handle: *mut rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_allow_others", {
        // SAFETY: the caller's guarantee.
        Ok(c_int::from(unsafe { epoll::allow_others(intr_handle) }))
    })
}

/// 1 when the handle type supports several vectors (VFIO MSI-X, VDEV), else 0.
///
/// # Safety
/// `intr_handle` is NULL or a live instance.
#[no_mangle]
pub unsafe extern "C" fn rte_intr_cap_multiple(intr_handle: *mut rte_intr_handle) -> c_int {
    ffi_boundary!(Quiet, "rte_intr_cap_multiple", {
        // SAFETY: the caller's guarantee.
        Ok(c_int::from(unsafe { epoll::cap_multiple(intr_handle) }))
    })
}
