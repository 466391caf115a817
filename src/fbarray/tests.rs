//! Tests of whole arrays: layout, backing, locking protocol, element operations.

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
        assert_eq!(e(init(p, b"x", i32::MAX as u32 + 1, 1, &anon)), libc::EINVAL);
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
    assert_eq!(data as usize % backing::page_size(), 0);
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
    assert_eq!(data_size(4096, 3, 65).unwrap(), 4096);
    assert_eq!(data_size(4096, 4096, 1).unwrap(), 8192);
    assert_eq!(fb.get(1).unwrap() as usize, data as usize + 3);
    assert_eq!(fb.find_idx(fb.get(64).unwrap()).unwrap(), 64);
    // SAFETY: pointer arithmetic only, inside the element area.
    assert_eq!(fb.find_idx(unsafe { data.add(5) }.cast()).unwrap(), 1);
    assert_eq!(fb.find_idx(unsafe { data.add(3 * 65) }.cast()).unwrap_err().errno, libc::EINVAL);
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
    let mut model = vec![false; 130];
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
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 4096);

    // Another "process" (an independent open file description) holding a shared lock.
    let other = std::fs::File::open(&path).unwrap();
    // SAFETY: valid descriptor.
    assert_eq!(unsafe { libc::flock(other.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) }, 0);

    // init over a file someone holds: EBUSY.
    let mut b = zeroed();
    let q: *mut rte_fbarray = &mut *b;
    assert_eq!(unsafe { init(q, b"locked", 100, 16, &backing) }.unwrap_err().errno, libc::EBUSY);
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
    assert_eq!(unsafe { attach(p, &path) }.unwrap_err().errno, libc::EINVAL, "zeroed struct");
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
    assert_eq!(unsafe { attach(q, &dir.join("fbarray_gone")) }.unwrap_err().errno, libc::ENOENT);
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
    assert_eq!(fb.lock().raw(), 0, "every lock was released");
    unsafe { destroy(p).unwrap() };
}
