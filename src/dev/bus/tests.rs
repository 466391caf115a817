use std::ffi::{c_int, c_void};

use super::*;
use crate::abi::dev::{rte_bus_conf, rte_dev_cmp_t};
use crate::abi::RTE_IOVA_VA;
use crate::dev::testbus;

unsafe extern "C" fn ok() -> c_int {
    0
}
unsafe extern "C" fn fails() -> c_int {
    -1
}
unsafe extern "C" fn none(
    _s: *const rte_device,
    _c: rte_dev_cmp_t,
    _d: *const c_void,
) -> *mut rte_device {
    std::ptr::null_mut()
}
unsafe extern "C" fn plug(_d: *mut rte_device) -> c_int {
    0
}
unsafe extern "C" fn sigbus_claims(addr: *const c_void) -> c_int {
    if addr as usize == 0x1000 {
        0
    } else if addr as usize == 0x2000 {
        -1
    } else {
        1
    }
}

fn bus_named(name: &'static CStr) -> Box<rte_bus> {
    Box::new(rte_bus {
        next: TailqEntry {
            tqe_next: std::ptr::null_mut(),
            tqe_prev: std::ptr::null_mut(),
        },
        name: name.as_ptr(),
        scan: Some(ok),
        probe: Some(ok),
        find_device: Some(none),
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
    })
}

#[test]
fn bad_buses_are_refused_and_nothing_registered_is_lost() {
    testbus::setup();
    let before = all();
    // SAFETY: NULL is refused before any read.
    let e = unsafe { register(std::ptr::null_mut()) };
    assert_eq!(e.unwrap_err().errno, libc::EINVAL);
    let mut b = bus_named(c"");
    // SAFETY: b is a live bus (refused, so never linked).
    assert!(unsafe { register(&mut *b) }.is_err(), "empty name");
    let mut b = bus_named(c"tbad");
    b.scan = None;
    // SAFETY: as above.
    assert!(unsafe { register(&mut *b) }.is_err(), "no scan");
    let mut b = bus_named(c"tbad");
    b.find_device = None;
    // SAFETY: as above.
    assert!(unsafe { register(&mut *b) }.is_err(), "no find_device");
    let mut b = bus_named(c"tbad");
    b.plug = Some(plug);
    // SAFETY: as above.
    assert!(unsafe { register(&mut *b) }.is_err(), "plug without unplug");
    // Registering a registered bus again is refused, not a corrupt list.
    // SAFETY: tvdev is registered and live.
    let e = unsafe { register(testbus::tvdev()) };
    assert_eq!(e.unwrap_err().errno, libc::EEXIST);
    let mut b = bus_named(c"tbad");
    // SAFETY: b was never registered.
    assert!(unsafe { unregister(&mut *b) }.is_err());
    let now = all();
    for x in &before {
        assert!(now.contains(x), "a registered bus was lost");
    }
}

#[test]
fn registration_order_names_dump_and_find() {
    testbus::setup();
    let v = find_by_name(b"tvdev").expect("tvdev");
    let p = find_by_name(b"tpci").expect("tpci");
    assert_eq!(v.0, testbus::tvdev());
    assert!(find_by_name(b"nope").is_none());
    let order = all();
    let iv = order.iter().position(|b| *b == v).unwrap();
    let ip = order.iter().position(|b| *b == p).unwrap();
    assert!(iv < ip, "registration order");
    let mut out = Vec::new();
    dump(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(" tvdev\n") && text.contains(" tpci\n"),
        "{text}"
    );
    assert_eq!(find(std::ptr::null(), |b| b == p).unwrap(), Some(p));
    assert_eq!(find(p.0, |b| b == p).unwrap(), None, "starts after start");
    let stranger = bus_named(c"tstranger");
    assert!(find(&*stranger, |_| true).is_err());
    assert_eq!(find_by_device_name(b"tnull0,x=1"), Some(v));
    assert_eq!(find_by_device_name(b"0000:00:01.0"), Some(p));
    assert_eq!(find_by_device_name(b"zzz"), None);
}

#[test]
fn iommu_class_is_va_when_only_va_is_wanted() {
    testbus::setup();
    // tvdev wants DC, tpci VA (other tests' buses want nothing).
    assert_eq!(iommu_class(), RTE_IOVA_VA);
}

#[test]
fn unregister_then_register_again_moves_the_bus_to_the_end() {
    testbus::setup();
    let b = Box::leak(bus_named(c"tmove"));
    // SAFETY: b is leaked, so valid for the process.
    unsafe { register(b).unwrap() };
    // SAFETY: registered above.
    unsafe { unregister(b).unwrap() };
    assert!(!all().contains(&Ptr(b as *mut rte_bus)));
    // SAFETY: as above.
    unsafe { register(b).unwrap() };
    assert_eq!(all().last().map(|x| x.0), Some(b as *mut rte_bus));
    // SAFETY: as above.
    unsafe { unregister(b).unwrap() };
}

#[test]
fn sigbus_is_offered_to_each_bus_in_turn() {
    testbus::setup();
    let b = Box::leak(bus_named(c"tsigbus"));
    b.sigbus_handler = Some(sigbus_claims);
    // SAFETY: leaked, valid for the process.
    unsafe { register(b).unwrap() };
    crate::base::errno::set(77);
    assert_eq!(sigbus_handler(0x1000 as *const c_void), 0);
    assert_eq!(
        crate::base::errno::get(),
        77,
        "restored after a handled fault"
    );
    assert_eq!(sigbus_handler(0x2000 as *const c_void), -1);
    assert_eq!(crate::base::errno::get(), libc::ENOTSUP);
    assert_eq!(
        sigbus_handler(0x3000 as *const c_void),
        1,
        "nobody claims it"
    );
    // SAFETY: registered above.
    unsafe { unregister(b).unwrap() };
}

#[test]
fn scan_and_probe_report_failures_but_return_0() {
    let _g = testbus::lock();
    testbus::setup();
    let b = Box::leak(bus_named(c"tfailing"));
    b.scan = Some(fails);
    b.probe = Some(fails);
    b.cleanup = Some(fails);
    // SAFETY: leaked, valid for the process.
    unsafe { register(b).unwrap() };
    assert_eq!(scan_all(), 0);
    assert_eq!(probe_all(), 0);
    assert_eq!(cleanup_all(), -1);
    // SAFETY: registered above.
    unsafe { unregister(b).unwrap() };
}
