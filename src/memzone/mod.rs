//! Memzones: named, reserved areas of memory (DPDK's `rte_memzone.h`).
//!
//! The zones themselves are `struct rte_memzone` records in an fbarray called `memzone` in the
//! shared config (as DPDK keeps them: file `fbarray_memzone`), so a pointer to a zone is valid
//! in every process and applications read `mz->addr`, `mz->len`, `mz->iova` directly. The
//! memory behind a zone comes from the malloc heaps.
//!
//! How many records: RTE_MAX_MEMZONE (2,560) as DPDK 22.11, unless the primary was told
//! otherwise before init, by `rtemem_memzone_max_set()` or the environment variable
//! `RTEMEM_MEMZONE_MAX` (the call wins). Secondaries read the primary's value from the table.
//! (Code built against DPDK's headers sizes arrays by RTE_MAX_MEMZONE, so the default never
//! grows by itself.)
//!
//! Look-up is O(1): a name index, open addressing with linear probing over a power of two of
//! slots (at least 8,192 and twice the records) holding record index + 1 (0 = empty,
//! [`TOMBSTONE`] = deleted). The index is a second fbarray, `memzone_index`, sized with the
//! records.
//! DPDK scans every record with strncmp. Writers (reserve, free) hold the memzone lock and
//! bump a sequence counter around every change; `lookup` takes no lock at all: it reads the
//! sequence, probes, and retries if a writer was active (a seqlock), so look-ups never wait
//! and never contend across lcores.

use std::ffi::{c_char, c_void};
use std::sync::atomic::{fence, AtomicU32, AtomicU64, Ordering};

use crate::abi::shared::ZeroedShared;
use crate::abi::{rte_fbarray, rte_memzone, RTE_MAX_MEMZONE, RTE_MEMZONE_NAMESIZE, SOCKET_ID_ANY};
use crate::base::mcfg;
use crate::base::trace::{eal, TraceStr};
use crate::err;
use crate::error::Result;
use crate::malloc::{self, PagePolicy};
use crate::mem::fbarray::{self, Backing, Fb};
use crate::mem::memseg;

/// Fewest slots of the name index (a power of two, well above RTE_MAX_MEMZONE).
pub(crate) const MIN_INDEX_SLOTS: usize = 8192;
pub(crate) const TOMBSTONE: u32 = u32::MAX;
/// The largest memzone limit `rtemem_memzone_max_set` / `RTEMEM_MEMZONE_MAX` accept.
pub const MEMZONE_MAX_LIMIT: usize = 1 << 22;
/// The environment variable that sets the memzone limit of a primary.
pub const MEMZONE_MAX_ENV: &str = "RTEMEM_MEMZONE_MAX";

/// Memzone state in the shared config.
#[repr(C)]
pub struct MemzoneTable {
    pub arr: rte_fbarray,
    /// Even when stable; odd while a writer changes the table.
    pub seq: AtomicU64,
    /// How many records `arr` has (the memzone limit), set by the primary at init.
    pub max: AtomicU32,
    /// Slots of the name index (a power of two).
    pub slots: AtomicU32,
    /// The name index: `slots` u32 slots.
    pub index: rte_fbarray,
}

/// The limit asked for before init by `rtemem_memzone_max_set` (0: none).
static REQUESTED_MAX: AtomicU32 = AtomicU32::new(0);

/// `rtemem_memzone_max_set`: the memzone limit of the next primary init. Fails (EBUSY) once
/// the EAL is initialised, as DPDK's `rte_memzone_max_set`; EINVAL outside
/// 1..=[`MEMZONE_MAX_LIMIT`].
pub fn set_max(max: usize) -> Result<()> {
    if crate::config::initialized() || table().is_ok() {
        return Err(err!(
            libc::EBUSY,
            "Max memzone cannot be set after EAL init"
        ));
    }
    if max == 0 || max > MEMZONE_MAX_LIMIT {
        return Err(err!(
            libc::EINVAL,
            "memzone limit {max} is out of range 1..={MEMZONE_MAX_LIMIT}"
        ));
    }
    REQUESTED_MAX.store(max as u32, Ordering::Relaxed);
    Ok(())
}

/// The memzone limit: the table's once initialised, else what the next init will use.
pub fn max() -> usize {
    if let Ok(t) = table() {
        let m = t.max.load(Ordering::Relaxed);
        if m != 0 {
            return m as usize;
        }
    }
    configured_max().unwrap_or(RTE_MAX_MEMZONE)
}

/// The limit a primary init uses: the call's, else the environment's, else RTE_MAX_MEMZONE.
fn configured_max() -> Result<usize> {
    match REQUESTED_MAX.load(Ordering::Relaxed) {
        0 => {}
        n => return Ok(n as usize),
    }
    let Some(v) = std::env::var_os(MEMZONE_MAX_ENV) else {
        return Ok(RTE_MAX_MEMZONE);
    };
    let v = v.to_string_lossy();
    v.trim()
        .parse::<usize>()
        .ok()
        .filter(|&n| n > 0 && n <= MEMZONE_MAX_LIMIT)
        .ok_or_else(|| {
            err!(
                libc::EINVAL,
                "{MEMZONE_MAX_ENV}={v}: expected a number of memzones in 1..={MEMZONE_MAX_LIMIT}"
            )
        })
}

/// Slots of the name index for `max` records: a power of two, at least twice `max`.
fn slots_for(max: usize) -> usize {
    (max * 2).next_power_of_two().max(MIN_INDEX_SLOTS)
}

// SAFETY: an fbarray struct, a counter and an index of atomics, all valid when zeroed (an
// uninitialised table); shared at the same address in every process; the fbarray's data
// pointer points into its shared mapping, at the same address everywhere.
unsafe impl ZeroedShared for MemzoneTable {}

fn table() -> Result<&'static MemzoneTable> {
    mcfg::get()
        .map(|m| m.memzones.get::<MemzoneTable>())
        .ok_or_else(|| err!(libc::ENODEV, "EAL is not initialised"))
}

fn arr_ptr(t: &MemzoneTable) -> *mut rte_fbarray {
    std::ptr::addr_of!(t.arr).cast_mut()
}

fn fb(t: &MemzoneTable) -> Fb {
    // SAFETY: the fbarray struct lives in the shared config.
    unsafe { Fb::from_ptr(arr_ptr(t)) }.expect("non-null")
}

fn index_ptr(t: &MemzoneTable) -> *mut rte_fbarray {
    std::ptr::addr_of!(t.index).cast_mut()
}

/// The name index's slots.
fn index(t: &MemzoneTable) -> &[AtomicU32] {
    let n = t.slots.load(Ordering::Relaxed) as usize;
    let data = t.index.data.cast::<AtomicU32>();
    if data.is_null() || n == 0 {
        return &[];
    }
    // SAFETY: the index fbarray holds `slots` u32s, mapped at the same address in every
    // process for as long as the table is; every access is atomic.
    unsafe { std::slice::from_raw_parts(data, n) }
}

/// Creates the table (primary, at init), with the configured limit.
pub fn init_primary() -> Result<()> {
    let t = table()?;
    let max = configured_max()?;
    let slots = slots_for(max);
    // SAFETY: init, primary: nobody else uses the table yet.
    unsafe {
        fbarray::init(
            arr_ptr(t),
            b"memzone",
            max as u32,
            std::mem::size_of::<rte_memzone>() as u32,
            &Backing::for_name(b"memzone"),
        )
    }?;
    // SAFETY: as above.
    if let Err(e) = unsafe {
        fbarray::init(
            index_ptr(t),
            b"memzone_index",
            slots as u32,
            std::mem::size_of::<u32>() as u32,
            &Backing::for_name(b"memzone_index"),
        )
    } {
        // SAFETY: the records array was just made here.
        let _ = unsafe { fbarray::destroy(arr_ptr(t)) };
        return Err(e);
    }
    t.slots.store(slots as u32, Ordering::Relaxed);
    t.max.store(max as u32, Ordering::Release);
    if max != RTE_MAX_MEMZONE {
        crate::eal_log!(
            crate::base::log::RTE_LOG_INFO,
            "memzone limit {max} (RTE_MAX_MEMZONE is {RTE_MAX_MEMZONE})"
        );
    }
    Ok(())
}

/// Maps the primary's table (secondary): its limit is the primary's.
pub fn attach_secondary() -> Result<()> {
    let t = table()?;
    // SAFETY: the primary initialised the table.
    unsafe { fbarray::attach_default(arr_ptr(t)) }?;
    // SAFETY: as above.
    if let Err(e) = unsafe { fbarray::attach_default(index_ptr(t)) } {
        // SAFETY: attached just above.
        let _ = unsafe { fbarray::detach(arr_ptr(t)) };
        return Err(e);
    }
    Ok(())
}

/// Unmaps the table.
pub fn cleanup(primary: bool) {
    if let Ok(t) = table() {
        for a in [arr_ptr(t), index_ptr(t)] {
            // SAFETY: cleanup runs after every user of this process stopped.
            let _ = unsafe {
                if primary {
                    fbarray::destroy(a)
                } else {
                    fbarray::detach(a)
                }
            };
        }
    }
}

fn hash(name: &[u8], slots: usize) -> usize {
    // FNV-1a.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h as usize) & (slots - 1)
}

fn zone(t: &MemzoneTable, idx: u32) -> *mut rte_memzone {
    fb(t)
        .get(idx)
        .map(|p| p.cast())
        .unwrap_or(std::ptr::null_mut())
}

fn zone_name_is(z: *const rte_memzone, name: &[u8]) -> bool {
    // Volatile byte reads: a writer may be changing the record (the seqlock retries then).
    let base = z.cast::<u8>();
    for (i, &b) in name.iter().enumerate() {
        // SAFETY: i < name.len() < RTE_MEMZONE_NAMESIZE, inside the record.
        if unsafe { base.add(i).read_volatile() } != b {
            return false;
        }
    }
    // SAFETY: as above; name.len() < RTE_MEMZONE_NAMESIZE.
    unsafe { base.add(name.len()).read_volatile() == 0 }
}

/// Probes the index for `name`: Ok(record) or Err(first reusable slot).
fn probe(t: &MemzoneTable, name: &[u8]) -> std::result::Result<(usize, u32), Option<usize>> {
    let index = index(t);
    let slots = index.len();
    if slots == 0 {
        return Err(None);
    }
    let mut h = hash(name, slots);
    let mut reuse = None;
    for _ in 0..slots {
        match index[h].load(Ordering::Acquire) {
            0 => return Err(reuse.or(Some(h))),
            TOMBSTONE => {
                reuse.get_or_insert(h);
            }
            v => {
                let idx = v - 1;
                if zone_name_is(zone(t, idx), name) {
                    return Ok((h, idx));
                }
            }
        }
        h = (h + 1) & (slots - 1);
    }
    Err(reuse)
}

/// The zone named `name`, without taking any lock (trace point `lib.eal.memzone.lookup`).
pub fn lookup(name: &str) -> Option<*const rte_memzone> {
    let r = lookup_untraced(name);
    eal::memzone_lookup(
        TraceStr::from_bytes(name.as_bytes()),
        r.unwrap_or(std::ptr::null()).cast(),
    );
    r
}

fn lookup_untraced(name: &str) -> Option<*const rte_memzone> {
    let t = table().ok()?;
    let n = name.as_bytes();
    if n.len() >= RTE_MEMZONE_NAMESIZE {
        return None;
    }
    let mut spins = 0u32;
    loop {
        let s0 = t.seq.load(Ordering::Acquire);
        if s0 & 1 == 1 {
            spins = spins.saturating_add(1);
            if spins < 1 << 16 {
                std::hint::spin_loop();
                continue;
            }
            // A write this long may be one whose writer died inside it: read anyway once no
            // live process holds the lock (the check below still catches a new writer).
            if !mcfg::memzone_writer_gone() {
                std::thread::sleep(std::time::Duration::from_millis(1));
                continue;
            }
        }
        let r = probe(t, n)
            .ok()
            .map(|(_, idx)| zone(t, idx) as *const rte_memzone);
        fence(Ordering::Acquire);
        if t.seq.load(Ordering::Relaxed) == s0 {
            return r;
        }
    }
}

struct Write<'a> {
    t: &'a MemzoneTable,
    // Dropped after `drop` has made `seq` even again.
    _lock: crate::sync::ShWriteGuard<'static>,
}

impl<'a> Write<'a> {
    fn begin(t: &'a MemzoneTable) -> Self {
        let lock = mcfg::memzone_write();
        if t.seq.load(Ordering::Acquire) & 1 == 1 {
            // A writer died inside its write: close its window, or lookups would spin forever.
            t.seq.fetch_add(1, Ordering::AcqRel);
        }
        t.seq.fetch_add(1, Ordering::AcqRel);
        let w = Write { t, _lock: lock };
        // Inside the seqlock's odd window: look-ups wait for this writer.
        crate::sync::fault::point("memzone.write");
        w
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        self.t.seq.fetch_add(1, Ordering::Release);
    }
}

const PAGE_FLAGS: [(u32, u64); 8] = [
    (crate::abi::RTE_MEMZONE_256KB, 256 << 10),
    (crate::abi::RTE_MEMZONE_2MB, 2 << 20),
    (crate::abi::RTE_MEMZONE_16MB, 16 << 20),
    (crate::abi::RTE_MEMZONE_256MB, 256 << 20),
    (crate::abi::RTE_MEMZONE_512MB, 512 << 20),
    (crate::abi::RTE_MEMZONE_1GB, 1 << 30),
    (crate::abi::RTE_MEMZONE_4GB, 4 << 30),
    (crate::abi::RTE_MEMZONE_16GB, 16 << 30),
];
const KNOWN_FLAGS: u32 = crate::abi::RTE_MEMZONE_256KB
    | crate::abi::RTE_MEMZONE_2MB
    | crate::abi::RTE_MEMZONE_16MB
    | crate::abi::RTE_MEMZONE_256MB
    | crate::abi::RTE_MEMZONE_512MB
    | crate::abi::RTE_MEMZONE_1GB
    | crate::abi::RTE_MEMZONE_4GB
    | crate::abi::RTE_MEMZONE_16GB
    | crate::abi::RTE_MEMZONE_SIZE_HINT_ONLY
    | crate::abi::RTE_MEMZONE_IOVA_CONTIG;

fn policy(flags: u32) -> PagePolicy {
    let mut p = PagePolicy::ANY;
    for (f, sz) in PAGE_FLAGS {
        if flags & f != 0 {
            p.sizes[p.n] = sz;
            p.n += 1;
        }
    }
    p.hint_only = flags & crate::abi::RTE_MEMZONE_SIZE_HINT_ONLY != 0;
    p
}

/// True when `addr..addr+len` is IOVA-contiguous.
fn iova_contiguous(addr: usize, len: usize) -> bool {
    let first = malloc::virt2iova(addr as *const u8);
    if first == crate::abi::RTE_BAD_IOVA {
        return false;
    }
    let ps = memseg::seg_of(addr)
        // SAFETY: seg_of returns a used memseg slot.
        .map(|(_, _, ms)| unsafe { (*ms).len })
        .unwrap_or(4096)
        .max(4096);
    let mut a = (addr / ps + 1) * ps;
    while a < addr + len {
        if malloc::virt2iova(a as *const u8) != first + (a - addr) as u64 {
            return false;
        }
        a += ps;
    }
    true
}

/// `rte_memzone_reserve_bounded` (trace point `lib.eal.memzone.reserve`, also on failure).
pub fn reserve(
    name: &str,
    len: usize,
    socket: i32,
    flags: u32,
    align: u32,
    bound: u32,
) -> Result<*const rte_memzone> {
    let r = reserve_untraced(name, len, socket, flags, align, bound);
    let mz = r.as_ref().map_or(std::ptr::null(), |&z| z.cast());
    let n = TraceStr::from_bytes(name.as_bytes());
    eal::memzone_reserve(n, len, socket, flags, align, bound, mz);
    r
}

fn reserve_untraced(
    name: &str,
    len: usize,
    socket: i32,
    flags: u32,
    align: u32,
    bound: u32,
) -> Result<*const rte_memzone> {
    let t = table()?;
    if name.len() >= RTE_MEMZONE_NAMESIZE {
        return Err(err!(
            libc::ENAMETOOLONG,
            "memzone name '{name}' is longer than {} bytes",
            RTE_MEMZONE_NAMESIZE - 1
        ));
    }
    if flags & !KNOWN_FLAGS != 0 {
        return Err(err!(
            libc::EINVAL,
            "unknown memzone flags {:#x}",
            flags & !KNOWN_FLAGS
        ));
    }
    if align != 0 && !align.is_power_of_two() {
        return Err(err!(
            libc::EINVAL,
            "alignment {align} is not a power of two"
        ));
    }
    let align = (align as usize).max(malloc::CACHE_LINE);
    if socket != SOCKET_ID_ANY && socket < 0 {
        return Err(err!(libc::EINVAL, "socket id {socket} is invalid"));
    }
    let requested = len
        .checked_next_multiple_of(malloc::CACHE_LINE)
        .ok_or_else(|| err!(libc::ENOMEM, "length {len} is too large"))?;
    if bound != 0 && (!bound.is_power_of_two() || (bound as usize) < requested) {
        return Err(err!(
            libc::EINVAL,
            "bound {bound} must be a power of two and at least the length {requested}"
        ));
    }
    if socket != SOCKET_ID_ANY && malloc::socket_is_external(socket).is_err() {
        // As DPDK: an id that could name a heap but names none is "no memory there".
        return Err(err!(libc::ENOMEM, "socket {socket} has no heap"));
    }
    let w = Write::begin(t);
    let fb = fb(t);
    if fb.count() >= fb.len() {
        return Err(err!(
            libc::ENOSPC,
            "all {} memzones are in use: free some with rte_memzone_free, or raise the limit before init ({MEMZONE_MAX_ENV}, rtemem_memzone_max_set)",
            fb.len()
        ));
    }
    let slot = match probe(t, name.as_bytes()) {
        Ok(_) => return Err(err!(libc::EEXIST, "memzone '{name}' already exists")),
        Err(Some(s)) => s,
        Err(None) => return Err(err!(libc::ENOSPC, "the memzone name index is full")),
    };
    let pol = policy(flags);
    let (addr, zlen) = if len == 0 {
        biggest(socket, align, bound as usize, &pol)?
    } else {
        let p = malloc::alloc(requested, align, socket, bound as usize, false, &pol).ok_or_else(
            || {
                err!(
                    libc::ENOMEM,
                    "no memory for memzone '{name}' ({requested} bytes on socket {socket})"
                )
            },
        )?;
        (p.as_ptr() as usize, requested)
    };
    if flags & crate::abi::RTE_MEMZONE_IOVA_CONTIG != 0 && !iova_contiguous(addr, zlen) {
        let _ = malloc::free(addr as *mut u8);
        return Err(err!(
            libc::ENOMEM,
            "no IOVA-contiguous memory for memzone '{name}' ({zlen} bytes)"
        ));
    }
    let idx = fb
        .find_next_free(0)
        .map_err(|_| err!(libc::ENOSPC, "no free memzone record"))?;
    let heap_socket = malloc::heap_of(addr as *const u8)
        .map(|e| e.socket_id)
        .unwrap_or(socket);
    let page_sz = memseg::seg_of(addr)
        // SAFETY: seg_of returns a used memseg slot.
        .map(|(_, _, ms)| unsafe { (*ms).hugepage_sz })
        .unwrap_or(0);
    let mut zname = [0 as c_char; RTE_MEMZONE_NAMESIZE];
    for (d, s) in zname.iter_mut().zip(name.bytes()) {
        *d = s as c_char;
    }
    let z = zone(t, idx);
    // SAFETY: a free record of the table; we hold the memzone write lock.
    unsafe {
        z.write(rte_memzone {
            name: zname,
            iova: malloc::virt2iova(addr as *const u8),
            u: crate::abi::rte_addr_union {
                addr_64: addr as u64,
            },
            len: zlen,
            hugepage_sz: page_sz,
            socket_id: heap_socket,
            flags,
        })
    };
    fb.set_used(idx)?;
    index(t)[slot].store(idx + 1, Ordering::Release);
    drop(w);
    Ok(z)
}

/// The biggest block a zone could take on `socket` (len 0: "the biggest free block").
fn biggest(socket: i32, align: usize, bound: usize, pol: &PagePolicy) -> Result<(usize, usize)> {
    let sockets: Vec<i32> = if socket == SOCKET_ID_ANY {
        malloc::heap_ids()
            .into_iter()
            .filter(|(_, _, ext)| !ext)
            .map(|(s, _, _)| s)
            .collect()
    } else {
        vec![socket]
    };
    let mut best: Option<(i32, usize)> = None;
    for s in sockets {
        if let Ok(st) = malloc::socket_stats(s) {
            if best.is_none_or(|(_, b)| st.greatest_free_size > b) {
                best = Some((s, st.greatest_free_size));
            }
        }
    }
    let (s, size) = best
        .filter(|&(_, b)| b > 0)
        .ok_or_else(|| err!(libc::ENOMEM, "no free memory for a zero-length memzone"))?;
    let mut n =
        (size & !(malloc::CACHE_LINE - 1)).saturating_sub(align.saturating_sub(malloc::CACHE_LINE));
    while n >= malloc::CACHE_LINE {
        if let Some(p) = malloc::alloc(n, align, s, bound, false, pol) {
            return Ok((p.as_ptr() as usize, n));
        }
        n -= malloc::CACHE_LINE.max((n / 64) & !(malloc::CACHE_LINE - 1));
    }
    Err(err!(
        libc::ENOMEM,
        "no free memory for a zero-length memzone"
    ))
}

/// `rte_memzone_free` (trace points `lib.eal.mem.free` and `lib.eal.memzone.free` for a
/// zone of the table; nothing is recorded for a pointer that is not one).
///
/// # Safety
/// `mz` is any pointer: it is checked against the table before it is read.
pub unsafe fn free(mz: *const rte_memzone) -> Result<()> {
    let t = table()?;
    let w = Write::begin(t);
    let fb = fb(t);
    let idx = fb
        .find_idx(mz.cast::<c_void>())
        .map_err(|_| err!(libc::EINVAL, "{mz:p} is not a memzone"))?;
    if zone(t, idx) != mz.cast_mut() || !fb.is_used(idx).unwrap_or(false) {
        return Err(err!(libc::EINVAL, "{mz:p} is not a reserved memzone"));
    }
    // SAFETY: a used record; we hold the write lock.
    let (addr, name) = unsafe {
        let z = &*mz;
        let n: Vec<u8> = z
            .name
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        (z.addr() as *mut u8, n)
    };
    if let Ok((slot, _)) = probe(t, &name) {
        index(t)[slot].store(TOMBSTONE, Ordering::Release);
    }
    let r = malloc::free_traced(addr);
    // SAFETY: the record is ours under the write lock; zero is a free record.
    unsafe { mz.cast_mut().write_bytes(0, 1) };
    fb.set_free(idx)?;
    drop(w);
    let rc = r.as_ref().map_or_else(|e| -e.errno, |_| 0);
    eal::memzone_free(TraceStr::from_bytes(&name), addr.cast(), rc);
    r
}

/// Calls `f` for every zone.
pub fn walk(mut f: impl FnMut(*const rte_memzone)) {
    let Ok(t) = table() else { return };
    let fb = fb(t);
    let _g = mcfg::memzone_read();
    let mut i = fb.find_next_used(0).ok();
    while let Some(idx) = i {
        f(zone(t, idx));
        i = if idx + 1 < fb.len() {
            fb.find_next_used(idx + 1).ok()
        } else {
            None
        };
    }
}

/// Writes DPDK's memzone dump to `out`.
pub fn dump(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut zones = Vec::new();
    walk(|z| zones.push(z));
    for (i, z) in zones.into_iter().enumerate() {
        // SAFETY: walk hands out used records.
        let z = unsafe { *z };
        let name: String = z
            .name
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8 as char)
            .collect();
        let (len, sock, flags, iova, page) = (z.len, z.socket_id, z.flags, z.iova, z.hugepage_sz);
        writeln!(
            out,
            "Zone {i}: name:<{name}>, len:0x{len:x}, virt:{:p}, socket_id:{sock}, flags:{flags:x}",
            z.addr()
        )?;
        writeln!(out, "physical segments used:")?;
        writeln!(
            out,
            "  addr: {:p} iova: 0x{iova:x} len: 0x{len:x} pagesz: 0x{page:x}",
            z.addr()
        )?;
    }
    Ok(())
}

/// Number of zones in use.
pub fn count() -> u32 {
    table().map(|t| fb(t).count()).unwrap_or(0)
}
