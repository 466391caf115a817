//! Processes: liveness of a pid (pidfd), ids, `dlopen`, the user's home directory, local time.

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

/// The home directory of the real user from the password database (`getpwuid_r`), for when
/// `$HOME` is not set.
pub fn passwd_home() -> Option<std::path::PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut buf = vec![0u8; 16384];
    // SAFETY: passwd is a plain C struct for which all-zero bytes are a valid value.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is to live storage of the size passed; getuid cannot fail.
    let rc = unsafe {
        libc::getpwuid_r(
            libc::getuid(),
            &mut pw,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut out,
        )
    };
    if rc != 0 || out.is_null() || pw.pw_dir.is_null() {
        return None;
    }
    // SAFETY: on success pw_dir is a NUL-terminated string inside `buf`, alive here.
    let dir = unsafe { std::ffi::CStr::from_ptr(pw.pw_dir) };
    Some(std::ffi::OsStr::from_bytes(dir.to_bytes()).into())
}

/// The local time now, formatted by `strftime` with `fmt` (at most 127 bytes of output).
/// None when the time cannot be had or formatted.
pub fn local_time(fmt: &std::ffi::CStr) -> Option<String> {
    // SAFETY: time with a NULL argument only returns the time.
    let now = unsafe { libc::time(std::ptr::null_mut()) };
    if now == -1 {
        return None;
    }
    // SAFETY: tm is a plain C struct for which all-zero bytes are a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live values; localtime_r is the thread-safe form.
    if unsafe { libc::localtime_r(&now, &mut tm) }.is_null() {
        return None;
    }
    let mut buf = [0u8; 128];
    // SAFETY: buf is writable for its length, fmt is NUL-terminated, tm was filled above.
    let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), buf.len(), fmt.as_ptr(), &tm) };
    (n > 0).then(|| String::from_utf8_lossy(&buf[..n]).into_owned())
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

    #[test]
    fn local_time_formats_and_home_is_found() {
        let y = local_time(c"%Y").unwrap();
        assert_eq!(y.len(), 4);
        assert!(y.starts_with("20"));
        assert!(local_time(c"").is_none(), "empty output is None");
        assert!(passwd_home().is_some_and(|h| h.is_absolute()));
    }
}
