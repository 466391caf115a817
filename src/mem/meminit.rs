//! Memory set-up at init, DPDK's `rte_eal_memory_init` / `eal_dynmem_hugepage_init` /
//! `eal_legacy_hugepage_init`: which memseg lists exist and which pages they hold from the
//! start.
//!
//! - Dynamic mode (the default): lists for every (hugepage size, socket) by
//!   [`memseg::plan`], largest page size first; `-m`/`--socket-mem` memory is allocated now,
//!   flagged DO_NOT_FREE, and never returned.
//! - Legacy mode (`--legacy-mem`): only the lists the requested memory needs (all free
//!   hugepages without `-m`), every page allocated now and never freed.
//! - No hugepages (`--no-huge`, legacy by implication): one list of 4 KiB pages over
//!   `-m` (default 64 MiB) of memfd memory, all present from the start.

use crate::abi::{rte_memseg, RTE_MEMSEG_FLAG_DO_NOT_FREE};
use crate::base::{log, mcfg};
use crate::error::Result;
use crate::mem::hugepage::{self, HugepageSize};
use crate::mem::memalloc::{self, Ctx};
use crate::mem::memseg::{self, ListPlan};
use crate::options::{EalConfig, IovaMode};
use crate::{eal_log, err, sys};

/// Memory DPDK gives a `--no-huge` process when `-m` is not given.
pub(crate) const NO_HUGE_DEFAULT_MEM: u64 = 64 << 20;
const KB4: u64 = 4096;

fn set_ctx(cfg: &EalConfig, hugepages: &[HugepageSize], sockets: &[i32], iova: IovaMode) {
    memalloc::set_ctx(Ctx {
        mode: memalloc::mode_for(cfg),
        prefix: cfg.file_prefix.clone(),
        unlink: cfg.huge_unlink,
        iova_va: iova != IovaMode::Pa,
        nchannel: cfg.nchannel,
        nrank: cfg.nrank,
        dirs: hugepages
            .iter()
            .filter_map(|h| h.dir.clone().map(|d| (h.size, d)))
            .collect(),
        numa: sockets.len() > 1,
    });
}

/// Sets up the memseg lists and initial pages of a primary process.
pub fn init_primary(
    cfg: &EalConfig,
    hugepages: &[HugepageSize],
    sockets: &[i32],
    iova: IovaMode,
) -> Result<()> {
    let m = mcfg::get().ok_or_else(|| err!(libc::ENODEV, "the shared config is not mapped"))?;
    set_ctx(cfg, hugepages, sockets, iova);
    let hint = m.next_va;
    if cfg.no_huge {
        return init_no_huge(cfg, hint);
    }
    let mut sizes: Vec<u64> = hugepages.iter().map(|h| h.size).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let wanted = requested_per_socket(cfg, sockets);
    if cfg.legacy_mem {
        return init_legacy(hugepages, &sizes, sockets, &wanted, hint);
    }
    let plan = memseg::plan(&sizes, sockets)?;
    // SAFETY: init, primary: nobody else sees the lists yet.
    unsafe { memseg::init_lists(&plan, hint) }?;
    // --socket-limit is enforced as DPDK does: a validator per limited socket.
    for (socket, &limit) in cfg.socket_limit.iter().enumerate() {
        if limit > 0 {
            crate::mem::memevent::register_validator(
                "socket-limit",
                Some(socket_limit_reached),
                socket as i32,
                limit as usize,
            )?;
        }
    }
    for (socket, bytes) in wanted {
        if bytes > 0 {
            prealloc(hugepages, &sizes, socket, bytes, false)?;
        }
    }
    Ok(())
}

/// The `--socket-limit` validator: growing past the limit is refused.
unsafe extern "C" fn socket_limit_reached(
    socket: std::ffi::c_int,
    limit: usize,
    new_len: usize,
) -> std::ffi::c_int {
    eal_log!(
        log::RTE_LOG_ERR,
        "cannot grow socket {socket} to {} MiB: --socket-limit is {} MiB",
        new_len >> 20,
        limit >> 20
    );
    -1
}

/// Memory requested per socket: `--socket-mem`, or `-m` (all on the first socket with
/// hugepages, as DPDK does on a single-socket machine), or nothing.
fn requested_per_socket(cfg: &EalConfig, sockets: &[i32]) -> Vec<(i32, u64)> {
    if !cfg.socket_mem.is_empty() {
        return cfg
            .socket_mem
            .iter()
            .enumerate()
            .map(|(s, &b)| (s as i32, b))
            .collect();
    }
    if cfg.memory > 0 {
        // Spread -m evenly over the sockets, as DPDK does when it has no lcore information.
        let n = sockets.len().max(1) as u64;
        return sockets.iter().map(|&s| (s, cfg.memory / n)).collect();
    }
    Vec::new()
}

/// How many pages of which size cover `bytes` on `socket`: largest pages first, the rest in
/// smaller ones, rounding the last size up.
fn pages_for(
    hugepages: &[HugepageSize],
    sizes: &[u64],
    socket: i32,
    bytes: u64,
) -> Result<Vec<(u64, u32)>> {
    let mut left = bytes;
    let mut out = Vec::new();
    for (i, &sz) in sizes.iter().enumerate() {
        let free = hugepages
            .iter()
            .find(|h| h.size == sz)
            .and_then(|h| h.free_per_node.get(socket.max(0) as usize).copied())
            .unwrap_or(0);
        let last = i + 1 == sizes.len();
        let mut n = left / sz;
        if last && !left.is_multiple_of(sz) {
            n += 1;
        }
        let n = n.min(free);
        if n > 0 {
            out.push((sz, n as u32));
            left = left.saturating_sub(n * sz);
        }
        if left == 0 {
            break;
        }
    }
    if left > 0 {
        return Err(not_enough_hugepages(hugepages, sizes, socket, bytes));
    }
    Ok(out)
}

/// The message for -m/--socket-mem asking more than `socket` has free: what is free there, per
/// page size, and both fixes (ask for at most that, or reserve the missing pages).
fn not_enough_hugepages(
    hugepages: &[HugepageSize],
    sizes: &[u64],
    socket: i32,
    bytes: u64,
) -> crate::error::Error {
    let node = socket.max(0) as usize;
    let free_of = |sz: u64| {
        hugepages
            .iter()
            .find(|h| h.size == sz)
            .and_then(|h| h.free_per_node.get(node).copied())
            .unwrap_or(0)
    };
    let free: u64 = sizes
        .iter()
        .map(|&sz| free_of(sz).saturating_mul(sz))
        .fold(0, u64::saturating_add);
    let per_size: Vec<String> = sizes
        .iter()
        .map(|&sz| format!("{} x {}", free_of(sz), hugepage::size_text(sz)))
        .collect();
    // Reserve the shortfall in the smallest size (the finest grain).
    let reserve = sizes.iter().min().map(|&sz| {
        let missing = bytes.saturating_sub(free).div_ceil(sz);
        let h = hugepages.iter().find(|h| h.size == sz);
        let kb = sz >> 10;
        if h.is_some_and(|h| h.free_per_node.len() > 1) {
            format!(
                "reserve {missing} more {} pages on node {node} (as root, raise /sys/devices/system/node/node{node}/hugepages/hugepages-{kb}kB/nr_hugepages by {missing})",
                hugepage::size_text(sz)
            )
        } else {
            let total = h.map_or(0, |h| h.total).saturating_add(missing);
            format!(
                "reserve {missing} more {} pages (as root: echo {total} > /sys/kernel/mm/hugepages/hugepages-{kb}kB/nr_hugepages)",
                hugepage::size_text(sz)
            )
        }
    });
    err!(
        libc::ENOMEM,
        "not enough free hugepages on socket {socket}: {} requested, {} free ({}). Fix: ask for at most {} MiB with -m/--socket-mem{}",
        hugepage::size_text(bytes),
        hugepage::size_text(free),
        per_size.join(" + "),
        free >> 20,
        reserve.map(|r| format!(", or {r}")).unwrap_or_default()
    )
}

/// Allocates `bytes` on `socket` and pins it.
fn prealloc(
    hugepages: &[HugepageSize],
    sizes: &[u64],
    socket: i32,
    bytes: u64,
    contig: bool,
) -> Result<Vec<*mut rte_memseg>> {
    let mut all = Vec::new();
    for (sz, n) in pages_for(hugepages, sizes, socket, bytes)? {
        let r = {
            let _hotplug = mcfg::mem_write();
            memalloc::alloc_pages_init(n, sz, socket, contig, RTE_MEMSEG_FLAG_DO_NOT_FREE)
        };
        all.extend(r.map_err(|e| {
            err!(
                e.errno,
                "cannot preallocate {} MiB on socket {socket}: {}",
                bytes >> 20,
                e.msg
            )
        })?);
    }
    Ok(all)
}

fn init_legacy(
    hugepages: &[HugepageSize],
    sizes: &[u64],
    sockets: &[i32],
    wanted: &[(i32, u64)],
    hint: u64,
) -> Result<()> {
    // Without -m, legacy mode takes every free hugepage.
    let wanted: Vec<(i32, u64)> = if wanted.is_empty() {
        sockets
            .iter()
            .map(|&s| {
                let b = hugepages
                    .iter()
                    .map(|h| h.free_per_node.get(s.max(0) as usize).copied().unwrap_or(0) * h.size)
                    .sum();
                (s, b)
            })
            .collect()
    } else {
        wanted.to_vec()
    };
    let full = memseg::plan(sizes, sockets)?;
    let mut plan: Vec<ListPlan> = Vec::new();
    for &(socket, bytes) in &wanted {
        if bytes == 0 {
            continue;
        }
        for (sz, n) in pages_for(hugepages, sizes, socket, bytes)? {
            let lists = full
                .iter()
                .filter(|p| p.page_sz == sz && p.socket_id == socket);
            let mut need = n as u64;
            for p in lists {
                if need == 0 {
                    break;
                }
                plan.push(*p);
                need = need.saturating_sub(p.n_segs);
            }
        }
    }
    // SAFETY: init, primary: nobody else sees the lists yet.
    unsafe { memseg::init_lists(&plan, hint) }?;
    for &(socket, bytes) in &wanted {
        if bytes == 0 {
            continue;
        }
        for (sz, n) in pages_for(hugepages, sizes, socket, bytes)? {
            let sorted = {
                let _hotplug = mcfg::mem_write();
                memalloc::alloc_legacy_sorted(n, sz, socket)
            };
            if !sorted? {
                let _hotplug = mcfg::mem_write();
                memalloc::alloc_pages_init(n, sz, socket, false, RTE_MEMSEG_FLAG_DO_NOT_FREE)?;
            }
        }
    }
    eal_log!(
        log::RTE_LOG_DEBUG,
        "legacy memory: {} lists, {} bytes",
        plan.len(),
        memseg::physmem_size()
    );
    Ok(())
}

fn init_no_huge(cfg: &EalConfig, hint: u64) -> Result<()> {
    let bytes = if cfg.memory > 0 {
        cfg.memory
    } else {
        NO_HUGE_DEFAULT_MEM
    };
    let n_segs = bytes.div_ceil(KB4);
    let p = ListPlan {
        page_sz: KB4,
        socket_id: 0,
        n_segs,
        type_idx: 0,
    };
    // SAFETY: init, primary: nobody else sees the list yet.
    unsafe { memseg::init_list(0, "nohugemem", &p, hint) }?;
    let msl = memseg::list(0).expect("list 0 was just created");
    let fd = sys::memfd("nohuge", None)?;
    sys::allocate(&fd, 0, p.va_len()).map_err(|e| {
        err!(
            libc::ENOMEM,
            "cannot get {} MiB of memory for --no-huge: {}",
            bytes >> 20,
            e.msg
        )
    })?;
    let base = msl.base_va() as usize;
    // SAFETY: base..base+len is list 0's fresh reservation.
    unsafe {
        sys::map_fixed(
            base,
            p.va_len() as usize,
            std::os::fd::AsRawFd::as_raw_fd(&fd),
            0,
        )
    }?;
    memalloc::adopt_list_fd(0, fd, n_segs as u32);
    let fb = memseg::segs(msl);
    for i in 0..n_segs as u32 {
        let va = base + i as usize * KB4 as usize;
        let ms = memseg::seg(msl, i).expect("slot in range");
        // SAFETY: slot i of the list just created; nobody else sees it yet.
        unsafe {
            ms.write(rte_memseg {
                iova: va as u64,
                u: crate::abi::rte_addr_union { addr_64: va as u64 },
                len: KB4 as usize,
                hugepage_sz: KB4,
                socket_id: 0,
                nchannel: cfg.nchannel,
                nrank: cfg.nrank,
                flags: 0,
            });
        }
        fb.set_used(i)?;
    }
    Ok(())
}

/// Maps the primary's memory into a secondary: every list's address range at the primary's
/// address, its fbarray, and every page in use. Fails at once, naming the range, when an
/// address range is taken in this process.
pub fn attach_secondary(cfg: &EalConfig, hugepages: &[HugepageSize], iova: IovaMode) -> Result<()> {
    let m = mcfg::get().ok_or_else(|| err!(libc::ENODEV, "the shared config is not mapped"))?;
    let mut eff = cfg.clone();
    // As DPDK: these come from the primary.
    eff.single_file_segments = m.single_file_segments != 0;
    eff.legacy_mem = m.legacy_mem != 0;
    set_ctx(&eff, hugepages, &[0], iova);
    // Under the hotplug read lock: no page changes while the lists are scanned, and a change
    // made before it was fully synced (its maker holds the write lock until then). The sync
    // action is already registered, so every later change reaches this process.
    // --no-huge memory is one memfd per list, fixed at the primary's init: get the descriptors
    // before taking the lock (a primary thread waiting for the write lock must not delay the
    // request's answer).
    let mut fds = std::collections::BTreeMap::new();
    if memalloc::mode() == Some(memalloc::Mode::NoHuge) {
        for (li, msl) in memseg::lists() {
            if msl.external == 0 {
                fds.insert(li, crate::mem::memsync::fetch_list_fd(li)?);
            }
        }
    }
    let _hotplug = mcfg::mem_read();
    let r = attach_lists(fds);
    if r.is_ok() {
        memalloc::set_ready();
    }
    r
}

fn attach_lists(mut fds: std::collections::BTreeMap<usize, std::os::fd::OwnedFd>) -> Result<()> {
    for (li, msl) in memseg::lists() {
        // As DPDK: external memory is the application's to attach (rte_extmem_attach).
        if msl.external != 0 {
            continue;
        }
        let (base, len) = (msl.base_va() as usize, msl.len);
        sys::reserve_exact(base, len).map_err(|_| {
            err!(
                libc::EEXIST,
                "cannot attach memseg list {li}: its address range {base:#x}-{:#x} is already in use in this process; restart the primary with --base-virtaddr set to a range free in both processes",
                base + len
            )
        })?;
        memseg::mark_reserved(li);
        let arr = std::ptr::addr_of!(msl.memseg_arr).cast_mut();
        // SAFETY: the list is initialised by the primary; attaching maps its fbarray here.
        unsafe { crate::mem::fbarray::attach_default(arr) }?;
        if let Some(fd) = fds.remove(&li) {
            memalloc::map_no_huge_list(li, msl, fd)?;
        } else {
            memalloc::map_existing(li, msl)?;
        }
    }
    Ok(())
}

/// Unmaps all memory of this process (cleanup).
pub fn cleanup(primary: bool) {
    memalloc::close_all(primary);
    memseg::destroy_all(primary);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(free_2m: Vec<u64>, free_1g: Vec<u64>) -> Vec<HugepageSize> {
        vec![
            HugepageSize {
                size: 2 << 20,
                dir: None,
                total: 512,
                free_per_node: free_2m,
            },
            HugepageSize {
                size: 1 << 30,
                dir: None,
                total: 2,
                free_per_node: free_1g,
            },
        ]
    }

    #[test]
    fn requests_are_covered_largest_pages_first() {
        let hp = machine(vec![480], vec![1]);
        let sizes = [1 << 30, 2 << 20];
        assert_eq!(
            pages_for(&hp, &sizes, 0, (1 << 30) + (6 << 20)).unwrap(),
            vec![(1 << 30, 1), (2 << 20, 3)]
        );
    }

    #[test]
    fn too_much_memory_says_what_is_free_per_page_size_and_both_fixes() {
        let hp = machine(vec![480], vec![1]);
        let e = pages_for(&hp, &[1 << 30, 2 << 20], 0, 100_000 << 20).unwrap_err();
        assert_eq!(e.errno, libc::ENOMEM);
        assert_eq!(
            e.msg,
            "not enough free hugepages on socket 0: 100000 MiB requested, 1984 MiB free \
             (1 x 1 GiB + 480 x 2 MiB). Fix: ask for at most 1984 MiB with -m/--socket-mem, or \
             reserve 49008 more 2 MiB pages (as root: echo 49520 > \
             /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)"
        );
    }

    #[test]
    fn too_much_memory_on_a_numa_node_names_that_node() {
        let hp = machine(vec![10, 0], vec![0, 0]);
        let e = pages_for(&hp, &[1 << 30, 2 << 20], 1, 64 << 20).unwrap_err();
        assert!(
            e.msg.starts_with(
                "not enough free hugepages on socket 1: 64 MiB requested, 0 B free (0 x 1 GiB + 0 x 2 MiB)"
            ) && e.msg.ends_with(
                "reserve 32 more 2 MiB pages on node 1 (as root, raise \
                 /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages by 32)"
            ),
            "{}",
            e.msg
        );
    }
}
