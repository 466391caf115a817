//! Per-thread trace buffers and event emission (DPDK's `__rte_trace_mem_per_thread_alloc` and
//! the inline `__rte_trace_mem_get` / `__rte_trace_point_emit_ev_header` of
//! `rte_trace_point.h`).
//!
//! A buffer is a [`TraceHeader`] (`struct __rte_trace_header`: write offset, length, and the
//! 56-byte CTF packet header that `rte_trace_save` writes first) followed by `len` bytes of
//! events. The exported thread-local `per_lcore_trace_mem` points at the calling thread's
//! buffer; DPDK's inline code and [`begin`] both reserve room there the same way, so events of
//! C libraries and of rtemem interleave in one stream.
//!
//! Memory: DPDK takes buffers from `rte_malloc` (without tracing), falling back to libc
//! `malloc`. rtemem maps each one privately (`mmap`), because
//! - this layer sits below the allocator, and buffers are needed before `rte_eal_init`
//!   (points enabled by a constructor), in secondaries and after the heaps are gone;
//! - a buffer is private to its thread: hugepage memory (and `-m`'s budget) is not spent on it,
//!   and a traced `rte_malloc` cannot recurse into itself;
//! - the mapping extends 64 KiB (the largest event) past `len`, so an event bigger than a tiny
//!   `--trace-bufsz` cannot write past it (DPDK's would), and its pages are faulted in only as
//!   events reach them;
//! - at trace teardown ([`reset_all`]) the pages are given back but the mapping stays (and
//!   stays listed), so a thread still holding its pointer cannot write into freed memory.
//!
//! Locking: the list of buffers (kept in allocation order, which is the order `rte_trace_save`
//! numbers them) is behind one mutex, taken to add, remove or read buffers, never to emit.
//! Only the owning thread writes a buffer; `rte_trace_save` may read one that is being written
//! (as in DPDK, the event in progress may be torn).

use std::ffi::{c_char, c_void, CStr};
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use super::{DEFAULT_BUFSZ, DISCARD, FIELD_SIZE_MASK};
use super::{EVENT_HEADER_SZ, EVENT_ID_SHIFT, FIELD_ID_MASK, FIELD_ID_SHIFT, STRING_LEN_MAX};

/// `TRACE_CTF_MAGIC`: the first word of every CTF packet (stream file).
pub(crate) const CTF_MAGIC: u32 = 0xC1FC_1FC1;
/// The largest event a point can describe (its size is 16 bits).
const MAX_EVENT: usize = 1 << 16;

/// `struct __rte_trace_stream_header` (packed, 56 bytes): the CTF packet header and context.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct StreamHeader {
    pub magic: u32,
    pub uuid: [u8; 16],
    pub lcore_id: u32,
    pub thread_name: [u8; STRING_LEN_MAX],
}

/// `struct __rte_trace_header` (64 bytes); the events (`mem[]`) follow it.
#[repr(C)]
pub struct TraceHeader {
    /// Where the next event goes (before rounding up to 8), relative to `mem`.
    pub offset: u32,
    /// Bytes available for events.
    pub len: u32,
    pub stream: StreamHeader,
}

const _: () = assert!(std::mem::size_of::<StreamHeader>() == 56);
const _: () = assert!(std::mem::size_of::<TraceHeader>() == 64);
const _: () = assert!(std::mem::align_of::<TraceHeader>() == 4);
/// Events start 8-aligned: the mapping is page-aligned and the header is 64 bytes.
const HEADER_LEN: usize = std::mem::size_of::<TraceHeader>();

extern "C" {
    fn rtemem__trace_mem_location() -> *mut *mut c_void;
}

/// This thread's `per_lcore_trace_mem` slot.
fn tls_slot() -> *mut *mut TraceHeader {
    // SAFETY: the accessor returns this thread's `__thread void *` in the C shim, valid for the
    // thread's lifetime.
    unsafe { rtemem__trace_mem_location().cast() }
}

/// This thread's buffer, NULL when it has none.
pub fn current() -> *mut TraceHeader {
    // SAFETY: tls_slot is this thread's live variable; only this thread accesses it.
    unsafe { *tls_slot() }
}

fn set_current(h: *mut TraceHeader) {
    // SAFETY: as in `current`.
    unsafe { *tls_slot() = h };
}

/// One thread's buffer.
struct Buffer {
    hdr: NonNull<TraceHeader>,
    map_len: usize,
}

// SAFETY: the buffer is a private mapping owned by the list; the pointer is only used under
// the list's mutex (or by its owning thread, through the thread-local, for emitting).
unsafe impl Send for Buffer {}

struct Buffers {
    list: Vec<Buffer>,
    uuid: [u8; 16],
}

static BUFFERS: Mutex<Buffers> = Mutex::new(Buffers {
    list: Vec::new(),
    uuid: [0; 16],
});
/// `--trace-bufsz` (DPDK's `buff_len`); 0 until trace init sets it. Buffers made before that
/// get [`DEFAULT_BUFSZ`].
static BUFF_LEN: AtomicU32 = AtomicU32::new(0);

fn buffers() -> std::sync::MutexGuard<'static, Buffers> {
    BUFFERS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sets the length of buffers made from now on (trace init).
pub fn set_buff_len(len: u32) {
    BUFF_LEN.store(len, Ordering::Release);
}

/// The configured buffer length (0 before trace init, as DPDK reports it).
pub fn buff_len() -> u32 {
    BUFF_LEN.load(Ordering::Acquire)
}

/// Sets the trace UUID written into the packet header of every buffer, existing or new.
pub fn set_uuid(uuid: [u8; 16]) {
    let mut b = buffers();
    b.uuid = uuid;
    for buf in &b.list {
        // SAFETY: a live buffer; its owning thread never writes the stream header.
        unsafe { std::ptr::addr_of_mut!((*buf.hdr.as_ptr()).stream.uuid).write_unaligned(uuid) };
    }
}

/// The trace UUID.
pub fn uuid() -> [u8; 16] {
    buffers().uuid
}

/// `__rte_trace_mem_per_thread_alloc`: gives the calling thread a buffer, if tracing is on
/// (some point enabled) and it has none. On failure the thread stays without one (its events
/// are dropped) and the reason is logged.
pub fn alloc_current() {
    if !super::is_enabled() || !current().is_null() {
        return;
    }
    let mut b = buffers();
    let len = match buff_len() {
        0 => DEFAULT_BUFSZ,
        n => n,
    };
    let page = crate::sys::page_size();
    let map_len = (HEADER_LEN + len as usize + MAX_EVENT).next_multiple_of(page);
    let hdr = match crate::sys::map_private(map_len) {
        Ok(p) => p.cast::<TraceHeader>(),
        Err(e) => {
            crate::eal_log!(
                crate::base::log::RTE_LOG_CRIT,
                "trace buffer of {len} bytes not allocated: {}",
                e.msg
            );
            set_current(std::ptr::null_mut());
            return;
        }
    };
    let mut name = [0u8; STRING_LEN_MAX];
    // SAFETY: name is writable for its length; the calling thread is alive. pthread_getname_np
    // NUL-terminates within the length it is given.
    unsafe {
        crate::sys::pthread_getname(
            crate::sys::pthread_self(),
            name.as_mut_ptr().cast::<c_char>(),
            name.len(),
        )
    };
    // SAFETY: a fresh, private, writable mapping at least HEADER_LEN long, page-aligned.
    unsafe {
        hdr.as_ptr().write(TraceHeader {
            offset: 0,
            len,
            stream: StreamHeader {
                magic: CTF_MAGIC,
                uuid: b.uuid,
                lcore_id: crate::base::lcore::current_lcore(),
                thread_name: name,
            },
        })
    };
    b.list.push(Buffer { hdr, map_len });
    set_current(hdr.as_ptr());
}

/// DPDK's `trace_mem_per_thread_free` (`rte_thread_unregister`): removes and unmaps the
/// calling thread's buffer.
pub fn free_current() {
    let cur = current();
    if cur.is_null() {
        return;
    }
    let mut b = buffers();
    if let Some(i) = b.list.iter().position(|x| x.hdr.as_ptr() == cur) {
        let buf = b.list.remove(i);
        set_current(std::ptr::null_mut());
        // SAFETY: the mapping was made by alloc_current and is removed from the list; its only
        // other user is this thread, whose pointer was just cleared.
        unsafe { crate::sys::unmap(buf.hdr.cast(), buf.map_len) };
    }
}

/// DPDK's `trace_mem_free` (trace teardown): empties every buffer and gives its pages back.
/// DPDK frees them; rtemem keeps the mappings, and keeps them listed, because their threads
/// still hold their pointers (DPDK's would write into freed memory): a later trace init (after
/// a failed `rte_eal_init`) then records and saves into them again.
pub fn reset_all() {
    let b = buffers();
    let page = crate::sys::page_size();
    for buf in &b.list {
        // SAFETY: a live mapping made by alloc_current; the header's offset is an aligned u32.
        unsafe { (*buf.hdr.as_ptr()).offset = 0 };
        let start = buf.hdr.as_ptr() as usize + page;
        // SAFETY: the pages after the first belong to this private mapping; their events are
        // no longer wanted.
        unsafe { crate::sys::discard_pages(start, buf.map_len - page) };
    }
}

/// Number of buffers.
pub fn count() -> usize {
    buffers().list.len()
}

/// What `rte_trace_dump` prints of a buffer.
#[derive(Debug, Clone)]
pub struct BufferInfo {
    pub addr: usize,
    pub lcore_id: u32,
    pub thread_name: String,
}

/// Every buffer, in allocation order.
pub fn infos() -> Vec<BufferInfo> {
    buffers()
        .list
        .iter()
        .map(|buf| {
            // SAFETY: a live buffer; the stream header is written only at allocation.
            let s = unsafe { std::ptr::addr_of!((*buf.hdr.as_ptr()).stream).read() };
            let name = s.thread_name;
            let n = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            BufferInfo {
                addr: buf.hdr.as_ptr() as usize,
                lcore_id: s.lcore_id,
                thread_name: String::from_utf8_lossy(&name[..n]).into_owned(),
            }
        })
        .collect()
}

/// Calls `f` with the bytes `rte_trace_save` writes for each buffer, in allocation order:
/// the 56-byte stream header followed by the first `offset` bytes of events. Stops at the
/// first error.
pub fn for_each_stream<E>(mut f: impl FnMut(usize, &[u8]) -> Result<(), E>) -> Result<(), E> {
    let b = buffers();
    for (i, buf) in b.list.iter().enumerate() {
        let h = buf.hdr.as_ptr();
        // SAFETY: a live buffer; offset is an aligned u32 its thread updates.
        let off = unsafe { std::ptr::addr_of!((*h).offset).read_volatile() } as usize;
        let len = std::mem::size_of::<StreamHeader>() + off.min(buf.map_len - HEADER_LEN);
        let mut bytes = vec![0u8; len];
        // SAFETY: the stream header starts at byte 8 and, with `off` bytes of events after the
        // 64-byte header, lies inside the mapping (off is capped above). Events may be written
        // meanwhile by their thread: a torn event is possible, as in DPDK.
        unsafe {
            std::ptr::copy_nonoverlapping(
                std::ptr::addr_of!((*h).stream).cast::<u8>(),
                bytes.as_mut_ptr(),
                len,
            )
        };
        f(i, &bytes)?;
    }
    Ok(())
}

// ---- emitting -----------------------------------------------------------------------------

/// A string field of an event. Read only when the event is written; a NULL string ends the
/// event there (DPDK's inline code returns, leaving the rest of the record as it was).
#[derive(Clone, Copy)]
pub struct TraceStr<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Ptr(*const c_char, PhantomData<&'a CStr>),
    Bytes(&'a [u8]),
}

impl<'a> TraceStr<'a> {
    /// The NULL string.
    pub const NULL: TraceStr<'static> = TraceStr(Repr::Ptr(std::ptr::null(), PhantomData));

    /// A C string passed by a caller, not read until an event is written.
    ///
    /// # Safety
    /// `p` is NULL or a NUL-terminated string valid (and unchanged) for `'a`.
    pub unsafe fn from_ptr(p: *const c_char) -> Self {
        TraceStr(Repr::Ptr(p, PhantomData))
    }

    /// Text without its NUL (a NUL inside ends it).
    pub fn from_bytes(b: &'a [u8]) -> Self {
        TraceStr(Repr::Bytes(b))
    }

    /// The bytes before the NUL; None for NULL.
    fn bytes(self) -> Option<&'a [u8]> {
        match self.0 {
            Repr::Ptr(p, _) if p.is_null() => None,
            // SAFETY: from_ptr's guarantee.
            Repr::Ptr(p, _) => Some(unsafe { CStr::from_ptr(p) }.to_bytes()),
            Repr::Bytes(b) => Some(b.split(|&c| c == 0).next().unwrap_or(b)),
        }
    }
}

/// Writes the fields of one event, in order, right after its header.
pub struct Writer {
    at: *mut u8,
}

impl Writer {
    fn put<const N: usize>(&mut self, b: [u8; N]) {
        // SAFETY: `begin` reserved the event's full size, and the event writer writes exactly
        // the fields its point declares (their sizes sum to that size minus the header).
        unsafe {
            std::ptr::copy_nonoverlapping(b.as_ptr(), self.at, N);
            self.at = self.at.add(N);
        }
    }
    pub fn u64(&mut self, v: u64) {
        self.put(v.to_ne_bytes())
    }
    pub fn i64(&mut self, v: i64) {
        self.put(v.to_ne_bytes())
    }
    pub fn u32(&mut self, v: u32) {
        self.put(v.to_ne_bytes())
    }
    pub fn i32(&mut self, v: i32) {
        self.put(v.to_ne_bytes())
    }
    pub fn u16(&mut self, v: u16) {
        self.put(v.to_ne_bytes())
    }
    pub fn i16(&mut self, v: i16) {
        self.put(v.to_ne_bytes())
    }
    pub fn u8(&mut self, v: u8) {
        self.put([v])
    }
    pub fn i8(&mut self, v: i8) {
        self.put(v.to_ne_bytes())
    }
    pub fn f32(&mut self, v: f32) {
        self.put(v.to_ne_bytes())
    }
    pub fn f64(&mut self, v: f64) {
        self.put(v.to_ne_bytes())
    }
    /// A 32-byte string field: at most 31 bytes, then NUL, zero-padded. False for NULL: the
    /// caller stops writing the event there.
    #[must_use]
    pub fn str(&mut self, s: TraceStr<'_>) -> bool {
        let Some(b) = s.bytes() else {
            return false;
        };
        let mut out = [0u8; STRING_LEN_MAX];
        let n = b.len().min(STRING_LEN_MAX - 1);
        out[..n].copy_from_slice(&b[..n]);
        self.put(out);
        true
    }
}

/// Reserves one event of the point whose (enabled) word is `word` in the calling thread's
/// buffer, allocating the buffer first if need be, and writes the event header. None when the
/// event is dropped (no buffer, or DISCARD mode and the buffer is full).
pub fn begin(word: u64) -> Option<Writer> {
    let mut hdr = current();
    if hdr.is_null() {
        alloc_current();
        hdr = current();
        if hdr.is_null() {
            return None;
        }
    }
    let size = (word & FIELD_SIZE_MASK) as usize;
    // SAFETY: this thread's buffer: a live mapping of HEADER_LEN + len + MAX_EVENT bytes at
    // least, written only by this thread.
    unsafe {
        let h = &mut *hdr;
        let mut offset = (h.offset as usize).next_multiple_of(EVENT_HEADER_SZ);
        if offset + size >= h.len as usize {
            if word & DISCARD != 0 {
                return None;
            }
            offset = 0;
        }
        h.offset = (offset + size) as u32;
        let at = hdr.cast::<u8>().add(HEADER_LEN + offset);
        let id = (word & FIELD_ID_MASK) >> FIELD_ID_SHIFT;
        let ev = (crate::sys::rdtsc() & ((1u64 << EVENT_ID_SHIFT) - 1)) | (id << EVENT_ID_SHIFT);
        at.cast::<u64>().write_unaligned(ev);
        Some(Writer {
            at: at.add(EVENT_HEADER_SZ),
        })
    }
}
