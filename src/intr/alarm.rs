//! Alarms (`rte_eal_alarm_set` / `rte_eal_alarm_cancel`, DPDK's `eal_alarm.c`): one-shot
//! callbacks run on the interrupt thread after a delay in microseconds.
//!
//! The alarms wait in a list sorted by deadline (CLOCK_MONOTONIC, nanoseconds; alarms with the
//! same deadline keep the order they were set in). One timerfd, armed for the head's deadline,
//! is an ALARM-type interrupt source of the interrupt thread; when it fires, [`fire`] runs
//! every due alarm in order, each without the list lock (so a callback may set or cancel
//! alarms), marking it as executing (with the id of the running thread) while it runs, and
//! removes it afterwards; then it re-arms the timer for the new head.
//!
//! DPDK 22.11's rules:
//! - `set`: a delay of 0 or above `u64::MAX - 1_000_000` µs, or a NULL callback: EINVAL
//!   (returned, `rte_errno` untouched).
//! - `cancel(cb, arg)`: removes every alarm `(cb, arg)` (`arg` `(void *)-1` matches any) that
//!   is not running and returns how many. One running now on another thread is waited for
//!   (then it is gone; it is not counted); one running on the calling thread (a callback
//!   cancelling itself) cannot be, and is reported as EINPROGRESS. Nothing matched: ENOENT.
//!
//! Unlike DPDK, an alarm set before `rte_eal_init` (or after cleanup) is refused rather than
//! kept forever with a -1 return.
//!
//! Locking: one process-local mutex over the list and the timer; [`FINISHED`] is signalled
//! whenever a callback returns, for cancels that wait. Lock order: alarms, then the interrupt
//! registry (setup registers the timer's source under the alarm lock; the interrupt thread
//! holds no registry lock while it runs [`fire`]). Cleanup unregisters the source without
//! the alarm lock, since that waits for a running [`fire`].

use std::ffi::c_void;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::abi::intr::{rte_intr_handle, RTE_INTR_HANDLE_ALARM, RTE_INTR_INSTANCE_F_PRIVATE};
use crate::base::log::RTE_LOG_ERR;
use crate::base::trace::eal as trace_eal;
use crate::error::{Error, Result};
use crate::{eal_log, err, sys};

use super::{handle, source};

/// An alarm callback (`rte_eal_alarm_callback` without its NULL).
/// cbindgen:ignore
pub type AlarmCb = unsafe extern "C" fn(*mut c_void);

/// Largest delay `set` accepts, in µs (DPDK: so that the deadline cannot overflow).
/// cbindgen:ignore
pub const MAX_DELAY_US: u64 = u64::MAX - 1_000_000;

struct Alarm {
    id: u64,
    deadline_ns: u128,
    cb: AlarmCb,
    arg: usize,
    /// The kernel thread id running the callback now.
    executing: Option<i32>,
}

impl Alarm {
    fn matches(&self, cb: AlarmCb, arg: usize) -> bool {
        self.cb as usize == cb as usize && (arg == source::ANY_ARG || arg == self.arg)
    }
}

/// The instance of the timer's interrupt source.
struct TimerHandle(*mut rte_intr_handle);

// SAFETY: the instance is only read after setup, by whichever thread holds the alarm lock or
// cleans up.
unsafe impl Send for TimerHandle {}

#[derive(Default)]
struct Alarms {
    /// Sorted by deadline, then by the order of `set`.
    list: Vec<Alarm>,
    next_id: u64,
    timer: Option<OwnedFd>,
    handle: Option<TimerHandle>,
    /// The timer's callback is registered with the interrupt thread (at the first `set`).
    registered: bool,
}

static ALARMS: Mutex<Alarms> = Mutex::new(Alarms {
    list: Vec::new(),
    next_id: 0,
    timer: None,
    handle: None,
    registered: false,
});
/// Signalled when an alarm callback returns.
static FINISHED: Condvar = Condvar::new();

fn lock() -> MutexGuard<'static, Alarms> {
    ALARMS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Sets up the alarm timer (`rte_eal_alarm_init`): a timerfd and its ALARM instance, which the
/// first [`set`] registers with the interrupt thread (as DPDK, whose trace then shows the
/// registration with the first alarm, on the caller's thread, rather than during init).
/// Does nothing when it exists.
pub fn init() -> Result<()> {
    let mut a = lock();
    if a.timer.is_some() {
        return Ok(());
    }
    let timer =
        sys::timerfd_monotonic().map_err(|e| Error::os("cannot create the alarm timerfd", e))?;
    let h = handle::instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE)?;
    // SAFETY: h is the fresh instance allocated above, freed here on failure.
    let r = unsafe {
        handle::type_set(h, RTE_INTR_HANDLE_ALARM)
            .and_then(|_| handle::fd_set(h, timer.as_raw_fd()))
    };
    if let Err(e) = r {
        // SAFETY: h is not registered and not used again.
        unsafe { handle::instance_free(h) };
        return Err(e);
    }
    a.timer = Some(timer);
    a.handle = Some(TimerHandle(h));
    a.registered = false;
    Ok(())
}

/// Removes the alarm timer and every pending alarm (`rte_eal_alarm_cleanup`), after a running
/// [`fire`] has finished.
pub fn cleanup() {
    let (h, registered) = {
        let mut a = lock();
        (a.handle.take(), std::mem::take(&mut a.registered))
    };
    if let Some(TimerHandle(h)) = h {
        if registered {
            // SAFETY: h is the timer's live instance; waiting without the alarm lock (fire
            // takes it). From inside an alarm callback this fails with EDEADLK instead of
            // waiting: the source then stays registered with a closed timer, which the thread
            // drops.
            let r = unsafe {
                source::callback_unregister_sync(h, Some(fire), source::ANY_ARG as *mut c_void)
            };
            if let Err(e) = r {
                eal_log!(RTE_LOG_ERR, "alarm cleanup: {e}");
            }
        }
        // SAFETY: unregistered or never registered (the registry keeps its own copy); not
        // used again.
        unsafe { handle::instance_free(h) };
    }
    let mut a = lock();
    a.timer = None;
    a.list.clear();
}

/// Sets an alarm: `cb(arg)` runs on the interrupt thread in `us` microseconds
/// (`rte_eal_alarm_set`). Errors: `us` 0 or above [`MAX_DELAY_US`], or no callback: EINVAL;
/// the alarm timer is not set up (before `rte_eal_init`): ENODEV; the timer cannot be armed:
/// its errno (the alarm is not set).
pub fn set(us: u64, cb: Option<AlarmCb>, arg: *mut c_void) -> Result<()> {
    let Some(cb) = cb else {
        return Err(err!(libc::EINVAL, "the alarm callback is NULL"));
    };
    if !(1..=MAX_DELAY_US).contains(&us) {
        return Err(err!(
            libc::EINVAL,
            "alarm delay {us} us is out of range (1 to {MAX_DELAY_US})"
        ));
    }
    let r = set_checked(us, cb, arg);
    // As DPDK: traced once the arguments are checked and the alarm timer exists.
    if !matches!(&r, Err(e) if e.errno == libc::ENODEV) {
        let rc = if r.is_ok() { 0 } else { -1 };
        trace_eal::alarm_set(us, cb as usize, arg as usize, rc);
    }
    r
}

/// [`set`] once its arguments are checked.
fn set_checked(us: u64, cb: AlarmCb, arg: *mut c_void) -> Result<()> {
    let deadline_ns = sys::monotonic_ns() + u128::from(us) * 1000;
    let mut a = lock();
    let Some(timer) = a.timer.as_ref().map(|t| t.as_raw_fd()) else {
        return Err(err!(
            libc::ENODEV,
            "alarms run on the interrupt thread, which runs only between rte_eal_init and rte_eal_cleanup"
        ));
    };
    if !a.registered {
        let h = a.handle.as_ref().map_or(std::ptr::null_mut(), |h| h.0);
        // SAFETY: h is the timer's live instance (it exists with the timer); fire may run on
        // the interrupt thread from now on. Holding the alarm lock here is safe: the
        // interrupt thread never holds its registry lock while fire runs.
        unsafe { source::callback_register(h, Some(fire), std::ptr::null_mut()) }?;
        a.registered = true;
    }
    let id = a.next_id;
    a.next_id += 1;
    let at = a.list.partition_point(|x| x.deadline_ns <= deadline_ns);
    a.list.insert(
        at,
        Alarm {
            id,
            deadline_ns,
            cb,
            arg: arg as usize,
            executing: None,
        },
    );
    if at == 0 {
        if let Err(e) = sys::timerfd_set(timer, Some(deadline_ns)) {
            a.list.remove(0);
            return Err(Error::os("cannot arm the alarm timer", e));
        }
    }
    Ok(())
}

/// What [`cancel_detailed`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled {
    /// Alarms removed.
    pub count: usize,
    /// A matching alarm is the one running on the calling thread (it cancels itself).
    pub in_progress: bool,
}

/// `rte_eal_alarm_cancel` with everything it learnt: removes every matching alarm that is not
/// running, waits for matching ones running on other threads, and reports one running on this
/// thread. Error: no callback: EINVAL.
pub fn cancel_detailed(cb: Option<AlarmCb>, arg: *mut c_void) -> Result<Cancelled> {
    let Some(cb) = cb else {
        return Err(err!(libc::EINVAL, "the alarm callback is NULL"));
    };
    let me = sys::gettid();
    let arg = arg as usize;
    let mut out = Cancelled {
        count: 0,
        in_progress: false,
    };
    let mut a = lock();
    loop {
        let mut busy_elsewhere = false;
        a.list.retain(|x| {
            if !x.matches(cb, arg) {
                return true;
            }
            match x.executing {
                None => {
                    out.count += 1;
                    false
                }
                Some(t) if t == me => {
                    out.in_progress = true;
                    true
                }
                Some(_) => {
                    busy_elsewhere = true;
                    true
                }
            }
        });
        if !busy_elsewhere {
            drop(a);
            let count = i32::try_from(out.count).unwrap_or(i32::MAX);
            trace_eal::alarm_cancel(cb as usize, arg, count);
            return Ok(out);
        }
        a = FINISHED.wait(a).unwrap_or_else(|p| p.into_inner());
    }
}

/// Cancels the alarms `(cb, arg)` (`arg` `usize::MAX as *mut c_void`: any argument), as
/// [`cancel_detailed`], and returns how many were removed. Errors: no callback: EINVAL;
/// nothing removed because the only match is the calling callback itself: EINPROGRESS;
/// nothing matched: ENOENT. (The C function also returns a count with EINPROGRESS when it
/// removed others too; use [`cancel_detailed`] for that.)
pub fn cancel(cb: Option<AlarmCb>, arg: *mut c_void) -> Result<usize> {
    let c = cancel_detailed(cb, arg)?;
    match c {
        Cancelled {
            count: 0,
            in_progress: true,
        } => Err(err!(
            libc::EINPROGRESS,
            "the alarm is running on this thread: it cannot cancel itself"
        )),
        Cancelled { count: 0, .. } => Err(err!(libc::ENOENT, "no such alarm")),
        Cancelled { count, .. } => Ok(count),
    }
}

/// The timer's interrupt callback (on the interrupt thread): runs the due alarms in order,
/// then re-arms the timer for the next one.
unsafe extern "C" fn fire(_: *mut c_void) {
    let me = sys::gettid();
    let mut a = lock();
    loop {
        let now = sys::monotonic_ns();
        let Some(head) = a.list.first_mut() else {
            break;
        };
        if head.deadline_ns > now || head.executing.is_some() {
            break;
        }
        head.executing = Some(me);
        let (id, cb, arg) = (head.id, head.cb, head.arg);
        drop(a);
        // SAFETY: whoever set the alarm guaranteed cb(arg) may run on the interrupt thread.
        unsafe { cb(arg as *mut c_void) };
        a = lock();
        a.list.retain(|x| x.id != id);
        FINISHED.notify_all();
    }
    if let Some(t) = a.timer.as_ref() {
        let next = a.list.first().map(|x| x.deadline_ns);
        if let Err(e) = sys::timerfd_set(t.as_raw_fd(), next) {
            eal_log!(RTE_LOG_ERR, "cannot re-arm the alarm timer: {e}");
        }
    }
}

/// Alarms waiting or running (tests).
#[cfg(test)]
pub(crate) fn pending() -> usize {
    lock().list.len()
}
