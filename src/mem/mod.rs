//! The memory layer (DPDK's fbarray -> memseg lists -> memalloc): hugepage discovery, file-backed
//! arrays, memseg lists and their page allocation, memory events, init of a process's memory,
//! the IOVA policy and address translations, and the page sync with other processes, which this layer asks for through the
//! [`memsync::PeerSync`] trait that IPC implements above it.
//!
//! Layer 7: below the heaps that take its pages.

pub mod addr;
pub mod fbarray;
pub mod hugepage;
pub mod memalloc;
pub mod memevent;
pub mod meminit;
pub mod memseg;
pub mod memsync;
