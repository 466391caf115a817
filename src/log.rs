//! `rte_log`: log types, levels and the output stream (STUB: the log issue work fills this in).

pub const RTE_LOG_EMERG: u32 = 1;
pub const RTE_LOG_ALERT: u32 = 2;
pub const RTE_LOG_CRIT: u32 = 3;
pub const RTE_LOG_ERR: u32 = 4;
pub const RTE_LOG_WARNING: u32 = 5;
pub const RTE_LOG_NOTICE: u32 = 6;
pub const RTE_LOG_INFO: u32 = 7;
pub const RTE_LOG_DEBUG: u32 = 8;

pub const RTE_LOGTYPE_EAL: u32 = 0;
pub const RTE_LOGTYPE_MALLOC: u32 = 1;

/// Writes one already-formatted message of `logtype` at `level`, if that level is enabled.
pub fn emit(level: u32, logtype: u32, msg: &str) {
    let _ = (level, logtype);
    eprint!("{msg}");
}

/// Logs `msg` as an EAL error ("EAL: msg").
pub fn eal_err(msg: &str) {
    emit(RTE_LOG_ERR, RTE_LOGTYPE_EAL, &format!("EAL: {msg}\n"));
}

/// `eal_log!(RTE_LOG_INFO, "fmt", args..)` logs an EAL-type message.
#[macro_export]
macro_rules! eal_log {
    ($level:expr, $($fmt:tt)*) => {
        $crate::log::emit($level, $crate::log::RTE_LOGTYPE_EAL, &format!("EAL: {}\n", format_args!($($fmt)*)))
    };
}

/// STUB: applies `--log-level` arguments.
pub fn apply_args(args: &[crate::options::LogLevelArg]) -> crate::errno::Result<()> {
    let _ = args;
    Ok(())
}

/// STUB: the text `--log-level=help` prints.
pub fn help_text() -> String {
    String::new()
}
