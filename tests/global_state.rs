//! Behaviour of the modules built around process-global state (init, mcfg, tailq, meminit,
//! memalloc, malloc, memzone), through the crate's own API.
//!
//! `rte_eal_init` runs once per process, so every test that needs it runs in a child: the test
//! binary runs itself again with `--exact <test>` and `RTEMEM_GLOBAL_STATE_CHILD=<test>`, and
//! the child does the work (a panic fails it). The parent waits a bounded time and kills a
//! child that hangs. The children run with `--no-huge --no-shconf` (no hugepages, no files
//! shared with anyone) and a unique `--file-prefix`.

use std::process::Command;
use std::time::{Duration, Instant};

use rtemem::abi::{rte_memzone, SOCKET_ID_ANY};
use rtemem::base::{mcfg, tailq};
use rtemem::mem::{memalloc, memseg};
use rtemem::{init as eal, malloc, memzone};

const CHILD_ENV: &str = "RTEMEM_GLOBAL_STATE_CHILD";
const CHILD_LIMIT: Duration = Duration::from_secs(60);

/// Runs `body` in a child process of its own (see the module note); in the parent, waits for
/// the child and fails when it failed or did not finish within [`CHILD_LIMIT`].
fn in_child(test: &str, body: impl FnOnce()) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(test) {
        body();
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, test)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + CHILD_LIMIT;
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "{test}: the child failed ({st})");
            return;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{test}: the child did not finish within {CHILD_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn args(tag: &str, extra: &[&str]) -> Vec<String> {
    let prefix = format!("rtm-gs-{tag}-{}", std::process::id());
    let mut v: Vec<String> = ["gs", "-l", "0", "--no-pci", "--file-prefix", &prefix]
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// EAL init with `--no-huge -m <mb> --no-shconf`.
fn init_no_huge(tag: &str, mb: u32) {
    let m = mb.to_string();
    eal::init(&args(tag, &["--no-huge", "-m", &m, "--no-shconf"])).expect("rte_eal_init");
}

/// The error of an init that must fail.
fn init_error(args: &[String]) -> rtemem::error::Error {
    match eal::init(args) {
        Ok(_) => panic!("rte_eal_init succeeded with {args:?}"),
        Err(e) => e,
    }
}

fn mz_name(mz: *const rte_memzone) -> String {
    // SAFETY: a live memzone record in the shared table.
    let n = unsafe { &(*mz).name };
    let b: Vec<u8> = n
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8(b).unwrap()
}

#[test]
fn memzone_name_index_finds_refuses_and_forgets_names() {
    in_child("memzone_name_index_finds_refuses_and_forgets_names", || {
        init_no_huge("mz", 64);
        let before = memzone::count();
        let a = memzone::reserve("gs_a", 4096, SOCKET_ID_ANY, 0, 0, 0).unwrap();
        assert_eq!(memzone::lookup("gs_a"), Some(a));
        assert_eq!(mz_name(a), "gs_a");
        let e = memzone::reserve("gs_a", 64, SOCKET_ID_ANY, 0, 0, 0).unwrap_err();
        assert_eq!(e.errno, libc::EEXIST);
        let long = "n".repeat(rtemem::abi::RTE_MEMZONE_NAMESIZE);
        let e = memzone::reserve(&long, 64, SOCKET_ID_ANY, 0, 0, 0).unwrap_err();
        assert_eq!(e.errno, libc::ENAMETOOLONG);
        assert_eq!(memzone::count(), before + 1);

        // Many names; freeing every other one leaves tombstones that look-ups probe past.
        let zones: Vec<_> = (0..200)
            .map(|i| memzone::reserve(&format!("gs_{i}"), 64, SOCKET_ID_ANY, 0, 0, 0).unwrap())
            .collect();
        for (i, &z) in zones.iter().enumerate() {
            assert_eq!(memzone::lookup(&format!("gs_{i}")), Some(z));
        }
        for z in zones.iter().step_by(2) {
            // SAFETY: a zone reserved above, freed once.
            unsafe { memzone::free(*z) }.unwrap();
        }
        for (i, &z) in zones.iter().enumerate() {
            let found = memzone::lookup(&format!("gs_{i}"));
            assert_eq!(found, (i % 2 == 1).then_some(z), "gs_{i}");
        }
        assert_eq!(memzone::count(), before + 1 + 100);
        // A freed name can be taken again.
        let again = memzone::reserve("gs_0", 64, SOCKET_ID_ANY, 0, 0, 0).unwrap();
        assert_eq!(memzone::lookup("gs_0"), Some(again));
        // SAFETY: live zones, freed once.
        unsafe {
            memzone::free(again).unwrap();
            memzone::free(a).unwrap();
        }
        assert_eq!(memzone::lookup("gs_a"), None);
        eal::cleanup().unwrap();
    });
}

fn tailq_elem(name: &str) -> *mut tailq::rte_tailq_elem {
    // SAFETY: all-zero is a valid element (NULL pointers, empty name).
    let e: &'static mut tailq::rte_tailq_elem = Box::leak(Box::new(unsafe { std::mem::zeroed() }));
    for (d, s) in e.name.iter_mut().zip(name.bytes()) {
        *d = s as std::ffi::c_char;
    }
    e
}

#[test]
fn tailqs_registered_before_and_after_init_get_their_shared_heads() {
    in_child(
        "tailqs_registered_before_and_after_init_get_their_shared_heads",
        || {
            // As a library constructor does: before init, the element waits for the config.
            let early = tailq_elem("gs_early");
            // SAFETY: a leaked (static) element.
            unsafe { tailq::register(early) }.unwrap();
            // SAFETY: as above.
            assert!(unsafe { (*early).head }.is_null());
            assert!(tailq::lookup("gs_early").is_none());
            init_no_huge("tq", 32);
            let head = tailq::lookup("gs_early").expect("init created the head");
            // SAFETY: as above.
            assert_eq!(unsafe { (*early).head }, head);

            // After init the head is made at once.
            let late = tailq_elem("gs_late");
            // SAFETY: as above.
            unsafe { tailq::register(late) }.unwrap();
            let late_head = tailq::lookup("gs_late").unwrap();
            // SAFETY: as above.
            assert_eq!(unsafe { (*late).head }, late_head);
            assert_ne!(late_head, head);

            // A name registered twice: refused, and the second element gets no head.
            let dup = tailq_elem("gs_late");
            // SAFETY: as above.
            let e = unsafe { tailq::register(dup) }.unwrap_err();
            assert_eq!(e.errno, libc::EEXIST);
            // SAFETY: as above.
            assert!(unsafe { (*dup).head }.is_null());
            eal::cleanup().unwrap();
        },
    );
}

#[test]
fn malloc_statistics_follow_allocations_and_frees() {
    in_child("malloc_statistics_follow_allocations_and_frees", || {
        init_no_huge("malloc", 64);
        // 1 MiB: a block of the heap itself, not of a per-thread cache's span (whose memory
        // stays allocated to the cache after a free).
        const SIZE: usize = 1 << 20;
        let s0 = malloc::socket_stats(0).unwrap();
        let p = malloc::alloc(SIZE, 0, 0, 0, false, &malloc::PagePolicy::ANY).unwrap();
        assert!(malloc::usable_size(p.as_ptr()).unwrap() >= SIZE);
        let s1 = malloc::socket_stats(0).unwrap();
        assert_eq!(s1.alloc_count, s0.alloc_count + 1);
        assert!(s1.heap_allocsz_bytes >= s0.heap_allocsz_bytes + SIZE);
        assert_eq!(
            s1.heap_totalsz_bytes,
            s1.heap_allocsz_bytes + s1.heap_freesz_bytes
        );
        assert!(malloc::heap_of(p.as_ptr()).is_some());

        malloc::free(p.as_ptr()).unwrap();
        let s2 = malloc::socket_stats(0).unwrap();
        assert_eq!(s2.alloc_count, s0.alloc_count);
        assert_eq!(s2.heap_allocsz_bytes, s0.heap_allocsz_bytes);

        // A pointer the heaps never gave out is refused and changes nothing.
        let mut local = [0u8; 64];
        assert!(malloc::free(local.as_mut_ptr()).is_err());
        let s3 = malloc::socket_stats(0).unwrap();
        assert_eq!(
            (s3.alloc_count, s3.heap_allocsz_bytes),
            (s2.alloc_count, s2.heap_allocsz_bytes)
        );
        eal::cleanup().unwrap();
    });
}

#[test]
fn no_huge_memory_is_one_memfd_list_of_4k_pages_all_in_use() {
    in_child(
        "no_huge_memory_is_one_memfd_list_of_4k_pages_all_in_use",
        || {
            init_no_huge("nohuge", 16);
            let (li, msl) = memseg::lists()
                .find(|(_, l)| l.page_sz != 0)
                .expect("a memseg list");
            assert_eq!(msl.page_sz, 4096);
            let n = 16u32 << 20 >> 12;
            let segs = memseg::segs(msl);
            assert_eq!(segs.len(), n);
            // --no-huge memory is all mapped at init: every slot is used.
            assert_eq!(segs.count(), n);
            let base = msl.base_va() as usize;
            // Page i is at offset i * 4 KiB of the list's one memfd.
            let fd = memalloc::list_fd(li).expect("the list's memfd");
            for i in [0u32, 1, n / 2, n - 1] {
                let (pfd, off) = memalloc::fd_of(base + i as usize * 4096).unwrap();
                assert_eq!((pfd, off), (fd, u64::from(i) * 4096), "page {i}");
            }
            // Nothing is free, so asking for a page fails and takes nothing.
            mcfg::mem_write_lock();
            let r = memalloc::alloc_pages(1, 4096, 0, true, 0);
            mcfg::mem_write_unlock();
            assert!(r.is_err());
            assert_eq!(segs.count(), n);
            // --no-shconf has no IPC: a page sync has nobody to tell and succeeds at once.
            assert!(!rtemem::mp::is_running());
            rtemem::mem::memsync::check_can_broadcast().unwrap();
            rtemem::mem::memsync::broadcast().unwrap();
            eal::cleanup().unwrap();
        },
    );
}

#[test]
fn a_failed_init_is_rolled_back_and_can_be_retried() {
    in_child("a_failed_init_is_rolled_back_and_can_be_retried", || {
        // A secondary with no primary fails after trace and the runtime dir were set up.
        let e = init_error(&args("rb", &["--no-huge", "--proc-type=secondary"]));
        assert_eq!(e.errno, libc::ENOENT, "{}", e.msg);
        assert!(mcfg::get().is_none());
        assert!(rtemem::config::state().is_none());
        assert!(!rtemem::config::initialized());
        // A primary whose memory step fails (100 TB of 4 KiB pages is more than a memseg list
        // can hold), after the shared config, the interrupt thread and the lcores were set up:
        // all of it is undone.
        let e = init_error(&args(
            "rb1",
            &["--no-huge", "-m", "100000000", "--no-shconf"],
        ));
        assert_eq!(e.errno, libc::EINVAL, "{}", e.msg);
        assert!(e.msg.contains("segments is too many"), "{}", e.msg);
        assert!(mcfg::get().is_none());
        assert!(memseg::lists().all(|(_, l)| l.page_sz == 0));
        assert!(!rtemem::config::initialized());
        // Retried as a primary, init succeeds and memory works.
        init_no_huge("rb2", 32);
        assert!(rtemem::config::initialized());
        let p = malloc::alloc(64, 0, SOCKET_ID_ANY, 0, true, &malloc::PagePolicy::ANY).unwrap();
        malloc::free(p.as_ptr()).unwrap();
        // Init runs once.
        let e = init_error(&args("rb3", &["--no-huge", "--no-shconf"]));
        assert_eq!(e.errno, libc::EALREADY);
        eal::cleanup().unwrap();
    });
}

#[test]
fn memseg_list_plans_follow_dpdk_limits_per_list_and_per_type() {
    // Pure planning: no init.
    const MB2: u64 = 2 << 20;
    const GB1: u64 = 1 << 30;
    let plan = memseg::plan(&[MB2, GB1], &[0, 1]).unwrap();
    // DPDK's order: by page size as given, then by socket.
    let order: Vec<(u64, i32)> = plan.iter().map(|p| (p.page_sz, p.socket_id)).collect();
    let mut sorted = order.clone();
    sorted.dedup();
    assert_eq!(sorted, [(MB2, 0), (MB2, 1), (GB1, 0), (GB1, 1)]);
    for p in &plan {
        // RTE_MAX_MEMSEG_PER_LIST 8192 and RTE_MAX_MEM_MB_PER_LIST 32768.
        assert!(p.n_segs <= 8192, "{p:?}");
        assert!(p.va_len() <= 32 << 30, "{p:?}");
    }
    for (sz, sock) in sorted {
        let per_type: u64 = plan
            .iter()
            .filter(|p| (p.page_sz, p.socket_id) == (sz, sock))
            .map(|p| p.va_len())
            .sum();
        // RTE_MAX_MEM_MB_PER_TYPE 65536: 64 GiB of address space per page size and socket.
        assert_eq!(per_type, 64 << 30, "page size {sz} socket {sock}");
    }
    assert!(plan.len() <= rtemem::abi::RTE_MAX_MEMSEG_LISTS);
    assert_eq!(
        memseg::plan(&[], &[0]).unwrap_err().errno,
        libc::EINVAL,
        "no page size"
    );
}

#[test]
fn a_secondary_refuses_a_primary_of_another_layout_version() {
    in_child(
        "a_secondary_refuses_a_primary_of_another_layout_version",
        || {
            use std::io::Write;
            use std::os::unix::fs::FileExt;
            let prefix = format!("rtm-gs-ver-{}", std::process::id());
            let dir = rtemem::base::runtime::set_up(&prefix, true).unwrap();
            let path = dir.join("config");
            // A "primary": the config file, locked as a live primary locks it, published with
            // rtemem's magic ("RTMC") but a layout version no build has.
            let mut f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&path)
                .unwrap();
            assert!(rtemem::sys::ofd_try_lock(&f, true).unwrap());
            let ps = rtemem::sys::page_size();
            let len = std::mem::size_of::<mcfg::MemConfig>().div_ceil(ps) * ps;
            f.set_len(len as u64).unwrap();
            let mut head = Vec::new();
            head.extend(0x5254_4d43u32.to_ne_bytes());
            head.extend(0xffff_fff0u32.to_ne_bytes());
            head.extend((len as u64).to_ne_bytes());
            head.extend(0x1_0000_0000u64.to_ne_bytes());
            f.write_all_at(&head, 0).unwrap();
            f.flush().unwrap();

            let a = [
                "gs",
                "-l",
                "0",
                "--no-pci",
                "--no-huge",
                "--proc-type=secondary",
                "--file-prefix",
                &prefix,
            ]
            .map(String::from);
            let cfg = rtemem::options::parse(&a).unwrap().config;
            let e = mcfg::attach_secondary(&cfg, Duration::from_secs(1)).unwrap_err();
            assert_eq!(e.errno, libc::EPROTO, "{}", e.msg);
            assert!(e.msg.contains("layout version 4294967280"), "{}", e.msg);
            assert!(mcfg::get().is_none(), "nothing was mapped");
            drop(f);
            std::fs::remove_file(&path).unwrap();
            rtemem::base::runtime::remove_if_empty();
        },
    );
}
