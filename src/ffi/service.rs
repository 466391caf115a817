//! C API of `rte_service.h` and `rte_service_component.h`.
//!
//! DPDK reports service errors by the return value alone (`-EINVAL`, `-EALREADY`, ...); these
//! shims return the same values, and, as everywhere in rtemem, log one line saying why and set
//! `rte_errno`. Bad input (an id that is not a registered service, an lcore id out of range, a
//! NULL pointer) is logged at ERR; answers about the current state (already running, busy, not
//! a service lcore for a statistics query, no such name) at DEBUG only, since applications
//! probe for them. The hot calls (`rte_service_run_iter_on_app_lcore`, the runstate and
//! may-be-active queries) allocate nothing on their normal paths.

use std::ffi::{c_char, CStr};

use super::{c_stream, Mode};
use crate::abi::service::rte_service_spec;
use crate::err;
use crate::error::Error;
use crate::service;

/// Quiet for answers about the current state, logged for bad input.
fn mode(e: &Error) -> Mode {
    match e.errno {
        libc::EALREADY | libc::EBUSY | libc::ENODEV | libc::ENOTSUP | libc::ENOEXEC => Mode::Quiet,
        _ => Mode::Log,
    }
}

/// Number of registered services.
#[no_mangle]
pub extern "C" fn rte_service_get_count() -> u32 {
    ffi_boundary!(Log, "rte_service_get_count", {
        Ok(service::global().count())
    })
}

/// Looks a service up by name: 0 and `*service_id` set, -ENODEV if none, -EINVAL for NULL.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `service_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rte_service_get_by_name(name: *const c_char, service_id: *mut u32) -> i32 {
    ffi_boundary!(Per(mode), "rte_service_get_by_name", fail = -errno, {
        if service_id.is_null() {
            return Err(err!(libc::EINVAL, "service_id is NULL"));
        }
        if name.is_null() {
            return Err(err!(libc::EINVAL, "name is NULL"));
        }
        // SAFETY: non-NULL, NUL-terminated by the caller's contract.
        let name = unsafe { CStr::from_ptr(name) }.to_bytes();
        let id = service::global().get_by_name(name)?;
        // SAFETY: checked non-NULL; the caller provides a writable u32.
        unsafe { *service_id = id };
        Ok(0)
    })
}

/// The name of service `id`, NULL if `id` is not a registered service.
#[no_mangle]
pub extern "C" fn rte_service_get_name(id: u32) -> *const c_char {
    ffi_boundary!(Log, "rte_service_get_name", {
        service::global().name_ptr(id)
    })
}

/// 1 if service `id` has `capability`, 0 if not, -EINVAL for an invalid id.
#[no_mangle]
pub extern "C" fn rte_service_probe_capability(id: u32, capability: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_probe_capability", fail = -errno, {
        service::global().probe_capability(id, capability)
    })
}

/// Maps (`enable` != 0) or unmaps service `service_id` on service lcore `lcore`.
#[no_mangle]
pub extern "C" fn rte_service_map_lcore_set(service_id: u32, lcore: u32, enable: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_map_lcore_set", fail = -errno, {
        service::global().map_lcore_set(service_id, lcore, enable > 0)?;
        Ok(0)
    })
}

/// 1 if service `service_id` is mapped to service lcore `lcore`, 0 if not, -EINVAL.
#[no_mangle]
pub extern "C" fn rte_service_map_lcore_get(service_id: u32, lcore: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_map_lcore_get", fail = -errno, {
        service::global().map_lcore_get(service_id, lcore)
    })
}

/// Sets the application runstate of service `id` (running if `runstate` != 0).
#[no_mangle]
pub extern "C" fn rte_service_runstate_set(id: u32, runstate: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_runstate_set", fail = -errno, {
        service::global().runstate_set(id, runstate != 0)?;
        Ok(0)
    })
}

/// 1 if service `id` runs (both runstates on and mapped, or the mapped check off), else 0.
#[no_mangle]
pub extern "C" fn rte_service_runstate_get(id: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_runstate_get", fail = -errno, {
        service::global().runstate_get(id)
    })
}

/// 1 if a service lcore may be running service `id` now, else 0.
#[no_mangle]
pub extern "C" fn rte_service_may_be_active(id: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_may_be_active", fail = -errno, {
        service::global().may_be_active(id)
    })
}

/// Turns the check that a running service is mapped to an lcore on or off. Returns 0, also
/// for an invalid id (as DPDK).
#[no_mangle]
pub extern "C" fn rte_service_set_runstate_mapped_check(id: u32, enable: i32) -> i32 {
    ffi_boundary!(Log, "rte_service_set_runstate_mapped_check", fail = 0, {
        service::global().set_runstate_mapped_check(id, enable != 0)?;
        Ok(0)
    })
}

/// Runs one iteration of service `id` on the calling thread: 0, -ENOEXEC (not running),
/// -EBUSY (an MT-unsafe service busy elsewhere, with `serialize_multithread_unsafe`), -EINVAL.
#[no_mangle]
pub extern "C" fn rte_service_run_iter_on_app_lcore(
    id: u32,
    serialize_multithread_unsafe: u32,
) -> i32 {
    ffi_boundary!(Log, "rte_service_run_iter_on_app_lcore", fail = -errno, {
        service::global().run_iter_on_app_lcore(id, serialize_multithread_unsafe == 1)
    })
}

/// Starts the service loop on service lcore `lcore_id`.
#[no_mangle]
pub extern "C" fn rte_service_lcore_start(lcore_id: u32) -> i32 {
    ffi_boundary!(Per(mode), "rte_service_lcore_start", fail = -errno, {
        service::global().lcore_start(lcore_id)?;
        Ok(0)
    })
}

/// Stops the service loop on `lcore_id` (it ends after its current pass).
#[no_mangle]
pub extern "C" fn rte_service_lcore_stop(lcore_id: u32) -> i32 {
    ffi_boundary!(Per(mode), "rte_service_lcore_stop", fail = -errno, {
        service::global().lcore_stop(lcore_id)?;
        Ok(0)
    })
}

/// 1 while the service loop runs on service lcore `lcore_id`, else 0; -EINVAL.
#[no_mangle]
pub extern "C" fn rte_service_lcore_may_be_active(lcore_id: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_lcore_may_be_active", fail = -errno, {
        service::global().lcore_may_be_active(lcore_id)
    })
}

/// Makes `lcore` a service lcore; returns the return value of what last ran on it.
#[no_mangle]
pub extern "C" fn rte_service_lcore_add(lcore: u32) -> i32 {
    ffi_boundary!(Per(mode), "rte_service_lcore_add", fail = -errno, {
        service::global().lcore_add(lcore)
    })
}

/// Makes a stopped service lcore an ordinary lcore again.
#[no_mangle]
pub extern "C" fn rte_service_lcore_del(lcore: u32) -> i32 {
    ffi_boundary!(Per(mode), "rte_service_lcore_del", fail = -errno, {
        service::global().lcore_del(lcore)?;
        Ok(0)
    })
}

/// Number of service lcores.
#[no_mangle]
pub extern "C" fn rte_service_lcore_count() -> i32 {
    ffi_boundary!(Log, "rte_service_lcore_count", fail = -errno, {
        Ok(service::global().lcore_count())
    })
}

/// Makes every service lcore an ordinary lcore again, unmapped and stopped.
#[no_mangle]
pub extern "C" fn rte_service_lcore_reset_all() -> i32 {
    ffi_boundary!(Log, "rte_service_lcore_reset_all", fail = -errno, {
        service::global().lcore_reset_all();
        Ok(0)
    })
}

/// Turns the statistics of service `id` on or off. Returns 0, also for an invalid id (as
/// DPDK).
#[no_mangle]
pub extern "C" fn rte_service_set_stats_enable(id: u32, enable: i32) -> i32 {
    ffi_boundary!(Log, "rte_service_set_stats_enable", fail = 0, {
        service::global().set_stats_enable(id, enable != 0)?;
        Ok(0)
    })
}

/// Writes the ids of the service lcores to `array` (room for `n`); returns their number,
/// -ENOMEM if they do not fit, -EINVAL for a NULL array.
///
/// # Safety
/// `array` is NULL or points to `n` writable `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn rte_service_lcore_list(array: *mut u32, n: u32) -> i32 {
    ffi_boundary!(Per(mode), "rte_service_lcore_list", fail = -errno, {
        let s = service::global();
        // As DPDK: "does not fit" is checked before the NULL array.
        let count = s.lcore_count();
        if count as u64 > n as u64 {
            return Err(err!(
                libc::ENOMEM,
                "{count} service lcores do not fit in an array of {n}"
            ));
        }
        if array.is_null() {
            return Err(err!(libc::EINVAL, "array is NULL"));
        }
        // SAFETY: non-NULL, and the caller provides n writable entries.
        let out = unsafe { std::slice::from_raw_parts_mut(array, n as usize) };
        s.lcore_list_into(out)
    })
}

/// Number of services mapped to service lcore `lcore`; -ENOTSUP if it is not one, -EINVAL.
#[no_mangle]
pub extern "C" fn rte_service_lcore_count_services(lcore: u32) -> i32 {
    ffi_boundary!(
        Per(mode),
        "rte_service_lcore_count_services",
        fail = -errno,
        { service::global().lcore_count_services(lcore) }
    )
}

/// Writes a summary of service `id` (or, with UINT32_MAX, of every service and service
/// lcore) to `f`.
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_service_dump(f: *mut libc::FILE, id: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_dump", fail = -errno, {
        let mut out = c_stream(f).ok_or_else(|| err!(libc::EINVAL, "the stream is NULL"))?;
        service::global().dump(&mut out, id)?;
        Ok(0)
    })
}

/// Reads attribute `attr_id` (RTE_SERVICE_ATTR_*) of service `id` into `*attr_value`.
///
/// # Safety
/// `attr_value` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rte_service_attr_get(id: u32, attr_id: u32, attr_value: *mut u64) -> i32 {
    ffi_boundary!(Log, "rte_service_attr_get", fail = -errno, {
        if attr_value.is_null() {
            return Err(err!(libc::EINVAL, "attr_value is NULL"));
        }
        let v = service::global().attr_get(id, attr_id)?;
        // SAFETY: checked non-NULL; the caller provides a writable u64.
        unsafe { *attr_value = v };
        Ok(0)
    })
}

/// Zeroes the statistics of service `id`.
#[no_mangle]
pub extern "C" fn rte_service_attr_reset_all(id: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_attr_reset_all", fail = -errno, {
        service::global().attr_reset_all(id)?;
        Ok(0)
    })
}

/// Reads attribute `attr_id` (RTE_SERVICE_LCORE_ATTR_*) of service lcore `lcore` into
/// `*attr_value`; -ENOTSUP if it is not a service lcore.
///
/// # Safety
/// `attr_value` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rte_service_lcore_attr_get(
    lcore: u32,
    attr_id: u32,
    attr_value: *mut u64,
) -> i32 {
    ffi_boundary!(Per(mode), "rte_service_lcore_attr_get", fail = -errno, {
        if attr_value.is_null() {
            return Err(err!(libc::EINVAL, "attr_value is NULL"));
        }
        let v = service::global().lcore_attr_get(lcore, attr_id)?;
        // SAFETY: checked non-NULL; the caller provides a writable u64.
        unsafe { *attr_value = v };
        Ok(0)
    })
}

/// Zeroes the loop count of service lcore `lcore`.
#[no_mangle]
pub extern "C" fn rte_service_lcore_attr_reset_all(lcore: u32) -> i32 {
    ffi_boundary!(
        Per(mode),
        "rte_service_lcore_attr_reset_all",
        fail = -errno,
        {
            service::global().lcore_attr_reset_all(lcore)?;
            Ok(0)
        }
    )
}

/// Registers a service: 0 and `*service_id` set (if not NULL); -EINVAL for a NULL callback or
/// an empty name, -ENOSPC when every slot is taken.
///
/// # Safety
/// `spec` is NULL or points to a `struct rte_service_spec`; `service_id` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rte_service_component_register(
    spec: *const rte_service_spec,
    service_id: *mut u32,
) -> i32 {
    ffi_boundary!(Log, "rte_service_component_register", fail = -errno, {
        if spec.is_null() {
            return Err(err!(libc::EINVAL, "spec is NULL"));
        }
        // SAFETY: non-NULL and, by contract, a valid spec (copied, not kept).
        let spec = unsafe { *spec };
        let id = service::global().register(&spec)?;
        if !service_id.is_null() {
            // SAFETY: non-NULL and writable by contract.
            unsafe { *service_id = id };
        }
        Ok(0)
    })
}

/// Unregisters service `id`, unmapping it from every lcore.
#[no_mangle]
pub extern "C" fn rte_service_component_unregister(id: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_component_unregister", fail = -errno, {
        service::global().unregister(id)?;
        Ok(0)
    })
}

/// Starts every service lcore and maps the services to them: 0, -ENOTSUP without service
/// lcores.
#[no_mangle]
pub extern "C" fn rte_service_start_with_defaults() -> i32 {
    ffi_boundary!(
        Per(mode),
        "rte_service_start_with_defaults",
        fail = -errno,
        {
            service::global().start_with_defaults()?;
            Ok(0)
        }
    )
}

/// Sets the component runstate of service `id` (running if `runstate` != 0).
#[no_mangle]
pub extern "C" fn rte_service_component_runstate_set(id: u32, runstate: u32) -> i32 {
    ffi_boundary!(Log, "rte_service_component_runstate_set", fail = -errno, {
        service::global().component_runstate_set(id, runstate != 0)?;
        Ok(0)
    })
}

/// Stops the service lcores, waits for them and forgets every service (`rte_eal_cleanup`
/// calls it first).
#[no_mangle]
pub extern "C" fn rte_service_finalize() {
    ffi_boundary!(Log, "rte_service_finalize", {
        service::finalize();
        Ok(())
    })
}
