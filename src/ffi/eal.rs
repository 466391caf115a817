//! `rte_eal.h` and `rte_eal_memconfig.h`: init, cleanup, process facts and the shared-config
//! locks.

use std::ffi::{c_char, c_int};

use super::{args, cstr};
use crate::abi::rte_usage_hook_t;
use crate::base::mcfg;
use crate::options::{IovaMode, ProcType};
use crate::{config, init};

/// Initialises the EAL from the command line. Returns the number of arguments consumed
/// (the `--` included), or -1 with `rte_errno` set. Reorders `argv` as GNU getopt does and
/// writes the program name at `argv[consumed]`, so `argv + consumed` is the application's argv.
///
/// # Safety
/// `argv` points to `argc` valid C strings, as `main` receives them.
#[no_mangle]
pub unsafe extern "C" fn rte_eal_init(argc: c_int, argv: *mut *mut c_char) -> c_int {
    ffi_boundary!(Log, "rte_eal_init", {
        // SAFETY: caller's guarantee.
        let list = unsafe { args(argc, argv) }?;
        let out = init::init(&list)?;
        if out.order.len() == argc as usize {
            // SAFETY: argv has argc entries (caller's guarantee) and `order` is a list of argc
            // indices below argc, produced by the parser.
            unsafe {
                let old: Vec<*mut c_char> = (0..argc as usize).map(|i| *argv.add(i)).collect();
                for (k, &i) in out.order.iter().enumerate() {
                    *argv.add(k) = old[i];
                }
            }
        }
        Ok(out.consumed as c_int)
    })
}

/// Releases what `rte_eal_init` took. 0, or -1 with `rte_errno` EALREADY on a second call.
#[no_mangle]
pub extern "C" fn rte_eal_cleanup() -> c_int {
    ffi_boundary!(Log, "rte_eal_cleanup", { init::cleanup().map(|_| 0) })
}

/// `enum rte_proc_type_t`: RTE_PROC_PRIMARY (0) or RTE_PROC_SECONDARY (1).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_eal_process_type() -> c_int {
    ffi_boundary!(Log, "rte_eal_process_type", fail = 0, {
        Ok(match config::state().map(|s| s.proc_type) {
            Some(ProcType::Secondary) => 1,
            Some(_) => 0,
            // During init (bus scans ask, e.g. the vdev bus of a secondary): what the shared
            // config attach decided.
            None => c_int::from(crate::base::mcfg::attached_as_primary() == Some(false)),
        })
    })
}

/// `enum rte_iova_mode`: RTE_IOVA_DC (0), RTE_IOVA_PA (1) or RTE_IOVA_VA (2).
/// cbindgen:ignore
#[no_mangle]
pub extern "C" fn rte_eal_iova_mode() -> c_int {
    ffi_boundary!(Log, "rte_eal_iova_mode", fail = 0, {
        Ok(match config::state().map(|s| s.iova_mode) {
            Some(IovaMode::Pa) => 1,
            Some(IovaMode::Va) => 2,
            _ => 0,
        })
    })
}

/// The runtime directory of this prefix (`/var/run/dpdk/<prefix>` as root).
#[no_mangle]
pub extern "C" fn rte_eal_get_runtime_dir() -> *const c_char {
    ffi_boundary!(Log, "rte_eal_get_runtime_dir", {
        Ok(crate::base::runtime::dir_c()
            .map(|c| c.as_ptr())
            .unwrap_or(std::ptr::null()))
    })
}

/// 1 unless running with `--no-huge`.
#[no_mangle]
pub extern "C" fn rte_eal_has_hugepages() -> c_int {
    ffi_boundary!(Log, "rte_eal_has_hugepages", fail = 0, {
        Ok(config::get().map(|c| !c.no_huge as c_int).unwrap_or(1))
    })
}

/// 1 unless `--no-pci` was given: whether a PCI bus driver (Debian's `librte_bus_pci`) may
/// scan. (The PCI bus only looks at kernel-bound devices; it maps nothing without VFIO/UIO.)
#[no_mangle]
pub extern "C" fn rte_eal_has_pci() -> c_int {
    ffi_boundary!(Log, "rte_eal_has_pci", fail = 0, {
        Ok(config::get().map(|c| !c.no_pci as c_int).unwrap_or(1))
    })
}

/// 1 when a primary process holds `config_file_path` (or, for NULL, this prefix's config).
///
/// # Safety
/// `config_file_path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rte_eal_primary_proc_alive(config_file_path: *const c_char) -> c_int {
    ffi_boundary!(Log, "rte_eal_primary_proc_alive", fail = 0, {
        let path = if config_file_path.is_null() {
            crate::base::runtime::path("config")
        } else {
            // SAFETY: caller's guarantee.
            unsafe { cstr(config_file_path, "config_file_path") }
                .ok()
                .map(Into::into)
        };
        Ok(path.map(|p| mcfg::primary_alive(&p) as c_int).unwrap_or(0))
    })
}

/// The base virtual address memory is placed at (`--base-virtaddr`, default 4 GiB).
#[no_mangle]
pub extern "C" fn rte_eal_get_baseaddr() -> u64 {
    ffi_boundary!(Log, "rte_eal_get_baseaddr", {
        Ok(config::get()
            .and_then(|c| c.base_virtaddr)
            .unwrap_or(mcfg::DEFAULT_BASE_VIRTADDR))
    })
}

/// Sets a function that prints the application's usage after the EAL's; returns the old one.
#[no_mangle]
pub extern "C" fn rte_set_application_usage_hook(usage_func: rte_usage_hook_t) -> rte_usage_hook_t {
    ffi_boundary!(Log, "rte_set_application_usage_hook", {
        Ok(config::set_usage_hook(usage_func))
    })
}

macro_rules! mcfg_lock_fns {
    ($($c:ident => $r:path;)*) => {$(
        #[doc = concat!("Shared-config lock operation (`", stringify!($c), "`).")]
        #[no_mangle]
        pub extern "C" fn $c() {
            ffi_boundary!(Log, stringify!($c), {
                $r();
                Ok(())
            })
        }
    )*};
}

mcfg_lock_fns! {
    rte_mcfg_mem_read_lock => mcfg::mem_read_lock;
    rte_mcfg_mem_read_unlock => mcfg::mem_read_unlock;
    rte_mcfg_mem_write_lock => mcfg::mem_write_lock;
    rte_mcfg_mem_write_unlock => mcfg::mem_write_unlock;
    rte_mcfg_tailq_read_lock => mcfg::tailq_read_lock;
    rte_mcfg_tailq_read_unlock => mcfg::tailq_read_unlock;
    rte_mcfg_tailq_write_lock => mcfg::tailq_write_lock;
    rte_mcfg_tailq_write_unlock => mcfg::tailq_write_unlock;
    rte_mcfg_mempool_read_lock => mcfg::mempool_read_lock;
    rte_mcfg_mempool_read_unlock => mcfg::mempool_read_unlock;
    rte_mcfg_mempool_write_lock => mcfg::mempool_write_lock;
    rte_mcfg_mempool_write_unlock => mcfg::mempool_write_unlock;
    rte_mcfg_timer_lock => mcfg::timer_lock;
    rte_mcfg_timer_unlock => mcfg::timer_unlock;
}

/// True when memory uses one file per memseg list (`--single-file-segments`).
#[no_mangle]
pub extern "C" fn rte_mcfg_get_single_file_segments() -> bool {
    ffi_boundary!(Log, "rte_mcfg_get_single_file_segments", {
        Ok(mcfg::get()
            .map(|m| m.single_file_segments != 0)
            .unwrap_or(false))
    })
}

// ---- helpers for bus drivers and mbuf (WP1) --------------------------------------------------

/// Raises the I/O privilege level so that the calling thread may use port I/O (legacy virtio
/// and UIO drivers). 0, or -1 when the system refuses (no CAP_SYS_RAWIO, most VMs): an answer
/// drivers check, logged at DEBUG only; `rte_errno` untouched, as DPDK.
#[no_mangle]
pub extern "C" fn rte_eal_iopl_init() -> c_int {
    ffi_boundary!(Debug, "rte_eal_iopl_init", {
        crate::sys::iopl3().map_err(|e| crate::error::Error::os("iopl(3)", e))?;
        Ok(0)
    })
}

/// 1 when `--create-uio-dev` was given (the PCI bus then creates `/dev/uioN` nodes itself).
#[no_mangle]
pub extern "C" fn rte_eal_create_uio_dev() -> c_int {
    ffi_boundary!(Log, "rte_eal_create_uio_dev", fail = 0, {
        Ok(config::get().is_some_and(|c| c.create_uio_dev) as c_int)
    })
}

/// The mempool handler named by `--mbuf-pool-ops-name`, or NULL when none was given (mbuf
/// then uses its default). The string stays valid for the process lifetime.
#[no_mangle]
pub extern "C" fn rte_eal_mbuf_user_pool_ops() -> *const c_char {
    use std::ffi::{CStr, CString};
    use std::sync::Mutex;
    /// The C copy of the name, made once per published config (the config is never freed,
    /// and neither is the copy, so a pointer handed out stays valid).
    static C_NAME: Mutex<Option<(usize, &'static CStr)>> = Mutex::new(None);
    ffi_boundary!(Log, "rte_eal_mbuf_user_pool_ops", {
        let Some(cfg) = config::get() else {
            return Ok(std::ptr::null());
        };
        let Some(name) = cfg.mbuf_pool_ops_name.as_deref() else {
            return Ok(std::ptr::null());
        };
        let key = cfg as *const _ as usize;
        let mut cache = C_NAME.lock().unwrap_or_else(|p| p.into_inner());
        match *cache {
            Some((k, c)) if k == key => Ok(c.as_ptr()),
            _ => {
                let c = CString::new(name).map_err(|_| {
                    crate::error::Error::new(libc::EINVAL, "the pool ops name holds a NUL byte")
                })?;
                let c: &'static CStr = Box::leak(c.into_boxed_c_str());
                *cache = Some((key, c));
                Ok(c.as_ptr())
            }
        }
    })
}

/// Reads hex coremask `coremask` into `cores` (RTE_MAX_LCORE ints): for each lcore in the
/// mask its rank among them (lowest lcore first), -1 for the others. 0, or -1 (logged,
/// `rte_errno` untouched) for an empty or non-hex mask, or a lcore >= RTE_MAX_LCORE.
///
/// # Safety
/// `coremask` is NULL or a NUL-terminated string; `cores` is NULL or has room for
/// RTE_MAX_LCORE ints.
#[no_mangle]
pub unsafe extern "C" fn rte_eal_parse_coremask(
    coremask: *const c_char,
    cores: *mut c_int,
) -> c_int {
    ffi_boundary!(LogOnly, "rte_eal_parse_coremask", {
        if cores.is_null() {
            return Err(crate::error::Error::new(libc::EINVAL, "cores is NULL"));
        }
        // SAFETY: NULL or NUL-terminated (caller's guarantee).
        let mask = unsafe { cstr(coremask, "coremask") }?;
        // DPDK clears the array before it looks at the mask.
        // SAFETY: cores has RTE_MAX_LCORE writable ints (caller's guarantee).
        let out = unsafe { std::slice::from_raw_parts_mut(cores, crate::options::RTE_MAX_LCORE) };
        out.fill(-1);
        out.copy_from_slice(&crate::options::coremask_indexes(mask)?);
        Ok(0)
    })
}
