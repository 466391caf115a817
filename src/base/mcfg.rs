//! The shared config: one `repr(C)` struct per `--file-prefix`, shared by the primary and its
//! secondaries at the same virtual address (DPDK's `rte_mem_config`).
//!
//! The primary creates `<runtime dir>/config`, takes an exclusive OFD lock on it for its whole
//! life (that lock is how a second primary, `--proc-type=auto` and
//! `rte_eal_primary_proc_alive` tell that a primary is running), sizes it, maps it — at
//! `--base-virtaddr` (default 4 GiB) when that range is free — and records the address inside.
//! It publishes the struct by writing [`MCFG_MAGIC`] last. A secondary maps the file once to read
//! the address, then maps it again exactly there, never over an existing mapping.
//!
//! With `--no-shconf` or `--in-memory` the same struct lives in anonymous memory: no file.
//!
//! The struct carries the process-shared locks behind `rte_mcfg_*_lock` (see
//! [`crate::sync::shlock`]: a process that dies holding one does not hang the others) and the
//! tailq heads. The memory layer keeps its memseg lists here; the heaps and memzones, which sit
//! above this layer, own opaque areas of it ([`SharedArea`], sized in `abi::shared`) that they
//! type themselves, so this module never imports them. [`MCFG_VERSION`] changes when the layout
//! does, and a secondary refuses a primary of another version.
//!
//! Before init the lock functions use process-local locks, so libraries that take them from
//! constructors keep working.
//!
//! Locking: rtemem's own code holds these locks through guards (`mem_read()`, `mem_write()`,
//! `memzone_write()`, ...), so no early return or panic leaves one held; the raw
//! `*_lock`/`*_unlock` functions exist only for the exported `rte_mcfg_*` pairs, which C
//! callers hold across calls. Each guard function is also a fault point (`mcfg.<function>`,
//! see [`crate::sync::fault`]) for the tests that panic or die while holding it.

use std::cell::UnsafeCell;
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, AtomicPtr, AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::abi::rte_memseg_list;
use crate::abi::shared::{SharedArea, HEAP_TABLE_AREA, MEMZONE_TABLE_AREA};
use crate::base::tailq::{rte_tailq_head, RTE_MAX_TAILQ};
use crate::err;
use crate::error::{Error, Result};
use crate::options::{EalConfig, ProcType};
use crate::sync::{fault, ShReadGuard, ShRwLock, ShWriteGuard};
use crate::sys::{self, Placement};

/// "RTMC": written last by the primary when the config is ready.
pub(crate) const MCFG_MAGIC: u32 = 0x5254_4d43;
/// Layout version of [`MemConfig`].
pub(crate) const MCFG_VERSION: u32 = 11;
/// Where DPDK puts its first mapping on x86-64 when `--base-virtaddr` is not given.
pub(crate) const DEFAULT_BASE_VIRTADDR: u64 = 0x1_0000_0000;

/// The shared config. Zeroed memory is a valid (unpublished) value.
#[repr(C)]
pub struct MemConfig {
    pub magic: AtomicU32,
    pub version: u32,
    /// Size in bytes of the mapping the primary made.
    pub map_len: u64,
    /// Address of this struct in every process.
    pub mem_cfg_addr: u64,
    pub primary_pid: AtomicI32,
    pub single_file_segments: u32,
    pub legacy_mem: u32,
    pub iova_mode: u32,
    /// The primary runs with `--no-huge`: its memory is one memfd per list, which secondaries
    /// get over IPC.
    pub no_huge: u32,
    pub mem_lock: ShRwLock,
    pub tailq_lock: ShRwLock,
    pub mempool_lock: ShRwLock,
    pub timer_lock: ShRwLock,
    pub tailq_head: [UnsafeCell<rte_tailq_head>; RTE_MAX_TAILQ],
    /// The memseg lists (DPDK's `mcfg->memsegs`); a list with page_sz 0 is unused.
    pub memsegs: [UnsafeCell<rte_memseg_list>; crate::abi::RTE_MAX_MEMSEG_LISTS],
    /// `-n` / `-r`, reported by rte_memory_get_nchannel/nrank.
    pub nchannel: u32,
    pub nrank: u32,
    /// Where the next memseg list's address space goes (page aligned).
    pub next_va: u64,
    /// Narrowest DMA mask any device asked for (0: none).
    pub dma_maskbits: std::sync::atomic::AtomicU8,
    /// Guards creating and destroying heaps (the heaps guard themselves).
    pub heap_table_lock: ShRwLock,
    /// Guards the memzone table.
    pub memzone_lock: ShRwLock,
    /// The malloc heaps: `crate::malloc`'s table, opaque here (see [`SharedArea`]).
    pub heaps: SharedArea<HEAP_TABLE_AREA>,
    /// The memzones and their name index: `crate::memzone`'s table, opaque here.
    pub memzones: SharedArea<MEMZONE_TABLE_AREA>,
    /// Multi-process status (DPDK's `mp_status`): unknown, disabled or enabled; see crate::mp.
    pub mp_status: std::sync::atomic::AtomicU8,
    /// Set by the primary when its init has finished (memory, heaps and memzones are set up);
    /// secondaries attach only then.
    pub init_done: AtomicU32,
    /// Bumped whenever a page sync did not reach every process in time: each process then
    /// checks the identity of every page it maps at its next sync (see memalloc::sync_all).
    pub sync_epoch: AtomicU32,
}

struct Mapping {
    addr: NonNull<u8>,
    len: usize,
    file: Option<File>,
    path: Option<PathBuf>,
    primary: bool,
}
// SAFETY: the mapping is plain shared memory; the raw pointer is only an address to unmap.
unsafe impl Send for Mapping {}

static MCFG: AtomicPtr<MemConfig> = AtomicPtr::new(std::ptr::null_mut());
static MAPPING: Mutex<Option<Mapping>> = Mutex::new(None);
static PRIMARY: AtomicI32 = AtomicI32::new(-1);

/// Locks used before the shared config exists.
struct LocalLocks {
    mem_lock: ShRwLock,
    tailq_lock: ShRwLock,
    mempool_lock: ShRwLock,
    timer_lock: ShRwLock,
}
static LOCAL: OnceLock<LocalLocks> = OnceLock::new();

fn local() -> &'static LocalLocks {
    LOCAL.get_or_init(|| LocalLocks {
        mem_lock: ShRwLock::default(),
        tailq_lock: ShRwLock::default(),
        mempool_lock: ShRwLock::default(),
        timer_lock: ShRwLock::default(),
    })
}

/// The shared config, once init has mapped it.
pub fn get() -> Option<&'static MemConfig> {
    let p = MCFG.load(Ordering::Acquire);
    // SAFETY: non-NULL only while the mapping is live; it is unmapped only by cleanup, after
    // which DPDK forbids further EAL calls.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// Some(true) in a primary, Some(false) in a secondary, None before the config is mapped.
pub fn attached_as_primary() -> Option<bool> {
    match PRIMARY.load(Ordering::Acquire) {
        1 => Some(true),
        0 => Some(false),
        _ => None,
    }
}

/// Pointer to the first of the RTE_MAX_TAILQ shared tailq heads.
pub fn tailq_heads() -> Option<*mut rte_tailq_head> {
    get().map(|m| m.tailq_head[0].get())
}

fn size_of_config() -> usize {
    let ps = sys::page_size();
    std::mem::size_of::<MemConfig>().div_ceil(ps) * ps
}

fn publish(addr: NonNull<u8>, m: Mapping, primary: bool) {
    MCFG.store(addr.as_ptr().cast(), Ordering::Release);
    PRIMARY.store(primary as i32, Ordering::Release);
    *MAPPING.lock().unwrap_or_else(|p| p.into_inner()) = Some(m);
}

fn config_path(prefix: &str) -> Result<PathBuf> {
    crate::base::runtime::path("config").ok_or_else(|| {
        err!(
            libc::EINVAL,
            "no runtime directory for --file-prefix {prefix}"
        )
    })
}

/// Decides primary or secondary for `--proc-type=auto`: primary unless a live primary holds
/// this prefix's config.
pub fn detect_proc_type(cfg: &EalConfig) -> ProcType {
    if cfg.no_shconf || cfg.in_memory {
        return ProcType::Primary;
    }
    let Ok(path) = config_path(&cfg.file_prefix) else {
        return ProcType::Primary;
    };
    match File::open(&path) {
        Ok(f) if sys::ofd_is_locked(&f, true).unwrap_or(false) => ProcType::Secondary,
        _ => ProcType::Primary,
    }
}

/// Creates and publishes the shared config of a primary.
pub fn create_primary(cfg: &EalConfig) -> Result<()> {
    let len = size_of_config();
    let base = cfg.base_virtaddr.unwrap_or(DEFAULT_BASE_VIRTADDR) as usize;
    let (file, path) = if cfg.no_shconf || cfg.in_memory {
        (None, None)
    } else {
        let path = config_path(&cfg.file_prefix)?;
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Error::os(format!("cannot open {}", path.display()), e))?;
        if !sys::ofd_try_lock(&f, true)? {
            let pid = read_primary_pid(&f);
            return Err(err!(
                libc::EACCES,
                "another primary process{} is running with --file-prefix {}: use a different --file-prefix, or --proc-type=secondary to attach to it",
                pid.map(|p| format!(" (pid {p})")).unwrap_or_default(),
                cfg.file_prefix
            ));
        }
        // Reset whatever a previous primary left, then size the file.
        f.set_len(0)
            .and_then(|_| f.set_len(len as u64))
            .map_err(|e| Error::os("cannot size the config file", e))?;
        (Some(f), Some(path))
    };
    let addr = sys::map_shared(
        file.as_ref().map(|f| f.as_raw_fd()),
        len,
        Placement::Prefer(base),
    )?;
    // SAFETY: addr is a fresh, zeroed, writable mapping of at least size_of::<MemConfig>()
    // bytes, page aligned; zeroed memory is a valid MemConfig and nobody else can see it until
    // the magic is published below.
    let m = unsafe { &mut *addr.as_ptr().cast::<MemConfig>() };
    m.version = MCFG_VERSION;
    m.map_len = len as u64;
    m.mem_cfg_addr = addr.as_ptr() as u64;
    m.single_file_segments = cfg.single_file_segments as u32;
    m.nchannel = cfg.nchannel;
    m.nrank = cfg.nrank;
    m.next_va = addr.as_ptr() as u64 + len as u64;
    m.legacy_mem = cfg.legacy_mem as u32;
    m.no_huge = cfg.no_huge as u32;
    m.primary_pid
        .store(std::process::id() as i32, Ordering::Relaxed);
    m.magic.store(MCFG_MAGIC, Ordering::Release);
    publish(
        addr,
        Mapping {
            addr,
            len,
            file,
            path,
            primary: true,
        },
        true,
    );
    Ok(())
}

fn read_primary_pid(f: &File) -> Option<i32> {
    let mut buf = [0u8; std::mem::offset_of!(MemConfig, primary_pid) + 4];
    use std::os::unix::fs::FileExt;
    f.read_exact_at(&mut buf, 0).ok()?;
    let off = std::mem::offset_of!(MemConfig, primary_pid);
    Some(i32::from_ne_bytes(buf[off..off + 4].try_into().ok()?)).filter(|&p| p > 0)
}

/// DPDK's own shared config starts with this magic (`RTE_MAGIC`), then its `RTE_VERSION`.
const DPDK_MCFG_MAGIC: u32 = 19_820_526;

/// What the start of a prefix's config file says about its primary.
#[derive(Debug, PartialEq, Eq)]
enum Header {
    /// Not published yet (an rtemem primary still initialising).
    NotReady,
    /// Published by an rtemem primary.
    Ready { version: u32, addr: u64, len: u64 },
    /// Not an rtemem primary's: why.
    Foreign(String),
}

/// Reads the config file's header with `pread` (never a mapping: the file may be shorter than
/// the struct while a primary sizes it).
fn read_header(f: &File) -> std::io::Result<Header> {
    use std::os::unix::fs::FileExt;
    let word = |off: usize| -> std::io::Result<u32> {
        let mut b = [0u8; 4];
        f.read_exact_at(&mut b, off as u64)?;
        Ok(u32::from_ne_bytes(b))
    };
    let dword = |off: usize| -> std::io::Result<u64> {
        let mut b = [0u8; 8];
        f.read_exact_at(&mut b, off as u64)?;
        Ok(u64::from_ne_bytes(b))
    };
    let file_len = f.metadata()?.len();
    let ours = size_of_config() as u64;
    if file_len < 8 {
        return Ok(Header::NotReady);
    }
    // The magic is written last: once it is there, the fields before it are complete.
    Ok(match word(std::mem::offset_of!(MemConfig, magic))? {
        MCFG_MAGIC => Header::Ready {
            version: word(std::mem::offset_of!(MemConfig, version))?,
            addr: dword(std::mem::offset_of!(MemConfig, mem_cfg_addr))?,
            len: dword(std::mem::offset_of!(MemConfig, map_len))?,
        },
        DPDK_MCFG_MAGIC => {
            let v = word(4)?;
            Header::Foreign(format!(
                "it is a DPDK {}.{:02}.{} primary (its shared config has DPDK's magic and layout, {file_len} bytes)",
                v >> 24,
                (v >> 16) & 0xff,
                (v >> 8) & 0xff
            ))
        }
        0 if file_len == ours => Header::NotReady,
        0 => Header::Foreign(format!(
            "its shared config is {file_len} bytes where rtemem's is {ours} (a DPDK primary still initialising, or another rtemem build)"
        )),
        m => Header::Foreign(format!(
            "its shared config starts with {m:#010x}, neither rtemem's magic nor DPDK's"
        )),
    })
}

/// Maps the primary's shared config at the primary's address (secondary process).
pub fn attach_secondary(cfg: &EalConfig, wait: Duration) -> Result<()> {
    let path = config_path(&cfg.file_prefix)?;
    let f = OpenOptions::new().read(true).write(true).open(&path).map_err(|e| {
        err!(
            libc::ENOENT,
            "no primary process is running with --file-prefix {} (cannot open {}: {e}); start the primary first",
            cfg.file_prefix,
            path.display()
        )
    })?;
    if !sys::ofd_is_locked(&f, true)? {
        return Err(err!(
            libc::ENOENT,
            "no primary process is running with --file-prefix {} ({} is left over from a primary that exited); start the primary first",
            cfg.file_prefix,
            path.display()
        ));
    }
    // Wait for the primary to publish the config, then read where it lives. A primary that is
    // not rtemem's (a DPDK process) is told apart at once.
    let deadline = Instant::now() + wait;
    let (want_addr, len) = loop {
        let header =
            read_header(&f).map_err(|e| Error::os(format!("cannot read {}", path.display()), e))?;
        match header {
            Header::Ready { version, .. } if version != MCFG_VERSION => {
                return Err(err!(libc::EPROTO, "the primary's shared config has layout version {version}, this process expects {MCFG_VERSION}: run the same rtemem build in every process"));
            }
            Header::Ready { addr, len, .. } => break (addr as usize, len as usize),
            Header::Foreign(what) => {
                return Err(err!(
                    libc::EPROTO,
                    "the primary process of --file-prefix {} is not an rtemem process: {what}. An rtemem process attaches only to an rtemem primary: run the primary on rtemem too, or inspect a DPDK primary with DPDK's own tools (dpdk-proc-info)",
                    cfg.file_prefix
                ));
            }
            Header::NotReady => {}
        }
        if Instant::now() >= deadline {
            return Err(err!(
                libc::ETIMEDOUT,
                "the primary process did not finish initialising within {wait:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let addr = sys::map_shared(Some(f.as_raw_fd()), len, Placement::Exactly(want_addr)).map_err(|e| {
        err!(
            libc::EEXIST,
            "cannot map the shared config at the primary's address {want_addr:#x}: {}; restart the primary with --base-virtaddr set to a range that is free in both processes",
            e.msg
        )
    })?;
    publish(
        addr,
        Mapping {
            addr,
            len,
            file: Some(f),
            path: Some(path),
            primary: false,
        },
        false,
    );
    // The config is mapped; its memory is ready only when the primary's init has finished.
    let m = get().expect("just published");
    while m.init_done.load(Ordering::Acquire) == 0 {
        if Instant::now() >= deadline {
            detach();
            return Err(err!(
                libc::ETIMEDOUT,
                "the primary process did not finish initialising within {wait:?}; retry once it has"
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}

/// Marks the primary's init as finished: secondaries may attach from now on.
pub fn mark_init_done() {
    if let Some(m) = get() {
        m.init_done.store(1, Ordering::Release);
    }
}

/// Unmaps the shared config; a primary also removes its file.
pub fn detach() {
    let m = MAPPING.lock().unwrap_or_else(|p| p.into_inner()).take();
    MCFG.store(std::ptr::null_mut(), Ordering::Release);
    PRIMARY.store(-1, Ordering::Release);
    if let Some(m) = m {
        if m.primary {
            if let Some(p) = &m.path {
                let _ = std::fs::remove_file(p);
            }
        }
        // SAFETY: the mapping was made by publish's caller; MCFG no longer points into it.
        unsafe { sys::unmap(m.addr, m.len) };
        drop(m.file);
    }
}

/// True when a primary holds the config file at `path`.
pub fn primary_alive(path: &std::path::Path) -> bool {
    File::open(path)
        .ok()
        .and_then(|f| sys::ofd_is_locked(&f, true).ok())
        .unwrap_or(false)
}

/// The shared lock `field` of the config, or this process's own before init.
macro_rules! shared_lock {
    ($field:ident, $local:ident) => {
        get().map(|m| &m.$field).unwrap_or(&local().$local)
    };
}

macro_rules! lock_fns {
    ($($lock:ident: $what:literal, $read:ident $write:ident, $rl:ident $ru:ident $wl:ident $wu:ident;)*) => {$(
        #[doc = concat!("Holds the ", $what, " lock for reading until the guard drops.")]
        pub fn $read() -> ShReadGuard<'static> {
            let g = shared_lock!($lock, $lock).read();
            fault::point(concat!("mcfg.", stringify!($read)));
            g
        }
        #[doc = concat!("Holds the ", $what, " lock for writing until the guard drops.")]
        pub fn $write() -> ShWriteGuard<'static> {
            let g = shared_lock!($lock, $lock).write();
            fault::point(concat!("mcfg.", stringify!($write)));
            g
        }
        #[doc = concat!("Raw read lock of the ", $what, " lock, for the exported C pair only.")]
        pub fn $rl() { shared_lock!($lock, $lock).read_lock() }
        #[doc = concat!("Raw read unlock of the ", $what, " lock, for the exported C pair only.")]
        pub fn $ru() { shared_lock!($lock, $lock).read_unlock() }
        #[doc = concat!("Raw write lock of the ", $what, " lock, for the exported C pair only.")]
        pub fn $wl() { shared_lock!($lock, $lock).write_lock() }
        #[doc = concat!("Raw write unlock of the ", $what, " lock, for the exported C pair only.")]
        pub fn $wu() { shared_lock!($lock, $lock).write_unlock() }
    )*};
}

// LocalLocks mirrors MemConfig's lock field names so one macro serves both.
lock_fns! {
    mem_lock: "memory hotplug", mem_read mem_write,
        mem_read_lock mem_read_unlock mem_write_lock mem_write_unlock;
    tailq_lock: "tailq", tailq_read tailq_write,
        tailq_read_lock tailq_read_unlock tailq_write_lock tailq_write_unlock;
    mempool_lock: "mempool", mempool_read mempool_write,
        mempool_read_lock mempool_read_unlock mempool_write_lock mempool_write_unlock;
}

/// Holds the memzone lock for writing until the guard drops.
pub fn memzone_write() -> ShWriteGuard<'static> {
    let g = shared_lock!(memzone_lock, mem_lock).write();
    fault::point("mcfg.memzone_write");
    g
}

/// Holds the memzone lock for reading until the guard drops.
pub fn memzone_read() -> ShReadGuard<'static> {
    let g = shared_lock!(memzone_lock, mem_lock).read();
    fault::point("mcfg.memzone_read");
    g
}

/// True when no live process holds the memzone lock for writing (for the lock-free memzone
/// look-up, which must not wait for a writer that died inside its write).
pub fn memzone_writer_gone() -> bool {
    shared_lock!(memzone_lock, mem_lock).writer_gone()
}

/// Holds the heap-table lock (creating or destroying heaps) until the guard drops; None
/// before the shared config exists (there are no heaps to guard then).
pub fn heap_table_write() -> Option<ShWriteGuard<'static>> {
    let g = get().map(|m| m.heap_table_lock.write());
    fault::point("mcfg.heap_table_write");
    g
}

/// Raw timer lock (`rte_mcfg_timer_lock`): exclusive; for the exported C pair only.
pub fn timer_lock() {
    shared_lock!(timer_lock, timer_lock).write_lock()
}

/// Raw timer unlock, for the exported C pair only.
pub fn timer_unlock() {
    shared_lock!(timer_lock, timer_lock).write_unlock()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(tag: &str, bytes: &[u8], len: u64) -> File {
        let p = std::env::temp_dir().join(format!("rtemem-mcfg-{tag}-{}", std::process::id()));
        let mut f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&p)
            .unwrap();
        f.write_all(bytes).unwrap();
        f.set_len(len).unwrap();
        std::fs::remove_file(&p).unwrap();
        f
    }

    #[test]
    fn a_dpdk_primary_is_recognised_at_once_with_its_release() {
        let mut b = 19_820_526u32.to_ne_bytes().to_vec();
        b.extend(((22u32 << 24) | (11 << 16) | (11 << 8) | 99).to_ne_bytes());
        let h = read_header(&file("dpdk", &b, 25344)).unwrap();
        assert_eq!(
            h,
            Header::Foreign(
                "it is a DPDK 22.11.11 primary (its shared config has DPDK's magic and layout, 25344 bytes)".into()
            )
        );
    }

    #[test]
    fn an_unpublished_config_of_another_size_is_foreign_but_ours_is_waited_for() {
        let ours = size_of_config() as u64;
        assert_eq!(
            read_header(&file("empty", &[], 0)).unwrap(),
            Header::NotReady
        );
        assert_eq!(
            read_header(&file("init", &[], ours)).unwrap(),
            Header::NotReady
        );
        let h = read_header(&file("other", &[], 25344)).unwrap();
        assert!(
            matches!(&h, Header::Foreign(w) if w.starts_with(&format!("its shared config is 25344 bytes where rtemem's is {ours}"))),
            "{h:?}"
        );
        let h = read_header(&file("junk", &0xdead_beefu32.to_ne_bytes(), ours)).unwrap();
        assert!(
            matches!(&h, Header::Foreign(w) if w.contains("0xdeadbeef")),
            "{h:?}"
        );
    }

    #[test]
    fn a_published_rtemem_config_gives_its_address_and_length() {
        let ours = size_of_config() as u64;
        let mut b = vec![0u8; 24];
        b[..4].copy_from_slice(&MCFG_MAGIC.to_ne_bytes());
        b[4..8].copy_from_slice(&MCFG_VERSION.to_ne_bytes());
        b[8..16].copy_from_slice(&ours.to_ne_bytes());
        b[16..24].copy_from_slice(&0x1_0000_0000u64.to_ne_bytes());
        assert_eq!(
            read_header(&file("ready", &b, ours)).unwrap(),
            Header::Ready {
                version: MCFG_VERSION,
                addr: 0x1_0000_0000,
                len: ours
            }
        );
    }
}
