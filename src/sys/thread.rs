//! Threads: pthread creation (with attributes), joining, detaching and names, CPU affinity of
//! the calling thread or any thread, scheduling policy and priority, thread-specific data keys,
//! and the stack size limit.

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

/// Waits for thread `tid` to exit and returns the value its start routine returned. Err is
/// pthread_join's positive errno.
///
/// # Safety
/// `tid` is a joinable thread of this process that nobody else joins or has joined.
pub unsafe fn pthread_join_value(tid: libc::pthread_t) -> Result<*mut c_void, c_int> {
    let mut v: *mut c_void = std::ptr::null_mut();
    // SAFETY: the caller's guarantee; `v` is writable.
    let rc = unsafe { libc::pthread_join(tid, &mut v) };
    if rc != 0 {
        return Err(rc);
    }
    Ok(v)
}

/// Marks thread `tid` detached. Returns 0 or a positive errno.
///
/// # Safety
/// `tid` is a thread of this process that was neither joined nor detached.
pub unsafe fn pthread_detach(tid: libc::pthread_t) -> c_int {
    // SAFETY: the caller's guarantee.
    unsafe { libc::pthread_detach(tid) }
}

/// True when `a` and `b` name the same thread.
pub fn pthread_equal(a: libc::pthread_t, b: libc::pthread_t) -> bool {
    // SAFETY: pthread_equal compares two values and dereferences nothing.
    unsafe { libc::pthread_equal(a, b) != 0 }
}

/// The scheduling policy and priority of thread `tid`. Err is a positive errno.
///
/// # Safety
/// `tid` is a live (or joinable) thread of this process.
pub unsafe fn pthread_getschedparam(tid: libc::pthread_t) -> Result<(c_int, c_int), c_int> {
    let mut policy: c_int = 0;
    let mut p = libc::sched_param { sched_priority: 0 };
    // SAFETY: the caller's guarantee; both out-parameters are writable.
    let rc = unsafe { libc::pthread_getschedparam(tid, &mut policy, &mut p) };
    if rc != 0 {
        return Err(rc);
    }
    Ok((policy, p.sched_priority))
}

/// Sets the scheduling policy and priority of thread `tid`. Returns 0 or a positive errno.
///
/// # Safety
/// `tid` is a live (or joinable) thread of this process.
pub unsafe fn pthread_setschedparam(tid: libc::pthread_t, policy: c_int, prio: c_int) -> c_int {
    let p = libc::sched_param {
        sched_priority: prio,
    };
    // SAFETY: the caller's guarantee; `p` is a valid sched_param.
    unsafe { libc::pthread_setschedparam(tid, policy, &p) }
}

/// The lowest and highest priority of scheduling policy `policy` (both -1 for an unknown one).
pub fn sched_priority_range(policy: c_int) -> (c_int, c_int) {
    // SAFETY: both take a policy number and only return a value.
    unsafe {
        (
            libc::sched_get_priority_min(policy),
            libc::sched_get_priority_max(policy),
        )
    }
}

/// Pins thread `tid` to the CPUs of `set`. Returns 0 or a positive errno.
///
/// # Safety
/// `tid` is a live (or joinable) thread of this process.
pub unsafe fn pthread_setaffinity(tid: libc::pthread_t, set: &libc::cpu_set_t) -> c_int {
    // SAFETY: the caller's guarantee; `set` is a whole cpu_set_t of the size passed.
    unsafe { libc::pthread_setaffinity_np(tid, std::mem::size_of::<libc::cpu_set_t>(), set) }
}

/// The CPUs thread `tid` may run on. Err is a positive errno.
///
/// # Safety
/// `tid` is a live (or joinable) thread of this process.
pub unsafe fn pthread_getaffinity(tid: libc::pthread_t) -> Result<libc::cpu_set_t, c_int> {
    // SAFETY: all-zero is a valid (empty) cpu_set_t.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the caller's guarantee; `set` is writable and of the size passed.
    let rc = unsafe {
        libc::pthread_getaffinity_np(tid, std::mem::size_of::<libc::cpu_set_t>(), &mut set)
    };
    if rc != 0 {
        return Err(rc);
    }
    Ok(set)
}

/// A pthread attribute object, destroyed on drop.
pub struct PthreadAttr(libc::pthread_attr_t);

impl PthreadAttr {
    /// `pthread_attr_init`. Err is a positive errno.
    pub fn new() -> Result<PthreadAttr, c_int> {
        // SAFETY: pthread_attr_init fully initialises the zeroed object.
        let mut a: libc::pthread_attr_t = unsafe { std::mem::zeroed() };
        // SAFETY: `a` is writable.
        let rc = unsafe { libc::pthread_attr_init(&mut a) };
        if rc != 0 {
            return Err(rc);
        }
        Ok(PthreadAttr(a))
    }

    /// Threads created with this attribute start on the CPUs of `set`.
    pub fn set_affinity(&mut self, set: &libc::cpu_set_t) -> c_int {
        // SAFETY: self.0 is initialised; `set` is a whole cpu_set_t.
        unsafe {
            libc::pthread_attr_setaffinity_np(
                &mut self.0,
                std::mem::size_of::<libc::cpu_set_t>(),
                set,
            )
        }
    }

    /// Threads created with this attribute take its policy and priority, not the creator's.
    pub fn set_explicit_sched(&mut self) -> c_int {
        // SAFETY: self.0 is initialised.
        unsafe { libc::pthread_attr_setinheritsched(&mut self.0, libc::PTHREAD_EXPLICIT_SCHED) }
    }

    /// Sets the scheduling policy and priority.
    pub fn set_sched(&mut self, policy: c_int, prio: c_int) -> c_int {
        // SAFETY: self.0 is initialised.
        let rc = unsafe { libc::pthread_attr_setschedpolicy(&mut self.0, policy) };
        if rc != 0 {
            return rc;
        }
        let p = libc::sched_param {
            sched_priority: prio,
        };
        // SAFETY: self.0 is initialised; `p` is a valid sched_param.
        unsafe { libc::pthread_attr_setschedparam(&mut self.0, &p) }
    }

    /// Threads created with this attribute run on the `size` bytes at `addr` as their stack.
    ///
    /// # Safety
    /// `addr..addr+size` is writable memory, suitably aligned (16 bytes), that nothing else
    /// uses for as long as a thread created with this attribute runs.
    pub unsafe fn set_stack(&mut self, addr: *mut c_void, size: usize) -> c_int {
        // SAFETY: self.0 is initialised; the caller vouches for the memory.
        unsafe { libc::pthread_attr_setstack(&mut self.0, addr, size) }
    }

    /// The attribute object, for [`pthread_create`].
    pub fn as_ptr(&self) -> *const libc::pthread_attr_t {
        &self.0
    }
}

impl Drop for PthreadAttr {
    fn drop(&mut self) {
        // SAFETY: self.0 was initialised by pthread_attr_init and is destroyed once.
        unsafe { libc::pthread_attr_destroy(&mut self.0) };
    }
}

/// Creates a thread-specific data key whose value is passed to `dtor` when a thread with a
/// non-NULL value exits. Err is a positive errno (EAGAIN when the process has no key left).
pub fn pthread_key_create(
    dtor: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Result<libc::pthread_key_t, c_int> {
    let mut k: libc::pthread_key_t = 0;
    // SAFETY: `k` is writable; dtor is NULL or a function of the right type.
    let rc = unsafe { libc::pthread_key_create(&mut k, dtor) };
    if rc != 0 {
        return Err(rc);
    }
    Ok(k)
}

/// Deletes a key made by [`pthread_key_create`]. Returns 0 or a positive errno.
pub fn pthread_key_delete(k: libc::pthread_key_t) -> c_int {
    // SAFETY: glibc checks the key number; no destructor runs.
    unsafe { libc::pthread_key_delete(k) }
}

/// Sets the calling thread's value of key `k` (a pointer's address: it is stored, never
/// dereferenced). Returns 0 or a positive errno.
pub fn pthread_setspecific(k: libc::pthread_key_t, v: usize) -> c_int {
    // SAFETY: glibc checks the key number; the value is stored, not dereferenced.
    unsafe { libc::pthread_setspecific(k, v as *const c_void) }
}

/// The calling thread's value of key `k` (NULL when unset or the key is invalid).
pub fn pthread_getspecific(k: libc::pthread_key_t) -> *mut c_void {
    // SAFETY: glibc checks the key number and returns NULL for a bad one.
    unsafe { libc::pthread_getspecific(k) }
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
