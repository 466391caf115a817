//! Where an fbarray's bytes live: a reserved virtual area with either anonymous memory or a
//! file in the runtime directory mapped over it, and the process-local list of areas this
//! process has created or attached (DPDK's `mem_area` tailq).
//!
//! DPDK's protocol, reproduced here:
//! * init reserves `data_size()` bytes of address space (PROT_NONE), then either maps private
//!   anonymous memory over it (`--no-shconf`, `--in-memory`) or opens/creates
//!   `<runtime dir>/fbarray_<name>`, takes an exclusive `flock` (failing with `EBUSY` when any
//!   process holds a lock on it), downgrades to a shared lock, sizes the file and maps it
//!   shared at the reserved address;
//! * attach reserves exactly the address recorded in the struct (`EADDRNOTAVAIL` when that
//!   range is taken), opens the existing file, takes a shared lock and maps it there;
//! * destroy converts its shared lock to exclusive (`EBUSY` while anyone else holds the file),
//!   unlinks the file and unmaps; detach just unmaps and closes.
//!
//! The areas list is guarded by a mutex and only holds addresses, lengths and descriptors;
//! the array contents are guarded by the array's rwlock. This module (with `mask` reading the
//! words) is the only part of `fbarray` that calls into libc.

use std::ffi::{c_void, OsStr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::err;
use crate::error::{Error, Result};

/// How a new array is backed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backing {
    /// Private anonymous memory: the array lives in this process only and cannot be attached
    /// (DPDK with `--no-shconf` or `--in-memory`).
    Anonymous,
    /// A file mapped shared; other processes attach to it by the same path.
    File(PathBuf),
}

impl Backing {
    /// The backing DPDK would use for an array called `name` in this process: the file
    /// `fbarray_<name>` in the runtime directory, or anonymous memory when the EAL runs without
    /// shared config (`--no-shconf`, `--in-memory`) or has not created a runtime dir yet.
    pub fn for_name(name: &[u8]) -> Backing {
        if let Some(cfg) = crate::config::get() {
            if cfg.no_shconf || cfg.in_memory {
                return Backing::Anonymous;
            }
        }
        match file_path(name) {
            Some(p) => Backing::File(p),
            None => Backing::Anonymous,
        }
    }
}

/// `<runtime dir>/fbarray_<name>` (DPDK's `eal_get_fbarray_path`), None before the runtime
/// directory exists.
pub fn file_path(name: &[u8]) -> Option<PathBuf> {
    let mut file = b"fbarray_".to_vec();
    file.extend_from_slice(name);
    crate::base::runtime::dir().map(|d| d.join(OsStr::from_bytes(&file)))
}

/// One mapping this process made for an array.
struct MemArea {
    addr: usize,
    len: usize,
    fd: Option<OwnedFd>,
    path: Option<PathBuf>,
}

static AREAS: Mutex<Vec<MemArea>> = Mutex::new(Vec::new());

fn areas() -> std::sync::MutexGuard<'static, Vec<MemArea>> {
    // A panic while holding the list cannot leave it half-edited (pushes and removes are
    // single operations), so a poisoned lock is still usable.
    AREAS.lock().unwrap_or_else(|p| p.into_inner())
}

/// The system page size.
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let v = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(v).ok().filter(|&p| p > 0).unwrap_or(4096)
}

fn last_os_error(what: impl std::fmt::Display) -> Error {
    Error::os(what, std::io::Error::last_os_error())
}

/// Reserves `len` bytes of address space (PROT_NONE). With `at`, the range must start there
/// (DPDK's `eal_get_virtual_area` with a required address): otherwise `EADDRNOTAVAIL`.
fn reserve(at: *mut c_void, len: usize) -> Result<*mut c_void> {
    // SAFETY: a mapping without MAP_FIXED never replaces an existing one; the kernel picks a
    // free range (using `at` only as a hint).
    let p = unsafe {
        libc::mmap(
            at,
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(last_os_error(format_args!(
            "cannot reserve {len:#x} bytes of address space"
        )));
    }
    if !at.is_null() && p != at {
        unmap(p, len);
        return Err(err!(
            libc::EADDRNOTAVAIL,
            "cannot reserve {len:#x} bytes at {at:p} (got {p:p}): the range is in use in this process"
        ));
    }
    Ok(p)
}

/// Maps `fd` (or anonymous memory when `fd` is None) read-write over the reservation at `addr`.
fn map_over(addr: *mut c_void, len: usize, fd: Option<&OwnedFd>) -> Result<()> {
    let (flags, raw) = match fd {
        Some(f) => (libc::MAP_SHARED | libc::MAP_FIXED, f.as_raw_fd()),
        None => (
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
            -1,
        ),
    };
    // SAFETY: MAP_FIXED replaces only [addr, addr + len), which this module reserved itself
    // a moment ago and which nothing else uses.
    let p = unsafe { libc::mmap(addr, len, libc::PROT_READ | libc::PROT_WRITE, flags, raw, 0) };
    if p == libc::MAP_FAILED {
        return Err(last_os_error(format_args!(
            "cannot map {len:#x} bytes at {addr:p}"
        )));
    }
    debug_assert_eq!(p, addr, "MAP_FIXED returned another address");
    Ok(())
}

fn unmap(addr: *mut c_void, len: usize) {
    // SAFETY: callers pass a range this module mapped and that no live reference points into
    // (the array is being torn down or was never handed out).
    unsafe { libc::munmap(addr, len) };
}

fn open(path: &Path, create: bool) -> Result<OwnedFd> {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| err!(libc::EINVAL, "path {} contains a NUL byte", path.display()))?;
    let mut flags = libc::O_RDWR | libc::O_CLOEXEC;
    if create {
        flags |= libc::O_CREAT;
    }
    // SAFETY: `c` is a valid NUL-terminated path.
    let fd = unsafe { libc::open(c.as_ptr(), flags, 0o600 as libc::c_uint) };
    if fd < 0 {
        return Err(last_os_error(format_args!(
            "cannot open {}",
            path.display()
        )));
    }
    // SAFETY: `fd` was just returned by open and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Non-blocking `flock` (`LOCK_SH`, `LOCK_EX`), the errno of the failure otherwise.
fn flock(fd: &OwnedFd, op: libc::c_int, path: &Path) -> Result<()> {
    // SAFETY: `fd` is an open descriptor.
    if unsafe { libc::flock(fd.as_raw_fd(), op | libc::LOCK_NB) } != 0 {
        return Err(last_os_error(format_args!(
            "cannot lock {}",
            path.display()
        )));
    }
    Ok(())
}

fn truncate(fd: &OwnedFd, len: usize, path: &Path) -> Result<()> {
    let l =
        libc::off_t::try_from(len).map_err(|_| err!(libc::EFBIG, "{len:#x} bytes is too big"))?;
    // SAFETY: `fd` is an open descriptor.
    if unsafe { libc::ftruncate(fd.as_raw_fd(), l) } != 0 {
        return Err(last_os_error(format_args!(
            "cannot size {}",
            path.display()
        )));
    }
    Ok(())
}

/// Creates the backing of a new array of `len` bytes (page-aligned) and returns its address.
/// The memory is zeroed.
pub(crate) fn create(len: usize, backing: &Backing) -> Result<*mut c_void> {
    let addr = reserve(std::ptr::null_mut(), len)?;
    let mut list = areas();
    let res = (|| match backing {
        Backing::Anonymous => map_over(addr, len, None).map(|_| (None, None)),
        Backing::File(path) => {
            let fd = open(path, true)?;
            // Exclusive first: fails while any process has the file (initialized or attached).
            flock(&fd, libc::LOCK_EX, path).map_err(|e| {
                err!(
                    libc::EBUSY,
                    "{}: another process is using this array ({})",
                    path.display(),
                    e.msg
                )
            })?;
            // Then shared, so others may attach but nobody may initialize it again.
            flock(&fd, libc::LOCK_SH, path)?;
            truncate(&fd, len, path)?;
            map_over(addr, len, Some(&fd))?;
            Ok((Some(fd), Some(path.clone())))
        }
    })();
    match res {
        Ok((fd, path)) => {
            // SAFETY: [addr, addr + len) was just mapped read-write by this function.
            unsafe { std::ptr::write_bytes(addr.cast::<u8>(), 0, len) };
            list.push(MemArea {
                addr: addr as usize,
                len,
                fd,
                path,
            });
            Ok(addr)
        }
        Err(e) => {
            unmap(addr, len);
            Err(e)
        }
    }
}

/// Maps an existing file-backed array at `at` (the address recorded in its struct; NULL lets
/// the kernel choose, as DPDK does). `path` None (no file can exist: no runtime dir, or no
/// shared config) fails with `ENOENT` where DPDK's open of the missing file would, i.e.
/// after the overlap check and the reservation.
pub(crate) fn attach(at: *mut c_void, len: usize, path: Option<&Path>) -> Result<*mut c_void> {
    let mut list = areas();
    let start = at as usize;
    let end = start.wrapping_add(len);
    // DPDK's overlap test: the new range's start inside an area, or its end strictly inside.
    // A range that swallows an area whole passes here and fails at the reservation instead.
    if list.iter().any(|a| {
        let a_end = a.addr + a.len;
        (start >= a.addr && start < a_end) || (end > a.addr && end < a_end)
    }) {
        return Err(err!(
            libc::EEXIST,
            "{at:p} is already mapped for an array in this process"
        ));
    }
    let addr = reserve(at, len)?;
    let res = (|| {
        let path = path.ok_or_else(|| {
            err!(
                libc::ENOENT,
                "the array has no file to attach to: no runtime directory, or the EAL runs with --no-shconf/--in-memory"
            )
        })?;
        let fd = open(path, false)?;
        flock(&fd, libc::LOCK_SH, path)?;
        truncate(&fd, len, path)?;
        map_over(addr, len, Some(&fd))?;
        Ok((fd, path.to_path_buf()))
    })();
    match res {
        Ok((fd, path)) => {
            list.push(MemArea {
                addr: addr as usize,
                len,
                fd: Some(fd),
                path: Some(path),
            });
            Ok(addr)
        }
        Err(e) => {
            unmap(addr, len);
            Err(e)
        }
    }
}

fn position(list: &[MemArea], addr: *mut c_void, len: usize) -> Result<usize> {
    list.iter()
        .position(|a| a.addr == addr as usize && a.len == len)
        .ok_or_else(|| {
            err!(
                libc::ENOENT,
                "no array of {len:#x} bytes is mapped at {addr:p} in this process"
            )
        })
}

/// Unmaps this process's view of the array at `addr` and closes its file.
pub(crate) fn detach(addr: *mut c_void, len: usize) -> Result<()> {
    let mut list = areas();
    let i = position(&list, addr, len)?;
    unmap(addr, len);
    list.swap_remove(i); // closes the descriptor, dropping this process's lock
    Ok(())
}

/// Removes the array at `addr`: refuses with `EBUSY` while another process has it, then
/// deletes its file and unmaps it. The caller clears the struct afterwards.
pub(crate) fn destroy(addr: *mut c_void, len: usize) -> Result<()> {
    let mut list = areas();
    let i = position(&list, addr, len)?;
    if let (Some(fd), Some(path)) = (&list[i].fd, &list[i].path) {
        flock(fd, libc::LOCK_EX, path).map_err(|e| {
            err!(
                libc::EBUSY,
                "cannot destroy {}: another process is using it ({})",
                path.display(),
                e.msg
            )
        })?;
        if let Err(e) = std::fs::remove_file(path) {
            // Keep what we had: the shared lock.
            let _ = flock(fd, libc::LOCK_SH, path);
            return Err(Error::os(
                format_args!("cannot unlink {}", path.display()),
                e,
            ));
        }
    }
    unmap(addr, len);
    list.swap_remove(i);
    Ok(())
}
