//! Memory event callbacks and allocation validators (`rte_mem_event_callback_register`,
//! `rte_mem_alloc_validator_register`).
//!
//! Both are per process, as in DPDK: a callback hears about pages this process's view of
//! memory gains (after they are mapped) or loses (before they are unmapped); a validator may
//! veto growing a socket's memory past its limit. Neither is available in legacy memory mode,
//! where memory never changes after init (ENOTSUP, as DPDK).
//!
//! Callbacks run without the registry lock held, so a callback may register or unregister.

use std::ffi::{c_int, c_void};
use std::sync::RwLock;

use crate::abi::{
    rte_mem_alloc_validator_t, rte_mem_event_callback_t, RTE_MEM_EVENT_CALLBACK_NAME_LEN,
};
use crate::err;
use crate::error::Result;

/// Longest validator name, NUL included (RTE_MEM_ALLOC_VALIDATOR_NAME_LEN).
pub(crate) const VALIDATOR_NAME_LEN: usize = 64;

#[derive(Clone)]
struct EventCb {
    name: String,
    clb: unsafe extern "C" fn(c_int, *const c_void, usize, *mut c_void),
    arg: usize,
}

#[derive(Clone)]
struct Validator {
    name: String,
    clb: unsafe extern "C" fn(c_int, usize, usize) -> c_int,
    socket: i32,
    limit: usize,
}

static EVENTS: RwLock<Vec<EventCb>> = RwLock::new(Vec::new());
static VALIDATORS: RwLock<Vec<Validator>> = RwLock::new(Vec::new());

fn legacy() -> bool {
    crate::config::get().map(|c| c.legacy_mem).unwrap_or(false)
}

fn check_name(name: &str, max: usize) -> Result<()> {
    if name.len() >= max {
        return Err(err!(
            libc::ENAMETOOLONG,
            "name '{name}' is longer than {} bytes",
            max - 1
        ));
    }
    Ok(())
}

/// The checks register and unregister share for memory event callbacks.
fn check_event_args(name: &str) -> Result<()> {
    check_name(name, RTE_MEM_EVENT_CALLBACK_NAME_LEN)?;
    if legacy() {
        return Err(err!(libc::ENOTSUP, "memory events are not available in legacy memory mode (--legacy-mem, --no-huge): memory never changes after init"));
    }
    Ok(())
}

/// The checks register and unregister share for allocation validators.
fn check_validator_args(name: &str, socket: i32) -> Result<()> {
    if socket < 0 {
        return Err(err!(libc::EINVAL, "socket id {socket} is invalid"));
    }
    check_name(name, VALIDATOR_NAME_LEN)?;
    if legacy() {
        return Err(err!(
            libc::ENOTSUP,
            "allocation validators are not available in legacy memory mode"
        ));
    }
    Ok(())
}

/// Registers a memory event callback under (`name`, `arg`).
pub fn register_event(name: &str, clb: rte_mem_event_callback_t, arg: *mut c_void) -> Result<()> {
    let clb = clb.ok_or_else(|| err!(libc::EINVAL, "callback is NULL"))?;
    check_event_args(name)?;
    let mut v = EVENTS.write().unwrap_or_else(|p| p.into_inner());
    if v.iter().any(|c| c.name == name && c.arg == arg as usize) {
        return Err(err!(
            libc::EEXIST,
            "memory event callback '{name}' is already registered with this argument"
        ));
    }
    v.push(EventCb {
        name: name.to_string(),
        clb,
        arg: arg as usize,
    });
    Ok(())
}

/// Removes the callback registered under (`name`, `arg`).
pub fn unregister_event(name: &str, arg: *mut c_void) -> Result<()> {
    check_event_args(name)?;
    let mut v = EVENTS.write().unwrap_or_else(|p| p.into_inner());
    let i = v
        .iter()
        .position(|c| c.name == name && c.arg == arg as usize)
        .ok_or_else(|| {
            err!(
                libc::ENOENT,
                "no memory event callback '{name}' with this argument"
            )
        })?;
    v.remove(i);
    Ok(())
}

/// Tells every callback that `addr..addr+len` was allocated (event 0) or is about to be freed
/// (event 1).
pub fn notify(event: c_int, addr: usize, len: usize) {
    let cbs = EVENTS.read().unwrap_or_else(|p| p.into_inner()).clone();
    for c in cbs {
        // SAFETY: the application registered clb with this argument for exactly this call.
        unsafe { (c.clb)(event, addr as *const c_void, len, c.arg as *mut c_void) };
    }
}

/// Registers a validator for `socket` that is asked before memory there grows past `limit`.
pub fn register_validator(
    name: &str,
    clb: rte_mem_alloc_validator_t,
    socket: i32,
    limit: usize,
) -> Result<()> {
    let clb = clb.ok_or_else(|| err!(libc::EINVAL, "validator is NULL"))?;
    check_validator_args(name, socket)?;
    let mut v = VALIDATORS.write().unwrap_or_else(|p| p.into_inner());
    if v.iter().any(|x| x.name == name && x.socket == socket) {
        return Err(err!(
            libc::EEXIST,
            "validator '{name}' is already registered for socket {socket}"
        ));
    }
    v.push(Validator {
        name: name.to_string(),
        clb,
        socket,
        limit,
    });
    Ok(())
}

/// Removes the validator `name` of `socket`.
pub fn unregister_validator(name: &str, socket: i32) -> Result<()> {
    check_validator_args(name, socket)?;
    let mut v = VALIDATORS.write().unwrap_or_else(|p| p.into_inner());
    let i = v
        .iter()
        .position(|x| x.name == name && x.socket == socket)
        .ok_or_else(|| err!(libc::ENOENT, "no validator '{name}' for socket {socket}"))?;
    v.remove(i);
    Ok(())
}

/// Asks the validators of `socket` whether its memory may grow to `new_len` bytes.
pub fn validate(socket: i32, new_len: usize) -> Result<()> {
    let vs = VALIDATORS.read().unwrap_or_else(|p| p.into_inner()).clone();
    for v in vs
        .iter()
        .filter(|v| v.socket == socket && new_len > v.limit)
    {
        // SAFETY: the application registered clb for this call.
        if unsafe { (v.clb)(socket, v.limit, new_len) } < 0 {
            return Err(err!(
                libc::ENOMEM,
                "validator '{}' refused growing socket {socket} to {new_len} bytes (limit {})",
                v.name,
                v.limit
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static SEEN: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn count(_e: c_int, _a: *const c_void, len: usize, _arg: *mut c_void) {
        SEEN.fetch_add(len, Ordering::SeqCst);
    }
    unsafe extern "C" fn refuse(_s: c_int, _l: usize, _n: usize) -> c_int {
        -1
    }

    #[test]
    fn callbacks_fire_until_unregistered_and_duplicates_are_refused() {
        let arg = 0x10 as *mut c_void;
        register_event("t-cb", Some(count), arg).unwrap();
        assert_eq!(
            register_event("t-cb", Some(count), arg).unwrap_err().errno,
            libc::EEXIST
        );
        notify(0, 0x1000, 4096);
        assert_eq!(SEEN.load(Ordering::SeqCst), 4096);
        unregister_event("t-cb", arg).unwrap();
        notify(0, 0x1000, 4096);
        assert_eq!(SEEN.load(Ordering::SeqCst), 4096);
        assert_eq!(
            unregister_event("t-cb", arg).unwrap_err().errno,
            libc::ENOENT
        );
        assert_eq!(
            register_event(&"x".repeat(64), Some(count), arg)
                .unwrap_err()
                .errno,
            libc::ENAMETOOLONG
        );
        assert_eq!(
            register_event("n", None, arg).unwrap_err().errno,
            libc::EINVAL
        );
    }

    #[test]
    fn validators_veto_growth_past_their_limit_only() {
        register_validator("t-v", Some(refuse), 3, 1 << 20).unwrap();
        assert!(validate(3, 1 << 20).is_ok(), "at the limit is allowed");
        assert_eq!(validate(3, (1 << 20) + 1).unwrap_err().errno, libc::ENOMEM);
        assert!(
            validate(2, 1 << 30).is_ok(),
            "other sockets are not affected"
        );
        assert_eq!(
            register_validator("t-v", Some(refuse), 3, 0)
                .unwrap_err()
                .errno,
            libc::EEXIST
        );
        assert_eq!(
            register_validator("t-v", Some(refuse), -1, 0)
                .unwrap_err()
                .errno,
            libc::EINVAL
        );
        unregister_validator("t-v", 3).unwrap();
        assert!(validate(3, 1 << 30).is_ok());
    }
}
