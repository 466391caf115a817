//! The crate's error type: every fallible function inside rtemem returns [`Result`].
//!
//! An [`Error`] carries the errno DPDK would report and a message that says why (and, where
//! there is one, the fix). It knows nothing of `rte_errno`: the FFI boundary
//! (`crate::ffi`) turns an `Error` into DPDK's convention (a log line, `rte_errno` set, NULL
//! or a negative value). This is the bottom layer: it imports nothing from the crate.

use std::fmt;

/// A failure inside rtemem: the errno DPDK would report and a message that says why (and,
/// where there is one, the fix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub errno: i32,
    pub msg: String,
}

impl Error {
    pub fn new(errno: i32, msg: impl Into<String>) -> Self {
        Error {
            errno,
            msg: msg.into(),
        }
    }

    /// Builds an error from an OS error, keeping its errno and prefixing `what`.
    pub fn os(what: impl fmt::Display, e: std::io::Error) -> Self {
        Error {
            errno: e.raw_os_error().unwrap_or(libc::EIO),
            msg: format!("{what}: {e}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for Error {}

impl From<nix::Error> for Error {
    fn from(e: nix::Error) -> Self {
        Error {
            errno: e as i32,
            msg: e.desc().to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// `err!(EINVAL, "bad {}", x)` builds an [`Error`].
#[macro_export]
macro_rules! err {
    ($errno:expr, $($fmt:tt)*) => {
        $crate::error::Error::new($errno, format!($($fmt)*))
    };
}
