//! Tests of the lcore table, the launch state machine and non-EAL registration, each on its
//! own [`Lcores`] instance and its own threads (the C thread-locals are per thread).

use super::topology::tests::{fake_sysfs, tempdir};
use super::*;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

type LcoreMap<'a> = &'a [(u32, &'a [usize])];
type MainJob = Box<dyn FnOnce(&Arc<Lcores>) + Send>;

fn map(pairs: LcoreMap<'_>) -> BTreeMap<u32, Vec<usize>> {
    pairs.iter().map(|(i, c)| (*i, c.to_vec())).collect()
}

/// A fake two-node machine: CPUs 0-1 on node 0, 2-3 on node 1.
fn two_node_topology() -> Topology {
    let d = tempdir("table");
    fake_sysfs(
        &d,
        "0-3",
        &[
            (0, Some(0), 0),
            (1, Some(0), 1),
            (2, Some(1), 0),
            (3, Some(1), 1),
        ],
    );
    let t = Topology::read(&d).unwrap();
    std::fs::remove_dir_all(&d).unwrap();
    t
}

fn all_cpus() -> CpuSet {
    CpuSet::from_cpus(&[0, 1, 2, 3]).unwrap()
}

#[test]
fn table_before_init_looks_like_dpdks_zeroed_config() {
    let t = Lcores::new();
    assert_eq!(t.count(), 0);
    assert_eq!(t.main(), 0);
    assert_eq!(
        t.role(0),
        ROLE_RTE,
        "DPDK's zero-initialised roles read as ROLE_RTE"
    );
    assert_eq!(t.next(u32::MAX, false, false), 0);
    assert!(t.sockets().is_empty());
    assert_eq!(t.socket_by_idx(0).unwrap_err().errno, libc::EINVAL);
    assert_eq!(t.lcore_state(1), WAIT);
    assert_eq!(t.wait_lcore(1), 0);
}

#[test]
fn configure_fills_roles_indexes_sockets_and_cpusets() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (1, &[1]), (2, &[2]), (5, &[1, 2])]),
        1,
        &all_cpus(),
    )
    .unwrap();
    assert_eq!(t.count(), 4);
    assert_eq!(t.main(), 1);
    assert_eq!(
        (t.role(0), t.role(3), t.role(5), t.role(200)),
        (ROLE_RTE, ROLE_OFF, ROLE_RTE, ROLE_OFF)
    );
    assert!(t.has_role(3, ROLE_OFF));
    assert!(!t.has_role(128, ROLE_OFF), "out of range has no role");
    assert_eq!(
        (t.index(0), t.index(1), t.index(2), t.index(3), t.index(5)),
        (0, 1, 2, -1, 3)
    );
    assert_eq!(t.index(128), -1);
    assert_eq!((t.socket_of(0), t.socket_of(2)), (0, 1));
    assert_eq!(
        t.socket_of(5),
        SOCKET_ID_ANY_U,
        "a CPU set spanning nodes has no socket"
    );
    assert_eq!(
        t.socket_of(3),
        1,
        "an unused lcore reports its own CPU's node"
    );
    assert_eq!(t.socket_of(100), 0, "a lcore without CPU reports socket 0");
    assert_eq!(
        t.cpu_id(3),
        1,
        "cpu id is the core_id of the CPU numbered like the lcore"
    );
    assert_eq!(t.cpu_id(200), -1);
    assert_eq!(t.cpuset(5).cpus(), vec![1, 2]);
    assert_eq!(t.sockets(), vec![0, 1]);
    assert_eq!(t.socket_by_idx(1).unwrap(), 1);
    assert_eq!(
        t.ctrl_cpuset().cpus(),
        vec![3],
        "control threads get the CPUs no lcore uses"
    );
}

#[test]
fn control_threads_fall_back_to_the_main_lcores_cpus() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0, 1, 2, 3]), (1, &[3])]),
        1,
        &all_cpus(),
    )
    .unwrap();
    assert_eq!(t.ctrl_cpuset().cpus(), vec![3]);
}

#[test]
fn configure_rejects_bad_lcore_maps() {
    let bad: &[(LcoreMap<'_>, u32, &str)] = &[
        (&[(128, &[0])], 128, "RTE_MAX_LCORE"),
        (&[(0, &[7])], 0, "CPU 7 is not present"),
        (&[(0, &[])], 0, "no CPU"),
        (&[(0, &[0])], 1, "main lcore 1"),
        (&[], 0, "no lcore"),
    ];
    for (m, main, why) in bad {
        let e = Lcores::new()
            .configure(two_node_topology(), &map(m), *main, &all_cpus())
            .unwrap_err();
        assert_eq!(e.errno, libc::EINVAL);
        assert!(e.msg.contains(why), "{} should mention {why}", e.msg);
    }
    let t = Lcores::new();
    t.configure(two_node_topology(), &map(&[(0, &[0])]), 0, &all_cpus())
        .unwrap();
    let e = t
        .configure(two_node_topology(), &map(&[(0, &[0])]), 0, &all_cpus())
        .unwrap_err();
    assert_eq!(e.errno, libc::EALREADY);
}

#[test]
fn next_lcore_skips_main_and_wraps() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(1, &[1]), (3, &[3]), (7, &[0])]),
        3,
        &all_cpus(),
    )
    .unwrap();
    assert_eq!(t.next(u32::MAX, false, false), 1);
    assert_eq!(t.next(1, false, false), 3);
    assert_eq!(t.next(1, true, false), 7);
    assert_eq!(t.next(7, false, false), RTE_MAX_LCORE as u32);
    assert_eq!(t.next(7, false, true), 1);
    assert_eq!(t.next(7, true, true), 1);
    assert_eq!(t.next(1, true, true), 7);
    assert_eq!(
        t.next(500, false, true),
        1,
        "501 wraps to 117, then on past 127 to 1"
    );
}

#[test]
fn next_lcore_with_nothing_eligible_stops_instead_of_spinning() {
    let t = Lcores::new();
    t.configure(two_node_topology(), &map(&[(4, &[0])]), 4, &all_cpus())
        .unwrap();
    assert_eq!(t.next(4, true, true), RTE_MAX_LCORE as u32);
}

#[test]
fn iterate_visits_lcores_in_use_and_stops_on_nonzero() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (2, &[2]), (9, &[1])]),
        0,
        &all_cpus(),
    )
    .unwrap();
    let mut seen = vec![];
    assert_eq!(
        t.iterate(|i| {
            seen.push(i);
            0
        }),
        0
    );
    assert_eq!(seen, vec![0, 2, 9]);
    let mut n = 0;
    assert_eq!(
        t.iterate(|i| {
            n += 1;
            if i == 2 {
                42
            } else {
                0
            }
        }),
        42
    );
    assert_eq!(n, 2);
}

#[test]
fn dump_prints_one_dpdk_line_per_lcore() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (1, &[2, 3])]),
        0,
        &all_cpus(),
    )
    .unwrap();
    assert_eq!(
        t.dump(),
        "lcore 0, socket 0, role RTE, cpuset 0\nlcore 1, socket 1, role RTE, cpuset 2,3\n"
    );
}

// --- callbacks and non-EAL threads ---------------------------------------------------------

static INITS: AtomicUsize = AtomicUsize::new(0);
static UNINITS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_init(_id: c_uint, arg: *mut c_void) -> c_int {
    // SAFETY: tests pass a pointer to a live AtomicUsize.
    unsafe { &*(arg as *const AtomicUsize) }.fetch_add(1, Ordering::SeqCst);
    0
}
unsafe extern "C" fn count_uninit(_id: c_uint, arg: *mut c_void) {
    // SAFETY: as above; uninit counts in the slot after the init counter.
    unsafe { &*(arg as *const AtomicUsize).add(1) }.fetch_add(1, Ordering::SeqCst);
}
unsafe extern "C" fn refuse_lcore_2(id: c_uint, _arg: *mut c_void) -> c_int {
    INITS.fetch_add(1, Ordering::SeqCst);
    (id == 2) as c_int
}
unsafe extern "C" fn note_uninit(_id: c_uint, _arg: *mut c_void) {
    UNINITS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn callback_init_runs_for_every_lcore_and_uninit_on_unregister() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (1, &[1]), (3, &[3])]),
        0,
        &all_cpus(),
    )
    .unwrap();
    let counters = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let arg = counters.as_ptr() as *mut c_void;
    let h = t
        .callback_register("t", Some(count_init), Some(count_uninit), arg)
        .unwrap();
    assert_eq!(counters[0].load(Ordering::SeqCst), 3);
    t.callback_unregister(h).unwrap();
    assert_eq!(counters[1].load(Ordering::SeqCst), 3);
    assert_eq!(
        t.callback_unregister(h).unwrap_err().errno,
        libc::EINVAL,
        "a stale handle is refused"
    );
}

#[test]
fn callback_refusing_a_lcore_is_rolled_back_and_not_registered() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (1, &[1]), (2, &[2]), (3, &[3])]),
        0,
        &all_cpus(),
    )
    .unwrap();
    INITS.store(0, Ordering::SeqCst);
    UNINITS.store(0, Ordering::SeqCst);
    assert!(t
        .callback_register(
            "r",
            Some(refuse_lcore_2),
            Some(note_uninit),
            std::ptr::null_mut()
        )
        .is_none());
    assert_eq!(
        INITS.load(Ordering::SeqCst),
        3,
        "init ran for 0, 1 and the refusing 2"
    );
    assert_eq!(UNINITS.load(Ordering::SeqCst), 2, "uninit undid 1 and 0");
}

#[test]
fn non_eal_thread_gets_first_free_lcore_and_gives_it_back() {
    let t = Arc::new(Lcores::new());
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (1, &[1])]),
        0,
        &all_cpus(),
    )
    .unwrap();
    let counters = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    t.callback_register(
        "nt",
        Some(count_init),
        Some(count_uninit),
        counters.as_ptr() as *mut c_void,
    )
    .unwrap();
    assert_eq!(counters[0].load(Ordering::SeqCst), 2);
    let t2 = Arc::clone(&t);
    std::thread::spawn(move || {
        assert_eq!(current_lcore(), LCORE_ID_ANY);
        assert_eq!(t2.register_thread().unwrap(), 2);
        assert_eq!(current_lcore(), 2);
        assert_eq!(t2.role(2), ROLE_NON_EAL);
        assert_eq!(t2.count(), 3);
        assert_eq!(t2.index(-1), -1, "non-EAL lcores have no index");
        assert!(!t2.is_enabled(2));
        assert_eq!(
            t2.next(1, false, false),
            RTE_MAX_LCORE as u32,
            "iteration skips non-EAL lcores"
        );
        t2.unregister_thread();
        assert_eq!(current_lcore(), LCORE_ID_ANY);
        assert_eq!(t2.role(2), ROLE_OFF);
        assert_eq!(t2.count(), 2);
    })
    .join()
    .unwrap();
    assert_eq!(counters[0].load(Ordering::SeqCst), 3);
    assert_eq!(counters[1].load(Ordering::SeqCst), 1);
}

#[test]
fn non_eal_registration_refused_by_a_callback_is_enomem() {
    let t = Arc::new(Lcores::new());
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (1, &[1])]),
        0,
        &all_cpus(),
    )
    .unwrap();
    // Accepts lcores 0 and 1, refuses 2 (the first free id).
    t.callback_register("r", Some(refuse_lcore_2), None, std::ptr::null_mut())
        .unwrap();
    let t2 = Arc::clone(&t);
    std::thread::spawn(move || {
        assert_eq!(t2.register_thread().unwrap_err().errno, libc::ENOMEM);
        assert_eq!(current_lcore(), LCORE_ID_ANY);
        assert_eq!(t2.role(2), ROLE_OFF);
        assert_eq!(t2.count(), 2);
    })
    .join()
    .unwrap();
}

#[test]
fn non_eal_registration_fails_when_every_id_is_taken() {
    let t = Arc::new(Lcores::new());
    let all: BTreeMap<u32, Vec<usize>> = (0..RTE_MAX_LCORE as u32).map(|i| (i, vec![0])).collect();
    t.configure(two_node_topology(), &all, 0, &all_cpus())
        .unwrap();
    let t2 = Arc::clone(&t);
    std::thread::spawn(move || assert_eq!(t2.register_thread().unwrap_err().errno, libc::ENOMEM))
        .join()
        .unwrap();
}

// --- launch state machine (real threads, real CPUs) ----------------------------------------

/// Starts `t` with lcores 0..n on this machine's CPUs, from a dedicated "main" thread so the
/// test harness thread is never pinned. Returns the main thread's handle (kept alive by a
/// channel) and a way to run closures on it.
struct Eal {
    t: Arc<Lcores>,
    tx: std::sync::mpsc::Sender<MainJob>,
    main: Option<std::thread::JoinHandle<()>>,
}

impl Eal {
    fn start(n_workers: u32) -> Eal {
        let cpus = cpuset::current_thread_affinity().cpus();
        let lcores: BTreeMap<u32, Vec<usize>> = (0..=n_workers)
            .map(|i| (i, vec![cpus[i as usize % cpus.len()]]))
            .collect();
        let t = Arc::new(Lcores::new());
        t.configure(
            Topology::read(Path::new("/sys")).unwrap(),
            &lcores,
            0,
            &CpuSet::from_cpus(&cpus).unwrap(),
        )
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<MainJob>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let t2 = Arc::clone(&t);
        let main = std::thread::spawn(move || {
            ready_tx.send(t2.start(1 << 20, true)).unwrap();
            for f in rx {
                f(&t2);
            }
        });
        ready_rx.recv().unwrap().unwrap();
        Eal {
            t,
            tx,
            main: Some(main),
        }
    }

    /// Runs `f` on the main lcore's thread and returns its result.
    fn on_main<R: Send + 'static>(&self, f: impl FnOnce(&Arc<Lcores>) -> R + Send + 'static) -> R {
        let (tx, rx) = std::sync::mpsc::channel();
        self.tx
            .send(Box::new(move |t| tx.send(f(t)).unwrap()))
            .unwrap();
        rx.recv().unwrap()
    }
}

impl Drop for Eal {
    fn drop(&mut self) {
        self.t.shutdown();
        let (tx, _) = std::sync::mpsc::channel();
        drop(std::mem::replace(&mut self.tx, tx));
        let _ = self.main.take().unwrap().join();
    }
}

/// A gate a launched function blocks on, so tests control when it returns.
struct Gate {
    open: std::sync::Mutex<bool>,
    cond: std::sync::Condvar,
    entered: AtomicUsize,
    ret: c_int,
}

impl Gate {
    fn new(ret: c_int) -> Arc<Gate> {
        Arc::new(Gate {
            open: std::sync::Mutex::new(false),
            cond: std::sync::Condvar::new(),
            entered: AtomicUsize::new(0),
            ret,
        })
    }
    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.cond.notify_all();
    }
    fn wait_entered(&self, n: usize) {
        while self.entered.load(Ordering::SeqCst) < n {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

unsafe extern "C" fn gated(arg: *mut c_void) -> c_int {
    // SAFETY: tests pass a pointer to a Gate they keep alive until the function returned.
    let g = unsafe { &*(arg as *const Gate) };
    g.entered.fetch_add(1, Ordering::SeqCst);
    let mut open = g.open.lock().unwrap();
    while !*open {
        open = g.cond.wait(open).unwrap();
    }
    g.ret
}

unsafe extern "C" fn return_arg(arg: *mut c_void) -> c_int {
    arg as usize as c_int
}

unsafe extern "C" fn report_identity(arg: *mut c_void) -> c_int {
    let mut name = [0 as std::ffi::c_char; 16];
    // SAFETY: `name` is 16 writable bytes.
    unsafe { libc::pthread_getname_np(libc::pthread_self(), name.as_mut_ptr(), 16) };
    // SAFETY: NUL-terminated by pthread_getname_np.
    let name = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: tests pass a pointer to a live Mutex<Vec<..>>.
    let out = unsafe { &*(arg as *const std::sync::Mutex<Vec<(u32, String, Vec<usize>)>>) };
    out.lock().unwrap().push((
        current_lcore(),
        name,
        cpuset::current_thread_affinity().cpus(),
    ));
    0
}

/// Plain (non-atomic) data the launcher writes before launching and the worker rewrites.
struct Payload {
    input: [u64; 64],
    output: [u64; 64],
}

unsafe extern "C" fn double_payload(arg: *mut c_void) -> c_int {
    // SAFETY: tests pass a pointer to a Payload nobody else touches until wait returns.
    let p = unsafe { &mut *(arg as *mut Payload) };
    for i in 0..64 {
        p.output[i] = p.input[i] * 2;
    }
    p.input.iter().sum::<u64>() as c_int
}

#[test]
fn workers_run_on_their_own_named_pinned_threads() {
    let eal = Eal::start(2);
    let seen: &'static std::sync::Mutex<Vec<(u32, String, Vec<usize>)>> = Box::leak(Box::default());
    for id in [1, 2] {
        eal.t
            .remote_launch(report_identity, seen as *const _ as *mut c_void, id)
            .unwrap();
        assert_eq!(eal.t.wait_lcore(id), 0);
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for (id, name, cpus) in seen {
        assert_eq!(name, format!("rte-worker-{id}"));
        assert_eq!(
            cpus,
            eal.t.cpuset(id).cpus(),
            "lcore {id} is pinned to its CPU set"
        );
    }
    let main_id = eal.on_main(|_| current_lcore());
    assert_eq!(
        main_id, 0,
        "the thread that started the table is the main lcore"
    );
}

#[test]
fn launch_is_running_until_the_function_returns_then_wait_gives_its_value() {
    let eal = Eal::start(1);
    let g = Gate::new(17);
    let arg = Arc::as_ptr(&g) as *mut c_void;
    eal.t.remote_launch(gated, arg, 1).unwrap();
    assert_eq!(
        eal.t.lcore_state(1),
        RUNNING,
        "RUNNING as soon as the launch returns"
    );
    g.wait_entered(1);
    let e = eal
        .t
        .remote_launch(return_arg, std::ptr::null_mut(), 1)
        .unwrap_err();
    assert_eq!(
        e.errno,
        libc::EBUSY,
        "a second launch on a busy lcore is refused"
    );
    assert_eq!(
        // SAFETY: return_arg never dereferences its argument.
        unsafe {
            eal.t
                .mp_remote_launch(return_arg, std::ptr::null_mut(), false)
        }
        .unwrap_err()
        .errno,
        libc::EBUSY
    );
    g.open();
    assert_eq!(eal.t.wait_lcore(1), 17);
    assert_eq!(eal.t.lcore_state(1), WAIT);
    assert_eq!(
        eal.t.wait_lcore(1),
        17,
        "wait keeps returning the last value"
    );
    // A finished lcore is WAIT again and can be relaunched without a wait in between.
    eal.t
        .remote_launch(return_arg, 5 as *mut c_void, 1)
        .unwrap();
    while eal.t.lcore_state(1) != WAIT {
        std::thread::yield_now();
    }
    eal.t
        .remote_launch(return_arg, 6 as *mut c_void, 1)
        .unwrap();
    assert_eq!(eal.t.wait_lcore(1), 6);
}

#[test]
fn launch_on_a_lcore_without_worker_is_refused() {
    let eal = Eal::start(1);
    assert_eq!(
        eal.t
            .remote_launch(return_arg, std::ptr::null_mut(), 0)
            .unwrap_err()
            .errno,
        libc::EINVAL,
        "main lcore"
    );
    assert_eq!(
        eal.t
            .remote_launch(return_arg, std::ptr::null_mut(), 50)
            .unwrap_err()
            .errno,
        libc::EINVAL,
        "lcore off"
    );
    assert_eq!(
        eal.t
            .remote_launch(return_arg, std::ptr::null_mut(), 500)
            .unwrap_err()
            .errno,
        libc::EINVAL,
        "out of range"
    );
    assert_eq!(
        eal.t.wait_lcore(50),
        0,
        "waiting on an idle lcore returns at once"
    );
}

#[test]
fn data_written_before_launch_is_seen_and_results_are_seen_after_wait() {
    let eal = Eal::start(2);
    for round in 0..200u64 {
        let mut p = Box::new(Payload {
            input: [0; 64],
            output: [0; 64],
        });
        for (i, v) in p.input.iter_mut().enumerate() {
            *v = round + i as u64;
        }
        let expect: u64 = p.input.iter().sum();
        let id = 1 + (round % 2) as u32;
        let ptr = Box::into_raw(p);
        eal.t
            .remote_launch(double_payload, ptr as *mut c_void, id)
            .unwrap();
        assert_eq!(eal.t.wait_lcore(id) as u64, expect);
        // SAFETY: the worker finished with it (wait returned); we own it again.
        let p = unsafe { Box::from_raw(ptr) };
        for i in 0..64 {
            assert_eq!(p.output[i], p.input[i] * 2, "round {round}");
        }
    }
}

#[test]
fn mp_launch_runs_everywhere_and_call_main_records_the_main_result() {
    let eal = Eal::start(2);
    let r = eal.on_main(|t| {
        // SAFETY: return_arg never dereferences its argument.
        unsafe { t.mp_remote_launch(return_arg, 9 as *mut c_void, true) }.unwrap();
        t.mp_wait_lcore();
        (
            t.wait_lcore(0),
            t.wait_lcore(1),
            t.wait_lcore(2),
            t.lcore_state(0),
        )
    });
    assert_eq!(r, (9, 9, 9, WAIT));
    let g = Gate::new(3);
    // SAFETY: SKIP_MAIN: nothing runs on this thread; the gate outlives the launch.
    unsafe {
        eal.t
            .mp_remote_launch(gated, Arc::as_ptr(&g) as *mut c_void, false)
    }
    .unwrap();
    g.wait_entered(2);
    assert_eq!(
        (eal.t.lcore_state(1), eal.t.lcore_state(2)),
        (RUNNING, RUNNING)
    );
    g.open();
    eal.t.mp_wait_lcore();
    assert_eq!(
        (
            eal.t.wait_lcore(1),
            eal.t.wait_lcore(2),
            eal.t.wait_lcore(0)
        ),
        (3, 3, 9)
    );
}

/// The calling thread's kernel tid (launched on a worker, it reports the worker).
unsafe extern "C" fn own_tid(_arg: *mut c_void) -> c_int {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() }
}

/// CPU time a thread of this process has run, from /proc (immune to other tests' threads).
fn thread_cpu_time(tid: c_int) -> Duration {
    let s = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat")).unwrap();
    Duration::from_nanos(s.split_whitespace().next().unwrap().parse().unwrap())
}

#[test]
fn idle_workers_sleep_instead_of_spinning() {
    let eal = Eal::start(2);
    let tids: Vec<c_int> = (1..=2)
        .map(|id| {
            eal.t
                .remote_launch(own_tid, std::ptr::null_mut(), id)
                .unwrap();
            eal.t.wait_lcore(id)
        })
        .collect();
    let before: Vec<Duration> = tids.iter().map(|&t| thread_cpu_time(t)).collect();
    std::thread::sleep(Duration::from_millis(300));
    for (t, b) in tids.iter().zip(before) {
        let used = thread_cpu_time(*t) - b;
        assert!(
            used < Duration::from_millis(30),
            "idle worker {t} used {used:?} of CPU in 300 ms"
        );
    }
    drop(eal);
}

#[test]
fn shutdown_joins_idle_workers_and_leaves_busy_ones_to_finish() {
    let eal = Eal::start(2);
    let g = Gate::new(1);
    eal.t
        .remote_launch(gated, Arc::as_ptr(&g) as *mut c_void, 2)
        .unwrap();
    g.wait_entered(1);
    eal.t.shutdown();
    assert!(eal.t.workers.lock().unwrap().is_empty());
    assert_eq!(
        eal.t
            .remote_launch(return_arg, std::ptr::null_mut(), 1)
            .unwrap_err()
            .errno,
        libc::EINVAL
    );
    g.open();
    assert_eq!(
        eal.t.wait_lcore(2),
        1,
        "the busy worker still finishes and reports"
    );
}

#[test]
fn stack_size_follows_huge_worker_stack_or_the_rlimit() {
    assert_eq!(launch::worker_stack_size(Some(512)), 512 * 1024);
    assert!(launch::worker_stack_size(None) >= 1 << 16);
    assert_eq!(
        launch::worker_stack_size(Some(0)),
        launch::worker_stack_size(None)
    );
}

#[test]
fn set_role_switches_an_lcore_between_rte_and_service_keeping_the_count() {
    let t = Lcores::new();
    t.configure(
        two_node_topology(),
        &map(&[(0, &[0]), (1, &[1]), (2, &[2])]),
        0,
        &all_cpus(),
    )
    .unwrap();
    t.set_role(1, Role::Service).unwrap();
    assert_eq!(t.role(1), ROLE_SERVICE);
    assert!(t.has_role(1, ROLE_SERVICE) && !t.is_enabled(1));
    assert_eq!(t.count(), 3, "the lcore count does not change");
    assert_eq!(t.enabled().collect::<Vec<_>>(), vec![0, 2]);
    assert_eq!(t.next(0, true, false), 2, "RTE_LCORE_FOREACH skips it");
    t.set_role(1, Role::Rte).unwrap();
    assert!(t.is_enabled(1));
    assert_eq!(
        t.set_role(128, Role::Service).unwrap_err().errno,
        libc::EINVAL
    );
}
