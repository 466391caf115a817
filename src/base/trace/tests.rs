//! Registry, buffer and emitter tests. Each test thread has its own trace buffer; points are
//! registered under names unique to each test, since the registry is process-wide.

use std::ffi::CStr;
use std::sync::atomic::{AtomicU64, Ordering};

use super::mem::{begin, current, TraceHeader, TraceStr};
use super::*;

/// A register function in the style of DPDK's register mode: header, then its fields.
macro_rules! reg_fn {
    ($name:ident, [$(($sz:expr, $f:literal, $t:literal)),*]) => {
        unsafe extern "C" fn $name() {
            set_point_sz(EVENT_HEADER_SZ as i32);
            $(emit_field($sz, Some($f), Some($t));)*
        }
    };
}

reg_fn!(
    reg_two,
    [(8, c"in", c"uint64_t"), (4, c"align", c"uint32_t")]
);
reg_fn!(
    reg_fixups,
    [
        (4, c"handle->fd", c"int32_t"),
        (8, c"a.b", c"uintptr_t"),
        (32, c"name[32]", c"string_bounded_t"),
        (4, c"event", c"int32_t")
    ]
);
reg_fn!(reg_u64, [(8, c"v", c"uint64_t")]);
reg_fn!(
    reg_str,
    [(32, c"s[32]", c"string_bounded_t"), (8, c"v", c"uint64_t")]
);
reg_fn!(reg_huge, [(65530, c"blob", c"uint8_t")]);

/// Registers a fresh point (leaked word) named `name`.
fn new_point(name: &CStr, f: unsafe extern "C" fn()) -> &'static AtomicU64 {
    let h: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
    // SAFETY: f is one of the register functions above.
    unsafe { register(Some(h), Some(name), Some(f)) }.unwrap();
    h
}

fn id_of(h: &AtomicU64) -> u64 {
    (h.load(Ordering::Acquire) & FIELD_ID_MASK) >> FIELD_ID_SHIFT
}

fn info(name: &str) -> PointInfo {
    points().into_iter().find(|p| p.name == name).unwrap()
}

#[test]
fn eal_points_come_first_with_dpdk_ids_sizes_and_fields() {
    let all = points();
    let names: Vec<&str> = all.iter().take(32).map(|p| p.name.as_str()).collect();
    assert_eq!(names[0], "lib.eal.generic.void");
    assert_eq!(names[14], "lib.eal.generic.string");
    assert_eq!(names[17], "lib.eal.alarm.set");
    assert_eq!(names[19], "lib.eal.mem.zmalloc");
    assert_eq!(names[27], "lib.eal.thread.lcore.ready");
    assert_eq!(names[31], "lib.eal.intr.disable");
    for (i, p) in all.iter().take(32).enumerate() {
        assert_eq!(usize::from(p.id), i, "{}", p.name);
    }
    assert_eq!(info("lib.eal.generic.void").size, 8);
    assert_eq!(info("lib.eal.generic.void").ctf_fields, "");
    assert_eq!(info("lib.eal.mem.malloc").size, 8 + 32 + 8 + 4 + 4 + 8);
    assert_eq!(
        info("lib.eal.mem.zmalloc").ctf_fields,
        "        string_bounded_t type[32];\n        size_t size;\n        uint32_t _align;\n        int32_t socket;\n        uintptr_t ptr;\n"
    );
    let intr = info("lib.eal.intr.register");
    assert_eq!(intr.size, 8 + 6 * 4 + 16);
    assert!(intr.ctf_fields.starts_with(
        "        int32_t rc;\n        int32_t handle_dev_fd;\n        int32_t handle_fd;\n"
    ));
    let total: u32 = all.iter().take(32).map(|p| u32::from(p.size)).sum();
    assert_eq!(total, 918, "sum of the EAL's event sizes");
    assert_eq!(
        lookup(c"lib.eal.mem.free").map(|h| h as *const AtomicU64),
        Some(&eal::__rte_eal_trace_mem_free as *const AtomicU64)
    );
}

#[test]
fn registration_runs_the_body_and_numbers_points_in_order() {
    let a = new_point(c"test.reg.a", reg_two);
    let b = new_point(c"test.reg.b", reg_fixups);
    assert_eq!(id_of(b), id_of(a) + 1);
    assert_eq!(a.load(Ordering::Acquire) & FIELD_SIZE_MASK, 8 + 8 + 4);
    assert_eq!(
        b.load(Ordering::Acquire) & FIELD_SIZE_MASK,
        8 + 4 + 8 + 32 + 4
    );
    assert_eq!(a.load(Ordering::Acquire) & ENABLE, 0, "registered disabled");
    assert_eq!(
        info("test.reg.a").ctf_fields,
        "        uint64_t in;\n        uint32_t _align;\n"
    );
    assert_eq!(
        info("test.reg.b").ctf_fields,
        "        int32_t handle_fd;\n        uintptr_t a_b;\n        string_bounded_t name[32];\n        int32_t _event;\n"
    );
    assert!(count() as u64 > id_of(b));
}

unsafe extern "C" fn reg_nothing() {}
unsafe extern "C" fn reg_null_field() {
    set_point_sz(8);
    emit_field(4, None, Some(c"int"));
}

#[test]
fn bad_registrations_fail_and_are_remembered_for_init() {
    let h: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
    let reg = |name: &CStr, f| {
        // SAFETY: the register functions above.
        unsafe { register(Some(h), Some(name), Some(f)) }
            .unwrap_err()
            .errno
    };
    assert_eq!(reg(c"test.bad.nohdr", reg_nothing), libc::EBADF);
    assert_eq!(reg(c"test.bad.huge", reg_huge), libc::ENOSPC);
    assert_eq!(reg(c"test.bad.null", reg_null_field), libc::EINVAL);
    // SAFETY: NULL arguments are refused before anything runs.
    let e = unsafe { register(None, Some(c"x"), Some(reg_u64)) }.unwrap_err();
    assert_eq!(e.errno, libc::EINVAL);
    // SAFETY: as above.
    let e = unsafe { register(Some(h), Some(c"x"), None) }.unwrap_err();
    assert_eq!(e.errno, libc::EINVAL);
    assert_eq!(h.load(Ordering::Acquire), 0);
    assert!(lookup(c"test.bad.nohdr").is_none());
    assert_ne!(register_errno(), 0, "the first failure fails trace init");
}

#[test]
fn a_duplicate_name_is_accepted_then_reported() {
    let first = new_point(c"test.dup.x", reg_u64);
    let second = new_point(c"test.dup.x", reg_u64);
    assert_ne!(id_of(first), id_of(second));
    assert_eq!(
        lookup(c"test.dup.x").map(|h| h as *const AtomicU64),
        Some(first as *const AtomicU64),
        "lookup finds the first"
    );
    assert!(duplicate_name().is_some());
}

#[test]
fn enable_disable_pattern_and_regexp() {
    let a = new_point(c"test.en.alpha", reg_u64);
    let b = new_point(c"test.en.beta", reg_u64);
    let pa = a.as_ptr() as *const u64;
    set_point(pa, true).unwrap();
    assert!(point_is_enabled(pa) && is_enabled());
    set_point(pa, true).unwrap();
    set_point(pa, false).unwrap();
    assert!(!point_is_enabled(pa));
    let fake = 0u64;
    assert_eq!(set_point(&fake, true).unwrap_err().errno, libc::ERANGE);
    assert!(set_by_pattern(c"test.en.*", true));
    assert!(point_is_enabled(pa) && point_is_enabled(b.as_ptr()));
    assert!(!set_by_pattern(c"test.en.gamma*", true));
    assert!(set_by_regexp(c"^test\\.en\\.b", false).unwrap());
    assert!(point_is_enabled(pa) && !point_is_enabled(b.as_ptr()));
    assert!(
        set_by_regexp(c"en.al", false).unwrap(),
        "a regexp is searched, not anchored"
    );
    assert!(!point_is_enabled(pa));
    assert_eq!(set_by_regexp(c"[", true).unwrap_err().errno, libc::EINVAL);
    assert_eq!(set_by_regexp(c"\\(", true).unwrap_err().errno, libc::EINVAL);
    assert!(!set_by_regexp(c"^nothing-here$", true).unwrap());
}

/// This thread's buffer, made if need be (tracing must be on).
fn my_buffer() -> *mut TraceHeader {
    mem::alloc_current();
    let h = current();
    assert!(!h.is_null());
    h
}

/// The event bytes of this thread's buffer.
fn events() -> Vec<u8> {
    let h = current();
    // SAFETY: this thread's live buffer; its events start right after the 64-byte header.
    unsafe {
        let n = (*h).offset as usize;
        std::slice::from_raw_parts(h.cast::<u8>().add(64), n).to_vec()
    }
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_ne_bytes(b[at..at + 8].try_into().unwrap())
}

#[test]
fn eal_emitters_write_dpdk_payloads() {
    let keep = new_point(c"test.emit.keepalive", reg_u64);
    set_point(keep.as_ptr(), true).unwrap();
    let h = my_buffer();
    // SAFETY: this thread's buffer.
    let start = unsafe { (*h).offset } as usize;
    let w = &eal::__rte_eal_trace_mem_malloc;
    eal::mem_malloc(TraceStr::from_bytes(b"t"), 64, 0, -1, 0x1000 as *const _);
    // SAFETY: as above.
    let now = unsafe { (*h).offset } as usize;
    assert_eq!(now, start, "disabled: nothing written");
    set_point(w.as_ptr(), true).unwrap();
    let t0 = crate::sys::rdtsc() & ((1 << 48) - 1);
    eal::mem_malloc(
        TraceStr::from_bytes(b"a-type-name-longer-than-thirty-one-bytes"),
        100,
        64,
        -1,
        0xdead_beef as *const _,
    );
    set_point(w.as_ptr(), false).unwrap();
    set_point(keep.as_ptr(), false).unwrap();
    let ev = &events()[start.next_multiple_of(8)..];
    assert_eq!(ev.len(), 64);
    let hdr = u64_at(ev, 0);
    assert_eq!(hdr >> 48, 20, "id of lib.eal.mem.malloc");
    assert!(hdr & ((1 << 48) - 1) >= t0, "the timestamp is the TSC");
    assert_eq!(&ev[8..39], b"a-type-name-longer-than-thirty-");
    assert_eq!(ev[39], 0, "31 bytes and a NUL");
    assert_eq!(u64_at(ev, 40), 100);
    assert_eq!(u32::from_ne_bytes(ev[48..52].try_into().unwrap()), 64);
    assert_eq!(i32::from_ne_bytes(ev[52..56].try_into().unwrap()), -1);
    assert_eq!(u64_at(ev, 56), 0xdead_beef);
}

#[test]
fn a_null_string_ends_the_event_after_its_header() {
    let p = new_point(c"test.emit.str", reg_str);
    set_point(p.as_ptr(), true).unwrap();
    let h = my_buffer();
    // SAFETY: this thread's buffer; poison the next bytes to see what is left alone.
    let start = unsafe {
        let at = ((*h).offset as usize).next_multiple_of(8);
        h.cast::<u8>().add(64 + at).write_bytes(0xaa, 48);
        at
    };
    let mut w = begin(p.load(Ordering::Acquire)).unwrap();
    assert!(!w.str(TraceStr::NULL));
    set_point(p.as_ptr(), false).unwrap();
    let ev = &events()[start..];
    assert_eq!(ev.len(), 48, "the whole event is reserved");
    assert!(
        ev[8..].iter().all(|&b| b == 0xaa),
        "the fields are not written"
    );
}

/// Fills this thread's buffer (shrunk to `len`) with events of `word`; returns the offsets at
/// which each event landed (None: dropped).
fn fill(len: u32, word: u64, n: usize) -> Vec<Option<usize>> {
    let h = my_buffer();
    // SAFETY: this thread's buffer; only it writes the header.
    unsafe {
        (*h).len = len;
        (*h).offset = 0;
    }
    (0..n)
        .map(|_| {
            begin(word).map(|mut w| {
                w.u64(7);
                // SAFETY: as above.
                unsafe { (*h).offset as usize - 16 }
            })
        })
        .collect()
}

#[test]
fn a_full_buffer_wraps_in_overwrite_mode() {
    let p = new_point(c"test.ring.overwrite", reg_u64);
    set_point(p.as_ptr(), true).unwrap();
    let word = p.load(Ordering::Acquire) & !DISCARD;
    // 16-byte events in a 64-byte buffer: offsets 0, 16, 32; 48 + 16 >= 64 wraps to 0.
    let at = fill(64, word, 6);
    set_point(p.as_ptr(), false).unwrap();
    assert_eq!(
        at,
        [Some(0), Some(16), Some(32), Some(0), Some(16), Some(32)]
    );
    // SAFETY: this thread's buffer.
    assert_eq!(unsafe { (*current()).offset }, 48);
}

#[test]
fn a_full_buffer_drops_events_in_discard_mode() {
    let p = new_point(c"test.ring.discard", reg_u64);
    set_point(p.as_ptr(), true).unwrap();
    let word = p.load(Ordering::Acquire) | DISCARD;
    let at = fill(64, word, 5);
    set_point(p.as_ptr(), false).unwrap();
    assert_eq!(at, [Some(0), Some(16), Some(32), None, None]);
    // SAFETY: this thread's buffer.
    assert_eq!(unsafe { (*current()).offset }, 48, "nothing moved");
}

#[test]
fn an_event_larger_than_a_tiny_buffer_stays_inside_the_mapping() {
    let p = new_point(c"test.ring.tiny", reg_str);
    set_point(p.as_ptr(), true).unwrap();
    let word = p.load(Ordering::Acquire) & !DISCARD;
    let h = my_buffer();
    // SAFETY: this thread's buffer.
    unsafe {
        (*h).len = 8;
        (*h).offset = 0;
    }
    for _ in 0..3 {
        let mut w = begin(word).unwrap();
        assert!(w.str(TraceStr::from_bytes(b"x")));
        w.u64(1);
    }
    set_point(p.as_ptr(), false).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { (*h).offset }, 48);
}

#[test]
fn each_thread_gets_its_own_buffer_with_the_packet_header() {
    let p = new_point(c"test.buf.thread", reg_u64);
    set_point(p.as_ptr(), true).unwrap();
    let before = mem::count();
    let (addr, stream) = std::thread::Builder::new()
        .name("trace-test-thr".into())
        .spawn(|| {
            mem::alloc_current();
            let h = current();
            // SAFETY: this thread's buffer.
            let s = unsafe { std::ptr::addr_of!((*h).stream).read() };
            (h as usize, s)
        })
        .unwrap()
        .join()
        .unwrap();
    set_point(p.as_ptr(), false).unwrap();
    assert_ne!(addr, 0);
    assert_ne!(addr, current() as usize);
    assert!(mem::count() > before, "kept after its thread exits");
    assert_eq!({ stream.magic }, 0xC1FC_1FC1);
    assert_eq!({ stream.lcore_id }, u32::MAX, "not an lcore: LCORE_ID_ANY");
    assert_eq!(&stream.thread_name[..15], b"trace-test-thr\0");
    assert!(mem::infos()
        .iter()
        .any(|b| b.addr == addr && b.thread_name == "trace-test-thr"));
}

#[test]
fn no_buffer_while_tracing_is_off_for_a_thread_that_never_emits() {
    // Another test may have enabled a point meanwhile; only the "off" case is checked, on a
    // thread of our own.
    let got = std::thread::spawn(|| {
        if is_enabled() {
            return None;
        }
        mem::alloc_current();
        Some(current().is_null())
    })
    .join()
    .unwrap();
    assert_ne!(got, Some(false));
}

#[test]
fn free_current_drops_this_threads_buffer() {
    let p = new_point(c"test.buf.free", reg_u64);
    set_point(p.as_ptr(), true).unwrap();
    let gone = std::thread::spawn(|| {
        mem::alloc_current();
        let h = current() as usize;
        mem::free_current();
        (
            current().is_null(),
            mem::infos().iter().any(|b| b.addr == h),
        )
    })
    .join()
    .unwrap();
    set_point(p.as_ptr(), false).unwrap();
    assert_eq!(gone, (true, false));
}

#[test]
fn ctf_field_names_are_fixed_up_as_dpdk_does() {
    assert_eq!(ctf_field_name("align"), "_align");
    assert_eq!(ctf_field_name("event"), "_event");
    assert_eq!(ctf_field_name("aligned"), "aligned");
    assert_eq!(ctf_field_name("handle->dev_fd"), "handle_dev_fd");
    assert_eq!(ctf_field_name("a.b.c"), "a_b_c");
    assert_eq!(ctf_field_line("size_t", "sz"), "        size_t sz;\n");
}
