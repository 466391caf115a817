//! C API of `rte_cpuflags.h` (x86) and `rte_hypervisor.h`: CPU feature flags, the power
//! intrinsics the CPU supports, and the hypervisor.
//!
//! The functions take or return DPDK enums (`enum rte_cpu_flag_t`, `enum rte_hypervisor`) or a
//! bitfield struct (`struct rte_cpu_intrinsics`), so cbindgen does not see them: they are
//! declared by hand in `include/rte_cpuflags.h` and `include/rte_hypervisor.h`. An enum comes
//! in as its integer, so an out-of-range value is an ordinary bad argument. None of these needs
//! `rte_eal_init`; DPDK reports bad flags by the return value alone (`rte_errno` untouched).

use std::ffi::{c_char, c_int, c_uint};

use crate::base::cpu::{flags, hypervisor};
use crate::error::Error;

/// 1 when the CPU has `feature`, 0 when not, -ENOENT when `feature` is not a flag
/// (`>= RTE_CPUFLAG_NUMFLAGS`).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_cpu_get_flag_enabled(feature: c_uint) -> c_int {
    ffi_boundary!(LogOnly, "rte_cpu_get_flag_enabled", fail = -errno, {
        match flags::enabled(feature) {
            flags::Answer::Has(b) => Ok(c_int::from(b)),
            flags::Answer::NoSuchFlag => Err(Error::new(
                libc::ENOENT,
                format!(
                    "no CPU flag {feature} (flags are 0 to {})",
                    flags::NUMFLAGS - 1
                ),
            )),
        }
    })
}

/// The name of `feature` ("SSE4_2"), or NULL when it is not a flag.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_cpu_get_flag_name(feature: c_uint) -> *const c_char {
    ffi_boundary!(LogOnly, "rte_cpu_get_flag_name", {
        flags::name(feature).map(|n| n.as_ptr()).ok_or_else(|| {
            Error::new(
                libc::ENOENT,
                format!(
                    "no CPU flag {feature} (flags are 0 to {})",
                    flags::NUMFLAGS - 1
                ),
            )
        })
    })
}

/// Fills `*intrinsics` (`struct rte_cpu_intrinsics`, a 32-bit word of bitfields) with the
/// power intrinsics this CPU supports. A NULL pointer is logged and ignored.
///
/// # Safety
/// `intrinsics` is NULL or points to a writable `struct rte_cpu_intrinsics`.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_cpu_get_intrinsics_support(intrinsics: *mut u32) {
    ffi_boundary!(LogOnly, "rte_cpu_get_intrinsics_support", {
        if intrinsics.is_null() {
            return Err(Error::new(libc::EINVAL, "intrinsics is NULL"));
        }
        // SAFETY: non-NULL and writable (caller's guarantee); the struct is one 32-bit word.
        unsafe { intrinsics.write(flags::intrinsics().bits()) };
        Ok(())
    })
}

/// The hypervisor this machine runs under (`enum rte_hypervisor`: NONE, KVM, HYPERV, VMWARE,
/// UNKNOWN).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_hypervisor_get() -> c_int {
    ffi_boundary!(Log, "rte_hypervisor_get", fail = 0, {
        Ok(hypervisor::get() as c_int)
    })
}

/// The name of hypervisor `id`: "none", "KVM", "Hyper-V", "VMware", or "unknown" for any
/// other value.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_hypervisor_get_name(id: c_int) -> *const c_char {
    ffi_boundary!(Log, "rte_hypervisor_get_name", {
        Ok(hypervisor::name(id).as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn out_of_range_flags_fail_without_touching_rte_errno() {
        crate::base::errno::set(0);
        assert_eq!(rte_cpu_get_flag_enabled(flags::NUMFLAGS), -libc::ENOENT);
        assert_eq!(rte_cpu_get_flag_enabled(u32::MAX), -libc::ENOENT);
        assert!(rte_cpu_get_flag_name(flags::NUMFLAGS).is_null());
        assert_eq!(crate::base::errno::get(), 0);
        assert_eq!(rte_cpu_get_flag_enabled(flags::SSE4_2), 1);
        // SAFETY: a non-NULL name is a static C string.
        let n = unsafe { CStr::from_ptr(rte_cpu_get_flag_name(flags::SSE4_2)) };
        assert_eq!(n, c"SSE4_2");
    }

    #[test]
    fn intrinsics_word_is_written_and_null_is_refused() {
        let mut w = u32::MAX;
        // SAFETY: w is a writable 32-bit word.
        unsafe { rte_cpu_get_intrinsics_support(&mut w) };
        assert_eq!(w, flags::intrinsics().bits());
        // SAFETY: NULL is checked.
        unsafe { rte_cpu_get_intrinsics_support(std::ptr::null_mut()) };
    }

    #[test]
    fn hypervisor_name_of_every_answer() {
        let id = rte_hypervisor_get();
        assert!((0..=4).contains(&id));
        // SAFETY: the names are static C strings.
        let n = unsafe { CStr::from_ptr(rte_hypervisor_get_name(id)) };
        assert_eq!(n, hypervisor::name(id));
        // SAFETY: as above.
        let other = unsafe { CStr::from_ptr(rte_hypervisor_get_name(-7)) };
        assert_eq!(other, c"unknown");
    }
}
