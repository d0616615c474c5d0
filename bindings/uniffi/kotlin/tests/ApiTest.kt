// The Kotlin API beyond the corpus: the README example, exact BigDecimal amounts in and out
// (scale kept, never a Double anywhere in the API's types), the typed exception, options, and
// the example program's group being exactly examples/data/weekend-trip.json.
package splitter.tests

import java.io.File
import java.lang.reflect.Field
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import java.lang.reflect.ParameterizedType
import java.lang.reflect.Type
import java.math.BigDecimal
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import splitter.*

class ApiTest {
    private fun d(text: String) = BigDecimal(text)

    private fun threeFriends(vararg expenses: Expense, options: Options? = null) = Group(
        currency = "EUR",
        members = listOf(Member("ana"), Member("ben"), Member("cy")),
        expenses = expenses.toList(),
        options = options,
    )

    @Test
    fun readmeExample() {
        // The first Kotlin example of bindings/uniffi/README.md: the same group, the same lines.
        val report = compute(Group(
            currency = "EUR",
            members = listOf(Member("ana"), Member("ben"), Member("cy")),
            expenses = listOf(
                Expense(id = "dinner", amount = BigDecimal("100.00"), paidBy = PaidBy.One("ana"),
                        split = Split.Equal()),
                Expense(id = "taxi", amount = BigDecimal("30.00"), paidBy = PaidBy.One("ben"),
                        split = Split.Shares(listOf(Part("ana", BigDecimal("1")), Part("cy", BigDecimal("2"))))),
            ),
        ))
        val lines = report.transfers.map { "${it.from} pays ${it.to} ${it.amount.toPlainString()} ${it.currency}" }
        assertEquals(listOf("ben pays ana 3.34 EUR", "cy pays ana 53.33 EUR"), lines)
    }

    @Test
    fun amountsKeepTheirCurrencysDecimals() {
        val eur = compute(threeFriends(Expense("e1", d("10.40"), PaidBy.One("ana"), Split.Equal(listOf("ana", "ben")))))
        val net = eur.balances.first { it.member == "ana" }.net
        assertEquals("5.20", net.toPlainString())
        assertEquals(2, net.scale())
        assertEquals("0.00", eur.balances.first { it.member == "cy" }.net.toPlainString())

        val jpy = compute(Group("JPY", listOf(Member("a"), Member("b")),
            expenses = listOf(Expense("x", d("1001"), PaidBy.One("a"), Split.Equal()))))
        assertEquals(listOf("500"), jpy.transfers.map { it.amount.toPlainString() })

        val kwd = compute(Group("KWD", listOf(Member("a"), Member("b"), Member("c")),
            expenses = listOf(Expense("x", d("1"), PaidBy.One("a"), Split.Equal()))))
        assertEquals(setOf("0.333", "0.334"), kwd.shares.map { it.amount.toPlainString() }.toSet())
    }

    @Test
    fun aBigDecimalIsReadByItsValueAndScale() {
        // 1E+3 is a thousand: its plain text crosses, not its exponent form.
        val r = compute(Group("JPY", listOf(Member("a"), Member("b")),
            expenses = listOf(Expense("x", BigDecimal("1E+3"), PaidBy.One("a"), Split.Equal()))))
        assertEquals("500", r.transfers.single().amount.toPlainString())
        // One tenth is exactly one tenth: 0.1 EUR among three is 0.04 + 0.03 + 0.03.
        val tenth = compute(threeFriends(Expense("e", BigDecimal("0.1"), PaidBy.One("ana"), Split.Equal())))
        assertEquals(BigDecimal("0.10"), tenth.shares.fold(BigDecimal.ZERO) { s, x -> s + x.amount })
        // More decimals than the currency has: refused where it is.
        try {
            compute(threeFriends(Expense("e", BigDecimal("12.345"), PaidBy.One("ana"), Split.Equal())))
            fail("12.345 EUR was accepted")
        } catch (e: SplitterException.TooPrecise) {
            assertEquals("expenses[0].amount", e.path)
        }
    }

    @Test
    fun errorsAreOneTypedExceptionWithCodePathAndMessage() {
        val g = threeFriends(
            Expense("e1", d("9.00"), PaidBy.One("ana"), Split.Equal()),
            Expense("e2", d("12.00"), PaidBy.One("ben"), Split.Shares(listOf(Part("ana", d("1")), Part("zoe", d("1"))))),
        )
        try {
            compute(g)
            fail("an unknown member was accepted")
        } catch (e: SplitterException) {
            assertTrue(e is SplitterException.UnknownMember)
            assertEquals("unknown_member", e.code())
            assertEquals("expenses[1].split.shares.zoe", e.path())
            assertEquals((e as SplitterException.UnknownMember).path, e.path())
            assertTrue(e.detail(), e.detail().contains("zoe"))
            val text = "unknown_member at expenses[1].split.shares.zoe: expense e2: shares name 'zoe', who is " +
                "not a member; add them to the group's members or correct the id"
            assertEquals(text, e.message)
            assertEquals(text, e.toString())
            assertEquals(text, e.localizedMessage)
            assertEquals("unknown_member at ${e.path()}: ${e.detail()}", e.message)
        }
        // A member named twice in one split is reported, not merged.
        try {
            compute(threeFriends(Expense("e", d("3.00"), PaidBy.One("ana"),
                Split.Percent(listOf(Part("ana", d("50")), Part("ana", d("50")))))))
            fail("a repeated member was accepted")
        } catch (e: SplitterException.DuplicateId) {
            assertEquals("expenses[0].split.percent.ana", e.path)
        }
        // The JSON form throws the same exception type.
        try {
            computeJson("{\"currency\": \"EUR\",")
            fail("broken JSON was accepted")
        } catch (e: SplitterException.InvalidJson) {
            assertEquals("", e.path)
            assertEquals("invalid_json", e.code())
        }
    }

    @Test
    fun theMessageNamesCodePathAndWhatToDo() {
        // A bad amount deep in a big group: the message says which one, and what to do.
        val members = listOf("ana", "ben", "cy", "dee")
        val expenses = (1..300).map { i ->
            Expense("e$i", d(if (i == 237) "12.345" else "$i.25"), PaidBy.One(members[i % 4]), Split.Equal())
        }
        try {
            compute(Group("EUR", members.map { Member(it) }, expenses = expenses))
            fail("12.345 EUR was accepted")
        } catch (e: SplitterException) {
            assertEquals("too_precise", e.code())
            assertEquals("expenses[236].amount", e.path())
            assertEquals("too_precise at expenses[236].amount: 12.345 has more decimals than EUR allows (2); " +
                "round it to 2 decimals", e.message)
        }
        // A typo (only the JSON form can make one): the unknown field, with the field it likely means.
        try {
            computeJson("""{"currency": "EUR", "members": ["ana"], "expenses": [{"id": "e1", "amout": "5.00",
                "paid_by": "ana", "split": {"type": "equal"}}]}""")
            fail("a misspelt field was accepted")
        } catch (e: SplitterException.InvalidInput) {
            assertEquals("expenses[0].amout", e.path)
            assertEquals("invalid_input at expenses[0].amout: unknown field 'amout'; did you mean 'amount'? " +
                "(an expense has id, amount, currency, rate, paid_by, split, description, date and category)",
                e.message)
        }
        // The input as a whole: no path, "code: ...".
        try {
            computeJson("[1,")
            fail("broken JSON was accepted")
        } catch (e: SplitterException) {
            assertEquals("", e.path())
            assertTrue(e.message, e.message!!.startsWith("invalid_json: the input is not valid JSON: "))
        }
    }

    @Test
    fun optionsAndPreviousTransfers() {
        val g = threeFriends(
            Expense("e1", d("90.00"), PaidBy.One("ana"), Split.Equal()),
            Expense("e2", d("30.00"), PaidBy.One("ben"), Split.Equal()),
        )
        val minimal = compute(g)
        assertEquals(SettleMethod.MINIMAL, minimal.settle)
        val greedy = compute(g.copy(options = Options(settle = SettleMethod.GREEDY)))
        assertEquals(SettleMethod.GREEDY, greedy.settle)
        // Earlier suggestions that still fit come back unchanged.
        val again = compute(g.copy(options = Options(previous = minimal.transfers)))
        assertEquals(minimal.transfers, again.transfers)
        try {
            compute(g.copy(options = Options(exactLimit = -1)))
            fail("a negative exact_limit was accepted")
        } catch (e: SplitterException.InvalidOption) {
            assertEquals("options.exact_limit", e.path)
        }
    }

    @Test
    fun theTypedReportIsTheJsonFormsReport() {
        val text = File(CorpusTest.root(), "examples/data/spec-example.json").readText()
        val group = Records.group(Json.parse(text))
        assertEquals(computeJson(text), Json.write(Records.reportJson(compute(group))))
    }

    @Test
    fun theExampleIsTheWeekendTripFile() {
        val text = File(CorpusTest.root(), "examples/data/weekend-trip.json").readText()
        assertEquals(Records.group(Json.parse(text)), splitter.example.weekendTrip())
        assertEquals(computeJson(text), Json.write(Records.reportJson(compute(splitter.example.weekendTrip()))))
    }

    /**
     * A Kotlin amount never passes through a Double: every type reachable from the API's functions
     * (records, enum cases, the exception's cases, lists) holds numbers only as BigDecimal, except
     * Options.exactLimit, a count (Long). No Double, Float or other Number subtype anywhere.
     */
    @Test
    fun noDoubleOrFloatAnywhereInTheApi() {
        val api = Class.forName("splitter.SplitterKt").methods.filter { it.name in setOf("compute", "computeJson") }
        assertEquals(2, api.size)
        val seen = LinkedHashSet<Class<*>>()
        val numbers = ArrayList<String>()
        fun visit(t: Type, where: String) {
            when (t) {
                is ParameterizedType -> t.actualTypeArguments.forEach { visit(it, where) }
                is Class<*> -> {
                    val bad = t == java.lang.Double.TYPE || t == java.lang.Float.TYPE ||
                        (Number::class.java.isAssignableFrom(t) && t != BigDecimal::class.java && t != Long::class.javaObjectType)
                    if (bad) fail("$where is ${t.name}")
                    if (t == BigDecimal::class.java || t == Long::class.javaObjectType) numbers.add("$where: ${t.simpleName}")
                    if (t.packageName != "splitter" || !seen.add(t)) return
                    t.declaredFields.filter { !Modifier.isStatic(it.modifiers) }
                        .forEach { f: Field -> visit(f.genericType, "${t.simpleName}.${f.name}") }
                    // Cases of sealed classes (PaidBy, Split, SplitterException) are nested subclasses.
                    t.declaredClasses.filter { it.superclass == t }.forEach { visit(it, it.name) }
                }
            }
        }
        api.forEach { m: Method ->
            m.genericParameterTypes.forEach { visit(it, "${m.name}(...)") }
            visit(m.genericReturnType, "${m.name}(): ")
        }
        visit(SplitterException::class.java, "SplitterException")
        for (name in listOf("Expense.amount", "Expense.rate", "Part.value", "Rate.rate", "Payment.amount", "Item.amount",
                "Extra.amount", "Balance.paid", "Balance.owed", "Balance.net", "Share.amount", "Share.groupAmount",
                "Transfer.amount")) {
            assertTrue("$name is a BigDecimal: $numbers", "$name: BigDecimal" in numbers)
        }
        assertEquals("the only non-decimal number is exact_limit, a count",
            listOf("Options.exactLimit: Long"), numbers.filter { it.endsWith("Long") })
        assertTrue(seen.map { it.simpleName }.containsAll(listOf("Group", "Report", "Split", "Itemized", "UnknownMember")))
    }
}
