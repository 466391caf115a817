//! Runtime directory and the names of the files in it, per `--file-prefix`.
//!
//! DPDK keeps per-prefix state in `/var/run/dpdk/<prefix>` when root, otherwise in
//! `$XDG_RUNTIME_DIR/dpdk/<prefix>` (or `/tmp/dpdk/<prefix>`). The directory is 0700 and the
//! files in it 0600.

use std::path::PathBuf;
use std::sync::OnceLock;

static DIR: OnceLock<PathBuf> = OnceLock::new();

/// The runtime directory of this process, once init has created it.
pub fn dir() -> Option<&'static PathBuf> {
    DIR.get()
}

/// Path of a file in the runtime directory (None before init).
pub fn path(name: &str) -> Option<PathBuf> {
    DIR.get().map(|d| d.join(name))
}
