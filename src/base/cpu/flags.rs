//! CPU feature flags: DPDK 22.11's x86 `enum rte_cpu_flag_t`, each flag's place in `cpuid`,
//! and whether this CPU has it (`rte_cpu_get_flag_enabled`, `rte_cpu_get_flag_name`,
//! `rte_cpu_get_intrinsics_support`).
//!
//! The table below is indexed by the enum value, so its order is the ABI: flag N of a program
//! built against DPDK's headers is row N here (the differential test compares every row's name
//! and answer with real DPDK's). A flag is read from `cpuid` on every call, as DPDK does; the
//! only cached answer is RTM's, in the exported byte `rte_rtm_supported`, which DPDK's inline
//! spinlock code reads and a load-time constructor fills (before `main`, before any other
//! constructor could take a lock).

use std::ffi::CStr;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::sys::{cpuid, CpuidRegs};

/// cpuid output registers, as indices into [`CpuidRegs`].
const EAX: u8 = 0;
const EBX: u8 = 1;
const ECX: u8 = 2;
const EDX: u8 = 3;

/// Where `cpuid` reports one flag.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// The flag's name as DPDK prints it (the enum name without `RTE_CPUFLAG_`).
    pub name: &'static CStr,
    pub leaf: u32,
    pub subleaf: u32,
    /// Output register (EAX = 0 .. EDX = 3).
    pub reg: u8,
    pub bit: u8,
}

const fn f(name: &'static CStr, leaf: u32, subleaf: u32, reg: u8, bit: u8) -> Flag {
    Flag {
        name,
        leaf,
        subleaf,
        reg,
        bit,
    }
}

/// Number of flags (`RTE_CPUFLAG_NUMFLAGS`).
pub const NUMFLAGS: u32 = 105;

/// `RTE_CPUFLAG_HYPERVISOR`.
pub const HYPERVISOR: u32 = 29;
/// `RTE_CPUFLAG_SSE4_2`.
pub const SSE4_2: u32 = 18;
/// `RTE_CPUFLAG_RTM`.
pub const RTM: u32 = 76;
/// `RTE_CPUFLAG_WAITPKG`.
pub const WAITPKG: u32 = 104;

/// Every flag, indexed by its `enum rte_cpu_flag_t` value.
pub static FLAGS: [Flag; NUMFLAGS as usize] = [
    // leaf 1, ECX
    f(c"SSE3", 1, 0, ECX, 0),
    f(c"PCLMULQDQ", 1, 0, ECX, 1),
    f(c"DTES64", 1, 0, ECX, 2),
    f(c"MONITOR", 1, 0, ECX, 3),
    f(c"DS_CPL", 1, 0, ECX, 4),
    f(c"VMX", 1, 0, ECX, 5),
    f(c"SMX", 1, 0, ECX, 6),
    f(c"EIST", 1, 0, ECX, 7),
    f(c"TM2", 1, 0, ECX, 8),
    f(c"SSSE3", 1, 0, ECX, 9),
    f(c"CNXT_ID", 1, 0, ECX, 10),
    f(c"FMA", 1, 0, ECX, 12),
    f(c"CMPXCHG16B", 1, 0, ECX, 13),
    f(c"XTPR", 1, 0, ECX, 14),
    f(c"PDCM", 1, 0, ECX, 15),
    f(c"PCID", 1, 0, ECX, 17),
    f(c"DCA", 1, 0, ECX, 18),
    f(c"SSE4_1", 1, 0, ECX, 19),
    f(c"SSE4_2", 1, 0, ECX, 20),
    f(c"X2APIC", 1, 0, ECX, 21),
    f(c"MOVBE", 1, 0, ECX, 22),
    f(c"POPCNT", 1, 0, ECX, 23),
    f(c"TSC_DEADLINE", 1, 0, ECX, 24),
    f(c"AES", 1, 0, ECX, 25),
    f(c"XSAVE", 1, 0, ECX, 26),
    f(c"OSXSAVE", 1, 0, ECX, 27),
    f(c"AVX", 1, 0, ECX, 28),
    f(c"F16C", 1, 0, ECX, 29),
    f(c"RDRAND", 1, 0, ECX, 30),
    f(c"HYPERVISOR", 1, 0, ECX, 31),
    // leaf 1, EDX
    f(c"FPU", 1, 0, EDX, 0),
    f(c"VME", 1, 0, EDX, 1),
    f(c"DE", 1, 0, EDX, 2),
    f(c"PSE", 1, 0, EDX, 3),
    f(c"TSC", 1, 0, EDX, 4),
    f(c"MSR", 1, 0, EDX, 5),
    f(c"PAE", 1, 0, EDX, 6),
    f(c"MCE", 1, 0, EDX, 7),
    f(c"CX8", 1, 0, EDX, 8),
    f(c"APIC", 1, 0, EDX, 9),
    f(c"SEP", 1, 0, EDX, 11),
    f(c"MTRR", 1, 0, EDX, 12),
    f(c"PGE", 1, 0, EDX, 13),
    f(c"MCA", 1, 0, EDX, 14),
    f(c"CMOV", 1, 0, EDX, 15),
    f(c"PAT", 1, 0, EDX, 16),
    f(c"PSE36", 1, 0, EDX, 17),
    f(c"PSN", 1, 0, EDX, 18),
    f(c"CLFSH", 1, 0, EDX, 19),
    f(c"DS", 1, 0, EDX, 21),
    f(c"ACPI", 1, 0, EDX, 22),
    f(c"MMX", 1, 0, EDX, 23),
    f(c"FXSR", 1, 0, EDX, 24),
    f(c"SSE", 1, 0, EDX, 25),
    f(c"SSE2", 1, 0, EDX, 26),
    f(c"SS", 1, 0, EDX, 27),
    f(c"HTT", 1, 0, EDX, 28),
    f(c"TM", 1, 0, EDX, 29),
    f(c"PBE", 1, 0, EDX, 31),
    // leaf 6 (thermal and power)
    f(c"DIGTEMP", 6, 0, EAX, 0),
    f(c"TRBOBST", 6, 0, EAX, 1),
    f(c"ARAT", 6, 0, EAX, 2),
    f(c"PLN", 6, 0, EAX, 4),
    f(c"ECMD", 6, 0, EAX, 5),
    f(c"PTM", 6, 0, EAX, 6),
    f(c"MPERF_APERF_MSR", 6, 0, ECX, 0),
    f(c"ACNT2", 6, 0, ECX, 1),
    f(c"ENERGY_EFF", 6, 0, ECX, 3),
    // leaf 7 subleaf 0, EBX
    f(c"FSGSBASE", 7, 0, EBX, 0),
    f(c"BMI1", 7, 0, EBX, 3),
    f(c"HLE", 7, 0, EBX, 4),
    f(c"AVX2", 7, 0, EBX, 5),
    f(c"SMEP", 7, 0, EBX, 7),
    f(c"BMI2", 7, 0, EBX, 8),
    f(c"ERMS", 7, 0, EBX, 9),
    f(c"INVPCID", 7, 0, EBX, 10),
    f(c"RTM", 7, 0, EBX, 11),
    f(c"AVX512F", 7, 0, EBX, 16),
    f(c"RDSEED", 7, 0, EBX, 18),
    // extended leaf 0x80000001
    f(c"LAHF_SAHF", 0x8000_0001, 0, ECX, 0),
    f(c"LZCNT", 0x8000_0001, 0, ECX, 4),
    f(c"SYSCALL", 0x8000_0001, 0, EDX, 11),
    f(c"XD", 0x8000_0001, 0, EDX, 20),
    f(c"1GB_PG", 0x8000_0001, 0, EDX, 26),
    f(c"RDTSCP", 0x8000_0001, 0, EDX, 27),
    f(c"EM64T", 0x8000_0001, 0, EDX, 29),
    // extended leaf 0x80000007
    f(c"INVTSC", 0x8000_0007, 0, EDX, 8),
    // leaf 7 subleaf 0 again: the AVX-512 family and later additions, in enum order
    f(c"AVX512DQ", 7, 0, EBX, 17),
    f(c"AVX512IFMA", 7, 0, EBX, 21),
    f(c"AVX512CD", 7, 0, EBX, 28),
    f(c"AVX512BW", 7, 0, EBX, 30),
    f(c"AVX512VL", 7, 0, EBX, 31),
    f(c"AVX512VBMI", 7, 0, ECX, 1),
    f(c"AVX512VBMI2", 7, 0, ECX, 6),
    f(c"GFNI", 7, 0, ECX, 8),
    f(c"VAES", 7, 0, ECX, 9),
    f(c"VPCLMULQDQ", 7, 0, ECX, 10),
    f(c"AVX512VNNI", 7, 0, ECX, 11),
    f(c"AVX512BITALG", 7, 0, ECX, 12),
    f(c"AVX512VPOPCNTDQ", 7, 0, ECX, 14),
    f(c"CLDEMOTE", 7, 0, ECX, 25),
    f(c"MOVDIRI", 7, 0, ECX, 27),
    f(c"MOVDIR64B", 7, 0, ECX, 28),
    f(c"AVX512VP2INTERSECT", 7, 0, EDX, 8),
    f(c"WAITPKG", 7, 0, ECX, 5),
];

/// What `rte_cpu_get_flag_enabled` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The CPU has the flag (1) or not (0).
    Has(bool),
    /// No such flag (DPDK: -ENOENT).
    NoSuchFlag,
}

/// Whether the CPU described by `cpuid` has flag `flag`. A flag whose leaf lies beyond the
/// highest leaf of its range (basic or extended) is absent.
pub fn enabled_with(flag: u32, cpuid: impl Fn(u32, u32) -> CpuidRegs) -> Answer {
    let Some(e) = FLAGS.get(flag as usize) else {
        return Answer::NoSuchFlag;
    };
    let max = cpuid(e.leaf & 0x8000_0000, 0)[EAX as usize];
    if max < e.leaf {
        return Answer::Has(false);
    }
    let regs = cpuid(e.leaf, e.subleaf);
    Answer::Has((regs[e.reg as usize] >> e.bit) & 1 != 0)
}

/// Whether this CPU has flag `flag`.
pub fn enabled(flag: u32) -> Answer {
    enabled_with(flag, cpuid)
}

/// True when this CPU has flag `flag` (false for an unknown flag).
pub fn has(flag: u32) -> bool {
    enabled(flag) == Answer::Has(true)
}

/// The name of flag `flag` ("SSE4_2", "1GB_PG"), None beyond the last flag.
pub fn name(flag: u32) -> Option<&'static CStr> {
    FLAGS.get(flag as usize).map(|e| e.name)
}

/// Which power intrinsics the CPU supports (`struct rte_cpu_intrinsics`'s bits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Intrinsics {
    /// `rte_power_monitor` (WAITPKG's UMONITOR/UMWAIT).
    pub power_monitor: bool,
    /// `rte_power_pause` (WAITPKG's TPAUSE).
    pub power_pause: bool,
    /// `rte_power_monitor_multi` (WAITPKG and RTM).
    pub power_monitor_multi: bool,
}

impl Intrinsics {
    /// The support WAITPKG and RTM give.
    pub fn from_flags(waitpkg: bool, rtm: bool) -> Intrinsics {
        Intrinsics {
            power_monitor: waitpkg,
            power_pause: waitpkg,
            power_monitor_multi: waitpkg && rtm,
        }
    }

    /// The bitfield word C sees: bit 0 power_monitor, bit 1 power_pause, bit 2
    /// power_monitor_multi.
    pub fn bits(self) -> u32 {
        u32::from(self.power_monitor)
            | u32::from(self.power_pause) << 1
            | u32::from(self.power_monitor_multi) << 2
    }
}

/// This CPU's power intrinsics.
pub fn intrinsics() -> Intrinsics {
    Intrinsics::from_flags(has(WAITPKG), has(RTM))
}

/// 1 when the CPU has restricted transactional memory (DPDK's exported `uint8_t
/// rte_rtm_supported`, read by the inline `rte_spinlock_*_tm` functions of DPDK's headers).
/// Written once, by the load-time constructor below.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rte_rtm_supported: AtomicU8 = AtomicU8::new(0);

/// Fills `rte_rtm_supported` when the library is loaded, before `main` and before other
/// libraries' constructors use a lock (as DPDK's constructor does).
extern "C" fn rtm_init() {
    rte_rtm_supported.store(u8::from(has(RTM)), Ordering::Relaxed);
}

#[used]
#[link_section = ".init_array"]
static RTM_INIT: extern "C" fn() = rtm_init;

#[cfg(test)]
mod tests {
    use super::*;

    /// A CPU whose leaves answer from a table; leaves not listed answer all zeros.
    fn fake(leaves: &'static [(u32, CpuidRegs)]) -> impl Fn(u32, u32) -> CpuidRegs {
        move |leaf, _| {
            leaves
                .iter()
                .find(|(l, _)| *l == leaf)
                .map(|(_, r)| *r)
                .unwrap_or([0; 4])
        }
    }

    #[test]
    fn names_follow_the_enum_order_and_are_unique() {
        assert_eq!(name(0), Some(c"SSE3"));
        assert_eq!(name(HYPERVISOR), Some(c"HYPERVISOR"));
        assert_eq!(name(SSE4_2), Some(c"SSE4_2"));
        assert_eq!(name(RTM), Some(c"RTM"));
        assert_eq!(name(83), Some(c"1GB_PG"));
        assert_eq!(name(86), Some(c"INVTSC"));
        assert_eq!(name(WAITPKG), Some(c"WAITPKG"));
        assert_eq!(name(NUMFLAGS), None);
        assert_eq!(name(u32::MAX), None);
        let mut all: Vec<_> = FLAGS.iter().map(|f| f.name).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), NUMFLAGS as usize);
        assert!(FLAGS
            .iter()
            .all(|f| f.leaf != 0 && f.reg <= EDX && f.bit < 32));
    }

    #[test]
    fn a_flag_is_its_cpuid_bit() {
        // Max basic leaf 7; leaf 7 EBX has RTM (bit 11) only, ECX WAITPKG (bit 5).
        let cpu = fake(&[
            (0, [7, 0, 0, 0]),
            (7, [0, 1 << 11, 1 << 5, 0]),
            (0x8000_0000, [0x8000_0001, 0, 0, 0]),
            (0x8000_0001, [0, 0, 0, 1 << 26]),
        ]);
        assert_eq!(enabled_with(RTM, &cpu), Answer::Has(true));
        assert_eq!(enabled_with(WAITPKG, &cpu), Answer::Has(true));
        assert_eq!(enabled_with(70, &cpu), Answer::Has(false)); // HLE, bit 4
        assert_eq!(enabled_with(83, &cpu), Answer::Has(true)); // 1GB_PG
        assert_eq!(enabled_with(NUMFLAGS, &cpu), Answer::NoSuchFlag);
    }

    #[test]
    fn a_leaf_beyond_the_cpus_range_means_absent() {
        // Max basic leaf 1, no extended leaves: leaf 7 and 0x80000007 answer garbage that
        // must not be read.
        let cpu = fake(&[
            (0, [1, 0, 0, 0]),
            (7, [u32::MAX; 4]),
            (0x8000_0000, [0x8000_0001, 0, 0, 0]),
            (0x8000_0007, [u32::MAX; 4]),
        ]);
        assert_eq!(enabled_with(RTM, &cpu), Answer::Has(false));
        assert_eq!(enabled_with(86, &cpu), Answer::Has(false)); // INVTSC
    }

    #[test]
    fn intrinsics_need_waitpkg_and_multi_needs_rtm_too() {
        assert_eq!(Intrinsics::from_flags(false, true).bits(), 0);
        assert_eq!(Intrinsics::from_flags(true, false).bits(), 0b011);
        assert_eq!(Intrinsics::from_flags(true, true).bits(), 0b111);
    }

    #[test]
    fn this_cpu_agrees_with_the_standard_library_and_the_constructor_ran() {
        assert_eq!(has(SSE4_2), std::arch::is_x86_feature_detected!("sse4.2"));
        assert_eq!(has(71), std::arch::is_x86_feature_detected!("avx2"));
        assert_eq!(has(RTM), std::arch::is_x86_feature_detected!("rtm"));
        assert_eq!(
            rte_rtm_supported.load(Ordering::Relaxed),
            u8::from(has(RTM))
        );
    }
}
