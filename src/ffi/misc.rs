//! Small EAL entry points with no shared state: strings, version, TSC and delays, random
//! numbers, hex dumps, CPU feature checks and the SIMD width setting.
//!
//! These are DPDK 22.11's `rte_string_fns.h`, `rte_version.h`, `rte_cycles.h`, `rte_random.h`,
//! `rte_hexdump.h`, `rte_cpuflags.h` and `rte_vect.h` functions. None of them touches the
//! shared memory config, so none needs `rte_eal_init`; they are safe to call from any thread
//! at any time, including from constructors before `main`. The logic lives in `base`
//! (`version`, `cpu`, `rand`, `hexdump`) and the size parser in `options::values`; the shims
//! here check pointers and move bytes.
//!
//! Process-wide state kept here: the `rte_delay_us` function pointer (DPDK's exported variable,
//! written only by `rte_delay_us_callback_register`).

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::time::Duration;

use crate::abi::{RTE_VER_MINOR, RTE_VER_MONTH, RTE_VER_RELEASE, RTE_VER_YEAR};
use crate::base::{cpu, hexdump, rand, version};
use crate::error::Error;
use crate::ffi::Mode;

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
    // Truncation is an answer (rte_errno E2BIG, no log); NULL pointers are logged.
    let mode = Mode::Per(|e| {
        if e.errno == libc::E2BIG {
            Mode::Errno
        } else {
            Mode::Log
        }
    });
    ffi_boundary!(mode, "rte_strscpy", fail = -errno, {
        if dst.is_null() || src.is_null() {
            return Err(Error::new(libc::EINVAL, "dst or src is NULL"));
        }
        let mut i = 0usize;
        while i < dsize {
            // SAFETY: i < dsize, and src is NUL-terminated: we stop at its NUL, so every index
            // read is inside the string (caller's guarantee).
            let c = unsafe { *src.add(i) };
            // SAFETY: i < dsize and dst has dsize writable bytes (caller's guarantee).
            unsafe { *dst.add(i) = c };
            if c == 0 {
                return Ok(i as libc::ssize_t);
            }
            i += 1;
        }
        if dsize > 0 {
            // SAFETY: dsize - 1 < dsize; terminate the truncated copy.
            unsafe { *dst.add(dsize - 1) = 0 };
        }
        Err(Error::new(libc::E2BIG, "the string was truncated"))
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
    // DPDK sets errno here; rte_errno too, and nothing is logged.
    ffi_boundary!(Errno, "rte_strsplit", {
        if string.is_null() || tokens.is_null() {
            crate::sys::set_c_errno(libc::EINVAL);
            return Err(Error::new(libc::EINVAL, "string or tokens is NULL"));
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
        Ok(tok)
    })
}

/// Converts a size string such as "512M" or "1G" to bytes (0 when it is not a size).
///
/// # Safety
/// `str` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_str_to_size(str: *const c_char) -> u64 {
    ffi_boundary!(Errno, "rte_str_to_size", {
        if str.is_null() {
            return Err(Error::new(libc::EINVAL, "str is NULL"));
        }
        // SAFETY: non-NULL and NUL-terminated (caller's guarantee).
        Ok(crate::options::values::str_to_size(
            unsafe { CStr::from_ptr(str) }.to_bytes(),
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Hex dumps
// ---------------------------------------------------------------------------------------------

/// Writes `text` to the C stream `f` and flushes it.
///
/// # Safety
/// `f` is a valid, open `FILE *`.
unsafe fn write_stream(f: *mut libc::FILE, text: &str) {
    // SAFETY: f is an open stream (caller's guarantee).
    unsafe { crate::sys::write_flush(f, text.as_bytes()) };
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
    ffi_boundary!(Log, "rte_hexdump", {
        // SAFETY: forwarded caller guarantees.
        let (title, data) = unsafe { dump_args(f, title, buf, len) }?;
        // SAFETY: f checked non-NULL; open (caller's guarantee).
        unsafe { write_stream(f, &hexdump::hexdump_text(title.as_deref(), buf, data)) };
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
    ffi_boundary!(Log, "rte_memdump", {
        // SAFETY: forwarded caller guarantees.
        let (title, data) = unsafe { dump_args(f, title, buf, len) }?;
        // SAFETY: f checked non-NULL; open (caller's guarantee).
        unsafe { write_stream(f, &hexdump::memdump_text(title.as_deref(), data)) };
        Ok(())
    })
}

/// Writes the calling thread's stack to the log (stderr), one frame a line.
#[no_mangle]
pub extern "C" fn rte_dump_stack() {
    ffi_boundary!(Log, "rte_dump_stack", {
        let bt = std::backtrace::Backtrace::force_capture();
        crate::base::log::emit(
            crate::base::log::RTE_LOG_ERR,
            crate::base::log::RTE_LOGTYPE_EAL,
            &format!("EAL: stack trace of thread {}:\n{bt}\n", std::process::id()),
        );
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Version. rtemem reports the DPDK release it implements (ABI 23, behaviour of 22.11.11), so
// that programs comparing rte_version() with the version they were built against agree.
// ---------------------------------------------------------------------------------------------

/// The version string of the DPDK release rtemem implements, e.g. "DPDK 22.11.11".
#[no_mangle]
pub extern "C" fn rte_version() -> *const c_char {
    ffi_boundary!(Log, "rte_version", fail = c"DPDK".as_ptr(), {
        Ok(version::version().as_ptr())
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

/// Cycles per second of the time-stamp counter (measured once, about 0.1 s on first call).
#[no_mangle]
pub extern "C" fn rte_get_tsc_hz() -> u64 {
    ffi_boundary!(Log, "rte_get_tsc_hz", { Ok(cpu::tsc_hz()) })
}

/// Waits `us` microseconds by spinning on the TSC.
#[no_mangle]
pub extern "C" fn rte_delay_us_block(us: c_uint) {
    ffi_boundary!(Log, "rte_delay_us_block", {
        cpu::delay_us_block(us);
        Ok(())
    })
}

/// Waits `us` microseconds by sleeping.
#[no_mangle]
pub extern "C" fn rte_delay_us_sleep(us: c_uint) {
    ffi_boundary!(Log, "rte_delay_us_sleep", {
        std::thread::sleep(Duration::from_micros(u64::from(us)));
        Ok(())
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
    ffi_boundary!(Log, "rte_delay_us_callback_register", {
        match userfunc {
            // SAFETY: a plain store of a function pointer to DPDK's exported variable; DPDK
            // documents the same unsynchronised write, done during setup.
            Some(f) => unsafe { std::ptr::addr_of_mut!(rte_delay_us).write_volatile(f) },
            None => crate::base::log::eal_err(
                "rte_delay_us_callback_register(): userfunc is NULL; kept the current one",
            ),
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Random numbers: per-thread xoshiro256** streams, all derived from one seed. rte_srand()
// changes the seed and its generation; each thread reseeds when it sees a new generation.
// ---------------------------------------------------------------------------------------------

/// Seeds the generator of every thread (each thread draws its own stream from the seed).
#[no_mangle]
pub extern "C" fn rte_srand(seedval: u64) {
    ffi_boundary!(Log, "rte_srand", {
        rand::srand(seedval);
        Ok(())
    })
}

/// A pseudo-random 64-bit number.
#[no_mangle]
pub extern "C" fn rte_rand() -> u64 {
    ffi_boundary!(Log, "rte_rand", { Ok(rand::rand()) })
}

/// A pseudo-random number uniform in [0, upper_bound); 0 when upper_bound is 0.
#[no_mangle]
pub extern "C" fn rte_rand_max(upper_bound: u64) -> u64 {
    ffi_boundary!(Log, "rte_rand_max", { Ok(rand::rand_max(upper_bound)) })
}

/// A pseudo-random double uniform in [0, 1).
#[no_mangle]
pub extern "C" fn rte_drand() -> f64 {
    ffi_boundary!(Log, "rte_drand", { Ok(rand::drand()) })
}

// ---------------------------------------------------------------------------------------------
// CPU features and SIMD width
// ---------------------------------------------------------------------------------------------

/// 1 when the CPU has every instruction set DPDK 22.11's x86-64 build assumes (SSE to
/// SSE4.2), 0 otherwise.
#[no_mangle]
pub extern "C" fn rte_cpu_is_supported() -> c_int {
    ffi_boundary!(Log, "rte_cpu_is_supported", fail = 0, {
        let ok = cpu::is_supported();
        if !ok {
            crate::base::log::eal_err(
                "this CPU lacks an instruction set DPDK's x86-64 build needs (SSE to SSE4.2)",
            );
        }
        Ok(c_int::from(ok))
    })
}

/// The widest SIMD path (in bits) code should use; 256 unless changed.
#[no_mangle]
pub extern "C" fn rte_vect_get_max_simd_bitwidth() -> u16 {
    cpu::max_simd_bitwidth()
}

/// Sets the widest SIMD path: a power of two >= 64 (RTE_VECT_SIMD_*), else -EINVAL.
#[no_mangle]
pub extern "C" fn rte_vect_set_max_simd_bitwidth(bitwidth: u16) -> c_int {
    ffi_boundary!(
        Log,
        "rte_vect_set_max_simd_bitwidth",
        fail = -libc::EINVAL,
        {
            cpu::set_max_simd_bitwidth(bitwidth)?;
            Ok(0)
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strscpy_copies_and_reports_truncation() {
        let mut buf = [0x55 as c_char; 4];
        // SAFETY: buf has 4 bytes; the sources are NUL-terminated literals.
        let n = unsafe { rte_strscpy(buf.as_mut_ptr(), c"abc".as_ptr(), 4) };
        assert_eq!(n, 3);
        // SAFETY: as above.
        let n = unsafe { rte_strscpy(buf.as_mut_ptr(), c"abcd".as_ptr(), 4) };
        assert_eq!(n, -(libc::E2BIG as isize));
        assert_eq!(crate::base::errno::get(), libc::E2BIG);
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
    fn simd_bitwidth_rejects_non_powers_of_two() {
        assert_eq!(rte_vect_set_max_simd_bitwidth(100), -libc::EINVAL);
        assert_eq!(rte_vect_set_max_simd_bitwidth(32), -libc::EINVAL);
        assert_eq!(rte_vect_set_max_simd_bitwidth(128), 0);
        assert_eq!(rte_vect_get_max_simd_bitwidth(), 128);
        assert_eq!(rte_vect_set_max_simd_bitwidth(256), 0);
    }
}
