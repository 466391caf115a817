//! What the device layer needs from the OS: the kernel's uevent socket (device add/remove),
//! and SIGBUS handler installation (device memory that went away).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// A non-blocking, close-on-exec netlink socket bound to every uevent multicast group
/// (NETLINK_KOBJECT_UEVENT): it receives the kernel's "ACTION=add/remove ..." messages.
pub fn uevent_socket() -> io::Result<OwnedFd> {
    // SAFETY: plain socket(2); the result is checked.
    let fd = unsafe {
        libc::socket(
            libc::PF_NETLINK,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            libc::NETLINK_KOBJECT_UEVENT,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor that we own from here on.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: sockaddr_nl is plain data; all-zero is valid.
    let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    addr.nl_pid = 0;
    addr.nl_groups = 0xffff_ffff;
    // SAFETY: addr is a valid sockaddr_nl of the length passed.
    let r = unsafe {
        libc::bind(
            sock.as_raw_fd(),
            (&addr as *const libc::sockaddr_nl).cast(),
            std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(sock)
}

/// One `recv(fd, buf, MSG_DONTWAIT)`: the bytes read (0 when the peer closed), or the error
/// (WouldBlock when nothing is there).
pub fn recv_nonblock(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for writes of its length.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// A SA_SIGINFO signal handler.
pub type SigInfoHandler = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);

/// Installs `handler` for SIGBUS (SA_SIGINFO, SIGBUS blocked while it runs); returns the
/// previous action, to give back to [`restore_sigbus`].
pub fn install_sigbus(handler: SigInfoHandler) -> io::Result<libc::sigaction> {
    // SAFETY: sigaction is plain data; all-zero is valid and the fields are set below.
    let mut act: libc::sigaction = unsafe { std::mem::zeroed() };
    act.sa_sigaction = handler as usize;
    act.sa_flags = libc::SA_SIGINFO;
    // SAFETY: sigemptyset/sigaddset on our own set.
    unsafe {
        libc::sigemptyset(&mut act.sa_mask);
        libc::sigaddset(&mut act.sa_mask, libc::SIGBUS);
    }
    // SAFETY: as above.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: both structs are valid; SIGBUS may be caught.
    if unsafe { libc::sigaction(libc::SIGBUS, &act, &mut old) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(old)
}

/// The current SIGBUS action.
pub fn sigbus_action() -> io::Result<libc::sigaction> {
    // SAFETY: sigaction is plain data; all-zero is valid.
    let mut cur: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a NULL new action only reads the current one.
    if unsafe { libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut cur) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(cur)
}

/// Puts back the SIGBUS action `old` (from [`install_sigbus`]).
pub fn restore_sigbus(old: &libc::sigaction) -> io::Result<()> {
    // SAFETY: old came from sigaction(2).
    if unsafe { libc::sigaction(libc::SIGBUS, old, std::ptr::null_mut()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Runs the handler of the saved action `old` for a signal being handled, as the kernel would
/// have. False when `old` has no handler to run (default or ignore).
///
/// # Safety
/// Called from a signal handler for `sig` with the kernel's `info` and `ctx`.
pub unsafe fn chain_signal(
    old: &libc::sigaction,
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    ctx: *mut libc::c_void,
) -> bool {
    let h = old.sa_sigaction;
    if h == libc::SIG_DFL || h == libc::SIG_IGN {
        return false;
    }
    if old.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: with SA_SIGINFO the handler has the three-argument type.
        let f: SigInfoHandler = unsafe { std::mem::transmute::<usize, SigInfoHandler>(h) };
        f(sig, info, ctx);
    } else {
        // SAFETY: without SA_SIGINFO it takes the signal number only.
        let f: extern "C" fn(libc::c_int) =
            unsafe { std::mem::transmute::<usize, extern "C" fn(libc::c_int)>(h) };
        f(sig);
    }
    true
}

/// The fault address of a SIGBUS/SIGSEGV.
///
/// # Safety
/// `info` is the kernel's siginfo for such a signal.
pub unsafe fn fault_addr(info: *const libc::siginfo_t) -> *mut libc::c_void {
    // SAFETY: the caller's guarantee.
    unsafe { (*info).si_addr() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uevent_socket_opens_and_has_nothing_to_read_at_once() {
        let s = uevent_socket().expect("a uevent socket");
        let mut buf = [0u8; 64];
        // Ok would be a real uevent that arrived meanwhile.
        if let Err(e) = recv_nonblock(s.as_raw_fd(), &mut buf) {
            assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        }
    }
}
