//! Small stand-alone utilities of DPDK's EAL: UUIDs ([`uuid`]), division by invariant integers
//! ([`reciprocal`]), the lcore keepalive monitor ([`keepalive`]) and the file helpers drivers
//! use ([`fs`]: sysfs values, firmware files).
//!
//! None of them keeps process-wide state or needs `rte_eal_init`.

pub mod fs;
pub mod keepalive;
pub mod reciprocal;
pub mod uuid;
