//! Interrupt instances (`rte_intr_instance_*` and the accessors of `rte_interrupts.h`).
//!
//! An instance is DPDK 22.11's `struct rte_intr_handle` ([`rte_intr_handle`], 64 bytes),
//! opaque to C callers. It carries the device's descriptors (`fd`, `dev_fd`), its type, and the
//! Rx/Tx interrupt vectors: `efds` (an event fd per vector) and `elist` (an epoll registration
//! per vector), `nb_intr` entries each, plus `intr_vec` (a queue -> vector map,
//! `vec_list_size` entries).
//!
//! Memory: a PRIVATE instance and its arrays are C heap memory of this process; a SHARED one
//! (`RTE_INTR_INSTANCE_F_SHARED`) and its arrays live in `rte_malloc` memory, so that another
//! process of the prefix can read them at the same address (a primary's PCI driver allocates
//! the handle, its secondary reads the vector table). Every array pointer of an instance points
//! to memory of the instance's own kind, so freeing follows `alloc_flags` alone.
//!
//! Accessors follow DPDK: a NULL instance fails with EINVAL ("Interrupt instance
//! unallocated"); an index outside the array fails with ERANGE (EINVAL for `efds_index_get`).
//! Unlike DPDK, negative indexes are refused too (DPDK compares a negative `int` with the
//! unsigned size and would read before the array).
//!
//! Locking: none. An instance belongs to its driver, which serialises its own calls, as in
//! DPDK; the only field touched by two threads at once is an `elist` entry's `status`, and
//! that is atomic (see `super::epoll`).

use std::ffi::{c_int, c_void};
use std::ptr::{self, NonNull};

use crate::abi::intr::{
    rte_epoll_event, rte_intr_handle, IntrHandleFds, IntrHandleIds, RTE_INTR_INSTANCE_F_SHARED,
    RTE_MAX_RXTX_INTR_VEC_ID,
};
use crate::err;
use crate::error::{Error, Result};

/// Allocation flags DPDK 22.11 knows (PRIVATE is 0).
const KNOWN_FLAGS: u32 = RTE_INTR_INSTANCE_F_SHARED;

/// Where an instance and its arrays live.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mem {
    /// C heap (`calloc`/`free`).
    Private,
    /// `rte_malloc` memory.
    Shared,
}

fn mem_of(flags: u32) -> Mem {
    if flags & RTE_INTR_INSTANCE_F_SHARED != 0 {
        Mem::Shared
    } else {
        Mem::Private
    }
}

/// `bytes` of zeroed memory of kind `mem`. A request of 0 bytes still yields a unique block.
fn zalloc(mem: Mem, bytes: usize) -> Result<NonNull<u8>> {
    let bytes = bytes.max(1);
    let p = match mem {
        Mem::Shared => crate::malloc::alloc(
            bytes,
            0,
            crate::abi::SOCKET_ID_ANY,
            0,
            true,
            &crate::malloc::PagePolicy::ANY,
        ),
        Mem::Private => {
            let p = NonNull::new(crate::sys::c_malloc(bytes).cast::<u8>());
            if let Some(p) = p {
                // SAFETY: p is a fresh block of `bytes` bytes.
                unsafe { ptr::write_bytes(p.as_ptr(), 0, bytes) };
            }
            p
        }
    };
    p.ok_or_else(|| {
        err!(
            libc::ENOMEM,
            "no memory for {bytes} bytes of an interrupt instance ({})",
            if mem == Mem::Shared {
                "rte_malloc memory"
            } else {
                "C heap"
            }
        )
    })
}

/// Frees a block from [`zalloc`] of the same kind (NULL is a no-op).
///
/// # Safety
/// `p` is NULL or a live block from `zalloc(mem, ..)`, not used afterwards.
unsafe fn release(mem: Mem, p: *mut u8) {
    if p.is_null() {
        return;
    }
    match mem {
        Mem::Shared => {
            if let Err(e) = crate::malloc::free(p) {
                crate::eal_log!(
                    crate::base::log::RTE_LOG_ERR,
                    "interrupt instance memory: {e}"
                );
            }
        }
        // SAFETY: the caller's guarantee: p came from c_malloc.
        Mem::Private => unsafe { crate::sys::c_free(p.cast()) },
    }
}

/// Bytes of `n` entries of `T`, refusing overflow.
fn array_bytes<T>(n: usize) -> Result<usize> {
    n.checked_mul(std::mem::size_of::<T>())
        .ok_or_else(|| err!(libc::ENOMEM, "{n} entries do not fit in memory"))
}

/// The instance behind `h`, or DPDK's "unallocated" error.
///
/// # Safety
/// `h` is NULL or an instance from [`instance_alloc`] that is not freed meanwhile and that no
/// other thread changes during the borrow.
pub(crate) unsafe fn get<'a>(h: *const rte_intr_handle) -> Result<&'a rte_intr_handle> {
    // SAFETY: the caller's guarantee.
    unsafe { h.as_ref() }.ok_or_else(unallocated)
}

/// As [`get`], mutable.
///
/// # Safety
/// As [`get`], and nothing else reads or writes the instance during the borrow.
pub(crate) unsafe fn get_mut<'a>(h: *mut rte_intr_handle) -> Result<&'a mut rte_intr_handle> {
    // SAFETY: the caller's guarantee.
    unsafe { h.as_mut() }.ok_or_else(unallocated)
}

/// `h`'s fields as the `lib.eal.intr.*` trace points record them.
pub(crate) fn trace_fields(h: &rte_intr_handle) -> crate::base::trace::eal::IntrFields {
    // SAFETY: both union members are plain ints over the same bytes.
    let (dev_fd, fd) = unsafe { (h.ids.fds.dev_fd, h.ids.fds.fd) };
    crate::base::trace::eal::IntrFields {
        dev_fd,
        fd,
        handle_type: h.type_,
        max_intr: h.max_intr,
        nb_efd: h.nb_efd,
    }
}

/// The C result of a call that returns 0 or `-errno`, for its trace point.
pub(crate) fn trace_rc<T>(r: &Result<T>, ok: impl FnOnce(&T) -> c_int) -> c_int {
    match r {
        Ok(v) => ok(v),
        Err(e) => -e.errno,
    }
}

fn unallocated() -> Error {
    err!(libc::EINVAL, "Interrupt instance unallocated")
}

/// Checks `index` against `limit` entries; `errno` (ERANGE or EINVAL) when outside.
fn check_index(index: c_int, limit: usize, errno: i32) -> Result<usize> {
    match usize::try_from(index) {
        Ok(i) if i < limit => Ok(i),
        _ => Err(err!(errno, "Invalid index {index}, max limit {limit}")),
    }
}

/// Allocates an instance (`rte_intr_instance_alloc`): no descriptors (0), type UNKNOWN,
/// `nb_intr` = RTE_MAX_RXTX_INTR_VEC_ID, zeroed vector arrays. Unknown flag bits: EINVAL; no
/// memory: ENOMEM. Never NULL on success.
pub fn instance_alloc(flags: u32) -> Result<*mut rte_intr_handle> {
    if flags & !KNOWN_FLAGS != 0 {
        return Err(err!(libc::EINVAL, "Invalid alloc flag passed {flags:#x}"));
    }
    let mem = mem_of(flags);
    let h = zalloc(mem, std::mem::size_of::<rte_intr_handle>())?
        .as_ptr()
        .cast::<rte_intr_handle>();
    let arrays = zalloc(mem, array_bytes::<c_int>(RTE_MAX_RXTX_INTR_VEC_ID)?).and_then(|efds| {
        match zalloc(
            mem,
            array_bytes::<rte_epoll_event>(RTE_MAX_RXTX_INTR_VEC_ID)?,
        ) {
            Ok(elist) => Ok((efds, elist)),
            Err(e) => {
                // SAFETY: efds was just allocated here and is not used elsewhere.
                unsafe { release(mem, efds.as_ptr()) };
                Err(e)
            }
        }
    });
    let (efds, elist) = match arrays {
        Ok(a) => a,
        Err(e) => {
            // SAFETY: h was just allocated here and is not used elsewhere.
            unsafe { release(mem, h.cast()) };
            return Err(e);
        }
    };
    // SAFETY: h is a fresh, suitably aligned block of the instance's size.
    unsafe {
        h.write(rte_intr_handle {
            ids: IntrHandleIds {
                fds: IntrHandleFds { dev_fd: 0, fd: 0 },
            },
            alloc_flags: flags,
            type_: 0,
            max_intr: 0,
            nb_efd: 0,
            efd_counter_size: 0,
            nb_intr: RTE_MAX_RXTX_INTR_VEC_ID as u16,
            efds: efds.as_ptr().cast(),
            elist: elist.as_ptr().cast(),
            vec_list_size: 0,
            intr_vec: ptr::null_mut(),
        })
    };
    Ok(h)
}

/// Frees an instance and its arrays (`rte_intr_instance_free`); NULL is a no-op.
///
/// # Safety
/// `h` is NULL or an instance from [`instance_alloc`] that nothing uses afterwards.
pub unsafe fn instance_free(h: *mut rte_intr_handle) {
    if h.is_null() {
        return;
    }
    // SAFETY: the caller's guarantee: a live instance.
    let mem = mem_of(unsafe { (*h).alloc_flags });
    // SAFETY: every array of an instance comes from zalloc of the instance's kind.
    unsafe {
        release(mem, (*h).efds.cast());
        release(mem, (*h).elist.cast());
        release(mem, (*h).intr_vec.cast());
        release(mem, h.cast());
    }
}

/// A copy of `src` with the same flags (`rte_intr_instance_dup`): descriptors, type,
/// `max_intr`, `nb_efd`, `efd_counter_size`, and the `efds`/`elist` entries (the vector map is
/// not copied, as in DPDK).
///
/// # Safety
/// As [`get`].
pub unsafe fn instance_dup(src: *const rte_intr_handle) -> Result<*mut rte_intr_handle> {
    // SAFETY: the caller's guarantee.
    let s = unsafe { get(src) }
        .map_err(|_| err!(libc::EINVAL, "Source interrupt instance unallocated"))?;
    // SAFETY: as above.
    unsafe { dup_with_flags(s, s.alloc_flags) }
}

/// A copy of `s` allocated with `flags` (the interrupt thread keeps PRIVATE copies).
///
/// # Safety
/// `s` is a live instance.
pub(crate) unsafe fn dup_with_flags(
    s: &rte_intr_handle,
    flags: u32,
) -> Result<*mut rte_intr_handle> {
    let h = instance_alloc(flags)?;
    // SAFETY: h is the fresh instance allocated above; s is live (caller).
    unsafe {
        let d = &mut *h;
        d.ids = s.ids;
        d.type_ = s.type_;
        d.max_intr = s.max_intr;
        d.nb_efd = s.nb_efd;
        d.efd_counter_size = s.efd_counter_size;
        // Both have at least this many entries (a fresh instance has the maximum).
        let n = usize::from(s.nb_intr).min(usize::from(d.nb_intr));
        ptr::copy_nonoverlapping(s.efds, d.efds, n);
        ptr::copy_nonoverlapping(s.elist, d.elist, n);
    }
    Ok(h)
}

/// Resizes `efds` and `elist` to `size` entries, keeping the first ones
/// (`rte_intr_event_list_update`). `size` 0: EINVAL; more entries than `nb_intr` can count
/// (65535): ERANGE; no memory: ENOMEM (the instance is unchanged).
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn event_list_update(h: *mut rte_intr_handle, size: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    if size == 0 {
        return Err(err!(libc::EINVAL, "Size can't be zero"));
    }
    let n = usize::try_from(size)
        .map_err(|_| err!(libc::ENOMEM, "Failed to realloc the efds list: size {size}"))?;
    if n > usize::from(u16::MAX) {
        return Err(err!(
            libc::ERANGE,
            "size {size} exceeds the {} vectors an instance can count",
            u16::MAX
        ));
    }
    let mem = mem_of(h.alloc_flags);
    let efds = zalloc(mem, array_bytes::<c_int>(n)?)?;
    let elist = match zalloc(mem, array_bytes::<rte_epoll_event>(n)?) {
        Ok(p) => p,
        Err(e) => {
            // SAFETY: efds was just allocated here.
            unsafe { release(mem, efds.as_ptr()) };
            return Err(e);
        }
    };
    let keep = n.min(usize::from(h.nb_intr));
    // SAFETY: the old arrays have nb_intr entries, the new ones n; keep <= both; then the old
    // arrays (of this instance's kind) are released and replaced.
    unsafe {
        ptr::copy_nonoverlapping(h.efds, efds.as_ptr().cast::<c_int>(), keep);
        ptr::copy_nonoverlapping(h.elist, elist.as_ptr().cast::<rte_epoll_event>(), keep);
        release(mem, h.efds.cast());
        release(mem, h.elist.cast());
    }
    h.efds = efds.as_ptr().cast();
    h.elist = elist.as_ptr().cast();
    h.nb_intr = n as u16;
    Ok(())
}

/// The instance's interrupt descriptor.
///
/// # Safety
/// As [`get`].
pub unsafe fn fd_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the caller's guarantee; both union members are plain ints over the same bytes.
    Ok(unsafe { get(h)?.ids.fds.fd })
}

/// Sets the instance's interrupt descriptor (any value: -1 means none).
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn fd_set(h: *mut rte_intr_handle, fd: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    // Writing one int of the union; the other bytes stay as they were.
    h.ids.fds.fd = fd;
    Ok(())
}

/// The device (config) descriptor.
///
/// # Safety
/// As [`get`].
pub unsafe fn dev_fd_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: as in fd_get.
    Ok(unsafe { get(h)?.ids.fds.dev_fd })
}

/// Sets the device (config) descriptor.
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn dev_fd_set(h: *mut rte_intr_handle, fd: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    h.ids.fds.dev_fd = fd;
    Ok(())
}

/// The handle type, as the int C stored (`enum rte_intr_handle_type`).
///
/// # Safety
/// As [`get`].
pub unsafe fn type_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    Ok(unsafe { get(h) }?.type_)
}

/// Sets the handle type. Any value is stored, as DPDK does: an unknown type fails later, in
/// enable/disable ("Unknown handle type").
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn type_set(h: *mut rte_intr_handle, ty: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    unsafe { get_mut(h) }?.type_ = ty;
    Ok(())
}

/// Sets `max_intr`; more than `nb_intr`: ERANGE.
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn max_intr_set(h: *mut rte_intr_handle, max_intr: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    if max_intr > c_int::from(h.nb_intr) {
        return Err(err!(
            libc::ERANGE,
            "Maximum interrupt vector ID ({max_intr}) exceeds the number of available events ({})",
            h.nb_intr
        ));
    }
    // A negative value is stored as DPDK stores it (as unsigned); only enable/ack read it, and
    // they clamp.
    h.max_intr = max_intr as u32;
    Ok(())
}

/// `max_intr`.
///
/// # Safety
/// As [`get`].
pub unsafe fn max_intr_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    Ok(unsafe { get(h) }?.max_intr as c_int)
}

/// Sets `nb_efd` (any value, as DPDK; users of the arrays bound it by `nb_intr`).
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn nb_efd_set(h: *mut rte_intr_handle, nb_efd: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    unsafe { get_mut(h) }?.nb_efd = nb_efd as u32;
    Ok(())
}

/// `nb_efd`.
///
/// # Safety
/// As [`get`].
pub unsafe fn nb_efd_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    Ok(unsafe { get(h) }?.nb_efd as c_int)
}

/// `nb_intr`: entries of `efds` and `elist`.
///
/// # Safety
/// As [`get`].
pub unsafe fn nb_intr_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    Ok(c_int::from(unsafe { get(h) }?.nb_intr))
}

/// Sets the byte count of a VDEV event fd's counter.
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn efd_counter_size_set(h: *mut rte_intr_handle, size: u8) -> Result<()> {
    // SAFETY: the caller's guarantee.
    unsafe { get_mut(h) }?.efd_counter_size = size;
    Ok(())
}

/// The byte count of a VDEV event fd's counter.
///
/// # Safety
/// As [`get`].
pub unsafe fn efd_counter_size_get(h: *const rte_intr_handle) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    Ok(c_int::from(unsafe { get(h) }?.efd_counter_size))
}

/// `efds[index]`; outside `nb_intr`: EINVAL (DPDK's errno for this one getter).
///
/// # Safety
/// As [`get`].
pub unsafe fn efds_index_get(h: *const rte_intr_handle, index: c_int) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get(h) }?;
    let i = check_index(index, usize::from(h.nb_intr), libc::EINVAL)?;
    // SAFETY: efds has nb_intr entries and i < nb_intr.
    Ok(unsafe { *h.efds.add(i) })
}

/// Sets `efds[index]`; outside `nb_intr`: ERANGE.
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn efds_index_set(h: *mut rte_intr_handle, index: c_int, fd: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    let i = check_index(index, usize::from(h.nb_intr), libc::ERANGE)?;
    // SAFETY: as in efds_index_get.
    unsafe { *h.efds.add(i) = fd };
    Ok(())
}

/// `&elist[index]`; outside `nb_intr`: ERANGE.
///
/// # Safety
/// As [`get`]; the entry may be changed through the pointer by its epoll users.
pub unsafe fn elist_index_get(
    h: *mut rte_intr_handle,
    index: c_int,
) -> Result<*mut rte_epoll_event> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get(h) }?;
    let i = check_index(index, usize::from(h.nb_intr), libc::ERANGE)?;
    // SAFETY: elist has nb_intr entries and i < nb_intr.
    Ok(unsafe { h.elist.add(i) })
}

/// Sets `elist[index]`; outside `nb_intr`: ERANGE.
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn elist_index_set(
    h: *mut rte_intr_handle,
    index: c_int,
    ev: rte_epoll_event,
) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    let i = check_index(index, usize::from(h.nb_intr), libc::ERANGE)?;
    // SAFETY: as in elist_index_get.
    unsafe { *h.elist.add(i) = ev };
    Ok(())
}

/// Allocates the vector map with `size` zeroed entries (`rte_intr_vec_list_alloc`); does
/// nothing when it exists. More than `nb_intr`: ERANGE; negative or no memory: ENOMEM (DPDK
/// asks calloc for a size_t-converted negative count, which fails).
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn vec_list_alloc(h: *mut rte_intr_handle, size: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    if !h.intr_vec.is_null() {
        return Ok(());
    }
    if size > c_int::from(h.nb_intr) {
        return Err(err!(
            libc::ERANGE,
            "Invalid size {size}, max limit {}",
            h.nb_intr
        ));
    }
    let n = usize::try_from(size)
        .map_err(|_| err!(libc::ENOMEM, "Failed to allocate {size} intr_vec"))?;
    let p = zalloc(mem_of(h.alloc_flags), array_bytes::<c_int>(n)?)
        .map_err(|_| err!(libc::ENOMEM, "Failed to allocate {size} intr_vec"))?;
    h.intr_vec = p.as_ptr().cast();
    h.vec_list_size = n as u16;
    Ok(())
}

/// `intr_vec[index]`; outside `vec_list_size`: ERANGE.
///
/// # Safety
/// As [`get`].
pub unsafe fn vec_list_index_get(h: *const rte_intr_handle, index: c_int) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get(h) }?;
    let i = vec_index(h, index)?;
    // SAFETY: intr_vec has vec_list_size entries and i < vec_list_size.
    Ok(unsafe { *h.intr_vec.add(i) })
}

/// Sets `intr_vec[index]`; outside `vec_list_size`: ERANGE.
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn vec_list_index_set(h: *mut rte_intr_handle, index: c_int, vec: c_int) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { get_mut(h) }?;
    let i = vec_index(h, index)?;
    // SAFETY: as in vec_list_index_get.
    unsafe { *h.intr_vec.add(i) = vec };
    Ok(())
}

fn vec_index(h: &rte_intr_handle, index: c_int) -> Result<usize> {
    match usize::try_from(index) {
        Ok(i) if i < usize::from(h.vec_list_size) && !h.intr_vec.is_null() => Ok(i),
        _ => Err(err!(
            libc::ERANGE,
            "Index {index} greater than vec list size {}",
            h.vec_list_size
        )),
    }
}

/// Frees the vector map (`rte_intr_vec_list_free`); NULL instance: nothing.
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn vec_list_free(h: *mut rte_intr_handle) {
    // SAFETY: the caller's guarantee.
    let Ok(h) = (unsafe { get_mut(h) }) else {
        return;
    };
    // SAFETY: intr_vec is NULL or from zalloc of the instance's kind.
    unsafe { release(mem_of(h.alloc_flags), h.intr_vec.cast()) };
    h.intr_vec = ptr::null_mut();
    h.vec_list_size = 0;
}

/// The Windows driver handle (the same bytes as `dev_fd` and `fd`).
///
/// # Safety
/// As [`get`].
pub unsafe fn windows_handle_get(h: *const rte_intr_handle) -> Result<*mut c_void> {
    // SAFETY: the caller's guarantee; every bit pattern is a valid pointer value.
    Ok(unsafe { get(h)?.ids.windows_handle })
}

/// Sets the Windows driver handle (overwriting `dev_fd` and `fd`).
///
/// # Safety
/// As [`get_mut`].
pub unsafe fn windows_handle_set(h: *mut rte_intr_handle, wh: *mut c_void) -> Result<()> {
    // SAFETY: the caller's guarantee.
    unsafe { get_mut(h) }?.ids.windows_handle = wh;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::intr::RTE_INTR_HANDLE_VDEV;

    /// Frees the instance when the test ends, whatever it asserted.
    struct Owned(*mut rte_intr_handle);
    impl Drop for Owned {
        fn drop(&mut self) {
            // SAFETY: the test's own instance, freed once.
            unsafe { instance_free(self.0) };
        }
    }

    #[test]
    fn a_fresh_instance_has_dpdks_defaults() {
        let h = Owned(instance_alloc(0).unwrap());
        // SAFETY: h is live for the test.
        unsafe {
            assert_eq!(fd_get(h.0).unwrap(), 0);
            assert_eq!(dev_fd_get(h.0).unwrap(), 0);
            assert_eq!(type_get(h.0).unwrap(), 0);
            assert_eq!(nb_intr_get(h.0).unwrap(), 512);
            assert_eq!(max_intr_get(h.0).unwrap(), 0);
            assert_eq!(nb_efd_get(h.0).unwrap(), 0);
            assert_eq!(efds_index_get(h.0, 511).unwrap(), 0);
            assert_eq!((*elist_index_get(h.0, 0).unwrap()).status, 0);
        }
    }

    #[test]
    fn unknown_flags_and_null_instances_fail_with_einval() {
        assert_eq!(instance_alloc(0x10).unwrap_err().errno, libc::EINVAL);
        // SAFETY: NULL is allowed and refused.
        unsafe {
            assert_eq!(fd_get(ptr::null()).unwrap_err().errno, libc::EINVAL);
            assert_eq!(
                type_set(ptr::null_mut(), 1).unwrap_err().errno,
                libc::EINVAL
            );
            assert_eq!(
                event_list_update(ptr::null_mut(), 4).unwrap_err().errno,
                libc::EINVAL
            );
            vec_list_free(ptr::null_mut());
            instance_free(ptr::null_mut());
        }
    }

    #[test]
    fn indexes_outside_the_arrays_are_refused_negative_ones_too() {
        let h = Owned(instance_alloc(0).unwrap());
        // SAFETY: h is live for the test.
        unsafe {
            assert_eq!(max_intr_set(h.0, 1000).unwrap_err().errno, libc::ERANGE);
            assert_eq!(efds_index_get(h.0, 600).unwrap_err().errno, libc::EINVAL);
            assert_eq!(efds_index_get(h.0, -1).unwrap_err().errno, libc::EINVAL);
            assert_eq!(efds_index_set(h.0, 512, 3).unwrap_err().errno, libc::ERANGE);
            assert_eq!(efds_index_set(h.0, -5, 3).unwrap_err().errno, libc::ERANGE);
            assert_eq!(elist_index_get(h.0, -1).unwrap_err().errno, libc::ERANGE);
            assert_eq!(vec_list_index_get(h.0, 0).unwrap_err().errno, libc::ERANGE);
            assert_eq!(vec_list_alloc(h.0, 513).unwrap_err().errno, libc::ERANGE);
            assert_eq!(vec_list_alloc(h.0, -1).unwrap_err().errno, libc::ENOMEM);
            vec_list_alloc(h.0, 4).unwrap();
            vec_list_index_set(h.0, 3, 9).unwrap();
            assert_eq!(vec_list_index_get(h.0, 3).unwrap(), 9);
            assert_eq!(vec_list_index_get(h.0, 4).unwrap_err().errno, libc::ERANGE);
            assert_eq!(vec_list_index_get(h.0, -1).unwrap_err().errno, libc::ERANGE);
            // A second alloc keeps the existing map.
            vec_list_alloc(h.0, 2).unwrap();
            assert_eq!(vec_list_index_get(h.0, 3).unwrap(), 9);
            vec_list_free(h.0);
            assert_eq!(vec_list_index_get(h.0, 0).unwrap_err().errno, libc::ERANGE);
        }
    }

    #[test]
    fn dup_copies_descriptors_type_and_vectors() {
        let h = Owned(instance_alloc(0).unwrap());
        // SAFETY: h and d are live for the test.
        unsafe {
            fd_set(h.0, 7).unwrap();
            dev_fd_set(h.0, 8).unwrap();
            type_set(h.0, RTE_INTR_HANDLE_VDEV).unwrap();
            max_intr_set(h.0, 3).unwrap();
            nb_efd_set(h.0, 2).unwrap();
            efd_counter_size_set(h.0, 8).unwrap();
            efds_index_set(h.0, 1, 42).unwrap();
            let d = Owned(instance_dup(h.0).unwrap());
            assert_eq!(fd_get(d.0).unwrap(), 7);
            assert_eq!(dev_fd_get(d.0).unwrap(), 8);
            assert_eq!(type_get(d.0).unwrap(), RTE_INTR_HANDLE_VDEV);
            assert_eq!(max_intr_get(d.0).unwrap(), 3);
            assert_eq!(nb_efd_get(d.0).unwrap(), 2);
            assert_eq!(efd_counter_size_get(d.0).unwrap(), 8);
            assert_eq!(efds_index_get(d.0, 1).unwrap(), 42);
            assert_eq!(instance_dup(ptr::null()).unwrap_err().errno, libc::EINVAL);
        }
    }

    #[test]
    fn event_list_update_resizes_and_keeps_the_first_entries() {
        let h = Owned(instance_alloc(0).unwrap());
        // SAFETY: h is live for the test.
        unsafe {
            efds_index_set(h.0, 2, 77).unwrap();
            assert_eq!(event_list_update(h.0, 0).unwrap_err().errno, libc::EINVAL);
            assert_eq!(event_list_update(h.0, -3).unwrap_err().errno, libc::ENOMEM);
            assert_eq!(
                event_list_update(h.0, 70000).unwrap_err().errno,
                libc::ERANGE
            );
            event_list_update(h.0, 4).unwrap();
            assert_eq!(nb_intr_get(h.0).unwrap(), 4);
            assert_eq!(efds_index_get(h.0, 2).unwrap(), 77);
            assert_eq!(efds_index_get(h.0, 4).unwrap_err().errno, libc::EINVAL);
            event_list_update(h.0, 1024).unwrap();
            assert_eq!(efds_index_get(h.0, 2).unwrap(), 77);
            assert_eq!(efds_index_get(h.0, 1000).unwrap(), 0);
        }
    }

    #[test]
    fn the_windows_handle_overlays_both_descriptors() {
        let h = Owned(instance_alloc(0).unwrap());
        // SAFETY: h is live for the test.
        unsafe {
            windows_handle_set(h.0, 0x1234_5678_9abc_def0usize as *mut c_void).unwrap();
            assert_eq!(
                windows_handle_get(h.0).unwrap() as usize,
                0x1234_5678_9abc_def0
            );
            assert_eq!(dev_fd_get(h.0).unwrap(), 0x9abc_def0u32 as c_int);
            assert_eq!(fd_get(h.0).unwrap(), 0x1234_5678);
        }
    }
}
