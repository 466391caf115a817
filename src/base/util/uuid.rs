//! UUIDs (`rte_uuid.h`): 16 bytes in network order, parsed from and printed as the 36-character
//! text form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
//!
//! DPDK compares two UUIDs field by field (time_low, time_mid, time_hi_and_version,
//! clock_seq as unsigned big-endian numbers, giving -1 or 1) and then the 6 node bytes with
//! `memcmp`, whose sign but not magnitude is meaningful; [`compare`] returns the byte
//! difference there, as glibc's `memcmp` does.

use crate::err;
use crate::error::Result;

/// `rte_uuid_t`.
pub type Uuid = [u8; 16];

/// Length of the text form, without the NUL (`RTE_UUID_STRLEN` is this plus one).
pub const TEXT_LEN: usize = 36;

/// Positions of the dashes in the text form.
const DASHES: [usize; 4] = [8, 13, 18, 23];

/// True when every byte is 0.
pub fn is_null(u: &Uuid) -> bool {
    u.iter().all(|&b| b == 0)
}

/// Reads the text form: exactly 36 characters, dashes at 8, 13, 18 and 23, hex digits
/// (either case) everywhere else.
pub fn parse(text: &[u8]) -> Result<Uuid> {
    if text.len() != TEXT_LEN {
        return Err(err!(
            libc::EINVAL,
            "a UUID has 36 characters, this one {}",
            text.len()
        ));
    }
    let mut out = [0u8; 16];
    let mut n = 0;
    let mut i = 0;
    while i < TEXT_LEN {
        if DASHES.contains(&i) {
            if text[i] != b'-' {
                return Err(err!(libc::EINVAL, "a UUID has '-' at offset {i}"));
            }
            i += 1;
            continue;
        }
        let hi = hex(text[i]).ok_or_else(|| err!(libc::EINVAL, "not a hex digit at offset {i}"))?;
        let lo = hex(text[i + 1])
            .ok_or_else(|| err!(libc::EINVAL, "not a hex digit at offset {}", i + 1))?;
        out[n] = hi << 4 | lo;
        n += 1;
        i += 2;
    }
    debug_assert_eq!(n, 16, "36 characters minus 4 dashes are 16 byte pairs");
    Ok(out)
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// The text form, lower-case, 36 characters.
pub fn unparse(u: &Uuid) -> String {
    let mut s = String::with_capacity(TEXT_LEN);
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// DPDK's order of UUIDs: negative, 0 or positive.
pub fn compare(a: &Uuid, b: &Uuid) -> i32 {
    // time_low (4 bytes), time_mid (2), time_hi_and_version (2), clock_seq (2): big-endian
    // numbers, so comparing the bytes in order compares the numbers.
    for range in [0..4, 4..6, 6..8, 8..10] {
        match a[range.clone()].cmp(&b[range]) {
            std::cmp::Ordering::Less => return -1,
            std::cmp::Ordering::Greater => return 1,
            std::cmp::Ordering::Equal => {}
        }
    }
    a[10..]
        .iter()
        .zip(&b[10..])
        .map(|(x, y)| i32::from(*x) - i32::from(*y))
        .find(|&d| d != 0)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &[u8] = b"01234567-89ab-cdef-0123-456789abcdef";

    #[test]
    fn parse_and_unparse_round_trip_in_network_order() {
        let u = parse(TEXT).unwrap();
        assert_eq!(
            u,
            [
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
                0xcd, 0xef
            ]
        );
        assert_eq!(unparse(&u).as_bytes(), TEXT);
        let upper = parse(b"01234567-89AB-CDEF-0123-456789ABCDEF").unwrap();
        assert_eq!(upper, u);
        assert!(!is_null(&u));
        assert!(is_null(&[0; 16]));
        assert_eq!(unparse(&[0; 16]), "00000000-0000-0000-0000-000000000000");
    }

    #[test]
    fn malformed_text_is_refused() {
        for bad in [
            &b"01234567-89ab-cdef-0123-456789abcdeX"[..],
            b"0123456789abcdef0123456789abcdef",
            b"01234567-89ab-cdef-0123-456789abcdef0",
            b"01234567-89ab-cdef-0123_456789abcdef",
            b"0123456-789ab-cdef-0123-456789abcdef",
            b"01234567-89ab-cdef-0123-456789abcde",
            b"",
            b"+1234567-89ab-cdef-0123-456789abcdef",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn compare_orders_fields_then_node() {
        let a = parse(TEXT).unwrap();
        assert_eq!(compare(&a, &a), 0);
        let mut b = a;
        b[0] = 0x02; // time_low larger
        assert_eq!(compare(&a, &b), -1);
        assert_eq!(compare(&b, &a), 1);
        let mut c = a;
        c[9] = 0x00; // clock_seq smaller
        assert_eq!(compare(&a, &c), 1);
        let mut d = a;
        d[15] = 0xff; // node: a memcmp-style difference
        assert!(compare(&a, &d) < 0);
        assert!(compare(&d, &a) > 0);
    }
}
