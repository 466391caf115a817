//! Test doubles: two buses and a class written the way DPDK's drivers write theirs, registered
//! once per test process.
//!
//! - "tvdev", shaped like bus_vdev: its drivers are "tnull" and "tring" (a device name must
//!   start with one of them), devices come from the devargs list at scan, `plug` probes one,
//!   `unplug` removes it and its devargs, `dev_iterate` matches `name=`.
//! - "tpci", shaped like bus_pci: names are PCI addresses, `devargs_parse` reads `addr=` and
//!   writes the full address, and it wants IOVA as VA.
//! - class "tcls": one class device per probed device (the device itself).
//!
//! The registries are process-wide, so tests that change the devargs list or the devices take
//! [`lock`] and use names no other test uses.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::{Mutex, MutexGuard, Once};

use super::kvargs::KvList;
use super::{bus, class, devargs};
use crate::abi::dev::{
    rte_bus, rte_bus_conf, rte_class, rte_dev_cmp_t, rte_dev_iterator, rte_devargs, rte_device,
    rte_driver, TailqEntry, RTE_DEV_NAME_MAX_LEN,
};
use crate::abi::{RTE_IOVA_DC, RTE_IOVA_VA};

fn links<T>() -> TailqEntry<T> {
    TailqEntry {
        tqe_next: std::ptr::null_mut(),
        tqe_prev: std::ptr::null_mut(),
    }
}

/// Serialises the tests that use the shared lists.
pub fn lock() -> MutexGuard<'static, ()> {
    static L: Mutex<()> = Mutex::new(());
    L.lock().unwrap_or_else(|p| p.into_inner())
}

struct Shared<T>(T);
// SAFETY: the test objects are only touched under TEST_LOCK or the device mutex.
unsafe impl<T> Sync for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Send for Shared<T> {}

static mut TVDEV: rte_bus = empty_bus();
static mut TPCI: rte_bus = empty_bus();
static mut TCLS: rte_class = rte_class {
    next: TailqEntry {
        tqe_next: std::ptr::null_mut(),
        tqe_prev: std::ptr::null_mut(),
    },
    name: c"tcls".as_ptr(),
    dev_iterate: Some(tcls_iterate),
};
static TNULL: Shared<rte_driver> = Shared(rte_driver {
    next: TailqEntry {
        tqe_next: std::ptr::null_mut(),
        tqe_prev: std::ptr::null_mut(),
    },
    name: c"tnull".as_ptr(),
    alias: std::ptr::null(),
});

const fn empty_bus() -> rte_bus {
    rte_bus {
        next: TailqEntry {
            tqe_next: std::ptr::null_mut(),
            tqe_prev: std::ptr::null_mut(),
        },
        name: std::ptr::null(),
        scan: None,
        probe: None,
        find_device: None,
        plug: None,
        unplug: None,
        parse: None,
        devargs_parse: None,
        dma_map: None,
        dma_unmap: None,
        conf: rte_bus_conf { scan_mode: 0 },
        get_iommu_class: None,
        dev_iterate: None,
        hot_unplug_handler: None,
        sigbus_handler: None,
        cleanup: None,
    }
}

/// A tvdev device: the rte_device first, as bus drivers embed it.
#[repr(C)]
pub struct TDev {
    pub dev: rte_device,
}

static DEVICES: Mutex<Vec<Shared<*mut TDev>>> = Mutex::new(Vec::new());

fn devices() -> MutexGuard<'static, Vec<Shared<*mut TDev>>> {
    DEVICES.lock().unwrap_or_else(|p| p.into_inner())
}

/// Registers the test buses and class (once per process).
pub fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: the statics are set up once, before anything reads them.
        unsafe {
            let v = &mut *std::ptr::addr_of_mut!(TVDEV);
            v.name = c"tvdev".as_ptr();
            v.scan = Some(tvdev_scan);
            v.probe = Some(tvdev_probe);
            v.find_device = Some(tvdev_find);
            v.plug = Some(tvdev_plug);
            v.unplug = Some(tvdev_unplug);
            v.parse = Some(tvdev_parse);
            v.dma_map = Some(tvdev_dma);
            v.get_iommu_class = Some(iommu_dc);
            v.dev_iterate = Some(tvdev_iterate);
            bus::register(v).expect("tvdev registers");
            let p = &mut *std::ptr::addr_of_mut!(TPCI);
            p.name = c"tpci".as_ptr();
            p.scan = Some(nop);
            p.probe = Some(nop);
            p.find_device = Some(find_none);
            p.parse = Some(tpci_parse);
            p.devargs_parse = Some(tpci_devargs_parse);
            p.get_iommu_class = Some(iommu_va);
            bus::register(p).expect("tpci registers");
            class::register(std::ptr::addr_of_mut!(TCLS)).expect("tcls registers");
        }
    });
}

pub fn tvdev() -> *mut rte_bus {
    setup();
    std::ptr::addr_of_mut!(TVDEV)
}

#[allow(dead_code)]
pub fn tpci() -> *mut rte_bus {
    setup();
    std::ptr::addr_of_mut!(TPCI)
}

pub fn tcls() -> *mut rte_class {
    setup();
    std::ptr::addr_of_mut!(TCLS)
}

/// The tvdev device named `name`, if any.
pub fn find(name: &str) -> *mut rte_device {
    devices()
        .iter()
        // SAFETY: listed devices are live.
        .find(|d| unsafe { CStr::from_ptr((*d.0).dev.name) }.to_bytes() == name.as_bytes())
        .map_or(std::ptr::null_mut(), |d| d.0.cast())
}

unsafe extern "C" fn nop() -> c_int {
    0
}
unsafe extern "C" fn iommu_dc() -> c_int {
    RTE_IOVA_DC
}
unsafe extern "C" fn iommu_va() -> c_int {
    RTE_IOVA_VA
}
unsafe extern "C" fn find_none(
    _s: *const rte_device,
    _c: rte_dev_cmp_t,
    _d: *const c_void,
) -> *mut rte_device {
    std::ptr::null_mut()
}

unsafe extern "C" fn tvdev_parse(name: *const c_char, _addr: *mut c_void) -> c_int {
    // SAFETY: the EAL passes a C string.
    let n = unsafe { CStr::from_ptr(name) }.to_bytes();
    !(n.starts_with(b"tnull") || n.starts_with(b"tring")) as c_int
}

unsafe extern "C" fn tvdev_scan() -> c_int {
    let mut da = devargs::next(Some(c"tvdev"), std::ptr::null()).unwrap();
    while !da.is_null() {
        // SAFETY: a listed devargs is live.
        let name = devargs::name_of(unsafe { &*da }).to_vec();
        if find(&String::from_utf8_lossy(&name)).is_null() {
            let d = Box::into_raw(Box::new(TDev {
                dev: rte_device {
                    next: links(),
                    // SAFETY: the devargs outlives the device (unplug removes both).
                    name: unsafe { (*da).name.as_ptr() },
                    bus_info: std::ptr::null(),
                    driver: std::ptr::null(),
                    bus: tvdev(),
                    numa_node: -1,
                    devargs: da,
                },
            }));
            devices().push(Shared(d));
        }
        da = devargs::next(Some(c"tvdev"), da).unwrap();
    }
    0
}

unsafe fn probe_one(d: *mut rte_device) -> c_int {
    // SAFETY: d is a live tvdev device.
    unsafe {
        if !(*d).driver.is_null() {
            return -libc::EEXIST;
        }
        if CStr::from_ptr((*d).name).to_bytes().starts_with(b"tring") {
            return -libc::EIO; // the "tring" driver always fails
        }
        (*d).driver = &TNULL.0;
    }
    0
}

unsafe extern "C" fn tvdev_probe() -> c_int {
    let all: Vec<*mut TDev> = devices().iter().map(|d| d.0).collect();
    for d in all {
        // SAFETY: listed devices are live.
        unsafe { probe_one(d.cast()) };
    }
    0
}

unsafe extern "C" fn tvdev_find(
    start: *const rte_device,
    cmp: rte_dev_cmp_t,
    data: *const c_void,
) -> *mut rte_device {
    let list: Vec<*mut TDev> = devices().iter().map(|d| d.0).collect();
    let from = if start.is_null() {
        0
    } else {
        match list.iter().position(|d| std::ptr::eq(d.cast(), start)) {
            Some(i) => i + 1,
            None => return std::ptr::null_mut(),
        }
    };
    let cmp = cmp.expect("the EAL passes a compare function");
    list[from..]
        .iter()
        // SAFETY: listed devices are live; cmp is the EAL's.
        .find(|d| unsafe { cmp(d.cast(), data) } == 0)
        .map_or(std::ptr::null_mut(), |d| d.cast())
}

unsafe extern "C" fn tvdev_plug(d: *mut rte_device) -> c_int {
    // SAFETY: the EAL passes a device it found on this bus.
    unsafe { probe_one(d) }
}

unsafe extern "C" fn tvdev_unplug(d: *mut rte_device) -> c_int {
    let mut g = devices();
    let Some(i) = g.iter().position(|x| std::ptr::eq(x.0.cast(), d)) else {
        return -libc::ENOENT;
    };
    let t = g.remove(i).0;
    drop(g);
    // SAFETY: t was made by Box::into_raw in scan and is unlinked now; its devargs is listed.
    unsafe {
        devargs::remove((*t).dev.devargs);
        drop(Box::from_raw(t));
    }
    0
}

unsafe extern "C" fn tvdev_dma(_d: *mut rte_device, _a: *mut c_void, _i: u64, _l: usize) -> c_int {
    7
}

unsafe extern "C" fn tvdev_iterate(
    start: *const c_void,
    s: *const c_char,
    _it: *const rte_dev_iterator,
) -> *mut c_void {
    // SAFETY: the EAL passes NULL or a C string.
    let want = if s.is_null() {
        Vec::new()
    } else {
        // SAFETY: a C string from the EAL.
        unsafe { CStr::from_ptr(s) }.to_bytes().to_vec()
    };
    let kv = KvList::parse(&want).unwrap_or_default();
    let name = kv.get(b"name").map(|n| n.to_vec());
    unsafe extern "C" fn by_name(d: *const rte_device, data: *const c_void) -> c_int {
        // SAFETY: data is the Option<Vec<u8>> below; d is live.
        unsafe {
            let want = &*(data as *const Option<Vec<u8>>);
            match want {
                None => 0,
                Some(n) => (CStr::from_ptr((*d).name).to_bytes() != n.as_slice()) as c_int,
            }
        }
    }
    // SAFETY: start is NULL or one of our devices; name outlives the call.
    unsafe {
        tvdev_find(
            start.cast(),
            Some(by_name),
            (&name as *const Option<Vec<u8>>).cast(),
        )
    }
    .cast()
}

fn is_pci(n: &[u8]) -> bool {
    let hex = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_hexdigit);
    let s = String::from_utf8_lossy(n);
    let parts: Vec<&str> = s.split(':').collect();
    let (bus, devfn) = match parts.as_slice() {
        [d, b, df] if hex(d.as_bytes()) => (*b, *df),
        [b, df] => (*b, *df),
        _ => return false,
    };
    let Some((dev, f)) = devfn.split_once('.') else {
        return false;
    };
    hex(bus.as_bytes()) && hex(dev.as_bytes()) && hex(f.as_bytes())
}

unsafe extern "C" fn tpci_parse(name: *const c_char, _addr: *mut c_void) -> c_int {
    // SAFETY: the EAL passes a C string.
    (!is_pci(unsafe { CStr::from_ptr(name) }.to_bytes())) as c_int
}

unsafe extern "C" fn tpci_devargs_parse(da: *mut rte_devargs) -> c_int {
    // SAFETY: the EAL passes a devargs whose bus_str is a C string.
    let s = unsafe { CStr::from_ptr((*da).bus_str) }.to_bytes().to_vec();
    let kv = KvList::parse(&s).unwrap_or_default();
    let Some(addr) = kv.get(b"addr") else {
        return 0;
    };
    if !is_pci(addr) {
        return -libc::EINVAL;
    }
    let a = String::from_utf8_lossy(addr);
    let full = if a.matches(':').count() == 1 {
        let (b, df) = a.split_once(':').unwrap();
        let (d, f) = df.split_once('.').unwrap();
        format!(
            "0000:{:02x}:{:02x}.{}",
            u32::from_str_radix(b, 16).unwrap(),
            u32::from_str_radix(d, 16).unwrap(),
            f
        )
    } else {
        a.into_owned()
    };
    let b = full.as_bytes();
    if b.len() >= RTE_DEV_NAME_MAX_LEN {
        return -libc::E2BIG;
    }
    // SAFETY: da is writable.
    unsafe {
        (*da).name = [0; RTE_DEV_NAME_MAX_LEN];
        for (i, c) in b.iter().enumerate() {
            (*da).name[i] = *c as c_char;
        }
    }
    0
}

unsafe extern "C" fn tcls_iterate(
    start: *const c_void,
    _s: *const c_char,
    it: *const rte_dev_iterator,
) -> *mut c_void {
    // SAFETY: the EAL passes its live iterator.
    unsafe {
        let d = (*it).device;
        if start.is_null() && !d.is_null() && !(*d).driver.is_null() {
            d.cast()
        } else {
            std::ptr::null_mut()
        }
    }
}
