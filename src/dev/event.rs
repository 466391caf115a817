//! Device events (DPDK's `rte_dev_event_*` in `eal_common_dev.c` and `linux/eal_dev.c`):
//! application callbacks told when a device is added or removed, the kernel uevent monitor
//! that produces those events, and the SIGBUS handling that lets a bus survive an access to
//! the memory of a device that was pulled out.
//!
//! - Callbacks: a list of (device name or any, function, argument). `process` calls the
//!   matching ones without the list lock, marking each active meanwhile, so a callback may
//!   register or unregister others; unregistering an active one is refused with EAGAIN.
//! - Monitor: a netlink socket on the kernel's uevent groups, watched by the interrupt thread
//!   (reference-counted start/stop). Only PCI, UIO and VFIO add/remove events with a
//!   PCI_SLOT_NAME are reported; on "remove", with hotplug handling enabled, the device's bus
//!   gets its `hot_unplug_handler` first.
//! - Hotplug handling: a SIGBUS handler that offers the fault address to the buses
//!   ([`super::bus::sigbus_handler`]); a fault no bus claims goes to the handler that was there
//!   before (or, when that was the default, is delivered again with it). rtemem's own memory
//!   never raises SIGBUS (pages are allocated before they are touched), so this only ever sees
//!   device memory and application faults.

use std::ffi::{c_int, c_void, CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::bus;
use super::list::Ptr;
use crate::abi::dev::{rte_dev_event_cb_fn, rte_device, RTE_DEV_EVENT_ADD, RTE_DEV_EVENT_REMOVE};
use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_ERR};
use crate::eal_log;
use crate::intr;

// ---- callbacks -----------------------------------------------------------------------------------

struct Callback {
    id: u64,
    name: Option<CString>,
    func: usize,
    arg: usize,
    active: bool,
}

static CALLBACKS: Mutex<Vec<Callback>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn callbacks() -> MutexGuard<'static, Vec<Callback>> {
    CALLBACKS.lock().unwrap_or_else(|p| p.into_inner())
}

/// `rte_dev_event_callback_register`: 0, -EINVAL (no function), -EEXIST (the same name,
/// function and argument are registered).
pub fn register(name: Option<&CStr>, cb: rte_dev_event_cb_fn, arg: *mut c_void) -> c_int {
    let Some(f) = cb else {
        return -libc::EINVAL;
    };
    let mut g = callbacks();
    if g.iter()
        .any(|c| c.func == f as usize && c.arg == arg as usize && c.name.as_deref() == name)
    {
        eal_log!(
            RTE_LOG_ERR,
            "The callback is already exist, no need to register again."
        );
        return -libc::EEXIST;
    }
    g.push(Callback {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        name: name.map(CStr::to_owned),
        func: f as usize,
        arg: arg as usize,
        active: false,
    });
    0
}

/// `rte_dev_event_callback_unregister`: removes the callbacks of `cb` with `arg` (`(void *)-1`:
/// any argument) for `name` (NULL: whatever their device). How many were removed, -ENOENT when
/// none, -EAGAIN when a matching one is running, -EINVAL without a function.
pub fn unregister(name: Option<&CStr>, cb: rte_dev_event_cb_fn, arg: *mut c_void) -> c_int {
    let Some(f) = cb else {
        return -libc::EINVAL;
    };
    let mut g = callbacks();
    let mut removed = 0;
    let mut i = 0;
    while i < g.len() {
        let c = &g[i];
        // DPDK's rule: a name given matches that name only; no name matches every callback.
        let name_ok = match (name, c.name.as_deref()) {
            (Some(n), Some(m)) => n == m,
            (Some(_), None) => false,
            (None, _) => true,
        };
        if !name_ok || c.func != f as usize || (arg as usize != usize::MAX && c.arg != arg as usize)
        {
            i += 1;
            continue;
        }
        if c.active {
            return -libc::EAGAIN;
        }
        g.remove(i);
        removed += 1;
    }
    if removed == 0 {
        -libc::ENOENT
    } else {
        removed
    }
}

/// `rte_dev_event_callback_process`: calls each callback registered for `name` or for every
/// device, in registration order, without the list locked.
pub fn process(name: &CStr, event: c_int) {
    let ids: Vec<u64> = callbacks().iter().map(|c| c.id).collect();
    for id in ids {
        let (func, arg) = {
            let mut g = callbacks();
            let Some(c) = g.iter_mut().find(|c| c.id == id) else {
                continue;
            };
            if c.name.as_deref().is_some_and(|n| n != name) {
                continue;
            }
            c.active = true;
            (c.func, c.arg)
        };
        // SAFETY: func is the rte_dev_event_cb_fn registered with arg.
        unsafe {
            let f: unsafe extern "C" fn(*const std::ffi::c_char, c_int, *mut c_void) =
                std::mem::transmute(func);
            f(name.as_ptr(), event, arg as *mut c_void);
        }
        if let Some(c) = callbacks().iter_mut().find(|c| c.id == id) {
            c.active = false;
        }
    }
}

// ---- the uevent monitor --------------------------------------------------------------------------

/// Longest uevent message read at once.
const UEV_MSG_LEN: usize = 4096;

struct Monitor {
    refs: u32,
    handle: Ptr<intr::rte_intr_handle>,
    sock: Option<OwnedFd>,
}

// SAFETY: the handle is only used under the mutex or by the interrupt thread via its fd.
unsafe impl Send for Monitor {}

static MONITOR: Mutex<Monitor> = Mutex::new(Monitor {
    refs: 0,
    handle: Ptr(std::ptr::null_mut()),
    sock: None,
});
/// The monitor's socket, for the handler on the interrupt thread (-1: none).
static SOCK_FD: AtomicI32 = AtomicI32::new(-1);
/// Hotplug handling enabled (`rte_dev_hotplug_handle_enable`).
static HOTPLUG_HANDLE: AtomicBool = AtomicBool::new(false);

fn monitor() -> MutexGuard<'static, Monitor> {
    MONITOR.lock().unwrap_or_else(|p| p.into_inner())
}

/// A parsed uevent: what happened, to which PCI device, reported by which subsystem.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Uevent {
    pub event: c_int,
    /// "pci" for PCI and UIO events, "" for VFIO ones (as DPDK).
    pub bus: &'static str,
    pub devname: Option<String>,
}

/// Parses a kernel uevent (NUL-separated "KEY=value" strings). None for events that are not
/// PCI/UIO/VFIO add/remove, and for udev's re-broadcasts ("libudev" header).
pub(crate) fn parse_uevent(buf: &[u8]) -> Option<Uevent> {
    let (mut action, mut subsystem, mut slot) = (None, None, None);
    for field in buf.split(|&c| c == 0).filter(|f| !f.is_empty()) {
        if field.starts_with(b"libudev") {
            return None;
        }
        if let Some(v) = field.strip_prefix(b"ACTION=") {
            action = Some(v);
        } else if let Some(v) = field.strip_prefix(b"SUBSYSTEM=") {
            subsystem = Some(v);
        } else if let Some(v) = field.strip_prefix(b"PCI_SLOT_NAME=") {
            slot = Some(String::from_utf8_lossy(&v[..v.len().min(127)]).into_owned());
        }
    }
    let s = subsystem.unwrap_or(b"");
    let bus = if s.starts_with(b"uio") || s.starts_with(b"pci") {
        "pci"
    } else if s.starts_with(b"vfio") {
        ""
    } else {
        return None;
    };
    let a = action.unwrap_or(b"");
    let event = if a.starts_with(b"add") {
        RTE_DEV_EVENT_ADD
    } else if a.starts_with(b"remove") {
        RTE_DEV_EVENT_REMOVE
    } else {
        return None;
    };
    Some(Uevent {
        event,
        bus,
        devname: slot,
    })
}

/// What the interrupt thread runs when the uevent socket is readable.
unsafe extern "C" fn uevent_ready(_arg: *mut c_void) {
    let fd = SOCK_FD.load(Ordering::Acquire);
    if fd < 0 {
        return;
    }
    let mut buf = vec![0u8; UEV_MSG_LEN];
    let n = match crate::sys::recv_nonblock(fd, &mut buf) {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
        Ok(n) if n > 0 => n,
        _ => {
            eal_log!(RTE_LOG_ERR, "uevent socket connection is broken.");
            let _ = intr::alarm::set(1, Some(delayed_unregister), std::ptr::null_mut());
            return;
        }
    };
    let Some(ev) = parse_uevent(&buf[..n]) else {
        eal_log!(RTE_LOG_DEBUG, "Ignoring uevent");
        return;
    };
    eal_log!(
        RTE_LOG_DEBUG,
        "receive uevent(name:{:?}, type:{}, bus:{})",
        ev.devname,
        ev.event,
        ev.bus
    );
    let Some(name) = ev.devname else { return };
    if ev.event == RTE_DEV_EVENT_REMOVE && HOTPLUG_HANDLE.load(Ordering::Acquire) {
        hot_unplug(ev.bus, &name);
    }
    if let Ok(c) = CString::new(name) {
        process(&c, ev.event);
    }
}

/// Asks the device's bus to handle its hot unplug before the application hears of it.
fn hot_unplug(busname: &str, name: &str) {
    let Some(b) = bus::find_by_name(busname.as_bytes()) else {
        eal_log!(RTE_LOG_ERR, "Cannot find bus ({busname})");
        return;
    };
    let Ok(c) = CString::new(name) else { return };
    unsafe extern "C" fn same(dev: *const rte_device, n: *const c_void) -> c_int {
        // SAFETY: the bus's live device; n is our C string.
        unsafe {
            ((*dev).name.is_null() || CStr::from_ptr((*dev).name) != CStr::from_ptr(n.cast()))
                as c_int
        }
    }
    // SAFETY: a registered bus is live, with find_device.
    let dev = unsafe {
        ((*b.0).find_device.expect("checked at registration"))(
            std::ptr::null(),
            Some(same),
            c.as_ptr().cast(),
        )
    };
    if dev.is_null() {
        eal_log!(
            RTE_LOG_ERR,
            "Cannot find device ({name}) on bus ({busname})"
        );
        return;
    }
    // SAFETY: as above.
    if let Some(h) = unsafe { (*b.0).hot_unplug_handler } {
        // SAFETY: the bus's handler with its device.
        if unsafe { h(dev) } != 0 {
            eal_log!(RTE_LOG_ERR, "Can not handle hot-unplug for device ({name})");
        }
    }
}

/// After a broken socket: stop watching it (from an alarm, not from inside the callback).
unsafe extern "C" fn delayed_unregister(_arg: *mut c_void) {
    let mut m = monitor();
    if !m.handle.0.is_null() {
        let _ =
            intr::callback_unregister(m.handle.0, Some(uevent_ready), intr::ANY_ARG as *mut c_void);
    }
    SOCK_FD.store(-1, Ordering::Release);
    m.sock = None;
}

/// `rte_dev_event_monitor_start` (reference-counted). 0, or -1 when the socket or its
/// callback cannot be set up.
pub fn monitor_start() -> c_int {
    let mut m = monitor();
    if m.refs > 0 {
        m.refs += 1;
        return 0;
    }
    let h = match intr::instance_alloc(0) {
        Ok(h) => h,
        Err(e) => {
            eal_log!(RTE_LOG_ERR, "Fail to allocate intr_handle: {}", e.msg);
            return -1;
        }
    };
    let fail = |h, why: String| {
        eal_log!(RTE_LOG_ERR, "error create device event fd: {why}");
        intr::instance_free(h);
        -1
    };
    if let Err(e) = intr::type_set(h, crate::abi::intr::RTE_INTR_HANDLE_DEV_EVENT) {
        return fail(h, e.msg);
    }
    let sock = match crate::sys::uevent_socket() {
        Ok(s) => s,
        Err(e) => return fail(h, format!("uevent socket: {e}")),
    };
    if let Err(e) = intr::fd_set(h, sock.as_raw_fd()) {
        return fail(h, e.msg);
    }
    SOCK_FD.store(sock.as_raw_fd(), Ordering::Release);
    if let Err(e) = intr::callback_register(h, Some(uevent_ready), std::ptr::null_mut()) {
        SOCK_FD.store(-1, Ordering::Release);
        return fail(h, e.msg);
    }
    m.handle = Ptr(h);
    m.sock = Some(sock);
    m.refs = 1;
    0
}

/// `rte_dev_event_monitor_stop`: drops one reference; the last one closes the socket. 0 (also
/// when not started, which is logged).
pub fn monitor_stop() -> c_int {
    let mut m = monitor();
    match m.refs {
        0 => {
            eal_log!(RTE_LOG_ERR, "device event monitor already stopped");
            return 0;
        }
        1 => {}
        _ => {
            m.refs -= 1;
            return 0;
        }
    }
    if let Err(e) =
        intr::callback_unregister(m.handle.0, Some(uevent_ready), intr::ANY_ARG as *mut c_void)
    {
        if e.errno != libc::ENOENT {
            eal_log!(RTE_LOG_ERR, "fail to unregister uevent callback: {}", e.msg);
            return -e.errno;
        }
    }
    SOCK_FD.store(-1, Ordering::Release);
    m.sock = None;
    intr::instance_free(m.handle.0);
    m.handle = Ptr(std::ptr::null_mut());
    m.refs = 0;
    0
}

// ---- SIGBUS --------------------------------------------------------------------------------------

/// The SIGBUS action we replaced (set while our handler is installed).
static OLD_SIGBUS: Mutex<Option<libc::sigaction>> = Mutex::new(None);
/// A copy for the handler, which must not lock: written before the handler is installed.
static mut OLD_SIGBUS_COPY: Option<libc::sigaction> = None;

extern "C" fn sigbus(sig: c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    // SAFETY: the kernel's siginfo for this SIGBUS.
    let addr = unsafe { crate::sys::fault_addr(info) };
    match bus::sigbus_handler(addr) {
        0 => {}
        -1 => crate::base::log::exit_with(
            libc::EXIT_FAILURE,
            format!(
                "Failed to handle SIGBUS for hot-unplug, (rte_errno: {})!",
                crate::base::errno::get()
            )
            .as_bytes(),
        ),
        _ => {
            // SAFETY: written before this handler was installed, not changed while it is.
            let old = unsafe { (*std::ptr::addr_of!(OLD_SIGBUS_COPY)).as_ref() };
            let Some(old) = old else { return };
            // SAFETY: we are in the SIGBUS handler with the kernel's info and context.
            if !unsafe { crate::sys::chain_signal(old, sig, info, ctx) } {
                // The default action: put it back and let the fault happen again.
                let _ = crate::sys::restore_sigbus(old);
            }
        }
    }
}

/// `rte_dev_hotplug_handle_enable`: installs the SIGBUS handler (once) and turns on the buses'
/// hot-unplug handling. 0, or -errno if the handler cannot be installed.
pub fn hotplug_handle_enable() -> c_int {
    let mut old = OLD_SIGBUS.lock().unwrap_or_else(|p| p.into_inner());
    if old.is_none() {
        // The handler's copy of the previous action is written before the handler goes in.
        let installed = crate::sys::sigbus_action().and_then(|prev| {
            // SAFETY: only written here, under OLD_SIGBUS, while our handler is not installed.
            unsafe { *std::ptr::addr_of_mut!(OLD_SIGBUS_COPY) = Some(prev) };
            crate::sys::install_sigbus(sigbus)
        });
        match installed {
            Ok(prev) => *old = Some(prev),
            Err(e) => {
                eal_log!(
                    RTE_LOG_ERR,
                    "fail to register sigbus handler for devices: {e}"
                );
                HOTPLUG_HANDLE.store(true, Ordering::Release);
                return -(e.raw_os_error().unwrap_or(libc::EINVAL));
            }
        }
    }
    HOTPLUG_HANDLE.store(true, Ordering::Release);
    0
}

/// `rte_dev_hotplug_handle_disable`: puts the previous SIGBUS action back.
pub fn hotplug_handle_disable() -> c_int {
    let mut old = OLD_SIGBUS.lock().unwrap_or_else(|p| p.into_inner());
    let mut ret = 0;
    if let Some(prev) = old.take() {
        if let Err(e) = crate::sys::restore_sigbus(&prev) {
            eal_log!(
                RTE_LOG_ERR,
                "fail to unregister sigbus handler for devices: {e}"
            );
            ret = -(e.raw_os_error().unwrap_or(libc::EINVAL));
        }
    }
    HOTPLUG_HANDLE.store(false, Ordering::Release);
    ret
}

/// Whether the SIGBUS handler is installed (for tests).
pub fn sigbus_installed() -> bool {
    OLD_SIGBUS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    static HITS: AtomicUsize = AtomicUsize::new(0);
    static LAST: Mutex<Vec<(String, c_int, usize)>> = Mutex::new(Vec::new());

    unsafe extern "C" fn record(name: *const std::ffi::c_char, ev: c_int, arg: *mut c_void) {
        HITS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: process passes a C string.
        let n = unsafe { CStr::from_ptr(name) }
            .to_string_lossy()
            .into_owned();
        LAST.lock().unwrap().push((n, ev, arg as usize));
    }

    unsafe extern "C" fn unregister_self(
        name: *const std::ffi::c_char,
        _ev: c_int,
        arg: *mut c_void,
    ) {
        let _ = name;
        // SAFETY: the test passes a pointer to an AtomicI32.
        let out = unsafe { &*(arg as *const AtomicI32) };
        out.store(
            unregister(None, Some(unregister_self), arg),
            Ordering::SeqCst,
        );
    }

    #[test]
    fn callbacks_register_match_names_and_unregister_as_dpdk() {
        let _g = crate::dev::testbus::lock();
        assert_eq!(register(None, None, std::ptr::null_mut()), -libc::EINVAL);
        assert_eq!(unregister(None, None, std::ptr::null_mut()), -libc::EINVAL);
        assert_eq!(
            unregister(None, Some(record), std::ptr::null_mut()),
            -libc::ENOENT
        );
        assert_eq!(
            register(
                Some(c"0000:00:01.0"),
                Some(record),
                std::ptr::dangling_mut::<c_void>()
            ),
            0
        );
        assert_eq!(
            register(
                Some(c"0000:00:01.0"),
                Some(record),
                std::ptr::dangling_mut::<c_void>()
            ),
            -libc::EEXIST
        );
        assert_eq!(register(None, Some(record), 2 as *mut c_void), 0);
        assert_eq!(
            register(None, Some(record), 2 as *mut c_void),
            -libc::EEXIST
        );
        LAST.lock().unwrap().clear();
        process(c"0000:00:01.0", RTE_DEV_EVENT_ADD);
        process(c"0000:00:02.0", RTE_DEV_EVENT_REMOVE);
        assert_eq!(
            *LAST.lock().unwrap(),
            vec![
                (
                    "0000:00:01.0".to_string(),
                    RTE_DEV_EVENT_ADD,
                    std::ptr::dangling_mut::<c_void>() as usize
                ),
                ("0000:00:01.0".to_string(), RTE_DEV_EVENT_ADD, 2),
                ("0000:00:02.0".to_string(), RTE_DEV_EVENT_REMOVE, 2),
            ]
        );
        // A name given matches only callbacks for that name.
        assert_eq!(
            unregister(
                Some(c"0000:00:09.0"),
                Some(record),
                usize::MAX as *mut c_void
            ),
            -libc::ENOENT
        );
        // No name: every callback of this function, whatever its device (-1: any argument).
        assert_eq!(unregister(None, Some(record), usize::MAX as *mut c_void), 2);
    }

    #[test]
    fn a_running_callback_cannot_unregister_itself() {
        let _g = crate::dev::testbus::lock();
        let out = Box::leak(Box::new(AtomicI32::new(0)));
        let arg = out as *const AtomicI32 as *mut c_void;
        assert_eq!(register(None, Some(unregister_self), arg), 0);
        process(c"x", RTE_DEV_EVENT_ADD);
        assert_eq!(out.load(Ordering::SeqCst), -libc::EAGAIN);
        assert_eq!(unregister(None, Some(unregister_self), arg), 1);
    }

    #[test]
    fn uevents_are_parsed_as_dpdk_reads_them() {
        let msg = b"remove@/devices/pci0000:00/0000:00:03.0\0ACTION=remove\0DEVPATH=/x\0SUBSYSTEM=pci\0PCI_SLOT_NAME=0000:00:03.0\0SEQNUM=1\0";
        assert_eq!(
            parse_uevent(msg),
            Some(Uevent {
                event: RTE_DEV_EVENT_REMOVE,
                bus: "pci",
                devname: Some("0000:00:03.0".into())
            })
        );
        let add = b"add@/x\0ACTION=add\0SUBSYSTEM=vfio\0";
        assert_eq!(
            parse_uevent(add),
            Some(Uevent {
                event: RTE_DEV_EVENT_ADD,
                bus: "",
                devname: None
            })
        );
        assert_eq!(parse_uevent(b"add@/x\0ACTION=add\0SUBSYSTEM=net\0"), None);
        assert_eq!(
            parse_uevent(b"add@/x\0ACTION=change\0SUBSYSTEM=pci\0"),
            None
        );
        assert_eq!(parse_uevent(b"libudev\0ACTION=add\0SUBSYSTEM=pci\0"), None);
        assert_eq!(parse_uevent(b""), None);
    }

    #[test]
    fn monitor_starts_counts_references_and_stops() {
        let _g = crate::dev::testbus::lock();
        assert_eq!(monitor_stop(), 0, "not started: logged, 0");
        assert_eq!(monitor_start(), 0);
        assert!(SOCK_FD.load(Ordering::SeqCst) >= 0);
        assert_eq!(monitor_start(), 0);
        assert_eq!(monitor_stop(), 0);
        assert!(SOCK_FD.load(Ordering::SeqCst) >= 0, "one reference left");
        assert_eq!(monitor_stop(), 0);
        assert_eq!(SOCK_FD.load(Ordering::SeqCst), -1);
    }

    #[test]
    fn sigbus_handler_is_installed_and_removed() {
        let _g = crate::dev::testbus::lock();
        assert_eq!(hotplug_handle_enable(), 0);
        assert!(sigbus_installed());
        assert_eq!(hotplug_handle_enable(), 0, "twice is fine");
        assert_eq!(hotplug_handle_disable(), 0);
        assert!(!sigbus_installed());
        assert_eq!(hotplug_handle_disable(), 0);
    }
}
