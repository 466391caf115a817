//! The CPU's time-stamp counter: the one `rdtsc` of the crate.

/// Reads the time-stamp counter (`rdtsc`). Where there is none, nanoseconds since the epoch,
/// which is monotonic enough for what callers use it for (tags and spin deadlines).
#[inline]
pub fn rdtsc() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: RDTSC is available on every x86-64 CPU and has no memory effects.
        unsafe { core::arch::x86_64::_rdtsc() }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
    }
}
