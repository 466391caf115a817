//! Memseg lists: the address-space layout of DPDK memory.
//!
//! DPDK 22.11 divides memory into *memory types* — one per (hugepage size, socket) — and gives
//! each type up to a fixed number of memseg lists. Each list is a reserved, never-moving range
//! of virtual addresses with room for `n_segs` pages of one size, plus an `rte_fbarray` of
//! `rte_memseg` recording which pages are present. The sizing rules, which [`plan`] implements,
//! bound every type and list so that the same machine and options give the same lists in
//! DPDK and here:
//!
//! - at most RTE_MAX_MEMSEG_LISTS lists in all, shared evenly between types;
//! - per type at most RTE_MAX_MEM_MB_PER_TYPE (and the total RTE_MAX_MEM_MB shared evenly) and
//!   RTE_MAX_MEMSEG_PER_TYPE pages;
//! - per list at most RTE_MAX_MEMSEG_PER_LIST pages and RTE_MAX_MEM_MB_PER_LIST.

use crate::err;
use crate::errno::Result;

pub(crate) const MAX_MEMSEG_LISTS: usize = 128;
pub(crate) const MAX_MEMSEG_PER_LIST: u64 = 8192;
pub(crate) const MAX_MEM_MB_PER_LIST: u64 = 32768;
pub(crate) const MAX_MEMSEG_PER_TYPE: u64 = 32768;
pub(crate) const MAX_MEM_MB_PER_TYPE: u64 = 65536;
pub(crate) const MAX_MEM_MB: u64 = 524288;

/// One memseg list to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPlan {
    pub page_sz: u64,
    pub socket_id: i32,
    /// Number of pages the list can hold.
    pub n_segs: u64,
    /// Index of this list among the lists of its type.
    pub type_idx: usize,
}

impl ListPlan {
    /// Bytes of address space the list reserves.
    pub fn va_len(&self) -> u64 {
        self.n_segs * self.page_sz
    }
}

/// The memseg lists DPDK 22.11 creates for these page sizes (ascending order is not required)
/// and sockets, in DPDK's order: by page size as given, then by socket.
pub fn plan(page_sizes: &[u64], sockets: &[i32]) -> Result<Vec<ListPlan>> {
    let n_types = page_sizes.len() * sockets.len();
    if n_types == 0 {
        return Err(err!(
            libc::EINVAL,
            "no memory types: no page size or no socket"
        ));
    }
    let lists_per_type = MAX_MEMSEG_LISTS / n_types;
    if lists_per_type == 0 {
        return Err(err!(
            libc::ENOSPC,
            "{n_types} memory types need more than {MAX_MEMSEG_LISTS} memseg lists"
        ));
    }
    let mem_per_type = (MAX_MEM_MB_PER_TYPE << 20).min((MAX_MEM_MB << 20) / n_types as u64);
    let mut out = Vec::new();
    for &page_sz in page_sizes {
        if page_sz == 0 || !page_sz.is_power_of_two() {
            return Err(err!(
                libc::EINVAL,
                "page size {page_sz} is not a power of two"
            ));
        }
        for &socket_id in sockets {
            let segs_per_type = (mem_per_type / page_sz).min(MAX_MEMSEG_PER_TYPE);
            let segs_per_list = segs_per_type
                .min(MAX_MEMSEG_PER_LIST)
                .min((MAX_MEM_MB_PER_LIST << 20) / page_sz);
            if segs_per_list == 0 {
                continue;
            }
            let n_lists = ((segs_per_type / segs_per_list) as usize).min(lists_per_type);
            out.extend((0..n_lists).map(|type_idx| ListPlan {
                page_sz,
                socket_id,
                n_segs: segs_per_list,
                type_idx,
            }));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB2: u64 = 2 << 20;
    const GB1: u64 = 1 << 30;

    #[test]
    fn one_2m_type_gets_four_lists_of_8192() {
        let p = plan(&[MB2], &[0]).unwrap();
        assert_eq!(p.len(), 4);
        assert!(p.iter().all(|l| l.n_segs == 8192 && l.va_len() == 16 << 30));
    }

    #[test]
    fn two_sizes_split_lists_and_memory() {
        let p = plan(&[MB2, GB1], &[0]).unwrap();
        let two: Vec<_> = p.iter().filter(|l| l.page_sz == MB2).collect();
        let one: Vec<_> = p.iter().filter(|l| l.page_sz == GB1).collect();
        assert_eq!((two.len(), two[0].n_segs), (4, 8192));
        // 64 GiB of 1 GiB pages, at most 32 GiB per list.
        assert_eq!((one.len(), one[0].n_segs), (2, 32));
    }

    #[test]
    fn many_types_stay_within_the_list_limit() {
        let sockets: Vec<i32> = (0..32).collect();
        let p = plan(&[MB2, GB1], &sockets).unwrap();
        assert!(p.len() <= MAX_MEMSEG_LISTS);
        let total: u64 = p.iter().map(|l| l.va_len()).sum();
        assert!(total <= MAX_MEM_MB << 20);
    }

    #[test]
    fn bad_page_size_is_refused() {
        assert_eq!(plan(&[3 << 20], &[0]).unwrap_err().errno, libc::EINVAL);
        assert_eq!(plan(&[], &[0]).unwrap_err().errno, libc::EINVAL);
    }
}
