//! EAL init and cleanup: runs the layers in order and records the result.
//!
//! `rte_eal_init` parses the options, then brings up (in order) logging, the runtime dir, the
//! shared config with its tailq heads, lcores and memory. The parsed [`EalConfig`] and the
//! decisions init made ([`EalState`]) are kept for the process lifetime and read by every layer.
//!
//! Like DPDK, init runs at most once per process: a second call fails with EALREADY, except
//! that a call that failed early (bad arguments, no hugepages) may be retried. Cleanup runs at
//! most once too, and undoes what init did in reverse order.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::base::{lcore, log, mcfg, plugin, runtime, tailq, version};
use crate::config::{self, EalState};
use crate::error::{Error, Result};
use crate::mem::{hugepage, meminit};
use crate::options::{EalConfig, IovaMode, ProcType};
use crate::{eal_log, err};

/// Hugetlbfs directories this process holds locked (shared) while its init creates page files.
static HUGE_DIR_LOCKS: Mutex<Vec<crate::sys::DirLock>> = Mutex::new(Vec::new());

static CLEANED: AtomicU8 = AtomicU8::new(0);

/// Serialises init and cleanup against each other.
static INIT_LOCK: Mutex<()> = Mutex::new(());

/// How long a secondary waits for its primary to finish initialising.
const SECONDARY_WAIT: Duration = Duration::from_secs(5);

/// The outcome of a successful init, for the FFI layer.
pub struct InitOutcome {
    /// What `rte_eal_init` returns: the number of arguments consumed.
    pub consumed: usize,
    /// The argv order to write back: `argv[k]` becomes the old `argv[order[k]]`.
    pub order: Vec<usize>,
}

/// Things brought up so far, for rollback when a later step fails.
#[derive(Default)]
struct Progress {
    trace: bool,
    mcfg: bool,
    intr: bool,
    lcores: bool,
    memory: bool,
    hotplug: bool,
    services: bool,
}

impl Progress {
    fn rollback(&self) {
        if self.hotplug {
            crate::dev::hotplug::cleanup();
        }
        // Our own shared lock on the hugetlbfs directories would block the sweep below.
        HUGE_DIR_LOCKS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        if self.services {
            crate::service::finalize();
        }
        // Workers before memory: with --huge-worker-stack their stacks are in it.
        if self.lcores {
            lcore::cleanup();
        }
        if self.memory {
            let primary = mcfg::attached_as_primary().unwrap_or(false);
            crate::memzone::cleanup(primary);
            crate::malloc::cleanup();
            meminit::cleanup(primary);
        }
        crate::mp::cleanup();
        if self.intr {
            crate::intr::cleanup();
        }
        if self.mcfg {
            if mcfg::attached_as_primary().unwrap_or(false) {
                remove_huge_dirs_file();
            }
            mcfg::detach();
        }
        runtime::remove_if_empty();
        if self.trace {
            crate::trace::fini();
        }
    }
}

/// Runs `rte_eal_init`.
pub fn init(args: &[String]) -> Result<InitOutcome> {
    let _g = INIT_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    // rte_exit (in the log layer) releases the EAL through this hook.
    config::set_cleanup_hook(cleanup);
    if !config::begin_init() {
        return Err(err!(libc::EALREADY, "already called initialization"));
    }
    let mut progress = Progress::default();
    match init_steps(args, &mut progress) {
        Ok(out) => {
            // The hugetlbfs directories were locked (shared) while init created page files, so
            // that no other primary's crash-leftover sweep (an exclusive lock) ran meanwhile.
            // From here each page file is protected by its own lock; holding the directory
            // would block every other primary (rtemem's or DPDK's) until this one exits.
            HUGE_DIR_LOCKS
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clear();
            if mcfg::attached_as_primary() == Some(true) {
                mcfg::mark_init_done();
            }
            config::end_init(true);
            Ok(out)
        }
        Err(e) => {
            progress.rollback();
            config::unpublish();
            // As DPDK: a failed init may be retried (with other arguments).
            config::end_init(false);
            Err(e)
        }
    }
}

fn init_steps(args: &[String], progress: &mut Progress) -> Result<InitOutcome> {
    let parsed = crate::options::parse(args)?;
    let cfg = config::publish(parsed.config.clone());
    if cfg.show_help {
        print!("{}", crate::options::usage(&cfg.prgname));
        run_usage_hook(&cfg.prgname);
        std::process::exit(0);
    }
    if cfg.show_log_help {
        print!("{}", log::help_text());
        std::process::exit(0);
    }
    log::apply_args(&cfg.log_levels)?;
    log::eal_log_init()?;
    // As DPDK: the EAL's log also goes to syslog, with --syslog's facility (default daemon).
    log::open_syslog(
        &cfg.prgname,
        cfg.syslog_facility
            .as_deref()
            .and_then(log::syslog_facility)
            .unwrap_or(libc::LOG_DAEMON),
    );
    for w in &cfg.warnings {
        eal_log!(log::RTE_LOG_WARNING, "{w}");
    }
    for i in &cfg.ignored {
        eal_log!(log::RTE_LOG_NOTICE, "{i}");
    }
    // Which EAL this is: the one sign that a drop-in or preload took effect.
    eal_log!(log::RTE_LOG_NOTICE, "{}", version::identity());
    if cfg.show_version {
        eal_log!(
            log::RTE_LOG_CRIT,
            "RTE Version: '{}' (rtemem {}, DPDK ABI {})",
            version::version_string(),
            version::RTEMEM_VERSION,
            version::DPDK_ABI
        );
    }
    plugin::load_all(&cfg.plugins)?;
    // DPDK step 8, eal_trace_init: before the config file and the lcore threads (which get
    // trace buffers and emit lib.eal.thread.lcore.ready).
    crate::trace::init(cfg)?;
    progress.trace = true;
    // DPDK step 9, eal_option_device_parse: -a/-b/--vdev into the devargs list (WP3).
    crate::dev::devargs::add_from_options(&cfg.devices)?;
    let shared_files = !(cfg.no_shconf || cfg.in_memory);
    runtime::set_up(&cfg.file_prefix, shared_files)?;

    let proc_type = match cfg.proc_type {
        ProcType::Auto => mcfg::detect_proc_type(cfg),
        p => p,
    };
    if proc_type == ProcType::Secondary && !shared_files {
        return Err(err!(
            libc::EINVAL,
            "a secondary process needs the shared config: drop --no-shconf/--in-memory"
        ));
    }
    match proc_type {
        ProcType::Secondary => mcfg::attach_secondary(cfg, SECONDARY_WAIT)?,
        _ => mcfg::create_primary(cfg)?,
    }
    progress.mcfg = true;
    let cfg = secondary_config(cfg, proc_type)?;
    tailq::attach_all(proc_type != ProcType::Secondary)?;
    // DPDK steps rte_eal_intr_init and rte_eal_alarm_init: the interrupt thread and the alarm
    // timer (after the shared config, so that the config file stays fd 3).
    progress.intr = true;
    crate::intr::init()?;
    crate::mp::init(shared_files, proc_type != ProcType::Secondary)?;
    // The memory layer asks its peers to sync pages through IPC: wire IPC in, and answer the
    // peers' sync requests before any memory is attached (a peer that changes pages while this
    // process attaches must get an answer at once, and the attach scan covers what it changed).
    crate::mem::memsync::register(&crate::mp::memsync::MP_PEER_SYNC);
    crate::mp::memsync::register_actions()?;
    // DPDK steps "rte_bus_scan" and "rte_bus_get_iommu_class": after IPC (a secondary's vdev
    // bus asks its primary for devices), before the IOVA mode is chosen (WP3).
    crate::dev::bus::scan_all();
    let bus_iova = crate::dev::bus::iommu_class();

    let hugepages = if cfg.no_huge {
        Vec::new()
    } else {
        set_up_hugepages(cfg, proc_type)?
    };

    lcore::init(cfg)?;
    progress.lcores = true;

    let iova_mode = choose_iova_mode(cfg, bus_iova)?;
    let sockets: Vec<i32> = lcore::sockets().into_iter().map(|s| s as i32).collect();
    let sockets = if sockets.is_empty() { vec![0] } else { sockets };
    // DPDK step 18, rte_eal_vfio_setup: probe VFIO (a secondary gets the default container
    // from its primary), before memory init.
    crate::dev::vfio::setup(proc_type == ProcType::Secondary)
        .map_err(|e| err!(libc::EAGAIN, "Cannot init VFIO: {}", e.msg))?;
    // Marked before the attempt: a failure half-way must still unmap what was set up.
    progress.memory = true;
    match proc_type {
        ProcType::Secondary => {
            meminit::attach_secondary(cfg, &hugepages, iova_mode)?;
            crate::malloc::init_secondary();
            crate::memzone::attach_secondary()?;
        }
        _ => {
            meminit::init_primary(cfg, &hugepages, &sockets, iova_mode)?;
            crate::mem::memalloc::set_ready();
            crate::malloc::init_primary(&sockets)?;
            crate::memzone::init_primary()?;
        }
    }

    // DPDK's worker threads start after the heaps; with --huge-worker-stack ours start here,
    // each on a stack from the heap of its lcore's socket (DPDK: rte_zmalloc_socket).
    if let Some(kib) = cfg.huge_worker_stack {
        lcore::spawn_workers_on_stacks(
            kib,
            lcore::StackSource {
                alloc: |size, socket| {
                    crate::malloc::alloc(
                        size,
                        crate::malloc::CACHE_LINE,
                        socket,
                        0,
                        true,
                        &crate::malloc::PagePolicy::ANY,
                    )
                    .map_or(std::ptr::null_mut(), |p| p.as_ptr())
                },
                free: |p| {
                    let _ = crate::malloc::free(p);
                },
            },
        )?;
    }

    // DPDK step 20, eal_mp_dev_hotplug_init: after memory (WP3).
    crate::dev::hotplug::init(proc_type != ProcType::Secondary)?;
    progress.hotplug = true;
    // DPDK step 22, rte_eal_timer_init: the timer functions read the TSC from here on (WP1).
    crate::base::cpu::timer::init();
    // DPDK step 25, rte_service_init: the -s/-S lcores become service lcores (after the lcore
    // threads are up, before the bus probe, so that vdevs can register services there).
    crate::service::init(cfg)?;
    progress.services = true;

    config::set_state(EalState {
        proc_type,
        iova_mode,
        hugepages,
    });
    // DPDK step 26, rte_bus_probe (vdev last); drivers read the IOVA mode set above (WP3).
    crate::dev::bus::probe_all();
    // DPDK step 27, vfio_mp_sync_setup: a primary with VFIO answers its secondaries.
    crate::dev::vfio::mp_sync_setup(proc_type != ProcType::Secondary)?;
    // DPDK step 28, rte_service_start_with_defaults: start the service lcores and map the
    // services registered so far (the probed devices' too) to them.
    crate::service::start_with_defaults()?;
    Ok(InitOutcome {
        consumed: parsed.consumed,
        order: parsed.final_order(),
    })
}

/// Finds the usable hugepage sizes, locks their directories and (in a primary) removes the page
/// files crashed processes of this prefix left behind.
fn set_up_hugepages(cfg: &EalConfig, proc_type: ProcType) -> Result<Vec<hugepage::HugepageSize>> {
    let roots = hugepage::Roots::default();
    let secondary = proc_type == ProcType::Secondary;
    // As DPDK: a secondary's pages are its primary's, so --huge-dir means nothing to it; it
    // uses the directories the primary recorded in the runtime dir.
    let huge_dir = if secondary {
        None
    } else {
        cfg.huge_dir.as_deref()
    };
    let mut all = hugepage::discover(&roots, huge_dir)?;
    if secondary {
        if cfg.huge_dir.is_some() {
            eal_log!(
                log::RTE_LOG_DEBUG,
                "--huge-dir has no effect in a secondary process: it uses its primary's directories"
            );
        }
        if let Some(text) =
            runtime::path(HUGE_DIRS_FILE).and_then(|p| std::fs::read_to_string(p).ok())
        {
            for (size, dir) in text.lines().filter_map(|l| l.split_once(' ')) {
                if let Ok(size) = size.parse::<u64>() {
                    if let Some(h) = all.iter_mut().find(|h| h.size == size) {
                        h.dir = Some(std::path::PathBuf::from(dir));
                    }
                }
            }
        }
    }
    // As DPDK 22.11: every size with a mount counts, and a size without pages still gets its
    // memseg lists; but some size must have pages. --in-memory takes its pages from hugetlb
    // memfds and needs no mount, so there every size the kernel offers counts, mounted or not,
    // with or without reserved pages (DPDK's hugepage_info_init treats an unmounted size as
    // valid in in-memory mode when the kernel can map it anonymously).
    let usable: Vec<_> = all
        .iter()
        .filter(|h| cfg.in_memory || h.dir.is_some())
        .cloned()
        .collect();
    if usable.iter().all(|h| h.total == 0) {
        return Err(hugepage::no_hugepages_error(
            &all,
            &hugepage::mounts(&roots),
            cfg.huge_dir.as_deref(),
        ));
    }
    let mut locks = HUGE_DIR_LOCKS.lock().unwrap_or_else(|p| p.into_inner());
    for h in &usable {
        let Some(dir) = &h.dir else { continue };
        if proc_type != ProcType::Secondary && !cfg.in_memory {
            let n = hugepage::clear_stale(dir, &cfg.file_prefix)?;
            if n > 0 {
                eal_log!(
                    log::RTE_LOG_INFO,
                    "removed {n} page files left in {} by a process of prefix '{}' that did not exit cleanly",
                    dir.display(),
                    cfg.file_prefix
                );
            }
        }
        locks.push(hugepage::lock_dir(dir)?);
    }
    if !secondary && !cfg.in_memory && !cfg.no_shconf {
        // For the secondaries: the directory of each page size (see above).
        let text: String = usable
            .iter()
            .filter_map(|h| {
                h.dir
                    .as_ref()
                    .map(|d| format!("{} {}\n", h.size, d.display()))
            })
            .collect();
        if let Some(p) = runtime::path(HUGE_DIRS_FILE) {
            std::fs::write(&p, text)
                .map_err(|e| Error::os(format!("cannot write {}", p.display()), e))?;
        }
    }
    Ok(usable)
}

/// The runtime-dir file where a primary records the hugetlbfs directory of each page size.
const HUGE_DIRS_FILE: &str = "hugepage_dirs";

fn remove_huge_dirs_file() {
    if let Some(p) = runtime::path(HUGE_DIRS_FILE) {
        let _ = std::fs::remove_file(p);
    }
}

/// IOVA as PA when `/proc/self/pagemap` yields frame numbers and real hugepages back memory;
/// otherwise VA. An explicit `--iova-mode` wins.
/// A secondary takes `--no-huge` from its primary (as `--legacy-mem` and
/// `--single-file-segments`), and cannot be `--no-huge` when its primary is not.
fn secondary_config(cfg: &'static EalConfig, proc_type: ProcType) -> Result<&'static EalConfig> {
    let Some(m) = mcfg::get() else {
        return Ok(cfg);
    };
    if proc_type != ProcType::Secondary || cfg.no_huge == (m.no_huge != 0) {
        return Ok(cfg);
    }
    if cfg.no_huge {
        return Err(err!(
            libc::EINVAL,
            "this secondary was started with --no-huge but its primary uses hugepages: drop --no-huge (a secondary uses the primary's memory)"
        ));
    }
    let mut c = cfg.clone();
    c.no_huge = true;
    Ok(config::publish(c))
}

/// Runs the application's usage hook, if one is set, after the EAL's own usage text.
fn run_usage_hook(prgname: &str) {
    if let (Some(f), Ok(name)) = (config::usage_hook(), std::ffi::CString::new(prgname)) {
        // SAFETY: the application registered f as an rte_usage_hook_t; name is a valid string
        // that outlives the call.
        unsafe { f(name.as_ptr()) };
    }
}

/// The buses' IOVA class (`RTE_IOVA_*`) decides when `--iova-mode` is not given and the buses
/// agree on one; PA chosen that way needs physical addresses, as in DPDK.
fn choose_iova_mode(cfg: &EalConfig, bus_iova: i32) -> Result<IovaMode> {
    let phys = !cfg.no_huge && crate::sys::phys_addrs_available();
    Ok(match cfg.iova_mode {
        IovaMode::Dc if bus_iova == crate::abi::RTE_IOVA_VA => IovaMode::Va,
        IovaMode::Dc if bus_iova == crate::abi::RTE_IOVA_PA => {
            if !phys {
                return Err(err!(
                    libc::EINVAL,
                    "Cannot use IOVA as 'PA' since physical addresses are not available (a bus's devices need PA)"
                ));
            }
            IovaMode::Pa
        }
        IovaMode::Dc if phys => IovaMode::Pa,
        IovaMode::Dc => IovaMode::Va,
        m => m,
    })
}

/// Runs `rte_eal_cleanup`: at most once per process.
pub fn cleanup() -> Result<()> {
    let _g = INIT_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    if CLEANED.swap(1, Ordering::AcqRel) != 0 {
        return Err(Error::new(libc::EALREADY, "already called cleanup"));
    }
    if config::initialized() {
        // DPDK's first cleanup step: stop the service lcores.
        crate::service::finalize();
        // DPDK cleanup step 2, eal_bus_cleanup (WP3).
        crate::dev::bus::cleanup_all();
        let primary = mcfg::attached_as_primary().unwrap_or(false);
        // DPDK cleanup step 3, vfio_mp_sync_cleanup.
        crate::dev::vfio::mp_sync_cleanup(primary);
        crate::mp::cleanup();
        // DPDK's rte_eal_alarm_cleanup; rtemem also stops the interrupt thread here, before
        // the memory its callbacks may touch goes away.
        crate::intr::cleanup();
        // DPDK cleanup steps 6-7: rte_trace_save, eal_trace_fini (a failed save is logged).
        if let Err(e) = crate::trace::save() {
            eal_log!(log::RTE_LOG_ERR, "rte_trace_save(): {}", e.msg);
        }
        crate::trace::fini();
        // DPDK cleanup step 8, eal_mp_dev_hotplug_cleanup (WP3).
        crate::dev::hotplug::cleanup();
        lcore::cleanup();
        crate::memzone::cleanup(primary);
        crate::malloc::cleanup();
        meminit::cleanup(primary);
        mcfg::detach();
        HUGE_DIR_LOCKS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        if primary {
            runtime::remove_dead_sockets();
            remove_huge_dirs_file();
        }
        runtime::remove_if_empty();
    }
    Ok(())
}
