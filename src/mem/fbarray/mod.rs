//! File-backed arrays (DPDK's `rte_fbarray`): fixed-size element slots plus a used-bitmask,
//! in memory that other processes of the same `--file-prefix` can map at the same address.
//!
//! This is the bottom of DPDK's memory layering: every memseg list is an fbarray of
//! `rte_memseg`, and secondaries attach to the primary's arrays to see its memory map.
//!
//! # Layout (DPDK 22.11's, so C code and real DPDK processes agree)
//! `data` points to `len * elt_sz` bytes of elements, immediately followed by the used-mask:
//! a `u32` word count `n_masks = ceil(len / 64)`, 4 bytes of padding, then `n_masks` u64 words
//! (bit `i % 64` of word `i / 64` set = element `i` used). The mask may be unaligned (when
//! `len * elt_sz` is not a multiple of 8), so words are read and written unaligned. After the
//! mask, at the next 64-byte boundary, rtemem keeps the array's lock (an [`ShRwLock`]); the
//! whole area is rounded up to the page size ([`data_size`]).
//!
//! # Invariants
//! * `count` equals the number of set mask bits; mask bits at and past `len` are 0 (restored
//!   by [`Fb`]'s repair when a process died changing them).
//! * `len`, `elt_sz` and `data` never change between init and destroy.
//!
//! # Locking
//! The lock after the mask guards `count` and the mask across threads and processes:
//! `set_used`/`set_free` take it for writing, every query for reading, always through a guard.
//! Nothing takes it twice (DPDK's biggest-run search re-enters its own read-locked calls;
//! here it calls the unlocked searches under one read lock). `get` and `find_idx` are pointer
//! arithmetic on constant fields and take no lock. The process-local list of mapped areas has
//! its own mutex (in [`backing`]).
//!
//! Why the lock is not the struct's `rwlock`: DPDK's 4-byte `rte_rwlock_t` cannot say who
//! holds it, so a process killed inside `set_used` (or inside a search) left it held for good
//! and every other process of the prefix spun forever. Only rtemem's functions touch that
//! word (DPDK's headers have no inline fbarray code), so the array may keep its real lock
//! elsewhere; it stays 0. The lock lives in the array's own backing memory, so it covers every
//! array, including those applications create with `rte_fbarray_init` and attach with
//! `rte_fbarray_attach` (a table in the shared config would not), and in private arrays too.
//! OFD locks on the array's file would also be released by the kernel when their holder dies,
//! but they need a file (private arrays have none) and cost two syscalls per search. Measured
//! here (`find_next_free` on an 8192-entry array, single thread, medians of three runs):
//! no lock 8 ns, DPDK's `rte_rwlock_t` 27 ns, this lock 40 ns, an OFD read lock taken and
//! released around the search 950 ns; `set_used`/`set_free` with this lock 30 ns.
//!
//! A process killed while it holds the write lock may have left the mask and `count`
//! disagreeing. The lock is then poisoned ([`ShRwLock::is_poisoned`]); the next process that
//! takes it (for writing, or for reading: a reader first takes it for writing once) recounts
//! the mask, fixes `count` and clears the mark. A kill anywhere else leaves nothing to repair.
//!
//! Searches ([`mask`], [`query`]) reproduce DPDK 22.11.11's answers exactly, quirks included;
//! each quirk is named where it is reproduced.

pub mod backing;
mod mask;
mod query;

use std::ffi::{c_char, c_void};
use std::ptr::{addr_of, addr_of_mut, NonNull};

use crate::sync::rte_rwlock::RwLock;
use crate::sync::{fault, ShReadGuard, ShRwLock, ShWriteGuard};
pub use backing::Backing;
use mask::Words;
use query::View;

use crate::abi::{rte_fbarray, RTE_FBARRAY_NAME_LEN};
use crate::err;
use crate::error::{Error, Result};

/// Size of the used-mask for `len` elements: the count word (padded to 8) and the words.
fn mask_size(len: u32) -> usize {
    8 + 8 * mask::n_masks_for(len) as usize
}

/// Offset of the array's lock in its data area: after the elements and the mask, 64-aligned.
fn lock_offset(elt_sz: u32, len: u32) -> Option<usize> {
    // u32 * u32 fits in u64 (and usize on 64-bit); the additions are checked.
    (elt_sz as usize)
        .checked_mul(len as usize)?
        .checked_add(mask_size(len))?
        .checked_next_multiple_of(64)
}

/// Bytes mapped for an array: elements, mask (as DPDK) and the lock, rounded up to `page_sz`.
pub fn data_size(page_sz: usize, elt_sz: u32, len: u32) -> Result<usize> {
    lock_offset(elt_sz, len)
        .and_then(|o| o.checked_add(std::mem::size_of::<ShRwLock>()))
        .and_then(|s| s.checked_next_multiple_of(page_sz))
        .ok_or_else(|| err!(libc::ENOMEM, "{len} elements of {elt_sz} bytes overflow"))
}

/// DPDK's `fully_validate`: the checks shared by init, attach and dump.
fn validate(name: &[u8], elt_sz: u32, len: u32) -> Result<()> {
    if elt_sz == 0 || len == 0 || len > i32::MAX as u32 {
        return Err(err!(
            libc::EINVAL,
            "invalid array geometry: {len} elements of {elt_sz} bytes (need 1..=INT_MAX elements of at least 1 byte)"
        ));
    }
    if name.len() >= RTE_FBARRAY_NAME_LEN {
        return Err(err!(
            libc::ENAMETOOLONG,
            "array name is {} bytes; at most {} fit",
            name.len(),
            RTE_FBARRAY_NAME_LEN - 1
        ));
    }
    Ok(())
}

/// The name stored in a struct, up to its NUL (all 64 bytes when there is none).
///
/// # Safety
/// `arr` points to a readable `rte_fbarray`.
unsafe fn stored_name(arr: *const rte_fbarray) -> Vec<u8> {
    // SAFETY: the caller guarantees `arr` is readable; the name is a fixed array inside it.
    let raw: [c_char; RTE_FBARRAY_NAME_LEN] = unsafe { std::ptr::read(addr_of!((*arr).name)) };
    raw.iter()
        .map(|&c| c as u8)
        .take_while(|&b| b != 0)
        .collect()
}

/// Initializes the struct at `arr` as a new, empty array of `len` elements of `elt_sz` bytes
/// (`rte_fbarray_init`). The struct may live anywhere, including shared memory that other
/// processes will [`attach`] through.
///
/// # Safety
/// `arr` points to a writable `rte_fbarray` that no other thread uses during the call.
pub unsafe fn init(
    arr: *mut rte_fbarray,
    name: &[u8],
    len: u32,
    elt_sz: u32,
    backing: &Backing,
) -> Result<()> {
    validate(name, elt_sz, len)?;
    let size = data_size(crate::sys::page_size(), elt_sz, len)?;
    let data = backing::create(size, backing)?;
    // SAFETY: `data` is a fresh zeroed read-write mapping of `size` bytes (so its lock is
    // free), and the mask header lies inside it (size >= elements + mask + lock); the caller
    // guarantees `arr` is writable.
    unsafe {
        let msk = data.cast::<u8>().add(elt_sz as usize * len as usize);
        std::ptr::write_unaligned(msk.cast::<u32>(), mask::n_masks_for(len));
        // strlcpy: the name and its NUL; the rest of the field is left as it was.
        let dst = addr_of_mut!((*arr).name).cast::<u8>();
        std::ptr::copy_nonoverlapping(name.as_ptr(), dst, name.len());
        *dst.add(name.len()) = 0;
        addr_of_mut!((*arr).data).write(data);
        addr_of_mut!((*arr).len).write(len);
        addr_of_mut!((*arr).elt_sz).write(elt_sz);
        addr_of_mut!((*arr).count).write(0);
        RwLock::from_ptr(addr_of_mut!((*arr).rwlock)).init();
    }
    Ok(())
}

/// Maps an array that another process initialized (`rte_fbarray_attach`) at the address its
/// struct records, from `path` (see [`backing::file_path`]).
///
/// # Safety
/// `arr` points to a readable `rte_fbarray` whose fields another process initialized.
pub unsafe fn attach(arr: *mut rte_fbarray, path: &std::path::Path) -> Result<()> {
    // SAFETY: the caller guarantees `arr` is readable.
    let (name, elt_sz, len, data) =
        unsafe { (stored_name(arr), (*arr).elt_sz, (*arr).len, (*arr).data) };
    validate(&name, elt_sz, len)?;
    let size = data_size(crate::sys::page_size(), elt_sz, len)?;
    backing::attach(data, size, Some(path)).map(|_| ())
}

/// [`attach`] with the path DPDK uses: `fbarray_<name>` in the runtime dir.
///
/// # Safety
/// As for [`attach`].
pub unsafe fn attach_default(arr: *mut rte_fbarray) -> Result<()> {
    // SAFETY: the caller guarantees `arr` is readable.
    let name = unsafe { stored_name(arr) };
    // Validate first so a bad struct gets DPDK's errno rather than "no runtime dir".
    // SAFETY: as above.
    unsafe { validate(&name, (*arr).elt_sz, (*arr).len)? };
    let path = match Backing::for_name(&name) {
        Backing::File(p) => Some(p),
        Backing::Anonymous => None,
    };
    // SAFETY: the caller guarantees `arr` is readable.
    let (elt_sz, len, data) = unsafe { ((*arr).elt_sz, (*arr).len, (*arr).data) };
    let size = data_size(crate::sys::page_size(), elt_sz, len)?;
    backing::attach(data, size, path.as_deref()).map(|_| ())
}

/// Page-rounded size of the array `arr` describes.
///
/// # Safety
/// `arr` points to a readable `rte_fbarray`.
unsafe fn mapped_size(arr: *const rte_fbarray) -> Result<usize> {
    // SAFETY: the caller guarantees `arr` is readable.
    let (elt_sz, len) = unsafe { ((*arr).elt_sz, (*arr).len) };
    data_size(crate::sys::page_size(), elt_sz, len)
}

/// Unmaps this process's view of the array (`rte_fbarray_detach`); the struct is untouched.
///
/// # Safety
/// `arr` points to a readable `rte_fbarray`; nobody in this process uses its data afterwards.
pub unsafe fn detach(arr: *mut rte_fbarray) -> Result<()> {
    // SAFETY: caller guarantee.
    let (size, data) = unsafe { (mapped_size(arr)?, (*arr).data) };
    backing::detach(data, size)
}

/// Deletes the array (`rte_fbarray_destroy`): `EBUSY` while another process has it mapped;
/// on success the struct is zeroed.
///
/// # Safety
/// `arr` points to a writable `rte_fbarray`; nobody uses its data afterwards.
pub unsafe fn destroy(arr: *mut rte_fbarray) -> Result<()> {
    // SAFETY: caller guarantee.
    let (size, data) = unsafe { (mapped_size(arr)?, (*arr).data) };
    backing::destroy(data, size)?;
    // SAFETY: caller guarantee: the struct is writable.
    unsafe { std::ptr::write_bytes(arr, 0, 1) };
    Ok(())
}

/// The mask words of a mapped array, read unaligned.
struct RawMask {
    words: *const u8,
    n: u32,
}

impl Words for RawMask {
    fn n_masks(&self) -> u32 {
        self.n
    }
    fn word(&self, i: u32) -> u64 {
        debug_assert!(i < self.n, "mask word {i} past the end ({})", self.n);
        // SAFETY: `words` points to `n` u64 words inside the mapping (see `Fb::mask`).
        unsafe { std::ptr::read_unaligned(self.words.add(8 * i as usize).cast::<u64>()) }
    }
}

/// Which search an entry point runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// `find_next_*` / `find_prev_*`
    Find { next: bool },
    /// `find_next_n_*` / `find_prev_n_*`
    FindN { next: bool, n: u32 },
    /// `find_contig_*` / `find_rev_contig_*`
    Contig { next: bool },
    /// `find_biggest_*` / `find_rev_biggest_*`
    Biggest { rev: bool },
}

/// A handle on a mapped (initialized or attached) array, for element and mask operations.
#[derive(Clone, Copy)]
pub struct Fb {
    arr: NonNull<rte_fbarray>,
}

impl Fb {
    /// Wraps `arr`; None for NULL.
    ///
    /// # Safety
    /// When non-NULL, `arr` points to an `rte_fbarray` that was initialized or attached in
    /// this process and stays mapped (with its data) while the handle is used.
    pub unsafe fn from_ptr(arr: *mut rte_fbarray) -> Option<Fb> {
        NonNull::new(arr).map(|arr| Fb { arr })
    }

    fn raw(&self) -> *mut rte_fbarray {
        self.arr.as_ptr()
    }

    /// Number of elements.
    pub fn len(&self) -> u32 {
        // SAFETY: `from_ptr`'s contract: the struct is mapped; `len` is constant after init.
        unsafe { addr_of!((*self.raw()).len).read_volatile() }
    }

    /// True for an array of no elements (only a zeroed/destroyed struct).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Size of one element.
    pub fn elt_sz(&self) -> u32 {
        // SAFETY: as in `len`.
        unsafe { addr_of!((*self.raw()).elt_sz).read_volatile() }
    }

    /// Start of the element area.
    pub fn data(&self) -> *mut c_void {
        // SAFETY: as in `len`.
        unsafe { addr_of!((*self.raw()).data).read_volatile() }
    }

    fn count_ptr(&self) -> *mut u32 {
        // SAFETY: as in `len`; only the address is computed.
        unsafe { addr_of_mut!((*self.raw()).count) }
    }

    /// Number of used elements (a snapshot).
    pub fn count(&self) -> u32 {
        self.read(|| {
            // SAFETY: under the read lock, writers are excluded.
            unsafe { self.count_ptr().read_volatile() }
        })
    }

    /// The array's lock (after the mask, see the module doc).
    pub fn lock(&self) -> &ShRwLock {
        let off = lock_offset(self.elt_sz(), self.len()).expect("checked at init");
        // SAFETY: the data area is mapped (contract of `from_ptr`) and `data_size` made room for
        // the lock at this 64-aligned offset inside it; it is shared memory used only
        // atomically, valid when zeroed, and never moves while the array is mapped.
        unsafe { &*self.data().cast::<u8>().add(off).cast::<ShRwLock>() }
    }

    /// Holds the array's lock for reading; repairs first if a writer died holding it.
    fn read_guard(&self) -> ShReadGuard<'_> {
        loop {
            let g = self.lock().read();
            if !g.lock().is_poisoned() {
                return g;
            }
            drop(g);
            drop(self.write_guard());
        }
    }

    /// Holds the array's lock for writing; repairs first if a writer died holding it.
    fn write_guard(&self) -> ShWriteGuard<'_> {
        let g = self.lock().write();
        if g.is_poisoned() {
            self.repair();
            g.clear_poison();
        }
        g
    }

    /// Restores the invariants a writer killed inside [`Fb::set`] may have broken: no mask
    /// bits past `len`, and `count` equal to the number of set bits. Write lock held.
    fn repair(&self) {
        let m = self.mask();
        let len = self.len();
        let mut used = 0u32;
        for i in 0..m.n {
            let mut w = m.word(i);
            let first = i * mask::WORD_BITS;
            if len - first < mask::WORD_BITS {
                let keep = (1u64 << (len - first)) - 1;
                if w & !keep != 0 {
                    w &= keep;
                    // SAFETY: word i < n_masks of the mapped mask; write lock held.
                    unsafe {
                        m.words
                            .add(8 * i as usize)
                            .cast::<u64>()
                            .cast_mut()
                            .write_unaligned(w)
                    };
                }
            }
            used += w.count_ones();
        }
        // SAFETY: write lock held.
        let count = unsafe { self.count_ptr().read_volatile() };
        if count != used {
            // SAFETY: as above.
            unsafe { self.count_ptr().write_volatile(used) };
        }
        // SAFETY: `from_ptr`'s contract: the struct is readable.
        let name = unsafe { stored_name(self.raw()) };
        crate::eal_log!(
            crate::base::log::RTE_LOG_WARNING,
            "fbarray {}: a process died while changing it; used count checked ({count} -> {used})",
            String::from_utf8_lossy(&name)
        );
    }

    fn read<T>(&self, f: impl FnOnce() -> T) -> T {
        let _g = self.read_guard();
        f()
    }

    fn check_mapped(&self) -> Result<()> {
        if self.data().is_null() || self.is_empty() || self.elt_sz() == 0 {
            return Err(err!(
                libc::EINVAL,
                "the array is not initialized (no data, length or element size)"
            ));
        }
        Ok(())
    }

    fn mask(&self) -> RawMask {
        let (len, elt_sz) = (self.len(), self.elt_sz());
        // SAFETY: `data` maps elements then the mask (layout in the module doc); the offset is
        // inside the mapping because data_size() >= elements + mask.
        let words = unsafe {
            self.data()
                .cast::<u8>()
                .add(elt_sz as usize * len as usize + 8)
        };
        RawMask {
            words,
            n: mask::n_masks_for(len),
        }
    }

    fn view<'m>(&self, m: &'m RawMask) -> View<'m, RawMask> {
        // SAFETY: called under the read lock; `count` is only written under the write lock.
        let count = unsafe { self.count_ptr().read_volatile() };
        View {
            len: self.len(),
            count,
            mask: m,
        }
    }

    fn check_idx(&self, idx: u32) -> Result<()> {
        self.check_mapped()?;
        if idx >= self.len() {
            return Err(err!(
                libc::EINVAL,
                "index {idx} is out of range (array length {})",
                self.len()
            ));
        }
        Ok(())
    }

    /// Address of element `idx` (`rte_fbarray_get`).
    pub fn get(&self, idx: u32) -> Result<*mut c_void> {
        if idx >= self.len() {
            return Err(err!(
                libc::EINVAL,
                "index {idx} is out of range (array length {})",
                self.len()
            ));
        }
        // SAFETY: idx < len, so the offset stays inside the element area.
        Ok(unsafe {
            self.data()
                .cast::<u8>()
                .add(idx as usize * self.elt_sz() as usize)
                .cast()
        })
    }

    /// Index of the element containing `elt` (`rte_fbarray_find_idx`).
    pub fn find_idx(&self, elt: *const c_void) -> Result<u32> {
        let start = self.data() as usize;
        let end = start.saturating_add(self.elt_sz() as usize * self.len() as usize);
        let at = elt as usize;
        if elt.is_null() || at < start || at >= end {
            return Err(err!(
                libc::EINVAL,
                "{elt:p} is not inside the array's elements"
            ));
        }
        // at < end implies elt_sz > 0.
        Ok(((at - start) / self.elt_sz() as usize) as u32)
    }

    /// Marks element `idx` used or free (`rte_fbarray_set_used`/`set_free`); idempotent.
    pub fn set(&self, idx: u32, used: bool) -> Result<()> {
        self.check_idx(idx)?;
        let m = self.mask();
        let word = (idx / mask::WORD_BITS) as usize;
        let bit = 1u64 << (idx % mask::WORD_BITS);
        let _g = self.write_guard();
        // SAFETY: under the write lock nobody else reads or writes the mask or count;
        // `word < n_masks` because idx < len.
        let p = unsafe { m.words.add(8 * word).cast::<u64>().cast_mut() };
        // SAFETY: as above.
        let w = unsafe { p.read_unaligned() };
        if (w & bit != 0) != used {
            // SAFETY: as above.
            unsafe { p.write_unaligned(w ^ bit) };
            // The worst place to die: the mask changed, the count not yet (see `repair`).
            fault::point("fbarray.set");
            let c = self.count_ptr();
            // SAFETY: as above.
            unsafe {
                c.write_volatile(if used {
                    c.read_volatile() + 1
                } else {
                    c.read_volatile() - 1
                })
            };
        }
        Ok(())
    }

    /// Marks element `idx` used.
    pub fn set_used(&self, idx: u32) -> Result<()> {
        self.set(idx, true)
    }

    /// Marks element `idx` free.
    pub fn set_free(&self, idx: u32) -> Result<()> {
        self.set(idx, false)
    }

    /// Whether element `idx` is used (`rte_fbarray_is_used`).
    pub fn is_used(&self, idx: u32) -> Result<bool> {
        self.check_idx(idx)?;
        let m = self.mask();
        self.read(|| Ok(m.word(idx / mask::WORD_BITS) >> (idx % mask::WORD_BITS) & 1 == 1))
    }

    /// [`Fb::is_used`] without the array's lock (see [`Fb::find_next_used_unlocked`]).
    pub fn is_used_unlocked(&self, idx: u32) -> Result<bool> {
        self.check_idx(idx)?;
        let m = self.mask();
        Ok(m.word(idx / mask::WORD_BITS) >> (idx % mask::WORD_BITS) & 1 == 1)
    }

    /// [`Fb::find_next_used`] without the array's lock, for callers that know nobody changes
    /// the array meanwhile: the memory sync (the process changing memseg lists holds the
    /// hotplug write lock while it waits for this process) and the attach scan (under the
    /// hotplug read lock). A process killed in here leaves no lock held; DPDK's lock word has
    /// no room to record its holders, so a dead reader would block every writer for good.
    pub fn find_next_used_unlocked(&self, start: u32) -> Result<u32> {
        let what = Search::Find { next: true };
        if self.check_mapped().is_err() {
            return Err(self.search_error(libc::EINVAL, what, start, true));
        }
        let m = self.mask();
        match self.view(&m).find(start, true, true) {
            Ok(v) => Ok(v as u32),
            Err(e) => Err(self.search_error(e, what, start, true)),
        }
    }

    /// Runs one of DPDK's searches for used (`used`) or free entries from `start`.
    /// `Ok` carries DPDK's non-negative result, `Err` its errno (EINVAL, ENOENT, ENOSPC). The
    /// flag says whether DPDK sets `rte_errno` to 0 on this success (biggest-run quirk).
    pub(crate) fn search_raw(
        &self,
        what: Search,
        start: u32,
        used: bool,
    ) -> (std::result::Result<i32, i32>, bool) {
        if self.check_mapped().is_err() {
            return (Err(libc::EINVAL), false);
        }
        let m = self.mask();
        self.read(|| {
            fault::point("fbarray.find");
            let v = self.view(&m);
            match what {
                Search::Find { next } => (v.find(start, next, used), false),
                Search::FindN { next, n } => (v.find_n(start, n, next, used), false),
                Search::Contig { next } => (v.find_contig(start, next, used), false),
                Search::Biggest { rev } => v.find_biggest(start, used, rev),
            }
        })
    }

    /// Runs a search (see [`Search`]); errors carry DPDK's errno and say why.
    pub fn search(&self, what: Search, start: u32, used: bool) -> Result<u32> {
        match self.search_raw(what, start, used).0 {
            Ok(v) => Ok(v as u32),
            Err(e) => Err(self.search_error(e, what, start, used)),
        }
    }

    /// [`Fb::search`] as the exported functions answer it: on the successes where DPDK leaves
    /// `rte_errno` at 0 (the biggest-run searches, see `query`), `rte_errno` becomes 0 here too.
    pub fn search_as_dpdk(&self, what: Search, start: u32, used: bool) -> Result<u32> {
        let (r, clears) = self.search_raw(what, start, used);
        match r {
            Ok(v) => {
                if clears {
                    crate::base::errno::set(0);
                }
                Ok(v as u32)
            }
            Err(e) => Err(self.search_error(e, what, start, used)),
        }
    }

    pub(crate) fn search_error(&self, errno: i32, what: Search, start: u32, used: bool) -> Error {
        let kind = if used { "used" } else { "free" };
        match errno {
            libc::EINVAL => match what {
                Search::FindN { n, .. } if n == 0 || n > self.len() => {
                    err!(errno, "run length {n} is not in 1..={}", self.len())
                }
                _ => err!(
                    errno,
                    "start {start} is out of range (array length {})",
                    self.len()
                ),
            },
            _ => err!(errno, "no {kind} entries found ({what:?} from {start})"),
        }
    }

    /// First free entry at or after `start`.
    pub fn find_next_free(&self, start: u32) -> Result<u32> {
        self.search(Search::Find { next: true }, start, false)
    }

    /// First used entry at or after `start`.
    pub fn find_next_used(&self, start: u32) -> Result<u32> {
        self.search(Search::Find { next: true }, start, true)
    }

    /// Start of the first run of `n` free entries at or after `start` (DPDK's quirk: may
    /// report a run that reaches past the end, see `mask::find_next_n`).
    pub fn find_next_n_free(&self, start: u32, n: u32) -> Result<u32> {
        self.search(Search::FindN { next: true, n }, start, false)
    }

    /// Start of the last run of `n` free entries ending at or before `start`.
    pub fn find_prev_n_free(&self, start: u32, n: u32) -> Result<u32> {
        self.search(Search::FindN { next: false, n }, start, false)
    }

    /// Length of the used run starting at `start`.
    pub fn find_contig_used(&self, start: u32) -> Result<u32> {
        self.search(Search::Contig { next: true }, start, true)
    }

    /// Writes DPDK's metadata dump (`rte_fbarray_dump_metadata`) as text.
    pub fn dump(&self) -> String {
        // SAFETY: `from_ptr`'s contract: the struct is readable.
        let name = unsafe { stored_name(self.raw()) };
        if validate(&name, self.elt_sz(), self.len()).is_err() || self.data().is_null() {
            return "Invalid file-backed array\n".into();
        }
        let m = self.mask();
        self.read(|| {
            // SAFETY: under the read lock.
            let count = unsafe { self.count_ptr().read_volatile() };
            let mut s = format!(
                "File-backed array: {}\nsize: {} occupied: {} elt_sz: {}\n",
                String::from_utf8_lossy(&name),
                self.len() as i32,
                count as i32,
                self.elt_sz() as i32
            );
            for i in 0..m.n_masks() {
                s.push_str(&format!("msk idx {i}: 0x{:016x}\n", m.word(i)));
            }
            s
        })
    }
}

/// `rte_fbarray_dump_metadata`'s text ([`Fb::dump`]). As DPDK, a struct that breaks the
/// geometry or name rules still gets its "Invalid" line, with `rte_errno` set to why; a name
/// holding a NUL (which the C stream would cut) is refused.
///
/// # Safety
/// `arr` points to a readable `rte_fbarray`, mapped in this process when it is valid.
pub(crate) unsafe fn dump_metadata(arr: *mut rte_fbarray) -> Result<String> {
    // SAFETY: caller guarantee.
    if let Err(e) = unsafe { validate(&stored_name(arr), (*arr).elt_sz, (*arr).len) } {
        crate::base::errno::set(e.errno);
    }
    // SAFETY: caller guarantee; arr is non-NULL.
    let text = unsafe { Fb::from_ptr(arr) }
        .ok_or_else(|| err!(libc::EINVAL, "arr is NULL"))?
        .dump();
    if text.contains('\0') {
        return Err(err!(libc::EINVAL, "array name holds a NUL"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests;
