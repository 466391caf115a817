//! The lcore syntaxes of DPDK 22.11's EAL (`-c`, `-l`, `--lcores`, `-s`, `-S`) and the CPUs
//! they are checked against.
//!
//! An lcore is an EAL thread id (0..RTE_MAX_LCORE); each has a set of CPUs its thread may run
//! on. `-c` (hex mask) and `-l` (list) name lcores whose CPU set is the CPU of the same number;
//! `--lcores` maps groups of lcores onto CPU sets. Each parser returns [`LcoreSet`]: lcore id
//! -> (index in order of appearance, CPU set), exactly as DPDK fills `lcore_config[]`.
//! DPDK's parsers lean on C's `strtol`/`strtoul`; the quirks that follow from that (a list item
//! with no digits reads as 0, blanks are skipped) are reproduced through [`c_strtoul`].
//! Nothing here touches global state.

use std::collections::{BTreeMap, BTreeSet};

use super::values::c_strtoul;
use super::RTE_MAX_LCORE;
use crate::error::Result;

/// glibc's `CPU_SETSIZE`: the largest CPU number a `cpu_set_t` holds, plus one.
pub(crate) const CPU_SETSIZE: usize = 1024;

/// lcore id -> (core index, CPUs).
pub(crate) type LcoreSet = BTreeMap<u32, (u32, Vec<usize>)>;

fn einval(msg: String) -> crate::error::Error {
    crate::error::Error::new(libc::EINVAL, msg)
}

/// The CPUs the EAL may use: the ones present on the machine and the ones this thread may run
/// on. Injected into the parser so that tests do not depend on the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// CPUs present (DPDK: `eal_cpu_detected`).
    pub cpus: BTreeSet<usize>,
    /// CPUs in the calling thread's affinity mask (DPDK: `pthread_getaffinity_np`).
    pub affinity: BTreeSet<usize>,
}

impl Machine {
    /// A machine with CPUs `0..n`, all in the affinity mask.
    pub fn with_cpus(n: usize) -> Machine {
        let cpus: BTreeSet<usize> = (0..n).collect();
        Machine {
            affinity: cpus.clone(),
            cpus,
        }
    }

    /// Reads `/sys/devices/system/cpu/present` and this thread's `Cpus_allowed_list`. If either
    /// cannot be read, falls back to the other, then to CPU 0 alone.
    pub fn detect() -> Machine {
        let present = std::fs::read_to_string("/sys/devices/system/cpu/present")
            .ok()
            .and_then(|s| parse_kernel_list(s.trim()));
        let allowed = std::fs::read_to_string("/proc/thread-self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
                    .and_then(|v| parse_kernel_list(v.trim()))
            });
        let cpus = present
            .clone()
            .or_else(|| allowed.clone())
            .unwrap_or_else(|| [0].into());
        let affinity = allowed.unwrap_or_else(|| cpus.clone());
        Machine { cpus, affinity }
    }

    fn has(&self, cpu: usize) -> bool {
        self.cpus.contains(&cpu)
    }

    /// The present CPUs below RTE_MAX_LCORE written as DPDK's `available_cores` does ("0-3,6").
    pub(crate) fn available(&self) -> String {
        let ids: Vec<usize> = self
            .cpus
            .iter()
            .copied()
            .filter(|&c| c < RTE_MAX_LCORE)
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < ids.len() {
            let mut j = i;
            while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
                j += 1;
            }
            out.push(if i == j {
                ids[i].to_string()
            } else {
                format!("{}-{}", ids[i], ids[j])
            });
            i = j + 1;
        }
        out.join(",")
    }
}

/// Parses the kernel's CPU list format ("0-3,8,10-11").
fn parse_kernel_list(s: &str) -> Option<BTreeSet<usize>> {
    let mut set = BTreeSet::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (a, b): (usize, usize) = match part.split_once('-') {
            Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
            None => {
                let v = part.parse().ok()?;
                (v, v)
            }
        };
        if a > b || b >= CPU_SETSIZE {
            return None;
        }
        set.extend(a..=b);
    }
    (!set.is_empty()).then_some(set)
}

fn blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && blank(b[i]) {
        i += 1;
    }
    i
}

/// The byte at `i`, or NUL past the end (as C sees the terminator).
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn too_high(list: &[usize]) -> Result<()> {
    if list.iter().all(|&l| l < RTE_MAX_LCORE) {
        return Ok(());
    }
    let map: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{i}@{l}"))
        .collect();
    Err(einval(format!(
        "lcore {} >= RTE_MAX_LCORE ({RTE_MAX_LCORE}); to use high CPU ids, map them to lower \
         lcore ids with --lcores, e.g. --lcores {}",
        list.iter()
            .find(|&&l| l >= RTE_MAX_LCORE)
            .copied()
            .unwrap_or_default(),
        map.join(",")
    )))
}

/// Lcores named by `-c`/`-l` (in order of appearance) become lcore -> (index, {same CPU}),
/// each checked to be a present CPU.
fn plain_lcores(list: &[usize], m: &Machine, opt: &str, arg: &str) -> Result<LcoreSet> {
    too_high(list)?;
    if let Some(bad) = list.iter().find(|&&l| !m.has(l)) {
        return Err(einval(format!(
            "{opt} {arg}: lcore {bad} unavailable; the CPUs present are {}",
            m.available()
        )));
    }
    Ok(list
        .iter()
        .enumerate()
        .map(|(i, &l)| (l as u32, (i as u32, vec![l])))
        .collect())
}

/// `-c <hex mask>`: bit N set means lcore N.
pub(crate) fn parse_coremask(arg: &str, m: &Machine) -> Result<LcoreSet> {
    let list = coremask_bits(arg, "-c")?;
    plain_lcores(&list, m, "-c", arg)
}

/// DPDK's `rte_eal_parse_coremask`: for a hex mask, an array indexed by lcore id holding each
/// named lcore's rank (lowest lcore first) and -1 elsewhere. The CPUs need not exist here; an
/// lcore at or above RTE_MAX_LCORE is refused.
pub(crate) fn coremask_indexes(arg: &str) -> Result<[i32; RTE_MAX_LCORE]> {
    let list = coremask_bits(arg, "coremask")?;
    too_high(&list)?;
    let mut cores = [-1; RTE_MAX_LCORE];
    for (i, &l) in list.iter().enumerate() {
        cores[l] = i as i32;
    }
    Ok(cores)
}

/// The set bits of a hex mask, lowest first. Blanks around it and a 0x prefix are allowed; an
/// empty mask, a non-hex digit, no bit set or more than RTE_MAX_LCORE bits are refused. `what`
/// names the option in errors.
fn coremask_bits(arg: &str, what: &str) -> Result<Vec<usize>> {
    let syntax = |why: &str| einval(format!("{what} {arg}: invalid coremask ({why})"));
    let t = arg.trim_start_matches([' ', '\t']);
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let t = t.trim_end_matches([' ', '\t']);
    if t.is_empty() {
        return Err(syntax("no lcores in it"));
    }
    let mut list = Vec::new();
    for (pos, c) in t.bytes().rev().enumerate() {
        let Some(v) = (c as char).to_digit(16) else {
            return Err(syntax("not a hexadecimal number"));
        };
        for bit in 0..4 {
            if v & (1 << bit) != 0 {
                if list.len() >= RTE_MAX_LCORE {
                    return Err(syntax("more than RTE_MAX_LCORE (128) lcores"));
                }
                list.push(pos * 4 + bit);
            }
        }
    }
    if list.is_empty() {
        return Err(syntax("no lcores in it"));
    }
    Ok(list)
}

/// `-l <list>`: numbers and ranges separated by commas, in order of appearance.
pub(crate) fn parse_corelist(arg: &str, m: &Machine) -> Result<LcoreSet> {
    let syntax = || einval(format!("-l {arg}: invalid core list (expected e.g. 0-3,5)"));
    let b = arg.as_bytes();
    let mut i = skip_blanks(b, 0);
    let mut list: Vec<usize> = Vec::new();
    let mut min: Option<usize> = None;
    loop {
        i = skip_blanks(b, i);
        if i >= b.len() {
            return Err(syntax());
        }
        let n = c_strtoul(&arg[i..], 10);
        let idx = n.signed().ok_or_else(syntax)?;
        let idx = usize::try_from(idx).map_err(|_| syntax())?;
        let mut end = skip_blanks(b, i + n.end);
        match at(b, end) {
            b'-' => min = Some(idx),
            b',' | 0 => {
                for l in min.unwrap_or(idx)..=idx {
                    if !list.contains(&l) {
                        if list.len() >= RTE_MAX_LCORE {
                            return Err(einval(format!(
                                "-l {arg}: more than RTE_MAX_LCORE ({RTE_MAX_LCORE}) lcores"
                            )));
                        }
                        list.push(l);
                    }
                }
                min = None;
            }
            _ => return Err(syntax()),
        }
        if at(b, end) == 0 {
            break;
        }
        end += 1;
        i = end;
    }
    if list.is_empty() {
        return Err(syntax());
    }
    plain_lcores(&list, m, "-l", arg)
}

/// DPDK's `eal_parse_set`: a number, a range `a-b`, or a group `(a,b-c)`. Returns the set and
/// the bytes consumed.
fn parse_set(s: &[u8], start: usize) -> Option<(BTreeSet<usize>, usize)> {
    let text = std::str::from_utf8(s).ok()?;
    let mut set = BTreeSet::new();
    let mut i = skip_blanks(s, start);
    let c = at(s, i);
    if !c.is_ascii_digit() && c != b'(' {
        return None;
    }
    let num = |i: usize| -> Option<(usize, usize)> {
        let n = c_strtoul(&text[i..], 10);
        let v = usize::try_from(n.unsigned()?)
            .ok()
            .filter(|&v| v < CPU_SETSIZE)?;
        Some((v, i + n.end))
    };
    if c != b'(' {
        let (lo, mut end) = num(i)?;
        end = skip_blanks(s, end);
        let mut hi = lo;
        if at(s, end) == b'-' {
            end = skip_blanks(s, end + 1);
            if !at(s, end).is_ascii_digit() {
                return None;
            }
            let (v, e) = num(end)?;
            hi = v;
            end = skip_blanks(s, e);
            if at(s, end) != b',' && at(s, end) != 0 {
                return None;
            }
        }
        if !matches!(at(s, end), b',' | 0 | b'@') {
            return None;
        }
        set.extend(lo.min(hi)..=lo.max(hi));
        return Some((set, end - start));
    }
    i = skip_blanks(s, i + 1);
    if i >= s.len() {
        return None;
    }
    let mut min: Option<usize> = None;
    let mut end;
    loop {
        i = skip_blanks(s, i);
        if !at(s, i).is_ascii_digit() {
            return None;
        }
        let (v, e) = num(i)?;
        end = skip_blanks(s, e);
        match at(s, end) {
            b'-' => {
                if min.is_some() {
                    return None;
                }
                min = Some(v);
            }
            b',' | b')' => {
                let lo = min.unwrap_or(v);
                set.extend(lo.min(v)..=lo.max(v));
                min = None;
            }
            _ => return None,
        }
        i = end + 1;
        if at(s, end) == 0 || at(s, end) == b')' {
            break;
        }
    }
    i = skip_blanks(s, i);
    Some((set, i - start))
}

/// `--lcores`: comma-separated `lcores[@cpus]` items, where each side is a number, a range or
/// a `( )` group. Without `@`, a bare range `a-b` maps each lcore to its own CPU, and any other
/// form maps the lcores to the set itself.
pub(crate) fn parse_lcores_map(arg: &str, m: &Machine) -> Result<LcoreSet> {
    let bad = |why: String| einval(format!("--lcores {arg}: {why}"));
    let syntax = || bad("invalid syntax (expected e.g. (0-3)@(0,1),4@2,5)".into());
    let b = arg.as_bytes();
    let mut out = LcoreSet::new();
    let mut count = 0u32;
    let mut p = skip_blanks(b, 0);
    let mut cpuset = BTreeSet::new();
    loop {
        p = skip_blanks(b, p);
        if p >= b.len() {
            return Err(syntax());
        }
        let start = p;
        if b[start] == b'(' {
            p += b[p..].iter().position(|&c| c == b')').ok_or_else(syntax)?;
            p += 1;
        }
        p += b[p..]
            .iter()
            .position(|&c| c == b'@' || c == b',')
            .unwrap_or(b.len() - p);
        let mut per_cpu = false;
        let end = if at(b, p) == b'@' {
            let (set, used) = parse_set(b, p + 1).ok_or_else(syntax)?;
            cpuset = set;
            p + 1 + used
        } else {
            let off = b[start..].iter().position(|&c| c == b'(' || c == b'-');
            if let Some(off) = off {
                per_cpu = off < p - start && b[start + off] != b'(';
            }
            p
        };
        if at(b, end) != b',' && at(b, end) != 0 {
            return Err(syntax());
        }
        let (lcore_set, _) = parse_set(b, start).ok_or_else(syntax)?;
        if at(b, p) != b'@' {
            cpuset = lcore_set.clone();
        }
        if let Some(high) = lcore_set.iter().find(|&&l| l >= RTE_MAX_LCORE) {
            return Err(bad(format!(
                "lcore {high} >= RTE_MAX_LCORE ({RTE_MAX_LCORE})"
            )));
        }
        for &l in &lcore_set {
            let cpus = if per_cpu { [l].into() } else { cpuset.clone() };
            if let Some(cpu) = cpus.iter().find(|&&c| !m.has(c)) {
                return Err(bad(format!(
                    "CPU {cpu} unavailable; the CPUs present are {}",
                    m.available()
                )));
            }
            let entry = out.entry(l as u32).or_insert_with(|| {
                count += 1;
                (count - 1, Vec::new())
            });
            entry.1 = cpus.into_iter().collect();
        }
        if at(b, end) == 0 {
            break;
        }
        p = end + 1;
    }
    if out.is_empty() {
        return Err(syntax());
    }
    Ok(out)
}

/// `-s <hex mask>`: service lcores. `main` is the `--main-lcore` given before, if any.
pub(crate) fn parse_service_mask(
    arg: &str,
    m: &Machine,
    main: Option<u32>,
) -> Result<BTreeSet<u32>> {
    let syntax = || einval(format!("-s {arg}: invalid service coremask"));
    let t = arg.trim_start_matches([' ', '\t']);
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let t = t.trim_end_matches([' ', '\t']);
    if t.is_empty() {
        return Err(syntax());
    }
    let mut set = BTreeSet::new();
    for (pos, c) in t.bytes().rev().enumerate() {
        let v = (c as char).to_digit(16).ok_or_else(syntax)?;
        for bit in 0..4 {
            let idx = pos * 4 + bit;
            if v & (1 << bit) == 0 {
                continue;
            }
            if idx >= RTE_MAX_LCORE {
                return Err(syntax());
            }
            if main == Some(idx as u32) {
                return Err(einval(format!("-s {arg}: lcore {idx} is the main lcore")));
            }
            if !m.has(idx) {
                return Err(einval(format!("-s {arg}: lcore {idx} unavailable")));
            }
            set.insert(idx as u32);
        }
    }
    if set.is_empty() {
        return Err(syntax());
    }
    Ok(set)
}

/// `-S <list>`: service lcores as a list.
pub(crate) fn parse_service_list(arg: &str, main: Option<u32>) -> Result<BTreeSet<u32>> {
    let syntax = || einval(format!("-S {arg}: invalid service core list"));
    let b = arg.as_bytes();
    let mut set = BTreeSet::new();
    let mut i = skip_blanks(b, 0);
    let mut min: Option<u64> = None;
    loop {
        i = skip_blanks(b, i);
        if i >= b.len() {
            return Err(syntax());
        }
        let n = c_strtoul(&arg[i..], 10);
        let idx = n
            .unsigned()
            .filter(|&v| v < RTE_MAX_LCORE as u64)
            .ok_or_else(syntax)?;
        let end = skip_blanks(b, i + n.end);
        match at(b, end) {
            b'-' => min = Some(idx),
            b',' | 0 => {
                for l in min.unwrap_or(idx)..=idx {
                    if main == Some(l as u32) {
                        return Err(einval(format!("-S {arg}: lcore {l} is the main lcore")));
                    }
                    set.insert(l as u32);
                }
                min = None;
            }
            _ => return Err(syntax()),
        }
        if at(b, end) == 0 {
            break;
        }
        i = end + 1;
    }
    if set.is_empty() {
        return Err(syntax());
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two() -> Machine {
        Machine::with_cpus(2)
    }

    fn ids(s: &LcoreSet) -> Vec<(u32, u32, Vec<usize>)> {
        s.iter().map(|(l, (i, c))| (*l, *i, c.clone())).collect()
    }

    #[test]
    fn coremask_reads_hex_bits_and_checks_cpus() {
        assert_eq!(
            ids(&parse_coremask(" 0x3 ", &two()).unwrap()),
            vec![(0, 0, vec![0]), (1, 1, vec![1])]
        );
        assert!(parse_coremask("0", &two())
            .unwrap_err()
            .msg
            .contains("no lcores"));
        assert!(parse_coremask("g", &two())
            .unwrap_err()
            .msg
            .contains("hexadecimal"));
        assert!(parse_coremask("4", &two())
            .unwrap_err()
            .msg
            .contains("lcore 2 unavailable"));
        let high = parse_coremask("100000000000000000000000000000000001", &two()).unwrap_err();
        assert!(high.msg.contains("--lcores 0@0,1@140"), "{}", high.msg);
    }

    #[test]
    fn coremask_indexes_rank_lcores_without_checking_cpus() {
        let c = coremask_indexes(" 0x3 ").unwrap();
        assert_eq!(&c[..3], &[0, 1, -1]);
        let c = coremask_indexes("0x100").unwrap();
        assert_eq!(c[8], 0);
        assert_eq!(c.iter().filter(|&&x| x >= 0).count(), 1);
        let c = coremask_indexes("A").unwrap(); // lcores 1 and 3
        assert_eq!(&c[..4], &[-1, 0, -1, 1]);
        for bad in ["", "  ", "0x", "zz", "0", "0x 1", "1g"] {
            assert!(coremask_indexes(bad).is_err(), "{bad:?}");
        }
        // Bit 128 is beyond RTE_MAX_LCORE; 128 bits below it are fine.
        assert!(coremask_indexes(&format!("1{}", "0".repeat(32))).is_err());
        let all = coremask_indexes(&"f".repeat(32)).unwrap();
        assert_eq!(all[127], 127);
        // 129 bits are too many.
        assert!(coremask_indexes(&"f".repeat(33)).is_err());
    }

    #[test]
    fn corelist_keeps_order_of_appearance() {
        let m = Machine::with_cpus(8);
        assert_eq!(
            ids(&parse_corelist("3,0-1,1", &m).unwrap()),
            vec![(0, 1, vec![0]), (1, 2, vec![1]), (3, 0, vec![3])]
        );
        assert_eq!(parse_corelist(" 0 , 1 ", &m).unwrap().len(), 2);
        assert_eq!(
            parse_corelist("0,,1", &m).unwrap().len(),
            2,
            "an empty item reads as 0, as in DPDK"
        );
    }

    #[test]
    fn corelist_rejects_bad_syntax_and_absent_cpus() {
        let m = two();
        for bad in ["", "1-0", "a", "0-", "-1", "0;1"] {
            assert_eq!(
                parse_corelist(bad, &m).unwrap_err().errno,
                libc::EINVAL,
                "{bad}"
            );
        }
        assert!(parse_corelist("5", &m)
            .unwrap_err()
            .msg
            .contains("CPUs present are 0-1"));
        assert!(parse_corelist("128", &Machine::with_cpus(200))
            .unwrap_err()
            .msg
            .contains("RTE_MAX_LCORE"));
    }

    #[test]
    fn lcores_groups_map_onto_cpu_sets() {
        let m = two();
        assert_eq!(
            ids(&parse_lcores_map("(0-3)@(0,1)", &m).unwrap()),
            (0..4).map(|l| (l, l, vec![0, 1])).collect::<Vec<_>>()
        );
        assert_eq!(
            ids(&parse_lcores_map("0@1,1@0", &m).unwrap()),
            vec![(0, 0, vec![1]), (1, 1, vec![0])]
        );
        assert_eq!(
            ids(&parse_lcores_map("2@0", &m).unwrap()),
            vec![(2, 0, vec![0])]
        );
        assert_eq!(
            ids(&parse_lcores_map("(0,1)", &m).unwrap()),
            vec![(0, 0, vec![0, 1]), (1, 1, vec![0, 1])]
        );
        assert_eq!(
            ids(&parse_lcores_map("0-1", &m).unwrap()),
            vec![(0, 0, vec![0]), (1, 1, vec![1])]
        );
    }

    #[test]
    fn lcores_later_items_replace_the_cpu_set_but_keep_the_index() {
        let m = two();
        assert_eq!(
            ids(&parse_lcores_map("(0,1),0", &m).unwrap()),
            vec![(0, 0, vec![0]), (1, 1, vec![0, 1])]
        );
        assert_eq!(
            ids(&parse_lcores_map("1,2@(0-1),(3-5)@(0,1)", &m).unwrap())[0..2],
            [(1, 0, vec![1]), (2, 1, vec![0, 1])]
        );
    }

    #[test]
    fn lcores_rejects_bad_forms() {
        let m = two();
        for bad in [
            "", "a", "4-5", "2@5", "200@0", "1-2@1", "(0,1", "0@1@0", "(0--1)", "0,",
        ] {
            assert!(parse_lcores_map(bad, &m).is_err(), "{bad}");
        }
        assert!(parse_lcores_map("2@5", &m)
            .unwrap_err()
            .msg
            .contains("CPU 5 unavailable"));
    }

    #[test]
    fn service_cores_parse_and_refuse_the_main_lcore() {
        let m = two();
        assert_eq!(parse_service_mask("0x2", &m, None).unwrap(), [1].into());
        assert!(parse_service_mask("0x2", &m, Some(1)).is_err());
        assert!(parse_service_mask("0x4", &m, None).is_err());
        assert_eq!(parse_service_list("1-3", None).unwrap(), [1, 2, 3].into());
        assert!(parse_service_list("0", Some(0)).is_err());
        assert!(parse_service_list("128", None).is_err());
    }

    #[test]
    fn machine_lists_parse_and_print() {
        assert_eq!(parse_kernel_list("0-2,5"), Some([0, 1, 2, 5].into()));
        assert_eq!(parse_kernel_list("x"), None);
        let m = Machine {
            cpus: [0, 1, 2, 5, 7, 8].into(),
            affinity: [0].into(),
        };
        assert_eq!(m.available(), "0-2,5,7-8");
        assert!(!Machine::detect().cpus.is_empty());
    }
}
