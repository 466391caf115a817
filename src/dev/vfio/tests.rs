//! The VFIO layer over a recording kernel: the ioctls it makes, in order, with the argument
//! structs it builds, for the paths this machine (no `/dev/vfio`) cannot take.

use super::device::Setup;
use super::mp::{MpParam, PrimaryLink, SOCKET_NO_FD, SOCKET_OK, SOCKET_REQ_GROUP};
use super::*;
use crate::mp::Msg;
use crate::sys::vfio::{
    vfio_device_info, vfio_group_status, vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_unmap,
    IrqSet, VFIO_GROUP_FLAGS_CONTAINER_SET, VFIO_GROUP_FLAGS_VIABLE,
};
use std::collections::HashSet;
use std::ffi::CStr;
use std::io;
use std::sync::atomic::{AtomicI32, Ordering::SeqCst};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Open(String),
    Close(RawFd),
    ApiVersion(RawFd),
    CheckExtension(RawFd, u32),
    SetIommu(RawFd, u32),
    GroupStatus(RawFd, u32),
    SetContainer(RawFd, RawFd),
    GetDeviceFd(RawFd, String),
    DeviceInfo(RawFd, u32),
    MapDma(RawFd, vfio_iommu_type1_dma_map),
    UnmapDma(RawFd, vfio_iommu_type1_dma_unmap),
}

/// A kernel with the devices in `paths`, answering as configured, recording every call.
struct Fake {
    calls: Mutex<Vec<Call>>,
    next_fd: AtomicI32,
    paths: Mutex<HashSet<String>>,
    api: i32,
    extensions: Vec<u32>,
    iommus: Vec<u32>,
    status: Mutex<u32>,
    /// How many bytes UNMAP_DMA reports unmapped (None: all).
    unmapped: Mutex<Option<u64>>,
}

impl Fake {
    fn new(paths: &[&str]) -> Arc<Fake> {
        Arc::new(Fake {
            calls: Mutex::new(Vec::new()),
            next_fd: AtomicI32::new(100),
            paths: Mutex::new(paths.iter().map(|s| s.to_string()).collect()),
            api: 0,
            extensions: vec![1, 8],
            iommus: vec![1],
            status: Mutex::new(VFIO_GROUP_FLAGS_VIABLE),
            unmapped: Mutex::new(None),
        })
    }

    fn rec(&self, c: Call) {
        self.calls.lock().unwrap().push(c);
    }

    /// The calls since the last take.
    fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

/// The VfioOps face of a shared Fake.
struct Ops(Arc<Fake>);

fn enoent() -> io::Error {
    io::Error::from_raw_os_error(libc::ENOENT)
}

impl VfioOps for Ops {
    fn open(&self, path: &Path) -> io::Result<RawFd> {
        let p = path.to_string_lossy().into_owned();
        self.0.rec(Call::Open(p.clone()));
        if !self.0.paths.lock().unwrap().contains(&p) {
            return Err(enoent());
        }
        Ok(self.0.next_fd.fetch_add(1, SeqCst))
    }
    fn close(&self, fd: RawFd) -> io::Result<()> {
        self.0.rec(Call::Close(fd));
        Ok(())
    }
    fn get_api_version(&self, c: RawFd) -> io::Result<i32> {
        self.0.rec(Call::ApiVersion(c));
        Ok(self.0.api)
    }
    fn check_extension(&self, c: RawFd, ext: u32) -> io::Result<i32> {
        self.0.rec(Call::CheckExtension(c, ext));
        Ok(self.0.extensions.contains(&ext) as i32)
    }
    fn set_iommu(&self, c: RawFd, t: u32) -> io::Result<()> {
        self.0.rec(Call::SetIommu(c, t));
        if self.0.iommus.contains(&t) {
            Ok(())
        } else {
            Err(io::Error::from_raw_os_error(libc::EINVAL))
        }
    }
    fn group_get_status(&self, g: RawFd, st: &mut vfio_group_status) -> io::Result<()> {
        self.0.rec(Call::GroupStatus(g, st.argsz));
        st.flags = *self.0.status.lock().unwrap();
        Ok(())
    }
    fn group_set_container(&self, g: RawFd, c: RawFd) -> io::Result<()> {
        self.0.rec(Call::SetContainer(g, c));
        Ok(())
    }
    fn group_get_device_fd(&self, g: RawFd, name: &CStr) -> io::Result<RawFd> {
        let n = name.to_string_lossy().into_owned();
        self.0.rec(Call::GetDeviceFd(g, n.clone()));
        if n.contains("vf_token=") && !n.ends_with("-000000000001") {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        Ok(self.0.next_fd.fetch_add(1, SeqCst))
    }
    fn device_get_info(&self, d: RawFd, info: &mut vfio_device_info) -> io::Result<()> {
        self.0.rec(Call::DeviceInfo(d, info.argsz));
        info.num_regions = 9;
        info.num_irqs = 5;
        Ok(())
    }
    fn device_reset(&self, _: RawFd) -> io::Result<()> {
        Ok(())
    }
    fn device_set_irqs(&self, _: RawFd, _: &IrqSet) -> io::Result<()> {
        Ok(())
    }
    fn map_dma(&self, c: RawFd, m: &vfio_iommu_type1_dma_map) -> io::Result<()> {
        self.0.rec(Call::MapDma(c, *m));
        Ok(())
    }
    fn unmap_dma(&self, c: RawFd, u: &mut vfio_iommu_type1_dma_unmap) -> io::Result<()> {
        self.0.rec(Call::UnmapDma(c, *u));
        if let Some(n) = *self.0.unmapped.lock().unwrap() {
            u.size = n;
        }
        Ok(())
    }
}

/// No primary: every question goes unanswered.
struct NoPrimary;

impl PrimaryLink for NoPrimary {
    fn ask(&self, _: &Msg) -> Option<Msg> {
        None
    }
}

/// A primary in the same process.
struct Local(&'static Vfio);

impl PrimaryLink for Local {
    fn ask(&self, req: &Msg) -> Option<Msg> {
        self.0.answer(req).ok()
    }
}

/// A sysfs root with `module/vfio` (when `module`) and device `dev` in IOMMU group `group`.
fn sysfs(tag: &str, module: bool, dev: Option<(&str, &str)>) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rtemem-vfio-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("module/other")).unwrap();
    if module {
        std::fs::create_dir_all(d.join("module/vfio/parameters")).unwrap();
    }
    std::fs::create_dir_all(d.join("kernel/iommu_groups")).unwrap();
    std::fs::create_dir_all(d.join("devices")).unwrap();
    if let Some((dev, target)) = dev {
        std::fs::create_dir_all(d.join("devices").join(dev)).unwrap();
        std::os::unix::fs::symlink(target, d.join("devices").join(dev).join("iommu_group"))
            .unwrap();
    }
    d
}

fn vfio(fake: &Arc<Fake>, root: &Path) -> &'static Vfio {
    Box::leak(Box::new(Vfio::new(
        Box::new(Ops(fake.clone())),
        Box::new(NoPrimary),
        root,
    )))
}

fn errno<T: std::fmt::Debug>(r: Result<T>) -> i32 {
    r.unwrap_err().errno
}

const DEV: &str = "0000:01:00.0";
const GROUP_LINK: &str = "../../kernel/iommu_groups/5";

fn info() -> vfio_device_info {
    vfio_device_info {
        argsz: std::mem::size_of::<vfio_device_info>() as u32,
        ..Default::default()
    }
}

#[test]
fn without_the_module_every_call_answers_as_dpdk_does_without_vfio() {
    let fake = Fake::new(&[]);
    let root = sysfs("absent", false, None);
    let v = vfio(&fake, &root);
    v.enable(Some("vfio"), false).unwrap();
    assert!(
        fake.take().is_empty(),
        "nothing is opened without the module"
    );
    assert!(!v.is_enabled(Some("vfio")));
    assert_eq!(v.check_module(Some("vfio")), 0);
    assert_eq!(v.check_module(Some("other")), 1);
    assert_eq!(v.check_module(None), -1);
    assert_eq!(errno(v.get_container_fd()), libc::ENODEV);
    assert_eq!(errno(v.container_create()), libc::ENOENT);
    assert_eq!(fake.take(), vec![Call::Open("/dev/vfio/vfio".into())]);
    assert_eq!(errno(v.get_group_fd(1)), libc::ENOENT);
    assert_eq!(
        fake.take(),
        vec![
            Call::Open("/dev/vfio/1".into()),
            Call::Open("/dev/vfio/noiommu-1".into())
        ],
        "the group, then its no-IOMMU name"
    );
    assert_eq!(errno(v.group_bind(-1, 1)), libc::ENOENT);
    assert_eq!(errno(v.group_unbind(-1, 1)), libc::ENOENT);
    v.container_destroy(-1).unwrap();
    assert_eq!(errno(v.container_destroy(5)), libc::EINVAL);
    assert_eq!(errno(v.clear_group(5)), libc::EINVAL);
    v.clear_group(-1).unwrap();
    assert_eq!(
        v.get_group_fd(-1).unwrap(),
        -1,
        "DPDK's answer for group -1"
    );
    assert_eq!(
        errno(v.container_dma_map(-1, 0x1000, 0x1000, 0x1000)),
        libc::ENODEV
    );
    assert_eq!(
        errno(v.container_dma_map(-1, 0x1000, 0x1000, 0)),
        libc::EINVAL
    );
    assert_eq!(
        errno(v.container_dma_unmap(-1, 0x1000, 0x1000, 0x1000)),
        libc::EINVAL
    );
    let dev_root = root.join("devices");
    let base = dev_root.to_str().unwrap();
    assert_eq!(v.get_group_num(base, DEV).unwrap(), None);
    let mut fd = -7;
    let mut i = info();
    assert_eq!(
        v.setup_device(base, DEV, Some(&mut fd), Some(&mut i))
            .unwrap(),
        Setup::NotVfio
    );
    assert_eq!(fd, -7, "untouched");
    assert_eq!(errno(v.release_device(base, DEV, 3)), libc::ENODEV);
    assert_eq!(v.noiommu_is_enabled().unwrap(), 0);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn noiommu_mode_reads_the_module_parameter() {
    let fake = Fake::new(&[]);
    let root = sysfs("noiommu", true, None);
    let v = vfio(&fake, &root);
    assert_eq!(v.noiommu_is_enabled().unwrap(), 0, "absent: off");
    std::fs::write(root.join(NOIOMMU_MODE), "Y\n").unwrap();
    assert_eq!(v.noiommu_is_enabled().unwrap(), 1);
    std::fs::write(root.join(NOIOMMU_MODE), "N\n").unwrap();
    assert_eq!(v.noiommu_is_enabled().unwrap(), 0);
    std::fs::write(root.join(NOIOMMU_MODE), "").unwrap();
    assert_eq!(errno(v.noiommu_is_enabled()), libc::EIO);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn enable_opens_and_checks_the_default_container() {
    let fake = Fake::new(&["/dev/vfio/vfio"]);
    let root = sysfs("enable", true, None);
    let v = vfio(&fake, &root);
    v.enable(Some("vfio"), false).unwrap();
    assert_eq!(
        fake.take(),
        vec![
            Call::Open("/dev/vfio/vfio".into()),
            Call::ApiVersion(100),
            Call::CheckExtension(100, 1),
            Call::CheckExtension(100, 7),
            Call::CheckExtension(100, 8),
        ]
    );
    assert!(v.is_enabled(Some("vfio")));
    assert!(!v.is_enabled(Some("vfio_pci")), "that module is not loaded");
    assert_eq!(v.get_container_fd().unwrap(), 100);
    let c = v.container_create().unwrap();
    assert_eq!(c, 101);
    v.container_destroy(c).unwrap();
    assert!(fake.take().contains(&Call::Close(101)));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_container_without_api_or_iommu_support_is_closed_and_vfio_stays_off() {
    let root = sysfs("badapi", true, None);
    let mut f = Fake::new(&["/dev/vfio/vfio"]);
    Arc::get_mut(&mut f).unwrap().api = 1;
    let v = vfio(&f, &root);
    v.enable(Some("vfio"), false).unwrap();
    assert!(!v.is_enabled(Some("vfio")));
    assert_eq!(f.take().last(), Some(&Call::Close(100)));
    let mut f = Fake::new(&["/dev/vfio/vfio"]);
    Arc::get_mut(&mut f).unwrap().extensions = vec![];
    let v = vfio(&f, &root);
    v.enable(Some("vfio"), false).unwrap();
    assert!(!v.is_enabled(Some("vfio")));
    assert_eq!(f.take().last(), Some(&Call::Close(100)));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn setup_device_attaches_the_group_picks_type1_and_maps_user_memory() {
    let fake = Fake::new(&["/dev/vfio/vfio", "/dev/vfio/5"]);
    let root = sysfs("setup", true, Some((DEV, GROUP_LINK)));
    let base_dir = root.join("devices");
    let base = base_dir.to_str().unwrap();
    let v = vfio(&fake, &root);
    v.enable(Some("vfio"), false).unwrap();
    fake.take();
    assert_eq!(v.get_group_num(base, DEV).unwrap(), Some(5));

    let (mut fd, mut i) = (-1, info());
    let r = v
        .setup_device(base, DEV, Some(&mut fd), Some(&mut i))
        .unwrap();
    assert_eq!(r, Setup::Done);
    assert_eq!((fd, i.num_regions, i.num_irqs), (102, 9, 5));
    assert_eq!(
        fake.take(),
        vec![
            Call::Open("/dev/vfio/5".into()),
            Call::GroupStatus(101, 8),
            Call::SetContainer(101, 100),
            Call::SetIommu(100, 1),
            Call::GetDeviceFd(101, DEV.into()),
            Call::DeviceInfo(102, 20),
        ],
        "group 5 opened, checked viable, put in the default container, type 1 chosen"
    );
    assert_eq!(v.get_group_fd(5).unwrap(), 101, "kept open");

    // A user mapping goes to the container as a type 1 DMA map.
    v.container_dma_map(-1, 0x7f00_0000_0000, 0x1_0000_0000, 0x20_0000)
        .unwrap();
    assert_eq!(
        fake.take(),
        vec![Call::MapDma(
            100,
            vfio_iommu_type1_dma_map {
                argsz: 32,
                flags: 3,
                vaddr: 0x7f00_0000_0000,
                iova: 0x1_0000_0000,
                size: 0x20_0000,
            }
        )]
    );
    v.container_dma_map(-1, 0x7f00_0020_0000, 0x1_0020_0000, 0x20_0000)
        .unwrap();
    fake.take();
    // Type 1 cannot unmap part of an original mapping...
    assert_eq!(
        errno(v.container_dma_unmap(-1, 0x7f00_0000_1000, 0x1_0000_1000, 0x1000)),
        libc::ENOTSUP
    );
    // ...but one whole original mapping, out of a merged pair, is fine.
    v.container_dma_unmap(-1, 0x7f00_0020_0000, 0x1_0020_0000, 0x20_0000)
        .unwrap();
    assert_eq!(
        fake.take(),
        vec![Call::UnmapDma(
            100,
            vfio_iommu_type1_dma_unmap {
                argsz: 24,
                flags: 0,
                iova: 0x1_0020_0000,
                size: 0x20_0000,
            }
        )]
    );
    v.container_dma_map(-1, 0x7f00_0040_0000, 0x1_0040_0000, 0x1000)
        .unwrap();
    *fake.unmapped.lock().unwrap() = Some(0x800);
    assert_eq!(
        errno(v.container_dma_unmap(-1, 0x7f00_0040_0000, 0x1_0040_0000, 0x1000)),
        libc::EIO,
        "the kernel unmapped less than asked"
    );
    *fake.unmapped.lock().unwrap() = None;
    fake.take();

    // A second device of the same group: the group is already in the container.
    *fake.status.lock().unwrap() = VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET;
    let (mut fd2, mut i2) = (-1, info());
    std::fs::create_dir_all(base_dir.join("0000:01:00.1")).unwrap();
    std::os::unix::fs::symlink(GROUP_LINK, base_dir.join("0000:01:00.1/iommu_group")).unwrap();
    v.setup_device(base, "0000:01:00.1", Some(&mut fd2), Some(&mut i2))
        .unwrap();
    assert_eq!(
        fake.take(),
        vec![
            Call::GroupStatus(101, 8),
            Call::GetDeviceFd(101, "0000:01:00.1".into()),
            Call::DeviceInfo(103, 20),
        ]
    );

    // Releasing: the group closes with its last device.
    v.release_device(base, DEV, fd).unwrap();
    assert_eq!(fake.take(), vec![Call::Close(102)]);
    v.release_device(base, "0000:01:00.1", fd2).unwrap();
    assert_eq!(fake.take(), vec![Call::Close(103), Call::Close(101)]);

    // Plugged in again into the empty container: type 1 again, and the user mappings that
    // remain are mapped again.
    *fake.status.lock().unwrap() = VFIO_GROUP_FLAGS_VIABLE;
    let (mut fd3, mut i3) = (-1, info());
    v.setup_device(base, DEV, Some(&mut fd3), Some(&mut i3))
        .unwrap();
    let calls = fake.take();
    assert_eq!(
        calls[..4].to_vec(),
        vec![
            Call::Open("/dev/vfio/5".into()),
            Call::GroupStatus(104, 8),
            Call::SetContainer(104, 100),
            Call::SetIommu(100, 1),
        ]
    );
    let remapped: Vec<u64> = calls
        .iter()
        .filter_map(|c| match c {
            Call::MapDma(100, m) => Some(m.iova),
            _ => None,
        })
        .collect();
    assert_eq!(
        remapped,
        vec![0x1_0000_0000, 0x1_0040_0000],
        "user mappings restored"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn setup_failures_close_and_forget_the_group() {
    let fake = Fake::new(&["/dev/vfio/vfio", "/dev/vfio/5"]);
    let root = sysfs("notviable", true, Some((DEV, GROUP_LINK)));
    let base_dir = root.join("devices");
    let base = base_dir.to_str().unwrap();
    let v = vfio(&fake, &root);
    v.enable(Some("vfio"), false).unwrap();
    fake.take();
    *fake.status.lock().unwrap() = 0;
    let (mut fd, mut i) = (-1, info());
    assert_eq!(
        errno(v.setup_device(base, DEV, Some(&mut fd), Some(&mut i))),
        libc::EPERM,
        "not viable"
    );
    assert_eq!(fake.take().last(), Some(&Call::Close(101)));
    assert_eq!(errno(v.clear_group(101)), libc::EINVAL, "already forgotten");
    *fake.status.lock().unwrap() = VFIO_GROUP_FLAGS_VIABLE;
    assert_eq!(
        errno(v.setup_device(base, DEV, Some(&mut fd), None)),
        libc::EINVAL,
        "NULL device_info"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_vf_token_is_tried_first() {
    let fake = Fake::new(&["/dev/vfio/vfio", "/dev/vfio/5"]);
    let root = sysfs("token", true, Some((DEV, GROUP_LINK)));
    let base_dir = root.join("devices");
    let base = base_dir.to_str().unwrap();
    let v = vfio(&fake, &root);
    v.enable(Some("vfio"), false).unwrap();
    fake.take();
    let mut token = [0u8; 16];
    token[15] = 1;
    let (mut fd, mut i) = (-1, info());
    v.setup_device_with_token(base, DEV, Some(&mut fd), Some(&mut i), token)
        .unwrap();
    let opens: Vec<Call> = fake
        .take()
        .into_iter()
        .filter(|c| matches!(c, Call::GetDeviceFd(..)))
        .collect();
    assert_eq!(
        opens,
        vec![Call::GetDeviceFd(
            101,
            format!("{DEV} vf_token=00000000-0000-0000-0000-000000000001")
        )],
        "the token form worked: no plain open"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_secondary_gets_the_container_groups_and_iommu_type_from_its_primary() {
    let fake = Fake::new(&["/dev/vfio/vfio", "/dev/vfio/5"]);
    let root = sysfs("secondary", true, Some((DEV, GROUP_LINK)));
    let base_dir = root.join("devices");
    let base = base_dir.to_str().unwrap();
    let primary = vfio(&fake, &root);
    primary.enable(Some("vfio"), false).unwrap();
    let (mut fd, mut i) = (-1, info());
    primary
        .setup_device(base, DEV, Some(&mut fd), Some(&mut i))
        .unwrap();
    fake.take();

    let secondary: &'static Vfio = Box::leak(Box::new(Vfio::new(
        Box::new(Ops(fake.clone())),
        Box::new(Local(primary)),
        &root,
    )));
    secondary.enable(Some("vfio"), true).unwrap();
    assert!(fake.take().is_empty(), "the secondary opens nothing itself");
    assert_eq!(
        secondary.get_container_fd().unwrap(),
        100,
        "the primary's container"
    );
    assert_eq!(
        secondary.get_group_fd(5).unwrap(),
        101,
        "the primary's group"
    );
    assert_eq!(errno(secondary.get_group_fd(9)), libc::ENOENT);
    fake.take();
    *fake.status.lock().unwrap() = VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET;
    let (mut fd2, mut i2) = (-1, info());
    secondary
        .setup_device(base, DEV, Some(&mut fd2), Some(&mut i2))
        .unwrap();
    assert!(
        !fake
            .take()
            .iter()
            .any(|c| matches!(c, Call::SetIommu(..) | Call::MapDma(..))),
        "the type comes from the primary; the primary did the mapping"
    );
    secondary
        .container_dma_map(-1, 0x1000, 0x1000, 0x1000)
        .unwrap();
    assert!(
        matches!(fake.take()[..], [Call::MapDma(100, _)]),
        "type 1 learnt"
    );

    // The primary's answers themselves.
    let bad = Msg::new(mp::EAL_VFIO_MP, &[0u8; 4]);
    assert_eq!(errno(primary.answer(&bad)), libc::EINVAL);
    let unknown = MpParam {
        req: 0x7,
        ..Default::default()
    };
    assert_eq!(errno(primary.answer(&unknown.msg())), libc::EINVAL);
    let ask = |n| MpParam {
        req: SOCKET_REQ_GROUP,
        result: 0,
        value: n,
    };
    let rep = primary.answer(&ask(5).msg()).unwrap();
    let p = MpParam::parse(&rep.param).unwrap();
    assert_eq!(
        (p.req, p.result, p.value, rep.fds.clone()),
        (SOCKET_REQ_GROUP, SOCKET_OK, 5, vec![101])
    );
    let rep = primary.answer(&ask(9).msg()).unwrap();
    assert_eq!(MpParam::parse(&rep.param).unwrap().result, SOCKET_NO_FD);
    assert!(rep.fds.is_empty());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn tables_have_dpdks_limits() {
    let fake = Fake::new(&["/dev/vfio/vfio"]);
    let root = sysfs("limits", true, None);
    let v = vfio(&fake, &root);
    v.enable(Some("vfio"), false).unwrap();
    let made: Vec<RawFd> = (1..MAX_CONTAINERS)
        .map(|_| v.container_create().unwrap())
        .collect();
    assert_eq!(made.len(), 63);
    assert_eq!(errno(v.container_create()), libc::ENOSPC);
    v.container_destroy(made[10]).unwrap();
    v.container_create().unwrap();
    {
        let mut p = fake.paths.lock().unwrap();
        for g in 0..=MAX_GROUPS {
            p.insert(format!("/dev/vfio/{g}"));
        }
    }
    for g in 0..MAX_GROUPS as i32 {
        v.group_bind(made[0], g).unwrap();
    }
    assert_eq!(errno(v.group_bind(made[0], 64)), libc::ENOSPC);
    v.group_unbind(made[0], 3).unwrap();
    assert_eq!(errno(v.group_unbind(made[0], 3)), libc::ENOENT);
    v.group_bind(made[0], 64).unwrap();
    let _ = std::fs::remove_dir_all(&root);
}
