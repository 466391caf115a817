//! rtemem: DPDK 22.11's EAL in Rust.
//!
//! Folders are layers (see `../shared/DESIGN.md`). A module imports only from its own layer or
//! the ones below it; `scripts/check-layers.sh` holds this table and fails on an upward import.
//! Bottom to top:
//!
//! | layer | what it holds |
//! | --- | --- |
//! | [`error`] | the crate's `Error`/`Result` and the `err!` macro |
//! | [`sys`] | the only code that calls libc or nix |
//! | [`abi`] | DPDK 22.11's public structs and constants; rtemem's shared layouts |
//! | [`options`] | argv -> `EalConfig`, and the value parsers |
//! | [`config`] | the process's `EalConfig` and `EalState`, written once by init |
//! | [`sync`] | process-shared robust locks |
//! | [`base`] | `rte_errno`, log, lcores, tailqs, runtime dir, plugins, the shared config, trace points, ... |
//! | [`mem`] | hugepages, fbarray, memseg lists, page allocation, memory events, page sync |
//! | [`heap`] | the allocator core |
//! | [`malloc`] | the `rte_malloc` family over the heaps |
//! | [`memzone`] | named zones over the heaps |
//! | [`intr`] | the interrupt thread, interrupt instances, epoll, alarms |
//! | [`mp`] | `rte_mp` IPC; implements the memory layer's page sync |
//! | [`trace`] | trace init and teardown, the CTF metadata, `rte_trace_save`, `rte_trace_dump` |
//! | (telemetry) | reserved |
//! | [`service`] | services and service lcores |
//! | [`dev`] | buses, devices, classes, devargs, hotplug, device events, VFIO |
//! | [`init`] | `rte_eal_init` / `rte_eal_cleanup`: wires the layers |
//! | [`ffi`] | the `extern "C"` shims, and nothing else |
//!
//! `ffi` is the only module with `#[no_mangle] extern "C"` functions.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod abi;
pub mod base;
pub mod config;
pub mod dev;
pub mod error;
pub mod ffi;
pub mod heap;
pub mod init;
pub mod intr;
pub mod malloc;
pub mod mem;
pub mod memzone;
pub mod mp;
pub mod options;
pub mod service;
pub mod sync;
pub mod sys;
pub mod trace;
