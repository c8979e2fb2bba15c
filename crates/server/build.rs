//! Packs the binary's relative relocations (DT_RELR, `-z pack-relative-relocs`).
//!
//! A position-independent Rust binary carries about 80,000 relative relocations (1.9 MB of
//! `.rela.dyn`) that the dynamic loader reads at every start: resident memory for nothing.
//! Packed, they take a few kilobytes. This needs GNU ld 2.38+ and glibc 2.36+ (Debian
//! bookworm, the image's runtime); elsewhere set COGNATE_NO_PACKED_RELOCS=1 to build without.
fn main() {
    println!("cargo:rerun-if-env-changed=COGNATE_NO_PACKED_RELOCS");
    let target = std::env::var("TARGET").unwrap_or_default();
    let packed =
        std::env::var_os("COGNATE_NO_PACKED_RELOCS").is_none() && target.ends_with("-linux-gnu");
    if packed {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
