//! Micro-benchmark of the heap core (`rtemem::heap`), the cases DPDK 22.11's malloc_heap was
//! measured on (2 MiB pages, 2 lcores): run `cargo run --release --example heap_bench`.
//! Uses 2 MiB hugepages (MAP_HUGETLB) when available, else 4 KiB pages.

use rtemem::heap::Heap;
use std::time::Instant;

fn map(len: usize) -> (usize, &'static str) {
    for (flags, kind) in [(libc::MAP_HUGETLB, "2 MiB hugepages"), (0, "4 KiB pages")] {
        // SAFETY: a fresh anonymous mapping touches no existing memory.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS | flags,
                -1,
                0,
            )
        };
        if p != libc::MAP_FAILED {
            return (p as usize, kind);
        }
    }
    panic!("mmap failed");
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn new_heap(bytes: usize) -> (&'static Heap, &'static str) {
    let (hp, _) = map(std::mem::size_of::<Heap>().next_multiple_of(2 << 20));
    // SAFETY: fresh zeroed memory of the right size, used only by this heap.
    unsafe { Heap::init_in_place(hp as *mut Heap) };
    // SAFETY: initialised above; never unmapped.
    let h = unsafe { &*(hp as *const Heap) };
    let (m, kind) = map(bytes);
    // SAFETY: fresh zero-filled memory handed to the heap for good.
    unsafe { h.add_memory(m as *mut u8, bytes) }.expect("add_memory");
    (h, kind)
}

fn pair_64(h: &Heap, iters: u64) -> f64 {
    let live: Vec<_> = (0..10_000).map(|_| h.alloc(64, 0, 0).unwrap()).collect();
    let t = Instant::now();
    for _ in 0..iters {
        let p = h.alloc(64, 0, 0).unwrap();
        std::hint::black_box(p);
        h.free(p.as_ptr()).unwrap();
    }
    let ns = t.elapsed().as_nanos() as f64 / iters as f64;
    for p in live {
        h.free(p.as_ptr()).unwrap();
    }
    ns
}

fn main() {
    let (h, kind) = new_heap(768 << 20);
    println!("heap memory: {kind}");

    // Warm up, then 64 B malloc+free with 10k live objects.
    pair_64(h, 1_000_000);
    let one = pair_64(h, 20_000_000);
    println!("64 B malloc+free, 10k live, 1 thread : {one:6.1} ns/pair   (DPDK 36, target <= 12)");

    // Random 16 B..16 KiB churn with 10k live objects.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut live: Vec<_> = (0..10_000)
        .map(|_| h.alloc(16 + (rng.next() % 16_369) as usize, 0, 0).unwrap())
        .collect();
    let iters = 5_000_000u64;
    let t = Instant::now();
    for _ in 0..iters {
        let i = (rng.next() % 10_000) as usize;
        h.free(live[i].as_ptr()).unwrap();
        live[i] = h.alloc(16 + (rng.next() % 16_369) as usize, 0, 0).unwrap();
    }
    let churn = t.elapsed().as_nanos() as f64 / iters as f64;
    println!(
        "random 16 B-16 KiB churn, 10k live    : {churn:6.1} ns/pair   (DPDK 2360, target <= 150)"
    );
    for p in live.drain(..) {
        h.free(p.as_ptr()).unwrap();
    }

    // Two threads at once.
    let ts: Vec<_> = (0..2)
        .map(|_| std::thread::spawn(move || pair_64(h, 20_000_000)))
        .collect();
    let per: Vec<f64> = ts.into_iter().map(|t| t.join().unwrap()).collect();
    let worst = per.iter().cloned().fold(0.0, f64::max);
    println!(
        "64 B malloc+free, 2 threads at once   : {:6.1} / {:6.1} ns/pair per thread ({:.2}x the 1-thread cost, target <= 1.5x)",
        per[0],
        per[1],
        worst / one
    );

    // Heap bytes per live 64 B object.
    h.flush_thread_cache();
    let before = h.stats().heap_allocsz_bytes;
    let objs: Vec<_> = (0..10_000).map(|_| h.alloc(64, 0, 0).unwrap()).collect();
    let per_obj = (h.stats().heap_allocsz_bytes - before) as f64 / objs.len() as f64;
    println!(
        "heap bytes per live 64 B object       : {per_obj:6.1} B          (DPDK 192, target <= 96)"
    );
    for p in objs {
        h.free(p.as_ptr()).unwrap();
    }

    // 4..64 MiB allocations, touched page by page, then freed.
    for mib in [4usize, 16, 64] {
        let size = mib << 20;
        let n = 20;
        let t = Instant::now();
        for _ in 0..n {
            let p = h.alloc(size, 0, 0).unwrap().as_ptr();
            for off in (0..size).step_by(4096) {
                // SAFETY: inside the fresh block.
                unsafe { p.add(off).write_volatile(1) };
            }
            h.free(p).unwrap();
        }
        let us = t.elapsed().as_nanos() as f64 / n as f64 / 1000.0;
        let t = Instant::now();
        for _ in 0..n {
            let p = h.alloc(size, 0, 0).unwrap().as_ptr();
            std::hint::black_box(p);
            h.free(p).unwrap();
        }
        let ns = t.elapsed().as_nanos() as f64 / n as f64;
        println!("{mib:2} MiB alloc+touch+free             : {us:8.1} us/op  (alloc+free alone {ns:.0} ns)");
    }
    h.validate().expect("heap valid after the benchmark");
}
