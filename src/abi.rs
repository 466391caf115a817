//! DPDK 22.11 (ABI 23) public struct layouts that C callers read directly.
//!
//! Every struct here has DPDK's size and field offsets, asserted at compile time below and
//! checked in C against DPDK's own headers by the layout test. Layers use these types for the
//! objects they hand to C; nothing here has behaviour beyond plain data access.

use std::ffi::c_char;
use std::mem::{offset_of, size_of};

/// Length of an `rte_fbarray` name, NUL included (RTE_FBARRAY_NAME_LEN).
pub const RTE_FBARRAY_NAME_LEN: usize = 64;

/// DPDK's reader-writer lock word (`rte_rwlock_t`). Readers add 4; bit 0 is the writer,
/// bit 1 a waiting writer. Declared for C by hand in `rtemem_types.h`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug, Default)]
pub struct rte_rwlock_t {
    pub cnt: i32,
}

/// A file-backed indexed array with a used-mask (`struct rte_fbarray`).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_fbarray {
    /// Name, NUL-terminated.
    pub name: [c_char; RTE_FBARRAY_NAME_LEN],
    /// Number of used entries.
    pub count: u32,
    /// Number of entries.
    pub len: u32,
    /// Size of one entry.
    pub elt_sz: u32,
    /// Entries, followed by the used-mask.
    pub data: *mut libc::c_void,
    /// Guards the array across threads and processes.
    pub rwlock: rte_rwlock_t,
}

const _: () = {
    assert!(size_of::<rte_rwlock_t>() == 4);
    assert!(size_of::<rte_fbarray>() == 96);
    assert!(offset_of!(rte_fbarray, count) == 64);
    assert!(offset_of!(rte_fbarray, len) == 68);
    assert!(offset_of!(rte_fbarray, elt_sz) == 72);
    assert!(offset_of!(rte_fbarray, data) == 80);
    assert!(offset_of!(rte_fbarray, rwlock) == 88);
};
