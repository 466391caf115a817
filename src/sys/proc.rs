//! Processes: liveness of a pid (pidfd), ids.

/// True while the process `pid` runs. A process that has exited counts as dead even before
/// its parent reaps it (a zombie): its parent may itself be waiting for a lock the dead child
/// held, and would never reap it.
pub fn pid_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
    if fd >= 0 {
        // A pidfd polls readable once the whole process has exited.
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait; then we close our own descriptor.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        // SAFETY: as above.
        unsafe { libc::close(fd) };
        return !(n == 1 && p.revents & libc::POLLIN != 0);
    }
    if std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
        return false;
    }
    // No pidfds (old kernel, seccomp): existence, zombies included.
    // SAFETY: signal 0 only checks existence and permission.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// True when the process runs as root (effective uid 0).
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The calling thread's kernel thread id.
#[inline]
pub fn gettid() -> i32 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() }
}

/// Loads the shared object at `path` with `RTLD_NOW | RTLD_GLOBAL` and keeps it loaded for the
/// process lifetime (its constructors run now). Err holds `dlerror()`'s text.
pub fn dlopen_global(path: &std::path::Path) -> std::result::Result<(), String> {
    use std::ffi::{CStr, CString};
    let c = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| "the path contains a NUL byte".to_string())?;
    // SAFETY: c is a valid C string. dlopen runs the object's constructors, which is the point
    // of loading it; the handle is never closed.
    let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if !h.is_null() {
        return Ok(());
    }
    // SAFETY: dlerror returns NULL or a C string valid until the next dl* call on this thread,
    // copied at once.
    let why = unsafe {
        let e = libc::dlerror();
        if e.is_null() {
            "unknown error".to_string()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    };
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_pid_is_alive_and_pid_zero_is_not() {
        assert!(pid_alive(std::process::id() as i32));
        assert!(!pid_alive(0));
        assert!(!pid_alive(-1));
        assert!(gettid() > 0);
    }

    #[test]
    fn dlopen_of_a_missing_object_says_why() {
        let e = dlopen_global(std::path::Path::new("/nonexistent/librtemem-none.so")).unwrap_err();
        assert!(e.contains("librtemem-none.so"), "{e}");
    }
}
