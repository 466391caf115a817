use std::ffi::{CStr, CString};

use super::*;
use crate::dev::testbus;

fn fresh() -> rte_devargs {
    // SAFETY: all-zero is a valid devargs.
    unsafe { std::mem::zeroed() }
}

fn parse_str(da: &mut rte_devargs, s: &str) -> c_int {
    let c = CString::new(s).unwrap();
    // SAFETY: da is ours.
    unsafe { parse(da, &c) }
}

fn name(da: &rte_devargs) -> String {
    String::from_utf8_lossy(name_of(da)).into_owned()
}

fn cstr(p: *const c_char) -> Option<String> {
    // SAFETY: the devargs' pointers are NULL or C strings into its data.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

fn bus_name(da: &rte_devargs) -> Option<String> {
    (!da.bus.is_null()).then(|| bus::name(Ptr(da.bus)).to_string_lossy().into_owned())
}

#[test]
fn legacy_name_with_args_finds_the_bus_that_parses_the_name() {
    testbus::setup();
    let mut da = fresh();
    assert_eq!(parse_str(&mut da, "tnull0,size=64"), 0);
    assert_eq!(name(&da), "tnull0");
    assert_eq!(bus_name(&da).as_deref(), Some("tvdev"));
    assert_eq!(cstr(da.args).as_deref(), Some("size=64"));
    assert!(da.cls.is_null() && da.bus_str.is_null());
    // SAFETY: da.data is libc memory from parse.
    unsafe { reset(&mut da) };
    assert!(da.data.is_null());

    assert_eq!(parse_str(&mut da, "tnull1"), 0);
    assert_eq!(
        cstr(da.args).as_deref(),
        Some(""),
        "no args: an empty string"
    );
    // SAFETY: as above.
    unsafe { reset(&mut da) };
}

#[test]
fn legacy_bus_prefix_selects_the_bus() {
    testbus::setup();
    let mut da = fresh();
    assert_eq!(parse_str(&mut da, "tvdev:tring3,k=v"), 0);
    assert_eq!(name(&da), "tring3");
    assert_eq!(bus_name(&da).as_deref(), Some("tvdev"));
    assert_eq!(cstr(da.args).as_deref(), Some("k=v"));
    // SAFETY: as above.
    unsafe { reset(&mut da) };
    assert_eq!(parse_str(&mut da, "0000:00:04.0"), 0);
    assert_eq!(bus_name(&da).as_deref(), Some("tpci"));
    assert_eq!(name(&da), "0000:00:04.0");
    // SAFETY: as above.
    unsafe { reset(&mut da) };
    assert_eq!(parse_str(&mut da, "tpci:00:04.0"), 0);
    assert_eq!(name(&da), "00:04.0");
    // SAFETY: as above.
    unsafe { reset(&mut da) };
}

#[test]
fn unknown_device_is_efault_and_leaves_rte_errno_alone() {
    testbus::setup();
    let mut da = fresh();
    errno::set(4242);
    assert_eq!(parse_str(&mut da, "nosuchbus:xx"), -libc::EFAULT);
    assert_eq!(
        errno::get(),
        4242,
        "the legacy parser does not set rte_errno"
    );
    assert!(da.data.is_null());
    // A bus name alone: nothing after it to read, and no bus parses it.
    assert_eq!(parse_str(&mut da, "tvdev"), -libc::EFAULT);
    assert_eq!(parse_str(&mut da, ""), -libc::EFAULT);
    assert!(da.data.is_null());
}

#[test]
fn too_long_name_is_einval() {
    testbus::setup();
    let mut da = fresh();
    let long = format!("tnull{}", "x".repeat(59));
    assert_eq!(long.len(), 64);
    assert_eq!(parse_str(&mut da, &long), -libc::EINVAL);
    assert_eq!(name(&da).len(), 63, "truncated, NUL-terminated");
    assert!(da.data.is_null());
    let ok = format!("tnull{}", "x".repeat(58));
    assert_eq!(parse_str(&mut da, &format!("{ok},a=1")), 0);
    assert_eq!(name(&da), ok);
    // SAFETY: as above.
    unsafe { reset(&mut da) };
}

#[test]
fn layered_string_sets_bus_class_and_layer_pointers() {
    testbus::setup();
    let mut da = fresh();
    assert_eq!(parse_str(&mut da, "bus=tvdev/class=tcls"), 0);
    assert_eq!(bus_name(&da).as_deref(), Some("tvdev"));
    assert_eq!(da.cls, testbus::tcls());
    assert_eq!(cstr(da.bus_str).as_deref(), Some("bus=tvdev"));
    assert_eq!(cstr(da.cls_str).as_deref(), Some("class=tcls"));
    assert!(da.args.is_null());
    assert_eq!(name(&da), "", "no name= in the bus layer");
    // SAFETY: as above.
    unsafe { reset(&mut da) };

    assert_eq!(
        parse_str(&mut da, "bus=tpci,addr=1:2.3/class=tcls/driver=abc,k0=v0"),
        0
    );
    assert_eq!(
        name(&da),
        "0000:01:02.3",
        "named by the bus's devargs_parse"
    );
    assert_eq!(cstr(da.bus_str).as_deref(), Some("bus=tpci,addr=1:2.3"));
    assert_eq!(cstr(da.args).as_deref(), Some("driver=abc,k0=v0"));
    // SAFETY: as above.
    unsafe { reset(&mut da) };

    assert_eq!(parse_str(&mut da, "bus=tvdev,name=tnull9,x=[1,2]"), 0);
    assert_eq!(name(&da), "tnull9", "the default: the bus layer's name=");
    // SAFETY: as above.
    unsafe { reset(&mut da) };

    // A '/' not followed by a layer key stays inside the layer.
    assert_eq!(parse_str(&mut da, "bus=tvdev,path=/tmp/x/class=tcls"), 0);
    assert_eq!(cstr(da.bus_str).as_deref(), Some("bus=tvdev,path=/tmp/x"));
    // SAFETY: as above.
    unsafe { reset(&mut da) };
}

#[test]
fn layered_errors_set_rte_errno_then_the_legacy_syntax_is_tried() {
    testbus::setup();
    let mut da = fresh();
    errno::set(0);
    assert_eq!(parse_str(&mut da, "bus=wrong-bus"), -libc::EFAULT);
    assert_eq!(errno::get(), libc::EFAULT);
    errno::set(0);
    assert_eq!(parse_str(&mut da, "class=wrong-class"), -libc::EFAULT);
    assert_eq!(errno::get(), libc::EFAULT);
    errno::set(0);
    assert_eq!(
        parse_str(&mut da, "bus=tvdev/class=tcls/driver=a/driver=b"),
        -libc::EFAULT
    );
    assert_eq!(errno::get(), libc::E2BIG, "a fourth layer");
    errno::set(0);
    let many: Vec<String> = (0..33).map(|i| format!("k{i}")).collect();
    assert_eq!(
        parse_str(&mut da, &format!("bus=tvdev,{}", many.join(","))),
        -libc::EFAULT
    );
    assert_eq!(
        errno::get(),
        libc::EINVAL,
        "a layer that is not a kvargs list"
    );
    errno::set(0);
    let long = format!("bus=tvdev,name=tnull{}", "y".repeat(64));
    assert_eq!(parse_str(&mut da, &long), -libc::EFAULT);
    assert_eq!(errno::get(), libc::E2BIG, "name= too long");
    // The legacy syntax can still win after a layered failure (rte_errno stays, as in DPDK).
    errno::set(0);
    assert_eq!(parse_str(&mut da, "tnull5/class=nope"), 0);
    assert_eq!(errno::get(), libc::EFAULT);
    assert_eq!(name(&da), "tnull5/class=nope");
    assert!(da.cls_str.is_null(), "nothing points into freed data");
    // SAFETY: as above.
    unsafe { reset(&mut da) };
    assert!(da.data.is_null());
}

#[test]
fn insert_replaces_a_listed_device_and_remove_frees_it() {
    let _g = testbus::lock();
    testbus::setup();
    let mk = |s: &str| {
        let da = alloc().unwrap();
        let c = CString::new(s).unwrap();
        // SAFETY: da is fresh.
        assert_eq!(unsafe { parse(da, &c) }, 0);
        da
    };
    let a = mk("tnull-ins0,first=1");
    let mut pa = a;
    // SAFETY: a is libc-allocated and ours.
    assert_eq!(unsafe { insert(&mut pa) }, 0);
    assert_eq!(pa, a);
    // SAFETY: as above (already listed: no change).
    assert_eq!(unsafe { insert(&mut pa) }, 0);
    let b = mk("tnull-ins0,second=2");
    let mut pb = b;
    // SAFETY: b is libc-allocated; insert may free it.
    assert_eq!(unsafe { insert(&mut pb) }, 0);
    assert_eq!(pb, a, "the listed object stays, with b's content");
    // SAFETY: a is listed and live.
    assert_eq!(cstr(unsafe { (*a).args }).as_deref(), Some("second=2"));
    let listed: Vec<_> = std::iter::successors(
        Some(next(Some(c"tvdev"), std::ptr::null()).unwrap()).filter(|p| !p.is_null()),
        |&p| Some(next(Some(c"tvdev"), p).unwrap()).filter(|p| !p.is_null()),
    )
    .collect();
    assert_eq!(listed.iter().filter(|&&p| p == a).count(), 1);
    // A NULL or bus-less devargs is refused.
    let mut null: *mut rte_devargs = std::ptr::null_mut();
    // SAFETY: a pointer to NULL.
    assert_eq!(unsafe { insert(&mut null) }, -1);
    let mut nobus = fresh();
    let mut pn: *mut rte_devargs = &mut nobus;
    // SAFETY: refused before anything is freed.
    assert_eq!(unsafe { insert(&mut pn) }, -1);
    // SAFETY: as above.
    assert_eq!(unsafe { remove(&nobus) }, -1);
    // remove by an equal devargs.
    let probe = mk("tnull-ins0");
    // SAFETY: probe is ours; a is listed.
    assert_eq!(unsafe { remove(probe) }, 0);
    // SAFETY: as above; nothing listed now under that name.
    assert_eq!(unsafe { remove(probe) }, 1);
    // SAFETY: probe is ours and on no list.
    unsafe { free(probe) };
    assert!(
        next(Some(c"tvdev"), a).is_err(),
        "a freed devargs is not a start"
    );
}

#[test]
fn add_counts_types_sets_the_scan_mode_and_dumps() {
    let _g = testbus::lock();
    testbus::setup();
    let before = type_count(RTE_DEVTYPE_VIRTUAL);
    assert_eq!(add(RTE_DEVTYPE_VIRTUAL, c"tnull-add0,x=1"), 0);
    assert_eq!(add(RTE_DEVTYPE_VIRTUAL, c"tnull-add1"), 0);
    assert_eq!(add(RTE_DEVTYPE_VIRTUAL, c"junk:::"), -1);
    assert_eq!(add(9, c"tnull-add2"), -1, "not a device type");
    assert_eq!(add(RTE_DEVTYPE_ALLOWED, c"class=tcls"), -1, "no bus");
    assert_eq!(type_count(RTE_DEVTYPE_VIRTUAL), before + 2);
    // SAFETY: the test bus is live.
    let mode = unsafe { (*testbus::tvdev()).conf.scan_mode };
    assert_eq!(mode, RTE_BUS_SCAN_ALLOWLIST);
    let mut out = Vec::new();
    dump(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("User device list:\n"));
    assert!(text.contains("  [tvdev]: tnull-add0 x=1\n"), "{text}");
    assert!(text.contains("  [tvdev]: tnull-add1 \n"), "{text}");
    for n in [c"tnull-add0", c"tnull-add1"] {
        let mut da = fresh();
        // SAFETY: da is ours.
        assert_eq!(unsafe { parse(&mut da, n) }, 0);
        // SAFETY: da is readable; the listed one is freed.
        assert_eq!(unsafe { remove(&da) }, 0);
        // SAFETY: da's data is ours.
        unsafe { reset(&mut da) };
    }
    assert_eq!(type_count(RTE_DEVTYPE_VIRTUAL), before);
}

#[test]
fn options_add_devices_in_order_and_stop_at_the_first_bad_one() {
    let _g = testbus::lock();
    testbus::setup();
    let e = add_from_options(&[
        (RTE_DEVTYPE_VIRTUAL, "tnull-opt0".into()),
        (RTE_DEVTYPE_VIRTUAL, "bogus!".into()),
        (RTE_DEVTYPE_VIRTUAL, "tnull-opt1".into()),
    ])
    .unwrap_err();
    assert_eq!(e.errno, libc::ENODEV);
    assert!(
        e.msg.contains("Unable to parse device 'bogus!'"),
        "{}",
        e.msg
    );
    let names: Vec<String> = DEVARGS
        .snapshot()
        .iter()
        // SAFETY: listed devargs are live.
        .map(|d| String::from_utf8_lossy(name_of(unsafe { &*d.0 })).into_owned())
        .collect();
    assert!(names.contains(&"tnull-opt0".to_string()));
    assert!(!names.contains(&"tnull-opt1".to_string()));
    let mut da = fresh();
    // SAFETY: da is ours.
    assert_eq!(unsafe { parse(&mut da, c"tnull-opt0") }, 0);
    // SAFETY: as above.
    assert_eq!(unsafe { remove(&da) }, 0);
    // SAFETY: as above.
    unsafe { reset(&mut da) };
}
