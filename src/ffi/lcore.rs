//! C API of `rte_lcore.h` and `rte_launch.h`: lcore queries, remote launch, non-EAL thread
//! registration, lcore callbacks, thread names and control threads.
//!
//! Functions whose DPDK prototypes use an enum (`enum rte_lcore_role_t`,
//! `enum rte_lcore_state_t`, `enum rte_rmt_call_main_t`) or `rte_cpuset_t`/`pthread_attr_t`
//! are hidden from cbindgen and declared by hand in `include/rte_lcore.h` / `rte_launch.h`.
//! Out-of-range lcore ids never index memory: they get the answer DPDK gives for a lcore that
//! is off (or an error where DPDK would read out of bounds).
#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};

use crate::base::lcore::{self, LcoreFn, CALL_MAIN, ROLE_OFF, SKIP_MAIN, WAIT};

/// `rte_lcore_init_cb`: called for each lcore when a callback is registered and when a
/// non-EAL thread gets a lcore id; a non-zero return refuses the lcore.
pub type rte_lcore_init_cb =
    Option<unsafe extern "C" fn(lcore_id: c_uint, arg: *mut c_void) -> c_int>;
/// `rte_lcore_uninit_cb`: called when a callback is unregistered or a lcore released.
pub type rte_lcore_uninit_cb = Option<unsafe extern "C" fn(lcore_id: c_uint, arg: *mut c_void)>;
/// `rte_lcore_iterate_cb`: called for each lcore in use; a non-zero return stops the walk.
pub type rte_lcore_iterate_cb =
    Option<unsafe extern "C" fn(lcore_id: c_uint, arg: *mut c_void) -> c_int>;

/// A launch's result as DPDK returns it: a busy lcore is reported by the return value alone
/// (-EBUSY, no log, `rte_errno` untouched); other errors stay errors (logged, `-errno`).
fn launch_result(r: crate::error::Result<()>) -> crate::error::Result<c_int> {
    match r {
        Ok(()) => Ok(0),
        Err(e) if e.errno == libc::EBUSY => Ok(-libc::EBUSY),
        Err(e) => Err(e),
    }
}

/// Runs `f(arg)` on worker lcore `worker_id`. 0 on success, -EBUSY if the lcore is not in
/// WAIT state, -EINVAL (rte_errno set) for a NULL function or a lcore without a worker thread.
#[no_mangle]
pub extern "C" fn rte_eal_remote_launch(
    f: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    arg: *mut c_void,
    worker_id: c_uint,
) -> c_int {
    ffi_boundary!(Log, "rte_eal_remote_launch", fail = -errno, {
        let r = match f {
            None => Err(crate::err!(libc::EINVAL, "the function to launch is NULL")),
            Some(f) => lcore::global().remote_launch(f, arg, worker_id),
        };
        launch_result(r)
    })
}

/// Runs `f(arg)` on every worker lcore and, with CALL_MAIN, on the caller too. -EBUSY (nothing
/// launched) if a worker is busy.
///
/// # Safety
/// With CALL_MAIN, `f(arg)` is called on the calling thread.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_eal_mp_remote_launch(
    f: Option<LcoreFn>,
    arg: *mut c_void,
    call_main: c_int,
) -> c_int {
    ffi_boundary!(Log, "rte_eal_mp_remote_launch", fail = -errno, {
        let r = match (f, call_main) {
            (None, _) => Err(crate::err!(libc::EINVAL, "the function to launch is NULL")),
            (Some(_), c) if c != SKIP_MAIN && c != CALL_MAIN => Err(crate::err!(
                libc::EINVAL,
                "call_main is {c}, neither SKIP_MAIN nor CALL_MAIN"
            )),
            (Some(f), c) => {
                // SAFETY: the caller guarantees that f(arg) may run on every lcore, this one included.
                unsafe { lcore::global().mp_remote_launch(f, arg, c == CALL_MAIN) }
            }
        };
        launch_result(r)
    })
}

/// Waits until lcore `worker_id` is in WAIT state; returns its last function's return value.
#[no_mangle]
pub extern "C" fn rte_eal_wait_lcore(worker_id: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_eal_wait_lcore", fail = -libc::EFAULT, {
        Ok(lcore::global().wait_lcore(worker_id))
    })
}

/// Waits for every worker lcore.
#[no_mangle]
pub extern "C" fn rte_eal_mp_wait_lcore() {
    ffi_boundary!(Log, "rte_eal_mp_wait_lcore", {
        lcore::global().mp_wait_lcore();
        Ok(())
    })
}

/// The state (WAIT or RUNNING) of lcore `worker_id`.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_eal_get_lcore_state(worker_id: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_eal_get_lcore_state", fail = WAIT, {
        Ok(lcore::global().lcore_state(worker_id))
    })
}

/// Number of lcores in use (EAL lcores and registered non-EAL threads).
#[no_mangle]
pub extern "C" fn rte_lcore_count() -> c_uint {
    ffi_boundary!(Log, "rte_lcore_count", { Ok(lcore::global().count()) })
}

/// Position of `lcore_id` among the EAL lcores (the caller's lcore if negative), -1 if none.
#[no_mangle]
pub extern "C" fn rte_lcore_index(lcore_id: c_int) -> c_int {
    ffi_boundary!(Log, "rte_lcore_index", {
        Ok(lcore::global().index(lcore_id))
    })
}

/// 1 if `lcore_id` is an EAL lcore (ROLE_RTE), else 0.
#[no_mangle]
pub extern "C" fn rte_lcore_is_enabled(lcore_id: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_lcore_is_enabled", fail = 0, {
        Ok(lcore::global().is_enabled(lcore_id) as c_int)
    })
}

/// The main lcore's id.
#[no_mangle]
pub extern "C" fn rte_get_main_lcore() -> c_uint {
    ffi_boundary!(Log, "rte_get_main_lcore", { Ok(lcore::global().main()) })
}

/// The next enabled lcore after `i` (optionally skipping the main lcore, optionally wrapping);
/// RTE_MAX_LCORE when there is none.
#[no_mangle]
pub extern "C" fn rte_get_next_lcore(i: c_uint, skip_main: c_int, wrap: c_int) -> c_uint {
    ffi_boundary!(
        Log,
        "rte_get_next_lcore",
        fail = crate::options::RTE_MAX_LCORE as c_uint,
        { Ok(lcore::global().next(i, skip_main != 0, wrap != 0)) }
    )
}

/// The socket of lcore `lcore_id`.
#[no_mangle]
pub extern "C" fn rte_lcore_to_socket_id(lcore_id: c_uint) -> c_uint {
    ffi_boundary!(
        Log,
        "rte_lcore_to_socket_id",
        fail = lcore::SOCKET_ID_ANY_U,
        { Ok(lcore::global().socket_of(lcore_id)) }
    )
}

/// The CPU (core) id of `lcore_id` (the caller's lcore if negative), -1 if none.
#[no_mangle]
pub extern "C" fn rte_lcore_to_cpu_id(lcore_id: c_int) -> c_int {
    ffi_boundary!(Log, "rte_lcore_to_cpu_id", {
        Ok(lcore::global().cpu_id(lcore_id))
    })
}

/// 1 if `lcore_id` has `role`, else 0.
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_lcore_has_role(lcore_id: c_uint, role: c_int) -> c_int {
    ffi_boundary!(Log, "rte_lcore_has_role", fail = 0, {
        Ok(lcore::global().has_role(lcore_id, role) as c_int)
    })
}

/// The role of `lcore_id` (ROLE_OFF when out of range).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_eal_lcore_role(lcore_id: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_eal_lcore_role", fail = ROLE_OFF, {
        Ok(lcore::global().role(lcore_id))
    })
}

/// The CPU set of `lcore_id` (empty when out of range).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_lcore_cpuset(lcore_id: c_uint) -> libc::cpu_set_t {
    ffi_boundary!(
        Log,
        "rte_lcore_cpuset",
        fail = lcore::CpuSet::default().to_libc(),
        { Ok(lcore::global().cpuset(lcore_id).to_libc()) }
    )
}

/// The calling thread's socket; SOCKET_ID_ANY (as unsigned) for threads EAL does not know.
#[no_mangle]
pub extern "C" fn rte_socket_id() -> c_uint {
    ffi_boundary!(Log, "rte_socket_id", fail = lcore::SOCKET_ID_ANY_U, {
        Ok(lcore::current_socket())
    })
}

/// Number of sockets DPDK lists.
#[no_mangle]
pub extern "C" fn rte_socket_count() -> c_uint {
    ffi_boundary!(Log, "rte_socket_count", {
        Ok(lcore::global().sockets().len() as c_uint)
    })
}

/// The socket id at position `idx` of the socket list; -1 with rte_errno EINVAL past its end.
#[no_mangle]
pub extern "C" fn rte_socket_id_by_idx(idx: c_uint) -> c_int {
    ffi_boundary!(Log, "rte_socket_id_by_idx", {
        lcore::global().socket_by_idx(idx).map(|s| s as c_int)
    })
}

/// Calls `cb(lcore_id, arg)` for each lcore in use; returns the first non-zero result, or 0.
///
/// # Safety
/// `cb(lcore_id, arg)` may be called.
#[no_mangle]
pub unsafe extern "C" fn rte_lcore_iterate(cb: rte_lcore_iterate_cb, arg: *mut c_void) -> c_int {
    ffi_boundary!(Log, "rte_lcore_iterate", fail = -libc::EINVAL, {
        let cb = cb.ok_or_else(|| crate::err!(libc::EINVAL, "the callback is NULL"))?;
        Ok(lcore::global().iterate(|id| {
            // SAFETY: the caller guarantees `cb(lcore_id, arg)` may be called.
            unsafe { cb(id, arg) }
        }))
    })
}

/// Writes one line per lcore in use to `f`.
///
/// # Safety
/// `f` is NULL or an open stdio stream.
#[no_mangle]
pub unsafe extern "C" fn rte_lcore_dump(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_lcore_dump", {
        if f.is_null() {
            return Err(crate::err!(libc::EINVAL, "the stream is NULL"));
        }
        let text = lcore::global().dump();
        if !text.contains('\0') {
            // SAFETY: `f` is an open stream (caller's guarantee).
            unsafe { crate::sys::fwrite(f, text.as_bytes()) };
        }
        Ok(())
    })
}

/// Registers init/uninit callbacks run for every lcore in use now and later. Returns a handle,
/// or NULL if `name` is NULL or `init` refused a lcore.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_lcore_callback_register(
    name: *const c_char,
    init: rte_lcore_init_cb,
    uninit: rte_lcore_uninit_cb,
    arg: *mut c_void,
) -> *mut c_void {
    ffi_boundary!(Log, "rte_lcore_callback_register", {
        if name.is_null() {
            return Ok(std::ptr::null_mut());
        }
        // SAFETY: non-NULL and NUL-terminated (caller's guarantee).
        let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
        Ok(lcore::global()
            .callback_register(&name, init, uninit, arg)
            .unwrap_or(std::ptr::null_mut()))
    })
}

/// Unregisters a callback (calling its uninit for every lcore in use). NULL is ignored.
#[no_mangle]
pub extern "C" fn rte_lcore_callback_unregister(handle: *mut c_void) {
    ffi_boundary!(Log, "rte_lcore_callback_unregister", {
        if handle.is_null() {
            return Ok(());
        }
        lcore::global().callback_unregister(handle)
    })
}

/// Gives the calling (non-EAL) thread a lcore id with role ROLE_NON_EAL. -1 with rte_errno
/// EINVAL before rte_eal_init or when multi-process is in use, ENOMEM when no id is free.
#[no_mangle]
pub extern "C" fn rte_thread_register() -> c_int {
    ffi_boundary!(Log, "rte_thread_register", {
        if !crate::config::initialized() {
            return Err(crate::err!(
                libc::EINVAL,
                "called before rte_eal_init completed"
            ));
        }
        if !lcore::mp_disable() {
            return Err(crate::err!(
                libc::EINVAL,
                "multi-process is in use; registering non-EAL threads is not supported"
            ));
        }
        lcore::global().register_thread().map(|_| 0)
    })
}

/// Releases the calling thread's lcore id (if it is a registered non-EAL thread) and resets
/// its lcore id to LCORE_ID_ANY.
#[no_mangle]
pub extern "C" fn rte_thread_unregister() {
    ffi_boundary!(Log, "rte_thread_unregister", {
        lcore::global().unregister_thread();
        Ok(())
    })
}

/// The calling thread's kernel thread id.
#[no_mangle]
pub extern "C" fn rte_sys_gettid() -> c_int {
    ffi_boundary!(Log, "rte_sys_gettid", { Ok(crate::sys::gettid()) })
}

/// Names thread `id` (truncated to 15 characters). 0 or a negative errno.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `id` is a live thread of this process.
#[no_mangle]
pub unsafe extern "C" fn rte_thread_setname(id: libc::pthread_t, name: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_thread_setname", fail = -libc::EFAULT, {
        if name.is_null() {
            return Ok(-libc::EINVAL);
        }
        // SAFETY: non-NULL and NUL-terminated (caller's guarantee).
        Ok(-lcore::ctrl::set_thread_name(id, unsafe {
            CStr::from_ptr(name)
        }))
    })
}

/// Copies thread `id`'s name into `name` (`len` bytes). 0 or a negative errno.
///
/// # Safety
/// `name` is NULL or writable for `len` bytes; `id` is a live thread of this process.
#[no_mangle]
pub unsafe extern "C" fn rte_thread_getname(
    id: libc::pthread_t,
    name: *mut c_char,
    len: usize,
) -> c_int {
    ffi_boundary!(Log, "rte_thread_getname", fail = -libc::EFAULT, {
        if name.is_null() {
            return Ok(-libc::EINVAL);
        }
        // SAFETY: `name` is writable for `len` bytes and `id` a live thread (caller's guarantee).
        Ok(-unsafe { crate::sys::pthread_getname(id, name, len) })
    })
}

/// Creates a control thread named `name`, pinned to the CPUs no lcore uses. 0 or a negative
/// errno.
///
/// # Safety
/// `thread` is writable; `name` is NULL or NUL-terminated; `attr` is NULL or initialised;
/// `start_routine(arg)` may run on a new thread.
/// cbindgen:ignore
#[no_mangle]
pub unsafe extern "C" fn rte_ctrl_thread_create(
    thread: *mut libc::pthread_t,
    name: *const c_char,
    attr: *const libc::pthread_attr_t,
    start_routine: Option<lcore::ctrl::StartFn>,
    arg: *mut c_void,
) -> c_int {
    ffi_boundary!(Log, "rte_ctrl_thread_create", fail = -errno, {
        let (Some(f), false) = (start_routine, thread.is_null()) else {
            return Err(crate::err!(libc::EINVAL, "thread or start_routine is NULL"));
        };
        // SAFETY: NULL or NUL-terminated (caller's guarantee).
        let name = (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) });
        // SAFETY: the caller's guarantees are those of `ctrl::create`.
        Ok(-unsafe { lcore::ctrl::create(thread, name, attr, f, arg) })
    })
}

/// Pins the calling thread to `*cpusetp` and records it (socket, and the lcore's CPU set if
/// the thread is a lcore). 0, or -1 if the kernel refused.
///
/// # Safety
/// `cpusetp` is NULL or points to a valid CPU set.
#[no_mangle]
pub unsafe extern "C" fn rte_thread_set_affinity(cpusetp: *mut libc::cpu_set_t) -> c_int {
    ffi_boundary!(Log, "rte_thread_set_affinity", {
        if cpusetp.is_null() {
            return Err(crate::err!(libc::EINVAL, "cpusetp is NULL"));
        }
        // SAFETY: valid CPU set (caller's guarantee).
        let set = lcore::CpuSet::from_libc(unsafe { &*cpusetp });
        lcore::cpuset::set_current_thread_affinity(&set)?;
        lcore::global().thread_init(lcore::current_lcore(), &set);
        Ok(0)
    })
}

/// Copies the CPU set EAL recorded for the calling thread into `*cpusetp` (empty if none).
///
/// # Safety
/// `cpusetp` is NULL or points to a writable CPU set.
#[no_mangle]
pub unsafe extern "C" fn rte_thread_get_affinity(cpusetp: *mut libc::cpu_set_t) {
    ffi_boundary!(Log, "rte_thread_get_affinity", {
        if cpusetp.is_null() {
            return Err(crate::err!(libc::EINVAL, "cpusetp is NULL"));
        }
        let set = lcore::current_thread_cpuset().unwrap_or_default();
        // SAFETY: writable CPU set (caller's guarantee).
        unsafe { *cpusetp = set.to_libc() };
        Ok(())
    })
}
