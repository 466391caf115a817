//! The `rte_malloc` family: DPDK's malloc heaps over [`crate::heap::Heap`].
//!
//! DPDK keeps one heap per NUMA socket, plus named external heaps (socket ids from
//! RTE_MAX_NUMA_NODES up) over memory the application adds. Here a socket's heap is a set of
//! *sub-heaps*, one per hugepage size, so that memzone page-size flags (`RTE_MEMZONE_1GB`, ...)
//! can be honoured: plain `rte_malloc` tries the sub-heaps smallest page size first (less waste,
//! as DPDK prefers), a page-size request goes to its own. Every sub-heap grows on demand by
//! taking pages of its size on its socket from the memseg layer ([`PageSource`]) and gives
//! whole free pages back; `-m`/`--socket-mem` memory is added pinned and never given back.
//! Each memseg list is one heap area (`heap::Area`), whose chunk map lives in [`AreaMaps`]. An
//! external heap is one sub-heap with no source.
//!
//! All heap state lives in the shared config ([`HeapEntry`] array), so every process allocates
//! from and frees into the same heaps. Entries are created by the primary at init (sockets) or
//! by `rte_malloc_heap_create` (external), under the config's heap-table lock.
//!
//! DPDK semantics kept here: size 0 or a non-power-of-two alignment gives NULL; sizes and
//! alignments are rounded up to the cache line; `SOCKET_ID_ANY` tries the caller's socket
//! first, then every other socket (never external heaps); without hugepages every request is
//! served from any socket.

use std::ffi::c_char;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, AtomicU32, Ordering};
use std::sync::Mutex;

use crate::abi::shared::ZeroedShared;
use crate::abi::{
    rte_malloc_socket_stats, RTE_BAD_IOVA, RTE_MAX_HEAPS, RTE_MAX_MEMSEG_LISTS, RTE_MAX_MEM_MB,
    SOCKET_ID_ANY,
};
use crate::base::mcfg;
use crate::base::trace::{eal, TraceStr};
use crate::err;
use crate::error::Result;
use crate::heap::{Area, FreeError, Grant, Heap, MemorySource, CHUNK_SIZE};
use crate::mem::{memalloc, memseg};
use crate::options::RTE_MAX_NUMA_NODES;

/// Sub-heaps in the shared config: a socket heap per (socket, page size) plus external heaps.
pub(crate) const MAX_SUBHEAPS: usize = 64;
/// Length of a heap name, NUL included (RTE_HEAP_NAME_MAX_LEN).
pub(crate) const HEAP_NAME_LEN: usize = 32;
/// Cache line: the minimum alignment and size granule of every allocation.
pub(crate) const CACHE_LINE: usize = 64;

/// One sub-heap in the shared config.
#[repr(C)]
pub struct HeapEntry {
    /// 0 unused, 1 in use.
    pub in_use: AtomicU32,
    /// 1 for an external heap.
    pub external: u32,
    /// Socket id (internal) or the external heap's id (>= RTE_MAX_NUMA_NODES).
    pub socket_id: i32,
    _pad: u32,
    /// Page size of the sub-heap's memory (0: any, for external heaps).
    pub page_sz: u64,
    /// Heap name ("socket_0" or the external heap's name).
    pub name: [c_char; HEAP_NAME_LEN],
    pub heap: Heap,
}

/// The heap table in the shared config.
#[repr(C)]
pub struct HeapTable {
    pub entries: [std::cell::UnsafeCell<HeapEntry>; MAX_SUBHEAPS],
    /// Next external heap id.
    pub next_external: AtomicU32,
    /// Bumped whenever a heap is created or destroyed (invalidates process-local caches).
    pub generation: AtomicU32,
    /// The chunk maps of the socket heaps' areas.
    pub area_maps: AreaMaps,
}

/// Bytes of [`AreaMaps`]: a map byte per chunk of RTE_MAX_MEM_MB (the most the memseg lists
/// can hold in all), plus rounding for every list.
const AREA_MAPS_LEN: usize = (RTE_MAX_MEM_MB << 20) / CHUNK_SIZE + RTE_MAX_MEMSEG_LISTS * 64;

/// The chunk maps of the socket heaps, one per internal memseg list (each list is one heap
/// area, `heap::Area`), sized for the whole list. They live in the shared config, so at the
/// same address in every process; the config is mapped from a sparse file (or anonymous
/// memory), so only the 4 KiB pages of a map that cover memory a heap took are ever faulted in
/// (8 MiB of address space, a few KiB of memory per GiB of heap).
#[repr(C)]
pub struct AreaMaps {
    /// Offset of each memseg list's map in `bytes`, plus one (0: the list has none). Written
    /// by the primary at init, before any heap grows.
    off: [std::sync::atomic::AtomicU64; RTE_MAX_MEMSEG_LISTS],
    bytes: std::cell::UnsafeCell<[u8; AREA_MAPS_LEN]>,
}

/// Gives every internal memseg list its chunk map (primary, at init, before any heap grows).
fn assign_area_maps(t: &HeapTable) {
    let mut used = 0usize;
    for (li, l) in memseg::lists().filter(|(_, l)| l.external == 0) {
        let need = Area::map_len(l.base_va() as usize, l.len).next_multiple_of(64);
        if used + need > AREA_MAPS_LEN {
            crate::eal_log!(
                crate::base::log::RTE_LOG_DEBUG,
                "memseg list {li} ({} MiB) gets no heap chunk map: its memory is added whole",
                l.len >> 20
            );
            continue;
        }
        t.area_maps.off[li].store(used as u64 + 1, Ordering::Relaxed);
        used += need;
    }
}

/// The heap area of internal memseg list `li`, when it has a chunk map.
fn area_of(li: usize) -> Option<Area> {
    let t = table()?;
    let l = memseg::list(li)?;
    let off = t
        .area_maps
        .off
        .get(li)?
        .load(Ordering::Relaxed)
        .checked_sub(1)?;
    (l.external == 0).then(|| Area {
        base: l.base_va() as usize,
        len: l.len,
        page: l.page_sz as usize,
        map: t.area_maps.bytes.get() as usize + off as usize,
    })
}

// SAFETY: atomics, plain numbers and heaps, all valid when zeroed (an unused entry); shared
// between processes at the same address, holding no process-private pointer (each process's
// page sources are kept outside, per process).
unsafe impl ZeroedShared for HeapTable {}

fn table() -> Option<&'static HeapTable> {
    mcfg::get().map(|m| m.heaps.get::<HeapTable>())
}

fn entry(i: usize) -> Option<&'static HeapEntry> {
    // SAFETY: entries live in the mapped shared config; an entry is written only while not
    // in use (under the heap-table lock) and read-only otherwise except for its Heap, which
    // synchronises itself.
    let e = unsafe { &*table()?.entries.get(i)?.get() };
    (e.in_use.load(Ordering::Acquire) == 1).then_some(e)
}

/// Every sub-heap in use, with its index.
pub fn entries() -> impl Iterator<Item = (usize, &'static HeapEntry)> {
    (0..MAX_SUBHEAPS).filter_map(|i| entry(i).map(|e| (i, e)))
}

fn name_of(e: &HeapEntry) -> String {
    let b: Vec<u8> = e
        .name
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&b).into_owned()
}

/// Grows a socket sub-heap with pages of its size on its socket.
struct PageSource {
    socket: i32,
    page_sz: u64,
}

impl MemorySource for PageSource {
    fn grow(&self, min_bytes: usize, _align: usize) -> Option<Grant> {
        let n = u32::try_from((min_bytes as u64).div_ceil(self.page_sz)).ok()?;
        // The hotplug lock is held until every other process has mapped the new pages (see
        // memalloc's locking notes): the heap hands none of it out before that.
        let hotplug = mcfg::mem_write();
        if let Err(e) = crate::mem::memsync::check_can_broadcast() {
            drop(hotplug);
            // One line per action: an allocation tries several sub-heaps.
            thread_local!(static SAID: std::cell::Cell<u64> = const { std::cell::Cell::new(u64::MAX) });
            let run = crate::mem::memsync::action_run();
            let level = if SAID.with(|s| s.replace(run)) == run {
                crate::base::log::RTE_LOG_DEBUG
            } else {
                crate::base::log::RTE_LOG_ERR
            };
            crate::eal_log!(level, "heap not grown: {}", e.msg);
            return None;
        }
        let pages = match memalloc::alloc_pages(n, self.page_sz, self.socket, true, 0) {
            Ok(p) => p,
            Err(_) => return None,
        };
        if let Err(e) = crate::mem::memsync::broadcast() {
            crate::eal_log!(
                crate::base::log::RTE_LOG_ERR,
                "heap growth undone: {}",
                e.msg
            );
            let _ = memalloc::free_pages(&pages);
            let _ = crate::mem::memsync::broadcast();
            return None;
        }
        drop(hotplug);
        // SAFETY: alloc_pages returns filled memseg slots.
        let addr = unsafe { (*pages[0]).u.addr_64 } as usize;
        let len = pages.len() * self.page_sz as usize;
        let Some(area) = memseg::list_of(addr).and_then(area_of) else {
            crate::eal_log!(
                crate::base::log::RTE_LOG_ERR,
                "heap not grown: the memseg list at {addr:#x} has no heap chunk map"
            );
            self.release(addr, len);
            return None;
        };
        Some(Grant { area, addr, len })
    }

    fn release(&self, addr: usize, len: usize) -> bool {
        let n = len / self.page_sz as usize;
        let pages: Option<Vec<_>> = (0..n)
            .map(|i| memseg::seg_of(addr + i * self.page_sz as usize).map(|(_, _, ms)| ms))
            .collect();
        let Some(pages) = pages else { return false };
        let pinned = pages.iter().any(|&ms| {
            // SAFETY: seg_of returned used memseg slots of the region the heap gives back.
            let flags = unsafe { (*ms).flags };
            flags & crate::abi::RTE_MEMSEG_FLAG_DO_NOT_FREE != 0
        });
        if pinned {
            return false;
        }
        let _hotplug = mcfg::mem_write();
        if crate::mem::memsync::check_can_broadcast().is_err() {
            // Keep the pages in the heap: the others could not be told to unmap them.
            return false;
        }
        let r = memalloc::free_pages(&pages);
        // The others unmap the pages too (their mappings would keep the hugepages alive), all
        // before the slots can be taken again.
        let _ = crate::mem::memsync::broadcast();
        r.is_ok()
    }
}

fn set_name(e: &mut HeapEntry, name: &str) {
    e.name = [0; HEAP_NAME_LEN];
    for (d, s) in e.name.iter_mut().zip(name.bytes().take(HEAP_NAME_LEN - 1)) {
        *d = s as c_char;
    }
}

/// Gives every sub-heap of a socket its page source in this process (sources are per process).
/// With `--legacy-mem` there is none: as in DPDK, legacy memory is all taken at init, and the
/// heaps neither grow nor give pages back.
fn attach_sources() {
    if mcfg::get().is_some_and(|m| m.legacy_mem != 0) {
        return;
    }
    for (_, e) in entries() {
        if e.external == 0 {
            let src: &'static PageSource = Box::leak(Box::new(PageSource {
                socket: e.socket_id,
                page_sz: e.page_sz,
            }));
            e.heap.set_source(src);
        }
    }
}

/// Creates the socket heaps (primary, at init) and hands them the memory already allocated
/// (`-m`, legacy, no-huge), then registers this process's page sources.
pub fn init_primary(sockets: &[i32]) -> Result<()> {
    let t = table().ok_or_else(|| err!(libc::ENODEV, "the shared config is not mapped"))?;
    let mut sizes: Vec<u64> = memseg::lists()
        .filter(|(_, l)| l.external == 0)
        .map(|(_, l)| l.page_sz)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut idx = 0;
    for &socket in sockets {
        for &page_sz in &sizes {
            if idx >= MAX_SUBHEAPS {
                return Err(err!(
                    libc::ENOSPC,
                    "too many sockets and page sizes for the heap table"
                ));
            }
            // SAFETY: init, primary: nobody else uses the table yet.
            let e = unsafe { &mut *t.entries[idx].get() };
            // SAFETY: e.heap is inside the entry we own exclusively.
            unsafe { Heap::init_in_place(&mut e.heap) };
            e.external = 0;
            e.socket_id = socket;
            e.page_sz = page_sz;
            set_name(e, &format!("socket_{socket}"));
            e.in_use.store(1, Ordering::Release);
            idx += 1;
        }
    }
    t.next_external
        .store(RTE_MAX_NUMA_NODES as u32, Ordering::Relaxed);
    assign_area_maps(t);
    bump_generation();
    // Memory allocated at init goes to its sub-heap, pinned, as the pages of its list's area
    // (one run per contiguous range).
    let mut runs: Vec<(i32, u64, usize, usize)> = Vec::new();
    memseg::contig_walk(|msl, ms, len| {
        if msl.external == 0 {
            // SAFETY: contig_walk hands out used memsegs.
            runs.push((
                msl.socket_id,
                msl.page_sz,
                unsafe { (*ms).u.addr_64 } as usize,
                len,
            ));
        }
        0
    });
    for (socket, page_sz, addr, len) in runs {
        let Some((_, e)) = entries()
            .find(|(_, e)| e.external == 0 && e.socket_id == socket && e.page_sz == page_sz)
        else {
            continue;
        };
        // SAFETY: the run is mapped at the same address in every process and from now on owned
        // by the heap; fresh hugepages and the fresh --no-huge memfd are zero-filled; the area
        // comes from the list and its map is the list's own.
        let r = unsafe {
            match memseg::list_of(addr).and_then(area_of) {
                Some(area) => e.heap.add_pages(area, addr as *mut u8, len, true),
                None => e.heap.add_memory(addr as *mut u8, len),
            }
        };
        r.map_err(|m| {
            err!(
                libc::ENOMEM,
                "cannot give {len} bytes at {addr:#x} to the heap: {}",
                m.0
            )
        })?;
    }
    attach_sources();
    Ok(())
}

/// Forgets this process's use of the heaps before their memory is unmapped (cleanup): thread
/// caches bound to them are not flushed into unmapped memory later.
pub fn cleanup() {
    for (_, e) in entries() {
        e.heap.flush_thread_cache();
    }
    // Every entry, in use or not: a destroyed external heap may still be bound by threads.
    if let Some(t) = table() {
        for c in &t.entries {
            // SAFETY: only the heap's address is taken; nothing is read or written.
            crate::heap::forget_heap(unsafe { &(*c.get()).heap });
        }
    }
}

/// Registers this process's page sources for the heaps a primary created (secondary).
pub fn init_secondary() {
    attach_sources();
}

// ---- process-local look-up cache --------------------------------------------------------------
//
// The hot paths (`alloc`, `free`) must not scan the heap table or allocate. This cache maps a
// socket id to its sub-heaps (smallest page size first) and lists every sub-heap for `free`.
// It is rebuilt from the shared table whenever this process sees the table's generation
// change (heap created or destroyed, by any process); it only ever holds pointers into the
// shared config, so it is a cache in the sense of the design: rebuildable at any time.

const CACHED_IDS: usize = 64;
const PER_ID: usize = 4;

struct Cache {
    gen: AtomicU32,
    by_id: [[AtomicPtr<HeapEntry>; PER_ID]; CACHED_IDS],
    all: [AtomicPtr<HeapEntry>; MAX_SUBHEAPS],
    first_socket: AtomicI32,
    no_huge: AtomicBool,
}

#[allow(clippy::declare_interior_mutable_const)]
const NULL_ENTRY: AtomicPtr<HeapEntry> = AtomicPtr::new(std::ptr::null_mut());
#[allow(clippy::declare_interior_mutable_const)]
const NULL_ROW: [AtomicPtr<HeapEntry>; PER_ID] = [NULL_ENTRY; PER_ID];

static CACHE: Cache = Cache {
    gen: AtomicU32::new(u32::MAX),
    by_id: [NULL_ROW; CACHED_IDS],
    all: [NULL_ENTRY; MAX_SUBHEAPS],
    first_socket: AtomicI32::new(0),
    no_huge: AtomicBool::new(false),
};
static CACHE_LOCK: Mutex<()> = Mutex::new(());

fn bump_generation() {
    if let Some(t) = table() {
        t.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cold]
fn rebuild_cache(gen: u32) {
    let _g = CACHE_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    for row in &CACHE.by_id {
        for e in row {
            e.store(std::ptr::null_mut(), Ordering::Relaxed);
        }
    }
    for e in &CACHE.all {
        e.store(std::ptr::null_mut(), Ordering::Relaxed);
    }
    let mut list: Vec<&'static HeapEntry> = entries().map(|(_, e)| e).collect();
    list.sort_by_key(|e| (e.socket_id, e.page_sz));
    let mut fill = [0usize; CACHED_IDS];
    for (i, e) in list.iter().enumerate() {
        let p = *e as *const HeapEntry as *mut HeapEntry;
        CACHE.all[i].store(p, Ordering::Relaxed);
        if let Ok(id) = usize::try_from(e.socket_id) {
            if id < CACHED_IDS && fill[id] < PER_ID {
                CACHE.by_id[id][fill[id]].store(p, Ordering::Relaxed);
                fill[id] += 1;
            }
        }
    }
    let first = list
        .iter()
        .find(|e| e.external == 0)
        .map(|e| e.socket_id)
        .unwrap_or(0);
    CACHE.first_socket.store(first, Ordering::Relaxed);
    CACHE.no_huge.store(
        crate::config::get().map(|c| c.no_huge).unwrap_or(false),
        Ordering::Relaxed,
    );
    CACHE.gen.store(gen, Ordering::Release);
}

#[inline]
fn fresh_cache() -> bool {
    let Some(t) = table() else { return false };
    let gen = t.generation.load(Ordering::Acquire);
    if CACHE.gen.load(Ordering::Acquire) != gen {
        rebuild_cache(gen);
    }
    true
}

fn has_hugepages() -> bool {
    !CACHE.no_huge.load(Ordering::Relaxed)
}

/// The socket of the calling thread, for SOCKET_ID_ANY (the lcore's socket, else the first
/// socket with memory).
#[inline]
fn local_socket() -> i32 {
    let s = crate::base::lcore::current_socket();
    if s != u32::MAX {
        return s as i32;
    }
    CACHE.first_socket.load(Ordering::Relaxed)
}

/// The first cached sub-heap of `socket`.
#[inline]
fn first_heap(socket: i32) -> Option<&'static HeapEntry> {
    let i = usize::try_from(socket).ok().filter(|&i| i < CACHED_IDS)?;
    let p = CACHE.by_id[i][0].load(Ordering::Relaxed);
    // SAFETY: cached pointers point into the mapped shared config.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// Sub-heaps serving `socket` (smallest page size first), or the external heap with that id.
#[inline]
fn heaps_of(socket: i32) -> impl Iterator<Item = &'static HeapEntry> {
    let cached = usize::try_from(socket).ok().filter(|&i| i < CACHED_IDS);
    let fast = cached
        .into_iter()
        .flat_map(|i| CACHE.by_id[i].iter())
        .map_while(|e| {
            let p = e.load(Ordering::Relaxed);
            // SAFETY: cached pointers point into the mapped shared config.
            (!p.is_null()).then(|| unsafe { &*p })
        });
    // Ids beyond the cache (many external heaps) are looked up in the table.
    let slow = cached.is_none().then(|| {
        let mut v: Vec<&HeapEntry> = entries()
            .map(|(_, e)| e)
            .filter(|e| e.socket_id == socket)
            .collect();
        v.sort_by_key(|e| e.page_sz);
        v
    });
    fast.chain(slow.into_iter().flatten())
}

/// 1 when `socket` names an external heap, 0 an internal one, Err for neither.
pub fn socket_is_external(socket: i32) -> Result<bool> {
    if socket == SOCKET_ID_ANY {
        return Ok(false);
    }
    fresh_cache();
    heaps_of(socket)
        .next()
        .map(|e| e.external != 0)
        .ok_or_else(|| err!(libc::EINVAL, "socket {socket} has no heap"))
}

fn round_up(v: usize) -> Option<usize> {
    v.checked_next_multiple_of(CACHE_LINE)
}

/// Page-size constraint of an allocation (memzone flags).
#[derive(Debug, Clone, Copy)]
pub struct PagePolicy {
    /// Allowed page sizes; empty = any.
    pub sizes: [u64; 8],
    pub n: usize,
    /// The sizes are a preference: fall back to any size.
    pub hint_only: bool,
}

impl PagePolicy {
    pub const ANY: PagePolicy = PagePolicy {
        sizes: [0; 8],
        n: 0,
        hint_only: false,
    };

    fn allows(&self, page_sz: u64) -> bool {
        self.n == 0 || self.sizes[..self.n].contains(&page_sz)
    }
}

fn alloc_in(
    socket: i32,
    size: usize,
    align: usize,
    bound: usize,
    zero: bool,
    pol: &PagePolicy,
) -> Option<NonNull<u8>> {
    let try_with = |strict: bool| {
        heaps_of(socket)
            .filter(|e| !strict || pol.allows(e.page_sz))
            .find_map(|e| {
                if zero {
                    e.heap.alloc_zeroed(size, align, bound)
                } else {
                    e.heap.alloc(size, align, bound)
                }
            })
    };
    try_with(true).or_else(|| {
        if pol.hint_only && pol.n > 0 {
            try_with(false)
        } else {
            None
        }
    })
}

/// Allocates as DPDK's `malloc_heap_alloc`: `socket` or SOCKET_ID_ANY (caller's socket first,
/// then the others), `align` 0 or a power of two (rounded up to the cache line), `bound` 0 or
/// a power of two. None for size 0, bad arguments or no memory.
pub fn alloc(
    size: usize,
    align: usize,
    socket: i32,
    bound: usize,
    zero: bool,
    pol: &PagePolicy,
) -> Option<NonNull<u8>> {
    if size == 0
        || (align != 0 && !align.is_power_of_two())
        || (bound != 0 && !bound.is_power_of_two())
    {
        return None;
    }
    let size = round_up(size)?;
    let align = round_up(align.max(1))?;
    if !fresh_cache() {
        return None;
    }
    if socket >= RTE_MAX_NUMA_NODES as i32 && check_external_mapped(socket).is_err() {
        return None;
    }
    // Fast path: the first sub-heap of the target socket, no policy.
    if pol.n == 0 && has_hugepages() {
        let first = if socket == SOCKET_ID_ANY {
            local_socket()
        } else {
            socket
        };
        if let Some(e) = first_heap(first) {
            let r = if zero {
                e.heap.alloc_zeroed(size, align, bound)
            } else {
                e.heap.alloc(size, align, bound)
            };
            if r.is_some() {
                return r;
            }
        }
    }
    let mut socket = socket;
    if !has_hugepages() && socket_is_external(socket).map(|x| !x).unwrap_or(true) {
        socket = SOCKET_ID_ANY;
    }
    let first = if socket == SOCKET_ID_ANY {
        local_socket()
    } else {
        socket
    };
    if let Some(p) = alloc_in(first, size, align, bound, zero, pol) {
        return Some(p);
    }
    if socket != SOCKET_ID_ANY {
        return None;
    }
    let mut others: Vec<i32> = entries()
        .filter(|(_, e)| e.external == 0 && e.socket_id != first)
        .map(|(_, e)| e.socket_id)
        .collect();
    others.dedup();
    others
        .into_iter()
        .find_map(|s| alloc_in(s, size, align, bound, zero, pol))
}

/// The sub-heap this thread freed into last (frees usually go to the same heap).
#[inline]
fn last_free() -> *const HeapEntry {
    crate::base::tls::get(|h| h.last_free) as *const HeapEntry
}

fn set_last_free(e: *const HeapEntry) {
    crate::base::tls::set(|h| h.last_free = e as usize);
}

/// The sub-heap holding `p`.
#[inline]
pub fn heap_of(p: *const u8) -> Option<&'static HeapEntry> {
    if !fresh_cache() {
        return None;
    }
    let last = last_free();
    // SAFETY: cached pointers point into the mapped shared config.
    if !last.is_null() && unsafe { (*last).heap.contains(p) } {
        // SAFETY: as above.
        return Some(unsafe { &*last });
    }
    let found = CACHE
        .all
        .iter()
        .map_while(|e| {
            let q = e.load(Ordering::Relaxed);
            // SAFETY: as above.
            (!q.is_null()).then(|| unsafe { &*q })
        })
        .find(|e| e.heap.contains(p))?;
    set_last_free(found);
    Some(found)
}

fn free_error(p: *const u8, e: FreeError) -> crate::error::Error {
    match e {
        FreeError::NotInHeap => err!(
            libc::EINVAL,
            "{p:p} was not allocated by rte_malloc (ignored)"
        ),
        FreeError::DoubleFree => err!(libc::EINVAL, "{p:p} is already free: double free (ignored)"),
        FreeError::NotABlock => err!(
            libc::EINVAL,
            "{p:p} points inside an allocation, not at its start (ignored)"
        ),
    }
}

/// Frees `p` (NULL is a no-op). A pointer that is not a live allocation is refused and left
/// alone.
pub fn free(p: *mut u8) -> Result<()> {
    if p.is_null() {
        return Ok(());
    }
    if !fresh_cache() {
        return Err(free_error(p, FreeError::NotInHeap));
    }
    // Fast path: the heap this thread freed into last checks the pointer itself.
    let last = last_free();
    if !last.is_null() {
        // SAFETY: cached pointers point into the mapped shared config.
        match unsafe { (*last).heap.free(p) } {
            Err(FreeError::NotInHeap) => {}
            r => return r.map_err(|x| free_error(p, x)),
        }
    }
    let e = heap_of(p).ok_or_else(|| free_error(p, FreeError::NotInHeap))?;
    e.heap.free(p).map_err(|x| free_error(p, x))
}

/// Usable size of the live allocation `p`.
pub fn usable_size(p: *const u8) -> Result<usize> {
    let e = heap_of(p).ok_or_else(|| free_error(p, FreeError::NotInHeap))?;
    e.heap
        .usable_size(p as *mut u8)
        .map_err(|x| free_error(p, x))
}

/// `rte_realloc_socket`: in place when the socket and alignment fit and the block can be
/// resized; otherwise a new block on `socket`, the data copied, the old block freed. On
/// failure the old block is untouched.
///
/// # Safety
/// `p` is NULL or a pointer the caller believes came from these heaps (it is checked: a
/// pointer that is not a live block is refused), and nobody else uses the block meanwhile.
pub unsafe fn realloc(
    p: *mut u8,
    size: usize,
    align: usize,
    socket: i32,
) -> Result<Option<NonNull<u8>>> {
    if p.is_null() {
        let n = alloc(size, align, socket, 0, false, &PagePolicy::ANY);
        if size != 0 && (align == 0 || align.is_power_of_two()) {
            trace_malloc(TraceStr::NULL, size, align as u32, socket, n);
        }
        return Ok(n);
    }
    if align != 0 && !align.is_power_of_two() {
        return Err(err!(
            libc::EINVAL,
            "alignment {align} is not a power of two"
        ));
    }
    let e = heap_of(p).ok_or_else(|| free_error(p, FreeError::NotInHeap))?;
    let old = e.heap.usable_size(p).map_err(|x| free_error(p, x))?;
    let size_r =
        round_up(size.max(1)).ok_or_else(|| err!(libc::ENOMEM, "size {size} is too large"))?;
    let align_r = round_up(align.max(1))
        .ok_or_else(|| err!(libc::EINVAL, "alignment {align} is too large"))?;
    // Trace points as DPDK emits them: `realloc` alone when resized in place; a move is
    // `malloc` of the new block, `free` of the old one, then `realloc`.
    let traced_move = |n: NonNull<u8>| {
        trace_malloc(TraceStr::NULL, size_r, align_r as u32, socket, Some(n));
        eal::mem_free(p.cast());
        eal::mem_realloc(size_r, align_r as u32, socket, n.as_ptr().cast());
    };
    if (socket == SOCKET_ID_ANY || socket == e.socket_id) && (p as usize).is_multiple_of(align_r) {
        if let Ok(Some(n)) = e.heap.realloc(p, size_r, align_r) {
            if n.as_ptr() == p {
                eal::mem_realloc(size_r, align_r as u32, socket, p.cast());
            } else {
                traced_move(n);
            }
            return Ok(Some(n));
        }
        // realloc in the same heap either resized in place, moved (then we are done), or had
        // no memory; a move to another heap is tried below.
    }
    let Some(n) = alloc(size_r, align_r, socket, 0, false, &PagePolicy::ANY) else {
        trace_malloc(TraceStr::NULL, size_r, align_r as u32, socket, None);
        return Ok(None);
    };
    // SAFETY: both blocks are live and at least min(old, size) bytes long, and distinct.
    unsafe { std::ptr::copy_nonoverlapping(p, n.as_ptr(), old.min(size_r)) };
    e.heap.free(p).map_err(|x| free_error(p, x))?;
    traced_move(n);
    Ok(Some(n))
}

// ---- the rte_malloc API (DPDK's rte_malloc.c): argument checks and trace points ---------------

/// `rte_malloc_socket` (`zero`: `rte_zmalloc_socket`): `size` bytes aligned to `align` (0:
/// the cache line) on `socket` (or SOCKET_ID_ANY). EINVAL for size 0 or an alignment that is
/// not a power of two, ENOMEM when no heap has room. Trace points `lib.eal.mem.malloc`, and
/// `lib.eal.mem.zmalloc` after it for `zero` (even when the arguments were refused, as DPDK).
///
/// The common case (valid arguments, points off) costs one load and branch per point over
/// [`alloc`]; the rest is out of line.
///
/// # Safety
/// `ty` is NULL or a NUL-terminated string valid during the call (read only when a trace
/// point records it).
#[inline(always)]
pub unsafe fn malloc_socket(
    ty: *const c_char,
    size: usize,
    align: u32,
    socket: i32,
    zero: bool,
) -> Result<NonNull<u8>> {
    let traced = eal::enabled(&eal::__rte_eal_trace_mem_malloc)
        || (zero && eal::enabled(&eal::__rte_eal_trace_mem_zmalloc));
    if traced || size == 0 || (align != 0 && !align.is_power_of_two()) {
        // SAFETY: the caller's guarantee.
        return unsafe { malloc_socket_slow(ty, size, align, socket, zero) };
    }
    alloc(size, align as usize, socket, 0, zero, &PagePolicy::ANY)
        .ok_or_else(|| no_memory(size, socket))
}

#[cold]
fn no_memory(size: usize, socket: i32) -> crate::error::Error {
    err!(
        libc::ENOMEM,
        "no memory for {size} bytes on socket {socket}"
    )
}

/// [`malloc_socket`] with its argument errors and trace points.
///
/// # Safety
/// As [`malloc_socket`].
#[cold]
#[inline(never)]
unsafe fn malloc_socket_slow(
    ty: *const c_char,
    size: usize,
    align: u32,
    socket: i32,
    zero: bool,
) -> Result<NonNull<u8>> {
    // SAFETY: the caller's guarantee.
    let ty = unsafe { TraceStr::from_ptr(ty) };
    let r = (|| {
        if size == 0 {
            return Err(err!(libc::EINVAL, "size is 0"));
        }
        if align != 0 && !align.is_power_of_two() {
            return Err(err!(
                libc::EINVAL,
                "alignment {align} is not a power of two"
            ));
        }
        let p = alloc(size, align as usize, socket, 0, zero, &PagePolicy::ANY);
        trace_malloc(ty, size, align, socket, p);
        p.ok_or_else(|| no_memory(size, socket))
    })();
    if zero {
        let ptr = r.as_ref().map_or(std::ptr::null(), |p| p.as_ptr().cast());
        eal::mem_zmalloc(ty, size, align, socket, ptr);
    }
    r
}

/// `rte_calloc_socket`: `num * size` zero-filled bytes. ENOMEM when the product overflows
/// (DPDK multiplies without checking).
///
/// # Safety
/// As [`malloc_socket`].
pub unsafe fn calloc_socket(
    ty: *const c_char,
    num: usize,
    size: usize,
    align: u32,
    socket: i32,
) -> Result<NonNull<u8>> {
    match num.checked_mul(size) {
        // SAFETY: the caller's guarantee.
        Some(total) => unsafe { malloc_socket(ty, total, align, socket, true) },
        None => {
            // SAFETY: the caller's guarantee.
            let ty = unsafe { TraceStr::from_ptr(ty) };
            eal::mem_zmalloc(ty, num.wrapping_mul(size), align, socket, std::ptr::null());
            Err(err!(libc::ENOMEM, "{num} x {size} bytes overflows"))
        }
    }
}

/// `rte_free`: trace point `lib.eal.mem.free`, then [`free`].
#[inline]
pub fn free_traced(p: *mut u8) -> Result<()> {
    eal::mem_free(p.cast());
    free(p)
}

/// Trace point `lib.eal.mem.malloc`: the socket recorded is the one DPDK's allocator works
/// with (SOCKET_ID_ANY without hugepages, unless an external heap was named).
#[inline(always)]
fn trace_malloc(ty: TraceStr<'_>, size: usize, align: u32, socket: i32, p: Option<NonNull<u8>>) {
    if eal::enabled(&eal::__rte_eal_trace_mem_malloc) {
        let socket = if !has_hugepages() && !matches!(socket_is_external(socket), Ok(true)) {
            SOCKET_ID_ANY
        } else {
            socket
        };
        let ptr = p.map_or(std::ptr::null(), |p| p.as_ptr().cast_const().cast());
        eal::mem_malloc(ty, size, align, socket, ptr);
    }
}

/// IOVA of `p` inside rte_malloc memory (RTE_BAD_IOVA when unknown).
pub fn virt2iova(p: *const u8) -> u64 {
    if heap_of(p).is_none() {
        return RTE_BAD_IOVA;
    }
    let va = crate::mem::addr::iova_is_va();
    match memseg::seg_of(p as usize) {
        Some((_, _, ms)) => {
            // SAFETY: a used memseg slot.
            let (iova, base) = unsafe { ((*ms).iova, (*ms).u.addr_64 as usize) };
            if va {
                p as u64
            } else if iova == RTE_BAD_IOVA {
                RTE_BAD_IOVA
            } else {
                iova + (p as usize - base) as u64
            }
        }
        None if va => p as u64,
        None => RTE_BAD_IOVA,
    }
}

/// True when all memory of external heap `socket` is mapped in this process (a secondary sees
/// an external heap's metadata at once, but its memory only after
/// `rte_malloc_heap_memory_attach`; touching it before would fault).
fn external_memory_mapped(socket: i32) -> bool {
    let ps = crate::sys::page_size();
    memseg::lists()
        .filter(|(_, l)| l.external != 0 && l.socket_id == socket)
        .all(|(_, l)| {
            let base = l.base_va() as usize;
            [base, base + l.len - ps]
                .iter()
                .all(|&a| crate::sys::is_mapped(a, ps))
        })
}

fn check_external_mapped(socket: i32) -> Result<()> {
    if socket >= RTE_MAX_NUMA_NODES as i32 && !external_memory_mapped(socket) {
        return Err(err!(
            libc::EFAULT,
            "the memory of external heap {socket} is not mapped in this process: attach it with rte_malloc_heap_memory_attach"
        ));
    }
    Ok(())
}

/// Statistics of `socket`'s heap (all its sub-heaps).
pub fn socket_stats(socket: i32) -> Result<rte_malloc_socket_stats> {
    fresh_cache();
    check_external_mapped(socket)?;
    let heaps: Vec<&HeapEntry> = heaps_of(socket).collect();
    if heaps.is_empty() {
        return Err(err!(libc::EINVAL, "socket {socket} has no heap"));
    }
    let mut s = rte_malloc_socket_stats::default();
    for e in heaps {
        let h = e.heap.stats();
        s.heap_totalsz_bytes += h.heap_totalsz_bytes;
        s.heap_freesz_bytes += h.heap_freesz_bytes;
        s.greatest_free_size = s.greatest_free_size.max(h.greatest_free_size);
        s.free_count += h.free_count;
        s.alloc_count += h.alloc_count;
        s.heap_allocsz_bytes += h.heap_allocsz_bytes;
    }
    Ok(s)
}

/// Distinct heap ids (internal sockets and external heaps) in table order.
pub fn heap_ids() -> Vec<(i32, String, bool)> {
    let mut v: Vec<(i32, String, bool)> = Vec::new();
    for (_, e) in entries() {
        if !v.iter().any(|(s, _, _)| *s == e.socket_id) {
            v.push((e.socket_id, name_of(e), e.external != 0));
        }
    }
    v
}

/// Validates every heap; Err names the first problem.
pub fn validate_all() -> std::result::Result<(), String> {
    for (i, e) in entries() {
        e.heap
            .validate()
            .map_err(|m| format!("heap {i} ({}): {m}", name_of(e)))?;
    }
    Ok(())
}

// ---- external heaps ------------------------------------------------------------------------

fn heap_by_name(name: &str) -> Option<(usize, &'static HeapEntry)> {
    entries().find(|(_, e)| name_of(e) == name)
}

fn check_heap_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(err!(libc::EINVAL, "heap name is empty"));
    }
    if name.len() >= HEAP_NAME_LEN {
        return Err(err!(
            libc::EINVAL,
            "heap name '{name}' is longer than {} bytes",
            HEAP_NAME_LEN - 1
        ));
    }
    Ok(())
}

/// `rte_malloc_heap_create`.
pub fn heap_create(name: &str) -> Result<()> {
    check_heap_name(name)?;
    let t = table().ok_or_else(|| err!(libc::ENODEV, "EAL is not initialised"))?;
    let _table = mcfg::heap_table_write();
    (|| {
        if heap_by_name(name).is_some() {
            return Err(err!(libc::EEXIST, "heap '{name}' already exists"));
        }
        let ids = heap_ids();
        if ids.len() >= RTE_MAX_HEAPS {
            return Err(err!(libc::ENOSPC, "all {RTE_MAX_HEAPS} heaps are in use"));
        }
        let idx = (0..MAX_SUBHEAPS)
            // SAFETY: entries live in the shared config; we hold the table lock.
            .find(|&i| unsafe { (*t.entries[i].get()).in_use.load(Ordering::Acquire) == 0 })
            .ok_or_else(|| err!(libc::ENOSPC, "the heap table is full"))?;
        // SAFETY: an unused entry, owned under the table lock.
        let e = unsafe { &mut *t.entries[idx].get() };
        // SAFETY: the entry's heap is ours to initialise.
        unsafe { Heap::init_in_place(&mut e.heap) };
        e.external = 1;
        e.page_sz = 0;
        e.socket_id = t.next_external.fetch_add(1, Ordering::Relaxed) as i32;
        set_name(e, name);
        e.in_use.store(1, Ordering::Release);
        bump_generation();
        Ok(())
    })()
}

/// `rte_malloc_heap_get_socket`.
pub fn heap_socket(name: &str) -> Result<i32> {
    check_heap_name(name)?;
    heap_by_name(name)
        .map(|(_, e)| e.socket_id)
        .ok_or_else(|| err!(libc::ENOENT, "no heap named '{name}'"))
}

fn external_named(name: &str) -> Result<(usize, &'static HeapEntry)> {
    check_heap_name(name)?;
    let (i, e) = heap_by_name(name).ok_or_else(|| err!(libc::ENOENT, "no heap named '{name}'"))?;
    if e.external == 0 {
        return Err(err!(
            libc::EPERM,
            "heap '{name}' is a socket heap, not an external one"
        ));
    }
    Ok((i, e))
}

/// `rte_malloc_heap_destroy`: only an external heap with no memory left in it.
pub fn heap_destroy(name: &str) -> Result<()> {
    let _table = mcfg::heap_table_write();
    external_named(name).and_then(|(i, e)| {
        if e.heap.stats().heap_totalsz_bytes != 0 {
            return Err(err!(
                libc::EBUSY,
                "heap '{name}' still has memory: remove it first"
            ));
        }
        let t = table().expect("mapped");
        e.heap.flush_thread_cache();
        // SAFETY: the entry is ours under the table lock; nothing refers to its memory.
        let e = unsafe { &mut *t.entries[i].get() };
        e.in_use.store(0, Ordering::Release);
        e.name = [0; HEAP_NAME_LEN];
        bump_generation();
        set_last_free(std::ptr::null());
        Ok(())
    })
}

/// `rte_malloc_heap_memory_add`: registers the memory as external memory and gives it to the
/// heap.
pub fn heap_memory_add(
    name: &str,
    va: usize,
    len: usize,
    iovas: Option<&[u64]>,
    page_sz: usize,
) -> Result<()> {
    check_heap_name(name)?;
    memseg::check_extmem_args(va, len, iovas, page_sz)?;
    let (_, e) = external_named(name)?;
    memseg::extmem_register(va, len, iovas, page_sz, e.socket_id, true)?;
    // SAFETY: the application hands the memory over for the heap's exclusive use.
    if let Err(m) = unsafe { e.heap.add_memory_dirty(va as *mut u8, len) } {
        let _ = memseg::extmem_unregister(va, len, true);
        return Err(err!(
            libc::EINVAL,
            "cannot add {len} bytes at {va:#x} to heap '{name}': {}",
            m.0
        ));
    }
    Ok(())
}

/// `rte_malloc_heap_memory_remove`: refused while anything is allocated in that memory.
pub fn heap_memory_remove(name: &str, va: usize, len: usize) -> Result<()> {
    check_heap_name(name)?;
    memseg::check_extmem_range(va, len)?;
    let (_, e) = external_named(name)?;
    memseg::find_heap_memory(va, len, e.socket_id)?;
    // SAFETY: the region was added by heap_memory_add; the heap refuses while it is in use.
    unsafe { e.heap.remove_memory(va as *mut u8, len) }.map_err(|m| {
        err!(
            libc::EBUSY,
            "cannot remove {len} bytes at {va:#x} from heap '{name}': {m}"
        )
    })?;
    memseg::extmem_unregister(va, len, true)
}

/// `rte_malloc_heap_memory_attach` / `_detach`: maps (or unmaps) in this process the memseg
/// list of memory another process added to heap `name`.
pub fn heap_memory_sync(name: &str, va: usize, len: usize, attach: bool) -> Result<()> {
    check_heap_name(name)?;
    memseg::check_extmem_range(va, len)?;
    external_named(name)?;
    memseg::extmem_attach(va, len, attach)
}

/// A socket id for memory registered with `rte_extmem_register` (DPDK gives each its own,
/// from the same counter as external heaps).
pub fn next_external_socket() -> Result<i32> {
    let t = table().ok_or_else(|| err!(libc::ENODEV, "EAL is not initialised"))?;
    let id = t.next_external.fetch_add(1, Ordering::Relaxed);
    i32::try_from(id).map_err(|_| err!(libc::ENOSPC, "no socket id left for external memory"))
}
