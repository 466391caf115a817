//! rtemem: DPDK 22.11's EAL memory subsystem in Rust.
//!
//! The crate is layered as ARCHITECTURE.md describes; data flows down and a module only
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
pub mod shlock;
/// rtemem's own version (semantic versioning; Cargo.toml), as `rtemem_version()` reports it.
pub(crate) const RTEMEM_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The ABI version of the DPDK release rtemem implements (`librte_eal.so.23`).
pub(crate) const DPDK_ABI: u32 = 23;

/// The DPDK release rtemem implements, as `rte_version()` reports it ("DPDK 22.11.11"), built
/// from the one set of release numbers in [`abi`]: prefix, year, month, minor, then "-rcN"
/// for a release candidate.
pub(crate) fn dpdk_version() -> String {
    use abi::{RTE_VER_MINOR, RTE_VER_MONTH, RTE_VER_RELEASE, RTE_VER_YEAR};
    let rc = if RTE_VER_RELEASE < 16 {
        format!("-rc{RTE_VER_RELEASE}")
    } else {
        String::new()
    };
    format!("DPDK {RTE_VER_YEAR}.{RTE_VER_MONTH:02}.{RTE_VER_MINOR}{rc}")
}

/// Which EAL is running, for the init log line and `-v`:
/// "rtemem 0.2.0, the EAL of DPDK 22.11.11 (ABI 23)".
pub(crate) fn identity() -> String {
    format!(
        "rtemem {RTEMEM_VERSION}, the EAL of {} (ABI {DPDK_ABI})",
        dpdk_version()
    )
}

pub mod sys;
pub mod tailq;
pub mod tls;
