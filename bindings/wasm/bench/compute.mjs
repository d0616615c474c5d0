// The package's speed in Node on the N-expense benchmark group, against native Rust measured in
// the same run:
//
//   bash bindings/wasm/build.sh                       # the package, in target/npm/pkg/
//   node bindings/wasm/bench/compute.mjs [options]
//
// Options (all optional):
//   --n N          expenses in the group (default 100000)
//   --runs R       timed runs of each measurement; the median and the fastest are reported (7)
//   --warmup W     untimed runs before them (2)
//   --pkg DIR      the staged package (default $SPLITTER_WASM_PKG, else <root>/target/npm/pkg)
//   --root DIR     the workspace whose native engine is measured (default: this file's)
//   --group FILE   where the group's JSON is written (default <root>/target/wasm-bench/group-N.json)
//   --no-native    do not run the native example; FILE must exist, no ratios are printed
//   --json FILE    also write the numbers as JSON
//
// Native figures: `cargo run --release -p splitter-benches --example group_file N FILE` writes
// the group and prints the median of 7 of the typed `compute` (`rust_ms`) and of `compute_json`
// on the file's text (`rust_json_ms`). The package is then timed on the same file, in this order:
// the first `compute(object)` of the process (one sample: what a program that computes once
// sees), then medians of `compute` of the parsed object (JSON.parse of the file: its amounts
// are strings, so nothing is lost) and of the text, `computeJson` of the text and of the object,
// and the parts of `compute(object)`: JSON.stringify of the object, TextEncoder, the engine call,
// and building the output object (for a package built before the compact output: the engine's
// `computeHost` and JSON.parse of its text). Before timing, the output is checked: the text of
// `computeJson(object)` equals `computeJson(text)`'s and `JSON.stringify` of both `compute`
// results; its SHA-256 is printed, so that two builds can be compared byte for byte.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    pkg: { type: 'string' },
    root: { type: 'string' },
    group: { type: 'string' },
    'no-native': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const root = resolve(opt.root ?? join(dirname(fileURLToPath(import.meta.url)), '../../..'));
const n = Number(opt.n);
const runs = Number(opt.runs);
const warmup = Number(opt.warmup);
const pkgDir = resolve(opt.pkg ?? process.env.SPLITTER_WASM_PKG ?? join(root, 'target/npm/pkg'));
const groupFile = resolve(opt.group ?? join(root, `target/wasm-bench/group-${n}.json`));

let native = null;
if (!opt['no-native']) {
  mkdirSync(dirname(groupFile), { recursive: true });
  process.stderr.write(`native: cargo run --release -p splitter-benches --example group_file ${n} ${groupFile}\n`);
  const out = execFileSync(
    'cargo',
    ['run', '-q', '--release', '-p', 'splitter-benches', '--example', 'group_file', String(n), groupFile],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const field = (name) => Number(new RegExp(`^${name} ([0-9.]+)$`, 'm').exec(out)[1]);
  native = { compute_ms: field('rust_ms'), compute_json_ms: field('rust_json_ms') };
} else if (!existsSync(groupFile)) {
  throw new Error(`--no-native: ${groupFile} does not exist`);
}

const pkg = await import(pathToFileURL(join(pkgDir, 'node.js')).href);
// The same module instance node.js loaded: the raw engine export, for the parts' timings.
const engine = await import(pathToFileURL(join(pkgDir, 'splitter_wasm.js')).href);

const text = readFileSync(groupFile, 'utf8');
const object = JSON.parse(text);
if (object.expenses.length !== n) throw new Error(`${groupFile} has ${object.expenses.length} expenses, not ${n}`);

// The first call in a fresh process, as a program that computes once sees it (one sample).
const started = performance.now();
pkg.compute(object);
const firstMs = performance.now() - started;
const first = { median: firstMs, min: firstMs };

const canonical = pkg.computeJson(object);
if (canonical !== pkg.computeJson(text)) throw new Error('computeJson(object) and computeJson(text) differ');
// The output object, written back, is the canonical text: the same keys in the same order, the
// same strings.
if (JSON.stringify(pkg.compute(object)) !== canonical) throw new Error('compute(object) is not the canonical output');
if (JSON.stringify(pkg.compute(text)) !== canonical) throw new Error('compute(text) is not the canonical output');
const sha256 = createHash('sha256').update(canonical).digest('hex');

/** Median and fastest of `runs` timed calls of `run` after `warmup` untimed ones, in ms. */
function time(run) {
  for (let i = 0; i < warmup; i += 1) run();
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

// The parts of compute(object), as the package makes them (this build's engine, or an older
// one's: text in, canonical text out).
const stringified = JSON.stringify(object);
const compact = typeof engine.computeParts === 'function';
const api = await import(pathToFileURL(join(pkgDir, 'api.js')).href);
const bytes = new TextEncoder().encode(stringified);
const engineCall = compact
  ? () => engine.computeParts(bytes, true, undefined)
  : () => engine.computeHost(stringified, undefined);
const engineOut = engineCall();
const results = {
  'compute(object), first call': first,
  'compute(object)': time(() => pkg.compute(object)),
  'compute(JSON text)': time(() => pkg.compute(text)),
  'computeJson(JSON text)': time(() => pkg.computeJson(text)),
  'computeJson(object)': time(() => pkg.computeJson(object)),
  '  of compute(object): JSON.stringify': time(() => JSON.stringify(object)),
  ...(compact ? { '  of compute(object): TextEncoder': time(() => new TextEncoder().encode(stringified)) } : {}),
  [`  of compute(object): ${compact ? 'computeParts' : 'computeHost'}`]: time(engineCall),
  [`  of compute(object): ${compact ? 'the object from the parts' : 'JSON.parse of the output'}`]: compact
    ? time(() => api.fromParts(engineOut))
    : time(() => JSON.parse(engineOut)),
};

const fmt = (ms) => ms.toFixed(1).padStart(8);
console.log(`${n} expenses, node ${process.version}, package ${pkgDir}`);
console.log(`output: ${canonical.length} bytes, sha256 ${sha256}`);
console.log(`${'(ms)'.padEnd(44)}${'median'.padStart(8)} ${'fastest'.padStart(8)}${native ? '   median / native compute_json' : ''}`);
if (native) {
  console.log(`${'native compute (typed Group)'.padEnd(44)}${fmt(native.compute_ms)}`);
  console.log(`${'native compute_json'.padEnd(44)}${fmt(native.compute_json_ms)}`);
}
for (const [name, { median, min }] of Object.entries(results)) {
  const ratio = native && !name.startsWith(' ') ? `   ${(median / native.compute_json_ms).toFixed(2)}x` : '';
  console.log(`${name.padEnd(44)}${fmt(median)} ${fmt(min)}${ratio}`);
}
if (opt.json) {
  writeFileSync(opt.json, JSON.stringify({ n, runs, warmup, node: process.version, sha256, native, results }, null, 2));
}
