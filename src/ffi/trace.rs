//! Trace points: DPDK 22.11's `rte_trace_point.h` entry points, present so that programs and
//! DPDK libraries (librte_mempool, librte_ring, ...) that define trace points load and run.
//!
//! rtemem does not record traces. A trace point is a `rte_trace_point_t` (a `u64` whose bit 63
//! means "enabled"); DPDK's inline emit code reads that word and records nothing while the bit
//! is clear. rtemem never sets it: registration (`__rte_trace_point_register`, called from
//! library constructors before `main`) is remembered by name, but the `register_fn` that would
//! describe the fields is not called and no point is ever enabled. `rte_trace_point_lookup`
//! finds nothing and `rte_trace_is_enabled` is false, so nothing can turn tracing on.
//!
//! The EAL's own trace point objects (`__rte_eal_trace_*`) are exported as zero words because
//! DPDK's headers name them.
//!
//! Locking: the registry of names is a process-private `Mutex<Vec<..>>`; it holds no shared
//! state (trace points are per process in DPDK too).

use std::ffi::{c_char, c_int, CStr};
use std::sync::Mutex;

use crate::error::Error;

/// Names of the trace points registered in this process.
static REGISTERED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records `name` as registered; a second registration of one name is refused, as in DPDK.
pub(crate) fn register_name(name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::new(libc::EINVAL, "trace point name is empty"));
    }
    let mut reg = REGISTERED.lock().unwrap_or_else(|p| p.into_inner());
    if reg.iter().any(|n| n == name) {
        return Err(Error::new(
            libc::EEXIST,
            format!("trace point {name} is already registered"),
        ));
    }
    reg.push(name.to_owned());
    Ok(())
}

/// Registers trace point `trace` under `name`. Returns 0; -EINVAL for NULL arguments;
/// -EEXIST for a name registered before. The point stays disabled and `register_fn` is not
/// called.
///
/// # Safety
/// `trace` is NULL or points to a `rte_trace_point_t`; `name` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn __rte_trace_point_register(
    trace: *mut u64,
    name: *const c_char,
    register_fn: Option<unsafe extern "C" fn()>,
) -> c_int {
    let _ = register_fn;
    ffi_boundary!(Log, "__rte_trace_point_register", fail = -errno, {
        if trace.is_null() {
            return Err(Error::new(libc::EINVAL, "trace is NULL"));
        }
        // SAFETY: caller's guarantee on name.
        let name = unsafe { super::cstr(name, "name") }?;
        register_name(name)?;
        Ok(0)
    })
}

/// Would allocate this thread's trace buffer; rtemem records no traces, so it does nothing.
#[no_mangle]
pub extern "C" fn __rte_trace_mem_per_thread_alloc() {}

/// Would describe one field of the trace point being registered; nothing to record.
#[no_mangle]
pub extern "C" fn __rte_trace_point_emit_field(
    sz: usize,
    field: *const c_char,
    type_: *const c_char,
) {
    let _ = (sz, field, type_);
}

/// The handle of a registered trace point for enabling it; rtemem never enables one, so NULL.
///
/// # Safety
/// `name` is NULL or NUL-terminated (it is not read).
#[no_mangle]
pub unsafe extern "C" fn rte_trace_point_lookup(name: *const c_char) -> *mut u64 {
    ffi_boundary!(Log, "rte_trace_point_lookup", {
        if !name.is_null() {
            // SAFETY: non-NULL name is NUL-terminated (caller's guarantee).
            let n = unsafe { CStr::from_ptr(name) }.to_string_lossy();
            crate::eal_log!(
                crate::base::log::RTE_LOG_DEBUG,
                "trace point {n}: tracing is not supported by rtemem"
            );
        }
        Ok(std::ptr::null_mut())
    })
}

/// Whether any trace point is enabled: never.
#[no_mangle]
pub extern "C" fn rte_trace_is_enabled() -> bool {
    false
}

/// Exports the EAL's trace point objects as zero (disabled) words.
macro_rules! eal_trace_points {
    ($($name:ident),* $(,)?) => {
        $(
            #[doc = "An EAL trace point object; always 0 (disabled)."]
            #[no_mangle]
            #[allow(non_upper_case_globals)]
            pub static mut $name: u64 = 0;
        )*
    };
}

eal_trace_points!(
    __rte_eal_trace_alarm_cancel,
    __rte_eal_trace_alarm_set,
    __rte_eal_trace_generic_double,
    __rte_eal_trace_generic_float,
    __rte_eal_trace_generic_func,
    __rte_eal_trace_generic_i16,
    __rte_eal_trace_generic_i32,
    __rte_eal_trace_generic_i64,
    __rte_eal_trace_generic_i8,
    __rte_eal_trace_generic_int,
    __rte_eal_trace_generic_long,
    __rte_eal_trace_generic_ptr,
    __rte_eal_trace_generic_size_t,
    __rte_eal_trace_generic_str,
    __rte_eal_trace_generic_u16,
    __rte_eal_trace_generic_u32,
    __rte_eal_trace_generic_u64,
    __rte_eal_trace_generic_u8,
    __rte_eal_trace_generic_void,
    __rte_eal_trace_intr_callback_register,
    __rte_eal_trace_intr_callback_unregister,
    __rte_eal_trace_intr_disable,
    __rte_eal_trace_intr_enable,
    __rte_eal_trace_mem_free,
    __rte_eal_trace_mem_malloc,
    __rte_eal_trace_mem_realloc,
    __rte_eal_trace_mem_zmalloc,
    __rte_eal_trace_memzone_free,
    __rte_eal_trace_memzone_lookup,
    __rte_eal_trace_memzone_reserve,
    __rte_eal_trace_thread_lcore_ready,
    __rte_eal_trace_thread_remote_launch,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_is_remembered_and_duplicates_refused() {
        let mut tp = 0u64;
        // SAFETY: tp is a live u64; the name is a literal.
        let rc = unsafe { __rte_trace_point_register(&mut tp, c"test.tp.a".as_ptr(), None) };
        assert_eq!(rc, 0);
        // SAFETY: as above.
        let rc = unsafe { __rte_trace_point_register(&mut tp, c"test.tp.a".as_ptr(), None) };
        assert_eq!(rc, -libc::EEXIST);
        assert_eq!(tp, 0, "registration never enables a trace point");
    }

    #[test]
    fn registration_with_null_arguments_fails_with_einval() {
        // SAFETY: NULL trace is checked before use.
        let rc = unsafe { __rte_trace_point_register(std::ptr::null_mut(), c"x".as_ptr(), None) };
        assert_eq!(rc, -libc::EINVAL);
        let mut tp = 0u64;
        // SAFETY: NULL name is checked before use.
        let rc = unsafe { __rte_trace_point_register(&mut tp, std::ptr::null(), None) };
        assert_eq!(rc, -libc::EINVAL);
    }

    #[test]
    fn lookup_finds_nothing_and_tracing_is_off() {
        // SAFETY: literal name.
        assert!(unsafe { rte_trace_point_lookup(c"test.tp.a".as_ptr()) }.is_null());
        assert!(!rte_trace_is_enabled());
    }
}
