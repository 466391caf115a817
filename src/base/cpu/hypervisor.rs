//! Which hypervisor runs this machine (`rte_hypervisor_get`, `rte_hypervisor_get_name`).
//!
//! A CPU that reports the HYPERVISOR flag names its hypervisor in the vendor leaf
//! 0x40000000: twelve characters in EBX, ECX, EDX. DPDK knows three of them.

use std::ffi::CStr;

use super::flags;
use crate::sys::{cpuid, CpuidRegs};

/// `enum rte_hypervisor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Hypervisor {
    None = 0,
    Kvm = 1,
    HyperV = 2,
    Vmware = 3,
    Unknown = 4,
}

/// The hypervisor vendor leaf.
const VENDOR_LEAF: u32 = 0x4000_0000;

/// The hypervisor of the CPU `cpuid` describes.
pub fn get_with(cpuid: impl Fn(u32, u32) -> CpuidRegs) -> Hypervisor {
    if flags::enabled_with(flags::HYPERVISOR, &cpuid) != flags::Answer::Has(true) {
        return Hypervisor::None;
    }
    let r = cpuid(VENDOR_LEAF, 0);
    let mut vendor = [0u8; 12];
    for (i, reg) in r[1..].iter().enumerate() {
        vendor[i * 4..i * 4 + 4].copy_from_slice(&reg.to_le_bytes());
    }
    // DPDK compares the vendor as a C string: a NUL ends it ("KVMKVMKVM\0\0\0").
    let end = vendor.iter().position(|&c| c == 0).unwrap_or(12);
    match &vendor[..end] {
        b"KVMKVMKVM" => Hypervisor::Kvm,
        b"Microsoft Hv" => Hypervisor::HyperV,
        b"VMwareVMware" => Hypervisor::Vmware,
        _ => Hypervisor::Unknown,
    }
}

/// This machine's hypervisor.
pub fn get() -> Hypervisor {
    get_with(cpuid)
}

/// The name DPDK gives hypervisor `id` (an `enum rte_hypervisor` value from C, any int).
pub fn name(id: i32) -> &'static CStr {
    match id {
        0 => c"none",
        1 => c"KVM",
        2 => c"Hyper-V",
        3 => c"VMware",
        _ => c"unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu(hv: bool, vendor: &'static [u8; 12]) -> impl Fn(u32, u32) -> CpuidRegs {
        move |leaf, _| {
            let w = |i: usize| u32::from_le_bytes(vendor[i..i + 4].try_into().unwrap());
            match leaf {
                0 => [7, 0, 0, 0],
                1 => [0, 0, if hv { 1 << 31 } else { 0 }, 0],
                VENDOR_LEAF => [0x4000_0001, w(0), w(4), w(8)],
                _ => [0; 4],
            }
        }
    }

    #[test]
    fn vendor_strings_map_to_dpdks_hypervisors() {
        assert_eq!(get_with(cpu(true, b"KVMKVMKVM\0\0\0")), Hypervisor::Kvm);
        assert_eq!(get_with(cpu(true, b"Microsoft Hv")), Hypervisor::HyperV);
        assert_eq!(get_with(cpu(true, b"VMwareVMware")), Hypervisor::Vmware);
        assert_eq!(get_with(cpu(true, b"XenVMMXenVMM")), Hypervisor::Unknown);
        assert_eq!(get_with(cpu(false, b"KVMKVMKVM\0\0\0")), Hypervisor::None);
    }

    #[test]
    fn names_cover_every_value() {
        assert_eq!(name(Hypervisor::None as i32), c"none");
        assert_eq!(name(Hypervisor::Kvm as i32), c"KVM");
        assert_eq!(name(Hypervisor::HyperV as i32), c"Hyper-V");
        assert_eq!(name(Hypervisor::Vmware as i32), c"VMware");
        assert_eq!(name(Hypervisor::Unknown as i32), c"unknown");
        assert_eq!(name(-1), c"unknown");
        assert_eq!(name(99), c"unknown");
    }

    #[test]
    fn this_machine_matches_cpuinfo() {
        let listed = std::fs::read_to_string("/proc/cpuinfo")
            .unwrap()
            .lines()
            .find(|l| l.starts_with("flags"))
            .is_some_and(|l| l.split_whitespace().any(|w| w == "hypervisor"));
        assert_eq!(get() != Hypervisor::None, listed);
    }
}
