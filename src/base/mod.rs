//! The EAL's base services, below memory: `rte_errno`, logging, lcores and thread launch,
//! tailqs, the runtime directory, plugins, per-thread hot state, the shared config (`mcfg`:
//! the tailq heads and the `rte_mcfg_*` locks live there, so it sits below memory), and the
//! small services with no shared state: the version string, CPU facts and TSC timing, random
//! numbers, hex dumps; and trace points (registration, per-thread buffers, the EAL's own points),
//! which every layer emits through.
//!
//! Layer 6: reads `config`, takes `sync` locks, calls the OS through `sys`.

pub mod cpu;
pub mod errno;
pub mod hexdump;
pub mod lcore;
pub mod log;
pub mod mcfg;
pub mod plugin;
pub mod rand;
pub mod runtime;
pub mod tailq;
pub mod thread;
pub mod tls;
pub mod trace;
pub mod util;
pub mod version;
