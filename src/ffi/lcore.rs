//! ffi lcore (stub).
