//! EAL command-line options, parsed into an immutable [`EalConfig`] (STUB interface).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::errno::Result;

/// Largest number of lcores (RTE_MAX_LCORE).
pub const RTE_MAX_LCORE: usize = 128;
/// Largest number of NUMA nodes (RTE_MAX_NUMA_NODES).
pub const RTE_MAX_NUMA_NODES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcType { Auto, Primary, Secondary }

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IovaMode { Dc, Pa, Va }

/// `--huge-unlink`: when page files are removed from hugetlbfs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HugeUnlink { Existing, Always, Never }

/// One `--log-level` argument, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogLevelArg {
    Global(u32),
    /// `<pattern>:<level>` (glob, as `rte_log_set_level_pattern`).
    Pattern(String, u32),
    /// `<regex>,<level>` (as `rte_log_set_level_regexp`).
    Regexp(String, u32),
}

/// Everything `rte_eal_init` was asked for. Built once by [`parse`], never changed afterwards.
#[derive(Debug, Clone)]
pub struct EalConfig {
    pub prgname: String,
    /// lcore id -> the CPUs its thread may run on.
    pub lcores: BTreeMap<u32, Vec<usize>>,
    pub main_lcore: u32,
    pub nchannel: u32,
    pub nrank: u32,
    /// `-m`, bytes (0: not given).
    pub memory: u64,
    /// `--socket-mem`, bytes per socket (empty: not given).
    pub socket_mem: Vec<u64>,
    /// `--socket-limit`, bytes per socket (empty: not given; 0 means no limit on that socket).
    pub socket_limit: Vec<u64>,
    pub no_huge: bool,
    pub in_memory: bool,
    pub legacy_mem: bool,
    pub single_file_segments: bool,
    pub huge_dir: Option<PathBuf>,
    pub huge_unlink: HugeUnlink,
    pub file_prefix: String,
    pub proc_type: ProcType,
    pub base_virtaddr: Option<u64>,
    pub iova_mode: IovaMode,
    pub no_shconf: bool,
    pub match_allocations: bool,
    /// `--huge-worker-stack[=KiB]`: Some(0) means the system's default size.
    pub huge_worker_stack: Option<u64>,
    pub log_levels: Vec<LogLevelArg>,
    /// `-d`: driver/handler shared objects or directories, in order.
    pub plugins: Vec<PathBuf>,
    pub show_version: bool,
    pub no_telemetry: bool,
}

/// Parses `args` (args[0] is the program name). Returns the config and the number of
/// arguments consumed, as `rte_eal_init` returns it.
pub fn parse(args: &[String]) -> Result<(EalConfig, usize)> {
    let _ = args;
    Err(crate::err!(libc::ENOTSUP, "options::parse is not written yet"))
}
