// The tarball in target/npm/ installs into an empty project, imports by name from Node with no
// init call, and its TypeScript declarations compile under --strict with the example usage.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ROOT, native } from './helpers.mjs';

const NPM_OUT = join(ROOT, 'target/npm');
const tools = process.env.SPLITTER_NODE_TOOLS; // node_modules with typescript (scripts/suites/wasm)
let project;
let tarball;

before(() => {
  const found = readdirSync(NPM_OUT).filter((f) => /^splitter-wasm-.*\.tgz$/.test(f));
  assert.equal(found.length, 1, `one tarball in target/npm/, found ${found}`);
  tarball = join(NPM_OUT, found[0]);
  project = mkdtempSync(join(tmpdir(), 'splitter-wasm-install-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty', private: true, type: 'module' }));
  const cache = process.env.npm_config_cache ? [] : ['--cache', join(project, '.npm-cache')];
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', ...cache, tarball], { cwd: project, stdio: 'pipe' });
});

after(() => rmSync(project, { recursive: true, force: true }));

test('the tarball holds the package and nothing else', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
  assert.deepEqual(files, [
    'package/LICENSE-APACHE', 'package/LICENSE-MIT', 'package/README.md', 'package/api.js', 'package/index.d.ts', 'package/index.js', 'package/node.js',
    'package/package.json', 'package/splitter_wasm.js', 'package/splitter_wasm_bg.wasm',
  ]);
});

test('imported by name from Node 20 with no init call, it computes', () => {
  const group = {
    currency: 'EUR', members: ['ana', 'ben', 'cy'],
    expenses: [{ id: 'dinner', amount: '100.00', paid_by: 'ana', split: { type: 'equal' } }],
  };
  writeFileSync(join(project, 'main.mjs'), `
    import { compute, SplitterError } from "splitter-wasm";
    const report = compute(${JSON.stringify(group)});
    let refused;
    try { compute({ currency: "EUR", members: ["ana"],
      expenses: [{ id: "x", amount: 1.5, paid_by: "ana", split: { type: "equal" } }] }); }
    catch (e) { refused = [e instanceof SplitterError, e.code, e.path]; }
    console.log(JSON.stringify({ transfers: report.transfers, refused }));
  `);
  const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8' }));
  assert.deepEqual(out.transfers, JSON.parse(native(JSON.stringify(group)).text).transfers);
  assert.equal(out.transfers.length, 2);
  assert.deepEqual(out.refused, [true, 'invalid_amount', 'expenses[0].amount']);
});

test("the package's own files resolve through its exports", () => {
  writeFileSync(join(project, 'exports.mjs'), `
    import pkg from "splitter-wasm/package.json" with { type: "json" };
    const wasm = import.meta.resolve("splitter-wasm/splitter_wasm_bg.wasm");
    const main = import.meta.resolve("splitter-wasm");
    console.log(JSON.stringify({ name: pkg.name, wasm: wasm.endsWith("/splitter_wasm_bg.wasm"), main: main.endsWith("/node.js") }));
  `);
  const out = JSON.parse(execFileSync(process.execPath, ['exports.mjs'], { cwd: project, encoding: 'utf8' }));
  assert.deepEqual(out, { name: 'splitter-wasm', wasm: true, main: true });
});

test('the TypeScript declarations compile under --strict, with the example usage', () => {
  assert.ok(tools, 'set SPLITTER_NODE_TOOLS to a node_modules holding typescript');
  for (const f of ['example.ts', 'tsconfig.json']) {
    copyFileSync(join(ROOT, 'bindings/wasm/tests/types', f), join(project, f));
  }
  const tsc = join(tools, 'typescript/bin/tsc');
  const run = () => execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
  assert.doesNotThrow(run, (e) => e.stdout);
  // And the checker does catch mistakes: a number amount that is not expected to fail fails.
  writeFileSync(join(project, 'example.ts'), readFileSync(join(project, 'example.ts'), 'utf8')
    .replace('// @ts-expect-error: an amount is a decimal string, never a number', ''));
  assert.throws(run, (e) => /TS2322/.test(e.stdout) && /example\.ts\(\d+,\d+\)/.test(e.stdout));
});
