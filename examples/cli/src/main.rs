fn main() {
    let input = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    match splitter_core::compute_json(&input) {
        Ok(s) => println!("{s}"),
        Err(e) => println!("{}", splitter_core::wire::error_to_json(&e)),
    }
}
