//! C API of `rte_reciprocal.h`: the multiplier and shifts that let DPDK's inline
//! `rte_reciprocal_divide*` divide by an invariant integer. Divisor 0 (which crashes DPDK with
//! a division by zero) gives all-zero values, `rte_errno` EINVAL and a log line.

use crate::base::util::reciprocal::{self, rte_reciprocal, rte_reciprocal_u64};
use crate::error::Error;

/// The 32-bit reciprocal of `d`.
#[no_mangle]
pub extern "C" fn rte_reciprocal_value(d: u32) -> rte_reciprocal {
    ffi_boundary!(
        Log,
        "rte_reciprocal_value",
        fail = rte_reciprocal::default(),
        { reciprocal::value(d).ok_or_else(|| Error::new(libc::EINVAL, "the divisor is 0")) }
    )
}

/// The 64-bit reciprocal of `d`.
#[no_mangle]
pub extern "C" fn rte_reciprocal_value_u64(d: u64) -> rte_reciprocal_u64 {
    ffi_boundary!(
        Log,
        "rte_reciprocal_value_u64",
        fail = rte_reciprocal_u64::default(),
        { reciprocal::value_u64(d).ok_or_else(|| Error::new(libc::EINVAL, "the divisor is 0")) }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_divisor_is_refused_with_einval() {
        crate::base::errno::set(0);
        assert_eq!(rte_reciprocal_value(0), rte_reciprocal::default());
        assert_eq!(crate::base::errno::get(), libc::EINVAL);
        assert_eq!(rte_reciprocal_value_u64(0), rte_reciprocal_u64::default());
        assert_eq!(rte_reciprocal_value(7).m, 613_566_757);
        assert_eq!(rte_reciprocal_value_u64(7).m, 2_635_249_153_387_078_803);
    }
}
