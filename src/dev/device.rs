//! A device's DMA mappings (`rte_dev_dma_map`/`_unmap`), passed to its bus. The plain field
//! accessors (`rte_dev_name` and friends) need no core: they are field reads in `ffi`.

use std::ffi::{c_int, c_void};

use crate::abi::dev::rte_device;
use crate::err;
use crate::error::Result;

/// Map (`map` true) or unmap `len` bytes at `addr` (IOVA `iova`) for `dev` through its bus.
/// ENOTSUP when the bus cannot or `len` is 0, EINVAL when `addr` is in no memseg list (memory
/// from outside the EAL must be registered with `rte_extmem_register` first). Otherwise the
/// bus's result.
///
/// # Safety
/// `dev` points to a live device whose `bus` is NULL or a live bus.
pub unsafe fn dma(
    dev: *mut rte_device,
    map: bool,
    addr: *mut c_void,
    iova: u64,
    len: usize,
) -> Result<c_int> {
    // SAFETY: the caller's guarantee.
    let b = unsafe { (*dev).bus };
    if b.is_null() {
        return Err(err!(libc::EINVAL, "the device is on no bus"));
    }
    // SAFETY: a live bus (caller).
    let f = unsafe {
        if map {
            (*b).dma_map
        } else {
            (*b).dma_unmap
        }
    };
    let Some(f) = f.filter(|_| len != 0) else {
        return Err(err!(
            libc::ENOTSUP,
            "{}",
            if len == 0 {
                "the length is 0"
            } else {
                "the device's bus does not support DMA mapping"
            }
        ));
    };
    if crate::mem::memseg::list_of(addr as usize).is_none() {
        return Err(err!(
            libc::EINVAL,
            "{addr:p} is not in EAL memory: register external memory with rte_extmem_register first"
        ));
    }
    // SAFETY: the bus's own function, with the caller's device.
    Ok(unsafe { f(dev, addr, iova, len) })
}
