//! EAL init and cleanup: runs the layers in order and records the result.
//!
//! `rte_eal_init` parses the options, then brings up (in order) logging, the runtime dir, the
//! shared config with its tailq heads, lcores and memory. The parsed [`EalConfig`] is kept for
//! the process lifetime and read by every layer through [`config`].

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use crate::options::EalConfig;

static CONFIG: OnceLock<EalConfig> = OnceLock::new();

/// Init state: not started, running, done (set exactly once per process).
pub(crate) const STATE_IDLE: u8 = 0;
pub(crate) const STATE_RUNNING: u8 = 1;
pub(crate) const STATE_DONE: u8 = 2;
pub(crate) static STATE: AtomicU8 = AtomicU8::new(STATE_IDLE);

/// The parsed EAL configuration, once `rte_eal_init` has parsed it.
pub fn config() -> Option<&'static EalConfig> {
    CONFIG.get()
}

/// True once `rte_eal_init` has completed successfully.
pub fn initialized() -> bool {
    STATE.load(Ordering::Acquire) == STATE_DONE
}

/// Releases what init took (threads, mappings, files, locks). Filled in by the EAL core work.
pub fn cleanup() -> crate::errno::Result<()> {
    Ok(())
}
