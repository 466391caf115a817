//! The DMA mappings an application made itself (`rte_vfio_container_dma_map`), kept per
//! container so that they can be mapped again when a device group is plugged into an empty
//! container (the kernel drops every mapping when the last group leaves).
//!
//! The list stays sorted by (IOVA, address, length, chunk) and compacted: a map identical to
//! its neighbour is dropped, and neighbours contiguous in both address and IOVA with the same
//! chunk size are merged. The *chunk* is the granularity the IOMMU can unmap: IOMMU types
//! without partial unmap (type 1) can only unmap whole original mappings, so a merged map
//! remembers the size of its pieces; types with partial unmap use chunk 0. These are DPDK
//! 22.11's rules, including its quirks: an unmap range is collected from the map holding its
//! start to the one holding its end even across holes.

/// Most user mappings per container (VFIO_MAX_USER_MEM_MAPS).
pub(crate) const MAX_USER_MAPS: usize = 256;

/// One mapping. Field order is the sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct UserMap {
    pub iova: u64,
    pub addr: u64,
    pub len: u64,
    /// The mapping can be unmapped in pieces of this size (0: any size).
    pub chunk: u64,
}

impl UserMap {
    fn va_end(&self) -> u64 {
        self.addr.wrapping_add(self.len)
    }

    fn iova_end(&self) -> u64 {
        self.iova.wrapping_add(self.len)
    }

    /// Merges `right` into `self` when they are identical or adjacent pieces of one mapping.
    fn absorb(&mut self, right: &UserMap) -> bool {
        if self == right {
            return true;
        }
        if self.va_end() != right.addr || self.iova_end() != right.iova || self.chunk != right.chunk
        {
            return false;
        }
        self.len = self.len.wrapping_add(right.len);
        true
    }
}

/// A container's user mappings.
#[derive(Debug, Default, Clone)]
pub(crate) struct UserMaps {
    maps: Vec<UserMap>,
}

impl UserMaps {
    pub fn len(&self) -> usize {
        self.maps.len()
    }

    pub fn is_full(&self) -> bool {
        self.maps.len() >= MAX_USER_MAPS
    }

    pub fn iter(&self) -> impl Iterator<Item = &UserMap> {
        self.maps.iter()
    }

    /// Adds a mapping and compacts the list.
    pub fn add(&mut self, m: UserMap) {
        self.maps.push(m);
        self.compact();
    }

    /// Sorts, then merges neighbours from the end backwards (so that runs merge fully).
    fn compact(&mut self) {
        self.maps.sort();
        let mut i = self.maps.len();
        while i >= 2 {
            i -= 1;
            let right = self.maps[i];
            if self.maps[i - 1].absorb(&right) {
                self.maps.remove(i);
            }
        }
    }

    /// The mappings an unmap of `len` bytes at `addr`/`iova` touches: from the one holding its
    /// start (in address and IOVA) to the one holding its end. None if there is no such run.
    pub fn find(&self, addr: u64, iova: u64, len: u64) -> Option<Vec<UserMap>> {
        let va_end = addr.wrapping_add(len);
        let iova_end = iova.wrapping_add(len);
        let mut found: Option<Vec<UserMap>> = None;
        for m in &self.maps {
            let start_in =
                addr >= m.addr && addr < m.va_end() && iova >= m.iova && iova < m.iova_end();
            let end_in = va_end > m.addr
                && va_end <= m.va_end()
                && iova_end > m.iova
                && iova_end <= m.iova_end();
            if found.is_none() && start_in {
                found = Some(Vec::new());
            }
            if let Some(run) = found.as_mut() {
                run.push(*m);
                if end_in {
                    return found;
                }
            }
        }
        None
    }

    /// True when `addr`/`iova` falls on a chunk boundary of one of `run` (its end included).
    pub fn chunk_aligned(run: &[UserMap], addr: u64, iova: u64) -> bool {
        run.iter().any(|m| {
            let in_va = addr >= m.addr && addr <= m.va_end();
            let in_iova = iova >= m.iova && iova <= m.iova_end();
            let aligned = |off: u64| off.checked_rem(m.chunk).is_none_or(|r| r == 0);
            in_va
                && in_iova
                && aligned(addr.wrapping_sub(m.addr))
                && aligned(iova.wrapping_sub(m.iova))
        })
    }

    /// What remains of `run` once `len` bytes at `addr` are unmapped: at most a head and a
    /// tail.
    pub fn remainder(run: &[UserMap], addr: u64, len: u64) -> Vec<UserMap> {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let head = addr.wrapping_sub(first.addr);
        let tail = last.va_end().wrapping_sub(addr.wrapping_add(len));
        if head != 0 {
            out.push(UserMap {
                len: head,
                ..*first
            });
        }
        if tail != 0 {
            out.push(UserMap {
                addr: last.va_end().wrapping_sub(tail),
                iova: last.iova_end().wrapping_sub(tail),
                len: tail,
                chunk: last.chunk,
            });
        }
        out
    }

    /// Replaces the mappings of `run` by `keep` and compacts the list.
    pub fn replace(&mut self, run: &[UserMap], keep: &[UserMap]) {
        for r in run {
            if let Some(i) = self.maps.iter().position(|m| m == r) {
                self.maps.remove(i);
            }
        }
        self.maps.extend_from_slice(keep);
        self.compact();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(addr: u64, iova: u64, len: u64, chunk: u64) -> UserMap {
        UserMap {
            iova,
            addr,
            len,
            chunk,
        }
    }

    #[test]
    fn adjacent_pieces_of_equal_chunk_merge_and_duplicates_vanish() {
        let mut u = UserMaps::default();
        u.add(m(0x2000, 0x12000, 0x1000, 0x1000));
        u.add(m(0x1000, 0x11000, 0x1000, 0x1000));
        u.add(m(0x3000, 0x13000, 0x1000, 0x1000));
        assert_eq!(
            u.iter().copied().collect::<Vec<_>>(),
            vec![m(0x1000, 0x11000, 0x3000, 0x1000)]
        );
        u.add(m(0x1000, 0x11000, 0x3000, 0x1000));
        assert_eq!(u.len(), 1, "an identical map is dropped");
        u.add(m(0x4000, 0x14000, 0x2000, 0x2000));
        assert_eq!(u.len(), 2, "another chunk size does not merge");
        u.add(m(0x9000, 0x20000, 0x1000, 0x1000));
        assert_eq!(u.len(), 3, "not contiguous in IOVA");
    }

    #[test]
    fn find_collects_the_run_from_start_to_end_even_across_a_hole() {
        let mut u = UserMaps::default();
        u.add(m(0x1000, 0x1000, 0x1000, 0x1000));
        u.add(m(0x3000, 0x3000, 0x1000, 0x1000));
        assert_eq!(u.find(0x1000, 0x1000, 0x1000).unwrap().len(), 1);
        assert_eq!(
            u.find(0x1800, 0x1800, 0x2000).unwrap().len(),
            2,
            "DPDK's quirk"
        );
        assert!(
            u.find(0x2000, 0x2000, 0x1000).is_none(),
            "starts in the hole"
        );
        assert!(
            u.find(0x1000, 0x1000, 0x5000).is_none(),
            "ends past the last"
        );
        assert!(
            u.find(0x1000, 0x9000, 0x1000).is_none(),
            "IOVA does not match"
        );
    }

    #[test]
    fn chunk_alignment_and_remainders() {
        let run = [m(0x10000, 0x10000, 0x4000, 0x1000)];
        assert!(UserMaps::chunk_aligned(&run, 0x11000, 0x11000));
        assert!(
            UserMaps::chunk_aligned(&run, 0x14000, 0x14000),
            "the end counts"
        );
        assert!(!UserMaps::chunk_aligned(&run, 0x11800, 0x11800));
        let any = [m(0x10000, 0x10000, 0x4000, 0)];
        assert!(
            UserMaps::chunk_aligned(&any, 0x11800, 0x11800),
            "chunk 0: any size"
        );
        assert_eq!(
            UserMaps::remainder(&run, 0x11000, 0x1000),
            vec![
                m(0x10000, 0x10000, 0x1000, 0x1000),
                m(0x12000, 0x12000, 0x2000, 0x1000)
            ]
        );
        assert_eq!(UserMaps::remainder(&run, 0x10000, 0x4000), vec![]);
        let mut u = UserMaps::default();
        u.add(run[0]);
        let keep = UserMaps::remainder(&run, 0x11000, 0x1000);
        u.replace(&run, &keep);
        assert_eq!(u.iter().copied().collect::<Vec<_>>(), keep);
    }

    #[test]
    fn the_list_is_full_at_256() {
        let mut u = UserMaps::default();
        for i in 0..MAX_USER_MAPS as u64 {
            u.add(m(i * 0x10000, i * 0x10000, 0x1000, 0x1000));
        }
        assert!(u.is_full());
    }
}
