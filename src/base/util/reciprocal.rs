//! Division by an invariant integer (`rte_reciprocal.h`): for a divisor `d`, a multiplier `m`
//! and two shifts such that `q = (t + ((x - t) >> sh1)) >> sh2` with `t = (x * m) >> W` gives
//! `x / d` for every `x` of the word size W (32 or 64). DPDK's inline
//! `rte_reciprocal_divide*` functions apply the values computed here, so the values must be
//! exactly DPDK's (the differential test compares them).
//!
//! The construction is the classic round-up method (Granlund and Montgomery): with
//! `l = ceil(log2 d)`, `m = floor(2^W * (2^l - d) / d) + 1`, `sh1 = min(l, 1)`,
//! `sh2 = max(l - 1, 0)`. The 64-bit variant takes `l = floor(log2 d)` and folds the shifts
//! differently; powers of two get `m = 1`. A divisor of 0 has no reciprocal.

/// `struct rte_reciprocal`: 8 bytes, returned in a register.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(non_camel_case_types)]
pub struct rte_reciprocal {
    pub m: u32,
    pub sh1: u8,
    pub sh2: u8,
}

/// `struct rte_reciprocal_u64`: 16 bytes, returned in two registers.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(non_camel_case_types)]
pub struct rte_reciprocal_u64 {
    pub m: u64,
    pub sh1: u8,
    pub sh2: u8,
}

const _: () = {
    assert!(std::mem::size_of::<rte_reciprocal>() == 8);
    assert!(std::mem::size_of::<rte_reciprocal_u64>() == 16);
    assert!(std::mem::offset_of!(rte_reciprocal_u64, sh1) == 8);
};

/// The 32-bit reciprocal of `d`; None for 0.
pub fn value(d: u32) -> Option<rte_reciprocal> {
    if d == 0 {
        return None;
    }
    // l = ceil(log2 d): the bit length of d - 1.
    let l = 32 - (d - 1).leading_zeros();
    // (2^l - d) < d, so 2^32 * (2^l - d) < 2^64: no overflow.
    let num = ((1u64 << l) - u64::from(d)) << 32;
    let m = num / u64::from(d) + 1;
    Some(rte_reciprocal {
        // m <= 2^32 only for d = 1 (l = 0, num = 0: m = 1); it fits in 32 bits.
        m: m as u32,
        sh1: l.min(1) as u8,
        sh2: l.saturating_sub(1) as u8,
    })
}

/// The 64-bit reciprocal of `d`; None for 0.
pub fn value_u64(d: u64) -> Option<rte_reciprocal_u64> {
    if d == 0 {
        return None;
    }
    // l = floor(log2 d).
    let l = 63 - d.leading_zeros();
    let m = if d.is_power_of_two() {
        1
    } else {
        // q = floor(2^(64 + l) / d) < 2^64 because 2^l < d; r its remainder.
        let num = 1u128 << (64 + l);
        let q = (num / u128::from(d)) as u64;
        let r = (num % u128::from(d)) as u64;
        // m = floor(2^(65 + l) / d) + 1, computed from q and r modulo 2^64.
        let mut m = q.wrapping_shl(1);
        if r.leading_zeros() == 0 || r << 1 >= d {
            m = m.wrapping_add(1);
        }
        m.wrapping_add(1)
    };
    let sh2 = if l > 0 && m == 1 { l - 1 } else { l };
    Some(rte_reciprocal_u64 {
        m,
        sh1: l.min(1) as u8,
        sh2: sh2 as u8,
    })
}

/// `x / d` through the 32-bit reciprocal of `d` (what DPDK's inline `rte_reciprocal_divide`
/// computes).
pub fn divide(x: u32, r: rte_reciprocal) -> u32 {
    let t = ((u64::from(x) * u64::from(r.m)) >> 32) as u32;
    (t + ((x - t) >> r.sh1)) >> r.sh2
}

/// `x / d` through the 64-bit reciprocal of `d` (DPDK's `rte_reciprocal_divide_u64`).
pub fn divide_u64(x: u64, r: rte_reciprocal_u64) -> u64 {
    let t = ((u128::from(x) * u128::from(r.m)) >> 64) as u64;
    (t + ((x - t) >> r.sh1)) >> r.sh2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r32(m: u32, sh1: u8, sh2: u8) -> rte_reciprocal {
        rte_reciprocal { m, sh1, sh2 }
    }

    fn r64(m: u64, sh1: u8, sh2: u8) -> rte_reciprocal_u64 {
        rte_reciprocal_u64 { m, sh1, sh2 }
    }

    #[test]
    fn values_equal_real_dpdks() {
        // Read off DPDK 22.11.11 (notes/issue10-probe-real.txt).
        assert_eq!(value(7), Some(r32(613_566_757, 1, 2)));
        assert_eq!(value(1), Some(r32(1, 0, 0)));
        assert_eq!(value((1 << 31) + 1), Some(r32(4_294_967_293, 1, 31)));
        assert_eq!(value_u64(7), Some(r64(2_635_249_153_387_078_803, 1, 2)));
        assert_eq!(value_u64(1), Some(r64(1, 0, 0)));
        assert_eq!(value_u64(1 << 40), Some(r64(1, 1, 39)));
        assert_eq!(value(0), None);
        assert_eq!(value_u64(0), None);
    }

    #[test]
    fn reciprocals_divide_exactly() {
        let ds32 = [
            1u32,
            2,
            3,
            7,
            10,
            64,
            1000,
            65_537,
            (1 << 31) + 1,
            u32::MAX - 1,
            u32::MAX,
        ];
        let xs32 = [
            0u32,
            1,
            2,
            6,
            7,
            8,
            999,
            1 << 20,
            (1 << 31) - 1,
            1 << 31,
            u32::MAX,
        ];
        for d in ds32 {
            let r = value(d).unwrap();
            for x in xs32 {
                assert_eq!(divide(x, r), x / d, "{x} / {d}");
            }
        }
        let ds64 = [
            1u64,
            2,
            3,
            7,
            1 << 40,
            (1 << 40) + 1,
            u64::MAX / 3,
            1 << 63,
            u64::MAX,
        ];
        let xs64 = [
            0u64,
            1,
            7,
            1 << 33,
            (1 << 63) - 1,
            1 << 63,
            u64::MAX - 1,
            u64::MAX,
        ];
        for d in ds64 {
            let r = value_u64(d).unwrap();
            for x in xs64 {
                assert_eq!(divide_u64(x, r), x / d, "{x} / {d}");
            }
        }
        // A pseudo-random sweep.
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let d = (s >> (s % 64)).max(1);
            let x = s.rotate_left(17);
            assert_eq!(divide_u64(x, value_u64(d).unwrap()), x / d, "{x} / {d}");
            let (d32, x32) = ((d as u32).max(1), x as u32);
            assert_eq!(divide(x32, value(d32).unwrap()), x32 / d32, "{x32} / {d32}");
        }
    }
}
