//! The only module that calls libc or nix directly for memory and file primitives:
//! fixed-address mmap, flock/fcntl locks, memfd, fallocate, pagemap, mbind/get_mempolicy and
//! SIGBUS-safe first touch. Everything above it works with safe wrappers.
