// The Swift API beyond the corpus: the README example, exact Decimal amounts (never a Double),
// the typed error, options (the twin of the Kotlin ApiTest).
import Foundation
import Splitter
import XCTest

final class ApiTests: XCTestCase {
    /// A Decimal from its text. Never from a floating-point literal: `12.30` as a Decimal literal
    /// goes through Double first.
    private func d(_ text: String) -> Decimal {
        Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
    }

    private func threeFriends(_ expenses: [Expense], options: Options? = nil) -> Group {
        Group(currency: "EUR", members: [Member(id: "ana"), Member(id: "ben"), Member(id: "cy")],
              expenses: expenses, options: options)
    }

    func testReadmeExample() throws {
        // The first Swift example of bindings/uniffi/README.md: the same group, the same lines.
        let report = try compute(group: Group(
            currency: "EUR",
            members: [Member(id: "ana"), Member(id: "ben"), Member(id: "cy")],
            expenses: [
                Expense(id: "dinner", amount: Decimal(string: "100.00")!, paidBy: .one(member: "ana"),
                        split: .equal()),
                Expense(id: "taxi", amount: Decimal(string: "30.00")!, paidBy: .one(member: "ben"),
                        split: .shares(shares: [Part(member: "ana", value: 1), Part(member: "cy", value: 2)])),
            ]
        ))
        let lines = report.transfers.map { "\($0.from) pays \($0.to) \($0.amount) \($0.currency)" }
        XCTAssertEqual(lines, ["ben pays ana 3.34 EUR", "cy pays ana 53.33 EUR"])
    }

    func testAmountsAreExactDecimals() throws {
        // One tenth is exactly one tenth: 0.1 EUR among three is 0.04 + 0.03 + 0.03.
        let tenth = try compute(group: threeFriends([
            Expense(id: "e", amount: d("0.1"), paidBy: .one(member: "ana"), split: .equal()),
        ]))
        XCTAssertEqual(tenth.shares.reduce(Decimal(0)) { $0 + $1.amount }, d("0.1"))
        XCTAssertEqual(Set(tenth.shares.map { $0.amount }), [d("0.04"), d("0.03")])

        let jpy = try compute(group: Group(currency: "JPY", members: [Member(id: "a"), Member(id: "b")],
                                           expenses: [Expense(id: "x", amount: 1001, paidBy: .one(member: "a"), split: .equal())]))
        XCTAssertEqual(jpy.transfers.map { $0.amount }, [500])
    }

    func testErrorsAreOneTypedErrorWithCodeAndPath() throws {
        let g = threeFriends([
            Expense(id: "e1", amount: d("9.00"), paidBy: .one(member: "ana"), split: .equal()),
            Expense(id: "e2", amount: d("12.00"), paidBy: .one(member: "ben"),
                    split: .shares(shares: [Part(member: "ana", value: 1), Part(member: "zoe", value: 1)])),
        ])
        do {
            _ = try compute(group: g)
            XCTFail("an unknown member was accepted")
        } catch SplitterError.UnknownMember(let path, let detail) {
            XCTAssertEqual(path, "expenses[1].split.shares.zoe")
            XCTAssertTrue(detail.contains("zoe"))
        }
        do {
            _ = try compute(group: g)
            XCTFail("an unknown member was accepted")
        } catch let e as SplitterError {
            XCTAssertEqual(e.code(), "unknown_member")
            XCTAssertEqual(e.path(), "expenses[1].split.shares.zoe")
            XCTAssertEqual(e.description, "unknown_member at expenses[1].split.shares.zoe: \(e.detail())")
            XCTAssertEqual("\(e)", e.description)
            XCTAssertEqual(e.localizedDescription, e.description)
        }
        do {
            _ = try computeJson(input: """
                {"currency": "EUR", "members": ["ana"], "expenses": [{"id": "e1", "amout": "5.00",
                 "paid_by": "ana", "split": {"type": "equal"}}]}
                """)
            XCTFail("a misspelt field was accepted")
        } catch let e as SplitterError {
            XCTAssertEqual(e.path(), "expenses[0].amout")
            XCTAssertEqual(e.description, "invalid_input at expenses[0].amout: unknown field 'amout'; did you "
                + "mean 'amount'? (an expense has id, amount, currency, rate, paid_by, split, description, "
                + "date and category)")
        }
        do {
            _ = try compute(group: threeFriends([
                Expense(id: "e", amount: d("12.345"), paidBy: .one(member: "ana"), split: .equal()),
            ]))
            XCTFail("12.345 EUR was accepted")
        } catch SplitterError.TooPrecise(let path, _) {
            XCTAssertEqual(path, "expenses[0].amount")
        }
        do {
            _ = try computeJson(input: "{\"currency\": \"EUR\",")
            XCTFail("broken JSON was accepted")
        } catch SplitterError.InvalidJson(let path, _) {
            XCTAssertEqual(path, "")
        }
    }

    func testOptionsAndPreviousTransfers() throws {
        let g = threeFriends([
            Expense(id: "e1", amount: d("90.00"), paidBy: .one(member: "ana"), split: .equal()),
            Expense(id: "e2", amount: d("30.00"), paidBy: .one(member: "ben"), split: .equal()),
        ])
        let minimal = try compute(group: g)
        XCTAssertEqual(minimal.settle, .minimal)
        let greedy = try compute(group: threeFriends(g.expenses, options: Options(settle: .greedy)))
        XCTAssertEqual(greedy.settle, .greedy)
        let again = try compute(group: threeFriends(g.expenses, options: Options(previous: minimal.transfers)))
        XCTAssertEqual(again.transfers, minimal.transfers)
    }

    func testTheTypedReportIsTheJsonFormsReport() throws {
        let url = CorpusTests.root.appendingPathComponent("examples/data/weekend-trip.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        let typed = Records.reportJSON(try compute(group: try Records.group(try JSONReader.parse(text))))
        let json = Records.normalized(try JSONReader.parse(try computeJson(input: text)))
        XCTAssertTrue(typed.sameAs(json))
    }
}
