//! Build script: compiles the C shim (thread-locals and variadic entry points) into the
//! static library, and regenerates `include/rtemem.h` with cbindgen when the Rust API changes.
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn compile_shim(out: &Path) {
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let obj = out.join("eal_shim.o");
    let status = Command::new(&cc)
        .args(["-c", "-O2", "-fPIC", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&obj)
        .arg("csrc/eal_shim.c")
        .status()
        .expect("running the C compiler for csrc/eal_shim.c");
    assert!(status.success(), "compiling csrc/eal_shim.c failed");
    let lib = out.join("librtemem_shim.a");
    let _ = std::fs::remove_file(&lib);
    let status = Command::new(env::var("AR").unwrap_or_else(|_| "ar".into()))
        .arg("crs")
        .arg(&lib)
        .arg(&obj)
        .status()
        .expect("running ar");
    assert!(status.success(), "archiving the C shim failed");
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=rtemem_shim");
}

fn generate_header(crate_dir: &Path) {
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("reading cbindgen.toml");
    let bindings = match cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(b) => b,
        Err(e) => {
            // A parse error here is also a compile error that rustc reports better.
            println!("cargo:warning=cbindgen could not generate rtemem.h: {e}");
            return;
        }
    };
    // write_to_file only rewrites the file when its content changed.
    bindings.write_to_file(crate_dir.join("include/rtemem.h"));
}

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=csrc/eal_shim.c");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    compile_shim(&out);
    generate_header(&crate_dir);
}
