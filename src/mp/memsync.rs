//! The memory layer's page sync over `rte_mp`: IPC's side of [`crate::mem::memsync`].
//!
//! [`MpPeerSync`] implements [`PeerSync`]: a page change is a synchronous request named
//! [`ACTION`] to every other process of the prefix (the primary and all secondaries; rtemem's
//! IPC lets a secondary reach the other secondaries directly for this), carrying a sequence
//! number that the answer echoes, so a late answer to an earlier request that timed out never
//! passes for the answer to this one. [`register_actions`] installs the receiving side: the
//! action that runs [`memalloc::sync_all`] and answers, and (in a primary) the one that hands a
//! secondary the descriptor behind a whole `--no-huge` memseg list.
//!
//! The handlers take no shared lock: they only read the fbarrays (which lock themselves) and
//! change this process's mappings. The wait for answers is bounded by
//! `RTEMEM_SYNC_TIMEOUT_MS` (default 5 s); a dead peer never waits it out (its socket refuses at
//! once), a live but stuck one does.

use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::base::log::RTE_LOG_ERR;
use crate::error::Result;
use crate::mem::memalloc;
use crate::mem::memsync::PeerSync;
use crate::{eal_log, err};

use super::Msg;

/// The request every process answers after syncing.
pub(crate) const ACTION: &str = "rtemem_mem_sync";
/// A secondary's request for the descriptor behind a whole memseg list (`--no-huge` memory
/// has no file to open): parameter the list index, reply "0" with the descriptor, or an errno.
pub(crate) const LIST_FD: &str = "rtemem_list_fd";
/// How long a requester waits for its peers, unless `RTEMEM_SYNC_TIMEOUT_MS` says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The sync timeout: `RTEMEM_SYNC_TIMEOUT_MS` (milliseconds, read once), else 5 s.
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
    match memalloc::sync_all() {
        Ok(_) => 0,
        Err(e) => {
            eal_log!(RTE_LOG_ERR, "memory sync failed: {}", e.msg);
            e.errno
        }
    }
}

/// Registers the sync actions (after IPC is up; without IPC there is nobody to sync with).
/// Called before any memory is attached: a peer that changes pages while this process
/// attaches must get an answer at once (not a timeout), and the attach scan covers what it
/// changed.
pub fn register_actions() -> Result<()> {
    if !super::is_running() {
        return Ok(());
    }
    super::register_action(
        ACTION,
        Arc::new(|msg: &Msg, peer: &str| {
            let rc = sync_here();
            // Echo the request's sequence number: a late answer to an earlier request that
            // timed out must not pass for the answer to this one.
            let seq = String::from_utf8_lossy(&msg.param);
            let _ = super::reply(&Msg::new(ACTION, format!("{rc} {seq}").as_bytes()), peer);
            0
        }),
    )?;
    if super::is_primary() {
        super::register_action(
            LIST_FD,
            Arc::new(|msg: &Msg, peer: &str| {
                let li = String::from_utf8_lossy(&msg.param).parse::<usize>().ok();
                let mut r = Msg::new(LIST_FD, b"0");
                match li.and_then(memalloc::list_fd) {
                    Some(fd) => r.fds.push(fd),
                    None => r.param = libc::ENOENT.to_string().into_bytes(),
                }
                let _ = super::reply(&r, peer);
                0
            }),
        )?;
    }
    Ok(())
}

/// IPC's implementation of the memory layer's [`PeerSync`].
pub struct MpPeerSync;

/// The instance init registers with the memory layer.
pub static MP_PEER_SYNC: MpPeerSync = MpPeerSync;

/// One broadcast at a time per process (requests of one name to one peer may not overlap).
static BROADCAST: Mutex<()> = Mutex::new(());

impl PeerSync for MpPeerSync {
    fn broadcast_sync(&self) -> Result<()> {
        if !super::is_running() {
            return Ok(());
        }
        let _g = BROADCAST.lock().unwrap_or_else(|p| p.into_inner());
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
        let r =
            super::request_sync_everyone(&Msg::new(ACTION, seq.to_string().as_bytes()), timeout())?;
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
    }

    fn cannot_wait_for_peers(&self) -> bool {
        super::is_running() && super::on_ipc_thread() && super::everyone_count() > 0
    }

    fn action_run(&self) -> u64 {
        super::action_run()
    }

    fn fetch_list_fd(&self, li: usize) -> Result<OwnedFd> {
        let r = super::request_sync(&Msg::new(LIST_FD, li.to_string().as_bytes()), timeout())?;
        let mut fd = None;
        let mut rc = libc::ETIMEDOUT;
        for m in r.msgs {
            for raw in m.fds {
                // SAFETY: descriptors received with a message are new and ours to close.
                let owned = unsafe { OwnedFd::from_raw_fd(raw) };
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
}
