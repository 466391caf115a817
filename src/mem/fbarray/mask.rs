//! Searches over an fbarray's used-mask, a word (u64) at a time.
//!
//! The mask is `n_masks = ceil(len / 64)` little-endian words; bit `i % 64` of word `i / 64`
//! is set when element `i` is used. Bits at and past `len` in the last word are always 0.
//!
//! Every search here reproduces DPDK 22.11.11's answer for every input, including where DPDK's
//! answer is not the "true" one (see [`find_next_n`]). The algorithms keep DPDK's word-by-word
//! shape (which words are looked at, what is ignored in which word) because that shape is what
//! decides the quirky answers, but the per-word work uses trailing/leading zero counts instead
//! of DPDK's `n - 1` shift-and rounds: [`first_run`] and [`last_run`] visit each maximal run of
//! set bits in a word once, and a lookahead/lookbehind word is judged by its count of
//! trailing/leading ones.
//!
//! Free searches work on the inverted word; `used` selects the polarity. Nothing here locks:
//! the caller holds the array's read lock.

/// Bits per mask word (DPDK's `MASK_ALIGN`).
pub(crate) const WORD_BITS: u32 = 64;

/// Read access to the mask words, wherever they live (shared memory, a test vector).
pub(crate) trait Words {
    /// Number of words (`n_masks`).
    fn n_masks(&self) -> u32;
    /// Word `i` (`i < n_masks`).
    fn word(&self, i: u32) -> u64;
}

impl Words for [u64] {
    fn n_masks(&self) -> u32 {
        u32::try_from(self.len()).expect("mask longer than u32::MAX words")
    }
    fn word(&self, i: u32) -> u64 {
        self[i as usize]
    }
}

/// Number of mask words for `len` elements.
pub(crate) fn n_masks_for(len: u32) -> u32 {
    len.div_ceil(WORD_BITS)
}

/// Word `i` as the search sees it: set bits are the entries being looked for.
#[inline]
fn polar<W: Words + ?Sized>(m: &W, i: u32, used: bool) -> u64 {
    let w = m.word(i);
    if used {
        w
    } else {
        !w
    }
}

/// Mask keeping the low `k` bits (`k <= 64`).
#[inline]
fn low_bits(k: u32) -> u64 {
    if k >= 64 {
        u64::MAX
    } else {
        (1u64 << k) - 1
    }
}

/// Lowest `p` such that bits `p .. p + n` of `x` are all set (`1 <= n <= 64`), looking only
/// inside the word (DPDK's in-word search after `n - 1` right shift-ands).
#[inline]
pub(crate) fn first_run(mut x: u64, n: u32) -> Option<u32> {
    debug_assert!((1..=64).contains(&n), "in-word run length out of range");
    while x != 0 {
        let p = x.trailing_zeros();
        let run = (x >> p).trailing_ones();
        if run >= n {
            return Some(p);
        }
        // Drop this run (p + run <= 64) and look at the next one.
        x &= !(low_bits(run) << p);
    }
    None
}

/// Start of the highest-ending run of `n` set bits inside `x` (`1 <= n <= 64`): DPDK's
/// reverse in-word search (`n - 1` left shift-ands, then the highest surviving bit).
#[inline]
pub(crate) fn last_run(mut x: u64, n: u32) -> Option<u32> {
    debug_assert!((1..=64).contains(&n), "in-word run length out of range");
    while x != 0 {
        let top = 63 - x.leading_zeros();
        let run = (x << (63 - top)).leading_ones();
        if run >= n {
            return Some(top + 1 - n);
        }
        // Drop bits top-run+1 ..= top.
        x &= !(low_bits(run) << (top + 1 - run));
    }
    None
}

/// Mask of the bits of the last word that are inside the array (DPDK's `last_msk`): the low
/// `len % 64` bits. Only meaningful when `len % 64 != 0`; the word index `len / 64` is then
/// the last word, otherwise it is one past the end and never visited.
#[inline]
fn last_word(len: u32) -> (u32, u64) {
    (len / WORD_BITS, low_bits(len % WORD_BITS))
}

/// First entry at or after `start` that is used (`used`) or free; `start < len`.
/// DPDK's `find_next`: exact (the last word is trimmed to `len`).
pub(crate) fn find_next<W: Words + ?Sized>(m: &W, len: u32, start: u32, used: bool) -> Option<u32> {
    let first = start / WORD_BITS;
    let keep_from_start = !low_bits(start % WORD_BITS);
    let (last, last_msk) = last_word(len);
    for idx in first..m.n_masks() {
        let mut cur = polar(m, idx, used);
        if idx == last {
            cur &= last_msk;
        }
        if idx == first {
            cur &= keep_from_start;
        }
        if cur != 0 {
            return Some(idx * WORD_BITS + cur.trailing_zeros());
        }
    }
    None
}

/// Last entry at or before `start` that is used or free; `start < len`. DPDK's `find_prev`:
/// exact (nothing at or past `len` is ever looked at).
pub(crate) fn find_prev<W: Words + ?Sized>(m: &W, start: u32, used: bool) -> Option<u32> {
    let first = start / WORD_BITS;
    let keep_to_start = low_bits(start % WORD_BITS + 1);
    for idx in (0..=first).rev() {
        let mut cur = polar(m, idx, used);
        if idx == first {
            cur &= keep_to_start;
        }
        if cur != 0 {
            return Some(idx * WORD_BITS + 63 - cur.leading_zeros());
        }
    }
    None
}

/// Start of the first run of `n` used/free entries at or after `start`: DPDK 22.11's
/// `find_next_n`, quirks included. `1 <= n`, `start < len`, `len - start >= n`.
///
/// QUIRK (DPDK 22.11.11): the part of the last word past `len` is cut off only while the
/// "ignore" mask (the bits before `start`, or the bits a failed lookahead already ruled out)
/// is still pending when the search reaches the last word (`ignore &= last_msk`); once that
/// mask has been used up in an earlier word, the last word is taken whole, and a lookahead
/// into the last word is never trimmed. Past-the-end bits are 0, so a free search may then
/// count them as free and return a run that runs past `len` (for example `len` 65, only
/// element 64 free besides a free run at 60..=63: `find_next_n_free(0, 5)` gives 60). Used
/// searches are unaffected. When the pending ignore mask and `last_msk` have no bit in common
/// the result is 0 and, being 0, is not applied at all, which also leaves the word whole.
pub(crate) fn find_next_n<W: Words + ?Sized>(
    m: &W,
    len: u32,
    start: u32,
    n: u32,
    used: bool,
) -> Option<u32> {
    debug_assert!(n >= 1, "find_next_n needs n >= 1");
    let n_masks = m.n_masks();
    let first = start / WORD_BITS;
    let mut ignore = !low_bits(start % WORD_BITS);
    let (last, last_msk) = last_word(len);

    let mut msk_idx = first;
    while msk_idx < n_masks {
        let mut cur = polar(m, msk_idx, used);
        if msk_idx == last {
            ignore &= last_msk;
        }
        if ignore != 0 {
            cur &= ignore;
            ignore = 0;
        }
        if n <= WORD_BITS {
            if let Some(p) = first_run(cur, n) {
                return Some(msk_idx * WORD_BITS + p);
            }
        }
        // No run inside the word: a run at the top of it may continue into the next words.
        let top = cur.leading_ones();
        if top == 0 {
            msk_idx += 1;
            continue;
        }
        let run_start = WORD_BITS - top;
        // top < n here: a top run of n or more would have been found in the word.
        let mut left = n - top;
        let mut found = false;
        let mut la_idx = msk_idx + 1;
        while la_idx < n_masks {
            let la = polar(m, la_idx, used);
            let need = left.min(WORD_BITS);
            let have = la.trailing_ones();
            if have < need {
                // Lost the run. DPDK remembers how far its shift-and got (max(have, 1) bits)
                // and ignores those bits of this word when the scan resumes here.
                ignore = !low_bits(have.max(1));
                msk_idx = la_idx - 1;
                break;
            }
            left -= need;
            if left == 0 {
                found = true;
                break;
            }
            la_idx += 1;
        }
        if found {
            return Some(msk_idx * WORD_BITS + run_start);
        }
        msk_idx += 1;
    }
    None
}

/// Start of the last run of `n` used/free entries that ends at or before `start`: DPDK 22.11's
/// `find_prev_n`. `1 <= n <= start + 1`, `start < len`. Exact: it only ever looks downwards
/// from `start`.
pub(crate) fn find_prev_n<W: Words + ?Sized>(m: &W, start: u32, n: u32, used: bool) -> Option<u32> {
    debug_assert!(n >= 1, "find_prev_n needs n >= 1");
    let first = start / WORD_BITS;
    let mut ignore = low_bits(start % WORD_BITS + 1);
    let mut msk_idx = first;
    loop {
        let mut cur = polar(m, msk_idx, used);
        if ignore != 0 {
            cur &= ignore;
            ignore = 0;
        }
        if n <= WORD_BITS {
            if let Some(p) = last_run(cur, n) {
                return Some(msk_idx * WORD_BITS + p);
            }
        }
        // A run at the bottom of the word may continue into the words below.
        let bottom = cur.trailing_ones();
        if bottom != 0 {
            let run_end = msk_idx * WORD_BITS + bottom;
            let mut left = n - bottom;
            if msk_idx == 0 {
                // DPDK stops the whole search here: nothing is below word 0.
                return None;
            }
            let mut found = false;
            let mut lb_idx = msk_idx - 1;
            loop {
                let lb = polar(m, lb_idx, used);
                let need = left.min(WORD_BITS);
                let have = lb.leading_ones();
                if have < need {
                    // Lost the run; ignore the top max(have, 1) bits of this word next time.
                    ignore = low_bits(WORD_BITS - have.max(1));
                    msk_idx = lb_idx + 1;
                    break;
                }
                left -= need;
                if left == 0 {
                    found = true;
                    break;
                }
                if lb_idx == 0 {
                    break;
                }
                lb_idx -= 1;
            }
            if found {
                return Some(run_end - n);
            }
        }
        if msk_idx == 0 {
            return None;
        }
        msk_idx -= 1;
    }
}

/// Length of the run of used/free entries that starts at `start` (`start < len`): DPDK's
/// `find_contig`. Exact (the last word is trimmed to `len`).
pub(crate) fn find_contig<W: Words + ?Sized>(m: &W, len: u32, start: u32, used: bool) -> u32 {
    let first = start / WORD_BITS;
    let first_mod = start % WORD_BITS;
    let (last, last_msk) = last_word(len);
    let mut result = 0u32;
    for idx in first..m.n_masks() {
        let mut cur = polar(m, idx, used);
        let mut need = WORD_BITS;
        if idx == last {
            cur &= last_msk;
        }
        if idx == first {
            cur >>= first_mod;
            need -= first_mod;
        }
        let run = cur.trailing_ones();
        if run < need {
            return result + run;
        }
        result += need;
    }
    result
}

/// Length of the run of used/free entries that ends at `start` (`start < len`), counted
/// downwards: DPDK's `find_rev_contig`. Exact.
pub(crate) fn find_rev_contig<W: Words + ?Sized>(m: &W, start: u32, used: bool) -> u32 {
    let first = start / WORD_BITS;
    let first_mod = start % WORD_BITS;
    let mut result = 0u32;
    for idx in (0..=first).rev() {
        let mut cur = polar(m, idx, used);
        let mut need = WORD_BITS;
        if idx == first {
            let end_len = WORD_BITS - first_mod - 1;
            cur <<= end_len;
            need -= end_len;
        }
        let run = cur.leading_ones();
        if run < need {
            return result + run;
        }
        result += need;
    }
    result
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tiny deterministic PRNG (xorshift64*), so tests need no crates and replay exactly.
    pub(crate) struct Rng(u64);

    impl Rng {
        pub(crate) fn new(seed: u64) -> Self {
            Rng(seed.max(1))
        }
        pub(crate) fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        pub(crate) fn below(&mut self, n: u32) -> u32 {
            (self.next_u64() % u64::from(n.max(1))) as u32
        }
    }

    /// The naive model: one bool per element.
    pub(crate) struct Model {
        pub(crate) bits: Vec<bool>,
    }

    impl Model {
        fn run_at(&self, i: u32, n: u32, used: bool) -> bool {
            (i..i + n).all(|k| self.bits[k as usize] == used)
        }
        pub(crate) fn next(&self, start: u32, used: bool) -> Option<u32> {
            (start..self.bits.len() as u32).find(|&i| self.bits[i as usize] == used)
        }
        pub(crate) fn prev(&self, start: u32, used: bool) -> Option<u32> {
            (0..=start).rev().find(|&i| self.bits[i as usize] == used)
        }
        pub(crate) fn next_n(&self, start: u32, n: u32, used: bool) -> Option<u32> {
            let len = self.bits.len() as u32;
            (start..=len.saturating_sub(n)).find(|&i| i + n <= len && self.run_at(i, n, used))
        }
        pub(crate) fn prev_n(&self, start: u32, n: u32, used: bool) -> Option<u32> {
            if start + 1 < n {
                return None;
            }
            (0..=start + 1 - n).rev().find(|&i| self.run_at(i, n, used))
        }
        pub(crate) fn contig(&self, start: u32, used: bool) -> u32 {
            (start..self.bits.len() as u32)
                .take_while(|&i| self.bits[i as usize] == used)
                .count() as u32
        }
        pub(crate) fn rev_contig(&self, start: u32, used: bool) -> u32 {
            (0..=start)
                .rev()
                .take_while(|&i| self.bits[i as usize] == used)
                .count() as u32
        }
        pub(crate) fn words(&self) -> Vec<u64> {
            let mut w = vec![0u64; n_masks_for(self.bits.len() as u32) as usize];
            for (i, &b) in self.bits.iter().enumerate() {
                if b {
                    w[i / 64] |= 1 << (i % 64);
                }
            }
            w
        }
    }

    fn naive_first_run(x: u64, n: u32) -> Option<u32> {
        (0..=64 - n).find(|&p| (p..p + n).all(|b| x >> b & 1 == 1))
    }

    fn naive_last_run(x: u64, n: u32) -> Option<u32> {
        (0..=64 - n)
            .rev()
            .find(|&p| (p..p + n).all(|b| x >> b & 1 == 1))
    }

    #[test]
    fn in_word_runs_match_a_bit_by_bit_scan() {
        let mut rng = Rng::new(7);
        let specials = [
            0u64,
            u64::MAX,
            1,
            1 << 63,
            0x8000_0000_0000_0001,
            0x7fff_ffff_ffff_fffe,
        ];
        for round in 0..20_000 {
            let x = if round < specials.len() {
                specials[round]
            } else {
                // Mix densities so long runs occur.
                let a = rng.next_u64();
                match round % 3 {
                    0 => a,
                    1 => a | rng.next_u64() | rng.next_u64(),
                    _ => a & rng.next_u64(),
                }
            };
            for n in [1, 2, 3, 5, 8, 17, 31, 32, 33, 63, 64, 1 + rng.below(64)] {
                assert_eq!(
                    first_run(x, n),
                    naive_first_run(x, n),
                    "first_run({x:#x}, {n})"
                );
                assert_eq!(
                    last_run(x, n),
                    naive_last_run(x, n),
                    "last_run({x:#x}, {n})"
                );
            }
        }
    }

    /// Lengths around word boundaries and a few large ones.
    pub(crate) const LENGTHS: [u32; 14] = [
        1, 2, 63, 64, 65, 66, 127, 128, 129, 191, 200, 1000, 4096, 4097,
    ];

    /// Fills a model with one of several densities so that long used and free runs both occur.
    pub(crate) fn random_model(rng: &mut Rng, len: u32) -> Model {
        let density = rng.below(6);
        let bits = (0..len)
            .map(|_| match density {
                0 => false,
                1 => true,
                2 => rng.below(2) == 0,
                3 => rng.below(16) != 0,
                4 => rng.below(16) == 0,
                _ => rng.below(64) != 0,
            })
            .collect();
        let mut m = Model { bits };
        // Sometimes carve long runs of the other kind.
        for _ in 0..rng.below(4) {
            let a = rng.below(len);
            let b = (a + rng.below(300)).min(len);
            let v = rng.below(2) == 0;
            for i in a..b {
                m.bits[i as usize] = v;
            }
        }
        m
    }

    #[test]
    fn searches_match_the_naive_model_over_random_masks() {
        let mut rng = Rng::new(0x5eed);
        for &len in &LENGTHS {
            let rounds = if len > 1000 { 60 } else { 400 };
            for _ in 0..rounds {
                let model = random_model(&mut rng, len);
                let w = model.words();
                for _ in 0..20 {
                    let start = match rng.below(4) {
                        0 => 0,
                        1 => len - 1,
                        _ => rng.below(len),
                    };
                    for used in [false, true] {
                        let ctx = format!("len {len} start {start} used {used}");
                        assert_eq!(
                            find_next(&w[..], len, start, used),
                            model.next(start, used),
                            "next {ctx}"
                        );
                        assert_eq!(
                            find_prev(&w[..], start, used),
                            model.prev(start, used),
                            "prev {ctx}"
                        );
                        assert_eq!(
                            find_contig(&w[..], len, start, used),
                            model.contig(start, used),
                            "contig {ctx}"
                        );
                        assert_eq!(
                            find_rev_contig(&w[..], start, used),
                            model.rev_contig(start, used),
                            "rev_contig {ctx}"
                        );
                        let n = match rng.below(3) {
                            0 => 1 + rng.below(8),
                            1 => 1 + rng.below(130),
                            _ => 1 + rng.below(len),
                        };
                        if start + 1 >= n {
                            assert_eq!(
                                find_prev_n(&w[..], start, n, used),
                                model.prev_n(start, n, used),
                                "prev_n {n} {ctx}"
                            );
                        }
                        if len - start >= n {
                            let got = find_next_n(&w[..], len, start, n, used);
                            let want = model.next_n(start, n, used);
                            if used {
                                assert_eq!(got, want, "next_n used {n} {ctx}");
                            } else {
                                // DPDK's quirk may report a run that runs past `len`, and only
                                // where no real run exists (see find_next_n's doc).
                                match (got, want) {
                                    (g, w) if g == w => {}
                                    (Some(g), None) => {
                                        assert!(
                                            g + n > len,
                                            "next_n free {n} {ctx}: bogus in-range {g}"
                                        );
                                        assert!(
                                            (g..len).all(|i| !model.bits[i as usize]),
                                            "next_n free {n} {ctx}: {g} not free to the end"
                                        );
                                    }
                                    (g, w) => {
                                        panic!("next_n free {n} {ctx}: got {g:?}, model {w:?}")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn next_n_free_counts_bits_past_the_end_as_dpdk_does() {
        // len 65: free 0 and 60..=64, used 1..=59. DPDK 22.11.11 answers 60 for n = 5 (the run
        // 60..=64 is real) and also for n = 6, counting bit 65, past the end, as free.
        let mut model = Model {
            bits: vec![true; 65],
        };
        model.bits[0] = false;
        for i in 60..65 {
            model.bits[i] = false;
        }
        let w = model.words();
        assert_eq!(find_next_n(&w[..], 65, 0, 5, false), Some(60));
        assert_eq!(find_next_n(&w[..], 65, 0, 6, false), Some(60));
        // With the start inside the last word the ignore mask is still pending and trims it.
        model.bits[63] = true;
        let w = model.words();
        assert_eq!(find_next_n(&w[..], 65, 64, 1, false), Some(64));
    }
}
