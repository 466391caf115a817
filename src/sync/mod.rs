//! The sync layer: process-shared locks that neither a panic nor a kill can leave held.
//!
//! - [`os`]: the leaf: holder identity (pid + start time), liveness, the fork hook (on `sys`).
//! - [`guard`]: RAII guards over a raw lock (the `lock_api` model); the only way rtemem's own
//!   code holds a reader-writer lock.
//! - [`shlock`]: the robust reader-writer lock behind the shared-config locks and the fbarrays.
//! - [`mutex`]: the robust mutex of the heap's slow paths.
//! - [`rte_rwlock`]: DPDK's own `rte_rwlock_t` word, for lock words C code shares.
//! - [`fault`]: fault points for tests (`RTEMEM_FAULT`).
//!
//! Every lock here names its holder by a [`Holder`] written with the CAS that takes it, and a
//! waiter takes back the holds of a holder that has died (SIGKILL at any instruction) or whose
//! pid now belongs to another process.

pub mod fault;
pub mod guard;
pub mod mutex;
pub mod os;
pub mod rte_rwlock;
pub mod shlock;

#[cfg(test)]
mod tests;

pub use guard::{RawRwLock, ReadGuard, WriteGuard};
pub use mutex::{Locked, RobustMutex};
pub use os::{on_fork_child, Holder};
pub use shlock::{ShReadGuard, ShRwLock, ShWriteGuard};
