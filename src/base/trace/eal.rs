//! The EAL's own 32 trace points (DPDK 22.11's `rte_eal_trace.h`): their exported words
//! (`__rte_eal_trace_<name>`), their fields, and a Rust emitter per point for rtemem's code.
//!
//! The words are registered first, with ids 0-31 in DPDK's order, when the registry is created.
//! The generic points (`lib.eal.generic.*`) are emitted by applications through DPDK's inline
//! code (`rte_eal_trace_generic_u64(...)`); the others by rtemem: malloc, memzone, launch and
//! lcore readiness here, interrupts and alarms by the interrupt layer. Each emitter writes
//! exactly the payload its point declares, so the CTF metadata describes both.
//!
//! Cost when the point is off: each emitter is inlined to one load of the word and a branch;
//! the writing is out of line.
//!
//! The words are `#[no_mangle]` statics here rather than in `ffi`: C code reads them directly
//! (they are part of the ABI, like the thread-locals of `csrc/`), and the emitters below, which
//! every layer calls, must reach them.
#![allow(non_upper_case_globals)]

use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};

use super::mem::{begin, TraceStr, Writer};
use super::{ENABLE, EVENT_HEADER_SZ};

/// One of the EAL's points: its word, name and fields (C type, field name as written in
/// `rte_eal_trace.h`, size).
pub(crate) struct EalPoint {
    pub handle: &'static AtomicU64,
    pub name: &'static str,
    pub fields: &'static [(&'static str, &'static str, u16)],
}

impl EalPoint {
    /// The event size (header included) and the CTF field declarations.
    pub(crate) fn layout(&self) -> (u16, String) {
        let size = self.fields.iter().map(|f| f.2).sum::<u16>() + EVENT_HEADER_SZ as u16;
        let ctf = self
            .fields
            .iter()
            .map(|(t, n, _)| super::ctf_field_line(t, n))
            .collect();
        (size, ctf)
    }
}

macro_rules! eal_points {
    ($($sym:ident $name:literal [$(($t:literal, $f:literal, $sz:literal)),*]),* $(,)?) => {
        $(
            #[doc = concat!("The word of trace point `", $name, "` (`", stringify!($sym), "`).")]
            #[no_mangle]
            pub static $sym: AtomicU64 = AtomicU64::new(0);
        )*
        /// The EAL's points in registration order (their ids).
        pub(crate) static POINTS: [EalPoint; 32] = [
            $(EalPoint { handle: &$sym, name: $name, fields: &[$(($t, $f, $sz)),*] }),*
        ];
    };
}

eal_points! {
    __rte_eal_trace_generic_void "lib.eal.generic.void" [],
    __rte_eal_trace_generic_u64 "lib.eal.generic.u64" [("uint64_t", "in", 8)],
    __rte_eal_trace_generic_u32 "lib.eal.generic.u32" [("uint32_t", "in", 4)],
    __rte_eal_trace_generic_u16 "lib.eal.generic.u16" [("uint16_t", "in", 2)],
    __rte_eal_trace_generic_u8 "lib.eal.generic.u8" [("uint8_t", "in", 1)],
    __rte_eal_trace_generic_i64 "lib.eal.generic.i64" [("int64_t", "in", 8)],
    __rte_eal_trace_generic_i32 "lib.eal.generic.i32" [("int32_t", "in", 4)],
    __rte_eal_trace_generic_i16 "lib.eal.generic.i16" [("int16_t", "in", 2)],
    __rte_eal_trace_generic_i8 "lib.eal.generic.i8" [("int8_t", "in", 1)],
    __rte_eal_trace_generic_int "lib.eal.generic.int" [("int32_t", "in", 4)],
    __rte_eal_trace_generic_long "lib.eal.generic.long" [("long", "in", 8)],
    __rte_eal_trace_generic_float "lib.eal.generic.float" [("float", "in", 4)],
    __rte_eal_trace_generic_double "lib.eal.generic.double" [("double", "in", 8)],
    __rte_eal_trace_generic_ptr "lib.eal.generic.ptr" [("uintptr_t", "ptr", 8)],
    __rte_eal_trace_generic_str "lib.eal.generic.string" [("string_bounded_t", "str[32]", 32)],
    __rte_eal_trace_generic_size_t "lib.eal.generic.size_t" [("size_t", "sz", 8)],
    __rte_eal_trace_generic_func "lib.eal.generic.func" [("string_bounded_t", "func[32]", 32)],
    __rte_eal_trace_alarm_set "lib.eal.alarm.set" [
        ("uint64_t", "us", 8), ("uintptr_t", "cb_fn", 8), ("uintptr_t", "cb_arg", 8),
        ("int32_t", "rc", 4)
    ],
    __rte_eal_trace_alarm_cancel "lib.eal.alarm.cancel" [
        ("uintptr_t", "cb_fn", 8), ("uintptr_t", "cb_arg", 8), ("int32_t", "count", 4)
    ],
    __rte_eal_trace_mem_zmalloc "lib.eal.mem.zmalloc" [
        ("string_bounded_t", "type[32]", 32), ("size_t", "size", 8), ("uint32_t", "align", 4),
        ("int32_t", "socket", 4), ("uintptr_t", "ptr", 8)
    ],
    __rte_eal_trace_mem_malloc "lib.eal.mem.malloc" [
        ("string_bounded_t", "type[32]", 32), ("size_t", "size", 8), ("uint32_t", "align", 4),
        ("int32_t", "socket", 4), ("uintptr_t", "ptr", 8)
    ],
    __rte_eal_trace_mem_realloc "lib.eal.mem.realloc" [
        ("size_t", "size", 8), ("uint32_t", "align", 4), ("int32_t", "socket", 4),
        ("uintptr_t", "ptr", 8)
    ],
    __rte_eal_trace_mem_free "lib.eal.mem.free" [("uintptr_t", "ptr", 8)],
    __rte_eal_trace_memzone_reserve "lib.eal.memzone.reserve" [
        ("string_bounded_t", "name[32]", 32), ("size_t", "len", 8), ("int32_t", "socket_id", 4),
        ("uint32_t", "flags", 4), ("uint32_t", "align", 4), ("uint32_t", "bound", 4),
        ("uintptr_t", "mz", 8)
    ],
    __rte_eal_trace_memzone_lookup "lib.eal.memzone.lookup" [
        ("string_bounded_t", "name[32]", 32), ("uintptr_t", "memzone", 8)
    ],
    __rte_eal_trace_memzone_free "lib.eal.memzone.free" [
        ("string_bounded_t", "name[32]", 32), ("uintptr_t", "addr", 8), ("int32_t", "rc", 4)
    ],
    __rte_eal_trace_thread_remote_launch "lib.eal.thread.remote.launch" [
        ("uintptr_t", "f", 8), ("uintptr_t", "arg", 8), ("uint32_t", "worker_id", 4),
        ("int32_t", "rc", 4)
    ],
    __rte_eal_trace_thread_lcore_ready "lib.eal.thread.lcore.ready" [
        ("uint32_t", "lcore_id", 4), ("string_bounded_t", "cpuset[32]", 32)
    ],
    __rte_eal_trace_intr_callback_register "lib.eal.intr.register" [
        ("int32_t", "rc", 4), ("int32_t", "handle->dev_fd", 4), ("int32_t", "handle->fd", 4),
        ("int32_t", "handle->type", 4), ("uint32_t", "handle->max_intr", 4),
        ("uint32_t", "handle->nb_efd", 4), ("uintptr_t", "cb", 8), ("uintptr_t", "cb_arg", 8)
    ],
    __rte_eal_trace_intr_callback_unregister "lib.eal.intr.unregister" [
        ("int32_t", "rc", 4), ("int32_t", "handle->dev_fd", 4), ("int32_t", "handle->fd", 4),
        ("int32_t", "handle->type", 4), ("uint32_t", "handle->max_intr", 4),
        ("uint32_t", "handle->nb_efd", 4), ("uintptr_t", "cb", 8), ("uintptr_t", "cb_arg", 8)
    ],
    __rte_eal_trace_intr_enable "lib.eal.intr.enable" [
        ("int32_t", "rc", 4), ("int32_t", "handle->dev_fd", 4), ("int32_t", "handle->fd", 4),
        ("int32_t", "handle->type", 4), ("uint32_t", "handle->max_intr", 4),
        ("uint32_t", "handle->nb_efd", 4)
    ],
    __rte_eal_trace_intr_disable "lib.eal.intr.disable" [
        ("int32_t", "rc", 4), ("int32_t", "handle->dev_fd", 4), ("int32_t", "handle->fd", 4),
        ("int32_t", "handle->type", 4), ("uint32_t", "handle->max_intr", 4),
        ("uint32_t", "handle->nb_efd", 4)
    ],
}

/// The word of `point` when it is enabled.
#[inline(always)]
fn on(point: &AtomicU64) -> Option<u64> {
    let w = point.load(Ordering::Acquire);
    (w & ENABLE != 0).then_some(w)
}

/// True when `point` is enabled: for callers whose arguments cost something to compute.
#[inline(always)]
pub fn enabled(point: &AtomicU64) -> bool {
    on(point).is_some()
}

/// Writes one event of (enabled) word `w`: `f` writes the fields.
#[cold]
#[inline(never)]
fn emit(w: u64, f: impl FnOnce(&mut Writer)) {
    if let Some(mut wr) = begin(w) {
        f(&mut wr);
    }
}

/// Defines a Rust emitter: `fn name(args) => point { field writes }`.
macro_rules! emitters {
    ($($(#[$m:meta])* fn $fname:ident($($arg:ident: $ty:ty),*) => $point:ident |$w:ident| $body:block)*) => {
        $(
            $(#[$m])*
            #[inline(always)]
            pub fn $fname($($arg: $ty),*) {
                if let Some(word) = on(&$point) {
                    emit(word, |$w: &mut Writer| $body);
                }
            }
        )*
    };
}

/// An interrupt handle's fields as the intr points record them (the handle itself belongs to
/// the interrupt layer, above this one).
#[derive(Debug, Clone, Copy, Default)]
pub struct IntrFields {
    pub dev_fd: i32,
    pub fd: i32,
    /// `enum rte_intr_handle_type`.
    pub handle_type: i32,
    pub max_intr: u32,
    pub nb_efd: u32,
}

fn intr_fields(w: &mut Writer, rc: i32, h: &IntrFields) {
    w.i32(rc);
    w.i32(h.dev_fd);
    w.i32(h.fd);
    w.i32(h.handle_type);
    w.u32(h.max_intr);
    w.u32(h.nb_efd);
}

emitters! {
    /// `lib.eal.generic.void`.
    fn generic_void() => __rte_eal_trace_generic_void |_w| {}
    /// `lib.eal.generic.u64`.
    fn generic_u64(v: u64) => __rte_eal_trace_generic_u64 |w| { w.u64(v) }
    /// `lib.eal.generic.u32`.
    fn generic_u32(v: u32) => __rte_eal_trace_generic_u32 |w| { w.u32(v) }
    /// `lib.eal.generic.u16`.
    fn generic_u16(v: u16) => __rte_eal_trace_generic_u16 |w| { w.u16(v) }
    /// `lib.eal.generic.u8`.
    fn generic_u8(v: u8) => __rte_eal_trace_generic_u8 |w| { w.u8(v) }
    /// `lib.eal.generic.i64`.
    fn generic_i64(v: i64) => __rte_eal_trace_generic_i64 |w| { w.i64(v) }
    /// `lib.eal.generic.i32`.
    fn generic_i32(v: i32) => __rte_eal_trace_generic_i32 |w| { w.i32(v) }
    /// `lib.eal.generic.i16`.
    fn generic_i16(v: i16) => __rte_eal_trace_generic_i16 |w| { w.i16(v) }
    /// `lib.eal.generic.i8`.
    fn generic_i8(v: i8) => __rte_eal_trace_generic_i8 |w| { w.i8(v) }
    /// `lib.eal.generic.int`.
    fn generic_int(v: i32) => __rte_eal_trace_generic_int |w| { w.i32(v) }
    /// `lib.eal.generic.long`.
    fn generic_long(v: i64) => __rte_eal_trace_generic_long |w| { w.i64(v) }
    /// `lib.eal.generic.float`.
    fn generic_float(v: f32) => __rte_eal_trace_generic_float |w| { w.f32(v) }
    /// `lib.eal.generic.double`.
    fn generic_double(v: f64) => __rte_eal_trace_generic_double |w| { w.f64(v) }
    /// `lib.eal.generic.ptr`.
    fn generic_ptr(p: *const c_void) => __rte_eal_trace_generic_ptr |w| { w.u64(p as u64) }
    /// `lib.eal.generic.string`.
    fn generic_str(s: TraceStr<'_>) => __rte_eal_trace_generic_str |w| { let _ = w.str(s); }
    /// `lib.eal.generic.size_t`.
    fn generic_size_t(v: usize) => __rte_eal_trace_generic_size_t |w| { w.u64(v as u64) }
    /// `lib.eal.generic.func`.
    fn generic_func(s: TraceStr<'_>) => __rte_eal_trace_generic_func |w| { let _ = w.str(s); }

    /// `lib.eal.alarm.set`: `rte_eal_alarm_set(us, cb_fn, cb_arg)` returned `rc`.
    fn alarm_set(us: u64, cb_fn: usize, cb_arg: usize, rc: i32) => __rte_eal_trace_alarm_set |w| {
        w.u64(us);
        w.u64(cb_fn as u64);
        w.u64(cb_arg as u64);
        w.i32(rc);
    }
    /// `lib.eal.alarm.cancel`: `rte_eal_alarm_cancel(cb_fn, cb_arg)` returned `count`.
    fn alarm_cancel(cb_fn: usize, cb_arg: usize, count: i32) => __rte_eal_trace_alarm_cancel |w| {
        w.u64(cb_fn as u64);
        w.u64(cb_arg as u64);
        w.i32(count);
    }

    /// `lib.eal.mem.zmalloc`: `rte_zmalloc_socket(type, size, align, socket)` returned `ptr`.
    fn mem_zmalloc(ty: TraceStr<'_>, size: usize, align: u32, socket: i32, ptr: *const c_void)
        => __rte_eal_trace_mem_zmalloc |w| {
        if w.str(ty) {
            w.u64(size as u64);
            w.u32(align);
            w.i32(socket);
            w.u64(ptr as u64);
        }
    }
    /// `lib.eal.mem.malloc`: `rte_malloc_socket` returned `ptr`; `socket` is the one it used
    /// (SOCKET_ID_ANY without hugepages, unless an external heap was asked for).
    fn mem_malloc(ty: TraceStr<'_>, size: usize, align: u32, socket: i32, ptr: *const c_void)
        => __rte_eal_trace_mem_malloc |w| {
        if w.str(ty) {
            w.u64(size as u64);
            w.u32(align);
            w.i32(socket);
            w.u64(ptr as u64);
        }
    }
    /// `lib.eal.mem.realloc`: `rte_realloc_socket` gave `ptr` (size and alignment rounded up
    /// to the cache line).
    fn mem_realloc(size: usize, align: u32, socket: i32, ptr: *const c_void)
        => __rte_eal_trace_mem_realloc |w| {
        w.u64(size as u64);
        w.u32(align);
        w.i32(socket);
        w.u64(ptr as u64);
    }
    /// `lib.eal.mem.free`: `rte_free(ptr)`, before freeing.
    fn mem_free(ptr: *const c_void) => __rte_eal_trace_mem_free |w| { w.u64(ptr as u64) }

    /// `lib.eal.memzone.reserve`: a reservation returned `mz` (NULL on failure).
    fn memzone_reserve(name: TraceStr<'_>, len: usize, socket_id: i32, flags: u32, align: u32,
        bound: u32, mz: *const c_void) => __rte_eal_trace_memzone_reserve |w| {
        if w.str(name) {
            w.u64(len as u64);
            w.i32(socket_id);
            w.u32(flags);
            w.u32(align);
            w.u32(bound);
            w.u64(mz as u64);
        }
    }
    /// `lib.eal.memzone.lookup`: `rte_memzone_lookup(name)` returned `memzone`.
    fn memzone_lookup(name: TraceStr<'_>, memzone: *const c_void)
        => __rte_eal_trace_memzone_lookup |w| {
        if w.str(name) {
            w.u64(memzone as u64);
        }
    }
    /// `lib.eal.memzone.free`: the zone `name` at `addr` was freed with result `rc`.
    fn memzone_free(name: TraceStr<'_>, addr: *const c_void, rc: i32)
        => __rte_eal_trace_memzone_free |w| {
        if w.str(name) {
            w.u64(addr as u64);
            w.i32(rc);
        }
    }

    /// `lib.eal.thread.remote.launch`: `rte_eal_remote_launch(f, arg, worker_id)` returned
    /// `rc`.
    fn thread_remote_launch(f: usize, arg: usize, worker_id: u32, rc: i32)
        => __rte_eal_trace_thread_remote_launch |w| {
        w.u64(f as u64);
        w.u64(arg as u64);
        w.u32(worker_id);
        w.i32(rc);
    }
    /// `lib.eal.thread.lcore.ready`: worker `lcore_id` is up, on the CPUs listed in `cpuset`.
    fn thread_lcore_ready(lcore_id: u32, cpuset: TraceStr<'_>)
        => __rte_eal_trace_thread_lcore_ready |w| {
        w.u32(lcore_id);
        let _ = w.str(cpuset);
    }

    /// `lib.eal.intr.register`: `rte_intr_callback_register` on a handle returned `rc`.
    fn intr_callback_register(h: &IntrFields, cb: usize, cb_arg: usize, rc: i32)
        => __rte_eal_trace_intr_callback_register |w| {
        intr_fields(w, rc, h);
        w.u64(cb as u64);
        w.u64(cb_arg as u64);
    }
    /// `lib.eal.intr.unregister`: `rte_intr_callback_unregister` returned `rc`.
    fn intr_callback_unregister(h: &IntrFields, cb: usize, cb_arg: usize, rc: i32)
        => __rte_eal_trace_intr_callback_unregister |w| {
        intr_fields(w, rc, h);
        w.u64(cb as u64);
        w.u64(cb_arg as u64);
    }
    /// `lib.eal.intr.enable`: `rte_intr_enable` returned `rc`.
    fn intr_enable(h: &IntrFields, rc: i32) => __rte_eal_trace_intr_enable |w| {
        intr_fields(w, rc, h);
    }
    /// `lib.eal.intr.disable`: `rte_intr_disable` returned `rc`.
    fn intr_disable(h: &IntrFields, rc: i32) => __rte_eal_trace_intr_disable |w| {
        intr_fields(w, rc, h);
    }
}
