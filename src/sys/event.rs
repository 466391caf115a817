//! Event sources and waits for the interrupt layer: epoll instances, eventfds, timerfds on the
//! monotonic clock, reads and writes on descriptors the caller names by number, and the VFIO
//! interrupt ioctl.
//!
//! Descriptors that rtemem owns come back as `OwnedFd`. Descriptors an application hands in
//! (an interrupt handle's `fd`) are used by number and never closed here; a bad number is an
//! `EBADF` from the kernel, not undefined behaviour.

use std::ffi::c_int;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

fn check(rc: c_int) -> io::Result<c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn check_len(rc: isize) -> io::Result<usize> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

/// A new epoll instance (close-on-exec).
pub fn epoll_create() -> io::Result<OwnedFd> {
    // SAFETY: epoll_create1 has no memory preconditions.
    let fd = check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `epoll_ctl(epfd, op, fd, {events, data})`. For EPOLL_CTL_DEL the event is ignored.
pub fn epoll_ctl(epfd: RawFd, op: c_int, fd: RawFd, events: u32, data: u64) -> io::Result<()> {
    let mut ev = libc::epoll_event { events, u64: data };
    // SAFETY: ev is a valid epoll_event; the kernel checks the descriptors.
    check(unsafe { libc::epoll_ctl(epfd, op, fd, &mut ev) }).map(|_| ())
}

/// Waits on `epfd` for at most `timeout_ms` (-1: no limit) and fills `out` with ready events.
/// Returns how many (0 on timeout); EINTR comes back as an error of kind `Interrupted`.
pub fn epoll_wait(
    epfd: RawFd,
    out: &mut [libc::epoll_event],
    timeout_ms: c_int,
) -> io::Result<usize> {
    let max = c_int::try_from(out.len()).unwrap_or(c_int::MAX);
    // SAFETY: out has room for `max` events.
    check(unsafe { libc::epoll_wait(epfd, out.as_mut_ptr(), max, timeout_ms) }).map(|n| n as usize)
}

/// A new non-blocking, close-on-exec eventfd with count 0, as a raw descriptor the caller owns
/// (an interrupt handle's Rx event fds are closed by number, by `rte_intr_efd_disable`).
pub fn eventfd_raw() -> io::Result<RawFd> {
    // SAFETY: eventfd has no memory preconditions.
    check(unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) })
}

/// A new non-blocking, close-on-exec eventfd with count 0.
pub fn eventfd() -> io::Result<OwnedFd> {
    let fd = eventfd_raw()?;
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A new non-blocking, close-on-exec timerfd on CLOCK_MONOTONIC, disarmed.
pub fn timerfd_monotonic() -> io::Result<OwnedFd> {
    // SAFETY: timerfd_create has no memory preconditions.
    let fd = check(unsafe {
        libc::timerfd_create(
            libc::CLOCK_MONOTONIC,
            libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
        )
    })?;
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Arms timerfd `fd` (one shot) to expire at `deadline_ns` on CLOCK_MONOTONIC; `None` disarms
/// it. A deadline already past expires at once. Re-arming resets the expiration count.
pub fn timerfd_set(fd: RawFd, deadline_ns: Option<u128>) -> io::Result<()> {
    let value = match deadline_ns {
        // A deadline of 0 would disarm: the clock is never at 0, so 1 ns means "now".
        Some(ns) => libc::timespec {
            tv_sec: libc::time_t::try_from(ns / 1_000_000_000).unwrap_or(libc::time_t::MAX),
            tv_nsec: (ns % 1_000_000_000).max(u128::from(ns == 0)) as libc::c_long,
        },
        None => libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
    };
    let spec = libc::itimerspec {
        it_interval: libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        },
        it_value: value,
    };
    // SAFETY: spec is a valid itimerspec; the old value is not wanted (NULL).
    check(unsafe {
        libc::timerfd_settime(fd, libc::TFD_TIMER_ABSTIME, &spec, std::ptr::null_mut())
    })
    .map(|_| ())
}

/// CLOCK_MONOTONIC now, in nanoseconds.
pub fn monotonic_ns() -> u128 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: t is a valid, writable timespec; CLOCK_MONOTONIC always exists.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as u128 * 1_000_000_000 + t.tv_nsec as u128
}

/// `read(fd, buf)`. Returns the bytes read (0 at end of file).
pub fn fd_read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is writable for its length; the kernel checks fd.
    check_len(unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) })
}

/// `write(fd, buf)`. Returns the bytes written.
pub fn fd_write(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: buf is readable for its length; the kernel checks fd.
    check_len(unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) })
}

/// `pread(fd, buf, offset)`.
pub fn fd_pread(fd: RawFd, buf: &mut [u8], offset: i64) -> io::Result<usize> {
    // SAFETY: buf is writable for its length; the kernel checks fd.
    check_len(unsafe { libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), offset) })
}

/// `pwrite(fd, buf, offset)`.
pub fn fd_pwrite(fd: RawFd, buf: &[u8], offset: i64) -> io::Result<usize> {
    // SAFETY: buf is readable for its length; the kernel checks fd.
    check_len(unsafe { libc::pwrite(fd, buf.as_ptr().cast(), buf.len(), offset) })
}

/// `close(fd)` of a descriptor the caller owns by number; errors are ignored, as after any
/// close.
///
/// # Safety
/// `fd` is owned by the caller and not used again (nor closed elsewhere).
pub unsafe fn fd_close(fd: RawFd) {
    // SAFETY: the caller's guarantee.
    unsafe { libc::close(fd) };
}

/// VFIO_DEVICE_SET_IRQS (`_IO(';', 100 + 10)`).
const VFIO_DEVICE_SET_IRQS: libc::c_ulong = (0x3b << 8) | 110;

/// `ioctl(dev_fd, VFIO_DEVICE_SET_IRQS, irq_set)`, `irq_set` being a `struct vfio_irq_set`
/// (argsz, flags, index, start, count, then `count` descriptors) laid out as 32-bit words.
pub fn vfio_set_irqs(dev_fd: RawFd, irq_set: &[u32]) -> io::Result<()> {
    // The kernel reads argsz bytes: the buffer must hold them.
    if irq_set
        .first()
        .is_none_or(|&argsz| argsz as usize > irq_set.len() * 4)
    {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    // SAFETY: irq_set is a readable vfio_irq_set of argsz bytes (checked above); the kernel
    // checks dev_fd and the contents.
    check(unsafe { libc::ioctl(dev_fd, VFIO_DEVICE_SET_IRQS, irq_set.as_ptr()) }).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn eventfd_wakes_epoll_with_its_token() {
        let ep = epoll_create().unwrap();
        let ev = eventfd().unwrap();
        epoll_ctl(
            ep.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            ev.as_raw_fd(),
            libc::EPOLLIN as u32,
            42,
        )
        .unwrap();
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 4];
        assert_eq!(epoll_wait(ep.as_raw_fd(), &mut out, 0).unwrap(), 0);
        assert_eq!(fd_write(ev.as_raw_fd(), &1u64.to_ne_bytes()).unwrap(), 8);
        assert_eq!(epoll_wait(ep.as_raw_fd(), &mut out, 1000).unwrap(), 1);
        let token = out[0].u64;
        assert_eq!(token, 42);
        let mut b = [0u8; 8];
        assert_eq!(fd_read(ev.as_raw_fd(), &mut b).unwrap(), 8);
        assert_eq!(u64::from_ne_bytes(b), 1);
        assert_eq!(
            fd_read(ev.as_raw_fd(), &mut b).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
    }

    #[test]
    fn timerfd_fires_at_an_absolute_deadline_and_disarms() {
        let t = timerfd_monotonic().unwrap();
        let start = monotonic_ns();
        timerfd_set(t.as_raw_fd(), Some(start + 20_000_000)).unwrap();
        let ep = epoll_create().unwrap();
        epoll_ctl(
            ep.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            t.as_raw_fd(),
            libc::EPOLLIN as u32,
            1,
        )
        .unwrap();
        let mut out = [libc::epoll_event { events: 0, u64: 0 }; 1];
        assert_eq!(epoll_wait(ep.as_raw_fd(), &mut out, 5000).unwrap(), 1);
        assert!(
            monotonic_ns() >= start + 20_000_000,
            "not before its deadline"
        );
        let mut b = [0u8; 8];
        assert_eq!(fd_read(t.as_raw_fd(), &mut b).unwrap(), 8);
        timerfd_set(t.as_raw_fd(), Some(monotonic_ns() + 10_000_000)).unwrap();
        timerfd_set(t.as_raw_fd(), None).unwrap();
        assert_eq!(
            epoll_wait(ep.as_raw_fd(), &mut out, 50).unwrap(),
            0,
            "disarmed"
        );
    }

    #[test]
    fn vfio_set_irqs_refuses_a_short_buffer_and_a_bad_descriptor() {
        assert_eq!(
            vfio_set_irqs(-1, &[64, 0, 0, 0, 0])
                .unwrap_err()
                .raw_os_error(),
            Some(libc::EINVAL)
        );
        assert_eq!(
            vfio_set_irqs(-1, &[20, 0, 0, 0, 0])
                .unwrap_err()
                .raw_os_error(),
            Some(libc::EBADF)
        );
    }
}
