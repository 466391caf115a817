//! Tests of whole arrays: layout, backing, locking protocol, element operations.
//!
//! Every unsafe call in this file works on an `rte_fbarray` the test itself owns (boxed,
//! zero-initialized, initialized before use and destroyed at the end) or reads inside a
//! mapping the test just created, which is what those functions require.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::*;
use std::os::fd::AsRawFd;

fn zeroed() -> Box<rte_fbarray> {
    // SAFETY: rte_fbarray is plain data (bytes, integers, a pointer); all-zero is valid.
    Box::new(unsafe { std::mem::zeroed() })
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("rtemem-fbarray-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn init_rejects_what_dpdk_rejects() {
    let mut a = zeroed();
    let p: *mut rte_fbarray = &mut *a;
    let anon = Backing::Anonymous;
    // SAFETY (all calls below): `p` is a live, exclusively owned struct.
    let e = |r: Result<()>| r.unwrap_err().errno;
    unsafe {
        assert_eq!(e(init(p, b"x", 0, 8, &anon)), libc::EINVAL);
        assert_eq!(e(init(p, b"x", 8, 0, &anon)), libc::EINVAL);
        assert_eq!(
            e(init(p, b"x", i32::MAX as u32 + 1, 1, &anon)),
            libc::EINVAL
        );
        assert_eq!(e(init(p, &[b'n'; 64], 8, 8, &anon)), libc::ENAMETOOLONG);
        init(p, &[b'n'; 63], 8, 8, &anon).unwrap();
        destroy(p).unwrap();
    }
}

#[test]
fn layout_is_elements_then_count_then_words_page_rounded() {
    let mut a = zeroed();
    let p: *mut rte_fbarray = &mut *a;
    // SAFETY: `p` is a live struct.
    unsafe { init(p, b"layout", 65, 3, &Backing::Anonymous).unwrap() };
    let fb = unsafe { Fb::from_ptr(p) }.unwrap();
    assert_eq!(fb.len(), 65);
    assert_eq!(fb.count(), 0);
    let data = fb.data().cast::<u8>();
    assert_eq!(data as usize % crate::sys::page_size(), 0);
    // SAFETY: the mask header is inside the mapping.
    let n_masks = unsafe { std::ptr::read_unaligned(data.add(3 * 65).cast::<u32>()) };
    assert_eq!(n_masks, 2);
    fb.set_used(64).unwrap();
    fb.set_used(0).unwrap();
    // SAFETY: words at +8 from the (unaligned) mask header.
    let w1 = unsafe { std::ptr::read_unaligned(data.add(3 * 65 + 8 + 8).cast::<u64>()) };
    let w0 = unsafe { std::ptr::read_unaligned(data.add(3 * 65 + 8).cast::<u64>()) };
    assert_eq!((w0, w1), (1, 1));
    assert_eq!(fb.count(), 2);
    // Elements and mask as DPDK, then the lock at the next 64 bytes, page rounded.
    let lock = std::mem::size_of::<ShRwLock>();
    assert_eq!(fb.lock() as *const ShRwLock as usize, data as usize + 256);
    assert_eq!(
        data_size(4096, 3, 65).unwrap(),
        (256 + lock).next_multiple_of(4096)
    );
    assert_eq!(
        data_size(4096, 4096, 1).unwrap(),
        (4096 + 16 + 48 + lock).next_multiple_of(4096)
    );
    assert_eq!(fb.get(1).unwrap() as usize, data as usize + 3);
    assert_eq!(fb.find_idx(fb.get(64).unwrap()).unwrap(), 64);
    // SAFETY: pointer arithmetic only, inside the element area.
    assert_eq!(fb.find_idx(unsafe { data.add(5) }.cast()).unwrap(), 1);
    assert_eq!(
        fb.find_idx(unsafe { data.add(3 * 65) }.cast())
            .unwrap_err()
            .errno,
        libc::EINVAL
    );
    assert_eq!(fb.get(65).unwrap_err().errno, libc::EINVAL);
    assert!(fb.dump().starts_with("File-backed array: layout\nsize: 65 occupied: 2 elt_sz: 3\nmsk idx 0: 0x0000000000000001\n"));
    unsafe { destroy(p).unwrap() };
    assert_eq!(a.len, 0, "destroy zeroes the struct");
}

#[test]
fn set_and_free_are_idempotent_and_keep_count() {
    let mut a = zeroed();
    let p: *mut rte_fbarray = &mut *a;
    unsafe { init(p, b"count", 130, 8, &Backing::Anonymous).unwrap() };
    let fb = unsafe { Fb::from_ptr(p) }.unwrap();
    let mut rng = mask::tests::Rng::new(3);
    let mut model = [false; 130];
    for _ in 0..5000 {
        let i = rng.below(130);
        let u = rng.below(2) == 0;
        fb.set(i, u).unwrap();
        model[i as usize] = u;
        assert_eq!(fb.is_used(i).unwrap(), u);
        assert_eq!(fb.count() as usize, model.iter().filter(|&&b| b).count());
    }
    assert_eq!(fb.set_used(130).unwrap_err().errno, libc::EINVAL);
    assert_eq!(fb.is_used(130).unwrap_err().errno, libc::EINVAL);
    unsafe { destroy(p).unwrap() };
}

#[test]
fn file_backing_locks_like_dpdk() {
    let dir = tempdir("lock");
    let path = dir.join("fbarray_locked");
    let backing = Backing::File(path.clone());
    let mut a = zeroed();
    let p: *mut rte_fbarray = &mut *a;
    unsafe { init(p, b"locked", 100, 16, &backing).unwrap() };
    let fb = unsafe { Fb::from_ptr(p) }.unwrap();
    fb.set_used(42).unwrap();
    let size = data_size(crate::sys::page_size(), 16, 100).unwrap() as u64;
    assert_eq!(std::fs::metadata(&path).unwrap().len(), size);

    // Another "process" (an independent open file description) holding a shared lock.
    let other = std::fs::File::open(&path).unwrap();
    // SAFETY: valid descriptor.
    assert_eq!(
        unsafe { libc::flock(other.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) },
        0
    );

    // init over a file someone holds: EBUSY.
    let mut b = zeroed();
    let q: *mut rte_fbarray = &mut *b;
    assert_eq!(
        unsafe { init(q, b"locked", 100, 16, &backing) }
            .unwrap_err()
            .errno,
        libc::EBUSY
    );
    // destroy while someone holds it: EBUSY, and the array still works.
    assert_eq!(unsafe { destroy(p) }.unwrap_err().errno, libc::EBUSY);
    assert!(fb.is_used(42).unwrap());
    // attach at an address this process already maps: EEXIST.
    assert_eq!(unsafe { attach(p, &path) }.unwrap_err().errno, libc::EEXIST);

    // Detach and attach again at the same address: the contents come back from the file.
    unsafe { detach(p).unwrap() };
    assert_eq!(unsafe { detach(p) }.unwrap_err().errno, libc::ENOENT);
    unsafe { attach(p, &path).unwrap() };
    assert!(fb.is_used(42).unwrap());
    assert_eq!(fb.count(), 1);

    drop(other);
    unsafe { destroy(p).unwrap() };
    assert!(!path.exists(), "destroy removes the file");
    assert_eq!(
        unsafe { attach(p, &path) }.unwrap_err().errno,
        libc::EINVAL,
        "zeroed struct"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn attach_without_file_reports_enoent() {
    let dir = tempdir("nofile");
    let mut a = zeroed();
    let p: *mut rte_fbarray = &mut *a;
    unsafe { init(p, b"gone", 10, 8, &Backing::Anonymous).unwrap() };
    let saved = unsafe { std::ptr::read(p) };
    unsafe { detach(p).unwrap() };
    let mut b = zeroed();
    // SAFETY: copying plain data into another struct.
    unsafe { std::ptr::write(&mut *b, saved) };
    let q: *mut rte_fbarray = &mut *b;
    assert_eq!(
        unsafe { attach(q, &dir.join("fbarray_gone")) }
            .unwrap_err()
            .errno,
        libc::ENOENT
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn concurrent_writers_and_readers_keep_count_exact() {
    let mut a = zeroed();
    let p: *mut rte_fbarray = &mut *a;
    unsafe { init(p, b"threads", 4096, 8, &Backing::Anonymous).unwrap() };
    let addr = p as usize;
    let threads: Vec<_> = (0..4u32)
        .map(|t| {
            std::thread::spawn(move || {
                // SAFETY: the struct outlives the threads (joined below).
                let fb = unsafe { Fb::from_ptr(addr as *mut rte_fbarray) }.unwrap();
                for i in 0..1024 {
                    fb.set_used(t * 1024 + i).unwrap();
                    let _ = fb.find_next_free(0);
                    let _ = fb.search(Search::Biggest { rev: false }, 0, true);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let fb = unsafe { Fb::from_ptr(p) }.unwrap();
    assert_eq!(fb.count(), 4096);
    assert_eq!(fb.find_next_free(0).unwrap_err().errno, libc::ENOSPC);
    assert!(fb.lock().is_idle(), "every lock was released");
    unsafe { destroy(p).unwrap() };
}

/// The generator of c-tests/diff_fbarray.c (xorshift64*, high 32 bits).
struct CRng(u64);

impl CRng {
    fn rnd(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            0
        } else {
            self.rnd() % n
        }
    }
}

/// One call as the C test observes it: its return value and rte_errno (reset to 0 before).
fn observe(r: std::result::Result<i32, i32>, clears: bool) -> (i32, i32) {
    let _ = clears; // rte_errno starts at 0, so DPDK's reset to 0 shows as 0 either way
    match r {
        Ok(v) => (v, 0),
        Err(e) => (-1, e),
    }
}

/// Replays the random-operation part of c-tests/diff_fbarray.c on the Rust core and returns
/// its "r ..." observation lines.
fn replay_diff_sequence() -> Vec<String> {
    const FIND1: [(&str, Search, bool); 12] = [
        ("next_free", Search::Find { next: true }, false),
        ("next_used", Search::Find { next: true }, true),
        ("prev_free", Search::Find { next: false }, false),
        ("prev_used", Search::Find { next: false }, true),
        ("contig_free", Search::Contig { next: true }, false),
        ("contig_used", Search::Contig { next: true }, true),
        ("rev_contig_free", Search::Contig { next: false }, false),
        ("rev_contig_used", Search::Contig { next: false }, true),
        ("biggest_free", Search::Biggest { rev: false }, false),
        ("biggest_used", Search::Biggest { rev: false }, true),
        ("rev_biggest_free", Search::Biggest { rev: true }, false),
        ("rev_biggest_used", Search::Biggest { rev: true }, true),
    ];
    const FINDN: [(&str, bool, bool); 4] = [
        ("next_n_free", true, false),
        ("next_n_used", true, true),
        ("prev_n_free", false, false),
        ("prev_n_used", false, true),
    ];
    let lens = [1u32, 2, 63, 64, 65, 66, 127, 128, 130, 1000, 4097];
    let mut rng = CRng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::new();
    // Consume the generator exactly as the C test's argument_errors() does: not at all.
    for (i, &len) in lens.iter().enumerate() {
        let mut a = zeroed();
        let p: *mut rte_fbarray = &mut *a;
        // SAFETY: `p` is a live struct owned by this test.
        unsafe {
            init(
                p,
                format!("diff{len}").as_bytes(),
                len,
                1 + 3 * i as u32,
                &Backing::Anonymous,
            )
            .unwrap()
        };
        // SAFETY: initialized above, destroyed below.
        let fb = unsafe { Fb::from_ptr(p) }.unwrap();
        let set = |idx: u32, used: bool| match fb.set(idx, used) {
            Ok(()) => (0, 0),
            Err(e) => (-1, e.errno),
        };
        for op_i in 0..1200u32 {
            let phase = (op_i / 150) % 3;
            let op = rng.below(20);
            let start = match rng.below(10) {
                0 => 0,
                1 => len - 1,
                2 => len + rng.below(3),
                3 => {
                    if rng.below(10) == 0 {
                        u32::MAX
                    } else {
                        len - 1 - rng.below(if len < 70 { len } else { 70 })
                    }
                }
                _ => rng.below(len),
            };
            if op < 6 {
                let used = match phase {
                    0 => rng.below(4) != 0,
                    1 => rng.below(4) == 0,
                    _ => rng.below(2) != 0,
                };
                let (r, e) = set(start, used);
                let kind = if used { "used" } else { "free" };
                out.push(format!("r set_{kind}({start}) = {r} errno {e}"));
            } else if op == 6 {
                let a = rng.below(len);
                let b = (a + rng.below(200)).min(len);
                let used = rng.below(2) != 0;
                let mut sum = 0;
                for k in a..b {
                    let (r, e) = set(k, used);
                    sum += r + e;
                }
                let kind = if used { "used" } else { "free" };
                out.push(format!(
                    "r fill_{kind}({a}, {b}) = {sum} count {}",
                    fb.count()
                ));
            } else if op == 7 {
                let (r, e) = match fb.is_used(start) {
                    Ok(u) => (i32::from(u), 0),
                    Err(e) => (-1, e.errno),
                };
                out.push(format!("r is_used({start}) = {r} errno {e}"));
            } else if op < 14 {
                let (name, what, used) = FIND1[rng.below(12) as usize];
                let (raw, clears) = fb.search_raw(what, start, used);
                let (r, e) = observe(raw, clears);
                out.push(format!("r {name}({start}) = {r} errno {e}"));
            } else {
                let (name, next, used) = FINDN[rng.below(4) as usize];
                let n = match rng.below(4) {
                    0 => 1 + rng.below(8),
                    1 => 1 + rng.below(130),
                    _ => rng.below(len + 2),
                };
                let (raw, clears) = fb.search_raw(Search::FindN { next, n }, start, used);
                let (r, e) = observe(raw, clears);
                out.push(format!("r {name}({start}, {n}) = {r} errno {e}"));
            }
        }
        // SAFETY: nothing uses the array afterwards.
        unsafe { destroy(p).unwrap() };
    }
    out
}

/// FNV-1a 64 of the lines, each followed by a newline.
fn fnv1a(lines: &[String]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for l in lines {
        for &b in l.as_bytes().iter().chain(b"\n") {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The 13,200 "r ..." lines that real DPDK 22.11.11 printed for c-tests/diff_fbarray.c
/// (`grep '^@ r ' build/test/log/diff_fbarray.real.obs`), hashed. If this test fails, set
/// RTEMEM_REPLAY_OUT=<file> and diff that file against the real run's lines.
const REAL_DPDK_LINES: usize = 13_200;
const REAL_DPDK_HASH: u64 = 0xa445_deb7_32be_3526;

#[test]
fn replay_matches_real_dpdk() {
    let lines = replay_diff_sequence();
    if let Ok(path) = std::env::var("RTEMEM_REPLAY_OUT") {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(path, text).unwrap();
    }
    assert_eq!(lines.len(), REAL_DPDK_LINES);
    assert_eq!(
        fnv1a(&lines),
        REAL_DPDK_HASH,
        "the replay differs from real DPDK's answers"
    );
}

/// Forks a child that sets `RTEMEM_FAULT=<fault>` and runs `op` on `fb`: the fault point
/// kills it there. Returns once the child is dead (and reaped).
fn die_inside(fb: Fb, fault: &std::ffi::CStr, op: fn(Fb)) {
    // SAFETY: the child only sets an environment variable with libc (no Rust env lock), runs
    // `op`, which dies at the fault point, and _exits if it did not.
    let child = unsafe { libc::fork() };
    assert!(child >= 0);
    if child == 0 {
        unsafe { libc::setenv(c"RTEMEM_FAULT".as_ptr(), fault.as_ptr(), 1) };
        op(fb);
        unsafe { libc::_exit(3) }; // the fault point did not fire
    }
    let mut st = 0;
    assert_eq!(unsafe { libc::waitpid(child, &mut st, 0) }, child);
    assert!(
        libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGKILL,
        "the child was to die at the fault point (status {st:#x})"
    );
}

/// Runs `f` on a thread and fails if it has not finished within 10 s (a hang).
fn within_10s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("the array's lock hung")
}

fn shared_array(tag: &str, len: u32) -> (std::path::PathBuf, usize) {
    let dir = tempdir(tag);
    let a = Box::leak(zeroed());
    let p: *mut rte_fbarray = a;
    unsafe { init(p, tag.as_bytes(), len, 8, &Backing::File(dir.join(tag))).unwrap() };
    (dir, p as usize)
}

fn fb_at(p: usize) -> Fb {
    unsafe { Fb::from_ptr(p as *mut rte_fbarray) }.unwrap()
}

#[test]
fn a_writer_killed_between_mask_and_count_is_taken_back_and_repaired() {
    let (dir, p) = shared_array("killset", 130);
    let fb = fb_at(p);
    fb.set_used(3).unwrap();
    fb.set_used(129).unwrap();
    die_inside(fb, c"fbarray.set:kill", |fb| {
        let _ = fb.set_used(77);
    });
    // The child flipped bit 77 and died before counting it, holding the write lock.
    assert!(fb.is_used_unlocked(77).unwrap());
    assert_eq!(
        unsafe { (*(p as *const rte_fbarray)).count },
        2,
        "count is stale"
    );
    assert!(!fb.lock().is_idle(), "the dead writer still holds the lock");
    // A reader waits for the dead writer, repairs, and answers.
    assert_eq!(within_10s(move || fb_at(p).count()), 3);
    assert!(!fb.lock().is_poisoned());
    assert_eq!(fb.lock().recoveries(), 1);
    // And so on: the array works and stays consistent.
    die_inside(fb, c"fbarray.set:kill", |fb| {
        let _ = fb.set_free(3);
    });
    within_10s(move || fb_at(p).set_free(129).unwrap());
    assert_eq!(fb.count(), 1);
    assert_eq!(fb.find_next_used(0).unwrap(), 77);
    assert!(fb.lock().is_idle());
    unsafe { destroy(p as *mut rte_fbarray).unwrap() };
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_reader_killed_inside_a_search_does_not_block_writers() {
    let (dir, p) = shared_array("killfind", 64);
    let fb = fb_at(p);
    fb.set_used(5).unwrap();
    die_inside(fb, c"fbarray.find:kill", |fb| {
        let _ = fb.find_next_free(0);
    });
    assert!(
        !fb.lock().is_idle(),
        "the dead reader's hold is still counted"
    );
    within_10s(move || fb_at(p).set_used(6).unwrap());
    assert_eq!(fb.lock().recoveries(), 1);
    assert!(!fb.lock().is_poisoned(), "a reader changes nothing");
    assert_eq!(fb.count(), 2);
    unsafe { destroy(p as *mut rte_fbarray).unwrap() };
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn repair_clears_bits_past_the_end_and_recounts() {
    let mut a = zeroed();
    let p: *mut rte_fbarray = &mut *a;
    unsafe { init(p, b"repair", 70, 4, &Backing::Anonymous).unwrap() };
    let fb = unsafe { Fb::from_ptr(p) }.unwrap();
    fb.set_used(69).unwrap();
    // What a dying writer could leave: a stray bit past `len` and a wrong count.
    let m = fb.mask();
    unsafe {
        let w1 = m.words.add(8).cast::<u64>().cast_mut();
        w1.write_unaligned(w1.read_unaligned() | 1 << 10);
        (*p).count = 9;
    }
    let g = fb.lock().write();
    fb.repair();
    drop(g);
    assert_eq!(fb.count(), 1);
    assert_eq!(m.word(1), 1 << 5);
    unsafe { destroy(p).unwrap() };
}
