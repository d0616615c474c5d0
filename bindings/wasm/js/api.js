// The package's API, the same in browsers and in Node: a thin layer over the WebAssembly engine.
// No arithmetic happens here: amounts stay strings from the caller to the engine and back.
import * as engine from './splitter_wasm.js';

/**
 * Bad input: `code` is the contract's stable error code (`"unknown_member"`, ...), `path` the
 * place in the input (`"expenses[1].split.shares.zoe"`, `""` for the whole input).
 */
export class SplitterError extends Error {
  constructor(code, message, path) {
    super(message);
    this.name = 'SplitterError';
    this.code = code;
    this.path = path;
  }
}

let ready = false;

/** Called by an entry point once the WebAssembly module is instantiated. */
export function markReady() {
  ready = true;
}

/**
 * Computes a group: an object in the contract's form, or the contract's JSON text. Returns the
 * contract's output object (amounts as strings).
 */
export function compute(group) {
  return JSON.parse(computeJson(group));
}

/**
 * Like `compute`, but returns the contract's output as JSON text: byte for byte what every
 * Splitter face returns (the core's canonical `compute_json` text).
 */
export function computeJson(group) {
  if (!ready) {
    throw new Error('splitter-wasm: the engine is not loaded yet; call `await init()` first');
  }
  if (typeof group === 'string') {
    return call(() => engine.computeJson(group));
  }
  const { text, marker } = stringify(group);
  return call(() => engine.computeHost(text, marker));
}

// Runs an engine call, turning the contract's error object (thrown as text) into a SplitterError.
function call(run) {
  try {
    return run();
  } catch (thrown) {
    if (typeof thrown === 'string' && thrown.startsWith('{"error"')) {
      const { code, message, path } = JSON.parse(thrown).error;
      throw new SplitterError(code, message, path);
    }
    throw thrown;
  }
}

// A JavaScript value as JSON text for the engine, which reads every number in it as what it was:
// a JavaScript `number`, a binary float (refused as money, accepted as a whole count). Plain
// `JSON.stringify` does it, natively, for nearly every input. Two kinds of value have no JSON
// text of their own: non-finite numbers (which JSON.stringify writes as `null`) and bigints
// (which it refuses). Only when the plain text holds a `null` or could not be made, they are
// written as strings that start with a marker that no string of the caller starts with, and the
// engine reads them back as a non-finite number and as an exact integer.
function stringify(group) {
  let plain;
  try {
    plain = JSON.stringify(group);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
  }
  if (plain !== undefined && !plain.includes('null')) {
    return { text: plain, marker: undefined };
  }
  for (let n = 0; ; n += 1) {
    const marker = `\u00a7splitter${n}\u00a7`;
    let made = 0;
    let text;
    try {
      text = JSON.stringify(group, (_key, value) => {
        if (typeof value === 'bigint') {
          made += 1;
          return `${marker}n:${value}`;
        }
        if (typeof value === 'number' && !Number.isFinite(value)) {
          made += 1;
          return `${marker}f:${value}`;
        }
        return value;
      });
    } catch (e) {
      // A cycle, or a toJSON that throws: not a tree of JSON values.
      throw new SplitterError('invalid_input', `the group is not a tree of JSON values: ${e.message}`, '');
    }
    if (text === undefined) {
      throw new SplitterError('invalid_input', `expected the group as an object or JSON text, not ${typeof group}`, '');
    }
    // Every string that starts with the marker must be one made here; else try another marker.
    if (text.split(`"${marker}`).length - 1 === made) {
      return { text, marker };
    }
  }
}
