// Shared by the node tests: where things are, the corpus, and the native engine to compare with.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The staged npm package (what `npm pack` packed): SPLITTER_WASM_PKG or target/npm/pkg. */
export const PKG = resolve(process.env.SPLITTER_WASM_PKG ?? join(ROOT, 'target/npm/pkg'));

/** The package's Node entry, as the tests import it. */
export const pkg = await import(pathToFileURL(join(PKG, 'node.js')).href);

/** The native command-line tool (splitter --json), the reference the package must match. */
export function nativeCli() {
  const cli = process.env.SPLITTER_CLI;
  if (!cli || !existsSync(cli)) {
    throw new Error('set SPLITTER_CLI to the native `splitter` binary (scripts/suites/wasm does)');
  }
  return cli;
}

/**
 * The native engine's answer for JSON text: `{ ok: true, text }` with compute_json's canonical
 * text, or `{ ok: false, error }` with the contract's error object.
 */
export function native(text, ...args) {
  try {
    const out = execFileSync(nativeCli(), ['--json', ...args, '-'], { input: text, encoding: 'utf8', maxBuffer: 1 << 30 });
    return { ok: true, text: out.replace(/\n$/, '') };
  } catch (e) {
    if (e.status === 1 && e.stdout) return { ok: false, error: JSON.parse(e.stdout).error };
    throw e;
  }
}

/**
 * Skips one JSON value starting at `i` in `text` (which is valid JSON); returns the index after
 * it. String-aware, so braces inside strings do not count.
 */
function skipValue(text, i) {
  let depth = 0;
  for (; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      for (i += 1; text[i] !== '"'; i += text[i] === '\\' ? 2 : 1);
      if (depth === 0) return i + 1;
    } else if (c === '{' || c === '[') {
      depth += 1;
    } else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && /[-0-9tfn]/.test(c)) {
      const m = /^(-?[0-9.eE+-]+|true|false|null)/.exec(text.slice(i));
      return i + m[0].length;
    }
  }
  return i;
}

/** The exact text of the value of the top-level `key` in the JSON object `text`. */
export function rawMember(text, key) {
  let i = text.indexOf('{') + 1;
  while (i < text.length) {
    const start = text.indexOf('"', i);
    const end = skipValue(text, start);
    const name = JSON.parse(text.slice(start, end));
    const colon = text.indexOf(':', end);
    const valueStart = colon + 1 + /^\s*/.exec(text.slice(colon + 1))[0].length;
    const valueEnd = skipValue(text, valueStart);
    if (name === key) return text.slice(valueStart, valueEnd);
    i = text.indexOf(',', valueEnd);
    if (i < 0) break;
  }
  throw new Error(`no member ${key}`);
}

/** JSON text with every number written as a string of its exact text (`1.10` -> `"1.10"`). */
export function numbersAsStrings(text) {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '"') {
      const end = skipValue(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?[0-9.eE+-]+/.exec(text.slice(i));
      out += JSON.stringify(m[0]);
      i += m[0].length;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Paths (in the contract's notation) of every number in a parsed value, with the value. */
export function numberPaths(value, path = '') {
  if (typeof value === 'number') return [path];
  const join = (key) => (path === '' ? key : `${path}.${key}`);
  if (Array.isArray(value)) return value.flatMap((v, i) => numberPaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numberPaths(v, join(k)));
  }
  return [];
}

/**
 * Every case of testdata/: `{ name, case, inputText }`, where `inputText` is the exact text of
 * the case's input (its `input_text`, or the text of its `input` as written in the file).
 */
export function corpus() {
  const dir = join(ROOT, 'testdata');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const c = JSON.parse(text);
      const inputText = 'input_text' in c ? c.input_text : rawMember(text, 'input');
      return { name: f.replace(/\.json$/, ''), case: c, inputText };
    });
}

/**
 * Minor units of a decimal string as a BigInt, at `decimals` places: exact arithmetic for checks
 * (never a JavaScript number).
 */
export function minor(amount, decimals) {
  const negative = amount.startsWith('-');
  const [int, frac = ''] = (negative ? amount.slice(1) : amount).split('.');
  if (frac.length > decimals) throw new Error(`${amount} has more than ${decimals} decimals`);
  const units = BigInt(int + frac.padEnd(decimals, '0'));
  return negative ? -units : units;
}
