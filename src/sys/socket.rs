//! Unix datagram sockets that carry file descriptors (`SCM_RIGHTS`), for `rte_mp` IPC, and
//! `poll` on one descriptor.

use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

fn sockaddr(path: &Path) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: sockaddr_un is plain data; all-zero is a valid (empty) value.
    let mut sa: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    sa.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_os_str().as_bytes();
    if bytes.len() >= sa.sun_path.len() || bytes.contains(&0) {
        return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
    }
    for (d, s) in sa.sun_path.iter_mut().zip(bytes) {
        *d = *s as libc::c_char;
    }
    Ok((
        sa,
        std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
    ))
}

/// Creates a unix datagram socket bound to `path` (removing a stale file first, as DPDK does).
pub fn bind_dgram(path: &Path) -> io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    let (sa, len) = sockaddr(path)?;
    // SAFETY: plain socket(2) call; the result is checked.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor we own.
    let owned = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
    if let Ok(c) = CString::new(path.as_os_str().as_bytes()) {
        // SAFETY: c is a valid NUL-terminated path.
        unsafe { libc::unlink(c.as_ptr()) };
    }
    // SAFETY: sa is a valid sockaddr_un of `len` bytes.
    if unsafe { libc::bind(fd, (&sa as *const libc::sockaddr_un).cast(), len) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(owned)
}

/// Sends the datagram `frame` with `fds` (SCM_RIGHTS, at most 8) from socket `sock` to the
/// socket bound at `to`.
///
/// Never blocks for long: when the receiver's queue is full (its IPC thread is busy), the send
/// is retried for up to `max_wait`, then fails with EAGAIN. A blocking send could deadlock two
/// processes whose IPC threads each wait to send to the other.
pub fn send_dgram(
    sock: RawFd,
    to: &Path,
    frame: &[u8],
    fds: &[RawFd],
    max_wait: std::time::Duration,
) -> io::Result<()> {
    let (mut sa, len) = sockaddr(to)?;
    // Room for RTE_MP_MAX_FD_NUM ints, u64-aligned as cmsghdr requires.
    let mut control = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: frame.as_ptr() as *mut libc::c_void,
        iov_len: frame.len(),
    };
    // SAFETY: msghdr is plain data; all-zero is valid.
    let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
    mh.msg_name = (&mut sa as *mut libc::sockaddr_un).cast();
    mh.msg_namelen = len;
    mh.msg_iov = &mut iov;
    mh.msg_iovlen = 1;
    if !fds.is_empty() {
        let data_len = std::mem::size_of_val(fds) as u32;
        // SAFETY: CMSG_SPACE is a pure size computation.
        let space = unsafe { libc::CMSG_SPACE(data_len) } as usize;
        debug_assert!(
            space <= std::mem::size_of_val(&control),
            "control buffer too small"
        );
        mh.msg_control = control.as_mut_ptr().cast();
        mh.msg_controllen = space;
        // SAFETY: msg_control points to `space` writable bytes, enough for one header plus
        // the fds, so CMSG_FIRSTHDR is non-NULL and CMSG_DATA has room for `data_len` bytes.
        unsafe {
            let c = libc::CMSG_FIRSTHDR(&mh);
            (*c).cmsg_level = libc::SOL_SOCKET;
            (*c).cmsg_type = libc::SCM_RIGHTS;
            (*c).cmsg_len = libc::CMSG_LEN(data_len) as usize;
            std::ptr::copy_nonoverlapping(
                fds.as_ptr().cast::<u8>(),
                libc::CMSG_DATA(c),
                data_len as usize,
            );
        }
    }
    let start = std::time::Instant::now();
    let mut pause = std::time::Duration::from_micros(50);
    loop {
        // SAFETY: mh points to live buffers set up above.
        let n = unsafe { libc::sendmsg(sock, &mh, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) };
        if n >= 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => {
                let left = max_wait.saturating_sub(start.elapsed());
                if left.is_zero() {
                    return Err(e);
                }
                std::thread::sleep(pause.min(left));
                pause = (pause * 2).min(std::time::Duration::from_millis(5));
            }
            _ => return Err(e),
        }
    }
}

/// A datagram read by [`recv_dgram`]: its bytes, the descriptors that came with it (new, owned
/// by the caller), and the sender's socket path.
pub struct Datagram {
    pub data: Vec<u8>,
    pub fds: Vec<RawFd>,
    pub from: PathBuf,
}

/// Reads one datagram of at most `max_len` bytes without blocking. `Ok(None)` when nothing is
/// queued. A datagram that was longer, or whose descriptors did not all fit, comes back with
/// no bytes at all (so that a length check refuses it; its descriptors are still returned, for
/// the caller to close).
pub fn recv_dgram(sock: RawFd, max_len: usize) -> io::Result<Option<Datagram>> {
    let mut buf = vec![0u8; max_len];
    let mut control = [0u64; 8];
    // SAFETY: sockaddr_un / msghdr are plain data; all-zero is valid.
    let mut sa: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    mh.msg_name = (&mut sa as *mut libc::sockaddr_un).cast();
    mh.msg_namelen = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
    mh.msg_iov = &mut iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control.as_mut_ptr().cast();
    mh.msg_controllen = std::mem::size_of_val(&control);
    let n = loop {
        // SAFETY: mh points to live, writable buffers of the declared sizes.
        let n =
            unsafe { libc::recvmsg(sock, &mut mh, libc::MSG_DONTWAIT | libc::MSG_CMSG_CLOEXEC) };
        if n >= 0 {
            break n as usize;
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => return Ok(None),
            _ => return Err(e),
        }
    };
    let mut fds = Vec::new();
    // SAFETY: the kernel filled msg_control/msg_controllen; the CMSG macros walk within it.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&mh);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(c);
                let bytes = (*c).cmsg_len - (data as usize - c as usize);
                for i in 0..bytes / std::mem::size_of::<RawFd>() {
                    fds.push(std::ptr::read_unaligned(data.cast::<RawFd>().add(i)));
                }
            }
            c = libc::CMSG_NXTHDR(&mh, c);
        }
    }
    if mh.msg_flags & (libc::MSG_TRUNC | libc::MSG_CTRUNC) != 0 {
        // Report the datagram with a wrong length so decode() refuses it and closes the fds.
        buf.truncate(0);
    } else {
        buf.truncate(n);
    }
    let path_len = sa
        .sun_path
        .iter()
        .position(|&c| c == 0)
        .unwrap_or(sa.sun_path.len());
    let from: Vec<u8> = sa.sun_path[..path_len].iter().map(|&c| c as u8).collect();
    Ok(Some(Datagram {
        data: buf,
        fds,
        from: PathBuf::from(std::ffi::OsString::from_vec(from)),
    }))
}

/// Closes a raw descriptor received with a datagram.
///
/// # Safety
/// `fd` is open, owned by the caller, and not used (or closed) again.
pub unsafe fn close_fd(fd: RawFd) {
    // SAFETY: the caller's guarantee.
    unsafe { libc::close(fd) };
}

/// Waits until `fd` is readable, at most `timeout_ms` milliseconds (-1: no limit). True when
/// it is readable; false on timeout or a signal.
pub fn poll_readable(fd: RawFd, timeout_ms: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: pfd is one valid pollfd.
    let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    n > 0
}

/// Waits up to `timeout_ms` (-1: forever) until `a` or `b` is readable; says which are.
pub fn poll_readable2(a: RawFd, b: RawFd, timeout_ms: i32) -> (bool, bool) {
    let mut pfd = [
        libc::pollfd {
            fd: a,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: b,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: pfd is an array of two valid pollfds, its length passed with it.
    let n = unsafe { libc::poll(pfd.as_mut_ptr(), pfd.len() as libc::nfds_t, timeout_ms) };
    if n <= 0 {
        return (false, false);
    }
    (pfd[0].revents != 0, pfd[1].revents != 0)
}

/// An eventfd that wakes a thread sleeping in [`poll_readable2`]: `wake` from any thread,
/// `clear` on the woken one (non-blocking, so a wake-up already consumed is harmless).
pub struct Waker(nix::sys::eventfd::EventFd);

impl Waker {
    pub fn new() -> std::io::Result<Waker> {
        use nix::sys::eventfd::{EfdFlags, EventFd};
        EventFd::from_flags(EfdFlags::EFD_CLOEXEC | EfdFlags::EFD_NONBLOCK)
            .map(Waker)
            .map_err(|e| std::io::Error::from_raw_os_error(e as i32))
    }
    pub fn wake(&self) {
        let _ = self.0.write(1);
    }
    pub fn clear(&self) {
        let _ = self.0.read();
    }
    pub fn fd(&self) -> RawFd {
        use std::os::fd::AsRawFd;
        self.0.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn datagrams_carry_bytes_and_descriptors_between_bound_sockets() {
        let dir = std::env::temp_dir().join(format!("rtemem-sock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (pa, pb) = (dir.join("a"), dir.join("b"));
        let a = bind_dgram(&pa).unwrap();
        let b = bind_dgram(&pb).unwrap();
        use std::os::fd::AsRawFd;
        assert!(!poll_readable(b.as_raw_fd(), 0));
        let f = std::fs::File::open("/proc/self/stat").unwrap();
        send_dgram(
            a.as_raw_fd(),
            &pb,
            b"hello",
            &[f.as_raw_fd()],
            Duration::ZERO,
        )
        .unwrap();
        assert!(poll_readable(b.as_raw_fd(), 1000));
        let d = recv_dgram(b.as_raw_fd(), 16).unwrap().unwrap();
        assert_eq!(d.data, b"hello");
        assert_eq!(d.from, pa);
        assert_eq!(d.fds.len(), 1);
        assert_ne!(d.fds[0], f.as_raw_fd());
        // SAFETY: the received descriptor is ours and closed once.
        unsafe { close_fd(d.fds[0]) };
        assert!(recv_dgram(b.as_raw_fd(), 16).unwrap().is_none());
        send_dgram(a.as_raw_fd(), &pb, &[7u8; 32], &[], Duration::ZERO).unwrap();
        let long = recv_dgram(b.as_raw_fd(), 16).unwrap().unwrap();
        assert!(
            long.data.is_empty(),
            "a truncated datagram comes back empty"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
