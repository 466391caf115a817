//! lcore (STUB until the lcore work lands).
use crate::errno::Result;
use crate::options::EalConfig;

/// STUB: sets up lcores.
pub fn init(cfg: &EalConfig) -> Result<()> {
    let _ = cfg;
    Ok(())
}

/// STUB: stops workers.
pub fn cleanup() {}
