//! Tail queues in shared memory (`rte_tailq.h`).
//!
//! DPDK libraries keep their named objects (rings, mempools, hashes...) on tail queues whose
//! heads live in the shared config, so every process of a prefix sees the same lists. A library
//! declares a `struct rte_tailq_elem` (name + pointer to the shared head) and registers it,
//! usually from a constructor (`EAL_REGISTER_TAILQ`) that runs before `rte_eal_init`.
//!
//! Registration before init is remembered in a process-local list; [`attach_all`] resolves every
//! remembered element to a head in the shared config when init reaches that point (the primary
//! creates missing heads, a secondary only finds existing ones). Registration after init
//! resolves at once. The heads themselves are plain C data mutated by C code with the TAILQ
//! macros under `rte_mcfg_tailq_write_lock`; Rust only touches them through raw pointers while
//! holding the same lock.

use std::ffi::c_char;
use std::mem::{offset_of, size_of};
use std::sync::Mutex;

use crate::base::mcfg;
use crate::err;
use crate::error::Result;

/// Length of a tailq name, NUL included (RTE_TAILQ_NAMESIZE).
pub const RTE_TAILQ_NAMESIZE: usize = 32;
/// Number of tailq heads in the shared config (RTE_MAX_TAILQ).
pub const RTE_MAX_TAILQ: usize = 32;

/// One entry of a tailq (`struct rte_tailq_entry`). Declared for C in rte_tailq.h.
/// cbindgen:ignore
#[repr(C)]
pub struct rte_tailq_entry {
    pub tqe_next: *mut rte_tailq_entry,
    pub tqe_prev: *mut *mut rte_tailq_entry,
    pub data: *mut libc::c_void,
}

/// A tailq head as `TAILQ_HEAD(rte_tailq_entry_head, rte_tailq_entry)` lays it out.
/// cbindgen:ignore
#[repr(C)]
pub struct rte_tailq_entry_head {
    pub tqh_first: *mut rte_tailq_entry,
    pub tqh_last: *mut *mut rte_tailq_entry,
}

/// A named head in shared memory (`struct rte_tailq_head`).
/// cbindgen:ignore
#[repr(C)]
pub struct rte_tailq_head {
    pub tailq_head: rte_tailq_entry_head,
    pub name: [c_char; RTE_TAILQ_NAMESIZE],
}

/// A library's handle on a tailq (`struct rte_tailq_elem`).
/// cbindgen:ignore
#[repr(C)]
pub struct rte_tailq_elem {
    pub head: *mut rte_tailq_head,
    pub tqe_next: *mut rte_tailq_elem,
    pub tqe_prev: *mut *mut rte_tailq_elem,
    pub name: [c_char; RTE_TAILQ_NAMESIZE],
}

const _: () = {
    assert!(size_of::<rte_tailq_entry>() == 24);
    assert!(size_of::<rte_tailq_head>() == 48);
    assert!(offset_of!(rte_tailq_head, name) == 16);
    assert!(size_of::<rte_tailq_elem>() == 56);
    assert!(offset_of!(rte_tailq_elem, tqe_next) == 8);
    assert!(offset_of!(rte_tailq_elem, name) == 24);
};

/// A registered element (a C static owned by the registering library).
struct Elem(*mut rte_tailq_elem);
// SAFETY: the pointer names a C object with static storage that the registering library never
// frees; only the registration list (behind a Mutex) dereferences it.
unsafe impl Send for Elem {}

static REGISTERED: Mutex<Vec<Elem>> = Mutex::new(Vec::new());

fn name_of(raw: &[c_char; RTE_TAILQ_NAMESIZE]) -> String {
    let bytes: Vec<u8> = raw
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Finds the shared head named `name`.
pub fn lookup(name: &str) -> Option<*mut rte_tailq_head> {
    let heads = mcfg::tailq_heads()?;
    (0..RTE_MAX_TAILQ)
        .map(|i| heads.wrapping_add(i))
        // SAFETY: heads points to RTE_MAX_TAILQ heads inside the mapped shared config.
        .find(|&h| unsafe { (*h).name[0] != 0 && name_of(&(*h).name) == name })
}

/// Finds or (in a primary) creates the shared head for `name`.
fn head_for(name: &str, create: bool) -> Option<*mut rte_tailq_head> {
    if let Some(h) = lookup(name) {
        return Some(h);
    }
    if !create {
        return None;
    }
    let heads = mcfg::tailq_heads()?;
    let h = (0..RTE_MAX_TAILQ)
        .map(|i| heads.wrapping_add(i))
        // SAFETY: as in lookup.
        .find(|&h| unsafe { (*h).name[0] == 0 })?;
    // SAFETY: h is a free head in the shared config; we hold the tailq write lock (callers),
    // so nobody else initialises it concurrently. An empty TAILQ has first = NULL and
    // last = &first, an address valid in every process because the config is mapped at the
    // same address everywhere.
    unsafe {
        (*h).tailq_head.tqh_first = std::ptr::null_mut();
        (*h).tailq_head.tqh_last = &mut (*h).tailq_head.tqh_first;
        for (dst, src) in (*h)
            .name
            .iter_mut()
            .zip(name.bytes().take(RTE_TAILQ_NAMESIZE - 1))
        {
            *dst = src as c_char;
        }
    }
    Some(h)
}

fn attach_one(e: *mut rte_tailq_elem, primary: bool) -> Result<()> {
    // SAFETY: e is a registered element (valid C static).
    let name = unsafe { name_of(&(*e).name) };
    let h = head_for(&name, primary);
    // SAFETY: as above; the element's head pointer is ours to set.
    unsafe { (*e).head = h.unwrap_or(std::ptr::null_mut()) };
    match h {
        Some(_) => Ok(()),
        None if primary => Err(err!(
            libc::ENOSPC,
            "cannot initialize tailq {name}: all {RTE_MAX_TAILQ} tailq heads are in use"
        )),
        None => Err(err!(
            libc::ENOENT,
            "cannot initialize tailq {name}: the primary process has no such tailq"
        )),
    }
}

/// Registers `e` (a library's tailq element).
///
/// # Safety
/// `e` points to a valid `rte_tailq_elem` with static storage duration.
pub unsafe fn register(e: *mut rte_tailq_elem) -> Result<()> {
    let mut list = REGISTERED.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: caller's guarantee.
    let name = unsafe { name_of(&(*e).name) };
    let taken = list.iter().any(|x| {
        // SAFETY: registered elements are valid statics.
        unsafe { name_of(&(*x.0).name) == name }
    });
    if taken {
        // SAFETY: caller's guarantee.
        unsafe { (*e).head = std::ptr::null_mut() };
        return Err(err!(libc::EEXIST, "{name} tailq is already registered"));
    }
    list.push(Elem(e));
    if let Some(primary) = mcfg::attached_as_primary() {
        let r = {
            let _g = mcfg::tailq_write();
            attach_one(e, primary)
        };
        if r.is_err() {
            list.pop();
        }
        return r;
    }
    Ok(())
}

/// Resolves every element registered so far to its shared head (called by init once the
/// shared config is mapped).
pub fn attach_all(primary: bool) -> Result<()> {
    let list = REGISTERED.lock().unwrap_or_else(|p| p.into_inner());
    let _g = mcfg::tailq_write();
    list.iter().try_for_each(|e| attach_one(e.0, primary))
}

/// Writes DPDK's tailq dump to `out`.
pub fn dump(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let Some(heads) = mcfg::tailq_heads() else {
        return Ok(());
    };
    let _g = mcfg::tailq_read();
    let mut r = Ok(());
    for i in 0..RTE_MAX_TAILQ {
        let h = heads.wrapping_add(i);
        // SAFETY: h is inside the shared config; we hold the tailq read lock.
        let (name, first, last) = unsafe {
            (
                name_of(&(*h).name),
                (*h).tailq_head.tqh_first,
                (*h).tailq_head.tqh_last,
            )
        };
        if name.is_empty() {
            continue;
        }
        r = writeln!(
            out,
            "Tailq {i}: qname:<{name}>, tqh_first:{first:p}, tqh_last:{last:p}"
        );
        if r.is_err() {
            break;
        }
    }
    r
}
