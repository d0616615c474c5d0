//! A typed group built from the fuzzer's bytes (members, expenses of every split type in EUR, JPY,
//! KWD and USD with rates, several payers, refunds, payments, options) through `compute`: no
//! panic, every invariant on success, the JSON path agreeing, and member order not mattering.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(group) = splitter_fuzz::gen::group(&mut u) {
        splitter_fuzz::check_group(&group);
    }
});
