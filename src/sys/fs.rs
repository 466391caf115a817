//! Files: open-file-description (OFD) locks on the shared config, `flock` locks on files and
//! directories (the one `flock` of the crate: std's `File::lock` family, which is `flock(2)`
//! and leaves the descriptor with its owner), a descriptor's identity, and a small read that
//! allocates nothing.
//!
//! OFD locks belong to the open file, not to the process, so closing an unrelated descriptor of
//! the same file never drops them, and they vanish when the holder dies: that is how a new
//! primary tells a live owner from a crashed one.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

fn last_os(what: &str) -> Error {
    Error::os(what, std::io::Error::last_os_error())
}

fn ofd_flock(kind: i32) -> libc::flock {
    libc::flock {
        l_type: kind as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: 0,
        l_len: 0,
        l_pid: 0,
    }
}

/// Takes an OFD lock on the whole file without waiting. Returns false when another open file
/// description holds a conflicting lock.
pub fn ofd_try_lock(fd: &impl AsRawFd, exclusive: bool) -> Result<bool> {
    let fl = ofd_flock(if exclusive {
        libc::F_WRLCK
    } else {
        libc::F_RDLCK
    });
    // SAFETY: F_OFD_SETLK reads the flock struct we pass; fd is a valid open descriptor.
    let r = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_OFD_SETLK, &fl) };
    if r == 0 {
        return Ok(true);
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
        _ => Err(last_os("fcntl(F_OFD_SETLK)")),
    }
}

/// True when some open file description holds a lock that conflicts with `exclusive`.
pub fn ofd_is_locked(fd: &impl AsRawFd, exclusive: bool) -> Result<bool> {
    let mut fl = ofd_flock(if exclusive {
        libc::F_WRLCK
    } else {
        libc::F_RDLCK
    });
    // SAFETY: F_OFD_GETLK writes into the flock struct we own; fd is valid.
    let r = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_OFD_GETLK, &mut fl) };
    if r != 0 {
        return Err(last_os("fcntl(F_OFD_GETLK)"));
    }
    Ok(fl.l_type != libc::F_UNLCK as libc::c_short)
}

/// How an `flock` lock is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Any number of holders.
    Shared,
    /// One holder.
    Exclusive,
}

/// Takes (or converts to) an `flock(2)` lock of `mode` on `file`. With `wait` it blocks until
/// it gets it (retrying when a signal interrupts); without, a conflicting holder gives
/// `EWOULDBLOCK`. The lock belongs to the open file: it lasts until the file is closed (every
/// descriptor of it) or the lock is converted.
pub fn flock_file(file: &File, mode: LockMode, wait: bool) -> io::Result<()> {
    loop {
        let r = match (mode, wait) {
            (LockMode::Shared, true) => file.lock_shared(),
            (LockMode::Exclusive, true) => file.lock(),
            (LockMode::Shared, false) => file.try_lock_shared().map_err(would_block),
            (LockMode::Exclusive, false) => file.try_lock().map_err(would_block),
        };
        match r {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

fn would_block(e: std::fs::TryLockError) -> io::Error {
    match e {
        std::fs::TryLockError::WouldBlock => io::Error::from_raw_os_error(libc::EWOULDBLOCK),
        std::fs::TryLockError::Error(e) => e,
    }
}

/// A directory held with an `flock` lock, released when this is dropped (the runtime directory
/// while IPC sockets come and go; a hugetlbfs mount while page files are created or swept).
#[derive(Debug)]
pub struct DirLock {
    _dir: File,
}

impl DirLock {
    /// Locks `dir`, waiting for conflicting holders.
    pub fn lock(dir: &Path, mode: LockMode) -> Result<DirLock> {
        let f =
            File::open(dir).map_err(|e| Error::os(format!("cannot open {}", dir.display()), e))?;
        flock_file(&f, mode, true)
            .map_err(|e| Error::os(format!("cannot lock {}", dir.display()), e))?;
        Ok(DirLock { _dir: f })
    }

    /// Locks `dir`, retrying while another holder conflicts until `wait` has passed: None then.
    pub fn lock_within(dir: &Path, mode: LockMode, wait: Duration) -> Result<Option<DirLock>> {
        let f =
            File::open(dir).map_err(|e| Error::os(format!("cannot open {}", dir.display()), e))?;
        let deadline = Instant::now() + wait;
        loop {
            match flock_file(&f, mode, false) {
                Ok(()) => return Ok(Some(DirLock { _dir: f })),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(Error::os(format!("cannot lock {}", dir.display()), e)),
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// The (inode, device) of the file open on `fd`.
pub fn fd_identity(fd: RawFd) -> Option<(u64, u64)> {
    // SAFETY: all-zero is a valid stat buffer; fstat writes it for a valid descriptor and
    // fails (leaving it alone) otherwise.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    (unsafe { libc::fstat(fd, &mut st) } == 0).then_some((st.st_ino, st.st_dev))
}

/// Reads the file at `path` into `buf` (as much as fits) without allocating: usable in the
/// child of a fork (the sync layer reads `/proc/<pid>/stat` this way). Returns the bytes read,
/// None when the file cannot be opened.
pub fn read_into(path: &std::ffi::CStr, buf: &mut [u8]) -> Option<usize> {
    // SAFETY: path is NUL-terminated.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return None;
    }
    let mut len = 0;
    while len < buf.len() {
        // SAFETY: reading into the unused tail of the caller's buffer.
        let r = unsafe { libc::read(fd, buf[len..].as_mut_ptr().cast(), buf.len() - len) };
        if r <= 0 {
            break;
        }
        len += r as usize;
    }
    // SAFETY: closing the descriptor opened above, which nothing else uses.
    unsafe { libc::close(fd) };
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

    #[test]
    fn read_into_reads_what_fits_and_says_when_it_cannot_open() {
        let mut buf = [0u8; 64];
        let n = read_into(c"/proc/self/stat", &mut buf).unwrap();
        let want = std::fs::read("/proc/self/stat").unwrap();
        assert_eq!(n, want.len().min(64));
        assert_eq!(&buf[..20], &want[..20]);
        let mut small = [0u8; 3];
        assert_eq!(read_into(c"/proc/self/stat", &mut small), Some(3));
        assert_eq!(read_into(c"/nonexistent/rtemem", &mut buf), None);
    }

    #[test]
    fn ofd_lock_conflicts_between_open_files_of_one_process() {
        let path = std::env::temp_dir().join(format!("rtemem-ofd-{}", std::process::id()));
        let a = OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let b = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        assert!(ofd_try_lock(&a, true).unwrap());
        assert!(
            !ofd_try_lock(&b, true).unwrap(),
            "a second open file must not get the write lock"
        );
        assert!(ofd_is_locked(&b, false).unwrap());
        drop(a);
        assert!(
            ofd_try_lock(&b, true).unwrap(),
            "the lock goes away with its open file"
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn flock_conflicts_between_open_files_and_converts() {
        let path = std::env::temp_dir().join(format!("rtemem-flock-{}", std::process::id()));
        let a = File::create(&path).unwrap();
        let b = File::open(&path).unwrap();
        flock_file(&a, LockMode::Exclusive, false).unwrap();
        let e = flock_file(&b, LockMode::Shared, false).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EWOULDBLOCK));
        flock_file(&a, LockMode::Shared, false).unwrap();
        flock_file(&b, LockMode::Shared, false).unwrap();
        assert!(flock_file(&a, LockMode::Exclusive, false).is_err());
        drop(b);
        flock_file(&a, LockMode::Exclusive, true).unwrap();
        assert_eq!(fd_identity(a.as_raw_fd()).map(|(i, _)| i), {
            use std::os::unix::fs::MetadataExt;
            Some(std::fs::metadata(&path).unwrap().ino())
        });
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn dir_lock_excludes_until_dropped() {
        let dir = std::env::temp_dir().join(format!("rtemem-dirlock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let held = DirLock::lock(&dir, LockMode::Exclusive).unwrap();
        let none = DirLock::lock_within(&dir, LockMode::Shared, Duration::from_millis(20)).unwrap();
        assert!(none.is_none());
        drop(held);
        assert!(DirLock::lock_within(&dir, LockMode::Shared, Duration::ZERO)
            .unwrap()
            .is_some());
        std::fs::remove_dir(&dir).unwrap();
    }
}
