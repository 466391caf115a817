//! C API of `rte_uuid.h`: parse, print, compare and test UUIDs (16 bytes, network order).
//!
//! `rte_uuid_t` is `unsigned char[16]`, so C passes a pointer to the bytes. DPDK crashes on
//! NULL pointers; here they are refused with a log line (-1 and EINVAL for parse, "null" for
//! is_null, 0 for compare, nothing written for unparse).

use std::ffi::{c_char, c_int, CStr};

use crate::base::util::uuid::{self, Uuid};
use crate::error::Error;
use crate::ffi::Mode;

/// Borrows a `const rte_uuid_t`.
///
/// # Safety
/// `p` is NULL or points to 16 readable bytes.
unsafe fn uuid_ref<'a>(p: *const u8, what: &str) -> Result<&'a Uuid, Error> {
    // SAFETY: the caller's guarantee; [u8; 16] has alignment 1.
    unsafe { p.cast::<Uuid>().as_ref() }
        .ok_or_else(|| Error::new(libc::EINVAL, format!("{what} is NULL")))
}

/// true when all 16 bytes are 0 (also, logged, for a NULL pointer).
///
/// # Safety
/// `uu` is NULL or points to 16 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rte_uuid_is_null(uu: *const u8) -> bool {
    ffi_boundary!(Log, "rte_uuid_is_null", fail = true, {
        // SAFETY: forwarded caller guarantee.
        Ok(uuid::is_null(unsafe { uuid_ref(uu, "uu") }?))
    })
}

/// Orders two UUIDs: negative, 0 or positive.
///
/// # Safety
/// `uu1` and `uu2` are NULL or point to 16 readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rte_uuid_compare(uu1: *const u8, uu2: *const u8) -> c_int {
    ffi_boundary!(Log, "rte_uuid_compare", fail = 0, {
        // SAFETY: forwarded caller guarantee.
        let (a, b) = unsafe { (uuid_ref(uu1, "uu1")?, uuid_ref(uu2, "uu2")?) };
        Ok(uuid::compare(a, b))
    })
}

/// Reads the 36-character text form `in_` into `uu`; 0, or -1 when it is not a UUID (an
/// answer: DEBUG log, `rte_errno` untouched, as DPDK). NULL pointers get an ERR line.
///
/// # Safety
/// `in_` is NULL or a NUL-terminated string; `uu` is NULL or 16 writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rte_uuid_parse(in_: *const c_char, uu: *mut u8) -> c_int {
    let mode = Mode::Per(|e| {
        if e.errno == libc::EFAULT {
            Mode::LogOnly
        } else {
            Mode::Debug
        }
    });
    ffi_boundary!(mode, "rte_uuid_parse", {
        if in_.is_null() || uu.is_null() {
            return Err(Error::new(libc::EFAULT, "in or uu is NULL"));
        }
        // SAFETY: non-NULL and NUL-terminated (caller's guarantee).
        let text = unsafe { CStr::from_ptr(in_) }.to_bytes();
        let u = uuid::parse(text)?;
        // SAFETY: uu has 16 writable bytes (caller's guarantee).
        unsafe { uu.cast::<Uuid>().write(u) };
        Ok(0)
    })
}

/// Writes the text form of `uu` into `out` (`len` bytes, truncated and NUL-terminated as
/// snprintf does; RTE_UUID_STRLEN = 37 holds it all).
///
/// # Safety
/// `uu` is NULL or 16 readable bytes; `out` is NULL or `len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn rte_uuid_unparse(uu: *const u8, out: *mut c_char, len: usize) {
    ffi_boundary!(Log, "rte_uuid_unparse", {
        // SAFETY: forwarded caller guarantee.
        let u = unsafe { uuid_ref(uu, "uu") }?;
        if len == 0 {
            return Ok(());
        }
        if out.is_null() {
            return Err(Error::new(libc::EINVAL, "out is NULL"));
        }
        let text = uuid::unparse(u);
        let n = text.len().min(len - 1);
        // SAFETY: out has len > n bytes (caller's guarantee); the text is n bytes long.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), out.cast::<u8>(), n);
            *out.add(n) = 0;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_unparse_and_truncation() {
        let mut u = [0u8; 16];
        // SAFETY: u has 16 bytes; the strings are literals.
        unsafe {
            assert_eq!(
                rte_uuid_parse(
                    c"01234567-89ab-cdef-0123-456789abcdef".as_ptr(),
                    u.as_mut_ptr()
                ),
                0
            );
            assert!(!rte_uuid_is_null(u.as_ptr()));
            let mut out = [0x55 as c_char; 37];
            rte_uuid_unparse(u.as_ptr(), out.as_mut_ptr(), 37);
            assert_eq!(
                CStr::from_ptr(out.as_ptr()),
                c"01234567-89ab-cdef-0123-456789abcdef"
            );
            let mut short = [0x55 as c_char; 10];
            rte_uuid_unparse(u.as_ptr(), short.as_mut_ptr(), 10);
            assert_eq!(CStr::from_ptr(short.as_ptr()), c"01234567-");
            assert_eq!(rte_uuid_compare(u.as_ptr(), u.as_ptr()), 0);
            crate::base::errno::set(0);
            assert_eq!(rte_uuid_parse(c"nope".as_ptr(), u.as_mut_ptr()), -1);
            assert_eq!(crate::base::errno::get(), 0);
            assert_eq!(rte_uuid_parse(std::ptr::null(), u.as_mut_ptr()), -1);
            assert!(rte_uuid_is_null(std::ptr::null()));
            assert_eq!(rte_uuid_compare(std::ptr::null(), u.as_ptr()), 0);
            rte_uuid_unparse(std::ptr::null(), short.as_mut_ptr(), 10);
        }
    }
}
