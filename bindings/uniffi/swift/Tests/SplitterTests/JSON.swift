// A small strict JSON reader and writer for the tests: numbers stay their text (never a binary
// floating-point value, which JSONSerialization would give), objects keep their keys in order
// and keep repeated keys, so that the corpus can be turned into typed records faithfully.
import Foundation

/// One key and its value in an object.
struct Pair: Equatable {
    let key: String
    let value: J
}

/// A JSON value.
indirect enum J: Equatable {
    case null
    case bool(Bool)
    /// A number, as written: `0.1` stays `"0.1"`.
    case num(String)
    case str(String)
    case arr([J])
    /// Keys and values in order; a repeated key stays repeated.
    case obj([Pair])

    /// The value of `key` in an object.
    func get(_ key: String) -> J? {
        guard case .obj(let pairs) = self else { return nil }
        return pairs.first(where: { $0.key == key })?.value
    }

    /// The string, if this is one.
    var string: String? {
        guard case .str(let s) = self else { return nil }
        return s
    }

    /// JSON equality: objects as unordered sets of keys, arrays in order, numbers and strings by text.
    func sameAs(_ other: J) -> Bool {
        switch (self, other) {
        case (.obj(let a), .obj(let b)):
            guard a.count == b.count, Set(a.map { $0.key }) == Set(b.map { $0.key }) else { return false }
            return a.allSatisfy { (p: Pair) -> Bool in
                guard let w = other.get(p.key) else { return false }
                return p.value.sameAs(w)
            }
        case (.arr(let a), .arr(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0.sameAs($0.1) }
        default:
            return self == other
        }
    }
}

struct JSONSyntaxError: Error {
    let message: String
}

struct JSONReader {
    private static let maxDepth = 256
    private let b: [UInt8]
    private var at = 0

    private init(bytes: [UInt8]) {
        b = bytes
    }

    static func parse(_ text: String) throws -> J {
        var r = JSONReader(bytes: Array(text.utf8))
        r.space()
        let v = try r.value(0)
        r.space()
        if r.at != r.b.count { throw JSONSyntaxError(message: "text after the value") }
        return v
    }

    private func fail(_ what: String) -> JSONSyntaxError {
        JSONSyntaxError(message: "\(what) at offset \(at)")
    }

    private func peek() -> UInt8? {
        at < b.count ? b[at] : nil
    }

    private mutating func space() {
        while let c = peek(), c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { at += 1 }
    }

    private mutating func expect(_ c: UInt8) throws {
        guard peek() == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
        at += 1
    }

    private mutating func value(_ depth: Int) throws -> J {
        guard depth <= JSONReader.maxDepth else { throw fail("nesting too deep") }
        guard let c = peek() else { throw fail("unexpected end") }
        switch c {
        case UInt8(ascii: "{"): return try object(depth)
        case UInt8(ascii: "["): return try array(depth)
        case UInt8(ascii: "\""): return .str(try string())
        case UInt8(ascii: "t"): return try word("true", .bool(true))
        case UInt8(ascii: "f"): return try word("false", .bool(false))
        case UInt8(ascii: "n"): return try word("null", .null)
        default: return try number()
        }
    }

    private mutating func word(_ w: String, _ v: J) throws -> J {
        let u = Array(w.utf8)
        guard at + u.count <= b.count, Array(b[at..<(at + u.count)]) == u else { throw fail("unexpected word") }
        at += u.count
        return v
    }

    private mutating func object(_ depth: Int) throws -> J {
        try expect(UInt8(ascii: "{"))
        var pairs: [Pair] = []
        space()
        if peek() == UInt8(ascii: "}") {
            at += 1
            return .obj(pairs)
        }
        while true {
            space()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try string()
            space()
            try expect(UInt8(ascii: ":"))
            space()
            pairs.append(Pair(key: key, value: try value(depth + 1)))
            space()
            if peek() == UInt8(ascii: ",") {
                at += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return .obj(pairs)
        }
    }

    private mutating func array(_ depth: Int) throws -> J {
        try expect(UInt8(ascii: "["))
        var items: [J] = []
        space()
        if peek() == UInt8(ascii: "]") {
            at += 1
            return .arr(items)
        }
        while true {
            space()
            items.append(try value(depth + 1))
            space()
            if peek() == UInt8(ascii: ",") {
                at += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return .arr(items)
        }
    }

    private mutating func digits() -> Int {
        let start = at
        while let c = peek(), c >= 0x30, c <= 0x39 { at += 1 }
        return at - start
    }

    private mutating func number() throws -> J {
        let start = at
        if peek() == UInt8(ascii: "-") { at += 1 }
        if peek() == UInt8(ascii: "0") {
            at += 1
        } else if digits() == 0 {
            throw fail("not a value")
        }
        if peek() == UInt8(ascii: ".") {
            at += 1
            if digits() == 0 { throw fail("bad fraction") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            at += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { at += 1 }
            if digits() == 0 { throw fail("bad exponent") }
        }
        return .num(String(decoding: b[start..<at], as: UTF8.self))
    }

    private mutating func hex4() throws -> UInt32 {
        guard at + 4 <= b.count,
              let v = UInt32(String(decoding: b[at..<(at + 4)], as: UTF8.self), radix: 16)
        else { throw fail("bad \\u escape") }
        at += 4
        return v
    }

    private mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("unterminated string") }
            at += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = peek() else { throw fail("bad escape") }
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800, code < 0xDC00, peek() == UInt8(ascii: "\\") {
                        at += 1
                        try expect(UInt8(ascii: "u"))
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00)
                    }
                    let scalar: Unicode.Scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("bad escape")
                }
            case 0..<0x20:
                throw fail("control character in a string")
            default:
                out.append(c)
            }
        }
    }
}

enum JSONWriter {
    /// Compact JSON text, strings escaped as the core's canonical output escapes them.
    static func write(_ v: J) -> String {
        var out = ""
        write(v, into: &out)
        return out
    }

    static func write(_ v: J, into out: inout String) {
        switch v {
        case .null:
            out += "null"
        case .bool(let x):
            out += x ? "true" : "false"
        case .num(let t):
            out += t
        case .str(let s):
            quote(s, into: &out)
        case .arr(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .obj(let pairs):
            out += "{"
            for (i, p) in pairs.enumerated() {
                if i > 0 { out += "," }
                quote(p.key, into: &out)
                out += ":"
                write(p.value, into: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
