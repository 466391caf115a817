//! The CTF 1.8 metadata of a trace (DPDK's `eal_common_trace_ctf.c`): a TSDL text describing
//! the packet header each stream file starts with (`struct __rte_trace_stream_header`), the
//! event header (48-bit timestamp, 16-bit id) and each registered point's fields, in the exact
//! layout the emitters write.
//!
//! The text is built once, at trace init, from the points registered by then (a library
//! loaded later is not described, as in DPDK). The clock's three numbers are written as 20
//! right-aligned digits and filled in at the first dump, when the timer frequency is known.
//! Tools such as babeltrace2 read the result; DPDK's own text is reproduced character for
//! character (the sample in `c-tests/sh_trace.sh` compares the two).

use std::fmt::Write as _;

use crate::base::trace::PointInfo;

/// The wall-clock time and TSC reading taken together at trace init.
#[derive(Debug, Clone, Copy, Default)]
pub struct Epoch {
    pub sec: u64,
    pub nsec: u64,
    /// The TSC at that moment (the mean of a reading before and after the clock).
    pub ticks: u64,
}

/// A built metadata text and where its clock numbers go.
#[derive(Debug, Clone)]
pub struct Metadata {
    text: String,
    freq_at: usize,
    offset_s_at: usize,
    offset_at: usize,
    fixed: bool,
}

/// Width of a clock number.
const NUM_WIDTH: usize = 20;

const TYPES: &str = "/* CTF 1.8 */\n\
typealias integer {size = 8; base = x;}:= uint8_t;\n\
typealias integer {size = 16; base = x;} := uint16_t;\n\
typealias integer {size = 32; base = x;} := uint32_t;\n\
typealias integer {size = 64; base = x;} := uint64_t;\n\
typealias integer {size = 8; signed = true;}  := int8_t;\n\
typealias integer {size = 16; signed = true;} := int16_t;\n\
typealias integer {size = 32; signed = true;} := int32_t;\n\
typealias integer {size = 64; signed = true;} := int64_t;\n\
typealias integer {size = 64; base = x;} := uintptr_t;\n\
typealias integer {size = 64; base = x;} := long;\n\
typealias integer {size = 8; signed = false; encoding = ASCII; } := string_bounded_t;\n\n\
typealias integer {size = 64; base = x;} := size_t;\n\
typealias floating_point {\n    exp_dig = 8;\n    mant_dig = 24;\n} := float;\n\n\
typealias floating_point {\n    exp_dig = 11;\n    mant_dig = 53;\n} := double;\n\n";

const STREAM: &str = "stream {\n\
\x20   packet.context := struct {\n\
\x20        uint32_t cpu_id;\n\
\x20        string_bounded_t name[32];\n\
\x20   };\n\
\x20   event.header := struct {\n\
\x20         uint48_clock_dpdk_t timestamp;\n\
\x20         uint16_t id;\n\
\x20   } align(64);\n\
};\n\n";

/// RFC 4122 text of a UUID (lower-case hex, 8-4-4-4-12).
pub fn uuid_text(u: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// DPDK's trace UUID: `RTE_UUID_INIT(sum of event sizes, number of points, 0x4370, 0x8f50,
/// 0x222ddd514176)`, big-endian fields (so it changes with the set of points).
pub fn trace_uuid(points: &[PointInfo]) -> [u8; 16] {
    let total: u64 = points.iter().map(|p| u64::from(p.size)).sum();
    let mut u = [0u8; 16];
    u[0..4].copy_from_slice(&(total as u32).to_be_bytes());
    u[4..6].copy_from_slice(&(points.len() as u16).to_be_bytes());
    u[6..8].copy_from_slice(&0x4370u16.to_be_bytes());
    u[8..10].copy_from_slice(&0x8f50u16.to_be_bytes());
    u[10..16].copy_from_slice(&0x222d_dd51_4176u64.to_be_bytes()[2..]);
    u
}

impl Metadata {
    /// Builds the text for `points` (registration order) with trace UUID `uuid`.
    pub fn new(points: &[PointInfo], uuid: &[u8; 16], dpdk_version: &str) -> Metadata {
        let zero = format!("{:>NUM_WIDTH$}", 0);
        let mut t = String::with_capacity(256 * points.len() + 4096);
        t.push_str(TYPES);
        let _ = write!(
            t,
            "trace {{\n    major = 1;\n    minor = 8;\n    uuid = \"{}\";\n    byte_order = le;\n    packet.header := struct {{\n\t    uint32_t magic;\n\t    uint8_t  uuid[16];\n    }};\n}};\n\n",
            uuid_text(uuid)
        );
        let _ = write!(
            t,
            "env {{\n    dpdk_version = \"{dpdk_version}\";\n    tracer_name = \"dpdk\";\n}};\n\n"
        );
        t.push_str("clock {\n    name = \"dpdk\";\n    freq = ");
        let freq_at = t.len();
        let _ = write!(t, "{zero};\n    offset_s =");
        let offset_s_at = t.len();
        let _ = write!(t, "{zero};\n    offset =");
        let offset_at = t.len();
        let _ = write!(
            t,
            "{zero};\n}};\n\ntypealias integer {{\n    size = 48; align = 1; signed = false;\n    map = clock.dpdk.value;\n}} := uint48_clock_dpdk_t;\n\n"
        );
        t.push_str(STREAM);
        for p in points {
            let _ = write!(
                t,
                "event {{\n    id = {};\n    name = \"{}\";\n    fields := struct {{\n{}    }};\n}};\n\n",
                p.id, p.name, p.ctf_fields
            );
        }
        Metadata {
            text: t,
            freq_at,
            offset_s_at,
            offset_at,
            fixed: false,
        }
    }

    fn put(&mut self, at: usize, v: u64) {
        let s = format!("{v:>NUM_WIDTH$}");
        debug_assert_eq!(s.len(), NUM_WIDTH, "a u64 has at most 20 digits");
        self.text.replace_range(at..at + NUM_WIDTH, &s);
    }

    /// Fills in the clock: frequency `timer_hz`; offsets that map the 48-bit TSC of the
    /// events to wall-clock time from `epoch`, for a TSC of `tsc_hz` (DPDK's formula, its
    /// integer division of the frequency by 10^9 included). Done once; later calls do nothing.
    pub fn fix_clock(&mut self, timer_hz: u64, tsc_hz: u64, epoch: &Epoch) {
        if self.fixed || timer_hz == 0 || tsc_hz == 0 {
            return;
        }
        let ticks = epoch.ticks & ((1u64 << 48) - 1);
        let floor = ticks - ticks % tsc_hz;
        let offset_s = epoch.sec.wrapping_sub(floor / tsc_hz);
        let offset = (ticks - floor).wrapping_add(epoch.nsec.wrapping_mul(tsc_hz / 1_000_000_000));
        self.put(self.freq_at, timer_hz);
        self.put(self.offset_s_at, offset_s);
        self.put(self.offset_at, offset);
        self.fixed = true;
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: u16, name: &str, size: u16, fields: &str) -> PointInfo {
        PointInfo {
            id,
            name: name.into(),
            size,
            enabled: false,
            ctf_fields: fields.into(),
        }
    }

    #[test]
    fn uuid_encodes_the_sizes_and_count_big_endian() {
        let pts: Vec<_> = (0..0xa2).map(|i| point(i, "x", 1, "")).collect();
        let mut pts = pts;
        pts[0].size = 0x12c1 - 0xa1;
        let u = trace_uuid(&pts);
        assert_eq!(uuid_text(&u), "000012c1-00a2-4370-8f50-222ddd514176");
    }

    #[test]
    fn clock_numbers_are_twenty_columns_and_fixed_once() {
        let pts = [
            point(0, "lib.eal.generic.void", 8, ""),
            point(1, "app.x", 16, "        uint64_t in;\n"),
        ];
        let mut m = Metadata::new(&pts, &[0; 16], "DPDK 22.11.11");
        assert!(m
            .text()
            .contains("    freq =                    0;\n    offset_s =                   0;\n    offset =                   0;\n};\n"));
        assert!(m.text().contains(
            "event {\n    id = 1;\n    name = \"app.x\";\n    fields := struct {\n        uint64_t in;\n    };\n};\n\n"
        ));
        assert!(m.text().contains("    fields := struct {\n    };\n"));
        let len = m.text().len();
        let epoch = Epoch {
            sec: 1_796_322_450,
            nsec: 500_000_000,
            ticks: 2_300_000_000 * 3 + 7,
        };
        m.fix_clock(2_300_000_000, 2_300_000_000, &epoch);
        assert_eq!(m.text().len(), len, "numbers are written in place");
        assert!(m.text().contains("    freq =           2300000000;\n"));
        assert!(m
            .text()
            .contains(&format!("    offset_s ={:>20};\n", 1_796_322_450u64 - 3)));
        assert!(m
            .text()
            .contains(&format!("    offset ={:>20};\n", 7 + 500_000_000u64 * 2)));
        let before = m.text().to_string();
        m.fix_clock(1, 1, &Epoch::default());
        assert_eq!(m.text(), before, "fixed once");
    }

    #[test]
    fn uuid_and_version_are_in_the_header() {
        let u = [0x11; 16];
        let m = Metadata::new(&[], &u, "DPDK 22.11.11");
        assert!(m
            .text()
            .starts_with("/* CTF 1.8 */\ntypealias integer {size = 8; base = x;}:= uint8_t;\n"));
        assert!(m.text().contains(
            "    uuid = \"11111111-1111-1111-1111-111111111111\";\n    byte_order = le;\n"
        ));
        assert!(m.text().contains("    dpdk_version = \"DPDK 22.11.11\";\n"));
        assert!(m.text().ends_with("    } align(64);\n};\n\n"));
    }
}
