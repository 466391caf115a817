//! ffi eal (stub).
