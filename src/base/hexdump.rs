//! The text of `rte_hexdump` and `rte_memdump`.

use std::ffi::c_void;
use std::fmt::Write;

/// The text `rte_hexdump` writes: a title line, then 16 bytes per line as offset, hex bytes
/// and printable characters.
pub fn hexdump_text(title: Option<&str>, addr: *const c_void, data: &[u8]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} at [{:p}], len={}",
        title.unwrap_or("  Dump data"),
        addr,
        data.len()
    );
    for (n, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{:08X}:", n * 16);
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, " {b:02X}");
                }
                None => out.push_str("   "),
            }
        }
        out.push_str(" | ");
        for &b in chunk {
            out.push(if (b' '..=b'~').contains(&b) {
                b as char
            } else {
                '.'
            });
        }
        out.push('\n');
    }
    out
}

/// The text `rte_memdump` writes: "title: " then the bytes as colon-separated hex.
pub fn memdump_text(title: Option<&str>, data: &[u8]) -> String {
    let mut out = title.map(|t| format!("{t}: ")).unwrap_or_default();
    let hex: Vec<String> = data.iter().map(|b| format!("{b:02x}")).collect();
    out.push_str(&hex.join(":"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexdump_formats_sixteen_bytes_per_line() {
        let data: Vec<u8> = (0x41..0x41 + 18).collect();
        let text = hexdump_text(Some("t"), std::ptr::null(), &data);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("t at ["));
        assert!(lines[0].ends_with("len=18"));
        assert!(lines[1].starts_with("00000000: 41 42"));
        assert!(lines[1].ends_with(" | ABCDEFGHIJKLMNOP"));
        assert!(lines[2].starts_with("00000010: 51 52    "));
        assert!(lines[2].ends_with(" | QR"));
    }

    #[test]
    fn memdump_joins_bytes_with_colons() {
        assert_eq!(memdump_text(Some("x"), &[1, 0xab, 0xff]), "x: 01:ab:ff\n");
        assert_eq!(memdump_text(None, &[]), "\n");
    }
}
