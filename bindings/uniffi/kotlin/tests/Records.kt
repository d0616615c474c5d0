// The corpus's JSON input as typed records, and a typed report as the contract's JSON.
//
// A case whose input the typed API cannot express (a value of the wrong JSON type, an unknown
// field, a missing required field, a repeated key in a record, an amount string that is not the
// plain text of a BigDecimal such as "1e3" or " 12") raises NotTyped: it goes through
// computeJson only. Repeated keys in maps (shares, rates, ...) are expressible: parts are lists.
package splitter.tests

import java.math.BigDecimal
import splitter.*

class NotTyped(why: String) : Exception(why)

object Records {
    /** A JSON object read as a record: no repeated or unknown keys; null counts as absent. */
    private class Rec(v: J, private val known: Set<String>) {
        val o: J.Obj = v as? J.Obj ?: throw NotTyped("not an object")

        init {
            val keys = o.pairs.map { it.first }
            if (keys.size != keys.toSet().size) throw NotTyped("a repeated key in a record")
            keys.firstOrNull { it !in known }?.let { throw NotTyped("unknown field '$it'") }
        }

        fun opt(key: String): J? = o[key]?.takeIf { it != J.Null }
        fun req(key: String): J = opt(key) ?: throw NotTyped("'$key' missing")
        fun str(key: String): String = text(req(key))
        fun optStr(key: String): String? = opt(key)?.let(::text)
    }

    private fun text(v: J): String = (v as? J.Str)?.value ?: throw NotTyped("not a string")

    /**
     * An exact decimal: a JSON string that is already the plain text of a BigDecimal
     * (BigDecimal(s).toPlainString() == s), or a JSON number read from its text.
     */
    fun amount(v: J): BigDecimal = when (v) {
        is J.Str -> {
            val d = try { BigDecimal(v.value) } catch (e: NumberFormatException) { throw NotTyped("not a decimal") }
            if (d.toPlainString() != v.value) throw NotTyped("'${v.value}' is not a BigDecimal's plain text")
            d
        }
        is J.Num -> BigDecimal(v.text).also {
            // An exponent so large that the plain text would be huge: JSON form only.
            if (it.scale() !in -400..400) throw NotTyped("exponent out of reach")
        }
        else -> throw NotTyped("not an amount")
    }

    private fun parts(v: J): List<Part> =
        (v as? J.Obj ?: throw NotTyped("not an object")).pairs.map { (k, x) -> Part(k, amount(x)) }

    private fun strings(v: J): List<String> = (v as? J.Arr ?: throw NotTyped("not an array")).items.map(::text)

    private fun <T> list(v: J, item: (J) -> T): List<T> = (v as? J.Arr ?: throw NotTyped("not an array")).items.map(item)

    fun group(v: J): Group {
        val g = Rec(v, setOf("currency", "members", "rates", "expenses", "payments", "options"))
        val currency = g.str("currency")
        return Group(
            currency = currency,
            members = list(g.req("members"), ::member),
            rates = g.opt("rates")?.let { r -> parts(r).map { Rate(it.member, it.value) } } ?: listOf(),
            expenses = g.opt("expenses")?.let { list(it, ::expense) } ?: listOf(),
            payments = g.opt("payments")?.let { list(it, ::payment) } ?: listOf(),
            options = g.opt("options")?.let { options(it, currency) },
        )
    }

    private fun member(v: J): Member = when (v) {
        is J.Str -> Member(v.value)
        else -> Rec(v, setOf("id", "name")).let { Member(it.str("id"), it.optStr("name")) }
    }

    private fun expense(v: J): Expense {
        val e = Rec(v, setOf("id", "amount", "currency", "rate", "paid_by", "split", "description", "date", "category"))
        val paidBy = when (val p = e.req("paid_by")) {
            is J.Str -> PaidBy.One(p.value)
            is J.Obj -> PaidBy.Several(parts(p))
            else -> throw NotTyped("paid_by of the wrong type")
        }
        return Expense(
            id = e.str("id"),
            amount = amount(e.req("amount")),
            paidBy = paidBy,
            split = split(e.req("split")),
            currency = e.optStr("currency"),
            rate = e.opt("rate")?.let(::amount),
            description = e.optStr("description"),
            date = e.optStr("date"),
            category = e.optStr("category"),
        )
    }

    private fun split(v: J): Split {
        val type = Rec(v, setOf("type", "members", "shares", "percent", "amounts", "adjustments", "items", "extras"))
            .str("type")
        return when (type) {
            "equal" -> Rec(v, setOf("type", "members")).let { Split.Equal(it.opt("members")?.let(::strings)) }
            "shares" -> Split.Shares(parts(Rec(v, setOf("type", "shares")).req("shares")))
            "percent" -> Split.Percent(parts(Rec(v, setOf("type", "percent")).req("percent")))
            "exact" -> Split.Exact(parts(Rec(v, setOf("type", "amounts")).req("amounts")))
            "adjustment" -> Rec(v, setOf("type", "members", "adjustments")).let {
                Split.Adjustment(it.opt("members")?.let(::strings), it.opt("adjustments")?.let(::parts) ?: listOf())
            }
            "itemized" -> Rec(v, setOf("type", "items", "extras")).let { s ->
                Split.Itemized(
                    items = list(s.req("items")) { i ->
                        Rec(i, setOf("amount", "split", "description")).let {
                            Item(amount(it.req("amount")), split(it.req("split")), it.optStr("description"))
                        }
                    },
                    extras = s.opt("extras")?.let { x ->
                        list(x) { e -> Rec(e, setOf("label", "amount")).let { Extra(it.str("label"), amount(it.req("amount"))) } }
                    } ?: listOf(),
                )
            }
            else -> throw NotTyped("no split type '$type'")
        }
    }

    private fun payment(v: J): Payment {
        val p = Rec(v, setOf("from", "to", "amount", "currency", "rate", "id", "date"))
        return Payment(
            from = p.str("from"),
            to = p.str("to"),
            amount = amount(p.req("amount")),
            currency = p.optStr("currency"),
            rate = p.opt("rate")?.let(::amount),
            id = p.optStr("id"),
            date = p.optStr("date"),
        )
    }

    private fun options(v: J, groupCurrency: String): Options {
        val o = Rec(v, setOf("settle", "balances_in", "exact_limit", "previous"))
        return Options(
            settle = o.optStr("settle")?.let {
                when (it) {
                    "minimal" -> SettleMethod.MINIMAL
                    "greedy" -> SettleMethod.GREEDY
                    "pairwise" -> SettleMethod.PAIRWISE
                    else -> throw NotTyped("no settle method '$it'")
                }
            },
            balancesIn = o.optStr("balances_in")?.let {
                when (it) {
                    "group" -> BalancesIn.GROUP
                    "each" -> BalancesIn.EACH
                    else -> throw NotTyped("no balances_in '$it'")
                }
            },
            exactLimit = o.opt("exact_limit")?.let { (it as? J.Num)?.text?.toLongOrNull() ?: throw NotTyped("not a whole number") },
            // A previous transfer without a currency is in the group's (as the contract says).
            previous = o.opt("previous")?.let { p ->
                list(p) { t ->
                    Rec(t, setOf("from", "to", "amount", "currency")).let {
                        Transfer(it.str("from"), it.str("to"), amount(it.req("amount")), it.optStr("currency") ?: groupCurrency)
                    }
                }
            } ?: listOf(),
        )
    }

    /** An amount of the report as the contract writes it: BigDecimal keeps the scale ("5.20"). */
    private fun dec(d: BigDecimal) = J.Str(d.toPlainString())

    private fun obj(vararg pairs: Pair<String, J>?) = J.Obj(pairs.filterNotNull())

    /** The typed report in the contract's JSON form, fields in the contract's order. */
    fun reportJson(r: Report): J = obj(
        "currency" to J.Str(r.currency),
        "balances" to J.Arr(r.balances.map {
            obj("member" to J.Str(it.member), "currency" to J.Str(it.currency),
                "paid" to dec(it.paid), "owed" to dec(it.owed), "net" to dec(it.net))
        }),
        "shares" to J.Arr(r.shares.map {
            obj("expense" to J.Str(it.expense), "member" to J.Str(it.member), "currency" to J.Str(it.currency),
                "amount" to dec(it.amount), it.groupAmount?.let { g -> "group_amount" to dec(g) })
        }),
        "transfers" to J.Arr(r.transfers.map {
            obj("from" to J.Str(it.from), "to" to J.Str(it.to), "amount" to dec(it.amount), "currency" to J.Str(it.currency))
        }),
        "settle" to J.Str(r.settle.name.lowercase()),
        "optimal" to J.Bool(r.optimal),
    )
}
