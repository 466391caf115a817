//! C API of `rte_power_intrinsics.h`: wait for a memory write or a TSC deadline in a light
//! sleep state (WAITPKG), on one word or several (with RTM).
//!
//! DPDK's contract: 0 on success, -ENOTSUP when the CPU lacks the instructions (checked
//! first, whatever the arguments), -EINVAL for bad arguments; `rte_errno` untouched. A missing
//! CPU feature is an answer (DEBUG log); bad arguments get one ERR line. The condition struct
//! is declared by hand in `include/rte_power_intrinsics.h`.

use std::ffi::{c_int, c_uint};

use crate::base::cpu::power::{self, MonitorCond};
use crate::error::Error;
use crate::ffi::Mode;

fn mode(e: &Error) -> Mode {
    if e.errno == libc::ENOTSUP {
        Mode::Debug
    } else {
        Mode::LogOnly
    }
}

/// Sleeps until `pmc->addr` is written or the TSC reaches `tsc_timestamp`, unless `pmc->fn`
/// says the value read already ends the wait. For EAL lcores only.
///
/// # Safety
/// `pmc` is NULL or a valid condition whose word stays readable during the call.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_power_monitor(pmc: *const MonitorCond, tsc_timestamp: u64) -> c_int {
    ffi_boundary!(Per(mode), "rte_power_monitor", fail = -errno, {
        // SAFETY: forwarded caller guarantee.
        unsafe { power::monitor(pmc, tsc_timestamp) }?;
        Ok(0)
    })
}

/// Wakes lcore `lcore_id` from `rte_power_monitor` or `rte_power_monitor_multi`.
#[no_mangle]
pub extern "C" fn rte_power_monitor_wakeup(lcore_id: c_uint) -> c_int {
    ffi_boundary!(Per(mode), "rte_power_monitor_wakeup", fail = -errno, {
        power::wakeup(lcore_id)?;
        Ok(0)
    })
}

/// Sleeps until the TSC reaches `tsc_timestamp`.
#[no_mangle]
pub extern "C" fn rte_power_pause(tsc_timestamp: u64) -> c_int {
    ffi_boundary!(Per(mode), "rte_power_pause", fail = -errno, {
        power::pause(tsc_timestamp)?;
        Ok(0)
    })
}

/// Sleeps until one of the `num` words of `pmc` is written or the TSC reaches
/// `tsc_timestamp`, unless a condition already holds. For EAL lcores only.
///
/// # Safety
/// `pmc` is NULL or points to `num` valid conditions whose words stay readable.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_power_monitor_multi(
    pmc: *const MonitorCond,
    num: u32,
    tsc_timestamp: u64,
) -> c_int {
    ffi_boundary!(Per(mode), "rte_power_monitor_multi", fail = -errno, {
        // SAFETY: forwarded caller guarantee.
        unsafe { power::monitor_multi(pmc, num, tsc_timestamp) }?;
        Ok(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_follow_this_cpus_support_and_leave_rte_errno() {
        crate::base::errno::set(0);
        let s = power::support();
        if !s.wait {
            // SAFETY: a NULL condition is refused before use.
            unsafe {
                assert_eq!(rte_power_monitor(std::ptr::null(), 0), -libc::ENOTSUP);
                assert_eq!(
                    rte_power_monitor_multi(std::ptr::null(), 0, 0),
                    -libc::ENOTSUP
                );
            }
            assert_eq!(rte_power_pause(0), -libc::ENOTSUP);
            assert_eq!(rte_power_monitor_wakeup(0), -libc::ENOTSUP);
        } else {
            assert_eq!(rte_power_monitor_wakeup(200), -libc::EINVAL);
            assert_eq!(rte_power_pause(0), 0);
        }
        assert_eq!(crate::base::errno::get(), 0);
    }
}
