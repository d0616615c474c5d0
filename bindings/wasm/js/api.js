// The package's API, the same in browsers and in Node: a thin layer over the WebAssembly engine.
// No arithmetic happens here: amounts stay strings from the caller to the engine and back.
import * as engine from './splitter_wasm.js';

/**
 * Bad input: `code` is the contract's stable error code (`"unknown_member"`, ...), `path` the
 * place in the input (`"expenses[1].split.shares.zoe"`, `""` for the whole input), `message` the
 * text for people, the same in every Splitter face: `code at path: what is wrong; what to do`.
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
  loaded();
  // The engine hands the report over in a compact form (see `fromParts`): the same object as
  // JSON.parse of the canonical text, made several times faster.
  if (typeof group === 'string') {
    return fromParts(call(() => engine.computeParts(utf8(group), false, undefined)));
  }
  const { text, marker } = stringify(group);
  return fromParts(call(() => engine.computeParts(utf8(text), true, marker)));
}

/**
 * Like `compute`, but returns the contract's output as JSON text: byte for byte what every
 * Splitter face returns (the core's canonical `compute_json` text).
 */
export function computeJson(group) {
  loaded();
  if (typeof group === 'string') {
    return call(() => engine.computeJson(utf8(group)));
  }
  const { text, marker } = stringify(group);
  return call(() => engine.computeHost(utf8(text), marker));
}

function loaded() {
  if (!ready) {
    throw new Error('splitter-wasm: the engine is not loaded yet; call `await init()` first');
  }
}

const encoder = new TextEncoder();

// Text as UTF-8 bytes for the engine. TextEncoder writes them natively; handing the engine a
// string would have its glue copy it a character at a time in JavaScript, several times slower
// on a large group. Both write a lone surrogate as U+FFFD.
function utf8(text) {
  return encoder.encode(text);
}

const decoder = new TextDecoder();
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The output object from the engine's compact form of the report (src/parts.rs): bytes in three
// sections. A JSON text `{r, e, m, c, g}` (its byte length first, 4 bytes little-endian): `r` is
// the report with no share rows; `e`, `m`, `c` the distinct expense ids, member ids and
// currencies of the rows; `g` the rows that have a group_amount (row, amount, ...). Then the
// distinct amounts, one space between two (its length first). Then, from a multiple of 4 bytes
// on, four 32-bit indices per row: into e, m, c and the amounts. Every row is made by one object
// literal, with the keys in the canonical order, and shares its strings with the other rows;
// the rows take the place of `r.shares`, so the report's keys keep their order too. Exported
// for bench/compute.mjs (the package's `exports` map does not reach this module).
export function fromParts(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const section = () => {
    const len = view.getUint32(at, true);
    const text = decoder.decode(bytes.subarray(at + 4, at + 4 + len));
    at += 4 + len;
    return text;
  };
  const { r, e, m, c, g } = JSON.parse(section());
  const amounts = section();
  const a = amounts === '' ? [] : amounts.split(' ');
  at = (at + 3) & ~3;
  const n = (bytes.byteLength - at) >> 4;
  // wasm-bindgen hands the bytes over in a buffer of their own, so the indices are aligned and
  // read in place, unless they are not aligned or this platform is big-endian.
  let s;
  if (littleEndian && (bytes.byteOffset + at) % 4 === 0) {
    s = new Uint32Array(bytes.buffer, bytes.byteOffset + at, 4 * n);
  } else {
    s = new Uint32Array(4 * n);
    for (let i = 0; i < s.length; i += 1) s[i] = view.getUint32(at + 4 * i, true);
  }
  const shares = new Array(n);
  let k = 0;
  let next = g.length > 0 ? g[0] : -1;
  for (let i = 0, j = 0; i < n; i += 1, j += 4) {
    if (i === next) {
      shares[i] = { expense: e[s[j]], member: m[s[j + 1]], currency: c[s[j + 2]], amount: a[s[j + 3]], group_amount: g[k + 1] };
      k += 2;
      next = k < g.length ? g[k] : -1;
    } else {
      shares[i] = { expense: e[s[j]], member: m[s[j + 1]], currency: c[s[j + 2]], amount: a[s[j + 3]] };
    }
  }
  r.shares = shares;
  return r;
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

// An `invalid_input` about the group as a whole, found here rather than by the engine; its text
// is made by the engine, in the one format of every error.
function refusal(message) {
  return new SplitterError('invalid_input', engine.errorText('invalid_input', '', message), '');
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
      throw refusal(`the group is not a tree of JSON values (${e.message}); remove the cycle or the failing toJSON`);
    }
    if (text === undefined) {
      throw refusal(`expected the group as an object or JSON text, not ${typeof group}`);
    }
    // Every string that starts with the marker must be one made here; else try another marker.
    if (text.split(`"${marker}`).length - 1 === made) {
      return { text, marker };
    }
  }
}
