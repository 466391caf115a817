//! The device iterator (DPDK's `rte_dev_iterator_init`/`_next`, behind `RTE_DEV_FOREACH` and
//! ethdev's `RTE_ETH_FOREACH_MATCHING_DEV`).
//!
//! `init` parses a layered device string (`bus=vdev,name=x/class=eth,mac=...`) and records its
//! bus and class; `next` walks the buses (the one named, or all) asking each bus's
//! `dev_iterate` for its next device matching the bus layer's parameters, and, when a class
//! layer is given, asks the classes' `dev_iterate` for the next class device of that device
//! matching the class layer's parameters. Each layer's parameters are the layer text after its
//! first ',' and before the next '/'.
//!
//! Errors travel through `rte_errno`, as in DPDK: `next` clears it, a driver's iterate function
//! may set it to stop the walk, and the caller's old value is put back when the walk ends
//! normally. The iterator's strings point into the caller's string, which must outlive it.
//!
//! Difference from DPDK: `init` returns 0 on success. DPDK returns `-rte_errno` there, so a
//! stale `rte_errno` made a successful init look like a failure.

use std::ffi::{c_char, c_int, c_void, CStr, CString};

use super::bus::{self, Bus};
use super::class::{self, Class};
use super::devargs;
use super::list::Ptr;
use crate::abi::dev::{rte_dev_iterator, rte_devargs, rte_device};
use crate::base::errno;
use crate::base::log::RTE_LOG_DEBUG;
use crate::eal_log;

/// `rte_dev_iterator_init`: 0, or `-errno` with `rte_errno` set (EINVAL when the string names
/// neither a bus nor a class, ENOTSUP when that bus or class cannot iterate, or the layered
/// parser's error).
///
/// # Safety
/// `it` points to a writable iterator; `s` stays valid as long as the iterator is used.
pub unsafe fn init(it: *mut rte_dev_iterator, s: &CStr) -> c_int {
    // SAFETY: it is writable (caller).
    unsafe {
        (*it).bus_str = std::ptr::null();
        (*it).cls_str = std::ptr::null();
    }
    // SAFETY: all-zero is a valid devargs.
    let mut da: rte_devargs = unsafe { std::mem::zeroed() };
    // SAFETY: da is ours and zeroed.
    let r = unsafe { devargs::layers_parse(&mut da, s) };
    if r != 0 {
        return r;
    }
    let base = da.data as usize;
    let at = |p: *const c_char| {
        if p.is_null() {
            std::ptr::null()
        } else {
            // SAFETY: p points into da.data, a copy of s of the same length.
            unsafe { s.as_ptr().add(p as usize - base) }
        }
    };
    let (bus_str, cls_str) = (at(da.bus_str), at(da.cls_str));
    let (b, c) = (da.bus, da.cls);
    // SAFETY: data is ours; nothing keeps pointers into it (translated above).
    unsafe { devargs::reset(&mut da) };
    let fail = |e: c_int, msg: String| {
        eal_log!(RTE_LOG_DEBUG, "{msg}");
        errno::set(e);
        -e
    };
    if b.is_null() && c.is_null() {
        return fail(
            libc::EINVAL,
            "Either bus or class must be specified.".into(),
        );
    }
    // SAFETY: b and c are NULL or registered (live) objects found by name.
    unsafe {
        if !b.is_null() && (*b).dev_iterate.is_none() {
            return fail(
                libc::ENOTSUP,
                format!("Bus {} not supported", bus::name(Ptr(b)).to_string_lossy()),
            );
        }
        if !c.is_null() && (*c).dev_iterate.is_none() {
            return fail(
                libc::ENOTSUP,
                format!(
                    "Class {} not supported",
                    class::name(Ptr(c)).to_string_lossy()
                ),
            );
        }
        *it = rte_dev_iterator {
            dev_str: s.as_ptr(),
            bus_str,
            cls_str,
            bus: b,
            cls: c,
            device: std::ptr::null_mut(),
            class_device: std::ptr::null_mut(),
        };
    }
    0
}

/// A layer's parameters: the text after its first ',' (if it comes before any '/'), up to the
/// next '/'.
fn layer_params(layer: &CStr) -> CString {
    let b = layer.to_bytes();
    let end = b.iter().position(|&c| c == b',' || c == b'/');
    let rest: &[u8] = match end {
        Some(i) if b[i] == b',' => &b[i + 1..],
        _ => &[],
    };
    let cut = rest.iter().position(|&c| c == b'/').unwrap_or(rest.len());
    CString::new(&rest[..cut]).expect("no NUL inside a C string")
}

/// The parameters of the layer at `p` (NULL when there is no such layer).
///
/// # Safety
/// `p` is NULL or a C string.
unsafe fn params_at(p: *const c_char) -> Option<CString> {
    // SAFETY: the caller's guarantee.
    (!p.is_null()).then(|| layer_params(unsafe { CStr::from_ptr(p) }))
}

fn ptr_or_null(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

/// `rte_dev_iterator_next`: the next matching device, or NULL at the end or on error
/// (`rte_errno` says which: EINVAL for an iterator that `init` did not set up, a driver's error,
/// or the caller's old value at the end).
///
/// # Safety
/// `it` points to an iterator set up by [`init`] (or by ethdev, which fills it itself) whose
/// strings are still valid.
pub unsafe fn next(it: *mut rte_dev_iterator) -> *mut rte_device {
    let old = errno::get();
    errno::set(0);
    // SAFETY: it is readable (caller).
    let (bus_str, cls_str, it_bus) = unsafe { ((*it).bus_str, (*it).cls_str, (*it).bus) };
    if bus_str.is_null() && cls_str.is_null() {
        errno::set(libc::EINVAL);
        return std::ptr::null_mut();
    }
    // SAFETY: the iterator's strings are C strings (caller).
    let (bp, cp) = unsafe { (params_at(bus_str), params_at(cls_str)) };
    let buses = bus::all();
    let classes = class::all();
    let from = if it_bus.is_null() {
        0
    } else {
        buses
            .iter()
            .position(|b| std::ptr::eq(b.0, it_bus))
            .unwrap_or(0)
    };
    for &b in &buses[from..] {
        // SAFETY: it is the caller's live iterator; b is registered.
        if unsafe { bus_step(it, b, ptr_or_null(&bp), ptr_or_null(&cp), &classes) } {
            // SAFETY: as above.
            unsafe {
                (*it).bus = b.0;
                return (*it).device;
            }
        }
    }
    if errno::get() == 0 {
        errno::set(old);
    }
    // SAFETY: as above.
    unsafe { (*it).device }
}

/// One bus's turn: true when it produced the next device (left in `it.device`).
///
/// # Safety
/// `it` is live; `b` is registered; `bp`/`cp` are NULL or C strings.
unsafe fn bus_step(
    it: *mut rte_dev_iterator,
    b: Bus,
    bp: *const c_char,
    cp: *const c_char,
    classes: &[Class],
) -> bool {
    // SAFETY: the caller's guarantees; the bus's iterate function gets what DPDK passes it.
    unsafe {
        let Some(iterate) = (*b.0).dev_iterate else {
            return false;
        };
        if !(*it).bus_str.is_null() && !std::ptr::eq(b.0, (*it).bus) {
            return false;
        }
        if errno::get() != 0 {
            return false;
        }
        if (*it).cls_str.is_null() {
            let d = iterate((*it).device as *const c_void, bp, it).cast::<rte_device>();
            (*it).device = d;
            return !d.is_null();
        }
        let mut dev = (*it).device;
        if dev.is_null() {
            dev = iterate(std::ptr::null(), bp, it).cast();
            (*it).device = dev;
        }
        while !dev.is_null() {
            let start = (*it).cls;
            let found = class::find_from(classes, start, true, |c| class_step(it, *c, cp))
                .or_else(|_| {
                    class::find_from(classes, std::ptr::null(), true, |c| class_step(it, *c, cp))
                })
                .unwrap_or(None);
            if let Some(c) = found {
                (*it).cls = c.0;
                (*it).device = dev;
                return true;
            }
            dev = iterate(dev as *const c_void, bp, it).cast();
            (*it).device = dev;
        }
        false
    }
}

/// One class's turn for the current device: true when it produced a class device (left in
/// `it.class_device`).
///
/// # Safety
/// As [`bus_step`].
unsafe fn class_step(it: *mut rte_dev_iterator, c: Class, cp: *const c_char) -> bool {
    // SAFETY: the caller's guarantees.
    unsafe {
        let Some(iterate) = (*c.0).dev_iterate else {
            return false;
        };
        if !(*it).cls_str.is_null() && !std::ptr::eq(c.0, (*it).cls) {
            return false;
        }
        if errno::get() != 0 {
            return false;
        }
        let d = iterate((*it).class_device, cp, it);
        (*it).class_device = d;
        !d.is_null()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dev::{hotplug, testbus};

    fn walk(s: &CStr) -> (c_int, Vec<String>) {
        // SAFETY: all-zero is a valid iterator.
        let mut it: rte_dev_iterator = unsafe { std::mem::zeroed() };
        // SAFETY: it is ours; s outlives the walk.
        let r = unsafe { init(&mut it, s) };
        let mut names = Vec::new();
        while r == 0 && names.len() < 50 {
            // SAFETY: it was set up by init.
            let d = unsafe { next(&mut it) };
            if d.is_null() {
                break;
            }
            // SAFETY: the bus's live device with a C string name.
            names.push(
                unsafe { CStr::from_ptr((*d).name) }
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        (r, names)
    }

    #[test]
    fn walks_a_bus_a_class_or_both_and_refuses_what_cannot_iterate() {
        let _g = testbus::lock();
        testbus::setup();
        assert_eq!(hotplug::probe(c"tnull-it0"), 0);
        assert_eq!(hotplug::probe(c"tnull-it1"), 0);
        assert_eq!(
            hotplug::probe(c"tring-it2"),
            -libc::EIO,
            "added but not probed"
        );
        let (r, all) = walk(c"bus=tvdev");
        assert_eq!(r, 0);
        let mine: Vec<&str> = all
            .iter()
            .map(String::as_str)
            .filter(|n| n.contains("-it"))
            .collect();
        assert_eq!(mine, ["tnull-it0", "tnull-it1", "tring-it2"]);
        assert_eq!(walk(c"bus=tvdev,name=tnull-it1").1, ["tnull-it1"]);
        // The class keeps only probed devices.
        let (r, cls) = walk(c"bus=tvdev,name=tring-it2/class=tcls");
        assert_eq!((r, cls.len()), (0, 0));
        assert_eq!(
            walk(c"bus=tvdev,name=tnull-it0/class=tcls").1,
            ["tnull-it0"]
        );
        let (_, any_bus) = walk(c"class=tcls");
        assert!(
            any_bus.contains(&"tnull-it1".to_string())
                && !any_bus.contains(&"tring-it2".to_string())
        );
        errno::set(0);
        assert_eq!(walk(c"foo=bar").0, -libc::EINVAL);
        assert_eq!(errno::get(), libc::EINVAL);
        assert_eq!(
            walk(c"bus=tpci").0,
            -libc::ENOTSUP,
            "tpci has no dev_iterate"
        );
        assert_eq!(walk(c"bus=nope").0, -libc::EFAULT);
        // An iterator init never set up: EINVAL; the caller's rte_errno is kept at the end.
        // SAFETY: all-zero is a valid iterator.
        let mut it: rte_dev_iterator = unsafe { std::mem::zeroed() };
        errno::set(0);
        // SAFETY: it is ours.
        assert!(unsafe { next(&mut it) }.is_null());
        assert_eq!(errno::get(), libc::EINVAL);
        let s = c"bus=tvdev,name=tnull-it0";
        // SAFETY: it is ours; s is static.
        assert_eq!(unsafe { init(&mut it, s) }, 0);
        // SAFETY: set up above.
        assert!(!unsafe { next(&mut it) }.is_null());
        errno::set(4321);
        // SAFETY: as above.
        assert!(unsafe { next(&mut it) }.is_null());
        assert_eq!(errno::get(), 4321, "the end keeps the caller's rte_errno");
        for n in ["tvdev:tnull-it0", "tvdev:tnull-it1"] {
            let c = CString::new(n).unwrap();
            let dev = testbus::find(&n[6..]);
            assert!(!dev.is_null(), "{n}");
            // SAFETY: the live device found above.
            assert_eq!(unsafe { hotplug::remove(dev) }, 0, "{:?}", c);
        }
    }

    #[test]
    fn layer_params_take_the_text_after_the_first_comma_up_to_a_slash() {
        let p = |s: &str| {
            layer_params(&CString::new(s).unwrap())
                .into_string()
                .unwrap()
        };
        assert_eq!(p("bus=vdev,name=x"), "name=x");
        assert_eq!(p("bus=vdev,name=x,y=2/class=eth"), "name=x,y=2");
        assert_eq!(p("bus=vdev/class=eth,a=1"), "");
        assert_eq!(p("class=eth"), "");
        assert_eq!(p("name=net_null0"), "");
        assert_eq!(p("+mac=1,2"), "2");
        assert_eq!(p("a,b/c,d"), "b");
    }
}
