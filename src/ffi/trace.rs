//! ffi trace (stub).
