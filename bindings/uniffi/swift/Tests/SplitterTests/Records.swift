// The corpus's JSON input as typed records, and a typed report as the contract's JSON (the
// Swift twin of bindings/uniffi/kotlin/tests/Records.kt).
//
// A case whose input the records cannot express (a value of the wrong JSON type, an unknown
// field, a missing required field, a repeated key in a record, an amount string that is not a
// plain decimal, more digits than Decimal holds) throws NotTyped: it goes through computeJson only.
import Foundation
import Splitter

struct NotTyped: Error {
    let why: String
}

/// A JSON object read as a record: no repeated or unknown keys; null counts as absent.
private struct Rec {
    let pairs: [Pair]

    init(_ v: J, _ known: Set<String>) throws {
        guard case .obj(let pairs) = v else { throw NotTyped(why: "not an object") }
        let keys = pairs.map { $0.key }
        guard Set(keys).count == keys.count else { throw NotTyped(why: "a repeated key in a record") }
        if let unknown = keys.first(where: { !known.contains($0) }) {
            throw NotTyped(why: "unknown field '\(unknown)'")
        }
        self.pairs = pairs
    }

    func opt(_ key: String) -> J? {
        guard let v = pairs.first(where: { $0.key == key })?.value, v != .null else { return nil }
        return v
    }

    func req(_ key: String) throws -> J {
        guard let v = opt(key) else { throw NotTyped(why: "'\(key)' missing") }
        return v
    }

    func str(_ key: String) throws -> String {
        try Records.text(try req(key))
    }

    func optStr(_ key: String) throws -> String? {
        guard let v = opt(key) else { return nil }
        return try Records.text(v)
    }
}

enum Records {
    static let posix = Locale(identifier: "en_US_POSIX")

    static func text(_ v: J) throws -> String {
        guard case .str(let s) = v else { throw NotTyped(why: "not a string") }
        return s
    }

    /// An exact decimal: a plain decimal string ("-12.30"; not "1e3", " 12", "+5", "-0") or a
    /// JSON number, within what Foundation's Decimal holds exactly (38 significant digits).
    static func amount(_ v: J) throws -> Decimal {
        let text: String
        switch v {
        case .str(let s):
            guard s.range(of: "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$", options: .regularExpression) != nil else {
                throw NotTyped(why: "'\(s)' is not a plain decimal")
            }
            text = s
        case .num(let n):
            text = n
        default:
            throw NotTyped(why: "not an amount")
        }
        let mantissa = text.split(whereSeparator: { $0 == "e" || $0 == "E" }).first.map(String.init) ?? text
        let digits = mantissa.filter { $0.isASCII && $0.isNumber }.drop(while: { $0 == "0" })
        guard digits.count <= 38, let d = Decimal(string: text, locale: posix), d.isFinite else {
            throw NotTyped(why: "'\(text)' is beyond Decimal")
        }
        if text.hasPrefix("-") && d.isZero { throw NotTyped(why: "negative zero") }
        return d
    }

    static func parts(_ v: J) throws -> [Part] {
        guard case .obj(let pairs) = v else { throw NotTyped(why: "not an object") }
        return try pairs.map { (p: Pair) -> Part in Part(member: p.key, value: try amount(p.value)) }
    }

    static func strings(_ v: J) throws -> [String] {
        guard case .arr(let items) = v else { throw NotTyped(why: "not an array") }
        return try items.map { try text($0) }
    }

    static func list<T>(_ v: J, _ item: (J) throws -> T) throws -> [T] {
        guard case .arr(let items) = v else { throw NotTyped(why: "not an array") }
        return try items.map(item)
    }

    static func group(_ v: J) throws -> Group {
        let g = try Rec(v, ["currency", "members", "rates", "expenses", "payments", "options"])
        let currency = try g.str("currency")
        var rates: [Rate] = []
        if let r = g.opt("rates") {
            rates = try parts(r).map { (p: Part) -> Rate in Rate(currency: p.member, rate: p.value) }
        }
        var expenses: [Expense] = []
        if let e = g.opt("expenses") { expenses = try list(e, expense) }
        var payments: [Payment] = []
        if let p = g.opt("payments") { payments = try list(p, payment) }
        var opts: Options? = nil
        if let o = g.opt("options") { opts = try options(o, currency) }
        return Group(
            currency: currency,
            members: try list(try g.req("members"), member),
            rates: rates,
            expenses: expenses,
            payments: payments,
            options: opts
        )
    }

    static func member(_ v: J) throws -> Member {
        if case .str(let id) = v { return Member(id: id) }
        let m = try Rec(v, ["id", "name"])
        return Member(id: try m.str("id"), name: try m.optStr("name"))
    }

    static func expense(_ v: J) throws -> Expense {
        let e = try Rec(v, ["id", "amount", "currency", "rate", "paid_by", "split", "description", "date", "category"])
        let paidBy: PaidBy
        switch try e.req("paid_by") {
        case .str(let m):
            paidBy = .one(member: m)
        case .obj(let pairs):
            paidBy = .several(amounts: try parts(.obj(pairs)))
        default:
            throw NotTyped(why: "paid_by of the wrong type")
        }
        var rate: Decimal? = nil
        if let r = e.opt("rate") { rate = try amount(r) }
        return Expense(
            id: try e.str("id"),
            amount: try amount(try e.req("amount")),
            paidBy: paidBy,
            split: try split(try e.req("split")),
            currency: try e.optStr("currency"),
            rate: rate,
            description: try e.optStr("description"),
            date: try e.optStr("date"),
            category: try e.optStr("category")
        )
    }

    static func split(_ v: J) throws -> Split {
        let all: Set<String> = ["type", "members", "shares", "percent", "amounts", "adjustments", "items", "extras"]
        let type = try Rec(v, all).str("type")
        switch type {
        case "equal":
            let s = try Rec(v, ["type", "members"])
            var members: [String]? = nil
            if let m = s.opt("members") { members = try strings(m) }
            return .equal(members: members)
        case "shares":
            return .shares(shares: try parts(try Rec(v, ["type", "shares"]).req("shares")))
        case "percent":
            return .percent(percent: try parts(try Rec(v, ["type", "percent"]).req("percent")))
        case "exact":
            return .exact(amounts: try parts(try Rec(v, ["type", "amounts"]).req("amounts")))
        case "adjustment":
            let s = try Rec(v, ["type", "members", "adjustments"])
            var members: [String]? = nil
            if let m = s.opt("members") { members = try strings(m) }
            var adjustments: [Part] = []
            if let a = s.opt("adjustments") { adjustments = try parts(a) }
            return .adjustment(members: members, adjustments: adjustments)
        case "itemized":
            let s = try Rec(v, ["type", "items", "extras"])
            let items = try list(try s.req("items")) { (i: J) throws -> Item in
                let r = try Rec(i, ["amount", "split", "description"])
                return Item(amount: try amount(try r.req("amount")), split: try split(try r.req("split")),
                            description: try r.optStr("description"))
            }
            var extras: [Extra] = []
            if let x = s.opt("extras") {
                extras = try list(x) { (e: J) throws -> Extra in
                    let r = try Rec(e, ["label", "amount"])
                    return Extra(label: try r.str("label"), amount: try amount(try r.req("amount")))
                }
            }
            return .itemized(items: items, extras: extras)
        default:
            throw NotTyped(why: "no split type '\(type)'")
        }
    }

    static func payment(_ v: J) throws -> Payment {
        let p = try Rec(v, ["from", "to", "amount", "currency", "rate", "id", "date"])
        var rate: Decimal? = nil
        if let r = p.opt("rate") { rate = try amount(r) }
        return Payment(
            from: try p.str("from"),
            to: try p.str("to"),
            amount: try amount(try p.req("amount")),
            currency: try p.optStr("currency"),
            rate: rate,
            id: try p.optStr("id"),
            date: try p.optStr("date")
        )
    }

    static func options(_ v: J, _ groupCurrency: String) throws -> Options {
        let o = try Rec(v, ["settle", "balances_in", "exact_limit", "previous"])
        var settle: SettleMethod? = nil
        if let s = try o.optStr("settle") {
            switch s {
            case "minimal": settle = .minimal
            case "greedy": settle = .greedy
            case "pairwise": settle = .pairwise
            default: throw NotTyped(why: "no settle method '\(s)'")
            }
        }
        var balancesIn: BalancesIn? = nil
        if let b = try o.optStr("balances_in") {
            switch b {
            case "group": balancesIn = .group
            case "each": balancesIn = .each
            default: throw NotTyped(why: "no balances_in '\(b)'")
            }
        }
        var exactLimit: Int64? = nil
        if let l = o.opt("exact_limit") {
            guard case .num(let t) = l, let n = Int64(t) else { throw NotTyped(why: "not a whole number") }
            exactLimit = n
        }
        var previous: [Transfer] = []
        if let p = o.opt("previous") {
            // A previous transfer without a currency is in the group's (as the contract says).
            previous = try list(p) { (t: J) throws -> Transfer in
                let r = try Rec(t, ["from", "to", "amount", "currency"])
                return Transfer(from: try r.str("from"), to: try r.str("to"), amount: try amount(try r.req("amount")),
                                currency: try r.optStr("currency") ?? groupCurrency)
            }
        }
        return Options(settle: settle, balancesIn: balancesIn, exactLimit: exactLimit, previous: previous)
    }

    /// A Decimal as plain text. Decimal keeps the value, not the scale: "5.20" comes back "5.2".
    static func dec(_ d: Decimal) -> J {
        .str(NSDecimalNumber(decimal: d).description(withLocale: posix))
    }

    static func settleName(_ s: SettleMethod) -> String {
        switch s {
        case .minimal: return "minimal"
        case .greedy: return "greedy"
        case .pairwise: return "pairwise"
        }
    }

    /// The typed report in the contract's JSON form (amounts as Decimal's plain text).
    static func reportJSON(_ r: Report) -> J {
        let balances = r.balances.map { (b: Balance) -> J in
            J.obj([Pair(key: "member", value: .str(b.member)), Pair(key: "currency", value: .str(b.currency)),
                   Pair(key: "paid", value: dec(b.paid)), Pair(key: "owed", value: dec(b.owed)),
                   Pair(key: "net", value: dec(b.net))])
        }
        let shares = r.shares.map { (s: Share) -> J in
            var pairs = [Pair(key: "expense", value: .str(s.expense)), Pair(key: "member", value: .str(s.member)),
                         Pair(key: "currency", value: .str(s.currency)), Pair(key: "amount", value: dec(s.amount))]
            if let g = s.groupAmount { pairs.append(Pair(key: "group_amount", value: dec(g))) }
            return J.obj(pairs)
        }
        let transfers = r.transfers.map { (t: Transfer) -> J in
            J.obj([Pair(key: "from", value: .str(t.from)), Pair(key: "to", value: .str(t.to)),
                   Pair(key: "amount", value: dec(t.amount)), Pair(key: "currency", value: .str(t.currency))])
        }
        return J.obj([
            Pair(key: "currency", value: .str(r.currency)),
            Pair(key: "balances", value: .arr(balances)),
            Pair(key: "shares", value: .arr(shares)),
            Pair(key: "transfers", value: .arr(transfers)),
            Pair(key: "settle", value: .str(settleName(r.settle))),
            Pair(key: "optimal", value: .bool(r.optimal)),
        ])
    }

    static let amountKeys: Set<String> = ["paid", "owed", "net", "amount", "group_amount"]

    /// The contract's output with its amounts written as Decimal writes them ("5.20" -> "5.2"),
    /// to compare with a typed Swift report by value.
    static func normalized(_ v: J) -> J {
        switch v {
        case .arr(let items):
            return .arr(items.map { normalized($0) })
        case .obj(let pairs):
            return .obj(pairs.map { (p: Pair) -> Pair in
                if amountKeys.contains(p.key), case .str(let s) = p.value, let d = Decimal(string: s, locale: posix) {
                    return Pair(key: p.key, value: dec(d))
                }
                return Pair(key: p.key, value: normalized(p.value))
            })
        default:
            return v
        }
    }
}
