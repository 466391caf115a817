//! Value parsers shared by every option and by `rte_str_to_size`: C's number scan and DPDK's
//! size strings. They live here once; nothing else in the crate parses a number or a size.

/// What C's `strtoul`/`strtol` read from the front of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CNum {
    pub neg: bool,
    pub mag: u64,
    /// ERANGE: the digits do not fit in 64 bits.
    pub overflow: bool,
    /// Bytes consumed; 0 when there were no digits (C sets `*end` to the start then).
    pub end: usize,
}

impl CNum {
    /// The value `strtol` returns, or None where it sets ERANGE.
    pub(crate) fn signed(self) -> Option<i64> {
        if self.overflow {
            return None;
        }
        if self.neg {
            0i64.checked_sub_unsigned(self.mag)
        } else {
            i64::try_from(self.mag).ok()
        }
    }

    /// The value `strtoul` returns (a minus sign negates modulo 2^64), or None on ERANGE.
    pub(crate) fn unsigned(self) -> Option<u64> {
        (!self.overflow).then(|| {
            if self.neg {
                self.mag.wrapping_neg()
            } else {
                self.mag
            }
        })
    }
}

/// C's number scan: leading white space, a sign, then digits in `base` (0: C's 0x/0 prefixes;
/// 16 also accepts a 0x prefix).
pub(crate) fn c_strtoul(s: impl AsRef<[u8]>, base: u32) -> CNum {
    let b = s.as_ref();
    let mut i = 0;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        neg = b[i] == b'-';
        i += 1;
    }
    let hex_prefix = i + 2 < b.len() + 1
        && b.get(i) == Some(&b'0')
        && matches!(b.get(i + 1), Some(b'x' | b'X'))
        && b.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit());
    let base = match base {
        0 if hex_prefix => {
            i += 2;
            16
        }
        0 if b.get(i) == Some(&b'0') => 8,
        0 => 10,
        16 if hex_prefix => {
            i += 2;
            16
        }
        other => other,
    };
    let start = i;
    let mut mag: u64 = 0;
    let mut overflow = false;
    while i < b.len() {
        let Some(d) = (b[i] as char).to_digit(base) else {
            break;
        };
        match mag
            .checked_mul(u64::from(base))
            .and_then(|m| m.checked_add(u64::from(d)))
        {
            Some(m) => mag = m,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return CNum {
            neg: false,
            mag: 0,
            overflow: false,
            end: 0,
        };
    }
    CNum {
        neg,
        mag,
        overflow,
        end: i,
    }
}

/// DPDK's `rte_str_to_size`: leading blanks skipped, a minus sign gives 0, then a number with
/// C's base prefixes (`0x`, `0`), one space allowed, and an optional K/M/G suffix (binary
/// multiples). 0 when there is no number or it does not fit in 64 bits, suffix included (DPDK
/// wraps an overflowing suffix; rtemem refuses it).
pub(crate) fn str_to_size(s: impl AsRef<[u8]>) -> u64 {
    let s = s.as_ref();
    let blank = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let start = s.iter().position(|c| !blank(c)).unwrap_or(s.len());
    let s = &s[start..];
    if s.first() == Some(&b'-') {
        return 0;
    }
    let n = c_strtoul(s, 0);
    let Some(value) = n.unsigned() else {
        return 0; // strtoull: ERANGE
    };
    let mut end = n.end;
    if s.get(end) == Some(&b' ') {
        end += 1;
    }
    let mult: u64 = match s.get(end) {
        Some(b'G' | b'g') => 1 << 30,
        Some(b'M' | b'm') => 1 << 20,
        Some(b'K' | b'k') => 1 << 10,
        _ => 1,
    };
    value.checked_mul(mult).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoul_follows_c() {
        assert_eq!(
            c_strtoul("  12x", 10),
            CNum {
                neg: false,
                mag: 12,
                overflow: false,
                end: 4
            }
        );
        assert_eq!(c_strtoul("abc", 10).end, 0);
        assert_eq!(c_strtoul("0x1f", 0).mag, 31);
        assert_eq!(c_strtoul("010", 0).mag, 8);
        assert_eq!(
            c_strtoul("0x", 16).end,
            1,
            "a bare 0x reads as 0 followed by x"
        );
        assert_eq!(c_strtoul("-1", 10).unsigned(), Some(u64::MAX));
        assert_eq!(c_strtoul("-1", 10).signed(), Some(-1));
        assert!(c_strtoul("99999999999999999999", 10).overflow);
    }

    #[test]
    fn str_to_size_applies_binary_suffixes() {
        assert_eq!(str_to_size("512"), 512);
        assert_eq!(str_to_size("4K"), 4096);
        assert_eq!(str_to_size("2m"), 2 << 20);
        assert_eq!(str_to_size("  1 G"), 1 << 30);
        assert_eq!(str_to_size("0x10k"), 16 << 10);
        assert_eq!(str_to_size("010"), 8);
        assert_eq!(str_to_size("+3M"), 3 << 20);
        assert_eq!(str_to_size(b"2048k"), 2 << 20);
    }

    #[test]
    fn str_to_size_refuses_negative_overflow_and_non_numbers() {
        assert_eq!(str_to_size("-5M"), 0);
        assert_eq!(str_to_size(" -5"), 0);
        assert_eq!(str_to_size("99999999999999999999999"), 0);
        assert_eq!(
            str_to_size("0x4000000000G"),
            0,
            "an overflowing suffix is refused"
        );
        assert_eq!(str_to_size("17179869183G"), (17179869183u64) << 30);
        assert_eq!(str_to_size("abc"), 0);
        assert_eq!(str_to_size(""), 0);
    }
}
