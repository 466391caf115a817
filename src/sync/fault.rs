//! Fault points for tests: named places inside rtemem where a test makes a process panic,
//! stop or die, to check that nothing it held stays held.
//!
//! `RTEMEM_FAULT=<point>[@<n>]:<action>[,...]` (at most 8 items): the n-th time (default the
//! first) this process passes `<point>`, it does `<action>`:
//! - `panic`: panics there (the FFI boundary catches it; the guards must release the locks);
//! - `stop`: stops itself with SIGSTOP (the test then kills it with SIGKILL: a process killed
//!   at exactly that instruction);
//! - `kill`: kills itself with SIGKILL.
//!
//! The variable is read at the first point a process passes, and again in a child of fork (so
//! a test may fork, set it and run). Unset, a point costs one relaxed load and a branch.
//! Points are named `<module>.<operation>`; `grep -rn 'fault::point' src` lists them.

use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};

use crate::sys;

const UNKNOWN: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;
const MAX_ITEMS: usize = 8;

static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
static HITS: [AtomicU32; MAX_ITEMS] = [const { AtomicU32::new(0) }; MAX_ITEMS];

fn reset_after_fork() {
    STATE.store(UNKNOWN, Ordering::Relaxed);
    for h in &HITS {
        h.store(0, Ordering::Relaxed);
    }
}

/// A fault point called `name` (see the module doc).
#[inline]
pub fn point(name: &str) {
    if STATE.load(Ordering::Relaxed) != OFF {
        point_slow(name);
    }
}

#[cold]
fn point_slow(name: &str) {
    super::os::on_fork_child(reset_after_fork);
    // Read in place, without allocating (this may run in the child of a fork); tests set the
    // variable before the operation they fault, so it does not change while we read it.
    sys::with_env(c"RTEMEM_FAULT", |spec| {
        let Some(spec) = spec else {
            STATE.store(OFF, Ordering::Relaxed);
            return;
        };
        STATE.store(ON, Ordering::Relaxed);
        for (i, item) in spec.split(|&b| b == b',').take(MAX_ITEMS).enumerate() {
            if let Some(action) = matches(item, name, &HITS[i]) {
                fire(name, action);
            }
        }
    })
}

/// The action of `item` when it names `name` and this is its n-th pass (counted in `hits`).
fn matches<'a>(item: &'a [u8], name: &str, hits: &AtomicU32) -> Option<&'a [u8]> {
    let colon = item.iter().rposition(|&b| b == b':')?;
    let (what, action) = (&item[..colon], &item[colon + 1..]);
    let (point, nth) = match what.iter().position(|&b| b == b'@') {
        Some(at) => (
            &what[..at],
            std::str::from_utf8(&what[at + 1..]).ok()?.parse().ok()?,
        ),
        None => (what, 1u32),
    };
    if point != name.as_bytes() {
        return None;
    }
    (hits.fetch_add(1, Ordering::Relaxed) + 1 == nth).then_some(action)
}

fn fire(name: &str, action: &[u8]) {
    eprintln!(
        "rtemem: fault point {name}: {} (RTEMEM_FAULT)",
        String::from_utf8_lossy(action)
    );
    match action {
        b"panic" => panic!("fault point {name}"),
        b"stop" => sys::raise(libc::SIGSTOP),
        b"kill" => sys::raise(libc::SIGKILL),
        _ => eprintln!("rtemem: unknown fault action (panic, stop, kill)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_name_a_point_and_the_pass_that_fires() {
        let h = AtomicU32::new(0);
        assert_eq!(matches(b"a.b:panic", "a.b", &h), Some(&b"panic"[..]));
        assert_eq!(
            matches(b"a.b:panic", "a.b", &h),
            None,
            "only the first pass"
        );
        assert_eq!(matches(b"a.b:panic", "a.c", &h), None);
        let h = AtomicU32::new(0);
        assert_eq!(matches(b"x@3:stop", "x", &h), None);
        assert_eq!(matches(b"x@3:stop", "x", &h), None);
        assert_eq!(matches(b"x@3:stop", "x", &h), Some(&b"stop"[..]));
        assert_eq!(matches(b"x", "x", &h), None, "no action");
        assert_eq!(matches(b"x@y:stop", "x", &h), None, "bad count");
    }
}
