//! CPU facts and timing: the instruction sets DPDK's x86-64 build needs, the time-stamp
//! counter's frequency (DPDK's `rte_get_tsc_hz`) and busy-wait delays, and the SIMD width
//! setting (`rte_vect_*_max_simd_bitwidth`); in submodules the feature flags ([`flags`]), the
//! hypervisor ([`hypervisor`]), the power intrinsics ([`power`]) and the exported timer
//! variables ([`timer`]).
//!
//! Process-wide state: the measured TSC frequency (computed once), the SIMD bitwidth (an
//! atomic), and the exported bytes and words DPDK's inline code reads (`rte_rtm_supported`,
//! `eal_timer_source`, `rte_cycles_vmware_tsc_map`). Nothing here needs `rte_eal_init`.

pub mod flags;
pub mod hypervisor;
pub mod power;
pub mod timer;

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::err;
use crate::error::Result;
use crate::sys::rdtsc;

/// True when the CPU has every instruction set DPDK 22.11's x86-64 build assumes (SSE to
/// SSE4.2).
pub fn is_supported() -> bool {
    std::arch::is_x86_feature_detected!("sse")
        && std::arch::is_x86_feature_detected!("sse2")
        && std::arch::is_x86_feature_detected!("sse3")
        && std::arch::is_x86_feature_detected!("ssse3")
        && std::arch::is_x86_feature_detected!("sse4.1")
        && std::arch::is_x86_feature_detected!("sse4.2")
}

/// Measures the TSC against the monotonic clock over `span`, rounded to 10 MHz as DPDK does.
fn measure_tsc_hz(span: Duration) -> u64 {
    let t0 = Instant::now();
    let c0 = rdtsc();
    std::thread::sleep(span);
    let c1 = rdtsc();
    let ns = t0.elapsed().as_nanos().max(1);
    let hz = (u128::from(c1.wrapping_sub(c0)) * 1_000_000_000 / ns) as u64;
    let round = 10_000_000;
    ((hz + round / 2) / round).max(1) * round
}

/// The TSC frequency, measured on first use (about 0.1 s) and cached.
pub fn tsc_hz() -> u64 {
    static HZ: OnceLock<u64> = OnceLock::new();
    *HZ.get_or_init(|| measure_tsc_hz(Duration::from_millis(100)))
}

/// Waits `us` microseconds by spinning on the TSC.
pub fn delay_us_block(us: u32) {
    let start = rdtsc();
    let ticks = (u128::from(tsc_hz()) * u128::from(us) / 1_000_000) as u64;
    while rdtsc().wrapping_sub(start) < ticks {
        std::hint::spin_loop();
    }
}

/// RTE_VECT_SIMD_DISABLED: scalar code only.
const SIMD_DISABLED: u16 = 64;
/// RTE_VECT_DEFAULT_SIMD_BITWIDTH (RTE_VECT_SIMD_256).
const SIMD_DEFAULT: u16 = 256;
static SIMD_BITWIDTH: AtomicU16 = AtomicU16::new(SIMD_DEFAULT);

/// The widest SIMD path (in bits) code should use; 256 unless changed.
pub fn max_simd_bitwidth() -> u16 {
    SIMD_BITWIDTH.load(Ordering::Relaxed)
}

/// Sets the widest SIMD path: a power of two >= 64 (RTE_VECT_SIMD_*), else EINVAL.
pub fn set_max_simd_bitwidth(bitwidth: u16) -> Result<()> {
    if bitwidth < SIMD_DISABLED || !bitwidth.is_power_of_two() {
        return Err(err!(
            libc::EINVAL,
            "invalid SIMD bitwidth {bitwidth}: use 64, 128, 256, 512 or 32768"
        ));
    }
    SIMD_BITWIDTH.store(bitwidth, Ordering::Relaxed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsc_hz_is_plausible_and_delay_blocks() {
        let hz = tsc_hz();
        assert!(hz >= 100_000_000, "{hz}");
        let t = Instant::now();
        delay_us_block(2000);
        assert!(t.elapsed() >= Duration::from_micros(1500));
    }

    #[test]
    fn this_cpu_runs_dpdk_code() {
        assert!(is_supported());
    }
}
