//! Buses, devices, drivers, classes and device arguments: DPDK 22.11's device model
//! (`eal_common_bus.c`, `_class.c`, `_dev.c`, `_devargs.c`, `hotplug_mp.c`, `linux/eal_dev.c`).
//!
//! The EAL owns no device. Bus drivers (Debian's `librte_bus_vdev`, `librte_bus_pci`, ...)
//! register a `struct rte_bus` from a constructor, often before `main`; classes (ethdev's "eth")
//! likewise. The EAL keeps the lists ([`bus`], [`class`]), parses device strings ([`devargs`],
//! with our own [`kvargs`] parser) into the devargs list that `-a`, `-b` and `--vdev` fill,
//! drives the buses (scan and probe at init, cleanup at exit), walks devices for the
//! [`iter`]ator, and keeps hot-plugged devices in step across the processes of a prefix
//! ([`hotplug`]). [`event`] watches the kernel's uevents for device add/remove and handles
//! SIGBUS from a device that went away. VFIO, the kernel interface the PCI bus driver uses to
//! give devices to user space, is in [`vfio`].
//!
//! Invariants: the EAL never dereferences a device, bus or class it was not given by a driver;
//! a driver function is never called with one of our locks held; every object the EAL frees
//! (devargs and their data) comes from libc's allocator, as drivers expect.

pub mod bus;
pub mod class;
pub mod devargs;
pub mod device;
pub mod event;
pub mod hotplug;
pub mod iter;
pub mod kvargs;
pub mod list;
pub mod vfio;

#[cfg(test)]
pub(crate) mod testbus;
