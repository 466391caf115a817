//! Processes: ids, pidfds and pid existence (the sync layer builds holder liveness on them),
//! the fork hook, the environment without allocating, signals to oneself, `dlopen`, the user's
//! home directory, local time.

/// This process's pid (the kernel's answer: right in the child of a fork too).
#[inline]
pub fn getpid() -> i32 {
    // SAFETY: getpid has no preconditions and cannot fail.
    unsafe { libc::getpid() }
}

/// A pidfd for process `pid` (`pidfd_open(2)`): it keeps naming that process, whatever later
/// gets its pid. Err carries the OS error: ESRCH when no process has the pid, ENOSYS/EPERM
/// where pidfds are missing or filtered. Allocates nothing (callers run in a fork's child).
pub fn pidfd_open(pid: i32) -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fd is a descriptor we just opened and own.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// True when the process behind `pidfd` has exited, reaped or not (a pidfd polls readable
/// then). Does not wait.
pub fn pidfd_exited(pidfd: &impl std::os::fd::AsRawFd) -> bool {
    let mut p = libc::pollfd {
        fd: pidfd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no wait.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    n == 1 && p.revents & libc::POLLIN != 0
}

/// True when a process (a zombie included) has pid `pid`: `kill(pid, 0)` succeeds or is
/// refused for permission.
pub fn pid_exists(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks existence and permission.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Registers `handler` to run in the child after every later `fork` (`pthread_atfork`'s child
/// hook). The handler runs in a possibly multithreaded parent's child: it must be
/// async-signal-safe in spirit (no locks, no allocation).
pub fn on_fork_in_child(handler: extern "C" fn()) {
    // SAFETY: registers a plain extern "C" function with no prepare/parent hooks; it fails only
    // with ENOMEM, and then the handler simply does not run (callers' state stays the parent's).
    unsafe { libc::pthread_atfork(None, None, Some(handler)) };
}

/// Calls `f` with the bytes of environment variable `name` (None when unset), without
/// allocating or copying: usable in the child of a fork. The environment must not change
/// while `f` runs (as with `getenv`).
pub fn with_env<R>(name: &std::ffi::CStr, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
    // SAFETY: name is NUL-terminated; getenv returns NULL or a C string that stays valid until
    // the environment changes, and the borrow handed to `f` ends before we return.
    let v = unsafe { libc::getenv(name.as_ptr()) };
    if v.is_null() {
        return f(None);
    }
    // SAFETY: non-NULL and NUL-terminated (getenv's contract).
    f(Some(unsafe { std::ffi::CStr::from_ptr(v) }.to_bytes()))
}

/// Sends signal `sig` to the calling thread (`raise(3)`): SIGSTOP stops the whole process,
/// SIGKILL ends it.
pub fn raise(sig: i32) {
    // SAFETY: raise only sends a signal to this process.
    unsafe { libc::raise(sig) };
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

/// The pids of the processes that hold an open descriptor on `target`, found under
/// `proc_root` (normally `/proc`), ascending. Entries that vanish or cannot be read are skipped.
/// Files are compared by device and inode, so paths through symlinks (`/var/run` -> `/run`)
/// still match.
pub fn holders_of(proc_root: &std::path::Path, target: &std::path::Path) -> Vec<i32> {
    use std::os::unix::fs::MetadataExt;
    let mut pids = Vec::new();
    let Ok(want) = std::fs::metadata(target).map(|m| (m.dev(), m.ino())) else {
        return pids;
    };
    let Ok(dir) = std::fs::read_dir(proc_root) else {
        return pids;
    };
    for ent in dir.flatten() {
        let Some(pid) = ent
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
            .filter(|&p| p > 0)
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(ent.path().join("fd")) else {
            continue;
        };
        if fds
            .flatten()
            // metadata() follows the fd link to the open file (stat, no open: never blocks).
            .any(|fd| std::fs::metadata(fd.path()).is_ok_and(|m| (m.dev(), m.ino()) == want))
        {
            pids.push(pid);
        }
    }
    pids.sort_unstable();
    pids
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn holders_of_finds_this_process_holding_a_file() {
        let dir = std::env::temp_dir().join(format!("rtemem-info-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config");
        let f = std::fs::File::create(&path).unwrap();
        let me = std::process::id() as i32;
        assert!(holders_of(Path::new("/proc"), &path).contains(&me));
        drop(f);
        assert!(!holders_of(Path::new("/proc"), &path).contains(&me));
        // Through a symlinked directory, as /var/run -> /run.
        let f = std::fs::File::open(&path).unwrap();
        let link = dir.with_extension("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(holders_of(Path::new("/proc"), &link.join("config")).contains(&me));
        drop(f);
        std::fs::remove_file(&link).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn holders_of_a_missing_proc_root_is_empty() {
        assert!(holders_of(Path::new("/nonexistent-proc"), Path::new("/x")).is_empty());
    }

    #[test]
    fn own_pid_exists_and_pid_zero_does_not() {
        assert_eq!(getpid(), std::process::id() as i32);
        assert!(pid_exists(getpid()));
        assert!(!pid_exists(0));
        assert!(!pid_exists(-1));
        assert!(gettid() > 0);
    }

    #[test]
    fn a_pidfd_tells_when_its_process_exits_even_unreaped() {
        let me = pidfd_open(getpid()).unwrap();
        assert!(!pidfd_exited(&me));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let fd = pidfd_open(child.id() as i32).unwrap();
        let t0 = std::time::Instant::now();
        while !pidfd_exited(&fd) {
            assert!(
                t0.elapsed() < std::time::Duration::from_secs(10),
                "child never exited"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(pid_exists(child.id() as i32), "a zombie still has its pid");
        child.wait().unwrap();
        assert_eq!(
            pidfd_open(i32::MAX).unwrap_err().raw_os_error(),
            Some(libc::ESRCH)
        );
    }

    #[test]
    fn with_env_lends_the_value_or_none() {
        assert_eq!(
            with_env(c"PATH", |v| v.map(<[u8]>::to_vec)),
            std::env::var_os("PATH").map(|p| p.into_encoded_bytes())
        );
        assert!(with_env(c"RTEMEM_SURELY_UNSET_VARIABLE", |v| v.is_none()));
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
