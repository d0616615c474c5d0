// The package's API beyond the corpus: JavaScript numbers refused as money at their path, JSON
// text read exactly, bigints, non-finite numbers, errors as SplitterError, the browser entry.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { PKG, ROOT, minor, native, pkg } from './helpers.mjs';

const { compute, computeJson, SplitterError, init } = pkg;

/** A small group; `edit` changes it before it is computed. */
function group(edit = () => {}) {
  const g = {
    currency: 'EUR',
    members: ['ana', 'ben', 'cy'],
    rates: { USD: '0.92' },
    expenses: [
      { id: 'dinner', amount: '100.00', paid_by: 'ana', split: { type: 'equal' } },
      {
        id: 'taxi', amount: '30.00', currency: 'USD', paid_by: { ben: '20.00', cy: '10.00' },
        split: { type: 'shares', shares: { ana: '1', cy: '2' } },
      },
      {
        id: 'hotel', amount: '200.00', paid_by: 'cy',
        split: { type: 'percent', percent: { ana: '50', ben: '25', cy: '25' } },
      },
      { id: 'tickets', amount: '45.00', paid_by: 'ben', split: { type: 'exact', amounts: { ana: '15.00', ben: '30.00' } } },
    ],
    payments: [{ from: 'cy', to: 'ana', amount: '10.00' }],
    options: { settle: 'minimal' },
  };
  edit(g);
  return g;
}

function error(run) {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof SplitterError, `expected a SplitterError, got ${e}`);
    return e;
  }
  assert.fail('expected a SplitterError');
}

test('the spec example gives the spec numbers', () => {
  const report = compute(readFileSync(join(ROOT, 'examples/data/spec-example.json'), 'utf8'));
  assert.deepEqual(
    report.balances.map((b) => [b.member, b.paid, b.owed, b.net]),
    [['ana', '90.00', '95.20', '-5.20'], ['ben', '92.00', '57.60', '34.40'], ['cy', '28.40', '57.60', '-29.20']],
  );
  assert.deepEqual(report.transfers, [
    { from: 'ana', to: 'ben', amount: '5.20', currency: 'EUR' },
    { from: 'cy', to: 'ben', amount: '29.20', currency: 'EUR' },
  ]);
  assert.equal(report.optimal, true);
});

test('an object and its JSON text give the same canonical text as the native engine', () => {
  const g = group();
  const text = computeJson(g);
  assert.equal(text, computeJson(JSON.stringify(g)));
  assert.equal(text, native(JSON.stringify(g)).text);
  assert.deepEqual(compute(g), JSON.parse(text));
});

test('the output object is the canonical text: escapes, non-ASCII ids, group amounts, no rows', () => {
  // compute() builds the object from the engine's compact form of the report; written back it
  // must be the canonical text byte for byte (keys in order, every string the same).
  const odd = ['a"b', 'c\\d\u0001', 'é😀', 'x y', ' ', '\u2028'];
  const cases = [
    group(),
    group((g) => {
      g.members = odd;
      g.expenses = [
        { id: 'é\n1', amount: '10.00', paid_by: odd[0], split: { type: 'equal' } },
        { id: 'usd 2', amount: '10.01', currency: 'USD', paid_by: odd[2], split: { type: 'equal', members: [odd[1], odd[3]] } },
        { id: 'jpy', amount: '3001', currency: 'JPY', paid_by: odd[4], split: { type: 'shares', shares: { [odd[5]]: '1', [odd[0]]: '2' } } },
        { id: 'refund', amount: '-0.05', paid_by: odd[1], split: { type: 'equal' } },
      ];
      g.rates = { USD: '0.92', JPY: '0.0061' };
      g.payments = [];
    }),
    group((g) => {
      g.expenses = [];
      g.payments = [];
    }),
    group((g) => {
      g.currency = 'JPY';
      g.rates = {};
      g.expenses = [{ id: 'yen', amount: '1000', paid_by: 'ana', split: { type: 'equal' } }];
      g.payments = [];
      g.options = { settle: 'pairwise' };
    }),
  ];
  for (const g of cases) {
    const canonical = native(JSON.stringify(g)).text;
    assert.equal(JSON.stringify(compute(g)), canonical);
    assert.equal(JSON.stringify(compute(JSON.stringify(g))), canonical);
    assert.equal(computeJson(g), canonical);
  }
  assert.ok(compute(cases[1]).shares.some((s) => 'group_amount' in s));
  assert.equal(compute(cases[2]).shares.length, 0);
  // JSON text holding a lone surrogate itself (not escaped): the engine reads it as U+FFFD, as
  // TextEncoder writes it.
  const g = group((x) => { x.expenses[0].id = 'caf\u00e9 LONE'; });
  const lone = JSON.stringify(g).replace('LONE', '\ud800');
  const replaced = native(JSON.stringify(g).replace('LONE', '\ufffd')).text;
  assert.equal(JSON.stringify(compute(lone)), replaced);
  assert.equal(computeJson(lone), replaced);
});

test('the compact form reads the same from bytes that are not aligned', async () => {
  // What the engine hands over is aligned; the glue copies the indices out when it is not.
  const engine = await import(pathToFileURL(join(PKG, 'splitter_wasm.js')).href);
  const { fromParts } = await import(pathToFileURL(join(PKG, 'api.js')).href);
  const text = JSON.stringify(group());
  const bytes = engine.computeParts(new TextEncoder().encode(text), false, undefined);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const canonical = computeJson(text);
  assert.equal(JSON.stringify(fromParts(bytes)), canonical);
  assert.equal(JSON.stringify(fromParts(shifted.subarray(1))), canonical);
});

test('every amount in the output is a string; balances add up to zero and transfers settle them', () => {
  const report = compute(group());
  for (const b of report.balances) {
    for (const k of ['paid', 'owed', 'net']) assert.equal(typeof b[k], 'string');
  }
  for (const s of report.shares) assert.equal(typeof s.amount, 'string');
  // Exact checks in BigInt minor units (cents), never in JavaScript numbers.
  const net = new Map(report.balances.map((b) => [b.member, minor(b.net, 2)]));
  assert.equal([...net.values()].reduce((a, b) => a + b, 0n), 0n);
  for (const t of report.transfers) {
    assert.equal(typeof t.amount, 'string');
    net.set(t.from, net.get(t.from) + minor(t.amount, 2));
    net.set(t.to, net.get(t.to) - minor(t.amount, 2));
  }
  assert.deepEqual([...net.values()], [0n, 0n, 0n]);
});

test('a JavaScript number is refused as money, at its path, wherever money goes', () => {
  const places = [
    ['expenses[0].amount', (g) => { g.expenses[0].amount = 100; }],
    ['expenses[0].amount', (g) => { g.expenses[0].amount = 0.1; }],
    ['rates.USD', (g) => { g.rates.USD = 0.92; }],
    ['expenses[1].rate', (g) => { g.expenses[1].rate = 0.9; }],
    ['expenses[1].paid_by.ben', (g) => { g.expenses[1].paid_by.ben = 20; }],
    ['expenses[1].split.shares.cy', (g) => { g.expenses[1].split.shares.cy = 2; }],
    ['expenses[2].split.percent.ana', (g) => { g.expenses[2].split.percent.ana = 50; }],
    ['expenses[3].split.amounts.ben', (g) => { g.expenses[3].split.amounts.ben = 30; }],
    ['payments[0].amount', (g) => { g.payments[0].amount = 10; }],
    ['options.previous[0].amount', (g) => { g.options.previous = [{ from: 'ben', to: 'ana', amount: 5 }]; }],
  ];
  for (const [path, edit] of places) {
    const e = error(() => compute(group(edit)));
    assert.deepEqual([e.code, e.path], ['invalid_amount', path], e.message);
    assert.match(e.message, /floating-point/);
  }
});

test('non-finite numbers are refused as money too, not taken for a missing field', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const e = error(() => compute(group((g) => { g.expenses[0].amount = bad; })));
    assert.deepEqual([e.code, e.path], ['invalid_amount', 'expenses[0].amount']);
    assert.match(e.message, new RegExp(String(bad)));
  }
  const limit = error(() => compute(group((g) => { g.options.exact_limit = NaN; })));
  assert.deepEqual([limit.code, limit.path], ['invalid_option', 'options.exact_limit']);
});

test('a whole JavaScript number is a fine count (exact_limit); a fraction is not', () => {
  assert.equal(compute(group((g) => { g.options.exact_limit = 3; })).settle, 'minimal');
  const e = error(() => compute(group((g) => { g.options.exact_limit = 2.5; })));
  assert.deepEqual([e.code, e.path], ['invalid_option', 'options.exact_limit']);
});

test('a bigint is an exact integer, as money and as a count', () => {
  const withBigints = group((g) => {
    g.expenses[0].amount = 100n;
    g.expenses[1].split.shares.cy = 2n;
    g.options.exact_limit = 3n;
  });
  const withStrings = group((g) => {
    g.expenses[0].amount = '100';
    g.expenses[1].split.shares.cy = '2';
    g.options.exact_limit = 3;
  });
  assert.equal(computeJson(withBigints), computeJson(withStrings));
  const e = error(() => compute(group((g) => { g.expenses[0].amount = 10n ** 40n; })));
  assert.deepEqual([e.code, e.path], ['overflow', 'expenses[0].amount']);
});

test("a caller's string that looks like the glue's marker stays a string", () => {
  // NaN elsewhere makes the glue use its marker; a description and an amount that start like
  // a marker must not be read as numbers.
  const e = error(() => compute(group((g) => {
    g.expenses[0].description = '\u00a7splitter0\u00a7f:NaN';
    g.expenses[1].amount = '\u00a7splitter0\u00a7n:30';
    g.expenses[2].amount = NaN;
  })));
  assert.deepEqual([e.code, e.path], ['invalid_amount', 'expenses[1].amount']);
  assert.doesNotMatch(e.message, /floating-point/);
  const ok = compute(group((g) => {
    g.expenses[0].description = '\u00a7splitter0\u00a7n:5';
    g.expenses[0].category = null; // null is an absent field; it also makes the glue use a marker
  }));
  assert.deepEqual(ok, compute(group()));
});

test('JSON text is read exactly, numbers included', () => {
  const numbers = '{"currency": "EUR", "members": ["a", "b"], "expenses": [{"id": "x", "amount": 0.30, '
    + '"paid_by": "a", "split": {"type": "exact", "amounts": {"a": 0.1, "b": 0.2}}}]}';
  const strings = numbers.replace('0.30', '"0.30"').replace('0.1', '"0.1"').replace('0.2', '"0.2"');
  assert.equal(computeJson(numbers), computeJson(strings));
  assert.deepEqual(compute(numbers).transfers, [{ from: 'b', to: 'a', amount: '0.20', currency: 'EUR' }]);
});

test('repeated keys in JSON text are reported; bad JSON is invalid_json', () => {
  const repeated = error(() => compute('{"currency": "EUR", "members": ["a"], "rates": {"USD": "1", "USD": "2"}}'));
  assert.deepEqual([repeated.code, repeated.path], ['duplicate_id', 'rates.USD']);
  for (const text of ['', '{', '{"currency": "EUR",}', 'NaN']) {
    assert.equal(error(() => compute(text)).code, 'invalid_json');
  }
});

test('errors: SplitterError with the contract code, path and message', () => {
  const e = error(() => compute(group((g) => { g.expenses[1].split.shares.zoe = '1'; })));
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'SplitterError');
  assert.equal(e.code, 'unknown_member');
  assert.equal(e.path, 'expenses[1].split.shares.zoe');
  assert.match(e.message, /zoe/);
  assert.match(String(e), /^SplitterError: /);
  const mismatch = error(() => compute(group((g) => { g.expenses[3].split.amounts.ben = '29.99'; })));
  assert.deepEqual([mismatch.code, mismatch.path], ['split_mismatch', 'expenses[3].split.amounts']);
});

test('the message names the code, the path and what to do: String(err) too', () => {
  // A JavaScript number deep in a big group: which amount it is, and what to write instead.
  const members = ['ana', 'ben', 'cy', 'dee'];
  const big = {
    currency: 'EUR',
    members,
    expenses: Array.from({ length: 300 }, (_, i) => ({
      id: `e${i + 1}`, amount: `${i + 1}.25`, paid_by: members[i % 4], split: { type: 'equal' },
    })),
  };
  big.expenses[236].amount = 12.5;
  const e = error(() => compute(big));
  assert.deepEqual([e.code, e.path], ['invalid_amount', 'expenses[236].amount']);
  const text = 'invalid_amount at expenses[236].amount: a floating-point number (12.5) is not accepted for '
    + 'money: it may already have lost precision; pass a decimal string such as "12.30"';
  assert.equal(e.message, text);
  assert.equal(String(e), `SplitterError: ${text}`);
  // A typo: reported as the unknown field it is, with the field it likely stands for.
  const typo = group((g) => { g.expenses[0].amout = g.expenses[0].amount; delete g.expenses[0].amount; });
  for (const form of [typo, JSON.stringify(typo)]) {
    const t = error(() => compute(form));
    assert.deepEqual([t.code, t.path], ['invalid_input', 'expenses[0].amout']);
    assert.equal(t.message, "invalid_input at expenses[0].amout: unknown field 'amout'; did you mean 'amount'? "
      + '(an expense has id, amount, currency, rate, paid_by, split, description, date and category)');
    // computeJson throws the same error.
    assert.equal(error(() => computeJson(form)).message, t.message);
  }
  // Errors about the whole input have no path and read "code: ...".
  const whole = error(() => compute('{"currency": "EUR",'));
  assert.deepEqual([whole.code, whole.path], ['invalid_json', '']);
  assert.match(whole.message, /^invalid_json: the input is not valid JSON: .* at line 1 column 20; correct the text there$/);
  assert.equal(error(() => compute(undefined)).message, 'invalid_input: expected the group as an object or JSON text, not undefined');
  assert.equal(error(() => compute(42)).message,
    'invalid_input: the group must be an object with currency and members, not a floating-point number');
});

test('what is not a tree of JSON values is invalid_input', () => {
  const cyclic = group();
  cyclic.expenses[0].split.self = cyclic;
  const e = error(() => compute(cyclic));
  assert.deepEqual([e.code, e.path], ['invalid_input', '']);
  assert.match(e.message, /^invalid_input: the group is not a tree of JSON values \(.*\); remove the cycle/s);
  for (const bad of [undefined, () => 1, Symbol('x')]) {
    assert.equal(error(() => compute(bad)).code, 'invalid_input');
  }
  assert.deepEqual(
    [error(() => compute(42)).code, error(() => compute([group()])).code],
    ['invalid_input', 'invalid_input'],
  );
});

test('objects with toJSON (decimal libraries, Date) are read by it', () => {
  class Money {
    constructor(text) { this.text = text; }
    toJSON() { return this.text; }
  }
  const g = group((g) => {
    g.expenses[0].amount = new Money('100.00');
    g.expenses[0].date = { toJSON: () => '2024-05-31' };
  });
  assert.deepEqual(compute(g), compute(group()));
});

test('options: pairwise and greedy settle the same balances', () => {
  const minimal = compute(group());
  for (const settle of ['pairwise', 'greedy']) {
    const r = compute(group((g) => { g.options.settle = settle; }));
    assert.equal(r.settle, settle);
    assert.deepEqual(r.balances, minimal.balances);
    assert.equal(computeJson(group((g) => { g.options.settle = settle; })), native(JSON.stringify(group((g) => { g.options.settle = settle; }))).text);
  }
});

test('init() in Node resolves at once; compute works right after import', async () => {
  await init();
  assert.equal(compute(group()).currency, 'EUR');
});

test('the browser entry needs init(), then gives the same results', () => {
  // In a process of its own, so that the engine is not already loaded by the Node entry.
  const script = `
    import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
    const browser = await import(${JSON.stringify(pathToFileURL(join(PKG, 'index.js')).href)});
    const g = { currency: 'JPY', members: ['a', 'b'],
      expenses: [{ id: 'x', amount: '1001', paid_by: 'a', split: { type: 'equal' } }] };
    let before;
    try { browser.compute(g); } catch (e) { before = e.message; }
    await browser.init(readFileSync(new URL('splitter_wasm_bg.wasm', ${JSON.stringify(pathToFileURL(PKG + '/').href)})));
    await browser.init();
    let error;
    try { browser.compute('{'); } catch (e) { error = [e.name, e.code, e instanceof browser.SplitterError]; }
    console.log(JSON.stringify({ before, text: browser.computeJson(g), error }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.match(out.before, /await init\(\)/);
  const g = { currency: 'JPY', members: ['a', 'b'], expenses: [{ id: 'x', amount: '1001', paid_by: 'a', split: { type: 'equal' } }] };
  assert.equal(out.text, computeJson(g));
  assert.deepEqual(out.error, ['SplitterError', 'invalid_json', true]);
});
