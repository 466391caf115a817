//! `rte_trace_save`: writes the trace as a CTF directory that babeltrace2 reads.
//!
//! Layout (DPDK's): `<dir>/<file-prefix>-<YYYY-mm-dd-AM|PM-hh-MM-SS>/` holding `metadata` (the
//! text of [`super::ctf`]) and one stream file `channel0_<i>` per thread buffer, in allocation
//! order: the buffer's 56-byte packet header followed by its events up to the write offset.
//! `<dir>` is `--trace-dir`, else `$HOME/dpdk-traces/` (the password database's home when
//! `HOME` is unset); it is made if missing (mode 0700, one level, as DPDK: no `mkdir -p`). The
//! session directory is made once per process and must not exist yet; later saves rewrite the
//! files in it. Nothing is written when no thread has a buffer, or after `rte_eal_cleanup`.

use std::io::Write as _;
use std::os::unix::fs::DirBuilderExt;

use super::state;
use crate::base::trace::mem;
use crate::err;
use crate::error::{Error, Result};

/// `$HOME/dpdk-traces/`, or the password database's home directory instead of `$HOME`.
fn default_dir() -> Result<String> {
    let home = match std::env::var_os("HOME") {
        Some(h) => std::path::PathBuf::from(h),
        None => crate::sys::passwd_home()
            .ok_or_else(|| err!(libc::EINVAL, "fail to get default path: no HOME"))?,
    };
    Ok(format!("{}/dpdk-traces/", home.display()))
}

fn mkdir(path: &str) -> std::io::Result<()> {
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

fn io_err(what: &str, path: &str, e: std::io::Error) -> Error {
    Error::os(format!("{what} {path}"), e)
}

/// Makes the session directory (once per process) and returns it.
fn session_dir() -> Result<String> {
    let mut st = state();
    if st.session_made {
        return st
            .dir
            .clone()
            .ok_or_else(|| err!(libc::EINVAL, "no trace directory"));
    }
    let base = match &st.dir {
        Some(d) => d.clone(),
        None => {
            let d = default_dir()?;
            st.dir = Some(d.clone());
            d
        }
    };
    match mkdir(&base) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            return Err(io_err("mkdir", &base, e));
        }
        _ => {}
    }
    let date = crate::sys::local_time(c"%Y-%m-%d-%p-%I-%M-%S")
        .ok_or_else(|| err!(libc::EINVAL, "cannot read the local time"))?;
    let prefix = crate::config::get()
        .map(|c| c.file_prefix.clone())
        .unwrap_or_else(|| crate::options::DEFAULT_FILE_PREFIX.to_string());
    let dir = format!("{base}{prefix}-{date}");
    st.dir = Some(dir.clone());
    mkdir(&dir).map_err(|e| io_err("mkdir", &dir, e))?;
    crate::eal_log!(crate::base::log::RTE_LOG_INFO, "Trace dir: {dir}");
    st.session_made = true;
    Ok(dir)
}

/// `rte_trace_save`.
pub fn save() -> Result<()> {
    if mem::count() == 0 || state().finished {
        return Ok(());
    }
    let dir = session_dir()?;
    let path = format!("{dir}/metadata");
    let mut f = std::fs::File::create(&path).map_err(|e| io_err("cannot create", &path, e))?;
    super::metadata_dump(&mut f)?;
    drop(f);
    mem::for_each_stream(|i, bytes| {
        let path = format!("{dir}/channel0_{i}");
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| io_err("cannot write", &path, e))
    })
}
