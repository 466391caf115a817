//! DPDK 22.11 (ABI 23) public struct layouts that C callers read directly.
//!
//! Every struct here has DPDK's size and field offsets, asserted at compile time below and
//! checked in C against DPDK's own headers by the layout test. Layers use these types for the
//! objects they hand to C; nothing here has behaviour beyond plain data access.
//!
//! [`shared`] holds rtemem's own shared layouts: the areas of the shared config that layers
//! above it own.

pub mod dev;
pub mod intr;
pub mod service;
pub mod shared;

use std::ffi::{c_char, c_int, c_uint, c_void};
use std::mem::{offset_of, size_of};

/// Length of an `rte_fbarray` name, NUL included (RTE_FBARRAY_NAME_LEN).
pub const RTE_FBARRAY_NAME_LEN: usize = 64;

/// DPDK's reader-writer lock word (`rte_rwlock_t`). Readers add 4; bit 0 is the writer,
/// bit 1 a waiting writer. Declared for C by hand in `rtemem_types.h`.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug, Default)]
pub struct rte_rwlock_t {
    pub cnt: i32,
}

/// A file-backed indexed array with a used-mask (`struct rte_fbarray`).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_fbarray {
    /// Name, NUL-terminated.
    pub name: [c_char; RTE_FBARRAY_NAME_LEN],
    /// Number of used entries.
    pub count: u32,
    /// Number of entries.
    pub len: u32,
    /// Size of one entry.
    pub elt_sz: u32,
    /// Entries, followed by the used-mask.
    pub data: *mut libc::c_void,
    /// Guards the array across threads and processes.
    pub rwlock: rte_rwlock_t,
}

const _: () = {
    assert!(size_of::<rte_rwlock_t>() == 4);
    assert!(size_of::<rte_fbarray>() == 96);
    assert!(offset_of!(rte_fbarray, count) == 64);
    assert!(offset_of!(rte_fbarray, len) == 68);
    assert!(offset_of!(rte_fbarray, elt_sz) == 72);
    assert!(offset_of!(rte_fbarray, data) == 80);
    assert!(offset_of!(rte_fbarray, rwlock) == 88);
};

// ---------------------------------------------------------------------------------------------
// Build-time limits and constants (rte_config.h / rte_build_config.h / rte_common.h). Each
// `pub const` below becomes a `#define` in rtemem.h. rte_config.h / rte_build_config.h must
// not include system headers (they are force-included), so they repeat the limits token for
// token; a C file that sees both copies fails to compile if they ever differ.
// ---------------------------------------------------------------------------------------------

/// Size of a CPU cache line in bytes (RTE_CACHE_LINE_SIZE).
pub const RTE_CACHE_LINE_SIZE: usize = 64;
/// Largest number of memseg lists (RTE_MAX_MEMSEG_LISTS).
pub const RTE_MAX_MEMSEG_LISTS: usize = 128;
/// Largest number of segments in one memseg list (RTE_MAX_MEMSEG_PER_LIST).
pub const RTE_MAX_MEMSEG_PER_LIST: usize = 8192;
/// Largest amount of memory, in MiB, one memseg list covers (RTE_MAX_MEM_MB_PER_LIST).
pub const RTE_MAX_MEM_MB_PER_LIST: usize = 32768;
/// Largest number of segments per (page size, socket) type (RTE_MAX_MEMSEG_PER_TYPE).
pub const RTE_MAX_MEMSEG_PER_TYPE: usize = 32768;
/// Largest amount of memory, in MiB, per (page size, socket) type (RTE_MAX_MEM_MB_PER_TYPE).
pub const RTE_MAX_MEM_MB_PER_TYPE: usize = 65536;
/// Largest amount of memory, in MiB, the EAL reserves address space for (RTE_MAX_MEM_MB).
pub const RTE_MAX_MEM_MB: usize = 524288;
/// Largest number of memzones (RTE_MAX_MEMZONE).
pub const RTE_MAX_MEMZONE: usize = 2560;
/// Largest number of malloc heaps, socket heaps and external heaps together (RTE_MAX_HEAPS).
pub const RTE_MAX_HEAPS: usize = 32;
/// Largest number of tail queues (RTE_MAX_TAILQ).
pub const RTE_MAX_TAILQ: usize = 32;

/// Version of DPDK whose ABI and behaviour rtemem implements: year (RTE_VER_YEAR).
pub const RTE_VER_YEAR: u32 = 22;
/// DPDK version month (RTE_VER_MONTH).
pub const RTE_VER_MONTH: u32 = 11;
/// DPDK version patch level (RTE_VER_MINOR): the 22.11 LTS release used as reference.
pub const RTE_VER_MINOR: u32 = 11;
/// DPDK release number (RTE_VER_RELEASE); 99 marks a final (non-rc) release.
pub const RTE_VER_RELEASE: u32 = 99;

/// "Any NUMA socket" (SOCKET_ID_ANY).
pub const SOCKET_ID_ANY: i32 = -1;
/// An invalid IOVA (RTE_BAD_IOVA is `(rte_iova_t)-1`; declared for C in rte_common.h).
/// cbindgen:ignore
pub const RTE_BAD_IOVA: u64 = u64::MAX;
/// An invalid physical address (RTE_BAD_PHYS_ADDR; declared for C in rte_common.h).
/// cbindgen:ignore
pub const RTE_BAD_PHYS_ADDR: u64 = u64::MAX;

/// Page sizes (RTE_PGSIZE_*). C gets them from rte_memory.h as `unsigned long long`.
/// cbindgen:ignore
pub const RTE_PGSIZE_4K: u64 = 1 << 12;
/// cbindgen:ignore
pub const RTE_PGSIZE_64K: u64 = 1 << 16;
/// cbindgen:ignore
pub const RTE_PGSIZE_256K: u64 = 1 << 18;
/// cbindgen:ignore
pub const RTE_PGSIZE_2M: u64 = 1 << 21;
/// cbindgen:ignore
pub const RTE_PGSIZE_16M: u64 = 1 << 24;
/// cbindgen:ignore
pub const RTE_PGSIZE_256M: u64 = 1 << 28;
/// cbindgen:ignore
pub const RTE_PGSIZE_512M: u64 = 1 << 29;
/// cbindgen:ignore
pub const RTE_PGSIZE_1G: u64 = 1 << 30;
/// cbindgen:ignore
pub const RTE_PGSIZE_4G: u64 = 1 << 32;
/// cbindgen:ignore
pub const RTE_PGSIZE_16G: u64 = 1 << 34;

// ---------------------------------------------------------------------------------------------
// Memory segments (rte_memory.h)
// ---------------------------------------------------------------------------------------------

/// Memseg flag: the segment must never be freed (RTE_MEMSEG_FLAG_DO_NOT_FREE).
pub const RTE_MEMSEG_FLAG_DO_NOT_FREE: u32 = 1 << 0;
/// Memseg flag: the segment may hold data from earlier use; it is not known to be zero
/// (RTE_MEMSEG_FLAG_DIRTY).
pub const RTE_MEMSEG_FLAG_DIRTY: u32 = 1 << 1;
/// Length of a memory event callback name, NUL included (RTE_MEM_EVENT_CALLBACK_NAME_LEN).
pub const RTE_MEM_EVENT_CALLBACK_NAME_LEN: usize = 64;
/// Length of an allocation validator name, NUL included (RTE_MEM_ALLOC_VALIDATOR_NAME_LEN).
pub const RTE_MEM_ALLOC_VALIDATOR_NAME_LEN: usize = 64;

/// `enum rte_mem_event` values: memory was added to the map.
/// cbindgen:ignore
pub const RTE_MEM_EVENT_ALLOC: c_int = 0;
/// `enum rte_mem_event` values: memory is about to leave the map.
/// cbindgen:ignore
pub const RTE_MEM_EVENT_FREE: c_int = 1;

/// A segment's virtual address, as a pointer or as 64 bits (the anonymous union of
/// `struct rte_memseg`, `rte_memseg_list` and `rte_memzone`).
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub union rte_addr_union {
    /// Start virtual address.
    pub addr: *mut c_void,
    /// The same address as 64 bits, so the field has one size on every ABI.
    pub addr_64: u64,
}

/// One physically contiguous page of memory the EAL manages (`struct rte_memseg`, packed).
/// C sees the union as anonymous (`ms->addr`); it is declared for C by hand in rte_memory.h.
/// cbindgen:ignore
#[repr(C, packed)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct rte_memseg {
    /// Start IO address.
    pub iova: u64,
    /// Start virtual address (`addr` / `addr_64`).
    pub u: rte_addr_union,
    /// Length of the segment.
    pub len: usize,
    /// Page size of the memory behind the segment.
    pub hugepage_sz: u64,
    /// NUMA socket ID.
    pub socket_id: i32,
    /// Number of memory channels.
    pub nchannel: u32,
    /// Number of memory ranks.
    pub nrank: u32,
    /// RTE_MEMSEG_FLAG_* bits.
    pub flags: u32,
}

impl rte_memseg {
    /// The segment's virtual address.
    pub fn addr(&self) -> *mut c_void {
        // SAFETY: both union members are 8 bytes of plain data; every bit pattern is a valid
        // pointer value (reading it does not dereference it).
        unsafe { self.u.addr }
    }
}

/// A list of segments of one page size on one socket, over a reserved VA range
/// (`struct rte_memseg_list`). Declared for C by hand in rte_memory.h (anonymous union).
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_memseg_list {
    /// Base virtual address of the list (`base_va` / `addr_64`).
    pub u: rte_addr_union,
    /// Page size of every segment in the list.
    pub page_sz: u64,
    /// Socket of every segment in the list.
    pub socket_id: c_int,
    /// Bumped on every change, so secondaries can tell their mappings are stale.
    pub version: u32,
    /// Length of the VA range the list covers.
    pub len: usize,
    /// 1 when the list describes external memory.
    pub external: c_uint,
    /// 1 when the list belongs to a malloc heap.
    pub heap: c_uint,
    /// The segments, one `rte_memseg` per entry.
    pub memseg_arr: rte_fbarray,
}

impl rte_memseg_list {
    /// Base virtual address of the list.
    pub fn base_va(&self) -> *mut c_void {
        // SAFETY: as in `rte_memseg::addr`.
        unsafe { self.u.addr }
    }
}

/// Callback of `rte_memseg_walk`: 0 to continue, 1 to stop, -1 to stop with an error.
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_memseg_walk_t = Option<
    unsafe extern "C" fn(
        msl: *const rte_memseg_list,
        ms: *const rte_memseg,
        arg: *mut c_void,
    ) -> c_int,
>;
/// Callback of `rte_memseg_contig_walk`: as `rte_memseg_walk_t`, with the contiguous length.
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_memseg_contig_walk_t = Option<
    unsafe extern "C" fn(
        msl: *const rte_memseg_list,
        ms: *const rte_memseg,
        len: usize,
        arg: *mut c_void,
    ) -> c_int,
>;
/// Callback of `rte_memseg_list_walk`.
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_memseg_list_walk_t =
    Option<unsafe extern "C" fn(msl: *const rte_memseg_list, arg: *mut c_void) -> c_int>;
/// Memory event callback. The first argument is `enum rte_mem_event` in C (a plain int here);
/// the typedef is declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_mem_event_callback_t = Option<
    unsafe extern "C" fn(event_type: c_int, addr: *const c_void, len: usize, arg: *mut c_void),
>;
/// Allocation validator: returns 0 to allow growing `socket_id`'s memory to `new_len`.
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_mem_alloc_validator_t =
    Option<unsafe extern "C" fn(socket_id: c_int, cur_limit: usize, new_len: usize) -> c_int>;

// ---------------------------------------------------------------------------------------------
// Memzones (rte_memzone.h)
// ---------------------------------------------------------------------------------------------

/// Length of a memzone name, NUL included (RTE_MEMZONE_NAMESIZE).
pub const RTE_MEMZONE_NAMESIZE: usize = 32;
/// Memzone flag: use 2 MiB pages (RTE_MEMZONE_2MB).
pub const RTE_MEMZONE_2MB: u32 = 0x0000_0001;
/// Memzone flag: use 1 GiB pages (RTE_MEMZONE_1GB).
pub const RTE_MEMZONE_1GB: u32 = 0x0000_0002;
/// Memzone flag: use 16 MiB pages (RTE_MEMZONE_16MB).
pub const RTE_MEMZONE_16MB: u32 = 0x0000_0100;
/// Memzone flag: use 16 GiB pages (RTE_MEMZONE_16GB).
pub const RTE_MEMZONE_16GB: u32 = 0x0000_0200;
/// Memzone flag: use 256 KiB pages (RTE_MEMZONE_256KB).
pub const RTE_MEMZONE_256KB: u32 = 0x0001_0000;
/// Memzone flag: use 256 MiB pages (RTE_MEMZONE_256MB).
pub const RTE_MEMZONE_256MB: u32 = 0x0002_0000;
/// Memzone flag: use 512 MiB pages (RTE_MEMZONE_512MB).
pub const RTE_MEMZONE_512MB: u32 = 0x0004_0000;
/// Memzone flag: use 4 GiB pages (RTE_MEMZONE_4GB).
pub const RTE_MEMZONE_4GB: u32 = 0x0008_0000;
/// Memzone flag: the page size flags are a preference, not a requirement
/// (RTE_MEMZONE_SIZE_HINT_ONLY).
pub const RTE_MEMZONE_SIZE_HINT_ONLY: u32 = 0x0000_0004;
/// Memzone flag: the zone must be IOVA-contiguous (RTE_MEMZONE_IOVA_CONTIG).
pub const RTE_MEMZONE_IOVA_CONTIG: u32 = 0x0010_0000;

/// A named, reserved area of memory (`struct rte_memzone`, packed). Declared for C by hand in
/// rte_memzone.h (anonymous union).
/// cbindgen:ignore
#[repr(C, packed)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct rte_memzone {
    /// Name, NUL-terminated.
    pub name: [c_char; RTE_MEMZONE_NAMESIZE],
    /// Start IO address.
    pub iova: u64,
    /// Start virtual address (`addr` / `addr_64`).
    pub u: rte_addr_union,
    /// Length of the zone.
    pub len: usize,
    /// Page size of the memory behind the zone.
    pub hugepage_sz: u64,
    /// NUMA socket ID.
    pub socket_id: i32,
    /// The RTE_MEMZONE_* flags the zone was reserved with.
    pub flags: u32,
}

impl rte_memzone {
    /// The zone's virtual address.
    pub fn addr(&self) -> *mut c_void {
        // SAFETY: as in `rte_memseg::addr`.
        unsafe { self.u.addr }
    }
}

// ---------------------------------------------------------------------------------------------
// Malloc statistics (rte_malloc.h)
// ---------------------------------------------------------------------------------------------

/// Statistics of one malloc heap (`struct rte_malloc_socket_stats`).
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct rte_malloc_socket_stats {
    /// Total bytes in the heap.
    pub heap_totalsz_bytes: usize,
    /// Free bytes in the heap.
    pub heap_freesz_bytes: usize,
    /// Size of the largest free element.
    pub greatest_free_size: usize,
    /// Number of free elements.
    pub free_count: c_uint,
    /// Number of allocated elements.
    pub alloc_count: c_uint,
    /// Allocated bytes in the heap.
    pub heap_allocsz_bytes: usize,
}

// ---------------------------------------------------------------------------------------------
// Multi-process messages (rte_eal.h)
// ---------------------------------------------------------------------------------------------

/// Largest number of file descriptors in one message (RTE_MP_MAX_FD_NUM).
/// cbindgen:ignore (C: rtemem_types.h)
pub const RTE_MP_MAX_FD_NUM: usize = 8;
/// Length of an action name, NUL included (RTE_MP_MAX_NAME_LEN).
/// cbindgen:ignore (C: rtemem_types.h)
pub const RTE_MP_MAX_NAME_LEN: usize = 64;
/// Largest parameter block of one message (RTE_MP_MAX_PARAM_LEN).
/// cbindgen:ignore (C: rtemem_types.h)
pub const RTE_MP_MAX_PARAM_LEN: usize = 256;

/// One IPC message between EAL processes (`struct rte_mp_msg`).
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[repr(C)]
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct rte_mp_msg {
    /// Action name, NUL-terminated.
    pub name: [c_char; RTE_MP_MAX_NAME_LEN],
    /// Bytes of `param` in use.
    pub len_param: c_int,
    /// Entries of `fds` in use.
    pub num_fds: c_int,
    /// Parameter bytes.
    pub param: [u8; RTE_MP_MAX_PARAM_LEN],
    /// File descriptors passed along with the message.
    pub fds: [c_int; RTE_MP_MAX_FD_NUM],
}

/// Replies collected by `rte_mp_request_sync` (`struct rte_mp_reply`). `msgs` is allocated with
/// `malloc` and freed by the caller.
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct rte_mp_reply {
    /// Requests sent.
    pub nb_sent: c_int,
    /// Replies received.
    pub nb_received: c_int,
    /// The replies; the caller frees them with `free`.
    pub msgs: *mut rte_mp_msg,
}

/// Handler of an IPC action; `peer` identifies the sender for `rte_mp_reply`.
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_mp_t =
    Option<unsafe extern "C" fn(msg: *const rte_mp_msg, peer: *const c_void) -> c_int>;
/// Callback of `rte_mp_request_async`.
/// Declared for C by hand in rtemem_types.h.
/// cbindgen:ignore
#[allow(non_camel_case_types)]
pub type rte_mp_async_reply_t =
    Option<unsafe extern "C" fn(request: *const rte_mp_msg, reply: *const rte_mp_reply) -> c_int>;

/// `rte_usage_hook_t`: prints the application's usage after the EAL's (rte_eal.h).
#[allow(non_camel_case_types)]
pub type rte_usage_hook_t = Option<unsafe extern "C" fn(prgname: *const c_char)>;

/// `enum rte_proc_type_t` values (C declares the enum in rte_eal.h); likewise below.
/// cbindgen:ignore
pub const RTE_PROC_AUTO: c_int = -1;
/// cbindgen:ignore
pub const RTE_PROC_PRIMARY: c_int = 0;
/// cbindgen:ignore
pub const RTE_PROC_SECONDARY: c_int = 1;
/// cbindgen:ignore
pub const RTE_PROC_INVALID: c_int = 2;
/// `enum rte_iova_mode` values (C declares the enum in rte_eal.h).
/// cbindgen:ignore
pub const RTE_IOVA_DC: c_int = 0;
/// cbindgen:ignore
pub const RTE_IOVA_PA: c_int = 1 << 0;
/// cbindgen:ignore
pub const RTE_IOVA_VA: c_int = 1 << 1;
/// Magic number the primary writes into the shared config once it is ready (RTE_MAGIC).
pub const RTE_MAGIC: u32 = 19820526;

const _: () = {
    assert!(size_of::<rte_addr_union>() == 8);
    assert!(size_of::<rte_memseg>() == 48);
    assert!(offset_of!(rte_memseg, iova) == 0);
    assert!(offset_of!(rte_memseg, u) == 8);
    assert!(offset_of!(rte_memseg, len) == 16);
    assert!(offset_of!(rte_memseg, hugepage_sz) == 24);
    assert!(offset_of!(rte_memseg, socket_id) == 32);
    assert!(offset_of!(rte_memseg, nchannel) == 36);
    assert!(offset_of!(rte_memseg, nrank) == 40);
    assert!(offset_of!(rte_memseg, flags) == 44);

    assert!(size_of::<rte_memseg_list>() == 136);
    assert!(offset_of!(rte_memseg_list, u) == 0);
    assert!(offset_of!(rte_memseg_list, page_sz) == 8);
    assert!(offset_of!(rte_memseg_list, socket_id) == 16);
    assert!(offset_of!(rte_memseg_list, version) == 20);
    assert!(offset_of!(rte_memseg_list, len) == 24);
    assert!(offset_of!(rte_memseg_list, external) == 32);
    assert!(offset_of!(rte_memseg_list, heap) == 36);
    assert!(offset_of!(rte_memseg_list, memseg_arr) == 40);

    assert!(size_of::<rte_memzone>() == 72);
    assert!(offset_of!(rte_memzone, name) == 0);
    assert!(offset_of!(rte_memzone, iova) == 32);
    assert!(offset_of!(rte_memzone, u) == 40);
    assert!(offset_of!(rte_memzone, len) == 48);
    assert!(offset_of!(rte_memzone, hugepage_sz) == 56);
    assert!(offset_of!(rte_memzone, socket_id) == 64);
    assert!(offset_of!(rte_memzone, flags) == 68);

    assert!(size_of::<rte_malloc_socket_stats>() == 40);
    assert!(offset_of!(rte_malloc_socket_stats, free_count) == 24);
    assert!(offset_of!(rte_malloc_socket_stats, alloc_count) == 28);
    assert!(offset_of!(rte_malloc_socket_stats, heap_allocsz_bytes) == 32);

    assert!(size_of::<rte_mp_msg>() == 64 + 4 + 4 + 256 + 32);
    assert!(offset_of!(rte_mp_msg, len_param) == 64);
    assert!(offset_of!(rte_mp_msg, num_fds) == 68);
    assert!(offset_of!(rte_mp_msg, param) == 72);
    assert!(offset_of!(rte_mp_msg, fds) == 328);
    assert!(size_of::<rte_mp_reply>() == 16);
    assert!(offset_of!(rte_mp_reply, msgs) == 8);
};
