//! Pages in and out of memseg lists, in every backing mode DPDK 22.11 has.
//!
//! | mode | backing of a page | DPDK option |
//! | --- | --- | --- |
//! | [`Mode::FilePerPage`] | its own file `<hugedir>/<prefix>map_<list*8192+seg>` | (default) |
//! | [`Mode::SingleFile`] | a range of one file per list, `<hugedir>/<prefix>map_<list>` | `--single-file-segments` |
//! | [`Mode::Memfd`] | a range of one hugetlb memfd per list; no files | `--in-memory` |
//! | [`Mode::NoHuge`] | 4 KiB pages of one memfd, all mapped at init | `--no-huge` |
//!
//! Allocating a page never risks SIGBUS: the hugepage is taken from the pool with `fallocate`
//! (ENOSPC when the pool or a hugetlbfs quota is exhausted) before it is mapped, and it is
//! faulted in with MADV_POPULATE_WRITE, which reports failure instead of raising a signal. So
//! running out of hugepages makes the allocation fail with ENOMEM and leaves everything else as
//! it was.
//!
//! Every page file is kept locked (shared flock) by the process that maps it; that is how a new
//! primary tells files of a crashed process (removable) from files in use
//! ([`crate::mem::hugepage::clear_stale`]).
//!
//! Locking:
//! - Callers hold the memory hotplug lock (`mcfg::mem_write()`) around [`alloc_pages`] and
//!   [`free_pages`] *and* the sync broadcast that follows them, so every change to the page set
//!   is seen by every process before the next change starts. Without that, a process syncing
//!   late could find a slot freed and taken again by a third process and keep the old page
//!   mapped there (an ABA on the slot), and a secondary attaching could miss a page.
//! - [`sync_all`] runs on the IPC thread without the hotplug lock (the process holding it is
//!   waiting for the answer); the process-local `LOCAL` mutex makes it atomic with respect to
//!   this process's own page changes.
//! - The per-process file table has its own mutex.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::abi::{rte_memseg, rte_memseg_list, RTE_BAD_IOVA, RTE_MEMSEG_FLAG_DO_NOT_FREE};
use crate::err;
use crate::error::{Error, Result};
use crate::mem::memseg::{self, MAX_MEMSEG_PER_LIST};
use crate::options::{EalConfig, HugeUnlink};
use crate::sys;

/// How pages are backed in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    FilePerPage,
    SingleFile,
    Memfd,
    NoHuge,
}

/// Process-wide facts the allocator needs, fixed at init.
#[derive(Debug)]
pub struct Ctx {
    pub mode: Mode,
    pub prefix: String,
    pub unlink: HugeUnlink,
    pub iova_va: bool,
    pub nchannel: u32,
    pub nrank: u32,
    /// hugetlbfs directory per page size.
    pub dirs: BTreeMap<u64, PathBuf>,
    pub numa: bool,
}

static CTX: OnceLock<Ctx> = OnceLock::new();

/// Descriptors this process holds for the pages it mapped: one per page (file per page) or one
/// per list (single file, memfd). Keeping them open keeps the page files locked.
#[derive(Default)]
struct Files {
    per_page: BTreeMap<(usize, u32), OwnedFd>,
    per_list: BTreeMap<usize, OwnedFd>,
}

/// Pages this process has mapped, per list: a per-process cache of the shared fbarrays that
/// [`sync_all`] brings back in step with them.
static MAPPED: Mutex<BTreeMap<usize, Vec<u64>>> = Mutex::new(BTreeMap::new());

fn mark_mapped(li: usize, seg: u32, on: bool) {
    let mut m = MAPPED.lock().unwrap_or_else(|p| p.into_inner());
    let bits = m.entry(li).or_default();
    let (w, b) = (seg as usize / 64, seg % 64);
    if bits.len() <= w {
        bits.resize(w + 1, 0);
    }
    if on {
        bits[w] |= 1 << b;
    } else {
        bits[w] &= !(1 << b);
    }
}

fn is_mapped(li: usize, seg: u32) -> bool {
    let m = MAPPED.lock().unwrap_or_else(|p| p.into_inner());
    m.get(&li)
        .and_then(|b| b.get(seg as usize / 64))
        .is_some_and(|w| w >> (seg % 64) & 1 == 1)
}

/// Serialises this process's own page changes with [`sync_all`] on the IPC thread.
static LOCAL: Mutex<()> = Mutex::new(());

fn local() -> std::sync::MutexGuard<'static, ()> {
    LOCAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Set once this process's memory is set up (primary init done, or secondary attach scan
/// done). Before that [`sync_all`] has nothing to bring in step: the attach scan, made under
/// the hotplug read lock, maps whatever changed before it.
static READY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The shared `sync_epoch` this process has checked its pages against.
static EPOCH_SEEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Marks this process's memory as set up (see `READY`).
pub fn set_ready() {
    if let Some(m) = crate::base::mcfg::get() {
        EPOCH_SEEN.store(
            m.sync_epoch.load(std::sync::atomic::Ordering::Acquire),
            std::sync::atomic::Ordering::Relaxed,
        );
    }
    READY.store(true, std::sync::atomic::Ordering::Release);
}

/// The inode and device of an open descriptor or of a path.
fn identity(fd: Option<std::os::fd::RawFd>, path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    match fd {
        Some(fd) => sys::fd_identity(fd),
        None => std::fs::metadata(path).ok().map(|m| (m.ino(), m.dev())),
    }
}

/// After a sync that did not reach everyone in time, a page this process maps may have been
/// freed and its slot taken again meanwhile (a new file under the same name): unmaps every page
/// whose file is not the one mapped, so the sync maps the current one. Only one file per page
/// has this problem (a hole punched in a shared file unmaps it everywhere), and only files that
/// stay linked can be checked.
fn forget_replaced_pages(c: &Ctx) {
    if c.mode != Mode::FilePerPage || c.unlink == HugeUnlink::Always {
        return;
    }
    let mine: Vec<((usize, u32), std::os::fd::RawFd)> = files()
        .per_page
        .iter()
        .map(|(&k, fd)| (k, fd.as_raw_fd()))
        .collect();
    for ((li, seg), fd) in mine {
        let Some(msl) = memseg::list(li) else {
            continue;
        };
        let Ok(path) = page_path(c, msl.page_sz, li as u64 * MAX_MEMSEG_PER_LIST + seg as u64)
        else {
            continue;
        };
        let (Some(held), Some(now)) = (identity(Some(fd), &path), identity(None, &path)) else {
            continue;
        };
        if held != now {
            let len = msl.page_sz as usize;
            let va = msl.base_va() as usize + seg as usize * len;
            // SAFETY: the mapped page was freed by its owner; this process must not use it.
            if unsafe { sys::rereserve(va, len) }.is_ok() {
                files().per_page.remove(&(li, seg));
                mark_mapped(li, seg, false);
            }
        }
    }
}

static FILES: Mutex<Files> = Mutex::new(Files {
    per_page: BTreeMap::new(),
    per_list: BTreeMap::new(),
});

fn files() -> std::sync::MutexGuard<'static, Files> {
    FILES.lock().unwrap_or_else(|p| p.into_inner())
}

/// Chooses the mode for `cfg`.
pub fn mode_for(cfg: &EalConfig) -> Mode {
    if cfg.no_huge {
        Mode::NoHuge
    } else if cfg.in_memory {
        Mode::Memfd
    } else if cfg.single_file_segments {
        Mode::SingleFile
    } else {
        Mode::FilePerPage
    }
}

/// Records the allocator context (once, at init).
pub fn set_ctx(ctx: Ctx) {
    let _ = CTX.set(ctx);
}

/// This process's backing mode, once memory is initialised.
pub fn mode() -> Option<Mode> {
    CTX.get().map(|c| c.mode)
}

fn ctx() -> Result<&'static Ctx> {
    CTX.get().ok_or_else(|| {
        err!(
            libc::ENODEV,
            "memory is not initialised (call rte_eal_init first)"
        )
    })
}

fn page_path(c: &Ctx, page_sz: u64, n: u64) -> Result<PathBuf> {
    let dir = c.dirs.get(&page_sz).ok_or_else(|| {
        err!(
            libc::ENOENT,
            "no hugetlbfs directory for {} KiB pages",
            page_sz >> 10
        )
    })?;
    Ok(dir.join(format!(
        "{}{n}",
        crate::mem::hugepage::page_file_prefix(&c.prefix)
    )))
}

fn open_locked(path: &std::path::Path) -> Result<File> {
    open_page_file(path, true)
}

/// Opens (creating it when `create`) and share-locks a page file.
fn open_page_file(path: &std::path::Path, create: bool) -> Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(create)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::os(format!("cannot open page file {}", path.display()), e))?;
    sys::flock_file(&f, sys::LockMode::Shared, true)
        .map_err(|e| Error::os(format!("cannot lock {}", path.display()), e))?;
    Ok(f)
}

/// The descriptor and offset backing page `seg` of list `li`, creating the list's file or memfd
/// on first use. Returns (fd, offset, path if the file should be unlinked on free).
fn backing_for(
    c: &Ctx,
    f: &mut Files,
    li: usize,
    seg: u32,
    page_sz: u64,
) -> Result<(std::os::fd::RawFd, u64, Option<PathBuf>)> {
    backing(c, f, li, seg, page_sz, true)
}

/// As [`backing_for`]; without `create`, only existing files are opened (mapping pages
/// another process allocated: a file that vanished must fail, not appear empty).
fn backing(
    c: &Ctx,
    f: &mut Files,
    li: usize,
    seg: u32,
    page_sz: u64,
    create: bool,
) -> Result<(std::os::fd::RawFd, u64, Option<PathBuf>)> {
    let off = seg as u64 * page_sz;
    match c.mode {
        Mode::FilePerPage => {
            let path = page_path(c, page_sz, li as u64 * MAX_MEMSEG_PER_LIST + seg as u64)?;
            let file = open_page_file(&path, create)?;
            let fd = file.as_raw_fd();
            f.per_page.insert((li, seg), file.into());
            Ok((fd, 0, Some(path)))
        }
        Mode::SingleFile | Mode::Memfd | Mode::NoHuge => {
            if let std::collections::btree_map::Entry::Vacant(slot) = f.per_list.entry(li) {
                let fd: OwnedFd = match c.mode {
                    Mode::SingleFile => {
                        open_page_file(&page_path(c, page_sz, li as u64)?, create)?.into()
                    }
                    Mode::Memfd => sys::memfd(&format!("seg_{li}"), Some(page_sz))?,
                    _ => sys::memfd("nohuge", None)?,
                };
                slot.insert(fd);
            }
            Ok((f.per_list[&li].as_raw_fd(), off, None))
        }
    }
}

/// A page being allocated: its slot and backing.
struct Prep {
    seg: u32,
    fd: std::os::fd::RawFd,
    off: u64,
    /// The page's own file (one file per page), removed when the allocation is undone.
    path: Option<PathBuf>,
}

/// Fewest pages worth splitting over helper threads (each page costs ~0.1-0.3 ms of kernel
/// zeroing; a thread costs ~30 us to start).
const PARALLEL_MIN_PAGES: usize = 8;
/// Most helper threads used to take pages.
const PARALLEL_MAX_THREADS: usize = 8;

/// Runs `work` over `items` in chunks, in order, and returns each item's result. With
/// `parallel` (only at init: at run time the CPUs belong to the application's lcores) and
/// enough items, the chunks run on helper threads on the CPUs the process started with.
fn run_chunked<I: Sync, T: Send>(
    items: &[I],
    parallel: bool,
    work: impl Fn(&[I]) -> Vec<Result<T>> + Sync,
) -> Vec<Result<T>> {
    let cpus = if parallel && items.len() >= PARALLEL_MIN_PAGES {
        crate::base::lcore::startup_cpuset()
    } else {
        Default::default()
    };
    let threads = cpus
        .cpus()
        .len()
        .min(PARALLEL_MAX_THREADS)
        .min(items.len() / (PARALLEL_MIN_PAGES / 2).max(1));
    if threads < 2 {
        return work(items);
    }
    let per = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|s| {
        let hs: Vec<_> = items
            .chunks(per)
            .map(|chunk| {
                std::thread::Builder::new()
                    .name("rtemem-zero".into())
                    .spawn_scoped(s, move || {
                        let _ = crate::base::lcore::cpuset::set_current_thread_affinity(&cpus);
                        work(chunk)
                    })
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for (h, chunk) in hs.into_iter().zip(items.chunks(per)) {
            match h {
                Ok(h) => out.extend(h.join().unwrap_or_else(|_| {
                    chunk
                        .iter()
                        .map(|_| Err(err!(libc::EIO, "page allocation thread panicked")))
                        .collect()
                })),
                // No thread: do this chunk here.
                Err(_) => out.extend(work(chunk)),
            }
        }
        out
    })
}

/// Runs `f` with the calling thread's memory policy preferring `node` (when given).
fn on_node<T>(node: Option<u32>, f: impl FnOnce() -> T) -> T {
    let policy = sys::prefer_node(node);
    let r = f();
    if policy.is_ok() && node.is_some() {
        let _ = sys::prefer_node(None);
    }
    r
}

/// Takes the hugepages of `preps` from the pool (`fallocate`: where the kernel finds and
/// zeroes them, the slow part), on `node` when given; in parallel at init (see
/// [`run_chunked`]). Returns each page's result, in order.
fn take_pages(preps: &[Prep], page_sz: u64, node: Option<u32>, parallel: bool) -> Vec<Result<()>> {
    run_chunked(preps, parallel, |chunk| {
        on_node(node, || {
            chunk
                .iter()
                .map(|p| {
                    // SAFETY: the descriptor stays open in the Files table while pages are
                    // taken.
                    let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(p.fd) };
                    sys::allocate(&fd, p.off, page_sz)
                })
                .collect()
        })
    })
}

/// Undoes the backing of pages that were prepared (and possibly taken) but not mapped.
fn drop_preps(f: &mut Files, li: usize, preps: &[Prep], taken: &[bool], page_sz: u64) {
    for (p, &t) in preps.iter().zip(taken) {
        if t {
            // SAFETY: as in take_pages.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(p.fd) };
            let _ = sys::deallocate(&fd, p.off, page_sz);
        }
        if let Some(path) = &p.path {
            let _ = std::fs::remove_file(path);
        }
        f.per_page.remove(&(li, p.seg));
    }
}

/// Maps and records page `p` of list `li`, whose hugepage was taken. On error the page is
/// unmapped again (the caller gives the hugepage back).
///
/// # Safety
/// The caller holds the memory hotplug write lock and `LOCAL`; the slot is free.
unsafe fn map_taken(
    c: &Ctx,
    msl: &rte_memseg_list,
    li: usize,
    p: &Prep,
    flags: u32,
) -> Result<*mut rte_memseg> {
    let page_sz = msl.page_sz;
    let len = page_sz as usize;
    let va = msl.base_va() as usize + p.seg as usize * len;
    // SAFETY: va..va+len lies in the list's reservation and the slot is free (caller).
    unsafe { sys::map_fixed(va, len, p.fd, p.off) }?;
    let addr = std::ptr::NonNull::new(va as *mut u8).expect("non-null");
    let unmap = || {
        // SAFETY: the page is ours and unused.
        let _ = unsafe { sys::rereserve(va, len) };
    };
    // SAFETY: the page was just mapped by us and is writable.
    if let Err(e) = unsafe { sys::populate(addr, len) } {
        unmap();
        return Err(e);
    }
    if c.numa && msl.socket_id >= 0 {
        // As DPDK, check where the page landed: MPOL_PREFERRED falls back to another node
        // when the wanted one has no free hugepage, and the memseg must say where it is.
        if let Some(node) = sys::node_of(va) {
            if node != msl.socket_id as u32 {
                unmap();
                return Err(err!(
                    libc::ENOMEM,
                    "no free {} KiB hugepage on socket {} (the kernel gave one from node {node}): reserve more with /sys/devices/system/node/node{}/hugepages/hugepages-{}kB/nr_hugepages",
                    page_sz >> 10,
                    msl.socket_id,
                    msl.socket_id,
                    page_sz >> 10
                ));
            }
        }
    }
    if c.unlink == HugeUnlink::Always {
        if let Some(path) = &p.path {
            let _ = std::fs::remove_file(path);
        }
    }
    let iova = if c.iova_va {
        va as u64
    } else {
        sys::virt2phys(va).unwrap_or(RTE_BAD_IOVA)
    };
    let Some(ms) = memseg::seg(msl, p.seg) else {
        unmap();
        return Err(err!(libc::EINVAL, "segment {} out of range", p.seg));
    };
    // SAFETY: ms is slot `seg` of the list's fbarray, owned by us under the hotplug lock.
    unsafe {
        ms.write(rte_memseg {
            iova,
            u: crate::abi::rte_addr_union { addr_64: va as u64 },
            len,
            hugepage_sz: page_sz,
            socket_id: msl.socket_id,
            nchannel: c.nchannel,
            nrank: c.nrank,
            flags,
        });
    }
    // Inside a memseg operation: the page is mapped and described, its slot not yet used.
    crate::sync::fault::point("memalloc.map_taken");
    if let Err(e) = memseg::segs(msl).set_used(p.seg) {
        // SAFETY: the slot is still free; zero is a free slot's content.
        unsafe { ms.write_bytes(0, 1) };
        unmap();
        return Err(e);
    }
    mark_mapped(li, p.seg, true);
    Ok(ms)
}

/// Allocates pages `slots` of list `li`: all or nothing.
///
/// # Safety
/// The caller holds the memory hotplug write lock; the slots are free.
unsafe fn alloc_segs(
    c: &Ctx,
    li: usize,
    msl: &rte_memseg_list,
    slots: &[u32],
    flags: u32,
    parallel: bool,
) -> Result<Vec<*mut rte_memseg>> {
    let page_sz = msl.page_sz;
    let _l = local();
    let mut preps = Vec::with_capacity(slots.len());
    {
        let mut f = files();
        for &seg in slots {
            match backing_for(c, &mut f, li, seg, page_sz) {
                Ok((fd, off, path)) => preps.push(Prep { seg, fd, off, path }),
                Err(e) => {
                    drop_preps(&mut f, li, &preps, &vec![false; preps.len()], page_sz);
                    return Err(e);
                }
            }
        }
    }
    let node = (c.numa && msl.socket_id >= 0).then_some(msl.socket_id as u32);
    let results = take_pages(&preps, page_sz, node, parallel);
    let taken: Vec<bool> = results.iter().map(|r| r.is_ok()).collect();
    if let Some(Err(e)) = results.into_iter().find(|r| r.is_err()) {
        drop_preps(&mut files(), li, &preps, &taken, page_sz);
        return Err(Error::new(
            e.errno,
            format!(
                "cannot allocate a page: out of {} KiB hugepages on socket {}? ({})",
                page_sz >> 10,
                msl.socket_id,
                e.msg
            ),
        ));
    }
    let mut done = Vec::with_capacity(preps.len());
    for (i, p) in preps.iter().enumerate() {
        // SAFETY: caller's guarantees; the page's hugepage was taken above.
        match unsafe { map_taken(c, msl, li, p, flags) } {
            Ok(ms) => done.push(ms),
            Err(e) => {
                for q in &preps[..i] {
                    // SAFETY: mapped above and handed to nobody.
                    let _ = unsafe { free_seg_locked(c, li, msl, q.seg) };
                }
                drop_preps(&mut files(), li, &preps[i..], &taken[i..], page_sz);
                return Err(e);
            }
        }
    }
    Ok(done)
}

/// Unmaps page `seg` of list `li` and gives its hugepage back.
///
/// # Safety
/// The caller holds the memory hotplug write lock; nothing uses the page any more.
unsafe fn free_seg(c: &Ctx, li: usize, msl: &rte_memseg_list, seg: u32) -> Result<()> {
    let _l = local();
    // SAFETY: caller's guarantees.
    unsafe { free_seg_locked(c, li, msl, seg) }
}

/// [`free_seg`] for a caller that holds `LOCAL`.
///
/// # Safety
/// As [`free_seg`].
unsafe fn free_seg_locked(c: &Ctx, li: usize, msl: &rte_memseg_list, seg: u32) -> Result<()> {
    let page_sz = msl.page_sz;
    let va = msl.base_va() as usize + seg as usize * page_sz as usize;
    // SAFETY: caller's guarantee: the page is unused; it goes back to being reserved space.
    unsafe { sys::rereserve(va, page_sz as usize) }?;
    let mut f = files();
    match c.mode {
        Mode::FilePerPage => {
            f.per_page.remove(&(li, seg));
            if c.unlink != HugeUnlink::Never {
                let _ = std::fs::remove_file(page_path(
                    c,
                    page_sz,
                    li as u64 * MAX_MEMSEG_PER_LIST + seg as u64,
                )?);
            }
        }
        _ => {
            if let Some(fd) = f.per_list.get(&li) {
                sys::deallocate(fd, seg as u64 * page_sz, page_sz)?;
            }
        }
    }
    drop(f);
    if let Some(ms) = memseg::seg(msl, seg) {
        // SAFETY: the slot belongs to this list; zero is the free slot's content.
        unsafe { ms.write_bytes(0, 1) };
    }
    mark_mapped(li, seg, false);
    // Inside a memseg operation: the page is gone, its slot still used.
    crate::sync::fault::point("memalloc.free_seg");
    memseg::segs(msl).set_free(seg)
}

/// Allocates `n` pages of `page_sz` on `socket` (contiguous in one list when `contig`), flagged
/// with `flags`. All or nothing.
pub fn alloc_pages(
    n: u32,
    page_sz: u64,
    socket: i32,
    contig: bool,
    flags: u32,
) -> Result<Vec<*mut rte_memseg>> {
    alloc_pages_with(n, page_sz, socket, contig, flags, false)
}

/// [`alloc_pages`] for EAL init (`-m`, `--socket-mem`): large requests take their hugepages
/// on helper threads over every CPU the process may use, since no lcore runs yet and the
/// kernel's zeroing of each page is the cost.
pub fn alloc_pages_init(
    n: u32,
    page_sz: u64,
    socket: i32,
    contig: bool,
    flags: u32,
) -> Result<Vec<*mut rte_memseg>> {
    alloc_pages_with(n, page_sz, socket, contig, flags, true)
}

fn alloc_pages_with(
    n: u32,
    page_sz: u64,
    socket: i32,
    contig: bool,
    flags: u32,
    parallel: bool,
) -> Result<Vec<*mut rte_memseg>> {
    let c = ctx()?;
    if n == 0 {
        return Ok(Vec::new());
    }
    let grow = (n as u64)
        .checked_mul(page_sz)
        .ok_or_else(|| err!(libc::ENOMEM, "{n} pages of {page_sz} bytes overflow"))?;
    let have: u64 = memseg::lists()
        .filter(|(_, l)| l.socket_id == socket && l.external == 0)
        .map(|(_, l)| memseg::segs(l).count() as u64 * l.page_sz)
        .sum();
    crate::mem::memevent::validate(socket, (have + grow) as usize)?;
    let mut last_err = err!(
        libc::ENOMEM,
        "no memseg list has room for {n} pages of {} KiB on socket {socket}",
        page_sz >> 10
    );
    for (li, msl) in memseg::lists()
        .filter(|(_, l)| l.page_sz == page_sz && l.socket_id == socket && l.external == 0)
    {
        let fb = memseg::segs(msl);
        let slots: Vec<u32> = if contig {
            match fb.find_next_n_free(0, n) {
                Ok(start) => (start..start + n).collect(),
                Err(_) => continue,
            }
        } else {
            let mut v = Vec::new();
            let mut start = 0;
            while v.len() < n as usize {
                match fb.find_next_free(start) {
                    Ok(i) => {
                        v.push(i);
                        start = i + 1;
                    }
                    Err(_) => break,
                }
            }
            if v.len() < n as usize {
                continue;
            }
            v
        };
        // SAFETY: callers hold the hotplug write lock; the slots were found free.
        match unsafe { alloc_segs(c, li, msl, &slots, flags, parallel) } {
            Ok(done) => {
                notify_runs(
                    crate::abi::RTE_MEM_EVENT_ALLOC,
                    done.iter().copied(),
                    page_sz,
                );
                return Ok(done);
            }
            Err(e) => last_err = e,
        }
        if last_err.errno == libc::ENOMEM && !contig {
            break; // the pool is empty: other lists of this type will not do better
        }
    }
    Err(last_err)
}

/// Legacy mode's page layout, as DPDK's `eal_legacy_hugepage_init`: takes `n` hugepages of
/// `page_sz` on `socket`, sorts them by physical address and maps them into the type's lists
/// so that physically contiguous pages are virtually contiguous, leaving one empty slot
/// between runs that are not. Only with one file per page and IOVA as PA (elsewhere the order
/// cannot matter or cannot be changed); callers fall back to [`alloc_pages`] otherwise.
/// Returns false when that fallback is needed.
pub fn alloc_legacy_sorted(n: u32, page_sz: u64, socket: i32) -> Result<bool> {
    let c = ctx()?;
    if c.mode != Mode::FilePerPage || c.iova_va || n == 0 {
        return Ok(false);
    }
    let lists: Vec<(usize, &rte_memseg_list)> = memseg::lists()
        .filter(|(_, l)| l.page_sz == page_sz && l.socket_id == socket && l.external == 0)
        .collect();
    let capacity: u64 = lists
        .iter()
        .map(|(_, l)| memseg::segs(l).len() as u64)
        .sum();
    if capacity < n as u64 {
        return Err(err!(
            libc::ENOMEM,
            "the memseg lists hold {capacity} pages, {n} are needed"
        ));
    }
    struct Tmp {
        file: File,
        path: PathBuf,
        map: std::ptr::NonNull<u8>,
        phys: u64,
    }
    let len = page_sz as usize;
    let mut pages: Vec<Tmp> = Vec::with_capacity(n as usize);
    let cleanup = |pages: &mut Vec<Tmp>| {
        for t in pages.drain(..) {
            // SAFETY: a temporary mapping made below, no longer used.
            unsafe { sys::unmap(t.map, len) };
            let _ = std::fs::remove_file(&t.path);
        }
    };
    // 1. Take every page (in parallel: the kernel zeroes each one), then map each at a
    // temporary address and learn its physical address.
    let paths: Vec<PathBuf> = (0..n)
        .map(|i| page_path(c, page_sz, u64::MAX - i as u64))
        .collect::<Result<_>>()?;
    let node = (c.numa && socket >= 0).then_some(socket as u32);
    let mut taken = run_chunked(&paths, true, |chunk| {
        on_node(node, || {
            chunk
                .iter()
                .map(|path| {
                    let file = open_locked(path)?;
                    sys::allocate(&file, 0, page_sz).inspect_err(|_| {
                        let _ = std::fs::remove_file(path);
                    })?;
                    Ok(file)
                })
                .collect()
        })
    })
    .into_iter();
    for (i, path) in paths.iter().enumerate() {
        let Some(file) = taken.next() else { break };
        let r = (|| {
            let file = file?;
            let map = sys::map_shared(Some(file.as_raw_fd()), len, sys::Placement::Anywhere)?;
            // SAFETY: a fresh mapping of ours.
            if let Err(e) = unsafe { sys::populate(map, len) } {
                // SAFETY: as above.
                unsafe { sys::unmap(map, len) };
                return Err(e);
            }
            let phys = sys::virt2phys(map.as_ptr() as usize).unwrap_or(u64::MAX);
            Ok(Tmp {
                file,
                path: path.clone(),
                map,
                phys,
            })
        })();
        match r {
            Ok(t) => pages.push(t),
            Err(e) => {
                let _ = std::fs::remove_file(path);
                // The pages taken after this one are given back too.
                for (rest, p) in taken.by_ref().zip(&paths[i + 1..]) {
                    drop(rest);
                    let _ = std::fs::remove_file(p);
                }
                cleanup(&mut pages);
                return Err(e);
            }
        }
    }
    // 2. Physical order; 3. slots with a gap between discontiguous runs (when they fit).
    pages.sort_by_key(|t| t.phys);
    let runs = 1 + pages
        .windows(2)
        .filter(|w| w[1].phys != w[0].phys.wrapping_add(page_sz))
        .count() as u64;
    let gaps = n as u64 + runs - 1 <= capacity;
    let mut li = 0;
    let mut slot: u32 = 0;
    let mut prev: Option<u64> = None;
    let mut placed = Vec::with_capacity(pages.len());
    for t in pages.drain(..) {
        if gaps && prev.is_some_and(|p| t.phys != p.wrapping_add(page_sz)) {
            slot += 1;
        }
        while slot >= memseg::segs(lists[li].1).len() {
            li += 1;
            slot = 0;
        }
        prev = Some(t.phys);
        let (list_idx, msl) = lists[li];
        let va = msl.base_va() as usize + slot as usize * len;
        let final_path = page_path(
            c,
            page_sz,
            list_idx as u64 * MAX_MEMSEG_PER_LIST + slot as u64,
        )?;
        std::fs::rename(&t.path, &final_path)
            .map_err(|e| Error::os("cannot rename a page file", e))?;
        // SAFETY: va is a free slot of this list's reservation.
        unsafe { sys::map_fixed(va, len, t.file.as_raw_fd(), 0) }?;
        // SAFETY: the temporary mapping is no longer needed; the page stays mapped at va.
        unsafe { sys::unmap(t.map, len) };
        if c.unlink == HugeUnlink::Always {
            let _ = std::fs::remove_file(&final_path);
        }
        let ms =
            memseg::seg(msl, slot).ok_or_else(|| err!(libc::EINVAL, "slot {slot} out of range"))?;
        // SAFETY: slot `slot` of the list, ours during init.
        unsafe {
            ms.write(rte_memseg {
                iova: if t.phys == u64::MAX {
                    RTE_BAD_IOVA
                } else {
                    t.phys
                },
                u: crate::abi::rte_addr_union { addr_64: va as u64 },
                len,
                hugepage_sz: page_sz,
                socket_id: msl.socket_id,
                nchannel: c.nchannel,
                nrank: c.nrank,
                flags: crate::abi::RTE_MEMSEG_FLAG_DO_NOT_FREE,
            })
        };
        memseg::segs(msl).set_used(slot)?;
        mark_mapped(list_idx, slot, true);
        placed.push(((list_idx, slot), OwnedFd::from(t.file)));
        slot += 1;
    }
    files().per_page.extend(placed);
    Ok(true)
}

/// Tells the memory event callbacks about `pages`, one call per virtually contiguous run.
fn notify_runs(event: std::ffi::c_int, pages: impl Iterator<Item = *mut rte_memseg>, page_sz: u64) {
    notify_addr_runs(
        event,
        // SAFETY: each ms is a memseg slot the caller just filled or is about to free.
        pages.map(|ms| unsafe { (*ms).u.addr_64 } as usize),
        page_sz,
    );
}

/// Memory event callbacks for pages at `addrs` (ascending), one call per contiguous run.
fn notify_addr_runs(event: std::ffi::c_int, addrs: impl Iterator<Item = usize>, page_sz: u64) {
    let mut run: Option<(usize, usize)> = None;
    for a in addrs {
        run = match run {
            Some((start, len)) if start + len == a => Some((start, len + page_sz as usize)),
            Some((start, len)) => {
                crate::mem::memevent::notify(event, start, len);
                Some((a, page_sz as usize))
            }
            None => Some((a, page_sz as usize)),
        };
    }
    if let Some((start, len)) = run {
        crate::mem::memevent::notify(event, start, len);
    }
}

/// Frees pages returned by [`alloc_pages`]. Pages flagged DO_NOT_FREE are refused.
pub fn free_pages(pages: &[*mut rte_memseg]) -> Result<()> {
    let c = ctx()?;
    if let Some(&first) = pages.first() {
        // SAFETY: callers pass memseg slots of allocated pages.
        let page_sz = unsafe { (*first).hugepage_sz };
        notify_runs(
            crate::abi::RTE_MEM_EVENT_FREE,
            pages.iter().copied(),
            page_sz,
        );
    }
    for &ms in pages {
        // SAFETY: ms points to a memseg slot inside a list (callers pass what alloc_pages gave).
        let (addr, flags) = unsafe { ((*ms).u.addr_64 as usize, (*ms).flags) };
        if flags & RTE_MEMSEG_FLAG_DO_NOT_FREE != 0 {
            return Err(err!(
                libc::EPERM,
                "the page at {addr:#x} was preallocated (-m/--socket-mem) and is never freed"
            ));
        }
        let (li, seg, _) = memseg::seg_of(addr)
            .ok_or_else(|| err!(libc::EINVAL, "{addr:#x} is not an allocated page"))?;
        let msl = memseg::list(li).expect("list of a page");
        // SAFETY: callers hold the hotplug write lock and no longer use the page.
        unsafe { free_seg(c, li, msl, seg) }?;
    }
    Ok(())
}

/// The descriptor and offset of the page holding `addr` in this process (rte_memseg_get_fd*).
pub fn fd_of(addr: usize) -> Result<(i32, u64)> {
    let c = ctx()?;
    let (li, seg, _) = memseg::seg_of(addr)
        .ok_or_else(|| err!(libc::EINVAL, "{addr:#x} is not in an allocated segment"))?;
    let msl = memseg::list(li).expect("list");
    let f = files();
    match c.mode {
        Mode::FilePerPage => f.per_page.get(&(li, seg)).map(|fd| (fd.as_raw_fd(), 0)),
        _ => f
            .per_list
            .get(&li)
            .map(|fd| (fd.as_raw_fd(), seg as u64 * msl.page_sz)),
    }
    .ok_or_else(|| {
        err!(
            libc::ENOENT,
            "this process holds no descriptor for the segment at {addr:#x}"
        )
    })
}

/// The descriptor backing all of list `li` in this process (single file, memfd, no-huge), for
/// handing to a secondary.
pub fn list_fd(li: usize) -> Option<std::os::fd::RawFd> {
    files().per_list.get(&li).map(|fd| fd.as_raw_fd())
}

/// Maps, in a secondary, the whole of `--no-huge` list `li` from `fd`, the primary's memfd
/// (all its pages are in use from init on and never change).
pub fn map_no_huge_list(li: usize, msl: &rte_memseg_list, fd: OwnedFd) -> Result<()> {
    let n = memseg::segs(msl).count();
    let _l = local();
    // SAFETY: the list's reservation in this process, made for exactly this range.
    unsafe { sys::map_fixed(msl.base_va() as usize, msl.len, fd.as_raw_fd(), 0) }?;
    adopt_list_fd(li, fd, n);
    Ok(())
}

/// Maps, in a secondary, every page the primary has in list `li`.
pub fn map_existing(li: usize, msl: &rte_memseg_list) -> Result<()> {
    let c = ctx()?;
    if c.mode == Mode::NoHuge || c.mode == Mode::Memfd {
        return Err(err!(
            libc::ENOTSUP,
            "pages without hugetlbfs files are shared through their list's descriptor"
        ));
    }
    let fb = memseg::segs(msl);
    let _l = local();
    let mut f = files();
    let mut i = fb.find_next_used_unlocked(0).ok();
    while let Some(seg) = i {
        let va = msl.base_va() as usize + seg as usize * msl.page_sz as usize;
        match backing(c, &mut f, li, seg, msl.page_sz, false) {
            Ok((fd, off, _)) => {
                // SAFETY: the range is inside this list's reservation, made exactly for it.
                unsafe { sys::map_fixed(va, msl.page_sz as usize, fd, off) }?;
                mark_mapped(li, seg, true);
            }
            // Its owner is freeing it right now (the file goes before the slot), or died doing
            // so: there is nothing to map.
            Err(e) if e.errno == libc::ENOENT => {}
            Err(e) => return Err(e),
        }
        i = if seg + 1 < fb.len() {
            fb.find_next_used_unlocked(seg + 1).ok()
        } else {
            None
        };
    }
    Ok(())
}

/// Brings this process's mappings in step with the shared memseg lists: maps every page
/// another process added, unmaps every page another process removed. Returns (mapped,
/// unmapped). This is what a process runs when told that memory changed.
pub fn sync_all() -> Result<(usize, usize)> {
    let _l = local();
    if !READY.load(std::sync::atomic::Ordering::Acquire) {
        return Ok((0, 0));
    }
    let c = ctx()?;
    if let Some(m) = crate::base::mcfg::get() {
        let e = m.sync_epoch.load(std::sync::atomic::Ordering::Acquire);
        if EPOCH_SEEN.swap(e, std::sync::atomic::Ordering::Relaxed) != e {
            forget_replaced_pages(c);
        }
    }

    let (mut added, mut removed) = (0, 0);
    for (li, msl) in memseg::lists().filter(|(_, l)| l.external == 0) {
        let fb = memseg::segs(msl);
        let len = msl.page_sz as usize;
        // Used in the shared list but not mapped here: map (walks used slots only).
        let mut new_pages = Vec::new();
        let mut next = fb.find_next_used_unlocked(0).ok();
        while let Some(seg) = next {
            if !is_mapped(li, seg) {
                if c.mode == Mode::Memfd || c.mode == Mode::NoHuge {
                    return Err(err!(
                        libc::ENOTSUP,
                        "pages without hugetlbfs files can only be shared with their descriptors"
                    ));
                }
                let va = msl.base_va() as usize + seg as usize * len;
                let mut f = files();
                match backing(c, &mut f, li, seg, msl.page_sz, false) {
                    Ok((fd, off, _)) => {
                        // SAFETY: the slot is inside this list's reservation and unmapped here.
                        unsafe { sys::map_fixed(va, len, fd, off) }?;
                        mark_mapped(li, seg, true);
                        added += 1;
                        new_pages.push(va);
                    }
                    // Being freed by its owner (or its owner died freeing it): nothing to map.
                    Err(e) if e.errno == libc::ENOENT => {}
                    Err(e) => return Err(e),
                }
            }
            next = if seg + 1 < fb.len() {
                fb.find_next_used_unlocked(seg + 1).ok()
            } else {
                None
            };
        }
        // Mapped here but free in the shared list: unmap (walks this process's set bits only).
        let local: Vec<u32> = {
            let m = MAPPED.lock().unwrap_or_else(|p| p.into_inner());
            m.get(&li)
                .map(|words| {
                    words
                        .iter()
                        .enumerate()
                        .flat_map(|(w, &bits)| {
                            (0..64)
                                .filter(move |b| bits >> b & 1 == 1)
                                .map(move |b| (w * 64 + b) as u32)
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        // As in DPDK's secondaries, this process's memory event callbacks hear of the pages
        // it maps after they are mapped, and of the pages it unmaps before they go.
        notify_addr_runs(
            crate::abi::RTE_MEM_EVENT_ALLOC,
            new_pages.into_iter(),
            msl.page_sz,
        );
        let gone: Vec<u32> = local
            .into_iter()
            .filter(|&seg| !fb.is_used_unlocked(seg).unwrap_or(true))
            .collect();
        notify_addr_runs(
            crate::abi::RTE_MEM_EVENT_FREE,
            gone.iter()
                .map(|&seg| msl.base_va() as usize + seg as usize * len),
            msl.page_sz,
        );
        for seg in gone {
            let va = msl.base_va() as usize + seg as usize * len;
            // SAFETY: the page was freed by its owner; this process must not use it.
            unsafe { sys::rereserve(va, len) }?;
            files().per_page.remove(&(li, seg));
            mark_mapped(li, seg, false);
            removed += 1;
        }
    }
    Ok((added, removed))
}

/// Records `fd` as the backing of list `li`, whose first `n` pages it maps (the --no-huge
/// memfd mapped at init).
pub fn adopt_list_fd(li: usize, fd: OwnedFd, n: u32) {
    files().per_list.insert(li, fd);
    for seg in 0..n {
        mark_mapped(li, seg, true);
    }
}

/// Closes every page descriptor (cleanup). A primary also unlinks its page files (unless
/// `--huge-unlink=never`), so its hugepages go back to the pool as soon as the last process
/// mapping them unmaps: a clean exit leaks nothing. Secondaries still running keep their
/// mappings, which keep the pages alive until they exit.
pub fn close_all(primary: bool) {
    let mut f = files();
    if let (true, Ok(c)) = (primary, ctx()) {
        if c.unlink != HugeUnlink::Never {
            let lists: Vec<(usize, u64)> = memseg::lists().map(|(i, l)| (i, l.page_sz)).collect();
            let size_of = |li: usize| lists.iter().find(|(i, _)| *i == li).map(|(_, p)| *p);
            let mut paths = Vec::new();
            match c.mode {
                Mode::FilePerPage => {
                    for &(li, seg) in f.per_page.keys() {
                        if let Some(ps) = size_of(li) {
                            paths.extend(page_path(
                                c,
                                ps,
                                li as u64 * MAX_MEMSEG_PER_LIST + seg as u64,
                            ));
                        }
                    }
                }
                Mode::SingleFile => {
                    for &li in f.per_list.keys() {
                        if let Some(ps) = size_of(li) {
                            paths.extend(page_path(c, ps, li as u64));
                        }
                    }
                }
                Mode::Memfd | Mode::NoHuge => {}
            }
            for p in paths {
                let _ = std::fs::remove_file(p);
            }
        }
    }
    f.per_page.clear();
    f.per_list.clear();
    drop(f);
    // Pages of processes that died after taking them (a secondary killed mid-allocation) are
    // known to nobody: their files are held by no one now, so sweep them as init does.
    if let (true, Ok(c)) = (primary, ctx()) {
        if c.unlink != HugeUnlink::Never {
            for dir in c.dirs.values() {
                let _ = crate::mem::hugepage::clear_stale(dir, &c.prefix);
            }
        }
    }
}
