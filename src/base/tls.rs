//! Per-thread state of the hot paths, kept in C initial-exec TLS (`csrc/eal_shim.c`).
//!
//! Rust's `thread_local!` in a shared library goes through `__tls_get_addr` on every access,
//! which costs more than the rest of a small `rte_malloc`+`rte_free`. The fields here are read
//! with one call to a local function that returns an `%fs`-relative address. Only plain data,
//! no destructors: the heap keeps its own `thread_local!` for releasing cache slots at thread
//! exit.

/// Mirrors `struct rtemem_hot_tls` in csrc/eal_shim.c.
#[repr(C)]
pub struct HotTls {
    /// Heap this thread used last (its address), with the thread's cache slot in it.
    pub heap_key: usize,
    pub heap_slot: usize,
    /// Malloc sub-heap this thread freed into last.
    pub last_free: usize,
    /// This thread's socket (`rte_socket_id()`), u32::MAX when unknown.
    pub socket: u32,
    _pad: u32,
}

extern "C" {
    fn rtemem__hot_tls() -> *mut HotTls;
}

/// This thread's hot state.
#[inline(always)]
pub fn hot() -> *mut HotTls {
    // SAFETY: the C accessor has no preconditions and returns this thread's block, valid for
    // the thread's lifetime.
    unsafe { rtemem__hot_tls() }
}

/// Reads a field of this thread's hot state.
#[inline(always)]
pub fn get<T: Copy>(f: impl FnOnce(&HotTls) -> T) -> T {
    // SAFETY: the block belongs to this thread and nothing else holds a reference to it.
    f(unsafe { &*hot() })
}

/// Updates this thread's hot state.
#[inline(always)]
pub fn set(f: impl FnOnce(&mut HotTls)) {
    // SAFETY: as in `get`; the mutable borrow ends with the closure.
    f(unsafe { &mut *hot() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thread_has_its_own_block_starting_with_an_unknown_socket() {
        assert_eq!(get(|h| h.socket), u32::MAX);
        set(|h| h.socket = 3);
        let other = std::thread::spawn(|| get(|h| h.socket)).join().unwrap();
        assert_eq!(other, u32::MAX);
        assert_eq!(get(|h| h.socket), 3);
        set(|h| h.socket = u32::MAX);
    }
}
