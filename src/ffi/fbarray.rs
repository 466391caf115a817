//! ffi fbarray (stub).
