//! Hotplug (DPDK's `rte_dev_probe`/`rte_dev_remove` in `eal_common_dev.c` and `hotplug_mp.c`):
//! probe or remove one device, in this process and in every other process of the prefix.
//!
//! A probe parses the device string into a devargs, lists it, has the device's bus scan (which
//! creates the device from the devargs) and plug it. A removal unplugs it.
//!
//! Keeping processes in step, as DPDK does, over the `rte_mp` action `eal_dev_mp_request`:
//! - in the primary: do it here first, then ask every secondary to do the same (a synchronous
//!   request, 5 s); if one fails, undo it everywhere (ATTACH_ROLLBACK / DETACH_ROLLBACK).
//!   A secondary that already has the device (EEXIST on attach) or no longer has it (ENOENT on
//!   detach) counts as done. Without IPC (`--no-shconf`) there is nobody to ask.
//! - in a secondary: ask the primary, which does the above for everyone (this process
//!   included) and answers with the result.
//!
//! The action runs on the IPC thread, which must not wait for replies itself, so both sides do
//! the work from a 1 µs alarm (on the interrupt thread) and reply from there.
//!
//! The request is DPDK's `struct eal_dev_mp_req { int t; char devargs[128]; int result; }`.
//! Only rtemem processes talk to each other, so the layout is ours to choose; keeping DPDK's
//! costs nothing.
//!
//! Result codes are DPDK's (0 or a negative errno); `rte_errno` is left as the drivers leave it.

use std::ffi::{c_int, c_void, CStr, CString};
use std::time::Duration;

use super::bus;
use super::devargs;
use super::list::Ptr;
use crate::abi::dev::{rte_devargs, rte_device};
use crate::base::log::{RTE_LOG_ERR, RTE_LOG_WARNING};
use crate::error::Result;
use crate::mp::{self, Msg};
use crate::{eal_log, err};

/// The action name of hotplug requests and their replies.
pub const ACTION: &str = "eal_dev_mp_request";
/// How long a hotplug request waits for its replies.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Longest device string a request carries, NUL included (longer ones are cut).
const DEVARGS_MAX: usize = 128;

/// Request types.
const ATTACH: c_int = 0;
const DETACH: c_int = 1;
const ATTACH_ROLLBACK: c_int = 2;
const DETACH_ROLLBACK: c_int = 3;

/// A hotplug request or reply.
#[derive(Clone)]
struct Req {
    t: c_int,
    devargs: [u8; DEVARGS_MAX],
    result: c_int,
}

/// Size of the request on the wire: `int`, `char[128]`, `int`.
const REQ_LEN: usize = 4 + DEVARGS_MAX + 4;

impl Req {
    fn new(t: c_int, devargs: &[u8]) -> Req {
        let mut d = [0u8; DEVARGS_MAX];
        let n = devargs.len().min(DEVARGS_MAX - 1);
        d[..n].copy_from_slice(&devargs[..n]);
        Req {
            t,
            devargs: d,
            result: 0,
        }
    }

    fn devargs(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.devargs).unwrap_or(c"")
    }

    fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(REQ_LEN);
        v.extend_from_slice(&self.t.to_ne_bytes());
        v.extend_from_slice(&self.devargs);
        v.extend_from_slice(&self.result.to_ne_bytes());
        v
    }

    fn decode(b: &[u8]) -> Option<Req> {
        if b.len() < REQ_LEN {
            return None;
        }
        let mut devargs = [0u8; DEVARGS_MAX];
        devargs.copy_from_slice(&b[4..4 + DEVARGS_MAX]);
        devargs[DEVARGS_MAX - 1] = 0;
        Some(Req {
            t: c_int::from_ne_bytes(b[0..4].try_into().ok()?),
            devargs,
            result: c_int::from_ne_bytes(b[4 + DEVARGS_MAX..REQ_LEN].try_into().ok()?),
        })
    }

    fn msg(&self) -> Msg {
        Msg::new(ACTION, &self.encode())
    }
}

fn is_secondary() -> bool {
    crate::base::mcfg::attached_as_primary() == Some(false)
}

unsafe extern "C" fn same_name(dev: *const rte_device, name: *const c_void) -> c_int {
    // SAFETY: the bus passes its live device; name is the C string we passed.
    unsafe {
        let n = (*dev).name;
        (n.is_null() || CStr::from_ptr(n) != CStr::from_ptr(name.cast())) as c_int
    }
}

/// The device named `name` on bus `b`, if any.
fn find_device(b: bus::Bus, name: &CStr) -> *mut rte_device {
    // SAFETY: a registered bus is live and has find_device (checked at registration);
    // same_name reads the C string we pass.
    unsafe {
        let f = (*b.0).find_device.expect("checked at registration");
        f(std::ptr::null(), Some(same_name), name.as_ptr().cast())
    }
}

fn dev_name(dev: *const rte_device) -> String {
    // SAFETY: dev is a live device whose name is a C string.
    unsafe {
        let n = (*dev).name;
        if n.is_null() {
            "?".into()
        } else {
            CStr::from_ptr(n).to_string_lossy().into_owned()
        }
    }
}

fn is_probed(dev: *const rte_device) -> bool {
    // SAFETY: dev is a live device.
    !dev.is_null() && unsafe { !(*dev).driver.is_null() }
}

/// DPDK's `local_dev_probe`: probes the device of `devargs` in this process. Returns the result
/// and the device (set when it exists and some driver probed it, also when the result is an
/// error such as EEXIST for a device already probed).
pub fn local_probe(s: &CStr) -> (c_int, *mut rte_device) {
    let Ok(mut da) = devargs::alloc() else {
        return (-libc::ENOMEM, std::ptr::null_mut());
    };
    // SAFETY: da is fresh and ours until inserted.
    let r = unsafe { devargs::parse(da, s) };
    // SAFETY: da was filled by parse (its bus is NULL or registered).
    let b = unsafe { (*da).bus };
    if r != 0 || b.is_null() {
        if r == 0 {
            eal_log!(
                RTE_LOG_ERR,
                "\"{}\" names no bus: cannot probe it",
                s.to_string_lossy()
            );
        }
        // SAFETY: not listed yet: ours to free. (DPDK would look for a listed devargs of the same
        // name to remove here, taking an existing device's arguments with it.)
        unsafe { devargs::free(da) };
        return (if r != 0 { r } else { -libc::EINVAL }, std::ptr::null_mut());
    }
    let b = Ptr(b);
    // SAFETY: a registered bus is live.
    if unsafe { (*b.0).plug.is_none() } {
        eal_log!(
            RTE_LOG_ERR,
            "Function plug not supported by bus ({})",
            bus::name(b).to_string_lossy()
        );
        // SAFETY: not listed: ours.
        unsafe { devargs::free(da) };
        return (-libc::ENOTSUP, std::ptr::null_mut());
    }
    // SAFETY: da is libc-allocated; insert may replace it by the listed one.
    unsafe { devargs::insert(&mut da) };
    let undo = |da: *mut rte_devargs| {
        // SAFETY: da is listed (ours to remove, which frees it) or, if not, ours to free.
        unsafe {
            if devargs::remove(da) != 0 {
                devargs::free(da);
            }
        }
    };
    // SAFETY: the bus's own scan (checked non-NULL at registration).
    let r = unsafe { ((*b.0).scan.expect("checked at registration"))() };
    if r != 0 {
        undo(da);
        return (r, std::ptr::null_mut());
    }
    // SAFETY: da is listed and live; its name is a C string within the array.
    let name = unsafe { CStr::from_ptr((*da).name.as_ptr()) }.to_owned();
    let dev = find_device(b, &name);
    if dev.is_null() {
        eal_log!(
            RTE_LOG_ERR,
            "Cannot find device ({})",
            name.to_string_lossy()
        );
        undo(da);
        return (-libc::ENODEV, std::ptr::null_mut());
    }
    // From here the device owns the devargs.
    // SAFETY: dev is the bus's live device; its bus is the one that found it.
    let mut r = unsafe {
        let db = (*dev).bus;
        let plug = if db.is_null() {
            (*b.0).plug
        } else {
            (*db).plug
        };
        plug.map_or(-libc::ENOTSUP, |p| p(dev))
    };
    if r > 0 {
        r = -libc::ENOTSUP;
    }
    if r != 0 && !is_probed(dev) {
        eal_log!(
            RTE_LOG_ERR,
            "Driver cannot attach the device ({})",
            dev_name(dev)
        );
        return (r, std::ptr::null_mut());
    }
    (r, dev)
}

/// DPDK's `local_dev_remove`: unplugs `dev` in this process.
///
/// # Safety
/// `dev` is a live device.
pub unsafe fn local_remove(dev: *mut rte_device) -> c_int {
    // SAFETY: the caller's guarantee; a device's bus is live.
    let unplug = unsafe {
        let b = (*dev).bus;
        if b.is_null() {
            None
        } else {
            (*b).unplug
        }
    };
    let Some(unplug) = unplug else {
        // SAFETY: as above.
        let bn = unsafe { (*dev).bus };
        let n = if bn.is_null() {
            "?".into()
        } else {
            bus::name(Ptr(bn.cast_mut())).to_string_lossy().into_owned()
        };
        eal_log!(RTE_LOG_ERR, "Function unplug not supported by bus ({n})");
        return -libc::ENOTSUP;
    };
    let name = dev_name(dev);
    // SAFETY: the bus's own unplug, with its device.
    let r = unsafe { unplug(dev) };
    if r != 0 {
        eal_log!(RTE_LOG_ERR, "Driver cannot detach the device ({name})");
        return if r < 0 { r } else { -libc::ENOENT };
    }
    0
}

/// Sends `req` to the primary and records its answer in `req.result`. 0 when an answer came.
fn request_to_primary(req: &mut Req) -> c_int {
    match mp::request_sync(&req.msg(), TIMEOUT) {
        Ok(r) if r.msgs.len() == 1 => match Req::decode(&r.msgs[0].param) {
            Some(a) => {
                req.result = a.result;
                0
            }
            None => {
                eal_log!(RTE_LOG_ERR, "malformed hotplug reply from the primary");
                -1
            }
        },
        Ok(_) => {
            eal_log!(RTE_LOG_ERR, "Cannot send request to primary");
            -1
        }
        Err(e) => {
            eal_log!(RTE_LOG_ERR, "Cannot send request to primary: {}", e.msg);
            -e.errno
        }
    }
}

/// Sends `req` to every secondary; `req.result` becomes the first failure among their answers
/// (EEXIST on attach and ENOENT on detach are not failures). 0 when every one answered (or
/// there is no IPC).
fn request_to_secondaries(req: &mut Req) -> c_int {
    let replies = match mp::request_sync(&req.msg(), TIMEOUT) {
        Ok(r) => r,
        Err(e) if e.errno == libc::ENOTSUP => return 0,
        Err(e) => {
            eal_log!(RTE_LOG_ERR, "rte_mp_request_sync failed: {}", e.msg);
            return -1;
        }
    };
    if replies.nb_sent != replies.msgs.len() {
        eal_log!(RTE_LOG_ERR, "not all secondary reply");
        return -1;
    }
    req.result = 0;
    for m in &replies.msgs {
        let r = Req::decode(&m.param).map_or(-libc::EINVAL, |a| a.result);
        if r == 0
            || (req.t == ATTACH && r == -libc::EEXIST)
            || (req.t == DETACH && r == -libc::ENOENT)
        {
            continue;
        }
        req.result = r;
    }
    0
}

/// `rte_dev_probe`: probes the device of `s` in every process of the prefix. 0 or a negative
/// errno (ENOMSG when the processes could not be asked).
pub fn probe(s: &CStr) -> c_int {
    let mut req = Req::new(ATTACH, s.to_bytes());
    if is_secondary() {
        if request_to_primary(&mut req) != 0 {
            eal_log!(RTE_LOG_ERR, "Failed to send hotplug request to primary");
            return -libc::ENOMSG;
        }
        if req.result != 0 {
            eal_log!(RTE_LOG_ERR, "Failed to hotplug add device");
        }
        return req.result;
    }
    let (r, dev) = local_probe(s);
    if r != 0 {
        eal_log!(RTE_LOG_ERR, "Failed to attach device on primary process");
        if r != -libc::EEXIST {
            return r;
        }
    }
    let ret = if request_to_secondaries(&mut req) != 0 {
        eal_log!(
            RTE_LOG_ERR,
            "Failed to send hotplug add request to secondary"
        );
        -libc::ENOMSG
    } else if req.result != 0 {
        eal_log!(RTE_LOG_ERR, "Failed to attach device on secondary process");
        if req.result == -libc::EEXIST {
            return req.result;
        }
        req.result
    } else {
        return 0;
    };
    req.t = ATTACH_ROLLBACK;
    if request_to_secondaries(&mut req) != 0 {
        eal_log!(
            RTE_LOG_WARNING,
            "Failed to rollback device attach on secondary.Devices in secondary may not sync with primary"
        );
    }
    // SAFETY: dev is NULL or the live device local_probe found.
    if !dev.is_null() && unsafe { local_remove(dev) } != 0 {
        eal_log!(
            RTE_LOG_WARNING,
            "Failed to rollback device attach on primary.Devices in secondary may not sync with primary"
        );
    }
    ret
}

/// `rte_eal_hotplug_add`: probes "bus:dev,args".
pub fn hotplug_add(busname: &CStr, devname: &CStr, args: &CStr) -> Result<c_int> {
    let mut s = Vec::new();
    s.extend_from_slice(busname.to_bytes());
    s.push(b':');
    s.extend_from_slice(devname.to_bytes());
    s.push(b',');
    s.extend_from_slice(args.to_bytes());
    let c = CString::new(s).map_err(|_| err!(libc::EINVAL, "NUL inside the device string"))?;
    Ok(probe(&c))
}

/// `rte_dev_remove`: removes `dev` in every process of the prefix. 0 or a negative errno
/// (ENOENT when it is not probed, ENOMSG when the processes could not be asked).
///
/// # Safety
/// `dev` is a live device.
pub unsafe fn remove(dev: *mut rte_device) -> c_int {
    if !is_probed(dev) {
        eal_log!(RTE_LOG_ERR, "Device is not probed");
        return -libc::ENOENT;
    }
    // SAFETY: dev is live (caller); its bus is live.
    let bn = unsafe { (*dev).bus };
    let busname = if bn.is_null() {
        Vec::new()
    } else {
        bus::name(Ptr(bn.cast_mut())).to_bytes().to_vec()
    };
    let mut s = busname;
    s.push(b':');
    s.extend_from_slice(dev_name(dev).as_bytes());
    s.push(b',');
    let mut req = Req::new(DETACH, &s);
    if is_secondary() {
        if request_to_primary(&mut req) != 0 {
            eal_log!(RTE_LOG_ERR, "Failed to send hotplug request to primary");
            return -libc::ENOMSG;
        }
        if req.result != 0 {
            eal_log!(RTE_LOG_ERR, "Failed to hotplug remove device");
        }
        return req.result;
    }
    let ret = if request_to_secondaries(&mut req) != 0 {
        eal_log!(
            RTE_LOG_ERR,
            "Failed to send device detach request to secondary"
        );
        -libc::ENOMSG
    } else if req.result != 0 && req.result != -libc::ENOENT {
        eal_log!(RTE_LOG_ERR, "Failed to detach device on secondary process");
        req.result
    } else {
        if req.result != 0 {
            eal_log!(RTE_LOG_ERR, "Failed to detach device on secondary process");
        }
        // SAFETY: dev is live (caller).
        let r = unsafe { local_remove(dev) };
        if r == 0 {
            return 0;
        }
        eal_log!(RTE_LOG_ERR, "Failed to detach device on primary process");
        if r == -libc::ENOENT {
            return r;
        }
        r
    };
    req.t = DETACH_ROLLBACK;
    if request_to_secondaries(&mut req) != 0 {
        eal_log!(
            RTE_LOG_WARNING,
            "Failed to rollback device detach on secondary.Devices in secondary may not sync with primary"
        );
    }
    ret
}

/// `rte_eal_hotplug_remove`: removes the device `devname` of bus `busname` everywhere. ENOENT
/// for an unknown bus, EINVAL for a device the bus does not have.
pub fn hotplug_remove(busname: &CStr, devname: &CStr) -> c_int {
    let Some(b) = bus::find_by_name(busname.to_bytes()) else {
        eal_log!(
            RTE_LOG_ERR,
            "Cannot find bus ({})",
            busname.to_string_lossy()
        );
        return -libc::ENOENT;
    };
    let dev = find_device(b, devname);
    if dev.is_null() {
        eal_log!(
            RTE_LOG_ERR,
            "Cannot find plugged device ({})",
            devname.to_string_lossy()
        );
        return -libc::EINVAL;
    }
    // SAFETY: the bus's live device.
    unsafe { remove(dev) }
}

// ---- the IPC side --------------------------------------------------------------------------------

/// A request received by the action, to be served from an alarm.
struct Task {
    req: Req,
    peer: String,
    from_primary: bool,
}

fn reply(req: &Req, result: c_int, peer: &str) {
    let mut r = req.clone();
    r.result = result;
    if let Err(e) = mp::reply(&r.msg(), peer) {
        eal_log!(
            RTE_LOG_ERR,
            "failed to send hotplug reply to {peer}: {}",
            e.msg
        );
    }
}

/// The action (on the IPC thread): hands the request to an alarm, or answers at once with the
/// reason it cannot.
fn action(msg: &Msg, peer: &str, from_primary: bool) -> i32 {
    let Some(req) = Req::decode(&msg.param) else {
        eal_log!(RTE_LOG_ERR, "malformed hotplug request from {peer}");
        reply(&Req::new(-1, b""), -libc::EINVAL, peer);
        return 0;
    };
    let task = Box::into_raw(Box::new(Task {
        req: req.clone(),
        peer: peer.to_string(),
        from_primary,
    }));
    if let Err(e) = crate::intr::alarm::set(1, Some(run_task), task.cast()) {
        eal_log!(RTE_LOG_ERR, "failed to add mp task: {}", e.msg);
        // SAFETY: the alarm was not set, so the task is still ours.
        drop(unsafe { Box::from_raw(task) });
        reply(&req, -e.errno, peer);
    }
    0
}

/// The alarm callback: serves one request, then replies.
unsafe extern "C" fn run_task(arg: *mut c_void) {
    // SAFETY: arg is the Box made by `action`, handed over once.
    let task = unsafe { Box::from_raw(arg.cast::<Task>()) };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if task.from_primary {
            serve_primary_request(&task.req)
        } else {
            serve_secondary_request(&task.req)
        }
    }));
    match r {
        Ok((req, result)) => reply(&req, result, &task.peer),
        Err(_) => {
            eal_log!(
                RTE_LOG_ERR,
                "internal error while serving a hotplug request"
            );
            reply(&task.req, -libc::EFAULT, &task.peer);
        }
    }
}

/// The device that the request's device string names, if its bus has it.
fn device_of(s: &CStr) -> std::result::Result<*mut rte_device, c_int> {
    // SAFETY: all-zero is a valid devargs.
    let mut da: rte_devargs = unsafe { std::mem::zeroed() };
    // SAFETY: da is ours.
    let r = unsafe { devargs::parse(&mut da, s) };
    let out = if r != 0 {
        Err(r)
    } else if da.bus.is_null() {
        Err(-libc::ENOENT)
    } else {
        let b = bus::name(Ptr(da.bus));
        match bus::find_by_name(b.to_bytes()) {
            None => {
                eal_log!(RTE_LOG_ERR, "Cannot find bus ({})", b.to_string_lossy());
                Err(-libc::ENOENT)
            }
            Some(b) => {
                let name = CString::new(devargs::name_of(&da)).unwrap_or_default();
                let dev = find_device(b, &name);
                if dev.is_null() {
                    eal_log!(
                        RTE_LOG_ERR,
                        "Cannot find plugged device ({})",
                        name.to_string_lossy()
                    );
                    Err(-libc::ENOENT)
                } else {
                    Ok(dev)
                }
            }
        }
    };
    // SAFETY: da's data is ours.
    unsafe { devargs::reset(&mut da) };
    out
}

/// In the primary: a secondary's request, done for every process (DPDK's
/// `__handle_secondary_request`). Returns the request to answer with and the result.
fn serve_secondary_request(req: &Req) -> (Req, c_int) {
    let mut tmp = req.clone();
    match req.t {
        ATTACH => {
            let (r, dev) = local_probe(req.devargs());
            if r != 0 && r != -libc::EEXIST {
                eal_log!(RTE_LOG_ERR, "Failed to hotplug add device on primary");
                return (tmp, r);
            }
            let ret = if request_to_secondaries(&mut tmp) != 0 {
                eal_log!(RTE_LOG_ERR, "Failed to send hotplug request to secondary");
                -libc::ENOMSG
            } else if tmp.result != 0 {
                eal_log!(RTE_LOG_ERR, "Failed to hotplug add device on secondary");
                if tmp.result == -libc::EEXIST {
                    return (tmp.clone(), tmp.result);
                }
                tmp.result
            } else {
                return (tmp, 0);
            };
            tmp.t = ATTACH_ROLLBACK;
            request_to_secondaries(&mut tmp);
            if !dev.is_null() {
                // SAFETY: the live device local_probe found.
                unsafe { local_remove(dev) };
            }
            (tmp, ret)
        }
        DETACH => {
            // SAFETY: all-zero is a valid devargs.
            let mut da: rte_devargs = unsafe { std::mem::zeroed() };
            // SAFETY: da is ours.
            let r = unsafe { devargs::parse(&mut da, req.devargs()) };
            // SAFETY: da's data is ours.
            unsafe { devargs::reset(&mut da) };
            if r != 0 {
                return (tmp, r);
            }
            let ret = if request_to_secondaries(&mut tmp) != 0 {
                eal_log!(RTE_LOG_ERR, "Failed to send hotplug request to secondary");
                -libc::ENOMSG
            } else {
                let dev = match device_of(req.devargs()) {
                    Ok(d) => d,
                    Err(e) => return (tmp, e),
                };
                if tmp.result != 0 && tmp.result != -libc::ENOENT {
                    eal_log!(RTE_LOG_ERR, "Failed to hotplug remove device on secondary");
                    tmp.result
                } else {
                    // SAFETY: the bus's live device.
                    let r = unsafe { local_remove(dev) };
                    if r == 0 || r == -libc::ENOENT {
                        if r != 0 {
                            eal_log!(RTE_LOG_ERR, "Failed to hotplug remove device on primary");
                        }
                        return (tmp, r);
                    }
                    eal_log!(RTE_LOG_ERR, "Failed to hotplug remove device on primary");
                    r
                }
            };
            tmp.t = DETACH_ROLLBACK;
            request_to_secondaries(&mut tmp);
            (tmp, ret)
        }
        _ => {
            eal_log!(RTE_LOG_ERR, "unsupported secondary to primary request");
            (tmp, -libc::ENOTSUP)
        }
    }
}

/// In a secondary: the primary's request for this process (DPDK's `__handle_primary_request`).
fn serve_primary_request(req: &Req) -> (Req, c_int) {
    let r = match req.t {
        ATTACH | DETACH_ROLLBACK => local_probe(req.devargs()).0,
        DETACH | ATTACH_ROLLBACK => match device_of(req.devargs()) {
            Err(e) => e,
            Ok(dev) if !is_probed(dev) => {
                // Nothing to undo is not a failure of a rollback.
                if req.t == ATTACH_ROLLBACK {
                    0
                } else {
                    -libc::ENODEV
                }
            }
            // SAFETY: the bus's live device.
            Ok(dev) => unsafe { local_remove(dev) },
        },
        _ => -libc::EINVAL,
    };
    (req.clone(), r)
}

/// Init step "eal_mp_dev_hotplug_init": registers the action. A primary without IPC does
/// without; a secondary cannot.
pub fn init(primary: bool) -> Result<()> {
    let r = if primary {
        mp::register_action(
            ACTION,
            std::sync::Arc::new(|m: &Msg, p: &str| action(m, p, false)),
        )
    } else {
        mp::register_action(
            ACTION,
            std::sync::Arc::new(|m: &Msg, p: &str| action(m, p, true)),
        )
    };
    match r {
        Ok(()) => Ok(()),
        Err(e) if primary && e.errno == libc::ENOTSUP => Ok(()),
        Err(e) => Err(err!(
            e.errno,
            "Couldn't register '{ACTION}' action: {}",
            e.msg
        )),
    }
}

/// Cleanup step "eal_mp_dev_hotplug_cleanup".
pub fn cleanup() {
    mp::unregister_action(ACTION);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dev::testbus;

    #[test]
    fn request_layout_is_dpdks() {
        let r = Req::new(DETACH, b"vdev:net_null0,");
        let b = r.encode();
        assert_eq!(b.len(), 136);
        assert_eq!(&b[0..4], &1i32.to_ne_bytes());
        assert_eq!(&b[4..19], b"vdev:net_null0,");
        assert_eq!(b[19], 0);
        let back = Req::decode(&b).unwrap();
        assert_eq!(back.devargs(), c"vdev:net_null0,");
        assert!(Req::decode(&b[..100]).is_none());
        // Too long: cut to 127 bytes and a NUL.
        let long = Req::new(ATTACH, &[b'x'; 300]);
        assert_eq!(long.devargs().to_bytes().len(), 127);
    }

    #[test]
    fn probe_and_remove_a_device_without_other_processes() {
        let _g = testbus::lock();
        testbus::setup();
        assert_eq!(probe(c"tnull-hp0,k=v"), 0);
        let dev = testbus::find("tnull-hp0");
        assert!(is_probed(dev));
        // Probing it again: the bus says EEXIST, which the primary passes on to the others
        // (none here) and then reports success, as DPDK does.
        assert_eq!(local_probe(c"tnull-hp0"), (-libc::EEXIST, dev));
        assert_eq!(probe(c"tnull-hp0"), 0);
        assert_eq!(testbus::find("tnull-hp0"), dev, "still the same device");
        assert_eq!(
            hotplug_add(c"tvdev", c"tnull-hp1", c"").unwrap(),
            0,
            "bus:dev,args"
        );
        assert_eq!(hotplug_remove(c"tvdev", c"tnull-hp1"), 0);
        assert!(testbus::find("tnull-hp1").is_null());
        assert_eq!(hotplug_remove(c"nobus", c"x"), -libc::ENOENT);
        assert_eq!(hotplug_remove(c"tvdev", c"nodev"), -libc::EINVAL);
        // SAFETY: dev is the live device probed above.
        assert_eq!(unsafe { remove(dev) }, 0);
        assert!(testbus::find("tnull-hp0").is_null());
        // No bus takes it; a bus without plug; a driver that fails (nothing is left behind).
        assert_eq!(probe(c"nosuch0"), -libc::EFAULT);
        assert_eq!(probe(c"0000:00:01.0"), -libc::ENOTSUP);
        assert_eq!(probe(c"tring-hp2"), -libc::EIO);
        let listed = devargs::next(Some(c"tvdev"), std::ptr::null()).unwrap();
        let mut p = listed;
        while !p.is_null() {
            // SAFETY: listed devargs are live.
            let n = devargs::name_of(unsafe { &*p }).to_vec();
            assert!(
                !n.starts_with(b"tnull-hp"),
                "{}",
                String::from_utf8_lossy(&n)
            );
            p = devargs::next(Some(c"tvdev"), p).unwrap();
        }
    }
}
