//! The sync layer: process-shared locks that neither a panic nor a kill can leave held.
//!
//! - [`shlock`]: the robust reader-writer lock behind the shared-config locks.
//! - [`mutex`]: the robust mutex of the heap's slow paths.
//! - [`rte_rwlock`]: DPDK's own `rte_rwlock_t` word, for lock words C code shares.

pub mod mutex;
pub mod rte_rwlock;
pub mod shlock;
