//! `rte_errno`: DPDK's per-thread error number, and the text `rte_strerror` gives for it.
//!
//! DPDK reports failures through a per-thread `rte_errno` that C code reads directly as the
//! exported thread-local `per_lcore__rte_errno`. Stable Rust cannot export a C thread-local, so
//! the variable lives in `csrc/eal_shim.c` and is reached through an accessor returning its
//! address. The crate's own error type is [`crate::error::Error`]; the FFI layer sets
//! `rte_errno` from it.

extern "C" {
    fn rtemem__errno_location() -> *mut libc::c_int;
}

/// First errno value of DPDK's own range (`__ELASTERROR`).
pub const RTE_MIN_ERRNO: i32 = 1000;
/// Operation not allowed in a secondary process.
pub const E_RTE_SECONDARY: i32 = RTE_MIN_ERRNO + 1;
/// Missing `rte_config` structure.
pub const E_RTE_NO_CONFIG: i32 = RTE_MIN_ERRNO + 2;
/// One past the last of DPDK's own codes.
pub const RTE_MAX_ERRNO: i32 = RTE_MIN_ERRNO + 3;

/// Sets this thread's `rte_errno`.
pub fn set(value: i32) {
    // SAFETY: the accessor returns the address of this thread's `__thread int`, valid for the
    // thread's lifetime and only ever written by this thread.
    unsafe { *rtemem__errno_location() = value };
}

/// Reads this thread's `rte_errno`.
pub fn get() -> i32 {
    // SAFETY: as in `set`.
    unsafe { *rtemem__errno_location() }
}

/// The text `rte_strerror` gives for `errnum`: DPDK's own two codes have their own text,
/// everything else (negative values and unknown codes included) is the C library's.
pub fn describe(errnum: i32) -> String {
    match errnum {
        E_RTE_SECONDARY => "Invalid call in secondary process".into(),
        E_RTE_NO_CONFIG => "Missing rte_config structure".into(),
        n => std::io::Error::from_raw_os_error(n).to_string_without_code(),
    }
}

trait WithoutCode {
    fn to_string_without_code(&self) -> String;
}

impl WithoutCode for std::io::Error {
    fn to_string_without_code(&self) -> String {
        // std appends " (os error N)"; strerror does not.
        let s = self.to_string();
        match s.rfind(" (os error ") {
            Some(i) => s[..i].to_string(),
            None => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_is_per_thread() {
        set(42);
        let other = std::thread::spawn(|| {
            assert_eq!(get(), 0, "a new thread starts with rte_errno 0");
            set(7);
            get()
        })
        .join()
        .unwrap();
        assert_eq!(other, 7);
        assert_eq!(get(), 42);
    }

    #[test]
    fn dpdk_codes_have_their_own_text() {
        assert_eq!(
            describe(E_RTE_SECONDARY),
            "Invalid call in secondary process"
        );
        assert_eq!(describe(E_RTE_NO_CONFIG), "Missing rte_config structure");
        assert_eq!(describe(libc::ENOMEM), "Cannot allocate memory");
        assert_eq!(describe(-libc::EINVAL), "Unknown error -22");
        assert_eq!(
            describe(RTE_MIN_ERRNO),
            format!("Unknown error {RTE_MIN_ERRNO}")
        );
        assert_eq!(
            describe(RTE_MAX_ERRNO),
            format!("Unknown error {RTE_MAX_ERRNO}")
        );
    }
}
