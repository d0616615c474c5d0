//! uniffi's Swift generator (Swift sources, C header, module map for an XCFramework), built from
//! this workspace so that its version is exactly the library's. See `swift/generate.sh`.

fn main() {
    uniffi::uniffi_bindgen_swift()
}
