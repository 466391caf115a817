//! CPU and NUMA topology, read from sysfs the way DPDK's `eal_lcore.c` reads it.
//!
//! A CPU is *detected* when it is listed in `devices/system/cpu/present` (or, if that file is
//! unreadable, when `devices/system/cpu/cpuN/topology/core_id` exists). Its NUMA node is the
//! `N` of the first `devices/system/node/nodeN/cpuM` entry naming it, and 0 when no node
//! claims it (no NUMA, or a CPU that is not present) — DPDK's rule, kept so socket ids agree.
//!
//! DPDK's socket list (`rte_socket_count`, `rte_socket_id_by_idx`) is the sorted set of the
//! socket ids of CPUs `0..RTE_MAX_LCORE`, absent CPUs counting as socket 0. [`Topology::sockets`]
//! reproduces it.
//!
//! The sysfs root is a parameter so tests can run on a fake tree. A [`Topology`] is immutable
//! once read; nothing here locks.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::options::{RTE_MAX_LCORE, RTE_MAX_NUMA_NODES};

/// The CPUs of this machine, their cores and NUMA nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    /// Every detected CPU -> its NUMA node.
    cpus: BTreeMap<usize, u32>,
    /// CPU -> the node that lists it, for any CPU a node directory names (present or not).
    nodes: BTreeMap<usize, u32>,
    /// CPU -> `topology/core_id`, where readable.
    core_ids: BTreeMap<usize, u32>,
}

/// Parses a sysfs CPU list such as `0-3,8,10-11` into the CPUs it names.
pub fn parse_cpu_list(text: &str) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        let bad = || {
            crate::err!(
                libc::EINVAL,
                "bad CPU list element '{part}' in '{}'",
                text.trim()
            )
        };
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (
                a.trim().parse::<usize>().map_err(|_| bad())?,
                b.trim().parse::<usize>().map_err(|_| bad())?,
            ),
            None => {
                let v = part.trim().parse::<usize>().map_err(|_| bad())?;
                (v, v)
            }
        };
        if lo > hi || hi >= crate::base::lcore::cpuset::CPU_SETSIZE {
            return Err(bad());
        }
        out.extend(lo..=hi);
    }
    Ok(out)
}

impl Topology {
    /// Reads the topology below `root` (normally `/sys`).
    pub fn read(root: &Path) -> Result<Topology> {
        let cpu_dir = root.join("devices/system/cpu");
        let node_dir = root.join("devices/system/node");
        let mut nodes = BTreeMap::new();
        for node in 0..RTE_MAX_NUMA_NODES as u32 {
            let dir = node_dir.join(format!("node{node}"));
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name();
                let Some(n) = name.to_str().and_then(|s| s.strip_prefix("cpu")) else {
                    continue;
                };
                if let Ok(cpu) = n.parse::<usize>() {
                    // The lowest node wins, as DPDK scans nodes in increasing order.
                    nodes.entry(cpu).or_insert(node);
                }
            }
        }
        let core_id_path =
            |cpu: usize| -> PathBuf { cpu_dir.join(format!("cpu{cpu}/topology/core_id")) };
        let present: Vec<usize> = match fs::read_to_string(cpu_dir.join("present")) {
            Ok(text) => parse_cpu_list(&text)?,
            Err(_) => (0..crate::base::lcore::cpuset::CPU_SETSIZE)
                .filter(|&c| core_id_path(c).exists())
                .collect(),
        };
        let mut cpus = BTreeMap::new();
        let mut core_ids = BTreeMap::new();
        for cpu in present {
            cpus.insert(cpu, nodes.get(&cpu).copied().unwrap_or(0));
            if let Ok(t) = fs::read_to_string(core_id_path(cpu)) {
                if let Ok(id) = t.trim().parse::<u32>() {
                    core_ids.insert(cpu, id);
                }
            }
        }
        if cpus.is_empty() {
            return Err(crate::err!(
                libc::ENODEV,
                "no CPU found under {} (is sysfs mounted?)",
                cpu_dir.display()
            ));
        }
        Ok(Topology {
            cpus,
            nodes,
            core_ids,
        })
    }

    /// True when `cpu` exists on this machine.
    pub fn cpu_detected(&self, cpu: usize) -> bool {
        self.cpus.contains_key(&cpu)
    }

    /// The detected CPUs, in increasing order.
    pub fn cpus(&self) -> impl Iterator<Item = usize> + '_ {
        self.cpus.keys().copied()
    }

    /// The NUMA node of `cpu`; 0 when no node lists it (DPDK's `eal_cpu_socket_id`).
    pub fn socket_of_cpu(&self, cpu: usize) -> u32 {
        self.nodes.get(&cpu).copied().unwrap_or(0)
    }

    /// The physical core id of `cpu` (`topology/core_id`), 0 when unknown.
    pub fn core_id(&self, cpu: usize) -> u32 {
        self.core_ids.get(&cpu).copied().unwrap_or(0)
    }

    /// The socket of a set of CPUs: their common node, or `None` (SOCKET_ID_ANY) when the
    /// set is empty or spans nodes (DPDK's `eal_cpuset_socket_id`).
    pub fn socket_of_cpus(&self, cpus: &[usize]) -> Option<u32> {
        let mut it = cpus.iter().map(|&c| self.socket_of_cpu(c));
        let first = it.next()?;
        it.all(|s| s == first).then_some(first)
    }

    /// DPDK's socket list: sorted distinct sockets of CPUs `0..RTE_MAX_LCORE`.
    pub fn sockets(&self) -> Vec<u32> {
        let set: BTreeSet<u32> = (0..RTE_MAX_LCORE).map(|c| self.socket_of_cpu(c)).collect();
        set.into_iter().collect()
    }

    /// Number of distinct NUMA nodes that hold a detected CPU (for "Detected NUMA nodes").
    pub fn numa_node_count(&self) -> usize {
        self.cpus.values().collect::<BTreeSet<_>>().len()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a fake sysfs tree: `cpus` is (cpu, node, core_id); `present` the present list.
    pub(crate) fn fake_sysfs(dir: &Path, present: &str, cpus: &[(usize, Option<u32>, u32)]) {
        let cpu_dir = dir.join("devices/system/cpu");
        fs::create_dir_all(&cpu_dir).unwrap();
        fs::write(cpu_dir.join("present"), format!("{present}\n")).unwrap();
        for &(cpu, node, core) in cpus {
            let topo = cpu_dir.join(format!("cpu{cpu}/topology"));
            fs::create_dir_all(&topo).unwrap();
            fs::write(topo.join("core_id"), format!("{core}\n")).unwrap();
            if let Some(n) = node {
                let nd = dir.join(format!("devices/system/node/node{n}"));
                fs::create_dir_all(&nd).unwrap();
                std::os::unix::fs::symlink(&topo, nd.join(format!("cpu{cpu}"))).unwrap();
                fs::write(nd.join("cpulist"), "x").unwrap();
            }
        }
    }

    pub(crate) fn tempdir(tag: &str) -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let d = std::env::temp_dir().join(format!(
            "rtemem-lcore-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn cpu_list_parses_ranges_and_singles() {
        assert_eq!(
            parse_cpu_list("0-3,8,10-11\n").unwrap(),
            vec![0, 1, 2, 3, 8, 10, 11]
        );
        assert_eq!(parse_cpu_list("5").unwrap(), vec![5]);
        assert_eq!(parse_cpu_list("").unwrap(), Vec::<usize>::new());
    }

    #[test]
    fn cpu_list_rejects_garbage_and_reversed_ranges() {
        assert!(parse_cpu_list("a-b").is_err());
        assert!(parse_cpu_list("4-2").is_err());
        assert!(parse_cpu_list("0-99999").is_err());
    }

    #[test]
    fn two_node_machine_maps_cpus_to_their_nodes() {
        let d = tempdir("two-node");
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
        assert_eq!(t.cpus().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
        assert_eq!(t.socket_of_cpu(2), 1);
        assert_eq!(t.socket_of_cpu(3), 1);
        assert_eq!(t.core_id(3), 1);
        assert_eq!(t.sockets(), vec![0, 1]);
        assert_eq!(t.numa_node_count(), 2);
        assert_eq!(t.socket_of_cpus(&[2, 3]), Some(1));
        assert_eq!(
            t.socket_of_cpus(&[1, 2]),
            None,
            "a set spanning nodes has no socket"
        );
        assert_eq!(t.socket_of_cpus(&[]), None);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn machine_without_numa_puts_every_cpu_on_socket_zero() {
        let d = tempdir("no-numa");
        fake_sysfs(&d, "0-1", &[(0, None, 0), (1, None, 0)]);
        let t = Topology::read(&d).unwrap();
        assert_eq!(t.socket_of_cpu(1), 0);
        assert_eq!(t.sockets(), vec![0]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn socket_list_includes_zero_when_cpus_are_missing_like_dpdk() {
        // Only node 1 has CPUs, but CPUs 2..128 are absent and count as socket 0 in DPDK.
        let d = tempdir("node1-only");
        fake_sysfs(&d, "0-1", &[(0, Some(1), 0), (1, Some(1), 1)]);
        let t = Topology::read(&d).unwrap();
        assert_eq!(t.sockets(), vec![0, 1]);
        assert_eq!(t.numa_node_count(), 1);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn cpus_not_in_present_list_are_not_detected() {
        let d = tempdir("offline");
        fake_sysfs(&d, "0", &[(0, Some(0), 0), (1, Some(0), 1)]);
        let t = Topology::read(&d).unwrap();
        assert!(t.cpu_detected(0));
        assert!(!t.cpu_detected(1));
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn missing_sysfs_is_an_error_naming_the_path() {
        let d = tempdir("empty");
        let e = Topology::read(&d).unwrap_err();
        assert_eq!(e.errno, libc::ENODEV);
        assert!(e.msg.contains("devices/system/cpu"), "{}", e.msg);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn this_machine_has_a_topology() {
        let t = Topology::read(Path::new("/sys")).unwrap();
        assert!(t.cpu_detected(0));
        assert!(t.sockets().contains(&0));
    }
}
