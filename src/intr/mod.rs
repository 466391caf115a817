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
pub use handle::{fd_get, fd_set, instance_alloc, instance_dup, instance_free, type_get, type_set};
pub use source::{
    callback_register, callback_unregister, callback_unregister_pending, callback_unregister_sync,
    is_intr_thread, IntrCb, UnregisterCb, ANY_ARG,
};

use crate::error::Result;

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
