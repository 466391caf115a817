//! Process-shared locks: robust reader-writer locks that other processes of the prefix share
//! through the shared config, and that a process killed while holding one cannot leave held.
//!
//! Layer 5: uses only `sys` (futexes, pid liveness) below it.

pub mod shlock;
