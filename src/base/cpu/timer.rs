//! The timer facts DPDK exports as variables: which clock the timer functions read
//! (`eal_timer_source`) and whether `rte_rdtsc` maps VMware's pseudo-TSC
//! (`rte_cycles_vmware_tsc_map`).
//!
//! Both are `int`s in DPDK's ABI that its headers declare `extern`. DPDK 22.11 on Linux starts
//! with the HPET as the timer source and switches to the TSC in `rte_eal_timer_init` (rtemem's
//! init does the same at that step). Debian builds DPDK without VMware TSC mapping, so the
//! second stays 0 and `--vmware-tsc-map` is ignored with a warning.

use std::sync::atomic::{AtomicI32, Ordering};

/// `enum timer_source`: `EAL_TIMER_TSC`.
pub const TIMER_TSC: i32 = 0;
/// `enum timer_source`: `EAL_TIMER_HPET`.
pub const TIMER_HPET: i32 = 1;

/// DPDK's exported `enum timer_source eal_timer_source`.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static eal_timer_source: AtomicI32 = AtomicI32::new(TIMER_HPET);

/// DPDK's exported `int rte_cycles_vmware_tsc_map`: 0, as in a build without
/// RTE_LIBRTE_EAL_VMWARE_TSC_MAP_SUPPORT.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static rte_cycles_vmware_tsc_map: AtomicI32 = AtomicI32::new(0);

/// The timer step of init (DPDK's `rte_eal_timer_init`): the timer functions read the TSC.
pub fn init() {
    eal_timer_source.store(TIMER_TSC, Ordering::Relaxed);
}

/// The current timer source (`TIMER_TSC` or `TIMER_HPET`).
pub fn source() -> i32 {
    eal_timer_source.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_init_switches_to_the_tsc_and_vmware_mapping_stays_off() {
        init();
        assert_eq!(source(), TIMER_TSC);
        assert_eq!(rte_cycles_vmware_tsc_map.load(Ordering::Relaxed), 0);
    }
}
