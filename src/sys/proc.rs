//! Processes: ids, `dlopen`. (Lock holders' liveness is the sync layer's: `crate::sync::os`.)

/// True when the process runs as root (effective uid 0).
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The calling thread's kernel thread id.
#[inline]
pub fn gettid() -> i32 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() }
}

/// Loads the shared object at `path` with `RTLD_NOW | RTLD_GLOBAL` and keeps it loaded for the
/// process lifetime (its constructors run now). Err holds `dlerror()`'s text.
pub fn dlopen_global(path: &std::path::Path) -> std::result::Result<(), String> {
    use std::ffi::{CStr, CString};
    let c = CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| "the path contains a NUL byte".to_string())?;
    // SAFETY: c is a valid C string. dlopen runs the object's constructors, which is the point
    // of loading it; the handle is never closed.
    let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if !h.is_null() {
        return Ok(());
    }
    // SAFETY: dlerror returns NULL or a C string valid until the next dl* call on this thread,
    // copied at once.
    let why = unsafe {
        let e = libc::dlerror();
        if e.is_null() {
            "unknown error".to_string()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    };
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gettid_names_a_thread() {
        assert!(gettid() > 0);
    }

    #[test]
    fn dlopen_of_a_missing_object_says_why() {
        let e = dlopen_global(std::path::Path::new("/nonexistent/librtemem-none.so")).unwrap_err();
        assert!(e.contains("librtemem-none.so"), "{e}");
    }
}
