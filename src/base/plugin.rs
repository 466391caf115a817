//! `-d <file or dir>`: driver and handler plugins, loaded with `dlopen` as DPDK does.
//!
//! A file (or a bare library name, which `dlopen` looks up) is loaded as given; a directory contributes every `*.so` and `*.so.23` file in it,
//! in name order. Plugins run their constructors on load: that is how a mempool handler or a
//! driver registers itself (and its tailqs) with the EAL. A plugin that fails to load fails
//! init with the loader's reason. Loaded plugins stay loaded for the process lifetime, as in
//! DPDK (their constructors have registered callbacks that may still run).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::{err, sys};

/// The files `-d <path>` stands for, in load order.
pub fn expand(path: &Path) -> Result<Vec<PathBuf>> {
    // As DPDK: anything that is not a directory goes to dlopen, which also searches the
    // library path for a bare name.
    if !std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| {
            Error::os(
                format!("cannot list plugin directory {}", path.display()),
                e,
            )
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (n.ends_with(".so") || n.ends_with(".so.23")) && p.is_file()
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Loads every plugin named by `paths` (files or directories).
pub fn load_all(paths: &[PathBuf]) -> Result<usize> {
    let mut n = 0;
    for p in paths {
        for f in expand(p)? {
            load(&f)?;
            n += 1;
        }
    }
    Ok(n)
}

fn load(file: &Path) -> Result<()> {
    sys::dlopen_global(file)
        .map_err(|why| err!(libc::EINVAL, "cannot load plugin {}: {why}", file.display()))?;
    crate::eal_log!(
        crate::base::log::RTE_LOG_DEBUG,
        "loaded plugin {}",
        file.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_expands_to_shared_objects_in_name_order() {
        let d = std::env::temp_dir().join(format!("rtemem-plugins-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("sub.so")).unwrap();
        for n in ["b.so", "a.so.23", "c.txt", "a.so"] {
            std::fs::write(d.join(n), b"").unwrap();
        }
        let names: Vec<String> = expand(&d)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.so", "a.so.23", "b.so"]);
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn missing_plugin_fails_with_the_path() {
        let e = load_all(&[PathBuf::from("/nonexistent/x.so")]).unwrap_err();
        assert_eq!(e.errno, libc::EINVAL);
        assert!(e.msg.contains("/nonexistent/x.so"));
    }

    #[test]
    fn a_real_shared_object_loads() {
        assert_eq!(load_all(&[PathBuf::from("libm.so.6")]).unwrap(), 1);
    }
}
