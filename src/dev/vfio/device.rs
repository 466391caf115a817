//! Devices and DMA: `rte_vfio_get_group_num`, `rte_vfio_setup_device` /
//! `rte_vfio_release_device`, the IOMMU type choice and the DMA mappings (every memory
//! segment, the user mappings, and pages as the memory event callback reports them).

use std::ffi::{c_int, c_void, CString};
use std::os::fd::RawFd;

use super::maps::{UserMap, UserMaps};
use super::mp::{self, MpParam};
use super::{global, os_error, with_mem_read_lock, IommuType, State, Vfio, IOMMU_TYPES};
use crate::abi::{RTE_BAD_IOVA, RTE_MEM_EVENT_ALLOC};
use crate::base::log::{RTE_LOG_DEBUG, RTE_LOG_INFO, RTE_LOG_NOTICE, RTE_LOG_WARNING};
use crate::error::Result;
use crate::mem::{memevent, memseg};
use crate::options::IovaMode;
use crate::sys::vfio::{
    vfio_device_info, vfio_group_status, vfio_iommu_type1_dma_map, vfio_iommu_type1_dma_unmap,
    VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_WRITE, VFIO_GROUP_FLAGS_CONTAINER_SET,
    VFIO_GROUP_FLAGS_VIABLE, VFIO_NOIOMMU_IOMMU, VFIO_TYPE1_IOMMU,
};
use crate::{eal_log, err};

/// The memory event callback's name (VFIO_MEM_EVENT_CLB_NAME).
const MEM_EVENT_CLB_NAME: &str = "vfio_mem_event_clb";

/// What `rte_vfio_setup_device` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// The device is set up: its descriptor and info were written.
    Done,
    /// The device is not bound to VFIO (DPDK returns 1).
    NotVfio,
}

/// The process's IOVA mode, VA when init has not decided (yet).
fn iova_is_va() -> bool {
    crate::config::state().is_none_or(|s| s.iova_mode == IovaMode::Va)
}

/// The last component of an `iommu_group` link target, as DPDK splits it (at most 16 pieces
/// at '/', the last taking the rest; a trailing '/' makes no empty piece).
fn last_token(target: &[u8]) -> Option<&[u8]> {
    if target.is_empty() {
        return None;
    }
    let mut pieces = 0;
    let mut start = 0;
    let mut last = None;
    let mut i = 0;
    let mut new_token = true;
    while i < target.len() && pieces < 16 {
        if new_token {
            new_token = false;
            start = i;
            pieces += 1;
        }
        if target[i] == b'/' {
            last = Some(&target[start..i]);
            new_token = true;
        }
        i += 1;
    }
    if !new_token {
        // The last piece runs to the end (or holds the rest after 16 pieces).
        last = Some(&target[start..]);
    }
    last
}

/// `strtol(s, &end, 10)` stored into an `int`, then checked as DPDK checks it: the value
/// DPDK stores (even when the check then fails), and whether the check passed. Leading
/// blanks and a sign are allowed; no digits at all reads as 0 and passes; digits followed by
/// anything else, or a value out of `long`'s range, fail.
fn parse_group_number(s: &[u8]) -> (i32, bool) {
    let Ok(text) = std::str::from_utf8(s) else {
        return (0, false);
    };
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return (0, true);
    }
    let (value, in_range) = match digits[..n].parse::<i64>() {
        Ok(v) => (if neg { -v } else { v }, true),
        Err(_) => (if neg { i64::MIN } else { i64::MAX }, false),
    };
    // The long goes into an int: DPDK keeps the low 32 bits.
    (value as i32, in_range && n == digits.len())
}

/// What a device's `iommu_group` link says (`rte_vfio_get_group_num`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupNum {
    /// No link: the device is not under an IOMMU (DPDK returns 0).
    NoGroup,
    /// The group number (DPDK returns 1).
    Group(i32),
    /// The link cannot be parsed (DPDK returns -1 after storing `partial`, if any).
    Bad { partial: Option<i32> },
}

impl Vfio {
    /// `rte_vfio_get_group_num`: what the `iommu_group` link of device `dev_addr` under
    /// `sysfs_base` says.
    pub fn group_num(&self, sysfs_base: &str, dev_addr: &str) -> GroupNum {
        use std::os::unix::ffi::OsStrExt;
        let link = format!("{sysfs_base}/{dev_addr}/iommu_group");
        let Ok(target) = std::fs::read_link(&link) else {
            return GroupNum::NoGroup;
        };
        let Some(last) = last_token(target.as_os_str().as_bytes()) else {
            return GroupNum::Bad { partial: None };
        };
        match parse_group_number(last) {
            (n, true) => GroupNum::Group(n),
            (n, false) => GroupNum::Bad { partial: Some(n) },
        }
    }

    /// [`Vfio::group_num`] as a result: None when the device has no IOMMU group.
    pub(crate) fn get_group_num(&self, sysfs_base: &str, dev_addr: &str) -> Result<Option<i32>> {
        match self.group_num(sysfs_base, dev_addr) {
            GroupNum::NoGroup => Ok(None),
            GroupNum::Group(n) => Ok(Some(n)),
            GroupNum::Bad { .. } => Err(err!(
                libc::EINVAL,
                "{dev_addr}: cannot parse the IOMMU group number of its iommu_group link"
            )),
        }
    }

    /// Closes and forgets a group after a failed setup step.
    fn drop_group(&self, st: &mut State, group_fd: RawFd) {
        let _ = self.ops.close(group_fd);
        let _ = Self::clear_group_locked(st, group_fd);
    }

    /// `rte_vfio_setup_device`: opens device `dev_addr`'s group, attaches it to its container
    /// (choosing the IOMMU type and mapping memory for the first group of the primary's
    /// default container), and opens the device: `dev_fd` and `info` are written.
    /// `info.argsz` must be set by the caller, as for the ioctl. NotVfio when the device is not
    /// bound to VFIO.
    pub fn setup_device(
        &self,
        sysfs_base: &str,
        dev_addr: &str,
        dev_fd: Option<&mut c_int>,
        info: Option<&mut vfio_device_info>,
    ) -> Result<Setup> {
        let token = crate::config::get().map_or([0; 16], |c| c.vfio_vf_token);
        self.setup_device_with_token(sysfs_base, dev_addr, dev_fd, info, token)
    }

    /// [`Vfio::setup_device`] with the VF token `token` (all zero: none).
    pub(crate) fn setup_device_with_token(
        &self,
        sysfs_base: &str,
        dev_addr: &str,
        dev_fd: Option<&mut c_int>,
        info: Option<&mut vfio_device_info>,
        token: [u8; 16],
    ) -> Result<Setup> {
        let Some(num) = self.get_group_num(sysfs_base, dev_addr)? else {
            eal_log!(
                RTE_LOG_NOTICE,
                "{dev_addr} not managed by VFIO driver, skipping"
            );
            return Ok(Setup::NotVfio);
        };
        with_mem_read_lock(|| {
            let mut st = self.lock();
            self.setup_locked(&mut st, num, dev_addr, dev_fd, info, token)
        })
    }

    fn setup_locked(
        &self,
        st: &mut State,
        num: i32,
        dev_addr: &str,
        dev_fd: Option<&mut c_int>,
        info: Option<&mut vfio_device_info>,
        token: [u8; 16],
    ) -> Result<Setup> {
        let ci = st.for_group(num);
        let group_fd = match self.group_fd_locked(st, ci, num) {
            Ok(fd) if fd >= 0 => fd,
            Ok(_) => return Err(err!(libc::EINVAL, "invalid VFIO group {num}")),
            Err(e) if e.errno == libc::ENOENT => {
                eal_log!(
                    RTE_LOG_NOTICE,
                    "{dev_addr} not managed by VFIO driver, skipping"
                );
                return Ok(Setup::NotVfio);
            }
            Err(e) => return Err(e),
        };
        let mut status = vfio_group_status {
            argsz: std::mem::size_of::<vfio_group_status>() as u32,
            flags: 0,
        };
        if let Err(e) = self.ops.group_get_status(group_fd, &mut status) {
            self.drop_group(st, group_fd);
            return Err(os_error(
                format!("{dev_addr} cannot get VFIO group status"),
                e,
            ));
        }
        if status.flags & VFIO_GROUP_FLAGS_VIABLE == 0 {
            self.drop_group(st, group_fd);
            return Err(err!(
                libc::EPERM,
                "{dev_addr} VFIO group is not viable! Not all devices in IOMMU group bound to VFIO or unbound"
            ));
        }
        let container_fd = st.containers[ci].fd;
        if status.flags & VFIO_GROUP_FLAGS_CONTAINER_SET == 0 {
            if let Err(e) = self.ops.group_set_container(group_fd, container_fd) {
                self.drop_group(st, group_fd);
                return Err(os_error(
                    format!("{dev_addr} cannot add VFIO group to container"),
                    e,
                ));
            }
            let group_devices = st
                .by_group_fd(group_fd)
                .map(|(c, g)| st.containers[c].groups[g].devices)
                .unwrap_or(0);
            if !st.secondary && st.containers[ci].active_groups == 1 && group_devices == 0 {
                self.first_group(st, ci, group_fd, dev_addr)?;
            }
        } else if st.secondary && ci == 0 && st.containers[0].iommu.is_none() {
            if let Err(e) = self.sync_default_container(st) {
                self.drop_group(st, group_fd);
                return Err(err!(
                    e.errno,
                    "could not sync default VFIO container: {}",
                    e.msg
                ));
            }
        }
        self.open_device(st, group_fd, dev_addr, dev_fd, info, token)?;
        Ok(Setup::Done)
    }

    /// The first group of a primary's container: pick the IOMMU type, map memory (default
    /// container) and the user mappings, and hear about memory changes from now on.
    fn first_group(
        &self,
        st: &mut State,
        ci: usize,
        group_fd: RawFd,
        dev_addr: &str,
    ) -> Result<()> {
        let container_fd = st.containers[ci].fd;
        let Some(t) = self.set_iommu_type(container_fd) else {
            self.drop_group(st, group_fd);
            return Err(err!(
                libc::ENOTSUP,
                "{dev_addr} failed to select IOMMU type"
            ));
        };
        if ci == 0 {
            if let Err(e) = self.dma_map_all(t, container_fd) {
                self.drop_group(st, group_fd);
                return Err(err!(e.errno, "{dev_addr} DMA remapping failed: {}", e.msg));
            }
        }
        st.containers[ci].iommu = Some(t);
        let maps: Vec<UserMap> = st.containers[ci].maps.iter().copied().collect();
        for m in maps {
            // As DPDK, the group stays attached when this fails.
            self.user_map(t, container_fd, m.addr, m.iova, m.len, true)
                .map_err(|e| {
                    err!(
                        e.errno,
                        "couldn't map user memory for DMA: va {:#x} iova {:#x} len {:#x}: {}",
                        m.addr,
                        m.iova,
                        m.len,
                        e.msg
                    )
                })?;
        }
        if ci == 0 {
            match memevent::register_event(
                MEM_EVENT_CLB_NAME,
                Some(vfio_mem_event_callback),
                std::ptr::null_mut(),
            ) {
                Ok(()) => eal_log!(RTE_LOG_DEBUG, "Installed memory event callback for VFIO"),
                Err(e) if e.errno == libc::ENOTSUP || e.errno == libc::EEXIST => {
                    eal_log!(RTE_LOG_DEBUG, "Memory event callbacks not supported")
                }
                Err(e) => {
                    return Err(err!(
                        e.errno,
                        "could not install memory event callback for VFIO: {}",
                        e.msg
                    ))
                }
            }
        }
        Ok(())
    }

    /// A secondary learns the default container's IOMMU type from its primary.
    fn sync_default_container(&self, st: &mut State) -> Result<()> {
        if !st.containers[0].enabled || st.containers[0].fd < 0 {
            return Err(err!(libc::ENODEV, "VFIO support is not initialized"));
        }
        let req = MpParam {
            req: mp::SOCKET_REQ_IOMMU_TYPE,
            ..Default::default()
        };
        let id = self.link.ask(&req.msg()).and_then(|mut rep| {
            rep.close_fds();
            MpParam::parse(&rep.param)
                .filter(|p| p.result == mp::SOCKET_OK)
                .map(|p| p.value)
        });
        let id =
            id.ok_or_else(|| err!(libc::EIO, "could not get IOMMU type for default container"))?;
        let t = IOMMU_TYPES
            .iter()
            .find(|t| t.id as i32 == id)
            .ok_or_else(|| err!(libc::ENOTSUP, "could not find IOMMU type id ({id})"))?;
        st.containers[0].iommu = Some(t);
        eal_log!(RTE_LOG_INFO, "Using IOMMU type {} ({})", t.id, t.name);
        Ok(())
    }

    /// Opens the device through its group (with the VF token first, if one was given) and
    /// reads its info.
    fn open_device(
        &self,
        st: &mut State,
        group_fd: RawFd,
        dev_addr: &str,
        dev_fd: Option<&mut c_int>,
        info: Option<&mut vfio_device_info>,
        token: [u8; 16],
    ) -> Result<()> {
        let name = CString::new(dev_addr)
            .map_err(|_| err!(libc::EINVAL, "device name {dev_addr:?} holds a NUL"))?;
        let mut fd = None;
        if token != [0; 16] {
            let with_token = format!("{dev_addr} vf_token={}", format_uuid(&token));
            if let Ok(c) = CString::new(with_token) {
                fd = self.ops.group_get_device_fd(group_fd, &c).ok();
            }
        }
        let fd = match fd {
            Some(fd) => fd,
            None => match self.ops.group_get_device_fd(group_fd, &name) {
                Ok(fd) => fd,
                Err(e) => {
                    // As DPDK: the caller's descriptor reads -1 after this failure.
                    if let Some(d) = dev_fd {
                        *d = -1;
                    }
                    eal_log!(
                        RTE_LOG_WARNING,
                        "Getting a vfio_dev_fd for {dev_addr} failed"
                    );
                    self.drop_group(st, group_fd);
                    return Err(os_error(
                        format!("getting a vfio_dev_fd for {dev_addr} failed"),
                        e,
                    ));
                }
            },
        };
        let (Some(dev_fd), Some(info)) = (dev_fd, info) else {
            let _ = self.ops.close(fd);
            self.drop_group(st, group_fd);
            return Err(err!(
                libc::EINVAL,
                "{dev_addr}: vfio_dev_fd or device_info is NULL"
            ));
        };
        *dev_fd = fd;
        if let Err(e) = self.ops.device_get_info(fd, info) {
            let _ = self.ops.close(fd);
            self.drop_group(st, group_fd);
            return Err(os_error(format!("{dev_addr} cannot get device info"), e));
        }
        if let Some((c, g)) = st.by_group_fd(group_fd) {
            st.containers[c].groups[g].devices += 1;
        }
        Ok(())
    }

    /// `rte_vfio_release_device`: closes the device, and its group when it was the group's
    /// last device; the primary stops hearing memory events when the default container has no
    /// group left.
    pub fn release_device(&self, sysfs_base: &str, dev_addr: &str, dev_fd: RawFd) -> Result<()> {
        with_mem_read_lock(|| {
            let num = match self.get_group_num(sysfs_base, dev_addr) {
                Ok(Some(n)) => n,
                _ => return Err(err!(libc::ENODEV, "{dev_addr} not managed by VFIO driver")),
            };
            let mut st = self.lock();
            let ci = st.for_group(num);
            let group_fd = self.group_fd_locked(&mut st, ci, num)?;
            self.ops.close(dev_fd).map_err(|e| {
                os_error(format!("error when closing vfio_dev_fd for {dev_addr}"), e)
            })?;
            let Some((gc, gi)) = st.by_group_fd(group_fd) else {
                return Err(err!(libc::EINVAL, "invalid VFIO group fd {group_fd}"));
            };
            let g = &mut st.containers[gc].groups[gi];
            g.devices -= 1;
            if g.devices == 0 {
                self.ops.close(group_fd).map_err(|e| {
                    os_error(
                        format!("error when closing vfio_group_fd for {dev_addr}"),
                        e,
                    )
                })?;
                Self::clear_group_locked(&mut st, group_fd)?;
            }
            if ci == 0 && st.containers[0].active_groups == 0 && !st.secondary {
                let _ = memevent::unregister_event(MEM_EVENT_CLB_NAME, std::ptr::null_mut());
            }
            Ok(())
        })
    }

    /// Tries each IOMMU type on the container; the first the kernel accepts.
    fn set_iommu_type(&self, container_fd: RawFd) -> Option<&'static IommuType> {
        for t in &IOMMU_TYPES {
            match self.ops.set_iommu(container_fd, t.id) {
                Ok(()) => {
                    eal_log!(RTE_LOG_INFO, "Using IOMMU type {} ({})", t.id, t.name);
                    return Some(t);
                }
                Err(e) => eal_log!(
                    RTE_LOG_DEBUG,
                    "Set IOMMU type {} ({}) failed: {e}",
                    t.id,
                    t.name
                ),
            }
        }
        None
    }

    /// Maps (or unmaps) one range for DMA with IOMMU type `t`.
    fn user_map(
        &self,
        t: &IommuType,
        container_fd: RawFd,
        vaddr: u64,
        iova: u64,
        len: u64,
        map: bool,
    ) -> Result<()> {
        match t.id {
            VFIO_TYPE1_IOMMU => self.type1_map(container_fd, vaddr, iova, len, map),
            VFIO_NOIOMMU_IOMMU => Ok(()),
            _ => Err(err!(
                libc::ENOTSUP,
                "DMA mapping with IOMMU type {} ({}) is not supported on this platform",
                t.id,
                t.name
            )),
        }
    }

    /// A type 1 map (read and write) or unmap of one range.
    fn type1_map(&self, fd: RawFd, vaddr: u64, iova: u64, len: u64, map: bool) -> Result<()> {
        if map {
            let m = vfio_iommu_type1_dma_map {
                argsz: std::mem::size_of::<vfio_iommu_type1_dma_map>() as u32,
                flags: VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
                vaddr,
                iova,
                size: len,
            };
            return match self.ops.map_dma(fd, &m) {
                Ok(()) => Ok(()),
                Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {
                    eal_log!(RTE_LOG_DEBUG, "Memory segment is already mapped, skipping");
                    Ok(())
                }
                Err(e) => Err(os_error("cannot set up DMA remapping".into(), e)),
            };
        }
        let mut u = vfio_iommu_type1_dma_unmap {
            argsz: std::mem::size_of::<vfio_iommu_type1_dma_unmap>() as u32,
            flags: 0,
            iova,
            size: len,
        };
        self.ops
            .unmap_dma(fd, &mut u)
            .map_err(|e| os_error("cannot clear DMA remapping".into(), e))?;
        if u.size != len {
            return Err(err!(
                libc::EIO,
                "unexpected size {} of DMA remapping cleared instead of {len}",
                u.size
            ));
        }
        Ok(())
    }

    /// Maps every memory segment of the process for DMA (type 1: DPDK's `vfio_type1_dma_map`;
    /// no-IOMMU: nothing). With IOVA as VA internal memory goes in contiguous runs.
    fn dma_map_all(&self, t: &IommuType, fd: RawFd) -> Result<()> {
        match t.id {
            VFIO_TYPE1_IOMMU => {}
            VFIO_NOIOMMU_IOMMU => return Ok(()),
            _ => {
                return Err(err!(
                    libc::ENOTSUP,
                    "DMA mapping with IOMMU type {} ({}) is not supported on this platform",
                    t.id,
                    t.name
                ))
            }
        }
        let va = iova_is_va();
        let mut failure = None;
        if va {
            memseg::contig_walk(|msl, ms, len| {
                if msl.external != 0 {
                    return 0;
                }
                // SAFETY: the walk hands out live segments of a mapped list.
                let ms = unsafe { &*ms };
                match self.type1_map(fd, ms.addr() as u64, ms.iova, len as u64, true) {
                    Ok(()) => 0,
                    Err(e) => {
                        failure = Some(e);
                        -1
                    }
                }
            });
        }
        if let Some(e) = failure {
            return Err(e);
        }
        memseg::walk(|msl, ms| {
            // SAFETY: as above.
            let ms = unsafe { &*ms };
            if (msl.external != 0 && msl.heap == 0)
                || ms.iova == RTE_BAD_IOVA
                || (msl.external == 0 && va)
            {
                return 0;
            }
            match self.type1_map(fd, ms.addr() as u64, ms.iova, ms.len as u64, true) {
                Ok(()) => 0,
                Err(e) => {
                    failure = Some(e);
                    -1
                }
            }
        });
        failure.map_or(Ok(()), Err)
    }

    /// DPDK's `vfio_dma_mem_map` on container `ci`: ENODEV before an IOMMU type is chosen.
    fn dma_mem_map(
        &self,
        st: &State,
        ci: usize,
        vaddr: u64,
        iova: u64,
        len: u64,
        map: bool,
    ) -> Result<()> {
        let c = &st.containers[ci];
        let t = c.iommu.ok_or_else(|| {
            err!(
                libc::ENODEV,
                "VFIO support not initialized (no device attached to the container yet)"
            )
        })?;
        self.user_map(t, c.fd, vaddr, iova, len, map)
    }

    /// `rte_vfio_container_dma_map`: maps a range the application owns and remembers it.
    pub fn container_dma_map(
        &self,
        container_fd: RawFd,
        vaddr: u64,
        iova: u64,
        len: u64,
    ) -> Result<()> {
        if len == 0 {
            return Err(err!(libc::EINVAL, "length is 0"));
        }
        let mut st = self.lock();
        let ci = st
            .by_container_fd(container_fd)
            .ok_or_else(|| err!(libc::EINVAL, "invalid VFIO container fd {container_fd}"))?;
        if st.containers[ci].maps.is_full() {
            return Err(err!(libc::ENOMEM, "no more space for user mem maps"));
        }
        self.dma_mem_map(&st, ci, vaddr, iova, len, true)
            .map_err(|e| err!(e.errno, "couldn't map new region for DMA: {}", e.msg))?;
        let partial = st.containers[ci].iommu.is_some_and(|t| t.partial_unmap);
        st.containers[ci].maps.add(UserMap {
            addr: vaddr,
            iova,
            len,
            chunk: if partial { 0 } else { len },
        });
        Ok(())
    }

    /// `rte_vfio_container_dma_unmap`: unmaps (part of) earlier user mappings. Without partial
    /// unmap support the range must fall on the original mappings' boundaries (ENOTSUP).
    pub fn container_dma_unmap(
        &self,
        container_fd: RawFd,
        vaddr: u64,
        iova: u64,
        len: u64,
    ) -> Result<()> {
        if len == 0 {
            return Err(err!(libc::EINVAL, "length is 0"));
        }
        let mut st = self.lock();
        let ci = st
            .by_container_fd(container_fd)
            .ok_or_else(|| err!(libc::EINVAL, "invalid VFIO container fd {container_fd}"))?;
        let run = st.containers[ci]
            .maps
            .find(vaddr, iova, len)
            .ok_or_else(|| err!(libc::EINVAL, "couldn't find previously mapped region"))?;
        let partial = st.containers[ci].iommu.is_some_and(|t| t.partial_unmap);
        let end_va = vaddr.wrapping_add(len);
        let end_iova = iova.wrapping_add(len);
        let on_chunks = UserMaps::chunk_aligned(&run, vaddr, iova)
            && UserMaps::chunk_aligned(&run, end_va, end_iova);
        if !partial && !on_chunks {
            return Err(err!(libc::ENOTSUP, "DMA partial unmap unsupported"));
        }
        let keep = UserMaps::remainder(&run, vaddr, len);
        if st.containers[ci].maps.len() - run.len() + keep.len() >= super::maps::MAX_USER_MAPS {
            return Err(err!(
                libc::ENOMEM,
                "not enough space to store partial mapping"
            ));
        }
        if let Err(e) = self.dma_mem_map(&st, ci, vaddr, iova, len, false) {
            if e.errno != libc::ENODEV && e.errno != libc::ENOTSUP {
                return Err(err!(e.errno, "couldn't unmap region for DMA: {}", e.msg));
            }
            eal_log!(
                RTE_LOG_DEBUG,
                "DMA unmapping failed, but removing mappings anyway"
            );
        }
        st.containers[ci].maps.replace(&run, &keep);
        Ok(())
    }

    /// The memory event callback's work: map (ALLOC) or unmap (FREE) `len` bytes at `addr` in
    /// the default container, page by page with IOVA as VA, else segment by segment.
    fn mem_event(&self, event: c_int, addr: usize, len: usize) {
        let map = event == RTE_MEM_EVENT_ALLOC;
        let st = self.lock();
        let Some(li) = memseg::list_of(addr) else {
            return;
        };
        let Some(msl) = memseg::list(li) else { return };
        if msl.external == 0 && iova_is_va() {
            let page = msl.page_sz.max(1);
            let mut off = 0u64;
            while off < len as u64 {
                let va = addr as u64 + off;
                let _ = self.dma_mem_map(&st, 0, va, va, page, map);
                off += page;
            }
            return;
        }
        let Some((_, first, _)) = memseg::seg_of(addr) else {
            return;
        };
        let mut done = 0usize;
        let mut idx = first;
        while done < len {
            let Some(ms) = memseg::seg(msl, idx) else {
                break;
            };
            // SAFETY: a live segment of a mapped list.
            let ms = unsafe { &*ms };
            if ms.iova == RTE_BAD_IOVA {
                eal_log!(
                    RTE_LOG_DEBUG,
                    "Memory segment at {:p} has bad IOVA, skipping",
                    ms.addr()
                );
            } else {
                let _ = self.dma_mem_map(&st, 0, ms.addr() as u64, ms.iova, ms.len as u64, map);
            }
            if ms.len == 0 {
                break;
            }
            done += ms.len;
            idx += 1;
        }
    }
}

/// The memory event callback registered for the default container.
unsafe extern "C" fn vfio_mem_event_callback(
    event: c_int,
    addr: *const c_void,
    len: usize,
    _arg: *mut c_void,
) {
    let _ = std::panic::catch_unwind(|| global().mem_event(event, addr as usize, len));
}

/// A UUID as `rte_uuid_unparse` prints it (lower-case hex, 8-4-4-4-12).
pub(crate) fn format_uuid(u: &[u8; 16]) -> String {
    let hex: Vec<String> = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        hex[0..4].concat(),
        hex[4..6].concat(),
        hex[6..8].concat(),
        hex[8..10].concat(),
        hex[10..16].concat()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_group_number_is_the_last_piece_of_the_link() {
        assert_eq!(
            last_token(b"../../../kernel/iommu_groups/7"),
            Some(&b"7"[..])
        );
        assert_eq!(
            last_token(b"/sys/kernel/iommu_groups/12/"),
            Some(&b"12"[..])
        );
        assert_eq!(last_token(b"5"), Some(&b"5"[..]));
        assert_eq!(last_token(b""), None);
        let deep = "a/".repeat(20) + "9";
        assert_eq!(
            last_token(deep.as_bytes()),
            Some(&deep.as_bytes()[30..]),
            "16 pieces at most"
        );
        assert_eq!(parse_group_number(b"42"), (42, true));
        assert_eq!(
            parse_group_number(b"abc"),
            (0, true),
            "no digits reads as 0, as DPDK"
        );
        assert_eq!(
            parse_group_number(b"4x"),
            (4, false),
            "DPDK stores 4, then fails"
        );
        assert_eq!(parse_group_number(b"-3"), (-3, true));
        assert_eq!(
            parse_group_number(b"99999999999999999999"),
            (-1, false),
            "LONG_MAX"
        );
    }

    #[test]
    fn uuids_print_as_rte_uuid_unparse() {
        let u = [
            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
            0xcd, 0xef,
        ];
        assert_eq!(format_uuid(&u), "12345678-9abc-def0-0123-456789abcdef");
    }
}
