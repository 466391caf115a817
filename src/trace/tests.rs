//! Dump formatting (the rest of this layer changes process-wide state and is tested in
//! `tests/trace_lifecycle.rs`, a process of its own).

use super::*;

#[test]
fn dump_lists_the_global_state_and_every_point() {
    let mut out = Vec::new();
    dump(&mut out).unwrap();
    let s = String::from_utf8(out).unwrap();
    assert!(s.starts_with("\nGlobal info\n-----------\nstatus = "));
    assert!(s.contains("\nmode = "));
    assert!(s.contains("\nnumber of trace points = "));
    assert!(s.contains("\nTrace point info\n----------------\n"));
    assert!(s.contains("\tid 0, lib.eal.generic.void, size is 8, "));
    assert!(s.contains("\tid 20, lib.eal.mem.malloc, size is 64, "));
}

#[test]
fn metadata_dump_before_init_is_einval() {
    // No unit test runs trace init.
    let mut out = Vec::new();
    assert_eq!(metadata_dump(&mut out).unwrap_err().errno, libc::EINVAL);
    assert!(out.is_empty());
}
