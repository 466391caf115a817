//! The DPDK version rtemem reports: the one place it is spelled out.
//!
//! rtemem reports the DPDK release it implements (ABI 23, behaviour of 22.11.11), so that
//! programs comparing `rte_version()` with the version they were built against agree, and `-v`
//! logs the same string.

use std::ffi::{CStr, CString};
use std::sync::OnceLock;

use crate::abi::{RTE_VER_MINOR, RTE_VER_MONTH, RTE_VER_RELEASE, RTE_VER_YEAR};

/// rtemem's own version (semantic versioning; Cargo.toml), as `rtemem_version()` reports it.
pub const RTEMEM_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The ABI version of the DPDK release rtemem implements (`librte_eal.so.23`).
pub const DPDK_ABI: u32 = 23;

/// Which EAL is running, for the init log line and `-v`:
/// "rtemem 0.2.0, the EAL of DPDK 22.11.11 (ABI 23)".
pub fn identity() -> String {
    format!(
        "rtemem {RTEMEM_VERSION}, the EAL of {} (ABI {DPDK_ABI})",
        version_string()
    )
}

/// "DPDK 22.11.11": prefix, year, month, minor, then "-rcN" for a release candidate.
pub fn version_string() -> String {
    let rc = if RTE_VER_RELEASE < 16 {
        format!("-rc{RTE_VER_RELEASE}")
    } else {
        String::new()
    };
    format!("DPDK {RTE_VER_YEAR}.{RTE_VER_MONTH:02}.{RTE_VER_MINOR}{rc}")
}

/// [`version_string`] as a C string that lives for the process.
pub fn version() -> &'static CStr {
    static VERSION: OnceLock<CString> = OnceLock::new();
    VERSION.get_or_init(|| CString::new(version_string()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_dpdk_22_11_11() {
        assert_eq!(version_string(), "DPDK 22.11.11");
        assert_eq!(version(), c"DPDK 22.11.11");
    }
}
