// Settles a weekend trip (the group of examples/data/weekend-trip.json) through the Kotlin API:
// typed records in, a typed report out, every amount a java.math.BigDecimal.
//
// Run by scripts/suites/kotlin; by hand, see bindings/uniffi/README.md.
package splitter.example

import java.math.BigDecimal
import splitter.BalancesIn
import splitter.Expense
import splitter.Group
import splitter.Member
import splitter.Options
import splitter.PaidBy
import splitter.Part
import splitter.Payment
import splitter.Rate
import splitter.SettleMethod
import splitter.Split
import splitter.SplitterException
import splitter.compute

/** An exact decimal from its text: never from a Double. */
private fun dec(text: String) = BigDecimal(text)

private fun parts(vararg p: Pair<String, String>) = p.map { (member, value) -> Part(member, dec(value)) }

/** Four friends, two currencies (EUR and CZK), five kinds of split, a refund and a payment. */
fun weekendTrip(): Group = Group(
    currency = "EUR",
    members = listOf(Member("maya", "Maya"), Member("jonas", "Jonas"), Member("lea", "Lea"), Member("tom", "Tom")),
    rates = listOf(Rate("CZK", dec("0.0398"))),
    expenses = listOf(
        Expense(
            id = "train", amount = dec("159.60"), paidBy = PaidBy.One("maya"), split = Split.Equal(),
            description = "Train Berlin Hbf - Praha hl.n. and back, 4 saver tickets",
            date = "2025-05-16", category = "transport",
        ),
        Expense(
            id = "apartment", amount = dec("412.00"),
            paidBy = PaidBy.Several(parts("jonas" to "212.00", "lea" to "200.00")), split = Split.Equal(),
            description = "Apartment in Vinohrady, 2 nights (booked on two cards)",
            date = "2025-05-16", category = "lodging",
        ),
        Expense(
            id = "lokal", amount = dec("2460.00"), currency = "CZK", paidBy = PaidBy.One("tom"), split = Split.Equal(),
            description = "Dinner at Lokál Dlouhá", date = "2025-05-16", category = "food",
        ),
        Expense(
            id = "breakfast", amount = dec("846.50"), currency = "CZK", paidBy = PaidBy.One("maya"),
            split = Split.Shares(parts("maya" to "1", "jonas" to "1.5", "lea" to "1", "tom" to "1.5")),
            description = "Breakfast groceries, Billa on Vinohradská", date = "2025-05-17", category = "groceries",
        ),
        Expense(
            id = "castle", amount = dec("1575.00"), currency = "CZK", paidBy = PaidBy.One("jonas"),
            split = Split.Exact(parts("maya" to "450.00", "jonas" to "450.00", "lea" to "450.00", "tom" to "225.00")),
            description = "Prague Castle circuit B tickets (Tom on a student ticket)",
            date = "2025-05-17", category = "sightseeing",
        ),
        Expense(
            id = "brewery", amount = dec("1890.00"), currency = "CZK", rate = dec("0.04012"), paidBy = PaidBy.One("lea"),
            split = Split.Equal(listOf("jonas", "lea", "tom")),
            description = "Beer tasting at a microbrewery in Smíchov (Maya skipped it)",
            date = "2025-05-17", category = "drinks",
        ),
        Expense(
            id = "taxi", amount = dec("585.00"), currency = "CZK", paidBy = PaidBy.One("tom"),
            split = Split.Adjustment(adjustments = parts("tom" to "145.00")),
            description = "Bolt to the station; Tom's detour to pick up his jacket",
            date = "2025-05-18", category = "transport",
        ),
        Expense(
            id = "deposit-back", amount = dec("-30.00"), paidBy = PaidBy.One("jonas"), split = Split.Equal(),
            description = "Cleaning fee refunded by the host", date = "2025-05-19", category = "lodging",
        ),
    ),
    payments = listOf(Payment(from = "tom", to = "maya", amount = dec("40.00"), id = "p1", date = "2025-05-17")),
    options = Options(settle = SettleMethod.MINIMAL),
)

fun main() {
    val report = compute(weekendTrip())
    println("Weekend in Prague: balances in ${report.currency}")
    println("  %-6s %9s %9s %9s".format("member", "paid", "owed", "net"))
    for (b in report.balances) {
        println("  %-6s %9s %9s %9s".format(b.member, b.paid.toPlainString(), b.owed.toPlainString(), b.net.toPlainString()))
    }
    val proof = if (report.optimal) "proven fewest" else "not proven fewest"
    println("Settle up (${report.settle.name.lowercase()}, ${report.transfers.size} transfers, $proof):")
    for (t in report.transfers) {
        println("  ${t.from} pays ${t.to} ${t.amount.toPlainString()} ${t.currency}")
    }

    // Kept per currency instead (no conversion), as Splitwise does by default.
    val each = compute(weekendTrip().copy(options = Options(balancesIn = BalancesIn.EACH)))
    println("Settle up per currency (${each.transfers.size} transfers):")
    for (t in each.transfers) {
        println("  ${t.from} pays ${t.to} ${t.amount.toPlainString()} ${t.currency}")
    }

    // A mistake is refused with its place in the input; the message says what to do.
    val typo = weekendTrip().let { g ->
        g.copy(expenses = g.expenses.map { if (it.id == "breakfast") it.copy(split = Split.Shares(parts("maya" to "1", "zoe" to "1"))) else it })
    }
    try {
        compute(typo)
        println("the typo was not caught")
    } catch (e: SplitterException) {
        println("Refused: ${e.message}")
    }
}
