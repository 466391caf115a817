//! Interrupt, epoll and alarm types of DPDK 22.11 (`rte_interrupts.h`, `rte_epoll.h`,
//! `rte_alarm.h`, and the private `eal_interrupts.h`).
//!
//! `rte_epoll_data` and `rte_epoll_event` are public: C code embeds them and reads their fields,
//! so they have DPDK's layout (asserted below, and checked against DPDK's headers by
//! `c-tests/layout.c`). `rte_intr_handle` is opaque to C callers in 22.11 (they use the
//! `rte_intr_*` accessors); rtemem still gives it the layout of DPDK's private definition, 64
//! bytes, so that a handle looks the same in a debugger and in shared memory.
//!
//! The enum values (`RTE_INTR_HANDLE_*`, `RTE_EPOLL_*`) and `#define`s of those headers are
//! declared for C by hand in the DPDK-named headers; the Rust copies here are `pub(crate)`, so
//! cbindgen does not turn them into `#define`s that would clash with the C enums.

#![allow(non_camel_case_types)]

use std::ffi::{c_int, c_void};
use std::mem::{offset_of, size_of};

/// `typedef void (*rte_intr_callback_fn)(void *cb_arg)`: an interrupt callback.
pub type rte_intr_callback_fn = Option<unsafe extern "C" fn(cb_arg: *mut c_void)>;

/// `typedef void (*rte_intr_unregister_callback_fn)(struct rte_intr_handle *, void *cb_arg)`:
/// called when a callback marked by `rte_intr_callback_unregister_pending` is removed.
pub type rte_intr_unregister_callback_fn =
    Option<unsafe extern "C" fn(intr_handle: *mut rte_intr_handle, cb_arg: *mut c_void)>;

/// `typedef void (*rte_eal_alarm_callback)(void *arg)`: an alarm callback.
pub type rte_eal_alarm_callback = Option<unsafe extern "C" fn(arg: *mut c_void)>;

/// `typedef void (*rte_intr_event_cb_t)(int fd, void *arg)`: run by `rte_epoll_wait` for each
/// ready event that has one.
pub type rte_intr_event_cb_t = Option<unsafe extern "C" fn(fd: c_int, arg: *mut c_void)>;

/// What an epoll event carries (`struct rte_epoll_data`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct rte_epoll_data {
    /// Event mask: in for `rte_epoll_ctl`, the ready events out of `rte_epoll_wait`.
    pub event: u32,
    /// User data, handed back by `rte_epoll_wait`.
    pub data: *mut c_void,
    /// Run by `rte_epoll_wait` when the event is ready (may be NULL).
    pub cb_fun: rte_intr_event_cb_t,
    /// Argument of `cb_fun`.
    pub cb_arg: *mut c_void,
}

/// An epoll registration (`struct rte_epoll_event`). `status` is RTE_EPOLL_INVALID (not
/// registered), RTE_EPOLL_VALID (registered) or RTE_EPOLL_EXEC (its callback runs now); it is
/// changed atomically by `rte_epoll_ctl` and `rte_epoll_wait`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct rte_epoll_event {
    /// RTE_EPOLL_INVALID, _VALID or _EXEC.
    pub status: u32,
    /// The registered descriptor.
    pub fd: c_int,
    /// The epoll instance it is registered with.
    pub epfd: c_int,
    /// What the event carries.
    pub epdata: rte_epoll_data,
}

/// The two descriptors of a handle, or (on Windows) a driver handle in the same bytes.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
pub struct IntrHandleFds {
    /// VFIO/UIO device (config) descriptor.
    pub dev_fd: c_int,
    /// Interrupt event descriptor.
    pub fd: c_int,
}

/// The first 8 bytes of a handle: two descriptors, or a Windows handle over both.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
pub union IntrHandleIds {
    pub fds: IntrHandleFds,
    pub windows_handle: *mut c_void,
}

/// An interrupt instance (`struct rte_intr_handle`, private to DPDK's EAL; opaque in C).
///
/// Allocated by `rte_intr_instance_alloc` only: in C memory (PRIVATE) or in `rte_malloc`
/// memory (SHARED), with `efds`/`elist` (`nb_intr` entries) and `intr_vec` (`vec_list_size`
/// entries) in the same kind of memory. Declared for C as an incomplete struct.
/// cbindgen:ignore
#[repr(C)]
pub struct rte_intr_handle {
    pub ids: IntrHandleIds,
    /// RTE_INTR_INSTANCE_F_* given at allocation.
    pub alloc_flags: u32,
    /// `enum rte_intr_handle_type`, kept as the int C stored (any value).
    pub type_: c_int,
    /// Largest interrupt vector id in use.
    pub max_intr: u32,
    /// Event fds in use.
    pub nb_efd: u32,
    /// Bytes to read from a VDEV event fd.
    pub efd_counter_size: u8,
    /// Entries of `efds` and `elist`.
    pub nb_intr: u16,
    /// Event fd of each Rx/Tx vector.
    pub efds: *mut c_int,
    /// Epoll registration of each Rx/Tx vector.
    pub elist: *mut rte_epoll_event,
    /// Entries of `intr_vec`.
    pub vec_list_size: u16,
    /// Queue -> vector map.
    pub intr_vec: *mut c_int,
}

const _: () = {
    assert!(size_of::<rte_epoll_data>() == 32);
    assert!(offset_of!(rte_epoll_data, data) == 8);
    assert!(offset_of!(rte_epoll_data, cb_fun) == 16);
    assert!(offset_of!(rte_epoll_data, cb_arg) == 24);
    assert!(size_of::<rte_epoll_event>() == 48);
    assert!(offset_of!(rte_epoll_event, fd) == 4);
    assert!(offset_of!(rte_epoll_event, epfd) == 8);
    assert!(offset_of!(rte_epoll_event, epdata) == 16);
    assert!(size_of::<rte_intr_handle>() == 64);
    assert!(offset_of!(rte_intr_handle, alloc_flags) == 8);
    assert!(offset_of!(rte_intr_handle, type_) == 12);
    assert!(offset_of!(rte_intr_handle, max_intr) == 16);
    assert!(offset_of!(rte_intr_handle, nb_efd) == 20);
    assert!(offset_of!(rte_intr_handle, efd_counter_size) == 24);
    assert!(offset_of!(rte_intr_handle, nb_intr) == 26);
    assert!(offset_of!(rte_intr_handle, efds) == 32);
    assert!(offset_of!(rte_intr_handle, elist) == 40);
    assert!(offset_of!(rte_intr_handle, vec_list_size) == 48);
    assert!(offset_of!(rte_intr_handle, intr_vec) == 56);
};

// ---- rte_interrupts.h ----------------------------------------------------------------------

/// RTE_INTR_INSTANCE_F_PRIVATE: the instance lives in this process's C memory.
pub(crate) const RTE_INTR_INSTANCE_F_PRIVATE: u32 = 0;
/// RTE_INTR_INSTANCE_F_SHARED: the instance lives in `rte_malloc` memory, readable by every
/// process of the prefix.
pub(crate) const RTE_INTR_INSTANCE_F_SHARED: u32 = 1 << 0;
/// RTE_MAX_RXTX_INTR_VEC_ID: Rx/Tx vectors of an instance (entries of `efds`, `elist`).
pub(crate) const RTE_MAX_RXTX_INTR_VEC_ID: usize = 512;
/// RTE_INTR_VEC_ZERO_OFFSET: vector 0 is the device's own (non-queue) interrupt.
pub(crate) const RTE_INTR_VEC_ZERO_OFFSET: usize = 0;
/// RTE_INTR_VEC_RXTX_OFFSET: the first Rx/Tx vector.
pub(crate) const RTE_INTR_VEC_RXTX_OFFSET: u32 = 1;

/// `enum rte_intr_handle_type` values.
#[allow(dead_code)]
pub(crate) const RTE_INTR_HANDLE_UNKNOWN: c_int = 0;
pub(crate) const RTE_INTR_HANDLE_UIO: c_int = 1;
pub(crate) const RTE_INTR_HANDLE_UIO_INTX: c_int = 2;
pub(crate) const RTE_INTR_HANDLE_VFIO_LEGACY: c_int = 3;
pub(crate) const RTE_INTR_HANDLE_VFIO_MSI: c_int = 4;
pub(crate) const RTE_INTR_HANDLE_VFIO_MSIX: c_int = 5;
pub(crate) const RTE_INTR_HANDLE_ALARM: c_int = 6;
pub(crate) const RTE_INTR_HANDLE_EXT: c_int = 7;
pub(crate) const RTE_INTR_HANDLE_VDEV: c_int = 8;
pub(crate) const RTE_INTR_HANDLE_DEV_EVENT: c_int = 9;
pub(crate) const RTE_INTR_HANDLE_VFIO_REQ: c_int = 10;

// ---- rte_epoll.h ---------------------------------------------------------------------------

/// `rte_epoll_event.status`: not registered.
pub(crate) const RTE_EPOLL_INVALID: u32 = 0;
/// `rte_epoll_event.status`: registered.
pub(crate) const RTE_EPOLL_VALID: u32 = 1;
/// `rte_epoll_event.status`: its callback runs now.
pub(crate) const RTE_EPOLL_EXEC: u32 = 2;
/// RTE_EPOLL_PER_THREAD: "the calling thread's own epoll instance" for an `epfd` argument.
pub(crate) const RTE_EPOLL_PER_THREAD: c_int = -1;
/// RTE_INTR_EVENT_ADD: `rte_intr_rx_ctl` adds a vector's event fd to an epoll instance.
pub(crate) const RTE_INTR_EVENT_ADD: c_int = 1;
/// RTE_INTR_EVENT_DEL: `rte_intr_rx_ctl` removes it.
pub(crate) const RTE_INTR_EVENT_DEL: c_int = 2;
