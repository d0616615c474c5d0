// Runs the JUnit tests and prints one line per failure and a count: JUnit's own "OK (N tests)"
// is not a count the project's test script reads.
package splitter.tests

import kotlin.system.exitProcess
import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener

fun main() {
    val core = JUnitCore()
    core.addListener(object : RunListener() {
        override fun testFailure(failure: Failure) {
            val why = (failure.message ?: failure.exception.toString()).lines().joinToString("\n    ")
            println("FAIL ${failure.description.displayName}: $why")
        }
    })
    val result = core.run(CorpusTest::class.java, ApiTest::class.java)
    val failed = result.failureCount
    val passed = result.runCount - failed
    for ((name, why) in CorpusTest.jsonOnly) println("  computeJson only: $name ($why)")
    println("corpus: ${CorpusTest.typed.get()} cases through typed records and computeJson, " +
        "${CorpusTest.jsonOnly.size} through computeJson only (not expressible as records, listed above)")
    println("junit results: $passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}
