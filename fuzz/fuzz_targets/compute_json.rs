//! Arbitrary bytes, as UTF-8 text, into `compute_json`: no panic, and on success every invariant
//! of the contract holds exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        splitter_fuzz::check::check_compute_json(text);
    }
});
