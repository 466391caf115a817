//! The CPU itself: the one `rdtsc` of the crate, `cpuid`, the I/O privilege level, and the
//! instructions of the power intrinsics (WAITPKG's `umonitor`/`umwait`/`tpause`, RTM's
//! `xbegin`/`xend`/`xtest`).
//!
//! The WAITPKG and RTM wrappers execute instructions the CPU may lack: callers check the
//! matching cpuid flag first (their `# Safety` says so); executing them without it raises
//! SIGILL.

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

/// The four registers `cpuid` returns, in the order EAX, EBX, ECX, EDX.
pub type CpuidRegs = [u32; 4];

/// Runs `cpuid` for `leaf` and `subleaf`.
#[inline]
pub fn cpuid(leaf: u32, subleaf: u32) -> CpuidRegs {
    #[cfg(target_arch = "x86_64")]
    {
        #[allow(unused_unsafe)]
        // SAFETY: CPUID exists on every x86-64 CPU; it only reads identification registers.
        let r = unsafe { core::arch::x86_64::__cpuid_count(leaf, subleaf) };
        [r.eax, r.ebx, r.ecx, r.edx]
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (leaf, subleaf);
        [0; 4]
    }
}

/// Raises the calling thread's I/O privilege level to 3 (`iopl(3)`), which lets it use port
/// I/O. Needs CAP_SYS_RAWIO; fails under most virtual machines and containers.
pub fn iopl3() -> std::io::Result<()> {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: iopl changes only the calling thread's I/O privilege level.
        if unsafe { libc::iopl(3) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_arch = "x86_64"))]
    Err(std::io::Error::from_raw_os_error(libc::ENOSYS))
}

/// Arms address monitoring on the cache line of `addr` (`umonitor`).
///
/// # Safety
/// The CPU has WAITPKG (cpuid 7.0 ECX bit 5). `addr` may be any address (it is not read).
#[inline]
pub unsafe fn umonitor(addr: *const u8) {
    // SAFETY: the caller guarantees WAITPKG; UMONITOR reads no memory and changes no register.
    unsafe { core::arch::asm!("umonitor {0}", in(reg) addr, options(nostack, preserves_flags)) };
}

/// Waits in the light C0.2 state until the monitored line is written, an interrupt arrives or
/// the TSC reaches `deadline` (`umwait`).
///
/// # Safety
/// The CPU has WAITPKG.
#[inline]
pub unsafe fn umwait(deadline: u64) {
    // SAFETY: the caller guarantees WAITPKG; edx:eax carry the deadline, ecx = 0 selects C0.2;
    // the carry flag (clobbered) reports whether the OS limit cut the wait short.
    unsafe {
        core::arch::asm!(
            "umwait ecx",
            in("ecx") 0u32,
            in("eax") deadline as u32,
            in("edx") (deadline >> 32) as u32,
            options(nostack)
        )
    };
}

/// Waits in the light C0.2 state until the TSC reaches `deadline` (`tpause`).
///
/// # Safety
/// The CPU has WAITPKG.
#[inline]
pub unsafe fn tpause(deadline: u64) {
    // SAFETY: as umwait, without a monitored line.
    unsafe {
        core::arch::asm!(
            "tpause ecx",
            in("ecx") 0u32,
            in("eax") deadline as u32,
            in("edx") (deadline >> 32) as u32,
            options(nostack)
        )
    };
}

/// What [`xbegin`] returns when the transaction started (`_XBEGIN_STARTED`).
pub const XBEGIN_STARTED: u32 = u32::MAX;

/// Starts a hardware transaction (`xbegin`): returns [`XBEGIN_STARTED`] inside it; when it
/// aborts, execution comes back here and the abort status is returned.
///
/// # Safety
/// The CPU has RTM (cpuid 7.0 EBX bit 11). Everything until [`xend`] may be rolled back.
#[inline]
pub unsafe fn xbegin() -> u32 {
    let mut status = XBEGIN_STARTED;
    // SAFETY: the caller guarantees RTM. On abort the CPU restores the registers of this point
    // except EAX (the status) and continues at the label right after the instruction.
    unsafe {
        core::arch::asm!("xbegin 2f", "2:", inout("eax") status, options(nostack));
    }
    status
}

/// Commits the current hardware transaction (`xend`).
///
/// # Safety
/// The CPU has RTM and a transaction started by [`xbegin`] is running.
#[inline]
pub unsafe fn xend() {
    // SAFETY: the caller's guarantees.
    unsafe { core::arch::asm!("xend", options(nostack)) };
}

/// True inside a hardware transaction (`xtest`).
///
/// # Safety
/// The CPU has RTM.
#[inline]
pub unsafe fn xtest() -> bool {
    let inside: u8;
    // SAFETY: the caller guarantees RTM; XTEST only sets ZF (clear inside a transaction).
    unsafe {
        core::arch::asm!("xtest", "setnz {0}", out(reg_byte) inside, options(nostack));
    }
    inside != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpuid_leaf0_names_the_vendor_and_a_max_leaf() {
        let r = cpuid(0, 0);
        assert!(r[0] >= 1, "max basic leaf {}", r[0]);
        let mut v = Vec::new();
        for reg in [r[1], r[3], r[2]] {
            v.extend_from_slice(&reg.to_le_bytes());
        }
        assert!(
            v.iter().all(|c| c.is_ascii_graphic() || *c == b' '),
            "{v:?}"
        );
    }

    #[test]
    fn rdtsc_advances() {
        let a = rdtsc();
        let b = rdtsc();
        assert!(b >= a);
    }

    #[test]
    fn transactions_run_where_cpuinfo_lists_rtm() {
        let flag = cpuid(7, 0)[1] & (1 << 11) != 0;
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap();
        let listed = cpuinfo
            .lines()
            .find(|l| l.starts_with("flags"))
            .is_some_and(|l| l.split_whitespace().any(|w| w == "rtm"));
        assert_eq!(flag, listed, "cpuid and /proc/cpuinfo disagree on RTM");
        if !flag {
            return;
        }
        // SAFETY: RTM is present (checked above).
        unsafe {
            assert!(!xtest());
            let s = xbegin();
            if s == XBEGIN_STARTED {
                let inside = xtest();
                xend();
                assert!(inside);
            }
            assert!(!xtest());
        }
    }
}
