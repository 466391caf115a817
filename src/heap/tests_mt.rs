//! Threads and processes: cross-thread stress, and a process killed with SIGKILL mid-loop.

use super::tests::{map, new_heap, Rng};
use super::*;
use std::sync::atomic::Ordering;
use std::sync::Arc;

#[test]
fn four_threads_with_cross_thread_frees_keep_the_heap_valid() {
    let h = new_heap(128 << 20);
    let buckets: Arc<Vec<Mutex<Vec<usize>>>> =
        Arc::new((0..8).map(|_| Mutex::new(Vec::new())).collect());
    let hs: Vec<_> = (0..4u64)
        .map(|t| {
            let b = buckets.clone();
            let h: &'static Heap = h;
            std::thread::spawn(move || {
                let mut rng = Rng(0x1234_5678 + t * 77);
                for i in 0..40_000 {
                    let k = rng.below(8) as usize;
                    if rng.below(2) == 0 {
                        let size = if rng.below(8) == 0 {
                            2049 + rng.below(60_000)
                        } else {
                            1 + rng.below(2048)
                        } as usize;
                        let p = h.alloc(size, 0, 0).expect("memory").as_ptr();
                        // SAFETY: a fresh block of at least one byte.
                        unsafe { *p = t as u8 };
                        b[k].lock().unwrap().push(p as usize);
                    } else if let Some(p) = b[k].lock().unwrap().pop() {
                        h.free(p as *mut u8).unwrap();
                    }
                    if i % 10_000 == 0 {
                        h.flush_thread_cache();
                    }
                }
            })
        })
        .collect();
    hs.into_iter().for_each(|j| j.join().unwrap());
    h.validate().unwrap();
    let live: usize = buckets.iter().map(|b| b.lock().unwrap().len()).sum();
    assert_eq!(h.stats().alloc_count as usize, live);
    for b in buckets.iter() {
        for p in b.lock().unwrap().drain(..) {
            h.free(p as *mut u8).unwrap();
        }
    }
    h.flush_thread_cache();
    h.validate().unwrap();
    assert_eq!(h.stats().alloc_count, 0);
    assert!(
        h.cache_slots_in_use() <= 1,
        "exited threads released their slots"
    );
}

fn wait(child: i32) {
    let mut st = 0;
    // SAFETY: reaping our own child.
    unsafe { libc::waitpid(child, &mut st, 0) };
}

#[test]
fn killed_process_cache_slot_is_reclaimed_and_heap_stays_valid() {
    for round in 0..3u64 {
        let h = new_heap(32 << 20);
        // The parent uses the heap too, with live objects of its own.
        let mine: Vec<_> = (0..100)
            .map(|i| h.alloc(16 + i * 8, 0, 0).unwrap().as_ptr())
            .collect();
        let before = h.stats();
        let slots_before = h.cache_slots_in_use();
        // Shared table of the child's live pointers (0 = empty) and a progress counter.
        const N: usize = 256;
        let table = map(8 * (N + 1)) as *mut usize;
        // SAFETY: the child only uses the shared heap, the shared table and _exit.
        let child = unsafe { libc::fork() };
        assert!(child >= 0);
        if child == 0 {
            let mut rng = Rng(99 + round);
            loop {
                let k = rng.below(N as u64) as usize;
                // SAFETY: the table is a shared mapping of N + 1 words.
                unsafe {
                    let old = *table.add(k);
                    if old != 0 && h.free(old as *mut u8).is_err() {
                        libc::_exit(3);
                    }
                    let size = [8, 64, 64, 100, 500, 3000][rng.below(6) as usize];
                    let p = match h.alloc(size, 0, 0) {
                        Some(p) => p.as_ptr() as usize,
                        None => libc::_exit(4),
                    };
                    *table.add(k) = p;
                    *table.add(N) += 1;
                }
            }
        }
        // Let the child run, then kill it mid-loop.
        // SAFETY: reading the shared progress counter.
        while unsafe { std::ptr::read_volatile(table.add(N)) } < 20_000 * (round as usize + 1) {
            std::thread::yield_now();
        }
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child, libc::SIGKILL) };
        wait(child);
        assert!(
            h.reclaim_dead_caches() >= 1,
            "the dead child's slot was reclaimed"
        );
        assert_eq!(h.cache_slots_in_use(), slots_before);
        h.validate().unwrap();
        // Free what the child left; the pointer it was handling when killed may already be
        // free (DoubleFree), and at most one fresh object may be unrecorded.
        for k in 0..N {
            // SAFETY: the child is dead; the table is ours now.
            let p = unsafe { *table.add(k) };
            if p != 0 {
                let r = h.free(p as *mut u8);
                assert!(
                    r.is_ok() || r == Err(FreeError::DoubleFree) || r == Err(FreeError::NotABlock),
                    "{r:?}"
                );
            }
        }
        h.validate().unwrap();
        let after = h.stats();
        assert!(
            after.alloc_count == before.alloc_count || after.alloc_count == before.alloc_count + 1,
            "alloc_count {} vs {} before the child",
            after.alloc_count,
            before.alloc_count
        );
        for p in mine {
            h.free(p).unwrap();
        }
        h.validate().unwrap();
    }
}

#[test]
fn class_lock_held_by_a_dead_process_is_recovered() {
    let h = new_heap(8 << 20);
    let p = h.alloc(64, 0, 0).unwrap().as_ptr();
    h.free(p).unwrap();
    h.flush_thread_cache();
    let c = span::class_for(64, 0, 0).unwrap();
    // SAFETY: the child claims a slot, caches objects, takes the class lock and dies.
    let child = unsafe { libc::fork() };
    if child == 0 {
        let q = h.alloc(64, 0, 0).unwrap();
        let _ = h.free(q.as_ptr());
        // SAFETY: the Central lives in the shared heap.
        unsafe { (*h.central(c)).lock.lock_and_leak() };
        h.lock.lock_and_leak();
        // SAFETY: die holding both locks.
        unsafe { libc::_exit(0) };
    }
    wait(child);
    // Our cache is empty, so this refills under the (recovered) class lock.
    let q = h.alloc(64, 0, 0).unwrap().as_ptr();
    assert!(h.lock_recoveries() >= 2);
    h.free(q).unwrap();
    h.reclaim_dead_caches();
    h.validate().unwrap();
    assert_eq!(h.stats().alloc_count, 0);
}

#[test]
fn full_slot_table_falls_back_to_the_locked_path() {
    let h = new_heap(16 << 20);
    let me = crate::sync::Holder::me().raw();
    let mut taken = Vec::new();
    for s in &h.slots {
        if s.owner
            .compare_exchange(0, me, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            taken.push(s);
        }
    }
    std::thread::spawn(move || {
        let ps: Vec<_> = (0..1000)
            .map(|i| h.alloc_zeroed(1 + i % 3000, 0, 0).unwrap())
            .collect();
        for (i, p) in ps.iter().enumerate() {
            // SAFETY: each block is live and at least 1 + i % 3000 bytes long.
            let bytes = unsafe { std::slice::from_raw_parts(p.as_ptr(), 1 + i % 3000) };
            assert!(bytes.iter().all(|&b| b == 0));
        }
        assert_eq!(h.free(ps[0].as_ptr()), Ok(()));
        assert_eq!(h.free(ps[0].as_ptr()), Err(FreeError::DoubleFree));
        for p in &ps[1..] {
            h.free(p.as_ptr()).unwrap();
        }
    })
    .join()
    .unwrap();
    for s in taken {
        s.owner.store(0, Ordering::Release);
    }
    h.validate().unwrap();
    assert_eq!(h.stats().alloc_count, 0);
}

#[test]
fn a_thread_using_more_heaps_than_bindings_stays_correct() {
    let heaps: Vec<&'static Heap> = (0..7).map(|_| new_heap(4 << 20)).collect();
    let hs = heaps.clone();
    std::thread::spawn(move || {
        for round in 0..3 {
            for h in &hs {
                let ps: Vec<_> = (0..500)
                    .map(|i| h.alloc(16 + (i + round) % 700, 0, 0).unwrap())
                    .collect();
                for p in ps {
                    h.free(p.as_ptr()).unwrap();
                }
            }
        }
    })
    .join()
    .unwrap();
    for h in heaps {
        h.validate().unwrap();
        assert_eq!(
            h.cache_slots_in_use(),
            0,
            "the exited thread released every slot"
        );
        assert_eq!(h.stats().alloc_count, 0);
    }
}
