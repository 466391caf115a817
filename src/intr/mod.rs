//! Interrupts and alarms: DPDK 22.11's `rte_interrupts.h`, `rte_epoll.h` and `rte_alarm.h`.
//!
//! - [`handle`]: interrupt instances (`struct rte_intr_handle`, opaque to C) and their
//!   accessors; SHARED instances live in `rte_malloc` memory.
//! - [`source`]: the interrupt thread ("eal-intr-thread", an epoll loop woken by an eventfd)
//!   and the callbacks registered per descriptor; callbacks run without the registry lock.
//! - [`control`]: enable/disable/ack per handle type (UIO, UIO INTx, VFIO ioctls).
//! - [`epoll`]: `rte_epoll_*` and the Rx/Tx event fds of an instance (`rte_intr_rx_ctl`).
//! - [`alarm`]: alarms on a timerfd served by the interrupt thread.
//!
//! Init (`rte_eal_init`, after the shared config, before IPC, as DPDK's steps
//! `rte_eal_intr_init` and `rte_eal_alarm_init`): [`init`]. Cleanup: [`cleanup`] removes the
//! alarms and stops the thread (DPDK leaves its thread running; rtemem stops it so that no
//! callback runs once the memory it may touch is gone).
//!
//! Other layers use the Rust API re-exported here: [`callback_register`] /
//! [`callback_unregister`] for a descriptor of their own (device events, VFIO requests),
//! [`alarm::set`] / [`alarm::cancel`], [`is_intr_thread`], and [`instance_alloc`] &c. for the
//! instances of their devices.

pub mod alarm;
pub mod control;
pub mod epoll;
pub mod handle;
pub mod source;

pub use crate::abi::intr::rte_intr_handle;
pub use alarm::AlarmCb;
pub use source::{is_intr_thread, IntrCb, UnregisterCb, ANY_ARG};

use std::ffi::{c_int, c_void};

use crate::error::Result;

// ---- the Rust API other layers use ----------------------------------------------------------------
//
// These take the raw instance pointers that C structs (a device's `intr_handle`) hold, as the
// cross-package contract fixes them: safe functions whose one requirement, stated on each, the
// callers (this crate's own device and VFIO layers) meet by passing only NULL or instances from
// `instance_alloc` that they have not freed. The `unsafe` versions with the same names live in
// `handle` and `source`.

/// Registers `cb(arg)` to run on the interrupt thread whenever `h`'s fd is ready (see
/// [`source::callback_register`]). `h` must be NULL or a live instance from [`instance_alloc`].
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn callback_register(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<()> {
    // SAFETY: the documented requirement on h; cb(arg) is the caller's to make runnable.
    unsafe { source::callback_register(h, cb, arg) }
}

/// Removes the callbacks `(cb, arg)` of `h`'s fd (`arg` [`ANY_ARG`] as a pointer: any) and
/// returns how many (see [`source::callback_unregister`]; EAGAIN from inside one of them).
/// `h` must be NULL or a live instance from [`instance_alloc`].
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn callback_unregister(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<usize> {
    // SAFETY: the documented requirement on h.
    unsafe { source::callback_unregister(h, cb, arg) }
}

/// As [`callback_unregister`], waiting while the callbacks run (EDEADLK from inside one).
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn callback_unregister_sync(
    h: *const rte_intr_handle,
    cb: Option<IntrCb>,
    arg: *mut c_void,
) -> Result<usize> {
    // SAFETY: the documented requirement on h.
    unsafe { source::callback_unregister_sync(h, cb, arg) }
}

/// A new instance (`RTE_INTR_INSTANCE_F_PRIVATE` 0 or `_SHARED` 1); never NULL on success.
pub fn instance_alloc(flags: u32) -> Result<*mut rte_intr_handle> {
    handle::instance_alloc(flags)
}

/// Frees an instance from [`instance_alloc`] (NULL: nothing). `h` must not be used afterwards.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn instance_free(h: *mut rte_intr_handle) {
    // SAFETY: the documented requirement on h.
    unsafe { handle::instance_free(h) }
}

/// Sets `h`'s interrupt fd. `h` must be NULL (EINVAL) or a live instance.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn fd_set(h: *mut rte_intr_handle, fd: c_int) -> Result<()> {
    // SAFETY: the documented requirement on h.
    unsafe { handle::fd_set(h, fd) }
}

/// `h`'s interrupt fd. `h` must be NULL (EINVAL) or a live instance.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn fd_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the documented requirement on h.
    unsafe { handle::fd_get(h) }
}

/// Sets `h`'s type (`RTE_INTR_HANDLE_*` of `crate::abi::intr`). `h` must be NULL (EINVAL) or
/// a live instance.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn type_set(h: *mut rte_intr_handle, ty: c_int) -> Result<()> {
    // SAFETY: the documented requirement on h.
    unsafe { handle::type_set(h, ty) }
}

/// `h`'s type. `h` must be NULL (EINVAL) or a live instance.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn type_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the documented requirement on h.
    unsafe { handle::type_get(h) }
}

/// Starts the interrupt thread and the alarm timer (DPDK's `rte_eal_intr_init` and
/// `rte_eal_alarm_init`). Idempotent.
pub fn init() -> Result<()> {
    source::start()?;
    if let Err(e) = alarm::init() {
        source::stop();
        return Err(e);
    }
    Ok(())
}

/// Removes the alarms and their timer (`rte_eal_alarm_cleanup`), then stops the interrupt
/// thread. Registered interrupt callbacks stay registered (unwatched) until unregistered.
pub fn cleanup() {
    alarm::cleanup();
    source::stop();
}

#[cfg(test)]
mod tests;
