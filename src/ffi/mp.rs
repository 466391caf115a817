//! `rte_mp_*`: the C face of [`crate::mp`]. Converts `struct rte_mp_msg` to [`Msg`] (checking it
//! as DPDK's `check_input` does), wraps C actions and callbacks, and hands replies back in
//! memory from libc `malloc`, which the caller releases with `free()` as DPDK documents.

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::Arc;
use std::time::Duration;

use crate::abi::{
    rte_mp_async_reply_t, rte_mp_msg, rte_mp_reply, rte_mp_t, RTE_MP_MAX_FD_NUM,
    RTE_MP_MAX_NAME_LEN, RTE_MP_MAX_PARAM_LEN,
};
use crate::err;
use crate::error::Result;
use crate::ffi::{cstr, Mode};
use crate::mp::{self, Msg, Replies};

/// ENOTSUP (IPC disabled) is expected and DPDK logs it at DEBUG only.
const MODE: Mode = Mode::Per(|e| {
    if e.errno == libc::ENOTSUP {
        Mode::Quiet
    } else {
        Mode::Log
    }
});

/// Reads an action name of at most `RTE_MP_MAX_NAME_LEN` bytes (E2BIG without a NUL in it).
///
/// # Safety
/// `p` is NULL or points to at least `RTE_MP_MAX_NAME_LEN` readable bytes or a C string.
unsafe fn name_from(p: *const c_char) -> Result<String> {
    if p.is_null() {
        return Err(err!(libc::EINVAL, "action name cannot be NULL"));
    }
    // SAFETY: the caller guarantees a C string or RTE_MP_MAX_NAME_LEN readable bytes.
    let bytes = unsafe { crate::ffi::c_bytes_upto(p, RTE_MP_MAX_NAME_LEN) };
    if bytes.len() == RTE_MP_MAX_NAME_LEN {
        return Err(err!(
            libc::E2BIG,
            "action name is longer than {} bytes",
            RTE_MP_MAX_NAME_LEN - 1
        ));
    }
    if bytes.is_empty() {
        return Err(err!(libc::EINVAL, "length of action name is zero"));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Converts and checks a C message (DPDK's `check_input`).
///
/// # Safety
/// `m` is NULL or points to a readable `struct rte_mp_msg`.
unsafe fn msg_from(m: *const rte_mp_msg) -> Result<Msg> {
    if m.is_null() {
        return Err(err!(libc::EINVAL, "msg cannot be NULL"));
    }
    // SAFETY: non-NULL and readable per the caller.
    let m = unsafe { &*m };
    // SAFETY: the name field is RTE_MP_MAX_NAME_LEN bytes inside *m.
    let name = unsafe { name_from(m.name.as_ptr()) }?;
    if m.len_param < 0 {
        return Err(err!(libc::EINVAL, "message data length is negative"));
    }
    if m.num_fds < 0 {
        return Err(err!(libc::EINVAL, "number of fd's is negative"));
    }
    if m.len_param as usize > RTE_MP_MAX_PARAM_LEN {
        return Err(err!(libc::E2BIG, "message data is too long"));
    }
    if m.num_fds as usize > RTE_MP_MAX_FD_NUM {
        return Err(err!(
            libc::E2BIG,
            "cannot send more than {RTE_MP_MAX_FD_NUM} FDs"
        ));
    }
    Ok(Msg {
        name,
        param: m.param[..m.len_param as usize].to_vec(),
        fds: m.fds[..m.num_fds as usize].to_vec(),
    })
}

fn msg_to_c(m: &Msg) -> rte_mp_msg {
    // SAFETY: rte_mp_msg is plain data; all-zero is valid.
    let mut c: rte_mp_msg = unsafe { std::mem::zeroed() };
    for (d, s) in c
        .name
        .iter_mut()
        .zip(m.name.bytes().take(RTE_MP_MAX_NAME_LEN - 1))
    {
        *d = s as c_char;
    }
    let np = m.param.len().min(RTE_MP_MAX_PARAM_LEN);
    c.param[..np].copy_from_slice(&m.param[..np]);
    c.len_param = np as c_int;
    let nf = m.fds.len().min(RTE_MP_MAX_FD_NUM);
    c.fds[..nf].copy_from_slice(&m.fds[..nf]);
    c.num_fds = nf as c_int;
    c
}

/// Copies replies into a `malloc`ed array (NULL when there are none or malloc fails).
fn malloc_msgs(msgs: &[Msg]) -> *mut rte_mp_msg {
    if msgs.is_empty() {
        return std::ptr::null_mut();
    }
    let Some(bytes) = msgs.len().checked_mul(std::mem::size_of::<rte_mp_msg>()) else {
        return std::ptr::null_mut();
    };
    let p = crate::sys::c_malloc(bytes).cast::<rte_mp_msg>();
    if !p.is_null() {
        for (i, m) in msgs.iter().enumerate() {
            // SAFETY: p has room for msgs.len() entries; i < msgs.len().
            unsafe { p.add(i).write(msg_to_c(m)) };
        }
    }
    p
}

fn timeout_from(ts: *const libc::timespec) -> Result<Duration> {
    if ts.is_null() {
        return Err(err!(libc::EINVAL, "timeout is NULL"));
    }
    // SAFETY: non-NULL; the caller passes a readable timespec.
    let ts = unsafe { &*ts };
    if ts.tv_sec < 0 || !(0..1_000_000_000).contains(&ts.tv_nsec) {
        return Err(err!(libc::EINVAL, "invalid timeout"));
    }
    Ok(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// Registers `action` for messages and requests named `name`. -1 with rte_errno EEXIST (name
/// taken), EINVAL/E2BIG (bad name), ENOTSUP (IPC disabled).
///
/// # Safety
/// `name` is NULL or a C string; `action` stays callable until unregistered.
#[no_mangle]
pub unsafe extern "C" fn rte_mp_action_register(name: *const c_char, action: rte_mp_t) -> c_int {
    ffi_boundary!(MODE, "rte_mp_action_register", {
        // SAFETY: name is NULL or a C string (DPDK's contract).
        let name = unsafe { name_from(name) }?;
        let f = action.ok_or_else(|| err!(libc::EINVAL, "action is NULL"))?;
        let wrapped: mp::Action = Arc::new(move |m: &Msg, peer: &str| {
            let c = msg_to_c(m);
            let peer = CString::new(peer).unwrap_or_default();
            // SAFETY: f is the application's action; c and peer outlive the call.
            unsafe { f(&c, peer.as_ptr().cast::<c_void>()) }
        });
        mp::register_action(&name, wrapped).map(|_| 0)
    })
}

/// Removes the action registered under `name`, if any.
///
/// # Safety
/// `name` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_mp_action_unregister(name: *const c_char) {
    ffi_boundary!(Log, "rte_mp_action_unregister", {
        // SAFETY: name is NULL or a C string.
        if let Ok(n) = unsafe { name_from(name) } {
            mp::unregister_action(&n);
        }
        Ok(())
    })
}

/// Sends a one-way message: primary to every secondary, secondary to the primary.
///
/// # Safety
/// `msg` is NULL or points to a readable `struct rte_mp_msg`.
#[no_mangle]
pub unsafe extern "C" fn rte_mp_sendmsg(msg: *mut rte_mp_msg) -> c_int {
    ffi_boundary!(MODE, "rte_mp_sendmsg", {
        // SAFETY: per this function's contract.
        let m = unsafe { msg_from(msg) }?;
        mp::sendmsg(&m).map(|_| 0)
    })
}

/// Sends a request and waits up to `ts` for every peer's reply. `reply->msgs` is `malloc`ed
/// (the caller frees it). -1 with ETIMEDOUT if a peer did not answer, EEXIST if a request of
/// this name to the same peer is pending, ENOTSUP when IPC is disabled.
///
/// # Safety
/// `req` and `ts` are NULL or readable; `reply` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rte_mp_request_sync(
    req: *mut rte_mp_msg,
    reply: *mut rte_mp_reply,
    ts: *const libc::timespec,
) -> c_int {
    ffi_boundary!(MODE, "rte_mp_request_sync", {
        if reply.is_null() {
            return Err(err!(libc::EINVAL, "reply is NULL"));
        }
        // SAFETY: reply is non-NULL and writable per the contract.
        let out = unsafe { &mut *reply };
        out.nb_sent = 0;
        out.nb_received = 0;
        out.msgs = std::ptr::null_mut();
        // SAFETY: per this function's contract.
        let m = unsafe { msg_from(req) }?;
        let timeout = timeout_from(ts)?;
        let mut nb_sent = 0;
        let res = mp::request_sync_counted(&m, timeout, &mut nb_sent);
        out.nb_sent = nb_sent as c_int;
        let msgs = res?;
        out.msgs = malloc_msgs(&msgs);
        if out.msgs.is_null() && !msgs.is_empty() {
            for mut m in msgs {
                m.close_fds();
            }
            return Err(err!(libc::ENOMEM, "cannot allocate the replies"));
        }
        out.nb_received = msgs.len() as c_int;
        Ok(0)
    })
}

/// Sends a request and returns; `clb` runs on the IPC thread with every reply or at the
/// timeout (the reply array is freed after it returns).
///
/// # Safety
/// `req` and `ts` are NULL or readable.
#[no_mangle]
pub unsafe extern "C" fn rte_mp_request_async(
    req: *mut rte_mp_msg,
    ts: *const libc::timespec,
    clb: rte_mp_async_reply_t,
) -> c_int {
    ffi_boundary!(MODE, "rte_mp_request_async", {
        // SAFETY: per this function's contract.
        let m = unsafe { msg_from(req) }?;
        let timeout = timeout_from(ts)?;
        let f = clb.ok_or_else(|| err!(libc::EINVAL, "callback is NULL"))?;
        let cb: mp::AsyncCallback = Box::new(move |request: &Msg, r: Replies| {
            let creq = msg_to_c(request);
            let msgs = malloc_msgs(&r.msgs);
            let creply = rte_mp_reply {
                nb_sent: r.nb_sent as c_int,
                nb_received: if msgs.is_null() {
                    0
                } else {
                    r.msgs.len() as c_int
                },
                msgs,
            };
            // SAFETY: f is the application's callback; creq and creply outlive the call.
            unsafe { f(&creq, &creply) };
            // SAFETY: msgs came from C's malloc (or is NULL) and is freed once.
            unsafe { crate::sys::c_free(msgs.cast()) };
        });
        mp::request_async(&m, timeout, cb).map(|_| 0)
    })
}

/// Answers a request; `peer` is the value the action was called with.
///
/// # Safety
/// `msg` is NULL or readable; `peer` is NULL or a C string.
#[no_mangle]
pub unsafe extern "C" fn rte_mp_reply(msg: *mut rte_mp_msg, peer: *const c_char) -> c_int {
    ffi_boundary!(MODE, "rte_mp_reply", {
        // SAFETY: per this function's contract.
        let m = unsafe { msg_from(msg) }?;
        if peer.is_null() {
            return Err(err!(libc::EINVAL, "peer is not specified"));
        }
        // SAFETY: non-NULL C string per the contract.
        let peer = unsafe { cstr(peer, "peer") }?;
        mp::reply(&m, peer).map(|_| 0)
    })
}

/// Forbids secondary processes from now on; false if one has attached already.
#[no_mangle]
pub extern "C" fn rte_mp_disable() -> bool {
    ffi_boundary!(Log, "rte_mp_disable", { Ok(mp::disable()) })
}
