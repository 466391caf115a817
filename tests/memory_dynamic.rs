//! Dynamic page allocation on real hugepages, through the crate's own API (no public C call
//! allocates raw pages): events, validators, zeroed pages, sysfs counts, page files, runtime
//! exhaustion and pinned pages. Needs reserved 2 MiB hugepages and /dev/hugepages, so it is
//! `#[ignore]`d and run by `make test` only where those exist (and always under CI).

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rtemem::abi::{RTE_MEMSEG_FLAG_DO_NOT_FREE, RTE_MEM_EVENT_ALLOC, RTE_MEM_EVENT_FREE};
use rtemem::base::mcfg;
use rtemem::init as eal;
use rtemem::mem::{memalloc, memevent};

const MB2: u64 = 2 << 20;
static EVENTS: Mutex<Vec<(c_int, usize, usize)>> = Mutex::new(Vec::new());
static VETOES: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn on_event(e: c_int, addr: *const c_void, len: usize, _arg: *mut c_void) {
    EVENTS.lock().unwrap().push((e, addr as usize, len));
}

unsafe extern "C" fn veto(_socket: c_int, _limit: usize, _new_len: usize) -> c_int {
    VETOES.fetch_add(1, Ordering::SeqCst);
    -1
}

fn free_2m() -> u64 {
    std::fs::read_to_string("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages")
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn page_files(prefix: &str) -> usize {
    std::fs::read_dir("/dev/hugepages")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{prefix}map_"))
        })
        .count()
}

fn alloc(n: u32, flags: u32) -> rtemem::error::Result<Vec<*mut rtemem::abi::rte_memseg>> {
    mcfg::mem_write_lock();
    let r = memalloc::alloc_pages(n, MB2, 0, true, flags);
    mcfg::mem_write_unlock();
    r
}

fn free(p: &[*mut rtemem::abi::rte_memseg]) -> rtemem::error::Result<()> {
    mcfg::mem_write_lock();
    let r = memalloc::free_pages(p);
    mcfg::mem_write_unlock();
    r
}

#[test]
#[ignore = "needs reserved 2 MiB hugepages and /dev/hugepages; make test runs it where they exist"]
fn pages_come_and_go_with_events_validators_and_no_leaks() {
    let prefix = format!("rtm-rs-{}", std::process::id());
    let args: Vec<String> = [
        "rs-test",
        "-l",
        "0",
        "--no-pci",
        "--huge-dir",
        "/dev/hugepages",
        "--file-prefix",
        &prefix,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    eal::init(&args).expect("rte_eal_init with hugepages");
    let start = free_2m();

    memevent::register_event("rs-test", Some(on_event), std::ptr::null_mut()).unwrap();
    let pages = alloc(2, 0).expect("two contiguous 2 MiB pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(start - free_2m(), 2, "two hugepages left the pool");
    assert_eq!(page_files(&prefix), 2, "one page file per page");
    // SAFETY: the memsegs were just filled in by alloc_pages.
    let (a0, a1) = unsafe {
        (
            (*pages[0]).u.addr_64 as usize,
            (*pages[1]).u.addr_64 as usize,
        )
    };
    assert_eq!(
        a1,
        a0 + MB2 as usize,
        "contiguous request gives adjacent pages"
    );
    // SAFETY: both pages are mapped read-write, 4 MiB from a0.
    let mem = unsafe { std::slice::from_raw_parts_mut(a0 as *mut u8, 2 * MB2 as usize) };
    assert!(mem.iter().all(|&b| b == 0), "fresh pages are zero");
    mem.fill(0xa5);
    assert_eq!(
        EVENTS.lock().unwrap().as_slice(),
        &[(RTE_MEM_EVENT_ALLOC, a0, 2 * MB2 as usize)],
        "one event for the run"
    );

    // A validator that refuses growth past 2 MiB vetoes the next allocation; nothing changes.
    memevent::register_validator("rs-limit", Some(veto), 0, MB2 as usize).unwrap();
    let e = alloc(1, 0).unwrap_err();
    assert_eq!(e.errno, libc::ENOMEM);
    assert_eq!(VETOES.load(Ordering::SeqCst), 1);
    assert_eq!(start - free_2m(), 2);
    memevent::unregister_validator("rs-limit", 0).unwrap();

    free(&pages).unwrap();
    assert_eq!(
        EVENTS.lock().unwrap().last(),
        Some(&(RTE_MEM_EVENT_FREE, a0, 2 * MB2 as usize))
    );
    assert_eq!(free_2m(), start, "freed pages go back to the pool");
    assert_eq!(page_files(&prefix), 0, "freed pages' files are removed");

    // Running out at runtime: ENOMEM, and whatever was taken on the way is given back.
    let too_many = u32::try_from(free_2m() + 1).unwrap();
    mcfg::mem_write_lock();
    let e = memalloc::alloc_pages(too_many, MB2, 0, false, 0).unwrap_err();
    mcfg::mem_write_unlock();
    assert_eq!(e.errno, libc::ENOMEM, "{}", e.msg);
    assert_eq!(
        free_2m(),
        start,
        "a failed allocation gives back every page it took"
    );
    assert_eq!(page_files(&prefix), 0);

    // Pinned pages (as -m preallocates them) refuse to be freed.
    let pinned = alloc(1, RTE_MEMSEG_FLAG_DO_NOT_FREE).unwrap();
    assert_eq!(free(&pinned).unwrap_err().errno, libc::EPERM);

    eal::cleanup().unwrap();
    assert_eq!(free_2m(), start, "cleanup gives the pinned page back too");
    assert_eq!(page_files(&prefix), 0);
}
