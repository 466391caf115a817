//! `rte_log`: log types, levels, the saved `--log-level` options and the output stream.
//!
//! # The DPDK concept
//!
//! DPDK tags every message with a *log type* (an index: 0..=31 are the static types of
//! `rte_log.h`, `lib.eal` to `user8`; 32 onwards are registered at run time by name) and a
//! *level* (1 = EMERG .. 8 = DEBUG; a lower number is more severe). A message is written only
//! when its level is at most the global level *and* at most its type's level. Types start at
//! INFO, the global level at DEBUG, so by default everything up to INFO is shown. A type's level
//! can be set by id, by a shell glob or by a POSIX regular expression over the type names.
//! `--log-level` options given to `rte_eal_init` set the levels of the types registered so far and
//! are also remembered: a type registered later through `rte_log_register_type_and_pick_level`
//! (what `RTE_LOG_REGISTER` calls from a constructor) takes its level from the remembered options
//! instead of its default. Of several matching options the *first given* wins, as in DPDK, which
//! keeps them newest-first and lets the last match in that order win.
//!
//! Facts checked against DPDK 22.11's librte_eal: the regular expressions are POSIX *basic* ones
//! (`regcomp` without `REG_EXTENDED`; GNU's `\+`, `\|` work, a bare `+` or `|` is literal) and
//! are searched, not anchored. `rte_log_set_level_pattern`/`_regexp` called directly are not
//! remembered. `rte_log_set_global_level` stores any value unchecked. Registering an existing
//! name returns its id and leaves its level alone. Ids 21..=23 are reserved: they have no name
//! and level 0 but `rte_log_get_level`/`rte_log_set_level` accept them.
//!
//! # Output (submodule `output`)
//!
//! Messages go to the C stream given to `rte_openlog_stream` (written with `fwrite` + `fflush`,
//! as DPDK's `vfprintf` + `fflush`), or else to the `log` crate: rtemem installs an env_logger
//! writing the bare message text to stderr, unless the host program already installed a logger
//! of its own, in which case that logger receives the records (target = the type's name). All
//! level filtering is done here, before the `log` crate sees a record. `rte_eal_init` also opens
//! a C stream over the same output ([`eal_log_init`]) that `rte_log_get_stream` then returns,
//! as DPDK returns its stderr/syslog cookie stream after init.
//!
//! # Invariants and locking
//!
//! The table of types is a set of fixed chunks allocated on demand; a slot's name is written
//! once, before the type count is published with `Release`, and never changes, so readers need
//! only an `Acquire` load of the count and then read names and levels without a lock. Levels and
//! the global level are atomics: `rte_log` on any lcore never blocks. Registration and the saved
//! options list take one mutex. Patterns are matched as DPDK matches them, by the C library
//! (`sys::fnmatch`, `sys::PosixRegex`); C streams are written through `sys`'s stdio wrappers.

use std::ffi::{CStr, CString};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock};

use crate::error::{Error, Result};
use crate::options::LogLevelArg;

mod output;
mod vlog;

pub use output::{
    cur_msg_loglevel, cur_msg_logtype, default_stream, eal_err, eal_log_init, emit, emit_bytes,
    exit_with, open_syslog, panic_with, set_stream, syslog_facility, user_stream,
};
pub use vlog::{stream, vformat, vlog};

/// System is unusable.
pub const RTE_LOG_EMERG: u32 = 1;
/// Action must be taken immediately.
pub const RTE_LOG_ALERT: u32 = 2;
/// Critical conditions.
pub const RTE_LOG_CRIT: u32 = 3;
/// Error conditions.
pub const RTE_LOG_ERR: u32 = 4;
/// Warning conditions.
pub const RTE_LOG_WARNING: u32 = 5;
/// Normal but significant condition.
pub const RTE_LOG_NOTICE: u32 = 6;
/// Informational.
pub const RTE_LOG_INFO: u32 = 7;
/// Debug-level messages.
pub const RTE_LOG_DEBUG: u32 = 8;
/// Most detailed log level.
pub const RTE_LOG_MAX: u32 = RTE_LOG_DEBUG;

/// Log related to eal.
pub const RTE_LOGTYPE_EAL: u32 = 0;
/// Log related to malloc.
pub const RTE_LOGTYPE_MALLOC: u32 = 1;
/// Log related to ring.
pub const RTE_LOGTYPE_RING: u32 = 2;
/// Log related to mempool.
pub const RTE_LOGTYPE_MEMPOOL: u32 = 3;
/// Log related to timers.
pub const RTE_LOGTYPE_TIMER: u32 = 4;
/// Log related to poll mode driver.
pub const RTE_LOGTYPE_PMD: u32 = 5;
/// Log related to hash table.
pub const RTE_LOGTYPE_HASH: u32 = 6;
/// Log related to LPM.
pub const RTE_LOGTYPE_LPM: u32 = 7;
/// Log related to KNI.
pub const RTE_LOGTYPE_KNI: u32 = 8;
/// Log related to ACL.
pub const RTE_LOGTYPE_ACL: u32 = 9;
/// Log related to power.
pub const RTE_LOGTYPE_POWER: u32 = 10;
/// Log related to QoS meter.
pub const RTE_LOGTYPE_METER: u32 = 11;
/// Log related to QoS port scheduler.
pub const RTE_LOGTYPE_SCHED: u32 = 12;
/// Log related to port.
pub const RTE_LOGTYPE_PORT: u32 = 13;
/// Log related to table.
pub const RTE_LOGTYPE_TABLE: u32 = 14;
/// Log related to pipeline.
pub const RTE_LOGTYPE_PIPELINE: u32 = 15;
/// Log related to mbuf.
pub const RTE_LOGTYPE_MBUF: u32 = 16;
/// Log related to cryptodev.
pub const RTE_LOGTYPE_CRYPTODEV: u32 = 17;
/// Log related to EFD.
pub const RTE_LOGTYPE_EFD: u32 = 18;
/// Log related to eventdev.
pub const RTE_LOGTYPE_EVENTDEV: u32 = 19;
/// Log related to GSO.
pub const RTE_LOGTYPE_GSO: u32 = 20;
/// User-defined log type 1.
pub const RTE_LOGTYPE_USER1: u32 = 24;
/// User-defined log type 2.
pub const RTE_LOGTYPE_USER2: u32 = 25;
/// User-defined log type 3.
pub const RTE_LOGTYPE_USER3: u32 = 26;
/// User-defined log type 4.
pub const RTE_LOGTYPE_USER4: u32 = 27;
/// User-defined log type 5.
pub const RTE_LOGTYPE_USER5: u32 = 28;
/// User-defined log type 6.
pub const RTE_LOGTYPE_USER6: u32 = 29;
/// User-defined log type 7.
pub const RTE_LOGTYPE_USER7: u32 = 30;
/// User-defined log type 8.
pub const RTE_LOGTYPE_USER8: u32 = 31;
/// First identifier for extended logs.
pub const RTE_LOGTYPE_FIRST_EXT_ID: u32 = 32;

/// The names DPDK gives its static types; ids 21..=23 have none.
const STATIC_TYPES: [(u32, &str); 29] = [
    (RTE_LOGTYPE_EAL, "lib.eal"),
    (RTE_LOGTYPE_MALLOC, "lib.malloc"),
    (RTE_LOGTYPE_RING, "lib.ring"),
    (RTE_LOGTYPE_MEMPOOL, "lib.mempool"),
    (RTE_LOGTYPE_TIMER, "lib.timer"),
    (RTE_LOGTYPE_PMD, "pmd"),
    (RTE_LOGTYPE_HASH, "lib.hash"),
    (RTE_LOGTYPE_LPM, "lib.lpm"),
    (RTE_LOGTYPE_KNI, "lib.kni"),
    (RTE_LOGTYPE_ACL, "lib.acl"),
    (RTE_LOGTYPE_POWER, "lib.power"),
    (RTE_LOGTYPE_METER, "lib.meter"),
    (RTE_LOGTYPE_SCHED, "lib.sched"),
    (RTE_LOGTYPE_PORT, "lib.port"),
    (RTE_LOGTYPE_TABLE, "lib.table"),
    (RTE_LOGTYPE_PIPELINE, "lib.pipeline"),
    (RTE_LOGTYPE_MBUF, "lib.mbuf"),
    (RTE_LOGTYPE_CRYPTODEV, "lib.cryptodev"),
    (RTE_LOGTYPE_EFD, "lib.efd"),
    (RTE_LOGTYPE_EVENTDEV, "lib.eventdev"),
    (RTE_LOGTYPE_GSO, "lib.gso"),
    (RTE_LOGTYPE_USER1, "user1"),
    (RTE_LOGTYPE_USER2, "user2"),
    (RTE_LOGTYPE_USER3, "user3"),
    (RTE_LOGTYPE_USER4, "user4"),
    (RTE_LOGTYPE_USER5, "user5"),
    (RTE_LOGTYPE_USER6, "user6"),
    (RTE_LOGTYPE_USER7, "user7"),
    (RTE_LOGTYPE_USER8, "user8"),
];

/// Slots per chunk of the type table.
const CHUNK: usize = 256;
/// Chunks in the type table.
const CHUNKS: usize = 64;
/// Most log types one process can have (DPDK has no fixed limit; running out is `ENOMEM`).
pub(crate) const MAX_LOGTYPES: usize = CHUNK * CHUNKS;

/// The name DPDK prints for a level in `rte_log_dump` and its own messages.
pub(crate) fn level_name(level: u32) -> &'static str {
    match level {
        0 => "disabled",
        RTE_LOG_EMERG => "emerg",
        RTE_LOG_ALERT => "alert",
        RTE_LOG_CRIT => "critical",
        RTE_LOG_ERR => "error",
        RTE_LOG_WARNING => "warning",
        RTE_LOG_NOTICE => "notice",
        RTE_LOG_INFO => "info",
        RTE_LOG_DEBUG => "debug",
        _ => "unknown",
    }
}

/// The `log` crate level a DPDK level is handed over at.
pub(crate) fn to_log_level(level: u32) -> log::Level {
    match level {
        0..=RTE_LOG_ERR => log::Level::Error,
        RTE_LOG_WARNING => log::Level::Warn,
        RTE_LOG_NOTICE | RTE_LOG_INFO => log::Level::Info,
        RTE_LOG_DEBUG => log::Level::Debug,
        _ => log::Level::Trace,
    }
}

/// One log type: its level (read lock-free on every message) and its name (written once).
struct Slot {
    level: AtomicU32,
    name: OnceLock<Box<CStr>>,
}

/// How a remembered `--log-level` option selects type names.
enum Matcher {
    Glob(CString),
    Regex(PosixRegex),
}

impl Matcher {
    fn matches(&self, name: &CStr) -> bool {
        match self {
            Matcher::Glob(p) => glob_matches(p, name),
            Matcher::Regex(r) => r.is_match(name),
        }
    }
}

/// A remembered `--log-level <pattern>:<level>` or `<regex>,<level>` option.
struct Saved {
    matcher: Matcher,
    level: u32,
}

/// A level change made under the registration lock, logged once the lock is released.
struct Change {
    id: usize,
    from: u32,
    to: u32,
}

/// The log type table, the global level and the remembered `--log-level` options.
pub(crate) struct Registry {
    global: AtomicU32,
    len: AtomicUsize,
    chunks: [OnceLock<Box<[Slot]>>; CHUNKS],
    /// Held to register a type or remember an option; the list is in the order given.
    saved: Mutex<Vec<Saved>>,
}

impl Registry {
    /// A table holding DPDK's static types at INFO, global level DEBUG.
    pub(crate) fn new() -> Self {
        let r = Registry {
            global: AtomicU32::new(RTE_LOG_DEBUG),
            len: AtomicUsize::new(0),
            chunks: [const { OnceLock::new() }; CHUNKS],
            saved: Mutex::new(Vec::new()),
        };
        let first = r.chunk(0);
        for (id, name) in STATIC_TYPES {
            let slot = &first[id as usize];
            let _ = slot
                .name
                .set(CString::new(name).expect("static names have no NUL").into());
            slot.level.store(RTE_LOG_INFO, Ordering::Relaxed);
        }
        r.len
            .store(RTE_LOGTYPE_FIRST_EXT_ID as usize, Ordering::Release);
        r
    }

    fn chunk(&self, c: usize) -> &[Slot] {
        self.chunks[c].get_or_init(|| {
            (0..CHUNK)
                .map(|_| Slot {
                    level: AtomicU32::new(0),
                    name: OnceLock::new(),
                })
                .collect()
        })
    }

    /// The slot of a registered (or reserved) type id.
    fn slot(&self, id: usize) -> Option<&Slot> {
        if id >= self.len.load(Ordering::Acquire) {
            return None;
        }
        let chunk = self.chunks[id / CHUNK].get();
        debug_assert!(
            chunk.is_some(),
            "chunk of a published type id {id} is allocated"
        );
        chunk.map(|c| &c[id % CHUNK])
    }

    /// Number of type ids in use (static ones included).
    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// The name of type `id`, if it is registered and named.
    pub(crate) fn name(&self, id: usize) -> Option<&CStr> {
        self.slot(id).and_then(|s| s.name.get()).map(|b| &**b)
    }

    pub(crate) fn global_level(&self) -> u32 {
        self.global.load(Ordering::Relaxed)
    }

    /// Stores the global level; DPDK stores any value unchecked.
    pub(crate) fn set_global_level(&self, level: u32) {
        self.global.store(level, Ordering::Relaxed);
    }

    /// The level of type `id`, `None` for an id never registered.
    pub(crate) fn level(&self, id: usize) -> Option<u32> {
        self.slot(id).map(|s| s.level.load(Ordering::Relaxed))
    }

    /// Whether a message of type `id` at `level` is written: both levels must allow it.
    pub(crate) fn can_log(&self, id: usize, level: u32) -> bool {
        level <= self.global_level() && self.level(id).is_some_and(|l| level <= l)
    }

    fn store_level(&self, id: usize, level: u32) -> Option<Change> {
        let slot = self.slot(id)?;
        let from = slot.level.swap(level, Ordering::Relaxed);
        (from != level).then_some(Change {
            id,
            from,
            to: level,
        })
    }

    fn report(&self, change: Option<Change>) {
        if let Some(c) = change {
            if can_log(RTE_LOGTYPE_EAL, RTE_LOG_DEBUG) {
                let name = self
                    .name(c.id)
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                let msg = format!(
                    "EAL: {name} log level changed from {} to {}\n",
                    level_name(c.from),
                    level_name(c.to)
                );
                emit_bytes(RTE_LOG_DEBUG, RTE_LOGTYPE_EAL, msg.as_bytes());
            }
        }
    }

    /// `rte_log_set_level`: fails for an unknown id or a level above DEBUG.
    pub(crate) fn set_level(&self, id: usize, level: u32) -> Result<()> {
        if id >= self.len() {
            return Err(Error::new(
                libc::EINVAL,
                format!("log type {id} is not registered"),
            ));
        }
        check_level(level)?;
        let change = self.store_level(id, level);
        self.report(change);
        Ok(())
    }

    /// Sets every named type that `select` accepts to `level`.
    fn set_matching(&self, level: u32, select: impl Fn(&CStr) -> bool) {
        for id in 0..self.len() {
            if let Some(name) = self.name(id) {
                if select(name) {
                    let change = self.store_level(id, level);
                    self.report(change);
                }
            }
        }
    }

    /// `rte_log_set_level_pattern`: shell glob (`fnmatch`, no flags) over the type names.
    pub(crate) fn set_level_pattern(&self, pattern: &CStr, level: u32) -> Result<()> {
        check_level(level)?;
        self.set_matching(level, |name| glob_matches(pattern, name));
        Ok(())
    }

    /// `rte_log_set_level_regexp`: POSIX basic regex searched in the type names.
    pub(crate) fn set_level_regexp(&self, regex: &CStr, level: u32) -> Result<()> {
        check_level(level)?;
        let re = PosixRegex::new(regex)?;
        self.set_matching(level, |name| re.is_match(name));
        Ok(())
    }

    /// Remembers a `--log-level <glob>:<level>` option for types registered later.
    pub(crate) fn save_pattern(&self, pattern: &CStr, level: u32) {
        let mut saved = self.saved.lock().unwrap_or_else(|p| p.into_inner());
        saved.push(Saved {
            matcher: Matcher::Glob(pattern.into()),
            level,
        });
    }

    /// Remembers a `--log-level <regex>,<level>` option for types registered later.
    pub(crate) fn save_regexp(&self, regex: &CStr, level: u32) -> Result<()> {
        let re = PosixRegex::new(regex)?;
        let mut saved = self.saved.lock().unwrap_or_else(|p| p.into_inner());
        saved.push(Saved {
            matcher: Matcher::Regex(re),
            level,
        });
        Ok(())
    }

    fn lookup(&self, name: &CStr) -> Option<usize> {
        (0..self.len()).find(|&id| self.name(id) == Some(name))
    }

    /// Registers `name` at `level` (its level picked from the saved options first when
    /// `pick` is set) and returns its id; an existing name returns its id unchanged.
    fn register_with(&self, name: &CStr, level: u32, pick: bool) -> Result<u32> {
        let saved = self.saved.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = self.lookup(name) {
            return Ok(id as u32);
        }
        let level = if pick {
            // The first option given that matches wins (DPDK keeps them newest-first and
            // lets the last match win).
            saved
                .iter()
                .find(|s| s.level <= RTE_LOG_MAX && s.matcher.matches(name))
                .map_or(level, |s| s.level)
        } else {
            level
        };
        let id = self.len.load(Ordering::Relaxed);
        if id >= MAX_LOGTYPES {
            return Err(Error::new(
                libc::ENOMEM,
                format!("cannot register log type {name:?}: all {MAX_LOGTYPES} ids are in use"),
            ));
        }
        let slot = &self.chunk(id / CHUNK)[id % CHUNK];
        debug_assert!(
            slot.name.get().is_none(),
            "slot {id} past the published count is unused"
        );
        let _ = slot.name.set(name.into());
        slot.level.store(level, Ordering::Relaxed);
        self.len.store(id + 1, Ordering::Release);
        drop(saved);
        self.report((level != 0).then_some(Change {
            id,
            from: 0,
            to: level,
        }));
        Ok(id as u32)
    }

    /// `rte_log_register`: a new type starts at INFO.
    pub(crate) fn register(&self, name: &CStr) -> Result<u32> {
        self.register_with(name, RTE_LOG_INFO, false)
    }

    /// `rte_log_register_type_and_pick_level`.
    pub(crate) fn register_and_pick(&self, name: &CStr, level_def: u32) -> Result<u32> {
        self.register_with(name, level_def, true)
    }

    /// `rte_log_dump` text: the global level, then each named type in id order.
    pub(crate) fn dump(&self) -> Vec<u8> {
        let mut out = format!("global log level is {}\n", level_name(self.global_level()));
        for id in 0..self.len() {
            if let (Some(name), Some(level)) = (self.name(id), self.level(id)) {
                let _ = writeln!(
                    out,
                    "id {id}: {}, level is {}",
                    name.to_string_lossy(),
                    level_name(level)
                );
            }
        }
        out.into_bytes()
    }

    /// `rte_log_list_types` text: each named type, sorted by name (bytewise), after `prefix`.
    pub(crate) fn list_types(&self, prefix: &[u8]) -> Vec<u8> {
        let mut names: Vec<&CStr> = (0..self.len()).filter_map(|id| self.name(id)).collect();
        names.sort_unstable();
        let mut out = Vec::new();
        for n in names {
            out.extend_from_slice(prefix);
            out.extend_from_slice(n.to_bytes());
            out.push(b'\n');
        }
        out
    }
}

fn check_level(level: u32) -> Result<()> {
    if level > RTE_LOG_MAX {
        return Err(Error::new(
            libc::EINVAL,
            format!("log level {level} is out of range (1..={RTE_LOG_MAX})"),
        ));
    }
    Ok(())
}

fn glob_matches(pattern: &CStr, name: &CStr) -> bool {
    crate::sys::fnmatch(pattern, name)
}

pub(crate) use crate::sys::PosixRegex;

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

/// The process's log type table.
pub(crate) fn registry() -> &'static Registry {
    &REGISTRY
}

fn c_name(s: &str, what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::new(libc::EINVAL, format!("{what} contains a NUL byte")))
}

/// Registers a dynamic log type at INFO (`rte_log_register`); an existing name returns its id.
pub fn register(name: &str) -> Result<u32> {
    registry().register(&c_name(name, "log type name")?)
}

/// Registers a log type whose level comes from the saved `--log-level` options, else
/// `level_def` (`rte_log_register_type_and_pick_level`).
pub fn register_type_and_pick_level(name: &str, level_def: u32) -> Result<u32> {
    registry().register_and_pick(&c_name(name, "log type name")?, level_def)
}

/// Sets the global level (stored unchecked, as DPDK).
pub fn set_global_level(level: u32) {
    registry().set_global_level(level);
}

/// The global level.
pub fn global_level() -> u32 {
    registry().global_level()
}

/// The level of `logtype`, `None` when no such type exists.
pub fn level(logtype: u32) -> Option<u32> {
    registry().level(logtype as usize)
}

/// Sets the level of `logtype`.
pub fn set_level(logtype: u32, level: u32) -> Result<()> {
    registry().set_level(logtype as usize, level)
}

/// Sets every type whose name matches the glob `pattern`.
pub fn set_level_pattern(pattern: &str, level: u32) -> Result<()> {
    registry().set_level_pattern(&c_name(pattern, "pattern")?, level)
}

/// Sets every type whose name matches the POSIX basic regex `regex`.
pub fn set_level_regexp(regex: &str, level: u32) -> Result<()> {
    registry().set_level_regexp(&c_name(regex, "regular expression")?, level)
}

/// Whether a message of `logtype` at `level` would be written.
pub fn can_log(logtype: u32, level: u32) -> bool {
    registry().can_log(logtype as usize, level)
}

/// Applies `rte_eal_init`'s `--log-level` options in order, as DPDK: a bare level sets the
/// global level; a glob or regex sets the matching registered types and is remembered for types
/// registered later with [`register_type_and_pick_level`].
pub fn apply_args(args: &[LogLevelArg]) -> Result<()> {
    let r = registry();
    for arg in args {
        match arg {
            LogLevelArg::Global(level) => r.set_global_level(*level),
            LogLevelArg::Pattern(pattern, level) => {
                let p = c_name(pattern, "--log-level pattern")?;
                r.set_level_pattern(&p, *level).map_err(|e| {
                    Error::new(
                        e.errno,
                        format!("cannot set log level {pattern}:{level}: {e}"),
                    )
                })?;
                r.save_pattern(&p, *level);
            }
            LogLevelArg::Regexp(regex, level) => {
                let re = c_name(regex, "--log-level regular expression")?;
                r.set_level_regexp(&re, *level).map_err(|e| {
                    Error::new(
                        e.errno,
                        format!("cannot set log level {regex},{level}: {e}"),
                    )
                })?;
                r.save_regexp(&re, *level)?;
            }
        }
    }
    Ok(())
}

/// The text `--log-level=help` prints (on stdout, before `rte_eal_init` exits 0), as DPDK
/// 22.11: the registered type names, the option syntax and the level names.
pub fn help_text() -> String {
    let mut s = String::from(
        "Log type is a pattern matching items of this list (plugins may be missing):\n",
    );
    s.push_str(&String::from_utf8_lossy(&registry().list_types(b"\t")));
    s.push_str(concat!(
        "\n",
        "Syntax using globbing pattern:     --log-level pattern:level\n",
        "Syntax using regular expression:   --log-level regexp,level\n",
        "Syntax for the global level:       --log-level level\n",
        "Logs are emitted if allowed by both global and specific levels.\n",
        "\n",
        "Log level can be a number or the first letters of its name:\n",
    ));
    for (level, name) in (RTE_LOG_EMERG..=RTE_LOG_DEBUG).zip(crate::options::LOG_LEVEL_NAMES) {
        let _ = writeln!(s, "\t{level}   {name}");
    }
    s
}

/// Serialises the unit tests (here and in `output`) that use the process-wide table.
#[cfg(test)]
pub(crate) static TEST_LOCK: Mutex<()> = Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    fn text(v: Vec<u8>) -> String {
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn static_types_have_dpdk_names_and_start_at_info() {
        let r = Registry::new();
        assert_eq!(r.len(), 32);
        assert_eq!(r.global_level(), RTE_LOG_DEBUG);
        assert_eq!(r.name(0), Some(c"lib.eal"));
        assert_eq!(r.name(5), Some(c"pmd"));
        assert_eq!(r.name(20), Some(c"lib.gso"));
        assert_eq!(r.name(31), Some(c"user8"));
        for id in 0..32 {
            let reserved = (21..=23).contains(&id);
            assert_eq!(
                r.level(id),
                Some(if reserved { 0 } else { RTE_LOG_INFO }),
                "id {id}"
            );
            assert_eq!(r.name(id).is_none(), reserved, "id {id}");
        }
        assert_eq!(r.level(32), None);
    }

    #[test]
    fn register_gives_new_ids_from_32_and_returns_existing_id_for_a_known_name() {
        let r = Registry::new();
        assert_eq!(r.register(c"my.a").unwrap(), 32);
        assert_eq!(r.register(c"my.b").unwrap(), 33);
        assert_eq!(r.register(c"my.a").unwrap(), 32);
        assert_eq!(r.register(c"lib.eal").unwrap(), 0);
        assert_eq!(r.level(33), Some(RTE_LOG_INFO));
        r.set_level(32, RTE_LOG_ALERT).unwrap();
        assert_eq!(r.register_and_pick(c"my.a", RTE_LOG_DEBUG).unwrap(), 32);
        assert_eq!(
            r.level(32),
            Some(RTE_LOG_ALERT),
            "re-registration keeps the level"
        );
    }

    #[test]
    fn register_and_pick_stores_the_default_unchecked() {
        let r = Registry::new();
        let id = r.register_and_pick(c"odd", 100).unwrap() as usize;
        assert_eq!(r.level(id), Some(100));
        assert!(text(r.dump()).contains(&format!("id {id}: odd, level is unknown\n")));
    }

    #[test]
    fn set_level_rejects_unknown_types_and_levels_above_debug() {
        let r = Registry::new();
        assert_eq!(
            r.set_level(32, RTE_LOG_ERR).unwrap_err().errno,
            libc::EINVAL
        );
        assert_eq!(r.set_level(0, 9).unwrap_err().errno, libc::EINVAL);
        r.set_level(0, 0).unwrap();
        assert_eq!(r.level(0), Some(0));
        r.set_level(22, RTE_LOG_WARNING).unwrap();
        assert_eq!(
            r.level(22),
            Some(RTE_LOG_WARNING),
            "reserved ids accept a level"
        );
    }

    #[test]
    fn a_message_needs_both_global_and_type_level() {
        let r = Registry::new();
        assert!(r.can_log(0, RTE_LOG_INFO));
        assert!(!r.can_log(0, RTE_LOG_DEBUG), "type level INFO blocks DEBUG");
        r.set_level(0, RTE_LOG_DEBUG).unwrap();
        assert!(r.can_log(0, RTE_LOG_DEBUG));
        r.set_global_level(RTE_LOG_ERR);
        assert!(!r.can_log(0, RTE_LOG_WARNING), "global ERR blocks WARNING");
        assert!(r.can_log(0, RTE_LOG_ERR));
        assert!(!r.can_log(99, RTE_LOG_EMERG), "unknown type");
        assert!(
            r.can_log(21, 0),
            "level 0 passes a reserved type at level 0"
        );
        assert!(!r.can_log(21, 1));
        r.set_global_level(100);
        assert_eq!(
            r.global_level(),
            100,
            "the global level is stored unchecked"
        );
    }

    #[test]
    fn glob_pattern_sets_matching_named_types() {
        let r = Registry::new();
        let a = r.register(c"pmd.net.a").unwrap() as usize;
        let b = r.register(c"pmd.net.b").unwrap() as usize;
        let x = r.register(c"pmd.crypto.x").unwrap() as usize;
        r.set_level_pattern(c"pmd.net.*", RTE_LOG_DEBUG).unwrap();
        assert_eq!(
            (r.level(a), r.level(b), r.level(x)),
            (Some(8), Some(8), Some(7))
        );
        r.set_level_pattern(c"pmd.net.?", RTE_LOG_ERR).unwrap();
        assert_eq!(r.level(a), Some(RTE_LOG_ERR));
        assert_eq!(r.level(5), Some(RTE_LOG_INFO), "pmd itself is not matched");
        r.set_level_pattern(c"[", RTE_LOG_ERR).unwrap();
        assert_eq!(
            r.set_level_pattern(c"*", 9).unwrap_err().errno,
            libc::EINVAL
        );
        assert_eq!(
            r.level(x),
            Some(RTE_LOG_INFO),
            "a bad level changes nothing"
        );
    }

    #[test]
    fn regexp_is_posix_basic_and_unanchored() {
        let r = Registry::new();
        let abc = r.register(c"abc").unwrap() as usize;
        r.set_level_regexp(c"^ab+c$", RTE_LOG_WARNING).unwrap();
        assert_eq!(
            r.level(abc),
            Some(RTE_LOG_INFO),
            "'+' is literal in a basic regex"
        );
        r.set_level_regexp(c"^ab\\+c$", RTE_LOG_WARNING).unwrap();
        assert_eq!(r.level(abc), Some(RTE_LOG_WARNING), "GNU '\\+' repeats");
        r.set_level_regexp(c"a|b", RTE_LOG_ERR).unwrap();
        assert_eq!(r.level(abc), Some(RTE_LOG_WARNING), "'|' is literal");
        r.set_level_regexp(c"zz\\|bc", RTE_LOG_ERR).unwrap();
        assert_eq!(r.level(abc), Some(RTE_LOG_ERR), "GNU '\\|' alternates");
        r.set_level_regexp(c"b", RTE_LOG_CRIT).unwrap();
        assert_eq!(
            r.level(abc),
            Some(RTE_LOG_CRIT),
            "search, not whole-name match"
        );
        assert_eq!(r.level(0), Some(RTE_LOG_CRIT), "lib.eal contains a b");
        r.set_level_regexp(c"ab(c", RTE_LOG_CRIT).unwrap();
        assert_eq!(
            r.set_level_regexp(c"ab\\(c", 4).unwrap_err().errno,
            libc::EINVAL
        );
        assert_eq!(r.set_level_regexp(c"b", 9).unwrap_err().errno, libc::EINVAL);
    }

    #[test]
    fn direct_pattern_calls_are_not_remembered() {
        let r = Registry::new();
        r.set_level_pattern(c"later.*", RTE_LOG_DEBUG).unwrap();
        let id = r.register_and_pick(c"later.x", RTE_LOG_ERR).unwrap() as usize;
        assert_eq!(r.level(id), Some(RTE_LOG_ERR));
    }

    #[test]
    fn saved_options_pick_the_level_and_the_first_given_wins() {
        let r = Registry::new();
        r.save_pattern(c"qq.*", RTE_LOG_DEBUG);
        r.save_pattern(c"qq.*", RTE_LOG_ERR);
        r.save_regexp(c"^rr", RTE_LOG_NOTICE).unwrap();
        r.save_regexp(c"rr.x", RTE_LOG_ALERT).unwrap();
        let q = r.register_and_pick(c"qq.b", RTE_LOG_INFO).unwrap() as usize;
        let x = r.register_and_pick(c"rr.x", RTE_LOG_INFO).unwrap() as usize;
        let o = r.register_and_pick(c"other", RTE_LOG_WARNING).unwrap() as usize;
        assert_eq!(r.level(q), Some(RTE_LOG_DEBUG));
        assert_eq!(r.level(x), Some(RTE_LOG_NOTICE));
        assert_eq!(r.level(o), Some(RTE_LOG_WARNING));
        let plain = r.register(c"qq.plain").unwrap() as usize;
        assert_eq!(
            r.level(plain),
            Some(RTE_LOG_INFO),
            "rte_log_register does not pick"
        );
        assert!(r.save_regexp(c"\\(", 4).is_err());
    }

    #[test]
    fn dump_lists_named_types_in_id_order() {
        let r = Registry::new();
        r.register(c"zz.dump").unwrap();
        let d = text(r.dump());
        let lines: Vec<&str> = d.lines().collect();
        assert_eq!(lines[0], "global log level is debug");
        assert_eq!(lines[1], "id 0: lib.eal, level is info");
        assert_eq!(lines[21], "id 20: lib.gso, level is info");
        assert_eq!(lines[22], "id 24: user1, level is info");
        assert_eq!(*lines.last().unwrap(), "id 32: zz.dump, level is info");
        assert_eq!(lines.len(), 1 + 29 + 1);
    }

    #[test]
    fn list_types_is_sorted_bytewise_with_prefix() {
        let r = Registry::new();
        r.register(c"alpha").unwrap();
        r.register(c"Zeta").unwrap();
        let l = text(r.list_types(b"> "));
        let lines: Vec<&str> = l.lines().collect();
        assert_eq!(lines[0], "> Zeta");
        assert_eq!(lines[1], "> alpha");
        assert_eq!(lines[2], "> lib.acl");
        assert_eq!(*lines.last().unwrap(), "> user8");
        assert_eq!(lines.len(), 31);
    }

    #[test]
    fn level_names_and_log_crate_mapping() {
        assert_eq!(level_name(0), "disabled");
        assert_eq!(level_name(RTE_LOG_CRIT), "critical");
        assert_eq!(level_name(RTE_LOG_ERR), "error");
        assert_eq!(level_name(9), "unknown");
        assert_eq!(to_log_level(RTE_LOG_EMERG), log::Level::Error);
        assert_eq!(to_log_level(RTE_LOG_WARNING), log::Level::Warn);
        assert_eq!(to_log_level(RTE_LOG_NOTICE), log::Level::Info);
        assert_eq!(to_log_level(RTE_LOG_DEBUG), log::Level::Debug);
    }

    #[test]
    fn registration_from_many_threads_gives_one_id_per_name() {
        let r = std::sync::Arc::new(Registry::new());
        let ids: Vec<Vec<u32>> = (0..8)
            .map(|_| {
                let r = r.clone();
                std::thread::spawn(move || {
                    (0..300)
                        .map(|i| r.register(&c(&format!("t.{i}"))).unwrap())
                        .collect()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        assert!(
            ids.windows(2).all(|w| w[0] == w[1]),
            "every thread sees the same ids"
        );
        assert_eq!(
            r.len(),
            32 + 300,
            "the table grew past one chunk without duplicates"
        );
        for (i, &id) in ids[0].iter().enumerate() {
            assert_eq!(r.name(id as usize), Some(c(&format!("t.{i}")).as_c_str()));
        }
    }

    #[test]
    fn apply_args_sets_existing_types_and_remembers_for_later_ones() {
        let _g = TEST_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let before = register("aa.exists").unwrap();
        apply_args(&[
            LogLevelArg::Pattern("aa.*".into(), RTE_LOG_DEBUG),
            LogLevelArg::Pattern("aa.*".into(), RTE_LOG_ERR),
            LogLevelArg::Regexp("^ab\\.".into(), RTE_LOG_NOTICE),
        ])
        .unwrap();
        assert_eq!(
            level(before),
            Some(RTE_LOG_ERR),
            "applied in order to existing types"
        );
        let later = register_type_and_pick_level("aa.later", RTE_LOG_INFO).unwrap();
        assert_eq!(
            level(later),
            Some(RTE_LOG_DEBUG),
            "first given option wins when picking"
        );
        let ab = register_type_and_pick_level("ab.x", RTE_LOG_INFO).unwrap();
        assert_eq!(level(ab), Some(RTE_LOG_NOTICE));
        let g = global_level();
        apply_args(&[LogLevelArg::Global(RTE_LOG_WARNING)]).unwrap();
        assert_eq!(global_level(), RTE_LOG_WARNING);
        set_global_level(g);
        let e = apply_args(&[LogLevelArg::Regexp("\\(".into(), 4)]).unwrap_err();
        assert_eq!(e.errno, libc::EINVAL);
        assert!(apply_args(&[LogLevelArg::Pattern("x".into(), 9)]).is_err());
    }

    #[test]
    fn help_text_lists_types_syntax_and_levels() {
        let h = help_text();
        assert!(h.starts_with(
            "Log type is a pattern matching items of this list (plugins may be missing):\n\t"
        ));
        assert!(h.contains("\tlib.acl\n\tlib.cryptodev\n"));
        assert!(h.contains("\n\nSyntax using globbing pattern:     --log-level pattern:level\n"));
        assert!(h.ends_with("\t7   info\n\t8   debug\n"));
    }
}
