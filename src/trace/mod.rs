//! Tracing, the EAL-level part (DPDK's `eal_common_trace.c` init/fini/dump,
//! `eal_common_trace_ctf.c` and `eal_common_trace_utils.c`): the `--trace*` options, trace
//! init and teardown, the CTF metadata ([`ctf`]), `rte_trace_save` ([`save`]) and
//! `rte_trace_dump`.
//!
//! The points, their words and the per-thread buffers are in `base::trace`, below every layer
//! that emits. This layer runs at `rte_eal_init` step 8 (DPDK's `eal_trace_init`):
//! 1. a registration that failed, or a name registered twice, fails init;
//! 2. the trace UUID is derived from the registered points and the buffer length is set;
//! 3. the metadata text is built (points registered later are not in it, as in DPDK);
//! 4. the wall clock and the TSC are read together (the clock's epoch);
//! 5. each `--trace` expression enables the points it matches (one that does not compile is
//!    logged and skipped);
//! 6. the mode (`--trace-mode`, else the current one) is applied to every point.
//!
//! `rte_eal_cleanup` saves the trace (when some thread has a buffer) and tears it down.
//!
//! Locking: one process-private mutex over this layer's state (directory, metadata, epoch).

pub mod ctf;
pub mod save;

use std::sync::{Mutex, MutexGuard};

use crate::base::trace::{self as points, mem, Mode};
use crate::err;
use crate::error::Result;
use crate::options::{EalConfig, TraceMode};

pub use save::save;

#[derive(Default)]
struct State {
    /// DPDK's `trace->dir`: `--trace-dir`, then the session directory once it is made.
    dir: Option<String>,
    /// The session directory was made (`rte_trace_save` makes it once per process).
    session_made: bool,
    /// Torn down by `rte_eal_cleanup`: saving does nothing (DPDK has no buffers left then).
    finished: bool,
    meta: Option<ctf::Metadata>,
    epoch: ctf::Epoch,
}

static STATE: Mutex<State> = Mutex::new(State {
    dir: None,
    session_made: false,
    finished: false,
    meta: None,
    epoch: ctf::Epoch {
        sec: 0,
        nsec: 0,
        ticks: 0,
    },
});

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads the wall clock between two TSC readings.
fn epoch_now() -> Result<ctf::Epoch> {
    let t0 = crate::sys::rdtsc();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| err!(libc::EINVAL, "failed to get the epoch time"))?;
    let t1 = crate::sys::rdtsc();
    Ok(ctf::Epoch {
        sec: now.as_secs(),
        nsec: u64::from(now.subsec_nanos()),
        ticks: ((u128::from(t0) + u128::from(t1)) / 2) as u64,
    })
}

/// `eal_trace_init` (init step 8). EFAULT when it fails, as `rte_eal_init` reports it.
pub fn init(cfg: &EalConfig) -> Result<()> {
    init_inner(cfg).map_err(|e| err!(libc::EFAULT, "cannot init trace: {}", e.msg))
}

fn init_inner(cfg: &EalConfig) -> Result<()> {
    let errno = points::register_errno();
    if errno != 0 {
        return Err(err!(
            errno,
            "a trace point failed to register ({}; its registration logged why)",
            crate::base::errno::describe(errno)
        ));
    }
    if let Some(name) = points::duplicate_name() {
        return Err(err!(libc::EEXIST, "trace point {name} is registered twice"));
    }
    let all = points::points();
    let uuid = ctf::trace_uuid(&all);
    mem::set_uuid(uuid);
    mem::set_buff_len(cfg.trace_bufsz.unwrap_or(points::DEFAULT_BUFSZ));
    let meta = ctf::Metadata::new(&all, &uuid, &crate::base::version::version_string());
    let epoch = epoch_now()?;
    {
        let mut st = state();
        st.meta = Some(meta);
        st.epoch = epoch;
        st.finished = false;
        if let Some(d) = &cfg.trace_dir {
            st.dir = Some(d.clone());
        }
    }
    for pat in &cfg.trace_patterns {
        let applied = std::ffi::CString::new(pat.as_str())
            .map_err(|_| err!(libc::EINVAL, "it holds a NUL byte"))
            .and_then(|re| points::set_by_regexp(&re, true));
        if let Err(e) = applied {
            crate::eal_log!(
                crate::base::log::RTE_LOG_ERR,
                "cannot enable trace for {pat}: {}",
                e.msg
            );
        }
    }
    points::set_mode(match cfg.trace_mode {
        Some(TraceMode::Overwrite) => Mode::Overwrite,
        Some(TraceMode::Discard) => Mode::Discard,
        None => points::mode(),
    });
    Ok(())
}

/// `eal_trace_fini` (cleanup): empties the buffers and drops the metadata.
pub fn fini() {
    mem::reset_all();
    let mut st = state();
    st.meta = None;
    st.finished = true;
}

/// `rte_trace_metadata_dump`: writes the metadata text. EINVAL before trace init.
pub fn metadata_dump(out: &mut dyn std::io::Write) -> Result<()> {
    let text = {
        let mut st = state();
        let epoch = st.epoch;
        let meta = st
            .meta
            .as_mut()
            .ok_or_else(|| {
                err!(
                    libc::EINVAL,
                    "no trace metadata: tracing is set up by rte_eal_init (and ended by rte_eal_cleanup)"
                )
            })?;
        let hz = crate::base::cpu::tsc_hz();
        meta.fix_clock(hz, hz, &epoch);
        meta.text().to_string()
    };
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| err!(libc::EIO, "cannot write the trace metadata: {e}"))
}

/// `rte_trace_dump`: the global state, the threads' buffers and every point.
pub fn dump(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let dir = state().dir.clone();
    writeln!(out, "\nGlobal info\n-----------")?;
    let status = if points::is_enabled() {
        "enabled"
    } else {
        "disabled"
    };
    writeln!(out, "status = {status}")?;
    writeln!(out, "mode = {}", points::mode().name())?;
    writeln!(out, "dir = {}", dir.as_deref().unwrap_or("(null)"))?;
    writeln!(out, "buffer len = {}", mem::buff_len())?;
    writeln!(out, "number of trace points = {}", points::count())?;
    let bufs = mem::infos();
    if !bufs.is_empty() {
        writeln!(out, "nb_trace_mem_list = {}", bufs.len())?;
        writeln!(out, "\nTrace mem info\n--------------")?;
        for (i, b) in bufs.iter().enumerate() {
            writeln!(
                out,
                "\tid {i}, mem={:#x}, area=heap, lcore_id={}, name={}",
                b.addr, b.lcore_id as i32, b.thread_name
            )?;
        }
    }
    writeln!(out, "\nTrace point info\n----------------")?;
    for p in points::points() {
        let on = if p.enabled { "enabled" } else { "disabled" };
        writeln!(out, "\tid {}, {}, size is {}, {on}", p.id, p.name, p.size)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests;
