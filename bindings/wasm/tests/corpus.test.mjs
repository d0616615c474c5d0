// Every testdata/ case through the package, from JSON text and from JavaScript objects: exactly
// the expected output (as JSON values) and byte for byte the native engine's canonical text, or
// the expected error (code and path; the message too is the native engine's).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { corpus, native, numberPaths, numbersAsStrings, pkg } from './helpers.mjs';

const { compute, computeJson, SplitterError } = pkg;

/** Runs `run`, which must throw a SplitterError; returns it. */
function thrown(run) {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof SplitterError, `expected a SplitterError, got ${e}`);
    assert.ok(e instanceof Error);
    return e;
  }
  assert.fail('expected a SplitterError, got a result');
}

/** The code and path a case expects (its `message`, when it fixes one, is checked apart). */
function expectedError(c) {
  return { code: c.error.code, path: c.error.path };
}

/** The answer a case expects from JavaScript objects: the case's, unless a number is in the way. */
function expectedFromObjects(c, value) {
  // A JavaScript number is a binary float: refused as money, accepted as a count (exact_limit).
  const floats = numberPaths(value).filter((p) => p !== 'options.exact_limit');
  if (floats.length === 0) return { same: true };
  if (c.error && c.error.code === 'invalid_input' && floats.includes(c.error.path)) {
    return { same: true }; // a number where a string belongs: the case's own error
  }
  return { same: false, code: 'invalid_amount', paths: floats };
}

for (const { name, case: c, inputText } of corpus()) {
  describe(name, () => {
    test('from JSON text', () => {
      const reference = native(inputText);
      if (c.error) {
        const e = thrown(() => compute(inputText));
        assert.deepEqual({ code: e.code, path: e.path }, expectedError(c));
        if (c.error.message !== undefined) assert.equal(e.message, c.error.message, 'the text the case fixes');
        assert.equal(reference.ok, false);
        assert.deepEqual({ code: e.code, message: e.message, path: e.path }, reference.error);
        thrown(() => computeJson(inputText));
      } else {
        const report = compute(inputText);
        assert.deepEqual(report, c.output);
        const text = computeJson(inputText);
        assert.deepEqual(JSON.parse(text), c.output);
        assert.equal(reference.ok, true);
        assert.equal(text, reference.text, 'byte for byte the native compute_json text');
        // The object compute() builds from the engine's compact form, written back: the same
        // keys in the same order and the same strings as the canonical text.
        assert.equal(JSON.stringify(report), reference.text, 'the output object is the canonical text');
      }
    });

    if (!('input' in c)) return; // text that no JavaScript object can be (not JSON, repeated keys)

    test('from JavaScript objects', () => {
      const value = JSON.parse(inputText); // JSON numbers become JavaScript numbers here
      const expected = expectedFromObjects(c, value);
      if (!expected.same) {
        const e = thrown(() => compute(value));
        assert.equal(e.code, expected.code);
        assert.ok(expected.paths.includes(e.path), `${e.path} is one of ${expected.paths}`);
      } else if (c.error) {
        const e = thrown(() => compute(value));
        assert.deepEqual({ code: e.code, path: e.path }, expectedError(c));
        if (c.error.message !== undefined) assert.equal(e.message, c.error.message, 'the text the case fixes');
      } else {
        const report = compute(value);
        assert.deepEqual(report, c.output);
        const reference = native(inputText).text;
        assert.equal(computeJson(value), reference, 'byte for byte from objects too');
        assert.equal(JSON.stringify(report), reference, 'the output object is the canonical text');
      }
    });

    if (c.error || numberPaths(c.input).length === 0) return;

    test('from JavaScript objects, numbers written as exact strings', () => {
      // What a JavaScript caller does with the amounts of this case: strings of their exact text.
      const value = JSON.parse(numbersAsStrings(inputText));
      if (value.options && typeof value.options.exact_limit === 'string') {
        value.options.exact_limit = Number(value.options.exact_limit); // a count stays a number
      }
      assert.deepEqual(compute(value), c.output);
    });
  });
}
