//! File helpers that PCI and other bus drivers call: one number from a sysfs file
//! (`eal_parse_sysfs_value`) and the whole content of a firmware file (`rte_firmware_read`).
//!
//! A sysfs value is the first line of the file, read as C's `strtoul(s, &end, 0)` reads it
//! (blanks, a sign, a 0x or 0 prefix) and then ended by a newline: text after the number, a
//! missing newline or a missing number makes the file unreadable, as in DPDK (one quirk kept:
//! a line that is just "\n" reads as 0). A number too large for 64 bits reads as `u64::MAX`,
//! as `strtoul` saturates.
//!
//! Firmware: Debian's DPDK is built without libarchive, so a compressed `<name>.xz` or
//! `<name>.zst` found when `<name>` itself cannot be read is reported (a warning) and not
//! decompressed; rtemem behaves the same.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::base::log::RTE_LOG_WARNING;
use crate::err;
use crate::error::Result;
use crate::options::values::c_strtoul;

/// C's BUFSIZ: DPDK reads at most this many bytes minus one of the first line.
const LINE_MAX: usize = 8192;

/// The number in the first line of `path`.
pub fn parse_sysfs_value(path: &Path) -> Result<u64> {
    let f = std::fs::File::open(path).map_err(|e| {
        err!(
            e.raw_os_error().unwrap_or(libc::EIO),
            "cannot open sysfs value {}: {e}",
            path.display()
        )
    })?;
    let mut line = Vec::new();
    let n = BufReader::new(f)
        .take(LINE_MAX as u64 - 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| {
            err!(
                e.raw_os_error().unwrap_or(libc::EIO),
                "cannot read sysfs value {}: {e}",
                path.display()
            )
        })?;
    if n == 0 {
        return Err(err!(
            libc::EIO,
            "cannot read sysfs value {}: the file is empty",
            path.display()
        ));
    }
    let num = c_strtoul(&line, 0);
    if line.get(num.end) != Some(&b'\n') {
        return Err(err!(
            libc::EINVAL,
            "cannot parse sysfs value {}: expected a number and a newline, found {:?}",
            path.display(),
            String::from_utf8_lossy(&line)
        ));
    }
    Ok(num.unsigned().unwrap_or(u64::MAX))
}

/// Suffixes of the compressed forms of a firmware file.
const COMPRESSED: [&str; 2] = ["xz", "zst"];

/// The content of firmware file `name`.
pub fn firmware_read(name: &Path) -> Result<Vec<u8>> {
    let plain = match std::fs::read(name) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    for suffix in COMPRESSED {
        let mut p = name.as_os_str().to_owned();
        p.push(".");
        p.push(suffix);
        let p = Path::new(&p);
        if p.exists() {
            crate::eal_log!(
                RTE_LOG_WARNING,
                "libarchive not linked, {} cannot be decompressed",
                p.display()
            );
            return Err(err!(
                libc::ENOTSUP,
                "cannot read firmware {}: only a compressed copy ({}) exists and rtemem, like \
                 Debian's DPDK, has no decompressor",
                name.display(),
                p.display()
            ));
        }
    }
    Err(err!(
        plain.raw_os_error().unwrap_or(libc::EIO),
        "cannot read firmware {}: {plain}",
        name.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(dir: &Path, name: &str, content: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(content)
            .unwrap();
        p
    }

    fn tmpdir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("rtemem-fs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn sysfs_values_in_decimal_hex_and_octal() {
        let d = tmpdir("sysfs");
        let v = |c: &[u8]| parse_sysfs_value(&file(&d, "v", c));
        assert_eq!(v(b"512\n").unwrap(), 512);
        assert_eq!(v(b"0x1af4\n").unwrap(), 0x1af4);
        assert_eq!(v(b"010\n").unwrap(), 8);
        assert_eq!(v(b"  42\nmore lines\n").unwrap(), 42);
        assert_eq!(v(b"\n").unwrap(), 0); // DPDK's quirk: no digits, then the newline
        assert_eq!(v(b"-1\n").unwrap(), u64::MAX);
        assert_eq!(v(b"99999999999999999999999\n").unwrap(), u64::MAX);
        for junk in [&b"12"[..], b"12 \n", b"abc\n", b"0x\n", b"1.5\n", b""] {
            assert!(v(junk).is_err(), "{:?}", String::from_utf8_lossy(junk));
        }
        assert!(parse_sysfs_value(&d.join("missing")).is_err());
        assert!(parse_sysfs_value(&d).is_err()); // a directory
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn firmware_is_read_whole_and_compressed_copies_are_refused() {
        let d = tmpdir("fw");
        let big: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        assert_eq!(firmware_read(&file(&d, "fw.bin", &big)).unwrap(), big);
        assert_eq!(firmware_read(&file(&d, "empty", b"")).unwrap(), b"");
        let e = firmware_read(&d.join("missing")).unwrap_err();
        assert_eq!(e.errno, libc::ENOENT);
        file(&d, "packed.xz", b"\xfd7zXZ");
        let e = firmware_read(&d.join("packed")).unwrap_err();
        assert_eq!(e.errno, libc::ENOTSUP);
        assert!(e.msg.contains("packed.xz"), "{}", e.msg);
        file(&d, "z.zst", b"");
        assert_eq!(
            firmware_read(&d.join("z")).unwrap_err().errno,
            libc::ENOTSUP
        );
        std::fs::remove_dir_all(&d).unwrap();
    }
}
