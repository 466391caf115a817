//! Hugepage discovery: sizes, counts per NUMA node, hugetlbfs mounts, directory locks, and the
//! removal of page files that crashed processes left behind.
//!
//! This is DPDK's `eal_hugepage_info_init`: for every page size the kernel offers
//! (`/sys/kernel/mm/hugepages/hugepages-<N>kB`) it finds the hugetlbfs mount that serves that
//! size (`/proc/mounts`, the `pagesize=` option or the system default size; `--huge-dir` picks
//! one), counts the free pages per NUMA node, and locks the mount directory shared while init
//! creates its page files (each page file then carries its own lock for as long as it is
//! mapped, so other primaries can start while this one runs). Before pages are counted, the page files of this `--file-prefix` that
//! no live process holds are unlinked (every page file is kept locked by the process that maps
//! it, so an unlockable file is in use and a lockable one is a crash leftover): a primary
//! started after a `kill -9` gets every hugepage back.
//!
//! Paths are parameters ([`Roots`]) so unit tests run on a fake sysfs tree.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::err;
use crate::error::{Error, Result};
use crate::options::values::str_to_size;
use crate::sys::{self, DirLock, LockMode};

/// Where the kernel's files are (tests point these at a temporary tree).
#[derive(Debug, Clone)]
pub struct Roots {
    pub sys_hugepages: PathBuf,
    pub sys_nodes: PathBuf,
    pub mounts: PathBuf,
    pub meminfo: PathBuf,
}

impl Default for Roots {
    fn default() -> Self {
        Roots {
            sys_hugepages: "/sys/kernel/mm/hugepages".into(),
            sys_nodes: "/sys/devices/system/node".into(),
            mounts: "/proc/mounts".into(),
            meminfo: "/proc/meminfo".into(),
        }
    }
}

pub use crate::config::HugepageSize;

fn read_u64(p: &Path) -> Option<u64> {
    std::fs::read_to_string(p).ok()?.trim().parse().ok()
}

/// The system's default hugepage size (`Hugepagesize:` in /proc/meminfo).
fn default_size(roots: &Roots) -> Option<u64> {
    let text = std::fs::read_to_string(&roots.meminfo).ok()?;
    let line = text.lines().find(|l| l.starts_with("Hugepagesize:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// hugetlbfs mounts: (mount point, page size it serves).
pub fn mounts(roots: &Roots) -> Vec<(PathBuf, u64)> {
    let default = default_size(roots);
    let Ok(text) = std::fs::read_to_string(&roots.mounts) else {
        return vec![];
    };
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 4 || f[2] != "hugetlbfs" {
                return None;
            }
            let size = f[3]
                .split(',')
                .find_map(|o| {
                    o.strip_prefix("pagesize=")
                        .map(str_to_size)
                        .filter(|&v| v > 0)
                })
                .or(default)?;
            Some((PathBuf::from(f[1].replace("\\040", " ")), size))
        })
        .collect()
}

/// Page sizes the kernel offers, with counts, and the directory serving each.
/// With `huge_dir`, only the size that directory serves gets a directory.
pub fn discover(roots: &Roots, huge_dir: Option<&Path>) -> Result<Vec<HugepageSize>> {
    let mounts = mounts(roots);
    let mut sizes = Vec::new();
    let entries = match std::fs::read_dir(&roots.sys_hugepages) {
        Ok(e) => e,
        Err(_) => return Ok(sizes),
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(kb) = name
            .strip_prefix("hugepages-")
            .and_then(|r| r.strip_suffix("kB"))
        else {
            continue;
        };
        let Some(size) = kb.parse::<u64>().ok().and_then(|k| k.checked_mul(1024)) else {
            continue;
        };
        let total = read_u64(&e.path().join("nr_hugepages")).unwrap_or(0);
        let dir = match huge_dir {
            Some(want) => mounts
                .iter()
                .find(|(m, s)| *s == size && (want == m.as_path() || want.starts_with(m)))
                .map(|_| want.to_path_buf()),
            None => mounts
                .iter()
                .find(|(_, s)| *s == size)
                .map(|(m, _)| m.clone()),
        };
        sizes.push(HugepageSize {
            size,
            dir,
            total,
            free_per_node: free_per_node(roots, &name, &e.path()),
        });
    }
    sizes.sort_by_key(|h| h.size);
    Ok(sizes)
}

fn free_per_node(roots: &Roots, sizedir: &str, global: &Path) -> Vec<u64> {
    let mut per = Vec::new();
    if let Ok(nodes) = std::fs::read_dir(&roots.sys_nodes) {
        for n in nodes.flatten() {
            let name = n.file_name().to_string_lossy().into_owned();
            let Some(id) = name
                .strip_prefix("node")
                .and_then(|i| i.parse::<usize>().ok())
            else {
                continue;
            };
            if let Some(free) = read_u64(
                &n.path()
                    .join("hugepages")
                    .join(sizedir)
                    .join("free_hugepages"),
            ) {
                if per.len() <= id {
                    per.resize(id + 1, 0);
                }
                per[id] = free;
            }
        }
    }
    if per.is_empty() {
        // No NUMA information: everything counts as node 0.
        per.push(read_u64(&global.join("free_hugepages")).unwrap_or(0));
    }
    per
}

/// A page or memory size for messages: "2 MiB", "1 GiB", "4 KiB", "1536 MiB", "100 B".
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ];
    for (unit, name) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {name}", bytes / unit);
        }
    }
    if bytes >= 1 << 20 {
        return format!("{} MiB", bytes >> 20);
    }
    format!("{bytes} B")
}

/// "/dev/hugepages (2 MiB pages, 512 of 512 free)" for every hugetlbfs mount.
fn mounts_text(sizes: &[HugepageSize], mounts: &[(PathBuf, u64)]) -> String {
    let list: Vec<String> = mounts
        .iter()
        .map(|(m, sz)| {
            let h = sizes.iter().find(|h| h.size == *sz);
            let (free, total) = h.map(|h| (h.free(), h.total)).unwrap_or((0, 0));
            format!(
                "{} ({} pages, {free} of {total} free)",
                m.display(),
                size_text(*sz)
            )
        })
        .collect();
    list.join(", ")
}

/// The message for "no usable hugepages": what was found (the hugetlbfs mounts with their page
/// sizes and free pages), and the fix: a `--huge-dir` that would work, or how to reserve and
/// mount pages, or `--no-huge`.
pub fn no_hugepages_error(
    sizes: &[HugepageSize],
    mounts: &[(PathBuf, u64)],
    huge_dir: Option<&Path>,
) -> Error {
    const RESERVE: &str = "reserve and mount hugepages (as root: echo 512 > /proc/sys/vm/nr_hugepages; mkdir -p /dev/hugepages; mount -t hugetlbfs nodev /dev/hugepages)";
    const NO_HUGE: &str = "or run without hugepages with --no-huge";
    // Mounts that serve a size with free pages: each would work as --huge-dir.
    let working: Vec<&PathBuf> = mounts
        .iter()
        .filter(|(_, sz)| sizes.iter().any(|h| h.size == *sz && h.free() > 0))
        .map(|(m, _)| m)
        .collect();
    let found = if mounts.is_empty() {
        "no hugetlbfs is mounted".to_string()
    } else {
        format!("hugetlbfs mounts: {}", mounts_text(sizes, mounts))
    };
    let msg = match huge_dir {
        Some(d) => {
            let what = if !d.exists() {
                format!("--huge-dir {} does not exist", d.display())
            } else if let Some((m, sz)) = mounts.iter().find(|(m, _)| d.starts_with(m)) {
                format!(
                    "--huge-dir {} is on the hugetlbfs mount {}, but no {} pages are reserved",
                    d.display(),
                    m.display(),
                    size_text(*sz)
                )
            } else {
                format!("--huge-dir {} is not a hugetlbfs mount", d.display())
            };
            let fix = if working.is_empty() {
                format!("{RESERVE}, {NO_HUGE}")
            } else {
                let dirs: Vec<String> = working
                    .iter()
                    .map(|m| format!("--huge-dir {}", m.display()))
                    .collect();
                format!(
                    "use {}, or leave --huge-dir out to use every mount; {NO_HUGE}",
                    dirs.join(" or ")
                )
            };
            format!("{what}; {found}. Fix: {fix}")
        }
        None => {
            let reserved: Vec<String> = sizes
                .iter()
                .filter(|h| h.total > 0)
                .map(|h| format!("{} x {}", h.total, size_text(h.size)))
                .collect();
            let what = if reserved.is_empty() {
                "no hugepages are reserved".to_string()
            } else {
                format!(
                    "{} reserved, but no hugetlbfs is mounted for that size",
                    reserved.join(", ")
                )
            };
            format!("{what}; {found}. Fix: {RESERVE}, {NO_HUGE}")
        }
    };
    err!(libc::EACCES, "cannot use hugepages: {msg}")
}

/// Locks the hugetlbfs directory `dir` shared while init creates page files in it (other
/// processes may use it too; nobody may clear it under us).
pub fn lock_dir(dir: &Path) -> Result<DirLock> {
    DirLock::lock(dir, LockMode::Shared)
}

/// Page-file name prefix for `--file-prefix` (DPDK: `<prefix>map_<n>`).
pub fn page_file_prefix(file_prefix: &str) -> String {
    format!("{file_prefix}map_")
}

/// Unlinks the page files of `file_prefix` in `dir` that no live process holds (each user keeps
/// a lock on its page files). Returns how many were removed.
pub fn clear_stale(dir: &Path, file_prefix: &str) -> Result<usize> {
    let start = page_file_prefix(file_prefix);
    // Exclusive on the directory while clearing, so two primaries never race on one file.
    // Others hold it (shared) only while their init creates page files: wait a bounded time,
    // then skip the sweep rather than hang (the files stay for the next sweep).
    let Some(_dir_lock) = DirLock::lock_within(dir, LockMode::Exclusive, Duration::from_secs(5))?
    else {
        crate::eal_log!(
            crate::base::log::RTE_LOG_WARNING,
            "{} stayed locked by another process's init: crash leftovers not cleared this time",
            dir.display()
        );
        return Ok(0);
    };
    let mut removed = 0;
    for e in std::fs::read_dir(dir)
        .map_err(|e| Error::os(format!("cannot list {}", dir.display()), e))?
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&start) else {
            continue;
        };
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(f) = File::open(e.path()) else {
            continue;
        };
        if sys::flock_file(&f, LockMode::Exclusive, false).is_ok()
            && std::fs::remove_file(e.path()).is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn fake_tree(tag: &str) -> (PathBuf, Roots) {
        let root = std::env::temp_dir().join(format!("rtemem-hp-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        for (size, nr, free) in [("2048", 512, 500), ("1048576", 2, 2)] {
            let d = root.join(format!("sys/hugepages-{size}kB"));
            fs::create_dir_all(&d).unwrap();
            fs::write(d.join("nr_hugepages"), format!("{nr}\n")).unwrap();
            fs::write(d.join("free_hugepages"), format!("{free}\n")).unwrap();
            for (node, f) in [(0, free / 2), (1, free - free / 2)] {
                let n = root.join(format!("nodes/node{node}/hugepages/hugepages-{size}kB"));
                fs::create_dir_all(&n).unwrap();
                fs::write(n.join("free_hugepages"), format!("{f}\n")).unwrap();
            }
        }
        fs::write(
            root.join("mounts"),
            "proc /proc proc rw 0 0\nnodev /dev/hugepages hugetlbfs rw,relatime 0 0\nnodev /mnt/huge1G hugetlbfs rw,pagesize=1024M 0 0\n",
        )
        .unwrap();
        fs::write(
            root.join("meminfo"),
            "MemTotal: 1 kB\nHugepagesize:       2048 kB\n",
        )
        .unwrap();
        let roots = Roots {
            sys_hugepages: root.join("sys"),
            sys_nodes: root.join("nodes"),
            mounts: root.join("mounts"),
            meminfo: root.join("meminfo"),
        };
        (root, roots)
    }

    #[test]
    fn sizes_counts_per_node_and_mounts_are_found() {
        let (root, roots) = fake_tree("disc");
        let s = discover(&roots, None).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].size, 2 << 20);
        assert_eq!(
            s[0].dir.as_deref(),
            Some(Path::new("/dev/hugepages")),
            "default size mount"
        );
        assert_eq!(s[0].free_per_node, vec![250, 250]);
        assert_eq!(s[0].total, 512);
        assert_eq!(s[1].size, 1 << 30);
        assert_eq!(
            s[1].dir.as_deref(),
            Some(Path::new("/mnt/huge1G")),
            "pagesize= option"
        );
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn huge_dir_selects_only_its_size() {
        let (root, roots) = fake_tree("dir");
        let s = discover(&roots, Some(Path::new("/mnt/huge1G"))).unwrap();
        assert_eq!(s[0].dir, None);
        assert_eq!(s[1].dir.as_deref(), Some(Path::new("/mnt/huge1G")));
        fs::remove_dir_all(root).unwrap();
    }

    fn machine() -> (Vec<HugepageSize>, Vec<(PathBuf, u64)>) {
        let sizes = vec![
            HugepageSize {
                size: 2 << 20,
                dir: None,
                total: 512,
                free_per_node: vec![500],
            },
            HugepageSize {
                size: 1 << 30,
                dir: None,
                total: 2,
                free_per_node: vec![1],
            },
        ];
        let mounts = vec![
            ("/dev/hugepages".into(), 2 << 20),
            ("/dev/hugepages1G".into(), 1 << 30),
        ];
        (sizes, mounts)
    }

    #[test]
    fn no_hugepages_error_names_both_fixes() {
        let e = no_hugepages_error(&[], &[], None);
        assert_eq!(e.errno, libc::EACCES);
        assert!(
            e.msg
                .contains("no hugepages are reserved; no hugetlbfs is mounted")
                && e.msg.contains("nr_hugepages")
                && e.msg.contains("mount -t hugetlbfs")
                && e.msg.contains("--no-huge"),
            "{}",
            e.msg
        );
        let (sizes, _) = machine();
        assert!(no_hugepages_error(&sizes[..1], &[], None)
            .msg
            .contains("512 x 2 MiB reserved, but no hugetlbfs is mounted for that size"));
    }

    #[test]
    fn huge_dir_that_does_not_exist_lists_the_mounts_and_the_dirs_that_work() {
        let (sizes, mounts) = machine();
        let e = no_hugepages_error(&sizes, &mounts, Some(Path::new("/nonexistent")));
        assert_eq!(
            e.msg,
            "cannot use hugepages: --huge-dir /nonexistent does not exist; hugetlbfs mounts: \
             /dev/hugepages (2 MiB pages, 500 of 512 free), /dev/hugepages1G (1 GiB pages, 1 of 2 free). \
             Fix: use --huge-dir /dev/hugepages or --huge-dir /dev/hugepages1G, or leave --huge-dir out \
             to use every mount; or run without hugepages with --no-huge"
        );
    }

    #[test]
    fn huge_dir_that_is_no_mount_says_so_and_skips_mounts_without_free_pages() {
        let (mut sizes, mounts) = machine();
        sizes[1].free_per_node = vec![0];
        let e = no_hugepages_error(&sizes, &mounts, Some(Path::new("/tmp")));
        assert!(
            e.msg.starts_with("cannot use hugepages: --huge-dir /tmp is not a hugetlbfs mount; hugetlbfs mounts: /dev/hugepages (2 MiB pages, 500 of 512 free), /dev/hugepages1G (1 GiB pages, 0 of 2 free). Fix: use --huge-dir /dev/hugepages, or leave"),
            "{}",
            e.msg
        );
        sizes[0].free_per_node = vec![0];
        let e = no_hugepages_error(&sizes, &mounts, Some(Path::new("/tmp")));
        assert!(
            e.msg.contains("Fix: reserve and mount hugepages"),
            "{}",
            e.msg
        );
    }

    #[test]
    fn sizes_print_in_binary_units() {
        assert_eq!(size_text(2 << 20), "2 MiB");
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(4096), "4 KiB");
        assert_eq!(size_text(3008 << 20), "3008 MiB");
        assert_eq!(size_text((1 << 20) + 1), "1 MiB");
        assert_eq!(size_text(100), "100 B");
    }

    #[test]
    fn stale_page_files_are_removed_but_held_ones_stay() {
        let dir = std::env::temp_dir().join(format!("rtemem-stale-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for n in [
            "pfxmap_0",
            "pfxmap_1",
            "pfxmap_x",
            "otherpfxmap_0",
            "pfxmap_2",
        ] {
            fs::write(dir.join(n), b"").unwrap();
        }
        // pfxmap_2 is in use: its holder keeps a lock on it (from another open file).
        let held = File::open(dir.join("pfxmap_2")).unwrap();
        sys::flock_file(&held, LockMode::Shared, false).unwrap();
        assert_eq!(clear_stale(&dir, "pfx").unwrap(), 2);
        let mut left: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["otherpfxmap_0", "pfxmap_2", "pfxmap_x"]);
        drop(held);
        fs::remove_dir_all(dir).unwrap();
    }
}
