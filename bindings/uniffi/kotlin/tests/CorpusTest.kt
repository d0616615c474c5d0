// Every testdata/ case through the Kotlin API, one JUnit test per case:
//  - the JSON form: computeJson(text) gives the expected output (as JSON values) or throws
//    SplitterException with the expected code and path;
//  - the typed form, for every case the records can express: compute(records) gives a report
//    whose contract JSON is byte for byte computeJson's canonical text (so amounts keep their
//    scale: "5.20" is not "5.2") and equals the expected output, or throws the same error.
package splitter.tests

import java.io.File
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.junit.runners.Parameterized
import splitter.SplitterException
import splitter.compute
import splitter.computeJson

@RunWith(Parameterized::class)
class CorpusTest(private val name: String, private val file: File) {
    companion object {
        /** Cases that went through the typed records too, and cases only the JSON form can express. */
        val typed = java.util.concurrent.atomic.AtomicInteger()
        val jsonOnly = java.util.concurrent.ConcurrentSkipListMap<String, String>()

        fun root(): File = File(System.getProperty("splitter.root") ?: error("-Dsplitter.root=<repo> is required"))

        @JvmStatic
        @Parameterized.Parameters(name = "{0}")
        fun cases(): List<Array<Any>> {
            val files = File(root(), "testdata").listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
            check(files.isNotEmpty()) { "no corpus cases found" }
            return files.map { arrayOf(it.name.removeSuffix(".json"), it) }
        }

        /** The wire code of an exception's case: SplitterException.UnknownMember -> "unknown_member". */
        fun caseCode(e: SplitterException): String =
            e.javaClass.simpleName.replace(Regex("([a-z])([A-Z])"), "$1_$2").lowercase()
    }

    private class Expected(val output: J?, val code: String?, val path: String?, val message: String?)

    @Test
    fun case() {
        val case = Json.parse(file.readText()) as J.Obj
        val inputText = (case["input_text"] as? J.Str)?.value
        val input = case["input"]
        val text = inputText ?: Json.write(input ?: error("case has neither input nor input_text"))
        val err = case["error"] as? J.Obj
        val expected = Expected(
            output = case["output"],
            code = (err?.get("code") as? J.Str)?.value,
            path = (err?.get("path") as? J.Str)?.value,
            message = (err?.get("message") as? J.Str)?.value,
        )
        check(expected.output != null || expected.code != null) { "case has neither output nor error" }

        // The JSON form.
        val canonical = outcome("computeJson", expected) { computeJson(text) }

        // The typed form, when the records can say it.
        val value: J = input ?: try {
            Json.parse(inputText!!)
        } catch (e: JsonSyntaxError) {
            jsonOnly[name] = "not JSON"
            return
        }
        val group = try {
            Records.group(value)
        } catch (e: NotTyped) {
            jsonOnly[name] = e.message!!
            return
        }
        typed.incrementAndGet()
        val typedText = outcome("compute(records)", expected) { Json.write(Records.reportJson(compute(group))) }
        if (canonical != null) assertEquals("typed report vs computeJson's canonical text", canonical, typedText)
    }

    /** Runs one form; checks it against the expectation; returns the output text, if any. */
    private fun outcome(form: String, expected: Expected, run: () -> String): String? {
        try {
            val out = run()
            if (expected.code != null) fail("$form: expected ${expected.code} at '${expected.path}', got output $out")
            val got = Json.parse(out)
            assertTrue("$form: output differs\n  expected ${Json.write(expected.output!!)}\n  got      $out",
                got.sameAs(expected.output))
            return out
        } catch (e: SplitterException) {
            if (expected.code == null) fail("$form: expected output, got ${caseCode(e)} at '${e.path()}': ${e.detail()}")
            assertEquals("$form: code", expected.code, e.code())
            assertEquals("$form: exception case", expected.code, caseCode(e))
            assertEquals("$form: path", expected.path, e.path())
            // The text people read: the code, the path, then what is wrong and what to do.
            val place = if (expected.path!!.isEmpty()) "" else " at ${expected.path}"
            assertEquals("$form: message", "${expected.code}$place: ${e.detail()}", e.message)
            assertTrue("$form: the message says why: ${e.message}", e.detail().isNotBlank())
            if (expected.message != null) assertEquals("$form: the text the case fixes", expected.message, e.message)
            return null
        }
    }
}
