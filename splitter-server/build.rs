//! Takes the few files `/docs` serves out of the Swagger UI release that the crates.io package
//! `utoipa-swagger-ui-vendored` holds (a zip of the whole source tree, 4.4 MB): the bundled
//! script and style sheet, its licence and notice. They are written to `OUT_DIR` and compiled in
//! by `src/docs.rs`, so building downloads nothing and the binary carries 1.6 MB rather than
//! the 11 MB of every build and source map in the release's `dist/`.

use std::io::Read;
use std::path::Path;

/// Files of the release, by their path under its top folder.
const FILES: [&str; 4] = [
    "dist/swagger-ui-bundle.js",
    "dist/swagger-ui.css",
    "LICENSE",
    "NOTICE",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let bytes = utoipa_swagger_ui_vendored::SWAGGER_UI_VENDORED;
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the vendored Swagger UI is a zip");
    for wanted in FILES {
        let name = (0..zip.len())
            .filter_map(|i| zip.name_for_index(i).map(str::to_string))
            .find(|n| n.split_once('/').is_some_and(|(_, rest)| rest == wanted))
            .unwrap_or_else(|| panic!("the vendored Swagger UI has no {wanted}"));
        let mut content = Vec::new();
        zip.by_name(&name)
            .and_then(|mut f| f.read_to_end(&mut content).map_err(Into::into))
            .unwrap_or_else(|e| panic!("reading {name}: {e}"));
        let file = Path::new(wanted).file_name().expect("a file name");
        std::fs::write(Path::new(&out).join(file), content).expect("writing to OUT_DIR");
    }
}
