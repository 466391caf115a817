//! The keepalive monitor (`rte_keepalive.h`): worker lcores mark themselves alive, and a
//! periodic check (`rte_keepalive_dispatch_pings`, usually run from an `rte_timer`) moves each
//! watched lcore through DPDK's states and calls the application back when one dies.
//!
//! One check moves a watched lcore as follows (and then reports its state to the relay
//! callback, if one is set):
//!
//! | state before | after | also |
//! | --- | --- | --- |
//! | ALIVE (marked since the last check) | MISSING | last-seen stamp = now |
//! | MISSING (not marked for one period) | DEAD | INFO log "Core MIA." |
//! | DEAD | GONE | INFO log "Core died.", failure callback |
//! | DOZING (marked asleep) | SLEEP | last-seen stamp = now |
//! | UNUSED, GONE, SLEEP | unchanged | |
//!
//! A registered lcore starts UNUSED and is only checked once it has marked itself.
//!
//! Memory and concurrency: the structure is handed to C as an opaque pointer and lives in
//! `rte_zmalloc` memory (the FFI layer allocates it, as DPDK does, so `rte_free` releases it).
//! Every field is an atomic, so the all-zero bytes `rte_zmalloc` returns are a valid, empty
//! monitor; lcores mark their own slot (one cache line each, so marks do not contend) while the
//! checking thread reads and moves all of them.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};

use crate::base::log::RTE_LOG_INFO;
use crate::err;
use crate::error::Result;
use crate::sys::rdtsc;

/// Lcores a monitor can watch (`RTE_KEEPALIVE_MAXCORES`, = RTE_MAX_LCORE).
pub const MAXCORES: usize = 128;

/// `enum rte_keepalive_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum State {
    Unused = 0,
    Alive = 1,
    Dead = 2,
    Gone = 3,
    Missing = 4,
    Dozing = 5,
    Sleep = 6,
}

impl State {
    fn from_raw(v: i32) -> State {
        match v {
            1 => State::Alive,
            2 => State::Dead,
            3 => State::Gone,
            4 => State::Missing,
            5 => State::Dozing,
            6 => State::Sleep,
            _ => State::Unused,
        }
    }
}

/// `rte_keepalive_failure_callback_t`: (data, lcore id).
pub type FailureCb = unsafe extern "C" fn(*mut c_void, c_int);
/// `rte_keepalive_relay_callback_t`: (data, lcore id, state, last-seen TSC).
pub type RelayCb = unsafe extern "C" fn(*mut c_void, c_int, c_int, u64);

/// One lcore's state, alone on its cache line.
#[repr(C, align(64))]
struct Slot {
    state: AtomicI32,
}

/// A callback and its argument, both as words so that all-zero means "none".
#[repr(C)]
struct Callback {
    func: AtomicUsize,
    data: AtomicUsize,
}

impl Callback {
    fn set(&self, func: usize, data: *mut c_void) {
        // The argument first: a checker that sees the new function sees its argument.
        self.data.store(data as usize, Ordering::Relaxed);
        self.func.store(func, Ordering::Release);
    }

    fn get(&self) -> (usize, *mut c_void) {
        let f = self.func.load(Ordering::Acquire);
        (f, self.data.load(Ordering::Relaxed) as *mut c_void)
    }
}

/// `struct rte_keepalive` (opaque to C). All-zero bytes are a valid empty monitor.
#[repr(C)]
pub struct KeepAlive {
    slots: [Slot; MAXCORES],
    last_alive: [AtomicU64; MAXCORES],
    watched: [AtomicBool; MAXCORES],
    failure: Callback,
    relay: Callback,
}

impl KeepAlive {
    /// Bytes and alignment of the structure, for the allocation the FFI layer makes.
    pub const SIZE: usize = std::mem::size_of::<KeepAlive>();
    pub const ALIGN: usize = std::mem::align_of::<KeepAlive>();

    /// Views zeroed memory as an empty monitor.
    ///
    /// # Safety
    /// `mem` is `SIZE` zeroed bytes aligned to `ALIGN`, valid for `'a` and not used otherwise.
    pub unsafe fn from_zeroed<'a>(mem: *mut u8) -> &'a KeepAlive {
        // SAFETY: every field is an atomic (or an array of them), for which all-zero bytes are
        // a valid value; size, alignment and exclusivity are the caller's guarantee.
        unsafe { &*mem.cast::<KeepAlive>() }
    }

    /// Sets the callback called as `failure(data, lcore)` when a watched lcore dies.
    pub fn set_failure(&self, failure: Option<FailureCb>, data: *mut c_void) {
        self.failure.set(failure.map_or(0, |f| f as usize), data);
    }

    /// A zeroed monitor on the Rust heap (tests).
    #[cfg(test)]
    fn boxed(failure: Option<FailureCb>, data: *mut c_void) -> Box<KeepAlive> {
        // SAFETY: all-zero bytes are a valid KeepAlive (see from_zeroed).
        let b: Box<KeepAlive> = unsafe { Box::new_zeroed().assume_init() };
        b.set_failure(failure, data);
        b
    }

    /// Sets (or, with None, removes) the callback told every watched lcore's state at each
    /// check.
    pub fn set_relay(&self, relay: Option<RelayCb>, data: *mut c_void) {
        self.relay.set(relay.map_or(0, |f| f as usize), data);
    }

    /// Watches lcore `id`.
    pub fn register_core(&self, id: c_int) -> Result<()> {
        let i = index(id)?;
        self.last_alive[i].store(rdtsc(), Ordering::Relaxed);
        self.watched[i].store(true, Ordering::Release);
        Ok(())
    }

    /// Marks lcore `id` alive (what `rte_keepalive_mark_alive` does for the calling lcore).
    pub fn mark_alive(&self, id: u32) -> Result<()> {
        self.mark(id, State::Alive)
    }

    /// Marks lcore `id` going to sleep (`rte_keepalive_mark_sleep`).
    pub fn mark_sleep(&self, id: u32) -> Result<()> {
        self.mark(id, State::Dozing)
    }

    fn mark(&self, id: u32, s: State) -> Result<()> {
        let i = usize::try_from(id)
            .ok()
            .filter(|&i| i < MAXCORES)
            .ok_or_else(|| err!(libc::EINVAL, "called from a thread without an lcore id"))?;
        self.slots[i].state.store(s as i32, Ordering::Release);
        Ok(())
    }

    /// The current state of lcore `id`.
    pub fn state(&self, id: usize) -> State {
        State::from_raw(self.slots[id].state.load(Ordering::Acquire))
    }

    /// One check of every watched lcore (`rte_keepalive_dispatch_pings`); `tsc_hz` converts
    /// the last-seen stamps for the log.
    pub fn dispatch_pings(&self, tsc_hz: u64) {
        for i in 0..MAXCORES {
            if !self.watched[i].load(Ordering::Acquire) {
                continue;
            }
            let slot = &self.slots[i].state;
            let now = State::from_raw(slot.load(Ordering::Acquire));
            // A lcore may mark itself between our read and our write: the exchange keeps its
            // newer mark (it is seen at the next check) instead of overwriting it.
            let advance = |to: State| {
                slot.compare_exchange(now as i32, to as i32, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            };
            match now {
                State::Alive | State::Dozing => {
                    let to = if now == State::Alive {
                        State::Missing
                    } else {
                        State::Sleep
                    };
                    if advance(to) {
                        self.last_alive[i].store(rdtsc(), Ordering::Relaxed);
                    }
                }
                State::Missing => {
                    if advance(State::Dead) {
                        self.log_last_seen("Core MIA. ", i, tsc_hz);
                    }
                }
                State::Dead => {
                    if advance(State::Gone) {
                        self.log_last_seen("Core died. ", i, tsc_hz);
                        let (f, data) = self.failure.get();
                        if f != 0 {
                            // SAFETY: f was stored from a FailureCb by set_failure.
                            let f: FailureCb = unsafe { std::mem::transmute(f) };
                            // SAFETY: the application's callback with its own argument.
                            unsafe { f(data, i as c_int) };
                        }
                    }
                }
                State::Unused | State::Gone | State::Sleep => {}
            }
            let (r, data) = self.relay.get();
            if r != 0 {
                // SAFETY: r was stored from a RelayCb by set_relay.
                let r: RelayCb = unsafe { std::mem::transmute(r) };
                let state = slot.load(Ordering::Acquire);
                let seen = self.last_alive[i].load(Ordering::Relaxed);
                // SAFETY: the application's callback with its own argument.
                unsafe { r(data, i as c_int, state, seen) };
            }
        }
    }

    fn log_last_seen(&self, what: &str, i: usize, tsc_hz: u64) {
        let ago = rdtsc().wrapping_sub(self.last_alive[i].load(Ordering::Relaxed));
        let ms = u128::from(ago) * 1000 / u128::from(tsc_hz.max(1));
        crate::eal_log!(RTE_LOG_INFO, "{what}Last seen {ms}ms ago.");
    }
}

/// Checks an lcore id from C.
fn index(id: c_int) -> Result<usize> {
    usize::try_from(id)
        .ok()
        .filter(|&i| i < MAXCORES)
        .ok_or_else(|| {
            err!(
                libc::EINVAL,
                "lcore id {id} is out of range (0 to {})",
                MAXCORES - 1
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The tests that read SEEN run one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());
    /// What the callbacks saw: (kind, data, core, state).
    static SEEN: Mutex<Vec<(&str, usize, c_int, c_int)>> = Mutex::new(Vec::new());

    unsafe extern "C" fn on_failure(data: *mut c_void, core: c_int) {
        SEEN.lock().unwrap().push(("fail", data as usize, core, -1));
    }

    unsafe extern "C" fn on_relay(data: *mut c_void, core: c_int, state: c_int, _seen: u64) {
        SEEN.lock()
            .unwrap()
            .push(("relay", data as usize, core, state));
    }

    fn take() -> Vec<(&'static str, usize, c_int, c_int)> {
        std::mem::take(&mut *SEEN.lock().unwrap())
    }

    #[test]
    fn a_silent_core_goes_missing_dead_gone_and_is_reported_once() {
        let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        take();
        let ka = KeepAlive::boxed(Some(on_failure), 7 as *mut c_void);
        ka.register_core(3).unwrap();
        // Registered but never marked: checked, unchanged.
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(3), State::Unused);
        ka.mark_alive(3).unwrap();
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(3), State::Missing);
        ka.mark_alive(3).unwrap(); // still alive: back to ALIVE, then MISSING again
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(3), State::Missing);
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(3), State::Dead);
        assert!(take().is_empty());
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(3), State::Gone);
        assert_eq!(take(), vec![("fail", 7, 3, -1)]);
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(3), State::Gone);
        assert!(take().is_empty(), "the failure is reported once");
    }

    #[test]
    fn sleeping_cores_doze_then_sleep_and_the_relay_sees_every_watched_core() {
        let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        take();
        let ka = KeepAlive::boxed(None, std::ptr::null_mut());
        ka.set_relay(Some(on_relay), 9 as *mut c_void);
        ka.register_core(0).unwrap();
        ka.register_core(5).unwrap();
        ka.mark_alive(5).unwrap(); // lcore 6 marks but is not watched
        ka.mark_alive(6).unwrap();
        ka.mark_sleep(0).unwrap();
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(0), State::Sleep);
        assert_eq!(
            ka.state(6),
            State::Alive,
            "an unwatched core is not checked"
        );
        assert_eq!(
            take(),
            vec![
                ("relay", 9, 0, State::Sleep as c_int),
                ("relay", 9, 5, State::Missing as c_int)
            ]
        );
        ka.set_relay(None, std::ptr::null_mut());
        ka.dispatch_pings(1_000_000_000);
        assert!(take().is_empty());
        // No failure callback: a dead core still ends GONE.
        ka.dispatch_pings(1_000_000_000);
        assert_eq!(ka.state(5), State::Gone);
    }

    #[test]
    fn bad_core_ids_are_refused() {
        let ka = KeepAlive::boxed(None, std::ptr::null_mut());
        assert!(ka.register_core(-1).is_err());
        assert!(ka.register_core(128).is_err());
        assert!(ka.register_core(127).is_ok());
        assert!(ka.mark_alive(u32::MAX).is_err());
        assert!(ka.mark_sleep(128).is_err());
    }

    #[test]
    fn all_zero_bytes_are_an_empty_monitor_and_slots_do_not_share_lines() {
        assert_eq!(std::mem::size_of::<Slot>(), 64);
        assert_eq!(KeepAlive::ALIGN, 64);
        let layout =
            std::alloc::Layout::from_size_align(KeepAlive::SIZE, KeepAlive::ALIGN).unwrap();
        // SAFETY: a non-zero-sized layout.
        let p = unsafe { std::alloc::alloc_zeroed(layout) };
        assert!(!p.is_null());
        // SAFETY: p is SIZE zeroed bytes aligned to ALIGN, used only here.
        let ka = unsafe { KeepAlive::from_zeroed(p) };
        ka.register_core(1).unwrap();
        ka.dispatch_pings(1);
        assert_eq!(ka.state(1), State::Unused);
        // SAFETY: allocated above with this layout.
        unsafe { std::alloc::dealloc(p, layout) };
    }
}
