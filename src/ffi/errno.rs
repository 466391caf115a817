//! `rte_errno.h`: `rte_strerror`.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, CString};

thread_local! {
    static STRERROR_BUF: RefCell<CString> = RefCell::new(CString::default());
}

/// Returns a text for `errnum`, including DPDK's own codes. The string is owned by the calling
/// thread and stays valid until its next call.
#[no_mangle]
pub extern "C" fn rte_strerror(errnum: c_int) -> *const c_char {
    ffi_boundary!(Log, "rte_strerror", fail = c"Unknown error".as_ptr(), {
        let text = CString::new(crate::base::errno::describe(errnum)).unwrap_or_default();
        Ok(STRERROR_BUF.with(|b| {
            *b.borrow_mut() = text;
            b.borrow().as_ptr()
        }))
    })
}
