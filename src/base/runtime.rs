//! Runtime directory and the names of the files in it, per `--file-prefix`.
//!
//! DPDK keeps per-prefix state in `/var/run/dpdk/<prefix>` when root, otherwise in
//! `$XDG_RUNTIME_DIR/dpdk/<prefix>` (or `/tmp/dpdk/<prefix>`). The directories are 0700 and the
//! files in them 0600. The path is fixed once per process by [`set_up`]; with `--no-shconf` or
//! `--in-memory` the directory is named but never created, so such a process leaves no files.

use std::ffi::CString;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::err;
use crate::error::{Error, Result};

struct Runtime {
    dir: PathBuf,
    dir_c: CString,
    created: bool,
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The runtime directory of this process, once init has chosen it.
pub fn dir() -> Option<&'static PathBuf> {
    RUNTIME.get().map(|r| &r.dir)
}

/// The runtime directory as a C string, for `rte_eal_get_runtime_dir`.
pub fn dir_c() -> Option<&'static CString> {
    RUNTIME.get().map(|r| &r.dir_c)
}

/// Path of a file in the runtime directory (None before init).
pub fn path(name: &str) -> Option<PathBuf> {
    dir().map(|d| d.join(name))
}

/// Checks a `--file-prefix`: non-empty, a single path component, no `..`.
pub fn validate_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() {
        return Err(err!(libc::EINVAL, "--file-prefix must not be empty"));
    }
    if prefix.contains('/') {
        return Err(err!(libc::EINVAL, "--file-prefix '{prefix}' contains '/': it names files, not a path; use --huge-dir to choose the hugetlbfs directory"));
    }
    if prefix.contains("..") {
        return Err(err!(libc::EINVAL, "--file-prefix '{prefix}' contains '..'"));
    }
    if prefix.len() > 200 {
        return Err(err!(
            libc::ENAMETOOLONG,
            "--file-prefix is {} bytes long; keep it under 200",
            prefix.len()
        ));
    }
    Ok(())
}

/// The directory that holds every prefix's runtime directory, as DPDK chooses it.
pub fn base_dir(is_root: bool, xdg_runtime_dir: Option<&str>) -> PathBuf {
    if is_root {
        return PathBuf::from("/var/run/dpdk");
    }
    match xdg_runtime_dir {
        Some(x) if !x.is_empty() => Path::new(x).join("dpdk"),
        _ => PathBuf::from("/tmp/dpdk"),
    }
}

fn mkdir_0700(path: &Path) -> Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::os(
            format!("cannot create runtime directory {}", path.display()),
            e,
        )),
    }
}

/// Chooses (and unless `create` is false, creates) this process's runtime directory.
pub fn set_up(prefix: &str, create: bool) -> Result<&'static Path> {
    validate_prefix(prefix)?;
    let is_root = crate::sys::is_root();
    let xdg = std::env::var("XDG_RUNTIME_DIR").ok();
    let base = base_dir(is_root, xdg.as_deref());
    let dir = base.join(prefix);
    if create {
        if let Some(parent) = base.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::os(format!("cannot create {}", parent.display()), e))?;
        }
        mkdir_0700(&base)?;
        mkdir_0700(&dir)?;
    }
    let dir_c = CString::new(dir.as_os_str().as_encoded_bytes())
        .map_err(|_| err!(libc::EINVAL, "runtime directory path contains NUL"))?;
    let rt = RUNTIME.get_or_init(|| Runtime {
        dir,
        dir_c,
        created: create,
    });
    Ok(&rt.dir)
}

/// Removes the IPC sockets of processes that are gone (a socket nobody listens on refuses a
/// connection), as a primary does when it leaves.
pub fn remove_dead_sockets() {
    let Some(dir) = dir() else { return };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with("mp_socket_") {
            continue;
        }
        let Ok(sock) = std::os::unix::net::UnixDatagram::unbound() else {
            continue;
        };
        if let Err(err) = sock.connect(e.path()) {
            if err.raw_os_error() == Some(libc::ECONNREFUSED) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Removes the runtime directory if this process created it and it is now empty.
pub fn remove_if_empty() {
    if let Some(rt) = RUNTIME.get() {
        if rt.created {
            let _ = std::fs::remove_dir(&rt.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_with_slash_or_dotdot_is_refused() {
        assert_eq!(validate_prefix("a/b").unwrap_err().errno, libc::EINVAL);
        assert_eq!(validate_prefix("..").unwrap_err().errno, libc::EINVAL);
        assert_eq!(validate_prefix("x..y").unwrap_err().errno, libc::EINVAL);
        assert_eq!(validate_prefix("").unwrap_err().errno, libc::EINVAL);
        assert!(validate_prefix("rte").is_ok());
        assert!(validate_prefix("my-app_2.0").is_ok());
    }

    #[test]
    fn base_dir_follows_dpdk_rules() {
        assert_eq!(
            base_dir(true, Some("/run/user/1")),
            PathBuf::from("/var/run/dpdk")
        );
        assert_eq!(
            base_dir(false, Some("/run/user/1")),
            PathBuf::from("/run/user/1/dpdk")
        );
        assert_eq!(base_dir(false, None), PathBuf::from("/tmp/dpdk"));
        assert_eq!(base_dir(false, Some("")), PathBuf::from("/tmp/dpdk"));
    }
}
