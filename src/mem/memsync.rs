//! Keeping every process's mappings in step when pages come and go (DPDK's memory hotplug
//! sync over `rte_mp`).
//!
//! Whoever allocates or frees pages updates the shared memseg fbarrays, then asks its peers to
//! run [`crate::mem::memalloc::sync_all`] (map what is new, unmap what is gone) and waits for their
//! answers before the allocating call returns: a pointer handed to another process is usable
//! there at once, as DPDK guarantees.
//!
//! - Any process's change: a synchronous request to every other process of the prefix (the
//!   primary and all secondaries; rtemem's IPC lets a secondary reach the other secondaries
//!   directly for this), so by the time the allocation returns, every process has the pages.
//!   A process serialises its own broadcasts.
//! - Dead peers are skipped by the IPC layer at once (their sockets refuse), so they never delay
//!   or fail anyone's allocation.
//!
//! The requester holds the memory hotplug write lock while it waits, as DPDK does: page changes
//! are applied everywhere one at a time, so a slow peer can never see a slot freed and taken
//! again between two of its syncs, and a secondary attaching (under the read lock) sees every
//! change either in its scan or in a request. The handlers take no shared lock: they only read
//! the fbarrays (which lock themselves) and change this process's mappings.
//!
//! An `rte_mp` action runs on the IPC thread, which is also the thread that reads the answers:
//! it cannot wait for them. So while other processes exist, a heap cannot grow or shrink from
//! an action ([`check_can_broadcast`]): the allocation is served from memory the heap has, or
//! fails with a log line that says so.

use std::sync::Arc;
use std::time::Duration;

use crate::err;
use crate::error::Result;
use crate::mp::{self, Msg};

/// The request every process answers after syncing.
pub(crate) const ACTION: &str = "rtemem_mem_sync";
/// A secondary's request for the descriptor behind a whole memseg list (`--no-huge` memory
/// has no file to open): parameter the list index, reply "0" with the descriptor, or an errno.
pub(crate) const LIST_FD: &str = "rtemem_list_fd";
/// How long a requester waits for its peers, unless `RTEMEM_SYNC_TIMEOUT_MS` says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The sync timeout: `RTEMEM_SYNC_TIMEOUT_MS` (milliseconds, read once), else 5 s. A dead peer
/// never waits it out (its socket refuses at once); a live but stuck one does.
fn timeout() -> Duration {
    static T: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *T.get_or_init(|| {
        std::env::var("RTEMEM_SYNC_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&ms| ms > 0)
            .map(Duration::from_millis)
            .unwrap_or(DEFAULT_TIMEOUT)
    })
}

fn sync_here() -> i32 {
    match crate::mem::memalloc::sync_all() {
        Ok(_) => 0,
        Err(e) => {
            crate::eal_log!(
                crate::base::log::RTE_LOG_ERR,
                "memory sync failed: {}",
                e.msg
            );
            e.errno
        }
    }
}

/// Registers the sync actions (after memory and IPC are up; without IPC there is nobody to
/// sync with).
pub fn init() -> Result<()> {
    if !mp::is_running() {
        return Ok(());
    }
    mp::register_action(
        ACTION,
        Arc::new(|msg: &Msg, peer: &str| {
            let rc = sync_here();
            // Echo the request's sequence number: a late answer to an earlier request that
            // timed out must not pass for the answer to this one.
            let seq = String::from_utf8_lossy(&msg.param);
            let _ = mp::reply(&Msg::new(ACTION, format!("{rc} {seq}").as_bytes()), peer);
            0
        }),
    )?;
    if mp::is_primary() {
        mp::register_action(
            LIST_FD,
            Arc::new(|msg: &Msg, peer: &str| {
                let li = String::from_utf8_lossy(&msg.param).parse::<usize>().ok();
                let mut r = Msg::new(LIST_FD, b"0");
                match li.and_then(crate::mem::memalloc::list_fd) {
                    Some(fd) => r.fds.push(fd),
                    None => r.param = libc::ENOENT.to_string().into_bytes(),
                }
                let _ = mp::reply(&r, peer);
                0
            }),
        )?;
    }
    Ok(())
}

/// Gets from the primary the descriptor behind all of memseg list `li`.
pub fn fetch_list_fd(li: usize) -> Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    let r = mp::request_sync(&Msg::new(LIST_FD, li.to_string().as_bytes()), timeout())?;
    let mut fd = None;
    let mut rc = libc::ETIMEDOUT;
    for m in r.msgs {
        for raw in m.fds {
            // SAFETY: descriptors received with a message are new and ours to close.
            let owned = unsafe { std::os::fd::OwnedFd::from_raw_fd(raw) };
            fd.get_or_insert(owned);
        }
        rc = String::from_utf8_lossy(&m.param)
            .parse()
            .unwrap_or(libc::EIO);
    }
    match fd {
        Some(fd) if rc == 0 => Ok(fd),
        _ => Err(err!(
            rc,
            "the primary did not hand over the memory of memseg list {li} (errno {rc})"
        )),
    }
}

/// One broadcast at a time per process (requests of one name to one peer may not overlap).
static BROADCAST: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Whether this thread may change pages now: it must be able to wait for the other processes'
/// answers, which an `rte_mp` action (on the IPC thread, the one that reads those answers)
/// cannot. Callers hold the hotplug write lock, so no process can attach unseen meanwhile.
pub fn check_can_broadcast() -> Result<()> {
    if mp::is_running() && mp::on_ipc_thread() && mp::everyone_count() > 0 {
        return Err(err!(
            libc::EDEADLK,
            "cannot add or give back pages from an rte_mp action: the other processes could not be told; allocate outside the action, or reserve memory up front with -m"
        ));
    }
    Ok(())
}

/// Tells every other process that pages changed and waits until they have synced.
pub fn broadcast() -> Result<()> {
    if !mp::is_running() {
        return Ok(());
    }
    let _g = BROADCAST.lock().unwrap_or_else(|p| p.into_inner());
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let r = mp::request_sync_everyone(&Msg::new(ACTION, seq.to_string().as_bytes()), timeout())
        .and_then(|r| {
            for m in &r.msgs {
                let p = String::from_utf8_lossy(&m.param);
                let mut it = p.split(' ');
                let rc = it
                    .next()
                    .and_then(|v| v.parse::<i32>().ok())
                    .unwrap_or(libc::EIO);
                if it.next().and_then(|v| v.parse::<u64>().ok()) != Some(seq) {
                    return Err(err!(
                        libc::ETIMEDOUT,
                        "a peer answered an earlier memory sync late; it may lag behind"
                    ));
                }
                if rc != 0 {
                    return Err(err!(
                        rc,
                        "a peer process could not map the new memory (errno {rc})"
                    ));
                }
            }
            Ok(())
        });
    if r.is_err() {
        // Somebody may have missed this change: everyone checks its pages at its next sync.
        if let Some(m) = crate::base::mcfg::get() {
            m.sync_epoch
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        }
    }
    r
}
