//! rtemem's own shared layouts: areas of the shared config (`crate::base::mcfg`) that layers
//! above it own.
//!
//! The shared config sits below memory, but it also holds the heap table (`crate::malloc`)
//! and the memzone table (`crate::memzone`), both above it. So it embeds each as an opaque,
//! aligned [`SharedArea`] of a size fixed here, and the owning layer reads its area through
//! [`SharedArea::get`], typed with its own table. The owner's type must fit: `get` checks size
//! and alignment at compile time, so a table that outgrows its area fails the build (raise the
//! size here and bump `MCFG_VERSION`). An area's bytes are zero until the owner writes them,
//! and the owner's type must accept that ([`ZeroedShared`]).

use std::cell::UnsafeCell;
use std::mem::{align_of, size_of, MaybeUninit};

/// Alignment of every area (a cache line, more than any table needs).
pub(crate) const SHARED_AREA_ALIGN: usize = 64;
/// Bytes of the malloc heap table's area (`crate::malloc::HeapTable`, about 17.2 MiB now: 8 MiB
/// of it the chunk maps, sparse).
pub(crate) const HEAP_TABLE_AREA: usize = 18 << 20;
/// Bytes of the memzone table's area (`crate::memzone::MemzoneTable`, about 16 KiB now).
pub(crate) const MEMZONE_TABLE_AREA: usize = 24 << 10;

/// A type that may live in a [`SharedArea`].
///
/// # Safety
/// All-zero bytes are a valid value of the type; it is changed only through its own interior
/// mutability, synchronised for use by several threads and processes at once; and it holds no
/// pointer into one process's private memory, so every process of the prefix may read it at
/// the same address.
pub unsafe trait ZeroedShared {}

/// `N` opaque bytes of the shared config, aligned to [`SHARED_AREA_ALIGN`], that one layer
/// above the config owns.
///
/// cbindgen:ignore
#[repr(C, align(64))]
pub struct SharedArea<const N: usize>(UnsafeCell<[MaybeUninit<u8>; N]>);

const _: () = assert!(align_of::<SharedArea<1>>() == SHARED_AREA_ALIGN);

impl<const N: usize> SharedArea<N> {
    /// The area as its owner's type. Fails to compile when `T` does not fit the area.
    pub fn get<T: ZeroedShared>(&self) -> &T {
        const {
            assert!(
                size_of::<T>() <= N,
                "the table outgrew its shared-config area: raise the area's size in abi/shared.rs and bump MCFG_VERSION"
            );
            assert!(align_of::<T>() <= SHARED_AREA_ALIGN);
        };
        // SAFETY: the area is at least size_of::<T>() bytes and aligned for T (checked above);
        // it lives in the shared config, which starts zeroed, and all-zero bytes are a valid T
        // (ZeroedShared); after that only T's own interior mutability changes it, so the bytes
        // are always a valid T. The UnsafeCell makes that mutability through `&self` sound.
        unsafe { &*self.0.get().cast::<T>() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[repr(C)]
    struct Pair {
        a: AtomicU32,
        b: AtomicU32,
    }
    // SAFETY: two atomics: zero is valid, synchronised, no pointers.
    unsafe impl ZeroedShared for Pair {}

    #[test]
    fn area_is_typed_by_its_owner_and_starts_zeroed() {
        // SAFETY: all-zero bytes are a valid (zeroed) area.
        let area: Box<SharedArea<64>> = Box::new(unsafe { std::mem::zeroed() });
        assert_eq!(area.as_ref() as *const _ as usize % SHARED_AREA_ALIGN, 0);
        let p: &Pair = area.get();
        assert_eq!(p.a.load(Ordering::Relaxed), 0);
        p.b.store(7, Ordering::Relaxed);
        assert_eq!(area.get::<Pair>().b.load(Ordering::Relaxed), 7);
    }
}
