//! lcore (stub; filled in by its owner).
