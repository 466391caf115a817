//! Threads: pthread creation, joining and names, CPU affinity of the calling thread, and the
//! stack size limit.

use std::ffi::{c_char, c_int, c_void, CStr};

/// A pthread start routine.
pub type ThreadStart = extern "C" fn(*mut c_void) -> *mut c_void;

/// The calling thread's pthread id.
#[inline]
pub fn pthread_self() -> libc::pthread_t {
    // SAFETY: pthread_self has no preconditions.
    unsafe { libc::pthread_self() }
}

/// Starts a pthread running `f(arg)`. Returns 0 or a positive errno, as `pthread_create`.
///
/// # Safety
/// `thread` is writable; `attr` is NULL or a valid initialised attribute object; `f(arg)` may
/// run on a new thread (whatever `arg` points to stays valid for it).
pub unsafe fn pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    f: ThreadStart,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: the caller's guarantees are pthread_create's.
    unsafe { libc::pthread_create(thread, attr, f, arg) }
}

/// Waits for thread `tid` to exit, discarding its return value. Returns 0 or a positive errno.
///
/// # Safety
/// `tid` is a joinable thread of this process that nobody else joins or has joined.
pub unsafe fn pthread_join(tid: libc::pthread_t) -> c_int {
    // SAFETY: the caller's guarantee; the return value is not wanted (NULL).
    unsafe { libc::pthread_join(tid, std::ptr::null_mut()) }
}

/// Names thread `id` (the kernel keeps 15 bytes: longer names fail with ERANGE). Returns 0 or
/// a positive errno.
pub fn pthread_setname(id: libc::pthread_t, name: &CStr) -> c_int {
    // SAFETY: `name` is NUL-terminated; pthread_setname_np checks `id`.
    unsafe { libc::pthread_setname_np(id, name.as_ptr()) }
}

/// Copies thread `id`'s name into `buf` (`len` bytes). Returns 0 or a positive errno.
///
/// # Safety
/// `buf` is writable for `len` bytes; `id` is a live thread of this process.
pub unsafe fn pthread_getname(id: libc::pthread_t, buf: *mut c_char, len: usize) -> c_int {
    // SAFETY: the caller's guarantee.
    unsafe { libc::pthread_getname_np(id, buf, len) }
}

/// Pins the calling thread to the CPUs of `set`.
pub fn set_thread_affinity(set: &libc::cpu_set_t) -> std::io::Result<()> {
    // SAFETY: `set` is a valid cpu_set_t of the size passed; pid 0 means the calling thread.
    let rc = unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), set) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// The CPUs the calling thread may run on.
pub fn thread_affinity() -> std::io::Result<libc::cpu_set_t> {
    // SAFETY: all-zero is a valid (empty) cpu_set_t.
    let mut c: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is writable and of the size passed; pid 0 means the calling thread.
    let rc = unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut c) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(c)
}

/// The soft limit on the stack size (`RLIMIT_STACK`), None when unlimited or unknown.
pub fn stack_limit() -> Option<u64> {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `rl` is a valid, writable rlimit.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut rl) };
    if rc != 0 || rl.rlim_cur == libc::RLIM_INFINITY {
        return None;
    }
    Some(rl.rlim_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_name_round_trips_and_long_names_fail() {
        let me = pthread_self();
        let old = {
            let mut b = [0 as c_char; 16];
            // SAFETY: b has 16 writable bytes; me is this live thread.
            assert_eq!(unsafe { pthread_getname(me, b.as_mut_ptr(), 16) }, 0);
            b
        };
        assert_eq!(pthread_setname(me, c"rtemem-sys-t"), 0);
        let mut b = [0 as c_char; 16];
        // SAFETY: as above.
        assert_eq!(unsafe { pthread_getname(me, b.as_mut_ptr(), 16) }, 0);
        // SAFETY: getname NUL-terminated the buffer.
        assert_eq!(unsafe { CStr::from_ptr(b.as_ptr()) }, c"rtemem-sys-t");
        assert_eq!(pthread_setname(me, c"a-name-longer-than-15"), libc::ERANGE);
        // SAFETY: old is the NUL-terminated name read above.
        pthread_setname(me, unsafe { CStr::from_ptr(old.as_ptr()) });
    }

    #[test]
    fn affinity_round_trips() {
        let set = thread_affinity().unwrap();
        set_thread_affinity(&set).unwrap();
        let again = thread_affinity().unwrap();
        // SAFETY: CPU_EQUAL only reads both sets.
        assert!(unsafe { libc::CPU_EQUAL(&set, &again) });
    }
}
