//! Services and service lcores (DPDK's `rte_service.c`): components register callbacks that
//! must be polled ("services"), and lcores set aside as *service lcores* poll them.
//!
//! # The DPDK concept
//!
//! A component (an event device, a crypto scheduler, a vdev without hardware) registers an
//! [`rte_service_spec`]: a name, a callback that runs one iteration, its argument, and whether
//! the callback may run on several lcores at once (`RTE_SERVICE_CAP_MT_SAFE`). The service gets
//! the first free id below [`SERVICE_MAX`]. It runs only while both its *component runstate*
//! (set by the component) and its *application runstate* (set by the application) are
//! RUNNING. The application maps services to service lcores; a started service lcore runs a
//! loop that calls each mapped, running service once per loop. A service that is not MT safe
//! runs on one lcore at a time (a try-lock: an lcore that finds it taken skips it).
//! `rte_service_run_iter_on_app_lcore` runs one iteration on the calling thread instead.
//!
//! An lcore becomes a service lcore through `-s`/`-S` (at [`init`]) or
//! `rte_service_lcore_add`; its role in the lcore table switches to `ROLE_SERVICE`, so
//! `RTE_LCORE_FOREACH` and `rte_eal_mp_remote_launch` skip it; `del` and `reset_all` switch it
//! back to `ROLE_RTE`. The service loop is an ordinary remote launch on the lcore's worker
//! thread; it returns once the lcore's runstate is STOPPED, so `rte_eal_wait_lcore` waits for
//! it, and the lcore can be launched on again.
//!
//! # State and invariants
//!
//! All state is process-local (as in DPDK: each process has its own services and service
//! lcores) and lives in a table built on first use, so every call is safe before
//! `rte_eal_init` and after `rte_service_finalize` (DPDK would dereference freed or NULL
//! tables there). Everything a service lcore reads while it polls is an atomic: the runstates,
//! the per-lcore service mask, the callback and its argument. Writers follow DPDK's orderings:
//! runstates are stored with Release and loaded with Acquire, so a service lcore that sees a
//! service RUNNING also sees the spec written before it. `register` and `unregister` are
//! serialised by one mutex (two threads must not take the same free slot); nothing else takes a
//! lock, and no lock is held while a callback runs.
//!
//! Per-lcore statistics have one writer, the lcore's own thread, which adds with a load and a
//! store as DPDK does; threads without an lcore id share one extra row, written with atomic
//! adds. Statistics are summed over the lcores that are service lcores *now* (DPDK's rule), so
//! what an application lcore ran through `run_iter_on_app_lcore` is not counted.
//!
//! Error codes are DPDK 22.11's, each an [`Error`] here; the FFI layer turns them into the
//! negative return values. The few places where DPDK returns success for an invalid id
//! (`set_stats_enable`, `set_runstate_mapped_check`) are the FFI layer's to keep.

mod lcore;
mod stats;

use std::ffi::{c_char, c_void};
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicU8, AtomicUsize};
use std::sync::{Arc, LazyLock, Mutex};

use crate::abi::service::{rte_service_spec, RTE_SERVICE_CAP_MT_SAFE, RTE_SERVICE_NAME_MAX};
use crate::base::lcore::{Lcores, LCORE_ID_ANY};
use crate::err;
use crate::error::{Error, Result};
use crate::options::{EalConfig, RTE_MAX_LCORE};

/// Number of service slots (DPDK's RTE_SERVICE_NUM_MAX: the per-lcore mask is 64 bits).
pub(crate) const SERVICE_MAX: usize = 64;

const F_REGISTERED: u8 = 1 << 0;
const F_STATS_ENABLED: u8 = 1 << 1;
const F_START_CHECK: u8 = 1 << 2;

const STOPPED: u8 = 0;
const RUNNING: u8 = 1;

/// One service slot: the registered spec and its run state.
#[repr(align(64))]
#[derive(Default)]
struct Service {
    name: [AtomicU8; RTE_SERVICE_NAME_MAX],
    /// The callback's address (0: none).
    callback: AtomicUsize,
    userdata: AtomicUsize,
    capabilities: AtomicU32,
    socket_id: AtomicI32,
    /// Held by the lcore running a service that is not MT safe.
    execute_lock: AtomicBool,
    app_runstate: AtomicU8,
    comp_runstate: AtomicU8,
    flags: AtomicU8,
    /// Lcores the service is mapped to (plus application lcores inside run_iter).
    num_mapped_cores: AtomicU32,
}

impl Service {
    fn flag(&self, f: u8) -> bool {
        self.flags.load(Acquire) & f != 0
    }

    fn set_flag(&self, f: u8, on: bool) {
        if on {
            self.flags.fetch_or(f, AcqRel);
        } else {
            self.flags.fetch_and(!f, AcqRel);
        }
    }

    fn registered(&self) -> bool {
        self.flag(F_REGISTERED)
    }

    fn mt_safe(&self) -> bool {
        self.capabilities.load(Relaxed) & RTE_SERVICE_CAP_MT_SAFE != 0
    }

    /// The name's bytes up to its NUL.
    fn name_bytes(&self) -> Vec<u8> {
        self.name
            .iter()
            .map(|b| b.load(Relaxed))
            .take_while(|&b| b != 0)
            .collect()
    }

    /// Zeroes the slot (DPDK's memset at unregister).
    fn clear(&self) {
        for b in &self.name {
            b.store(0, Relaxed);
        }
        self.callback.store(0, Relaxed);
        self.userdata.store(0, Relaxed);
        self.capabilities.store(0, Relaxed);
        self.socket_id.store(0, Relaxed);
        self.execute_lock.store(false, Relaxed);
        self.app_runstate.store(STOPPED, Release);
        self.comp_runstate.store(STOPPED, Release);
        self.num_mapped_cores.store(0, Relaxed);
        self.flags.store(0, Release);
    }
}

/// Calls and cycles of one service on one lcore.
#[derive(Default)]
struct ServiceStats {
    calls: AtomicU64,
    cycles: AtomicU64,
}

/// One lcore's service state (DPDK's `struct core_state`).
#[repr(align(64))]
struct CoreState {
    /// Bit i: service i is mapped to this lcore.
    service_mask: AtomicU64,
    runstate: AtomicU8,
    /// The service loop runs on this lcore now.
    thread_active: AtomicU8,
    is_service_core: AtomicBool,
    /// Entry i: the lcore ran service i in its last pass.
    active_on: [AtomicU8; SERVICE_MAX],
    loops: AtomicU64,
    cycles: AtomicU64,
    stats: [ServiceStats; SERVICE_MAX],
    /// Several threads write this row (the one for threads without an lcore id).
    shared: bool,
}

impl CoreState {
    fn new(shared: bool) -> CoreState {
        CoreState {
            service_mask: AtomicU64::new(0),
            runstate: AtomicU8::new(STOPPED),
            thread_active: AtomicU8::new(0),
            is_service_core: AtomicBool::new(false),
            active_on: std::array::from_fn(|_| AtomicU8::new(0)),
            loops: AtomicU64::new(0),
            cycles: AtomicU64::new(0),
            stats: std::array::from_fn(|_| ServiceStats::default()),
            shared,
        }
    }

    fn is_service(&self) -> bool {
        self.is_service_core.load(Acquire)
    }

    /// Adds `v` to a counter of this row: a load and a store when the row has one writer (as
    /// DPDK), an atomic add when it is shared.
    fn bump(&self, c: &AtomicU64, v: u64) {
        if self.shared {
            c.fetch_add(v, Relaxed);
        } else {
            c.store(c.load(Relaxed).wrapping_add(v), Relaxed);
        }
    }

    fn clear(&self) {
        self.service_mask.store(0, Release);
        self.runstate.store(STOPPED, Release);
        self.thread_active.store(0, SeqCst);
        self.is_service_core.store(false, Release);
        for a in &self.active_on {
            a.store(0, Relaxed);
        }
        self.loops.store(0, Relaxed);
        self.cycles.store(0, Relaxed);
        for s in &self.stats {
            s.calls.store(0, Relaxed);
            s.cycles.store(0, Relaxed);
        }
    }
}

/// The services and service lcores of one process. [`global`] serves the C API; tests build
/// their own over their own lcore table.
pub struct Services {
    services: Box<[Service]>,
    /// RTE_MAX_LCORE rows, then the row for threads without an lcore id.
    cores: Box<[CoreState]>,
    count: AtomicU32,
    initialized: AtomicBool,
    register_lock: Mutex<()>,
    lcores: Arc<Lcores>,
}

static GLOBAL: LazyLock<Services> =
    LazyLock::new(|| Services::new(crate::base::lcore::global().clone()));

/// The process's services (what the C API works on).
pub fn global() -> &'static Services {
    &GLOBAL
}

/// `rte_service_init` at `rte_eal_init`: makes every `-s`/`-S` lcore but the main one a
/// service lcore. EALREADY on a second call.
pub fn init(cfg: &EalConfig) -> Result<()> {
    global().init(cfg.service_lcores.iter().copied(), cfg.main_lcore)
}

/// `rte_service_start_with_defaults` at the end of `rte_eal_init`: starts the service lcores
/// and maps the services to them. ENOTSUP (no service lcore) is not a failure of init.
pub fn start_with_defaults() -> Result<()> {
    match global().start_with_defaults() {
        Err(e) if e.errno == libc::ENOTSUP => Ok(()),
        r => r,
    }
}

/// `rte_service_finalize`, the first step of `rte_eal_cleanup`.
pub fn finalize() {
    global().finalize();
}

fn invalid_id(id: u32) -> Error {
    err!(
        libc::EINVAL,
        "service id {id} is invalid: not below {SERVICE_MAX} or not registered"
    )
}

fn invalid_lcore(lcore: u32) -> Error {
    err!(
        libc::EINVAL,
        "lcore {lcore} is not below RTE_MAX_LCORE ({RTE_MAX_LCORE})"
    )
}

impl Services {
    /// Empty tables over the lcore table `lcores`.
    pub fn new(lcores: Arc<Lcores>) -> Services {
        Services {
            services: (0..SERVICE_MAX).map(|_| Service::default()).collect(),
            cores: (0..=RTE_MAX_LCORE)
                .map(|i| CoreState::new(i == RTE_MAX_LCORE))
                .collect(),
            count: AtomicU32::new(0),
            initialized: AtomicBool::new(false),
            register_lock: Mutex::new(()),
            lcores,
        }
    }

    /// `rte_service_init`: adds `service_lcores` (skipping `main`) as service lcores.
    pub fn init(&self, service_lcores: impl Iterator<Item = u32>, main: u32) -> Result<()> {
        if self.initialized.swap(true, AcqRel) {
            return Err(err!(
                libc::EALREADY,
                "the service library is already initialised"
            ));
        }
        for l in service_lcores.filter(|&l| l != main) {
            // As DPDK: the lcore's last launch result is of no interest here.
            let _ = self.lcore_add(l);
        }
        Ok(())
    }

    /// `rte_service_finalize`: resets every service lcore, waits for their loops to end and
    /// forgets every service. A no-op unless initialised.
    ///
    /// DPDK waits for every worker lcore here (`rte_eal_mp_wait_lcore`); this waits for the
    /// lcores that were service lcores or still run the service loop, so that an application
    /// function left running on some other worker does not hang `rte_eal_cleanup`.
    pub fn finalize(&self) {
        if !self.initialized.load(Acquire) {
            return;
        }
        let busy: Vec<u32> = (0..RTE_MAX_LCORE as u32)
            .filter(|&l| {
                let c = &self.cores[l as usize];
                c.is_service() || c.thread_active.load(SeqCst) != 0
            })
            .collect();
        self.lcore_reset_all();
        for l in busy {
            self.lcores.wait_lcore(l);
        }
        let _g = self.register_lock.lock().unwrap_or_else(|p| p.into_inner());
        for s in self.services.iter() {
            s.clear();
        }
        for c in self.cores.iter() {
            c.clear();
        }
        self.count.store(0, Release);
        self.initialized.store(false, Release);
    }

    /// The slot of a registered service.
    fn valid(&self, id: u32) -> Result<&Service> {
        self.services
            .get(id as usize)
            .filter(|s| s.registered())
            .ok_or_else(|| invalid_id(id))
    }

    /// The row of lcore `lcore`.
    fn core(&self, lcore: u32) -> Result<&CoreState> {
        if lcore as usize >= RTE_MAX_LCORE {
            return Err(invalid_lcore(lcore));
        }
        Ok(&self.cores[lcore as usize])
    }

    /// The row of the calling thread: its lcore's, or the shared one without an lcore id.
    fn my_core(&self) -> &CoreState {
        let me = crate::base::lcore::current_lcore();
        let i = if me == LCORE_ID_ANY || me as usize >= RTE_MAX_LCORE {
            RTE_MAX_LCORE
        } else {
            me as usize
        };
        &self.cores[i]
    }

    /// `rte_service_set_stats_enable`.
    pub fn set_stats_enable(&self, id: u32, on: bool) -> Result<()> {
        self.valid(id)?.set_flag(F_STATS_ENABLED, on);
        Ok(())
    }

    /// `rte_service_set_runstate_mapped_check`.
    pub fn set_runstate_mapped_check(&self, id: u32, on: bool) -> Result<()> {
        self.valid(id)?.set_flag(F_START_CHECK, on);
        Ok(())
    }

    /// `rte_service_get_count`: the number of registered services.
    pub fn count(&self) -> u32 {
        self.count.load(Acquire)
    }

    /// `rte_service_get_by_name`: the lowest id registered under `name`; ENODEV if none.
    pub fn get_by_name(&self, name: &[u8]) -> Result<u32> {
        self.services
            .iter()
            .position(|s| s.registered() && s.name_bytes() == name)
            .map(|i| i as u32)
            .ok_or_else(|| {
                err!(
                    libc::ENODEV,
                    "no service is registered as '{}'",
                    String::from_utf8_lossy(name)
                )
            })
    }

    /// `rte_service_get_name`: the service's name, a NUL-terminated string that stays in place
    /// until the service is unregistered.
    pub fn name_ptr(&self, id: u32) -> Result<*const c_char> {
        Ok(self.valid(id)?.name.as_ptr() as *const c_char)
    }

    /// `rte_service_probe_capability`: 1 if the service has any of `capability`'s bits.
    pub fn probe_capability(&self, id: u32, capability: u32) -> Result<i32> {
        Ok((self.valid(id)?.capabilities.load(Relaxed) & capability != 0) as i32)
    }

    /// `rte_service_component_register`: stores `spec` in the first free slot and returns its
    /// id. EINVAL for a missing callback or an empty (or unterminated) name, ENOSPC when all
    /// slots are taken.
    pub fn register(&self, spec: &rte_service_spec) -> Result<u32> {
        let Some(cb) = spec.callback else {
            return Err(err!(libc::EINVAL, "the service's callback is NULL"));
        };
        let name: Vec<u8> = spec.name.iter().map(|&c| c as u8).collect();
        let len = name.iter().position(|&b| b == 0).ok_or_else(|| {
            err!(
                libc::EINVAL,
                "the service's name is not NUL-terminated within RTE_SERVICE_NAME_MAX ({RTE_SERVICE_NAME_MAX}) bytes"
            )
        })?;
        if len == 0 {
            return Err(err!(libc::EINVAL, "the service's name is empty"));
        }
        let _g = self.register_lock.lock().unwrap_or_else(|p| p.into_inner());
        let (id, s) = self
            .services
            .iter()
            .enumerate()
            .find(|(_, s)| !s.registered())
            .ok_or_else(|| {
                err!(
                    libc::ENOSPC,
                    "all {SERVICE_MAX} service slots are taken; unregister one first"
                )
            })?;
        for (dst, &b) in s.name.iter().zip(name.iter()) {
            dst.store(b, Relaxed);
        }
        s.callback.store(cb as usize, Relaxed);
        s.userdata.store(spec.callback_userdata as usize, Relaxed);
        s.capabilities.store(spec.capabilities, Relaxed);
        s.socket_id.store(spec.socket_id, Relaxed);
        // Published last: readers that see the flag see the spec.
        s.flags.fetch_or(F_REGISTERED | F_START_CHECK, AcqRel);
        self.count.fetch_add(1, AcqRel);
        Ok(id as u32)
    }

    /// `rte_service_component_unregister`: unmaps the service from every lcore and frees its
    /// slot.
    pub fn unregister(&self, id: u32) -> Result<()> {
        let _g = self.register_lock.lock().unwrap_or_else(|p| p.into_inner());
        let s = self.valid(id)?;
        self.count.fetch_sub(1, AcqRel);
        s.set_flag(F_REGISTERED, false);
        let bit = !(1u64 << id);
        for c in self.cores.iter() {
            c.service_mask.fetch_and(bit, AcqRel);
        }
        s.clear();
        Ok(())
    }

    /// `rte_service_component_runstate_set`.
    pub fn component_runstate_set(&self, id: u32, run: bool) -> Result<()> {
        let s = self.valid(id)?;
        s.comp_runstate
            .store(if run { RUNNING } else { STOPPED }, Release);
        Ok(())
    }

    /// `rte_service_runstate_set`.
    pub fn runstate_set(&self, id: u32, run: bool) -> Result<()> {
        let s = self.valid(id)?;
        s.app_runstate
            .store(if run { RUNNING } else { STOPPED }, Release);
        Ok(())
    }

    /// `rte_service_runstate_get`: 1 when both runstates are RUNNING and the service is mapped
    /// to an lcore (or the mapped check is off), else 0.
    pub fn runstate_get(&self, id: u32) -> Result<i32> {
        let s = self.valid(id)?;
        if s.comp_runstate.load(Acquire) != RUNNING || s.app_runstate.load(Acquire) != RUNNING {
            return Ok(0);
        }
        let unchecked = !s.flag(F_START_CHECK);
        let mapped = s.num_mapped_cores.load(Relaxed) > 0;
        Ok((unchecked || mapped) as i32)
    }

    /// Runs one iteration of service `id` for the lcore of row `cs`, as its mask allows.
    /// 0 when it ran, -ENOEXEC when it may not run now, -EBUSY when an MT-unsafe service is
    /// running elsewhere and `serialize` is set.
    fn run_one(&self, id: usize, cs: &CoreState, mask: u64, serialize: bool) -> i32 {
        let s = &self.services[id];
        if s.comp_runstate.load(Acquire) != RUNNING
            || s.app_runstate.load(Acquire) != RUNNING
            || mask & (1u64 << id) == 0
        {
            cs.active_on[id].store(0, Relaxed);
            return -libc::ENOEXEC;
        }
        cs.active_on[id].store(1, Relaxed);
        if !s.mt_safe() && serialize {
            if s.execute_lock
                .compare_exchange(false, true, Acquire, Relaxed)
                .is_err()
            {
                return -libc::EBUSY;
            }
            self.call(s, cs, id);
            s.execute_lock.store(false, Release);
        } else {
            self.call(s, cs, id);
        }
        0
    }

    /// Calls service `id`'s callback once, counting calls and cycles if its statistics are on
    /// (a call that returns -EAGAIN did no work: its cycles are not counted).
    fn call(&self, s: &Service, cs: &CoreState, id: usize) {
        let f = s.callback.load(Acquire);
        if f == 0 {
            return; // unregistered meanwhile
        }
        // SAFETY: `f` was stored from a non-NULL `rte_service_func` at registration; function
        // pointers and usize have the same size.
        let f: unsafe extern "C" fn(*mut c_void) -> i32 = unsafe { std::mem::transmute(f) };
        let arg = s.userdata.load(Relaxed) as *mut c_void;
        if !s.flag(F_STATS_ENABLED) {
            // SAFETY: the component registered f to be called with its userdata, on any lcore
            // it was mapped to.
            unsafe { f(arg) };
            return;
        }
        let start = crate::sys::rdtsc();
        // SAFETY: as above.
        let rc = unsafe { f(arg) };
        if rc != -libc::EAGAIN {
            let cycles = crate::sys::rdtsc().wrapping_sub(start);
            cs.bump(&cs.cycles, cycles);
            cs.bump(&cs.stats[id].cycles, cycles);
        }
        cs.bump(&cs.stats[id].calls, 1);
    }

    /// `rte_service_may_be_active`: 1 if a service lcore ran the service in its last pass.
    pub fn may_be_active(&self, id: u32) -> Result<i32> {
        self.valid(id)?;
        let active = self
            .cores
            .iter()
            .take(RTE_MAX_LCORE)
            .any(|c| c.is_service() && c.active_on[id as usize].load(Relaxed) != 0);
        Ok(active as i32)
    }

    /// `rte_service_run_iter_on_app_lcore`: one iteration on the calling thread, which counts
    /// as a mapped lcore meanwhile. Ok(0), Ok(-ENOEXEC) (not running) or Ok(-EBUSY) (an
    /// MT-unsafe service busy elsewhere, with `serialize`).
    pub fn run_iter_on_app_lcore(&self, id: u32, serialize: bool) -> Result<i32> {
        let s = self.valid(id)?;
        let cs = self.my_core();
        s.num_mapped_cores.fetch_add(1, Relaxed);
        let ret = self.run_one(id as usize, cs, u64::MAX, serialize);
        s.num_mapped_cores.fetch_sub(1, Relaxed);
        Ok(ret)
    }

    /// `rte_service_map_lcore_set`: maps or unmaps service `id` on service lcore `lcore`.
    pub fn map_lcore_set(&self, id: u32, lcore: u32, on: bool) -> Result<()> {
        let (s, cs) = self.mapping(id, lcore)?;
        let bit = 1u64 << id;
        if on {
            if cs.service_mask.fetch_or(bit, AcqRel) & bit == 0 {
                s.num_mapped_cores.fetch_add(1, Relaxed);
            }
        } else if cs.service_mask.fetch_and(!bit, AcqRel) & bit != 0 {
            s.num_mapped_cores.fetch_sub(1, Relaxed);
        }
        Ok(())
    }

    /// `rte_service_map_lcore_get`: 1 if service `id` is mapped to service lcore `lcore`.
    pub fn map_lcore_get(&self, id: u32, lcore: u32) -> Result<i32> {
        let (_, cs) = self.mapping(id, lcore)?;
        Ok((cs.service_mask.load(Acquire) & (1u64 << id) != 0) as i32)
    }

    /// The checks of the mapping calls: a registered service and a service lcore.
    fn mapping(&self, id: u32, lcore: u32) -> Result<(&Service, &CoreState)> {
        let s = self.valid(id)?;
        let cs = self.core(lcore)?;
        if !cs.is_service() {
            return Err(err!(
                libc::EINVAL,
                "lcore {lcore} is not a service lcore (add it with rte_service_lcore_add)"
            ));
        }
        Ok((s, cs))
    }

    /// `rte_service_start_with_defaults`: starts every service lcore, maps the services to
    /// them round-robin and sets each service's application runstate RUNNING.
    pub fn start_with_defaults(&'static self) -> Result<()> {
        let ids = self.lcore_list();
        if ids.is_empty() {
            return Err(err!(libc::ENOTSUP, "there is no service lcore to start"));
        }
        for &l in &ids {
            // As DPDK: an lcore that cannot start is not a failure here.
            let _ = self.lcore_start(l);
        }
        for (i, &l) in (0..self.count()).zip(ids.iter().cycle()) {
            self.map_lcore_set(i, l, true)
                .map_err(|e| err!(libc::ENODEV, "cannot map service {i}: {}", e.msg))?;
            self.runstate_set(i, true)
                .map_err(|e| err!(libc::ENOEXEC, "cannot start service {i}: {}", e.msg))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
