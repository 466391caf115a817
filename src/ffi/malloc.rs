//! `rte_malloc.h`: the rte_malloc family, heap statistics and external heaps.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::{c_stream, cstr, Mode};
use crate::abi::{rte_malloc_socket_stats, RTE_BAD_IOVA, SOCKET_ID_ANY};
use crate::err;
use crate::malloc;

/// An allocation that finds no memory (or gets a bad size) is what applications probe with:
/// DPDK stays silent there, so these shims log at DEBUG (`Quiet`). Inlined into each entry
/// point, so that `zero` is a constant there.
#[inline(always)]
fn do_alloc(
    func: &str,
    type_: *const c_char,
    size: usize,
    align: c_uint,
    socket: c_int,
    zero: bool,
) -> *mut c_void {
    ffi_boundary!(Quiet, func, {
        // SAFETY: the exported callers forward their caller's `type` (NULL or a C string).
        unsafe { malloc::malloc_socket(type_, size, align, socket, zero) }
            .map(|p| p.as_ptr().cast())
    })
}

/// Allocates `size` bytes aligned to `align` (0: cache line) on any socket.
///
/// # Safety
/// `type_` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc(
    type_: *const c_char,
    size: usize,
    align: c_uint,
) -> *mut c_void {
    do_alloc("rte_malloc", type_, size, align, SOCKET_ID_ANY, false)
}

/// As [`rte_malloc`], zero-filled.
///
/// # Safety
/// As [`rte_malloc`].
#[no_mangle]
pub unsafe extern "C" fn rte_zmalloc(
    type_: *const c_char,
    size: usize,
    align: c_uint,
) -> *mut c_void {
    do_alloc("rte_zmalloc", type_, size, align, SOCKET_ID_ANY, true)
}

/// Allocates on `socket` (or SOCKET_ID_ANY).
///
/// # Safety
/// As [`rte_malloc`].
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_socket(
    type_: *const c_char,
    size: usize,
    align: c_uint,
    socket: c_int,
) -> *mut c_void {
    do_alloc("rte_malloc_socket", type_, size, align, socket, false)
}

/// As [`rte_malloc_socket`], zero-filled.
///
/// # Safety
/// As [`rte_malloc`].
#[no_mangle]
pub unsafe extern "C" fn rte_zmalloc_socket(
    type_: *const c_char,
    size: usize,
    align: c_uint,
    socket: c_int,
) -> *mut c_void {
    do_alloc("rte_zmalloc_socket", type_, size, align, socket, true)
}

fn calloc(
    func: &str,
    type_: *const c_char,
    num: usize,
    size: usize,
    align: c_uint,
    socket: c_int,
) -> *mut c_void {
    ffi_boundary!(Quiet, func, {
        // SAFETY: as in do_alloc.
        unsafe { malloc::calloc_socket(type_, num, size, align, socket) }.map(|p| p.as_ptr().cast())
    })
}

/// Allocates `num * size` zero-filled bytes (NULL when the product overflows).
///
/// # Safety
/// As [`rte_malloc`].
#[no_mangle]
pub unsafe extern "C" fn rte_calloc(
    type_: *const c_char,
    num: usize,
    size: usize,
    align: c_uint,
) -> *mut c_void {
    calloc("rte_calloc", type_, num, size, align, SOCKET_ID_ANY)
}

/// As [`rte_calloc`] on `socket`.
///
/// # Safety
/// As [`rte_malloc`].
#[no_mangle]
pub unsafe extern "C" fn rte_calloc_socket(
    type_: *const c_char,
    num: usize,
    size: usize,
    align: c_uint,
    socket: c_int,
) -> *mut c_void {
    calloc("rte_calloc_socket", type_, num, size, align, socket)
}

fn realloc(func: &str, ptr: *mut c_void, size: usize, align: c_uint, socket: c_int) -> *mut c_void {
    let mode = Mode::Per(|e| {
        if e.errno == libc::ENOMEM {
            Mode::Quiet
        } else {
            Mode::Log
        }
    });
    ffi_boundary!(mode, func, {
        if size == 0 && !ptr.is_null() {
            return Err(err!(libc::EINVAL, "size is 0"));
        }
        // SAFETY: the exported callers pass their caller's pointer, checked by the heap.
        unsafe { malloc::realloc(ptr.cast(), size, align as usize, socket) }?
            .map(|p| p.as_ptr().cast())
            .ok_or_else(|| err!(libc::ENOMEM, "no memory for {size} bytes"))
    })
}

/// Resizes `ptr` to `size` bytes, in place when possible; on failure `ptr` is untouched.
///
/// # Safety
/// `ptr` is NULL or a live allocation of this library.
#[no_mangle]
pub unsafe extern "C" fn rte_realloc(ptr: *mut c_void, size: usize, align: c_uint) -> *mut c_void {
    realloc("rte_realloc", ptr, size, align, SOCKET_ID_ANY)
}

/// As [`rte_realloc`], moving to `socket` when it differs.
///
/// # Safety
/// As [`rte_realloc`].
#[no_mangle]
pub unsafe extern "C" fn rte_realloc_socket(
    ptr: *mut c_void,
    size: usize,
    align: c_uint,
    socket: c_int,
) -> *mut c_void {
    realloc("rte_realloc_socket", ptr, size, align, socket)
}

/// Frees `ptr`. NULL is a no-op; a pointer that is not a live allocation (foreign, already
/// freed, inside a block) is logged and ignored, and the heap stays intact.
///
/// # Safety
/// `ptr` is NULL or a pointer the caller believes came from this library.
#[no_mangle]
pub unsafe extern "C" fn rte_free(ptr: *mut c_void) {
    ffi_boundary!(Log, "rte_free", { malloc::free_traced(ptr.cast()) })
}

/// 0 when `ptr` is a live allocation (storing its usable size in `*size` if non-NULL), else -1.
///
/// # Safety
/// `size` is NULL or a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_validate(ptr: *const c_void, size: *mut usize) -> c_int {
    ffi_boundary!(Log, "rte_malloc_validate", {
        Ok(match malloc::usable_size(ptr.cast()) {
            Ok(n) => {
                if !size.is_null() {
                    // SAFETY: caller's guarantee.
                    unsafe { *size = n };
                }
                0
            }
            Err(_) => -1,
        })
    })
}

/// Statistics of `socket`'s heap. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `socket_stats` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_get_socket_stats(
    socket: c_int,
    socket_stats: *mut rte_malloc_socket_stats,
) -> c_int {
    ffi_boundary!(Log, "rte_malloc_get_socket_stats", {
        if socket_stats.is_null() {
            return Err(err!(libc::EINVAL, "socket_stats is NULL"));
        }
        let s = malloc::socket_stats(socket)?;
        // SAFETY: non-NULL and writable (caller).
        unsafe { *socket_stats = s };
        Ok(0)
    })
}

fn dump_stats(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for (i, (socket, name, _)) in malloc::heap_ids().into_iter().enumerate() {
        let Ok(s) = malloc::socket_stats(socket) else {
            continue;
        };
        writeln!(out, "Heap id:{i}")?;
        writeln!(out, "\tHeap name:{name}")?;
        writeln!(out, "\tHeap_size:{},", s.heap_totalsz_bytes)?;
        writeln!(out, "\tFree_size:{},", s.heap_freesz_bytes)?;
        writeln!(out, "\tAlloc_size:{},", s.heap_allocsz_bytes)?;
        writeln!(out, "\tGreatest_free_size:{},", s.greatest_free_size)?;
        writeln!(out, "\tAlloc_count:{},", s.alloc_count)?;
        writeln!(out, "\tFree_count:{},", s.free_count)?;
    }
    Ok(())
}

/// Writes every heap's statistics to `f` (`type` is ignored, as in DPDK).
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_dump_stats(f: *mut libc::FILE, type_: *const c_char) {
    let _ = type_;
    ffi_boundary!(Log, "rte_malloc_dump_stats", {
        if let Some(mut out) = c_stream(f) {
            let _ = dump_stats(&mut out);
        }
        Ok(())
    })
}

/// Writes every heap's statistics and check result to `f`.
///
/// # Safety
/// `f` is NULL or a valid `FILE *`.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_dump_heaps(f: *mut libc::FILE) {
    ffi_boundary!(Log, "rte_malloc_dump_heaps", {
        if let Some(mut out) = c_stream(f) {
            let _ = dump_stats(&mut out);
            let _ = std::io::Write::write_fmt(
                &mut out,
                format_args!(
                    "Heaps valid: {}\n",
                    malloc::validate_all()
                        .map(|_| "yes".to_string())
                        .unwrap_or_else(|e| e)
                ),
            );
        }
        Ok(())
    })
}

/// IOVA of an address inside rte_malloc memory; RTE_BAD_IOVA otherwise.
#[no_mangle]
pub extern "C" fn rte_malloc_virt2iova(addr: *const c_void) -> u64 {
    ffi_boundary!(Log, "rte_malloc_virt2iova", fail = RTE_BAD_IOVA, {
        Ok(malloc::virt2iova(addr.cast()))
    })
}

/// 1 when `socket_id` is an external heap, 0 when a socket heap, -1 (EINVAL) otherwise.
#[no_mangle]
pub extern "C" fn rte_malloc_heap_socket_is_external(socket_id: c_int) -> c_int {
    ffi_boundary!(Log, "rte_malloc_heap_socket_is_external", {
        malloc::socket_is_external(socket_id).map(c_int::from)
    })
}

/// Creates an empty external heap. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `heap_name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_heap_create(heap_name: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_malloc_heap_create", {
        // SAFETY: caller's guarantee.
        malloc::heap_create(unsafe { cstr(heap_name, "heap_name") }?).map(|_| 0)
    })
}

/// Destroys an empty external heap. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `heap_name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_heap_destroy(heap_name: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_malloc_heap_destroy", {
        // SAFETY: caller's guarantee.
        malloc::heap_destroy(unsafe { cstr(heap_name, "heap_name") }?).map(|_| 0)
    })
}

/// The socket id of the heap named `name`, or -1 with `rte_errno` set.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_heap_get_socket(name: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_malloc_heap_get_socket", {
        // SAFETY: caller's guarantee.
        malloc::heap_socket(unsafe { cstr(name, "name") }?)
    })
}

/// Adds application memory to an external heap. 0, or -1 with `rte_errno` set.
///
/// # Safety
/// `heap_name` is a C string; `va_addr..+len` is memory the caller hands over; `iova_addrs`
/// is NULL or holds `n_pages` entries.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_heap_memory_add(
    heap_name: *const c_char,
    va_addr: *mut c_void,
    len: usize,
    iova_addrs: *mut u64,
    n_pages: c_uint,
    page_sz: usize,
) -> c_int {
    ffi_boundary!(Log, "rte_malloc_heap_memory_add", {
        // SAFETY: caller's guarantee.
        let name = unsafe { cstr(heap_name, "heap_name") }?;
        let iovas = if iova_addrs.is_null() {
            None
        } else {
            // SAFETY: caller's guarantee.
            Some(unsafe { std::slice::from_raw_parts(iova_addrs, n_pages as usize) })
        };
        malloc::heap_memory_add(name, va_addr as usize, len, iovas, page_sz).map(|_| 0)
    })
}

/// Removes memory from an external heap once nothing is allocated in it.
///
/// # Safety
/// `heap_name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_heap_memory_remove(
    heap_name: *const c_char,
    va_addr: *mut c_void,
    len: usize,
) -> c_int {
    ffi_boundary!(Log, "rte_malloc_heap_memory_remove", {
        // SAFETY: caller's guarantee.
        let name = unsafe { cstr(heap_name, "heap_name") }?;
        malloc::heap_memory_remove(name, va_addr as usize, len).map(|_| 0)
    })
}

fn attach(func: &str, heap_name: *const c_char, va: *mut c_void, len: usize, on: bool) -> c_int {
    ffi_boundary!(Log, func, {
        // SAFETY: the exported callers pass their caller's string.
        let name = unsafe { cstr(heap_name, "heap_name") }?;
        malloc::heap_memory_sync(name, va as usize, len, on).map(|_| 0)
    })
}

/// Maps another process's external heap memory into this one.
///
/// # Safety
/// `heap_name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_heap_memory_attach(
    heap_name: *const c_char,
    va_addr: *mut c_void,
    len: usize,
) -> c_int {
    attach(
        "rte_malloc_heap_memory_attach",
        heap_name,
        va_addr,
        len,
        true,
    )
}

/// Drops this process's mapping of external heap memory.
///
/// # Safety
/// `heap_name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_malloc_heap_memory_detach(
    heap_name: *const c_char,
    va_addr: *mut c_void,
    len: usize,
) -> c_int {
    attach(
        "rte_malloc_heap_memory_detach",
        heap_name,
        va_addr,
        len,
        false,
    )
}
