//! The device class registry (DPDK's `eal_common_class.c`): classes such as ethdev's "eth"
//! register from constructors (priority 120) and are found by name when a device string has a
//! `class=` layer. Same shape as the bus registry ([`super::bus`]): a [`List`] of the drivers'
//! static `struct rte_class`, checked at registration instead of asserted.

use std::ffi::CStr;

use super::list::{Linked, List, Ptr};
use crate::abi::dev::{rte_class, TailqEntry};
use crate::base::log::RTE_LOG_DEBUG;
use crate::error::Result;
use crate::{eal_log, err};

/// A registered class.
pub type Class = Ptr<rte_class>;

impl Linked for rte_class {
    unsafe fn entry(p: *mut Self) -> *mut TailqEntry<Self> {
        // SAFETY: the caller guarantees p is live.
        unsafe { std::ptr::addr_of_mut!((*p).next) }
    }
}

static CLASSES: List<rte_class> = List::new();

/// The registered classes, in registration order.
pub fn all() -> Vec<Class> {
    CLASSES.snapshot()
}

/// A class's name.
pub fn name(c: Class) -> &'static CStr {
    // SAFETY: a registered class is live and has a C string name (checked at registration).
    unsafe {
        let n = (*c.0).name;
        if n.is_null() {
            c""
        } else {
            CStr::from_ptr(n)
        }
    }
}

/// `rte_class_register`.
///
/// # Safety
/// `cls` is NULL or points to a `struct rte_class` valid until it is unregistered.
pub unsafe fn register(cls: *mut rte_class) -> Result<()> {
    if cls.is_null() {
        return Err(err!(libc::EINVAL, "class is NULL: not registered"));
    }
    // SAFETY: non-NULL and valid (caller); a non-NULL name is a C string.
    if unsafe { (*cls).name.is_null() || *(*cls).name == 0 } {
        return Err(err!(libc::EINVAL, "the class has no name: not registered"));
    }
    let me = Ptr(cls);
    // SAFETY: cls is valid until unregistered (caller); it is added once.
    let added = unsafe {
        CLASSES.change(|v| {
            if v.contains(&me) {
                return false;
            }
            v.push(me);
            true
        })
    };
    if !added {
        return Err(err!(
            libc::EEXIST,
            "class {} is already registered",
            name(me).to_string_lossy()
        ));
    }
    eal_log!(
        RTE_LOG_DEBUG,
        "Registered [{}] device class.",
        name(me).to_string_lossy()
    );
    Ok(())
}

/// `rte_class_unregister`.
///
/// # Safety
/// Every registered class is live (the registry's rule).
pub unsafe fn unregister(cls: *mut rte_class) -> Result<()> {
    let me = Ptr(cls);
    // SAFETY: the remaining classes are live.
    let found = unsafe {
        CLASSES.change(|v| {
            let n = v.len();
            v.retain(|c| *c != me);
            v.len() != n
        })
    };
    if !found {
        return Err(err!(libc::EINVAL, "this class is not registered"));
    }
    eal_log!(
        RTE_LOG_DEBUG,
        "Unregistered [{}] device class.",
        name(me).to_string_lossy()
    );
    Ok(())
}

/// `rte_class_find`: the first class after `start` (or from the first) that `matches`.
/// Err when `start` is not registered.
pub fn find(start: *const rte_class, matches: impl FnMut(&Class) -> bool) -> Result<Option<Class>> {
    find_from(&all(), start, false, matches)
}

/// The first class of `list` that `matches`, beginning after `start` (at `start` itself when
/// `inclusive`), or from the first when `start` is NULL.
pub(crate) fn find_from(
    list: &[Class],
    start: *const rte_class,
    inclusive: bool,
    mut matches: impl FnMut(&Class) -> bool,
) -> Result<Option<Class>> {
    let from = if start.is_null() {
        0
    } else {
        list.iter()
            .position(|c| std::ptr::eq(c.0, start))
            .map(|i| if inclusive { i } else { i + 1 })
            .ok_or_else(|| err!(libc::EINVAL, "start is not a registered class"))?
    };
    Ok(list[from..].iter().find(|c| matches(c)).copied())
}

/// `rte_class_find_by_name`.
pub fn find_by_name(n: &[u8]) -> Option<Class> {
    all().into_iter().find(|&c| name(c).to_bytes() == n)
}
