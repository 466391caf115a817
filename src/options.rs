//! EAL command-line options, parsed into an immutable [`EalConfig`] (STUB interface).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::errno::Result;

/// Largest number of lcores (RTE_MAX_LCORE).
pub const RTE_MAX_LCORE: usize = 128;
/// Largest number of NUMA nodes (RTE_MAX_NUMA_NODES).
pub const RTE_MAX_NUMA_NODES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcType {
    Auto,
    Primary,
    Secondary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IovaMode {
    Dc,
    Pa,
    Va,
}

/// `--huge-unlink`: when page files are removed from hugetlbfs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HugeUnlink {
    Existing,
    Always,
    Never,
}

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

/// Result of parsing (STUB until the options work lands).
pub struct Parsed {
    pub config: EalConfig,
    pub consumed: usize,
    pub order: Vec<usize>,
}

/// STUB parser: understands only what the lead needs to test init.
pub fn parse(args: &[String]) -> Result<Parsed> {
    let mut c = EalConfig {
        prgname: args.first().cloned().unwrap_or_default(),
        lcores: BTreeMap::from([(0, vec![0])]),
        main_lcore: 0,
        nchannel: 0,
        nrank: 0,
        memory: 0,
        socket_mem: vec![],
        socket_limit: vec![],
        no_huge: false,
        in_memory: false,
        legacy_mem: false,
        single_file_segments: false,
        huge_dir: None,
        huge_unlink: HugeUnlink::Existing,
        file_prefix: "rte".into(),
        proc_type: ProcType::Primary,
        base_virtaddr: None,
        iova_mode: IovaMode::Dc,
        no_shconf: false,
        match_allocations: false,
        huge_worker_stack: None,
        log_levels: vec![],
        plugins: vec![],
        show_version: false,
        no_telemetry: false,
    };
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--file-prefix" => {
                i += 1;
                c.file_prefix = args[i].clone();
            }
            "--no-huge" => c.no_huge = true,
            "--no-shconf" => c.no_shconf = true,
            "--in-memory" => {
                c.in_memory = true;
                c.no_shconf = true;
            }
            "--proc-type" => {
                i += 1;
                c.proc_type = match args[i].as_str() {
                    "secondary" => ProcType::Secondary,
                    "auto" => ProcType::Auto,
                    _ => ProcType::Primary,
                };
            }
            "--" => {
                i += 1;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(Parsed {
        config: c,
        consumed: i - 1,
        order: (0..args.len()).collect(),
    })
}
