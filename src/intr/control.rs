//! Enabling, disabling and acknowledging a device's interrupts (`rte_intr_enable`,
//! `rte_intr_disable`, `rte_intr_ack`), by handle type, as DPDK 22.11 does it on Linux:
//!
//! - UIO: write the `int` 1 (enable, ack) or 0 (disable) to `fd` (the uio device);
//! - UIO_INTX (uio_pci_generic): flip the INTx-disable bit (0x04) of the high byte of the PCI
//!   command register, config-space offset 5, through `dev_fd` (the config file);
//! - VFIO_LEGACY / _MSI / _MSIX / _REQ: VFIO_DEVICE_SET_IRQS on `dev_fd` (the VFIO device)
//!   binding `fd` (and for MSI-X the Rx/Tx event fds) to the device's IRQ index, or unbinding;
//!   INTx is also masked/unmasked. MSI/MSI-X need no ack;
//! - VDEV: nothing to do, success;
//! - ALARM, DEV_EVENT, VFIO_REQ (ack only) and unknown types: failure.
//!
//! A handle whose `fd` or `dev_fd` is negative fails (VDEV excepted). The argument structs of
//! the VFIO ioctl are built by [`irq_set`] so that tests can check them without a device.

use std::ffi::c_int;

use crate::abi::intr::*;
use crate::base::trace::eal as trace_eal;
use crate::err;
use crate::error::{Error, Result};
use crate::sys;

use super::handle;

/// `struct vfio_irq_set` flags (linux/vfio.h).
pub(crate) const VFIO_IRQ_SET_DATA_NONE: u32 = 1 << 0;
pub(crate) const VFIO_IRQ_SET_DATA_EVENTFD: u32 = 1 << 2;
pub(crate) const VFIO_IRQ_SET_ACTION_MASK: u32 = 1 << 3;
pub(crate) const VFIO_IRQ_SET_ACTION_UNMASK: u32 = 1 << 4;
pub(crate) const VFIO_IRQ_SET_ACTION_TRIGGER: u32 = 1 << 5;
/// VFIO PCI IRQ indexes.
pub(crate) const VFIO_PCI_INTX_IRQ_INDEX: u32 = 0;
pub(crate) const VFIO_PCI_MSI_IRQ_INDEX: u32 = 1;
pub(crate) const VFIO_PCI_MSIX_IRQ_INDEX: u32 = 2;
pub(crate) const VFIO_PCI_REQ_IRQ_INDEX: u32 = 4;

/// A `struct vfio_irq_set` as 32-bit words: argsz, flags, index, start (0), count, then the
/// event fds when `flags` carries DATA_EVENTFD (`fds.len()` must then equal `count`).
pub(crate) fn irq_set(flags: u32, index: u32, count: u32, fds: &[c_int]) -> Vec<u32> {
    let argsz = (5 + fds.len()) * 4;
    let mut v = vec![argsz as u32, flags, index, 0, count];
    v.extend(fds.iter().map(|&fd| fd as u32));
    v
}

/// What enable, disable or ack does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    Enable,
    Disable,
    Ack,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Enable => "enabling",
            Op::Disable => "disabling",
            Op::Ack => "acknowledging",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Op::Enable => "enable",
            Op::Disable => "disable",
            Op::Ack => "acknowledge",
        }
    }
}

/// The VFIO_DEVICE_SET_IRQS calls `op` makes for a VFIO handle of type `ty` (in order), or
/// None when the type has no such call (VFIO_REQ ack). `max_intr`/`fd`/`efds` as the handle has them.
pub(crate) fn vfio_calls(
    op: Op,
    ty: c_int,
    fd: c_int,
    max_intr: u32,
    efds: &[c_int],
) -> Option<Vec<Vec<u32>>> {
    let trigger_fd = |index| {
        irq_set(
            VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
            index,
            1,
            &[fd],
        )
    };
    let untrigger = |index| {
        irq_set(
            VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
            index,
            0,
            &[],
        )
    };
    let intx = |action| {
        irq_set(
            VFIO_IRQ_SET_DATA_NONE | action,
            VFIO_PCI_INTX_IRQ_INDEX,
            1,
            &[],
        )
    };
    Some(match (op, ty) {
        (Op::Enable, RTE_INTR_HANDLE_VFIO_LEGACY) => vec![
            trigger_fd(VFIO_PCI_INTX_IRQ_INDEX),
            intx(VFIO_IRQ_SET_ACTION_UNMASK),
        ],
        (Op::Disable, RTE_INTR_HANDLE_VFIO_LEGACY) => vec![
            intx(VFIO_IRQ_SET_ACTION_MASK),
            untrigger(VFIO_PCI_INTX_IRQ_INDEX),
        ],
        (Op::Ack, RTE_INTR_HANDLE_VFIO_LEGACY) => vec![intx(VFIO_IRQ_SET_ACTION_UNMASK)],
        (Op::Enable, RTE_INTR_HANDLE_VFIO_MSI) => vec![trigger_fd(VFIO_PCI_MSI_IRQ_INDEX)],
        (Op::Disable, RTE_INTR_HANDLE_VFIO_MSI) => vec![untrigger(VFIO_PCI_MSI_IRQ_INDEX)],
        (Op::Enable, RTE_INTR_HANDLE_VFIO_MSIX) => {
            // Vector 0 is the device's own interrupt, then one per Rx/Tx event fd; as many
            // vectors as max_intr says (at least 1, at most RTE_MAX_RXTX_INTR_VEC_ID + 1).
            let count = (max_intr as usize).clamp(1, RTE_MAX_RXTX_INTR_VEC_ID + 1);
            let mut fds = vec![-1; count];
            fds[RTE_INTR_VEC_ZERO_OFFSET] = fd;
            for (slot, &e) in fds[RTE_INTR_VEC_RXTX_OFFSET as usize..]
                .iter_mut()
                .zip(efds)
            {
                *slot = e;
            }
            vec![irq_set(
                VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
                VFIO_PCI_MSIX_IRQ_INDEX,
                count as u32,
                &fds,
            )]
        }
        (Op::Disable, RTE_INTR_HANDLE_VFIO_MSIX) => vec![untrigger(VFIO_PCI_MSIX_IRQ_INDEX)],
        (Op::Enable, RTE_INTR_HANDLE_VFIO_REQ) => vec![trigger_fd(VFIO_PCI_REQ_IRQ_INDEX)],
        (Op::Disable, RTE_INTR_HANDLE_VFIO_REQ) => vec![untrigger(VFIO_PCI_REQ_IRQ_INDEX)],
        _ => return None,
    })
}

fn fail(op: Op, what: &str, fd: c_int, e: std::io::Error) -> Error {
    Error::os(
        format!("Error {} {what} interrupts for fd {fd}", op.verb()),
        e,
    )
}

/// Enables, disables or acknowledges the interrupts of the instance `h`. Errors (the C
/// functions return -1): NULL handle, no descriptor, a type that cannot do `op`, or the
/// device refused.
///
/// # Safety
/// `h` is NULL or a live instance.
pub unsafe fn control(h: *const rte_intr_handle, op: Op) -> Result<()> {
    // SAFETY: the caller's guarantee.
    let h = unsafe { handle::get(h) }?;
    let r = control_of(h, op);
    // As DPDK: traced for any instance (not for NULL), with the C result (0 or -1).
    let rc = if r.is_ok() { 0 } else { -1 };
    match op {
        Op::Enable => trace_eal::intr_enable(&handle::trace_fields(h), rc),
        Op::Disable => trace_eal::intr_disable(&handle::trace_fields(h), rc),
        Op::Ack => {}
    }
    r
}

/// [`control`] on an instance.
fn control_of(h: &rte_intr_handle, op: Op) -> Result<()> {
    let ty = h.type_;
    if ty == RTE_INTR_HANDLE_VDEV {
        return Ok(());
    }
    // SAFETY: both union members are plain ints over the same bytes.
    let (fd, dev_fd) = unsafe { (h.ids.fds.fd, h.ids.fds.dev_fd) };
    if fd < 0 || dev_fd < 0 {
        return Err(err!(
            libc::EINVAL,
            "the handle has no device: fd {fd}, dev_fd {dev_fd}"
        ));
    }
    match ty {
        RTE_INTR_HANDLE_UIO => {
            let value: c_int = if op == Op::Disable { 0 } else { 1 };
            sys::fd_write(fd, &value.to_ne_bytes())
                .map(|_| ())
                .map_err(|e| fail(op, "uio", fd, e))
        }
        RTE_INTR_HANDLE_UIO_INTX => {
            // The INTx-disable bit of the PCI command register (bit 10: byte 5, bit 2).
            let mut b = [0u8; 1];
            match sys::fd_pread(dev_fd, &mut b, 5) {
                Ok(1) => {}
                Ok(_) => {
                    return Err(err!(
                        libc::EIO,
                        "Error reading interrupts status for fd {dev_fd}: short read"
                    ))
                }
                Err(e) => {
                    return Err(Error::os(
                        format!("Error reading interrupts status for fd {dev_fd}"),
                        e,
                    ))
                }
            }
            if op == Op::Disable {
                b[0] |= 0x4;
            } else {
                b[0] &= !0x4;
            }
            match sys::fd_pwrite(dev_fd, &b, 5) {
                Ok(1) => Ok(()),
                Ok(_) => Err(err!(
                    libc::EIO,
                    "Error {} interrupts for fd {dev_fd}",
                    op.verb()
                )),
                Err(e) => Err(fail(op, "INTx", dev_fd, e)),
            }
        }
        RTE_INTR_HANDLE_VFIO_MSIX | RTE_INTR_HANDLE_VFIO_MSI if op == Op::Ack => Ok(()),
        RTE_INTR_HANDLE_VFIO_LEGACY
        | RTE_INTR_HANDLE_VFIO_MSI
        | RTE_INTR_HANDLE_VFIO_MSIX
        | RTE_INTR_HANDLE_VFIO_REQ => {
            let n = (h.nb_efd as usize).min(usize::from(h.nb_intr));
            // SAFETY: efds has nb_intr entries and n <= nb_intr.
            let efds = unsafe { std::slice::from_raw_parts(h.efds, n) };
            let Some(calls) = vfio_calls(op, ty, fd, h.max_intr, efds) else {
                return Err(err!(
                    libc::ENOTSUP,
                    "a VFIO request handle (fd {fd}) cannot be acknowledged"
                ));
            };
            for c in calls {
                sys::vfio_set_irqs(dev_fd, &c).map_err(|e| fail(op, "VFIO", fd, e))?;
            }
            Ok(())
        }
        RTE_INTR_HANDLE_ALARM => Err(err!(
            libc::ENOTSUP,
            "an alarm handle (fd {fd}) has no device interrupts to {}",
            op.name()
        )),
        RTE_INTR_HANDLE_DEV_EVENT => Err(err!(
            libc::ENOTSUP,
            "a device event handle (fd {fd}) has no device interrupts to {}",
            op.name()
        )),
        _ => Err(err!(
            libc::EINVAL,
            "Unknown handle type of fd {fd} (type {ty})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intx_enable_binds_the_eventfd_then_unmasks() {
        let calls = vfio_calls(Op::Enable, RTE_INTR_HANDLE_VFIO_LEGACY, 7, 0, &[]).unwrap();
        assert_eq!(
            calls,
            vec![
                vec![
                    24,
                    VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
                    0,
                    0,
                    1,
                    7
                ],
                vec![
                    20,
                    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
                    0,
                    0,
                    1
                ],
            ]
        );
        let off = vfio_calls(Op::Disable, RTE_INTR_HANDLE_VFIO_LEGACY, 7, 0, &[]).unwrap();
        assert_eq!(
            off,
            vec![
                vec![
                    20,
                    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
                    0,
                    0,
                    1
                ],
                vec![
                    20,
                    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
                    0,
                    0,
                    0
                ],
            ]
        );
        let ack = vfio_calls(Op::Ack, RTE_INTR_HANDLE_VFIO_LEGACY, 7, 0, &[]).unwrap();
        assert_eq!(
            ack,
            vec![vec![
                20,
                VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
                0,
                0,
                1
            ]]
        );
    }

    #[test]
    fn msix_enable_maps_vector_zero_then_the_rx_event_fds() {
        let calls = vfio_calls(Op::Enable, RTE_INTR_HANDLE_VFIO_MSIX, 9, 3, &[20, 21]).unwrap();
        assert_eq!(
            calls,
            vec![vec![
                32,
                VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
                VFIO_PCI_MSIX_IRQ_INDEX,
                0,
                3,
                9,
                20,
                21
            ]]
        );
        // max_intr 0 still maps the device's own vector; a huge one is clamped.
        let one = vfio_calls(Op::Enable, RTE_INTR_HANDLE_VFIO_MSIX, 9, 0, &[]).unwrap();
        assert_eq!(one[0][4], 1);
        let big = vfio_calls(Op::Enable, RTE_INTR_HANDLE_VFIO_MSIX, 9, 100_000, &[]).unwrap();
        assert_eq!(big[0][4] as usize, RTE_MAX_RXTX_INTR_VEC_ID + 1);
        assert_eq!(big[0][0] as usize, (5 + RTE_MAX_RXTX_INTR_VEC_ID + 1) * 4);
        assert_eq!(big[0][6], u32::MAX, "unused vectors are unbound (-1)");
    }

    #[test]
    fn msi_and_req_bind_one_eventfd_and_msi_needs_no_ack() {
        let msi = vfio_calls(Op::Enable, RTE_INTR_HANDLE_VFIO_MSI, 5, 0, &[]).unwrap();
        assert_eq!(msi[0][2], VFIO_PCI_MSI_IRQ_INDEX);
        assert_eq!(msi[0][5], 5);
        let req = vfio_calls(Op::Disable, RTE_INTR_HANDLE_VFIO_REQ, 5, 0, &[]).unwrap();
        assert_eq!(
            req,
            vec![vec![
                20,
                VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
                4,
                0,
                0
            ]]
        );
        assert!(vfio_calls(Op::Ack, RTE_INTR_HANDLE_VFIO_REQ, 5, 0, &[]).is_none());
    }

    /// Runs `op` on a fresh instance set up by `set`.
    fn run(ty: c_int, fd: c_int, dev_fd: c_int, op: Op) -> Result<()> {
        let h = handle::instance_alloc(0).unwrap();
        // SAFETY: h is a live instance, freed once at the end.
        unsafe {
            handle::type_set(h, ty).unwrap();
            handle::fd_set(h, fd).unwrap();
            handle::dev_fd_set(h, dev_fd).unwrap();
            let r = control(h, op);
            handle::instance_free(h);
            r
        }
    }

    #[test]
    fn uio_writes_one_to_enable_and_zero_to_disable() {
        let mut p = [0 as c_int; 2];
        // SAFETY: p has room for the two descriptors.
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        run(RTE_INTR_HANDLE_UIO, p[1], 0, Op::Enable).unwrap();
        run(RTE_INTR_HANDLE_UIO, p[1], 0, Op::Disable).unwrap();
        run(RTE_INTR_HANDLE_UIO, p[1], 0, Op::Ack).unwrap();
        let mut b = [0u8; 12];
        assert_eq!(sys::fd_read(p[0], &mut b).unwrap(), 12);
        let words: Vec<c_int> = b
            .chunks(4)
            .map(|c| c_int::from_ne_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(words, [1, 0, 1]);
        // The read end cannot be written: failure.
        assert!(run(RTE_INTR_HANDLE_UIO, p[0], 0, Op::Enable).is_err());
        // SAFETY: the test's own pipe, closed once.
        unsafe {
            sys::fd_close(p[0]);
            sys::fd_close(p[1]);
        }
    }

    #[test]
    fn intx_flips_bit_2_of_config_byte_5() {
        let path = std::env::temp_dir().join(format!("rtemem-intx-{}", std::process::id()));
        std::fs::write(&path, [0u8, 0, 0, 0, 0, 0x07, 0xff]).unwrap();
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        use std::os::fd::AsRawFd;
        let fd = f.as_raw_fd();
        run(RTE_INTR_HANDLE_UIO_INTX, 0, fd, Op::Enable).unwrap();
        assert_eq!(std::fs::read(&path).unwrap()[5], 0x03);
        run(RTE_INTR_HANDLE_UIO_INTX, 0, fd, Op::Disable).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), [0, 0, 0, 0, 0, 0x07, 0xff]);
        drop(f);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn types_without_device_interrupts_fail_and_vdev_succeeds() {
        for ty in [
            RTE_INTR_HANDLE_ALARM,
            RTE_INTR_HANDLE_DEV_EVENT,
            RTE_INTR_HANDLE_UNKNOWN,
            99,
        ] {
            for op in [Op::Enable, Op::Disable, Op::Ack] {
                assert!(run(ty, 0, 0, op).is_err(), "type {ty} {op:?}");
            }
        }
        run(RTE_INTR_HANDLE_VDEV, -1, -1, Op::Enable).unwrap();
        run(RTE_INTR_HANDLE_VFIO_MSIX, 3, 4, Op::Ack).unwrap();
        assert!(run(RTE_INTR_HANDLE_UIO, -1, 0, Op::Enable).is_err());
        assert!(run(RTE_INTR_HANDLE_UIO, 0, -1, Op::Enable).is_err());
        // A VFIO call on something that is not a VFIO device fails.
        let null = std::fs::File::open("/dev/null").unwrap();
        use std::os::fd::AsRawFd;
        let n = null.as_raw_fd();
        assert!(run(RTE_INTR_HANDLE_VFIO_MSI, n, n, Op::Enable).is_err());
        assert!(run(RTE_INTR_HANDLE_VFIO_LEGACY, n, n, Op::Disable).is_err());
        // SAFETY: NULL is allowed and refused.
        assert!(unsafe { control(std::ptr::null(), Op::Enable) }.is_err());
    }
}
