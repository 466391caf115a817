//! Service lcores: adding and removing them, starting and stopping their loop, and the loop.
//!
//! An lcore's role in the lcore table and its `is_service_core` flag change together
//! ([`Services::set_service`]). Its loop is launched with `rte_eal_remote_launch` and runs
//! while the lcore's runstate is RUNNING; stopping only stores STOPPED, the loop sees it at the
//! end of its pass and returns, and `rte_eal_wait_lcore` (or `may_be_active`) tells when.

use std::ffi::{c_int, c_void};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

use super::{CoreState, Services, RUNNING, SERVICE_MAX, STOPPED};
use crate::base::lcore::Role;
use crate::err;
use crate::error::Result;
use crate::options::RTE_MAX_LCORE;

/// The function a service lcore runs (launched with the [`Services`] as its argument).
unsafe extern "C" fn service_runner(arg: *mut c_void) -> c_int {
    // SAFETY: `lcore_start` launches this with a `&'static Services`.
    let s: &'static Services = unsafe { &*(arg as *const Services) };
    match std::panic::catch_unwind(|| s.run_loop()) {
        Ok(()) => 0,
        Err(_) => -libc::EFAULT,
    }
}

impl Services {
    /// Makes `lcore` a service lcore or an ordinary one again (DPDK's `set_lcore_state`).
    fn set_service(&self, lcore: u32, cs: &CoreState, service: bool) {
        let role = if service { Role::Service } else { Role::Rte };
        // lcore < RTE_MAX_LCORE here, so this cannot fail.
        let _ = self.lcores.set_role(lcore, role);
        cs.is_service_core.store(service, Release);
    }

    /// The service lcores, in increasing order.
    pub fn lcore_list(&self) -> Vec<u32> {
        (0..RTE_MAX_LCORE as u32)
            .filter(|&i| self.cores[i as usize].is_service())
            .collect()
    }

    /// `rte_service_lcore_count`.
    pub fn lcore_count(&self) -> i32 {
        self.cores[..RTE_MAX_LCORE]
            .iter()
            .filter(|c| c.is_service())
            .count() as i32
    }

    /// `rte_service_lcore_list` into `out` (the caller's array of `out.len()` entries): the
    /// number of service lcores; ENOMEM when they do not fit.
    pub fn lcore_list_into(&self, out: &mut [u32]) -> Result<i32> {
        let list = self.lcore_list();
        if list.len() > out.len() {
            return Err(err!(
                libc::ENOMEM,
                "{} service lcores do not fit in an array of {}",
                list.len(),
                out.len()
            ));
        }
        out[..list.len()].copy_from_slice(&list);
        Ok(list.len() as i32)
    }

    /// `rte_service_lcore_count_services`: services mapped to `lcore`; ENOTSUP if it is not a
    /// service lcore.
    pub fn lcore_count_services(&self, lcore: u32) -> Result<i32> {
        let cs = self.core(lcore)?;
        if !cs.is_service() {
            return Err(err!(libc::ENOTSUP, "lcore {lcore} is not a service lcore"));
        }
        Ok(cs.service_mask.load(Acquire).count_ones() as i32)
    }

    /// `rte_service_lcore_may_be_active`: 1 while the loop runs on `lcore`.
    pub fn lcore_may_be_active(&self, lcore: u32) -> Result<i32> {
        let cs = self.core(lcore)?;
        if !cs.is_service() {
            return Err(err!(libc::EINVAL, "lcore {lcore} is not a service lcore"));
        }
        Ok(cs.thread_active.load(Acquire) as i32)
    }

    /// `rte_service_lcore_reset_all`: every service lcore becomes an ordinary lcore again,
    /// unmapped and stopped (its loop ends after its current pass).
    pub fn lcore_reset_all(&self) {
        for (i, cs) in self.cores[..RTE_MAX_LCORE].iter().enumerate() {
            if cs.is_service() {
                cs.service_mask.store(0, Release);
                self.set_service(i as u32, cs, false);
                cs.runstate.store(STOPPED, Release);
            }
        }
        for s in self.services.iter() {
            s.num_mapped_cores.store(0, Relaxed);
        }
    }

    /// `rte_service_lcore_add`: makes `lcore` a service lcore (unmapped, stopped) and waits
    /// for whatever runs on it; returns that function's return value. EALREADY if it already
    /// is one.
    pub fn lcore_add(&self, lcore: u32) -> Result<i32> {
        let cs = self.core(lcore)?;
        if cs.is_service() {
            return Err(err!(
                libc::EALREADY,
                "lcore {lcore} is already a service lcore"
            ));
        }
        self.set_service(lcore, cs, true);
        cs.service_mask.store(0, Release);
        cs.runstate.store(STOPPED, Release);
        Ok(self.lcores.wait_lcore(lcore))
    }

    /// `rte_service_lcore_del`: makes a stopped service lcore an ordinary lcore again.
    pub fn lcore_del(&self, lcore: u32) -> Result<()> {
        let cs = self.core(lcore)?;
        if !cs.is_service() {
            return Err(err!(libc::EINVAL, "lcore {lcore} is not a service lcore"));
        }
        if cs.runstate.load(Acquire) != STOPPED {
            return Err(err!(
                libc::EBUSY,
                "service lcore {lcore} is running: stop it first"
            ));
        }
        self.set_service(lcore, cs, false);
        Ok(())
    }

    /// `rte_service_lcore_start`: launches the service loop on `lcore`. EALREADY if it runs;
    /// a busy lcore gives EBUSY (the runstate stays RUNNING, as DPDK leaves it: a loop still
    /// ending on that lcore sees it and goes on).
    pub fn lcore_start(&'static self, lcore: u32) -> Result<()> {
        let cs = self.core(lcore)?;
        if !cs.is_service() {
            return Err(err!(libc::EINVAL, "lcore {lcore} is not a service lcore"));
        }
        if cs.runstate.load(Acquire) == RUNNING {
            return Err(err!(
                libc::EALREADY,
                "service lcore {lcore} is already running"
            ));
        }
        // RUNNING before the launch, or the loop would end at once.
        cs.runstate.store(RUNNING, Release);
        let arg = self as *const Services as *mut c_void;
        match self.lcores.remote_launch(service_runner, arg, lcore) {
            Ok(()) => Ok(()),
            Err(e) if e.errno == libc::EBUSY => Err(e),
            Err(e) => {
                // Nothing runs there (no worker thread): the lcore is not running.
                cs.runstate.store(STOPPED, Release);
                Err(e)
            }
        }
    }

    /// `rte_service_lcore_stop`: asks the loop on `lcore` to end. EALREADY if stopped; EBUSY
    /// if a running service is mapped to this lcore only (it would stop being run).
    pub fn lcore_stop(&self, lcore: u32) -> Result<()> {
        let cs = self.core(lcore)?;
        if cs.runstate.load(Acquire) == STOPPED {
            return Err(err!(
                libc::EALREADY,
                "service lcore {lcore} is already stopped"
            ));
        }
        let mask = cs.service_mask.load(Acquire);
        for i in 0..SERVICE_MAX {
            let mapped = mask & (1u64 << i) != 0;
            // As DPDK: runstate_get's -EINVAL for a free slot counts as "running".
            let running = self.runstate_get(i as u32).unwrap_or(-libc::EINVAL) != 0;
            let only_core = self.services[i].num_mapped_cores.load(Relaxed) == 1;
            if mapped && running && only_core {
                return Err(err!(
                    libc::EBUSY,
                    "service {i} runs on lcore {lcore} only: unmap it or stop it first"
                ));
            }
        }
        cs.runstate.store(STOPPED, Release);
        Ok(())
    }

    /// The service loop, on the calling lcore: runs every mapped service once per pass while
    /// the lcore's runstate is RUNNING.
    fn run_loop(&self) {
        let lcore = crate::base::lcore::current_lcore();
        let Ok(cs) = self.core(lcore) else { return };
        cs.thread_active.store(1, SeqCst);
        while cs.runstate.load(Acquire) == RUNNING {
            let mask = cs.service_mask.load(Acquire);
            if mask == 0 {
                std::hint::spin_loop();
                continue;
            }
            let first = mask.trailing_zeros() as usize;
            let end = SERVICE_MAX - mask.leading_zeros() as usize;
            for i in first..end {
                self.run_one(i, cs, mask, true);
            }
            cs.bump(&cs.loops, 1);
        }
        // May-be-active readers must see this lcore as idle for every service.
        for a in &cs.active_on {
            a.store(0, Relaxed);
        }
        cs.thread_active.store(0, SeqCst);
    }
}
