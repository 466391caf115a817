//! EAL command-line options, parsed into an immutable [`EalConfig`].
//!
//! This is DPDK 22.11's `rte_eal_init` argument handling: the same options, the same GNU
//! `getopt_long` scan (short clusters, `--name=value`, unique prefixes of long names, argv
//! permutation, `--`; see [`getopt`]), the same lcore syntaxes (see [`lcores`]), and the same
//! checks and conflicts, each verified against the real library. DPDK scans the arguments
//! twice, and so do we: a first pass applies `--log-level` options (and shows the log help for
//! `--log-level=help`) before anything else is looked at; it stops quietly at the first
//! unknown option or bad level, and a bad level does not fail init. The second pass reads every
//! option in order and fails on the first bad one; `-h` ends it at once (DPDK prints its usage
//! and exits 0 there).
//!
//! Options for things rtemem does not have (PCI and other buses, devices, telemetry,
//! tracing) are checked as DPDK checks them, then listed in
//! [`EalConfig::ignored`] with the reason, so that `rte_eal_init` can log each one.
//!
//! Where rtemem deliberately differs from DPDK: a `--file-prefix` holding `/` or equal to
//! `.`/`..` is refused (it would put the runtime directory outside `/var/run/dpdk`); `-m`,
//! `-n` and `-r` values that do not fit an `int` are refused instead of wrapping; more
//! `--socket-mem`/`--socket-limit` values than RTE_MAX_NUMA_NODES are refused instead of being
//! dropped; megabyte counts whose byte size overflows 64 bits are refused.
//!
//! Parsing has no side effects; the machine's CPUs are an input ([`Machine`]) so that tests do
//! not depend on the host.

mod getopt;
mod lcores;
pub(crate) mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::abi::dev::{RTE_DEVTYPE_ALLOWED, RTE_DEVTYPE_BLOCKED, RTE_DEVTYPE_VIRTUAL};
use crate::error::{Error, Result};
use getopt::{Event, Getopt, HasArg, LongOpt, Opt};
pub(crate) use lcores::coremask_indexes;
pub use lcores::Machine;
use values::str_to_size;

/// Largest number of lcores (RTE_MAX_LCORE).
pub const RTE_MAX_LCORE: usize = 128;
/// Largest number of NUMA nodes (RTE_MAX_NUMA_NODES).
pub const RTE_MAX_NUMA_NODES: usize = 32;

/// Highest log level (RTE_LOG_MAX = RTE_LOG_DEBUG).
const LOG_MAX: u32 = 8;
/// Level names as DPDK prints them, level 1 first; a level may be given as any prefix.
pub(crate) const LOG_LEVEL_NAMES: [&str; 8] = [
    "emergency",
    "alert",
    "critical",
    "error",
    "warning",
    "notice",
    "info",
    "debug",
];
/// The file prefix when `--file-prefix` is not given.
pub const DEFAULT_FILE_PREFIX: &str = "rte";
/// `RTE_VECT_SIMD_DISABLED` and `RTE_VECT_SIMD_MAX` (rte_vect.h).
const SIMD_DISABLED: u64 = 64;
const SIMD_MAX: u64 = 32768;
/// DPDK's limit on the length of a `--socket-mem` value (SOCKET_MEM_STRLEN).
const SOCKET_MEM_STRLEN: usize = RTE_MAX_NUMA_NODES * 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcType {
    /// `--proc-type auto`: primary unless a primary already runs with this file prefix;
    /// `rte_eal_init` resolves it once it can look at the runtime directory.
    Auto,
    Primary,
    Secondary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IovaMode {
    /// Not forced: the EAL chooses.
    Dc,
    Pa,
    Va,
}

/// `--trace-mode`: what a thread's full trace buffer does with new events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceMode {
    /// Wraps: new events overwrite the oldest.
    Overwrite,
    /// Takes no more events.
    Discard,
}

/// `--huge-unlink`: when page files are removed from hugetlbfs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HugeUnlink {
    /// The default: stale files from an earlier run are removed, ours stay while mapped.
    Existing,
    /// Files are removed right after they are mapped (also implied by `--in-memory`).
    Always,
    /// Nothing is removed, not even stale files.
    Never,
}

/// One `--log-level` argument, in the order given. Levels are 1..=8 (RTE_LOG_EMERG..DEBUG).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogLevelArg {
    Global(u32),
    /// `<pattern>:<level>` (glob, as `rte_log_set_level_pattern`).
    Pattern(String, u32),
    /// `<regex>,<level>` (as `rte_log_set_level_regexp`).
    Regexp(String, u32),
}

/// Everything `rte_eal_init` was asked for. Built once by [`parse`], never changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EalConfig {
    pub prgname: String,
    /// lcore id -> the CPUs its thread may run on (sorted).
    pub lcores: BTreeMap<u32, Vec<usize>>,
    /// lcore id -> its index (`rte_lcore_index`): the order in which the option named it.
    /// Without a core option, the lcore's rank among the present CPUs (gaps stay where a CPU
    /// is outside this thread's affinity, as in DPDK).
    pub lcore_index: BTreeMap<u32, u32>,
    pub main_lcore: u32,
    /// `-s`/`-S`: the service lcores `rte_eal_init` sets up (never the main lcore).
    pub service_lcores: BTreeSet<u32>,
    pub nchannel: u32,
    pub nrank: u32,
    /// `-m`, bytes (0: not given, or given as 0). Not the sum of `--socket-mem`.
    pub memory: u64,
    /// `-m` was given (DPDK's `mem_parsed`, also set by `-m 0`).
    pub memory_given: bool,
    /// `--socket-mem`, bytes per socket (empty: not given).
    pub socket_mem: Vec<u64>,
    /// `--socket-limit`, bytes per socket (empty: not given; 0 means no limit on that socket).
    pub socket_limit: Vec<u64>,
    pub no_huge: bool,
    pub in_memory: bool,
    /// Also set by `--no-huge`, which DPDK runs in legacy mode.
    pub legacy_mem: bool,
    pub single_file_segments: bool,
    pub huge_dir: Option<PathBuf>,
    pub huge_unlink: HugeUnlink,
    pub file_prefix: String,
    pub proc_type: ProcType,
    /// `--base-virtaddr`, rounded up to 16 MiB as DPDK does.
    pub base_virtaddr: Option<u64>,
    pub iova_mode: IovaMode,
    /// Also set by `--in-memory`.
    pub no_shconf: bool,
    pub match_allocations: bool,
    /// `--huge-worker-stack[=KiB]`, in KiB: Some(0) means the system's default thread stack size.
    pub huge_worker_stack: Option<u64>,
    /// `--log-level` arguments in order, as far as DPDK applies them (up to the first bad one).
    pub log_levels: Vec<LogLevelArg>,
    /// `-d`: driver/handler shared objects or directories, in order.
    pub plugins: Vec<PathBuf>,
    /// `-v`: log the version at CRIT level ("RTE Version: '...'"), then go on.
    pub show_version: bool,
    /// `-h`/`--help`: print [`usage`] to stdout and `exit(0)`; nothing else was parsed.
    pub show_help: bool,
    /// `--log-level=help`: print the log types and levels to stdout and `exit(0)`.
    pub show_log_help: bool,
    pub no_telemetry: bool,
    pub no_pci: bool,
    /// `-a`/`--allow`, `-b`/`--block` and `--vdev` arguments in command-line order, with their
    /// `enum rte_devtype` (ALLOWED, BLOCKED, VIRTUAL); init adds each to the devargs list.
    pub devices: Vec<(i32, String)>,
    /// `--vfio-intr`: `enum rte_intr_mode` (0 none, 1 legacy, 2 msi, 3 msix).
    pub vfio_intr_mode: u32,
    /// `--vfio-vf-token`: the VF token UUID's 16 bytes (all zero: none).
    pub vfio_vf_token: [u8; 16],
    /// `--mbuf-pool-ops-name` (what `rte_eal_mbuf_user_pool_ops` returns).
    pub mbuf_pool_ops_name: Option<String>,
    /// `--create-uio-dev` (what `rte_eal_create_uio_dev` returns: the PCI bus driver then
    /// creates `/dev/uioN` nodes itself).
    pub create_uio_dev: bool,
    /// `--force-max-simd-bitwidth` (what `rte_vect_get_max_simd_bitwidth` returns, forced).
    pub max_simd_bitwidth: Option<u16>,
    /// `--syslog <facility>`.
    pub syslog_facility: Option<String>,
    /// `--trace`: regular expressions naming the trace points to enable at init, in order.
    pub trace_patterns: Vec<String>,
    /// `--trace-dir`: where traces are saved. As in DPDK, each value gets a `/` and repeated
    /// options are concatenated.
    pub trace_dir: Option<String>,
    /// `--trace-bufsz`: bytes of each thread's trace buffer.
    pub trace_bufsz: Option<u32>,
    /// `--trace-mode`.
    pub trace_mode: Option<TraceMode>,
    /// Accepted options rtemem does nothing with, one sentence each: log each at NOTICE.
    pub ignored: Vec<String>,
    /// Problems DPDK reports but does not fail on (bad log level, `-m abc`): log at WARNING.
    pub warnings: Vec<String>,
}

impl EalConfig {
    fn new(prgname: &str) -> EalConfig {
        EalConfig {
            prgname: prgname.to_string(),
            lcores: BTreeMap::new(),
            lcore_index: BTreeMap::new(),
            main_lcore: 0,
            service_lcores: BTreeSet::new(),
            nchannel: 0,
            nrank: 0,
            memory: 0,
            memory_given: false,
            socket_mem: Vec::new(),
            socket_limit: Vec::new(),
            no_huge: false,
            in_memory: false,
            legacy_mem: false,
            single_file_segments: false,
            huge_dir: None,
            huge_unlink: HugeUnlink::Existing,
            file_prefix: DEFAULT_FILE_PREFIX.to_string(),
            proc_type: ProcType::Primary,
            base_virtaddr: None,
            iova_mode: IovaMode::Dc,
            no_shconf: false,
            match_allocations: false,
            huge_worker_stack: None,
            log_levels: Vec::new(),
            plugins: Vec::new(),
            show_version: false,
            show_help: false,
            show_log_help: false,
            no_telemetry: false,
            no_pci: false,
            devices: Vec::new(),
            vfio_intr_mode: 0,
            vfio_vf_token: [0; 16],
            mbuf_pool_ops_name: None,
            create_uio_dev: false,
            max_simd_bitwidth: None,
            syslog_facility: None,
            trace_patterns: Vec::new(),
            trace_dir: None,
            trace_bufsz: None,
            trace_mode: None,
            ignored: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// The result of [`parse`].
///
/// `rte_eal_init(argc, argv)` applies it to the C `argv` like this (DPDK 22.11 does the same):
/// 1. permute: the new `argv[k]` is the old `argv[order[k]]`, for every `k` in `0..argc`
///    (`order` is a permutation of `0..argc` with `order[0] == 0`): the options and their
///    values first, then `--` if there was one, then the non-option words in their order;
/// 2. write the program name (the old `argv[0]`) into `argv[consumed]`, overwriting what is
///    there (the `--`, or the last option word when there was neither `--` nor a non-option);
/// 3. return `consumed`, so the application does `argc -= ret; argv += ret` and sees its
///    program name followed by its own arguments. [`Parsed::final_order`] gives the result
///    of steps 1 and 2 as indices.
///
/// When `config.show_help` or `config.show_log_help` is set, parsing stopped there: print
/// the help and `exit(0)`, leaving argv alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub config: EalConfig,
    /// What `rte_eal_init` returns: getopt's final `optind` minus one (a `--` counts).
    pub consumed: usize,
    /// The permutation of argv indices (see above).
    pub order: Vec<usize>,
}

impl Parsed {
    /// `order` with the program name written at `consumed`: the argv indices the C array
    /// holds once `rte_eal_init` returns.
    pub fn final_order(&self) -> Vec<usize> {
        let mut v = self.order.clone();
        if let Some(slot) = v.get_mut(self.consumed) {
            *slot = 0;
        }
        v
    }
}

const SHORT_OPTS: &str = "a:b:c:d:hl:m:n:r:s:S:v";

macro_rules! longs {
    ($($name:literal $arg:ident),* $(,)?) => {
        &[$(LongOpt { name: $name, has_arg: HasArg::$arg }),*]
    };
}

/// DPDK 22.11's long options on Linux.
const LONG_OPTS: &[LongOpt] = longs![
    "base-virtaddr" Required, "create-uio-dev" No, "file-prefix" Required, "help" No,
    "huge-dir" Required, "huge-unlink" Optional, "huge-worker-stack" Optional,
    "iova-mode" Required, "lcores" Required, "log-level" Required, "trace" Required,
    "trace-dir" Required, "trace-bufsz" Required, "trace-mode" Required, "main-lcore" Required,
    "mbuf-pool-ops-name" Required, "no-hpet" No, "no-huge" No, "no-pci" No, "no-shconf" No,
    "in-memory" No, "block" Required, "allow" Required, "proc-type" Required,
    "socket-mem" Required, "socket-limit" Required, "syslog" Required, "vdev" Required,
    "vfio-intr" Required, "vfio-vf-token" Required, "vmware-tsc-map" No, "legacy-mem" No,
    "single-file-segments" No, "match-allocations" No, "telemetry" No, "no-telemetry" No,
    "force-max-simd-bitwidth" Required,
];

fn einval(msg: impl Into<String>) -> Error {
    Error::new(libc::EINVAL, msg)
}

/// Parses `args` (args[0] is the program name) against this machine's CPUs.
pub fn parse(args: &[String]) -> Result<Parsed> {
    parse_with(args, &Machine::detect())
}

/// Which core option set the lcores (DPDK's `core_parsed`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum CoreOpt {
    Mask,
    List,
    Map,
}

impl CoreOpt {
    fn name(self) -> &'static str {
        match self {
            CoreOpt::Mask => "-c",
            CoreOpt::List => "-l",
            CoreOpt::Map => "--lcores",
        }
    }
}

/// Parse state that is not part of the result.
struct State {
    core: Option<CoreOpt>,
    main_given: bool,
    allow_used: bool,
    block_used: bool,
    proc_type_bad: Option<String>,
    unlink_before_mapping: bool,
    unlink_existing: bool,
    socket_mem_given: bool,
    socket_limit_given: bool,
}

/// [`parse`] with the CPUs of `machine`.
pub fn parse_with(args: &[String], machine: &Machine) -> Result<Parsed> {
    let prgname = args
        .first()
        .ok_or_else(|| einval("argv is empty: no program name"))?;
    let mut cfg = EalConfig::new(prgname);
    let identity: Vec<usize> = (0..args.len()).collect();

    // Pass 1: log levels, as DPDK's eal_log_level_parse.
    let mut g = Getopt::new(args, SHORT_OPTS, LONG_OPTS);
    while let Some(ev) = g.next_event() {
        match ev {
            Event::Error(_) => break,
            Event::Opt(Opt::Long("log-level"), Some(v)) => {
                if v == "help" {
                    cfg.show_log_help = true;
                    return Ok(Parsed {
                        config: cfg,
                        consumed: 0,
                        order: identity,
                    });
                }
                match parse_log_level(&v) {
                    Ok((arg, warn)) => {
                        cfg.warnings.extend(warn);
                        cfg.log_levels.push(arg);
                    }
                    Err(e) => {
                        cfg.warnings.push(format!(
                            "{}; this and any later --log-level options are not applied",
                            e.msg
                        ));
                        break;
                    }
                }
            }
            Event::Opt(..) => {}
        }
    }

    // Pass 2: everything, in order.
    let mut st = State {
        core: None,
        main_given: false,
        allow_used: false,
        block_used: false,
        proc_type_bad: None,
        unlink_before_mapping: false,
        unlink_existing: true,
        socket_mem_given: false,
        socket_limit_given: false,
    };
    let mut g = Getopt::new(args, SHORT_OPTS, LONG_OPTS);
    while let Some(ev) = g.next_event() {
        let (opt, val) = match ev {
            Event::Error(m) => {
                return Err(einval(format!(
                    "{m} (run with --help for the list of options)"
                )))
            }
            Event::Opt(o, v) => (o, v),
        };
        let v = val.clone().unwrap_or_default();
        match opt {
            Opt::Short('h') | Opt::Long("help") => {
                cfg.show_help = true;
                return Ok(Parsed {
                    config: cfg,
                    consumed: 0,
                    order: identity,
                });
            }
            Opt::Long("log-level") => {} // pass 1 applied it
            _ => apply(&mut cfg, &mut st, machine, &opt, val.as_deref(), &v)?,
        }
    }
    let consumed = g.optind() - 1;
    let order = g.order().to_vec();

    finish(&mut cfg, &st, machine)?;
    Ok(Parsed {
        config: cfg,
        consumed,
        order,
    })
}

fn set_lcores(
    cfg: &mut EalConfig,
    st: &mut State,
    which: CoreOpt,
    set: lcores::LcoreSet,
) -> Result<()> {
    if let Some(prev) = st.core {
        return Err(einval(format!(
            "option {} is refused because {} was given before; give only one of -c, -l, --lcores",
            which.name(),
            prev.name()
        )));
    }
    st.core = Some(which);
    cfg.lcores = set
        .iter()
        .map(|(l, (_, cpus))| (*l, cpus.clone()))
        .collect();
    cfg.lcore_index = set.iter().map(|(l, (i, _))| (*l, *i)).collect();
    Ok(())
}

/// `--trace-mode`: any prefix of `overwrite` or `discard` (DPDK matches `<value>*` as a glob,
/// overwrite first).
fn trace_mode(v: &str) -> Result<TraceMode> {
    let bad = || {
        einval(format!(
            "--trace-mode {v}: expected overwrite or discard (o or d)"
        ))
    };
    if v.is_empty() {
        return Err(bad());
    }
    let pattern = std::ffi::CString::new(format!("{v}*")).map_err(|_| bad())?;
    if crate::sys::fnmatch(&pattern, c"overwrite") {
        Ok(TraceMode::Overwrite)
    } else if crate::sys::fnmatch(&pattern, c"discard") {
        Ok(TraceMode::Discard)
    } else {
        Err(bad())
    }
}

fn ignore(cfg: &mut EalConfig, what: String, why: &str) {
    cfg.ignored.push(format!("option {what} ignored: {why}"));
}

/// C's `atoi` for an option that must fit an `int`; text after the number is ignored as in
/// DPDK, with a warning.
fn atoi(cfg: &mut EalConfig, opt: &str, v: &str) -> Result<i64> {
    let n = values::c_strtoul(v, 10);
    let val = n
        .signed()
        .filter(|x| i32::try_from(*x).is_ok())
        .ok_or_else(|| einval(format!("{opt} {v}: number out of range")))?;
    if n.end != v.len() {
        cfg.warnings.push(format!(
            "{opt} {v}: read as {val} (DPDK reads the leading number only)"
        ));
    }
    Ok(val)
}

fn apply(
    cfg: &mut EalConfig,
    st: &mut State,
    m: &Machine,
    opt: &Opt,
    val: Option<&str>,
    v: &str,
) -> Result<()> {
    match *opt {
        Opt::Short('a') | Opt::Long("allow") => {
            if st.block_used {
                return Err(einval(
                    "options allow (-a) and block (-b) can't be used together",
                ));
            }
            st.allow_used = true;
            cfg.devices.push((RTE_DEVTYPE_ALLOWED, v.to_string()));
        }
        Opt::Short('b') | Opt::Long("block") => {
            if st.allow_used {
                return Err(einval(
                    "options allow (-a) and block (-b) can't be used together",
                ));
            }
            st.block_used = true;
            cfg.devices.push((RTE_DEVTYPE_BLOCKED, v.to_string()));
        }
        Opt::Short('c') => set_lcores(cfg, st, CoreOpt::Mask, lcores::parse_coremask(v, m)?)?,
        Opt::Short('l') => set_lcores(cfg, st, CoreOpt::List, lcores::parse_corelist(v, m)?)?,
        Opt::Long("lcores") => {
            set_lcores(cfg, st, CoreOpt::Map, lcores::parse_lcores_map(v, m)?)?;
        }
        Opt::Short('s') | Opt::Short('S') => {
            let main = st.main_given.then_some(cfg.main_lcore);
            let set = if *opt == Opt::Short('s') {
                lcores::parse_service_mask(v, m, main)?
            } else {
                lcores::parse_service_list(v, main)?
            };
            // As DPDK: service lcores get worker threads only if the core option names them
            // too; checked when that option came first.
            if st.core.is_some() && !set.iter().all(|l| cfg.lcores.contains_key(l)) {
                let (flag, are) = if *opt == Opt::Short('s') {
                    ("-s", "are")
                } else {
                    ("-S", "were")
                };
                cfg.warnings.push(format!(
                    "{flag} {v}: Not all service cores {are} in the coremask. Please ensure -c or -l includes service cores"
                ));
            }
            cfg.service_lcores.extend(set);
        }
        Opt::Long("main-lcore") => {
            let n = values::c_strtoul(v, 0);
            let id = n
                .signed()
                .filter(|_| n.end == v.len() || v.is_empty())
                .map(|x| x as u32)
                .filter(|&x| (x as usize) < RTE_MAX_LCORE)
                .ok_or_else(|| {
                    einval(format!(
                        "--main-lcore {v}: not an lcore id below RTE_MAX_LCORE (128)"
                    ))
                })?;
            if cfg.service_lcores.contains(&id) {
                return Err(einval(format!(
                    "--main-lcore {v}: lcore {id} is a service core"
                )));
            }
            cfg.main_lcore = id;
            st.main_given = true;
        }
        Opt::Short('m') => {
            let mb = atoi(cfg, "-m", v)?;
            let mb = u64::try_from(mb).map_err(|_| einval(format!("-m {v}: negative size")))?;
            cfg.memory = mb
                .checked_mul(1 << 20)
                .ok_or_else(|| einval(format!("-m {v}: too large")))?;
            cfg.memory_given = true;
        }
        Opt::Short('n') => {
            let n = atoi(cfg, "-n", v)?;
            cfg.nchannel = u32::try_from(n)
                .ok()
                .filter(|&n| n != 0)
                .ok_or_else(|| einval(format!("-n {v}: invalid number of memory channels")))?;
        }
        Opt::Short('r') => {
            let n = atoi(cfg, "-r", v)?;
            cfg.nrank = u32::try_from(n)
                .ok()
                .filter(|&n| (1..=16).contains(&n))
                .ok_or_else(|| einval(format!("-r {v}: the number of ranks must be 1 to 16")))?;
        }
        Opt::Short('d') => cfg.plugins.push(PathBuf::from(v)),
        Opt::Short('v') => cfg.show_version = true,
        Opt::Long("huge-unlink") => match val {
            None | Some("always") => st.unlink_before_mapping = true,
            Some("existing") => {}
            Some("never") => {
                cfg.warnings
                    .push("--huge-unlink=never may leave hugepage files behind".into());
                st.unlink_existing = false;
            }
            Some(x) => {
                return Err(einval(format!(
                    "--huge-unlink={x}: expected existing, always or never"
                )))
            }
        },
        Opt::Long("no-huge") => {
            cfg.no_huge = true;
            cfg.legacy_mem = true;
        }
        Opt::Long("no-pci") => cfg.no_pci = true,
        Opt::Long("no-hpet") => {}
        // As Debian's DPDK, built without RTE_LIBRTE_EAL_VMWARE_TSC_MAP_SUPPORT.
        Opt::Long("vmware-tsc-map") => cfg.warnings.push(
            "Ignoring --vmware-tsc-map because RTE_LIBRTE_EAL_VMWARE_TSC_MAP_SUPPORT is not set"
                .into(),
        ),
        Opt::Long("no-shconf") => cfg.no_shconf = true,
        Opt::Long("in-memory") => {
            cfg.in_memory = true;
            cfg.no_shconf = true;
            st.unlink_before_mapping = true;
        }
        Opt::Long("proc-type") => {
            // DPDK compares case-insensitively; a bad value fails only after the scan, and a
            // later good value replaces it.
            st.proc_type_bad = None;
            match v.to_ascii_lowercase().as_str() {
                "primary" => cfg.proc_type = ProcType::Primary,
                "secondary" => cfg.proc_type = ProcType::Secondary,
                "auto" => cfg.proc_type = ProcType::Auto,
                _ => st.proc_type_bad = Some(v.to_string()),
            }
        }
        Opt::Long("vdev") => cfg.devices.push((RTE_DEVTYPE_VIRTUAL, v.to_string())),
        Opt::Long("syslog") => {
            const FACILITIES: [&str; 19] = [
                "auth", "cron", "daemon", "ftp", "kern", "lpr", "mail", "news", "syslog", "user",
                "uucp", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
                "local7",
            ];
            if !FACILITIES.contains(&v) {
                return Err(einval(format!(
                    "--syslog {v}: unknown facility (e.g. daemon, local0)"
                )));
            }
            cfg.syslog_facility = Some(v.to_string());
        }
        Opt::Long("trace") => cfg.trace_patterns.push(v.to_string()),
        Opt::Long("trace-dir") => {
            let d = cfg.trace_dir.get_or_insert_with(String::new);
            d.push_str(v);
            d.push('/');
        }
        Opt::Long("trace-bufsz") => {
            // DPDK keeps the size in 32 bits (a larger one wraps there); rtemem refuses it.
            let n = str_to_size(v);
            if n == 0 {
                return Err(einval(format!(
                    "--trace-bufsz {v}: expected a size such as 2M (the buffer size cannot be zero)"
                )));
            }
            cfg.trace_bufsz = Some(u32::try_from(n).map_err(|_| {
                einval(format!("--trace-bufsz {v}: at most 4G-1 bytes per thread"))
            })?);
        }
        Opt::Long("trace-mode") => cfg.trace_mode = Some(trace_mode(v)?),
        Opt::Long("legacy-mem") => cfg.legacy_mem = true,
        Opt::Long("single-file-segments") => cfg.single_file_segments = true,
        Opt::Long("iova-mode") => {
            cfg.iova_mode = match v {
                "pa" => IovaMode::Pa,
                "va" => IovaMode::Va,
                _ => return Err(einval(format!("--iova-mode {v}: expected pa or va"))),
            }
        }
        Opt::Long("base-virtaddr") => {
            let n = values::c_strtoul(v, 16);
            let addr = n
                .unsigned()
                .filter(|_| !v.is_empty() && n.end == v.len())
                .ok_or_else(|| einval(format!("--base-virtaddr {v}: expected a hex address")))?;
            const ALIGN: u64 = 16 << 20;
            let aligned = addr
                .checked_add(ALIGN - 1)
                .map(|a| a & !(ALIGN - 1))
                .ok_or_else(|| einval(format!("--base-virtaddr {v}: too high")))?;
            cfg.base_virtaddr = Some(aligned);
        }
        Opt::Long("telemetry") => ignore(cfg, "--telemetry".into(), "rtemem has no telemetry"),
        Opt::Long("no-telemetry") => cfg.no_telemetry = true,
        Opt::Long("force-max-simd-bitwidth") => {
            let n = values::c_strtoul(v, 0);
            let bad = || {
                einval(format!(
                    "--force-max-simd-bitwidth {v}: expected a power of two from 64 to 32768, or 0"
                ))
            };
            let mut w = n
                .unsigned()
                .filter(|&w| !v.is_empty() && n.end == v.len() && w <= SIMD_MAX)
                .ok_or_else(bad)?;
            if w == 0 {
                w = SIMD_MAX;
            }
            if w < SIMD_DISABLED || !w.is_power_of_two() {
                return Err(bad());
            }
            cfg.max_simd_bitwidth = Some(w as u16);
        }
        Opt::Long("huge-dir") => cfg.huge_dir = Some(PathBuf::from(v)),
        Opt::Long("file-prefix") => cfg.file_prefix = v.to_string(),
        Opt::Long(name @ ("socket-mem" | "socket-limit")) => {
            let sizes = parse_socket_arg(name, v)?;
            if name == "socket-mem" {
                cfg.socket_mem = sizes;
                st.socket_mem_given = true;
            } else {
                cfg.socket_limit = sizes;
                st.socket_limit_given = true;
            }
        }
        Opt::Long("vfio-intr") => {
            cfg.vfio_intr_mode = match v {
                "legacy" => 1,
                "msi" => 2,
                "msix" => 3,
                _ => {
                    return Err(einval(format!(
                        "--vfio-intr {v}: expected legacy, msi or msix"
                    )))
                }
            };
        }
        Opt::Long("vfio-vf-token") => {
            cfg.vfio_vf_token = parse_uuid(v)
                .ok_or_else(|| einval(format!("--vfio-vf-token {v}: expected a UUID")))?;
        }
        Opt::Long("create-uio-dev") => cfg.create_uio_dev = true,
        Opt::Long("mbuf-pool-ops-name") => cfg.mbuf_pool_ops_name = Some(v.to_string()),
        Opt::Long("match-allocations") => cfg.match_allocations = true,
        Opt::Long("huge-worker-stack") => {
            cfg.huge_worker_stack = Some(match val {
                None | Some("") => 0,
                Some(x) => {
                    let n = values::c_strtoul(x, 10);
                    let kib = n
                        .unsigned()
                        .filter(|&k| k != 0 && k < u64::MAX / 1024)
                        .ok_or_else(|| {
                            einval(format!(
                                "--huge-worker-stack={x}: expected a size in KiB above 0"
                            ))
                        })?;
                    if n.end != x.len() {
                        cfg.warnings
                            .push(format!("--huge-worker-stack={x}: read as {kib} KiB"));
                    }
                    kib
                }
            });
        }
        _ => return Err(einval(format!("option {opt:?} is not supported on Linux"))),
    }
    Ok(())
}

/// A UUID in DPDK's `rte_uuid_parse` form (36 characters, 8-4-4-4-12 hex digits): its 16
/// bytes, in the order the digits are written.
fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let well_formed = s.len() == 36
        && s.bytes().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if !well_formed {
        return None;
    }
    let digits: Vec<u8> = s.bytes().filter(|&c| c != b'-').collect();
    let mut out = [0u8; 16];
    for (o, pair) in out.iter_mut().zip(digits.chunks(2)) {
        let hex = std::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(hex, 16).ok()?;
    }
    Some(out)
}

/// `--socket-mem`/`--socket-limit`: comma-separated megabyte counts, one per NUMA node.
fn parse_socket_arg(name: &str, v: &str) -> Result<Vec<u64>> {
    let bad = |why: &str| einval(format!("--{name} {v}: {why} (expected e.g. 1024,1024)"));
    if v.len() >= SOCKET_MEM_STRLEN {
        return Err(bad("too long"));
    }
    if !v.as_bytes().last().is_some_and(u8::is_ascii_digit) {
        return Err(bad("must end in a digit"));
    }
    let parts: Vec<&str> = v.split(',').collect();
    if parts.len() > RTE_MAX_NUMA_NODES {
        return Err(bad("more values than RTE_MAX_NUMA_NODES (32)"));
    }
    parts
        .iter()
        .map(|p| {
            let n = values::c_strtoul(p, 10);
            if p.is_empty() || n.end != p.len() {
                return Err(bad("not a list of numbers"));
            }
            n.unsigned()
                .and_then(|mb| mb.checked_mul(1 << 20))
                .ok_or_else(|| bad("size too large"))
        })
        .collect()
}

/// A log level: a prefix of its name or a number (C base prefixes); above 8 is lowered to 8.
fn parse_level(level: &str) -> std::result::Result<(u32, Option<String>), String> {
    if !level.is_empty() {
        if let Some(i) = LOG_LEVEL_NAMES.iter().position(|n| n.starts_with(level)) {
            return Ok((i as u32 + 1, None));
        }
    }
    let n = values::c_strtoul(level, 0);
    let v = n
        .unsigned()
        .filter(|&v| !level.is_empty() && n.end == level.len() && v < u64::from(u32::MAX))
        .and_then(|v| i32::try_from(v).ok())
        .filter(|&v| v > 0)
        .ok_or_else(|| {
            format!("invalid log level '{level}' (expected 1-8 or a level name such as debug)")
        })?;
    let v = v as u32;
    if v > LOG_MAX {
        return Ok((
            LOG_MAX,
            Some(format!(
                "log level {v} higher than the maximum ({LOG_MAX}); using {LOG_MAX}"
            )),
        ));
    }
    Ok((v, None))
}

/// One `--log-level` value: `level`, `pattern:level` (glob) or `regex,level`.
fn parse_log_level(v: &str) -> Result<(LogLevelArg, Option<String>)> {
    let wrap = |e: String| einval(format!("--log-level {v}: {e}"));
    if let Some((re, lvl)) = v.split_once(',') {
        let (l, w) = parse_level(lvl).map_err(wrap)?;
        Ok((LogLevelArg::Regexp(re.to_string(), l), w))
    } else if let Some((pat, lvl)) = v.split_once(':') {
        let (l, w) = parse_level(lvl).map_err(wrap)?;
        Ok((LogLevelArg::Pattern(pat.to_string(), l), w))
    } else {
        let (l, w) = parse_level(v).map_err(wrap)?;
        Ok((LogLevelArg::Global(l), w))
    }
}

/// After the scan: default lcores and main lcore, huge-unlink, then DPDK's consistency checks
/// (`eal_adjust_config`, `eal_check_common_options`) and ours on the file prefix.
fn finish(cfg: &mut EalConfig, st: &State, m: &Machine) -> Result<()> {
    if st.core.is_none() {
        // Every present CPU below RTE_MAX_LCORE is lcore <cpu>, minus those outside our
        // affinity; the index counts present CPUs.
        for (i, &cpu) in m.cpus.iter().filter(|&&c| c < RTE_MAX_LCORE).enumerate() {
            if m.affinity.contains(&cpu) {
                cfg.lcores.insert(cpu as u32, vec![cpu]);
                cfg.lcore_index.insert(cpu as u32, i as u32);
            }
        }
    }
    if !st.main_given {
        cfg.main_lcore = *cfg.lcores.keys().next().ok_or_else(|| {
            einval("no usable lcore: none of the present CPUs is in this thread's affinity mask")
        })?;
        // As DPDK: the default main lcore is never a service lcore.
        cfg.service_lcores.remove(&cfg.main_lcore);
    }
    cfg.huge_unlink = if st.unlink_before_mapping {
        HugeUnlink::Always
    } else if !st.unlink_existing {
        HugeUnlink::Never
    } else {
        HugeUnlink::Existing
    };

    if !cfg.lcores.contains_key(&cfg.main_lcore) {
        return Err(einval(format!(
            "main lcore {} is not one of the lcores in use ({:?}); pick --main-lcore from them",
            cfg.main_lcore,
            cfg.lcores.keys().collect::<Vec<_>>()
        )));
    }
    if let Some(p) = &st.proc_type_bad {
        return Err(einval(format!(
            "--proc-type {p}: expected primary, secondary or auto"
        )));
    }
    let prefix = cfg.file_prefix.as_str();
    if prefix.is_empty() {
        return Err(einval("--file-prefix is empty"));
    }
    if cfg
        .huge_dir
        .as_ref()
        .is_some_and(|d| d.as_os_str().is_empty())
    {
        return Err(einval("--huge-dir is empty"));
    }
    if cfg
        .mbuf_pool_ops_name
        .as_ref()
        .is_some_and(String::is_empty)
    {
        return Err(einval("--mbuf-pool-ops-name is empty"));
    }
    if prefix.contains('%') {
        return Err(einval(format!(
            "--file-prefix {prefix}: '%' is not allowed in a file prefix"
        )));
    }
    if prefix.contains('/') || prefix == "." || prefix == ".." {
        return Err(einval(format!(
            "--file-prefix {prefix}: a file prefix names one directory under the runtime \
             directory (/var/run/dpdk/<prefix>) and the start of hugepage file names, so it \
             may not contain '/' or be '.' or '..'; use a plain name"
        )));
    }
    let two = |a: &str, b: &str| einval(format!("options {a} and {b} cannot be used together"));
    if cfg.memory_given && st.socket_mem_given {
        return Err(two("-m", "--socket-mem"));
    }
    if cfg.no_huge && st.socket_mem_given {
        return Err(two("--socket-mem", "--no-huge"));
    }
    if cfg.no_huge && st.unlink_before_mapping && !cfg.in_memory {
        return Err(two("--huge-unlink", "--no-huge"));
    }
    if st.socket_limit_given && cfg.legacy_mem {
        cfg.warnings.push(
            "--socket-limit is only supported in non-legacy memory mode (--legacy-mem, --no-huge)"
                .into(),
        );
    }
    if cfg.single_file_segments && st.unlink_before_mapping && !cfg.in_memory {
        return Err(two("--single-file-segments", "--huge-unlink"));
    }
    if !st.unlink_existing && cfg.in_memory {
        return Err(two("--in-memory", "--huge-unlink=never"));
    }
    let legacy = if cfg.no_huge {
        "--legacy-mem (implied by --no-huge)"
    } else {
        "--legacy-mem"
    };
    if cfg.legacy_mem && cfg.in_memory {
        return Err(two(legacy, "--in-memory"));
    }
    if cfg.legacy_mem && cfg.match_allocations {
        return Err(two(legacy, "--match-allocations"));
    }
    if cfg.huge_worker_stack.is_some() && cfg.no_huge {
        return Err(two("--huge-worker-stack", "--no-huge"));
    }
    Ok(())
}

/// The usage text for `-h`/`--help`, in our own words.
pub fn usage(prgname: &str) -> String {
    format!(
        "\nUsage: {prgname} [EAL options] -- [application options]\n\n\
Lcores:\n\
  -c MASK               hexadecimal mask of lcores (bit N = lcore N on CPU N)\n\
  -l LIST               lcores as a list of numbers and ranges, e.g. 0-3,6\n\
  --lcores MAP          lcore sets mapped onto CPU sets, e.g. (0-3)@(0,1),4@2,5\n\
                        ('@cpus' may be left out when the CPUs equal the lcores)\n\
  --main-lcore ID       lcore that runs main() (default: the lowest lcore)\n\
  -s MASK, -S LIST      service lcores (hexadecimal mask or list); name them in -l/-c\n\
                        too so that they get a thread\n\
Memory:\n\
  -m MB                 memory to reserve at startup\n\
  --socket-mem MB,..    memory to reserve per NUMA node (not with -m)\n\
  --socket-limit MB,..  most memory to use per NUMA node (0: no limit)\n\
  -n N, -r N            memory channels and ranks (accepted, unused)\n\
  --no-huge             use ordinary anonymous memory instead of hugepages\n\
  --in-memory           keep nothing in files: no shared config, no secondaries\n\
  --legacy-mem          reserve all memory at startup, never return it\n\
  --single-file-segments  one hugetlbfs file per memory segment list\n\
  --match-allocations   free hugepages only exactly as they were allocated\n\
  --huge-dir DIR        hugetlbfs mount to use\n\
  --huge-unlink[=existing|always|never]\n\
                        when to remove hugepage files (default existing;\n\
                        no value means always)\n\
  --huge-worker-stack[=KiB]  give lcore threads stacks from hugepage memory\n\
  --base-virtaddr HEX   where to start reserving address space\n\
  --iova-mode pa|va     force the IO address mode\n\
Processes:\n\
  --file-prefix NAME    name of this DPDK instance (runtime dir, page files)\n\
  --proc-type primary|secondary|auto\n\
  --no-shconf           no shared config files (no secondaries)\n\
Logging and information:\n\
  --log-level LEVEL     global level: 1-8 or a name (error, info, debug, ...)\n\
  --log-level GLOB:LEVEL, --log-level REGEX,LEVEL  level of matching log types\n\
  --log-level help      list log types and levels\n\
  --syslog FACILITY     syslog facility\n\
  -d LIB.so|DIR         load a driver or every driver in a directory\n\
  -v                    log the version at startup\n\
  -h, --help            this text\n\
Devices:\n\
  -a, --allow DEV       probe only the named devices of DEV's bus (not with -b)\n\
  -b, --block DEV       do not probe DEV (not with -a)\n\
  --vdev DEV[,ARGS]     add a virtual device, e.g. --vdev net_null0\n\
  --no-pci              keep the PCI bus driver from scanning\n\
VFIO:\n\
  --vfio-intr legacy|msi|msix  interrupt mode for VFIO devices\n\
  --vfio-vf-token UUID  VF token shared between an SR-IOV PF and its VFs\n\
Tracing:\n\
  --trace REGEX, --trace-dir DIR, --trace-bufsz SIZE, --trace-mode overwrite|discard\n\
Read by drivers, or accepted for compatibility (rtemem has no telemetry):\n\
  --no-hpet, --vmware-tsc-map, --create-uio-dev, --telemetry, --no-telemetry,\n\
  --mbuf-pool-ops-name NAME,\n\
  --force-max-simd-bitwidth N\n\n\
Long options may be shortened to any unambiguous prefix; '--' ends the EAL options.\n"
    )
}

#[cfg(test)]
mod tests;
