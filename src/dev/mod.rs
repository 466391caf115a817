//! Buses, devices and drivers. VFIO, the kernel interface the PCI bus driver uses to give
//! devices to user space, is in [`vfio`].

pub mod vfio;
