//! Epoll for Rx/Tx interrupts (`rte_epoll.h`) and a device's event fds (`rte_intr_efd_*`,
//! `rte_intr_rx_ctl`, `rte_intr_free_epoll_fd`, ...).
//!
//! An application (through ethdev) puts a queue's event fd into an epoll instance with
//! `rte_intr_rx_ctl`, then sleeps in `rte_epoll_wait` until a packet interrupt arrives. The
//! kernel's epoll data of a registration is the address of its [`rte_epoll_event`] (an entry
//! of the instance's `elist`, or the caller's own for `rte_epoll_ctl`). `rte_epoll_wait` copies
//! each ready registration to the caller's array and runs its callback; `epfd` -1 everywhere
//! means the calling thread's own epoll instance ([`tls_epfd`], created on first use, closed
//! when the thread exits).
//!
//! A registration's `status` is the lock between `rte_epoll_wait` and a removal: the waiter
//! moves it VALID -> EXEC (compare-and-swap, acquire) before it reads the entry and runs the
//! callback, and back to VALID (release) after; a removal (EPOLL_CTL_DEL) waits until it can
//! move VALID -> INVALID, then clears the entry. So an entry is never cleared under a running
//! callback. A callback that removes its own registration would wait for itself: the waiter
//! notes which entry it is executing, and a removal of that entry by the same thread clears it
//! at once (the waiter then leaves it INVALID). The wait of a removal for another thread's
//! callback is unbounded, as in DPDK: it lasts as long as that callback.

use std::cell::{Cell, RefCell};
use std::ffi::{c_int, c_void};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::abi::intr::*;
use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_ERR, RTE_LOG_INFO};
use crate::error::{Error, Result};
use crate::{eal_log, err, sys};

use super::handle;

thread_local! {
    /// This thread's epoll instance (`rte_intr_tls_epfd`), closed when the thread exits.
    static TLS_EPFD: RefCell<Option<OwnedFd>> = const { RefCell::new(None) };
    /// The registration whose callback this thread runs now (inside `rte_epoll_wait`).
    static EXECUTING: Cell<usize> = const { Cell::new(0) };
}

/// Most events one `rte_epoll_wait` takes from the kernel (a larger `maxevents` is served in
/// several calls; the caller's array is never written past `maxevents`).
const WAIT_BATCH: usize = 256;

/// This thread's epoll instance, created on first use (`rte_intr_tls_epfd`).
pub fn tls_epfd() -> Result<c_int> {
    TLS_EPFD.with(|cell| {
        let mut slot = cell.borrow_mut();
        if let Some(fd) = &*slot {
            return Ok(fd.as_raw_fd());
        }
        let fd = sys::epoll_create().map_err(|e| Error::os("Cannot create epoll instance", e))?;
        let raw = fd.as_raw_fd();
        *slot = Some(fd);
        Ok(raw)
    })
}

fn resolve(epfd: c_int) -> Result<c_int> {
    if epfd == RTE_EPOLL_PER_THREAD {
        tls_epfd()
    } else {
        Ok(epfd)
    }
}

/// The status word of a registration.
///
/// # Safety
/// `ev` points to a live `rte_epoll_event` that stays live for `'a`.
unsafe fn status<'a>(ev: *mut rte_epoll_event) -> &'a AtomicU32 {
    // SAFETY: the caller's guarantee; `status` is a naturally aligned u32 that every user of
    // the entry accesses atomically (C code goes through rte_epoll_* or __atomic builtins).
    unsafe { AtomicU32::from_ptr(std::ptr::addr_of_mut!((*ev).status)) }
}

/// Waits up to `timeout` ms (-1: no limit) on `epfd` and fills `events` (room for
/// `maxevents`) with the ready registrations, running their callbacks; returns how many (0 on
/// timeout). A signal restarts the wait, or with `interruptible` fails with EINTR.
///
/// # Safety
/// `events` is NULL or writable for `maxevents` entries; every registration in `epfd` was made
/// by [`ctl`] (its epoll data is the address of a live `rte_epoll_event`).
pub unsafe fn wait(
    epfd: c_int,
    events: *mut rte_epoll_event,
    maxevents: c_int,
    timeout: c_int,
    interruptible: bool,
) -> Result<usize> {
    if events.is_null() {
        return Err(err!(libc::EINVAL, "rte_epoll_event can't be NULL"));
    }
    let max = usize::try_from(maxevents)
        .ok()
        .filter(|&m| m > 0)
        .ok_or_else(|| err!(libc::EINVAL, "maxevents {maxevents} must be positive"))?;
    let epfd = resolve(epfd)?;
    let mut buf = vec![libc::epoll_event { events: 0, u64: 0 }; max.min(WAIT_BATCH)];
    loop {
        match sys::epoll_wait(epfd, &mut buf, timeout) {
            Ok(0) => return Ok(0),
            // SAFETY: the caller's guarantees on events and the registrations.
            Ok(n) => return Ok(unsafe { deliver(&buf[..n], events) }),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted && !interruptible => continue,
            Err(e) => return Err(Error::os("epoll_wait returns with fail", e)),
        }
    }
}

/// Copies each ready registration (VALID, claimed as EXEC) to `out` and runs its callback.
///
/// # Safety
/// As [`wait`]; `out` has room for `ready.len()` entries.
unsafe fn deliver(ready: &[libc::epoll_event], out: *mut rte_epoll_event) -> usize {
    let mut count = 0;
    for r in ready {
        let rev = r.u64 as usize as *mut rte_epoll_event;
        if rev.is_null() {
            continue;
        }
        // SAFETY: the registration is live (caller's guarantee).
        let st = unsafe { status(rev) };
        if st
            .compare_exchange(
                RTE_EPOLL_VALID,
                RTE_EPOLL_EXEC,
                Ordering::Acquire,
                Ordering::Relaxed,
            )
            .is_err()
        {
            continue;
        }
        // SAFETY: EXEC gives this thread the entry until it is set back; out has room. As in
        // DPDK only these fields of the caller's entry are written.
        unsafe {
            let e = &*rev;
            let o = out.add(count);
            (*o).status = RTE_EPOLL_VALID;
            (*o).fd = e.fd;
            (*o).epfd = e.epfd;
            (*o).epdata.event = r.events;
            (*o).epdata.data = e.epdata.data;
            if let Some(f) = e.epdata.cb_fun {
                EXECUTING.with(|x| x.set(rev as usize));
                f(e.fd, e.epdata.cb_arg);
                EXECUTING.with(|x| x.set(0));
            }
        }
        // If the callback removed its own registration (INVALID now), it stays removed.
        let _ = st.compare_exchange(
            RTE_EPOLL_EXEC,
            RTE_EPOLL_VALID,
            Ordering::Release,
            Ordering::Relaxed,
        );
        count += 1;
    }
    count
}

/// Waits until no `rte_epoll_wait` runs the registration's callback, then marks it INVALID and
/// clears it (fd and epfd -1, data zero).
///
/// # Safety
/// `ev` is a live registration.
unsafe fn release_entry(ev: *mut rte_epoll_event) {
    // SAFETY: the caller's guarantee.
    let st = unsafe { status(ev) };
    if EXECUTING.with(|x| x.get()) == ev as usize {
        // Removed from its own callback: this thread holds it (EXEC).
        st.store(RTE_EPOLL_INVALID, Ordering::Release);
    } else {
        let mut spins = 0u32;
        loop {
            match st.compare_exchange(
                RTE_EPOLL_VALID,
                RTE_EPOLL_INVALID,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) | Err(RTE_EPOLL_INVALID) => break,
                Err(_) => {
                    spins += 1;
                    if spins < 64 {
                        std::hint::spin_loop();
                    } else {
                        std::thread::yield_now();
                    }
                }
            }
        }
    }
    // SAFETY: INVALID: no waiter reads the entry any more.
    unsafe {
        (*ev).epdata = rte_epoll_data {
            event: 0,
            data: std::ptr::null_mut(),
            cb_fun: None,
            cb_arg: std::ptr::null_mut(),
        };
        (*ev).fd = -1;
        (*ev).epfd = -1;
    }
}

/// `rte_epoll_ctl`: EPOLL_CTL_ADD registers `fd` with `ev` as its epoll data (status VALID,
/// `ev.fd`, `ev.epfd` set; events from `ev.epdata.event`); EPOLL_CTL_DEL removes it and, once
/// no callback of it runs, clears `ev`; EPOLL_CTL_MOD changes the events. Errors: NULL `ev`:
/// EINVAL; the kernel's.
///
/// # Safety
/// `ev` is NULL or a registration that stays live (at this address) while it is registered.
pub unsafe fn ctl(epfd: c_int, op: c_int, fd: c_int, ev: *mut rte_epoll_event) -> Result<()> {
    if ev.is_null() {
        return Err(err!(libc::EINVAL, "rte_epoll_event can't be NULL"));
    }
    let epfd = resolve(epfd)?;
    // SAFETY: ev is live (caller).
    let st = unsafe { status(ev) };
    if op == libc::EPOLL_CTL_ADD {
        st.store(RTE_EPOLL_VALID, Ordering::Relaxed);
        // SAFETY: as above; not yet visible to any waiter.
        unsafe {
            (*ev).fd = fd;
            (*ev).epfd = epfd;
        }
    }
    // SAFETY: as above.
    let events = unsafe { (*ev).epdata.event };
    if let Err(e) = sys::epoll_ctl(epfd, op, fd, events, ev as usize as u64) {
        if op == libc::EPOLL_CTL_ADD {
            st.store(RTE_EPOLL_INVALID, Ordering::Relaxed);
        }
        return Err(Error::os(format!("Error op {op} fd {fd} epoll_ctl"), e));
    }
    if op == libc::EPOLL_CTL_DEL && st.load(Ordering::Relaxed) != RTE_EPOLL_INVALID {
        // SAFETY: as above.
        unsafe { release_entry(ev) };
    }
    Ok(())
}

/// Drains a ready Rx/Tx event fd: the callback `rte_intr_rx_ctl` installs (`arg` is the
/// instance), reading as many bytes as the handle type's counter has.
unsafe extern "C" fn drain_rxtx(fd: c_int, arg: *mut c_void) {
    let h = arg as *const rte_intr_handle;
    // SAFETY: arg is the instance rx_ctl registered, live while its entries are registered.
    let Ok(h) = (unsafe { handle::get(h) }) else {
        return;
    };
    let len = match h.type_ {
        RTE_INTR_HANDLE_UIO | RTE_INTR_HANDLE_UIO_INTX => 4,
        RTE_INTR_HANDLE_VFIO_MSIX | RTE_INTR_HANDLE_VFIO_MSI | RTE_INTR_HANDLE_VFIO_LEGACY => 8,
        // The driver says how wide its counter is (efd_enable checked it fits).
        RTE_INTR_HANDLE_VDEV => usize::from(h.efd_counter_size).min(16),
        RTE_INTR_HANDLE_EXT => 0,
        _ => {
            eal_log!(RTE_LOG_INFO, "unexpected intr type");
            1
        }
    };
    if len == 0 {
        return;
    }
    let mut buf = [0u8; 16];
    loop {
        match sys::fd_read(fd, &mut buf[..len]) {
            Ok(0) => eal_log!(RTE_LOG_ERR, "Read nothing from fd {fd}"),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => eal_log!(RTE_LOG_ERR, "Error reading from fd {fd}: {e}"),
        }
        return;
    }
}

/// The `elist` entry and event fd of Rx/Tx vector `vec`, or DPDK's EPERM.
fn vector(h: &rte_intr_handle, vec: u32) -> Result<(*mut rte_epoll_event, c_int)> {
    let idx = if vec >= RTE_INTR_VEC_RXTX_OFFSET {
        vec - RTE_INTR_VEC_RXTX_OFFSET
    } else {
        vec
    } as usize;
    // nb_efd is whatever the driver set; the arrays hold nb_intr entries.
    if h.nb_efd == 0 || idx >= h.nb_efd as usize || idx >= usize::from(h.nb_intr) {
        return Err(err!(
            libc::EPERM,
            "Wrong intr vector number: vector {vec}, {} event fds",
            h.nb_efd
        ));
    }
    // SAFETY: idx < nb_intr, the length of both arrays.
    Ok(unsafe { (h.elist.add(idx), *h.efds.add(idx)) })
}

/// `rte_intr_rx_ctl`: adds (RTE_INTR_EVENT_ADD) the event fd of Rx/Tx vector `vec` to `epfd`
/// (edge-triggered, `data` handed back by `rte_epoll_wait`, the fd drained by an internal
/// callback), or removes it (RTE_INTR_EVENT_DEL). Errors: NULL handle, no event fds, `vec`
/// out of range, not added (DEL), an unknown op, or epoll refused: EPERM; added already: EEXIST.
///
/// # Safety
/// `h` is NULL or a live instance, not freed while a vector is added.
pub unsafe fn rx_ctl(
    h: *mut rte_intr_handle,
    epfd: c_int,
    op: c_int,
    vec: u32,
    data: *mut c_void,
) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let hr = unsafe { handle::get(h) }
        .map_err(|_| err!(libc::EPERM, "Wrong intr vector number: the handle is NULL"))?;
    let (rev, efd) = vector(hr, vec)?;
    // SAFETY: rev is an entry of h's elist (live with h).
    let st = unsafe { status(rev) };
    match op {
        RTE_INTR_EVENT_ADD => {
            if st.load(Ordering::Relaxed) != RTE_EPOLL_INVALID {
                return Err(err!(libc::EEXIST, "Event already been added."));
            }
            // SAFETY: INVALID: no waiter uses the entry.
            unsafe {
                (*rev).epdata = rte_epoll_data {
                    event: (libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLET) as u32,
                    data,
                    cb_fun: Some(drain_rxtx),
                    cb_arg: h.cast(),
                };
            }
            // SAFETY: rev lives in h's elist while added (caller).
            unsafe { ctl(epfd, libc::EPOLL_CTL_ADD, efd, rev) }
                .map_err(|e| err!(libc::EPERM, "{}", e.msg))?;
            // SAFETY: as above.
            let fd = unsafe { (*rev).fd };
            eal_log!(
                RTE_LOG_DEBUG,
                "efd {fd} associated with vec {vec} added on epfd {epfd}"
            );
            Ok(())
        }
        RTE_INTR_EVENT_DEL => {
            if st.load(Ordering::Relaxed) == RTE_EPOLL_INVALID {
                return Err(err!(libc::EPERM, "Event does not exist."));
            }
            // SAFETY: as above.
            let (e_epfd, e_fd) = unsafe { ((*rev).epfd, (*rev).fd) };
            // SAFETY: as above.
            unsafe { ctl(e_epfd, libc::EPOLL_CTL_DEL, e_fd, rev) }
                .map_err(|e| err!(libc::EPERM, "{}", e.msg))
        }
        _ => Err(err!(libc::EPERM, "event op type mismatch ({op})")),
    }
}

/// `rte_intr_free_epoll_fd`: removes every added vector of the instance from its epoll set
/// (clearing the entry even if epoll refuses).
///
/// # Safety
/// As [`rx_ctl`].
pub unsafe fn free_epoll_fd(h: *mut rte_intr_handle) {
    // SAFETY: the caller's guarantee.
    let Ok(hr) = (unsafe { handle::get(h) }) else {
        return;
    };
    let n = (hr.nb_efd as usize).min(usize::from(hr.nb_intr));
    for i in 0..n {
        // SAFETY: i < nb_intr.
        let rev = unsafe { hr.elist.add(i) };
        // SAFETY: an entry of the live instance.
        if unsafe { status(rev) }.load(Ordering::Relaxed) == RTE_EPOLL_INVALID {
            continue;
        }
        // SAFETY: as above.
        let (epfd, fd) = unsafe { ((*rev).epfd, (*rev).fd) };
        // SAFETY: as above.
        if unsafe { ctl(epfd, libc::EPOLL_CTL_DEL, fd, rev) }.is_err() {
            // SAFETY: as above.
            unsafe { release_entry(rev) };
        }
    }
}

/// `rte_intr_efd_enable`: sets up `nb_efd` Rx/Tx event fds. VFIO_MSIX: that many new eventfds
/// (at most RTE_MAX_RXTX_INTR_VEC_ID, and one fewer than `nb_intr`), `max_intr` one more;
/// VDEV: only checks that `efd_counter_size` fits a read buffer (16 bytes), else EINVAL;
/// others: the device's own fd is the one event fd. Errors: NULL handle: EINVAL; ERANGE when
/// the vectors do not fit; an eventfd failure (the ones made are closed again).
///
/// # Safety
/// As [`handle::get_mut`].
pub unsafe fn efd_enable(h: *mut rte_intr_handle, nb_efd: u32) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let hr = unsafe { handle::get_mut(h) }?;
    match hr.type_ {
        RTE_INTR_HANDLE_VFIO_MSIX => {
            let n = (nb_efd as usize).min(RTE_MAX_RXTX_INTR_VEC_ID);
            if n + 1 > usize::from(hr.nb_intr) {
                return Err(err!(
                    libc::ERANGE,
                    "{n} event fds and the device's own vector exceed the instance's {} vectors",
                    hr.nb_intr
                ));
            }
            let mut made = Vec::with_capacity(n);
            for _ in 0..n {
                match sys::eventfd_raw() {
                    Ok(fd) => made.push(fd),
                    Err(e) => {
                        for fd in made {
                            // SAFETY: fds made just above, owned here.
                            unsafe { sys::fd_close(fd) };
                        }
                        return Err(Error::os("can't setup eventfd", e));
                    }
                }
            }
            for (i, fd) in made.into_iter().enumerate() {
                // SAFETY: i < n < nb_intr.
                unsafe { *hr.efds.add(i) = fd };
            }
            hr.nb_efd = n as u32;
            hr.max_intr = n as u32 + 1;
        }
        RTE_INTR_HANDLE_VDEV => {
            if hr.efd_counter_size > 16 {
                return Err(err!(
                    libc::EINVAL,
                    "the efd_counter_size is oversized ({} bytes, at most 16)",
                    hr.efd_counter_size
                ));
            }
        }
        _ => {
            // SAFETY: nb_intr >= 1 (event_list_update refuses 0); fd is an int of the union.
            unsafe { *hr.efds = hr.ids.fds.fd };
            hr.nb_efd = nb_efd.min(1);
            hr.max_intr = 1;
        }
    }
    Ok(())
}

/// `rte_intr_efd_disable`: removes the vectors from epoll, closes the eventfds that
/// `efd_enable` made (when `max_intr` > `nb_efd`), and zeroes both counts.
///
/// # Safety
/// As [`rx_ctl`].
pub unsafe fn efd_disable(h: *mut rte_intr_handle) {
    // SAFETY: the caller's guarantee.
    unsafe { free_epoll_fd(h) };
    // SAFETY: as above.
    let Ok(hr) = (unsafe { handle::get_mut(h) }) else {
        return;
    };
    if hr.max_intr > hr.nb_efd {
        let n = (hr.nb_efd as usize).min(usize::from(hr.nb_intr));
        for i in 0..n {
            // SAFETY: i < nb_intr; these fds were made by efd_enable and are owned by h.
            unsafe { sys::fd_close(*hr.efds.add(i)) };
        }
    }
    hr.nb_efd = 0;
    hr.max_intr = 0;
}

/// `rte_intr_dp_is_en`: the instance has Rx/Tx event fds. Defined, as DPDK, over the accessor
/// `nb_efd_get` (so a NULL instance, whose accessor gives -EINVAL, counts as "yes").
///
/// # Safety
/// As [`handle::get`].
pub unsafe fn dp_is_en(h: *const rte_intr_handle) -> bool {
    // SAFETY: the caller's guarantee.
    accessor(unsafe { handle::nb_efd_get(h) }) != 0
}

/// `rte_intr_allow_others`: the device's own interrupt has a vector of its own besides the
/// Rx/Tx ones (`max_intr` > `nb_efd`), or there are no Rx/Tx vectors.
///
/// # Safety
/// As [`handle::get`].
pub unsafe fn allow_others(h: *const rte_intr_handle) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { !dp_is_en(h) || accessor(handle::max_intr_get(h)) != accessor(handle::nb_efd_get(h)) }
}

/// `rte_intr_cap_multiple`: the handle type can have several vectors (VFIO_MSIX, VDEV).
///
/// # Safety
/// As [`handle::get`].
pub unsafe fn cap_multiple(h: *const rte_intr_handle) -> bool {
    // SAFETY: the caller's guarantee.
    let ty = unsafe { handle::type_get(h) };
    matches!(ty, Ok(RTE_INTR_HANDLE_VFIO_MSIX | RTE_INTR_HANDLE_VDEV))
}

/// What the C accessor returns for this result: the value, or minus the errno.
fn accessor(r: Result<c_int>) -> c_int {
    r.unwrap_or_else(|e| -e.errno)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    struct Owned(*mut rte_intr_handle);
    impl Drop for Owned {
        fn drop(&mut self) {
            // SAFETY: the test's own instance, freed once.
            unsafe {
                efd_disable(self.0);
                handle::instance_free(self.0);
            }
        }
    }

    fn blank() -> rte_epoll_event {
        rte_epoll_event {
            status: 0,
            fd: -1,
            epfd: -1,
            epdata: rte_epoll_data {
                event: 0,
                data: std::ptr::null_mut(),
                cb_fun: None,
                cb_arg: std::ptr::null_mut(),
            },
        }
    }

    static CALLS: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn count_cb(_fd: c_int, _arg: *mut c_void) {
        CALLS.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn ctl_add_marks_valid_wait_runs_the_callback_del_clears() {
        let efd = sys::eventfd().unwrap();
        let mut ev = blank();
        ev.epdata.event = libc::EPOLLIN as u32;
        ev.epdata.data = 0x55 as *mut c_void;
        ev.epdata.cb_fun = Some(count_cb);
        // SAFETY: ev outlives its registration (removed below).
        unsafe { ctl(-1, libc::EPOLL_CTL_ADD, efd.as_raw_fd(), &mut ev) }.unwrap();
        assert_eq!(ev.status, RTE_EPOLL_VALID);
        assert_eq!(ev.fd, efd.as_raw_fd());
        assert_eq!(ev.epfd, tls_epfd().unwrap());
        let mut out = [blank(); 4];
        // SAFETY: out has room for 4 entries; the registration is ev's.
        let got = unsafe { wait(-1, out.as_mut_ptr(), 4, 0, false) }.unwrap();
        assert_eq!(got, 0);
        sys::fd_write(efd.as_raw_fd(), &1u64.to_ne_bytes()).unwrap();
        let before = CALLS.load(Ordering::SeqCst);
        // SAFETY: as above.
        let got = unsafe { wait(-1, out.as_mut_ptr(), 4, 1000, false) }.unwrap();
        assert_eq!(got, 1);
        assert_eq!(CALLS.load(Ordering::SeqCst), before + 1);
        assert_eq!(out[0].status, RTE_EPOLL_VALID);
        assert_eq!(out[0].fd, efd.as_raw_fd());
        assert_eq!(out[0].epdata.data as usize, 0x55);
        assert_eq!(out[0].epdata.event, libc::EPOLLIN as u32);
        assert_eq!(
            ev.status, RTE_EPOLL_VALID,
            "back to VALID after the callback"
        );
        // SAFETY: as above.
        unsafe { ctl(-1, libc::EPOLL_CTL_DEL, efd.as_raw_fd(), &mut ev) }.unwrap();
        assert_eq!(ev.status, RTE_EPOLL_INVALID);
        assert_eq!((ev.fd, ev.epfd), (-1, -1));
        assert!(ev.epdata.cb_fun.is_none());
        // A failed ADD leaves the entry INVALID.
        // SAFETY: as above.
        assert!(unsafe { ctl(-1, libc::EPOLL_CTL_ADD, -5, &mut ev) }.is_err());
        assert_eq!(ev.status, RTE_EPOLL_INVALID);
        // SAFETY: NULL and a bad count are refused.
        unsafe {
            assert!(ctl(-1, libc::EPOLL_CTL_ADD, 0, std::ptr::null_mut()).is_err());
            assert!(wait(-1, std::ptr::null_mut(), 1, 0, false).is_err());
            assert!(wait(-1, out.as_mut_ptr(), 0, 0, false).is_err());
        }
    }

    /// The callback of DEL_FROM_CB removes its own registration.
    struct SelfDel {
        ev: rte_epoll_event,
        fd: c_int,
    }
    unsafe extern "C" fn del_self(_fd: c_int, arg: *mut c_void) {
        let s = arg as *mut SelfDel;
        // SAFETY: arg is the test's SelfDel, live during the wait.
        unsafe {
            let ev = std::ptr::addr_of_mut!((*s).ev);
            ctl(-1, libc::EPOLL_CTL_DEL, (*s).fd, ev).unwrap();
        }
    }

    #[test]
    fn a_callback_may_remove_its_own_registration() {
        let efd = sys::eventfd().unwrap();
        let mut s = Box::new(SelfDel {
            ev: blank(),
            fd: efd.as_raw_fd(),
        });
        let sp: *mut SelfDel = &mut *s;
        s.ev.epdata.event = libc::EPOLLIN as u32;
        s.ev.epdata.cb_fun = Some(del_self);
        s.ev.epdata.cb_arg = sp.cast();
        // SAFETY: s outlives the registration.
        unsafe { ctl(-1, libc::EPOLL_CTL_ADD, efd.as_raw_fd(), &mut s.ev) }.unwrap();
        sys::fd_write(efd.as_raw_fd(), &1u64.to_ne_bytes()).unwrap();
        let mut out = [blank(); 2];
        // SAFETY: as above.
        let got = unsafe { wait(-1, out.as_mut_ptr(), 2, 1000, false) }.unwrap();
        assert_eq!(got, 1);
        assert_eq!(
            s.ev.status, RTE_EPOLL_INVALID,
            "stays removed after the callback"
        );
        // SAFETY: as above.
        let got = unsafe { wait(-1, out.as_mut_ptr(), 2, 0, false) }.unwrap();
        assert_eq!(got, 0);
    }

    /// A removal from another thread waits while the callback runs (EXEC), then clears.
    struct Slow {
        started: std::sync::Barrier,
        release: std::sync::Mutex<bool>,
        cond: std::sync::Condvar,
    }
    unsafe extern "C" fn slow_cb(_fd: c_int, arg: *mut c_void) {
        // SAFETY: arg is the test's Slow, live during the test.
        let s = unsafe { &*(arg as *const Slow) };
        s.started.wait();
        let mut g = s.release.lock().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !*g && std::time::Instant::now() < deadline {
            g = s
                .cond
                .wait_timeout(g, std::time::Duration::from_millis(50))
                .unwrap()
                .0;
        }
    }

    #[test]
    fn removal_from_another_thread_waits_for_a_running_callback() {
        let efd = sys::eventfd().unwrap();
        let slow = Arc::new(Slow {
            started: std::sync::Barrier::new(2),
            release: std::sync::Mutex::new(false),
            cond: std::sync::Condvar::new(),
        });
        let ep = sys::epoll_create().unwrap();
        let mut ev = Box::new(blank());
        ev.epdata.event = libc::EPOLLIN as u32;
        ev.epdata.cb_fun = Some(slow_cb);
        ev.epdata.cb_arg = Arc::as_ptr(&slow) as *mut c_void;
        let evp = &mut *ev as *mut rte_epoll_event as usize;
        let epfd = ep.as_raw_fd();
        // SAFETY: ev outlives the registration.
        unsafe { ctl(epfd, libc::EPOLL_CTL_ADD, efd.as_raw_fd(), evp as *mut _) }.unwrap();
        sys::fd_write(efd.as_raw_fd(), &1u64.to_ne_bytes()).unwrap();
        let waiter = std::thread::spawn(move || {
            let mut out = [blank(); 1];
            // SAFETY: out has room; the registration is ev's.
            unsafe { wait(epfd, out.as_mut_ptr(), 1, 5000, false) }.unwrap()
        });
        slow.started.wait();
        // SAFETY: evp is live; the status is atomic.
        let got = unsafe { status(evp as *mut _) }.load(Ordering::SeqCst);
        assert_eq!(got, RTE_EPOLL_EXEC);
        let remover = {
            let efd = efd.as_raw_fd();
            std::thread::spawn(move || {
                // SAFETY: ev is live until the test ends.
                unsafe { ctl(epfd, libc::EPOLL_CTL_DEL, efd, evp as *mut _) }.unwrap();
                std::time::Instant::now()
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!remover.is_finished(), "the removal waits for the callback");
        let released = std::time::Instant::now();
        *slow.release.lock().unwrap() = true;
        slow.cond.notify_all();
        assert_eq!(waiter.join().unwrap(), 1);
        let done = remover.join().unwrap();
        assert!(done >= released);
        assert_eq!(ev.status, RTE_EPOLL_INVALID);
        assert_eq!(ev.fd, -1);
    }

    #[test]
    fn rx_ctl_adds_msix_eventfds_and_wait_drains_them() {
        let h = Owned(handle::instance_alloc(0).unwrap());
        // SAFETY: h is live for the test.
        unsafe {
            handle::type_set(h.0, RTE_INTR_HANDLE_VFIO_MSIX).unwrap();
            handle::fd_set(h.0, 1000).unwrap();
            assert_eq!(
                rx_ctl(h.0, -1, RTE_INTR_EVENT_ADD, 1, std::ptr::null_mut())
                    .unwrap_err()
                    .errno,
                libc::EPERM,
                "no event fds yet"
            );
            assert_eq!(efd_enable(h.0, 512).unwrap_err().errno, libc::ERANGE);
            efd_enable(h.0, 2).unwrap();
            assert_eq!(handle::nb_efd_get(h.0).unwrap(), 2);
            assert_eq!(handle::max_intr_get(h.0).unwrap(), 3);
            assert!(dp_is_en(h.0) && allow_others(h.0) && cap_multiple(h.0));
            let q1 = handle::efds_index_get(h.0, 1).unwrap();
            assert!(q1 >= 0);
            rx_ctl(h.0, -1, RTE_INTR_EVENT_ADD, 2, 0x77 as *mut c_void).unwrap();
            assert_eq!(
                rx_ctl(h.0, -1, RTE_INTR_EVENT_ADD, 2, std::ptr::null_mut())
                    .unwrap_err()
                    .errno,
                libc::EEXIST
            );
            assert_eq!(
                rx_ctl(h.0, -1, RTE_INTR_EVENT_ADD, 3, std::ptr::null_mut())
                    .unwrap_err()
                    .errno,
                libc::EPERM,
                "vector 3 is beyond the 2 event fds"
            );
            assert_eq!(
                rx_ctl(h.0, -1, RTE_INTR_EVENT_DEL, 1, std::ptr::null_mut())
                    .unwrap_err()
                    .errno,
                libc::EPERM,
                "vector 1 was not added"
            );
            assert_eq!(
                rx_ctl(h.0, -1, 7, 1, std::ptr::null_mut())
                    .unwrap_err()
                    .errno,
                libc::EPERM
            );
            // A packet interrupt on queue 1 (vector 2).
            sys::fd_write(q1, &3u64.to_ne_bytes()).unwrap();
            let mut out = [blank(); 4];
            assert_eq!(wait(-1, out.as_mut_ptr(), 4, 1000, false).unwrap(), 1);
            assert_eq!(out[0].epdata.data as usize, 0x77);
            assert_eq!(out[0].fd, q1);
            let mut b = [0u8; 8];
            assert_eq!(
                sys::fd_read(q1, &mut b).unwrap_err().kind(),
                std::io::ErrorKind::WouldBlock,
                "the internal callback drained the counter"
            );
            rx_ctl(h.0, -1, RTE_INTR_EVENT_DEL, 2, std::ptr::null_mut()).unwrap();
            let e = handle::elist_index_get(h.0, 1).unwrap();
            assert_eq!((*e).status, RTE_EPOLL_INVALID);
            rx_ctl(h.0, -1, RTE_INTR_EVENT_ADD, 1, std::ptr::null_mut()).unwrap();
            efd_disable(h.0);
            assert_eq!(
                (*handle::elist_index_get(h.0, 0).unwrap()).status,
                RTE_EPOLL_INVALID
            );
            assert_eq!(handle::nb_efd_get(h.0).unwrap(), 0);
            assert!(!dp_is_en(h.0) && allow_others(h.0));
            assert!(
                sys::fd_read(q1, &mut b).is_err(),
                "efd_disable closed the eventfds it made"
            );
        }
    }

    #[test]
    fn efd_enable_for_other_types_uses_the_device_fd() {
        let h = Owned(handle::instance_alloc(0).unwrap());
        // SAFETY: h is live for the test.
        unsafe {
            handle::type_set(h.0, RTE_INTR_HANDLE_UIO).unwrap();
            handle::fd_set(h.0, 33).unwrap();
            efd_enable(h.0, 8).unwrap();
            assert_eq!(handle::nb_efd_get(h.0).unwrap(), 1);
            assert_eq!(handle::max_intr_get(h.0).unwrap(), 1);
            assert_eq!(handle::efds_index_get(h.0, 0).unwrap(), 33);
            assert!(dp_is_en(h.0) && !allow_others(h.0) && !cap_multiple(h.0));
            // Not closed by disable (max_intr == nb_efd): only counts reset.
            handle::fd_set(h.0, -1).unwrap();
            efd_disable(h.0);
            handle::type_set(h.0, RTE_INTR_HANDLE_VDEV).unwrap();
            handle::efd_counter_size_set(h.0, 17).unwrap();
            assert_eq!(efd_enable(h.0, 1).unwrap_err().errno, libc::EINVAL);
            handle::efd_counter_size_set(h.0, 8).unwrap();
            efd_enable(h.0, 1).unwrap();
            assert!(cap_multiple(h.0));
            // NULL: as DPDK's accessors make it.
            assert!(efd_enable(std::ptr::null_mut(), 1).is_err());
            assert!(dp_is_en(std::ptr::null()));
            assert!(!allow_others(std::ptr::null()));
            assert!(!cap_multiple(std::ptr::null()));
        }
    }
}
