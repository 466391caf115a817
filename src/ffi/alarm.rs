//! `rte_alarm.h`: alarms run on the interrupt thread (core: `crate::intr::alarm`).

use std::ffi::{c_int, c_void};

use crate::abi::intr::rte_eal_alarm_callback;
use crate::error::Error;
use crate::ffi::{report, Mode};
use crate::intr::alarm;

/// Runs `cb_fn(cb_arg)` on the interrupt thread in `us` microseconds. Returns 0; -EINVAL for a
/// delay of 0 or above `UINT64_MAX - 1000000`, or a NULL callback (`rte_errno` untouched, as
/// DPDK); -1 with `rte_errno` EINVAL before `rte_eal_init` (DPDK's result there).
#[no_mangle]
pub extern "C" fn rte_eal_alarm_set(
    us: u64,
    cb_fn: rte_eal_alarm_callback,
    cb_arg: *mut c_void,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_eal_alarm_set", fail = -errno, {
        match alarm::set(us, cb_fn, cb_arg) {
            Err(e) if e.errno == libc::ENODEV => {
                report(
                    Mode::Log,
                    "rte_eal_alarm_set",
                    &Error::new(libc::EINVAL, e.msg),
                );
                Ok(-1)
            }
            r => r.map(|_| 0),
        }
    })
}

/// Cancels the alarms `(cb_fn, cb_arg)` (`cb_arg` `(void *)-1`: any argument), waiting for one
/// that runs on another thread. Returns how many were removed; `rte_errno` is EINPROGRESS when
/// the calling alarm callback matched itself, else ENOENT when nothing was removed. -1 with
/// `rte_errno` EINVAL for a NULL callback.
#[no_mangle]
pub extern "C" fn rte_eal_alarm_cancel(
    cb_fn: rte_eal_alarm_callback,
    cb_arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_eal_alarm_cancel", {
        let c = alarm::cancel_detailed(cb_fn, cb_arg)?;
        if c.in_progress {
            crate::base::errno::set(libc::EINPROGRESS);
        } else if c.count == 0 {
            crate::base::errno::set(libc::ENOENT);
        }
        Ok(c_int::try_from(c.count).unwrap_or(c_int::MAX))
    })
}
