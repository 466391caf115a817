//! The IPC wire format, carried by `sys`'s unix datagram sockets.
//!
//! One datagram is one message: a fixed-size frame (magic, type, lengths, the NUL-padded name,
//! the parameter block) plus up to [`RTE_MP_MAX_FD_NUM`] file descriptors in one `SCM_RIGHTS`
//! control message. The frame is rtemem's own (only rtemem processes talk to each other); its
//! fields mirror `struct rte_mp_msg` so a frame converts to and from the C struct losslessly.
//!
//! Descriptors received with a message belong to whoever handles it: [`decode`] closes them
//! when the frame is malformed, [`Msg::close_fds`] closes them when nobody wants them.

use std::io;
use std::os::fd::RawFd;
use std::path::{Path, PathBuf};

use crate::abi::{RTE_MP_MAX_FD_NUM, RTE_MP_MAX_NAME_LEN, RTE_MP_MAX_PARAM_LEN};
use crate::error::Result;
use crate::{err, sys};

/// "RTMP": first word of every frame.
const FRAME_MAGIC: u32 = 0x5254_4d50;
/// Bytes of one frame: magic, type, len_param, num_fds, name, param.
pub(crate) const FRAME_LEN: usize = 16 + RTE_MP_MAX_NAME_LEN + RTE_MP_MAX_PARAM_LEN;

/// What a datagram is (DPDK's `MP_MSG`/`MP_REQ`/`MP_REP`/`MP_IGN`, plus a local wake-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MsgType {
    /// A one-way message: no reply expected.
    Msg = 0,
    /// A request: the peer's action should answer with `rte_mp_reply`.
    Req = 1,
    /// A reply to a request.
    Rep = 2,
    /// "Ignore me": the peer is still initialising and has no action for the request.
    Ign = 3,
    /// Sent by a process to its own socket to wake its IPC thread; never crosses processes.
    Wake = 4,
}

impl MsgType {
    fn from_u32(v: u32) -> Option<MsgType> {
        Some(match v {
            0 => MsgType::Msg,
            1 => MsgType::Req,
            2 => MsgType::Rep,
            3 => MsgType::Ign,
            4 => MsgType::Wake,
            _ => return None,
        })
    }
}

/// One IPC message (DPDK's `struct rte_mp_msg`).
///
/// `fds` are raw descriptors: in a message being sent they stay owned by the sender (the
/// kernel duplicates them into the receiver); in a received message they are new descriptors
/// owned by whoever handles the message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Msg {
    /// The action name (at most `RTE_MP_MAX_NAME_LEN - 1` bytes, not empty).
    pub name: String,
    /// The parameter block (at most `RTE_MP_MAX_PARAM_LEN` bytes).
    pub param: Vec<u8>,
    /// File descriptors passed with the message (at most `RTE_MP_MAX_FD_NUM`).
    pub fds: Vec<RawFd>,
}

impl Msg {
    /// A message for action `name` with parameter `param` and no descriptors.
    pub fn new(name: &str, param: &[u8]) -> Msg {
        Msg {
            name: name.to_string(),
            param: param.to_vec(),
            fds: Vec::new(),
        }
    }

    /// Checks the limits DPDK's `check_input` enforces: a non-empty name shorter than
    /// `RTE_MP_MAX_NAME_LEN` (EINVAL / E2BIG), at most `RTE_MP_MAX_PARAM_LEN` parameter bytes
    /// and `RTE_MP_MAX_FD_NUM` descriptors (E2BIG).
    pub fn validate(&self) -> Result<()> {
        validate_name(&self.name)?;
        if self.param.len() > RTE_MP_MAX_PARAM_LEN {
            return Err(err!(
                libc::E2BIG,
                "message parameter is {} bytes; the limit is {RTE_MP_MAX_PARAM_LEN}",
                self.param.len()
            ));
        }
        if self.fds.len() > RTE_MP_MAX_FD_NUM {
            return Err(err!(
                libc::E2BIG,
                "cannot send more than {RTE_MP_MAX_FD_NUM} fds (asked for {})",
                self.fds.len()
            ));
        }
        Ok(())
    }

    /// Closes the received descriptors (a message nobody handles must not leak them).
    pub fn close_fds(&mut self) {
        for fd in self.fds.drain(..) {
            // SAFETY: received descriptors are owned by this message and closed once (drained).
            unsafe { sys::close_fd(fd) };
        }
    }
}

/// Checks an action name as DPDK does: empty is EINVAL, `RTE_MP_MAX_NAME_LEN` bytes or more
/// (no room for the NUL) is E2BIG; a NUL inside is EINVAL.
pub fn validate_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(err!(libc::EINVAL, "action name is empty"));
    }
    if name.len() >= RTE_MP_MAX_NAME_LEN {
        return Err(err!(
            libc::E2BIG,
            "action name '{name}' is {} bytes; the limit is {}",
            name.len(),
            RTE_MP_MAX_NAME_LEN - 1
        ));
    }
    if name.as_bytes().contains(&0) {
        return Err(err!(libc::EINVAL, "action name contains a NUL byte"));
    }
    Ok(())
}

/// Builds the frame of `msg` sent as `ty` (the message must have passed [`Msg::validate`]).
pub(crate) fn encode(ty: MsgType, msg: &Msg) -> Vec<u8> {
    debug_assert!(msg.validate().is_ok(), "encode() of an unvalidated message");
    let mut f = vec![0u8; FRAME_LEN];
    f[0..4].copy_from_slice(&FRAME_MAGIC.to_le_bytes());
    f[4..8].copy_from_slice(&(ty as u32).to_le_bytes());
    f[8..12].copy_from_slice(&(msg.param.len() as u32).to_le_bytes());
    f[12..16].copy_from_slice(&(msg.fds.len() as u32).to_le_bytes());
    let name = msg.name.as_bytes();
    f[16..16 + name.len()].copy_from_slice(name);
    let p = 16 + RTE_MP_MAX_NAME_LEN;
    f[p..p + msg.param.len()].copy_from_slice(&msg.param);
    f
}

fn word(f: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&f[at..at + 4]);
    u32::from_le_bytes(w)
}

/// Parses a received frame; `fds` are the descriptors that came with it. A malformed frame
/// (wrong size or magic, unknown type, bad lengths, an fd count that does not match what
/// arrived) is refused with EBADMSG and its descriptors are closed.
pub(crate) fn decode(frame: &[u8], fds: Vec<RawFd>) -> Result<(MsgType, Msg)> {
    let mut msg = Msg {
        fds,
        ..Msg::default()
    };
    match parse(frame, msg.fds.len()) {
        Ok((ty, name, param)) => {
            msg.name = name;
            msg.param = param;
            Ok((ty, msg))
        }
        Err(e) => {
            msg.close_fds();
            Err(e)
        }
    }
}

fn parse(f: &[u8], nfds: usize) -> Result<(MsgType, String, Vec<u8>)> {
    if f.len() != FRAME_LEN {
        return Err(err!(
            libc::EBADMSG,
            "truncated msg: {} bytes, expected {FRAME_LEN}",
            f.len()
        ));
    }
    if word(f, 0) != FRAME_MAGIC {
        return Err(err!(libc::EBADMSG, "not an rtemem IPC frame"));
    }
    let ty = MsgType::from_u32(word(f, 4))
        .ok_or_else(|| err!(libc::EBADMSG, "unknown message type {}", word(f, 4)))?;
    let len_param = word(f, 8) as usize;
    if len_param > RTE_MP_MAX_PARAM_LEN {
        return Err(err!(libc::EBADMSG, "invalid received data length"));
    }
    let num_fds = word(f, 12) as usize;
    if num_fds > RTE_MP_MAX_FD_NUM || num_fds != nfds {
        return Err(err!(
            libc::EBADMSG,
            "invalid number of fd's received ({nfds} arrived, frame says {num_fds})"
        ));
    }
    let raw_name = &f[16..16 + RTE_MP_MAX_NAME_LEN];
    let n = raw_name
        .iter()
        .position(|&b| b == 0)
        .ok_or_else(|| err!(libc::EBADMSG, "action name is not NUL-terminated"))?;
    let name = String::from_utf8_lossy(&raw_name[..n]).into_owned();
    if name.is_empty() && ty != MsgType::Wake {
        return Err(err!(libc::EBADMSG, "message without an action name"));
    }
    let p = 16 + RTE_MP_MAX_NAME_LEN;
    Ok((ty, name, f[p..p + len_param].to_vec()))
}

/// Creates this process's socket bound to `path`.
pub(crate) fn bind(path: &Path) -> io::Result<std::os::fd::OwnedFd> {
    sys::bind_dgram(path)
}

/// A datagram read by [`recv`]: frame bytes, descriptors, and the sender's socket path.
pub(crate) struct Datagram {
    pub frame: Vec<u8>,
    pub fds: Vec<RawFd>,
    pub from: PathBuf,
}

/// Reads one datagram without blocking. `Ok(None)` when nothing is queued. An over-long
/// datagram comes back with an empty frame, which [`decode`] refuses (closing its fds).
pub(crate) fn recv(sock: RawFd) -> io::Result<Option<Datagram>> {
    Ok(sys::recv_dgram(sock, FRAME_LEN + 1)?.map(|d| Datagram {
        frame: d.data,
        fds: d.fds,
        from: d.from,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::send_dgram as send;
    use std::time::Duration;

    #[test]
    fn frame_round_trips_name_param_and_type() {
        let m = Msg::new("mem_sync", b"\x01\x02payload");
        let f = encode(MsgType::Req, &m);
        assert_eq!(f.len(), FRAME_LEN);
        let (ty, back) = decode(&f, Vec::new()).unwrap();
        assert_eq!(ty, MsgType::Req);
        assert_eq!(back, m);
    }

    #[test]
    fn full_size_param_and_longest_name_round_trip() {
        let name = "n".repeat(RTE_MP_MAX_NAME_LEN - 1);
        let m = Msg::new(&name, &[0xab; RTE_MP_MAX_PARAM_LEN]);
        m.validate().unwrap();
        let (_, back) = decode(&encode(MsgType::Msg, &m), Vec::new()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn validate_refuses_what_dpdk_refuses() {
        assert_eq!(validate_name("").unwrap_err().errno, libc::EINVAL);
        let long = "x".repeat(RTE_MP_MAX_NAME_LEN);
        assert_eq!(validate_name(&long).unwrap_err().errno, libc::E2BIG);
        let big = Msg::new("a", &[0; RTE_MP_MAX_PARAM_LEN + 1]);
        assert_eq!(big.validate().unwrap_err().errno, libc::E2BIG);
        let mut fds = Msg::new("a", b"");
        fds.fds = vec![0; RTE_MP_MAX_FD_NUM + 1];
        assert_eq!(fds.validate().unwrap_err().errno, libc::E2BIG);
    }

    #[test]
    fn malformed_frames_are_refused() {
        let f = encode(MsgType::Rep, &Msg::new("x", b"abc"));
        assert!(decode(&f[..FRAME_LEN - 1], Vec::new()).is_err());
        let mut bad = f.clone();
        bad[0] ^= 1;
        assert!(decode(&bad, Vec::new()).is_err());
        let mut bad = f.clone();
        bad[4] = 9;
        assert!(decode(&bad, Vec::new()).is_err());
        let mut bad = f.clone();
        bad[8..12].copy_from_slice(&(RTE_MP_MAX_PARAM_LEN as u32 + 1).to_le_bytes());
        assert!(decode(&bad, Vec::new()).is_err());
        let mut bad = f.clone();
        bad[16..16 + RTE_MP_MAX_NAME_LEN].fill(b'a');
        assert!(decode(&bad, Vec::new()).is_err());
        // the frame says one fd but none arrived
        let mut bad = f;
        bad[12] = 1;
        assert!(decode(&bad, Vec::new()).is_err());
    }

    #[test]
    fn refused_frame_closes_the_fds_that_came_with_it() {
        let mut p = [0; 2];
        // SAFETY: p has room for two descriptors.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        let f = encode(MsgType::Msg, &Msg::new("x", b""));
        assert!(decode(&f, vec![p[0]]).is_err()); // frame says 0 fds, one arrived
                                                  // SAFETY: fcntl on a possibly closed fd only reports EBADF.
        assert_eq!(unsafe { libc::fcntl(p[0], libc::F_GETFD) }, -1);
        // SAFETY: p[1] is still ours.
        unsafe { libc::close(p[1]) };
    }

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("rtemem-mp-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn message_with_fds_crosses_a_socket_and_fds_work() {
        use std::os::fd::AsRawFd;
        let d = tmpdir("fds");
        let a = bind(&d.join("a")).unwrap();
        let b = bind(&d.join("b")).unwrap();
        let mut p = [0; 2];
        // SAFETY: p has room for two descriptors.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        let mut m = Msg::new("fdtest", b"hi");
        m.fds = vec![p[1], p[1]];
        send(
            a.as_raw_fd(),
            &d.join("b"),
            &encode(MsgType::Req, &m),
            &m.fds,
            Duration::ZERO,
        )
        .unwrap();
        let dg = recv(b.as_raw_fd()).unwrap().expect("a datagram");
        assert_eq!(dg.from, d.join("a"));
        let (ty, mut got) = decode(&dg.frame, dg.fds).unwrap();
        assert_eq!(ty, MsgType::Req);
        assert_eq!(got.param, b"hi");
        assert_eq!(got.fds.len(), 2);
        assert!(got.fds.iter().all(|&fd| fd != p[1]));
        // SAFETY: got.fds[0] is a received duplicate of the pipe's write end.
        let written = unsafe { libc::write(got.fds[0], b"ok".as_ptr().cast(), 2) };
        assert_eq!(written, 2);
        let mut buf = [0u8; 2];
        // SAFETY: p[0] is the pipe's read end; buf has 2 bytes.
        assert_eq!(unsafe { libc::read(p[0], buf.as_mut_ptr().cast(), 2) }, 2);
        assert_eq!(&buf, b"ok");
        got.close_fds();
        // SAFETY: our own pipe ends.
        unsafe {
            libc::close(p[0]);
            libc::close(p[1]);
        }
        assert!(recv(b.as_raw_fd()).unwrap().is_none());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn send_to_a_socket_nobody_reads_is_refused_at_once() {
        use std::os::fd::AsRawFd;
        let d = tmpdir("dead");
        let a = bind(&d.join("a")).unwrap();
        drop(bind(&d.join("gone")).unwrap()); // file stays, socket closed
        let f = encode(MsgType::Msg, &Msg::new("x", b""));
        let e = send(a.as_raw_fd(), &d.join("gone"), &f, &[], Duration::ZERO).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ECONNREFUSED));
        let e = send(a.as_raw_fd(), &d.join("never"), &f, &[], Duration::ZERO).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn send_to_a_full_queue_gives_up_after_its_wait() {
        // A peer whose IPC thread is stuck must not block the sender forever (two processes
        // each sending to the other's full queue would deadlock).
        use std::os::fd::AsRawFd;
        let d = tmpdir("full");
        let a = bind(&d.join("a")).unwrap();
        let _b = bind(&d.join("b")).unwrap(); // never read
        let f = encode(MsgType::Msg, &Msg::new("x", &[7u8; 200]));
        let mut sent = 0;
        let err = loop {
            match send(a.as_raw_fd(), &d.join("b"), &f, &[], Duration::ZERO) {
                Ok(()) => sent += 1,
                Err(e) => break e,
            }
            assert!(sent < 100_000, "the queue never filled");
        };
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        let t = std::time::Instant::now();
        let e = send(
            a.as_raw_fd(),
            &d.join("b"),
            &f,
            &[],
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
        assert!(t.elapsed() >= Duration::from_millis(200));
        let _ = std::fs::remove_dir_all(&d);
    }
}
