//! The uniffi generator, built from this workspace so that its version is exactly the library's:
//! `cargo run -p splitter-uniffi --features bindgen --bin uniffi-bindgen -- generate --library
//! <libsplitter_uniffi.so> --language kotlin --out-dir <dir>`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
