//! `rte_epoll.h`: epoll waits and registrations for Rx/Tx interrupts (core:
//! `crate::intr::epoll`).

use std::ffi::c_int;

use crate::abi::intr::rte_epoll_event;
use crate::intr::epoll;

fn count(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

/// Waits up to `timeout` ms (-1: forever) on `epfd` (`RTE_EPOLL_PER_THREAD`: this thread's)
/// and fills `events` with up to `maxevents` ready registrations, running their callbacks.
/// Returns their number, 0 on timeout, -1 on error (NULL `events`, bad `maxevents` or `epfd`).
/// A signal restarts the wait.
///
/// # Safety
/// `events` is NULL or writable for `maxevents` entries; `epfd` holds only registrations made
/// by `rte_epoll_ctl` or `rte_intr_rx_ctl` whose `rte_epoll_event` is still live.
#[no_mangle]
pub unsafe extern "C" fn rte_epoll_wait(
    epfd: c_int,
    events: *mut rte_epoll_event,
    maxevents: c_int,
    timeout: c_int,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_epoll_wait", {
        // SAFETY: the caller's guarantees.
        unsafe { epoll::wait(epfd, events, maxevents, timeout, false) }.map(count)
    })
}

/// As [`rte_epoll_wait`], but a signal ends the wait: -1 (nothing logged).
///
/// # Safety
/// As [`rte_epoll_wait`].
#[no_mangle]
pub unsafe extern "C" fn rte_epoll_wait_interruptible(
    epfd: c_int,
    events: *mut rte_epoll_event,
    maxevents: c_int,
    timeout: c_int,
) -> c_int {
    ffi_boundary!(
        Per(|e| if e.errno == libc::EINTR {
            Debug
        } else {
            LogOnly
        }),
        "rte_epoll_wait_interruptible",
        {
            // SAFETY: the caller's guarantees.
            unsafe { epoll::wait(epfd, events, maxevents, timeout, true) }.map(count)
        }
    )
}

/// Adds (EPOLL_CTL_ADD), changes (EPOLL_CTL_MOD) or removes (EPOLL_CTL_DEL) `fd` in `epfd`
/// (`RTE_EPOLL_PER_THREAD`: this thread's), with `event` as the registration. Returns 0, or -1
/// (NULL `event`, or epoll refused).
///
/// # Safety
/// `event` is NULL or stays live at its address while it is registered.
#[no_mangle]
pub unsafe extern "C" fn rte_epoll_ctl(
    epfd: c_int,
    op: c_int,
    fd: c_int,
    event: *mut rte_epoll_event,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_epoll_ctl", {
        // SAFETY: the caller's guarantee.
        unsafe { epoll::ctl(epfd, op, fd, event) }.map(|_| 0)
    })
}
