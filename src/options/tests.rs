//! Tests of the option parser; expected outcomes were checked against DPDK 22.11.

use super::*;

fn m2() -> Machine {
    Machine::with_cpus(2)
}

fn args(words: &[&str]) -> Vec<String> {
    std::iter::once("prog")
        .chain(words.iter().copied())
        .map(String::from)
        .collect()
}

fn ok(words: &[&str]) -> Parsed {
    parse_with(&args(words), &m2()).unwrap_or_else(|e| panic!("{words:?}: {}", e.msg))
}

fn bad(words: &[&str]) -> String {
    match parse_with(&args(words), &m2()) {
        Ok(p) => panic!("{words:?} accepted: {:?}", p.config),
        Err(e) => {
            assert_eq!(e.errno, libc::EINVAL);
            e.msg
        }
    }
}

const MB: u64 = 1 << 20;

#[test]
fn defaults_use_every_cpu_in_the_affinity_mask() {
    let p = ok(&[]);
    assert_eq!(
        p.config.lcores,
        BTreeMap::from([(0, vec![0]), (1, vec![1])])
    );
    assert_eq!(p.config.main_lcore, 0);
    assert_eq!(p.config.file_prefix, "rte");
    assert_eq!(p.config.proc_type, ProcType::Primary);
    assert_eq!(p.config.iova_mode, IovaMode::Dc);
    assert_eq!(p.config.huge_unlink, HugeUnlink::Existing);
    assert_eq!((p.consumed, p.order), (0, vec![0]));
    let m = Machine {
        cpus: [0, 1, 2, 3].into(),
        affinity: [2, 3].into(),
    };
    let p = parse_with(&args(&[]), &m).unwrap();
    assert_eq!(
        p.config.lcores.keys().copied().collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert_eq!(p.config.lcore_index, BTreeMap::from([(2, 2), (3, 3)]));
    assert_eq!(
        p.config.main_lcore, 2,
        "the default main lcore is the lowest"
    );
}

#[test]
fn lcore_options_fill_lcores_and_indexes() {
    let p = ok(&["-l", "1,0"]);
    assert_eq!(p.config.lcore_index, BTreeMap::from([(0, 1), (1, 0)]));
    assert_eq!(p.config.main_lcore, 0);
    assert_eq!(
        ok(&["-c", "0x2"]).config.lcores,
        BTreeMap::from([(1, vec![1])])
    );
    let p = ok(&["--lcores", "(0-3)@(0,1)", "--main-lcore", "3"]);
    assert_eq!(p.config.lcores.len(), 4);
    assert_eq!(p.config.lcores[&3], vec![0, 1]);
    assert_eq!(p.config.main_lcore, 3);
    assert_eq!(ok(&["--lcores", "2@0"]).config.main_lcore, 2);
    assert_eq!(
        ok(&["-l1", "--main-lcore", "0x1"]).config.main_lcore,
        1,
        "base 0 as strtol"
    );
}

#[test]
fn a_second_core_option_is_refused() {
    assert!(bad(&["-c", "3", "-l", "0"]).contains("-l is refused because -c"));
    assert!(bad(&["-l", "0", "-l", "1"]).contains("-l is refused because -l"));
    assert!(bad(&["--lcores", "0", "-c", "1"]).contains("-c is refused because --lcores"));
    assert!(bad(&["-l", "0", "--lcores", "1"]).contains("--lcores is refused because -l"));
}

#[test]
fn bad_lcores_and_main_lcore_are_refused() {
    assert!(bad(&["-l", "5"]).contains("lcore 5 unavailable"));
    assert!(bad(&["-c", "4"]).contains("lcore 2 unavailable"));
    assert!(bad(&["--lcores", "2@5"]).contains("CPU 5"));
    assert!(bad(&["-l", "0", "--main-lcore", "1"]).contains("main lcore 1 is not one of"));
    assert!(bad(&["--main-lcore", "128"]).contains("--main-lcore 128"));
    assert!(bad(&["--main-lcore", "1x"]).contains("--main-lcore"));
    assert!(bad(&["--main-lcore", "-1"]).contains("--main-lcore"));
    assert_eq!(
        ok(&["--main-lcore", ""]).config.main_lcore,
        0,
        "DPDK reads an empty id as 0"
    );
}

#[test]
fn service_cores_are_recorded_and_warned_about_when_not_in_the_core_list() {
    let p = ok(&["-l", "0-1", "-s", "0x2"]);
    assert_eq!(p.config.service_lcores, BTreeSet::from([1]));
    assert!(p.config.ignored.is_empty() && p.config.warnings.is_empty());
    let p = ok(&["-l", "0", "-S", "1"]);
    assert_eq!(p.config.service_lcores, BTreeSet::from([1]));
    assert!(p.config.warnings[0].contains("Not all service cores were in the coremask"));
    // DPDK checks only against a core option given before.
    assert!(ok(&["-s", "0x2", "-l", "0"]).config.warnings.is_empty());
    assert_eq!(
        ok(&["-l", "0-1", "-s", "0x3"]).config.service_lcores,
        BTreeSet::from([1]),
        "the default main lcore is dropped from the service lcores"
    );
    assert!(bad(&["--main-lcore", "1", "-S", "1"]).contains("main lcore"));
    assert!(bad(&["-S", "1", "--main-lcore", "1"]).contains("service core"));
}

#[test]
fn memory_sizes_are_megabytes() {
    let c = ok(&["-m", "64"]).config;
    assert_eq!((c.memory, c.memory_given), (64 * MB, true));
    let c = ok(&["-m", "abc"]).config;
    assert_eq!((c.memory, c.memory_given), (0, true));
    assert!(c.warnings[0].contains("read as 0"));
    assert_eq!(
        ok(&["--socket-mem", "64,0"]).config.socket_mem,
        vec![64 * MB, 0]
    );
    assert_eq!(
        ok(&["--socket-limit=128"]).config.socket_limit,
        vec![128 * MB]
    );
    assert!(bad(&["-m", "-1"]).contains("negative"));
    assert!(bad(&["-m", "99999999999"]).contains("out of range"));
    for v in ["64,", ",64", "6a", "", "1,,2", "99999999999999999"] {
        assert!(bad(&["--socket-mem", v]).contains("--socket-mem"), "{v}");
    }
    let many = vec!["1"; 33].join(",");
    assert!(bad(&["--socket-mem", &many]).contains("RTE_MAX_NUMA_NODES"));
}

#[test]
fn memory_conflicts_match_dpdk() {
    assert!(bad(&["-m", "64", "--socket-mem", "64"]).contains("-m and --socket-mem"));
    assert!(bad(&["-m", "0", "--socket-mem", "64"]).contains("-m and --socket-mem"));
    assert!(bad(&["--no-huge", "--socket-mem", "64"]).contains("--socket-mem and --no-huge"));
    assert!(bad(&["--no-huge", "--huge-unlink"]).contains("--huge-unlink and --no-huge"));
    assert!(bad(&["--no-huge", "--in-memory"]).contains("implied by --no-huge"));
    assert!(bad(&["--in-memory", "--huge-unlink=never"])
        .contains("--in-memory and --huge-unlink=never"));
    assert!(bad(&["--in-memory", "--legacy-mem"]).contains("--legacy-mem and --in-memory"));
    assert!(bad(&["--legacy-mem", "--match-allocations"]).contains("--match-allocations"));
    assert!(bad(&["--no-huge", "--match-allocations"]).contains("--match-allocations"));
    assert!(bad(&["--single-file-segments", "--huge-unlink"]).contains("--single-file-segments"));
    assert!(bad(&["--no-huge", "--huge-worker-stack"]).contains("--huge-worker-stack"));
    let c = ok(&["--single-file-segments", "--legacy-mem"]).config;
    assert!(c.single_file_segments && c.legacy_mem);
    let c = ok(&["--legacy-mem", "--socket-limit", "64"]).config;
    assert!(
        c.warnings[0].contains("non-legacy"),
        "DPDK only logs this one"
    );
    let c = ok(&["--in-memory", "--single-file-segments", "--huge-unlink"]).config;
    assert_eq!(c.huge_unlink, HugeUnlink::Always);
}

#[test]
fn implied_settings_follow_dpdk() {
    let c = ok(&["--no-huge"]).config;
    assert!(c.no_huge && c.legacy_mem);
    let c = ok(&["--in-memory"]).config;
    assert!(c.in_memory && c.no_shconf);
    assert_eq!(c.huge_unlink, HugeUnlink::Always);
    assert!(ok(&["--no-shconf"]).config.no_shconf);
    assert!(ok(&["--match-allocations"]).config.match_allocations);
}

#[test]
fn huge_unlink_values() {
    assert_eq!(
        ok(&["--huge-unlink"]).config.huge_unlink,
        HugeUnlink::Always
    );
    assert_eq!(
        ok(&["--huge-unlink=always"]).config.huge_unlink,
        HugeUnlink::Always
    );
    assert_eq!(
        ok(&["--huge-unlink=existing"]).config.huge_unlink,
        HugeUnlink::Existing
    );
    let c = ok(&["--huge-unlink=never"]).config;
    assert_eq!(c.huge_unlink, HugeUnlink::Never);
    assert!(c.warnings[0].contains("never"));
    assert_eq!(
        ok(&["--huge-unlink", "--huge-unlink=existing"])
            .config
            .huge_unlink,
        HugeUnlink::Always,
        "existing means 'as if not given', it does not undo always"
    );
    assert!(bad(&["--huge-unlink=bogus"]).contains("existing, always or never"));
    assert!(bad(&["--huge-unlink="]).contains("--huge-unlink="));
    let p = ok(&["--huge-unlink", "never"]);
    assert_eq!(
        p.config.huge_unlink,
        HugeUnlink::Always,
        "the value only binds with '='"
    );
    assert_eq!(p.consumed, 1);
}

#[test]
fn huge_worker_stack_values() {
    assert_eq!(
        ok(&["--huge-worker-stack"]).config.huge_worker_stack,
        Some(0)
    );
    assert_eq!(
        ok(&["--huge-worker-stack="]).config.huge_worker_stack,
        Some(0)
    );
    assert_eq!(
        ok(&["--huge-worker-stack=64"]).config.huge_worker_stack,
        Some(64)
    );
    let c = ok(&["--huge-worker-stack=64k"]).config;
    assert_eq!(c.huge_worker_stack, Some(64));
    assert!(c.warnings[0].contains("64 KiB"));
    assert!(bad(&["--huge-worker-stack=0"]).contains("above 0"));
    assert!(bad(&["--huge-worker-stack=x"]).contains("above 0"));
}

#[test]
fn file_prefix_is_checked() {
    assert_eq!(ok(&["--file-prefix", "abc"]).config.file_prefix, "abc");
    assert!(bad(&["--file-prefix="]).contains("empty"));
    assert!(bad(&["--file-prefix", "a%d"]).contains("'%'"));
    assert!(bad(&["--file-prefix", "a/b"]).contains("may not contain '/'"));
    assert!(bad(&["--file-prefix", "../x"]).contains("runtime directory"));
    assert!(bad(&["--file-prefix", ".."]).contains("'..'"));
    assert!(bad(&["--huge-dir="]).contains("--huge-dir is empty"));
    assert_eq!(
        ok(&["--huge-dir", "/mnt/h"]).config.huge_dir,
        Some(PathBuf::from("/mnt/h"))
    );
}

#[test]
fn proc_type_iova_and_base_virtaddr() {
    assert_eq!(
        ok(&["--proc-type", "PRIMARY"]).config.proc_type,
        ProcType::Primary
    );
    assert_eq!(
        ok(&["--proc-type", "secondary"]).config.proc_type,
        ProcType::Secondary
    );
    assert_eq!(
        ok(&["--proc-type", "auto"]).config.proc_type,
        ProcType::Auto
    );
    assert!(bad(&["--proc-type", "prim"]).contains("primary, secondary or auto"));
    assert_eq!(
        ok(&["--proc-type", "x", "--proc-type", "auto"])
            .config
            .proc_type,
        ProcType::Auto
    );
    assert_eq!(ok(&["--iova-mode", "pa"]).config.iova_mode, IovaMode::Pa);
    assert_eq!(ok(&["--iova-mode=va"]).config.iova_mode, IovaMode::Va);
    assert!(bad(&["--iova-mode", "VA"]).contains("pa or va"));
    assert_eq!(
        ok(&["--base-virtaddr", "0x100000000"]).config.base_virtaddr,
        Some(0x1_0000_0000)
    );
    assert_eq!(
        ok(&["--base-virtaddr", "1000001"]).config.base_virtaddr,
        Some(0x200_0000),
        "rounded up to 16M"
    );
    assert!(bad(&["--base-virtaddr", "zz"]).contains("hex"));
    assert!(bad(&["--base-virtaddr", ""]).contains("hex"));
    assert!(bad(&["--base-virtaddr", "ffffffffffffffff"]).contains("too high"));
}

#[test]
fn channels_ranks_plugins_version() {
    let c = ok(&["-n", "4", "-r", "16", "-d", "/x.so", "-v"]).config;
    assert_eq!((c.nchannel, c.nrank), (4, 16));
    assert_eq!(c.plugins, vec![PathBuf::from("/x.so")]);
    assert!(c.show_version);
    assert_eq!(ok(&["-n", "4x"]).config.nchannel, 4);
    assert!(bad(&["-n", "0"]).contains("channels"));
    assert!(bad(&["-r", "17"]).contains("1 to 16"));
    assert!(bad(&["-r", "0"]).contains("1 to 16"));
}

#[test]
fn log_levels_in_every_form() {
    let c = ok(&[
        "--log-level",
        "8",
        "--log-level=lib.eal:debug",
        "--log-level",
        "pmd.*:8",
        "--log-level",
        "lib.*,de",
    ])
    .config;
    assert_eq!(
        c.log_levels,
        vec![
            LogLevelArg::Global(8),
            LogLevelArg::Pattern("lib.eal".into(), 8),
            LogLevelArg::Pattern("pmd.*".into(), 8),
            LogLevelArg::Regexp("lib.*".into(), 8),
        ]
    );
    assert_eq!(
        ok(&["--log-level", "e"]).config.log_levels,
        vec![LogLevelArg::Global(1)],
        "first name match"
    );
    assert_eq!(
        ok(&["--log-level", "0x4"]).config.log_levels,
        vec![LogLevelArg::Global(4)]
    );
    let c = ok(&["--log-level", "9"]).config;
    assert_eq!(c.log_levels, vec![LogLevelArg::Global(8)]);
    assert!(c.warnings[0].contains("higher than the maximum"));
}

#[test]
fn a_bad_log_level_is_reported_and_stops_later_ones_but_init_goes_on() {
    let c = ok(&[
        "--log-level",
        "4",
        "--log-level",
        "bogus",
        "--log-level",
        "8",
    ])
    .config;
    assert_eq!(c.log_levels, vec![LogLevelArg::Global(4)]);
    assert!(c.warnings[0].contains("invalid log level 'bogus'"));
    for v in ["0", "debugx", "", "x:", "a,9z"] {
        assert!(ok(&["--log-level", v]).config.log_levels.is_empty(), "{v}");
    }
}

#[test]
fn log_level_help_wins_over_later_errors_but_not_earlier_getopt_errors() {
    let p = ok(&["-n", "0", "--log-level=help"]);
    assert!(p.config.show_log_help);
    assert!(ok(&["-h", "--log-level", "help"]).config.show_log_help);
    bad(&["--bogus", "--log-level=help"]);
}

#[test]
fn help_stops_parsing_where_it_appears() {
    let p = ok(&["-v", "-h", "-n", "0"]);
    assert!(p.config.show_help);
    assert!(ok(&["--help"]).config.show_help);
    assert!(ok(&["--he"]).config.show_help);
    assert!(ok(&["-vh"]).config.show_help);
    bad(&["-n", "0", "-h"]);
}

#[test]
fn getopt_errors_name_the_argument() {
    assert!(bad(&["--bogus"]).contains("unrecognized option '--bogus'"));
    assert!(bad(&["-x"]).contains("invalid option -- 'x'"));
    assert!(bad(&["-l"]).contains("requires an argument -- 'l'"));
    assert!(bad(&["--lcores"]).contains("'--lcores' requires an argument"));
    assert!(bad(&["--no-h"]).contains("ambiguous"));
    assert!(bad(&["--huge"]).contains("ambiguous"));
    assert!(bad(&["--no-huge=1"]).contains("doesn't allow"));
}

#[test]
fn abbreviations_resolve() {
    let c = ok(&["--no-hu", "--file-p", "x", "--socket-l=4", "--lc", "0"]).config;
    assert!(c.no_huge);
    assert_eq!(c.file_prefix, "x");
    assert_eq!(c.socket_limit, vec![4 * MB]);
    assert_eq!(c.lcores.len(), 1);
    assert!(ok(&["--in"]).config.in_memory);
}

#[test]
fn permutation_and_consumed_count_match_dpdk() {
    // Checked with real DPDK: [p a -l 0 -- b] returns 3, argv = [p -l 0 p a b].
    let p = ok(&["a", "-l", "0", "--", "b"]);
    assert_eq!(p.consumed, 3);
    assert_eq!(p.order, vec![0, 2, 3, 4, 1, 5]);
    assert_eq!(p.final_order(), vec![0, 2, 3, 0, 1, 5]);
    // [p -l 0 x -m 64] returns 4: the program name goes over "64", just before "x".
    let p = ok(&["-l", "0", "x", "-m", "64"]);
    assert_eq!(p.order, vec![0, 1, 2, 4, 5, 3]);
    assert_eq!(p.consumed, 4);
    assert_eq!(p.final_order(), vec![0, 1, 2, 4, 0, 3]);
    // Without non-options the program name lands on the last option word.
    let p = ok(&["-l", "0", "--no-huge"]);
    assert_eq!((p.consumed, p.final_order()), (3, vec![0, 1, 2, 0]));
    // Options after "--" belong to the application.
    let p = ok(&["--", "-l", "5"]);
    assert_eq!((p.consumed, p.config.lcores.len()), (1, 2));
    // Optional-value option followed by a separate word: the word is an app argument.
    let p = ok(&["--huge-worker-stack", "64", "-m", "2"]);
    assert_eq!(p.order, vec![0, 1, 3, 4, 2]);
    assert_eq!(p.consumed, 3);
}

#[test]
fn out_of_scope_options_are_accepted_and_listed() {
    let c = ok(&[
        "-a",
        "0000:00:01.0",
        "--vdev",
        "net_null0",
        "--no-pci",
        "--no-hpet",
        "--vmware-tsc-map",
        "--create-uio-dev",
        "--vfio-intr",
        "msix",
        "--vfio-vf-token",
        "14d63f20-8445-11ea-8900-1f9ce7d5650d",
        "--telemetry",
        "--no-telemetry",
        "--trace",
        "lib.eal.*",
        "--trace-dir",
        "/tmp",
        "--trace-bufsz",
        "2M",
        "--trace-mode",
        "d",
        "--syslog",
        "daemon",
        "--mbuf-pool-ops-name",
        "ring_mp_mc",
        "--force-max-simd-bitwidth",
        "256",
    ])
    .config;
    assert!(c.no_pci && c.no_telemetry);
    assert_eq!(c.syslog_facility.as_deref(), Some("daemon"));
    assert_eq!(c.mbuf_pool_ops_name.as_deref(), Some("ring_mp_mc"));
    assert_eq!(c.max_simd_bitwidth, Some(256));
    assert!(c.create_uio_dev);
    assert!(c.warnings.iter().any(|w| w.contains(
        "Ignoring --vmware-tsc-map because RTE_LIBRTE_EAL_VMWARE_TSC_MAP_SUPPORT is not set"
    )));
    assert_eq!(c.vfio_intr_mode, 3, "--vfio-intr is real");
    assert_eq!(
        c.vfio_vf_token,
        [
            0x14, 0xd6, 0x3f, 0x20, 0x84, 0x45, 0x11, 0xea, 0x89, 0x00, 0x1f, 0x9c, 0xe7, 0xd5,
            0x65, 0x0d
        ],
        "--vfio-vf-token keeps the UUID's bytes in writing order"
    );
    assert_eq!(c.trace_patterns, ["lib.eal.*"]);
    assert_eq!(c.trace_dir.as_deref(), Some("/tmp/"));
    assert_eq!(c.trace_bufsz, Some(2 << 20));
    assert_eq!(c.trace_mode, Some(TraceMode::Discard));
    assert_eq!(c.ignored.len(), 1, "{:#?}", c.ignored);
    assert_eq!(
        c.devices,
        vec![
            (0, "0000:00:01.0".to_string()),
            (2, "net_null0".to_string())
        ],
        "-a and --vdev are devices, not ignored"
    );
    assert!(c
        .ignored
        .iter()
        .all(|s| s.starts_with("option ") && s.contains(" ignored: ")));
    assert_eq!(
        ok(&["--force-max-simd-bitwidth", "0"])
            .config
            .max_simd_bitwidth,
        Some(32768)
    );
}

#[test]
fn device_options_are_kept_in_command_line_order_with_their_type() {
    let c = ok(&[
        "--vdev",
        "net_null0,size=64",
        "-b",
        "0000:00:01.0",
        "--vdev=net_ring0",
        "--block",
        "x",
    ])
    .config;
    assert_eq!(
        c.devices,
        vec![
            (2, "net_null0,size=64".to_string()),
            (1, "0000:00:01.0".to_string()),
            (2, "net_ring0".to_string()),
            (1, "x".to_string()),
        ]
    );
    assert!(c.ignored.is_empty());
    // Parsing them is init's job: any string is accepted here.
    assert_eq!(ok(&["-a", ""]).config.devices, vec![(0, String::new())]);
}

#[test]
fn trace_options_keep_dpdk_quirks() {
    let c = ok(&[
        "--trace",
        "lib.eal.*",
        "--trace=lib.mempool.*",
        "--trace-dir",
        "/a",
        "--trace-dir=b",
        "--trace-mode",
        "ov",
    ])
    .config;
    assert_eq!(c.trace_patterns, ["lib.eal.*", "lib.mempool.*"]);
    assert_eq!(
        c.trace_dir.as_deref(),
        Some("/a/b/"),
        "each --trace-dir is appended with a slash"
    );
    assert_eq!(c.trace_mode, Some(TraceMode::Overwrite));
    assert!(c.ignored.is_empty(), "{:?}", c.ignored);
    for (v, want) in [
        ("o", TraceMode::Overwrite),
        ("overwrite", TraceMode::Overwrite),
        ("d", TraceMode::Discard),
        ("disc", TraceMode::Discard),
        ("*", TraceMode::Overwrite),
        ("?i", TraceMode::Discard),
    ] {
        assert_eq!(
            ok(&["--trace-mode", v]).config.trace_mode,
            Some(want),
            "{v}"
        );
    }
    for v in ["", "x", "overwrites", "discardx"] {
        assert!(
            bad(&["--trace-mode", v]).contains("overwrite or discard"),
            "{v}"
        );
    }
    assert_eq!(
        ok(&["--trace-bufsz", "64K"]).config.trace_bufsz,
        Some(64 << 10)
    );
    assert!(bad(&["--trace-bufsz", "0"]).contains("cannot be zero"));
    assert!(bad(&["--trace-bufsz", "x"]).contains("cannot be zero"));
    assert!(bad(&["--trace-bufsz", "4G"]).contains("4G-1"));
}

#[test]
fn out_of_scope_options_are_refused_where_dpdk_refuses_them() {
    assert!(
        bad(&["-a", "0000:00:01.0", "-b", "0000:00:02.0"]).contains("allow (-a) and block (-b)")
    );
    assert!(bad(&["-b", "x", "--allow", "y"]).contains("allow (-a) and block (-b)"));
    assert!(bad(&["--vfio-intr", "bogus"]).contains("legacy, msi or msix"));
    assert!(
        bad(&["--vfio-intr", "MSI"]).contains("legacy, msi or msix"),
        "exact names"
    );
    assert_eq!(ok(&["--vfio-intr", "legacy"]).config.vfio_intr_mode, 1);
    assert_eq!(ok(&["--vfio-intr=msi"]).config.vfio_intr_mode, 2);
    assert_eq!(ok(&["-l", "0"]).config.vfio_intr_mode, 0);
    assert!(bad(&["--vfio-vf-token", "14d63f20-8445-11ea-8900-1f9ce7d5650"]).contains("UUID"));
    assert!(bad(&["--vfio-vf-token", "14d63f20x8445-11ea-8900-1f9ce7d5650d"]).contains("UUID"));
    assert!(bad(&["--vfio-vf-token", "bogus"]).contains("UUID"));
    assert!(bad(&["--syslog", "bogus"]).contains("facility"));
    assert!(bad(&["--trace-mode", "bogus"]).contains("overwrite or discard"));
    assert!(bad(&["--trace-bufsz", "0"]).contains("size"));
    assert!(bad(&["--force-max-simd-bitwidth", "3"]).contains("power of two"));
    assert!(bad(&["--force-max-simd-bitwidth", "32"]).contains("power of two"));
    assert!(bad(&["--mbuf-pool-ops-name="]).contains("empty"));
}

#[test]
fn empty_argv_is_refused() {
    assert_eq!(parse_with(&[], &m2()).unwrap_err().errno, libc::EINVAL);
}

#[test]
fn usage_mentions_every_option() {
    let u = usage("prog");
    assert!(u.contains("Usage: prog"));
    for o in LONG_OPTS {
        assert!(
            u.contains(&format!("--{}", o.name)),
            "--{} missing from usage",
            o.name
        );
    }
    for c in SHORT_OPTS.chars().filter(|c| *c != ':') {
        assert!(u.contains(&format!("-{c}")), "-{c} missing from usage");
    }
}

/// What real DPDK 22.11 did with each line of c-tests/diff_eal_args.c (2 CPUs, hugepages).
#[derive(Debug)]
enum Dpdk {
    /// Returned this count; the application's argv (program name first) is given.
    Ok(usize, &'static str),
    Reject,
    /// Printed help and exited 0.
    Help,
}

const DIFF_TABLE: &[(&str, Dpdk)] = &[
    ("--no-huge", Dpdk::Ok(5, "eal_args")),
    ("-l 0-1 --no-huge", Dpdk::Ok(7, "eal_args")),
    ("-l 1 --no-huge", Dpdk::Ok(7, "eal_args")),
    ("-l 1,0 --no-huge", Dpdk::Ok(7, "eal_args")),
    ("-l0 --no-huge", Dpdk::Ok(6, "eal_args")),
    ("-c 0x3 --no-huge", Dpdk::Ok(7, "eal_args")),
    ("-c 2 --no-huge", Dpdk::Ok(7, "eal_args")),
    ("--lcores (0-3)@(0,1) --no-huge", Dpdk::Ok(7, "eal_args")),
    (
        "--lcores 0@1,1@0 --main-lcore 1 --no-huge",
        Dpdk::Ok(9, "eal_args"),
    ),
    ("--lcores 2@0 --no-huge", Dpdk::Ok(7, "eal_args")),
    ("--lcores=0-1 --no-huge", Dpdk::Ok(6, "eal_args")),
    ("--main-lcore 1 --no-huge", Dpdk::Ok(7, "eal_args")),
    ("-l 127 --no-huge", Dpdk::Reject),
    ("-l 128 --no-huge", Dpdk::Reject),
    ("-l 1-0 --no-huge", Dpdk::Reject),
    ("-c 0 --no-huge", Dpdk::Reject),
    ("-c g --no-huge", Dpdk::Reject),
    ("--lcores 2@127 --no-huge", Dpdk::Reject),
    ("--lcores a --no-huge", Dpdk::Reject),
    ("-l 0 --main-lcore 1 --no-huge", Dpdk::Reject),
    ("--main-lcore 128 --no-huge", Dpdk::Reject),
    ("-c 3 -l 0 --no-huge", Dpdk::Reject),
    ("-l 0 --lcores 1 --no-huge", Dpdk::Reject),
    ("-m 64 -l 0", Dpdk::Ok(8, "eal_args")),
    ("--socket-mem 64 -l 0", Dpdk::Ok(8, "eal_args")),
    (
        "--socket-mem=64 --socket-limit=128 -l 0",
        Dpdk::Ok(8, "eal_args"),
    ),
    ("--in-memory -m 64 -l 0", Dpdk::Ok(9, "eal_args")),
    ("--legacy-mem -m 64 -l 0", Dpdk::Ok(9, "eal_args")),
    ("--single-file-segments -m 64 -l 0", Dpdk::Ok(9, "eal_args")),
    ("--match-allocations -m 64 -l 0", Dpdk::Ok(9, "eal_args")),
    ("--huge-unlink -m 64 -l 0", Dpdk::Ok(9, "eal_args")),
    ("--huge-unlink=never -m 64 -l 0", Dpdk::Ok(9, "eal_args")),
    ("--huge-unlink=existing -m 64 -l 0", Dpdk::Ok(9, "eal_args")),
    (
        "-m 64 -l 0 --huge-unlink never",
        Dpdk::Ok(9, "eal_args never"),
    ),
    (
        "--huge-worker-stack=64 -m 64 -l 0-1",
        Dpdk::Ok(9, "eal_args"),
    ),
    ("--huge-worker-stack=0 -m 64 -l 0", Dpdk::Reject),
    ("--no-shconf --no-huge -l 0", Dpdk::Ok(8, "eal_args")),
    ("-m 64 --socket-mem 64 -l 0", Dpdk::Reject),
    ("--no-huge --socket-mem 64 -l 0", Dpdk::Reject),
    ("--no-huge --huge-unlink -l 0", Dpdk::Reject),
    ("--no-huge --in-memory -l 0", Dpdk::Reject),
    ("--in-memory --huge-unlink=never -m 64 -l 0", Dpdk::Reject),
    ("--legacy-mem --match-allocations -m 64 -l 0", Dpdk::Reject),
    (
        "--single-file-segments --huge-unlink -m 64 -l 0",
        Dpdk::Reject,
    ),
    ("--huge-unlink=bogus --no-huge -l 0", Dpdk::Reject),
    ("--no-huge --huge-worker-stack -l 0", Dpdk::Reject),
    ("--socket-mem 64, -l 0", Dpdk::Reject),
    ("--file-prefix a/b --no-huge -l 0", Dpdk::Reject),
    (
        "--proc-type PRIMARY --no-huge -l 0",
        Dpdk::Ok(9, "eal_args"),
    ),
    ("--proc-type auto --no-huge -l 0", Dpdk::Ok(9, "eal_args")),
    ("--proc-type bogus --no-huge -l 0", Dpdk::Reject),
    ("--iova-mode va --no-huge -l 0", Dpdk::Ok(9, "eal_args")),
    ("--iova-mode xx --no-huge -l 0", Dpdk::Reject),
    ("--base-virtaddr zz --no-huge -l 0", Dpdk::Reject),
    ("-n 4 -r 2 -l 0 --no-huge", Dpdk::Ok(11, "eal_args")),
    ("-n 0 -l 0 --no-huge", Dpdk::Reject),
    ("-r 17 -l 0 --no-huge", Dpdk::Reject),
    (
        "--log-level lib.eal:notice --no-huge -l 0",
        Dpdk::Ok(9, "eal_args"),
    ),
    (
        "--log-level pmd.*:8 --no-huge -l 0",
        Dpdk::Ok(9, "eal_args"),
    ),
    (
        "--log-level lib.*,notice --no-huge -l 0",
        Dpdk::Ok(9, "eal_args"),
    ),
    ("--log-level 7 --no-huge -l 0", Dpdk::Ok(9, "eal_args")),
    ("--log-level bogus --no-huge -l 0", Dpdk::Ok(9, "eal_args")),
    ("--log-level=help --no-huge", Dpdk::Help),
    ("-n 0 --log-level=help", Dpdk::Help),
    ("--bogus --log-level=help", Dpdk::Reject),
    ("-v -l 0 --no-huge", Dpdk::Ok(8, "eal_args")),
    ("-h", Dpdk::Help),
    ("-n 0 -h", Dpdk::Reject),
    ("--bogus --no-huge", Dpdk::Reject),
    ("-x --no-huge", Dpdk::Reject),
    ("--no-huge -l", Dpdk::Reject),
    ("--no-huge --lcores", Dpdk::Reject),
    ("--no-h -l 0", Dpdk::Reject),
    ("--no-hu -l 0", Dpdk::Ok(7, "eal_args")),
    ("--lc 0-1 --no-hu", Dpdk::Ok(7, "eal_args")),
    ("--no-huge=1 -l 0", Dpdk::Reject),
    (
        "-l 0 --no-huge -- app1 -l 5",
        Dpdk::Ok(8, "eal_args app1 -l 5"),
    ),
    (
        "app0 -l 0 app1 --no-huge app2",
        Dpdk::Ok(7, "eal_args app0 app1 app2"),
    ),
    (
        "app0 -l 0 --no-huge -- app1",
        Dpdk::Ok(8, "eal_args app0 app1"),
    ),
    ("-l 0 --no-huge --", Dpdk::Ok(8, "eal_args")),
    (
        "-a 0000:00:01.0 -b 0000:00:02.0 --no-huge -l 0",
        Dpdk::Reject,
    ),
    ("--vfio-intr msix --no-huge -l 0", Dpdk::Ok(9, "eal_args")),
    ("--vfio-intr bogus --no-huge -l 0", Dpdk::Reject),
    ("--syslog bogus --no-huge -l 0", Dpdk::Reject),
    ("--trace-mode bogus --no-huge -l 0", Dpdk::Reject),
    (
        "--force-max-simd-bitwidth 256 --no-huge -l 0",
        Dpdk::Ok(9, "eal_args"),
    ),
    ("--force-max-simd-bitwidth 3 --no-huge -l 0", Dpdk::Reject),
    (
        "-d /nonexistent/librte_nothing.so --no-huge -l 0",
        Dpdk::Reject,
    ),
];

#[test]
fn every_line_of_the_c_table_parses_as_on_real_dpdk() {
    for (i, (line, want)) in DIFF_TABLE.iter().enumerate() {
        let mut words = vec![
            "eal_args",
            "--file-prefix",
            "p",
            "--no-pci",
            "--no-telemetry",
        ];
        words.extend(line.split(' '));
        let argv: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        let got = parse_with(&argv, &m2());
        match (want, got) {
            // -d loads plugins after parsing; DPDK fails there (rte_eal_init must too).
            (Dpdk::Reject, Ok(p)) if line.starts_with("-d ") => {
                assert_eq!(p.config.plugins.len(), 1)
            }
            (Dpdk::Reject, Err(e)) => assert_eq!(e.errno, libc::EINVAL, "line {i}"),
            (Dpdk::Help, Ok(p)) => {
                assert!(p.config.show_help || p.config.show_log_help, "line {i}")
            }
            (Dpdk::Ok(n, app), Ok(p)) => {
                assert!(!p.config.show_help && !p.config.show_log_help, "line {i}");
                assert_eq!(p.consumed, *n, "line {i}: {line}");
                let fin = p.final_order();
                let got: Vec<&str> = fin[p.consumed..].iter().map(|&k| words[k]).collect();
                assert_eq!(got.join(" "), *app, "line {i}: {line}");
            }
            (w, g) => panic!(
                "line {i}: {line}: DPDK {w:?}, ours {:?}",
                g.map(|p| p.consumed)
            ),
        }
    }
}
