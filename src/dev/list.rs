//! The EAL's process-local lists of driver-owned objects (buses, classes, devargs), with their
//! `TAILQ_ENTRY` links kept as `<sys/queue.h>` would keep them.
//!
//! DPDK keeps these lists as TAILQs threaded through the objects themselves. The source of truth
//! here is a vector of pointers under a `Mutex`; after every change the objects' `next` links
//! are rewritten to match (first element's `tqe_prev` points at a head owned by the list), so C
//! code that walks `TAILQ_NEXT(obj, next)` sees the same order DPDK would give it.
//!
//! Locking: the mutex is held only to read or change the vector, never while a driver's
//! function runs (a bus's `scan` may register devargs, a class's constructor may run while a
//! bus scans in another thread). Readers take a [`List::snapshot`] and walk it unlocked.
//!
//! Lifetime: the objects belong to their drivers. The list assumes what DPDK assumes: a
//! registered object stays valid until it is removed from the list.

use std::sync::Mutex;

use crate::abi::dev::TailqEntry;

/// A pointer to a driver-owned object on one of the lists.
pub struct Ptr<T>(pub *mut T);

impl<T> std::fmt::Debug for Ptr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:p}", self.0)
    }
}

impl<T> Clone for Ptr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Ptr<T> {}
impl<T> PartialEq for Ptr<T> {
    fn eq(&self, o: &Self) -> bool {
        std::ptr::eq(self.0, o.0)
    }
}
impl<T> Eq for Ptr<T> {}

// SAFETY: the pointee is a C object that DPDK's API lets any thread use; the pointer itself is
// only an address here, dereferenced by code that states its own safety argument.
unsafe impl<T> Send for Ptr<T> {}
// SAFETY: as for Send.
unsafe impl<T> Sync for Ptr<T> {}

/// An object with a `TAILQ_ENTRY(T) next` field.
pub trait Linked: Sized {
    /// The address of `p`'s `next` field.
    ///
    /// # Safety
    /// `p` points to a live object of this type.
    unsafe fn entry(p: *mut Self) -> *mut TailqEntry<Self>;
}

/// A `TAILQ_HEAD`: the first element and the address of the last element's `tqe_next`.
#[repr(C)]
struct Head<T> {
    first: *mut T,
    last: *mut *mut T,
}

struct Inner<T> {
    items: Vec<Ptr<T>>,
    /// Boxed so its address (which the first element's `tqe_prev` holds) never moves.
    head: Option<Box<Head<T>>>,
}

/// A list of driver-owned objects; see the module documentation.
pub struct List<T> {
    inner: Mutex<Inner<T>>,
}

// SAFETY: the raw pointers inside are only touched under the mutex (the objects they point to
// are shared with C by design; see `Ptr`).
unsafe impl<T> Sync for List<T> {}

impl<T: Linked> Default for List<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Linked> List<T> {
    pub const fn new() -> Self {
        List {
            inner: Mutex::new(Inner {
                items: Vec::new(),
                head: None,
            }),
        }
    }

    /// A copy of the list as it is now.
    pub fn snapshot(&self) -> Vec<Ptr<T>> {
        self.lock().items.clone()
    }

    /// Runs `f` on the list without waiting and without allocating: None when the list is being
    /// changed. For a signal handler, which must neither wait for the thread it interrupted nor
    /// call malloc; `f` runs with the list locked, so it must not change the list.
    pub fn try_with<R>(&self, f: impl FnOnce(&[Ptr<T>]) -> R) -> Option<R> {
        match self.inner.try_lock() {
            Ok(g) => Some(f(&g.items)),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(f(&p.into_inner().items)),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    /// Runs `f` on the vector and relinks the objects to match it.
    ///
    /// # Safety
    /// Every pointer `f` leaves in the vector points to a live object of type `T` that nothing
    /// else links.
    pub unsafe fn change<R>(&self, f: impl FnOnce(&mut Vec<Ptr<T>>) -> R) -> R {
        let mut g = self.lock();
        let r = f(&mut g.items);
        let inner = &mut *g;
        let head = inner.head.get_or_insert_with(|| {
            Box::new(Head {
                first: std::ptr::null_mut(),
                last: std::ptr::null_mut(),
            })
        });
        // SAFETY: the caller guarantees every item is live; head is ours.
        unsafe { relink(&inner.items, head) };
        r
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<T>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Rewrites the `next` links of `items` (and `head`) as `TAILQ_INSERT_TAIL` in this order would.
///
/// # Safety
/// Every item points to a live `T`.
unsafe fn relink<T: Linked>(items: &[Ptr<T>], head: &mut Head<T>) {
    let head_first: *mut *mut T = &mut head.first;
    let mut prev_next = head_first;
    for it in items {
        // SAFETY: `it` is live (caller); `prev_next` is the head's `first` or the previous
        // item's `tqe_next`, both valid for writes.
        unsafe {
            *prev_next = it.0;
            let e = T::entry(it.0);
            (*e).tqe_prev = prev_next;
            (*e).tqe_next = std::ptr::null_mut();
            prev_next = std::ptr::addr_of_mut!((*e).tqe_next);
        }
    }
    if items.is_empty() {
        head.first = std::ptr::null_mut();
        head.last = head_first;
    } else {
        head.last = prev_next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(C)]
    struct Obj {
        next: TailqEntry<Obj>,
        v: u32,
    }

    impl Linked for Obj {
        unsafe fn entry(p: *mut Self) -> *mut TailqEntry<Self> {
            // SAFETY: the caller's guarantee.
            unsafe { std::ptr::addr_of_mut!((*p).next) }
        }
    }

    fn obj(v: u32) -> *mut Obj {
        Box::into_raw(Box::new(Obj {
            next: TailqEntry {
                tqe_next: std::ptr::null_mut(),
                tqe_prev: std::ptr::null_mut(),
            },
            v,
        }))
    }

    #[test]
    fn links_follow_the_vector_like_a_tailq() {
        let l: List<Obj> = List::new();
        let (a, b, c) = (obj(1), obj(2), obj(3));
        // SAFETY: the objects are live boxes for the whole test.
        unsafe { l.change(|v| v.extend([Ptr(a), Ptr(b), Ptr(c)])) };
        // SAFETY: as above.
        unsafe {
            assert_eq!((*a).next.tqe_next, b);
            assert_eq!((*b).next.tqe_next, c);
            assert!((*c).next.tqe_next.is_null());
            assert_eq!(*(*b).next.tqe_prev, b);
            assert_eq!(*(*a).next.tqe_prev, a, "the head's first points at a");
            assert_eq!(
                (*c).next.tqe_prev.cast::<Obj>(),
                b,
                "c's prev is b's next field"
            );
        }
        // SAFETY: as above.
        unsafe { l.change(|v| v.retain(|p| p.0 != b)) };
        // SAFETY: as above.
        unsafe {
            assert_eq!((*a).next.tqe_next, c);
            assert_eq!(*(*c).next.tqe_prev, c);
            assert_eq!(
                l.snapshot().iter().map(|p| (*p.0).v).collect::<Vec<_>>(),
                [1, 3]
            );
        }
        for p in [a, b, c] {
            // SAFETY: each was made by Box::into_raw above and is freed once.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}
