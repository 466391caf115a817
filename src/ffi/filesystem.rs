//! The file helpers DPDK's bus drivers import from the EAL (`eal_filesystem.h`,
//! `eal_firmware.h`, private headers of DPDK): one number from a sysfs file, and a firmware
//! file's content.
//!
//! DPDK's contract: -1 on failure, `rte_errno` untouched. A sysfs file that cannot be read or
//! parsed gets an ERR line (as in DPDK); a firmware file that is not there is an answer
//! (drivers try several names), logged at DEBUG. NULL pointers get an ERR line.

use std::ffi::{c_char, c_int, c_ulong, c_void, CStr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::base::util::fs;
use crate::error::Error;
use crate::ffi::Mode;

/// Reads the number (decimal, 0x hex or 0 octal) on the first line of `filename` into
/// `*val`. 0, or -1 when the file cannot be opened or read or does not hold a number ended by
/// a newline.
///
/// # Safety
/// `filename` is NULL or a NUL-terminated string; `val` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn eal_parse_sysfs_value(
    filename: *const c_char,
    val: *mut c_ulong,
) -> c_int {
    ffi_boundary!(LogOnly, "eal_parse_sysfs_value", {
        if filename.is_null() || val.is_null() {
            return Err(Error::new(libc::EINVAL, "filename or val is NULL"));
        }
        // SAFETY: NUL-terminated (caller's guarantee).
        let name = unsafe { CStr::from_ptr(filename) };
        let v = fs::parse_sysfs_value(Path::new(std::ffi::OsStr::from_bytes(name.to_bytes())))?;
        // SAFETY: checked non-NULL; writable (caller's guarantee).
        unsafe { val.write(v as c_ulong) };
        Ok(0)
    })
}

/// Reads the whole of firmware file `name` into a buffer from the C library's `malloc`
/// (the caller frees it with `free`) and stores it in `*buf` and its size in `*bufsz`. 0, or
/// -1 with `*buf` NULL and `*bufsz` 0. A compressed `name.xz`/`name.zst` is reported, not
/// read (no decompressor, as in Debian's DPDK).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `buf` and `bufsz` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rte_firmware_read(
    name: *const c_char,
    buf: *mut *mut c_void,
    bufsz: *mut usize,
) -> c_int {
    let mode = Mode::Per(|e| {
        if e.errno == libc::EFAULT {
            Mode::LogOnly
        } else {
            Mode::Debug
        }
    });
    ffi_boundary!(mode, "rte_firmware_read", {
        if name.is_null() || buf.is_null() || bufsz.is_null() {
            return Err(Error::new(libc::EFAULT, "name, buf or bufsz is NULL"));
        }
        // SAFETY: both writable (caller's guarantee).
        unsafe {
            buf.write(std::ptr::null_mut());
            bufsz.write(0);
        }
        // SAFETY: NUL-terminated (caller's guarantee).
        let name = unsafe { CStr::from_ptr(name) };
        let data = fs::firmware_read(Path::new(std::ffi::OsStr::from_bytes(name.to_bytes())))?;
        // At least one byte, so that an empty file still gives a buffer to free.
        let p = crate::sys::c_malloc(data.len().max(1));
        if p.is_null() {
            return Err(Error::new(libc::ENOMEM, "out of memory for the firmware"));
        }
        // SAFETY: p has data.len() writable bytes; buf and bufsz are writable.
        unsafe {
            std::ptr::copy_nonoverlapping(data.as_ptr(), p.cast::<u8>(), data.len());
            buf.write(p);
            bufsz.write(data.len());
        }
        Ok(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysfs_value_and_firmware_through_c() {
        let mut v: c_ulong = 0;
        // SAFETY: valid strings and writable outputs; NULLs are checked.
        unsafe {
            assert_eq!(
                eal_parse_sysfs_value(c"/proc/self/comm".as_ptr(), &mut v),
                -1
            );
            assert_eq!(eal_parse_sysfs_value(c"/nonexistent".as_ptr(), &mut v), -1);
            assert_eq!(eal_parse_sysfs_value(std::ptr::null(), &mut v), -1);
            assert_eq!(
                eal_parse_sysfs_value(c"/proc/sys/kernel/pid_max".as_ptr(), &mut v),
                0
            );
            assert!(v > 0);
            let mut b: *mut c_void = std::ptr::dangling_mut();
            let mut n = 5usize;
            assert_eq!(
                rte_firmware_read(c"/nonexistent".as_ptr(), &mut b, &mut n),
                -1
            );
            assert!(b.is_null() && n == 0);
            assert_eq!(
                rte_firmware_read(c"/proc/self/cmdline".as_ptr(), &mut b, &mut n),
                0
            );
            assert!(!b.is_null() && n > 0);
            crate::sys::c_free(b);
            assert_eq!(rte_firmware_read(std::ptr::null(), &mut b, &mut n), -1);
        }
    }
}
