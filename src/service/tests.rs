//! Tests of the service tables and service lcores, each on its own [`Services`] over its own
//! lcore table with real worker threads (lcores 1 and 2; the test thread has no lcore id).

use super::*;
use crate::abi::service::{
    RTE_SERVICE_ATTR_CALL_COUNT, RTE_SERVICE_ATTR_CYCLES, RTE_SERVICE_LCORE_ATTR_CYCLES,
    RTE_SERVICE_LCORE_ATTR_LOOPS,
};
use crate::base::lcore::{cpuset, Topology, ROLE_RTE, ROLE_SERVICE};
use std::collections::BTreeMap;
use std::ffi::c_int;
use std::path::Path;
use std::time::{Duration, Instant};

/// Services over an lcore table with worker lcores 1 and 2 (all on the first CPU).
struct Fixture {
    s: &'static Services,
    l: Arc<Lcores>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.s.finalize();
        self.l.shutdown();
    }
}

fn fixture() -> Fixture {
    let topo = Topology::read(Path::new("/sys")).expect("sysfs topology");
    let cpu = topo.cpus().next().expect("a CPU");
    let l = Arc::new(Lcores::new());
    let lcores: BTreeMap<u32, Vec<usize>> = (0..3).map(|i| (i, vec![cpu])).collect();
    l.configure(topo, &lcores, 0, &cpuset::current_thread_affinity())
        .unwrap();
    l.spawn_workers(1 << 20).unwrap();
    let s: &'static Services = Box::leak(Box::new(Services::new(l.clone())));
    s.init(std::iter::empty(), 0).unwrap();
    Fixture { s, l }
}

fn spec(
    name: &str,
    cb: crate::abi::service::rte_service_func,
    arg: *mut c_void,
    caps: u32,
) -> rte_service_spec {
    let mut s = rte_service_spec {
        name: [0; RTE_SERVICE_NAME_MAX],
        callback: cb,
        callback_userdata: arg,
        capabilities: caps,
        socket_id: 0,
    };
    for (d, b) in s.name.iter_mut().zip(name.bytes()) {
        *d = b as c_char;
    }
    s
}

/// Counts its calls in the AtomicU64 it is given.
unsafe extern "C" fn count_cb(arg: *mut c_void) -> i32 {
    // SAFETY: every test passes a live AtomicU64.
    unsafe { &*(arg as *const AtomicU64) }.fetch_add(1, SeqCst);
    0
}

/// Counts its calls and says it did no work.
unsafe extern "C" fn eagain_cb(arg: *mut c_void) -> i32 {
    // SAFETY: as count_cb.
    unsafe { &*(arg as *const AtomicU64) }.fetch_add(1, SeqCst);
    -libc::EAGAIN
}

fn counter() -> &'static AtomicU64 {
    Box::leak(Box::new(AtomicU64::new(0)))
}

fn arg(c: &'static AtomicU64) -> *mut c_void {
    c as *const AtomicU64 as *mut c_void
}

/// Polls `cond` for up to 10 s.
fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    cond()
}

fn errno<T: std::fmt::Debug>(r: Result<T>) -> c_int {
    r.unwrap_err().errno
}

#[test]
fn register_checks_the_spec_and_fills_the_lowest_free_slot() {
    let f = fixture();
    let c = counter();
    let mut no_cb = spec("x", None, arg(c), 0);
    assert_eq!(errno(f.s.register(&no_cb)), libc::EINVAL);
    no_cb.callback = Some(count_cb);
    no_cb.name = [0; RTE_SERVICE_NAME_MAX];
    assert_eq!(errno(f.s.register(&no_cb)), libc::EINVAL, "empty name");
    no_cb.name = [b'a' as c_char; RTE_SERVICE_NAME_MAX];
    assert_eq!(errno(f.s.register(&no_cb)), libc::EINVAL, "no NUL");
    assert_eq!(f.s.count(), 0);

    for i in 0..SERVICE_MAX as u32 {
        let id =
            f.s.register(&spec(&format!("svc{i}"), Some(count_cb), arg(c), 0))
                .unwrap();
        assert_eq!(id, i);
    }
    assert_eq!(f.s.count(), 64);
    let full = f.s.register(&spec("one-more", Some(count_cb), arg(c), 0));
    assert_eq!(errno(full), libc::ENOSPC);
    f.s.unregister(5).unwrap();
    assert_eq!(f.s.count(), 63);
    assert_eq!(errno(f.s.unregister(5)), libc::EINVAL, "already free");
    assert_eq!(errno(f.s.unregister(1000)), libc::EINVAL);
    let id =
        f.s.register(&spec("again", Some(count_cb), arg(c), 0))
            .unwrap();
    assert_eq!(id, 5, "the lowest free slot");
    assert_eq!(f.s.get_by_name(b"again").unwrap(), 5);
    assert_eq!(f.s.get_by_name(b"svc7").unwrap(), 7);
    assert_eq!(errno(f.s.get_by_name(b"svc5")), libc::ENODEV);
    // SAFETY: name_ptr points to a NUL-terminated name inside the table.
    let name = unsafe { std::ffi::CStr::from_ptr(f.s.name_ptr(63).unwrap()) };
    assert_eq!(name.to_bytes(), b"svc63");
    assert_eq!(errno(f.s.name_ptr(64)), libc::EINVAL);
}

#[test]
fn capability_and_invalid_ids_follow_dpdk() {
    let f = fixture();
    let c = counter();
    let safe =
        f.s.register(&spec(
            "safe",
            Some(count_cb),
            arg(c),
            RTE_SERVICE_CAP_MT_SAFE,
        ))
        .unwrap();
    let unsafe_ =
        f.s.register(&spec("unsafe", Some(count_cb), arg(c), 0))
            .unwrap();
    assert_eq!(
        f.s.probe_capability(safe, RTE_SERVICE_CAP_MT_SAFE).unwrap(),
        1
    );
    assert_eq!(
        f.s.probe_capability(unsafe_, RTE_SERVICE_CAP_MT_SAFE)
            .unwrap(),
        0
    );
    for bad in [2, 63, 64, u32::MAX] {
        assert_eq!(errno(f.s.probe_capability(bad, 1)), libc::EINVAL);
        assert_eq!(errno(f.s.runstate_get(bad)), libc::EINVAL);
        assert_eq!(errno(f.s.runstate_set(bad, true)), libc::EINVAL);
        assert_eq!(errno(f.s.component_runstate_set(bad, true)), libc::EINVAL);
        assert_eq!(errno(f.s.may_be_active(bad)), libc::EINVAL);
        assert_eq!(errno(f.s.attr_get(bad, 0)), libc::EINVAL);
        assert_eq!(errno(f.s.attr_reset_all(bad)), libc::EINVAL);
        assert_eq!(errno(f.s.run_iter_on_app_lcore(bad, true)), libc::EINVAL);
        assert_eq!(errno(f.s.set_stats_enable(bad, true)), libc::EINVAL);
    }
}

#[test]
fn runstate_needs_both_states_and_a_mapped_lcore_unless_unchecked() {
    let f = fixture();
    let c = counter();
    let id =
        f.s.register(&spec("rs", Some(count_cb), arg(c), 0))
            .unwrap();
    assert_eq!(f.s.runstate_get(id).unwrap(), 0);
    f.s.runstate_set(id, true).unwrap();
    assert_eq!(f.s.runstate_get(id).unwrap(), 0, "component still stopped");
    f.s.component_runstate_set(id, true).unwrap();
    assert_eq!(f.s.runstate_get(id).unwrap(), 0, "not mapped");
    f.s.set_runstate_mapped_check(id, false).unwrap();
    assert_eq!(f.s.runstate_get(id).unwrap(), 1, "mapped check off");
    f.s.set_runstate_mapped_check(id, true).unwrap();
    assert_eq!(
        errno(f.s.map_lcore_set(id, 1, true)),
        libc::EINVAL,
        "not a service lcore"
    );
    f.s.lcore_add(1).unwrap();
    f.s.map_lcore_set(id, 1, true).unwrap();
    f.s.map_lcore_set(id, 1, true).unwrap();
    assert_eq!(
        f.s.services[id as usize].num_mapped_cores.load(SeqCst),
        1,
        "mapped once"
    );
    assert_eq!(f.s.map_lcore_get(id, 1).unwrap(), 1);
    assert_eq!(f.s.runstate_get(id).unwrap(), 1);
    f.s.map_lcore_set(id, 1, false).unwrap();
    assert_eq!(f.s.map_lcore_get(id, 1).unwrap(), 0);
    assert_eq!(f.s.runstate_get(id).unwrap(), 0);
    assert_eq!(errno(f.s.map_lcore_get(id, 128)), libc::EINVAL);
}

#[test]
fn lcore_add_del_switch_the_role_in_the_lcore_table() {
    let f = fixture();
    assert_eq!(f.s.lcore_count(), 0);
    assert_eq!(
        f.s.lcore_add(2).unwrap(),
        0,
        "what last ran there returned 0"
    );
    assert_eq!(errno(f.s.lcore_add(2)), libc::EALREADY);
    assert_eq!(errno(f.s.lcore_add(128)), libc::EINVAL);
    assert_eq!(f.l.role(2), ROLE_SERVICE);
    assert!(
        !f.l.is_enabled(2),
        "RTE_LCORE_FOREACH skips a service lcore"
    );
    assert_eq!(f.l.count(), 3, "the lcore count does not change");
    f.s.lcore_add(1).unwrap();
    assert_eq!(f.s.lcore_list(), vec![1, 2]);
    let mut two = [0u32; 2];
    assert_eq!(f.s.lcore_list_into(&mut two).unwrap(), 2);
    assert_eq!(two, [1, 2]);
    assert_eq!(errno(f.s.lcore_list_into(&mut [0u32; 1])), libc::ENOMEM);
    assert_eq!(f.s.lcore_count_services(1).unwrap(), 0);
    assert_eq!(errno(f.s.lcore_count_services(0)), libc::ENOTSUP);
    assert_eq!(errno(f.s.lcore_count_services(200)), libc::EINVAL);
    f.s.lcore_del(2).unwrap();
    assert_eq!(errno(f.s.lcore_del(2)), libc::EINVAL);
    assert_eq!(f.l.role(2), ROLE_RTE);
    f.s.lcore_reset_all();
    assert_eq!(f.l.role(1), ROLE_RTE);
    assert_eq!(f.s.lcore_count(), 0);
}

#[test]
fn a_started_lcore_runs_its_services_with_statistics() {
    let f = fixture();
    let c = counter();
    let id =
        f.s.register(&spec("stats", Some(count_cb), arg(c), 0))
            .unwrap();
    f.s.component_runstate_set(id, true).unwrap();
    f.s.runstate_set(id, true).unwrap();
    f.s.set_stats_enable(id, true).unwrap();
    assert_eq!(
        errno(f.s.lcore_start(1)),
        libc::EINVAL,
        "not a service lcore"
    );
    f.s.lcore_add(1).unwrap();
    f.s.map_lcore_set(id, 1, true).unwrap();
    assert_eq!(f.s.lcore_may_be_active(1).unwrap(), 0);
    f.s.lcore_start(1).unwrap();
    assert_eq!(errno(f.s.lcore_start(1)), libc::EALREADY);
    assert!(
        eventually(|| c.load(SeqCst) > 10),
        "the service lcore polls"
    );
    assert_eq!(f.s.lcore_may_be_active(1).unwrap(), 1);
    assert_eq!(f.s.may_be_active(id).unwrap(), 1);
    assert!(f.s.attr_get(id, RTE_SERVICE_ATTR_CALL_COUNT).unwrap() > 0);
    assert!(f.s.attr_get(id, RTE_SERVICE_ATTR_CYCLES).unwrap() > 0);
    assert_eq!(errno(f.s.attr_get(id, 7)), libc::EINVAL);
    assert!(f.s.lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS).unwrap() > 0);
    assert!(
        f.s.lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES)
            .unwrap()
            > 0
    );
    assert_eq!(errno(f.s.lcore_attr_get(1, 42)), libc::EINVAL);
    assert_eq!(errno(f.s.lcore_attr_get(0, 0)), libc::ENOTSUP);
    assert_eq!(errno(f.s.lcore_attr_get(u32::MAX, 0)), libc::EINVAL);

    assert_eq!(errno(f.s.lcore_stop(1)), libc::EBUSY, "its only lcore");
    f.s.runstate_set(id, false).unwrap();
    f.s.lcore_stop(1).unwrap();
    assert_eq!(errno(f.s.lcore_stop(1)), libc::EALREADY);
    assert_eq!(errno(f.s.lcore_stop(100_000)), libc::EINVAL);
    assert!(eventually(|| f.s.lcore_may_be_active(1).unwrap() == 0));
    assert_eq!(f.s.may_be_active(id).unwrap(), 0);
    assert_eq!(f.l.wait_lcore(1), 0, "the loop returned 0");
    assert_eq!(errno(f.s.lcore_del(5)), libc::EINVAL);

    let calls = f.s.attr_get(id, RTE_SERVICE_ATTR_CALL_COUNT).unwrap();
    f.s.attr_reset_all(id).unwrap();
    assert!(calls > 0);
    assert_eq!(f.s.attr_get(id, RTE_SERVICE_ATTR_CALL_COUNT).unwrap(), 0);
    assert_eq!(f.s.attr_get(id, RTE_SERVICE_ATTR_CYCLES).unwrap(), 0);
    let cycles =
        f.s.lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES)
            .unwrap();
    f.s.lcore_attr_reset_all(1).unwrap();
    assert_eq!(
        f.s.lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_LOOPS).unwrap(),
        0
    );
    assert_eq!(
        f.s.lcore_attr_get(1, RTE_SERVICE_LCORE_ATTR_CYCLES)
            .unwrap(),
        cycles,
        "DPDK 22.11 resets the loops only"
    );
    assert_eq!(errno(f.s.lcore_attr_reset_all(0)), libc::ENOTSUP);
    f.s.lcore_del(1).unwrap();
    assert_eq!(
        f.s.attr_get(id, RTE_SERVICE_ATTR_CALL_COUNT).unwrap(),
        0,
        "only service lcores are summed"
    );
}

#[test]
fn eagain_calls_count_but_their_cycles_do_not() {
    let f = fixture();
    let c = counter();
    let id =
        f.s.register(&spec("idle", Some(eagain_cb), arg(c), 0))
            .unwrap();
    f.s.component_runstate_set(id, true).unwrap();
    f.s.runstate_set(id, true).unwrap();
    f.s.set_stats_enable(id, true).unwrap();
    f.s.lcore_add(2).unwrap();
    f.s.map_lcore_set(id, 2, true).unwrap();
    f.s.lcore_start(2).unwrap();
    assert!(eventually(|| f
        .s
        .attr_get(id, RTE_SERVICE_ATTR_CALL_COUNT)
        .unwrap()
        > 5));
    f.s.map_lcore_set(id, 2, false).unwrap();
    f.s.lcore_stop(2).unwrap();
    f.l.wait_lcore(2);
    assert_eq!(f.s.attr_get(id, RTE_SERVICE_ATTR_CYCLES).unwrap(), 0);
    assert_eq!(
        f.s.lcore_attr_get(2, RTE_SERVICE_LCORE_ATTR_CYCLES)
            .unwrap(),
        0
    );
}

/// Holds the service until the flag it is given is cleared, counting entries.
struct Gate {
    inside: AtomicU32,
    hold: AtomicBool,
}

unsafe extern "C" fn gate_cb(arg: *mut c_void) -> i32 {
    // SAFETY: the test passes a live Gate.
    let g = unsafe { &*(arg as *const Gate) };
    g.inside.fetch_add(1, SeqCst);
    while g.hold.load(SeqCst) {
        std::hint::spin_loop();
    }
    0
}

#[test]
fn an_mt_unsafe_service_runs_on_one_thread_at_a_time() {
    let f = fixture();
    let g: &'static Gate = Box::leak(Box::new(Gate {
        inside: AtomicU32::new(0),
        hold: AtomicBool::new(true),
    }));
    let a = g as *const Gate as *mut c_void;
    let id = f.s.register(&spec("serial", Some(gate_cb), a, 0)).unwrap();
    assert_eq!(
        f.s.run_iter_on_app_lcore(id, true).unwrap(),
        -libc::ENOEXEC,
        "stopped"
    );
    f.s.component_runstate_set(id, true).unwrap();
    f.s.runstate_set(id, true).unwrap();
    let s = f.s;
    let t = std::thread::spawn(move || s.run_iter_on_app_lcore(id, true).unwrap());
    assert!(eventually(|| g.inside.load(SeqCst) == 1));
    assert_eq!(
        f.s.services[id as usize].num_mapped_cores.load(SeqCst),
        1,
        "an application lcore in run_iter counts as mapped"
    );
    assert_eq!(f.s.run_iter_on_app_lcore(id, true).unwrap(), -libc::EBUSY);
    g.hold.store(false, SeqCst);
    assert_eq!(t.join().unwrap(), 0);
    assert_eq!(f.s.services[id as usize].num_mapped_cores.load(SeqCst), 0);
    assert_eq!(f.s.run_iter_on_app_lcore(id, true).unwrap(), 0);
}

#[test]
fn an_mt_safe_service_runs_on_two_lcores_at_once() {
    let f = fixture();
    let g: &'static Gate = Box::leak(Box::new(Gate {
        inside: AtomicU32::new(0),
        hold: AtomicBool::new(true),
    }));
    let a = g as *const Gate as *mut c_void;
    let id =
        f.s.register(&spec("parallel", Some(gate_cb), a, RTE_SERVICE_CAP_MT_SAFE))
            .unwrap();
    f.s.component_runstate_set(id, true).unwrap();
    f.s.runstate_set(id, true).unwrap();
    for l in [1, 2] {
        f.s.lcore_add(l).unwrap();
        f.s.map_lcore_set(id, l, true).unwrap();
        f.s.lcore_start(l).unwrap();
    }
    assert!(
        eventually(|| g.inside.load(SeqCst) == 2),
        "both lcores inside"
    );
    assert_eq!(f.s.lcore_stop(1), Ok(()), "lcore 2 is mapped too");
    f.s.map_lcore_set(id, 1, false).unwrap();
    assert_eq!(errno(f.s.lcore_stop(2)), libc::EBUSY, "now its only lcore");
    g.hold.store(false, SeqCst);
    f.s.runstate_set(id, false).unwrap();
    f.s.lcore_stop(2).unwrap();
    f.l.wait_lcore(1);
    f.l.wait_lcore(2);
}

#[test]
fn unregister_unmaps_the_service_everywhere() {
    let f = fixture();
    let c = counter();
    let id =
        f.s.register(&spec("gone", Some(count_cb), arg(c), 0))
            .unwrap();
    f.s.lcore_add(1).unwrap();
    f.s.lcore_add(2).unwrap();
    f.s.map_lcore_set(id, 1, true).unwrap();
    f.s.map_lcore_set(id, 2, true).unwrap();
    assert_eq!(f.s.lcore_count_services(2).unwrap(), 1);
    f.s.unregister(id).unwrap();
    assert_eq!(f.s.lcore_count_services(1).unwrap(), 0);
    assert_eq!(f.s.lcore_count_services(2).unwrap(), 0);
    let again =
        f.s.register(&spec("new", Some(count_cb), arg(c), 0))
            .unwrap();
    assert_eq!(again, id);
    assert_eq!(f.s.runstate_get(again).unwrap(), 0, "no runstate left over");
    assert_eq!(f.s.map_lcore_get(again, 1).unwrap(), 0);
}

#[test]
fn start_with_defaults_maps_round_robin_and_finalize_stops_every_loop() {
    let f = fixture();
    assert_eq!(errno(f.s.start_with_defaults()), libc::ENOTSUP);
    let c = counter();
    let ids: Vec<u32> = (0..3)
        .map(|i| {
            let id =
                f.s.register(&spec(&format!("d{i}"), Some(count_cb), arg(c), 0))
                    .unwrap();
            f.s.component_runstate_set(id, true).unwrap();
            id
        })
        .collect();
    f.s.lcore_add(1).unwrap();
    f.s.lcore_add(2).unwrap();
    f.s.start_with_defaults().unwrap();
    assert_eq!(f.s.map_lcore_get(ids[0], 1).unwrap(), 1);
    assert_eq!(f.s.map_lcore_get(ids[1], 2).unwrap(), 1);
    assert_eq!(f.s.map_lcore_get(ids[2], 1).unwrap(), 1);
    assert_eq!(f.s.map_lcore_get(ids[1], 1).unwrap(), 0);
    assert!(ids.iter().all(|&i| f.s.runstate_get(i).unwrap() == 1));
    assert!(eventually(|| c.load(SeqCst) > 10));
    f.s.finalize();
    assert_eq!(f.l.lcore_state(1), crate::base::lcore::WAIT, "loop ended");
    assert_eq!(f.l.lcore_state(2), crate::base::lcore::WAIT, "loop ended");
    assert_eq!((f.l.role(1), f.l.role(2)), (ROLE_RTE, ROLE_RTE));
    assert_eq!(f.s.count(), 0, "finalize forgets the services");
    let seen = c.load(SeqCst);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(c.load(SeqCst), seen, "nothing polls any more");
    f.s.init(std::iter::empty(), 0).unwrap();
    assert_eq!(errno(f.s.init(std::iter::empty(), 0)), libc::EALREADY);
}

#[test]
fn init_adds_the_service_lcores_but_not_the_main_one() {
    let f = fixture();
    f.s.finalize();
    f.s.init([0, 2].into_iter(), 0).unwrap();
    assert_eq!(f.s.lcore_list(), vec![2]);
    assert_eq!(f.l.role(0), ROLE_RTE);
}

#[test]
fn dump_prints_dpdks_summary() {
    let f = fixture();
    let c = counter();
    let a =
        f.s.register(&spec("alpha", Some(count_cb), arg(c), 0))
            .unwrap();
    f.s.register(&spec("beta", Some(count_cb), arg(c), 0))
        .unwrap();
    f.s.set_stats_enable(a, true).unwrap();
    f.s.lcore_add(2).unwrap();
    let mut one = Vec::new();
    f.s.dump(&mut one, a).unwrap();
    assert_eq!(
        String::from_utf8(one).unwrap(),
        "Service alpha Summary\n  alpha: stats 1\tcalls 1\tcycles 0\tavg: 0\n"
    );
    let mut all = Vec::new();
    f.s.dump(&mut all, u32::MAX).unwrap();
    assert_eq!(
        String::from_utf8(all).unwrap(),
        "Services Summary\n  alpha: stats 1\tcalls 1\tcycles 0\tavg: 0\n  \
         beta: stats 0\tcalls 1\tcycles 0\tavg: 0\nService Cores Summary\n02\t0\t0\t\n"
    );
    assert_eq!(errno(f.s.dump(&mut Vec::new(), 9)), libc::EINVAL);
}
