//! Where `rte_log` messages go, and `rte_exit`/`__rte_panic`.
//!
//! A message that passed the level checks of [`super`] is written either to the C stream set
//! with `rte_openlog_stream` (`fwrite` + `fflush`, as DPDK's `vfprintf` + `fflush`) or to the
//! `log` crate. For the latter rtemem installs, on first use, an env_logger that writes the bare
//! message text to stderr with no level filter of its own; when the host program already
//! installed a logger (`try_init` fails), that logger is left in place and receives the records,
//! with the log type's name as target. `rte_log_cur_msg_loglevel/logtype` are per thread, set
//! just before a message is written, as DPDK's per-lcore variable.
//!
//! After `rte_eal_init`, DPDK's `rte_log_get_stream()` returns a cookie stream over stderr
//! instead of `stderr` itself; [`eal_log_init`] opens the same kind of stream over the default
//! output here. The stream pointers are atomics; nothing on the write path takes a lock beyond
//! what stdio and the logger take.

use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, Once};

use super::{can_log, registry, to_log_level, RTE_LOGTYPE_EAL, RTE_LOG_CRIT, RTE_LOG_ERR};
use crate::error::{Error, Result};

thread_local! {
    /// (level, type) of the last message this thread wrote, as DPDK's per-lcore log_cur_msg.
    static CUR_MSG: std::cell::Cell<(u32, u32)> = const { std::cell::Cell::new((0, 0)) };
}

/// Level of the message this thread is writing (or wrote last); 0 before any.
pub fn cur_msg_loglevel() -> u32 {
    CUR_MSG.with(|c| c.get().0)
}

/// Type of the message this thread is writing (or wrote last); 0 before any.
pub fn cur_msg_logtype() -> u32 {
    CUR_MSG.with(|c| c.get().1)
}

// ---- output -------------------------------------------------------------------------------------

/// The stream set with `rte_openlog_stream` (NULL: the default output).
static USER_STREAM: AtomicPtr<libc::FILE> = AtomicPtr::new(std::ptr::null_mut());
/// The C stream over the default output, opened by [`eal_log_init`].
static DEFAULT_STREAM: AtomicPtr<libc::FILE> = AtomicPtr::new(std::ptr::null_mut());

/// Sends later messages to the C stream `f`, or back to the default output when `f` is NULL.
/// The caller keeps `f` open while it is set.
pub fn set_stream(f: *mut libc::FILE) {
    USER_STREAM.store(f, Ordering::Release);
}

/// The C stream set with [`set_stream`], if any.
pub fn user_stream() -> Option<*mut libc::FILE> {
    let f = USER_STREAM.load(Ordering::Acquire);
    (!f.is_null()).then_some(f)
}

/// The C stream [`eal_log_init`] opened over the default output, if it ran.
pub fn default_stream() -> Option<*mut libc::FILE> {
    let f = DEFAULT_STREAM.load(Ordering::Acquire);
    (!f.is_null()).then_some(f)
}

/// Installs rtemem's env_logger (bare message text on stderr) unless the host program already
/// installed a logger, which is then left alone and receives the records.
fn ensure_logger() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let installed = env_logger::Builder::new()
            .format(|buf, record| {
                use std::io::Write;
                write!(buf, "{}", record.args())
            })
            .filter_level(log::LevelFilter::Trace)
            .write_style(env_logger::WriteStyle::Never)
            .target(env_logger::Target::Stderr)
            .try_init();
        // Err: the host's logger stays in place and log::logger() returns it.
        let _ = installed;
    });
}

/// Hands one message to the `log` crate; returns the bytes accepted.
/// Set once `open_syslog` ran: the default output also goes to the system log (DPDK's
/// `console_log_write`).
static SYSLOG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The syslog facility of a `--syslog` name (DPDK's table), or None.
pub fn syslog_facility(name: &str) -> Option<i32> {
    Some(match name {
        "auth" => libc::LOG_AUTH,
        "cron" => libc::LOG_CRON,
        "daemon" => libc::LOG_DAEMON,
        "ftp" => libc::LOG_FTP,
        "kern" => libc::LOG_KERN,
        "lpr" => libc::LOG_LPR,
        "mail" => libc::LOG_MAIL,
        "news" => libc::LOG_NEWS,
        "syslog" => libc::LOG_SYSLOG,
        "user" => libc::LOG_USER,
        "uucp" => libc::LOG_UUCP,
        "local0" => libc::LOG_LOCAL0,
        "local1" => libc::LOG_LOCAL1,
        "local2" => libc::LOG_LOCAL2,
        "local3" => libc::LOG_LOCAL3,
        "local4" => libc::LOG_LOCAL4,
        "local5" => libc::LOG_LOCAL5,
        "local6" => libc::LOG_LOCAL6,
        "local7" => libc::LOG_LOCAL7,
        _ => return None,
    })
}

/// The syslog priority of an RTE log level (DPDK: level - 1; EMERG 1 is LOG_EMERG 0).
fn syslog_priority(level: u32) -> i32 {
    (level.clamp(1, 8) - 1) as i32
}

/// As DPDK's `eal_log_init`: from now on what goes to the default output also goes to the
/// system log, as `ident` (the program's name) with `facility` (`--syslog`, default daemon).
pub fn open_syslog(ident: &str, facility: i32) {
    static IDENT: std::sync::OnceLock<std::ffi::CString> = std::sync::OnceLock::new();
    let id = IDENT.get_or_init(|| {
        let base = ident.rsplit('/').next().unwrap_or(ident);
        std::ffi::CString::new(base.replace('\0', "")).unwrap_or_default()
    });
    crate::sys::openlog(id.as_c_str(), facility);
    SYSLOG.store(true, Ordering::Release);
}

fn write_default(level: u32, logtype: u32, msg: &[u8]) -> usize {
    if SYSLOG.load(Ordering::Acquire) {
        crate::sys::syslog(syslog_priority(level), msg);
    }
    ensure_logger();
    let text = String::from_utf8_lossy(msg);
    let target = registry()
        .name(logtype as usize)
        .and_then(|n| n.to_str().ok())
        .unwrap_or("rte");
    let logger = log::logger();
    logger.log(
        &log::Record::builder()
            .args(format_args!("{text}"))
            .level(to_log_level(level))
            .target(target)
            .module_path_static(Some(module_path!()))
            .build(),
    );
    logger.flush();
    msg.len()
}

/// Writes `msg` to the C stream `f` and flushes it, as DPDK's `vfprintf` + `fflush`.
fn write_stream(f: *mut libc::FILE, msg: &[u8]) -> i32 {
    // SAFETY: f was handed to rte_openlog_stream by the caller, who keeps it open while it is
    // set.
    let n = unsafe { crate::sys::write_flush(f, msg) };
    if n < msg.len() {
        return -1;
    }
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Records `level`/`logtype` as this thread's current message, as DPDK does before writing.
pub(crate) fn set_cur_msg(level: u32, logtype: u32) {
    CUR_MSG.with(|c| c.set((level, logtype)));
}

/// Writes an already formatted message if its type exists and its level is enabled. Returns
/// what `rte_vlog` returns: -1 for an unknown type, 0 when filtered out, else the bytes written.
pub fn emit_bytes(level: u32, logtype: u32, msg: &[u8]) -> i32 {
    let r = registry();
    if logtype as usize >= r.len() {
        return -1;
    }
    if !r.can_log(logtype as usize, level) {
        return 0;
    }
    set_cur_msg(level, logtype);
    match user_stream() {
        Some(f) => write_stream(f, msg),
        None => i32::try_from(write_default(level, logtype, msg)).unwrap_or(i32::MAX),
    }
}

/// Writes one already-formatted message of `logtype` at `level`, if that level is enabled.
pub fn emit(level: u32, logtype: u32, msg: &str) {
    emit_bytes(level, logtype, msg.as_bytes());
}

/// Logs `msg` as an EAL error ("EAL: msg").
pub fn eal_err(msg: &str) {
    if can_log(RTE_LOGTYPE_EAL, RTE_LOG_ERR) {
        emit(RTE_LOG_ERR, RTE_LOGTYPE_EAL, &format!("EAL: {msg}\n"));
    }
}

/// `eal_log!(RTE_LOG_INFO, "fmt", args..)` logs an EAL-type message ("EAL: ...\n"); the text is
/// only formatted when the level is enabled.
#[macro_export]
macro_rules! eal_log {
    ($level:expr, $($fmt:tt)*) => {{
        let level: u32 = $level;
        if $crate::base::log::can_log($crate::base::log::RTE_LOGTYPE_EAL, level) {
            $crate::base::log::emit(
                level,
                $crate::base::log::RTE_LOGTYPE_EAL,
                &format!("EAL: {}\n", format_args!($($fmt)*)),
            )
        }
    }};
}

/// Write function of the default stream: what C code prints to `rte_log_get_stream()` goes to
/// the default output at the level/type of the message being written.
unsafe extern "C" fn default_stream_write(
    _: *mut c_void,
    buf: *const c_char,
    size: usize,
) -> isize {
    let bytes = if size == 0 || buf.is_null() {
        &[][..]
    } else {
        // SAFETY: stdio hands us `size` readable bytes at `buf` for the duration of the call.
        unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), size) }
    };
    let written =
        std::panic::catch_unwind(|| write_default(cur_msg_loglevel(), cur_msg_logtype(), bytes));
    match written {
        Ok(n) => isize::try_from(n).unwrap_or(isize::MAX),
        Err(_) => -1,
    }
}

/// Opens the default log stream as `rte_eal_init` does (DPDK: a stream over stderr and syslog;
/// here: over the default output). Afterwards `rte_log_get_stream()` returns it instead of
/// `stderr` while no stream is set. Idempotent.
pub fn eal_log_init() -> Result<()> {
    static OPEN: Mutex<()> = Mutex::new(());
    let _g = OPEN.lock().unwrap_or_else(|p| p.into_inner());
    if default_stream().is_some() {
        return Ok(());
    }
    let f = crate::sys::open_write_stream(default_stream_write)
        .map_err(|e| Error::os("cannot open the default log stream", e))?;
    DEFAULT_STREAM.store(f, Ordering::Release);
    Ok(())
}

// ---- rte_exit / __rte_panic ---------------------------------------------------------------------

/// `rte_exit`: logs the cause at CRIT (with DPDK's "Error - exiting with code" line for a
/// non-zero code), runs EAL cleanup, and exits the process with `code`.
pub fn exit_with(code: i32, cause: &[u8]) -> ! {
    if code != 0 {
        emit(
            RTE_LOG_CRIT,
            RTE_LOGTYPE_EAL,
            &format!("EAL: Error - exiting with code: {code}\n  Cause: "),
        );
    }
    emit_bytes(RTE_LOG_CRIT, RTE_LOGTYPE_EAL, cause);
    let was_initialized = crate::config::initialized();
    let cleaned = std::panic::catch_unwind(crate::config::run_cleanup_hook);
    let failed = match cleaned {
        Ok(Ok(())) => false,
        Ok(Err(e)) => e.errno != libc::EALREADY,
        Err(_) => true,
    };
    if was_initialized && failed {
        emit(
            RTE_LOG_CRIT,
            RTE_LOGTYPE_EAL,
            "EAL: EAL could not release all resources\n",
        );
    }
    std::process::exit(code)
}

/// `__rte_panic`: logs "PANIC in func():" and the message at CRIT, then the stack (at ERR, as
/// `rte_dump_stack`), and aborts.
pub fn panic_with(func: &str, msg: &[u8]) -> ! {
    emit(
        RTE_LOG_CRIT,
        RTE_LOGTYPE_EAL,
        &format!("PANIC in {func}():\n"),
    );
    emit_bytes(RTE_LOG_CRIT, RTE_LOGTYPE_EAL, msg);
    let bt = std::backtrace::Backtrace::force_capture().to_string();
    for line in bt.lines() {
        emit(RTE_LOG_ERR, RTE_LOGTYPE_EAL, &format!("{line}\n"));
    }
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::log::{register, set_level, RTE_LOG_DEBUG, RTE_LOG_INFO};

    fn with_memstream(f: impl FnOnce()) -> String {
        let mut buf: *mut c_char = std::ptr::null_mut();
        let mut len: usize = 0;
        // SAFETY: buf/len are valid out-pointers that outlive the stream.
        let s = unsafe { libc::open_memstream(&mut buf, &mut len) };
        assert!(!s.is_null());
        set_stream(s);
        f();
        set_stream(std::ptr::null_mut());
        // SAFETY: s is the open stream created above; fclose finalises buf/len.
        unsafe { libc::fclose(s) };
        // SAFETY: after fclose, buf holds len bytes allocated with malloc.
        let out = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) }.to_vec();
        // SAFETY: buf was malloc'd by open_memstream.
        unsafe { libc::free(buf.cast()) };
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn messages_go_to_the_set_stream_verbatim_and_filtered() {
        let _g = crate::base::log::TEST_LOCK
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let t = register("test.stream").unwrap();
        let mut rets = Vec::new();
        let out = with_memstream(|| {
            rets.push(emit_bytes(RTE_LOG_ERR, t, b"one 1\n"));
            rets.push(emit_bytes(RTE_LOG_DEBUG, t, b"hidden\n"));
            rets.push(emit_bytes(RTE_LOG_ERR, 60000, b"no type\n"));
            set_level(t, RTE_LOG_DEBUG).unwrap();
            rets.push(emit_bytes(RTE_LOG_DEBUG, t, b"two"));
        });
        assert_eq!(out, "one 1\ntwo");
        assert_eq!(rets, vec![6, 0, -1, 3]);
        assert_eq!((cur_msg_loglevel(), cur_msg_logtype()), (RTE_LOG_DEBUG, t));
        assert!(user_stream().is_none(), "NULL restores the default output");
    }

    #[test]
    fn cur_msg_is_per_thread_and_zero_before_any_message() {
        let other = std::thread::spawn(|| (cur_msg_loglevel(), cur_msg_logtype()))
            .join()
            .unwrap();
        assert_eq!(other, (0, 0));
    }

    #[test]
    fn eal_log_macro_prefixes_and_respects_levels() {
        let _g = crate::base::log::TEST_LOCK
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let out = with_memstream(|| {
            eal_log!(RTE_LOG_INFO, "hello {}", 5);
            eal_log!(RTE_LOG_DEBUG, "not shown");
            eal_err("bad");
        });
        assert_eq!(out, "EAL: hello 5\nEAL: bad\n");
    }

    #[test]
    fn syslog_facilities_and_priorities_are_dpdks() {
        assert_eq!(syslog_facility("daemon"), Some(libc::LOG_DAEMON));
        assert_eq!(syslog_facility("local3"), Some(libc::LOG_LOCAL3));
        assert_eq!(syslog_facility("syslog"), Some(libc::LOG_SYSLOG));
        assert_eq!(syslog_facility("error"), None);
        assert_eq!(
            syslog_priority(crate::base::log::RTE_LOG_EMERG),
            libc::LOG_EMERG
        );
        assert_eq!(syslog_priority(RTE_LOG_ERR), libc::LOG_ERR);
        assert_eq!(
            syslog_priority(crate::base::log::RTE_LOG_DEBUG),
            libc::LOG_DEBUG
        );
    }

    #[test]
    fn default_stream_exists_only_after_eal_log_init() {
        let _g = crate::base::log::TEST_LOCK
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        eal_log_init().unwrap();
        let f = default_stream().expect("opened");
        eal_log_init().unwrap();
        assert_eq!(default_stream(), Some(f), "idempotent");
    }
}
