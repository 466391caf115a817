//! The bus registry (DPDK's `eal_common_bus.c`): buses register themselves from library
//! constructors (priority 110, before `main` and before `rte_eal_init`), and the EAL scans and
//! probes them in registration order during init, with the "vdev" bus probed last.
//!
//! The registry is a [`List`] of pointers to the drivers' static `struct rte_bus`; a bus's
//! functions are always called with the list unlocked. Registration checks what DPDK only
//! asserts (a name, `scan`, `probe`, `find_device`, `unplug` when there is `plug`): a bad bus is
//! logged and left out instead of aborting the process; registering the same object twice is
//! refused rather than corrupting the list.

use std::ffi::{c_int, c_void, CStr};
use std::io::Write;

use super::list::{Linked, List, Ptr};
use crate::abi::dev::{rte_bus, rte_device, TailqEntry, RTE_DEV_NAME_MAX_LEN};
use crate::abi::{RTE_IOVA_DC, RTE_IOVA_PA, RTE_IOVA_VA};
use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_ERR, RTE_LOG_WARNING};
use crate::error::Result;
use crate::{eal_log, err};

/// A registered bus.
pub type Bus = Ptr<rte_bus>;

impl Linked for rte_bus {
    unsafe fn entry(p: *mut Self) -> *mut TailqEntry<Self> {
        // SAFETY: the caller guarantees p is live.
        unsafe { std::ptr::addr_of_mut!((*p).next) }
    }
}

static BUSES: List<rte_bus> = List::new();

/// The registered buses, in registration order.
pub fn all() -> Vec<Bus> {
    BUSES.snapshot()
}

/// A bus's name ("" when it has none, which registration refuses).
pub fn name(b: Bus) -> &'static CStr {
    // SAFETY: registered buses are live for as long as they are registered, and their name is a
    // C string (checked at registration); DPDK's buses are statics with literal names.
    unsafe {
        let n = (*b.0).name;
        if n.is_null() {
            c""
        } else {
            CStr::from_ptr(n)
        }
    }
}

/// Why `bus` cannot be registered, if it cannot.
///
/// # Safety
/// `bus` is NULL or points to a readable `struct rte_bus`.
unsafe fn refusal(bus: *const rte_bus) -> Option<&'static str> {
    if bus.is_null() {
        return Some("bus is NULL");
    }
    // SAFETY: non-NULL and readable (caller).
    let b = unsafe { &*bus };
    // SAFETY: a non-NULL name is the driver's C string.
    if b.name.is_null() || unsafe { *b.name } == 0 {
        return Some("the bus has no name");
    }
    if b.scan.is_none() {
        return Some("the bus has no scan function");
    }
    if b.probe.is_none() {
        return Some("the bus has no probe function");
    }
    if b.find_device.is_none() {
        return Some("the bus has no find_device function");
    }
    if b.plug.is_some() && b.unplug.is_none() {
        return Some("the bus has plug but no unplug function");
    }
    None
}

/// `rte_bus_register`: appends `bus` to the registry. Works before `rte_eal_init`.
///
/// # Safety
/// `bus` is NULL or points to a `struct rte_bus` that stays valid (and is not moved) until it
/// is unregistered.
pub unsafe fn register(bus: *mut rte_bus) -> Result<()> {
    // SAFETY: the caller's guarantee.
    if let Some(why) = unsafe { refusal(bus) } {
        return Err(err!(libc::EINVAL, "{why}: not registered"));
    }
    let me = Ptr(bus);
    // SAFETY: bus is valid until unregistered (caller); the closure adds it only once.
    let added = unsafe {
        BUSES.change(|v| {
            if v.contains(&me) {
                return false;
            }
            v.push(me);
            true
        })
    };
    if !added {
        return Err(err!(
            libc::EEXIST,
            "bus {} is already registered",
            name(me).to_string_lossy()
        ));
    }
    eal_log!(
        RTE_LOG_DEBUG,
        "Registered [{}] bus.",
        name(me).to_string_lossy()
    );
    Ok(())
}

/// `rte_bus_unregister`: removes `bus` from the registry.
///
/// # Safety
/// Every registered bus is live (the registry's rule).
pub unsafe fn unregister(bus: *mut rte_bus) -> Result<()> {
    let me = Ptr(bus);
    // SAFETY: the remaining buses are live; the removed one is no longer linked by us.
    let found = unsafe {
        BUSES.change(|v| {
            let n = v.len();
            v.retain(|b| *b != me);
            v.len() != n
        })
    };
    if !found {
        return Err(err!(libc::EINVAL, "this bus is not registered"));
    }
    eal_log!(
        RTE_LOG_DEBUG,
        "Unregistered [{}] bus.",
        name(me).to_string_lossy()
    );
    Ok(())
}

/// `rte_bus_scan`: every bus scans for its devices; a failure is logged and the rest go on.
/// Returns 0, as DPDK's does.
pub fn scan_all() -> i32 {
    for b in all() {
        // SAFETY: a registered bus is live and its scan was checked non-NULL at registration.
        let ret = unsafe { ((*b.0).scan.expect("checked at registration"))() };
        if ret != 0 {
            eal_log!(
                RTE_LOG_ERR,
                "Scan for ({}) bus failed.",
                name(b).to_string_lossy()
            );
        }
    }
    0
}

/// `rte_bus_probe`: every bus probes its devices, the "vdev" bus last (virtual devices may
/// stack on physical ones). Failures are logged; returns 0, as DPDK's does.
pub fn probe_all() -> i32 {
    let buses = all();
    let is_vdev = |b: &Bus| name(*b).to_bytes() == b"vdev";
    let order = buses
        .iter()
        .filter(|b| !is_vdev(b))
        .chain(buses.iter().filter(|b| is_vdev(b)).take(1));
    for &b in order {
        // SAFETY: as in scan_all (probe checked non-NULL at registration).
        let ret = unsafe { ((*b.0).probe.expect("checked at registration"))() };
        if ret != 0 {
            eal_log!(
                RTE_LOG_ERR,
                "Bus ({}) probe failed.",
                name(b).to_string_lossy()
            );
        }
    }
    0
}

/// `eal_bus_cleanup` (at `rte_eal_cleanup`): each bus with a cleanup function releases its
/// devices. -1 if any failed.
pub fn cleanup_all() -> i32 {
    let mut ret = 0;
    for b in all() {
        // SAFETY: a registered bus is live.
        if let Some(f) = unsafe { (*b.0).cleanup } {
            // SAFETY: the bus's own cleanup function.
            if unsafe { f() } != 0 {
                ret = -1;
            }
        }
    }
    ret
}

/// `rte_bus_find`: the first bus after `start` (from the first when `start` is NULL) for which
/// `matches` is true. Err when `start` is not a registered bus.
pub fn find(start: *const rte_bus, mut matches: impl FnMut(Bus) -> bool) -> Result<Option<Bus>> {
    let buses = all();
    let from = if start.is_null() {
        0
    } else {
        buses
            .iter()
            .position(|b| std::ptr::eq(b.0, start))
            .map(|i| i + 1)
            .ok_or_else(|| err!(libc::EINVAL, "start is not a registered bus"))?
    };
    Ok(buses[from..].iter().copied().find(|&b| matches(b)))
}

/// `rte_bus_find_by_name`.
pub fn find_by_name(n: &[u8]) -> Option<Bus> {
    all().into_iter().find(|&b| name(b).to_bytes() == n)
}

unsafe extern "C" fn same_device(dev: *const rte_device, data: *const c_void) -> c_int {
    (!std::ptr::eq(dev, data.cast())) as c_int
}

/// `rte_bus_find_by_device`: the bus whose `find_device` knows `dev`.
pub fn find_by_device(dev: *const rte_device) -> Option<Bus> {
    all().into_iter().find(|&b| {
        // SAFETY: a registered bus is live; find_device was checked non-NULL; same_device only
        // compares addresses.
        unsafe {
            let f = (*b.0).find_device.expect("checked at registration");
            !f(std::ptr::null(), Some(same_device), dev.cast()).is_null()
        }
    })
}

/// True when `b`'s `parse` accepts `devname` (a NUL-terminated name).
fn parses(b: Bus, devname: &CStr) -> bool {
    // SAFETY: a registered bus is live; parse gets a C string and a NULL result pointer, which
    // every bus's parse accepts (DPDK calls it the same way).
    unsafe {
        match (*b.0).parse {
            Some(p) => p(devname.as_ptr(), std::ptr::null_mut()) == 0,
            None => false,
        }
    }
}

/// The device name part of `s` as DPDK's `rte_bus_find_by_device_name` hands it to buses: cut
/// at the first ',' and to `RTE_DEV_NAME_MAX_LEN - 1` bytes.
fn device_name_of(s: &[u8]) -> Vec<u8> {
    let mut n: Vec<u8> = s
        .iter()
        .take(RTE_DEV_NAME_MAX_LEN - 1)
        .take_while(|&&c| c != 0)
        .copied()
        .collect();
    if let Some(i) = n.iter().position(|&c| c == b',') {
        n.truncate(i);
    }
    n.push(0);
    n
}

/// `rte_bus_find_by_device_name`: the first bus whose `parse` accepts the name in `s`
/// (the text before a ',').
pub fn find_by_device_name(s: &[u8]) -> Option<Bus> {
    let n = device_name_of(s);
    let c = CStr::from_bytes_with_nul(&n).ok()?;
    all().into_iter().find(|&b| parses(b, c))
}

/// Whether `b` parses `devname` (the name part of a legacy device string).
pub fn bus_parses(b: Bus, s: &[u8]) -> bool {
    let n = device_name_of(s);
    CStr::from_bytes_with_nul(&n).is_ok_and(|c| parses(b, c))
}

/// `rte_bus_get_iommu_class`: the IOVA mode the buses' devices need (`RTE_IOVA_*`): VA or PA
/// when only that one is wanted, DC when none or both are (both is warned about).
pub fn iommu_class() -> c_int {
    let (mut va, mut pa) = (false, false);
    for b in all() {
        // SAFETY: a registered bus is live.
        let Some(f) = (unsafe { (*b.0).get_iommu_class }) else {
            continue;
        };
        // SAFETY: the bus's own function.
        let m = unsafe { f() };
        let shown = match m {
            RTE_IOVA_PA => "PA",
            RTE_IOVA_VA => "VA",
            _ => "DC",
        };
        eal_log!(
            RTE_LOG_DEBUG,
            "Bus {} wants IOVA as '{shown}'",
            name(b).to_string_lossy()
        );
        match m {
            RTE_IOVA_PA => pa = true,
            RTE_IOVA_VA => va = true,
            _ => {}
        }
    }
    match (va, pa) {
        (true, false) => RTE_IOVA_VA,
        (false, true) => RTE_IOVA_PA,
        (true, true) => {
            eal_log!(
                RTE_LOG_WARNING,
                "Some buses want 'VA' but forcing 'DC' because other buses want 'PA'."
            );
            eal_log!(
                RTE_LOG_WARNING,
                "Depending on the final decision by the EAL, not all buses may be able to initialize."
            );
            RTE_IOVA_DC
        }
        (false, false) => RTE_IOVA_DC,
    }
}

/// `rte_bus_dump`: one line " <name>" per bus.
pub fn dump(w: &mut dyn Write) -> std::io::Result<()> {
    for b in all() {
        w.write_all(b" ")?;
        w.write_all(name(b).to_bytes())?;
        w.write_all(b"\n")?;
    }
    w.flush()
}

/// `rte_bus_sigbus_handler` (for the SIGBUS handler of device hot-unplug): asks each bus in turn
/// to handle a fault at `addr`. 1: no bus claims it; 0: a bus handled it; -1: a bus claimed it
/// but failed (`rte_errno` then says why). Never waits for a lock: called from a signal
/// handler, it treats a registry being changed as "no bus claims it".
pub fn sigbus_handler(addr: *const c_void) -> i32 {
    BUSES.try_with(|buses| sigbus_ask(buses, addr)).unwrap_or(1)
}

fn sigbus_ask(buses: &[Bus], addr: *const c_void) -> i32 {
    let old = crate::base::errno::get();
    crate::base::errno::set(0);
    for &b in buses {
        // SAFETY: a registered bus is live.
        let Some(f) = (unsafe { (*b.0).sigbus_handler }) else {
            continue;
        };
        // SAFETY: the bus's own handler.
        let ret = unsafe { f(addr) };
        if ret > 0 {
            continue;
        }
        if ret < 0 && crate::base::errno::get() == 0 {
            crate::base::errno::set(libc::ENOTSUP);
        }
        if crate::base::errno::get() != 0 {
            return -1;
        }
        crate::base::errno::set(old);
        return 0;
    }
    // As DPDK: rte_errno is left at 0 when no bus claims the address.
    1
}

#[cfg(test)]
pub(crate) mod tests;
