//! `rte_service.h` and `rte_service_component.h`: the service specification a component
//! registers, and the service API's constants.

use std::ffi::{c_char, c_int, c_void};
use std::mem::{offset_of, size_of};

/// Longest service name, NUL included (RTE_SERVICE_NAME_MAX).
pub const RTE_SERVICE_NAME_MAX: usize = 32;
/// Capability: the callback may run on several lcores at once (RTE_SERVICE_CAP_MT_SAFE).
pub const RTE_SERVICE_CAP_MT_SAFE: u32 = 1;
/// `rte_service_attr_get`: cycles spent in the callback (RTE_SERVICE_ATTR_CYCLES).
pub const RTE_SERVICE_ATTR_CYCLES: u32 = 0;
/// `rte_service_attr_get`: number of callback calls (RTE_SERVICE_ATTR_CALL_COUNT).
pub const RTE_SERVICE_ATTR_CALL_COUNT: u32 = 1;
/// `rte_service_lcore_attr_get`: loops of the service lcore (RTE_SERVICE_LCORE_ATTR_LOOPS).
pub const RTE_SERVICE_LCORE_ATTR_LOOPS: u32 = 0;
/// `rte_service_lcore_attr_get`: cycles spent in callbacks (RTE_SERVICE_LCORE_ATTR_CYCLES).
pub const RTE_SERVICE_LCORE_ATTR_CYCLES: u32 = 1;

/// One iteration of a service (`rte_service_func`).
#[allow(non_camel_case_types)]
pub type rte_service_func = Option<unsafe extern "C" fn(args: *mut c_void) -> i32>;

/// What a component registers (`struct rte_service_spec`).
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy)]
pub struct rte_service_spec {
    /// The service's name, NUL-terminated.
    pub name: [c_char; RTE_SERVICE_NAME_MAX],
    /// Runs one iteration of the service.
    pub callback: rte_service_func,
    /// The argument `callback` gets.
    pub callback_userdata: *mut c_void,
    /// `RTE_SERVICE_CAP_*` flags.
    pub capabilities: u32,
    /// The NUMA socket the service prefers.
    pub socket_id: c_int,
}

const _: () = {
    assert!(size_of::<rte_service_spec>() == 56);
    assert!(offset_of!(rte_service_spec, callback) == 32);
    assert!(offset_of!(rte_service_spec, callback_userdata) == 40);
    assert!(offset_of!(rte_service_spec, capabilities) == 48);
    assert!(offset_of!(rte_service_spec, socket_id) == 52);
};
