//! Buses, devices, drivers, classes and device arguments: DPDK 22.11's `struct rte_bus`,
//! `rte_device`, `rte_driver`, `rte_class`, `rte_devargs` and `rte_dev_iterator`.
//!
//! Drivers own these objects (a bus or class is a static of the library that registers it, a
//! device belongs to its bus); the EAL keeps lists of pointers to them and calls their function
//! pointers. `rte_devargs` is the exception: it is allocated with libc's `calloc` by whoever
//! creates it (the EAL or a bus driver), and `rte_devargs_insert`/`_remove` may `free` it, so
//! both sides must use libc's allocator for it and for its `data` string.
//!
//! All are declared for C by hand (`bus_driver.h`, `dev_driver.h`, `rte_class.h`,
//! `rte_devargs.h`, `rte_dev.h`: they hold `sys/queue.h` links and unions), hence
//! `cbindgen:ignore` on each. Sizes and offsets are asserted below; the public ones
//! (`rte_devargs`, `rte_class`, `rte_dev_iterator`) are also compared with DPDK's headers by
//! `c-tests/layout.c`.

use std::ffi::{c_char, c_int, c_void};
use std::mem::{offset_of, size_of};

/// Longest device name, NUL included (RTE_DEV_NAME_MAX_LEN).
/// (C: rte_dev.h)
/// cbindgen:ignore
pub const RTE_DEV_NAME_MAX_LEN: usize = 64;

/// `enum rte_devtype`: how a device was named on the command line.
/// (C: rte_devargs.h)
/// cbindgen:ignore
pub const RTE_DEVTYPE_ALLOWED: c_int = 0;
/// (C: rte_devargs.h)
/// cbindgen:ignore
pub const RTE_DEVTYPE_BLOCKED: c_int = 1;
/// (C: rte_devargs.h)
/// cbindgen:ignore
pub const RTE_DEVTYPE_VIRTUAL: c_int = 2;

/// `enum rte_dev_policy`.
/// (C: rte_dev.h)
/// cbindgen:ignore
pub const RTE_DEV_ALLOWED: c_int = 0;
/// (C: rte_dev.h)
/// cbindgen:ignore
pub const RTE_DEV_BLOCKED: c_int = 1;

/// `enum rte_bus_scan_mode`.
/// (C: bus_driver.h)
/// cbindgen:ignore
pub const RTE_BUS_SCAN_UNDEFINED: c_int = 0;
/// (C: bus_driver.h)
/// cbindgen:ignore
pub const RTE_BUS_SCAN_ALLOWLIST: c_int = 1;
/// (C: bus_driver.h)
/// cbindgen:ignore
pub const RTE_BUS_SCAN_BLOCKLIST: c_int = 2;

/// `enum rte_dev_event_type`.
/// (C: rte_dev.h)
/// cbindgen:ignore
pub const RTE_DEV_EVENT_ADD: c_int = 0;
/// (C: rte_dev.h)
/// cbindgen:ignore
pub const RTE_DEV_EVENT_REMOVE: c_int = 1;

/// A `TAILQ_ENTRY(T)` of `<sys/queue.h>`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug)]
pub struct TailqEntry<T> {
    pub tqe_next: *mut T,
    pub tqe_prev: *mut *mut T,
}

/// `rte_dev_cmp_t`: 0 when `dev` matches `data`.
/// (C: rtemem_dev_types.h)
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_dev_cmp_t =
    Option<unsafe extern "C" fn(dev: *const rte_device, data: *const c_void) -> c_int>;
/// `rte_bus_cmp_t`: 0 when `bus` matches `data`.
/// (C: rtemem_dev_types.h)
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_bus_cmp_t =
    Option<unsafe extern "C" fn(bus: *const rte_bus, data: *const c_void) -> c_int>;
/// `rte_class_cmp_t`: 0 when `cls` matches `data`.
/// (C: rtemem_dev_types.h)
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_class_cmp_t =
    Option<unsafe extern "C" fn(cls: *const rte_class, data: *const c_void) -> c_int>;
/// `rte_dev_iterate_t`: the next device after `start` matching the layer's parameters.
/// (C: rtemem_dev_types.h)
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_dev_iterate_t = Option<
    unsafe extern "C" fn(
        start: *const c_void,
        devstr: *const c_char,
        it: *const rte_dev_iterator,
    ) -> *mut c_void,
>;
/// `rte_dev_event_cb_fn`; the event is `enum rte_dev_event_type` in C.
/// (C: rtemem_dev_types.h)
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_dev_event_cb_fn =
    Option<unsafe extern "C" fn(device_name: *const c_char, event: c_int, cb_arg: *mut c_void)>;

/// `struct rte_bus_conf`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug)]
pub struct rte_bus_conf {
    /// `enum rte_bus_scan_mode`.
    pub scan_mode: c_int,
}

/// A bus (`struct rte_bus`, bus_driver.h): a driver library's static, registered by its
/// constructor before `main`.
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_bus {
    pub next: TailqEntry<rte_bus>,
    pub name: *const c_char,
    pub scan: Option<unsafe extern "C" fn() -> c_int>,
    pub probe: Option<unsafe extern "C" fn() -> c_int>,
    pub find_device: Option<
        unsafe extern "C" fn(
            start: *const rte_device,
            cmp: rte_dev_cmp_t,
            data: *const c_void,
        ) -> *mut rte_device,
    >,
    pub plug: Option<unsafe extern "C" fn(dev: *mut rte_device) -> c_int>,
    pub unplug: Option<unsafe extern "C" fn(dev: *mut rte_device) -> c_int>,
    pub parse: Option<unsafe extern "C" fn(name: *const c_char, addr: *mut c_void) -> c_int>,
    pub devargs_parse: Option<unsafe extern "C" fn(da: *mut rte_devargs) -> c_int>,
    pub dma_map: Option<
        unsafe extern "C" fn(
            dev: *mut rte_device,
            addr: *mut c_void,
            iova: u64,
            len: usize,
        ) -> c_int,
    >,
    pub dma_unmap: Option<
        unsafe extern "C" fn(
            dev: *mut rte_device,
            addr: *mut c_void,
            iova: u64,
            len: usize,
        ) -> c_int,
    >,
    pub conf: rte_bus_conf,
    /// Returns `enum rte_iova_mode`.
    pub get_iommu_class: Option<unsafe extern "C" fn() -> c_int>,
    pub dev_iterate: rte_dev_iterate_t,
    pub hot_unplug_handler: Option<unsafe extern "C" fn(dev: *mut rte_device) -> c_int>,
    pub sigbus_handler: Option<unsafe extern "C" fn(failure_addr: *const c_void) -> c_int>,
    pub cleanup: Option<unsafe extern "C" fn() -> c_int>,
}

/// A driver (`struct rte_driver`, dev_driver.h), embedded in a bus-specific driver struct.
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_driver {
    pub next: TailqEntry<rte_driver>,
    pub name: *const c_char,
    pub alias: *const c_char,
}

/// A device (`struct rte_device`, dev_driver.h), embedded in a bus-specific device struct.
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_device {
    pub next: TailqEntry<rte_device>,
    pub name: *const c_char,
    pub bus_info: *const c_char,
    /// Set by the bus once a driver probed the device.
    pub driver: *const rte_driver,
    pub bus: *const rte_bus,
    pub numa_node: c_int,
    pub devargs: *mut rte_devargs,
}

/// A device class (`struct rte_class`, rte_class.h), e.g. ethdev's "eth".
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_class {
    pub next: TailqEntry<rte_class>,
    pub name: *const c_char,
    pub dev_iterate: rte_dev_iterate_t,
}

/// Device arguments (`struct rte_devargs`, rte_devargs.h). `args` is also `drv_str` (a
/// union of two `const char *`).
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_devargs {
    pub next: TailqEntry<rte_devargs>,
    /// `enum rte_devtype`.
    pub type_: c_int,
    /// `enum rte_dev_policy`.
    pub policy: c_int,
    pub name: [c_char; RTE_DEV_NAME_MAX_LEN],
    /// `args` (legacy syntax) / `drv_str` (layered syntax).
    pub args: *const c_char,
    pub bus: *mut rte_bus,
    pub cls: *mut rte_class,
    pub bus_str: *const c_char,
    pub cls_str: *const c_char,
    /// The string `args`, `bus_str`, `cls_str` point into; libc-allocated (or the caller's).
    pub data: *mut c_char,
}

/// A device iterator (`struct rte_dev_iterator`, rte_dev.h).
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_dev_iterator {
    pub dev_str: *const c_char,
    pub bus_str: *const c_char,
    pub cls_str: *const c_char,
    pub bus: *mut rte_bus,
    pub cls: *mut rte_class,
    pub device: *mut rte_device,
    pub class_device: *mut c_void,
}

const _: () = {
    assert!(size_of::<rte_bus>() == 144);
    assert!(offset_of!(rte_bus, name) == 16);
    assert!(offset_of!(rte_bus, scan) == 24);
    assert!(offset_of!(rte_bus, probe) == 32);
    assert!(offset_of!(rte_bus, find_device) == 40);
    assert!(offset_of!(rte_bus, plug) == 48);
    assert!(offset_of!(rte_bus, unplug) == 56);
    assert!(offset_of!(rte_bus, parse) == 64);
    assert!(offset_of!(rte_bus, devargs_parse) == 72);
    assert!(offset_of!(rte_bus, dma_map) == 80);
    assert!(offset_of!(rte_bus, dma_unmap) == 88);
    assert!(offset_of!(rte_bus, conf) == 96);
    assert!(offset_of!(rte_bus, get_iommu_class) == 104);
    assert!(offset_of!(rte_bus, dev_iterate) == 112);
    assert!(offset_of!(rte_bus, hot_unplug_handler) == 120);
    assert!(offset_of!(rte_bus, sigbus_handler) == 128);
    assert!(offset_of!(rte_bus, cleanup) == 136);
    assert!(size_of::<rte_driver>() == 32);
    assert!(offset_of!(rte_driver, name) == 16);
    assert!(offset_of!(rte_driver, alias) == 24);
    assert!(size_of::<rte_device>() == 64);
    assert!(offset_of!(rte_device, name) == 16);
    assert!(offset_of!(rte_device, bus_info) == 24);
    assert!(offset_of!(rte_device, driver) == 32);
    assert!(offset_of!(rte_device, bus) == 40);
    assert!(offset_of!(rte_device, numa_node) == 48);
    assert!(offset_of!(rte_device, devargs) == 56);
    assert!(size_of::<rte_class>() == 32);
    assert!(offset_of!(rte_class, name) == 16);
    assert!(offset_of!(rte_class, dev_iterate) == 24);
    assert!(size_of::<rte_devargs>() == 136);
    assert!(offset_of!(rte_devargs, type_) == 16);
    assert!(offset_of!(rte_devargs, policy) == 20);
    assert!(offset_of!(rte_devargs, name) == 24);
    assert!(offset_of!(rte_devargs, args) == 88);
    assert!(offset_of!(rte_devargs, bus) == 96);
    assert!(offset_of!(rte_devargs, cls) == 104);
    assert!(offset_of!(rte_devargs, bus_str) == 112);
    assert!(offset_of!(rte_devargs, cls_str) == 120);
    assert!(offset_of!(rte_devargs, data) == 128);
    assert!(size_of::<rte_dev_iterator>() == 56);
    assert!(offset_of!(rte_dev_iterator, bus) == 24);
    assert!(offset_of!(rte_dev_iterator, cls) == 32);
    assert!(offset_of!(rte_dev_iterator, device) == 40);
    assert!(offset_of!(rte_dev_iterator, class_device) == 48);
};
