//! Power intrinsics (`rte_power_intrinsics.h`): an lcore waits for a write to a memory word, or
//! for a TSC deadline, in a light sleep state instead of spinning.
//!
//! - `monitor`: arm WAITPKG's address monitor on the word, read it, ask the caller's callback
//!   whether to give up (the value may already be what it waits for), else `umwait` until the
//!   word is written or the deadline passes;
//! - `pause`: `tpause` until the deadline;
//! - `wakeup(lcore)`: end another lcore's `monitor` early by writing its monitored word back
//!   with the value it has (a write that changes nothing but triggers the monitor), and end its
//!   `monitor_multi` by writing its wake word;
//! - `monitor_multi`: wait on several words at once: inside an RTM transaction read them all
//!   (and the lcore's wake word), then `tpause`; a write to any of them aborts the transaction,
//!   which ends the wait.
//!
//! Without WAITPKG (this is decided once, by a load-time constructor, as in DPDK) every call
//! fails with -ENOTSUP before looking at its arguments; `monitor_multi` also needs RTM.
//!
//! The instructions are behind the [`Waiter`] trait so that the tests can run every path on
//! CPUs that lack them.
//!
//! Per-lcore state (process-local, one cache line per lcore): the address the lcore monitors
//! (0 when it does not), under a mutex that `wakeup` takes so that the address it writes stays
//! valid while it writes; and the wake word `monitor_multi` adds to its transaction.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;

use super::flags;
use crate::err;
use crate::error::Result;
use crate::sys;

/// Lcores with a wait slot (RTE_MAX_LCORE).
const MAX_LCORE: usize = 128;

/// `rte_power_monitor_clb_t`: given the value read and the opaque words, non-zero means "do not
/// sleep".
pub type MonitorFn = unsafe extern "C" fn(u64, *const u64) -> c_int;

/// `struct rte_power_monitor_cond` (56 bytes). Declared for C by hand.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
pub struct MonitorCond {
    /// The word to watch.
    pub addr: *const c_void,
    /// Its size in bytes: 1, 2, 4 or 8.
    pub size: u8,
    /// The callback; required.
    pub func: Option<MonitorFn>,
    /// Passed to the callback.
    pub opaque: [u64; 4],
}

const _: () = {
    assert!(std::mem::size_of::<MonitorCond>() == 56);
    assert!(std::mem::offset_of!(MonitorCond, size) == 8);
    assert!(std::mem::offset_of!(MonitorCond, func) == 16);
    assert!(std::mem::offset_of!(MonitorCond, opaque) == 24);
};

/// The instructions the intrinsics are built from.
pub trait Waiter {
    /// Arms the monitor on `addr` (UMONITOR).
    fn monitor(&self, addr: *const u8);
    /// Sleeps until the monitored line is written or the TSC reaches `deadline` (UMWAIT).
    fn mwait(&self, deadline: u64);
    /// Sleeps until the TSC reaches `deadline` (TPAUSE).
    fn pause(&self, deadline: u64);
    /// Starts a transaction: true inside it, false when it aborted (XBEGIN).
    fn begin(&self) -> bool;
    /// Commits the transaction (XEND).
    fn end(&self);
    /// True inside a transaction (XTEST).
    fn inside(&self) -> bool;
}

/// The CPU's own instructions. Only used once [`support`] said the CPU has them.
struct Cpu;

impl Waiter for Cpu {
    fn monitor(&self, addr: *const u8) {
        // SAFETY: callers reach this only with WAITPKG (checked by `support`).
        unsafe { sys::umonitor(addr) }
    }
    fn mwait(&self, deadline: u64) {
        // SAFETY: as above.
        unsafe { sys::umwait(deadline) }
    }
    fn pause(&self, deadline: u64) {
        // SAFETY: as above.
        unsafe { sys::tpause(deadline) }
    }
    fn begin(&self) -> bool {
        // SAFETY: reached only with RTM (monitor_multi needs both).
        unsafe { sys::xbegin() == sys::XBEGIN_STARTED }
    }
    fn end(&self) {
        // SAFETY: as above, inside the transaction `begin` started.
        unsafe { sys::xend() }
    }
    fn inside(&self) -> bool {
        // SAFETY: as above.
        unsafe { sys::xtest() }
    }
}

/// What the CPU supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    /// `monitor`, `pause`, `wakeup` (WAITPKG).
    pub wait: bool,
    /// `monitor_multi` (WAITPKG and RTM).
    pub multi: bool,
}

const WAIT: u8 = 1;
const MULTI: u8 = 2;
static SUPPORT: AtomicU8 = AtomicU8::new(0);

extern "C" fn support_init() {
    let i = flags::intrinsics();
    let mut bits = 0;
    if i.power_monitor && i.power_pause {
        bits |= WAIT;
    }
    if i.power_monitor_multi {
        bits |= MULTI;
    }
    SUPPORT.store(bits, Ordering::Relaxed);
}

#[used]
#[link_section = ".init_array"]
static SUPPORT_INIT: extern "C" fn() = support_init;

/// What this CPU supports (decided when the library was loaded).
pub fn support() -> Support {
    let b = SUPPORT.load(Ordering::Relaxed);
    Support {
        wait: b & WAIT != 0,
        multi: b & MULTI != 0,
    }
}

/// One lcore's wait state.
#[repr(align(64))]
struct Slot {
    /// The address the lcore monitors (0 when it does not) and the word's size.
    addr: Mutex<(usize, u8)>,
    /// Written by `wakeup`; read inside `monitor_multi`'s transaction.
    wake: AtomicU64,
}

static SLOTS: [Slot; MAX_LCORE] = [const {
    Slot {
        addr: Mutex::new((0, 0)),
        wake: AtomicU64::new(0),
    }
}; MAX_LCORE];

fn slot(lcore: u32) -> Result<&'static Slot> {
    SLOTS
        .get(lcore as usize)
        .ok_or_else(|| err!(libc::EINVAL, "lcore {lcore} is not an lcore id below 128"))
}

fn not_supported(what: &str) -> crate::error::Error {
    err!(libc::ENOTSUP, "this CPU lacks {what}")
}

/// Reads the `size`-byte word at `addr` as the monitored value.
///
/// # Safety
/// `addr` is readable for `size` bytes, `size` is 1, 2, 4 or 8.
unsafe fn read_word(addr: *const c_void, size: u8) -> u64 {
    // SAFETY: the caller's guarantee; volatile, because another thread writes the word.
    unsafe {
        match size {
            1 => u64::from(std::ptr::read_volatile(addr.cast::<u8>())),
            2 => u64::from(std::ptr::read_volatile(addr.cast::<u16>())),
            4 => u64::from(std::ptr::read_volatile(addr.cast::<u32>())),
            _ => std::ptr::read_volatile(addr.cast::<u64>()),
        }
    }
}

fn check_cond(c: &MonitorCond) -> Result<MonitorFn> {
    if !matches!(c.size, 1 | 2 | 4 | 8) {
        return Err(err!(
            libc::EINVAL,
            "the monitored word's size is {}; it must be 1, 2, 4 or 8",
            c.size
        ));
    }
    c.func
        .ok_or_else(|| err!(libc::EINVAL, "the condition's callback is NULL"))
}

/// `rte_power_monitor` for lcore `lcore` with instructions `w`.
///
/// # Safety
/// `pmc` is NULL or a valid condition whose `addr` is readable for `size` bytes.
pub unsafe fn monitor_with(
    w: &impl Waiter,
    sup: Support,
    lcore: u32,
    pmc: *const MonitorCond,
    deadline: u64,
) -> Result<()> {
    if !sup.wait {
        return Err(not_supported("WAITPKG (UMONITOR/UMWAIT)"));
    }
    let s = slot(lcore).map_err(|_| err!(libc::EINVAL, "called from a non-EAL thread"))?;
    // SAFETY: the caller's guarantee.
    let c = unsafe { pmc.as_ref() }.ok_or_else(|| err!(libc::EINVAL, "pmc is NULL"))?;
    let f = check_cond(c)?;
    {
        // While the address is published, wakeup may write it: arm the monitor first.
        let mut a = s.addr.lock().unwrap_or_else(|p| p.into_inner());
        *a = (c.addr as usize, c.size);
        w.monitor(c.addr.cast());
    }
    // SAFETY: the caller's guarantee on addr and size (size checked above).
    let v = unsafe { read_word(c.addr, c.size) };
    // SAFETY: the application's callback with its own opaque words.
    if unsafe { f(v, c.opaque.as_ptr()) } == 0 {
        w.mwait(deadline);
    }
    *s.addr.lock().unwrap_or_else(|p| p.into_inner()) = (0, 0);
    Ok(())
}

/// `rte_power_pause` with instructions `w`.
pub fn pause_with(w: &impl Waiter, sup: Support, deadline: u64) -> Result<()> {
    if !sup.wait {
        return Err(not_supported("WAITPKG (TPAUSE)"));
    }
    w.pause(deadline);
    Ok(())
}

/// `rte_power_monitor_wakeup`.
pub fn wakeup_with(sup: Support, lcore: u32) -> Result<()> {
    if !sup.wait {
        return Err(not_supported("WAITPKG (UMONITOR/UMWAIT)"));
    }
    let s = slot(lcore)?;
    {
        let a = s.addr.lock().unwrap_or_else(|p| p.into_inner());
        let (addr, size) = *a;
        if addr != 0 {
            // The sleeper holds the lock to clear the address, so it is still monitoring it
            // (or has just woken): rewriting its value in place cannot change it but does
            // count as a write to the monitored line.
            // SAFETY: the address was published by a monitoring lcore, which keeps its word
            // (of the published size, naturally aligned for atomics) alive while it is
            // published (rte_power_monitor's contract).
            unsafe { rewrite(addr, size) };
        }
    }
    s.wake.fetch_add(1, Ordering::AcqRel);
    Ok(())
}

/// Writes the `size`-byte word at `addr` with the value it holds (an atomic compare-exchange
/// of the value with itself: no other writer's update can be lost).
///
/// # Safety
/// `addr` is a live, naturally aligned word of `size` bytes (1, 2, 4 or 8).
unsafe fn rewrite(addr: usize, size: u8) {
    use std::sync::atomic::{AtomicU16, AtomicU32};
    macro_rules! same {
        ($t:ty) => {{
            // SAFETY: the caller's guarantee.
            let w = unsafe { &*(addr as *const $t) };
            let v = w.load(Ordering::Relaxed);
            let _ = w.compare_exchange(v, v, Ordering::Relaxed, Ordering::Relaxed);
        }};
    }
    match size {
        1 => same!(AtomicU8),
        2 => same!(AtomicU16),
        4 => same!(AtomicU32),
        _ => same!(AtomicU64),
    }
}

/// `rte_power_monitor_multi` for lcore `lcore` with instructions `w`.
///
/// # Safety
/// `pmc` is NULL or points to `num` valid conditions whose words are readable.
pub unsafe fn monitor_multi_with(
    w: &impl Waiter,
    sup: Support,
    lcore: u32,
    pmc: *const MonitorCond,
    num: u32,
    deadline: u64,
) -> Result<()> {
    if !sup.multi {
        return Err(not_supported("WAITPKG and RTM"));
    }
    if pmc.is_null() || num == 0 {
        return Err(err!(libc::EINVAL, "no conditions (pmc NULL or num 0)"));
    }
    let s = slot(lcore).map_err(|_| err!(libc::EINVAL, "called from a non-EAL thread"))?;
    // SAFETY: the caller's guarantee.
    let conds = unsafe { std::slice::from_raw_parts(pmc, num as usize) };
    // Check every condition before the transaction: an error inside it could not be logged.
    let mut fns = Vec::with_capacity(conds.len());
    for c in conds {
        fns.push(check_cond(c)?);
    }
    if w.inside() {
        return Ok(()); // already in a transaction: waiting would abort the caller's
    }
    if !w.begin() {
        return Ok(()); // aborted: one of the words (or the wake word) was written
    }
    // In the read set from here: a wakeup's write aborts the transaction.
    let _ = s.wake.load(Ordering::Acquire);
    let mut stop = false;
    for (c, f) in conds.iter().zip(&fns) {
        // SAFETY: the caller's guarantee; sizes checked above.
        let v = unsafe { read_word(c.addr, c.size) };
        // SAFETY: the application's callback.
        if unsafe { f(v, c.opaque.as_ptr()) } != 0 {
            stop = true;
            break;
        }
    }
    if !stop {
        w.pause(deadline);
    }
    w.end();
    Ok(())
}

/// `rte_power_monitor` on this CPU for the calling lcore.
///
/// # Safety
/// As [`monitor_with`].
pub unsafe fn monitor(pmc: *const MonitorCond, deadline: u64) -> Result<()> {
    let lcore = crate::base::lcore::current_lcore();
    // SAFETY: forwarded.
    unsafe { monitor_with(&Cpu, support(), lcore, pmc, deadline) }
}

/// `rte_power_pause` on this CPU.
pub fn pause(deadline: u64) -> Result<()> {
    pause_with(&Cpu, support(), deadline)
}

/// `rte_power_monitor_wakeup` on this CPU.
pub fn wakeup(lcore: u32) -> Result<()> {
    wakeup_with(support(), lcore)
}

/// `rte_power_monitor_multi` on this CPU for the calling lcore.
///
/// # Safety
/// As [`monitor_multi_with`].
pub unsafe fn monitor_multi(pmc: *const MonitorCond, num: u32, deadline: u64) -> Result<()> {
    let lcore = crate::base::lcore::current_lcore();
    // SAFETY: forwarded.
    unsafe { monitor_multi_with(&Cpu, support(), lcore, pmc, num, deadline) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Records the instructions it was asked to run.
    #[derive(Default)]
    struct Fake {
        log: RefCell<Vec<String>>,
        abort: bool,
        inside: bool,
    }

    impl Waiter for Fake {
        fn monitor(&self, addr: *const u8) {
            self.log.borrow_mut().push(format!("monitor {addr:?}"));
        }
        fn mwait(&self, d: u64) {
            self.log.borrow_mut().push(format!("mwait {d}"));
        }
        fn pause(&self, d: u64) {
            self.log.borrow_mut().push(format!("pause {d}"));
        }
        fn begin(&self) -> bool {
            self.log.borrow_mut().push("begin".into());
            !self.abort
        }
        fn end(&self) {
            self.log.borrow_mut().push("end".into());
        }
        fn inside(&self) -> bool {
            self.inside
        }
    }

    const ALL: Support = Support {
        wait: true,
        multi: true,
    };
    const NONE: Support = Support {
        wait: false,
        multi: false,
    };

    unsafe extern "C" fn equals_opaque0(v: u64, opaque: *const u64) -> c_int {
        // SAFETY: the intrinsics pass the condition's 4 opaque words.
        c_int::from(v == unsafe { *opaque })
    }

    fn cond(addr: &u64, size: u8, want: u64) -> MonitorCond {
        MonitorCond {
            addr: (addr as *const u64).cast(),
            size,
            func: Some(equals_opaque0),
            opaque: [want, 0, 0, 0],
        }
    }

    #[test]
    fn without_waitpkg_everything_is_enotsup_before_argument_checks() {
        let w = Fake::default();
        // SAFETY: NULL conditions are never read: support is checked first.
        unsafe {
            let e = monitor_with(&w, NONE, 0, std::ptr::null(), 0).unwrap_err();
            assert_eq!(e.errno, libc::ENOTSUP);
            let e = monitor_multi_with(&w, NONE, 0, std::ptr::null(), 0, 0).unwrap_err();
            assert_eq!(e.errno, libc::ENOTSUP);
            let only_wait = Support {
                wait: true,
                multi: false,
            };
            let e = monitor_multi_with(&w, only_wait, 0, std::ptr::null(), 0, 0).unwrap_err();
            assert_eq!(e.errno, libc::ENOTSUP);
        }
        assert_eq!(pause_with(&w, NONE, 5).unwrap_err().errno, libc::ENOTSUP);
        assert_eq!(wakeup_with(NONE, 500).unwrap_err().errno, libc::ENOTSUP);
        assert!(w.log.borrow().is_empty());
    }

    #[test]
    fn monitor_checks_its_arguments() {
        let w = Fake::default();
        let word = 0u64;
        let mut c = cond(&word, 8, 1);
        // SAFETY: conditions point at `word`; bad ones are refused before any read.
        unsafe {
            assert_eq!(
                monitor_with(&w, ALL, u32::MAX, &c, 0).unwrap_err().errno,
                libc::EINVAL
            );
            assert_eq!(
                monitor_with(&w, ALL, 0, std::ptr::null(), 0)
                    .unwrap_err()
                    .errno,
                libc::EINVAL
            );
            c.size = 3;
            assert_eq!(
                monitor_with(&w, ALL, 0, &c, 0).unwrap_err().errno,
                libc::EINVAL
            );
            c.size = 8;
            c.func = None;
            assert_eq!(
                monitor_with(&w, ALL, 0, &c, 0).unwrap_err().errno,
                libc::EINVAL
            );
        }
        assert!(w.log.borrow().is_empty());
        assert_eq!(wakeup_with(ALL, 128).unwrap_err().errno, libc::EINVAL);
    }

    #[test]
    fn monitor_sleeps_unless_the_value_is_already_there() {
        let w = Fake::default();
        let word = 5u64;
        for size in [1, 2, 4, 8] {
            // SAFETY: the condition points at `word`.
            unsafe { monitor_with(&w, ALL, 3, &cond(&word, size, 5), 99) }.unwrap();
            let log = std::mem::take(&mut *w.log.borrow_mut());
            assert_eq!(log.len(), 1, "{log:?}");
            assert!(log[0].starts_with("monitor "), "{log:?}");
        }
        // SAFETY: as above.
        unsafe { monitor_with(&w, ALL, 3, &cond(&word, 8, 6), 99) }.unwrap();
        let log = std::mem::take(&mut *w.log.borrow_mut());
        assert_eq!(log.len(), 2);
        assert_eq!(log[1], "mwait 99");
        assert_eq!(
            SLOTS[3].addr.lock().unwrap().0,
            0,
            "the address is unpublished after"
        );
        pause_with(&w, ALL, 7).unwrap();
        assert_eq!(*w.log.borrow(), ["pause 7"]);
    }

    #[test]
    fn wakeup_rewrites_a_published_word_without_changing_it() {
        let word = AtomicU64::new(77);
        *SLOTS[9].addr.lock().unwrap() = (&word as *const AtomicU64 as usize, 8);
        let before = SLOTS[9].wake.load(Ordering::SeqCst);
        wakeup_with(ALL, 9).unwrap();
        *SLOTS[9].addr.lock().unwrap() = (0, 0);
        assert_eq!(word.load(Ordering::SeqCst), 77);
        assert_eq!(SLOTS[9].wake.load(Ordering::SeqCst), before + 1);
        wakeup_with(ALL, 9).unwrap(); // nobody monitors: only the wake word moves
        assert_eq!(SLOTS[9].wake.load(Ordering::SeqCst), before + 2);
    }

    #[test]
    fn monitor_multi_pauses_only_when_no_condition_holds() {
        let a = 1u64;
        let b = 2u64;
        let w = Fake::default();
        let conds = [cond(&a, 8, 0), cond(&b, 4, 0)];
        // SAFETY: the conditions point at a and b.
        unsafe { monitor_multi_with(&w, ALL, 4, conds.as_ptr(), 2, 50) }.unwrap();
        assert_eq!(*w.log.borrow(), ["begin", "pause 50", "end"]);
        w.log.borrow_mut().clear();
        let conds = [cond(&a, 8, 0), cond(&b, 4, 2)];
        // SAFETY: as above.
        unsafe { monitor_multi_with(&w, ALL, 4, conds.as_ptr(), 2, 50) }.unwrap();
        assert_eq!(*w.log.borrow(), ["begin", "end"]);
        // An aborted transaction, or one already running: return at once.
        let aborting = Fake {
            abort: true,
            ..Fake::default()
        };
        // SAFETY: as above.
        unsafe { monitor_multi_with(&aborting, ALL, 4, conds.as_ptr(), 2, 50) }.unwrap();
        assert_eq!(*aborting.log.borrow(), ["begin"]);
        let nested = Fake {
            inside: true,
            ..Fake::default()
        };
        // SAFETY: as above.
        unsafe { monitor_multi_with(&nested, ALL, 4, conds.as_ptr(), 2, 50) }.unwrap();
        assert!(nested.log.borrow().is_empty());
        // Bad arguments, before any transaction.
        let mut bad = conds;
        bad[1].func = None;
        // SAFETY: as above.
        unsafe {
            assert_eq!(
                monitor_multi_with(&w, ALL, 4, bad.as_ptr(), 2, 0)
                    .unwrap_err()
                    .errno,
                libc::EINVAL
            );
            assert_eq!(
                monitor_multi_with(&w, ALL, 4, std::ptr::null(), 2, 0)
                    .unwrap_err()
                    .errno,
                libc::EINVAL
            );
            assert_eq!(
                monitor_multi_with(&w, ALL, 4, conds.as_ptr(), 0, 0)
                    .unwrap_err()
                    .errno,
                libc::EINVAL
            );
            assert_eq!(
                monitor_multi_with(&w, ALL, 200, conds.as_ptr(), 2, 0)
                    .unwrap_err()
                    .errno,
                libc::EINVAL
            );
        }
    }

    #[test]
    fn support_follows_the_cpu_flags() {
        let s = support();
        assert_eq!(s.wait, flags::has(flags::WAITPKG));
        assert_eq!(
            s.multi,
            flags::has(flags::WAITPKG) && flags::has(flags::RTM)
        );
    }
}
