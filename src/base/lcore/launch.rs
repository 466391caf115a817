//! Worker threads and remote launch (DPDK's `eal_common_launch.c` and `eal_thread.c`).
//!
//! Every lcore has a [`Slot`]: its state (`WAIT` or `RUNNING`, DPDK 22.11 has no `FINISHED`),
//! the job handed to it, and the return value of the last job. A worker lcore has a thread
//! that sleeps on the slot's `wake` condition variable until a job arrives, runs it, stores the
//! result, sets `WAIT` and signals `done`. Nothing polls: an idle worker and a waiting
//! `rte_eal_wait_lcore` are both blocked in the kernel (futex).
//!
//! Memory ordering: the job is handed over, and the result handed back, under the slot's mutex;
//! everything the launcher wrote before `rte_eal_remote_launch` is visible to the function
//! (mutex release/acquire), and everything the function wrote is visible after
//! `rte_eal_wait_lcore` returns. `state` is also an atomic written with Release under the mutex,
//! so `rte_eal_get_lcore_state` can read it without locking (Acquire).
//!
//! Semantics kept from DPDK 22.11: a launch on a lcore not in `WAIT` fails with `-EBUSY`; the
//! state is `RUNNING` from the moment the launch returns until the function returns; a finished
//! lcore is `WAIT` again and may be relaunched without a wait; `rte_eal_wait_lcore` returns the
//! last function's return value (0 if none ran) every time it is called; `CALL_MAIN` runs the
//! function on the caller and records its result in the main lcore's slot.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::cpuset::CpuSet;
use super::{LcoreFn, Lcores, RUNNING, WAIT};
use crate::base::log::RTE_LOG_DEBUG;
use crate::error::Result;

#[derive(Clone, Copy)]
struct Job {
    f: LcoreFn,
    /// The argument, as an address: the caller vouches that it may be used on the worker.
    arg: usize,
}

#[derive(Default)]
struct SlotInner {
    job: Option<Job>,
    ret: c_int,
    has_worker: bool,
    stop: bool,
}

/// One lcore's launch state.
#[derive(Default)]
pub(crate) struct Slot {
    state: AtomicI32,
    inner: Mutex<SlotInner>,
    wake: Condvar,
    done: Condvar,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotInner> {
        // A panic cannot happen while the lock is held (no user code runs under it), but a
        // poisoned lock must not take the process down either.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn state(&self) -> i32 {
        self.state.load(Ordering::Acquire)
    }

    /// Hands `f(arg)` to this slot's worker. `Err(EBUSY)` when it is not in `WAIT`.
    pub(crate) fn launch(&self, id: u32, f: LcoreFn, arg: *mut c_void) -> Result<()> {
        let mut g = self.lock();
        if !g.has_worker {
            return Err(crate::err!(
                libc::EINVAL,
                "lcore {id} has no worker thread to launch on"
            ));
        }
        if self.state() != WAIT {
            return Err(crate::err!(libc::EBUSY, "lcore {id} is busy"));
        }
        g.job = Some(Job {
            f,
            arg: arg as usize,
        });
        self.state.store(RUNNING, Ordering::Release);
        self.wake.notify_one();
        Ok(())
    }

    /// Blocks until the slot is in `WAIT`; returns the last function's return value.
    pub(crate) fn wait(&self) -> c_int {
        let mut g = self.lock();
        while self.state() != WAIT {
            g = self.done.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        g.ret
    }

    /// Records the result of a function the caller ran itself (CALL_MAIN).
    pub(crate) fn record(&self, ret: c_int) {
        let mut g = self.lock();
        g.ret = ret;
        self.state.store(WAIT, Ordering::Release);
        self.done.notify_all();
    }

    /// The worker's loop: run jobs until asked to stop.
    fn serve(&self) {
        let mut g = self.lock();
        loop {
            if let Some(job) = g.job.take() {
                drop(g);
                // SAFETY: `f` and `arg` come from rte_eal_remote_launch, whose caller
                // guarantees that `f` may be called with `arg` on this lcore's thread.
                let ret = unsafe { (job.f)(job.arg as *mut c_void) };
                g = self.lock();
                g.ret = ret;
                self.state.store(WAIT, Ordering::Release);
                self.done.notify_all();
                continue;
            }
            if g.stop {
                return;
            }
            g = self.wake.wait(g).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn mark_started(&self) {
        let mut g = self.lock();
        g.has_worker = true;
        g.stop = false;
    }

    /// Asks the worker to leave its loop once idle. Returns true if it is idle now.
    fn request_stop(&self) -> bool {
        let mut g = self.lock();
        g.stop = true;
        g.has_worker = false;
        self.wake.notify_all();
        self.state() == WAIT && g.job.is_none()
    }
}

/// Stack size for worker threads: `--huge-worker-stack=<KiB>` if given, else the process's
/// stack limit like a default pthread (8 MiB when unlimited or unknown).
pub(crate) fn worker_stack_size(huge_worker_stack_kib: Option<u64>) -> usize {
    const DEFAULT: usize = 8 << 20;
    if let Some(kib) = huge_worker_stack_kib.filter(|&k| k > 0) {
        return usize::try_from(kib)
            .ok()
            .and_then(|k| k.checked_mul(1024))
            .unwrap_or(DEFAULT);
    }
    match crate::sys::stack_limit() {
        Some(n) => usize::try_from(n).unwrap_or(DEFAULT).max(1 << 16),
        None => DEFAULT,
    }
}

/// Where `--huge-worker-stack` stacks come from: `alloc(size, socket)` gives zeroed memory
/// (NULL when there is none), `free` takes it back. Provided by the layer that owns the heaps.
#[derive(Clone, Copy)]
pub struct StackSource {
    pub alloc: fn(usize, i32) -> *mut u8,
    pub free: fn(*mut u8),
}

/// A worker lcore's thread: a std thread, or a pthread on a stack from a [`StackSource`].
pub(crate) enum WorkerThread {
    Std(std::thread::JoinHandle<()>),
    OnStack {
        tid: libc::pthread_t,
        stack: *mut u8,
        free: fn(*mut u8),
    },
}

// SAFETY: a pthread id and the address of memory that only the joiner frees.
unsafe impl Send for WorkerThread {}

impl WorkerThread {
    /// Waits for the thread to exit, then frees its stack.
    fn join(self) {
        match self {
            WorkerThread::Std(h) => {
                let _ = h.join();
            }
            WorkerThread::OnStack { tid, stack, free } => {
                // SAFETY: tid is a joinable thread we created and join once.
                if unsafe { crate::sys::pthread_join(tid) } == 0 {
                    free(stack);
                }
            }
        }
    }
}

/// Starts `f` on a pthread whose stack is the `size` bytes at `stack`.
fn spawn_on_stack(
    name: &str,
    stack: *mut u8,
    size: usize,
    f: Box<dyn FnOnce() + Send>,
) -> std::io::Result<libc::pthread_t> {
    extern "C" fn trampoline(arg: *mut c_void) -> *mut c_void {
        // SAFETY: arg is the Box leaked below, taken back exactly once.
        let f = unsafe { Box::from_raw(arg.cast::<Box<dyn FnOnce() + Send>>()) };
        // No unwinding out of an extern "C" function.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        std::ptr::null_mut()
    }
    let mut attr = crate::sys::PthreadAttr::new().map_err(std::io::Error::from_raw_os_error)?;
    // SAFETY: the stack is ours (allocated for this thread) and freed only after the join.
    let rc = unsafe { attr.set_stack(stack.cast(), size) };
    if rc != 0 {
        return Err(std::io::Error::from_raw_os_error(rc));
    }
    let arg = Box::into_raw(Box::new(f));
    let mut tid: libc::pthread_t = 0;
    // SAFETY: attr is initialised; arg stays valid until the trampoline takes it.
    let rc = unsafe { crate::sys::pthread_create(&mut tid, attr.as_ptr(), trampoline, arg.cast()) };
    if rc != 0 {
        // SAFETY: the thread was not created: the box is still ours.
        drop(unsafe { Box::from_raw(arg) });
        return Err(std::io::Error::from_raw_os_error(rc));
    }
    if let Ok(n) = std::ffi::CString::new(name) {
        let _ = crate::sys::pthread_setname(tid, &n);
    }
    Ok(tid)
}

impl Lcores {
    /// Spawns one pinned worker per worker lcore (every enabled lcore but the main one) and
    /// waits until each is ready. On failure every worker already started is stopped.
    pub(crate) fn spawn_workers(self: &Arc<Self>, stack_size: usize) -> Result<()> {
        self.spawn_workers_with(stack_size, None)
    }

    /// As [`Lcores::spawn_workers`]; with `stacks`, each worker runs on a stack of
    /// `stack_size` bytes from it, on the lcore's socket.
    pub(crate) fn spawn_workers_with(
        self: &Arc<Self>,
        stack_size: usize,
        stacks: Option<StackSource>,
    ) -> Result<()> {
        let (tx, rx) = std::sync::mpsc::channel::<Result<()>>();
        let main = self.main();
        let ids: Vec<u32> = self.enabled().filter(|&i| i != main).collect();
        let mut started = 0;
        let mut failure = None;
        for &id in &ids {
            let me = Arc::clone(self);
            let tx = tx.clone();
            let cpus = self.entry(id).cpuset.load();
            let name = format!("rte-worker-{id}");
            let spawned = match stacks {
                None => {
                    self.entry(id).slot.mark_started();
                    std::thread::Builder::new()
                        .name(name)
                        .stack_size(stack_size)
                        .spawn(move || me.worker_main(id, cpus, tx))
                        .map(WorkerThread::Std)
                }
                Some(src) => {
                    let socket = self.entry(id).socket_id.load(Ordering::Relaxed) as i32;
                    let stack = (src.alloc)(stack_size, socket);
                    if stack.is_null() {
                        failure = Some(crate::err!(
                            libc::ENOMEM,
                            "Cannot allocate worker lcore stack memory: {stack_size} bytes of hugepage memory for lcore {id} (--huge-worker-stack)"
                        ));
                        break;
                    }
                    self.entry(id).slot.mark_started();
                    match spawn_on_stack(
                        &name,
                        stack,
                        stack_size,
                        Box::new(move || me.worker_main(id, cpus, tx)),
                    ) {
                        Ok(tid) => Ok(WorkerThread::OnStack {
                            tid,
                            stack,
                            free: src.free,
                        }),
                        Err(e) => {
                            (src.free)(stack);
                            Err(e)
                        }
                    }
                }
            };
            match spawned {
                Ok(h) => {
                    self.workers
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((id, h));
                    started += 1;
                }
                Err(e) => {
                    self.entry(id).slot.request_stop();
                    failure = Some(crate::error::Error::os(
                        format!("cannot create the thread of lcore {id}"),
                        e,
                    ));
                    break;
                }
            }
        }
        for _ in 0..started {
            match rx.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    failure.get_or_insert(e);
                }
                Err(_) => {
                    failure.get_or_insert(crate::err!(
                        libc::EFAULT,
                        "a worker thread died during start"
                    ));
                }
            }
        }
        match failure {
            None => Ok(()),
            Some(e) => {
                self.stop_workers();
                Err(e)
            }
        }
    }

    fn worker_main(
        self: Arc<Self>,
        id: u32,
        cpus: CpuSet,
        ready: std::sync::mpsc::Sender<Result<()>>,
    ) {
        if let Err(e) = super::cpuset::set_current_thread_affinity(&cpus) {
            let _ = ready.send(Err(crate::err!(e.errno, "lcore {id}: {}", e.msg)));
            return;
        }
        self.thread_init(id, &cpus);
        let (list, _) = cpus.to_list_string(super::cpuset::RTE_CPU_AFFINITY_STR_LEN);
        crate::eal_log!(
            RTE_LOG_DEBUG,
            "lcore {id} is ready (tid={:x};cpuset=[{list}])",
            crate::sys::pthread_self(),
        );
        crate::base::trace::eal::thread_lcore_ready(
            id,
            crate::base::trace::TraceStr::from_bytes(list.as_bytes()),
        );
        let _ = ready.send(Ok(()));
        drop(ready);
        self.entry(id).slot.serve();
    }

    /// Stops and joins every worker thread. A worker still running a function is told to stop
    /// when it returns and left detached (joining it could hang the caller forever).
    pub(crate) fn stop_workers(&self) {
        let workers = std::mem::take(&mut *self.workers.lock().unwrap_or_else(|e| e.into_inner()));
        for (id, h) in workers {
            if self.entry(id).slot.request_stop() {
                h.join();
            } else {
                crate::eal_log!(
                    crate::base::log::RTE_LOG_WARNING,
                    "lcore {id} is still running a function at cleanup; its thread will exit when it returns"
                );
            }
        }
    }

    /// `rte_eal_remote_launch` (trace point `lib.eal.thread.remote.launch`).
    pub fn remote_launch(&self, f: LcoreFn, arg: *mut c_void, id: u32) -> Result<()> {
        let r = self
            .checked_entry(id)
            .and_then(|e| e.slot.launch(id, f, arg));
        let rc = r.as_ref().map_or_else(|e| -e.errno, |_| 0);
        crate::base::trace::eal::thread_remote_launch(f as usize, arg as usize, id, rc);
        r
    }

    /// `rte_eal_wait_lcore`: 0 for ids out of range (nothing ever ran there).
    pub fn wait_lcore(&self, id: u32) -> c_int {
        match self.checked_entry(id) {
            Ok(e) => e.slot.wait(),
            Err(_) => 0,
        }
    }

    /// `rte_eal_get_lcore_state`: WAIT for ids out of range.
    pub fn lcore_state(&self, id: u32) -> i32 {
        self.checked_entry(id)
            .map(|e| e.slot.state())
            .unwrap_or(WAIT)
    }

    /// `rte_eal_mp_remote_launch`: `Err(EBUSY)` (launching nothing) unless every worker is WAIT.
    ///
    /// # Safety
    /// With `call_main`, `f(arg)` is called on the calling thread: it must be sound to call.
    pub unsafe fn mp_remote_launch(
        &self,
        f: LcoreFn,
        arg: *mut c_void,
        call_main: bool,
    ) -> Result<()> {
        let main = self.main();
        let workers: Vec<u32> = self.enabled().filter(|&i| i != main).collect();
        if let Some(busy) = workers.iter().find(|&&i| self.lcore_state(i) != WAIT) {
            return Err(crate::err!(libc::EBUSY, "lcore {busy} is busy"));
        }
        for &id in &workers {
            // DPDK ignores a failure here too; the state check above makes it unlikely.
            let _ = self.remote_launch(f, arg, id);
        }
        if call_main {
            // SAFETY: the caller of rte_eal_mp_remote_launch guarantees f(arg) may run here.
            let ret = unsafe { f(arg) };
            if let Ok(e) = self.checked_entry(main) {
                e.slot.record(ret);
            }
        }
        Ok(())
    }

    /// `rte_eal_mp_wait_lcore`: waits for every worker lcore.
    pub fn mp_wait_lcore(&self) {
        let main = self.main();
        let workers: Vec<u32> = self.enabled().filter(|&i| i != main).collect();
        for id in workers {
            self.wait_lcore(id);
        }
    }
}
