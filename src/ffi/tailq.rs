//! ffi tailq (stub).
