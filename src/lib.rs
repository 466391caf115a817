//! rtemem: DPDK 22.11's EAL memory subsystem in Rust.
//!
//! The crate is layered as `../shared/DESIGN.md` describes; data flows down and a module only
//! imports modules below it. `ffi` is the only module with `#[no_mangle] extern "C"` functions.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod abi;
pub mod eal;
pub mod errno;
pub mod fbarray;
pub mod ffi;
pub mod heap;
pub mod hugepage;
pub mod lcore;
pub mod log;
pub mod malloc;
pub mod mcfg;
pub mod memalloc;
pub mod memevent;
pub mod meminit;
pub mod memseg;
pub mod memsync;
pub mod memzone;
pub mod mp;
pub mod options;
pub mod plugin;
pub mod runtime;
pub mod sync;
/// The DPDK version rtemem is compatible with, as `rte_version()` reports it.
pub(crate) const VERSION: &str = "DPDK 22.11.0";

pub mod sys;
pub mod tailq;
pub mod tls;
