//! STAND-IN: replaced by WP2. Alarms run once on the interrupt thread after a delay, with
//! the contract's signatures; no timerfd, no EINPROGRESS/wait-for-running rules.

use std::ffi::c_void;
use std::time::{Duration, Instant};

use super::state;
use crate::err;
use crate::error::Result;

/// An alarm callback (`rte_eal_alarm_callback`).
pub type AlarmCb = unsafe extern "C" fn(*mut c_void);

pub(crate) struct Alarm {
    pub(crate) due: Instant,
    cb: AlarmCb,
    arg: usize,
}

/// `rte_eal_alarm_set`: runs `cb(arg)` once, `us` microseconds from now.
pub fn set(us: u64, cb: Option<AlarmCb>, arg: *mut c_void) -> Result<()> {
    let cb = cb.ok_or_else(|| err!(libc::EINVAL, "callback is NULL"))?;
    if us == 0 || us >= u64::MAX / 2 {
        return Err(err!(libc::EINVAL, "bad delay {us}"));
    }
    state().alarms.push(Alarm {
        due: Instant::now() + Duration::from_micros(us),
        cb,
        arg: arg as usize,
    });
    super::kick()
}

/// `rte_eal_alarm_cancel`: removes pending alarms `cb` with `arg` (`(void *)-1`: any).
pub fn cancel(cb: Option<AlarmCb>, arg: *mut c_void) -> Result<usize> {
    let cb = cb.ok_or_else(|| err!(libc::EINVAL, "callback is NULL"))?;
    let mut g = state();
    let n = g.alarms.len();
    g.alarms.retain(|a| {
        !(a.cb as usize == cb as usize && (arg as usize == usize::MAX || a.arg == arg as usize))
    });
    let removed = n - g.alarms.len();
    if removed == 0 {
        return Err(err!(libc::ENOENT, "no such alarm"));
    }
    Ok(removed)
}

/// Runs the alarms that are due, earliest first, without the lock.
pub(crate) fn run_due() {
    loop {
        let next = {
            let mut g = state();
            let now = Instant::now();
            let i = g
                .alarms
                .iter()
                .enumerate()
                .filter(|(_, a)| a.due <= now)
                .min_by_key(|(_, a)| a.due)
                .map(|(i, _)| i);
            i.map(|i| g.alarms.remove(i))
        };
        let Some(a) = next else { return };
        // SAFETY: the callback and argument were set together by the caller of `set`.
        unsafe { (a.cb)(a.arg as *mut c_void) };
    }
}
