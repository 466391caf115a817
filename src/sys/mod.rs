//! The only code that calls libc or nix functions. Every layer above works with these safe(r)
//! wrappers; libc's constants and types may be named anywhere (`scripts/check-layers.sh`
//! enforces this).
//!
//! One submodule per concern; their items are re-exported here, so callers write
//! `crate::sys::page_size()` whatever file a wrapper lives in:
//! - [`mem`]: mappings, reservations, memfd, `fallocate`, populate, pagemap, NUMA, `mlock`;
//! - [`fs`]: OFD locks, `flock` locks, file identity, a read that allocates nothing;
//! - [`proc`]: ids, pidfds, pid existence, the fork hook, the environment, `raise`, `dlopen`;
//! - [`thread`]: pthreads (create, join, detach, names, scheduling, keys), affinity, the stack
//!   limit;
//! - [`futex`]: wait and wake on a shared 32-bit word;
//! - [`socket`]: unix datagram sockets carrying descriptors, `poll`;
//! - [`cpu`]: the time-stamp counter, `cpuid`, `iopl`, the WAITPKG and RTM instructions;
//! - [`dev`]: the uevent socket, SIGBUS handlers;
//! - [`event`]: epoll, eventfd, timerfd, reads and writes on numbered descriptors, VFIO IRQs;
//! - [`stdio`]: C `FILE *` streams that C callers hand in, C `malloc`/`free`, C `errno`;
//! - [`text`]: the C library's pattern matching (`fnmatch`, POSIX regular expressions);
//! - [`vfio`]: the kernel's VFIO structs and ioctls, behind a trait unit tests can replace
//!   (not re-exported: callers name `sys::vfio`).
//!
//! A wrapper states its preconditions as `# Safety` when it has any; errors come back as the
//! crate's [`Error`](crate::error::Error) (or `io::Error` where the caller wants the OS error
//! kind) with the OS errno kept.

pub mod cpu;
pub mod dev;
pub mod event;
pub mod fs;
pub mod futex;
pub mod mem;
pub mod proc;
pub mod socket;
pub mod stdio;
pub mod text;
pub mod thread;
pub mod vfio;

pub use cpu::*;
pub use dev::*;
pub use event::*;
pub use fs::*;
pub use futex::*;
pub use mem::*;
pub use proc::*;
pub use socket::*;
pub use stdio::*;
pub use text::*;
pub use thread::*;
