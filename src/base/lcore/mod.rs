//! Logical cores: the lcore table, worker threads, remote launch, and non-EAL thread
//! registration (DPDK's `rte_lcore.h` and `rte_launch.h`).
//!
//! An *lcore* is an id below `RTE_MAX_LCORE` with a role: `ROLE_RTE` for lcores given to
//! `rte_eal_init` (`-l`, `-c`, `--lcores`), `ROLE_NON_EAL` for threads that called
//! `rte_thread_register`, `ROLE_SERVICE` for service cores, `ROLE_OFF` otherwise. Each EAL lcore
//! is bound to a CPU set; the main lcore is the thread that called `rte_eal_init`, every other
//! EAL lcore is a worker thread named `rte-worker-<id>` that sleeps until
//! `rte_eal_remote_launch` hands it a function (see [`launch`]).
//!
//! A thread knows its own lcore id through the C thread-local `per_lcore__lcore_id` (read inline
//! by `rte_lcore_id()`), and its socket through a Rust thread-local.
//!
//! Invariants and locking:
//! - Table entries (role, index, socket, CPU set) are atomics, so every reader
//!   (`rte_lcore_count`, `rte_lcore_to_socket_id`, ...) is lock-free and may be called from an
//!   lcore callback or a launched function.
//! - Writers (configure, non-EAL allocation and release, callback registration) are serialised
//!   by `lock`, a reader-writer lock that also owns the callback list; `rte_lcore_iterate`
//!   holds it for reading, so the set of lcores cannot change during an iteration (DPDK's
//!   `lcore_lock`).
//! - Callbacks are boxed so that a handle (the box's address) stays valid while the list
//!   grows or shrinks.
//! - Before `rte_eal_init` the table looks as DPDK's zero-initialised configuration does: every
//!   role is `ROLE_RTE` (value 0), the count is 0, there are no sockets.

pub mod cpuset;
pub mod ctrl;
pub mod launch;
pub use launch::StackSource;
pub mod topology;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::ffi::{c_int, c_uint, c_void};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use cpuset::CpuSet;
pub use topology::Topology;

use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_INFO};
use crate::error::Result;
use crate::options::{EalConfig, RTE_MAX_LCORE};

/// `enum rte_lcore_role_t` values.
pub(crate) const ROLE_RTE: i32 = 0;
pub(crate) const ROLE_OFF: i32 = 1;
pub(crate) const ROLE_SERVICE: i32 = 2;
pub(crate) const ROLE_NON_EAL: i32 = 3;
/// An lcore's role, for [`set_role`] (the values of `enum rte_lcore_role_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Rte = ROLE_RTE as isize,
    Off = ROLE_OFF as isize,
    Service = ROLE_SERVICE as isize,
    NonEal = ROLE_NON_EAL as isize,
}

/// `enum rte_lcore_state_t` values.
pub(crate) const WAIT: i32 = 0;
pub(crate) const RUNNING: i32 = 1;
/// `enum rte_rmt_call_main_t` values.
pub(crate) const SKIP_MAIN: i32 = 0;
pub(crate) const CALL_MAIN: i32 = 1;
/// "Any lcore": the lcore id of a thread that has none.
pub(crate) const LCORE_ID_ANY: u32 = u32::MAX;
/// "Any socket", as an unsigned socket id (SOCKET_ID_ANY is -1).
pub(crate) const SOCKET_ID_ANY_U: u32 = u32::MAX;

/// The function an lcore runs (`lcore_function_t`).
pub type LcoreFn = unsafe extern "C" fn(*mut c_void) -> c_int;
/// `rte_lcore_init_cb`.
pub type InitCb = unsafe extern "C" fn(c_uint, *mut c_void) -> c_int;
/// `rte_lcore_uninit_cb`.
pub type UninitCb = unsafe extern "C" fn(c_uint, *mut c_void);

extern "C" {
    fn rtemem__lcore_id_location() -> *mut c_uint;
}

thread_local! {
    static THREAD_CPUSET: Cell<Option<CpuSet>> = const { Cell::new(None) };
}

/// This thread's lcore id (`rte_lcore_id()`), LCORE_ID_ANY for threads without one.
pub fn current_lcore() -> u32 {
    // SAFETY: the accessor returns this thread's `__thread unsigned` in the C shim, valid for
    // the thread's lifetime.
    unsafe { *rtemem__lcore_id_location() }
}

fn set_current_lcore(id: u32) {
    // SAFETY: as in `current_lcore`; only this thread writes its own variable.
    unsafe { *rtemem__lcore_id_location() = id };
}

/// This thread's socket (`rte_socket_id()`): `u32::MAX` (SOCKET_ID_ANY) unless the thread is
/// an lcore or registered, and its CPU set lies on one node.
#[inline]
pub fn current_socket() -> u32 {
    crate::base::tls::get(|h| h.socket)
}

/// The CPU set EAL recorded for this thread (lcore threads, registered and control threads).
pub fn current_thread_cpuset() -> Option<CpuSet> {
    THREAD_CPUSET.with(|c| c.get())
}

/// One lcore callback (`rte_lcore_callback_register`).
struct Callback {
    name: String,
    init: Option<InitCb>,
    uninit: Option<UninitCb>,
    arg: usize,
}

impl Callback {
    fn init(&self, id: u32) -> c_int {
        let Some(f) = self.init else { return 0 };
        crate::eal_log!(
            RTE_LOG_DEBUG,
            "Call init for lcore callback {}, lcore_id {id}",
            self.name
        );
        // SAFETY: the registrant guarantees `init(lcore_id, arg)` may be called.
        unsafe { f(id, self.arg as *mut c_void) }
    }

    fn uninit(&self, id: u32) {
        let Some(f) = self.uninit else { return };
        crate::eal_log!(
            RTE_LOG_DEBUG,
            "Call uninit for lcore callback {}, lcore_id {id}",
            self.name
        );
        // SAFETY: the registrant guarantees `uninit(lcore_id, arg)` may be called.
        unsafe { f(id, self.arg as *mut c_void) }
    }
}

/// An opaque callback handle as C sees it.
pub type CallbackHandle = *mut c_void;

/// One row of the lcore table.
#[derive(Default)]
struct Entry {
    role: AtomicI32,
    core_index: AtomicI32,
    /// `topology/core_id` of the CPU with this lcore's number (what DPDK reports).
    cpu_id: AtomicI32,
    socket_id: AtomicU32,
    cpuset: cpuset::AtomicCpuSet,
    slot: launch::Slot,
}

#[allow(clippy::vec_box)] // boxed callbacks: their addresses are the C handles
/// The lcore table and its threads. One global instance serves the C API ([`global`]); tests
/// build their own.
pub struct Lcores {
    entries: Box<[Entry]>,
    count: AtomicU32,
    main: AtomicU32,
    configured: AtomicBool,
    sockets: RwLock<Vec<u32>>,
    topology: RwLock<Option<Arc<Topology>>>,
    ctrl_cpuset: RwLock<CpuSet>,
    /// The CPUs the process could run on when EAL started (before the main lcore was pinned).
    startup_cpuset: RwLock<CpuSet>,
    /// DPDK's `lcore_lock`, guarding role changes, with the callback list it protects.
    lock: RwLock<Vec<Box<Callback>>>,
    workers: Mutex<Vec<(u32, launch::WorkerThread)>>,
}

impl Default for Lcores {
    fn default() -> Self {
        Self::new()
    }
}

impl Lcores {
    /// A table as DPDK's is before `rte_eal_init`.
    pub fn new() -> Lcores {
        Lcores {
            entries: (0..RTE_MAX_LCORE).map(|_| Entry::default()).collect(),
            count: AtomicU32::new(0),
            main: AtomicU32::new(0),
            configured: AtomicBool::new(false),
            sockets: RwLock::new(Vec::new()),
            topology: RwLock::new(None),
            ctrl_cpuset: RwLock::new(CpuSet::default()),
            startup_cpuset: RwLock::new(CpuSet::default()),
            lock: RwLock::new(Vec::new()),
            workers: Mutex::new(Vec::new()),
        }
    }

    fn entry(&self, id: u32) -> &Entry {
        &self.entries[id as usize]
    }

    fn checked_entry(&self, id: u32) -> Result<&Entry> {
        self.entries.get(id as usize).ok_or_else(|| {
            crate::err!(
                libc::EINVAL,
                "lcore id {id} is not below RTE_MAX_LCORE ({RTE_MAX_LCORE})"
            )
        })
    }

    #[allow(clippy::vec_box)]
    fn read_lock(&self) -> RwLockReadGuard<'_, Vec<Box<Callback>>> {
        self.lock.read().unwrap_or_else(|e| e.into_inner())
    }

    #[allow(clippy::vec_box)]
    fn write_lock(&self) -> RwLockWriteGuard<'_, Vec<Box<Callback>>> {
        self.lock.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Fills the table from `lcores` (id -> CPUs) with `main` as the main lcore.
    /// `startup_affinity` is the process's CPU set before any pinning (for control threads).
    pub fn configure(
        &self,
        topo: Topology,
        lcores: &BTreeMap<u32, Vec<usize>>,
        main: u32,
        startup_affinity: &CpuSet,
    ) -> Result<()> {
        let _g = self.write_lock();
        if self.configured.load(Ordering::Acquire) {
            return Err(crate::err!(
                libc::EALREADY,
                "the lcore table is already configured"
            ));
        }
        if lcores.is_empty() {
            return Err(crate::err!(
                libc::EINVAL,
                "no lcore given (use -l, -c or --lcores)"
            ));
        }
        let mut sets = BTreeMap::new();
        for (&id, cpus) in lcores {
            if id as usize >= RTE_MAX_LCORE {
                return Err(crate::err!(
                    libc::EINVAL,
                    "lcore {id} is not below RTE_MAX_LCORE ({RTE_MAX_LCORE})"
                ));
            }
            if cpus.is_empty() {
                return Err(crate::err!(libc::EINVAL, "lcore {id} has no CPU"));
            }
            if let Some(c) = cpus.iter().find(|&&c| !topo.cpu_detected(c)) {
                return Err(crate::err!(
                    libc::EINVAL,
                    "lcore {id}: CPU {c} is not present on this machine (CPUs: {})",
                    CpuSet::from_cpus(&topo.cpus().collect::<Vec<_>>())?
                        .to_list_string(usize::MAX)
                        .0
                ));
            }
            sets.insert(id, CpuSet::from_cpus(cpus)?);
        }
        if !sets.contains_key(&main) {
            return Err(crate::err!(
                libc::EINVAL,
                "main lcore {main} is not one of the lcores given"
            ));
        }
        let mut index = 0;
        for id in 0..RTE_MAX_LCORE as u32 {
            let e = self.entry(id);
            let cpu = id as usize;
            e.cpu_id.store(topo.core_id(cpu) as i32, Ordering::Relaxed);
            match sets.get(&id) {
                Some(set) => {
                    e.role.store(ROLE_RTE, Ordering::Release);
                    e.core_index.store(index, Ordering::Relaxed);
                    index += 1;
                    e.cpuset.store(set);
                    let sock = topo.socket_of_cpus(&set.cpus()).unwrap_or(SOCKET_ID_ANY_U);
                    e.socket_id.store(sock, Ordering::Relaxed);
                }
                None => {
                    e.role.store(ROLE_OFF, Ordering::Release);
                    e.core_index.store(-1, Ordering::Relaxed);
                    let detected = topo.cpu_detected(cpu);
                    let own = if detected {
                        CpuSet::from_cpus(&[cpu])?
                    } else {
                        CpuSet::default()
                    };
                    e.cpuset.store(&own);
                    let sock = if detected { topo.socket_of_cpu(cpu) } else { 0 };
                    e.socket_id.store(sock, Ordering::Relaxed);
                }
            }
        }
        self.count.store(sets.len() as u32, Ordering::Release);
        self.main.store(main, Ordering::Release);
        // Control threads run on the CPUs the process may use that no lcore uses, or on the
        // main lcore's CPUs when there are none (DPDK's compute_ctrl_threads_cpuset).
        let used = sets.values().fold(CpuSet::default(), |a, s| a.union(s));
        let mut ctrl = startup_affinity.minus(&used);
        if ctrl.is_empty() {
            ctrl = sets[&main];
        }
        *self.ctrl_cpuset.write().unwrap_or_else(|e| e.into_inner()) = ctrl;
        *self
            .startup_cpuset
            .write()
            .unwrap_or_else(|e| e.into_inner()) = *startup_affinity;
        *self.sockets.write().unwrap_or_else(|e| e.into_inner()) = topo.sockets();
        *self.topology.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(topo));
        self.configured.store(true, Ordering::Release);
        Ok(())
    }

    /// Makes the calling thread the main lcore (pinned, lcore id set), then starts the workers
    /// (unless `spawn` is false: they are started later).
    pub fn start(self: &Arc<Self>, stack_size: usize, spawn: bool) -> Result<()> {
        if !self.configured.load(Ordering::Acquire) {
            return Err(crate::err!(
                libc::EINVAL,
                "the lcore table is not configured"
            ));
        }
        let main = self.main();
        let set = self.entry(main).cpuset.load();
        cpuset::set_current_thread_affinity(&set)
            .map_err(|e| crate::err!(e.errno, "main lcore {main}: {}", e.msg))?;
        self.thread_init(main, &set);
        crate::eal_log!(
            RTE_LOG_DEBUG,
            "Main lcore {main} is ready (tid={:x};cpuset=[{}])",
            crate::sys::pthread_self(),
            set.to_list_string(cpuset::RTE_CPU_AFFINITY_STR_LEN).0
        );
        if !spawn {
            return Ok(());
        }
        self.spawn_workers(stack_size)
    }

    /// DPDK's `__rte_thread_init`: records `id` and `set` as the calling thread's, and, for a
    /// real lcore, the socket and CPU set in its table entry; gives the thread its trace
    /// buffer when tracing is on.
    pub(crate) fn thread_init(&self, id: u32, set: &CpuSet) {
        set_current_lcore(id);
        let sock = self.socket_of_cpus(set);
        crate::base::tls::set(|h| h.socket = sock);
        THREAD_CPUSET.with(|c| c.set(Some(*set)));
        if let Ok(e) = self.checked_entry(id) {
            e.socket_id.store(sock, Ordering::Relaxed);
            e.cpuset.store(set);
        }
        crate::base::trace::mem::alloc_current();
    }

    /// The socket of a CPU set, SOCKET_ID_ANY when it spans nodes or is empty.
    fn socket_of_cpus(&self, set: &CpuSet) -> u32 {
        match &*self.topology.read().unwrap_or_else(|e| e.into_inner()) {
            Some(t) => t.socket_of_cpus(&set.cpus()).unwrap_or(SOCKET_ID_ANY_U),
            None => topology()
                .socket_of_cpus(&set.cpus())
                .unwrap_or(SOCKET_ID_ANY_U),
        }
    }

    /// Stops the workers and forgets the configuration (the table keeps its last values).
    pub fn shutdown(&self) {
        self.stop_workers();
        self.configured.store(false, Ordering::Release);
    }

    pub fn main(&self) -> u32 {
        self.main.load(Ordering::Acquire)
    }

    pub fn count(&self) -> u32 {
        self.count.load(Ordering::Acquire)
    }

    /// `rte_eal_lcore_role`: ROLE_OFF for ids out of range.
    pub fn role(&self, id: u32) -> i32 {
        self.checked_entry(id)
            .map(|e| e.role.load(Ordering::Acquire))
            .unwrap_or(ROLE_OFF)
    }

    /// Gives lcore `id` another role (the service layer switches lcores between `Rte` and
    /// `Service`, as DPDK's `set_lcore_state`). The count of lcores does not change, and no
    /// lock is taken: like DPDK's role word it is a plain store, safe from any thread and from
    /// inside an lcore callback or `rte_lcore_iterate`.
    pub fn set_role(&self, id: u32, role: Role) -> Result<()> {
        self.checked_entry(id)?
            .role
            .store(role as i32, Ordering::Release);
        Ok(())
    }

    /// `rte_lcore_has_role`: 0 for ids out of range (as DPDK 22.11.x does).
    pub fn has_role(&self, id: u32, role: i32) -> bool {
        self.checked_entry(id)
            .map(|e| e.role.load(Ordering::Acquire) == role)
            .unwrap_or(false)
    }

    /// `rte_lcore_is_enabled`: the lcore is an EAL lcore (ROLE_RTE).
    pub fn is_enabled(&self, id: u32) -> bool {
        self.has_role(id, ROLE_RTE)
    }

    /// The enabled lcores, in increasing order.
    pub fn enabled(&self) -> impl Iterator<Item = u32> + '_ {
        (0..RTE_MAX_LCORE as u32).filter(|&i| self.is_enabled(i))
    }

    /// Resolves DPDK's "negative means the calling thread's lcore" convention.
    fn resolve(&self, id: c_int) -> Option<u32> {
        if id >= RTE_MAX_LCORE as c_int {
            return None;
        }
        if id < 0 {
            let me = current_lcore();
            return (me != LCORE_ID_ANY).then_some(me);
        }
        Some(id as u32)
    }

    /// `rte_lcore_index`: position among the lcores given to EAL, -1 otherwise.
    pub fn index(&self, id: c_int) -> c_int {
        match self.resolve(id).and_then(|i| self.checked_entry(i).ok()) {
            Some(e) => e.core_index.load(Ordering::Relaxed),
            None => -1,
        }
    }

    /// `rte_lcore_to_cpu_id`.
    pub fn cpu_id(&self, id: c_int) -> c_int {
        match self.resolve(id).and_then(|i| self.checked_entry(i).ok()) {
            Some(e) => e.cpu_id.load(Ordering::Relaxed),
            None => -1,
        }
    }

    /// `rte_lcore_to_socket_id`: SOCKET_ID_ANY for ids out of range.
    pub fn socket_of(&self, id: u32) -> u32 {
        self.checked_entry(id)
            .map(|e| e.socket_id.load(Ordering::Relaxed))
            .unwrap_or(SOCKET_ID_ANY_U)
    }

    /// `rte_lcore_cpuset`: empty for ids out of range.
    pub fn cpuset(&self, id: u32) -> CpuSet {
        self.checked_entry(id)
            .map(|e| e.cpuset.load())
            .unwrap_or_default()
    }

    pub fn sockets(&self) -> Vec<u32> {
        self.sockets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `rte_socket_id_by_idx`.
    pub fn socket_by_idx(&self, idx: u32) -> Result<u32> {
        let s = self.sockets.read().unwrap_or_else(|e| e.into_inner());
        s.get(idx as usize).copied().ok_or_else(|| {
            crate::err!(
                libc::EINVAL,
                "socket index {idx} is not below the socket count ({})",
                s.len()
            )
        })
    }

    pub fn ctrl_cpuset(&self) -> CpuSet {
        *self.ctrl_cpuset.read().unwrap_or_else(|e| e.into_inner())
    }

    /// `rte_get_next_lcore`. Where DPDK would loop forever (wrap with no eligible lcore) this
    /// returns RTE_MAX_LCORE.
    pub fn next(&self, i: u32, skip_main: bool, wrap: bool) -> u32 {
        let max = RTE_MAX_LCORE as u32;
        let main = self.main();
        let mut i = i.wrapping_add(1);
        if wrap {
            i %= max;
        }
        let mut steps = 0;
        while i < max {
            if self.is_enabled(i) && !(skip_main && i == main) {
                return i;
            }
            steps += 1;
            if steps > max {
                return max;
            }
            i += 1;
            if wrap {
                i %= max;
            }
        }
        i
    }

    /// `rte_lcore_iterate`: calls `cb` for each lcore that is not ROLE_OFF, stopping at the
    /// first non-zero return, which it returns.
    pub fn iterate(&self, mut cb: impl FnMut(u32) -> c_int) -> c_int {
        let _g = self.read_lock();
        for id in 0..RTE_MAX_LCORE as u32 {
            if self.role(id) == ROLE_OFF {
                continue;
            }
            let ret = cb(id);
            if ret != 0 {
                return ret;
            }
        }
        0
    }

    /// `rte_lcore_dump`'s text.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        self.iterate(|id| {
            let role = match self.role(id) {
                ROLE_RTE => "RTE",
                ROLE_SERVICE => "SERVICE",
                ROLE_NON_EAL => "NON_EAL",
                _ => "UNKNOWN",
            };
            let (cpus, cut) = self
                .cpuset(id)
                .to_list_string(cpuset::RTE_CPU_AFFINITY_STR_LEN);
            out.push_str(&format!(
                "lcore {id}, socket {}, role {role}, cpuset {cpus}{}\n",
                self.socket_of(id),
                if cut { "..." } else { "" }
            ));
            0
        });
        out
    }

    /// `rte_lcore_callback_register`: calls `init` for every lcore in use; if one refuses,
    /// calls `uninit` for those already done and returns None.
    pub fn callback_register(
        &self,
        name: &str,
        init: Option<InitCb>,
        uninit: Option<UninitCb>,
        arg: *mut c_void,
    ) -> Option<CallbackHandle> {
        let cb = Box::new(Callback {
            name: format!("{name}-{arg:p}"),
            init,
            uninit,
            arg: arg as usize,
        });
        let mut list = self.write_lock();
        if cb.init.is_some() {
            let live: Vec<u32> = (0..RTE_MAX_LCORE as u32)
                .filter(|&i| self.role(i) != ROLE_OFF)
                .collect();
            for (n, &id) in live.iter().enumerate() {
                if cb.init(id) != 0 {
                    for &done in live[..n].iter().rev() {
                        cb.uninit(done);
                    }
                    return None;
                }
            }
        }
        crate::eal_log!(
            RTE_LOG_DEBUG,
            "Registered new lcore callback {} ({}init, {}uninit).",
            cb.name,
            if cb.init.is_none() { "NO " } else { "" },
            if cb.uninit.is_none() { "NO " } else { "" }
        );
        let handle = &*cb as *const Callback as CallbackHandle;
        list.push(cb);
        Some(handle)
    }

    /// `rte_lcore_callback_unregister`: calls `uninit` for every lcore in use and forgets the
    /// callback. An unknown handle is an error (DPDK would free it blindly).
    pub fn callback_unregister(&self, handle: CallbackHandle) -> Result<()> {
        let mut list = self.write_lock();
        let pos = list
            .iter()
            .position(|c| &**c as *const Callback as CallbackHandle == handle)
            .ok_or_else(|| {
                crate::err!(
                    libc::EINVAL,
                    "{handle:p} is not a registered lcore callback"
                )
            })?;
        let cb = list.remove(pos);
        for id in 0..RTE_MAX_LCORE as u32 {
            if self.role(id) != ROLE_OFF {
                cb.uninit(id);
            }
        }
        crate::eal_log!(
            RTE_LOG_DEBUG,
            "Unregistered lcore callback {}-{:p}.",
            cb.name,
            cb.arg as *const c_void
        );
        Ok(())
    }

    /// Takes the first free lcore id for a non-EAL thread and runs every callback's `init`
    /// for it. None when no id is free or a callback refused.
    fn allocate_non_eal(&self) -> Option<u32> {
        let list = self.write_lock();
        let id = (0..RTE_MAX_LCORE as u32).find(|&i| self.role(i) == ROLE_OFF);
        let Some(id) = id else {
            crate::eal_log!(RTE_LOG_DEBUG, "No lcore available.");
            return None;
        };
        self.entry(id).role.store(ROLE_NON_EAL, Ordering::Release);
        self.count.fetch_add(1, Ordering::AcqRel);
        for (n, cb) in list.iter().enumerate() {
            if cb.init(id) == 0 {
                continue;
            }
            for prev in list[..n].iter().rev() {
                prev.uninit(id);
            }
            crate::eal_log!(RTE_LOG_DEBUG, "Initialization refused for lcore {id}.");
            self.entry(id).role.store(ROLE_OFF, Ordering::Release);
            self.count.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(id)
    }

    fn release_non_eal(&self, id: u32) {
        let list = self.write_lock();
        if self.role(id) != ROLE_NON_EAL {
            return;
        }
        for cb in list.iter() {
            cb.uninit(id);
        }
        self.entry(id).role.store(ROLE_OFF, Ordering::Release);
        self.count.fetch_sub(1, Ordering::AcqRel);
    }

    /// `rte_thread_register` after its checks: gives the calling thread a free lcore id.
    /// On ENOMEM the thread is still initialised, with LCORE_ID_ANY (as DPDK does).
    pub fn register_thread(&self) -> Result<u32> {
        let set = cpuset::current_thread_affinity();
        match self.allocate_non_eal() {
            Some(id) => {
                self.thread_init(id, &set);
                crate::eal_log!(RTE_LOG_DEBUG, "Registered non-EAL thread as lcore {id}.");
                Ok(id)
            }
            None => {
                self.thread_init(LCORE_ID_ANY, &set);
                Err(crate::err!(libc::ENOMEM, "no lcore id left for a non-EAL thread (all {RTE_MAX_LCORE} in use, or a callback refused)"))
            }
        }
    }

    /// `rte_thread_unregister`: releases the calling thread's non-EAL lcore id.
    pub fn unregister_thread(&self) {
        let id = current_lcore();
        if id != LCORE_ID_ANY {
            self.release_non_eal(id);
        }
        crate::base::trace::mem::free_current();
        set_current_lcore(LCORE_ID_ANY);
        if id != LCORE_ID_ANY {
            crate::eal_log!(
                RTE_LOG_DEBUG,
                "Unregistered non-EAL thread (was lcore {id})."
            );
        }
    }
}

static GLOBAL: LazyLock<Arc<Lcores>> = LazyLock::new(|| Arc::new(Lcores::new()));
static TOPOLOGY: OnceLock<Arc<Topology>> = OnceLock::new();
static MP_DISABLE: OnceLock<fn() -> bool> = OnceLock::new();

/// The process's lcore table (what the C API reads).
pub fn global() -> &'static Arc<Lcores> {
    &GLOBAL
}

/// This machine's topology, read from /sys once (empty if sysfs cannot be read).
pub fn topology() -> Arc<Topology> {
    TOPOLOGY
        .get_or_init(|| Arc::new(Topology::read(Path::new("/sys")).unwrap_or_default()))
        .clone()
}

/// Installs the multi-process gate of `rte_thread_register` (DPDK's `rte_mp_disable`: returns
/// false when multi-process is in use, which forbids registering non-EAL threads).
pub fn set_mp_disable_hook(f: fn() -> bool) {
    let _ = MP_DISABLE.set(f);
}

pub(crate) fn mp_disable() -> bool {
    MP_DISABLE.get().map(|f| f()).unwrap_or(true)
}

/// Brings up the lcores of `cfg` (DPDK's `rte_eal_cpu_init` plus the lcore part of
/// `rte_eal_init`): builds the table, pins the calling thread as the main lcore and starts one
/// pinned worker thread per other lcore, each waiting for `rte_eal_remote_launch`.
pub fn init(cfg: &EalConfig) -> Result<()> {
    init_from(cfg, Path::new("/sys"))
}

/// [`init`] with another sysfs root.
pub fn init_from(cfg: &EalConfig, sysfs: &Path) -> Result<()> {
    let topo = Topology::read(sysfs)?;
    crate::eal_log!(RTE_LOG_INFO, "Detected CPU lcores: {}", topo.cpus().count());
    crate::eal_log!(
        RTE_LOG_INFO,
        "Detected NUMA nodes: {}",
        topo.numa_node_count()
    );
    let g = global();
    g.configure(
        topo,
        &cfg.lcores,
        cfg.main_lcore,
        &cpuset::current_thread_affinity(),
    )?;
    // rte_lcore_index follows the order the lcore option named the lcores in (DPDK's
    // core_index), which the parser recorded.
    for (&id, &index) in &cfg.lcore_index {
        if let Ok(e) = g.checked_entry(id) {
            e.core_index.store(index as i32, Ordering::Relaxed);
        }
    }
    // With --huge-worker-stack the workers start later, on stacks from hugepage memory, once
    // the heaps are up (see spawn_workers_on_stacks).
    let spawn = cfg.huge_worker_stack.is_none();
    if let Err(e) = g.start(launch::worker_stack_size(cfg.huge_worker_stack), spawn) {
        g.shutdown();
        return Err(e);
    }
    Ok(())
}

/// `--huge-worker-stack`: starts the worker lcore threads, each on a stack of `kib` KiB (0: the
/// default thread stack size) that
/// `stacks` allocates (DPDK: rte_zmalloc_socket on the lcore's socket) and frees once the
/// thread has been joined.
pub fn spawn_workers_on_stacks(kib: u64, stacks: StackSource) -> Result<()> {
    let g = global();
    let size = launch::worker_stack_size(Some(kib).filter(|&k| k > 0));
    let r = g.spawn_workers_with(size, Some(stacks));
    if r.is_err() {
        g.shutdown();
    }
    r
}

/// Stops and joins the worker threads (`rte_eal_cleanup`).
pub fn cleanup() {
    global().shutdown();
}

/// Gives lcore `id` of the process's table another role (see [`Lcores::set_role`]).
pub fn set_role(id: u32, role: Role) -> Result<()> {
    global().set_role(id, role)
}

/// The main lcore's id.
pub fn main_lcore() -> u32 {
    global().main()
}

/// Number of lcores in use (EAL and registered non-EAL).
pub fn lcore_count() -> u32 {
    global().count()
}

/// The socket of lcore `id` (`rte_lcore_to_socket_id`; u32::MAX = SOCKET_ID_ANY).
pub fn socket_of_lcore(id: u32) -> u32 {
    global().socket_of(id)
}

/// The EAL lcores (ROLE_RTE), in increasing order.
pub fn enabled_lcores() -> Vec<u32> {
    global().enabled().collect()
}

/// The sockets DPDK lists (`rte_socket_id_by_idx` order); empty before init.
pub fn sockets() -> Vec<u32> {
    global().sockets()
}

/// CPUs for control threads (interrupt, IPC): the allowed CPUs no lcore uses.
pub fn ctrl_cpuset() -> CpuSet {
    global().ctrl_cpuset()
}

/// The CPUs the process could use when EAL started (for init-time helper threads, which run
/// before any worker lcore does).
pub fn startup_cpuset() -> CpuSet {
    *global()
        .startup_cpuset
        .read()
        .unwrap_or_else(|e| e.into_inner())
}

/// Pins the calling thread to the control CPU set and records it (DPDK's `ctrl_thread_init`).
pub fn init_ctrl_thread() -> Result<()> {
    let set = ctrl_cpuset();
    if !set.is_empty() {
        cpuset::set_current_thread_affinity(&set)?;
    }
    global().thread_init(current_lcore(), &set);
    Ok(())
}

#[cfg(test)]
mod tests;
