//! Small EAL entry points with no shared state: strings, version, TSC and delays, random
//! numbers, hex dumps, CPU feature checks and the SIMD width setting.
//!
//! These are DPDK 22.11's `rte_string_fns.h`, `rte_version.h`, `rte_cycles.h`, `rte_random.h`,
//! `rte_hexdump.h`, `rte_cpuflags.h` and `rte_vect.h` functions. None of them touches the
//! shared memory config, so none needs `rte_eal_init`; they are safe to call from any thread
//! at any time, including from constructors before `main`. The pure parts (string parsing,
//! dump formatting, the random generator) are plain Rust functions tested below; the exported
//! shims only check pointers and move bytes.
//!
//! Process-wide state: the measured TSC frequency (computed once), the `rte_delay_us`
//! function pointer (DPDK's exported variable, written only by
//! `rte_delay_us_callback_register`), the random seed generation, and the SIMD bitwidth.

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::abi::{RTE_VER_MINOR, RTE_VER_MONTH, RTE_VER_RELEASE, RTE_VER_YEAR};
use crate::errno::Error;

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

/// Copies `src` into `dst` of `dsize` bytes, always NUL-terminating when `dsize > 0`.
/// Returns the number of characters copied, or `-E2BIG` (with `rte_errno` = `E2BIG`) when
/// `src` did not fit and was truncated (or `dsize` is 0). NULL pointers give `-EINVAL`.
///
/// # Safety
/// `dst` points to `dsize` writable bytes; `src` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_strscpy(
    dst: *mut c_char,
    src: *const c_char,
    dsize: usize,
) -> libc::ssize_t {
    ffi_plain!("rte_strscpy", -(libc::EFAULT as libc::ssize_t), {
        if dst.is_null() || src.is_null() {
            crate::log::eal_err("rte_strscpy(): dst or src is NULL");
            crate::errno::set(libc::EINVAL);
            return -(libc::EINVAL as libc::ssize_t);
        }
        let mut i = 0usize;
        while i < dsize {
            // SAFETY: i < dsize, and src is NUL-terminated: we stop at its NUL, so every index
            // read is inside the string (caller's guarantee).
            let c = unsafe { *src.add(i) };
            // SAFETY: i < dsize and dst has dsize writable bytes (caller's guarantee).
            unsafe { *dst.add(i) = c };
            if c == 0 {
                return i as libc::ssize_t;
            }
            i += 1;
        }
        if dsize > 0 {
            // SAFETY: dsize - 1 < dsize; terminate the truncated copy.
            unsafe { *dst.add(dsize - 1) = 0 };
        }
        crate::errno::set(libc::E2BIG);
        -(libc::E2BIG as libc::ssize_t)
    })
}

/// Splits `string` (at most `stringlen` bytes) in place at `delim`, storing up to `maxtokens`
/// token pointers in `tokens`; returns the number of tokens, or -1 with `errno` (and
/// `rte_errno`) = `EINVAL` when `string` or `tokens` is NULL. Empty tokens are kept.
///
/// # Safety
/// `string` has `stringlen` readable and writable bytes (or a NUL before them); `tokens` has
/// room for `maxtokens` pointers.
#[no_mangle]
pub unsafe extern "C" fn rte_strsplit(
    string: *mut c_char,
    stringlen: c_int,
    tokens: *mut *mut c_char,
    maxtokens: c_int,
    delim: c_char,
) -> c_int {
    ffi_plain!("rte_strsplit", -1, {
        if string.is_null() || tokens.is_null() {
            // SAFETY: __errno_location returns this thread's errno.
            unsafe { *libc::__errno_location() = libc::EINVAL };
            crate::errno::set(libc::EINVAL);
            return -1;
        }
        let mut tok: c_int = 0;
        let mut tokstart = true;
        for i in 0..stringlen.max(0) as usize {
            // SAFETY: i < stringlen and we stop at the first NUL (caller's guarantee).
            let c = unsafe { *string.add(i) };
            if c == 0 || tok >= maxtokens {
                break;
            }
            if tokstart {
                tokstart = false;
                // SAFETY: tok < maxtokens: tokens has room (caller's guarantee).
                unsafe { *tokens.add(tok as usize) = string.add(i) };
                tok += 1;
            }
            if c == delim {
                // SAFETY: same byte we just read; string is writable.
                unsafe { *string.add(i) = 0 };
                tokstart = true;
            }
        }
        tok
    })
}

/// Parses a size with an optional K/M/G suffix (binary multiples), the way DPDK's
/// `rte_str_to_size` does: leading blanks skipped, C base prefixes (`0x`, `0`), one space
/// allowed before the suffix; a negative number or an out-of-range value gives 0.
pub(crate) fn str_to_size(s: &[u8]) -> u64 {
    let mut i = 0;
    while i < s.len() && (s[i] == b' ' || (b'\t'..=b'\r').contains(&s[i])) {
        i += 1;
    }
    if s.get(i) == Some(&b'-') {
        return 0;
    }
    if s.get(i) == Some(&b'+') {
        i += 1;
    }
    let (radix, start) = if s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
    {
        (16, i + 2)
    } else if s.get(i) == Some(&b'0') {
        (8, i)
    } else {
        (10, i)
    };
    let mut end = start;
    let mut value: u64 = 0;
    while let Some(d) = s.get(end).and_then(|c| (*c as char).to_digit(radix)) {
        value = match value
            .checked_mul(radix as u64)
            .and_then(|v| v.checked_add(d as u64))
        {
            Some(v) => v,
            None => return 0, // strtoull: ERANGE
        };
        end += 1;
    }
    if s.get(end) == Some(&b' ') {
        end += 1;
    }
    let shift = match s.get(end) {
        Some(b'G' | b'g') => 30,
        Some(b'M' | b'm') => 20,
        Some(b'K' | b'k') => 10,
        _ => 0,
    };
    // DPDK multiplies in unsigned arithmetic: an overflowing suffix wraps.
    value.wrapping_shl(shift)
}

/// Converts a size string such as "512M" or "1G" to bytes (0 when it is not a size).
///
/// # Safety
/// `str` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_str_to_size(str: *const c_char) -> u64 {
    ffi_plain!("rte_str_to_size", 0, {
        if str.is_null() {
            crate::errno::set(libc::EINVAL);
            return 0;
        }
        // SAFETY: non-NULL and NUL-terminated (caller's guarantee).
        str_to_size(unsafe { CStr::from_ptr(str) }.to_bytes())
    })
}

// ---------------------------------------------------------------------------------------------
// Hex dumps
// ---------------------------------------------------------------------------------------------

/// The text `rte_hexdump` writes: a title line, then 16 bytes per line as offset, hex bytes
/// and printable characters.
pub(crate) fn hexdump_text(title: Option<&str>, addr: *const c_void, data: &[u8]) -> String {
    use std::fmt::Write;
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
pub(crate) fn memdump_text(title: Option<&str>, data: &[u8]) -> String {
    let mut out = title.map(|t| format!("{t}: ")).unwrap_or_default();
    let hex: Vec<String> = data.iter().map(|b| format!("{b:02x}")).collect();
    out.push_str(&hex.join(":"));
    out.push('\n');
    out
}

/// Writes `text` to the C stream `f` and flushes it.
///
/// # Safety
/// `f` is a valid, open `FILE *`.
unsafe fn write_stream(f: *mut libc::FILE, text: &str) {
    // SAFETY: f is an open stream (caller's guarantee); the buffer is text.len() bytes.
    unsafe {
        libc::fwrite(text.as_ptr().cast(), 1, text.len(), f);
        libc::fflush(f);
    }
}

/// Reads the dump arguments shared by `rte_hexdump` and `rte_memdump`.
///
/// # Safety
/// `title` is NULL or NUL-terminated; `buf` is NULL or has `len` readable bytes.
unsafe fn dump_args<'a>(
    f: *mut libc::FILE,
    title: *const c_char,
    buf: *const c_void,
    len: c_uint,
) -> Result<(Option<String>, &'a [u8]), Error> {
    if f.is_null() {
        return Err(Error::new(libc::EINVAL, "the output stream is NULL"));
    }
    if buf.is_null() && len > 0 {
        return Err(Error::new(libc::EINVAL, "buf is NULL"));
    }
    let title = if title.is_null() {
        None
    } else {
        // SAFETY: non-NULL title is NUL-terminated (caller's guarantee).
        let t = unsafe { CStr::from_ptr(title) };
        Some(t.to_string_lossy().into_owned())
    };
    let data = if len == 0 {
        &[][..]
    } else {
        // SAFETY: buf is non-NULL with len readable bytes (caller's guarantee).
        unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len as usize) }
    };
    Ok((title, data))
}

/// Dumps `len` bytes at `buf` to `f` as hex and characters, 16 bytes a line.
///
/// # Safety
/// `f` is an open stream; `title` NULL or NUL-terminated; `buf` has `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rte_hexdump(
    f: *mut libc::FILE,
    title: *const c_char,
    buf: *const c_void,
    len: c_uint,
) {
    ffi_result!("rte_hexdump", (), {
        // SAFETY: forwarded caller guarantees.
        let (title, data) = unsafe { dump_args(f, title, buf, len) }?;
        // SAFETY: f checked non-NULL; open (caller's guarantee).
        unsafe { write_stream(f, &hexdump_text(title.as_deref(), buf, data)) };
        Ok(())
    })
}

/// Dumps `len` bytes at `buf` to `f` as one line of colon-separated hex.
///
/// # Safety
/// As [`rte_hexdump`].
#[no_mangle]
pub unsafe extern "C" fn rte_memdump(
    f: *mut libc::FILE,
    title: *const c_char,
    buf: *const c_void,
    len: c_uint,
) {
    ffi_result!("rte_memdump", (), {
        // SAFETY: forwarded caller guarantees.
        let (title, data) = unsafe { dump_args(f, title, buf, len) }?;
        // SAFETY: f checked non-NULL; open (caller's guarantee).
        unsafe { write_stream(f, &memdump_text(title.as_deref(), data)) };
        Ok(())
    })
}

/// Writes the calling thread's stack to the log (stderr), one frame a line.
#[no_mangle]
pub extern "C" fn rte_dump_stack() {
    ffi_plain!("rte_dump_stack", (), {
        let bt = std::backtrace::Backtrace::force_capture();
        crate::log::emit(
            crate::log::RTE_LOG_ERR,
            crate::log::RTE_LOGTYPE_EAL,
            &format!("EAL: stack trace of thread {}:\n{bt}\n", std::process::id()),
        );
    })
}

// ---------------------------------------------------------------------------------------------
// Version. rtemem reports the DPDK release it implements (ABI 23, behaviour of 22.11.11), so
// that programs comparing rte_version() with the version they were built against agree.
// ---------------------------------------------------------------------------------------------

/// "DPDK 22.11.11": prefix, year, month, minor, then "-rcN" for a release candidate.
static VERSION: OnceLock<std::ffi::CString> = OnceLock::new();

pub(crate) fn version_string() -> String {
    crate::dpdk_version()
}

/// The version string of the DPDK release rtemem implements, e.g. "DPDK 22.11.11".
#[no_mangle]
pub extern "C" fn rte_version() -> *const c_char {
    ffi_plain!("rte_version", c"DPDK".as_ptr(), {
        VERSION
            .get_or_init(|| std::ffi::CString::new(version_string()).unwrap_or_default())
            .as_ptr()
    })
}

/// rtemem's own version, e.g. "0.2.0" (semantic versioning). rte_version() reports the DPDK
/// release rtemem implements instead, because programs parse it.
#[no_mangle]
pub extern "C" fn rtemem_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// "DPDK".
#[no_mangle]
pub extern "C" fn rte_version_prefix() -> *const c_char {
    c"DPDK".as_ptr()
}

/// 22.
#[no_mangle]
pub extern "C" fn rte_version_year() -> c_uint {
    RTE_VER_YEAR
}

/// 11.
#[no_mangle]
pub extern "C" fn rte_version_month() -> c_uint {
    RTE_VER_MONTH
}

/// The patch level of the 22.11 release rtemem implements.
#[no_mangle]
pub extern "C" fn rte_version_minor() -> c_uint {
    RTE_VER_MINOR
}

/// "" (no suffix).
#[no_mangle]
pub extern "C" fn rte_version_suffix() -> *const c_char {
    c"".as_ptr()
}

/// 99: a final release, not a release candidate.
#[no_mangle]
pub extern "C" fn rte_version_release() -> c_uint {
    RTE_VER_RELEASE
}

// ---------------------------------------------------------------------------------------------
// TSC and delays
// ---------------------------------------------------------------------------------------------

fn rdtsc() -> u64 {
    // SAFETY: RDTSC is available on every x86-64 CPU and has no memory effects.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Measures the TSC against the monotonic clock over `span`, rounded to 10 MHz as DPDK does.
fn measure_tsc_hz(span: Duration) -> u64 {
    let t0 = Instant::now();
    let c0 = rdtsc();
    std::thread::sleep(span);
    let c1 = rdtsc();
    let ns = t0.elapsed().as_nanos().max(1);
    let hz = (u128::from(c1.wrapping_sub(c0)) * 1_000_000_000 / ns) as u64;
    let round = 10_000_000;
    ((hz + round / 2) / round).max(1) * round
}

/// The TSC frequency, measured on first use and cached.
pub(crate) fn tsc_hz() -> u64 {
    static HZ: OnceLock<u64> = OnceLock::new();
    *HZ.get_or_init(|| measure_tsc_hz(Duration::from_millis(100)))
}

/// Cycles per second of the time-stamp counter (measured once, about 0.1 s on first call).
#[no_mangle]
pub extern "C" fn rte_get_tsc_hz() -> u64 {
    ffi_plain!("rte_get_tsc_hz", 0, { tsc_hz() })
}

/// Waits `us` microseconds by spinning on the TSC.
#[no_mangle]
pub extern "C" fn rte_delay_us_block(us: c_uint) {
    ffi_plain!("rte_delay_us_block", (), {
        let start = rdtsc();
        let ticks = (u128::from(tsc_hz()) * u128::from(us) / 1_000_000) as u64;
        while rdtsc().wrapping_sub(start) < ticks {
            std::hint::spin_loop();
        }
    })
}

/// Waits `us` microseconds by sleeping.
#[no_mangle]
pub extern "C" fn rte_delay_us_sleep(us: c_uint) {
    ffi_plain!("rte_delay_us_sleep", (), {
        std::thread::sleep(Duration::from_micros(u64::from(us)));
    })
}

/// The delay function `rte_delay_us()` calls (DPDK's exported variable of that name);
/// `rte_delay_us_block` until `rte_delay_us_callback_register` replaces it.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static mut rte_delay_us: extern "C" fn(c_uint) = rte_delay_us_block;

/// Makes `rte_delay_us()` call `userfunc`. A NULL `userfunc` is refused and logged.
#[no_mangle]
pub extern "C" fn rte_delay_us_callback_register(userfunc: Option<extern "C" fn(c_uint)>) {
    ffi_plain!("rte_delay_us_callback_register", (), {
        match userfunc {
            // SAFETY: a plain store of a function pointer to DPDK's exported variable; DPDK
            // documents the same unsynchronised write, done during setup.
            Some(f) => unsafe { std::ptr::addr_of_mut!(rte_delay_us).write_volatile(f) },
            None => crate::log::eal_err(
                "rte_delay_us_callback_register(): userfunc is NULL; kept the current one",
            ),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Random numbers: per-thread xoshiro256** streams, all derived from one seed. rte_srand()
// changes the seed and its generation; each thread reseeds when it sees a new generation.
// ---------------------------------------------------------------------------------------------

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
        let seed = t ^ rdtsc() ^ (u64::from(std::process::id()) << 32);
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
#[no_mangle]
pub extern "C" fn rte_srand(seedval: u64) {
    ffi_plain!("rte_srand", (), {
        SEED.store(seedval, Ordering::Release);
        STREAMS.store(0, Ordering::Relaxed);
        // Never 0: 0 means "not seeded yet".
        let _ = SEED_GEN.fetch_update(Ordering::AcqRel, Ordering::Acquire, |g| {
            Some(g.wrapping_add(1).max(2))
        });
    })
}

/// A pseudo-random 64-bit number.
#[no_mangle]
pub extern "C" fn rte_rand() -> u64 {
    ffi_plain!("rte_rand", 0, { with_rng(|r| r.next()) })
}

/// A pseudo-random number uniform in [0, upper_bound); 0 when upper_bound is 0.
#[no_mangle]
pub extern "C" fn rte_rand_max(upper_bound: u64) -> u64 {
    ffi_plain!("rte_rand_max", 0, { with_rng(|r| r.below(upper_bound)) })
}

/// A pseudo-random double uniform in [0, 1).
#[no_mangle]
pub extern "C" fn rte_drand() -> f64 {
    ffi_plain!("rte_drand", 0.0, {
        with_rng(|r| (r.next() >> 11) as f64 / (1u64 << 53) as f64)
    })
}

// ---------------------------------------------------------------------------------------------
// CPU features and SIMD width
// ---------------------------------------------------------------------------------------------

/// 1 when the CPU has every instruction set DPDK 22.11's x86-64 build assumes (SSE to
/// SSE4.2), 0 otherwise.
#[no_mangle]
pub extern "C" fn rte_cpu_is_supported() -> c_int {
    ffi_plain!("rte_cpu_is_supported", 0, {
        let ok = std::arch::is_x86_feature_detected!("sse")
            && std::arch::is_x86_feature_detected!("sse2")
            && std::arch::is_x86_feature_detected!("sse3")
            && std::arch::is_x86_feature_detected!("ssse3")
            && std::arch::is_x86_feature_detected!("sse4.1")
            && std::arch::is_x86_feature_detected!("sse4.2");
        if !ok {
            crate::log::eal_err(
                "this CPU lacks an instruction set DPDK's x86-64 build needs (SSE to SSE4.2)",
            );
        }
        c_int::from(ok)
    })
}

/// RTE_VECT_SIMD_DISABLED: scalar code only.
const SIMD_DISABLED: u16 = 64;
/// RTE_VECT_DEFAULT_SIMD_BITWIDTH (RTE_VECT_SIMD_256).
const SIMD_DEFAULT: u16 = 256;
static SIMD_BITWIDTH: AtomicU16 = AtomicU16::new(SIMD_DEFAULT);

/// The widest SIMD path (in bits) code should use; 256 unless changed.
#[no_mangle]
pub extern "C" fn rte_vect_get_max_simd_bitwidth() -> u16 {
    SIMD_BITWIDTH.load(Ordering::Relaxed)
}

/// Sets the widest SIMD path: a power of two >= 64 (RTE_VECT_SIMD_*), else -EINVAL.
#[no_mangle]
pub extern "C" fn rte_vect_set_max_simd_bitwidth(bitwidth: u16) -> c_int {
    ffi_result!("rte_vect_set_max_simd_bitwidth", -libc::EINVAL, {
        if bitwidth < SIMD_DISABLED || !bitwidth.is_power_of_two() {
            return Err(Error::new(
                libc::EINVAL,
                format!("invalid SIMD bitwidth {bitwidth}: use 64, 128, 256, 512 or 32768"),
            ));
        }
        SIMD_BITWIDTH.store(bitwidth, Ordering::Relaxed);
        Ok(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_to_size_applies_binary_suffixes() {
        assert_eq!(str_to_size(b"512"), 512);
        assert_eq!(str_to_size(b"4K"), 4096);
        assert_eq!(str_to_size(b"2m"), 2 << 20);
        assert_eq!(str_to_size(b"  1 G"), 1 << 30);
        assert_eq!(str_to_size(b"0x10k"), 16 << 10);
        assert_eq!(str_to_size(b"010"), 8);
    }

    #[test]
    fn str_to_size_rejects_negative_and_overflow() {
        assert_eq!(str_to_size(b"-5M"), 0);
        assert_eq!(str_to_size(b"99999999999999999999999"), 0);
        assert_eq!(str_to_size(b"abc"), 0);
    }

    #[test]
    fn strscpy_copies_and_reports_truncation() {
        let mut buf = [0x55 as c_char; 4];
        // SAFETY: buf has 4 bytes; the sources are NUL-terminated literals.
        let n = unsafe { rte_strscpy(buf.as_mut_ptr(), c"abc".as_ptr(), 4) };
        assert_eq!(n, 3);
        // SAFETY: as above.
        let n = unsafe { rte_strscpy(buf.as_mut_ptr(), c"abcd".as_ptr(), 4) };
        assert_eq!(n, -(libc::E2BIG as isize));
        assert_eq!(crate::errno::get(), libc::E2BIG);
        assert_eq!(buf[3], 0);
        // SAFETY: dsize 0 writes nothing.
        let n = unsafe { rte_strscpy(buf.as_mut_ptr(), c"".as_ptr(), 0) };
        assert_eq!(n, -(libc::E2BIG as isize));
    }

    #[test]
    fn strsplit_keeps_empty_tokens_and_stops_at_max() {
        let mut s = *b"a,,b,c\0";
        let mut toks = [std::ptr::null_mut::<c_char>(); 3];
        // SAFETY: s is 7 writable bytes with a NUL; toks has 3 slots.
        let n = unsafe {
            rte_strsplit(
                s.as_mut_ptr().cast(),
                7,
                toks.as_mut_ptr(),
                3,
                b',' as c_char,
            )
        };
        assert_eq!(n, 3);
        // SAFETY: the tokens point into s, which is NUL-separated now.
        let t: Vec<_> = toks
            .iter()
            .map(|p| unsafe { CStr::from_ptr(*p) }.to_str().unwrap())
            .collect();
        assert_eq!(t, ["a", "", "b,c"]);
    }

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

    #[test]
    fn version_is_dpdk_22_11() {
        assert_eq!(version_string(), "DPDK 22.11.11");
    }

    #[test]
    fn rtemem_version_is_the_package_version_and_names_the_dpdk_abi() {
        // SAFETY: rtemem_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(rtemem_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(
            crate::identity(),
            format!(
                "rtemem {}, the EAL of DPDK 22.11.11 (ABI 23)",
                env!("CARGO_PKG_VERSION")
            )
        );
    }

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
        rte_srand(7);
        let a = (rte_rand(), rte_rand());
        rte_srand(7);
        let b = (rte_rand(), rte_rand());
        assert_eq!(a, b);
    }

    #[test]
    fn tsc_hz_is_plausible_and_delay_blocks() {
        let hz = tsc_hz();
        assert!(hz >= 100_000_000, "{hz}");
        let t = Instant::now();
        rte_delay_us_block(2000);
        assert!(t.elapsed() >= Duration::from_micros(1500));
    }

    #[test]
    fn simd_bitwidth_rejects_non_powers_of_two() {
        assert_eq!(rte_vect_set_max_simd_bitwidth(100), -libc::EINVAL);
        assert_eq!(rte_vect_set_max_simd_bitwidth(32), -libc::EINVAL);
        assert_eq!(rte_vect_set_max_simd_bitwidth(128), 0);
        assert_eq!(rte_vect_get_max_simd_bitwidth(), 128);
        assert_eq!(rte_vect_set_max_simd_bitwidth(256), 0);
    }
}
