// A small strict JSON reader and writer for the tests: numbers stay their text (never a binary
// floating-point value), objects keep their keys in order and keep repeated keys, so that the
// corpus can be turned into typed records faithfully. The writer escapes strings exactly as the
// core's canonical output does (serde_json), so texts can be compared byte for byte.
package splitter.tests

/** A JSON value. */
sealed class J {
    object Null : J()
    data class Bool(val value: Boolean) : J()
    /** A number, as written: `0.1` stays `"0.1"`. */
    data class Num(val text: String) : J()
    data class Str(val value: String) : J()
    data class Arr(val items: List<J>) : J()
    /** Keys and values in order; a repeated key stays repeated. */
    data class Obj(val pairs: List<Pair<String, J>>) : J() {
        operator fun get(key: String): J? = pairs.firstOrNull { it.first == key }?.second
    }

    /** JSON equality: objects as unordered sets of keys, arrays in order, numbers and strings by text. */
    fun sameAs(other: J): Boolean = when (this) {
        is Obj -> other is Obj && pairs.size == other.pairs.size &&
            pairs.map { it.first }.toSet() == other.pairs.map { it.first }.toSet() &&
            pairs.all { (k, v) -> other[k]?.let { v.sameAs(it) } ?: false }
        is Arr -> other is Arr && items.size == other.items.size &&
            items.indices.all { items[it].sameAs(other.items[it]) }
        else -> this == other
    }
}

class JsonSyntaxError(message: String) : Exception(message)

object Json {
    private const val MAX_DEPTH = 256

    fun parse(text: String): J {
        val r = Reader(text)
        r.space()
        val v = r.value(0)
        r.space()
        if (r.at != text.length) throw r.fail("text after the value")
        return v
    }

    private class Reader(val s: String) {
        var at = 0

        fun fail(what: String) = JsonSyntaxError("$what at offset $at")

        fun space() {
            while (at < s.length && s[at] in " \t\n\r") at++
        }

        fun expect(c: Char) {
            if (at >= s.length || s[at] != c) throw fail("expected '$c'")
            at++
        }

        fun value(depth: Int): J {
            if (depth > MAX_DEPTH) throw fail("nesting too deep")
            if (at >= s.length) throw fail("unexpected end")
            return when (s[at]) {
                '{' -> obj(depth)
                '[' -> arr(depth)
                '"' -> J.Str(string())
                't' -> word("true", J.Bool(true))
                'f' -> word("false", J.Bool(false))
                'n' -> word("null", J.Null)
                else -> number()
            }
        }

        fun word(w: String, v: J): J {
            if (!s.startsWith(w, at)) throw fail("unexpected word")
            at += w.length
            return v
        }

        fun obj(depth: Int): J {
            expect('{')
            val pairs = ArrayList<Pair<String, J>>()
            space()
            if (at < s.length && s[at] == '}') { at++; return J.Obj(pairs) }
            while (true) {
                space()
                if (at >= s.length || s[at] != '"') throw fail("expected a key")
                val k = string()
                space(); expect(':'); space()
                pairs.add(k to value(depth + 1))
                space()
                if (at < s.length && s[at] == ',') { at++; continue }
                expect('}')
                return J.Obj(pairs)
            }
        }

        fun arr(depth: Int): J {
            expect('[')
            val items = ArrayList<J>()
            space()
            if (at < s.length && s[at] == ']') { at++; return J.Arr(items) }
            while (true) {
                space()
                items.add(value(depth + 1))
                space()
                if (at < s.length && s[at] == ',') { at++; continue }
                expect(']')
                return J.Arr(items)
            }
        }

        fun digits(): Int {
            val start = at
            while (at < s.length && s[at] in '0'..'9') at++
            return at - start
        }

        fun number(): J {
            val start = at
            if (at < s.length && s[at] == '-') at++
            if (at < s.length && s[at] == '0') at++ else if (digits() == 0) throw fail("not a value")
            if (at < s.length && s[at] == '.') { at++; if (digits() == 0) throw fail("bad fraction") }
            if (at < s.length && (s[at] == 'e' || s[at] == 'E')) {
                at++
                if (at < s.length && (s[at] == '+' || s[at] == '-')) at++
                if (digits() == 0) throw fail("bad exponent")
            }
            return J.Num(s.substring(start, at))
        }

        fun string(): String {
            expect('"')
            val b = StringBuilder()
            while (true) {
                if (at >= s.length) throw fail("unterminated string")
                val c = s[at++]
                when {
                    c == '"' -> return b.toString()
                    c == '\\' -> {
                        if (at >= s.length) throw fail("bad escape")
                        when (val e = s[at++]) {
                            '"' -> b.append('"'); '\\' -> b.append('\\'); '/' -> b.append('/')
                            'b' -> b.append('\b'); 'f' -> b.append('\u000C'); 'n' -> b.append('\n')
                            'r' -> b.append('\r'); 't' -> b.append('\t')
                            'u' -> {
                                if (at + 4 > s.length) throw fail("bad \\u escape")
                                val code = s.substring(at, at + 4).toIntOrNull(16) ?: throw fail("bad \\u escape")
                                b.append(code.toChar()); at += 4
                            }
                            else -> throw fail("bad escape '\\$e'")
                        }
                    }
                    c < ' ' -> throw fail("control character in a string")
                    else -> b.append(c)
                }
            }
        }
    }

    /** Compact JSON text, strings escaped as serde_json escapes them. */
    fun write(v: J): String = StringBuilder().also { write(v, it) }.toString()

    fun write(v: J, out: StringBuilder) {
        when (v) {
            is J.Null -> out.append("null")
            is J.Bool -> out.append(if (v.value) "true" else "false")
            is J.Num -> out.append(v.text)
            is J.Str -> quote(v.value, out)
            is J.Arr -> {
                out.append('[')
                v.items.forEachIndexed { i, item -> if (i > 0) out.append(','); write(item, out) }
                out.append(']')
            }
            is J.Obj -> {
                out.append('{')
                v.pairs.forEachIndexed { i, (k, item) ->
                    if (i > 0) out.append(',')
                    quote(k, out); out.append(':'); write(item, out)
                }
                out.append('}')
            }
        }
    }

    fun quote(s: String, out: StringBuilder) {
        out.append('"')
        for (c in s) {
            when (c) {
                '"' -> out.append("\\\"")
                '\\' -> out.append("\\\\")
                '\n' -> out.append("\\n")
                '\r' -> out.append("\\r")
                '\t' -> out.append("\\t")
                '\b' -> out.append("\\b")
                '\u000C' -> out.append("\\f")
                else -> if (c < ' ') out.append("\\u%04x".format(c.code)) else out.append(c)
            }
        }
        out.append('"')
    }
}
