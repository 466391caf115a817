//! Keeping every process's mappings in step when pages come and go (DPDK's memory hotplug
//! sync), as the memory layer sees it: what it needs from the other processes, as a trait.
//!
//! Whoever allocates or frees pages updates the shared memseg fbarrays, then asks its peers to
//! run [`crate::mem::memalloc::sync_all`] (map what is new, unmap what is gone) and waits for
//! their answers before the allocating call returns: a pointer handed to another process is
//! usable there at once, as DPDK guarantees.
//!
//! The memory layer cannot talk to other processes itself: IPC (`crate::mp`) sits above it.
//! So it states what it needs as [`PeerSync`], and init registers IPC's implementation
//! ([`register`]) once IPC is up. Until then (and with `--no-shconf`/`--in-memory`, where there
//! is nobody to sync with) every call here succeeds doing nothing. The receiving side (the
//! action that runs `sync_all` when a peer asks) is IPC's too.
//!
//! - Any process's change reaches every other process of the prefix (the primary and all
//!   secondaries), so by the time the allocation returns, every process has the pages. A
//!   process serialises its own broadcasts.
//! - Dead peers are skipped by the IPC layer at once, so they never delay or fail anyone's
//!   allocation.
//!
//! The requester holds the memory hotplug write lock while it waits, as DPDK does: page changes
//! are applied everywhere one at a time, so a slow peer can never see a slot freed and taken
//! again between two of its syncs, and a secondary attaching (under the read lock) sees every
//! change either in its scan or in a request.
//!
//! An `rte_mp` action runs on the IPC thread, which is also the thread that reads the answers:
//! it cannot wait for them. So while other processes exist, a heap cannot grow or shrink from
//! an action ([`check_can_broadcast`]): the allocation is served from memory the heap has, or
//! fails with a log line that says so.

use std::os::fd::OwnedFd;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use crate::base::mcfg;
use crate::err;
use crate::error::Result;

/// What the memory layer needs from the other processes of the prefix. Implemented by IPC.
pub trait PeerSync: Send + Sync {
    /// Asks every other process to sync its mappings with the memseg lists (run
    /// [`crate::mem::memalloc::sync_all`]) and waits until each has answered, up to a bound.
    /// Ok when nobody needs telling.
    fn broadcast_sync(&self) -> Result<()>;

    /// True when this thread cannot wait for the other processes' answers (it is the thread
    /// that reads them) while other processes exist.
    fn cannot_wait_for_peers(&self) -> bool;

    /// Which `rte_mp` action this thread is running: a number that changes with each action
    /// run on the IPC thread, 0 on other threads (so that callees can say a thing once per
    /// action).
    fn action_run(&self) -> u64;

    /// Gets from the primary the descriptor behind all of memseg list `li` (`--no-huge` memory
    /// has no file a secondary could open).
    fn fetch_list_fd(&self, li: usize) -> Result<OwnedFd>;
}

static PEERS: OnceLock<&'static dyn PeerSync> = OnceLock::new();

/// Registers the implementation (init, once IPC is up). The first registration stays.
pub fn register(p: &'static dyn PeerSync) {
    let _ = PEERS.set(p);
}

fn peers() -> Option<&'static dyn PeerSync> {
    PEERS.get().copied()
}

/// Whether this thread may change pages now: it must be able to wait for the other processes'
/// answers, which an `rte_mp` action (on the IPC thread, the one that reads those answers)
/// cannot. Callers hold the hotplug write lock, so no process can attach unseen meanwhile.
pub fn check_can_broadcast() -> Result<()> {
    if peers().is_some_and(|p| p.cannot_wait_for_peers()) {
        return Err(err!(
            libc::EDEADLK,
            "cannot add or give back pages from an rte_mp action: the other processes could not be told; allocate outside the action, or reserve memory up front with -m"
        ));
    }
    Ok(())
}

/// Tells every other process that pages changed and waits until they have synced. When some
/// process may have missed the change, every process checks its pages at its next sync.
pub fn broadcast() -> Result<()> {
    let Some(p) = peers() else { return Ok(()) };
    let r = p.broadcast_sync();
    if r.is_err() {
        // Somebody may have missed this change: everyone checks its pages at its next sync.
        if let Some(m) = mcfg::get() {
            m.sync_epoch.fetch_add(1, Ordering::AcqRel);
        }
    }
    r
}

/// See [`PeerSync::action_run`]; 0 without IPC.
pub fn action_run() -> u64 {
    peers().map(|p| p.action_run()).unwrap_or(0)
}

/// Gets from the primary the descriptor behind all of memseg list `li`.
pub fn fetch_list_fd(li: usize) -> Result<OwnedFd> {
    match peers() {
        Some(p) => p.fetch_list_fd(li),
        None => Err(err!(
            libc::ENOTSUP,
            "cannot get the memory of memseg list {li} from the primary: IPC is not running"
        )),
    }
}
