//! The C library's pattern matching, used where DPDK's semantics are the C library's: shell
//! globs (`fnmatch`) and POSIX basic regular expressions (`regcomp`/`regexec`).

use std::ffi::CStr;

use crate::error::{Error, Result};

/// True when `name` matches the shell glob `pattern` (`fnmatch` with no flags).
pub fn fnmatch(pattern: &CStr, name: &CStr) -> bool {
    // SAFETY: both arguments are NUL-terminated strings that outlive the call; fnmatch only
    // reads them.
    unsafe { libc::fnmatch(pattern.as_ptr(), name.as_ptr(), 0) == 0 }
}

/// A compiled POSIX basic regular expression (`regcomp` with no flags).
pub struct PosixRegex(Box<libc::regex_t>);

// SAFETY: a compiled regex_t is only read by regexec, which POSIX requires to be thread-safe
// (glibc serialises its internal DFA cache with a lock); it is freed only in Drop.
unsafe impl Send for PosixRegex {}
// SAFETY: as above: shared use is only concurrent regexec calls.
unsafe impl Sync for PosixRegex {}

impl PosixRegex {
    /// Compiles `pattern`; EINVAL when it is not a valid basic regular expression.
    pub fn new(pattern: &CStr) -> Result<Self> {
        // SAFETY: regex_t is a plain C struct for which all-zero bytes are a valid value;
        // regcomp initialises it.
        let mut re: Box<libc::regex_t> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: `re` points to writable storage for a regex_t and `pattern` is NUL-terminated.
        let rc = unsafe { libc::regcomp(&mut *re, pattern.as_ptr(), 0) };
        if rc != 0 {
            return Err(Error::new(
                libc::EINVAL,
                format!("{pattern:?} is not a valid POSIX regular expression"),
            ));
        }
        Ok(PosixRegex(re))
    }

    /// True when the expression matches somewhere in `s` (searched, not anchored).
    pub fn is_match(&self, s: &CStr) -> bool {
        // SAFETY: self.0 was compiled by regcomp; `s` is NUL-terminated; no match array is
        // requested (nmatch 0, pmatch NULL).
        unsafe { libc::regexec(&*self.0, s.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

impl Drop for PosixRegex {
    fn drop(&mut self) {
        // SAFETY: self.0 was successfully compiled by regcomp and is freed exactly once.
        unsafe { libc::regfree(&mut *self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_basic_regexes_follow_the_c_library() {
        assert!(fnmatch(c"lib.*", c"lib.eal"));
        assert!(!fnmatch(c"lib.*", c"pmd.net"));
        let re = PosixRegex::new(c"e\\+al").unwrap();
        assert!(
            re.is_match(c"lib.eeal"),
            "GNU \\+ works in a basic expression"
        );
        assert!(
            !PosixRegex::new(c"a+").unwrap().is_match(c"aa"),
            "a bare + is literal"
        );
        assert_eq!(PosixRegex::new(c"a\\{1").err().unwrap().errno, libc::EINVAL);
    }
}
