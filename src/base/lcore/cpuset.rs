//! CPU sets as DPDK's `rte_cpuset_t` (glibc's `cpu_set_t`, 1024 bits), and thread affinity.
//!
//! [`CpuSet`] is a plain bitmap with the same layout as `cpu_set_t`, so it converts to and from
//! the C type by value. [`AtomicCpuSet`] holds one in an lcore's table entry, so that readers
//! (`rte_lcore_cpuset`, `rte_lcore_dump`) never take a lock. Affinity is changed only through
//! [`set_current_thread_affinity`] and read through [`current_thread_affinity`].

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Number of CPUs a `cpu_set_t` can name (glibc's CPU_SETSIZE).
pub(crate) const CPU_SETSIZE: usize = 1024;
const WORDS: usize = CPU_SETSIZE / 64;
/// Size of the buffer DPDK formats a CPU list into (RTE_CPU_AFFINITY_STR_LEN).
pub(crate) const RTE_CPU_AFFINITY_STR_LEN: usize = 256;

const _: () = assert!(std::mem::size_of::<libc::cpu_set_t>() == WORDS * 8);

/// A set of CPU numbers below [`CPU_SETSIZE`].
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuSet {
    bits: [u64; WORDS],
}

impl std::fmt::Debug for CpuSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CpuSet[{}]", self.to_list_string(usize::MAX).0)
    }
}

impl CpuSet {
    /// The set of `cpus`; CPUs at or above [`CPU_SETSIZE`] are an error.
    pub fn from_cpus(cpus: &[usize]) -> Result<CpuSet> {
        let mut s = CpuSet::default();
        for &c in cpus {
            if c >= CPU_SETSIZE {
                return Err(crate::err!(
                    libc::EINVAL,
                    "CPU {c} is beyond CPU_SETSIZE ({CPU_SETSIZE})"
                ));
            }
            s.bits[c / 64] |= 1 << (c % 64);
        }
        Ok(s)
    }

    pub fn contains(&self, cpu: usize) -> bool {
        cpu < CPU_SETSIZE && self.bits[cpu / 64] & (1 << (cpu % 64)) != 0
    }

    /// The CPUs of the set, in increasing order.
    pub fn cpus(&self) -> Vec<usize> {
        (0..CPU_SETSIZE).filter(|&c| self.contains(c)).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    pub fn union(&self, other: &CpuSet) -> CpuSet {
        let mut s = *self;
        s.bits.iter_mut().zip(other.bits).for_each(|(a, b)| *a |= b);
        s
    }

    /// The CPUs of `self` that are not in `other`.
    pub fn minus(&self, other: &CpuSet) -> CpuSet {
        let mut s = *self;
        s.bits
            .iter_mut()
            .zip(other.bits)
            .for_each(|(a, b)| *a &= !b);
        s
    }

    pub fn to_libc(self) -> libc::cpu_set_t {
        // SAFETY: glibc's cpu_set_t is an array of 16 unsigned longs where CPU c is bit c % 64
        // of word c / 64 — exactly `bits` (sizes asserted above); every bit pattern is valid.
        unsafe { std::mem::transmute::<[u64; WORDS], libc::cpu_set_t>(self.bits) }
    }

    pub fn from_libc(set: &libc::cpu_set_t) -> CpuSet {
        CpuSet {
            // SAFETY: as in `to_libc`, the two types have the same size and bit layout.
            bits: unsafe { std::mem::transmute::<libc::cpu_set_t, [u64; WORDS]>(*set) },
        }
    }

    /// DPDK's `eal_thread_dump_affinity`: "0,2,5" within `size` bytes (NUL included).
    /// Returns the text and whether it was truncated (DPDK then prints "..." after it).
    pub fn to_list_string(&self, size: usize) -> (String, bool) {
        let mut out = String::new();
        for c in self.cpus() {
            let item = format!("{c},");
            // snprintf needs room for the item and its NUL.
            if out.len() + item.len() >= size {
                out.pop();
                return (out, true);
            }
            out.push_str(&item);
        }
        out.pop();
        (out, false)
    }
}

/// A [`CpuSet`] readable and writable without a lock (a reader may see a set being replaced
/// word by word; writers are serialised by the lcore lock).
#[derive(Default)]
pub(crate) struct AtomicCpuSet {
    bits: [AtomicU64; WORDS],
}

impl AtomicCpuSet {
    pub(crate) fn load(&self) -> CpuSet {
        let mut s = CpuSet::default();
        for (w, a) in s.bits.iter_mut().zip(&self.bits) {
            *w = a.load(Ordering::Acquire);
        }
        s
    }

    pub(crate) fn store(&self, s: &CpuSet) {
        for (a, w) in self.bits.iter().zip(s.bits) {
            a.store(w, Ordering::Release);
        }
    }
}

/// Pins the calling thread to `set`.
pub(crate) fn set_current_thread_affinity(set: &CpuSet) -> Result<()> {
    if let Err(e) = crate::sys::set_thread_affinity(&set.to_libc()) {
        return Err(Error::os(
            format!(
                "cannot pin thread to CPUs [{}]",
                set.to_list_string(usize::MAX).0
            ),
            e,
        ));
    }
    Ok(())
}

/// The calling thread's affinity; empty if it cannot be read (as DPDK's CPU_ZERO fallback).
pub(crate) fn current_thread_affinity() -> CpuSet {
    match crate::sys::thread_affinity() {
        Ok(c) => CpuSet::from_libc(&c),
        Err(_) => CpuSet::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_round_trips_through_cpu_set_t() {
        let s = CpuSet::from_cpus(&[0, 3, 64, 1023]).unwrap();
        assert_eq!(CpuSet::from_libc(&s.to_libc()), s);
        assert_eq!(s.cpus(), vec![0, 3, 64, 1023]);
    }

    #[test]
    fn cpu_beyond_setsize_is_rejected() {
        assert_eq!(CpuSet::from_cpus(&[1024]).unwrap_err().errno, libc::EINVAL);
    }

    #[test]
    fn list_string_matches_dpdk_format_and_truncates() {
        let s = CpuSet::from_cpus(&[0, 2, 10]).unwrap();
        assert_eq!(s.to_list_string(256), ("0,2,10".to_string(), false));
        // "0,2," fits in 6 bytes with NUL; "10," does not.
        assert_eq!(s.to_list_string(6), ("0,2".to_string(), true));
        assert_eq!(
            CpuSet::default().to_list_string(256),
            (String::new(), false)
        );
    }

    #[test]
    fn union_and_minus_combine_sets() {
        let a = CpuSet::from_cpus(&[0, 1, 2]).unwrap();
        let b = CpuSet::from_cpus(&[1, 5]).unwrap();
        assert_eq!(a.union(&b).cpus(), vec![0, 1, 2, 5]);
        assert_eq!(a.minus(&b).cpus(), vec![0, 2]);
        assert!(a.minus(&a).is_empty());
    }

    #[test]
    fn atomic_set_stores_and_loads() {
        let a = AtomicCpuSet::default();
        let s = CpuSet::from_cpus(&[7, 700]).unwrap();
        a.store(&s);
        assert_eq!(a.load(), s);
    }

    #[test]
    fn thread_can_pin_itself_to_its_current_affinity() {
        std::thread::spawn(|| {
            let cur = current_thread_affinity();
            assert!(!cur.is_empty());
            let first = CpuSet::from_cpus(&cur.cpus()[..1]).unwrap();
            set_current_thread_affinity(&first).unwrap();
            assert_eq!(current_thread_affinity(), first);
        })
        .join()
        .unwrap();
    }
}
