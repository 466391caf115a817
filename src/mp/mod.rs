//! Multi-process IPC (DPDK's `rte_mp_*` channel): named actions, one-way messages, and
//! requests whose replies are collected synchronously or delivered to a callback.
//!
//! Transport, as DPDK 22.11: unix datagram sockets in the runtime directory. The primary binds
//! `mp_socket`; each secondary binds `mp_socket_<pid>_<hex tsc>`. A primary reaches its
//! secondaries by listing the directory for `mp_socket_*` (under a shared `flock` of the
//! directory; a process creating its socket holds it exclusively), a secondary only talks to
//! the primary. One control thread per process, `rte_mp_handle`, reads the socket: messages and
//! requests go to the action registered under their name, replies to the request waiting for
//! them. Replies are matched by (peer socket, action name), so at most one request per peer and
//! name is pending at a time (a second is refused with EEXIST), as in DPDK.
//!
//! Dead peers: a send that finds the socket file with nobody reading (ECONNREFUSED) or no
//! file (ENOENT, the peer cleaned up meanwhile) counts as "not sent"; a primary also removes the
//! stale file. So a request never waits for a process that cannot answer.
//!
//! Asynchronous requests and their timeouts are run by the IPC thread: the callback runs there,
//! once, with every reply or when the deadline passes. The thread sleeps in `poll` until a
//! datagram arrives, the next deadline, or a wake-up: other threads (a new async request,
//! `cleanup`) write to the channel's eventfd, which is in the poll set.
//!
//! Stopping: `cleanup` sets `stop`, then writes the eventfd, then joins. The thread reads the
//! eventfd (resetting it) before it checks `stop`, so whichever way the two interleave, it
//! either sees `stop` or finds the eventfd readable and loops round to see it. An eventfd write
//! cannot fail for want of room; the wake-up used to be a datagram to the thread's own socket,
//! which fails with EAGAIN when the socket's send buffer is full of datagrams that stopped or
//! stuck peers have not read, and then the thread slept on in `poll` while `cleanup` waited in
//! `pthread_join` forever (`c-tests/test_mp_cleanup.c` recreates that).
//!
//! With `--no-shconf`/`--in-memory` IPC is disabled: no socket, no thread; registering and
//! sending fail with ENOTSUP, replying succeeds doing nothing (DPDK's behaviour).
//!
//! Locking: `ACTIONS` guards the action table, `PENDING` every pending request; neither is held
//! while an action or a callback runs, so both may call back into this module (but a
//! synchronous request from the IPC thread itself would wait for replies only that thread can
//! read: it is refused with EDEADLK).

pub mod memsync;
pub mod wire;

use std::collections::HashMap;
use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_ERR, RTE_LOG_INFO};
use crate::error::{Error, Result};
use crate::sys::{self, DirLock, LockMode};
use crate::{eal_log, err};
use wire::{decode, encode, MsgType};
pub use wire::{validate_name, Msg};

/// The primary's socket file in the runtime directory (DPDK's `mp_socket`).
pub(crate) const MP_SOCKET: &str = "mp_socket";
/// What a secondary's socket file name starts with.
const SECONDARY_PREFIX: &str = "mp_socket_";
/// The IPC thread's name, as DPDK names it.
const THREAD_NAME: &str = "rte_mp_handle";

/// An action: gets the message and the sender (to pass to [`reply`]); a negative return is
/// logged as a failure to handle the message.
pub type Action = Arc<dyn Fn(&Msg, &str) -> i32 + Send + Sync>;

/// The callback of [`request_async`]: the request and the replies (its descriptors are the
/// callback's to keep or close).
pub type AsyncCallback = Box<dyn FnOnce(&Msg, Replies) + Send>;

/// The outcome of a request: how many peers it reached and their replies.
#[derive(Debug, Default)]
pub struct Replies {
    /// Peers the request was delivered to (peers that asked to be ignored are not counted).
    pub nb_sent: usize,
    /// The replies, in no particular order.
    pub msgs: Vec<Msg>,
}

struct Channel {
    sock: OwnedFd,
    /// Wakes the IPC thread (see the module note: how the thread learns to stop).
    waker: sys::Waker,
    dir: PathBuf,
    own: PathBuf,
    primary: bool,
    stop: AtomicBool,
    thread: Mutex<Option<libc::pthread_t>>,
}

static CHANNEL: RwLock<Option<Arc<Channel>>> = RwLock::new(None);
/// Set when init ran with --no-shconf/--in-memory.
static DISABLED: AtomicBool = AtomicBool::new(false);
static ACTIONS: Mutex<Option<HashMap<String, Action>>> = Mutex::new(None);

thread_local! {
    static ON_IPC_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Counts the actions this (IPC) thread has run, so that callees can say a thing once per
    /// action.
    static ACTION_RUN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

enum Slot {
    Waiting,
    Reply(Msg),
    Ignore,
}

struct AsyncBatch {
    request: Msg,
    deadline: Instant,
    nb_sent: usize,
    /// Peers still to answer.
    waiting: usize,
    msgs: Vec<Msg>,
    callback: Option<AsyncCallback>,
}

#[derive(Default)]
struct Pending {
    /// Synchronous requests by (peer, name).
    sync: HashMap<(PathBuf, String), Slot>,
    /// Asynchronous requests by (peer, name) -> batch id.
    async_by_peer: HashMap<(PathBuf, String), u64>,
    batches: HashMap<u64, AsyncBatch>,
    next_id: u64,
}

static PENDING: Mutex<Option<Pending>> = Mutex::new(None);
static REPLIED: Condvar = Condvar::new();

fn pending() -> MutexGuard<'static, Option<Pending>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

fn with_pending<T>(f: impl FnOnce(&mut Pending) -> T) -> T {
    let mut g = pending();
    f(g.get_or_insert_with(Pending::default))
}

fn channel() -> Result<Arc<Channel>> {
    if DISABLED.load(Ordering::Acquire) {
        return Err(err!(
            libc::ENOTSUP,
            "no shared files mode enabled (--no-shconf/--in-memory): IPC is disabled"
        ));
    }
    CHANNEL
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| {
            err!(
                libc::ENOTSUP,
                "IPC is not running (rte_eal_init has not set it up)"
            )
        })
}

// ---- multi-process status (rte_mp_disable) ------------------------------------------------------

const MP_STATUS_UNKNOWN: u8 = 0;
const MP_STATUS_DISABLED: u8 = 1;
const MP_STATUS_ENABLED: u8 = 2;
/// Used before the shared config is mapped.
static LOCAL_STATUS: AtomicU8 = AtomicU8::new(MP_STATUS_UNKNOWN);

fn set_status(want: u8) -> bool {
    let cell = crate::base::mcfg::get()
        .map(|m| &m.mp_status)
        .unwrap_or(&LOCAL_STATUS);
    match cell.compare_exchange(MP_STATUS_UNKNOWN, want, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => true,
        Err(cur) => cur == want,
    }
}

/// `rte_mp_disable`: forbids secondaries from now on. False if one has already attached.
pub fn disable() -> bool {
    set_status(MP_STATUS_DISABLED)
}

/// Marks multi-process as in use (a secondary attaching). False if the primary disabled it.
pub fn enable() -> bool {
    set_status(MP_STATUS_ENABLED)
}

// ---- actions -------------------------------------------------------------------------------------

/// Registers `action` under `name` (`rte_mp_action_register`). EEXIST if the name is taken,
/// ENOTSUP when IPC is disabled, EINVAL/E2BIG for a bad name.
pub fn register_action(name: &str, action: Action) -> Result<()> {
    validate_name(name)?;
    if DISABLED.load(Ordering::Acquire) {
        return Err(err!(
            libc::ENOTSUP,
            "no shared files mode enabled, IPC is disabled"
        ));
    }
    let mut g = ACTIONS.lock().unwrap_or_else(|p| p.into_inner());
    let t = g.get_or_insert_with(HashMap::new);
    if t.contains_key(name) {
        return Err(err!(libc::EEXIST, "action '{name}' is already registered"));
    }
    t.insert(name.to_string(), action);
    Ok(())
}

/// Removes the action registered under `name`, if any (`rte_mp_action_unregister`).
pub fn unregister_action(name: &str) {
    if validate_name(name).is_err() || DISABLED.load(Ordering::Acquire) {
        return;
    }
    let mut g = ACTIONS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(t) = g.as_mut() {
        t.remove(name);
    }
}

fn find_action(name: &str) -> Option<Action> {
    let g = ACTIONS.lock().unwrap_or_else(|p| p.into_inner());
    g.as_ref().and_then(|t| t.get(name).cloned())
}

// ---- init / cleanup ------------------------------------------------------------------------------

/// Brings IPC up (DPDK's `__rte_mp_enable` check of a secondary plus `rte_mp_channel_init`):
/// with `shared_files` false it only records that IPC is disabled.
pub fn init(shared_files: bool, primary: bool) -> Result<()> {
    crate::base::lcore::set_mp_disable_hook(disable);
    if !primary && !enable() {
        return Err(err!(
            libc::EINVAL,
            "primary process refused secondary attachment (it called rte_mp_disable)"
        ));
    }
    if !shared_files {
        DISABLED.store(true, Ordering::Release);
        eal_log!(
            RTE_LOG_DEBUG,
            "No shared files mode enabled, IPC will be disabled"
        );
        return Ok(());
    }
    let dir = crate::base::runtime::dir()
        .cloned()
        .ok_or_else(|| err!(libc::EINVAL, "IPC needs the runtime directory"))?;
    let own = dir.join(if primary {
        MP_SOCKET.to_string()
    } else {
        format!(
            "{SECONDARY_PREFIX}{}_{:x}",
            std::process::id(),
            sys::rdtsc()
        )
    });
    let lock = DirLock::lock(&dir, LockMode::Exclusive)?;
    let sock =
        wire::bind(&own).map_err(|e| Error::os(format!("failed to bind {}", own.display()), e))?;
    let waker = match sys::Waker::new() {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&own);
            return Err(Error::os("failed to create the IPC thread's eventfd", e));
        }
    };
    let ch = Arc::new(Channel {
        sock,
        waker,
        dir,
        own: own.clone(),
        primary,
        stop: AtomicBool::new(false),
        thread: Mutex::new(None),
    });
    *CHANNEL.write().unwrap_or_else(|p| p.into_inner()) = Some(ch.clone());
    if let Err(e) = start_thread(&ch) {
        *CHANNEL.write().unwrap_or_else(|p| p.into_inner()) = None;
        let _ = std::fs::remove_file(&own);
        return Err(e);
    }
    drop(lock);
    eal_log!(RTE_LOG_INFO, "Multi-process socket {}", own.display());
    Ok(())
}

/// Stops the IPC thread and removes this process's socket file (`rte_mp_channel_cleanup`).
pub fn cleanup() {
    let Some(ch) = CHANNEL.write().unwrap_or_else(|p| p.into_inner()).take() else {
        return;
    };
    ch.stop.store(true, Ordering::Release);
    wake(&ch);
    let tid = ch.thread.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(tid) = tid {
        if !ON_IPC_THREAD.with(|c| c.get()) {
            // SAFETY: tid is the joinable IPC thread, joined only here (taken from the slot).
            unsafe { sys::pthread_join(tid) };
        }
    }
    let _ = std::fs::remove_file(&ch.own);
}

// ---- sending ---------------------------------------------------------------------------------------

/// How one send ended.
enum Sent {
    Yes,
    /// The peer is gone (its stale socket file was removed if we are the primary).
    DeadPeer,
}

/// How long a reply or one-way message may wait for room in a busy peer's queue.
const SEND_WAIT: Duration = Duration::from_secs(1);

fn send_one(ch: &Channel, to: &Path, ty: MsgType, msg: &Msg, max_wait: Duration) -> Result<Sent> {
    // Never blocks for long (see sys::send_dgram): a blocking send could deadlock two
    // processes whose IPC threads each wait to send to the other.
    match sys::send_dgram(
        ch.sock.as_raw_fd(),
        to,
        &encode(ty, msg),
        &msg.fds,
        max_wait,
    ) {
        Ok(()) => Ok(Sent::Yes),
        // A dead secondary is skipped and its socket removed (by anyone: rtemem's memory sync
        // reaches secondaries from secondaries too); a dead primary is an error, as in DPDK.
        Err(e)
            if (ch.primary || to.file_name().is_some_and(|n| n != MP_SOCKET))
                && matches!(e.raw_os_error(), Some(libc::ECONNREFUSED | libc::ENOENT)) =>
        {
            if e.raw_os_error() == Some(libc::ECONNREFUSED) {
                eal_log!(
                    RTE_LOG_DEBUG,
                    "peer {} is gone; removing its socket",
                    to.display()
                );
                let _ = std::fs::remove_file(to);
            }
            Ok(Sent::DeadPeer)
        }
        Err(e) => Err(Error::os(
            format!("failed to send to ({})", to.display()),
            e,
        )),
    }
}

/// Sends request `msg` to `to`, waiting for room in its queue at most until `deadline`.
fn send_request(ch: &Channel, to: &Path, msg: &Msg, deadline: Instant) -> Result<Sent> {
    let wait = deadline.saturating_duration_since(Instant::now());
    send_one(ch, to, MsgType::Req, msg, wait)
}

/// Wakes the IPC thread. The eventfd's counter only fails to take a write when it would pass
/// `u64::MAX - 1`; the thread resets it at every wake-up, so that never happens.
fn wake(ch: &Channel) {
    ch.waker.wake();
}

/// The sockets a message from this process goes to: every secondary's (primary), or the
/// primary's (secondary). The lock keeps processes from creating sockets meanwhile.
fn peers(ch: &Channel) -> Result<(Vec<PathBuf>, Option<DirLock>)> {
    peers_of(ch, false)
}

/// The sockets a request reaches: DPDK's topology (primary <-> secondaries), or with
/// `everyone` every other process of the prefix (rtemem's memory sync, which must reach the
/// other secondaries synchronously too).
fn peers_of(ch: &Channel, everyone: bool) -> Result<(Vec<PathBuf>, Option<DirLock>)> {
    if !ch.primary && !everyone {
        return Ok((vec![ch.dir.join(MP_SOCKET)], None));
    }
    let lock = DirLock::lock(&ch.dir, LockMode::Shared)?;
    let rd = std::fs::read_dir(&ch.dir)
        .map_err(|e| Error::os(format!("unable to open directory {}", ch.dir.display()), e))?;
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name();
            let n = n.as_bytes();
            n.starts_with(SECONDARY_PREFIX.as_bytes()) || (everyone && n == MP_SOCKET.as_bytes())
        })
        .map(|e| e.path())
        .filter(|p| *p != ch.own)
        .collect();
    out.sort();
    Ok((out, Some(lock)))
}

/// How many peers a message from this process would reach now: the number of secondaries'
/// sockets (primary) or 1 (secondary); 0 when IPC is not running.
pub fn peer_count() -> usize {
    match channel() {
        Ok(ch) => peers(&ch).map(|(p, _)| p.len()).unwrap_or(0),
        Err(_) => 0,
    }
}

/// How many other processes of the prefix have a socket now (what
/// [`request_sync_everyone`] would try to reach); 0 when IPC is not running.
pub fn everyone_count() -> usize {
    match channel() {
        Ok(ch) => peers_of(&ch, true).map(|(p, _)| p.len()).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Which action this thread is running (a number that changes with each action run on the IPC
/// thread; 0 elsewhere).
pub fn action_run() -> u64 {
    ACTION_RUN.with(|c| c.get())
}

/// True on this process's IPC thread (in an `rte_mp` action or async callback).
pub fn on_ipc_thread() -> bool {
    ON_IPC_THREAD.with(|c| c.get())
}

/// True when IPC is up in this process (false before init, after cleanup, and with
/// `--no-shconf`/`--in-memory`).
pub fn is_running() -> bool {
    channel().is_ok()
}

/// True in the process that owns the primary socket.
pub fn is_primary() -> bool {
    channel().map(|c| c.primary).unwrap_or(false)
}

/// Sends a one-way message (`rte_mp_sendmsg`): to every secondary from the primary, to the
/// primary from a secondary. Dead secondaries are skipped.
pub fn sendmsg(msg: &Msg) -> Result<()> {
    msg.validate()?;
    let ch = channel()?;
    let (to, _lock) = peers(&ch)?;
    let mut first_err = None;
    for p in &to {
        if let Err(e) = send_one(&ch, p, MsgType::Msg, msg, SEND_WAIT) {
            first_err.get_or_insert(e);
        }
    }
    first_err.map_or(Ok(()), Err)
}

/// Answers a request (`rte_mp_reply`); `peer` is what the action was given. A no-op when IPC is
/// disabled, as in DPDK.
pub fn reply(msg: &Msg, peer: &str) -> Result<()> {
    msg.validate()?;
    if DISABLED.load(Ordering::Acquire) {
        return Ok(());
    }
    let ch = channel()?;
    send_one(&ch, Path::new(peer), MsgType::Rep, msg, SEND_WAIT).map(|_| ())
}

/// What the send loop of a request does once sending to one peer failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum AfterFailure {
    /// Send to no more peers (`rte_mp_request_sync`).
    Stop,
    /// Send to the other peers all the same (`rte_mp_request_async`).
    GoOn,
}

/// The one send loop of both kinds of request: sends request `name` to each peer of `to` with
/// `send` and hands each peer it reached to `record` (with `p`, the pending table, locked by the
/// caller). A peer that has a request of this name pending already is refused with EEXIST (at
/// most one per peer and name, as DPDK), a dead peer is skipped. Returns the first failure.
///
/// Why the two kinds differ after a failure (both as DPDK 22.11): a synchronous request fails
/// as a whole, so sending it to more peers would only make more replies to wait for and then
/// drop; it stops, and `nb_sent` counts the peers reached before the failure. An asynchronous
/// request whose callback is already due (one peer got it) must give every peer it can reach
/// the request, or the callback would run with the replies of an arbitrary subset; it goes on,
/// and the call still reports the failure.
fn send_requests(
    p: &mut Pending,
    to: Vec<PathBuf>,
    name: &str,
    after_failure: AfterFailure,
    mut send: impl FnMut(&Path) -> Result<Sent>,
    mut record: impl FnMut(&mut Pending, (PathBuf, String)),
) -> Option<Error> {
    let mut failure = None;
    for peer in to {
        let key = (peer, name.to_owned());
        let sent = if p.sync.contains_key(&key) || p.async_by_peer.contains_key(&key) {
            Err(err!(
                libc::EEXIST,
                "a pending request {}:{}",
                key.0.display(),
                name
            ))
        } else {
            send(&key.0)
        };
        match sent {
            Ok(Sent::Yes) => record(p, key),
            Ok(Sent::DeadPeer) => {}
            Err(e) => {
                failure.get_or_insert(e);
                if after_failure == AfterFailure::Stop {
                    break;
                }
            }
        }
    }
    failure
}

/// Sends a request to every peer and waits up to `timeout` for all replies
/// (`rte_mp_request_sync`). `nb_sent` is set even when the call fails, as DPDK reports it.
///
/// Fails with ETIMEDOUT if some peer that got the request did not answer in time (the replies
/// that did arrive are then dropped and their descriptors closed), EEXIST if a request of this
/// name to the same peer is already pending, EDEADLK when called on the IPC thread.
pub fn request_sync_counted(msg: &Msg, timeout: Duration, nb_sent: &mut usize) -> Result<Vec<Msg>> {
    request_sync_to(msg, timeout, nb_sent, false)
}

/// Sends a request to every other process of the prefix (secondaries included, from a
/// secondary too) and waits for all answers. For rtemem's own memory sync.
pub fn request_sync_everyone(msg: &Msg, timeout: Duration) -> Result<Replies> {
    let mut nb_sent = 0;
    let msgs = request_sync_to(msg, timeout, &mut nb_sent, true)?;
    Ok(Replies { nb_sent, msgs })
}

fn request_sync_to(
    msg: &Msg,
    timeout: Duration,
    nb_sent: &mut usize,
    everyone: bool,
) -> Result<Vec<Msg>> {
    *nb_sent = 0;
    msg.validate()?;
    let ch = channel()?;
    if ON_IPC_THREAD.with(|c| c.get()) {
        return Err(err!(
            libc::EDEADLK,
            "synchronous request '{}' from the IPC thread (an action or callback) would wait for itself; use an asynchronous request",
            msg.name
        ));
    }
    let deadline = Instant::now() + timeout;
    let (to, lock) = peers_of(&ch, everyone)?;
    let mut keys = Vec::new();
    let failure;
    {
        let mut g = pending();
        let p = g.get_or_insert_with(Pending::default);
        failure = send_requests(
            p,
            to,
            &msg.name,
            AfterFailure::Stop,
            |peer| send_request(&ch, peer, msg, deadline),
            |p, key| {
                p.sync.insert(key.clone(), Slot::Waiting);
                keys.push(key);
            },
        );
    }
    drop(lock);
    *nb_sent = keys.len();
    // Wait for every peer that got the request (even after a failure, so no reply is left
    // unmatched), but no longer than the deadline.
    let mut g = pending();
    loop {
        let p = g.get_or_insert_with(Pending::default);
        let waiting = keys
            .iter()
            .any(|k| matches!(p.sync.get(k), Some(Slot::Waiting)));
        let now = Instant::now();
        if !waiting || now >= deadline {
            break;
        }
        g = REPLIED
            .wait_timeout(g, deadline - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    let p = g.get_or_insert_with(Pending::default);
    let mut msgs = Vec::new();
    let mut missing = None;
    for k in &keys {
        match p.sync.remove(k) {
            Some(Slot::Reply(m)) => msgs.push(m),
            Some(Slot::Ignore) => *nb_sent -= 1,
            _ => {
                missing.get_or_insert_with(|| k.0.clone());
            }
        }
    }
    drop(g);
    let failure = failure.or_else(|| {
        missing.map(|peer| {
            err!(
                libc::ETIMEDOUT,
                "fail to recv reply for request {}:{}",
                peer.display(),
                msg.name
            )
        })
    });
    match failure {
        Some(e) => {
            for m in &mut msgs {
                m.close_fds();
            }
            Err(e)
        }
        None => Ok(msgs),
    }
}

/// [`request_sync_counted`] for Rust callers (e.g. memory hotplug sync): the replies of every
/// peer, or an error.
pub fn request_sync(msg: &Msg, timeout: Duration) -> Result<Replies> {
    let mut nb_sent = 0;
    let msgs = request_sync_counted(msg, timeout, &mut nb_sent)?;
    Ok(Replies { nb_sent, msgs })
}

/// Sends a request to every peer and returns at once (`rte_mp_request_async`); `callback` runs
/// on the IPC thread with all replies, or with those that came when `timeout` passes. It runs
/// even when no peer was reached. An error means the callback will not run.
pub fn request_async(msg: &Msg, timeout: Duration, callback: AsyncCallback) -> Result<()> {
    msg.validate()?;
    let ch = channel()?;
    let deadline = Instant::now() + timeout;
    let (to, lock) = peers(&ch)?;
    let mut g = pending();
    let p = g.get_or_insert_with(Pending::default);
    p.next_id += 1;
    let id = p.next_id;
    let mut batch = AsyncBatch {
        request: Msg {
            fds: Vec::new(),
            ..msg.clone()
        },
        deadline,
        nb_sent: 0,
        waiting: 0,
        msgs: Vec::new(),
        callback: Some(callback),
    };
    let failure = send_requests(
        p,
        to,
        &msg.name,
        AfterFailure::GoOn,
        |peer| send_request(&ch, peer, msg, deadline),
        |p, key| {
            batch.nb_sent += 1;
            batch.waiting += 1;
            p.async_by_peer.insert(key, id);
        },
    );
    if failure.is_some() && batch.nb_sent == 0 {
        return Err(failure.unwrap_or_else(|| err!(libc::EIO, "request not sent")));
    }
    p.batches.insert(id, batch);
    drop(g);
    drop(lock);
    // The IPC thread computes its next deadline from the batches: wake it to notice this one
    // (and to run the callback at once when nobody was reached).
    wake(&ch);
    failure.map_or(Ok(()), Err)
}

// ---- the IPC thread --------------------------------------------------------------------------------

fn start_thread(ch: &Arc<Channel>) -> Result<()> {
    extern "C" fn run(arg: *mut libc::c_void) -> *mut libc::c_void {
        // SAFETY: arg is the Arc<Channel> leaked by start_thread for this thread.
        let ch = unsafe { Arc::from_raw(arg as *const Channel) };
        ON_IPC_THREAD.with(|c| c.set(true));
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ipc_loop(&ch)));
        std::ptr::null_mut()
    }
    let raw = Arc::into_raw(ch.clone()) as *mut libc::c_void;
    let mut tid: libc::pthread_t = 0;
    let name = CString::new(THREAD_NAME).unwrap_or_default();
    // SAFETY: tid is writable, attr NULL, and `run` takes ownership of `raw`.
    let rc = unsafe {
        crate::base::lcore::ctrl::create(&mut tid, Some(&name), std::ptr::null(), run, raw)
    };
    if rc != 0 {
        // SAFETY: on failure the thread never ran `run`, so `raw` is still ours.
        drop(unsafe { Arc::from_raw(raw as *const Channel) });
        return Err(Error::new(rc, "failed to create mp thread"));
    }
    *ch.thread.lock().unwrap_or_else(|p| p.into_inner()) = Some(tid);
    Ok(())
}

fn ipc_loop(ch: &Channel) {
    let fd = ch.sock.as_raw_fd();
    // Reset the eventfd before checking `stop` (never after): see the module note.
    while !ch.stop.load(Ordering::Acquire) {
        let next = with_pending(|p| p.batches.values().map(|b| b.deadline).min());
        let timeout_ms = match next {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                left.as_millis().saturating_add(1).min(i32::MAX as u128) as i32
            }
        };
        let (sock_ready, woken) = sys::poll_readable2(fd, ch.waker.fd(), timeout_ms);
        if woken {
            ch.waker.clear();
        }
        if sock_ready {
            drain(ch);
        }
        run_finished_batches();
    }
}

fn drain(ch: &Channel) {
    loop {
        match wire::recv(ch.sock.as_raw_fd()) {
            Ok(Some(dg)) => match decode(&dg.frame, dg.fds) {
                Ok((ty, msg)) => dispatch(ch, ty, msg, &dg.from),
                Err(e) => eal_log!(RTE_LOG_ERR, "dropping IPC datagram: {}", e.msg),
            },
            Ok(None) => return,
            Err(e) => {
                eal_log!(RTE_LOG_ERR, "recvmsg failed, {e}");
                return;
            }
        }
    }
}

fn dispatch(ch: &Channel, ty: MsgType, mut msg: Msg, from: &Path) {
    eal_log!(RTE_LOG_DEBUG, "msg: {}", msg.name);
    match ty {
        MsgType::Wake => {}
        MsgType::Rep | MsgType::Ign => {
            let key = (from.to_path_buf(), msg.name.clone());
            let mut g = pending();
            let p = g.get_or_insert_with(Pending::default);
            if let Some(slot @ Slot::Waiting) = p.sync.get_mut(&key) {
                *slot = if ty == MsgType::Rep {
                    Slot::Reply(msg)
                } else {
                    msg.close_fds();
                    Slot::Ignore
                };
                REPLIED.notify_all();
            } else if let Some(id) = p.async_by_peer.remove(&key) {
                if let Some(b) = p.batches.get_mut(&id) {
                    b.waiting = b.waiting.saturating_sub(1);
                    if ty == MsgType::Rep {
                        b.msgs.push(msg);
                    } else {
                        b.nb_sent = b.nb_sent.saturating_sub(1);
                        msg.close_fds();
                    }
                }
            } else {
                eal_log!(RTE_LOG_ERR, "Drop mp reply: {}", msg.name);
                msg.close_fds();
            }
        }
        MsgType::Msg | MsgType::Req => {
            let Some(action) = find_action(&msg.name) else {
                if ty == MsgType::Req && !crate::config::initialized() {
                    // Still initialising: tell the requester not to wait for us.
                    let _ = send_one(ch, from, MsgType::Ign, &Msg::new(&msg.name, b""), SEND_WAIT);
                } else {
                    eal_log!(RTE_LOG_ERR, "Cannot find action: {}", msg.name);
                }
                msg.close_fds();
                return;
            };
            let peer = from.to_string_lossy();
            ACTION_RUN.with(|c| c.set(c.get() + 1));
            if action(&msg, &peer) < 0 {
                eal_log!(RTE_LOG_ERR, "Fail to handle message: {}", msg.name);
            }
        }
    }
}

/// Runs the callbacks of batches that have every reply or whose deadline passed.
fn run_finished_batches() {
    let now = Instant::now();
    let done: Vec<AsyncBatch> = with_pending(|p| {
        let ids: Vec<u64> = p
            .batches
            .iter()
            .filter(|(_, b)| b.waiting == 0 || b.deadline <= now)
            .map(|(&id, _)| id)
            .collect();
        p.async_by_peer.retain(|_, id| !ids.contains(id));
        ids.iter().filter_map(|id| p.batches.remove(id)).collect()
    });
    for mut b in done {
        if let Some(cb) = b.callback.take() {
            let replies = Replies {
                nb_sent: b.nb_sent,
                msgs: std::mem::take(&mut b.msgs),
            };
            let req = std::mem::take(&mut b.request);
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(&req, replies)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop() -> Action {
        Arc::new(|_: &Msg, _: &str| 0)
    }

    #[test]
    fn duplicate_action_is_eexist_and_unregister_frees_the_name() {
        register_action("unit_dup", noop()).unwrap();
        let e = register_action("unit_dup", noop()).unwrap_err();
        assert_eq!(e.errno, libc::EEXIST);
        unregister_action("unit_dup");
        register_action("unit_dup", noop()).unwrap();
        unregister_action("unit_dup");
        unregister_action("never_there");
    }

    #[test]
    fn bad_action_names_are_refused_like_dpdk() {
        assert_eq!(register_action("", noop()).unwrap_err().errno, libc::EINVAL);
        let long = "l".repeat(crate::abi::RTE_MP_MAX_NAME_LEN);
        assert_eq!(
            register_action(&long, noop()).unwrap_err().errno,
            libc::E2BIG
        );
    }

    #[test]
    fn the_send_loop_refuses_a_pending_peer_and_stops_only_for_sync() {
        let peers = || -> Vec<PathBuf> { ["a", "b", "c", "d"].map(PathBuf::from).to_vec() };
        let mut p = Pending::default();
        p.async_by_peer
            .insert((PathBuf::from("b"), "req".into()), 1);
        // "d" is dead: skipped, neither sent nor a failure.
        let send = |peer: &Path| {
            Ok(if peer == Path::new("d") {
                Sent::DeadPeer
            } else {
                Sent::Yes
            })
        };
        let mut reached = Vec::new();
        let e = send_requests(&mut p, peers(), "req", AfterFailure::Stop, send, |_, k| {
            reached.push(k.0)
        });
        assert_eq!(e.map(|e| e.errno), Some(libc::EEXIST));
        assert_eq!(reached, [PathBuf::from("a")]);

        let mut reached = Vec::new();
        let e = send_requests(&mut p, peers(), "req", AfterFailure::GoOn, send, |_, k| {
            reached.push(k.0)
        });
        assert_eq!(e.map(|e| e.errno), Some(libc::EEXIST));
        assert_eq!(reached, [PathBuf::from("a"), PathBuf::from("c")]);

        // Another name is not pending anywhere; a send error is the failure returned.
        let mut n = 0;
        let e = send_requests(
            &mut p,
            peers(),
            "other",
            AfterFailure::GoOn,
            |peer| {
                if peer == Path::new("c") {
                    Err(err!(libc::EAGAIN, "full"))
                } else {
                    Ok(Sent::Yes)
                }
            },
            |_, _| n += 1,
        );
        assert_eq!((e.map(|e| e.errno), n), (Some(libc::EAGAIN), 3));
    }

    #[test]
    fn sending_without_a_channel_is_enotsup() {
        let m = Msg::new("x", b"");
        assert_eq!(sendmsg(&m).unwrap_err().errno, libc::ENOTSUP);
        let mut n = 7;
        let e = request_sync_counted(&m, Duration::from_millis(1), &mut n).unwrap_err();
        assert_eq!((e.errno, n), (libc::ENOTSUP, 0));
        assert_eq!(peer_count(), 0);
    }
}
