// Written by hand (generate.sh leaves it alone): the generated SplitterError has the Rust
// Display text as `description` but does not declare CustomStringConvertible, so `"\(error)"`
// and its LocalizedError `errorDescription` (String(reflecting:)) would show the enum case
// and its fields instead. Declared, they all show the text every Splitter face shows:
// `code at path: what is wrong; what to do`.
import Foundation

extension SplitterError: CustomStringConvertible {}
