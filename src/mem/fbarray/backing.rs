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
//! the array contents are guarded by the array's rwlock. The OS calls go through `sys`.

use std::ffi::{c_void, OsStr};
use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::err;
use crate::error::{Error, Result};
use crate::sys::{self, LockMode};

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
    fd: Option<File>,
    path: Option<PathBuf>,
}

static AREAS: Mutex<Vec<MemArea>> = Mutex::new(Vec::new());

fn areas() -> std::sync::MutexGuard<'static, Vec<MemArea>> {
    // A panic while holding the list cannot leave it half-edited (pushes and removes are
    // single operations), so a poisoned lock is still usable.
    AREAS.lock().unwrap_or_else(|p| p.into_inner())
}

fn last_os_error(what: impl std::fmt::Display) -> Error {
    Error::os(what, std::io::Error::last_os_error())
}

/// Reserves `len` bytes of address space (PROT_NONE). With `at`, the range must start there
/// (DPDK's `eal_get_virtual_area` with a required address): otherwise `EADDRNOTAVAIL`.
fn reserve(at: *mut c_void, len: usize) -> Result<*mut c_void> {
    let p = sys::reserve_near(at as usize, len).map_err(|e| {
        Error::os(
            format_args!("cannot reserve {len:#x} bytes of address space"),
            e,
        )
    })? as *mut c_void;
    if !at.is_null() && p != at {
        unmap(p, len);
        return Err(err!(
            libc::EADDRNOTAVAIL,
            "cannot reserve {len:#x} bytes at {at:p} (got {p:p}): the range is in use in this process"
        ));
    }
    Ok(p)
}

/// Maps `file` (or anonymous memory when `file` is None) read-write over the reservation at
/// `addr`.
fn map_over(addr: *mut c_void, len: usize, file: Option<&File>) -> Result<()> {
    // SAFETY: the range [addr, addr + len) was reserved by this module a moment ago and nothing
    // else uses it.
    unsafe { sys::map_over(addr as usize, len, file.map(|f| f.as_raw_fd())) }
        .map_err(|_| last_os_error(format_args!("cannot map {len:#x} bytes at {addr:p}")))
}

fn unmap(addr: *mut c_void, len: usize) {
    // SAFETY: callers pass a range this module mapped and that no live reference points into
    // (the array is being torn down or was never handed out).
    unsafe { sys::unreserve(addr as usize, len) };
}

fn open(path: &Path, create: bool) -> Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::os(format_args!("cannot open {}", path.display()), e))
}

/// Non-blocking `flock` of `mode` (taken or converted), the errno of the failure otherwise.
fn flock(file: &File, mode: LockMode, path: &Path) -> Result<()> {
    sys::flock_file(file, mode, false)
        .map_err(|e| Error::os(format_args!("cannot lock {}", path.display()), e))
}

fn truncate(file: &File, len: usize, path: &Path) -> Result<()> {
    let l = u64::try_from(len).map_err(|_| err!(libc::EFBIG, "{len:#x} bytes is too big"))?;
    file.set_len(l)
        .map_err(|e| Error::os(format_args!("cannot size {}", path.display()), e))
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
            flock(&fd, LockMode::Exclusive, path).map_err(|e| {
                err!(
                    libc::EBUSY,
                    "{}: another process is using this array ({})",
                    path.display(),
                    e.msg
                )
            })?;
            // Then shared, so others may attach but nobody may initialize it again.
            flock(&fd, LockMode::Shared, path)?;
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
        flock(&fd, LockMode::Shared, path)?;
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
        flock(fd, LockMode::Exclusive, path).map_err(|e| {
            err!(
                libc::EBUSY,
                "cannot destroy {}: another process is using it ({})",
                path.display(),
                e.msg
            )
        })?;
        if let Err(e) = std::fs::remove_file(path) {
            // Keep what we had: the shared lock.
            let _ = flock(fd, LockMode::Shared, path);
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
