// Every testdata/ case through the Swift API (the twin of the Kotlin CorpusTest):
//  - the JSON form: computeJson(input:) gives the expected output (as JSON values) or throws
//    SplitterError with the expected code and path;
//  - the typed form, for every case the records can express: compute(group:) gives the expected
//    report (amounts compared by value: Foundation's Decimal does not keep trailing zeros) or
//    throws the same error.
import Foundation
import Splitter
import XCTest

final class CorpusTests: XCTestCase {
    /// The repository's root: this file is bindings/uniffi/swift/Tests/SplitterTests/CorpusTests.swift.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<6 { url = url.deletingLastPathComponent() }
        return url
    }()

    /// The wire code of an error's case (an exhaustive switch: a new case fails to compile here).
    static func caseCode(_ e: SplitterError) -> String {
        switch e {
        case .InvalidJson: return "invalid_json"
        case .InvalidInput: return "invalid_input"
        case .InvalidAmount: return "invalid_amount"
        case .UnknownCurrency: return "unknown_currency"
        case .MissingRate: return "missing_rate"
        case .UnknownMember: return "unknown_member"
        case .DuplicateId: return "duplicate_id"
        case .EmptySplit: return "empty_split"
        case .SplitMismatch: return "split_mismatch"
        case .TooPrecise: return "too_precise"
        case .Overflow: return "overflow"
        case .InvalidOption: return "invalid_option"
        }
    }

    func testEveryCaseOfTheCorpus() throws {
        let dir = CorpusTests.root.appendingPathComponent("testdata")
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertGreaterThan(files.count, 0, "no corpus cases in \(dir.path)")
        var typed = 0
        for file in files {
            let name = file.deletingPathExtension().lastPathComponent
            let c = try JSONReader.parse(String(contentsOf: file, encoding: .utf8))
            let inputText = c.get("input_text")?.string
            let input = c.get("input")
            guard let text = inputText ?? input.map({ JSONWriter.write($0) }) else {
                XCTFail("\(name): neither input nor input_text")
                continue
            }
            let output = c.get("output")
            let code = c.get("error")?.get("code")?.string
            let path = c.get("error")?.get("path")?.string
            let message = c.get("error")?.get("message")?.string

            // The JSON form: the canonical text, compared as JSON values.
            _ = check(name, "computeJson", output, code, path, message) { try computeJson(input: text) }

            // The typed form, when the records can say it.
            var value = input
            if value == nil, let t = inputText { value = try? JSONReader.parse(t) }
            guard let v = value, let group = try? Records.group(v) else { continue }
            typed += 1
            _ = check(name, "compute(group:)", output.map { Records.normalized($0) }, code, path, message) {
                JSONWriter.write(Records.reportJSON(try compute(group: group)))
            }
        }
        XCTAssertGreaterThan(typed, files.count / 2, "most cases go through the typed records")
    }

    /// Runs one form and checks it against the expectation; returns the output text, if any.
    private func check(_ name: String, _ form: String, _ output: J?, _ code: String?, _ path: String?,
                       _ message: String?, _ run: () throws -> String) -> String? {
        do {
            let out = try run()
            if let code = code {
                XCTFail("\(name) \(form): expected \(code) at '\(path ?? "")', got output \(out)")
                return nil
            }
            guard let expected = output, let got = try? JSONReader.parse(out) else {
                XCTFail("\(name) \(form): unreadable output \(out)")
                return nil
            }
            XCTAssertTrue(got.sameAs(expected),
                          "\(name) \(form): output differs\n  expected \(JSONWriter.write(expected))\n  got      \(out)")
            return out
        } catch let e as SplitterError {
            guard code != nil else {
                XCTFail("\(name) \(form): expected output, got \(e)")
                return nil
            }
            XCTAssertEqual(e.code(), code, "\(name) \(form): code")
            XCTAssertEqual(CorpusTests.caseCode(e), code, "\(name) \(form): error case")
            XCTAssertEqual(e.path(), path, "\(name) \(form): path")
            XCTAssertFalse(e.detail().isEmpty, "\(name) \(form): a readable detail")
            let place = (path ?? "").isEmpty ? "" : " at \(path ?? "")"
            XCTAssertEqual(e.description, "\(e.code())\(place): \(e.detail())", "\(name) \(form): message")
            if let message = message {
                XCTAssertEqual(e.description, message, "\(name) \(form): the text the case fixes")
            }
            return nil
        } catch {
            XCTFail("\(name) \(form): unexpected error \(error)")
            return nil
        }
    }
}
