//! Service statistics and the dump: per-service calls and cycles (summed over the lcores that
//! are service lcores now), per-lcore loops and cycles.

use std::io::Write;
use std::sync::atomic::Ordering::Relaxed;

use super::{Services, F_STATS_ENABLED, SERVICE_MAX};
use crate::abi::service::{
    RTE_SERVICE_ATTR_CALL_COUNT, RTE_SERVICE_ATTR_CYCLES, RTE_SERVICE_LCORE_ATTR_CYCLES,
    RTE_SERVICE_LCORE_ATTR_LOOPS,
};
use crate::err;
use crate::error::{Error, Result};
use crate::options::RTE_MAX_LCORE;

/// Which per-service counter.
#[derive(Clone, Copy)]
enum Counter {
    Calls,
    Cycles,
}

fn io_error(e: std::io::Error) -> Error {
    Error::os("cannot write the service dump", e)
}

impl Services {
    /// A per-service counter summed over the service lcores.
    fn sum(&self, id: usize, which: Counter) -> u64 {
        self.cores[..RTE_MAX_LCORE]
            .iter()
            .filter(|c| c.is_service())
            .map(|c| {
                let s = &c.stats[id];
                match which {
                    Counter::Calls => s.calls.load(Relaxed),
                    Counter::Cycles => s.cycles.load(Relaxed),
                }
            })
            .fold(0u64, u64::wrapping_add)
    }

    /// `rte_service_attr_get`: RTE_SERVICE_ATTR_CALL_COUNT or _CYCLES of service `id`.
    pub fn attr_get(&self, id: u32, attr: u32) -> Result<u64> {
        self.valid(id)?;
        match attr {
            RTE_SERVICE_ATTR_CALL_COUNT => Ok(self.sum(id as usize, Counter::Calls)),
            RTE_SERVICE_ATTR_CYCLES => Ok(self.sum(id as usize, Counter::Cycles)),
            _ => Err(err!(
                libc::EINVAL,
                "service attribute {attr} is unknown (RTE_SERVICE_ATTR_CYCLES 0, _CALL_COUNT 1)"
            )),
        }
    }

    /// `rte_service_lcore_attr_get`: RTE_SERVICE_LCORE_ATTR_LOOPS or _CYCLES of service lcore
    /// `lcore`; ENOTSUP if it is not one.
    pub fn lcore_attr_get(&self, lcore: u32, attr: u32) -> Result<u64> {
        let cs = self.core(lcore)?;
        if !cs.is_service() {
            return Err(err!(libc::ENOTSUP, "lcore {lcore} is not a service lcore"));
        }
        match attr {
            RTE_SERVICE_LCORE_ATTR_LOOPS => Ok(cs.loops.load(Relaxed)),
            RTE_SERVICE_LCORE_ATTR_CYCLES => Ok(cs.cycles.load(Relaxed)),
            _ => Err(err!(
                libc::EINVAL,
                "service lcore attribute {attr} is unknown (RTE_SERVICE_LCORE_ATTR_LOOPS 0, _CYCLES 1)"
            )),
        }
    }

    /// `rte_service_attr_reset_all`: zeroes service `id`'s calls and cycles on every lcore.
    pub fn attr_reset_all(&self, id: u32) -> Result<()> {
        self.valid(id)?;
        for c in self.cores.iter() {
            c.stats[id as usize].calls.store(0, Relaxed);
            c.stats[id as usize].cycles.store(0, Relaxed);
        }
        Ok(())
    }

    /// `rte_service_lcore_attr_reset_all`: zeroes the loop count of service lcore `lcore`
    /// (DPDK 22.11 leaves its cycles alone).
    pub fn lcore_attr_reset_all(&self, lcore: u32) -> Result<()> {
        let cs = self.core(lcore)?;
        if !cs.is_service() {
            return Err(err!(libc::ENOTSUP, "lcore {lcore} is not a service lcore"));
        }
        cs.loops.store(0, Relaxed);
        Ok(())
    }

    /// One service's summary line.
    fn dump_one(&self, out: &mut dyn Write, id: usize) -> std::io::Result<()> {
        // As DPDK: a service never called is shown with 1 call (it divides by the count).
        let calls = self.sum(id, Counter::Calls).max(1);
        let cycles = self.sum(id, Counter::Cycles);
        let s = &self.services[id];
        writeln!(
            out,
            "  {}: stats {}\tcalls {calls}\tcycles {cycles}\tavg: {}",
            String::from_utf8_lossy(&s.name_bytes()),
            s.flag(F_STATS_ENABLED) as i32,
            cycles / calls
        )
    }

    /// `rte_service_dump`: service `id`'s summary, or with `u32::MAX` every service's and the
    /// calls per service lcore, in DPDK's format.
    pub fn dump(&self, out: &mut dyn Write, id: u32) -> Result<()> {
        if id != u32::MAX {
            let s = self.valid(id)?;
            writeln!(
                out,
                "Service {} Summary",
                String::from_utf8_lossy(&s.name_bytes())
            )
            .map_err(io_error)?;
            self.dump_one(out, id as usize).map_err(io_error)?;
            return out.flush().map_err(io_error);
        }
        let registered: Vec<usize> = (0..SERVICE_MAX)
            .filter(|&i| self.services[i].registered())
            .collect();
        writeln!(out, "Services Summary").map_err(io_error)?;
        for &i in &registered {
            self.dump_one(out, i).map_err(io_error)?;
        }
        writeln!(out, "Service Cores Summary").map_err(io_error)?;
        for l in self.lcore_list() {
            let cs = &self.cores[l as usize];
            let mut line = format!("{l:02}\t");
            for &i in &registered {
                line.push_str(&format!("{}\t", cs.stats[i].calls.load(Relaxed)));
            }
            writeln!(out, "{line}").map_err(io_error)?;
        }
        out.flush().map_err(io_error)
    }
}
