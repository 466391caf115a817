//! Device arguments (DPDK's `eal_common_devargs.c`): parsing a device string into a
//! `struct rte_devargs`, and the process's list of them, filled from `-a`, `-b` and `--vdev`
//! at init and by hotplug, and read by bus scans (`RTE_EAL_DEVARGS_FOREACH`).
//!
//! Two syntaxes, tried in this order:
//! - layered: `bus=X,k=v/class=Y,k=v/driver=Z,k=v` (at most 3 layers; a layer starts at a '/'
//!   followed by `bus=`, `class=` or `driver=`). Each layer is a kvargs list; the bus and class
//!   are looked up by name (unknown: EFAULT). The bus's `devargs_parse` (or the bus layer's
//!   `name=`) names the device. `data` holds a copy of the string with a NUL at each layer
//!   boundary; `bus_str`, `cls_str` and `drv_str` point into it.
//! - legacy: `[bus:]name[,args]`: a bus whose name prefixes the string and whose `parse` takes
//!   the rest, or else the first bus whose `parse` takes the name (cut at ','). `data` (= `args`)
//!   is a copy of what follows the ','.
//!
//! Memory: a listed `rte_devargs` and its `data` come from libc's allocator, because bus drivers
//! allocate devargs with `calloc` and hand them to [`insert`], which may `free` them, and
//! [`remove`] `free`s what it unlinks, as DPDK does.
//!
//! Error reporting follows DPDK's, which callers (and DPDK's own tests) observe: the layered
//! parser sets `rte_errno` when it fails (even if the legacy syntax then succeeds); the legacy
//! parser only logs and returns `-errno`. Functions here return DPDK's result codes.
//!
//! Locking: the list is a [`List`] (a mutex around a vector, links rewritten on change); no
//! driver function is called with it locked.

use std::ffi::{c_char, c_int, CStr};
use std::io::Write;

use super::bus::{self, Bus};
use super::class::{self, Class};
use super::kvargs::KvList;
use super::list::{Linked, List, Ptr};
use crate::abi::dev::{
    rte_devargs, TailqEntry, RTE_BUS_SCAN_ALLOWLIST, RTE_BUS_SCAN_BLOCKLIST,
    RTE_BUS_SCAN_UNDEFINED, RTE_DEVTYPE_ALLOWED, RTE_DEVTYPE_BLOCKED, RTE_DEVTYPE_VIRTUAL,
    RTE_DEV_ALLOWED, RTE_DEV_BLOCKED, RTE_DEV_NAME_MAX_LEN,
};
use crate::base::errno;
use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_ERR, RTE_LOG_WARNING};
use crate::error::{Error, Result};
use crate::{eal_log, err};

impl Linked for rte_devargs {
    unsafe fn entry(p: *mut Self) -> *mut TailqEntry<Self> {
        // SAFETY: the caller guarantees p is live.
        unsafe { std::ptr::addr_of_mut!((*p).next) }
    }
}

static DEVARGS: List<rte_devargs> = List::new();

/// The layer keys, with their '='.
const LAYER_KEYS: [&[u8]; 3] = [b"bus=", b"class=", b"driver="];

// ---- C memory ------------------------------------------------------------------------------------

/// A zeroed `rte_devargs` from libc's allocator (what `calloc(1, sizeof(*da))` gives).
pub fn alloc() -> Result<*mut rte_devargs> {
    let p = crate::sys::c_malloc(std::mem::size_of::<rte_devargs>()).cast::<rte_devargs>();
    if p.is_null() {
        return Err(err!(libc::ENOMEM, "not enough memory for a devargs"));
    }
    // SAFETY: p is a fresh block of the struct's size; all-zero is a valid rte_devargs.
    unsafe { std::ptr::write_bytes(p, 0, 1) };
    Ok(p)
}

/// Frees a devargs from [`alloc`] (or a driver's `calloc`) and its data.
///
/// # Safety
/// `da` is NULL or a libc-allocated devargs that is on no list and nothing else uses.
pub unsafe fn free(da: *mut rte_devargs) {
    if da.is_null() {
        return;
    }
    // SAFETY: the caller's guarantee.
    unsafe {
        reset(da);
        crate::sys::c_free(da.cast());
    }
}

/// A libc-allocated copy of `bytes` with a NUL after them (`strdup`); NULL when out of memory.
fn c_strdup(bytes: &[u8]) -> *mut c_char {
    let p = crate::sys::c_malloc(bytes.len() + 1).cast::<u8>();
    if !p.is_null() {
        // SAFETY: p has room for bytes and the NUL.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
    }
    p.cast()
}

/// `rte_devargs_reset`: frees `data` (NULL-safe) and clears it.
///
/// # Safety
/// `da` is NULL or points to a devargs whose `data` is NULL or libc-allocated.
pub unsafe fn reset(da: *mut rte_devargs) {
    if da.is_null() {
        return;
    }
    // SAFETY: the caller's guarantee.
    unsafe {
        crate::sys::c_free((*da).data.cast());
        (*da).data = std::ptr::null_mut();
    }
}

/// Writes `name` into the fixed `name` field (it must fit, NUL included).
fn set_name(da: &mut rte_devargs, name: &[u8]) {
    debug_assert!(
        name.len() < RTE_DEV_NAME_MAX_LEN,
        "caller checked the length"
    );
    da.name = [0; RTE_DEV_NAME_MAX_LEN];
    for (d, s) in da.name.iter_mut().zip(name) {
        *d = *s as c_char;
    }
}

/// The `name` field as bytes (up to its NUL).
pub fn name_of(da: &rte_devargs) -> &[u8] {
    // SAFETY: c_char and u8 have the same layout; the slice stays within the array.
    let bytes: &[u8] =
        unsafe { std::slice::from_raw_parts(da.name.as_ptr().cast(), RTE_DEV_NAME_MAX_LEN) };
    let end = bytes.iter().position(|&c| c == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

// ---- the layered syntax -------------------------------------------------------------------------

/// What the layered syntax found in a string, as offsets into it.
#[derive(Debug, Default)]
pub(crate) struct Layers {
    pub bus: Option<Bus>,
    pub cls: Option<Class>,
    pub bus_at: Option<usize>,
    pub cls_at: Option<usize>,
    pub drv_at: Option<usize>,
    /// The bus layer's text (for the default name: its `name=`).
    pub bus_text: Option<(usize, usize)>,
    /// Offsets of the '/' that end layers (a NUL goes there in `data`).
    pub cuts: Vec<usize>,
}

/// Splits `s` into layers and looks their bus and class up. Errors as DPDK's
/// `rte_devargs_layers_parse`: E2BIG for a 4th layer, EINVAL for a layer that is not a kvargs
/// list, EFAULT for an unknown bus or class (logged).
pub(crate) fn split_layers(s: &[u8]) -> Result<Layers> {
    let mut layers: Vec<(usize, usize)> = Vec::new();
    let mut at = Some(0usize);
    while let Some(start) = at {
        if layers.len() >= LAYER_KEYS.len() {
            return Err(err!(libc::E2BIG, "more than 3 layers (bus, class, driver)"));
        }
        // The layer ends at the first '/' that starts a layer key.
        let cut = (start..s.len())
            .filter(|&i| s[i] == b'/')
            .find(|&i| LAYER_KEYS.iter().any(|k| s[i + 1..].starts_with(k)));
        let end = cut.unwrap_or(s.len());
        if KvList::parse(&s[start..end]).is_err() {
            return Err(err!(libc::EINVAL, "too many key=value pairs in a layer"));
        }
        layers.push((start, end));
        at = cut.map(|c| c + 1);
    }
    let mut out = Layers {
        cuts: layers
            .iter()
            .map(|l| l.1)
            .filter(|&e| e < s.len())
            .collect(),
        ..Layers::default()
    };
    for &(start, end) in &layers {
        let kv = KvList::parse(&s[start..end]).expect("parsed above");
        let Some(first) = kv.first() else { continue };
        let value = first.value.unwrap_or(b"(null)");
        match first.key {
            b"bus" => {
                out.bus_at = Some(start);
                out.bus_text = Some((start, end));
                out.bus = Some(bus::find_by_name(value).ok_or_else(|| {
                    let e = err!(
                        libc::EFAULT,
                        "Could not find bus \"{}\"",
                        String::from_utf8_lossy(value)
                    );
                    eal_log!(RTE_LOG_ERR, "{}", e.msg);
                    e
                })?);
            }
            b"class" => {
                out.cls_at = Some(start);
                out.cls = Some(class::find_by_name(value).ok_or_else(|| {
                    let e = err!(
                        libc::EFAULT,
                        "Could not find class \"{}\"",
                        String::from_utf8_lossy(value)
                    );
                    eal_log!(RTE_LOG_ERR, "{}", e.msg);
                    e
                })?);
            }
            b"driver" => out.drv_at = Some(start),
            _ => {}
        }
    }
    Ok(out)
}

/// DPDK's `rte_devargs_layers_parse` into `da`: `data` becomes a copy of `s` cut at the layer
/// boundaries, the layer pointers point into it, and the bus names the device. 0 or `-errno`;
/// on failure `rte_errno` is set and `data` freed.
///
/// # Safety
/// `da` points to a writable devargs whose `data` holds nothing to free.
pub(crate) unsafe fn layers_parse(da: *mut rte_devargs, s: &CStr) -> c_int {
    let bytes = s.to_bytes();
    let data = c_strdup(bytes);
    if data.is_null() {
        eal_log!(RTE_LOG_ERR, "OOM");
        errno::set(libc::ENOMEM);
        return -libc::ENOMEM;
    }
    // SAFETY: da is writable (caller).
    unsafe { (*da).data = data };
    // SAFETY: as above; data is ours.
    let ret = match unsafe { fill_layers(da, data, bytes) } {
        Ok(()) => 0,
        Err(e) => -e.errno,
    };
    if ret != 0 {
        // SAFETY: data is ours; the pointers into it are dropped with it.
        unsafe { reset(da) };
        errno::set(-ret);
    }
    ret
}

/// # Safety
/// `da` is writable; `data` is a libc copy of `bytes` (plus NUL) that `da` owns.
unsafe fn fill_layers(da: *mut rte_devargs, data: *mut c_char, bytes: &[u8]) -> Result<()> {
    let l = split_layers(bytes).inspect_err(|e| {
        eal_log!(RTE_LOG_DEBUG, "device string is not layered: {}", e.msg);
    })?;
    // SAFETY: the offsets are within bytes, which data copies; da is writable.
    unsafe {
        for &c in &l.cuts {
            *data.add(c) = 0;
        }
        let at = |o: Option<usize>| o.map_or(std::ptr::null(), |o| data.add(o).cast_const());
        (*da).bus_str = at(l.bus_at);
        (*da).cls_str = at(l.cls_at);
        (*da).args = at(l.drv_at);
        (*da).bus = l.bus.map_or(std::ptr::null_mut(), |b| b.0);
        (*da).cls = l.cls.map_or(std::ptr::null_mut(), |c| c.0);
    }
    let Some(b) = l.bus else {
        return Ok(());
    };
    // SAFETY: a registered bus is live.
    if let Some(f) = unsafe { (*b.0).devargs_parse } {
        // SAFETY: the bus's own parser, on a devargs it may read and fill.
        let r = unsafe { f(da) };
        return match r {
            0 => Ok(()),
            r => Err(Error::new(
                if r < 0 { -r } else { libc::EINVAL },
                "the bus could not parse the device arguments",
            )),
        };
    }
    // The default: the bus layer's `name=`.
    let (s, e) = l.bus_text.expect("a bus layer was found");
    let kv = KvList::parse(&bytes[s..e]).expect("parsed above");
    let Some(name) = kv.get(b"name") else {
        eal_log!(
            RTE_LOG_DEBUG,
            "devargs name not found: {}",
            String::from_utf8_lossy(bytes)
        );
        return Ok(());
    };
    if name.len() >= RTE_DEV_NAME_MAX_LEN {
        eal_log!(
            RTE_LOG_ERR,
            "devargs name too long: {}",
            String::from_utf8_lossy(bytes)
        );
        return Err(err!(libc::E2BIG, "devargs name too long"));
    }
    // SAFETY: da is writable (caller).
    set_name(unsafe { &mut *da }, name);
    Ok(())
}

// ---- parsing ------------------------------------------------------------------------------------

/// `rte_devargs_parse`: fills `*da` (which it first clears) from `s`. 0, or DPDK's negative
/// code: -EFAULT (no bus takes the device), -EINVAL (name too long), -ENOMEM.
///
/// # Safety
/// `da` points to a writable devargs (its previous content is dropped without being freed,
/// as in DPDK).
pub unsafe fn parse(da: *mut rte_devargs, s: &CStr) -> c_int {
    // SAFETY: da is writable; all-zero is a valid devargs.
    unsafe { std::ptr::write_bytes(da, 0, 1) };
    // SAFETY: da is zeroed, so data holds nothing.
    if unsafe { layers_parse(da, s) } == 0 {
        // SAFETY: da was just filled.
        if unsafe { !(*da).bus.is_null() || !(*da).cls.is_null() } {
            return 0;
        }
        // SAFETY: data is ours.
        unsafe { reset(da) };
    }
    // DPDK goes on with whatever the layered attempt left in the struct; we start clean so no
    // pointer into freed data survives.
    // SAFETY: as above.
    unsafe { std::ptr::write_bytes(da, 0, 1) };
    // SAFETY: da is zeroed and writable.
    unsafe { parse_legacy(da, s.to_bytes()) }
}

/// The legacy syntax `[bus:]name[,args]`.
///
/// # Safety
/// `da` is writable and zeroed.
unsafe fn parse_legacy(da: *mut rte_devargs, s: &[u8]) -> c_int {
    let mut found: Option<Bus> = None;
    let mut devname: &[u8];
    let mut from: *const crate::abi::dev::rte_bus = std::ptr::null();
    loop {
        let Ok(Some(b)) = bus::find(from, |b| s.starts_with(bus::name(b).to_bytes())) else {
            devname = s;
            break;
        };
        // What follows "<bus><separator>" (DPDK skips one character, whatever it is).
        let n = bus::name(b).to_bytes().len();
        devname = s.get(n + 1..).unwrap_or(&[]);
        if bus::find_by_device_name(devname) == Some(b) {
            found = Some(b);
            break;
        }
        from = b.0;
    }
    let name_len = devname
        .iter()
        .position(|&c| c == b',')
        .unwrap_or(devname.len());
    // SAFETY: da is writable (caller).
    let da_ref = unsafe { &mut *da };
    if name_len >= RTE_DEV_NAME_MAX_LEN {
        set_name(da_ref, &devname[..RTE_DEV_NAME_MAX_LEN - 1]);
        eal_log!(
            RTE_LOG_WARNING,
            "Parsing \"{}\": device name should be shorter than {}",
            String::from_utf8_lossy(s),
            RTE_DEV_NAME_MAX_LEN
        );
        return -libc::EINVAL;
    }
    set_name(da_ref, &devname[..name_len]);
    let b = match found.or_else(|| bus::find_by_device_name(&devname[..name_len])) {
        Some(b) => b,
        None => {
            eal_log!(
                RTE_LOG_ERR,
                "failed to parse device \"{}\"",
                String::from_utf8_lossy(&devname[..name_len])
            );
            return -libc::EFAULT;
        }
    };
    da_ref.bus = b.0;
    let args = devname.get(name_len + 1..).unwrap_or(&[]);
    let data = c_strdup(args);
    if data.is_null() {
        eal_log!(RTE_LOG_ERR, "not enough memory to parse arguments");
        return -libc::ENOMEM;
    }
    da_ref.data = data;
    da_ref.args = data;
    0
}

// ---- the list -----------------------------------------------------------------------------------

/// True when `a` and `b` name the same device: same bus name and device name.
///
/// # Safety
/// Both point to live devargs whose `bus` is NULL or a live bus.
unsafe fn same_device(a: *const rte_devargs, b: *const rte_devargs) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe {
        let (ab, bb) = ((*a).bus, (*b).bus);
        !ab.is_null()
            && !bb.is_null()
            && bus::name(Ptr(ab)) == bus::name(Ptr(bb))
            && name_of(&*a) == name_of(&*b)
    }
}

/// `rte_devargs_insert`: puts `*pda` on the list. If it already is, nothing changes; if a listed
/// devargs names the same device, that one takes `*pda`'s content (its old data is freed),
/// `*pda` is freed and `*pda` becomes the listed one. -1 when `*pda` is NULL or has no bus.
///
/// # Safety
/// `pda` points to a pointer that is NULL or a libc-allocated devargs this call may free.
pub unsafe fn insert(pda: *mut *mut rte_devargs) -> c_int {
    // SAFETY: the caller's guarantee.
    let da = unsafe { *pda };
    // SAFETY: a non-NULL da is a devargs (caller).
    if da.is_null() || unsafe { (*da).bus.is_null() } {
        eal_log!(
            RTE_LOG_ERR,
            "rte_devargs_insert(): the devargs is NULL or has no bus"
        );
        return -1;
    }
    // SAFETY: listed devargs are live (they are ours until removed); da is live (caller).
    let merged = unsafe {
        DEVARGS.change(|v| {
            if v.contains(&Ptr(da)) {
                return Some(da);
            }
            if let Some(listed) = v.iter().find(|l| same_device(l.0, da)) {
                let listed = listed.0;
                let links = std::ptr::read(std::ptr::addr_of!((*listed).next));
                reset(listed);
                std::ptr::copy_nonoverlapping(da, listed, 1);
                std::ptr::write(std::ptr::addr_of_mut!((*listed).next), links);
                crate::sys::c_free(da.cast());
                return Some(listed);
            }
            v.push(Ptr(da));
            None
        })
    };
    if let Some(listed) = merged {
        // SAFETY: the caller's pointer.
        unsafe { *pda = listed };
    }
    0
}

/// `rte_devargs_add`: parses `s` into a new devargs of type `devtype` and appends it. The first
/// devargs of a bus sets the bus's scan mode (allow list or block list). -1 on failure.
pub fn add(devtype: c_int, s: &CStr) -> c_int {
    if !(RTE_DEVTYPE_ALLOWED..=RTE_DEVTYPE_VIRTUAL).contains(&devtype) {
        eal_log!(
            RTE_LOG_ERR,
            "rte_devargs_add(): device type {devtype} is not ALLOWED (0), BLOCKED (1) or VIRTUAL (2)"
        );
        return -1;
    }
    let Ok(da) = alloc() else {
        return -1;
    };
    // SAFETY: da is a fresh, writable devargs.
    if unsafe { parse(da, s) } != 0 {
        // SAFETY: da is ours and on no list.
        unsafe { free(da) };
        return -1;
    }
    // SAFETY: da was filled by a successful parse (bus or class set, bus live).
    unsafe {
        (*da).type_ = devtype;
        if devtype == RTE_DEVTYPE_BLOCKED {
            (*da).policy = RTE_DEV_BLOCKED;
        }
        let b = (*da).bus;
        if b.is_null() {
            // A class-only layered string: DPDK would crash reading the bus; refuse it.
            eal_log!(
                RTE_LOG_ERR,
                "rte_devargs_add(): \"{}\" names no bus",
                s.to_string_lossy()
            );
            free(da);
            return -1;
        }
        if (*b).conf.scan_mode == RTE_BUS_SCAN_UNDEFINED {
            (*b).conf.scan_mode = if (*da).policy == RTE_DEV_ALLOWED {
                RTE_BUS_SCAN_ALLOWLIST
            } else {
                RTE_BUS_SCAN_BLOCKLIST
            };
        }
        DEVARGS.change(|v| v.push(Ptr(da)));
    }
    0
}

/// `rte_devargs_remove`: unlinks and frees the listed devargs that names the same device as
/// `da`. 0 when one was removed, 1 when none matched, -1 when `da` is NULL or has no bus.
///
/// # Safety
/// `da` is NULL or points to a readable devargs (it may be the listed one, which is then freed).
pub unsafe fn remove(da: *const rte_devargs) -> c_int {
    // SAFETY: a non-NULL da is readable (caller).
    if da.is_null() || unsafe { (*da).bus.is_null() } {
        eal_log!(
            RTE_LOG_DEBUG,
            "rte_devargs_remove(): the devargs is NULL or has no bus"
        );
        return -1;
    }
    // SAFETY: listed devargs are live; da is readable (read before anything is freed).
    let gone = unsafe {
        DEVARGS.change(|v| {
            let i = v.iter().position(|l| same_device(l.0, da))?;
            Some(v.remove(i))
        })
    };
    match gone {
        Some(p) => {
            // SAFETY: unlinked above; ours to free (libc-allocated, as every listed devargs).
            unsafe { free(p.0) };
            0
        }
        None => 1,
    }
}

/// `rte_devargs_type_count`.
pub fn type_count(devtype: c_int) -> u32 {
    DEVARGS
        .snapshot()
        .iter()
        // SAFETY: listed devargs are live.
        .filter(|d| unsafe { (*d.0).type_ } == devtype)
        .count() as u32
}

/// `rte_devargs_dump`: "User device list:" and one line per devargs.
pub fn dump(w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(w, "User device list:")?;
    for d in DEVARGS.snapshot() {
        // SAFETY: listed devargs are live; their bus is NULL or live; args is NULL or a C string.
        let (b, n, a) = unsafe {
            let b = (*d.0).bus;
            let a = (*d.0).args;
            (
                if b.is_null() {
                    "??".into()
                } else {
                    bus::name(Ptr(b)).to_string_lossy()
                },
                String::from_utf8_lossy(name_of(&*d.0)).into_owned(),
                if a.is_null() {
                    "(null)".into()
                } else {
                    CStr::from_ptr(a).to_string_lossy()
                },
            )
        };
        writeln!(w, "  [{b}]: {n} {a}")?;
    }
    w.flush()
}

/// `rte_devargs_next`: the next listed devargs after `start` (from the first when NULL) on the
/// bus named `busname` (any bus when None). Err when `start` is not listed.
pub fn next(busname: Option<&CStr>, start: *const rte_devargs) -> Result<*mut rte_devargs> {
    let list = DEVARGS.snapshot();
    let from = if start.is_null() {
        0
    } else {
        list.iter()
            .position(|d| std::ptr::eq(d.0, start))
            .map(|i| i + 1)
            .ok_or_else(|| err!(libc::EINVAL, "start is not a listed devargs"))?
    };
    Ok(list[from..]
        .iter()
        .find(|d| match busname {
            None => true,
            // SAFETY: listed devargs are live; their bus is NULL or live.
            Some(n) => unsafe { !(*d.0).bus.is_null() && bus::name(Ptr((*d.0).bus)) == n },
        })
        .map_or(std::ptr::null_mut(), |d| d.0))
}

/// Init step "eal_option_device_parse": `-a`, `-b` and `--vdev` in command-line order. The
/// first that fails stops the rest: ENODEV.
pub fn add_from_options(devices: &[(c_int, String)]) -> Result<()> {
    for (t, s) in devices {
        let Ok(c) = std::ffi::CString::new(s.as_bytes()) else {
            return Err(err!(libc::ENODEV, "Unable to parse device '{s}'"));
        };
        if add(*t, &c) != 0 {
            return Err(err!(libc::ENODEV, "Unable to parse device '{s}'"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
