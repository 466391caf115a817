//! The process's configuration: the parsed [`EalConfig`], what init decided ([`EalState`]) and
//! where init stands. Written by `crate::init` only; read by every layer.
//!
//! This is the bottom of the layers that need to know how the EAL was started (`--no-huge`,
//! `--legacy-mem`, the IOVA mode, primary or secondary): they read it here and never reach up
//! into init. Init publishes the config as soon as parsing succeeds (the layers it brings up
//! read it), the state once init has succeeded, and moves [`Lifecycle`] along.
//!
//! It also keeps the two things the layers below init hand up to it without importing it: the
//! application's usage hook (`rte_set_application_usage_hook`, run by init for `-h`) and the
//! cleanup hook (`rte_exit` runs EAL cleanup through it; init registers it).
//!
//! Everything here is process-local and lock-free to read: the config pointer is an atomic to a
//! leaked box (never freed, so a reference handed out stays valid), the state a `OnceLock`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::abi::rte_usage_hook_t;
use crate::error::Result;
use crate::options::{EalConfig, IovaMode, ProcType};

/// One hugepage size and where its pages come from (found by the memory layer's discovery,
/// kept in [`EalState`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HugepageSize {
    /// Page size in bytes.
    pub size: u64,
    /// The hugetlbfs directory that serves this size, if one is mounted.
    pub dir: Option<PathBuf>,
    /// Pages reserved in the pool (`nr_hugepages`).
    pub total: u64,
    /// Free pages per NUMA node (index = node id).
    pub free_per_node: Vec<u64>,
}

impl HugepageSize {
    /// Free pages on all nodes.
    pub fn free(&self) -> u64 {
        self.free_per_node.iter().sum()
    }
}

/// What init decided, beyond the options themselves.
#[derive(Debug, Clone)]
pub struct EalState {
    pub proc_type: ProcType,
    pub iova_mode: IovaMode,
    /// Hugepage sizes with a usable directory (empty with `--no-huge`).
    pub hugepages: Vec<HugepageSize>,
}

/// The parsed config, published as soon as parsing succeeds. A failed init unpublishes it; the
/// leaked box is a few hundred bytes per failed attempt and keeps every reference ever handed
/// out valid.
static CONFIG: AtomicPtr<EalConfig> = AtomicPtr::new(std::ptr::null_mut());
static STATE: OnceLock<EalState> = OnceLock::new();
static LIFECYCLE: AtomicU8 = AtomicU8::new(Lifecycle::Idle as u8);

/// The parsed EAL configuration, once `rte_eal_init` has parsed it.
pub fn get() -> Option<&'static EalConfig> {
    let p = CONFIG.load(Ordering::Acquire);
    // SAFETY: non-NULL pointers come from Box::leak in `publish` and are never freed.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// Publishes `cfg` as the process's config (init only) and returns the published reference.
pub fn publish(cfg: EalConfig) -> &'static EalConfig {
    let c: &'static EalConfig = Box::leak(Box::new(cfg));
    CONFIG.store(c as *const EalConfig as *mut EalConfig, Ordering::Release);
    c
}

/// Withdraws the published config (a failed init).
pub fn unpublish() {
    CONFIG.store(std::ptr::null_mut(), Ordering::Release);
}

/// What init decided, once it has succeeded.
pub fn state() -> Option<&'static EalState> {
    STATE.get()
}

/// Records what init decided (init only; the first successful init wins).
pub fn set_state(s: EalState) {
    let _ = STATE.set(s);
}

/// Where `rte_eal_init` stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Lifecycle {
    /// Not called yet, or failed (and may be retried).
    Idle = 0,
    /// Running now.
    Running = 1,
    /// Succeeded.
    Done = 2,
}

/// Moves from `Idle` to `Running`; false when init already runs or ran.
pub fn begin_init() -> bool {
    LIFECYCLE
        .compare_exchange(
            Lifecycle::Idle as u8,
            Lifecycle::Running as u8,
            Ordering::AcqRel,
            Ordering::Acquire,
        )
        .is_ok()
}

/// Ends a running init: `Done` when it succeeded, back to `Idle` when it failed.
pub fn end_init(ok: bool) {
    let to = if ok { Lifecycle::Done } else { Lifecycle::Idle };
    LIFECYCLE.store(to as u8, Ordering::Release);
}

/// True once `rte_eal_init` has completed successfully.
pub fn initialized() -> bool {
    LIFECYCLE.load(Ordering::Acquire) == Lifecycle::Done as u8
}

// ---- hooks handed up to init ---------------------------------------------------------------------

static USAGE_HOOK: Mutex<rte_usage_hook_t> = Mutex::new(None);

/// Sets the application's usage hook; returns the previous one.
pub fn set_usage_hook(hook: rte_usage_hook_t) -> rte_usage_hook_t {
    std::mem::replace(
        &mut *USAGE_HOOK.lock().unwrap_or_else(|p| p.into_inner()),
        hook,
    )
}

/// The application's usage hook, if one is set.
pub fn usage_hook() -> rte_usage_hook_t {
    *USAGE_HOOK.lock().unwrap_or_else(|p| p.into_inner())
}

/// What `rte_exit` runs to release the EAL (init registers `rte_eal_cleanup`'s body).
pub type CleanupHook = fn() -> Result<()>;

static CLEANUP_HOOK: OnceLock<CleanupHook> = OnceLock::new();

/// Registers the EAL cleanup (init only).
pub fn set_cleanup_hook(f: CleanupHook) {
    let _ = CLEANUP_HOOK.set(f);
}

/// Runs the registered EAL cleanup; Ok when none is registered (init never ran).
pub fn run_cleanup_hook() -> Result<()> {
    match CLEANUP_HOOK.get() {
        Some(f) => f(),
        None => Ok(()),
    }
}
