//! Futexes on 32-bit words that may live in memory shared between processes (no
//! `FUTEX_PRIVATE_FLAG`): the one futex wrapper of the crate.

use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// Sleeps while `*word == expected`, at most `timeout` (None: until woken). Returns on a wake,
/// a timeout, a signal, or at once when the word already differs; callers re-check their
/// condition. Returns false when the wait timed out.
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> bool {
    let ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: t.subsec_nanos() as libc::c_long,
    });
    let tsp = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a valid, aligned 32-bit word for the duration of the call; the timeout
    // (relative, as FUTEX_WAIT takes it) is NULL or points to a live timespec.
    let r = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            tsp,
            0usize,
            0u32,
        )
    };
    !(r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ETIMEDOUT))
}

/// Wakes up to `n` waiters on `word` (`i32::MAX`: all of them).
pub fn futex_wake(word: &AtomicU32, n: i32) {
    // SAFETY: `word` is a valid, aligned 32-bit word; waking has no other effect.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE,
            n,
            std::ptr::null::<libc::timespec>(),
            0usize,
            0u32,
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn wait_returns_at_once_when_the_word_differs_and_times_out_otherwise() {
        let w = AtomicU32::new(1);
        let t = Instant::now();
        assert!(
            futex_wait(&w, 0, Some(Duration::from_secs(5))),
            "the word differs: no sleep, no timeout"
        );
        assert!(t.elapsed() < Duration::from_secs(1));
        let t = Instant::now();
        assert!(
            !futex_wait(&w, 1, Some(Duration::from_millis(20))),
            "timed out"
        );
        assert!(t.elapsed() >= Duration::from_millis(15));
    }

    #[test]
    fn wake_ends_a_wait() {
        let w = Arc::new(AtomicU32::new(0));
        let w2 = w.clone();
        let waiter = std::thread::spawn(move || {
            let t = Instant::now();
            while w2.load(Ordering::Acquire) == 0 {
                futex_wait(&w2, 0, Some(Duration::from_secs(10)));
            }
            t.elapsed()
        });
        std::thread::sleep(Duration::from_millis(20));
        w.store(1, Ordering::Release);
        futex_wake(&w, i32::MAX);
        assert!(waiter.join().unwrap() < Duration::from_secs(5));
    }
}
