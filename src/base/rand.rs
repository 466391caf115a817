//! `rte_rand`: per-thread xoshiro256** streams, all derived from one seed. `rte_srand()`
//! changes the seed and its generation; each thread reseeds when it sees a new generation.
//! Without `rte_srand`, the first use anywhere seeds from the clock, the TSC and the pid.
//!
//! Process-wide state: the seed, its generation and the stream counter (atomics); each thread
//! keeps its generator in a thread-local.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

static SEED: AtomicU64 = AtomicU64::new(0);
static SEED_GEN: AtomicU64 = AtomicU64::new(0);
static STREAMS: AtomicU64 = AtomicU64::new(0);

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A xoshiro256** generator.
#[derive(Clone, Copy)]
pub(crate) struct Rng([u64; 4]);

impl Rng {
    pub(crate) fn seeded(seed: u64, stream: u64) -> Rng {
        let mut x = seed ^ stream.wrapping_mul(0xd605_bbb5_8c8a_bbfd);
        Rng([
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ])
    }

    pub(crate) fn next(&mut self) -> u64 {
        let s = &mut self.0;
        let r = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        r
    }

    /// Uniform in [0, upper), 0 when upper is 0 or 1 (DPDK's rte_rand_max convention).
    pub(crate) fn below(&mut self, upper: u64) -> u64 {
        if upper <= 1 {
            return 0;
        }
        let mask = u64::MAX >> (upper - 1).leading_zeros();
        loop {
            let v = self.next() & mask;
            if v < upper {
                return v;
            }
        }
    }
}

fn with_rng<T>(f: impl FnOnce(&mut Rng) -> T) -> T {
    thread_local! {
        static RNG: Cell<Option<(u64, Rng)>> = const { Cell::new(None) };
    }
    if SEED_GEN.load(Ordering::Acquire) == 0 {
        // First use anywhere without rte_srand: seed from the clock and the process id.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let seed = t ^ crate::sys::rdtsc() ^ (u64::from(std::process::id()) << 32);
        if SEED_GEN
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            SEED.store(seed, Ordering::Release);
        }
    }
    RNG.with(|cell| {
        let gen = SEED_GEN.load(Ordering::Acquire);
        let mut rng = match cell.get() {
            Some((g, r)) if g == gen => r,
            _ => Rng::seeded(
                SEED.load(Ordering::Acquire),
                STREAMS.fetch_add(1, Ordering::Relaxed),
            ),
        };
        let v = f(&mut rng);
        cell.set(Some((gen, rng)));
        v
    })
}

/// Seeds the generator of every thread (each thread draws its own stream from the seed).
pub fn srand(seed: u64) {
    SEED.store(seed, Ordering::Release);
    STREAMS.store(0, Ordering::Relaxed);
    // Never 0: 0 means "not seeded yet".
    let _ = SEED_GEN.fetch_update(Ordering::AcqRel, Ordering::Acquire, |g| {
        Some(g.wrapping_add(1).max(2))
    });
}

/// A pseudo-random 64-bit number.
pub fn rand() -> u64 {
    with_rng(|r| r.next())
}

/// A pseudo-random number uniform in [0, upper); 0 when upper is 0 or 1.
pub fn rand_max(upper: u64) -> u64 {
    with_rng(|r| r.below(upper))
}

/// A pseudo-random double uniform in [0, 1).
pub fn drand() -> f64 {
    with_rng(|r| (r.next() >> 11) as f64 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_max_stays_below_bound_and_covers_it() {
        let mut r = Rng::seeded(42, 0);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let v = r.below(5);
            assert!(v < 5);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(r.below(0), 0);
        assert_eq!(r.below(1), 0);
    }

    #[test]
    fn srand_makes_sequences_repeatable() {
        srand(7);
        let a = (rand(), rand());
        srand(7);
        let b = (rand(), rand());
        assert_eq!(a, b);
        let d = drand();
        assert!((0.0..1.0).contains(&d));
    }
}
