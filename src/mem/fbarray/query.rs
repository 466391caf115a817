//! DPDK's search entry points over a used-mask: argument checks, the "cheap checks" on the
//! used count, and the biggest-run walk, on top of the word searches in [`super::mask`].
//!
//! Errors are plain errno values here (`EINVAL` for bad arguments, `ENOSPC` when no free run
//! was found, `ENOENT` when no used run was found); the caller adds the words. Every branch
//! mirrors DPDK 22.11.11, including those that answer before looking at the mask.

use libc::{EINVAL, ENOENT, ENOSPC};

use super::mask::{self, Words};

/// The parts of an array a search reads: its length, used count and mask.
pub(crate) struct View<'a, W: Words + ?Sized> {
    pub(crate) len: u32,
    pub(crate) count: u32,
    pub(crate) mask: &'a W,
}

fn miss(used: bool) -> i32 {
    if used {
        ENOENT
    } else {
        ENOSPC
    }
}

/// Converts an index to DPDK's `int` result (the array length is at most `INT_MAX`, but the
/// free-run quirk may report up to 63 past it; saturate rather than wrap).
fn as_int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl<W: Words + ?Sized> View<'_, W> {
    /// `rte_fbarray_find_{next,prev}_{free,used}`.
    pub(crate) fn find(&self, start: u32, next: bool, used: bool) -> Result<i32, i32> {
        if start >= self.len {
            return Err(EINVAL);
        }
        // Cheap checks: a full or empty array answers at once.
        let (none, all) = if used {
            (self.count == 0, self.count == self.len)
        } else {
            (self.count == self.len, self.count == 0)
        };
        if none {
            return Err(miss(used));
        }
        if all {
            return Ok(as_int(start));
        }
        let r = if next {
            mask::find_next(self.mask, self.len, start, used)
        } else {
            mask::find_prev(self.mask, start, used)
        };
        r.map(as_int).ok_or(miss(used))
    }

    /// `rte_fbarray_find_{next,prev}_n_{free,used}`.
    pub(crate) fn find_n(&self, start: u32, n: u32, next: bool, used: bool) -> Result<i32, i32> {
        if start >= self.len || n > self.len || n == 0 {
            return Err(EINVAL);
        }
        // Not enough room before the end (next) or before index 0 (prev): a miss, not EINVAL.
        if next && self.len - start < n {
            return Err(miss(used));
        }
        if !next && start < n - 1 {
            return Err(miss(used));
        }
        let at_start = if next { start } else { start + 1 - n };
        if used {
            if self.count < n {
                return Err(ENOENT);
            }
            if self.count == self.len {
                return Ok(as_int(at_start));
            }
        } else {
            if self.len == self.count || self.len - self.count < n {
                return Err(ENOSPC);
            }
            if self.count == 0 {
                return Ok(as_int(at_start));
            }
        }
        let r = if next {
            mask::find_next_n(self.mask, self.len, start, n, used)
        } else {
            mask::find_prev_n(self.mask, start, n, used)
        };
        r.map(as_int).ok_or(miss(used))
    }

    /// `rte_fbarray_find_{,rev_}contig_{free,used}`: never a miss, 0 when `start` itself is not
    /// of the kind asked for.
    pub(crate) fn find_contig(&self, start: u32, next: bool, used: bool) -> Result<i32, i32> {
        if start >= self.len {
            return Err(EINVAL);
        }
        let (none, all) = if used {
            (self.count == 0, self.count == self.len)
        } else {
            (self.len == self.count, self.count == 0)
        };
        if none {
            return Ok(0);
        }
        if all {
            return Ok(as_int(if next { self.len - start } else { start + 1 }));
        }
        let r = if next {
            mask::find_contig(self.mask, self.len, start, used)
        } else {
            mask::find_rev_contig(self.mask, start, used)
        };
        Ok(as_int(r))
    }

    /// `rte_fbarray_find_{,rev_}biggest_{free,used}`: start of the longest run at or after
    /// (before, for `rev`) `start`; on ties the first one met wins.
    ///
    /// Returns the result and whether DPDK leaves `rte_errno` at 0 (QUIRK: DPDK walks the runs
    /// through its public search calls and, when the walk ends on a failed one, resets
    /// `rte_errno` to 0 even on success; a reverse walk that ends by reaching index 0 leaves
    /// `rte_errno` as it was).
    pub(crate) fn find_biggest(
        &self,
        start: u32,
        used: bool,
        rev: bool,
    ) -> (Result<i32, i32>, bool) {
        if start >= self.len {
            return (Err(EINVAL), false);
        }
        let mut cur: i64 = i64::from(start);
        let mut best: Option<(i64, i64)> = None; // (start, len)
        let mut cleared = false;
        loop {
            // `cur` is >= 0 here; past-the-end indices make the search fail with EINVAL.
            let at = u32::try_from(cur).unwrap_or(u32::MAX);
            let found = self.find(at, !rev, used);
            let Ok(idx) = found else {
                cleared = true;
                break;
            };
            let idx = u32::try_from(idx).unwrap_or(u32::MAX);
            let run = i64::from(self.find_contig(idx, !rev, used).unwrap_or(0));
            let idx = i64::from(idx);
            let next = if rev { idx - run } else { idx + run };
            let run_start = if rev { next + 1 } else { idx };
            if best.map_or(run > 0, |(_, l)| run > l) {
                best = Some((run_start, run));
            }
            cur = next;
            if cur < 0 {
                break;
            }
        }
        match best {
            Some((s, _)) => (Ok(i32::try_from(s).unwrap_or(i32::MAX)), cleared),
            None => (Err(miss(used)), false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mask::tests::{random_model, Model, Rng, LENGTHS};
    use super::*;

    fn naive_biggest(m: &Model, start: u32, used: bool, rev: bool) -> Option<u32> {
        let len = m.bits.len() as u32;
        let mut best: Option<(u32, u32)> = None;
        let mut i = start as i64;
        while i >= 0 && (i as u32) < len {
            let u = i as u32;
            if m.bits[u as usize] == used {
                let (s, l) = if rev {
                    let l = m.rev_contig(u, used);
                    (u + 1 - l, l)
                } else {
                    (u, m.contig(u, used))
                };
                if best.is_none_or(|(_, bl)| l > bl) {
                    best = Some((s, l));
                }
                i = if rev { s as i64 - 1 } else { (s + l) as i64 };
            } else {
                i += if rev { -1 } else { 1 };
            }
        }
        best.map(|b| b.0)
    }

    #[test]
    fn entry_points_match_the_naive_model() {
        let mut rng = Rng::new(99);
        for &len in &LENGTHS {
            for _ in 0..if len > 1000 { 40 } else { 200 } {
                let model = random_model(&mut rng, len);
                let w = model.words();
                let count = model.bits.iter().filter(|&&b| b).count() as u32;
                let v = View {
                    len,
                    count,
                    mask: &w[..],
                };
                for _ in 0..10 {
                    let start = rng.below(len + 2); // sometimes out of range
                    let n = rng.below(len + 2); // sometimes 0 or > len
                    for used in [false, true] {
                        let miss = if used { ENOENT } else { ENOSPC };
                        let ctx =
                            format!("len {len} count {count} start {start} n {n} used {used}");
                        if start >= len {
                            assert_eq!(v.find(start, true, used), Err(EINVAL), "{ctx}");
                            assert_eq!(v.find_contig(start, false, used), Err(EINVAL), "{ctx}");
                            assert_eq!(v.find_biggest(start, used, true).0, Err(EINVAL), "{ctx}");
                            assert_eq!(v.find_n(start, n.max(1), true, used), Err(EINVAL), "{ctx}");
                            continue;
                        }
                        let want = |o: Option<u32>| o.map(|x| x as i32).ok_or(miss);
                        assert_eq!(
                            v.find(start, true, used),
                            want(model.next(start, used)),
                            "next {ctx}"
                        );
                        assert_eq!(
                            v.find(start, false, used),
                            want(model.prev(start, used)),
                            "prev {ctx}"
                        );
                        assert_eq!(
                            v.find_contig(start, true, used),
                            Ok(model.contig(start, used) as i32),
                            "contig {ctx}"
                        );
                        assert_eq!(
                            v.find_contig(start, false, used),
                            Ok(model.rev_contig(start, used) as i32),
                            "rev_contig {ctx}"
                        );
                        assert_eq!(
                            v.find_biggest(start, used, false).0,
                            want(naive_biggest(&model, start, used, false)),
                            "biggest {ctx}"
                        );
                        assert_eq!(
                            v.find_biggest(start, used, true).0,
                            want(naive_biggest(&model, start, used, true)),
                            "rev_biggest {ctx}"
                        );
                        if n == 0 || n > len {
                            assert_eq!(v.find_n(start, n, true, used), Err(EINVAL), "{ctx}");
                            assert_eq!(v.find_n(start, n, false, used), Err(EINVAL), "{ctx}");
                            continue;
                        }
                        assert_eq!(
                            v.find_n(start, n, false, used),
                            want(model.prev_n(start, n, used)),
                            "prev_n {ctx}"
                        );
                        let got = v.find_n(start, n, true, used);
                        let real = want(model.next_n(start, n, used));
                        if got != real {
                            // Only DPDK's free-run quirk may differ: a run reaching past the end.
                            assert!(
                                !used && real == Err(ENOSPC),
                                "next_n {ctx}: got {got:?}, model {real:?}"
                            );
                            let g = got.unwrap() as u32;
                            assert!(
                                g + n > len && (g..len).all(|i| !model.bits[i as usize]),
                                "next_n {ctx}: {g}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn biggest_resets_errno_when_its_walk_ends_on_a_failed_search() {
        // len 10, used 2..5: forward walks always end on a failed search.
        let mut m = Model {
            bits: vec![false; 10],
        };
        for i in 2..5 {
            m.bits[i] = true;
        }
        let w = m.words();
        let v = View {
            len: 10,
            count: 3,
            mask: &w[..],
        };
        assert_eq!(v.find_biggest(0, true, false), (Ok(2), true));
        assert_eq!(v.find_biggest(0, false, false), (Ok(5), true));
        // A reverse walk over free runs that reaches index 0 stops without a failed search.
        assert_eq!(v.find_biggest(9, false, true), (Ok(5), false));
        // A reverse walk over used runs ends when find_prev_used fails below index 2.
        assert_eq!(v.find_biggest(9, true, true), (Ok(2), true));
        assert_eq!(v.find_biggest(1, true, true), (Err(ENOENT), false));
    }
}
