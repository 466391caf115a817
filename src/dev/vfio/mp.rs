//! VFIO across processes (DPDK's `eal_vfio_mp_sync.c`): a secondary process does not open the
//! default container or its groups itself; it asks the primary over the `rte_mp` action
//! `eal_vfio_mp_sync`, which answers with the descriptor (passed in the message) or the IOMMU
//! type of the default container.
//!
//! The request and the reply carry DPDK's `struct vfio_mp_param` (three `int`s: request,
//! result, and a group number or IOMMU type id), so an rtemem secondary could talk to a DPDK
//! primary and back, as far as VFIO goes.

use std::time::Duration;

use crate::mp::Msg;

/// The action's name (EAL_VFIO_MP).
pub(crate) const EAL_VFIO_MP: &str = "eal_vfio_mp_sync";

/// Requests.
pub(crate) const SOCKET_REQ_CONTAINER: i32 = 0x100;
pub(crate) const SOCKET_REQ_GROUP: i32 = 0x200;
pub(crate) const SOCKET_REQ_IOMMU_TYPE: i32 = 0x400;
/// Results.
pub(crate) const SOCKET_OK: i32 = 0;
pub(crate) const SOCKET_NO_FD: i32 = 1;
pub(crate) const SOCKET_ERR: i32 = 0xff;

/// How long a secondary waits for the primary's answer (DPDK: 5 s).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// `struct vfio_mp_param`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct MpParam {
    pub req: i32,
    pub result: i32,
    /// The group number (SOCKET_REQ_GROUP) or the IOMMU type id (SOCKET_REQ_IOMMU_TYPE).
    pub value: i32,
}

/// Size of `struct vfio_mp_param`.
pub(crate) const MP_PARAM_LEN: usize = 12;

impl MpParam {
    pub fn to_bytes(self) -> [u8; MP_PARAM_LEN] {
        let mut b = [0u8; MP_PARAM_LEN];
        b[0..4].copy_from_slice(&self.req.to_ne_bytes());
        b[4..8].copy_from_slice(&self.result.to_ne_bytes());
        b[8..12].copy_from_slice(&self.value.to_ne_bytes());
        b
    }

    /// The parameter of a message, if it has exactly the size of `struct vfio_mp_param`.
    pub fn parse(param: &[u8]) -> Option<MpParam> {
        if param.len() != MP_PARAM_LEN {
            return None;
        }
        let word =
            |i: usize| i32::from_ne_bytes([param[i], param[i + 1], param[i + 2], param[i + 3]]);
        Some(MpParam {
            req: word(0),
            result: word(4),
            value: word(8),
        })
    }

    /// A message for the action carrying this parameter.
    pub fn msg(self) -> Msg {
        Msg::new(EAL_VFIO_MP, &self.to_bytes())
    }
}

/// How a secondary reaches the primary: one request, at most one reply. The real link is
/// [`MpLink`]; tests connect a secondary to a primary in the same process.
pub trait PrimaryLink: Send + Sync {
    /// Sends `req` to the primary; its reply (whose descriptors the caller then owns), or None
    /// when there was not exactly one.
    fn ask(&self, req: &Msg) -> Option<Msg>;
}

/// The `rte_mp` channel.
pub struct MpLink;

impl PrimaryLink for MpLink {
    fn ask(&self, req: &Msg) -> Option<Msg> {
        let mut replies = crate::mp::request_sync(req, REQUEST_TIMEOUT).ok()?;
        if replies.msgs.len() == 1 {
            return replies.msgs.pop();
        }
        for m in replies.msgs.iter_mut() {
            m.close_fds();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameter_is_three_native_ints() {
        let p = MpParam {
            req: SOCKET_REQ_GROUP,
            result: SOCKET_NO_FD,
            value: 42,
        };
        let b = p.to_bytes();
        assert_eq!(&b[0..4], &0x200i32.to_ne_bytes());
        assert_eq!(&b[8..12], &42i32.to_ne_bytes());
        assert_eq!(MpParam::parse(&b), Some(p));
        assert_eq!(MpParam::parse(&b[..11]), None);
        assert_eq!(p.msg().name, "eal_vfio_mp_sync");
    }
}
