//! The trace layer's life in one process (its state is process-wide, so one test, in order):
//! init from parsed options, a save that cannot make its directory, saves that can (one
//! session directory, rewritten), the stream files' bytes, and teardown.
use std::sync::atomic::Ordering;

use rtemem::base::trace::{self as points, eal, mem, TraceStr};

fn parse(extra: &[&str]) -> rtemem::options::EalConfig {
    let mut args = vec!["trace_lifecycle", "--no-huge", "--no-pci", "-l", "0"];
    args.extend_from_slice(extra);
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    rtemem::options::parse(&args).unwrap().config
}

#[test]
fn init_save_and_fini() {
    let tmp = std::env::temp_dir().join(format!("rtm-trace-life-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();

    // A --trace-dir whose parent is missing: init is fine, saving fails (no mkdir -p).
    let missing = tmp.join("no/such");
    let cfg = parse(&[
        "--trace=^lib\\.eal\\.generic\\.u",
        "--trace=[",
        "--trace-mode=discard",
        "--trace-bufsz=8K",
        &format!("--trace-dir={}", missing.display()),
    ]);
    rtemem::trace::init(&cfg).unwrap();
    assert_eq!(points::mode(), points::Mode::Discard);
    assert_eq!(mem::buff_len(), 8192);
    let word = |n: &std::ffi::CStr| points::lookup(n).unwrap().load(Ordering::Acquire);
    assert!(
        word(c"lib.eal.generic.u64") & (1 << 63) != 0,
        "enabled by --trace"
    );
    assert!(word(c"lib.eal.generic.u8") & (1 << 63) != 0);
    assert!(word(c"lib.eal.generic.i64") & (1 << 63) == 0, "not matched");
    assert!(
        word(c"lib.eal.generic.u64") & (1 << 62) != 0,
        "discard mode"
    );

    assert_eq!(
        rtemem::trace::save().unwrap(),
        (),
        "no buffer yet: nothing to save"
    );
    eal::generic_u64(0x1234);
    eal::generic_str(TraceStr::from_bytes(b"not enabled"));
    assert_eq!(mem::count(), 1);
    let e = rtemem::trace::save().unwrap_err();
    assert_eq!(e.errno, libc::ENOENT, "{}", e.msg);

    // A directory that can be made.
    let cfg = parse(&[
        "--trace=lib.eal.generic.u",
        &format!("--trace-dir={}", tmp.display()),
    ]);
    rtemem::trace::fini();
    rtemem::trace::init(&cfg).unwrap();
    assert_eq!(
        points::mode(),
        points::Mode::Discard,
        "kept without --trace-mode"
    );
    eal::generic_u64(0xabcd);
    eal::generic_u32(7);
    rtemem::trace::save().unwrap();
    let sessions: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let session = &sessions[0];
    let name = session.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("rte-") && name.len() == "rte-".len() + 22,
        "{name}"
    );
    let meta = std::fs::read_to_string(session.join("metadata")).unwrap();
    assert!(meta.starts_with("/* CTF 1.8 */\n"));
    assert!(
        !meta.contains("    freq =                    0;"),
        "the clock is filled in"
    );
    assert!(meta.contains("    name = \"lib.eal.generic.u64\";\n"));
    let ch = std::fs::read(session.join("channel0_0")).unwrap();
    // SAFETY: this thread's buffer, made by the emitters above.
    let off = unsafe { (*mem::current()).offset } as usize;
    assert_eq!(ch.len(), 56 + off);
    assert_eq!(&ch[0..4], &0xC1FC_1FC1u32.to_ne_bytes());
    assert_eq!(ch[4..20], mem::uuid());
    // The buffer was emptied by fini and reused: the events since the second init.
    let ev = &ch[56..];
    assert_eq!(ev.len(), 16 + 12);
    assert_eq!(u64::from_ne_bytes(ev[0..8].try_into().unwrap()) >> 48, 1);
    assert_eq!(u64::from_ne_bytes(ev[8..16].try_into().unwrap()), 0xabcd);
    assert_eq!(u64::from_ne_bytes(ev[16..24].try_into().unwrap()) >> 48, 2);
    assert_eq!(u32::from_ne_bytes(ev[24..28].try_into().unwrap()), 7);

    // A second save rewrites the same session.
    eal::generic_u16(9);
    rtemem::trace::save().unwrap();
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        1,
        "no new session"
    );
    assert_eq!(
        std::fs::read(session.join("channel0_0")).unwrap().len(),
        56 + 32 + 10,
        "the u16 event starts 8-aligned"
    );

    // Teardown: buffers emptied, no metadata, nothing saved; this thread's buffer stays usable.
    rtemem::trace::fini();
    // SAFETY: as above.
    assert_eq!(unsafe { (*mem::current()).offset }, 0);
    let mut out = Vec::new();
    assert_eq!(
        rtemem::trace::metadata_dump(&mut out).unwrap_err().errno,
        libc::EINVAL
    );
    assert_eq!(rtemem::trace::save().unwrap(), (), "nothing to save");
    eal::generic_u64(1);
    std::fs::remove_dir_all(&tmp).unwrap();
}
