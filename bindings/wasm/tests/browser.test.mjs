// examples/web in real headless Chromium (Debian's chromium, driven by playwright-core): members
// and expenses are added through the page, and the transfers and balances it shows are checked
// against the native engine (the `splitter` CLI) on the same group. Then the package's speed in
// the browser on the 10,000-expense benchmark group (SPLITTER_BENCH_DIR/group.json), written to
// SPLITTER_BENCH_DIR/browser.json for scripts/suites/wasm to compare with native times.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { serve } from '../../../examples/web/serve.mjs';
import { ROOT, minor, native } from './helpers.mjs';

const tools = process.env.SPLITTER_NODE_TOOLS; // node_modules with playwright-core
const benchDir = process.env.SPLITTER_BENCH_DIR;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let server;
let browser;
let page;
let origin;
const requests = [];
const problems = [];

before(async () => {
  assert.ok(tools, 'set SPLITTER_NODE_TOOLS to a node_modules holding playwright-core');
  const { chromium } = createRequire(join(tools, 'noop.js'))('playwright-core');
  const mounts = [['/', join(ROOT, 'examples/web')]];
  if (benchDir) mounts.push(['/bench', benchDir]);
  server = await serve(mounts);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ locale: 'en-US' });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** What the page shows: transfers and balances, as the engine's strings. */
async function shown() {
  return page.evaluate(() => ({
    transfers: [...document.querySelectorAll('#transfers li.transfer')].map((li) => ({
      from: li.dataset.from, to: li.dataset.to, amount: li.dataset.amount, currency: li.dataset.currency,
    })),
    balances: [...document.querySelectorAll('#balances tbody tr')].map((tr) => {
      const { member, paid, owed, net } = tr.dataset; // the engine's strings (the cells format them)
      return { member, paid, owed, net };
    }),
    status: document.querySelector('#status').hidden ? '' : document.querySelector('#status').textContent,
    group: JSON.parse(document.querySelector('#group-json').textContent),
  }));
}

async function addMember(name) {
  await page.fill('#member-name', name);
  await page.click('#add-member');
  await page.waitForSelector(`#members li[data-member="${name}"]`);
}

/** Fills the expense form like a person: `parts` maps member to the text typed (or false to untick). */
async function addExpense({ description, amount, payer, split, parts = {} }) {
  const before = await page.locator('#expenses tbody tr').count();
  await page.fill('#expense-description', description);
  await page.fill('#expense-amount', amount);
  await page.selectOption('#expense-payer', payer);
  await page.selectOption('#expense-split', split);
  for (const [member, value] of Object.entries(parts)) {
    const input = page.locator(`#split-table tr[data-member="${member}"] input`);
    if (value === false) await input.uncheck();
    else await input.fill(value);
  }
  await page.click('#add-expense');
  return before;
}

// The group the test enters through the page, in the contract's form (ids e1, e2, ... in order).
const MEMBERS = ['ana', 'ben', 'cy', 'dan'];
const EXPENSES = [
  { description: 'dinner', amount: '100.00', payer: 'ana', split: 'equal',
    expect: { type: 'equal', members: MEMBERS } },
  { description: 'taxi', amount: '30.00', payer: 'ben', split: 'shares', parts: { ana: '1', cy: '2' },
    expect: { type: 'shares', shares: { ana: '1', cy: '2' } } },
  { description: 'hotel', amount: '240.00', payer: 'cy', split: 'percent', parts: { ana: '50', ben: '25', cy: '25' },
    expect: { type: 'percent', percent: { ana: '50', ben: '25', cy: '25' } } },
  { description: 'museum', amount: '45.00', payer: 'dan', split: 'exact', parts: { ben: '15.00', cy: '30.00' },
    expect: { type: 'exact', amounts: { ben: '15.00', cy: '30.00' } } },
  { description: 'groceries', amount: '10.01', payer: 'ben', split: 'equal', parts: { dan: false },
    expect: { type: 'equal', members: ['ana', 'ben', 'cy'] } },
];

function expectedGroup(settle) {
  return {
    currency: 'EUR',
    members: MEMBERS,
    expenses: EXPENSES.map((e, i) => ({
      id: `e${i + 1}`, description: e.description, amount: e.amount, paid_by: e.payer, split: e.expect,
    })),
    options: { settle },
  };
}

describe('examples/web in headless Chromium', () => {
  test('members and expenses added through the page give the native engine\'s transfers', async () => {
    await page.click('#clear');
    for (const m of MEMBERS) await addMember(m);
    for (const e of EXPENSES) {
      const before = await addExpense(e);
      await page.waitForFunction((n) => document.querySelectorAll('#expenses tbody tr').length === n + 1, before);
    }
    const view = await shown();
    assert.equal(view.status, '');
    assert.deepEqual(view.group, expectedGroup('minimal'), 'the page built the group that was typed');
    const reference = JSON.parse(native(JSON.stringify(expectedGroup('minimal'))).text);
    assert.ok(reference.transfers.length > 0);
    assert.deepEqual(view.transfers, reference.transfers);
    assert.deepEqual(view.balances, reference.balances.map(({ member, paid, owed, net }) => ({ member, paid, owed, net })));
    // And they settle: every balance shown plus the transfers shown is exactly zero (BigInt cents).
    const net = new Map(view.balances.map((b) => [b.member, minor(b.net, 2)]));
    for (const t of view.transfers) {
      net.set(t.from, net.get(t.from) + minor(t.amount, 2));
      net.set(t.to, net.get(t.to) - minor(t.amount, 2));
    }
    assert.deepEqual([...new Set(net.values())], [0n]);
  });

  test('an expense whose parts do not add up is refused at the form, in words', async () => {
    const count = await page.locator('#expenses tbody tr').count();
    await addExpense({ description: 'bad', amount: '20.00', payer: 'ana', split: 'exact', parts: { ana: '10.00', ben: '9.99' } });
    await page.waitForSelector('#expense-form .error-box');
    assert.equal(await page.textContent('#expense-form .field-error'),
      'The amounts for “bad” add up to €19.99 but the expense is €20.00: €0.01 still to share out.');
    assert.match(await page.textContent('#expense-form details.support code'), /^split_mismatch at expenses\[5\]\.split\.amounts: /);
    assert.equal(await page.locator('#expenses tbody tr').count(), count);
    await page.fill('#expense-amount', '12.345');
    await page.click('#add-expense');
    await page.waitForSelector('#expense-amount[aria-invalid="true"]');
    assert.match(await page.textContent('#expense-form details.support code'), /^too_precise at expenses\[5\]\.amount: /);
  });

  test('switching to pairwise shows the pairwise transfers, and back', async () => {
    const minimal = (await shown()).transfers;
    await page.check('input[name="settle"][value="pairwise"]');
    await page.waitForFunction(() => document.querySelector('#group-json').textContent.includes('"pairwise"'));
    const view = await shown();
    const reference = JSON.parse(native(JSON.stringify(expectedGroup('pairwise'))).text);
    assert.equal(reference.settle, 'pairwise');
    assert.deepEqual(view.transfers, reference.transfers);
    assert.notDeepEqual(view.transfers, minimal, 'this group settles differently pairwise');
    assert.ok(view.transfers.length > minimal.length);
    await page.check('input[name="settle"][value="minimal"]');
    await page.waitForFunction(() => document.querySelector('#group-json').textContent.includes('"minimal"'));
    assert.deepEqual((await shown()).transfers, minimal);
  });

  test('the group survives a reload (localStorage), and the example trip loads', async () => {
    const before = await shown();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    assert.deepEqual(await shown(), before);
    await page.click('#load-example');
    const example = await shown();
    assert.equal(example.status, '');
    assert.deepEqual(example.transfers, JSON.parse(native(JSON.stringify(example.group)).text).transfers);
    if (process.env.SPLITTER_SCREENSHOT) await page.screenshot({ path: process.env.SPLITTER_SCREENSHOT, fullPage: true });
  });

  test('the page used no network but its own server, and logged no error', () => {
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`));
    assert.deepEqual(foreign, []);
    assert.ok(requests.some((u) => u.endsWith('/pkg/splitter_wasm_bg.wasm')));
    assert.deepEqual(problems, []);
  });

  test('speed: the 10,000-expense group in Chromium (median of 7 after 2 warm-ups)', async () => {
    assert.ok(benchDir, 'set SPLITTER_BENCH_DIR to a folder holding group.json (scripts/suites/wasm does)');
    const result = await page.evaluate(async () => {
      const { compute, computeJson } = await import('/pkg/index.js');
      const text = await (await fetch('/bench/group.json')).text();
      const object = JSON.parse(text); // amounts are strings in this file, so no number is lost
      const median = (run) => {
        for (let i = 0; i < 2; i += 1) run();
        const times = [];
        for (let i = 0; i < 7; i += 1) {
          const t = performance.now();
          run();
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        return times[3];
      };
      return {
        object_ms: median(() => compute(object)),
        text_ms: median(() => compute(text)),
        text_to_text_ms: median(() => computeJson(text)),
        canonical: computeJson(object),
        expenses: object.expenses.length,
        userAgent: navigator.userAgent,
      };
    });
    assert.equal(result.expenses, 10000);
    const reference = native(readFileSync(join(benchDir, 'group.json'), 'utf8'));
    assert.equal(result.canonical, reference.text, 'byte for byte the native output');
    const { canonical, ...numbers } = result;
    writeFileSync(join(benchDir, 'browser.json'), JSON.stringify(numbers));
  });
});
