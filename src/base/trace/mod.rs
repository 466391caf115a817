//! Trace points: DPDK 22.11's `rte_trace_point.h` machinery, the part every layer (and every
//! DPDK library) emits through.
//!
//! A trace point is a `rte_trace_point_t`, a `u64` word that lives in the library defining the
//! point (the EAL's own 32 are in [`eal`]). Its bits are the ABI that DPDK's inline emit code,
//! compiled into Debian's libraries, reads directly:
//!
//! | bits | meaning |
//! | --- | --- |
//! | 0-15 | size of one event in bytes, the 8-byte event header included |
//! | 16-31 | the point's id: its rank in registration order, from 0 |
//! | 62 | DISCARD: drop events when the thread's buffer is full (else wrap and overwrite) |
//! | 63 | ENABLE: events are recorded |
//!
//! **Registration** (`__rte_trace_point_register`, from library constructors before `main`):
//! the library's registration function is the trace point's body compiled in "register mode":
//! it sets the thread-local `per_lcore_trace_point_sz` to the header size and calls
//! `__rte_trace_point_emit_field` once per field, which appends the field's CTF declaration to
//! this thread's pending text ([`emit_field`]) and adds its size. [`register`] then gives the
//! point the next id and records its name and CTF fields for the metadata. As in DPDK, a
//! failed registration is remembered ([`register_errno`]) and a duplicate name is accepted here:
//! both fail `rte_eal_init` later (the trace layer's init), not the constructor.
//!
//! **Buffers** ([`mem`]): each thread that emits has one buffer, `struct __rte_trace_header`
//! followed by `len` bytes, found through the exported thread-local `per_lcore_trace_mem`.
//! Emitting reserves `size` bytes at the 8-aligned write offset, wrapping to 0 (or dropping, in
//! DISCARD mode) when they do not fit, and writes a header `tsc[47:0] | id << 48` followed by the
//! fields packed in order. Only the owning thread writes its buffer; `rte_trace_save` reads it.
//!
//! **Enabling** sets bit 63 of a point; [`STATUS`] counts enabled points, and
//! `rte_trace_is_enabled()` is `STATUS != 0`. Buffers are allocated only while some point is
//! enabled.
//!
//! Cost when off: emitting a disabled point is one load of its word and a branch not taken
//! (the inline C code and [`eal`]'s Rust emitters alike).
//!
//! Locking: the registry is a process-private `RwLock` (trace points are per process in DPDK
//! too); emitting never takes it. Point words are atomics; enable/disable/mode changes are
//! atomic read-modify-writes, so they may race with emitters, which see either state. The
//! buffer list has its own mutex ([`mem`]).
//!
//! Where rtemem differs on bad input: a handle that is not a registered point's word is refused
//! by enable/disable/is_enabled without being read (DPDK reads any pointer and accepts a word
//! whose id is in range).

pub mod eal;
pub mod mem;

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::err;
use crate::error::Result;

pub use mem::{TraceStr, Writer};

/// Bits 0-15 of a point word: the event size.
pub(crate) const FIELD_SIZE_MASK: u64 = 0xffff;
/// Bits 16-31: the point's id.
pub(crate) const FIELD_ID_SHIFT: u32 = 16;
pub(crate) const FIELD_ID_MASK: u64 = 0xffff << FIELD_ID_SHIFT;
/// Bit 63: the point is enabled.
pub(crate) const ENABLE: u64 = 1 << 63;
/// Bit 62: DISCARD mode.
pub(crate) const DISCARD: u64 = 1 << 62;
/// Size of an event header (`__RTE_TRACE_EVENT_HEADER_SZ`).
pub(crate) const EVENT_HEADER_SZ: usize = 8;
/// Where the id goes in an event header (`__RTE_TRACE_EVENT_HEADER_ID_SHIFT`).
pub(crate) const EVENT_ID_SHIFT: u32 = 48;
/// Bytes of an emitted string (`__RTE_TRACE_EMIT_STRING_LEN_MAX`), NUL included.
pub(crate) const STRING_LEN_MAX: usize = 32;
/// Per-thread buffer length when `--trace-bufsz` is not given (1 MiB).
pub(crate) const DEFAULT_BUFSZ: u32 = 1 << 20;

/// `enum rte_trace_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// RTE_TRACE_MODE_OVERWRITE (0): a full buffer wraps, newer events overwrite older ones.
    Overwrite = 0,
    /// RTE_TRACE_MODE_DISCARD (1): a full buffer takes no more events.
    Discard = 1,
}

impl Mode {
    /// DPDK's name of the mode, as `rte_trace_dump` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Overwrite => "overwrite",
            Mode::Discard => "discard",
        }
    }
}

/// Number of enabled points (DPDK's `trace.status`).
pub(crate) static STATUS: AtomicU32 = AtomicU32::new(0);
/// The mode new registrations get and `rte_trace_mode_get` reports (a [`Mode`] as u8).
static MODE: AtomicU8 = AtomicU8::new(Mode::Overwrite as u8);
/// The errno of the first failed registration (0: none).
static REGISTER_ERRNO: AtomicI32 = AtomicI32::new(0);
/// Number of registered points (DPDK's `nb_trace_points`).
static COUNT: AtomicU32 = AtomicU32::new(0);

/// One registered trace point.
struct Point {
    handle: &'static AtomicU64,
    name: CString,
    /// The CTF declarations of its fields, one "        <type> <name>;\n" per field.
    ctf_fields: String,
}

struct Registry {
    points: Vec<Point>,
    /// Handle address -> index in `points` of its latest registration.
    by_handle: HashMap<usize, usize>,
}

impl Registry {
    fn push(&mut self, handle: &'static AtomicU64, name: CString, size: u16, ctf: String) {
        let id = self.points.len() as u64;
        let mut word = u64::from(size) | (id << FIELD_ID_SHIFT);
        if mode() == Mode::Discard {
            word |= DISCARD;
        }
        handle.store(word, Ordering::Release);
        self.by_handle
            .insert(handle as *const AtomicU64 as usize, self.points.len());
        self.points.push(Point {
            handle,
            name,
            ctf_fields: ctf,
        });
        COUNT.store(self.points.len() as u32, Ordering::Release);
    }
}

/// The registry; created with the EAL's own points (ids 0-31, as DPDK's EAL constructors
/// register them before any library's).
fn registry() -> &'static RwLock<Registry> {
    static REG: OnceLock<RwLock<Registry>> = OnceLock::new();
    REG.get_or_init(|| {
        let mut r = Registry {
            points: Vec::with_capacity(256),
            by_handle: HashMap::new(),
        };
        for p in eal::POINTS.iter() {
            let (size, ctf) = p.layout();
            r.push(
                p.handle,
                CString::new(p.name).unwrap_or_default(),
                size,
                ctf,
            );
        }
        RwLock::new(r)
    })
}

fn read() -> RwLockReadGuard<'static, Registry> {
    registry().read().unwrap_or_else(|e| e.into_inner())
}

fn write() -> RwLockWriteGuard<'static, Registry> {
    registry().write().unwrap_or_else(|e| e.into_inner())
}

/// The registered point whose word is at `handle`, by address (never dereferenced otherwise).
fn find(r: &Registry, handle: *const u64) -> Option<&'static AtomicU64> {
    r.by_handle
        .get(&(handle as usize))
        .map(|&i| r.points[i].handle)
}

// ---- registration -------------------------------------------------------------------------

std::thread_local! {
    /// CTF declarations of the fields announced so far by the registration function running on
    /// this thread (DPDK's per-thread `ctf_field`).
    static PENDING_FIELDS: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    /// A field was announced with a NULL name or type: the registration fails.
    static PENDING_BAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

extern "C" {
    fn rtemem__trace_point_sz_location() -> *mut i32;
}

/// This thread's `per_lcore_trace_point_sz`.
fn point_sz() -> i32 {
    // SAFETY: the accessor returns this thread's `__thread volatile int` in the C shim, valid
    // for the thread's lifetime; C writes it only from this thread.
    unsafe { std::ptr::read_volatile(rtemem__trace_point_sz_location()) }
}

fn set_point_sz(v: i32) {
    // SAFETY: as in `point_sz`.
    unsafe { std::ptr::write_volatile(rtemem__trace_point_sz_location(), v) }
}

/// The CTF name of a field: `align` and `event` are CTF keywords and get a `_` prefix; every
/// `.` and every `->` becomes `_` (`handle->dev_fd` -> `handle_dev_fd`).
pub(crate) fn ctf_field_name(field: &str) -> String {
    if field == "align" || field == "event" {
        return format!("_{field}");
    }
    field.replace('.', "_").replace("->", "_")
}

/// One field declaration line of the CTF metadata.
pub(crate) fn ctf_field_line(type_: &str, field: &str) -> String {
    format!("        {type_} {};\n", ctf_field_name(field))
}

/// `__rte_trace_point_emit_field`: the registration function running on this thread
/// announces a field of `size` bytes. `None` for a NULL name or type (the registration then
/// fails with EINVAL).
pub fn emit_field(size: usize, field: Option<&CStr>, type_: Option<&CStr>) {
    let (Some(field), Some(type_)) = (field, type_) else {
        PENDING_BAD.with(|b| b.set(true));
        return;
    };
    let line = ctf_field_line(&type_.to_string_lossy(), &field.to_string_lossy());
    PENDING_FIELDS.with(|f| f.borrow_mut().push_str(&line));
    let add = i32::try_from(size).unwrap_or(i32::MAX);
    set_point_sz(point_sz().saturating_add(add));
}

/// `__rte_trace_point_register`: runs the point's registration function, then records the
/// point with the next id. Arguments are `None` when NULL. On failure the error is also
/// remembered: the first one fails trace init ([`register_errno`]).
///
/// # Safety
/// `register_fn` is safe to call on this thread (a trace point body in register mode).
pub unsafe fn register(
    handle: Option<&'static AtomicU64>,
    name: Option<&CStr>,
    register_fn: Option<unsafe extern "C" fn()>,
) -> Result<()> {
    // SAFETY: the caller's guarantee on register_fn.
    let r = unsafe { register_inner(handle, name, register_fn) };
    if let Err(e) = &r {
        let _ = REGISTER_ERRNO.compare_exchange(0, e.errno, Ordering::AcqRel, Ordering::Acquire);
    }
    r
}

/// # Safety
/// As [`register`].
unsafe fn register_inner(
    handle: Option<&'static AtomicU64>,
    name: Option<&CStr>,
    register_fn: Option<unsafe extern "C" fn()>,
) -> Result<()> {
    let (Some(handle), Some(name), Some(f)) = (handle, name, register_fn) else {
        return Err(err!(
            libc::EINVAL,
            "invalid arguments: the point's word (8-aligned), name and register function are all needed"
        ));
    };
    let who = name.to_string_lossy();
    PENDING_FIELDS.with(|p| p.borrow_mut().clear());
    PENDING_BAD.with(|b| b.set(false));
    set_point_sz(0);
    // SAFETY: the caller's guarantee.
    unsafe { f() };
    let size = point_sz();
    let fields = PENDING_FIELDS.with(|p| std::mem::take(&mut *p.borrow_mut()));
    if PENDING_BAD.with(|b| b.replace(false)) {
        return Err(err!(
            libc::EINVAL,
            "trace point {who}: a field was announced with a NULL name or type"
        ));
    }
    if size == 0 {
        return Err(err!(
            libc::EBADF,
            "trace point {who}: missing rte_trace_emit_header() in register fn"
        ));
    }
    let size = u16::try_from(size)
        .map_err(|_| err!(libc::ENOSPC, "trace point {who}: size {size} overflowed"))?;
    let mut r = write();
    if r.points.len() > usize::from(u16::MAX) {
        return Err(err!(
            libc::ENOSPC,
            "trace point {who}: trace point exceeds the max count"
        ));
    }
    r.push(handle, name.to_owned(), size, fields);
    Ok(())
}

/// The errno of the first failed registration, 0 if none failed.
pub fn register_errno() -> i32 {
    REGISTER_ERRNO.load(Ordering::Acquire)
}

/// The first name registered twice, if any (DPDK fails trace init with EEXIST then).
pub fn duplicate_name() -> Option<String> {
    let r = read();
    let mut seen = std::collections::HashSet::new();
    r.points
        .iter()
        .find(|p| !seen.insert(p.name.as_bytes()))
        .map(|p| p.name.to_string_lossy().into_owned())
}

// ---- enable, disable, modes ---------------------------------------------------------------

/// `rte_trace_is_enabled`: some point is enabled.
#[inline]
pub fn is_enabled() -> bool {
    STATUS.load(Ordering::Acquire) != 0
}

fn set_enabled(h: &AtomicU64, on: bool) {
    if on {
        if h.fetch_or(ENABLE, Ordering::AcqRel) & ENABLE == 0 {
            STATUS.fetch_add(1, Ordering::AcqRel);
        }
    } else if h.fetch_and(!ENABLE, Ordering::AcqRel) & ENABLE != 0 {
        // A word written by a re-registration lost its bit without decrementing: never wrap.
        let _ = STATUS.fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| s.checked_sub(1));
    }
}

/// `rte_trace_point_enable`/`_disable`. ERANGE when `handle` is not a registered point.
pub fn set_point(handle: *const u64, on: bool) -> Result<()> {
    let r = read();
    let h = find(&r, handle)
        .ok_or_else(|| err!(libc::ERANGE, "{handle:p} is not a registered trace point"))?;
    set_enabled(h, on);
    Ok(())
}

/// `rte_trace_point_is_enabled`: false for anything but a registered point.
pub fn point_is_enabled(handle: *const u64) -> bool {
    let r = read();
    find(&r, handle).is_some_and(|h| h.load(Ordering::Acquire) & ENABLE != 0)
}

/// Enables or disables every point whose name `matches`; true when some point matched.
fn set_matching(on: bool, matches: impl Fn(&CStr) -> bool) -> bool {
    let r = read();
    let mut found = false;
    for p in r.points.iter().filter(|p| matches(&p.name)) {
        set_enabled(p.handle, on);
        found = true;
    }
    found
}

/// `rte_trace_pattern`: a shell glob (`fnmatch`, no flags). True when some point matched.
pub fn set_by_pattern(pattern: &CStr, on: bool) -> bool {
    set_matching(on, |n| crate::sys::fnmatch(pattern, n))
}

/// `rte_trace_regexp`: a POSIX basic regular expression, searched in each name. True when
/// some point matched; EINVAL when it does not compile.
pub fn set_by_regexp(regex: &CStr, on: bool) -> Result<bool> {
    let re = crate::sys::PosixRegex::new(regex)?;
    Ok(set_matching(on, |n| re.is_match(n)))
}

/// `rte_trace_point_lookup`: the first point registered under `name`.
pub fn lookup(name: &CStr) -> Option<&'static AtomicU64> {
    read()
        .points
        .iter()
        .find(|p| p.name.as_c_str() == name)
        .map(|p| p.handle)
}

/// `rte_trace_mode_set`: every point, and later registrations, get `mode`.
pub fn set_mode(mode: Mode) {
    let r = read();
    for p in &r.points {
        match mode {
            Mode::Overwrite => p.handle.fetch_and(!DISCARD, Ordering::AcqRel),
            Mode::Discard => p.handle.fetch_or(DISCARD, Ordering::AcqRel),
        };
    }
    MODE.store(mode as u8, Ordering::Release);
}

/// `rte_trace_mode_get`.
pub fn mode() -> Mode {
    if MODE.load(Ordering::Acquire) == Mode::Discard as u8 {
        Mode::Discard
    } else {
        Mode::Overwrite
    }
}

/// Number of registered points.
pub fn count() -> u32 {
    COUNT.load(Ordering::Acquire)
}

/// What the metadata writer and `rte_trace_dump` need to know of a point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointInfo {
    pub id: u16,
    pub name: String,
    /// Event size in bytes, header included.
    pub size: u16,
    pub enabled: bool,
    /// CTF field declarations ("        <type> <name>;\n" each).
    pub ctf_fields: String,
}

/// Every registered point, in registration order.
pub fn points() -> Vec<PointInfo> {
    read()
        .points
        .iter()
        .map(|p| {
            let w = p.handle.load(Ordering::Acquire);
            PointInfo {
                id: ((w & FIELD_ID_MASK) >> FIELD_ID_SHIFT) as u16,
                name: p.name.to_string_lossy().into_owned(),
                size: (w & FIELD_SIZE_MASK) as u16,
                enabled: w & ENABLE != 0,
                ctf_fields: p.ctf_fields.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
