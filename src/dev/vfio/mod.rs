//! VFIO (DPDK's `eal_vfio.c`): containers, IOMMU groups, devices and DMA mappings over the
//! kernel's `/dev/vfio` interface, for the PCI bus driver and applications that do their own
//! device assignment.
//!
//! # The DPDK concept
//!
//! A *container* (`/dev/vfio/vfio`) is an IOMMU context; *groups* (`/dev/vfio/<n>`, or
//! `/dev/vfio/noiommu-<n>` in no-IOMMU mode) are the smallest sets of devices the IOMMU can
//! isolate, and are attached to a container; *devices* are opened through their group. The
//! EAL keeps a default container (the one `rte_vfio_setup_device` uses; its fd is
//! `RTE_VFIO_DEFAULT_CONTAINER_FD` in the API) and up to 63 more created with
//! `rte_vfio_container_create`, each with up to 64 groups. When the first group of the default
//! container is attached in the primary, the EAL picks an IOMMU type (type 1, sPAPR or no-IOMMU,
//! the first the kernel accepts), maps every memory segment for DMA, maps again the user
//! mappings (see [`maps`]), and registers a memory event callback that maps pages the process
//! gains and unmaps pages it loses. Secondary processes get the default container's and its
//! groups' descriptors, and its IOMMU type, from the primary ([`mp`]).
//!
//! Where the `vfio` module is not loaded (these machines), `rte_vfio_enable` succeeds without a
//! container and every call answers as DPDK 22.11 does there: the return values and `rte_errno`
//! are checked against real DPDK by `c-tests/diff_vfio.c`. The success paths are unit-tested
//! through the [`VfioOps`] seam, which records the ioctls and their argument structs.
//!
//! sPAPR (ppc64) is in the list of IOMMU types, as in DPDK, but its window management is not
//! implemented: on x86 the kernel never offers it; if it were selected its mappings fail with
//! ENOTSUP.
//!
//! # State and locking
//!
//! The containers are process-local and live behind one mutex. Lock order: the shared memory
//! hotplug lock (read) before the mutex, because the memory event callback runs with the
//! hotplug lock held for writing and takes the mutex; `setup_device` and `release_device` take
//! the read lock first (in one helper, [`with_mem_read_lock`]), everything else only the mutex.
//! Descriptors are plain numbers as in the C API: the application may close a device
//! descriptor it was given; the layer closes only what it opened or was handed back.
//!
//! Differences from DPDK, all on bad input: a negative group descriptor or number never
//! matches a free table slot (DPDK "clears" a free slot for `rte_vfio_clear_group(-1)` and
//! corrupts its group count); NULL strings are refused with EINVAL.

pub(crate) mod device;
pub(crate) mod maps;
pub(crate) mod mp;

use std::os::fd::RawFd;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard};

use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_INFO, RTE_LOG_NOTICE};
use crate::error::{Error, Result};
use crate::sys::vfio::{Kernel, VfioOps, VFIO_API_VERSION};
use crate::sys::vfio::{VFIO_NOIOMMU_IOMMU, VFIO_SPAPR_TCE_V2_IOMMU, VFIO_TYPE1_IOMMU};
use crate::{eal_log, err};
use maps::UserMaps;
use mp::{MpLink, MpParam, PrimaryLink};

/// Containers per process, the default one included (RTE_MAX_VFIO_CONTAINERS).
pub(crate) const MAX_CONTAINERS: usize = 64;
/// Groups per container (RTE_MAX_VFIO_GROUPS).
pub(crate) const MAX_GROUPS: usize = 64;
/// `RTE_VFIO_DEFAULT_CONTAINER_FD`: names the default container in the API.
pub(crate) const DEFAULT_CONTAINER_FD: RawFd = -1;

/// Where the container device is (VFIO_CONTAINER_PATH).
const CONTAINER_PATH: &str = "/dev/vfio/vfio";
/// The no-IOMMU switch under the sysfs root (VFIO_NOIOMMU_MODE without "/sys").
const NOIOMMU_MODE: &str = "module/vfio/parameters/enable_unsafe_noiommu_mode";

/// An IOMMU model DPDK can drive.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct IommuType {
    pub id: u32,
    pub name: &'static str,
    /// Can unmap part of an earlier mapping.
    pub partial_unmap: bool,
}

/// DPDK's list, in the order it tries them.
pub(crate) static IOMMU_TYPES: [IommuType; 3] = [
    IommuType {
        id: VFIO_TYPE1_IOMMU,
        name: "Type 1",
        partial_unmap: false,
    },
    IommuType {
        id: VFIO_SPAPR_TCE_V2_IOMMU,
        name: "sPAPR",
        partial_unmap: true,
    },
    IommuType {
        id: VFIO_NOIOMMU_IOMMU,
        name: "No-IOMMU",
        partial_unmap: true,
    },
];

/// One group slot (`struct vfio_group`); `num == -1` marks a free slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group {
    num: i32,
    fd: RawFd,
    devices: i32,
}

const FREE_GROUP: Group = Group {
    num: -1,
    fd: -1,
    devices: 0,
};

/// One container (`struct vfio_config`); `fd == -1` marks a free user container.
#[derive(Debug)]
struct Container {
    enabled: bool,
    fd: RawFd,
    active_groups: i32,
    iommu: Option<&'static IommuType>,
    groups: Vec<Group>,
    maps: UserMaps,
}

impl Container {
    fn new() -> Container {
        Container {
            enabled: false,
            fd: -1,
            active_groups: 0,
            iommu: None,
            groups: vec![FREE_GROUP; MAX_GROUPS],
            maps: UserMaps::default(),
        }
    }

    /// Forgets the containers's descriptor and groups (not its user mappings, as DPDK).
    fn reset(&mut self) {
        self.fd = -1;
        self.active_groups = 0;
        self.iommu = None;
        self.groups.fill(FREE_GROUP);
    }
}

/// The process's VFIO state.
struct State {
    /// Index 0 is the default container.
    containers: Vec<Container>,
    /// Descriptors of the default container come from the primary.
    secondary: bool,
}

impl State {
    fn new() -> State {
        State {
            containers: (0..MAX_CONTAINERS).map(|_| Container::new()).collect(),
            secondary: false,
        }
    }

    /// The container `fd` names (DEFAULT_CONTAINER_FD: the default one).
    fn by_container_fd(&self, fd: RawFd) -> Option<usize> {
        if fd == DEFAULT_CONTAINER_FD {
            return Some(0);
        }
        self.containers.iter().position(|c| c.fd == fd)
    }

    /// The container holding group number `num`.
    fn by_group_num(&self, num: i32) -> Option<usize> {
        if num < 0 {
            return None;
        }
        self.containers
            .iter()
            .position(|c| c.groups.iter().any(|g| g.num == num))
    }

    /// The container and slot of the group with descriptor `fd`.
    fn by_group_fd(&self, fd: RawFd) -> Option<(usize, usize)> {
        if fd < 0 {
            return None;
        }
        self.containers.iter().enumerate().find_map(|(ci, c)| {
            c.groups
                .iter()
                .position(|g| g.fd == fd && g.num != -1)
                .map(|gi| (ci, gi))
        })
    }

    /// The container a group number belongs to, or the default one.
    fn for_group(&self, num: i32) -> usize {
        self.by_group_num(num).unwrap_or(0)
    }
}

/// The VFIO layer of one process. [`global`] serves the C API; tests build their own over a
/// recording [`VfioOps`].
pub struct Vfio {
    ops: Box<dyn VfioOps>,
    link: Box<dyn PrimaryLink>,
    sysfs: PathBuf,
    state: Mutex<State>,
}

static GLOBAL: LazyLock<Vfio> =
    LazyLock::new(|| Vfio::new(Box::new(Kernel), Box::new(MpLink), Path::new("/sys")));

/// The process's VFIO layer.
pub fn global() -> &'static Vfio {
    &GLOBAL
}

/// `rte_eal_vfio_setup` (init step 18): `rte_vfio_enable("vfio")`. `secondary`: the default
/// container comes from the primary.
pub fn setup(secondary: bool) -> Result<()> {
    global().enable(Some("vfio"), secondary)
}

/// `vfio_mp_sync_setup` (init step 27): a primary with VFIO enabled answers its secondaries.
pub fn mp_sync_setup(primary: bool) -> Result<()> {
    if !primary || !global().is_enabled(Some("vfio")) {
        return Ok(());
    }
    let action: crate::mp::Action = std::sync::Arc::new(|msg, peer| match global().answer(msg) {
        Ok(rep) => match crate::mp::reply(&rep, peer) {
            Ok(()) => 0,
            Err(_) => -1,
        },
        Err(e) => {
            crate::base::log::eal_err(&format!("vfio received invalid message: {}", e.msg));
            -1
        }
    });
    match crate::mp::register_action(mp::EAL_VFIO_MP, action) {
        Err(e) if e.errno != libc::ENOTSUP => Err(e),
        _ => Ok(()),
    }
}

/// `vfio_mp_sync_cleanup` (cleanup step 3).
pub fn mp_sync_cleanup(primary: bool) {
    if primary {
        crate::mp::unregister_action(mp::EAL_VFIO_MP);
    }
}

/// Runs `f` under the shared memory hotplug lock, read side (the one place this layer takes
/// it; see the module's lock order).
fn with_mem_read_lock<T>(f: impl FnOnce() -> T) -> T {
    let _hotplug = crate::base::mcfg::mem_read();
    f()
}

fn os_error(what: String, e: std::io::Error) -> Error {
    Error::os(what, e)
}

impl Vfio {
    /// A VFIO layer over `ops`, reaching its primary through `link`, with sysfs at `sysfs`.
    pub fn new(ops: Box<dyn VfioOps>, link: Box<dyn PrimaryLink>, sysfs: &Path) -> Vfio {
        Vfio {
            ops,
            link,
            sysfs: sysfs.to_path_buf(),
            state: Mutex::new(State::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// DPDK's `rte_eal_check_module`: 1 if `/sys/module/<name>` exists, 0 if not, -1 when
    /// sysfs is not there or there is no name.
    pub fn check_module(&self, name: Option<&str>) -> i32 {
        let Some(name) = name else { return -1 };
        let modules = self.sysfs.join("module");
        if std::fs::metadata(&modules).is_err() {
            eal_log!(
                RTE_LOG_DEBUG,
                "sysfs is not mounted at {}",
                self.sysfs.display()
            );
            return -1;
        }
        if name.len() >= libc::PATH_MAX as usize {
            return -1;
        }
        let p = modules.join(name);
        if std::fs::metadata(&p).is_err() {
            eal_log!(RTE_LOG_DEBUG, "Module {} not found", p.display());
            return 0;
        }
        1
    }

    /// `rte_vfio_enable(modname)`: forgets every container, then, if the module is loaded,
    /// opens the default container (in a secondary: gets it from the primary). Fails only when
    /// the module list cannot be read; a container that cannot be opened leaves VFIO disabled.
    pub fn enable(&self, modname: Option<&str>, secondary: bool) -> Result<()> {
        let mut st = self.lock();
        st.secondary = secondary;
        for c in st.containers.iter_mut() {
            c.reset();
            c.enabled = false;
        }
        eal_log!(RTE_LOG_DEBUG, "Probing VFIO support...");
        match self.check_module(modname) {
            -1 if modname.is_none() => return Err(err!(libc::EINVAL, "modname is NULL")),
            -1 => {
                return Err(err!(
                    libc::ENODEV,
                    "could not get loaded module details (is sysfs mounted?)"
                ))
            }
            0 => {
                eal_log!(
                    RTE_LOG_DEBUG,
                    "VFIO modules not loaded, skipping VFIO support..."
                );
                return Ok(());
            }
            _ => {}
        }
        let fd = if secondary {
            self.container_from_primary()
        } else {
            self.open_container()
        };
        match fd {
            Ok(fd) => {
                st.containers[0].fd = fd;
                st.containers[0].enabled = true;
                eal_log!(RTE_LOG_INFO, "VFIO support initialized");
            }
            Err(e) => eal_log!(
                RTE_LOG_NOTICE,
                "VFIO support could not be initialized: {}",
                e.msg
            ),
        }
        Ok(())
    }

    /// `rte_vfio_is_enabled(modname)`: the default container is open and the module loaded.
    pub fn is_enabled(&self, modname: Option<&str>) -> bool {
        let loaded = self.check_module(modname) > 0;
        self.lock().containers[0].enabled && loaded
    }

    /// `rte_vfio_noiommu_is_enabled`: 1 when the no-IOMMU switch reads 'Y', 0 when it is off or
    /// absent.
    pub fn noiommu_is_enabled(&self) -> Result<i32> {
        let path = self.sysfs.join(NOIOMMU_MODE);
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(os_error(format!("cannot read {}", path.display()), e)),
        };
        match data.first() {
            Some(&c) => Ok((c == b'Y') as i32),
            None => Err(err!(libc::EIO, "{} is empty", path.display())),
        }
    }

    /// Opens a new container and checks its API version and IOMMU support (DPDK's
    /// `vfio_open_container_fd(false)`).
    fn open_container(&self) -> Result<RawFd> {
        let fd = self
            .ops
            .open(Path::new(CONTAINER_PATH))
            .map_err(|e| os_error(format!("cannot open VFIO container {CONTAINER_PATH}"), e))?;
        let checked = self.check_container(fd);
        if checked.is_err() {
            let _ = self.ops.close(fd);
        }
        checked.map(|()| fd)
    }

    fn check_container(&self, fd: RawFd) -> Result<()> {
        match self.ops.get_api_version(fd) {
            Ok(v) if v == VFIO_API_VERSION => {}
            Ok(v) => {
                return Err(err!(
                    libc::ENOTSUP,
                    "unsupported VFIO API version {v} (expected {VFIO_API_VERSION})"
                ))
            }
            Err(e) => return Err(os_error("could not get VFIO API version".into(), e)),
        }
        let mut supported = 0;
        for t in &IOMMU_TYPES {
            let r = self
                .ops
                .check_extension(fd, t.id)
                .map_err(|e| os_error("could not get IOMMU type".into(), e))?;
            eal_log!(
                RTE_LOG_DEBUG,
                "IOMMU type {} ({}) is {}",
                t.id,
                t.name,
                if r != 0 { "supported" } else { "not supported" }
            );
            supported += (r == 1) as u32;
        }
        if supported == 0 {
            return Err(err!(libc::ENOTSUP, "no supported IOMMU extensions found"));
        }
        Ok(())
    }

    /// The default container's descriptor, from the primary.
    fn container_from_primary(&self) -> Result<RawFd> {
        let req = MpParam {
            req: mp::SOCKET_REQ_CONTAINER,
            ..Default::default()
        };
        if let Some(mut rep) = self.link.ask(&req.msg()) {
            let p = MpParam::parse(&rep.param);
            if p.is_some_and(|p| p.result == mp::SOCKET_OK) && rep.fds.len() == 1 {
                return Ok(rep.fds[0]);
            }
            rep.close_fds();
        }
        Err(err!(
            libc::EIO,
            "cannot request the VFIO container fd from the primary process"
        ))
    }

    /// `rte_vfio_get_container_fd`: the default container's descriptor, if VFIO is enabled.
    pub fn get_container_fd(&self) -> Result<RawFd> {
        let st = self.lock();
        if !st.containers[0].enabled {
            return Err(err!(libc::ENODEV, "VFIO is not enabled"));
        }
        Ok(st.containers[0].fd)
    }

    /// `rte_vfio_container_create`: opens one more container.
    pub fn container_create(&self) -> Result<RawFd> {
        let mut st = self.lock();
        let i = (1..MAX_CONTAINERS)
            .find(|&i| st.containers[i].fd == -1)
            .ok_or_else(|| {
                err!(
                    libc::ENOSPC,
                    "exceeded the VFIO container limit ({MAX_CONTAINERS})"
                )
            })?;
        let fd = self
            .open_container()
            .map_err(|e| err!(e.errno, "fail to create a new VFIO container: {}", e.msg))?;
        st.containers[i].fd = fd;
        Ok(fd)
    }

    /// `rte_vfio_container_destroy`: unbinds the container's groups and closes it.
    pub fn container_destroy(&self, fd: RawFd) -> Result<()> {
        let mut st = self.lock();
        let ci = st
            .by_container_fd(fd)
            .ok_or_else(|| err!(libc::EINVAL, "invalid VFIO container fd {fd}"))?;
        let nums: Vec<i32> = st.containers[ci]
            .groups
            .iter()
            .filter(|g| g.num != -1)
            .map(|g| g.num)
            .collect();
        for num in nums {
            let _ = self.unbind_locked(&mut st, ci, num);
        }
        if fd >= 0 {
            let _ = self.ops.close(fd);
        }
        let c = &mut st.containers[ci];
        c.fd = -1;
        c.active_groups = 0;
        c.iommu = None;
        Ok(())
    }

    /// `rte_vfio_container_group_bind`: the group's descriptor in that container, opened if
    /// needed (ENOENT when the group does not exist).
    pub fn group_bind(&self, container_fd: RawFd, num: i32) -> Result<RawFd> {
        let mut st = self.lock();
        let ci = st
            .by_container_fd(container_fd)
            .ok_or_else(|| err!(libc::EINVAL, "invalid VFIO container fd {container_fd}"))?;
        self.group_fd_locked(&mut st, ci, num)
    }

    /// `rte_vfio_container_group_unbind`: closes the group and frees its slot.
    pub fn group_unbind(&self, container_fd: RawFd, num: i32) -> Result<()> {
        let mut st = self.lock();
        let ci = st
            .by_container_fd(container_fd)
            .ok_or_else(|| err!(libc::EINVAL, "invalid VFIO container fd {container_fd}"))?;
        self.unbind_locked(&mut st, ci, num)
    }

    fn unbind_locked(&self, st: &mut State, ci: usize, num: i32) -> Result<()> {
        if num < 0 {
            // DPDK would "unbind" a free slot here; there is nothing to do.
            return Ok(());
        }
        let c = &mut st.containers[ci];
        let gi = c.groups.iter().position(|g| g.num == num).ok_or_else(|| {
            err!(
                libc::ENOENT,
                "VFIO group {num} is not bound to this container"
            )
        })?;
        let fd = c.groups[gi].fd;
        if fd >= 0 {
            self.ops
                .close(fd)
                .map_err(|e| os_error(format!("cannot close the fd of VFIO group {num}"), e))?;
        }
        c.groups[gi] = FREE_GROUP;
        c.active_groups -= 1;
        Ok(())
    }

    /// `rte_vfio_get_group_fd`: the group's descriptor in the container that has it (or the
    /// default one), opened if needed.
    pub fn get_group_fd(&self, num: i32) -> Result<RawFd> {
        let mut st = self.lock();
        let ci = st.for_group(num);
        self.group_fd_locked(&mut st, ci, num)
    }

    /// DPDK's `vfio_get_group_fd`: an open slot's descriptor, or the group opened into a free
    /// slot. ENOENT when the group does not exist.
    fn group_fd_locked(&self, st: &mut State, ci: usize, num: i32) -> Result<RawFd> {
        let c = &st.containers[ci];
        if let Some(g) = c.groups.iter().find(|g| g.num == num) {
            // DPDK answers -1 for group -1 (the fd of a free slot).
            return Ok(g.fd);
        }
        if c.active_groups as usize >= MAX_GROUPS {
            return Err(err!(
                libc::ENOSPC,
                "maximum number of VFIO groups ({MAX_GROUPS}) reached"
            ));
        }
        let gi = c
            .groups
            .iter()
            .position(|g| g.num == -1)
            .ok_or_else(|| err!(libc::ENOSPC, "no free VFIO group slot"))?;
        let from_primary = st.secondary && ci == 0;
        let fd = self
            .open_group(num, from_primary)
            .map_err(|e| err!(e.errno, "failed to open VFIO group {num}: {}", e.msg))?;
        let c = &mut st.containers[ci];
        c.groups[gi] = Group {
            num,
            fd,
            devices: 0,
        };
        c.active_groups += 1;
        Ok(fd)
    }

    /// Opens group `num` (DPDK's `vfio_open_group_fd`): `/dev/vfio/<num>`, else
    /// `/dev/vfio/noiommu-<num>`; ENOENT when neither exists. A secondary asks its primary.
    fn open_group(&self, num: i32, from_primary: bool) -> Result<RawFd> {
        if from_primary {
            return self.group_from_primary(num);
        }
        // DPDK formats the number with %u.
        let n = num as u32;
        for path in [format!("/dev/vfio/{n}"), format!("/dev/vfio/noiommu-{n}")] {
            match self.ops.open(Path::new(&path)) {
                Ok(fd) => return Ok(fd),
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => continue,
                Err(e) => return Err(os_error(format!("cannot open {path}"), e)),
            }
        }
        Err(err!(
            libc::ENOENT,
            "neither /dev/vfio/{n} nor /dev/vfio/noiommu-{n} exists"
        ))
    }

    fn group_from_primary(&self, num: i32) -> Result<RawFd> {
        let req = MpParam {
            req: mp::SOCKET_REQ_GROUP,
            result: 0,
            value: num,
        };
        if let Some(mut rep) = self.link.ask(&req.msg()) {
            match MpParam::parse(&rep.param).map(|p| p.result) {
                Some(mp::SOCKET_OK) if rep.fds.len() == 1 => return Ok(rep.fds[0]),
                Some(mp::SOCKET_NO_FD) => {
                    rep.close_fds();
                    return Err(err!(
                        libc::ENOENT,
                        "the primary has no VFIO group {num} (bad VFIO group fd)"
                    ));
                }
                _ => rep.close_fds(),
            }
        }
        Err(err!(
            libc::EIO,
            "cannot request the fd of VFIO group {num} from the primary process"
        ))
    }

    /// `rte_vfio_clear_group`: forgets the group with descriptor `fd` (without closing it).
    pub fn clear_group(&self, fd: RawFd) -> Result<()> {
        if fd < 0 {
            // DPDK "clears" a free slot and returns 0; do nothing and say so.
            return Ok(());
        }
        let mut st = self.lock();
        Self::clear_group_locked(&mut st, fd)
    }

    fn clear_group_locked(st: &mut State, fd: RawFd) -> Result<()> {
        let (ci, gi) = st
            .by_group_fd(fd)
            .ok_or_else(|| err!(libc::EINVAL, "invalid VFIO group fd {fd}"))?;
        let c = &mut st.containers[ci];
        c.groups[gi] = FREE_GROUP;
        c.active_groups -= 1;
        Ok(())
    }

    /// The default container's IOMMU type id (for a secondary's question).
    fn iommu_type_id(&self) -> Option<u32> {
        self.lock().containers[0].iommu.map(|t| t.id)
    }

    /// The primary's answer to a secondary's [`mp`] request; Err for a malformed request.
    pub(crate) fn answer(&self, msg: &crate::mp::Msg) -> Result<crate::mp::Msg> {
        let m = MpParam::parse(&msg.param).ok_or_else(|| {
            err!(
                libc::EINVAL,
                "parameter of {} bytes, not {}",
                msg.param.len(),
                mp::MP_PARAM_LEN
            )
        })?;
        let mut r = MpParam {
            req: m.req,
            ..Default::default()
        };
        let mut fds = Vec::new();
        match m.req {
            mp::SOCKET_REQ_GROUP => {
                r.value = m.value;
                match self.get_group_fd(m.value) {
                    Ok(fd) if fd >= 0 => {
                        r.result = mp::SOCKET_OK;
                        fds.push(fd);
                    }
                    Err(e) if e.errno == libc::ENOENT => r.result = mp::SOCKET_NO_FD,
                    _ => r.result = mp::SOCKET_ERR,
                }
            }
            mp::SOCKET_REQ_CONTAINER => match self.get_container_fd() {
                Ok(fd) if fd >= 0 => {
                    r.result = mp::SOCKET_OK;
                    fds.push(fd);
                }
                _ => r.result = mp::SOCKET_ERR,
            },
            mp::SOCKET_REQ_IOMMU_TYPE => match self.iommu_type_id() {
                Some(id) => {
                    r.result = mp::SOCKET_OK;
                    r.value = id as i32;
                }
                None => r.result = mp::SOCKET_ERR,
            },
            other => return Err(err!(libc::EINVAL, "unknown request {other:#x}")),
        }
        let mut rep = r.msg();
        rep.fds = fds;
        Ok(rep)
    }
}

#[cfg(test)]
mod tests;
