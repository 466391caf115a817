//! The C side of the log: messages that arrive as a printf format and its `va_list` (from
//! `rte_vlog`, and `rte_log`/`rte_exit`/`__rte_panic` through `csrc/eal_shim.c`), and the C
//! stream the log currently writes to.
//!
//! A `va_list` message is filtered first (an unknown type or a level the filters reject costs
//! no formatting), then formatted once by the C library and written by [`emit_bytes`], the one
//! place that chooses between the stream set with `rte_openlog_stream` and the default output.

use std::ffi::{c_char, c_void};

use super::{emit_bytes, registry};
use crate::err;
use crate::error::Result;

/// Formats a printf-style message with its `va_list` into raw bytes (empty on NULL `fmt` or a
/// formatting error).
///
/// # Safety
/// `fmt` is NULL or a valid format string and `ap` a `va_list` whose arguments match it, not
/// used again afterwards.
pub unsafe fn vformat(fmt: *const c_char, ap: *mut c_void) -> Vec<u8> {
    if fmt.is_null() {
        return Vec::new();
    }
    // SAFETY: fmt/ap match (caller's guarantee); ap is consumed once.
    unsafe { crate::sys::vasprintf(fmt, ap) }.unwrap_or_default()
}

/// `rte_vlog`: -1 for an unknown type, 0 when the levels filter the message out, else the
/// bytes written. A NULL `format` of a message that passes the filters is an error (EINVAL).
///
/// # Safety
/// As [`vformat`].
pub unsafe fn vlog(
    level: u32,
    logtype: u32,
    format: *const c_char,
    ap: *mut c_void,
) -> Result<i32> {
    let r = registry();
    if logtype as usize >= r.len() {
        return Ok(-1);
    }
    if !r.can_log(logtype as usize, level) {
        return Ok(0);
    }
    if format.is_null() {
        return Err(err!(libc::EINVAL, "format is NULL"));
    }
    // SAFETY: forwarded caller guarantee.
    let msg = unsafe { vformat(format, ap) };
    Ok(emit_bytes(level, logtype, &msg))
}

/// `rte_log_get_stream`: the stream set with `rte_openlog_stream`, else the default stream once
/// `rte_eal_init` opened it, else `stderr`.
pub fn stream() -> *mut libc::FILE {
    super::user_stream()
        .or_else(super::default_stream)
        .unwrap_or_else(crate::sys::stderr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `vlog` with a NULL format and `va_list`.
    fn vlog_null(level: u32, logtype: u32) -> Result<i32> {
        // SAFETY: NULL is a valid `format` (refused when read); the NULL va_list is never read,
        // since nothing is formatted without a format.
        unsafe { vlog(level, logtype, std::ptr::null(), std::ptr::null_mut()) }
    }

    #[test]
    fn filtered_or_unknown_messages_are_not_formatted() {
        use super::super::{RTE_LOG_DEBUG, RTE_LOG_EMERG, RTE_LOG_INFO};
        let _g = super::super::TEST_LOCK
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // An unknown type answers -1 and a filtered level 0, before the format is looked at.
        let unknown = u32::try_from(registry().len()).unwrap() + 1000;
        assert_eq!(vlog_null(RTE_LOG_INFO, unknown).unwrap(), -1);
        assert_eq!(vlog_null(RTE_LOG_DEBUG + 1, 0).unwrap(), 0);
        // A message that passes the filters needs its format.
        let e = vlog_null(RTE_LOG_EMERG, 0).unwrap_err();
        assert_eq!(e.errno, libc::EINVAL);
    }

    #[test]
    fn the_stream_is_never_null() {
        assert!(!stream().is_null());
    }
}
