//! The EAL's base services, below memory: `rte_errno`, logging, lcores and thread launch,
//! tailqs, the runtime directory, plugins, per-thread hot state, and the shared config
//! (`mcfg`: the tailq heads and the `rte_mcfg_*` locks live there, so it sits below memory).
//!
//! Layer 6: reads `config`, takes `sync` locks, calls the OS through `sys`.

pub mod errno;
pub mod lcore;
pub mod log;
pub mod mcfg;
pub mod plugin;
pub mod runtime;
pub mod tailq;
pub mod tls;
